//! The pipeline: the one place that chains the stages.
//!
//! load (module graph, parse) -> sema (names and types, statically) ->
//! evaluate -> validate, collecting every problem of every stage into one
//! [`Problems`]. Nothing here stops early:
//! a broken import still lets the rest of the file be checked.

use crate::eval::{Evaluator, Object};
use crate::loader::{normalize, Loader};
use crate::modules::{GraphBuilder, ModuleGraph, ModuleId, ModuleKey};
use crate::output;
use crate::value::{Value, ValueKind};
use digit_lang::{Diagnostic, FileId, Problems, SourceMap, ToDiagnostic};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

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
    f: impl FnOnce(&Evaluator<'g>, &Object<'g>) -> R,
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

/// Adds what the semantic stage ([`crate::sema`]) found in every loaded
/// module, evaluated or not, to evaluation's `problems`: one mistake, one
/// diagnostic, so a finding that evaluation also reported (the same code at
/// the same span) is kept once, in evaluation's words. A file that did not
/// load or parse cleanly is left to its own errors (its `Error` nodes can
/// hide declarations).
fn add_sema(b: &GraphBuilder<'_>, problems: &mut Problems) {
    let sema = crate::sema::Sema::check(&b.graph, &b.sources);
    let broken = broken_files(&b.problems);
    // Nor in a file whose configuration reaches a syntax error: what it
    // names may be declared in the part the parser had to guess.
    let syntax = syntax_broken(&b.problems);
    let guessed: HashSet<FileId> = (0..b.graph.modules.len())
        .filter(|&id| reaches(&b.graph, id, &syntax))
        .filter_map(|id| b.graph.get(id).map(|m| m.file))
        .collect();
    let seen: HashSet<(&str, digit_lang::Span)> =
        problems.iter().map(|d| (d.code, d.span)).collect();
    let mut new: Vec<Diagnostic> = sema
        .into_iter()
        .filter(|d| {
            !broken.contains(&d.span.file)
                && !guessed.contains(&d.span.file)
                && !seen.contains(&(d.code, d.span))
        })
        .collect();
    // As many problems as one evaluation keeps, the rest counted (E0523).
    let room = crate::eval::MAX_PROBLEMS.saturating_sub(problems.len());
    if new.len() > room {
        let first = new[room].span;
        let more = (new.len() - room) as u64;
        new.truncate(room);
        if !problems.iter().any(|d| d.code == "E0523") {
            new.push(
                crate::eval::EvalError::TooManyProblems {
                    span: first,
                    shown: crate::eval::MAX_PROBLEMS,
                    more,
                }
                .to_diagnostic(),
            );
        }
    }
    problems.extend(new);
}

/// Evaluates one entry; an environment that evaluated without errors (and,
/// when `rules`, whose files loaded without errors) is then held to the
/// platform rules ([`crate::lower::rules`]).
fn check_entry(
    graph: &ModuleGraph,
    sources: &SourceMap,
    loader: &dyn Loader,
    entry: ModuleId,
    rules: bool,
) -> Vec<Diagnostic> {
    with_root(graph, loader, entry, |ev, root| {
        let v = Value::new(ValueKind::Object(root.id), root.span);
        ev.force(&v);
        let mut problems = ev.take_problems().into_vec();
        if rules && is_environment(graph, entry) && !problems.iter().any(Diagnostic::is_error) {
            let input = crate::lower::input::read(ev, &v);
            problems.extend(crate::lower::rules::check(&input, sources, root.span));
            // What only lowering finds (`extra_objects` and `patches` checked
            // against their Kubernetes types, a patch that matches no
            // object) is reported by `check` too, for pre-commit; secrets
            // stay closed. An environment without either is not lowered.
            let has = |field: &str| {
                input.json.get(field).is_some_and(|v| match v {
                    serde_json::Value::Array(a) => !a.is_empty(),
                    serde_json::Value::Object(o) => !o.is_empty(),
                    _ => false,
                })
            };
            if (has("extra_objects") || has("patches"))
                && !problems.iter().any(Diagnostic::is_error)
            {
                let options = crate::lower::Options { decrypt: None };
                problems.extend(crate::lower::lower(&input, options, root.span).problems);
            }
        }
        problems
    })
}

/// Files with a loading or parsing error: their error nodes must not
/// reach the platform rules.
fn broken_files(problems: &Problems) -> HashSet<digit_lang::FileId> {
    problems
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.span.file)
        .collect()
}

