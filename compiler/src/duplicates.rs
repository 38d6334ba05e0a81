//! Duplicate definitions in one body: a static pass over a syntax tree.
//!
//! In: one parsed module. Out: a diagnostic for every member that defines,
//! in the same body, what an earlier member of that body already defined
//! (E0530), a field declared twice (E0531), a `let` defined twice (E0532).
//! Without it the last definition would silently win.
//!
//! A body is a module's member list, a schema's, or a `{ ... }` (record
//! literal, instance, amend member, generator body). What a member defines
//! is its final field path: `a.b = 1` defines `a.b`, and so do `a { b = 1 }`
//! and `a = { b = 1 }`, so any two of them in one body conflict, while
//! `a.b = 1` and `a.c = 2`, or `a { b = 1 }` and `a { c = 2 }`, do not. An
//! `=` also conflicts with definitions below it written earlier (`a.b = 1`
//! then `a = {...}` loses `a.b`). `+=` after `=` builds on it, and `{ }`
//! after `=` amends it: both stay legal. Overriding in a later layer (a
//! module that amends this one, `x { }` of a value made in another body) is
//! what amending is for and is not seen here.
//!
//! Keys computed at run time (`"${k}" = v`) and the members that `for` and
//! `if` generate are compared by the evaluator (E0533), which knows them.
//! Each body is checked once, however many objects are made from it.

use crate::eval::FastMap;
use crate::value::path_segment;
use digit_lang::ast::{self, ExprKind, Item, Key, Member, MemberKind, StrPart};
use digit_lang::{Diagnostic, Span, ToDiagnostic};
use std::borrow::Borrow;

/// Checks every body of `module`.
pub fn check(module: &ast::Module) -> Vec<Diagnostic> {
    let mut cx = Checker::default();
    let members: Vec<&Member> = module
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Member(m) => Some(m),
            _ => None,
        })
        .collect();
    cx.body(&members, None);
    for item in &module.items {
        if let Item::Schema(s) = item {
            cx.body(&s.body.members, Some(&s.name.name));
        }
    }
    cx.out
}

/// What a definition does to its path.
#[derive(Clone, Copy, PartialEq, Eq)]
enum How {
    /// `=`, or a declaration's default: the value is replaced.
    Set,
    /// `+=`: the value below is extended.
    Append,
    /// `name: Type`: the field is declared.
    Declare,
}

/// One definition of a field path in a body.
struct Def<'t> {
    path: Vec<&'t str>,
    how: How,
    /// The path as written in the member that makes this definition.
    span: Span,
    /// The member of the body it belongs to.
    member: usize,
}

#[derive(Default)]
struct Checker {
    out: Vec<Diagnostic>,
    /// Expressions being walked, one inside the other.
    depth: usize,
}

impl Checker {
    /// Checks one body, then every body nested in its members.
    fn body<M: Borrow<Member>>(&mut self, members: &[M], schema: Option<&str>) {
        self.lets(members);
        // Two members can only conflict when their paths start with the
        // same key: only those are taken apart (most keys of a body are
        // written once, and a large body is then checked in one pass).
        // Small bodies (most) compare their few keys without a table.
        const SMALL: usize = 16;
        let mut small = [None; SMALL];
        let mut firsts: FastMap<&str, u32> = FastMap::default();
        for (i, m) in members.iter().enumerate() {
            let k = first_key(m.borrow());
            match small.get_mut(i) {
                Some(slot) if members.len() <= SMALL => *slot = k,
                _ => {
                    if let Some(k) = k {
                        *firsts.entry(k).or_default() += 1;
                    }
                }
            }
        }
        let repeated = |i: usize| {
            if members.len() <= SMALL {
                let k = small[i];
                k.is_some() && (0..members.len()).any(|j| j != i && small[j] == k)
            } else {
                first_key(members[i].borrow())
                    .is_some_and(|k| firsts.get(k).is_some_and(|&n| n > 1))
            }
        };
        let mut defs = Vec::new();
        for (i, m) in members.iter().enumerate() {
            if repeated(i) {
                let mut prefix = Vec::new();
                flatten(m.borrow(), &mut prefix, i, &mut defs);
            }
        }
        if !defs.is_empty() {
            self.conflicts(&defs, schema);
        }
        for m in members {
            self.member(m.borrow());
        }
    }

