//! The pipeline: the one place that chains the stages.
//!
//! load (module graph, parse) -> evaluate -> validate, collecting every
//! problem of every stage into one [`Problems`]. Nothing here stops early:
//! a broken import still lets the rest of the file be checked.

use crate::eval::{Evaluator, Object};
use crate::loader::{normalize, Loader};
use crate::modules::{GraphBuilder, ModuleGraph, ModuleId, ModuleKey};
use crate::output;
use crate::value::{Value, ValueKind};
use digit_lang::{Diagnostic, Problems, SourceMap};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Everything a run found: the sources (for rendering diagnostics), the
/// problems, and the module graph (the syntax trees), from which later
/// stages and the language server re-evaluate with [`with_root`].
#[derive(Debug)]
pub struct Analysis {
    pub sources: SourceMap,
    pub problems: Problems,
    pub graph: ModuleGraph,
    /// The modules evaluated as entries.
    pub entries: Vec<ModuleId>,
}

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.problems.has_errors()
    }
}

fn load<'l>(
    loader: &'l dyn Loader,
    paths: &[PathBuf],
) -> (GraphBuilder<'l>, Vec<Option<ModuleId>>) {
    let mut b = GraphBuilder::new(loader);
    let ids = paths.iter().map(|p| b.load_entry(p)).collect();
    (b, ids)
}

