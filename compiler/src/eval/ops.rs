//! Operators: arithmetic with checked overflow, comparison, equality,
//! concatenation, and `+=`.

use super::object::ObjKind;
use super::{EvalError, Evaluator};
use crate::value::{Value, ValueKind};
use digit_lang::ast::BinaryOp;
use digit_lang::Span;
use std::cmp::Ordering;
use std::rc::Rc;

impl<'a> Evaluator<'a> {
    /// `l op r`; `at` are the spans of the operand expressions.
    pub(crate) fn binary(
        &self,
        op: BinaryOp,
        l: Value,
        r: Value,
        at: [Span; 2],
        span: Span,
    ) -> Value {
        use ValueKind as K;
        if l.is_invalid() || r.is_invalid() {
            return Value::invalid(span);
        }
        if let Some((s, use_span)) = [&l, &r]
            .into_iter()
            .zip(at)
            .find(|(v, _)| matches!(v.kind, K::Secret(_)))
        {
            self.secret_misuse(s, use_span, format!("used with `{}`", op.as_str()));
            return Value::invalid(span);
        }
        match op {
            BinaryOp::Eq | BinaryOp::Ne => {
                let eq = self.equal(&l, &r);
                return Value::new(K::Bool(eq == (op == BinaryOp::Eq)), span);
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                return self.compare(op, &l, &r, span)
            }
            _ => {}
        }
        let out = match (&l.kind, &r.kind) {
            (K::Int(a), K::Int(b)) => self.int_op(op, *a, *b, span),
            (K::Int(_) | K::Float(_), K::Int(_) | K::Float(_)) => {
                if matches!(op, BinaryOp::Div | BinaryOp::Rem) && as_f64(&r) == 0.0 {
                    self.report(EvalError::DivisionByZero { span });
                    return Value::invalid(span);
                }
                let out = float_op(op, as_f64(&l), as_f64(&r));
                if matches!(out, Some(K::Float(x)) if !x.is_finite()) {
                    // Like Int overflow: never a silent `inf` or `NaN`.
                    self.report(EvalError::FloatOverflow {
                        span,
                        op: op.as_str().into(),
                    });
                    return Value::invalid(span);
                }
                out
            }
            (K::Quantity(a), K::Quantity(b)) if matches!(op, BinaryOp::Add | BinaryOp::Sub) => {
                let r = if op == BinaryOp::Add {
                    a.checked_add(b)
                } else {
                    a.checked_sub(b)
                };
                self.quantity_result(r, op, span)
            }
            (K::Quantity(a), K::Int(n)) | (K::Int(n), K::Quantity(a)) if op == BinaryOp::Mul => {
                self.quantity_result(a.checked_mul(*n), op, span)
            }
            (K::Str(a), K::Str(b)) if op == BinaryOp::Add => {
                if !self.built(a.len() + b.len(), "bytes", span) {
                    return Value::invalid(span);
                }
                Some(K::Str(format!("{a}{b}").into()))
            }
            (K::List(a), K::List(b)) if op == BinaryOp::Add => {
                if !self.built(a.len() + b.len(), "elements", span) {
                    return Value::invalid(span);
                }
                Some(K::List(Rc::new(
                    a.iter().chain(b.iter()).cloned().collect(),
                )))
            }
            _ => {
                self.report(EvalError::BadOperands {
                    span,
                    op: op.as_str().into(),
                    lhs: l.describe(&self.arena),
                    rhs: r.describe(&self.arena),
                });
                return Value::invalid(span);
            }
        };
        match out {
            Some(k) => Value::new(k, span),
            None => Value::invalid(span),
        }
    }

    /// Reports a Secret used at `use_span`, with its origin when elsewhere.
    pub(crate) fn secret_misuse(&self, v: &Value, use_span: Span, what: String) {
        self.report(EvalError::SecretMisuse {
            span: use_span,
            what,
            origin: (!within(v.span, use_span)).then_some(v.span),
        });
    }

    fn quantity_result(
        &self,
        r: Result<crate::quantity::Quantity, crate::quantity::QuantityError>,
        op: BinaryOp,
        span: Span,
    ) -> Option<ValueKind> {
        match r {
            Ok(q) => Some(ValueKind::Quantity(Rc::new(q))),
            Err(_) => {
                self.report(EvalError::Overflow {
                    span,
                    op: op.as_str().into(),
                });
                None
            }
        }
    }

    fn int_op(&self, op: BinaryOp, a: i64, b: i64, span: Span) -> Option<ValueKind> {
        if matches!(op, BinaryOp::Div | BinaryOp::Rem) && b == 0 {
            self.report(EvalError::DivisionByZero { span });
            return None;
        }
        let r = match op {
            BinaryOp::Add => a.checked_add(b),
            BinaryOp::Sub => a.checked_sub(b),
            BinaryOp::Mul => a.checked_mul(b),
            BinaryOp::Div => a.checked_div(b),
            BinaryOp::Rem => a.checked_rem(b),
            _ => None,
        };
        if r.is_none() {
            self.report(EvalError::Overflow {
                span,
                op: op.as_str().into(),
            });
        }
        r.map(ValueKind::Int)
    }

