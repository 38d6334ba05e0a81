//! The module graph.
//!
//! In: an entry path and a [`Loader`]. Out: every module reachable through
//! `amends` and `import`, each read and parsed exactly once, its text in the
//! [`SourceMap`] under a stable [`FileId`], with its edges resolved to
//! [`ModuleId`]s. Missing files, unknown `digit:` modules and cycles are
//! reported (at the path string, or at the `amends`/`import` line naming the
//! whole cycle) and the offending edge is left unresolved, so later stages
//! never loop.

use crate::loader::{normalize, resolve_relative, Loader};
use crate::suggest;
use digit_lang::ast;
use digit_lang::{Diagnostic, FileId, Problems, SourceMap, Span, ToDiagnostic};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Index of a module in a [`ModuleGraph`].
pub type ModuleId = usize;

/// Where a module comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ModuleKey {
    /// `digit:NAME`
    Std(String),
    /// A file, by its normalised path.
    File(PathBuf),
}

impl ModuleKey {
    pub fn display(&self) -> String {
        match self {
            ModuleKey::Std(n) => format!("digit:{n}"),
            ModuleKey::File(p) => p.display().to_string(),
        }
    }
}

/// An `import "PATH" as alias` with its resolved target.
#[derive(Clone, Debug)]
pub struct ImportEdge {
    pub alias: String,
    pub span: Span,
    pub target: Option<ModuleId>,
}

/// One loaded module.
#[derive(Debug)]
pub struct ModuleInfo {
    pub key: ModuleKey,
    pub file: FileId,
    pub ast: ast::Module,
    /// The amended module, when `amends` resolved.
    pub amends: Option<ModuleId>,
    pub imports: Vec<ImportEdge>,
    pub is_stdlib: bool,
}

/// Every module of a run.
#[derive(Debug, Default)]
pub struct ModuleGraph {
    pub modules: Vec<ModuleInfo>,
    index: HashMap<ModuleKey, ModuleId>,
}

impl ModuleGraph {
    pub fn get(&self, id: ModuleId) -> Option<&ModuleInfo> {
        self.modules.get(id)
    }

    pub fn by_key(&self, key: &ModuleKey) -> Option<ModuleId> {
        self.index.get(key).copied()
    }

    pub fn by_path(&self, path: &Path) -> Option<ModuleId> {
        self.by_key(&ModuleKey::File(normalize(path)))
    }

    /// `id`, then the module it amends, and so on (cycles already cut).
    pub fn amends_chain(&self, id: ModuleId) -> Vec<ModuleId> {
        let mut out = vec![id];
        let mut cur = id;
        while let Some(next) = self.modules.get(cur).and_then(|m| m.amends) {
            if out.contains(&next) {
                break;
            }
            out.push(next);
            cur = next;
        }
        out
    }
}

/// A problem found while loading modules.
#[derive(Clone, Debug)]
pub enum ModuleError {
    /// ```txt
    /// amends "../bsae.dg"
    ///        ^^^^^^^^^^^^ no such file
    /// ```
    MissingFile {
        span: Span,
        path: String,
        help: Option<String>,
    },
    /// ```txt
    /// amends "digit:enviroment"
    ///        ^^^^^^^^^^^^^^^^^^ no such standard module
    /// ```
    UnknownStd {
        span: Span,
        name: String,
        help: Option<String>,
    },
    /// ```txt
    /// // a.dg                    // b.dg
    /// amends "./b.dg"            amends "./a.dg"
    /// ```
    Cycle { span: Span, cycle: Vec<String> },
    /// The file exists but could not be read, or is not UTF-8.
    Unreadable {
        span: Span,
        path: String,
        reason: String,
    },
}

