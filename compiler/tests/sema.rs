//! The semantic stage: its diagnostics through `digitc check`'s pipeline,
//! every `.dg` file of the repository resolving statically, the queries
//! the language server asks, and re-analysis after an edit.

mod support;

use digit_compiler::sema::{
    analyze, DefinitionKind, Res, ResolvedKind, SType, SemaAnalysis, Workspace,
};
use digit_compiler::{check_file, FsLoader, MemLoader};
use digit_lang::FileId;
use std::path::{Path, PathBuf};

fn codes(a: &digit_compiler::Analysis) -> Vec<&'static str> {
    a.problems.iter().map(|d| d.code).collect()
}

#[test]
fn the_issue_example_gives_three_errors_without_evaluating() {
    let src = "schema Unused {\n  port: Prot = 8080        // misspelt type\n  name: String = 42        // wrong default\n}\nx = if false then undefined_name else 1\n";
    let loader = MemLoader::new().with("main.dg", src);
    let a = check_file(&loader, Path::new("main.dg"));
    assert_eq!(codes(&a), ["E0302", "E0401", "E0301"]);
    let spans: Vec<&str> = a.problems.iter().map(|d| &src[d.span.range()]).collect();
    assert_eq!(spans, ["Prot", "42", "undefined_name"]);
}

#[test]
fn a_mistake_evaluation_also_finds_is_reported_once() {
    // Evaluated code: sema and evaluation both see these.
    let src = "schema S {\n  port: Prot = 1\n}\ns = S {}\nurl = \"${hots}\"\nhost = \"h\"\nn = lenght([1])\nm = len(1, 2)\nk: String = 42\n";
    let loader = MemLoader::new().with("main.dg", src);
    let a = check_file(&loader, Path::new("main.dg"));
    let mut c = codes(&a);
    c.sort();
    assert_eq!(
        c,
        ["E0301", "E0302", "E0304", "E0401", "E0507"],
        "{:#?}",
        a.problems
    );
}

#[test]
fn names_left_to_evaluation_are_not_reported() {
    // A field only an amended record has, and a key a generator makes: no
    // static error.
    let src = r#"
base = { a = 1 }
r = base { b = a + 1 }
m = { for k in ["x"] { "${k}" = 1 } }
"#;
    let loader = MemLoader::new().with("main.dg", src);
    let a = analyze(&loader, Path::new("main.dg"));
    assert!(
        a.sema.diagnostics().is_empty(),
        "{:#?}",
        a.sema.diagnostics()
    );
    let res = names(&a, "a");
    assert!(res.iter().all(|r| *r == Res::Dynamic), "{res:?}");
    // A computed key is never a name (for evaluation either): one error.
    let src = "for k in [\"x\"] { \"${k}\" = 1 }\ny = x\n";
    let loader = MemLoader::new().with("main.dg", src);
    let a = check_file(&loader, Path::new("main.dg"));
    assert_eq!(codes(&a), ["E0301"]);
}

#[test]
fn a_schema_sees_the_lets_and_fields_of_its_module() {
    let src = "let default_branch = \"qa\"\nowner = \"egov\"\nschema GitSync {\n  branch: String = default_branch\n  by: String = owner\n  x: String = nope\n}\n";
    let loader = MemLoader::new().with("main.dg", src);
    let a = analyze(&loader, Path::new("main.dg"));
    let d: Vec<String> = a
        .sema
        .diagnostics()
        .iter()
        .map(|d| format!("{} {}", d.code, &src[d.span.range()]))
        .collect();
    assert_eq!(d, ["E0301 nope"]);
    assert!(matches!(names(&a, "default_branch")[..], [Res::Let(_)]));
    assert!(matches!(names(&a, "owner")[..], [Res::Field { .. }]));
}

/// What every expression use of `name` resolves to.
fn names(a: &SemaAnalysis, name: &str) -> Vec<Res> {
    a.sema
        .modules
        .iter()
        .flat_map(|m| &m.names)
        .filter(|n| n.name == name && !n.key)
        .map(|n| n.res.clone())
        .collect()
}

