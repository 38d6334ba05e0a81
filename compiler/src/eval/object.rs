//! Objects: records, maps, schema instances and modules, built from layers.
//!
//! An [`Object`] is a stack of [`Layer`]s (bottom first), each a member list
//! of the syntax tree with the lexical scope it was written in. Amending
//! never mutates: it makes a new object with one more layer. A field's value
//! is found by folding its definitions across the layers (see
//! [`super::Evaluator::field`]) and memoised per object; every definition is
//! evaluated with the object frame bound to the final object (late binding).

use super::scope::Scope;
use crate::modules::ModuleId;
use crate::types::{SchemaId, Ty};
use crate::value::{join_path, Value};
use digit_lang::ast::{self, Member, MemberKind};
use digit_lang::Span;
use std::cell::{Cell, OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

/// What an object is.
#[derive(Clone, Debug)]
pub enum ObjKind {
    /// An untyped record: assignment defines fields.
    Record,
    /// A map: entries are not names in scope; values have the value type.
    Map { key: Rc<Ty>, value: Rc<Ty> },
    /// An instance of a schema.
    Schema(SchemaId, Rc<str>),
    /// A module's value.
    Module(ModuleId),
}

/// A member list of the syntax tree.
#[derive(Clone, Copy, Debug)]
pub enum Src<'a> {
    /// A module body (declarations are skipped).
    Items(&'a [ast::Item]),
    /// A `{ ... }` body.
    Members(&'a [Member]),
    /// `a.b.c = x` seen from inside `a` (offset 1) or `a.b` (offset 2).
    Nested(&'a Member, usize),
}

impl<'a> Src<'a> {
    /// Identity of the member list, for caches.
    pub fn id(&self) -> (u8, usize, usize) {
        match self {
            Src::Items(s) => (0, s.as_ptr() as usize, s.len()),
            Src::Members(s) => (1, s.as_ptr() as usize, s.len()),
            Src::Nested(m, off) => (2, *m as *const Member as usize, *off),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Src::Items(s) => s.len(),
            Src::Members(s) => s.len(),
            Src::Nested(..) => 1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn member(&self, i: usize) -> Option<&'a Member> {
        match self {
            Src::Items(s) => match s.get(i)? {
                ast::Item::Member(m) => Some(m),
                _ => None,
            },
            Src::Members(s) => s.get(i),
            Src::Nested(m, _) => Some(m),
        }
    }

    pub fn offset(&self) -> usize {
        match self {
            Src::Nested(_, off) => *off,
            _ => 0,
        }
    }
}

/// One layer of an object.
#[derive(Clone)]
pub struct Layer<'a> {
    pub src: Src<'a>,
    /// The scope the member list was written in (outside its own frame).
    pub scope: Scope<'a>,
    pub module: ModuleId,
}

pub(super) enum Slot<'a> {
    InProgress,
    Done(Value<'a>),
}

/// A record, map, schema instance or module.
pub struct Object<'a> {
    pub kind: ObjKind,
    pub layers: Vec<Layer<'a>>,
    /// Where the object was made: the literal, the amend, the instance.
    pub span: Span,
    /// Assigning an undeclared field is an error (schema instances, and
    /// modules whose amends chain declares fields).
    pub closed: bool,
    pub(super) memo: RefCell<super::FastMap<Rc<str>, Slot<'a>>>,
    pub(super) keys: RefCell<Option<Rc<Vec<Rc<str>>>>>,
    pub(super) listing: Cell<bool>,
    pub(super) expanding: RefCell<Vec<usize>>,
    pub(crate) checked: Cell<bool>,
    path: OnceCell<Rc<str>>,
    key: OnceCell<Option<(Rc<str>, Span)>>,
    /// The declaration of the field the object is stored at; a map's
    /// entries are labelled with it.
    decl: OnceCell<Span>,
}

impl<'a> Object<'a> {
    pub fn new(kind: ObjKind, layers: Vec<Layer<'a>>, span: Span, closed: bool) -> Self {
        Object {
            kind,
            layers,
            span,
            closed,
            memo: RefCell::new(super::FastMap::default()),
            keys: RefCell::new(None),
            listing: Cell::new(false),
            expanding: RefCell::new(Vec::new()),
            checked: Cell::new(false),
            path: OnceCell::new(),
            key: OnceCell::new(),
            decl: OnceCell::new(),
        }
    }

    /// The path from the root: `services."egov-user".resources`; "" at the root.
    pub fn path(&self) -> Rc<str> {
        self.path.get().cloned().unwrap_or_else(|| Rc::from(""))
    }

    /// The map key this object is stored under, if it is a map entry.
    pub fn key(&self) -> Option<Rc<str>> {
        self.key
            .get()
            .and_then(|k| k.as_ref())
            .map(|(k, _)| k.clone())
    }

    /// The map key and the span where the entry was first written.
    pub fn key_at(&self) -> Option<(Rc<str>, Span)> {
        self.key.get().cloned().flatten()
    }

    /// Records where the object is stored, the first time it is stored.
    pub fn settle(&self, path: &Rc<str>, key: Option<(&Rc<str>, Span)>) {
        if self.path.get().is_none() {
            let _ = self.path.set(path.clone());
            let _ = self.key.set(key.map(|(k, s)| (k.clone(), s)));
        }
    }

    /// The declaration of the field this object is stored at.
    pub fn decl(&self) -> Option<Span> {
        self.decl.get().copied()
    }

    /// Records the declaration, the first time the object is stored.
    pub fn set_decl(&self, span: Span) {
        let _ = self.decl.set(span);
    }

    /// The path of field `key` of this object.
    pub fn child_path(&self, key: &str) -> Rc<str> {
        Rc::from(join_path(&self.path(), key))
    }

    pub fn is_map(&self) -> bool {
        matches!(self.kind, ObjKind::Map { .. })
    }

    pub fn describe(&self) -> String {
        match &self.kind {
            ObjKind::Record => "a record".into(),
            ObjKind::Map { key, value } => format!("a map {{{key}: {value}}}"),
            ObjKind::Schema(_, name) => format!("a {name}"),
            ObjKind::Module(_) => "a module".into(),
        }
    }

    /// Drops memoised values (they may point back at this object).
    pub(crate) fn clear(&self) {
        self.memo.borrow_mut().clear();
        self.keys.borrow_mut().take();
    }
}

/// The members of one list, indexed by their first key.
#[derive(Default)]
pub struct BodyIndex<'a> {
    /// Member positions by static first key (declarations included).
    pub keyed: HashMap<&'a str, Vec<u32>>,
    /// Positions of members with a computed first key, and of generators.
    pub dynamic: Vec<u32>,
    pub lets: HashMap<&'a str, &'a ast::Expr>,
    pub checks: Vec<u32>,
}

impl<'a> BodyIndex<'a> {
    pub fn build(src: Src<'a>) -> Self {
        let mut ix = BodyIndex::default();
        let off = src.offset();
        for i in 0..src.len() {
            let Some(m) = src.member(i) else { continue };
            let pos = i as u32;
            match &m.kind {
                MemberKind::Decl { name, .. } => ix.add_key(name, pos),
                MemberKind::Assign { path, .. }
                | MemberKind::Append { path, .. }
                | MemberKind::Amend { path, .. } => {
                    if let Some(k) = path.get(off) {
                        ix.add_key(k, pos);
                    }
                }
                MemberKind::Let { name, value } => {
                    ix.lets.insert(name.name.as_str(), value);
                }
                MemberKind::For { .. } | MemberKind::If { .. } => ix.dynamic.push(pos),
                MemberKind::Check { .. } => ix.checks.push(pos),
                MemberKind::Error => {}
            }
        }
        ix
    }

    fn add_key(&mut self, key: &'a ast::Key, pos: u32) {
        match key.as_static() {
            Some(k) => self.keyed.entry(k).or_default().push(pos),
            None => self.dynamic.push(pos),
        }
    }

    /// Positions that may define `key`, in order.
    pub fn candidates(&self, key: &str) -> Vec<u32> {
        let fixed = self.keyed.get(key).map(Vec::as_slice).unwrap_or(&[]);
        if self.dynamic.is_empty() {
            return fixed.to_vec();
        }
        let mut all: Vec<u32> = fixed.iter().chain(self.dynamic.iter()).copied().collect();
        all.sort_unstable();
        all
    }
}

/// The static keys a generator's bodies may produce.
#[derive(Default)]
pub struct GenKeys {
    pub keys: HashSet<String>,
    pub computed: bool,
}

impl GenKeys {
    pub fn of(member: &Member) -> Self {
        let mut g = GenKeys::default();
        g.add_member(member);
        g
    }

    fn add_member(&mut self, m: &Member) {
        match &m.kind {
            MemberKind::For { body, .. } => self.add_body(body),
            MemberKind::If {
                then_body,
                else_body,
                ..
            } => {
                self.add_body(then_body);
                if let Some(b) = else_body {
                    self.add_body(b);
                }
            }
            MemberKind::Decl { name, .. } => self.add_key(name),
            MemberKind::Assign { path, .. }
            | MemberKind::Append { path, .. }
            | MemberKind::Amend { path, .. } => {
                if let Some(k) = path.first() {
                    self.add_key(k);
                }
            }
            _ => {}
        }
    }

    fn add_body(&mut self, b: &ast::Body) {
        for m in &b.members {
            self.add_member(m);
        }
    }

    fn add_key(&mut self, k: &ast::Key) {
        match k.as_static() {
            Some(s) => {
                self.keys.insert(s.to_string());
            }
            None => self.computed = true,
        }
    }

    pub fn may_produce(&self, key: &str) -> bool {
        self.computed || self.keys.contains(key)
    }
}