/// `read_file` may read below the deepest directory holding every file of
/// the configuration (the entry and the modules it amends and imports).
fn project_root(graph: &ModuleGraph) -> PathBuf {
    let mut root: Option<PathBuf> = None;
    for m in &graph.modules {
        let ModuleKey::File(p) = &m.key else { continue };
        let dir = normalize(p.parent().unwrap_or(Path::new("")));
        root = Some(match root {
            None => dir,
            Some(r) => r
                .components()
                .zip(dir.components())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    match root {
        Some(r) if !r.as_os_str().is_empty() => r,
        _ => PathBuf::from("."),
    }
}

/// Evaluates module `entry` of `analysis` and hands its value to `f`.
pub fn with_root<'g, R>(
    graph: &'g ModuleGraph,
    loader: &'g dyn Loader,
    entry: ModuleId,
    f: impl FnOnce(&Evaluator<'g>, Rc<Object<'g>>) -> R,
) -> R {
    let ev = Evaluator::new(graph, loader, project_root(graph));
    let root = ev.eval_root(entry);
    f(&ev, root)
}

fn finish(b: GraphBuilder<'_>, mut problems: Problems, entries: Vec<ModuleId>) -> Analysis {
    let mut all = b.problems;
    all.extend(problems.iter().cloned());
    problems = Problems::new();
    problems.extend(all.sorted());
    Analysis {
        sources: b.sources,
        problems,
        graph: b.graph,
        entries,
    }
}

fn check_entry(graph: &ModuleGraph, loader: &dyn Loader, entry: ModuleId) -> Vec<Diagnostic> {
    with_root(graph, loader, entry, |ev, root| {
        ev.force(&Value::new(ValueKind::Object(root.clone()), root.span));
        ev.take_problems().into_vec()
    })
}

/// Parses, loads, evaluates and validates one file.
pub fn check_file(loader: &dyn Loader, path: &Path) -> Analysis {
    check_files(loader, &[path.to_path_buf()])
}

/// Checks many files with one source map, each module loaded once. A file
/// amended by another loaded file is checked through the files that amend
/// it (a `base.dg` alone would lack the environment's `name`): the entries
/// are the loaded files nothing amends whose amends chain holds a given
/// file. A base given alone is checked on its own.
pub fn check_files(loader: &dyn Loader, paths: &[PathBuf]) -> Analysis {
    let (b, ids) = load(loader, paths);
    let entries = entries(&b.graph, &ids.into_iter().flatten().collect::<Vec<_>>());
    let mut problems = Problems::new();
    for &e in &entries {
        problems.extend(check_entry(&b.graph, loader, e));
    }
    finish(b, problems, entries)
}

/// The modules [`check_files`] evaluates for the `given` ones.
fn entries(graph: &ModuleGraph, given: &[ModuleId]) -> Vec<ModuleId> {
    let given: HashSet<ModuleId> = given.iter().copied().collect();
    let amended: HashSet<ModuleId> = graph.modules.iter().filter_map(|m| m.amends).collect();
    (0..graph.modules.len())
        .filter(|id| !amended.contains(id))
        .filter(|&id| matches!(graph.get(id).map(|m| &m.key), Some(ModuleKey::File(_))))
        .filter(|&id| graph.amends_chain(id).iter().any(|m| given.contains(m)))
        .collect()
}

/// Evaluates one file to JSON (after validation). The JSON is `None` when
/// the configuration has errors.
pub fn eval_file(
    loader: &dyn Loader,
    path: &Path,
    select: Option<&str>,
) -> (Analysis, Option<serde_json::Value>) {
    let select = select.and_then(|s| split_path(s).ok());
    let (a, json) = eval_file_at(loader, path, select.as_deref().unwrap_or(&[]));
    (a, json.ok().flatten())
}

/// A `--path` that names nothing in the evaluated configuration: a usage
/// mistake, not a problem of the configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathError {
    pub message: String,
    pub help: Option<String>,
}

/// Evaluates one file and selects the value at `select` (segments of a
/// path such as `services."egov-user".env`; empty for the whole
/// configuration). `Ok(None)` when the configuration has errors (they are
/// in the analysis); `Err` when the configuration is fine but the path
/// does not exist.
pub fn eval_file_at(
    loader: &dyn Loader,
    path: &Path,
    select: &[String],
) -> (Analysis, Result<Option<serde_json::Value>, PathError>) {
    eval_file_with(loader, path, select, output::to_json)
}

/// [`eval_file_at`] with the JSON as the text `digitc eval` prints
/// (`serde_json::to_string_pretty` of the value, without a final newline),
/// written without building the JSON value.
pub fn eval_file_pretty_at(
    loader: &dyn Loader,
    path: &Path,
    select: &[String],
) -> (Analysis, Result<Option<String>, PathError>) {
    eval_file_with(loader, path, select, output::to_json_pretty)
}

/// Loads, checks and evaluates `path`, then hands the value at `select` to
/// `out`; see [`eval_file_at`].
fn eval_file_with<T>(
    loader: &dyn Loader,
    path: &Path,
    select: &[String],
    out: impl for<'a, 'e> FnOnce(&'e Evaluator<'a>, &Value<'a>) -> T,
) -> (Analysis, Result<Option<T>, PathError>) {
    let (b, ids) = load(loader, &[path.to_path_buf()]);
    let Some(entry) = ids.into_iter().flatten().next() else {
        return (finish(b, Problems::new(), Vec::new()), Ok(None));
    };
    let (json, diags) = with_root(&b.graph, loader, entry, |ev, root| {
        let v = Value::new(ValueKind::Object(root.clone()), root.span);
        ev.force(&v);
        let problems = ev.take_problems().into_vec();
        // Nothing is printed from a configuration with errors: its value
        // may be one that grew without bound (validation stopped it).
        if problems.iter().any(|d| d.is_error()) {
            return (Ok(None), problems);
        }
        let json = select_path(ev, v, select).map(|v| Some(out(ev, &v)));
        let mut problems = problems;
        problems.extend(ev.take_problems().into_vec());
        (json, problems)
    });
    let mut problems = Problems::new();
    problems.extend(diags);
    let a = finish(b, problems, vec![entry]);
    if a.has_errors() {
        return (a, Ok(None));
    }
    (a, json)
}

/// Loads, checks and evaluates the environment `path`, then lowers it to
/// Kubernetes objects. `None` when the configuration has errors (they are
/// in the analysis, lowering's included); nothing is lowered from a
/// configuration with errors.
pub fn build_file(
    loader: &dyn Loader,
    path: &Path,
    options: crate::lower::Options<'_>,
) -> (Analysis, Option<crate::lower::Lowered>) {
    let (b, ids) = load(loader, &[path.to_path_buf()]);
    let Some(entry) = ids.into_iter().flatten().next() else {
        return (finish(b, Problems::new(), Vec::new()), None);
    };
    let (input, span, diags) = with_root(&b.graph, loader, entry, |ev, root| {
        let v = Value::new(ValueKind::Object(root.clone()), root.span);
        ev.force(&v);
        let input = crate::lower::input::read(ev, &v);
        (input, root.span, ev.take_problems().into_vec())
    });
    let mut problems = Problems::new();
    problems.extend(diags);
    let mut a = finish(b, problems, vec![entry]);
    if a.has_errors() {
        return (a, None);
    }
    let lowered = crate::lower::lower(&input, options, span);
    let mut all = std::mem::take(&mut a.problems);
    all.extend(lowered.problems.iter().cloned());
    a.problems = Problems::new();
    a.problems.extend(all.sorted());
    if a.has_errors() {
        return (a, None);
    }
    (a, Some(lowered))
}

fn select_path<'a>(
    ev: &Evaluator<'a>,
    mut v: Value<'a>,
    select: &[String],
) -> Result<Value<'a>, PathError> {
    for (i, seg) in select.iter().enumerate() {
        let here = show_path(&select[..i]);
        let ValueKind::Object(o) = &v.kind else {
            return Err(PathError {
                message: format!("`{}` is {}, which has no field `{seg}`", here, v.describe()),
                help: None,
            });
        };
        match ev.field(o, seg, o.span) {
            Some(next) => v = next,
            None => {
                let keys = ev.keys(o);
                let help = crate::suggest::best(seg, keys.iter().map(|k| &**k)).map(|h| {
                    format!(
                        "did you mean `{}`?",
                        show_path(&[&select[..i], &[h.to_string()]].concat())
                    )
                });
                let whole = if i == 0 {
                    "the configuration".to_string()
                } else {
                    format!("`{here}`")
                };
                return Err(PathError {
                    message: format!("{whole} has no field `{seg}`"),
                    help,
                });
            }
        }
    }
    Ok(v)
}

