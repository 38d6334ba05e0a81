//! Diagnostics: the one shape every stage reports problems in.
//!
//! Each stage has its own error enum; each converts into a [`Diagnostic`]
//! (stable code, severity, message, primary span, labels, help, notes)
//! through [`ToDiagnostic`]. Stages push them into a [`Problems`] collector
//! and carry on. The CLI renders them with ariadne ([`render_human`]) or as
//! JSON lines ([`render_json`]); the language server converts them itself.

use crate::source::SourceMap;
use crate::span::{FileId, Span};
use serde::Serialize;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// A secondary span with a short message ("declared here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One problem, ready to show to a person or a tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code such as `E0102`; `digitc explain` prints its explanation.
    pub code: &'static str,
    pub severity: Severity,
    /// One line saying what is wrong.
    pub message: String,
    /// Where it is wrong.
    pub span: Span,
    /// The label under the primary span (what was expected there).
    pub label: Option<String>,
    /// Related places: the declaration, the other definition.
    pub labels: Vec<Label>,
    /// What to do about it.
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// The entry files being checked when the problem was found, when it
    /// lies in another file they amend or import (a base that one
    /// environment breaks); empty for problems that do not depend on the
    /// entry, such as a syntax error. Rendered as a note ("while checking
    /// env/prod.dg") and as `entries` in JSON.
    pub entries: Vec<FileId>,
}

impl Diagnostic {
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            label: None,
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
            entries: Vec::new(),
        }
    }

    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }

    /// Sets the label under the primary span.
    pub fn with_label(mut self, message: impl Into<String>) -> Self {
        self.label = Some(message.into());
        self
    }

    /// Adds a secondary span with a message.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    /// Records that the problem was found while checking entry `file`.
    pub fn with_entry(mut self, file: FileId) -> Self {
        if !self.entries.contains(&file) {
            self.entries.push(file);
        }
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Whether `self` and `other` are the same problem, whichever entries
    /// each was found through.
    pub fn same_problem(&self, other: &Diagnostic) -> bool {
        self.code == other.code
            && self.span == other.span
            && self.severity == other.severity
            && self.message == other.message
            && self.label == other.label
            && self.labels == other.labels
            && self.help == other.help
            && self.notes == other.notes
    }
}

/// The note naming the entries a problem was found through:
/// "while checking env/dev.dg and env/prod.dg".
fn entries_note(d: &Diagnostic, map: &SourceMap) -> Option<String> {
    let names: Vec<&str> = d.entries.iter().map(|f| map.name(*f)).collect();
    let list = match names.as_slice() {
        [] => return None,
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    Some(format!("while checking {list}"))
}

/// Conversion of a stage's error into a [`Diagnostic`].
pub trait ToDiagnostic {
    fn to_diagnostic(&self) -> Diagnostic;
}

impl ToDiagnostic for Diagnostic {
    fn to_diagnostic(&self) -> Diagnostic {
        self.clone()
    }
}

/// Problems found by a run, collected instead of returned early.
#[derive(Clone, Debug, Default)]
pub struct Problems {
    diagnostics: Vec<Diagnostic>,
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: impl ToDiagnostic) {
        self.diagnostics.push(d.to_diagnostic());
    }

    pub fn extend(&mut self, ds: impl IntoIterator<Item = Diagnostic>) {
        self.diagnostics.extend(ds);
    }

    /// The `i`th problem kept, to add to it (another place the same
    /// mistake shows).
    pub fn get_mut(&mut self, i: usize) -> Option<&mut Diagnostic> {
        self.diagnostics.get_mut(i)
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.diagnostics.is_empty()
    }

    pub fn len(&self) -> usize {
        self.diagnostics.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter()
    }

    /// Sorts by file, position and code, and drops exact duplicates (the
    /// same problem reached through two paths), so output is deterministic.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.diagnostics.sort_by(|a, b| {
            (a.span.file, a.span.start, a.span.end, a.code, &a.message).cmp(&(
                b.span.file,
                b.span.start,
                b.span.end,
                b.code,
                &b.message,
            ))
        });
        self.diagnostics.dedup();
        self.diagnostics
    }

    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.diagnostics
    }
}

/// One entry of a code registry: `digitc explain CODE` prints `explanation`.
#[derive(Clone, Copy, Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    pub title: &'static str,
    pub explanation: &'static str,
}

/// Lines longer than this (in bytes) are not drawn as excerpts: a label on
/// one would print the whole line once per diagnostic. Such diagnostics get
/// the short form, with their labels and help.
const MAX_EXCERPT_LINE: usize = 1000;

/// Renders diagnostics for people, sharing each file's ariadne source and
/// line index across every diagnostic, so that rendering many diagnostics
/// costs each file's size once.
pub struct HumanRenderer<'a> {
    map: &'a SourceMap,
    color: bool,
    sources: Vec<Option<ariadne::Source<std::sync::Arc<str>>>>,
}

/// Adapter so ariadne can read files out of a [`HumanRenderer`]'s cache.
struct Cache<'r, 'a>(&'r mut HumanRenderer<'a>);

