//! The platform rules: mistakes the type system cannot see, found on the
//! evaluated environment before anything is lowered.
//!
//! In: an [`EnvInput`] (the environment as data, with the span of each
//! value) and its [`model::Environment`]. Out: errors and warnings
//! (E0750–E0789, W0750–W0789), each at the line that wrote the value, with
//! labels at the related lines. `digitc check` and `digitc build` both run
//! them, and only on an environment that evaluated without errors, so a
//! rule never sees an error node. **One mistake gives one diagnostic:** a
//! rule skips a value another rule already reported, and a value written
//! once but used by many services (a standard-library default) is reported
//! once.
//!
//! The rules are grouped by what they read: [`backbone`] (Kafka, ZooKeeper),
//! [`services`] (each service, and services against each other), [`values`]
//! (the domain, ConfigMap keys, sizes, heaps, image tags).

pub mod codes;

mod backbone;
mod services;
mod values;

use super::input::EnvInput;
use super::model;
use digit_lang::{Diagnostic, SourceMap, Span};
use serde::Deserialize;
use std::collections::HashSet;

/// Runs every rule on an environment. `span` is the entry module's span
/// (where problems with no better place are reported); `sources` names the
/// files, to tell the standard library's defaults from what the user wrote.
/// An input that does not fit [`model::Environment`] gets no rule: lowering
/// reports that (E0701).
pub fn check(input: &EnvInput, sources: &SourceMap, span: Span) -> Vec<Diagnostic> {
    let Ok(env) = model::Environment::deserialize(&input.json) else {
        return Vec::new();
    };
    let mut rules = Rules {
        input,
        env: &env,
        sources,
        span,
        out: Vec::new(),
        reported: HashSet::new(),
    };
    backbone::check(&mut rules);
    services::check(&mut rules);
    values::check(&mut rules);
    rules.out
}

/// What every rule reads, and the findings so far.
pub(crate) struct Rules<'i> {
    pub input: &'i EnvInput,
    pub env: &'i model::Environment,
    sources: &'i SourceMap,
    span: Span,
    out: Vec<Diagnostic>,
    /// Spans already reported on, so that a value reached through two paths
    /// (a default such as `memory_limit = memory`) is reported once.
    reported: HashSet<Span>,
}

impl Rules<'_> {
    /// Where the value at `path` was written by the user: its own span, or,
    /// when it is a standard-library default (or has no span), the nearest
    /// enclosing value the user wrote, or the environment.
    pub fn at(&self, path: &str) -> Span {
        let mut p = path;
        loop {
            if let Some(s) = self.input.span(p) {
                if !self.is_stdlib(s) {
                    return s;
                }
            }
            match p.rfind(['.', '[']) {
                Some(i) => p = &p[..i],
                None => return self.span,
            }
        }
    }

    /// True when the value at `path` is written by the user, not a default
    /// of the standard library.
    pub fn is_written(&self, path: &str) -> bool {
        self.input.span(path).is_some_and(|s| !self.is_stdlib(s))
    }

    fn is_stdlib(&self, span: Span) -> bool {
        self.sources.name(span.file).starts_with("digit:")
    }

    /// The name of the entry module's file (for commands in help lines).
    pub fn entry_file(&self) -> &str {
        self.sources.name(self.span.file)
    }

    /// Reports `d`, unless a diagnostic was already reported at its span.
    pub fn report(&mut self, d: Diagnostic) {
        if self.reported.insert(d.span) {
            self.out.push(d);
        }
    }
}

/// `parent.key`, quoting `key` when it is not an identifier.
pub(crate) fn join(parent: &str, key: &str) -> String {
    crate::value::join_path(parent, key)
}

/// `` `a`, `b` or `c` ``: a few names for a help line.
pub(crate) fn one_of(names: &[&str]) -> String {
    let shown: Vec<String> = names.iter().take(8).map(|n| format!("`{n}`")).collect();
    let more = if names.len() > 8 { ", ..." } else { "" };
    format!("{}{more}", shown.join(", "))
}

/// A name short enough for a one-line message: long ones keep their first
/// 40 characters.
pub(crate) fn shorten(name: &str) -> String {
    match name.char_indices().nth(40) {
        Some((i, _)) => format!("{}...", &name[..i]),
        None => name.to_string(),
    }
}