/// Segments back into a path, quoting those that are not identifiers.
fn show_path(segments: &[String]) -> String {
    let mut out = String::new();
    for (i, s) in segments.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        let ident = s
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if ident {
            out.push_str(s);
        } else {
            out.push_str(&format!("{s:?}"));
        }
    }
    out
}

/// `a.b."c-d".e` into its segments; an empty segment or an unclosed quote
/// is a mistake.
pub fn split_path(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                quoted = !quoted;
                was_quoted = true;
            }
            '\\' if quoted => cur.extend(chars.next()),
            '.' if !quoted => {
                if cur.is_empty() && !was_quoted {
                    return Err(format!("`{s}` has an empty segment; write paths like `services.\"egov-user\".replicas`"));
                }
                out.push(std::mem::take(&mut cur));
                was_quoted = false;
            }
            c => cur.push(c),
        }
    }
    if quoted {
        return Err(format!("`{s}` has an unclosed quote"));
    }
    if cur.is_empty() && !was_quoted {
        if s.is_empty() {
            return Ok(out);
        }
        return Err(format!(
            "`{s}` has an empty segment; write paths like `services.\"egov-user\".replicas`"
        ));
    }
    out.push(cur);
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn splits_quoted_paths() {
        assert_eq!(
            super::split_path(r#"services."egov-user".env"#),
            Ok(vec!["services".into(), "egov-user".into(), "env".into()])
        );
        assert_eq!(
            super::split_path(r#""a.b".c"#),
            Ok(vec!["a.b".into(), "c".into()])
        );
        assert_eq!(super::split_path(""), Ok(vec![]));
        assert!(super::split_path("a..b").is_err());
        assert!(super::split_path("a.").is_err());
        assert!(super::split_path("\"a").is_err());
    }
}
