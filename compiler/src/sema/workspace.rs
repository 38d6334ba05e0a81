//! Analyses for tools: load a configuration, parse it, build its model,
//! and do it again after an edit, reusing what did not change.
//!
//! A [`Workspace`] keeps a [`ParseCache`]: the source map of the last run
//! and, for each file (by name), the hash of its text and its parse. The
//! next analysis reads every file through the loader again (the loader lays
//! the editor's buffers over the disk), and only a file whose text changed
//! is parsed again, under the [`FileId`] it already had, so spans into the
//! files that did not change stay valid. The model ([`Sema`]) is rebuilt
//! whole: it costs a walk of the trees, a fraction of parsing them.

use super::Sema;
use crate::loader::Loader;
use crate::modules::{GraphBuilder, ModuleGraph, ModuleId};
use digit_lang::ast;
use digit_lang::{Diagnostic, FileId, Problems, SourceMap};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;

/// A loaded configuration and its semantic model, without evaluation.
#[derive(Debug)]
pub struct SemaAnalysis {
    pub sources: SourceMap,
    pub graph: ModuleGraph,
    /// Loading, parsing and semantic problems, sorted.
    pub problems: Problems,
    pub sema: Sema,
    /// The entry module, when its file could be read.
    pub entry: Option<ModuleId>,
}

/// Loads `entry` (and everything it amends and imports) through `loader`
/// and builds its model.
pub fn analyze(loader: &dyn Loader, entry: &Path) -> SemaAnalysis {
    let mut b = GraphBuilder::new(loader);
    let id = b.load_entry(entry);
    finish(b, id)
}

fn finish(b: GraphBuilder<'_>, entry: Option<ModuleId>) -> SemaAnalysis {
    let sema = Sema::build(&b.graph, &b.sources);
    let mut all = b.problems;
    all.extend(sema.diagnostics().iter().cloned());
    let mut problems = Problems::new();
    problems.extend(all.sorted());
    SemaAnalysis {
        sources: b.sources,
        graph: b.graph,
        problems,
        sema,
        entry,
    }
}

/// One file's parse, kept.
#[derive(Clone, Debug)]
struct Cached {
    file: FileId,
    hash: u64,
    module: ast::Module,
    diagnostics: Vec<Diagnostic>,
}

/// Parses kept between runs, by file name and text hash, with the source
/// map their spans point into.
#[derive(Clone, Debug, Default)]
pub struct ParseCache {
    sources: SourceMap,
    files: HashMap<String, Cached>,
    /// Files the last run took from the cache.
    pub reused: usize,
    /// Files the last run parsed.
    pub parsed: usize,
}

fn hash(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

impl ParseCache {
    pub fn new() -> Self {
        Self::default()
    }

    pub(crate) fn take_sources(&mut self) -> SourceMap {
        self.reused = 0;
        self.parsed = 0;
        std::mem::take(&mut self.sources)
    }

    pub(crate) fn keep_sources(&mut self, sources: SourceMap) {
        self.sources = sources;
    }

    /// The parse of file `name` with text `bytes`, into `sources`: the
    /// kept one when the text is unchanged; otherwise parsed, under the
    /// file's old id when it had one.
    pub(crate) fn parse(
        &mut self,
        sources: &mut SourceMap,
        name: String,
        bytes: &[u8],
    ) -> (FileId, ast::Module, Vec<Diagnostic>) {
        let h = hash(bytes);
        let known = self
            .files
            .get(&name)
            .filter(|c| sources.get(c.file).is_some_and(|f| f.name == name));
        if let Some(c) = known {
            if c.hash == h {
                self.reused += 1;
                return (c.file, c.module.clone(), c.diagnostics.clone());
            }
        }
        self.parsed += 1;
        let (file, parse) = match known.map(|c| c.file) {
            Some(file) => {
                let (text, parse) = digit_lang::parse_bytes(file, bytes);
                sources.replace(file, text);
                (file, parse)
            }
            None => digit_lang::parse_source(sources, name.clone(), bytes),
        };
        self.files.insert(
            name,
            Cached {
                file,
                hash: h,
                module: parse.module.clone(),
                diagnostics: parse.diagnostics.clone(),
            },
        );
        (file, parse.module, parse.diagnostics)
    }
}

/// Analyses of one configuration, redone after edits.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    cache: ParseCache,
}

impl Workspace {
    pub fn new() -> Self {
        Self::default()
    }

    /// Analyzes `entry` like [`analyze`], parsing again only the files
    /// whose text changed since this workspace's last analysis. The
    /// analysis's source map keeps every file the workspace has seen, each
    /// under the id it first had.
    pub fn analyze(&mut self, loader: &dyn Loader, entry: &Path) -> SemaAnalysis {
        let cache = std::mem::take(&mut self.cache);
        let mut b = GraphBuilder::with_cache(loader, cache);
        let id = b.load_entry(entry);
        self.cache = b.take_cache().unwrap_or_default();
        finish(b, id)
    }

    /// How many files the last analysis took from the cache, and how many
    /// it parsed.
    pub fn last_run(&self) -> (usize, usize) {
        (self.cache.reused, self.cache.parsed)
    }
}
