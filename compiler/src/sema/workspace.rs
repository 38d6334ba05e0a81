//! Analyses for tools: load a configuration, parse it, build its model.

use super::Sema;
use crate::loader::Loader;
use crate::modules::{GraphBuilder, ModuleGraph, ModuleId};
use digit_lang::{Problems, SourceMap};
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
        entry: id,
    }
}