/// True when `entry`, a module it amends or one they import (transitively)
/// is in one of the `files`.
fn reaches(graph: &ModuleGraph, entry: ModuleId, files: &HashSet<digit_lang::FileId>) -> bool {
    if files.is_empty() {
        return false;
    }
    let mut seen = HashSet::new();
    let mut todo = vec![entry];
    while let Some(id) = todo.pop() {
        let Some(m) = graph.get(id) else { continue };
        if !seen.insert(id) {
            continue;
        }
        if files.contains(&m.file) {
            return true;
        }
        todo.extend(m.amends);
        todo.extend(m.imports.iter().filter_map(|i| i.target));
    }
    false
}

/// True when a module of `id`'s amends chain names a parent that did not
/// load (a misspelt path, an unknown `digit:` module, an unreadable file,
/// a cycle), which is reported. Such a module is not evaluated: without
/// its parent it has no schema to be checked against, and every field the
/// parent would declare would be reported as a false error.
fn parent_missing(graph: &ModuleGraph, id: ModuleId) -> bool {
    graph.amends_chain(id).iter().any(|&m| {
        graph
            .get(m)
            .is_some_and(|m| m.ast.amends.is_some() && m.amends.is_none())
    })
}

/// True when `id`'s amends chain reaches `digit:environment`.
fn is_environment(graph: &ModuleGraph, id: ModuleId) -> bool {
    let env = ModuleKey::Std("environment".to_string());
    graph
        .amends_chain(id)
        .iter()
        .any(|&m| graph.get(m).is_some_and(|m| m.key == env))
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
    let (mut b, ids) = load(loader, paths);
    let entries = entries(&b.graph, &ids.into_iter().flatten().collect::<Vec<_>>());
    let mut found = Vec::new();
    let broken = broken_files(&b.problems);
    let syntax = syntax_broken(&b.problems);
    let mut unchecked = Vec::new();
    for &e in entries.iter().filter(|&&e| !parent_missing(&b.graph, e)) {
        if reaches(&b.graph, e, &syntax) {
            unchecked.push(e);
            continue;
        }
        let rules = !reaches(&b.graph, e, &broken);
        let file = b.graph.get(e).map(|m| m.file);
        add_found(
            &mut found,
            check_entry(&b.graph, &b.sources, loader, e, rules),
            file,
        );
    }
    let mut problems = Problems::new();
    problems.extend(found);
    add_sema(&b, &mut problems);
    note_unchecked(&mut b, &syntax, &unchecked);
    finish(b, problems, entries)
}