impl ToDiagnostic for ModuleError {
    fn to_diagnostic(&self) -> Diagnostic {
        match self {
            ModuleError::MissingFile { span, path, help } => {
                let d = Diagnostic::error("E0201", *span, format!("cannot find module `{path}`"))
                    .with_label("no such file");
                match help {
                    Some(h) => d.with_help(h.clone()),
                    None => d.with_help("paths are relative to the file that names them"),
                }
            }
            ModuleError::UnknownStd { span, name, help } => {
                let known = digit_stdlib::names()
                    .iter()
                    .map(|n| format!("digit:{n}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                Diagnostic::error(
                    "E0202",
                    *span,
                    format!("unknown standard module `digit:{name}`"),
                )
                .with_label("not in the standard library")
                .with_help(
                    help.clone()
                        .unwrap_or_else(|| format!("the standard modules are {known}")),
                )
            }
            ModuleError::Cycle { span, cycle } => Diagnostic::error(
                "E0203",
                *span,
                format!("module cycle: {}", cycle.join(" → ")),
            )
            .with_label("this closes the cycle")
            .with_help("a module cannot amend or import itself, directly or through others"),
            ModuleError::Unreadable { span, path, reason } => {
                Diagnostic::error("E0204", *span, format!("cannot read `{path}`: {reason}"))
                    .with_label("unreadable")
            }
        }
    }
}

/// Loads modules into a graph, reporting problems as it goes.
pub struct GraphBuilder<'l> {
    loader: &'l dyn Loader,
    pub graph: ModuleGraph,
    pub sources: SourceMap,
    pub problems: Problems,
    stack: Vec<ModuleId>,
    /// Parses kept from an earlier run ([`GraphBuilder::with_cache`]).
    cache: Option<crate::sema::ParseCache>,
}

/// The edge being followed: where it was written, for errors.
struct Edge<'s> {
    from: Option<&'s Path>,
    path: &'s str,
    span: Span,
    stmt_span: Span,
}

impl<'l> GraphBuilder<'l> {
    pub fn new(loader: &'l dyn Loader) -> Self {
        GraphBuilder {
            loader,
            graph: ModuleGraph::default(),
            sources: SourceMap::new(),
            problems: Problems::new(),
            stack: Vec::new(),
            cache: None,
        }
    }

    /// A builder that takes its source map and parses from `cache` (an
    /// unchanged file keeps its [`FileId`] and is not parsed again; an
    /// edited one keeps its id and gets its new text); give the cache back
    /// with [`GraphBuilder::take_cache`].
    pub fn with_cache(loader: &'l dyn Loader, mut cache: crate::sema::ParseCache) -> Self {
        let mut b = GraphBuilder::new(loader);
        b.sources = cache.take_sources();
        b.cache = Some(cache);
        b
    }

    /// The cache given to [`GraphBuilder::with_cache`], holding this run's
    /// parses and a copy of its source map.
    pub fn take_cache(&mut self) -> Option<crate::sema::ParseCache> {
        let mut c = self.cache.take()?;
        c.keep_sources(self.sources.clone());
        Some(c)
    }

    /// Loads an entry file (and everything it reaches). An unreadable entry
    /// is reported at an empty span of a placeholder file.
    pub fn load_entry(&mut self, path: &Path) -> Option<ModuleId> {
        let key = ModuleKey::File(normalize(path));
        if let Some(id) = self.graph.by_key(&key) {
            return Some(id);
        }
        match self.loader.read(&normalize(path)) {
            Ok(bytes) => Some(self.add_module(key, bytes, false)),
            Err(e) => {
                let name = normalize(path).display().to_string();
                let file = self.sources.add(name.clone(), "");
                self.problems.push(ModuleError::Unreadable {
                    span: Span::new(file, 0, 0),
                    path: name,
                    reason: e.to_string(),
                });
                None
            }
        }
    }

    fn add_module(&mut self, key: ModuleKey, bytes: Vec<u8>, is_stdlib: bool) -> ModuleId {
        let (file, module, diagnostics) = match &mut self.cache {
            Some(c) => c.parse(&mut self.sources, key.display(), &bytes),
            None => {
                let (file, p) = digit_lang::parse_source(&mut self.sources, key.display(), &bytes);
                (file, p.module, p.diagnostics)
            }
        };
        self.problems.extend(diagnostics);
        let id = self.graph.modules.len();
        self.graph.index.insert(key.clone(), id);
        self.graph.modules.push(ModuleInfo {
            key,
            file,
            ast: module,
            amends: None,
            imports: Vec::new(),
            is_stdlib,
        });
        self.stack.push(id);
        self.resolve_edges(id);
        self.stack.pop();
        id
    }