/// Every `.dg` file of the repository that is meant to be valid (the
/// examples, the standard library, the fixtures that evaluate, build or
/// are checked by the platform rules) resolves every name and type
/// statically: no diagnostic, no name left to evaluation.
#[test]
fn every_valid_file_of_the_repository_resolves_statically() {
    let files = support::dg_files(support::VALID_DIRS);
    assert!(files.len() > 40, "found only {} files", files.len());
    let mut names = 0;
    let mut open_first = 0;
    for f in &files {
        let a = analyze(&FsLoader, f);
        assert!(
            a.sema.diagnostics().is_empty(),
            "{}: {:#?}",
            f.display(),
            a.sema.diagnostics()
        );
        for m in &a.sema.modules {
            // `[*] { }` over an untyped record: the entries' fields are
            // known only by evaluating (names there are left to it).
            let open_every: Vec<_> = m
                .bodies
                .iter()
                .filter(|b| {
                    b.kind == digit_compiler::sema::BodyKind::Every
                        && b.ty == digit_compiler::sema::BodyType::Unknown
                })
                .map(|b| b.span)
                .collect();
            for n in &m.names {
                names += 1;
                if n.res == Res::Dynamic
                    && open_every
                        .iter()
                        .any(|s| s.start <= n.span.start && n.span.end <= s.end)
                {
                    continue;
                }
                // A key names a field when the object's type is known
                // (a map entry or a key of a `Json` record has no
                // declaration).
                // A name read inside a record that is not a field's value
                // (a `let`'s, a list element) may also be found among the
                // fields a later amend gives that record: it is marked
                // `dynamic`, but still resolves to a binding.
                let unresolved = if n.key {
                    n.res == Res::Undefined
                } else {
                    matches!(n.res, Res::Dynamic | Res::Undefined | Res::TypeAsValue)
                };
                open_first += usize::from(n.dynamic && !n.key);
                assert!(
                    !unresolved,
                    "{}: `{}` at {:?} resolves to {:?}",
                    f.display(),
                    n.name,
                    n.span,
                    n.res
                );
            }
            for t in &m.types {
                assert_ne!(
                    t.res,
                    digit_compiler::sema::TypeRes::Unknown,
                    "{}: {}",
                    f.display(),
                    t.text
                );
            }
        }
    }
    assert!(names > 1000, "only {names} names");
    println!(
        "{names} names in {} files, {open_first} read inside a record that is not a field's value",
        files.len()
    );
}

/// The command line's walk, which keeps no model (`Sema::check`), finds
/// exactly what the language server's does (`Sema::build`): the same
/// diagnostics in the same order, for every `.dg` file of the repository,
/// valid or not (syntax errors, undefined names, misspelt types, broken
/// amends chains, and the issue's example).
#[test]
fn the_diagnostics_only_walk_finds_what_the_model_finds() {
    let files = support::dg_files(&[
        "examples",
        "stdlib/dg",
        "compiler/tests",
        "lang/tests",
        "tests",
    ]);
    assert!(files.len() > 200, "found only {} files", files.len());
    let mut found = 0;
    for f in &files {
        let mut b = digit_compiler::modules::GraphBuilder::new(&FsLoader);
        b.load_entry(f);
        let model = digit_compiler::sema::Sema::build(&b.graph, &b.sources);
        let check = digit_compiler::sema::Sema::check(&b.graph, &b.sources);
        assert_eq!(check, model.diagnostics(), "{}", f.display());
        found += check.len();
    }
    let src = "schema Unused {\n  port: Prot = 8080\n  name: String = 42\n}\nx = if false then undefined_name else 1\n";
    let loader = MemLoader::new().with("main.dg", src);
    let mut b = digit_compiler::modules::GraphBuilder::new(&loader);
    b.load_entry(Path::new("main.dg"));
    let check = digit_compiler::sema::Sema::check(&b.graph, &b.sources);
    let mut codes: Vec<&str> = check.iter().map(|d| d.code).collect();
    codes.sort();
    assert_eq!(codes, ["E0301", "E0302", "E0401"]);
    assert_eq!(
        check,
        digit_compiler::sema::Sema::build(&b.graph, &b.sources).diagnostics()
    );
    assert!(found > 30, "only {found} diagnostics in the fixtures");
}

