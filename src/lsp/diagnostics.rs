//! Diagnostics as you type: a worker thread that checks the workspace.
//!
//! In: the paths that changed (a buffer edited, opened, closed or saved, a
//! file changed on disk). Out: `textDocument/publishDiagnostics` for every
//! file whose diagnostics changed. The check is `digitc check` on the
//! workspace's `.dg` files ([`digit_compiler::check_files`]) with the open
//! buffers laid over the disk, done entry by entry so that an edit re-checks
//! only the entries that reach the changed file:
//!
//! - An *entry* is a file that no other file amends (an environment, a
//!   module on its own), exactly as `digitc check` picks them; a base is
//!   checked through the environments that amend it, and a change to it
//!   re-checks every one of them and republishes what they report in every
//!   file (the base's diagnostics, the environments' own).
//! - A file's diagnostics are those every entry reports in it, merged.
//!
//! Debounced: the worker waits for [`QUIET`] without a change before it
//! checks. Latest edit wins: a result computed from texts that changed
//! meanwhile is dropped (the generation number says so), never published,
//! and the newer change is checked instead. Each publication carries the
//! version of the buffer it was computed from.

use super::transport::Out;
use super::workspace::{path_to_uri, Snapshot};
use super::{stdlib, Shared};
use crossbeam_channel::{Receiver, RecvTimeoutError};
use digit_compiler::loader::{normalize, resolve_relative};
use digit_compiler::modules::ModuleKey;
use digit_lang::{Diagnostic, Severity, SourceMap};
use lsp_server::{Message, Notification};
use lsp_types::{DiagnosticRelatedInformation, Location, NumberOrString};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How long typing must pause before a check starts (Gleam waits ~100 ms).
pub const QUIET: Duration = Duration::from_millis(60);

/// A message to the worker.
pub enum Job {
    /// These files changed (their text, or their existence).
    Changed(Vec<PathBuf>),
    /// Files may have appeared or gone: walk the workspace again.
    Rescan,
}

/// The last check of one entry.
struct EntryResult {
    /// Every file the entry's check loaded.
    reached: HashSet<PathBuf>,
    /// What it reported, by file.
    diagnostics: HashMap<PathBuf, Vec<lsp_types::Diagnostic>>,
}

/// The worker's state between checks.
pub struct Checker {
    shared: Arc<Shared>,
    /// The workspace's `.dg` files on disk.
    disk_files: BTreeSet<PathBuf>,
    /// The module each file amends, when it names a file.
    amends: HashMap<PathBuf, Option<PathBuf>>,
    results: HashMap<PathBuf, EntryResult>,
    /// Files published with at least one diagnostic.
    published: HashSet<PathBuf>,
}

impl Checker {
    pub fn new(shared: Arc<Shared>) -> Self {
        Checker {
            shared,
            disk_files: BTreeSet::new(),
            amends: HashMap::new(),
            results: HashMap::new(),
            published: HashSet::new(),
        }
    }