impl ariadne::Cache<FileId> for Cache<'_, '_> {
    type Storage = std::sync::Arc<str>;

    fn fetch(&mut self, id: &FileId) -> Result<&ariadne::Source<Self::Storage>, impl fmt::Debug> {
        let r = &mut *self.0;
        let i = id.0 as usize;
        if r.sources.len() <= i {
            r.sources.resize(i + 1, None);
        }
        let Some(file) = r.map.get(*id) else {
            return Err(format!("unknown file {id:?}"));
        };
        Ok(r.sources[i].get_or_insert_with(|| ariadne::Source::from(ariadne_text(&file.text))))
    }

    fn display<'b>(&self, id: &'b FileId) -> Option<impl fmt::Display + 'b> {
        Some(self.0.map.name(*id).to_string())
    }
}

/// The text ariadne is given: ariadne also ends lines at VT, FF, NEL, U+2028
/// and U+2029, which do not end a line in digit (DESIGN §2), so each becomes
/// a space (one character for one, so character offsets stay the same); a
/// byte-order mark is dropped (character offsets do not count it).
fn ariadne_text(text: &str) -> std::sync::Arc<str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let is_break = |c: char| matches!(c, '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}');
    if !text.contains(is_break) {
        return text.into();
    }
    text.chars()
        .map(|c| if is_break(c) { ' ' } else { c })
        .collect::<String>()
        .into()
}

impl<'a> HumanRenderer<'a> {
    pub fn new(map: &'a SourceMap, color: bool) -> Self {
        HumanRenderer {
            map,
            color,
            sources: Vec::new(),
        }
    }

    /// The character range of `s`, the one conversion every label goes
    /// through (ariadne is given character offsets).
    fn chars(&self, s: Span) -> (FileId, std::ops::Range<usize>) {
        let Some(file) = self.map.get(s.file) else {
            return (s.file, 0..0);
        };
        let lines = file.lines();
        let start = lines.char_offset(&file.text, s.start) as usize;
        let end = lines.char_offset(&file.text, s.end.max(s.start)) as usize;
        (s.file, start..end)
    }

    /// Whether the line holding `s` is too long to draw.
    fn long_line(&self, s: Span) -> bool {
        let Some(file) = self.map.get(s.file) else {
            return false;
        };
        let lines = file.lines();
        let line = lines.line(s.start);
        let start = lines.line_start(line).unwrap_or(0) as usize;
        let end = lines
            .line_start(line + 1)
            .map_or(file.text.len(), |e| e as usize);
        end.saturating_sub(start) > MAX_EXCERPT_LINE
    }

