//! Every name evaluation binds is resolved statically, by the semantic
//! model, to the same thing.
//!
//! `sema.rs` checks that every name of every valid `.dg` file of the
//! repository resolves statically (dead branches included). Here each of
//! those files is evaluated as `check` does (everything forced) with the
//! evaluator recording what each name lookup bound ([`Bound`]), and each
//! recorded use is held to what sema says is at its span ([`Res`]): the
//! same `let`, the same loop variable, a field declared or defined at one
//! of the keys evaluation found it under, `key`, `root`, the same import,
//! the same builtin, the same schema or alias as an amend's base. A use
//! sema leaves to evaluation (an open object comes first: `Res::Dynamic`,
//! or a binding marked `dynamic`) is counted, never failed. Written types:
//! evaluation resolves them with `types.rs` (`TypeEnv::resolve`), and so
//! does sema for the types it stores (`SType` is converted from it); the
//! per-name resolution sema records (`TypeUse`) is its own lookup, so each
//! one is compared with what evaluation's `TypeEnv` finds in that module.

use digit_compiler::eval::bindings::{BindingUse, Bound};
use digit_compiler::sema::{analyze, NameUse, Res, Sema, SemaAnalysis, TypeRes};
use digit_compiler::types::{Ty, BUILTIN_TYPES};
use digit_compiler::value::{Value, ValueKind};
use digit_compiler::{with_root, FsLoader, Loader, MemLoader};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "dg") {
            out.push(p);
        }
    }
}

/// The valid `.dg` files of the repository: those `sema.rs` resolves
/// statically.
fn valid_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let mut files = Vec::new();
    for d in [
        "examples",
        "stdlib/dg",
        "compiler/tests/fixtures/eval",
        "compiler/tests/fixtures/build",
        "compiler/tests/fixtures/rules",
        "tests/fixtures/build",
    ] {
        walk(&root.join(d), &mut files);
    }
    files.sort();
    files
}

/// What the comparison found.
#[derive(Default, Debug)]
struct Tally {
    /// Uses compared and found the same, by kind.
    same: BTreeMap<&'static str, usize>,
    /// Expression names sema resolved.
    static_names: usize,
    /// Of those, how many evaluation reached.
    reached: usize,
    /// Files whose evaluation reported an error.
    failed: Vec<String>,
    /// Uses sema leaves to evaluation (`Res::Dynamic`).
    dynamic: usize,
    /// Uses sema resolved but marked `dynamic` (an open object comes
    /// first), where evaluation found the name in that object.
    dynamic_other: usize,
    /// Type names compared with evaluation's `TypeEnv`.
    types: usize,
    /// Real disagreements.
    wrong: Vec<String>,
}

/// Evaluates the entry of `a` with recording on; what it bound.
fn evaluate(a: &SemaAnalysis, loader: &dyn Loader, t: &mut Tally) -> Vec<BindingUse> {
    let Some(entry) = a.entry else {
        return Vec::new();
    };
    with_root(&a.graph, loader, entry, |ev, root| {
        ev.record_bindings();
        let v = Value::new(ValueKind::Object(root.clone()), root.span);
        ev.force(&v);
        let uses = ev.take_bindings();
        let problems = ev.take_problems();
        if problems.has_errors() {
            let first = problems.iter().find(|d| d.is_error()).unwrap();
            t.failed.push(format!(
                "{}: {} {}",
                a.sources.name(root.span.file),
                first.code,
                first.message
            ));
        }
        // Every written type name, against evaluation's type environment.
        for m in &a.sema.modules {
            for tu in &m.types {
                let Some(module) = a.sema.module_of_file(tu.span.file) else {
                    continue;
                };
                let parts: Vec<&str> = tu.text.split('.').collect();
                let found = ev.types.lookup_named(module, &parts);
                let ok = match &tu.res {
                    TypeRes::Builtin => parts.len() == 1 && BUILTIN_TYPES.contains(&parts[0]),
                    TypeRes::Schema(id) => match found.as_deref() {
                        Some(Ty::Schema(tid, _)) => {
                            ev.types.schemas[*tid].ast.name.span
                                == a.sema.schema(*id).unwrap().name_span
                        }
                        _ => false,
                    },
                    TypeRes::Alias(id) => found.as_ref().is_some_and(|ty| {
                        a.sema.alias(*id).unwrap().ty.to_string() == ty.to_string()
                    }),
                    TypeRes::Unknown => found.is_none(),
                };
                t.types += 1;
                if !ok {
                    t.wrong.push(format!(
                        "{}: type `{}` at {:?}: sema {:?}, evaluation {:?}",
                        a.sources.name(tu.span.file),
                        tu.text,
                        tu.span,
                        tu.res,
                        found
                    ));
                }
            }
        }
        uses
    })
}

/// The expression name sema saw at `span`.
fn name_at<'s>(sema: &'s Sema, span: digit_lang::Span) -> Option<&'s NameUse> {
    let m = sema.module(sema.module_of_file(span.file)?)?;
    let i = m.names.partition_point(|n| n.span.start < span.start);
    m.names[i..]
        .iter()
        .take_while(|n| n.span.start == span.start)
        .find(|n| n.span == span && !n.key)
}