    /// `let x` twice in one body.
    fn lets<M: Borrow<Member>>(&mut self, members: &[M]) {
        let mut seen: FastMap<&str, Span> = FastMap::default();
        for m in members {
            let MemberKind::Let { name, .. } = &m.borrow().kind else {
                continue;
            };
            match seen.get(name.name.as_str()) {
                Some(&first) => self.out.push(
                    DuplicateError::Let {
                        span: name.span,
                        first,
                        name: name.name.to_string(),
                    }
                    .to_diagnostic(),
                ),
                None => {
                    seen.insert(name.name.as_str(), name.span);
                }
            }
        }
    }

    /// Reports each member whose definitions conflict with an earlier
    /// member's, once per member.
    fn conflicts(&mut self, defs: &[Def<'_>], schema: Option<&str>) {
        // The first definition by path: declarations; `=` and `+=`; and
        // `=` and `+=` strictly below a path.
        let mut declared: FastMap<&[&str], usize> = FastMap::default();
        let mut valued: FastMap<&[&str], usize> = FastMap::default();
        let mut below: FastMap<&[&str], usize> = FastMap::default();
        let mut reported = None;
        for (d, def) in defs.iter().enumerate() {
            let path = def.path.as_slice();
            let earlier = |map: &FastMap<&[&str], usize>| {
                map.get(path)
                    .copied()
                    .filter(|&e| defs[e].member != def.member)
            };
            if reported != Some(def.member) {
                let found = match def.how {
                    How::Declare => earlier(&declared).map(|e| DuplicateError::Declared {
                        span: def.span,
                        first: defs[e].span,
                        path: show(path),
                        schema: schema.map(str::to_string),
                    }),
                    How::Set => earlier(&valued)
                        .map(|e| DuplicateError::Defined {
                            span: def.span,
                            first: defs[e].span,
                            path: show(path),
                            first_appends: defs[e].how == How::Append,
                        })
                        .or_else(|| {
                            earlier(&below).map(|e| DuplicateError::Replaced {
                                span: def.span,
                                first: defs[e].span,
                                path: show(path),
                                lost: show(&defs[e].path),
                                rest: show(&defs[e].path[path.len()..]),
                            })
                        }),
                    How::Append => None,
                };
                if let Some(e) = found {
                    self.out.push(e.to_diagnostic());
                    reported = Some(def.member);
                }
            }
            match def.how {
                How::Declare => {
                    declared.entry(path).or_insert(d);
                }
                How::Set | How::Append => {
                    valued.entry(path).or_insert(d);
                    for n in 1..path.len() {
                        below.entry(&path[..n]).or_insert(d);
                    }
                }
            }
        }
    }

    /// The bodies nested in a member.
    fn member(&mut self, m: &Member) {
        match &m.kind {
            MemberKind::Decl { name, default, .. } => {
                self.key(name);
                if let Some(e) = default {
                    self.expr(e);
                }
            }
            MemberKind::Assign { path, value } | MemberKind::Append { path, value } => {
                path.iter().for_each(|k| self.key(k));
                self.expr(value);
            }
            MemberKind::Amend { path, body } => {
                path.iter().for_each(|k| self.key(k));
                self.members(body);
            }
            MemberKind::Let { value, .. } => self.expr(value),
            MemberKind::Every { body } => self.members(body),
            MemberKind::For { iter, body, .. } => {
                self.expr(iter);
                self.members(body);
            }
            MemberKind::If {
                cond,
                then_body,
                else_body,
            } => {
                self.expr(cond);
                self.members(then_body);
                if let Some(b) = else_body {
                    self.members(b);
                }
            }
            MemberKind::Check { cond, message } => {
                self.expr(cond);
                self.expr(message);
            }
            MemberKind::Error => {}
        }
    }

    fn members(&mut self, body: &ast::Body) {
        self.body(&body.members, None);
    }

    fn key(&mut self, k: &Key) {
        if let Key::Computed(e) = k {
            self.expr(e);
        }
    }

    /// The bodies nested in an expression (deep expressions grow the
    /// stack, checked every few levels).
    fn expr(&mut self, e: &ast::Expr) {
        self.depth += 1;
        if self.depth.is_multiple_of(16) {
            stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.expr_inner(e));
        } else {
            self.expr_inner(e);
        }
        self.depth -= 1;
    }