    /// Renders one diagnostic.
    pub fn render(&mut self, d: &Diagnostic) -> String {
        use ariadne::{Color, Config, IndexType, Label as ALabel, Report, ReportKind};
        if std::iter::once(d.span)
            .chain(d.labels.iter().map(|l| l.span))
            .any(|s| self.long_line(s))
        {
            return render_long(d, self.map);
        }
        let kind = match d.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let (primary_color, other_color) = if self.color {
            (
                match d.severity {
                    Severity::Error => Color::Red,
                    Severity::Warning => Color::Yellow,
                },
                Color::Cyan,
            )
        } else {
            (Color::Primary, Color::Primary)
        };
        let mut primary = ALabel::new(self.chars(d.span)).with_color(primary_color);
        if let Some(l) = &d.label {
            primary = primary.with_message(l);
        }
        // ariadne starts a new excerpt whenever a label is on an earlier line
        // than the one before it, so order the labels by file (the primary's
        // first) and position: labels in one file share one excerpt.
        let mut spans: Vec<Span> = std::iter::once(d.span)
            .chain(d.labels.iter().map(|l| l.span))
            .collect();
        spans.sort_by_key(|s| (s.file != d.span.file, s.file, s.start, s.end));
        let order = |s: Span| spans.iter().position(|x| *x == s).unwrap_or(0) as i32;
        let mut report = Report::build(kind, self.chars(d.span))
            .with_config(
                Config::default()
                    .with_color(self.color)
                    .with_index_type(IndexType::Char),
            )
            .with_code(d.code)
            .with_message(&d.message)
            .with_label(primary.with_order(order(d.span)));
        for l in &d.labels {
            report = report.with_label(
                ALabel::new(self.chars(l.span))
                    .with_message(&l.message)
                    .with_color(other_color)
                    .with_order(order(l.span)),
            );
        }
        if let Some(h) = &d.help {
            report = report.with_help(h);
        }
        for n in &d.notes {
            report = report.with_note(n);
        }
        if let Some(n) = entries_note(d, self.map) {
            report = report.with_note(n);
        }
        let mut out = Vec::new();
        if report.finish().write(Cache(self), &mut out).is_err() {
            // Rendering only fails when a file is unknown; fall back to one line.
            return render_short(d, self.map);
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// Renders `d` for people, with source excerpts; `color` adds ANSI colours.
/// To render many diagnostics, use one [`HumanRenderer`].
pub fn render_human(d: &Diagnostic, map: &SourceMap, color: bool) -> String {
    HumanRenderer::new(map, color).render(d)
}

/// The short form with labels, help and notes, for diagnostics on lines too
/// long to draw.
fn render_long(d: &Diagnostic, map: &SourceMap) -> String {
    use std::fmt::Write;
    let mut out = render_short(d, map);
    let at = |s: Span| {
        let (line, col) = map.line_col(s.file, s.start);
        format!("{}:{line}:{col}", map.name(s.file))
    };
    if let Some(l) = &d.label {
        let _ = writeln!(out, "  --> {}: {l}", at(d.span));
    }
    for l in &d.labels {
        let _ = writeln!(out, "  --> {}: {}", at(l.span), l.message);
    }
    if let Some(h) = &d.help {
        let _ = writeln!(out, "  help: {h}");
    }
    for n in &d.notes {
        let _ = writeln!(out, "  note: {n}");
    }
    if let Some(n) = entries_note(d, map) {
        let _ = writeln!(out, "  note: {n}");
    }
    out
}

/// `file:line:col: severity[CODE]: message`, for logs and fallbacks.
pub fn render_short(d: &Diagnostic, map: &SourceMap) -> String {
    let (line, col) = map.line_col(d.span.file, d.span.start);
    format!(
        "{}:{line}:{col}: {}[{}]: {}\n",
        map.name(d.span.file),
        d.severity,
        d.code,
        d.message
    )
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    severity: Severity,
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
    /// The entry files the problem was found through (see
    /// [`Diagnostic::entries`]); absent when it does not depend on one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    entries: Vec<&'a str>,
    /// The notes, as the human form prints them.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    notes: &'a [String],
    /// The label under the primary span.
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
    /// Related places (the declaration, the other definition), each with
    /// its position and message.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonLabel<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: &'a str,
}

/// Where `span` starts and ends, as JSON gives it: line, column, end line,
/// end column, 1-based.
fn json_position(map: &SourceMap, span: Span) -> (u32, u32, u32, u32) {
    let (line, column) = map.line_col(span.file, span.start);
    let (end_line, end_column) = map.line_col(span.file, span.end);
    (line, column, end_line, end_column)
}

/// One JSON object (no trailing newline); lines and columns are 1-based.
pub fn render_json(d: &Diagnostic, map: &SourceMap) -> String {
    let (line, column, end_line, end_column) = json_position(map, d.span);
    let j = JsonDiagnostic {
        file: map.name(d.span.file),
        line,
        column,
        end_line,
        end_column,
        severity: d.severity,
        code: d.code,
        message: &d.message,
        help: d.help.as_deref(),
        entries: d.entries.iter().map(|f| map.name(*f)).collect(),
        notes: &d.notes,
        label: d.label.as_deref(),
        related: d
            .labels
            .iter()
            .map(|l| {
                let (line, column, end_line, end_column) = json_position(map, l.span);
                JsonLabel {
                    file: map.name(l.span.file),
                    line,
                    column,
                    end_line,
                    end_column,
                    message: &l.message,
                }
            })
            .collect(),
    };
    serde_json::to_string(&j).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Labels in any file, after any text, render at their own line and
    /// column (ariadne is given character offsets, converted one way).
    #[test]
    fn labels_in_other_files_with_non_ascii_text() {
        let mut map = SourceMap::new();
        let a = map.add("a.dg", "// é😀\u{2028}ü\r\nx = \"ß\" + 1\n");
        let b = map.add(
            "b.dg",
            "\u{feff}// Configuração padrão\rreplicas: Int = 1\n",
        );
        let c = map.add("c.dg", "ñ".repeat(2000) + "\nz = 1\n");
        let at = |file, text: &str, needle: &str| {
            let start = text.find(needle).unwrap() as u32;
            Span::new(file, start, start + needle.len() as u32)
        };
        let ta = map.text(a).to_string();
        let tb = map.text(b).to_string();
        let tc = map.text(c).to_string();
        let d = Diagnostic::error("E0401", at(a, &ta, "\"ß\""), "m")
            .with_label("here")
            .with_secondary(at(b, &tb, "replicas"), "declared here")
            .with_secondary(at(c, &tc, "z = 1"), "and here")
            .with_secondary(at(b, &tb, "padrão"), "also");
        let out = HumanRenderer::new(&map, false).render(&d);
        assert!(out.contains("a.dg:2:5"), "{out}");
        assert!(out.contains("b.dg:1:17"), "{out}");
        assert_eq!(map.line_col(b, at(b, &tb, "padrão").start), (1, 17));
        assert!(out.contains("c.dg:2:1"), "{out}");
        assert!(
            out.contains("declared here") && out.contains("and here"),
            "{out}"
        );
        assert_eq!(map.line_col(b, at(b, &tb, "replicas").start), (2, 1));
        // A label on a line too long to draw: the short form, no panic.
        let long = Diagnostic::error("E0401", Span::new(c, 4, 6), "m").with_label("x");
        let out = HumanRenderer::new(&map, false).render(&long);
        assert!(out.starts_with("c.dg:1:3: error[E0401]: m"), "{out}");
    }
}
