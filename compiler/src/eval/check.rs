//! Checking a value against its declared type.
//!
//! In: a value, the type of the place it is stored at, the place's path and
//! the declaration's span. Out: the value (converted where the type says so:
//! a record becomes a schema instance or a map, an Int a Float, a Secret
//! learns its path) or `Invalid` after one diagnostic at the value's origin
//! with a label at the declaration.

use super::object::{FieldPath, ObjKind};
use super::ops::within;
use super::{EvalError, Evaluator};
use crate::domain;
use crate::types::Ty;
use crate::value::{Value, ValueKind};
use digit_lang::{Span, ToDiagnostic};
use std::rc::Rc;

/// A checked value, or the error and the span the value becomes invalid at.
type Checked = Result<Value, Box<(Span, EvalError)>>;

fn fail(t: (Span, EvalError)) -> Checked {
    Err(Box::new(t))
}

/// Where a checked value is stored.
struct Ctx<'p> {
    path: Option<&'p FieldPath>,
    decl: Option<Span>,
    /// The expression that stored the value; a value made elsewhere (read
    /// through a reference) is reported here, with a label at its origin.
    site: Option<Span>,
}

impl<'a> Evaluator<'a> {
    /// Checks `v` against `ty`; see the module header.
    pub fn check_value(
        &self,
        v: Value,
        ty: &Rc<Ty>,
        path: Option<&FieldPath>,
        decl: Option<Span>,
    ) -> Value {
        self.check_value_at(v, ty, path, decl, None)
    }

    /// [`Self::check_value`] for a value stored by the expression at `site`.
    pub fn check_value_at(
        &self,
        v: Value,
        ty: &Rc<Ty>,
        path: Option<&FieldPath>,
        decl: Option<Span>,
        site: Option<Span>,
    ) -> Value {
        self.check_value_noted(v, ty, path, decl, site, || None)
    }

    /// [`Self::check_value_at`], with a note for the error computed by
    /// `note` (only when there is an error).
    pub(crate) fn check_value_noted(
        &self,
        v: Value,
        ty: &Rc<Ty>,
        path: Option<&FieldPath>,
        decl: Option<Span>,
        site: Option<Span>,
        note: impl FnOnce() -> Option<String>,
    ) -> Value {
        let ctx = Ctx { path, decl, site };
        match self.check(v, ty, &ctx) {
            Ok(v) => v,
            Err(b) => {
                let (span, e) = *b;
                let e = match note() {
                    Some(n) => e.to_diagnostic().with_note(n),
                    None => e.to_diagnostic(),
                };
                // Report at the site that gave the field its value, unless
                // that site is in the standard library (`name: Name = key`)
                // and the value itself comes from the user's file.
                let site = site.filter(|s| {
                    let stdlib_site = self.is_stdlib_file(s.file);
                    let user_value = !self.is_stdlib_file(span.file);
                    let hides_user_value = stdlib_site && user_value;
                    !within(span, *s) && !hides_user_value
                });
                match site {
                    Some(s) => {
                        let mut d = e;
                        d.span = s;
                        self.report(d.with_secondary(span, "the value comes from here"));
                    }
                    None => self.report(e),
                }
                Value::invalid(span)
            }
        }
    }