    fn expr_inner(&mut self, e: &ast::Expr) {
        match &e.kind {
            ExprKind::Record(b) => self.members(b),
            ExprKind::Amend { base, body } => {
                self.expr(base);
                self.members(body);
            }
            ExprKind::Str(s) => {
                for p in &s.parts {
                    if let StrPart::Interp(x) = p {
                        self.expr(x);
                    }
                }
            }
            ExprKind::List(xs) => xs.iter().for_each(|x| self.expr(x)),
            ExprKind::ListComp { clauses, body } => {
                for c in clauses {
                    match c {
                        ast::CompClause::For { iter, .. } => self.expr(iter),
                        ast::CompClause::If(x) => self.expr(x),
                    }
                }
                self.expr(body);
            }
            ExprKind::Field { target, name } => {
                self.expr(target);
                self.key(name);
            }
            ExprKind::Index { target, index } => {
                self.expr(target);
                self.expr(index);
            }
            ExprKind::Call { args, .. } => args.iter().for_each(|x| self.expr(x)),
            ExprKind::Unary { operand, .. } => self.expr(operand),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::If {
                cond,
                then_branch,
                else_branch,
            } => {
                self.expr(cond);
                self.expr(then_branch);
                self.expr(else_branch);
            }
            ExprKind::Paren(x) => self.expr(x),
            ExprKind::None
            | ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Quantity { .. }
            | ExprKind::Name(_)
            | ExprKind::Error => {}
        }
    }
}

/// The static key a member's path starts with.
fn first_key(m: &Member) -> Option<&str> {
    match &m.kind {
        MemberKind::Decl { name, .. } => name.as_static(),
        MemberKind::Assign { path, .. }
        | MemberKind::Append { path, .. }
        | MemberKind::Amend { path, .. } => path.first().and_then(Key::as_static),
        _ => None,
    }
}

/// The definitions member `m` (the `member`-th of its body) makes below
/// `prefix`: its own, and those of the bodies it amends or assigns.
fn flatten<'t>(m: &'t Member, prefix: &mut Vec<&'t str>, member: usize, out: &mut Vec<Def<'t>>) {
    let mark = prefix.len();
    match &m.kind {
        MemberKind::Decl { name, default, .. } => {
            let Some(k) = name.as_static() else { return };
            prefix.push(k);
            let span = name.span();
            out.push(def(prefix, How::Declare, span, member));
            if let Some(value) = default {
                out.push(def(prefix, How::Set, span, member));
                literal(value, prefix, member, out);
            }
        }
        MemberKind::Assign { path, .. }
        | MemberKind::Append { path, .. }
        | MemberKind::Amend { path, .. } => {
            if !push_path(path, prefix) {
                return;
            }
            let span = path_span(path);
            match &m.kind {
                MemberKind::Assign { value, .. } => {
                    out.push(def(prefix, How::Set, span, member));
                    literal(value, prefix, member, out);
                }
                MemberKind::Append { .. } => out.push(def(prefix, How::Append, span, member)),
                MemberKind::Amend { body, .. } => {
                    for inner in &body.members {
                        flatten(inner, prefix, member, out);
                    }
                }
                _ => {}
            }
        }
        _ => {}
    }
    prefix.truncate(mark);
}

/// The definitions inside a value written as a body (`{ ... }`,
/// `Service { ... }`, `base { ... }`), stored at `prefix`.
fn literal<'t>(
    value: &'t ast::Expr,
    prefix: &mut Vec<&'t str>,
    member: usize,
    out: &mut Vec<Def<'t>>,
) {
    match &value.kind {
        ExprKind::Record(body) | ExprKind::Amend { body, .. } => {
            for inner in &body.members {
                flatten(inner, prefix, member, out);
            }
        }
        ExprKind::Paren(x) => literal(x, prefix, member, out),
        _ => {}
    }
}

/// Appends the keys of `path` to `prefix`; false (and `prefix` unchanged)
/// when one of them is computed.
fn push_path<'t>(path: &'t ast::Path, prefix: &mut Vec<&'t str>) -> bool {
    let mark = prefix.len();
    for k in path {
        match k.as_static() {
            Some(s) => prefix.push(s),
            None => {
                prefix.truncate(mark);
                return false;
            }
        }
    }
    true
}

fn path_span(path: &ast::Path) -> Span {
    match (path.first(), path.last()) {
        (Some(a), Some(b)) => a.span().to(b.span()),
        _ => Span::default(),
    }
}

fn def<'t>(path: &[&'t str], how: How, span: Span, member: usize) -> Def<'t> {
    Def {
        path: path.to_vec(),
        how,
        span,
        member,
    }
}

fn show(path: &[&str]) -> String {
    path.iter()
        .map(|k| path_segment(k))
        .collect::<Vec<_>>()
        .join(".")
}