    /// The worker's loop: wait for a change, wait for quiet, check.
    pub fn run(mut self, jobs: Receiver<Job>) {
        let mut dirty: HashSet<PathBuf> = HashSet::new();
        let mut rescan = true;
        loop {
            match jobs.recv() {
                Ok(job) => take(job, &mut dirty, &mut rescan),
                Err(_) => return,
            }
            loop {
                match jobs.recv_timeout(QUIET) {
                    Ok(job) => take(job, &mut dirty, &mut rescan),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
            }
            let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                self.check(&dirty, rescan)
            }));
            match checked {
                Ok(true) => {
                    dirty.clear();
                    rescan = false;
                }
                // Stale: a newer change is already queued; keep the dirty
                // set so that it is checked with it.
                Ok(false) => {}
                Err(_) => {
                    eprintln!("digitc lsp: the check panicked; waiting for the next change");
                    dirty.clear();
                }
            }
        }
    }

    /// Checks what `dirty` affects and publishes. False when the texts
    /// changed during the check (nothing was published or kept).
    fn check(&mut self, dirty: &HashSet<PathBuf>, rescan: bool) -> bool {
        let (snapshot, generation) = self.shared.snapshot();
        if rescan {
            self.disk_files = snapshot
                .roots
                .iter()
                .flat_map(|r| crate::files::dg_files(std::slice::from_ref(r)).unwrap_or_default())
                .map(|p| normalize(&p))
                .collect();
        }
        let files = self.files(&snapshot);
        for f in &files {
            if rescan || dirty.contains(f) || !self.amends.contains_key(f) {
                let target = amended_file(&snapshot, f);
                self.amends.insert(f.clone(), target);
            }
        }
        self.amends.retain(|f, _| files.contains(f));
        let amended: HashSet<&PathBuf> = self.amends.values().flatten().collect();
        let entries: BTreeSet<PathBuf> = files
            .iter()
            .filter(|f| !amended.contains(f))
            .cloned()
            .collect();
        let todo: Vec<PathBuf> = entries
            .iter()
            .filter(|e| match self.results.get(*e) {
                None => true,
                Some(r) => rescan || r.reached.iter().any(|f| dirty.contains(f)),
            })
            .cloned()
            .collect();
        let mut fresh = HashMap::new();
        for entry in &todo {
            fresh.insert(entry.clone(), check_entry(&snapshot, entry));
        }
        // Commit and publish only if no edit arrived meanwhile.
        let state = self.shared.lock();
        if state.generation != generation {
            return false;
        }
        let mut touched: HashSet<PathBuf> = dirty.clone();
        let gone: Vec<PathBuf> = self
            .results
            .keys()
            .filter(|e| !entries.contains(*e))
            .cloned()
            .collect();
        for e in gone {
            if let Some(old) = self.results.remove(&e) {
                touched.extend(old.diagnostics.into_keys());
            }
        }
        for (entry, result) in fresh {
            touched.extend(result.diagnostics.keys().cloned());
            if let Some(old) = self.results.insert(entry, result) {
                touched.extend(old.diagnostics.into_keys());
            }
        }
        touched.extend(
            self.published
                .iter()
                .filter(|p| !files.contains(*p))
                .cloned(),
        );
        let mut touched: Vec<PathBuf> = touched.into_iter().collect();
        touched.sort();
        for file in touched {
            let diagnostics = self.merged(&file);
            // An open buffer that changed always hears back (an empty list
            // says it is clean at that version); other files only when
            // their list changes.
            let edited = dirty.contains(&file) && state.docs.contains_key(&file);
            if diagnostics.is_empty() && !self.published.contains(&file) && !edited {
                continue;
            }
            if diagnostics.is_empty() {
                self.published.remove(&file);
            } else {
                self.published.insert(file.clone());
            }
            let doc = state.docs.get(&file);
            let params = lsp_types::PublishDiagnosticsParams {
                uri: parse_uri(&doc.map_or_else(|| path_to_uri(&file), |d| d.uri.clone())),
                diagnostics,
                version: doc.map(|d| d.version),
            };
            let n = Notification::new("textDocument/publishDiagnostics".into(), params);
            let _ = self.shared.out.send(Out::Message(Message::Notification(n)));
        }
        true
    }

    /// The files checked: the workspace's, and every open `.dg` buffer (the
    /// standard library's files aside).
    fn files(&self, snapshot: &Snapshot) -> BTreeSet<PathBuf> {
        let mut files = self.disk_files.clone();
        files.extend(
            snapshot
                .docs
                .keys()
                .filter(|p| p.extension().is_some_and(|e| e == "dg"))
                .filter(|p| stdlib::module_of(p).is_none())
                .cloned(),
        );
        files
    }

    /// What every entry reports in `file`, each once.
    fn merged(&self, file: &Path) -> Vec<lsp_types::Diagnostic> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        let mut entries: Vec<&PathBuf> = self.results.keys().collect();
        entries.sort();
        for e in entries {
            for d in self.results[e].diagnostics.get(file).into_iter().flatten() {
                let key = (
                    d.range.start.line,
                    d.range.start.character,
                    d.range.end.line,
                    d.range.end.character,
                    d.message.clone(),
                );
                if seen.insert(key) {
                    out.push(d.clone());
                }
            }
        }
        out.sort_by_key(|d| (d.range.start.line, d.range.start.character));
        out
    }
}