    fn check(&self, v: Value, ty: &Rc<Ty>, ctx: &Ctx<'_>) -> Checked {
        use ValueKind as K;
        let span = v.span;
        let mismatch = |help: Option<String>| {
            fail((
                span,
                EvalError::TypeMismatch {
                    span,
                    path: ctx.path.map(|p| p.text(&self.arena).to_string()),
                    expected: ty.to_string(),
                    found: v.describe(&self.arena),
                    decl: ctx.decl,
                    help,
                },
            ))
        };
        match (&**ty, &v.kind) {
            (_, K::Invalid) | (Ty::Any | Ty::Unknown, _) => Ok(v),
            (Ty::Optional(_), K::None) => Ok(v),
            (Ty::Optional(t), _) => self.check(v, t, ctx),
            (Ty::Bool, K::Bool(_))
            | (Ty::Float, K::Float(_))
            | (Ty::Str, K::Str(_))
            | (Ty::Quantity, K::Quantity(_)) => Ok(v),
            (Ty::Float, K::Int(n)) => Ok(Value::new(K::Float(*n as f64), span)),
            // Kubernetes accepts a plain number as a quantity: `cpu = 2`,
            // `cpu = 0.5` (500m).
            (Ty::Quantity, K::Int(n)) => Ok(Value::new(
                K::Quantity(Rc::new(crate::quantity::Quantity::from_i64(*n))),
                span,
            )),
            (Ty::Quantity, K::Float(x)) => {
                match crate::quantity::Quantity::parse(&super::expr::format_float(*x), "") {
                    Ok(q) => Ok(Value::new(K::Quantity(Rc::new(q)), span)),
                    Err(_) => mismatch(Some(
                        "write the quantity with a suffix instead, such as 500m or 1Gi".into(),
                    )),
                }
            }
            (Ty::Int { lo, hi }, K::Int(n)) => {
                if lo.is_some_and(|lo| *n < lo) || hi.is_some_and(|hi| *n > hi) {
                    return fail((
                        span,
                        EvalError::OutOfRange {
                            span,
                            path: ctx.path.map(|p| p.text(&self.arena).to_string()),
                            value: *n,
                            ty: ty.to_string(),
                            decl: ctx.decl,
                        },
                    ));
                }
                Ok(v)
            }
            (Ty::Secret, K::Secret(s)) => {
                let s = match ctx.path {
                    Some(p) if s.path.is_none() => {
                        let path = p.text(&self.arena);
                        // The envelope's additional authenticated data is
                        // `group.key`: anywhere else it can never open.
                        if crate::secret::stored_at(&path).is_none() {
                            return fail((
                                span,
                                EvalError::SecretOutsideSecrets {
                                    span,
                                    path: Some(path.to_string()),
                                },
                            ));
                        }
                        Rc::new(s.with_path(path))
                    }
                    _ => s.clone(),
                };
                Ok(Value::new(K::Secret(s), span))
            }
            (Ty::Secret, K::Str(_)) => fail((
                span,
                EvalError::PlaintextSecret {
                    span,
                    path: ctx.path.map(|p| p.text(&self.arena).to_string()),
                    decl: ctx.decl,
                    file: self.file_path(span.file),
                },
            )),
            (Ty::Quantity, K::Str(s)) if s.parse::<crate::quantity::Quantity>().is_ok() => {
                mismatch(Some(format!(
                    "write {s} without quotes: quantities are not strings"
                )))
            }
            (Ty::Name | Ty::Image | Ty::Cron | Ty::EnvName, K::Str(s)) => {
                self.check_domain(&v, s, ty, ctx)
            }
            (Ty::Port, K::Int(n)) => match domain::check_port(*n) {
                Ok(()) => Ok(v),
                Err(e) => fail((span, self.domain_error(span, ty, e, ctx))),
            },
            (Ty::Literal(l), K::Str(s)) if l == s => Ok(v),
            (Ty::Union(ts), _) => self.check_union(v, ty, ts, ctx),
            (Ty::List(el), K::List(xs)) => Ok(self.check_list(xs, el, ctx, span)),
            (Ty::Map(..), K::Object(o)) if !matches!(self.obj(*o).kind, ObjKind::Schema(..)) => {
                Ok(self.conform(v, ty))
            }
            (Ty::Schema(id, _), K::Object(o)) => match &self.obj(*o).kind {
                ObjKind::Schema(have, _) if have == id => Ok(v),
                ObjKind::Record => Ok(self.conform(v, ty)),
                _ => mismatch(None),
            },
            (_, K::Secret(_)) => fail((
                span,
                EvalError::SecretMisuse {
                    span,
                    what: format!("stored where {ty} is expected"),
                    origin: None,
                },
            )),
            (Ty::Str, K::Int(_) | K::Float(_) | K::Bool(_) | K::Quantity(_)) => mismatch(Some(
                "use string interpolation to make a String: \"${x}\"".into(),
            )),
            (_, K::Object(o)) => mismatch(dotted_key_help(self, self.obj(*o), ctx)),
            _ => mismatch(None),
        }
    }

    fn check_domain(&self, v: &Value, s: &str, ty: &Rc<Ty>, ctx: &Ctx<'_>) -> Checked {
        let r = match &**ty {
            Ty::Name => domain::check_name(s),
            Ty::Image => domain::check_image(s),
            Ty::Cron => domain::check_cron(s),
            _ => domain::check_env_name(s),
        };
        match r {
            Ok(()) => Ok(v.clone()),
            Err(e) => fail((v.span, self.domain_error(v.span, ty, e, ctx))),
        }
    }

    fn domain_error(
        &self,
        span: Span,
        ty: &Rc<Ty>,
        e: domain::DomainError,
        ctx: &Ctx<'_>,
    ) -> EvalError {
        EvalError::Domain {
            span,
            path: ctx.path.map(|p| p.text(&self.arena).to_string()),
            ty: ty.to_string(),
            message: e.message,
            help: e.help,
            decl: ctx.decl,
        }
    }