    fn resolve_edges(&mut self, id: ModuleId) {
        let from = match &self.graph.modules[id].key {
            ModuleKey::File(p) => Some(p.clone()),
            ModuleKey::Std(_) => None,
        };
        let amends = self.graph.modules[id].ast.amends.clone();
        if let Some(a) = amends {
            let target = self.follow(Edge {
                from: from.as_deref(),
                path: &a.path,
                span: a.span,
                stmt_span: a.stmt_span,
            });
            self.graph.modules[id].amends = target;
        }
        let imports = self.graph.modules[id].ast.imports.clone();
        for imp in imports {
            let target = self.follow(Edge {
                from: from.as_deref(),
                path: &imp.path.path,
                span: imp.path.span,
                stmt_span: imp.path.stmt_span,
            });
            self.graph.modules[id].imports.push(ImportEdge {
                alias: imp.alias.name.to_string(),
                span: imp.alias.span,
                target,
            });
        }
    }

    /// Loads the target of an edge; `None` when missing or cyclic.
    fn follow(&mut self, edge: Edge<'_>) -> Option<ModuleId> {
        let key = self.key_for(&edge)?;
        let id = match self.graph.by_key(&key) {
            Some(id) => id,
            None => self.read_module(key, &edge)?,
        };
        if let Some(pos) = self.stack.iter().position(|&m| m == id) {
            let mut cycle: Vec<String> = self.stack[pos..]
                .iter()
                .map(|&m| self.graph.modules[m].key.display())
                .collect();
            cycle.push(self.graph.modules[id].key.display());
            self.problems.push(ModuleError::Cycle {
                span: edge.stmt_span,
                cycle,
            });
            return None;
        }
        Some(id)
    }

    fn key_for(&mut self, edge: &Edge<'_>) -> Option<ModuleKey> {
        if let Some(name) = edge.path.strip_prefix("digit:") {
            if digit_stdlib::module(name).is_none() {
                let help = suggest::best(name, digit_stdlib::names().iter().copied())
                    .map(|n| format!("did you mean `digit:{n}`?"));
                self.problems.push(ModuleError::UnknownStd {
                    span: edge.span,
                    name: name.to_string(),
                    help,
                });
                return None;
            }
            return Some(ModuleKey::Std(name.to_string()));
        }
        let path = match edge.from {
            Some(from) => resolve_relative(from, edge.path),
            // A standard module importing a file: not supported.
            None => normalize(Path::new(edge.path)),
        };
        Some(ModuleKey::File(path))
    }

    fn read_module(&mut self, key: ModuleKey, edge: &Edge<'_>) -> Option<ModuleId> {
        match &key {
            ModuleKey::Std(name) => {
                let text = digit_stdlib::module(name)?;
                Some(self.add_module(key.clone(), text.as_bytes().to_vec(), true))
            }
            ModuleKey::File(path) => match self.loader.read(path) {
                Ok(bytes) => Some(self.add_module(key.clone(), bytes, false)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let help = self.sibling_help(path, edge.path);
                    self.problems.push(ModuleError::MissingFile {
                        span: edge.span,
                        path: edge.path.to_string(),
                        help,
                    });
                    None
                }
                Err(e) => {
                    self.problems.push(ModuleError::Unreadable {
                        span: edge.span,
                        path: edge.path.to_string(),
                        reason: e.to_string(),
                    });
                    None
                }
            },
        }
    }

    fn sibling_help(&self, path: &Path, written: &str) -> Option<String> {
        let dir = path.parent().unwrap_or(Path::new(""));
        let file_name = path.file_name()?.to_string_lossy().into_owned();
        let siblings: Vec<String> = self
            .loader
            .list(dir)
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "dg"))
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect();
        let best = suggest::best(&file_name, siblings.iter().map(String::as_str))?;
        let fixed = match written.rfind('/') {
            Some(i) => format!("{}{best}", &written[..=i]),
            None => best,
        };
        Some(format!("did you mean \"{fixed}\"?"))
    }
}
