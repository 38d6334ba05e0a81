//! Analyses for tools: load a configuration, parse it, build its model,
//! and do it again after an edit, reusing what did not change.
//!
//! A [`Workspace`] keeps a [`ParseCache`]: the source map of the last run
//! and, for each file (by name), the hash of its text and its parse. The
//! next analysis reads every file through the loader again (the loader lays
//! the editor's buffers over the disk), and only a file whose text changed
//! is parsed again, under the [`FileId`] it already had, so spans into the
//! files that did not change stay valid. The model of a module is kept too
//! when none of its inputs changed: the text of every module it reaches
//! through `amends` and `import` (its own included), and the *key
//! skeleton* of every module amending one of those (the keys it defines,
//! through nested bodies and `{ ... }` values, without values or
//! positions: what it can add to the names they see). So typing in a value of
//! env/qa.dg rebuilds the model of env/qa.dg only, not that of a large
//! base.dg it amends.

use super::{ModuleModel, Sema};
use crate::loader::Loader;
use crate::modules::{GraphBuilder, ModuleGraph, ModuleId};
use digit_lang::ast;
use digit_lang::{Diagnostic, FileId, Problems, SourceMap};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

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
    finish_with(b, entry, sema)
}

fn finish_with(b: GraphBuilder<'_>, entry: Option<ModuleId>, sema: Sema) -> SemaAnalysis {
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

/// What the last analysis of a workspace built, to keep its models.
#[derive(Clone, Debug)]
struct Last {
    keys: Vec<String>,
    files: Vec<FileId>,
    prints: Vec<u64>,
    sema: Sema,
}

/// Analyses of one configuration, redone after edits.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    cache: ParseCache,
    last: Option<Last>,
    models_kept: usize,
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
        let keys: Vec<String> = b.graph.modules.iter().map(|m| m.key.display()).collect();
        let files: Vec<FileId> = b.graph.modules.iter().map(|m| m.file).collect();
        let prints = fingerprints(&b.graph, &b.sources);
        let last = self
            .last
            .take()
            .filter(|l| l.keys == keys && l.files == files);
        let kept = std::cell::Cell::new(0);
        let reuse = |m: ModuleId| -> Option<Arc<ModuleModel>> {
            let l = last.as_ref()?;
            if l.prints.get(m) != prints.get(m) {
                return None;
            }
            kept.set(kept.get() + 1);
            l.sema.modules.get(m).cloned()
        };
        let sema = Sema::build_reusing(&b.graph, &b.sources, &reuse);
        self.models_kept = kept.get();
        self.last = Some(Last {
            keys,
            files,
            prints,
            sema: sema.clone(),
        });
        finish_with(b, id, sema)
    }

    /// How many module models the last analysis kept from the one before.
    pub fn models_kept(&self) -> usize {
        self.models_kept
    }

    /// How many files the last analysis took from the cache, and how many
    /// it parsed.
    pub fn last_run(&self) -> (usize, usize) {
        (self.cache.reused, self.cache.parsed)
    }
}

/// For each module, a hash of the inputs of its model (see the module
/// header).
fn fingerprints(graph: &ModuleGraph, sources: &SourceMap) -> Vec<u64> {
    let n = graph.modules.len();
    let text: Vec<u64> = graph
        .modules
        .iter()
        .map(|m| hash(sources.text(m.file).as_bytes()))
        .collect();
    let skeleton: Vec<u64> = graph
        .modules
        .iter()
        .map(|m| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (m.ast.amends.is_some(), m.amends.is_some()).hash(&mut h);
            for item in &m.ast.items {
                if let ast::Item::Member(member) = item {
                    skeleton_member(member, &mut h);
                }
            }
            h.finish()
        })
        .collect();
    (0..n)
        .map(|m| {
            let mut reach = vec![false; n];
            let mut todo = vec![m];
            while let Some(x) = todo.pop() {
                if x >= n || std::mem::replace(&mut reach[x], true) {
                    continue;
                }
                if let Some(info) = graph.get(x) {
                    todo.extend(info.amends);
                    todo.extend(info.imports.iter().filter_map(|i| i.target));
                }
            }
            let mut h = std::collections::hash_map::DefaultHasher::new();
            n.hash(&mut h);
            for x in 0..n {
                if reach[x] {
                    (0u8, text[x]).hash(&mut h);
                } else if graph.amends_chain(x).iter().any(|&c| reach[c]) {
                    // It amends a module this one reaches: its keys are
                    // names there.
                    (1u8, skeleton[x]).hash(&mut h);
                } else {
                    2u8.hash(&mut h);
                }
            }
            h.finish()
        })
        .collect()
}

/// Hashes the keys `m` defines (see the module header).
fn skeleton_member(m: &ast::Member, h: &mut impl Hasher) {
    fn key(k: &ast::Key, h: &mut impl Hasher) {
        k.as_static().hash(h);
    }
    fn body(b: &ast::Body, h: &mut impl Hasher) {
        b.members.len().hash(h);
        for m in &b.members {
            skeleton_member(m, h);
        }
    }
    fn value(e: &ast::Expr, h: &mut impl Hasher) {
        match &e.kind {
            ast::ExprKind::Record(b) => {
                0u8.hash(h);
                body(b, h);
            }
            ast::ExprKind::Paren(inner) => value(inner, h),
            _ => 1u8.hash(h),
        }
    }
    match &m.kind {
        ast::MemberKind::Decl { name, default, .. } => {
            0u8.hash(h);
            key(name, h);
            if let Some(d) = default {
                value(d, h);
            }
        }
        ast::MemberKind::Assign { path, value: v } | ast::MemberKind::Append { path, value: v } => {
            1u8.hash(h);
            path.iter().for_each(|k| key(k, h));
            value(v, h);
        }
        ast::MemberKind::Amend { path, body: b } => {
            2u8.hash(h);
            path.iter().for_each(|k| key(k, h));
            body(b, h);
        }
        ast::MemberKind::For { body: b, .. } => {
            3u8.hash(h);
            body(b, h);
        }
        ast::MemberKind::If {
            then_body,
            else_body,
            ..
        } => {
            4u8.hash(h);
            body(then_body, h);
            if let Some(b) = else_body {
                body(b, h);
            }
        }
        ast::MemberKind::Let { .. } | ast::MemberKind::Check { .. } | ast::MemberKind::Error => {
            5u8.hash(h);
        }
    }
}