const OVERRIDE_HELP: &str = "overriding belongs in a later layer: a module that amends this one, \
     or an amend (`name { ... }`) of a value made in another body";

/// A field, entry or `let` defined twice in one body.
#[derive(Clone, Debug)]
pub enum DuplicateError {
    /// ```txt
    /// replicas = 1
    /// replicas = 2
    /// ^^^^^^^^ defined again here
    /// ```
    Defined {
        span: Span,
        first: Span,
        path: String,
        /// The first definition was a `+=`, which the `=` discards.
        first_appends: bool,
    },
    /// ```txt
    /// a.b = 1
    /// a = { c = 2 }
    /// ^ replaces all of `a`, so `a.b` is lost
    /// ```
    Replaced {
        span: Span,
        first: Span,
        path: String,
        lost: String,
        /// `lost` below `path`: `b`.
        rest: String,
    },
    /// ```txt
    /// schema S { port: Int; port: Port }
    ///                       ^^^^ declared again here
    /// ```
    Declared {
        span: Span,
        first: Span,
        path: String,
        schema: Option<String>,
    },
    /// ```txt
    /// let tag = "v1"
    /// let tag = "v2"
    ///     ^^^ defined again here
    /// ```
    Let {
        span: Span,
        first: Span,
        name: String,
    },
    /// ```txt
    /// LOG_LEVEL = "INFO"
    /// if debug { LOG_LEVEL = "DEBUG" }
    ///            ^^^^^^^^^ defined again here, by a generator
    /// ```
    /// `first` is `None` when one `for` makes the key twice.
    Generated {
        span: Span,
        first: Option<Span>,
        key: String,
    },
}

impl ToDiagnostic for DuplicateError {
    fn to_diagnostic(&self) -> Diagnostic {
        match self {
            DuplicateError::Defined {
                span,
                first,
                path,
                first_appends,
            } => Diagnostic::error(
                "E0530",
                *span,
                format!("`{path}` is defined twice in one body"),
            )
            .with_label("defined again here: this one would silently win")
            .with_secondary(
                *first,
                if *first_appends {
                    "first extended here (`+=`), which this `=` discards"
                } else {
                    "first defined here"
                },
            )
            .with_help(format!(
                "define `{path}` once in this body (remove one, or merge them); {OVERRIDE_HELP}"
            )),
            DuplicateError::Replaced {
                span,
                first,
                path,
                lost,
                rest,
            } => Diagnostic::error(
                "E0530",
                *span,
                format!("`{path}` is set after `{lost}` was defined in the same body"),
            )
            .with_label(format!("this `=` replaces all of `{path}`"))
            .with_secondary(*first, format!("`{lost}` defined here would be lost"))
            .with_help(format!(
                "write `{rest}` inside the value given to `{path}`, or set `{path}` first and \
                 amend it after (`{lost} = ...`); {OVERRIDE_HELP}"
            )),
            DuplicateError::Declared {
                span,
                first,
                path,
                schema,
            } => {
                let whose = schema
                    .as_ref()
                    .map_or_else(String::new, |s| format!(" in schema `{s}`"));
                Diagnostic::error(
                    "E0531",
                    *span,
                    format!("field `{path}` is declared twice{whose}"),
                )
                .with_label("declared again here")
                .with_secondary(*first, "first declared here")
                .with_help(format!(
                    "declare a field once, with its type and default together; a module that \
                     amends this one changes the default with `{path} = ...`"
                ))
            }
            DuplicateError::Let { span, first, name } => Diagnostic::error(
                "E0532",
                *span,
                format!("`let {name}` is defined twice in one body"),
            )
            .with_label("defined again here")
            .with_secondary(*first, "first defined here")
            .with_help(
                "remove one of them or rename it; a `let` in a nested `{ ... }` may reuse the name",
            ),
            DuplicateError::Generated { span, first, key } => {
                let key = path_segment(key);
                let d = Diagnostic::error(
                    "E0533",
                    *span,
                    format!("`{key}` is defined twice in one body"),
                );
                let d = match first {
                    Some(first) => d
                        .with_label("defined again here")
                        .with_secondary(*first, "first defined here"),
                    None => d.with_label(format!("this `for` makes `{key}` more than once")),
                };
                d.with_help(format!(
                    "define it once: choose the value in one place (`x = if c then a else b`), \
                     keep a generator's keys distinct, or amend the entry (`\"${{k}}\" {{ ... }}`) \
                     instead of setting it; {OVERRIDE_HELP}"
                ))
            }
        }
    }
}