/// The standard library alone, as loaded by `digit:environment`, is clean.
#[test]
fn the_standard_library_is_clean() {
    let loader = MemLoader::new().with("main.dg", "amends \"digit:environment\"\nname = \"qa\"\n");
    let a = analyze(&loader, Path::new("main.dg"));
    assert!(a.problems.is_empty(), "{:#?}", a.problems);
    assert!(a.sema.modules.len() >= 2);
}

const LIB: &str = r#"/// A service.
schema Svc {
  /// How many pods.
  replicas: Int(0..) = 1
  image: String
}
"#;

const BASE: &str = r#"import "./lib.dg" as lib
/// The image tag.
tag: String = "v1"
let prefix = "egov"
svcs: {String: lib.Svc} = {}
svcs {
  "a" { image = "${prefix}:${tag}" }
}
"#;

const QA: &str = r#"amends "./base.dg"
tag = "v2"
svcs."a".replicas = 2
svcs {
  "b" {
    image = tag
    replicas = len([1])
  }
}
"#;

fn project(qa: &str) -> (MemLoader, SemaAnalysis) {
    let loader = MemLoader::new()
        .with("lib.dg", LIB)
        .with("base.dg", BASE)
        .with("qa.dg", qa);
    let a = analyze(&loader, Path::new("qa.dg"));
    (loader, a)
}

fn file_of(a: &SemaAnalysis, path: &str) -> FileId {
    let id = a.graph.by_path(Path::new(path)).unwrap();
    a.graph.modules[id].file
}

/// The offset of the `nth` occurrence of `needle` in `text`, plus `plus`.
fn at(text: &str, needle: &str, nth: usize, plus: u32) -> u32 {
    let mut from = 0;
    let mut found = 0;
    for _ in 0..=nth {
        found = from + text[from..].find(needle).unwrap();
        from = found + 1;
    }
    found as u32 + plus
}

#[test]
fn fields_at_an_offset() {
    let (_, a) = project(QA);
    assert!(a.problems.is_empty(), "{:#?}", a.problems);
    let qa = file_of(&a, "qa.dg");
    // Inside the entry "b" of a {String: Svc} map: Svc's fields.
    let fields = a.sema.fields_at(qa, at(QA, "image = tag", 0, 0));
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["replicas", "image"]);
    let r = &fields[0];
    assert_eq!(r.ty.as_deref(), Some("Int(0..)"));
    assert_eq!(r.default.as_deref(), Some("1"));
    assert_eq!(r.doc.as_deref(), Some("How many pods."));
    assert!(!r.required);
    assert!(fields[1].required);
    assert_eq!(a.sources.snippet(r.decl), "replicas");
    assert_eq!(a.sources.name(r.decl.file), "lib.dg");
    // At the top level of qa.dg: base.dg's declared fields.
    let top = a.sema.fields_at(qa, 0);
    let names: Vec<&str> = top.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["tag", "svcs"]);
    assert_eq!(top[0].doc.as_deref(), Some("The image tag."));
    assert_eq!(top[1].ty.as_deref(), Some("{String: Svc}"));
    // Inside the map itself: entries, not fields.
    let in_map = a.sema.fields_at(qa, at(QA, "\"b\" {", 0, 0));
    assert!(in_map.is_empty(), "{in_map:?}");
    let body = a
        .sema
        .body(a.sema.body_at(qa, at(QA, "\"b\" {", 0, 0)).unwrap())
        .unwrap();
    assert_eq!(body.path.as_deref(), Some(&["svcs".to_string()][..]));
    let member = a
        .sema
        .member(a.sema.member_at(qa, at(QA, "tag\n", 0, 0)).unwrap())
        .unwrap();
    assert_eq!(a.sources.snippet(member.span), "image = tag");
}