/// Whether sema's `res` is what evaluation bound; the kind compared.
fn same(sema: &Sema, n: &NameUse, bound: &Bound) -> Option<&'static str> {
    let ok = match (bound, &n.res) {
        (Bound::Let { name }, Res::Let(id)) => sema.let_(*id).is_some_and(|l| l.name_span == *name),
        (Bound::LoopVar { name }, Res::LoopVar { span }) => span == name,
        // Declared or first defined at one of the keys evaluation found
        // the field under; or (no span) only by a module amending this one.
        (Bound::Field { defs, .. }, Res::Field { decl }) => decl.is_none_or(|d| defs.contains(&d)),
        (Bound::Key, Res::Key) | (Bound::Root, Res::Root) => true,
        (Bound::Import { span }, Res::Import { span: s, .. }) => s == span,
        (Bound::Builtin(b), Res::Builtin(_)) => n.name == *b,
        (Bound::Type { schema, .. }, Res::Schema(id)) => {
            sema.schema(*id).map(|s| s.name_span) == *schema
        }
        (Bound::Type { schema, text }, Res::Alias(id)) => sema.alias(*id).is_some_and(|a| {
            a.ty.to_string() == *text
                && match &a.ty {
                    digit_compiler::sema::SType::Schema(s, _) => {
                        sema.schema(*s).map(|s| s.name_span) == *schema
                    }
                    _ => true,
                }
        }),
        _ => false,
    };
    ok.then_some(match bound {
        Bound::Let { .. } => "let",
        Bound::LoopVar { .. } => "loop variable",
        Bound::Field { .. } => "field",
        Bound::Key => "key",
        Bound::Root => "root",
        Bound::Import { .. } => "import",
        Bound::Builtin(_) => "builtin",
        Bound::Type { .. } => "type",
    })
}

/// Evaluates the file `path` (through `loader`) and compares every binding.
fn compare(loader: &dyn Loader, path: &Path, t: &mut Tally) {
    let a = analyze(loader, path);
    t.static_names += a
        .sema
        .modules
        .iter()
        .flat_map(|m| &m.names)
        .filter(|n| !n.key)
        .count();
    let uses = evaluate(&a, loader, t);
    t.reached += uses.iter().map(|u| u.span).collect::<HashSet<_>>().len();
    for u in uses {
        let Some(n) = name_at(&a.sema, u.span) else {
            t.wrong.push(format!(
                "{}: evaluation bound `{}` at {:?} to {:?}; sema has no name there",
                path.display(),
                a.sources.snippet(u.span),
                u.span,
                u.bound
            ));
            continue;
        };
        if n.res == Res::Dynamic {
            t.dynamic += 1;
            continue;
        }
        match same(&a.sema, n, &u.bound) {
            Some(kind) => *t.same.entry(kind).or_default() += 1,
            None if n.dynamic => t.dynamic_other += 1,
            None => t.wrong.push(format!(
                "{}: `{}` at {}:{:?}: sema resolves it to {:?}, evaluation bound {:?}",
                path.display(),
                n.name,
                a.sources.name(u.span.file),
                u.span,
                n.res,
                u.bound
            )),
        }
    }
}

#[test]
fn every_name_evaluation_binds_resolves_statically_to_the_same_thing() {
    let files = valid_files();
    assert!(files.len() > 40, "found only {} files", files.len());
    let mut t = Tally::default();
    for f in &files {
        compare(&FsLoader, f, &mut t);
    }
    assert!(
        t.wrong.is_empty(),
        "{} disagreements:\n{}",
        t.wrong.len(),
        t.wrong.join("\n")
    );
    let same: usize = t.same.values().sum();
    println!(
        "{} files: {} expression names resolved statically, {} reached by evaluation; \
         {same} bindings the same ({:?}); {} left to evaluation by sema, {} found by \
         evaluation in an open object sema marked; {} type names the same; \
         evaluation errors in {:?}",
        files.len(),
        t.static_names,
        t.reached,
        t.same,
        t.dynamic,
        t.dynamic_other,
        t.types,
        t.failed
    );
    // The comparison covers every kind of binding, and most names.
    for kind in [
        "let",
        "loop variable",
        "field",
        "key",
        "root",
        "import",
        "builtin",
        "type",
    ] {
        assert!(
            t.same.contains_key(kind),
            "no {kind} compared: {:?}",
            t.same
        );
    }
    assert!(same > 1000, "only {same} bindings compared");
    assert!(t.types > 500, "only {} type names compared", t.types);
}

/// Each kind of binding, and a field found in the innermost object that
/// defines it (an outer one of the same name hidden), in one small
/// configuration.
#[test]
fn each_kind_of_binding_is_compared() {
    let lib = "schema Probe {\n  port: Int = 80\n  path: String = \"/${name}\"\n  name: String = owner\n}\ntype P = Probe\nschema Entry {\n  n: String\n}\nowner = \"lib\"\n";
    let main = r#"import "./lib.dg" as lib
let base = 8000
name = "outer"
ports = [for i in range(0, 2): base + i]
o = lib.owner
p = lib.Probe { port = base }
q = lib.P { }
r = {
  name = "inner"
  url = "${name}:${root.name}"
}
m: {String: lib.Entry} = {
  "a" { n = key }
}
"#;
    let loader = MemLoader::new().with("lib.dg", lib).with("main.dg", main);
    let mut t = Tally::default();
    compare(&loader, Path::new("main.dg"), &mut t);
    assert!(t.wrong.is_empty(), "{:#?}", t.wrong);
    assert!(t.failed.is_empty(), "{t:?}");
    for kind in [
        "let",
        "loop variable",
        "field",
        "key",
        "root",
        "import",
        "builtin",
        "type",
    ] {
        assert!(t.same.contains_key(kind), "no {kind}: {:?}", t.same);
    }
    assert_eq!(t.dynamic + t.dynamic_other, 0, "{t:?}");
}
