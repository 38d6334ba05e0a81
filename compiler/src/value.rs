//! Values: what evaluation produces.
//!
//! Every [`Value`] carries the [`Span`] of the expression that produced it
//! (its provenance), so errors found on values point at the line the user
//! wrote. [`ValueKind::Invalid`] stands in for a value whose error is already
//! reported: operations on it yield `Invalid` silently, so one mistake gives
//! one diagnostic. A [`Secret`] never shows its ciphertext in `Debug` or
//! `Display`.

use crate::eval::object::{Arena, ObjId};
use crate::quantity::Quantity;
use digit_lang::Span;
use std::fmt;
use std::rc::Rc;

/// An evaluated value and where it came from.
#[derive(Clone)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
}

#[derive(Clone)]
pub enum ValueKind {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Quantity(Rc<Quantity>),
    Secret(Rc<Secret>),
    List(Rc<Vec<Value>>),
    /// A record, map, schema instance or module: an object of the
    /// evaluation's [`Arena`].
    Object(ObjId),
    /// The result of an error already reported.
    Invalid,
}

/// An encrypted value: the `dg1:...` envelope and, once stored at a field
/// typed `Secret`, its path (`secrets.db.password`).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    ciphertext: Rc<str>,
    pub path: Option<Rc<str>>,
}

impl Secret {
    pub fn new(ciphertext: Rc<str>) -> Self {
        Secret {
            ciphertext,
            path: None,
        }
    }

    pub fn with_path(&self, path: Rc<str>) -> Self {
        Secret {
            ciphertext: self.ciphertext.clone(),
            path: Some(path),
        }
    }

    /// The envelope text, for the decrypting build step only.
    pub fn ciphertext(&self) -> &str {
        &self.ciphertext
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(p) => write!(f, "Secret({p})"),
            None => f.write_str("Secret(<redacted>)"),
        }
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<secret>")
    }
}

impl Value {
    pub fn new(kind: ValueKind, span: Span) -> Self {
        Value { kind, span }
    }

    pub fn invalid(span: Span) -> Self {
        Value {
            kind: ValueKind::Invalid,
            span,
        }
    }

    pub fn str(s: impl Into<Rc<str>>, span: Span) -> Self {
        Value {
            kind: ValueKind::Str(s.into()),
            span,
        }
    }

    pub fn is_invalid(&self) -> bool {
        matches!(self.kind, ValueKind::Invalid)
    }

    pub fn with_span(mut self, span: Span) -> Self {
        self.span = span;
        self
    }

    pub fn as_object(&self) -> Option<ObjId> {
        match self.kind {
            ValueKind::Object(o) => Some(o),
            _ => None,
        }
    }

    /// A short name of the value's kind, for messages: "a String"; objects
    /// are looked up in `arena`.
    pub fn describe(&self, arena: &Arena<'_>) -> String {
        match &self.kind {
            ValueKind::None => "none".into(),
            ValueKind::Bool(_) => "a Bool".into(),
            ValueKind::Int(_) => "an Int".into(),
            ValueKind::Float(_) => "a Float".into(),
            ValueKind::Str(_) => "a String".into(),
            ValueKind::Quantity(_) => "a Quantity".into(),
            ValueKind::Secret(_) => "a Secret".into(),
            ValueKind::List(_) => "a list".into(),
            ValueKind::Object(o) => arena.get(*o).describe(),
            ValueKind::Invalid => "an invalid value".into(),
        }
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ValueKind::None => f.write_str("none"),
            ValueKind::Bool(b) => write!(f, "{b}"),
            ValueKind::Int(i) => write!(f, "{i}"),
            ValueKind::Float(x) => write!(f, "{x}"),
            ValueKind::Str(s) => write!(f, "{s:?}"),
            ValueKind::Quantity(q) => write!(f, "{q}"),
            ValueKind::Secret(s) => write!(f, "{s:?}"),
            ValueKind::List(xs) => f.debug_list().entries(xs.iter()).finish(),
            ValueKind::Object(o) => write!(f, "<object {}>", o.0),
            ValueKind::Invalid => f.write_str("<invalid>"),
        }
    }
}

/// `services."egov-user".replicas`: a path segment as the user would write it.
pub fn path_segment(key: &str) -> String {
    let ident = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ident {
        key.to_string()
    } else {
        format!("{key:?}")
    }
}

/// `parent.key`, or `key` at the root.
pub fn join_path(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        path_segment(key)
    } else {
        format!("{parent}.{}", path_segment(key))
    }
}