#[test]
fn what_a_name_resolves_to() {
    let (_, a) = project(QA);
    let qa = file_of(&a, "qa.dg");
    let base = file_of(&a, "base.dg");
    // `tag` in qa.dg: the field declared in base.dg.
    let r = a.sema.resolve_at(qa, at(QA, "tag\n", 0, 1)).unwrap();
    assert_eq!(r.kind, ResolvedKind::Field);
    assert_eq!(r.decl.unwrap().file, base);
    assert_eq!(a.sources.snippet(r.decl.unwrap()), "tag");
    // `prefix` in base.dg: a let.
    let r = a
        .sema
        .resolve_at(base, at(BASE, "${prefix}", 0, 3))
        .unwrap();
    assert!(matches!(r.kind, ResolvedKind::Let(_)), "{r:?}");
    assert_eq!(r.decl.unwrap().start, at(BASE, "prefix", 0, 0));
    // `lib.Svc`: the schema in lib.dg; `len`: a builtin.
    let r = a.sema.resolve_at(base, at(BASE, "lib.Svc", 0, 5)).unwrap();
    assert!(matches!(r.kind, ResolvedKind::Schema(_)), "{r:?}");
    assert_eq!(a.sources.name(r.decl.unwrap().file), "lib.dg");
    let r = a.sema.resolve_at(qa, at(QA, "len(", 0, 1)).unwrap();
    assert!(matches!(r.kind, ResolvedKind::Builtin(sig) if sig.starts_with("len(")));
    // A key of a member path: `replicas` in `svcs."a".replicas = 2`.
    let r = a.sema.resolve_at(qa, at(QA, "replicas = 2", 0, 2)).unwrap();
    assert_eq!(r.kind, ResolvedKind::Field);
    assert_eq!(a.sources.name(r.decl.unwrap().file), "lib.dg");
    let f = a.sema.field_at(qa, at(QA, "replicas = 2", 0, 2)).unwrap();
    assert_eq!(f.ty.as_deref(), Some("Int(0..)"));
    // Names in scope in base.dg's entry: fields, the let, imports,
    // builtins.
    let scope = a.sema.names_in_scope(base, at(BASE, "image =", 0, 0));
    let find = |n: &str| scope.iter().find(|s| s.name == n).map(|s| s.kind.clone());
    assert_eq!(find("image"), Some(ResolvedKind::Field));
    assert_eq!(find("tag"), Some(ResolvedKind::Field));
    assert!(matches!(find("prefix"), Some(ResolvedKind::Let(_))));
    assert!(matches!(find("lib"), Some(ResolvedKind::Import(Some(_)))));
    assert!(matches!(find("join"), Some(ResolvedKind::Builtin(_))));
}

#[test]
fn expected_types_and_path_types() {
    let (_, a) = project(QA);
    let qa = file_of(&a, "qa.dg");
    let t = a.sema.expected_type_at(qa, at(QA, "= 2", 0, 2)).unwrap();
    assert_eq!(t.text, "Int(0..)");
    let t = a.sema.expected_type_at(qa, at(QA, "\"v2\"", 0, 1)).unwrap();
    assert_eq!(t.ty, SType::Str);
    assert!(a.sema.expected_type_at(qa, 0).is_none());
    let t = a.sema.type_of_path_at(qa, 0, &["svcs", "a"]).unwrap();
    assert!(matches!(t, SType::Schema(_, ref n) if n == "Svc"));
    let fields = a.sema.fields_of_path_at(qa, 0, &["svcs", "a"]);
    assert_eq!(fields.len(), 2);
    let base = file_of(&a, "base.dg");
    let from_import = a.sema.fields_of_path_at(base, 0, &["lib"]);
    assert!(from_import.is_empty(), "lib.dg defines no fields");
}

#[test]
fn definitions_along_the_amends_chain() {
    let (_, a) = project(QA);
    let qa_id = a.graph.by_path(Path::new("qa.dg")).unwrap();
    let qa = file_of(&a, "qa.dg");
    let defs = a.sema.definitions(qa_id, &["tag"]);
    let shown: Vec<(DefinitionKind, &str)> = defs
        .iter()
        .map(|d| (d.kind, a.sources.name(d.span.file)))
        .collect();
    assert_eq!(
        shown,
        [
            (DefinitionKind::Declaration, "base.dg"),
            (DefinitionKind::Set, "qa.dg")
        ]
    );
    let defs = a.sema.definitions(qa_id, &["svcs", "a", "replicas"]);
    let shown: Vec<(DefinitionKind, &str)> = defs
        .iter()
        .map(|d| (d.kind, a.sources.name(d.span.file)))
        .collect();
    assert_eq!(
        shown,
        [
            (DefinitionKind::Declaration, "lib.dg"),
            (DefinitionKind::Set, "qa.dg")
        ]
    );
    let defs = a.sema.definitions(qa_id, &["svcs", "a"]);
    let kinds: Vec<DefinitionKind> = defs.iter().map(|d| d.kind).collect();
    assert_eq!(kinds, [DefinitionKind::Amend, DefinitionKind::Nested]);
    // From the key under the cursor.
    let at_key = a.sema.definitions_at(qa, at(QA, "tag", 0, 1));
    assert_eq!(at_key.len(), 2);
    // The map's keys, along the chain.
    let keys: Vec<String> = a
        .sema
        .map_keys_at(qa, at(QA, "\"b\" {", 0, 0))
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(keys, ["a", "b"]);
}