/// Adds what checking the entry in `file` found to `all`: a problem in
/// another file (a base, an import) is marked with the entry, and one
/// already found through another entry gets this entry added to its list
/// instead of being repeated.
fn add_found(all: &mut Vec<Diagnostic>, found: Vec<Diagnostic>, file: Option<FileId>) {
    let mut by_place: HashMap<(FileId, u32, u32, &'static str), Vec<usize>> = HashMap::new();
    for (i, d) in all.iter().enumerate() {
        by_place
            .entry((d.span.file, d.span.start, d.span.end, d.code))
            .or_default()
            .push(i);
    }
    for mut d in found {
        if let Some(f) = file.filter(|&f| f != d.span.file) {
            d = d.with_entry(f);
        }
        let place = (d.span.file, d.span.start, d.span.end, d.code);
        let same = by_place
            .get(&place)
            .and_then(|ix| ix.iter().copied().find(|&i| all[i].same_problem(&d)));
        match same {
            Some(i) => {
                for f in d.entries {
                    if !all[i].entries.contains(&f) {
                        all[i].entries.push(f);
                    }
                }
            }
            None => {
                by_place.entry(place).or_default().push(all.len());
                all.push(d);
            }
        }
    }
}

/// Files with a syntax error (a front-end error: lexing or parsing). A
/// configuration that reaches one is not evaluated: the parser's repair
/// of a broken region is a guess, and what is evaluated from a guess (a
/// block closed too early or too late, a member skipped) gives errors
/// that are not there, in that file and in every file that amends or
/// imports it. The syntax errors alone are reported.
fn syntax_broken(problems: &Problems) -> HashSet<digit_lang::FileId> {
    problems
        .iter()
        .filter(|d| is_syntax_error(d))
        .map(|d| d.span.file)
        .collect()
}

fn is_syntax_error(d: &Diagnostic) -> bool {
    d.is_error() && digit_lang::codes::REGISTRY.iter().any(|c| c.code == d.code)
}

/// True (and noted) when `entry` reaches a file with a syntax error, so
/// it is not evaluated.
fn skip_broken(b: &mut GraphBuilder<'_>, entry: ModuleId) -> bool {
    let syntax = syntax_broken(&b.problems);
    if !reaches(&b.graph, entry, &syntax) {
        return false;
    }
    note_unchecked(b, &syntax, &[entry]);
    true
}

/// Says once, on the first syntax error of each broken file, which of the
/// `unchecked` entries were not evaluated because of it.
fn note_unchecked(
    b: &mut GraphBuilder<'_>,
    syntax: &HashSet<digit_lang::FileId>,
    unchecked: &[ModuleId],
) {
    if unchecked.is_empty() {
        return;
    }
    let mut all = std::mem::take(&mut b.problems).sorted();
    for &file in syntax {
        let mut names: Vec<String> = unchecked
            .iter()
            .filter(|&&e| reaches(&b.graph, e, &HashSet::from([file])))
            .filter_map(|&e| b.graph.get(e))
            .map(|m| match m.file == file {
                true => "this file".to_string(),
                false => format!("`{}`", b.sources.name(m.file)),
            })
            .collect();
        names.sort();
        let Some(first) = all
            .iter_mut()
            .find(|d| d.span.file == file && is_syntax_error(d))
        else {
            continue;
        };
        let note = match names.as_slice() {
            [] => continue,
            [one] if one == "this file" => {
                "the rest of this file is checked once its syntax errors are fixed".to_string()
            }
            [one] => format!("{one} is not checked until the syntax errors of this file are fixed"),
            [init @ .., last] => format!(
                "{} and {last} are not checked until the syntax errors of this file are fixed",
                init.join(", ")
            ),
        };
        first.notes.push(note);
    }
    b.problems.extend(all);
}

/// The modules [`check_files`] evaluates for the `given` ones.
fn entries(graph: &ModuleGraph, given: &[ModuleId]) -> Vec<ModuleId> {
    let given: HashSet<ModuleId> = given.iter().copied().collect();
    let mut amended: HashSet<ModuleId> = graph.modules.iter().filter_map(|m| m.amends).collect();
    amended.extend(meant(graph));
    (0..graph.modules.len())
        .filter(|id| !amended.contains(id))
        .filter(|&id| matches!(graph.get(id).map(|m| &m.key), Some(ModuleKey::File(_))))
        .filter(|&id| graph.amends_chain(id).iter().any(|m| given.contains(m)))
        .collect()
}

/// The modules a broken `amends` most likely meant: the one it names (a
/// cycle), or the loaded file of the closest name in the directory it
/// names (`"../bas.dg"` for `base.dg`). Such a base is not checked on its
/// own when its environment could not be checked through it: it would
/// lack what the environment sets (`name`), and report that falsely.
fn meant(graph: &ModuleGraph) -> Vec<ModuleId> {
    let mut out = Vec::new();
    for m in &graph.modules {
        let (ModuleKey::File(from), Some(a), None) = (&m.key, &m.ast.amends, m.amends) else {
            continue;
        };
        if a.path.starts_with("digit:") {
            continue;
        }
        let target = crate::loader::resolve_relative(from, &a.path);
        if let Some(id) = graph.by_path(&target) {
            out.push(id);
            continue;
        }
        let (Some(dir), Some(name)) = (target.parent(), target.file_name()) else {
            continue;
        };
        let siblings: Vec<(ModuleId, String)> = graph
            .modules
            .iter()
            .enumerate()
            .filter_map(|(id, s)| match &s.key {
                ModuleKey::File(p) if p.parent() == Some(dir) => {
                    Some((id, p.file_name()?.to_string_lossy().into_owned()))
                }
                _ => None,
            })
            .collect();
        let name = name.to_string_lossy();
        if let Some(best) = crate::suggest::best(&name, siblings.iter().map(|(_, n)| n.as_str())) {
            out.extend(
                siblings
                    .iter()
                    .filter(|(_, n)| *n == best)
                    .map(|(id, _)| *id),
            );
        }
    }
    out
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
    select: &[PathSegment],
) -> (Analysis, Result<Option<serde_json::Value>, PathError>) {
    eval_file_with(loader, path, select, output::to_json)
}

/// [`eval_file_at`] with the JSON as the text `digitc eval` prints
/// (`serde_json::to_string_pretty` of the value, without a final newline),
/// written without building the JSON value.
pub fn eval_file_pretty_at(
    loader: &dyn Loader,
    path: &Path,
    select: &[PathSegment],
) -> (Analysis, Result<Option<String>, PathError>) {
    eval_file_with(loader, path, select, output::to_json_pretty)
}

/// Loads, checks and evaluates `path`, then hands the value at `select` to
/// `out`; see [`eval_file_at`].
fn eval_file_with<T>(
    loader: &dyn Loader,
    path: &Path,
    select: &[PathSegment],
    out: impl for<'a, 'e> FnOnce(&'e Evaluator<'a>, &Value) -> T,
) -> (Analysis, Result<Option<T>, PathError>) {
    let (mut b, ids) = load(loader, &[path.to_path_buf()]);
    let Some(entry) = ids.into_iter().flatten().next() else {
        return (finish(b, Problems::new(), Vec::new()), Ok(None));
    };
    if parent_missing(&b.graph, entry) || skip_broken(&mut b, entry) {
        return (finish(b, Problems::new(), vec![entry]), Ok(None));
    }
    let (json, diags) = with_root(&b.graph, loader, entry, |ev, root| {
        let v = Value::new(ValueKind::Object(root.id), root.span);
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
    add_sema(&b, &mut problems);
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
    let (mut b, ids) = load(loader, &[path.to_path_buf()]);
    let Some(entry) = ids.into_iter().flatten().next() else {
        return (finish(b, Problems::new(), Vec::new()), None);
    };
    if parent_missing(&b.graph, entry) || skip_broken(&mut b, entry) {
        return (finish(b, Problems::new(), vec![entry]), None);
    }
    let (input, span, diags) = with_root(&b.graph, loader, entry, |ev, root| {
        let v = Value::new(ValueKind::Object(root.id), root.span);
        ev.force(&v);
        let input = crate::lower::input::read(ev, &v);
        (input, root.span, ev.take_problems().into_vec())
    });
    let mut problems = Problems::new();
    let evaluated = !diags.iter().any(Diagnostic::is_error);
    problems.extend(diags);
    let loaded = !reaches(&b.graph, entry, &broken_files(&b.problems));
    let environment = is_environment(&b.graph, entry);
    if !environment {
        problems.push(
            Diagnostic::error(
                "E0701",
                span,
                "this module is not an environment that can be built",
            )
            .with_label("its amends chain does not reach `digit:environment`")
            .with_help(
                "build an environment file (`env/qa.dg`, which amends a base that amends \
                 `digit:environment`), not a base's import or a services module",
            ),
        );
    }
    if evaluated && loaded && environment {
        problems.extend(crate::lower::rules::check(&input, &b.sources, span));
    }
    add_sema(&b, &mut problems);
    let mut a = finish(b, problems, vec![entry]);
    if a.has_errors() {
        return (a, None);
    }
    // Every secret of the environment is opened once before lowering, so a
    // missing or wrong passcode is found for each of them, used by an
    // object or not; the plaintext is dropped (and wiped) at once. Lowering
    // opens what it uses again, with the key already derived.
    if let Some(decrypt) = options.decrypt {
        for s in &input.secrets {
            drop(decrypt(s));
        }
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
    mut v: Value,
    select: &[PathSegment],
) -> Result<Value, PathError> {
    for (i, seg) in select.iter().enumerate() {
        let here = show_path(&select[..i]);
        let whole = if i == 0 {
            "the configuration".to_string()
        } else {
            format!("`{here}`")
        };
        match (seg, &v.kind) {
            (PathSegment::Index(n), ValueKind::List(xs)) => match xs.get(*n) {
                Some(x) => v = x.clone(),
                None => {
                    return Err(PathError {
                        message: format!(
                            "{whole} has {} element{}, so `[{n}]` is out of range",
                            xs.len(),
                            if xs.len() == 1 { "" } else { "s" }
                        ),
                        help: (!xs.is_empty())
                            .then(|| format!("indexes start at 0: `[0]` to `[{}]`", xs.len() - 1)),
                    })
                }
            },
            (PathSegment::Index(n), _) => {
                return Err(PathError {
                    message: format!(
                        "{whole} is {}, which has no index `[{n}]`",
                        v.describe(ev.arena())
                    ),
                    help: v
                        .as_object()
                        .map(|_| "name a field with `.name`".to_string()),
                })
            }
            (PathSegment::Key(key), ValueKind::List(xs)) => {
                return Err(PathError {
                    message: format!("{whole} is a list, which has no field `{key}`"),
                    help: (!xs.is_empty()).then(|| {
                        format!(
                            "pick an element first: `{}[0].{key}`",
                            show_path(&select[..i])
                        )
                    }),
                })
            }
            (PathSegment::Key(key), ValueKind::Object(o)) => {
                match ev.field(ev.obj(*o), key, ev.obj(*o).span) {
                    Some(next) => v = next,
                    None => {
                        let keys = ev.keys(ev.obj(*o));
                        let help = crate::suggest::best(key, keys.iter().map(|k| &**k)).map(|h| {
                            let mut seen = select[..i].to_vec();
                            seen.push(PathSegment::Key(h.to_string()));
                            format!("did you mean `{}`?", show_path(&seen))
                        });
                        return Err(PathError {
                            message: format!("{whole} has no field `{key}`"),
                            help,
                        });
                    }
                }
            }
            (PathSegment::Key(key), _) => {
                return Err(PathError {
                    message: format!(
                        "`{here}` is {}, which has no field `{key}`",
                        v.describe(ev.arena())
                    ),
                    help: None,
                })
            }
        }
    }
    Ok(v)
}

/// One step of a `--path`: a field (`services`, `"egov-user"`) or a list
/// index (`[3]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    Key(String),
    Index(usize),
}

impl From<&str> for PathSegment {
    fn from(key: &str) -> Self {
        PathSegment::Key(key.to_string())
    }
}

/// Segments back into a path, quoting keys that are not identifiers.
fn show_path(segments: &[PathSegment]) -> String {
    let mut out = String::new();
    for (i, s) in segments.iter().enumerate() {
        match s {
            PathSegment::Index(n) => out.push_str(&format!("[{n}]")),
            PathSegment::Key(k) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(&crate::value::path_segment(k));
            }
        }
    }
    out
}

/// `a.b."c-d"[3].e` into its segments; an empty segment, an unclosed
/// quote or a malformed index is a mistake.
pub fn split_path(s: &str) -> Result<Vec<PathSegment>, String> {
    let empty = || {
        format!(
            "`{s}` has an empty segment; write paths like `services.\"egov-user\".replicas` or `kafka.topics[0].name`"
        )
    };
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    // The key being read was written in quotes (so it may be empty).
    let mut was_quoted = false;
    // The last segment was an index: what follows must be `.`, `[` or the end.
    let mut after_index = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                if after_index {
                    return Err(format!("`{s}`: write `.` between `]` and the next field"));
                }
                quoted = !quoted;
                was_quoted = true;
            }
            '\\' if quoted => cur.extend(chars.next()),
            '.' if !quoted => {
                if !after_index {
                    if cur.is_empty() && !was_quoted {
                        return Err(empty());
                    }
                    out.push(PathSegment::Key(std::mem::take(&mut cur)));
                }
                was_quoted = false;
                after_index = false;
                if chars.peek().is_none() {
                    return Err(empty());
                }
            }
            '[' if !quoted => {
                if !after_index {
                    if cur.is_empty() && !was_quoted {
                        return Err(format!("`{s}`: an index `[n]` follows a field name"));
                    }
                    out.push(PathSegment::Key(std::mem::take(&mut cur)));
                }
                let mut digits = String::new();
                loop {
                    match chars.next() {
                        Some(']') => break,
                        Some(d) if d.is_ascii_digit() => digits.push(d),
                        _ => {
                            return Err(format!(
                                "`{s}`: a list index is a number in brackets, like `[0]`"
                            ))
                        }
                    }
                }
                let n = digits.parse::<usize>().map_err(|_| {
                    format!("`{s}`: a list index is a number in brackets, like `[0]`")
                })?;
                out.push(PathSegment::Index(n));
                was_quoted = false;
                after_index = true;
            }
            c => {
                if after_index {
                    return Err(format!("`{s}`: write `.` between `]` and the next field"));
                }
                cur.push(c);
            }
        }
    }
    if quoted {
        return Err(format!("`{s}` has an unclosed quote"));
    }
    if after_index {
        return Ok(out);
    }
    if cur.is_empty() && !was_quoted {
        if s.is_empty() {
            return Ok(out);
        }
        return Err(empty());
    }
    out.push(PathSegment::Key(cur));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::PathSegment::{Index, Key};

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
        assert_eq!(
            super::split_path("kafka.topics[6].name"),
            Ok(vec![
                Key("kafka".into()),
                Key("topics".into()),
                Index(6),
                Key("name".into())
            ])
        );
        assert_eq!(
            super::split_path("m[0][1]"),
            Ok(vec![Key("m".into()), Index(0), Index(1)])
        );
        assert!(super::split_path("a[x]").is_err());
        assert!(super::split_path("a[0]b").is_err());
        assert!(super::split_path("[0]").is_err());
        assert!(super::split_path("a[0].").is_err());
        assert_eq!(super::split_path(""), Ok(vec![]));
        assert!(super::split_path("a..b").is_err());
        assert!(super::split_path("a.").is_err());
        assert!(super::split_path("\"a").is_err());
    }
}