    fn compare(&self, op: BinaryOp, l: &Value, r: &Value, span: Span) -> Value {
        use ValueKind as K;
        let ord = match (&l.kind, &r.kind) {
            (K::Int(a), K::Int(b)) => Some(a.cmp(b)),
            (K::Int(_) | K::Float(_), K::Int(_) | K::Float(_)) => as_f64(l).partial_cmp(&as_f64(r)),
            (K::Quantity(a), K::Quantity(b)) => Some(a.cmp(b)),
            (K::Str(a), K::Str(b)) => Some(a.cmp(b)),
            _ => {
                self.report(EvalError::BadOperands {
                    span,
                    op: op.as_str().into(),
                    lhs: l.describe(&self.arena),
                    rhs: r.describe(&self.arena),
                });
                return Value::invalid(span);
            }
        };
        let Some(ord) = ord else {
            return Value::new(K::Bool(false), span);
        };
        let b = match op {
            BinaryOp::Lt => ord == Ordering::Less,
            BinaryOp::Le => ord != Ordering::Greater,
            BinaryOp::Gt => ord == Ordering::Greater,
            _ => ord != Ordering::Less,
        };
        Value::new(K::Bool(b), span)
    }

    /// Structural equality.
    pub fn equal(&self, l: &Value, r: &Value) -> bool {
        use ValueKind as K;
        match (&l.kind, &r.kind) {
            (K::None, K::None) => true,
            (K::Bool(a), K::Bool(b)) => a == b,
            (K::Int(a), K::Int(b)) => a == b,
            (K::Int(_) | K::Float(_), K::Int(_) | K::Float(_)) => as_f64(l) == as_f64(r),
            (K::Str(a), K::Str(b)) => a == b,
            (K::Quantity(a), K::Quantity(b)) => a.cmp(b) == Ordering::Equal,
            (K::List(a), K::List(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| self.equal(x, y))
            }
            (K::Object(a), K::Object(b)) => {
                let (a, b) = (self.obj(*a), self.obj(*b));
                let (ka, kb) = (self.keys(a), self.keys(b));
                ka == kb
                    && ka.iter().all(|k| {
                        match (self.field_rc(a, k, l.span), self.field_rc(b, k, r.span)) {
                            (Some(x), Some(y)) => self.equal(&x, &y),
                            _ => false,
                        }
                    })
            }
            _ => false,
        }
    }

    /// `below += rhs`: list append, map/record entries added, string concat.
    pub(crate) fn append(&self, below: Value, rhs: Value, span: Span) -> Value {
        use ValueKind as K;
        match (&below.kind, &rhs.kind) {
            (K::Invalid, _) | (_, K::Invalid) => Value::invalid(span),
            (K::List(a), K::List(b)) if self.built(a.len() + b.len(), "elements", span) => {
                Value::new(
                    K::List(Rc::new(a.iter().chain(b.iter()).cloned().collect())),
                    rhs.span,
                )
            }
            (K::Str(a), K::Str(b)) if self.built(a.len() + b.len(), "bytes", span) => {
                Value::str(format!("{a}{b}"), rhs.span)
            }
            (K::List(_), K::List(_)) | (K::Str(_), K::Str(_)) => Value::invalid(span),
            (K::Object(a), K::Object(b)) if !matches!(self.obj(*a).kind, ObjKind::Module(_)) => {
                let (a, b) = (self.obj(*a), self.obj(*b));
                let mut layers = a.layers.clone();
                layers.extend(b.layers.iter().cloned());
                Value::new(
                    K::Object(self.new_object(a.kind.clone(), layers, span, a.closed).id),
                    span,
                )
            }
            _ => {
                self.report(EvalError::BadOperands {
                    span,
                    op: "+=".into(),
                    lhs: below.describe(&self.arena),
                    rhs: rhs.describe(&self.arena),
                });
                Value::invalid(span)
            }
        }
    }
}

/// True when `inner` lies inside `outer`.
pub(crate) fn within(inner: Span, outer: Span) -> bool {
    inner.file == outer.file && inner.start >= outer.start && inner.end <= outer.end
}

fn as_f64(v: &Value) -> f64 {
    match v.kind {
        ValueKind::Int(n) => n as f64,
        ValueKind::Float(x) => x,
        _ => 0.0,
    }
}

fn float_op(op: BinaryOp, a: f64, b: f64) -> Option<ValueKind> {
    let r = match op {
        BinaryOp::Add => a + b,
        BinaryOp::Sub => a - b,
        BinaryOp::Mul => a * b,
        BinaryOp::Div => a / b,
        BinaryOp::Rem => a % b,
        _ => return None,
    };
    Some(ValueKind::Float(r))
}