    fn check_union(&self, v: Value, ty: &Rc<Ty>, ts: &[Rc<Ty>], ctx: &Ctx<'_>) -> Checked {
        for t in ts {
            if self.fits(&v, t) {
                return self.check(v, t, ctx);
            }
        }
        let span = v.span;
        fail((
            span,
            EvalError::TypeMismatch {
                span,
                path: ctx.path.map(|p| p.text(&self.arena).to_string()),
                expected: ty.to_string(),
                found: match &v.kind {
                    ValueKind::Str(s) => format!("{s:?}"),
                    _ => v.describe(&self.arena),
                },
                decl: ctx.decl,
                help: None,
            },
        ))
    }

    /// A quick shape test used to pick a union alternative.
    fn fits(&self, v: &Value, t: &Rc<Ty>) -> bool {
        use ValueKind as K;
        match (&**t, &v.kind) {
            (Ty::Any | Ty::Unknown, _) => true,
            (Ty::Optional(_), K::None) => true,
            (Ty::Optional(t), _) => self.fits(v, t),
            (Ty::Literal(l), K::Str(s)) => l == s,
            (Ty::Str | Ty::Name | Ty::Image | Ty::Cron | Ty::EnvName, K::Str(_)) => true,
            (Ty::Int { .. } | Ty::Port, K::Int(_)) => true,
            (Ty::Float, K::Int(_) | K::Float(_)) => true,
            (Ty::Bool, K::Bool(_))
            | (Ty::Quantity, K::Quantity(_))
            | (Ty::Secret, K::Secret(_)) => true,
            (Ty::List(_), K::List(_)) => true,
            (Ty::Map(..), K::Object(o)) => !matches!(self.obj(*o).kind, ObjKind::Schema(..)),
            (Ty::Schema(id, _), K::Object(o)) => {
                matches!(&self.obj(*o).kind, ObjKind::Schema(have, _) if have == id)
            }
            (Ty::Union(ts), _) => ts.iter().any(|t| self.fits(v, t)),
            _ => false,
        }
    }

    fn check_list(&self, xs: &Rc<Vec<Value>>, el: &Rc<Ty>, ctx: &Ctx<'_>, span: Span) -> Value {
        let mut out = Vec::with_capacity(xs.len());
        for (i, x) in xs.iter().enumerate() {
            let path = ctx.path.map(|p| FieldPath::Elem(Rc::new(p.clone()), i));
            let v = self.check_value_at(x.clone(), el, path.as_ref(), ctx.decl, ctx.site);
            if let (ValueKind::Object(o), Some(p)) = (&v.kind, &path) {
                self.obj(*o).settle(p, None);
            }
            out.push(v);
        }
        Value::new(ValueKind::List(Rc::new(out)), span)
    }
}

/// `env.spring.datasource.url = "x"`, where `env` is a map of Strings,
/// makes nested records, not one key with dots: the help spells the key
/// quoted (`env."spring.datasource.url" = ...`). For a record stored as
/// a map's entry and made only by dotted assignments.
fn dotted_key_help(ev: &Evaluator<'_>, o: &super::Object<'_>, ctx: &Ctx<'_>) -> Option<String> {
    use digit_lang::ast::{Key, MemberKind};
    let Some(FieldPath::Field(parent, _)) = ctx.path else {
        return None;
    };
    if !matches!(ev.obj(*parent).kind, ObjKind::Map { .. }) || !matches!(o.kind, ObjKind::Record) {
        return None;
    }
    let first = o.layers.first()?;
    let super::Src::Nested(member, offset) = first.src else {
        return None;
    };
    if !o
        .layers
        .iter()
        .all(|l| matches!(l.src, super::Src::Nested(..)))
    {
        return None;
    }
    let MemberKind::Assign { path, .. } = &member.kind else {
        return None;
    };
    let names: Option<Vec<&str>> = path
        .iter()
        .map(|k| match k {
            Key::Name(i) | Key::Quoted(i) => Some(i.name.as_str()),
            Key::Computed(_) => None,
        })
        .collect();
    let names = names?;
    let entry = offset.checked_sub(1)?;
    let (before, key) = (names.get(..entry)?, names.get(entry..)?);
    let mut fixed: Vec<String> = before
        .iter()
        .copied()
        .map(crate::value::path_segment)
        .collect();
    fixed.push(format!("{:?}", key.join(".")));
    Some(format!(
        "a dotted path makes nested records; a key with dots in it is written in quotes: `{} = ...`",
        fixed.join(".")
    ))
}