/// Broken text: every query answers at every offset without panicking,
/// and what parsed still resolves.
#[test]
fn queries_work_on_broken_files() {
    for broken in [
        "amends \"./base.dg\"\nsvcs {\n  \"b\" {\n    image = \n    repl\n",
        "amends \"./base.dg\"\nx = tag.\nsvcs.\"a\" {\n",
        "amends \"./base.dg\"\ntag = \nsvcs { \"c\" { replicas = len( } }\n",
        "",
        "}}}{{{",
    ] {
        let (_, a) = project(broken);
        let qa = file_of(&a, "qa.dg");
        for off in 0..=broken.len() as u32 + 1 {
            let s = &a.sema;
            s.body_at(qa, off);
            s.member_at(qa, off);
            s.fields_at(qa, off);
            s.field_at(qa, off);
            s.resolve_at(qa, off);
            s.expected_type_at(qa, off);
            s.definitions_at(qa, off);
            s.names_in_scope(qa, off);
            s.map_keys_at(qa, off);
            s.type_of_path_at(qa, off, &["svcs", "a"]);
            s.fields_of_path_at(qa, off, &["tag"]);
        }
    }
    let (_, a) = project("amends \"./base.dg\"\nsvcs {\n  \"b\" {\n    image = \n    repl\n");
    let qa = file_of(&a, "qa.dg");
    let text = "amends \"./base.dg\"\nsvcs {\n  \"b\" {\n    image = \n    repl\n";
    let names: Vec<String> = a
        .sema
        .fields_at(qa, at(text, "repl", 0, 4))
        .into_iter()
        .map(|f| f.name)
        .collect();
    assert_eq!(names, ["replicas", "image"]);
}

#[test]
fn a_workspace_parses_only_what_changed() {
    let mut loader = MemLoader::new()
        .with("lib.dg", LIB)
        .with("base.dg", BASE)
        .with("qa.dg", QA);
    let mut ws = Workspace::new();
    let a1 = ws.analyze(&loader, Path::new("qa.dg"));
    assert_eq!(ws.last_run(), (0, 3));
    let a2 = ws.analyze(&loader, Path::new("qa.dg"));
    assert_eq!(ws.last_run(), (3, 0));
    assert_eq!(file_of(&a1, "base.dg"), file_of(&a2, "base.dg"));
    // A one-character edit: `tag` misspelt in qa.dg.
    loader.add("qa.dg", QA.replace("image = tag", "image = tab"));
    let a3 = ws.analyze(&loader, Path::new("qa.dg"));
    assert_eq!(ws.last_run(), (2, 1));
    // The models of lib.dg and base.dg are kept: qa.dg's keys are the same.
    assert_eq!(ws.models_kept(), 2);
    assert_eq!(file_of(&a1, "qa.dg"), file_of(&a3, "qa.dg"));
    let d: Vec<&str> = a3.problems.iter().map(|d| d.code).collect();
    assert_eq!(d, ["E0301"]);
    assert_eq!(
        a3.sources.snippet(a3.problems.iter().next().unwrap().span),
        "tab"
    );
    // Back: clean again, and the same answers as a fresh analysis.
    loader.add("qa.dg", QA);
    let a4 = ws.analyze(&loader, Path::new("qa.dg"));
    assert!(a4.problems.is_empty());
    assert_eq!(ws.models_kept(), 2);
    let fresh = analyze(&loader, Path::new("qa.dg"));
    let q = |a: &SemaAnalysis| {
        let f = file_of(a, "qa.dg");
        a.sema
            .fields_at(f, at(QA, "image = tag", 0, 0))
            .into_iter()
            .map(|f| (f.name, f.ty))
            .collect::<Vec<_>>()
    };
    assert_eq!(q(&a4), q(&fresh));
    // A new key in qa.dg can be a name base.dg reads: base.dg's model is
    // built again and sees it.
    let base_reads = BASE.replace(
        "image = \"${prefix}:${tag}\"",
        "image = \"${prefix}:${tag}:${extra}\"",
    );
    loader.add("base.dg", base_reads.as_str());
    let a5 = ws.analyze(&loader, Path::new("qa.dg"));
    assert_eq!(
        a5.problems.iter().map(|d| d.code).collect::<Vec<_>>(),
        ["E0301"]
    );
    loader.add("qa.dg", format!("{QA}extra = \"x\"\n"));
    let a6 = ws.analyze(&loader, Path::new("qa.dg"));
    assert_eq!(ws.models_kept(), 1);
    assert!(a6.problems.is_empty(), "{:#?}", a6.problems);
    let fresh = analyze(&loader, Path::new("qa.dg"));
    assert!(fresh.problems.is_empty());
    let base = file_of(&a6, "base.dg");
    let r = a6
        .sema
        .resolve_at(base, at(&base_reads, "extra", 0, 1))
        .unwrap();
    assert_eq!(r.kind, ResolvedKind::Field);
}