fn take(job: Job, dirty: &mut HashSet<PathBuf>, rescan: &mut bool) {
    match job {
        Job::Changed(paths) => dirty.extend(paths),
        Job::Rescan => *rescan = true,
    }
}

/// The file `path` amends, read from its syntax tree (`None` for a module
/// that amends nothing or a `digit:` module).
fn amended_file(snapshot: &Snapshot, path: &Path) -> Option<PathBuf> {
    let text = snapshot.text(path)?;
    let parse = digit_lang::parse(digit_lang::FileId(0), &text);
    let target = parse.module.amends?.path;
    if target.starts_with("digit:") {
        return None;
    }
    Some(resolve_relative(path, &target))
}

/// `digitc check` of one entry.
fn check_entry(snapshot: &Snapshot, entry: &Path) -> EntryResult {
    let analysis = digit_compiler::check_file(snapshot, entry);
    // Every file loaded, and every file named by one of them (so that a
    // missing import is checked again when the file appears).
    let mut reached: HashSet<PathBuf> = HashSet::from([entry.to_path_buf()]);
    for m in &analysis.graph.modules {
        let ModuleKey::File(path) = &m.key else {
            continue;
        };
        reached.insert(path.clone());
        let named = m
            .ast
            .amends
            .iter()
            .chain(m.ast.imports.iter().map(|i| &i.path));
        for target in named.filter(|t| !t.path.starts_with("digit:")) {
            reached.insert(resolve_relative(path, &target.path));
        }
    }
    let mut diagnostics: HashMap<PathBuf, Vec<lsp_types::Diagnostic>> = HashMap::new();
    for d in analysis.problems.iter() {
        let file = stdlib::path_of(analysis.sources.name(d.span.file));
        diagnostics
            .entry(file)
            .or_default()
            .push(convert(d, &analysis.sources));
    }
    EntryResult {
        reached,
        diagnostics,
    }
}

/// A compiler diagnostic as the LSP's: code, severity, range, the label,
/// help and notes in the message, secondary labels as related information.
pub fn convert(d: &Diagnostic, sources: &SourceMap) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    // The label (what was expected there), unless the message says it.
    if let Some(label) = d.label.as_ref().filter(|l| !d.message.contains(l.as_str())) {
        message.push_str(&format!("\n{label}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .map(|l| DiagnosticRelatedInformation {
            location: Location {
                uri: parse_uri(&location_uri(sources.name(l.span.file))),
                range: span_range(sources, l.span),
            },
            message: l.message.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range: span_range(sources, d.span),
        severity: Some(match d.severity {
            Severity::Error => lsp_types::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp_types::DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: None,
        source: Some("digitc".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: super::actions::fix_data(d, sources),
    }
}

/// The URI of a module named `name` in an analysis; a standard-library
/// module's file is written so the link opens.
pub fn location_uri(name: &str) -> String {
    if let Some(module) = name.strip_prefix("digit:") {
        if let Some(path) = stdlib::file(module) {
            return path_to_uri(&path);
        }
    }
    path_to_uri(&stdlib::path_of(name))
}

/// The LSP range of a span of an analysis' source map.
pub fn span_range(sources: &SourceMap, span: digit_lang::Span) -> lsp_types::Range {
    match sources.get(span.file) {
        Some(f) => super::workspace::range(f.lines(), &f.text, span.start, span.end),
        None => lsp_types::Range::default(),
    }
}

/// A URI the client gave or [`path_to_uri`] made; both parse.
pub fn parse_uri(s: &str) -> lsp_types::Uri {
    s.parse()
        .unwrap_or_else(|_| "file:///".parse().expect("a constant URI parses"))
}