/// What one re-analysis (load, parse what changed, build the model) of the
/// example platform costs after a one-character edit, against a fresh
/// analysis and against `check` (which also evaluates). Printed; run with
/// `--nocapture` (figures from a debug build are only relative).
#[test]
fn reanalysis_of_the_example_platform_after_an_edit() {
    let root = support::repo_root();
    let files = support::dg_files(&["examples"]);
    let mut loader = MemLoader::new();
    for f in &files {
        let rel = f.strip_prefix(root).unwrap();
        loader.add(rel, std::fs::read_to_string(f).unwrap());
    }
    let entry = Path::new("examples/env/qa.dg");
    let base = Path::new("examples/base.dg");
    let base_text = std::fs::read_to_string(root.join(base)).unwrap();
    let mut ws = Workspace::new();
    let first = ws.analyze(&loader, entry);
    assert!(first.problems.is_empty(), "{:#?}", first.problems);
    let n = 10;
    let time = |f: &mut dyn FnMut()| {
        let t = std::time::Instant::now();
        for _ in 0..n {
            f();
        }
        t.elapsed() / n
    };
    let mut flip = false;
    let mut kept = 0;
    let edit = time(&mut || {
        flip = !flip;
        // One character of base.dg changes: its domain, a string.
        let text = if flip {
            base_text.replacen("domain = \"digit", "domain = \"digiT", 1)
        } else {
            base_text.clone()
        };
        loader.add(base, text);
        let a = ws.analyze(&loader, entry);
        assert_eq!(ws.last_run().1, 1);
        kept = ws.models_kept();
        std::hint::black_box(a);
    });
    let fresh = time(&mut || {
        std::hint::black_box(analyze(&loader, entry));
    });
    let check = time(&mut || {
        std::hint::black_box(check_file(&loader, entry));
    });
    // `digitc check examples`: every file, one graph; the stage's share.
    let mut all: Vec<PathBuf> = files
        .iter()
        .map(|f| f.strip_prefix(root).unwrap().to_path_buf())
        .collect();
    all.sort();
    let check_all = time(&mut || {
        std::hint::black_box(digit_compiler::check_files(&loader, &all));
    });
    let mut b = digit_compiler::modules::GraphBuilder::new(&loader);
    for f in &all {
        b.load_entry(f);
    }
    let build = time(&mut || {
        std::hint::black_box(digit_compiler::sema::Sema::build(&b.graph, &b.sources));
    });
    println!("check of every example file {check_all:?}, of which the semantic stage {build:?}");
    println!(
        "example platform ({} modules): re-analysis after a one-character edit of base.dg {edit:?} ({kept} models kept), fresh analysis {fresh:?}, check (with evaluation) {check:?}",
        first.graph.modules.len()
    );
}
