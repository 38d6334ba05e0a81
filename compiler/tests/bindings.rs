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
//! or a binding marked `dynamic`) is counted, never failed; a name
//! evaluation found undefined must be undefined for sema too. The files
//! with errors (fixtures, the parser's fixtures, the port cases) are
//! compared the same way, and small configurations where scopes compete.
//! A key only an unproduced generator writes is listed apart ([`unproduced_key`]); there is none now. Written types:
//! evaluation resolves them with `types.rs` (`TypeEnv::resolve`), and so
//! does sema for the types it stores (`SType` is converted from it); the
//! per-name resolution sema records (`TypeUse`) is its own lookup, so each
//! one is compared with what evaluation's `TypeEnv` finds in that module.

mod support;

use digit_compiler::eval::bindings::{BindingUse, Bound};
use digit_compiler::sema::{analyze, BodyKind, NameUse, Res, Sema, SemaAnalysis, TypeRes};
use digit_compiler::types::{Ty, BUILTIN_TYPES};
use digit_compiler::value::{Value, ValueKind};
use digit_compiler::{with_root, FsLoader, Loader, MemLoader};
use digit_lang::Span;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// The valid `.dg` files of the repository: those `sema.rs` resolves
/// statically, and the platform the port cases start from.
fn valid_files() -> Vec<PathBuf> {
    let mut dirs = support::VALID_DIRS.to_vec();
    dirs.push("tests/port/platform");
    support::dg_files(&dirs)
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
    /// The known disagreement ([`unproduced_key`]): sema takes the name
    /// to be a key a generator body of the object defines, the generator
    /// did not produce it, and evaluation went on outward.
    unproduced: Vec<String>,
    /// Type names compared with evaluation's `TypeEnv`.
    types: usize,
    /// Real disagreements, each with the entry files evaluated when it
    /// was found.
    wrong: BTreeMap<String, Vec<String>>,
}

/// Evaluates the entry of `a` with recording on; what it bound.
fn evaluate(a: &SemaAnalysis, loader: &dyn Loader, t: &mut Tally) -> Vec<BindingUse> {
    let Some(entry) = a.entry else {
        return Vec::new();
    };
    with_root(&a.graph, loader, entry, |ev, root| {
        ev.record_bindings();
        let v = Value::new(ValueKind::Object(root.id), root.span);
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
                    let what = format!(
                        "type `{}` at {}: sema {:?}, evaluation's TypeEnv {:?}",
                        tu.text,
                        loc(a, tu.span),
                        tu.res,
                        found
                    );
                    t.wrong.entry(what).or_default().push(entry_name(a));
                }
            }
        }
        uses
    })
}

/// Whether `res` is a field sema found among the static keys of a `for`
/// or `if` member's body: `r = { if false { x = 2 } y = x }` is `r.x` for
/// both (docs/language.md, "generator bodies count by their static keys"),
/// and evaluation reports E0537 when the generator wrote nothing. Such a
/// disagreement, were it to come back, is listed apart.
fn unproduced_key(sema: &Sema, res: &Res) -> bool {
    let Res::Field { decl: Some(d) } = res else {
        return false;
    };
    let Some(m) = sema.module_of_file(d.file).and_then(|m| sema.module(m)) else {
        return false;
    };
    m.bodies.iter().any(|b| {
        matches!(b.kind, BodyKind::For | BodyKind::Then | BodyKind::Else)
            && b.span.start <= d.start
            && d.end <= b.span.end
    })
}

/// `file:line:col` of a span.
fn loc(a: &SemaAnalysis, span: Span) -> String {
    let (line, col) = a.sources.line_col(span.file, span.start);
    format!("{}:{line}:{col}", a.sources.name(span.file))
}

/// The name of the entry file of `a`.
fn entry_name(a: &SemaAnalysis) -> String {
    let file = a.entry.and_then(|e| a.sema.file(e));
    file.map_or_else(String::new, |f| a.sources.name(f).to_string())
}

/// What evaluation bound, for a message.
fn bound(a: &SemaAnalysis, b: &Bound) -> String {
    match b {
        Bound::Let { name } => format!("the `let` at {}", loc(a, *name)),
        Bound::LoopVar { name } => format!("the loop variable at {}", loc(a, *name)),
        Bound::Field { frame, defs } => {
            let defs: Vec<String> = defs.iter().map(|d| loc(a, *d)).collect();
            format!("a field of a {frame:?} frame defined at {defs:?}")
        }
        Bound::Import { span } => format!("the import at {}", loc(a, *span)),
        Bound::Type {
            schema: Some(s),
            text,
        } => format!("the type {text} (schema at {})", loc(a, *s)),
        other => format!("{other:?}"),
    }
}

/// What sema resolved a name to, for a message.
fn res(a: &SemaAnalysis, r: &Res) -> String {
    let s = &a.sema;
    match r {
        Res::Let(id) => match s.let_(*id) {
            Some(l) => format!("the `let` at {}", loc(a, l.name_span)),
            None => format!("{r:?}"),
        },
        Res::LoopVar { span } => format!("the loop variable at {}", loc(a, *span)),
        Res::Field { decl: Some(d) } => format!("the field declared at {}", loc(a, *d)),
        Res::Import { span, .. } => format!("the import at {}", loc(a, *span)),
        Res::Schema(id) => match s.schema(*id) {
            Some(sc) => format!("the schema at {}", loc(a, sc.name_span)),
            None => format!("{r:?}"),
        },
        other => format!("{other:?}"),
    }
}

/// The disagreements found, each with the entries that showed it.
fn disagreements(t: &Tally) -> String {
    let mut out = format!("{} disagreements:\n", t.wrong.len());
    for (what, entries) in &t.wrong {
        out.push_str(&format!(
            "{what}\n    (evaluating {}{})\n",
            entries[0],
            match entries.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            }
        ));
    }
    out
}

/// The expression name sema saw at `span`.
fn name_at(sema: &Sema, span: Span) -> Option<&NameUse> {
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
        // the field under.
        (Bound::Field { defs, .. }, Res::Field { decl: Some(d) }) => defs.contains(d),
        // Defined only by a module amending this one: evaluation found it
        // there, and not in this module or one it amends.
        (Bound::Field { defs, .. }, Res::Field { decl: None }) => {
            let chain = sema
                .module_of_file(n.span.file)
                .map(|m| sema.amends_chain(m))
                .unwrap_or_default();
            let files: Vec<_> = chain.iter().filter_map(|m| sema.file(*m)).collect();
            !defs.is_empty() && defs.iter().all(|d| !files.contains(&d.file))
        }
        (Bound::Key, Res::Key) | (Bound::Root, Res::Root) => true,
        (Bound::Undefined, Res::Undefined | Res::TypeAsValue) => true,
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
        Bound::Field { .. } if n.res == (Res::Field { decl: None }) => {
            "field of an amending module"
        }
        Bound::Let { .. } => "let",
        Bound::LoopVar { .. } => "loop variable",
        Bound::Field { .. } => "field",
        Bound::Key => "key",
        Bound::Root => "root",
        Bound::Import { .. } => "import",
        Bound::Builtin(_) => "builtin",
        Bound::Type { .. } => "type",
        Bound::Undefined => "undefined",
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
            let what = format!(
                "`{}` at {}: evaluation bound {}; sema has no name there",
                a.sources.snippet(u.span),
                loc(&a, u.span),
                bound(&a, &u.bound)
            );
            t.wrong.entry(what).or_default().push(entry_name(&a));
            continue;
        };
        if n.res == Res::Dynamic {
            t.dynamic += 1;
            continue;
        }
        match same(&a.sema, n, &u.bound) {
            Some(kind) => *t.same.entry(kind).or_default() += 1,
            None if n.dynamic => t.dynamic_other += 1,
            None if unproduced_key(&a.sema, &n.res) => t.unproduced.push(format!(
                "`{}` at {}: sema resolves it to {}, evaluation bound {}",
                n.name,
                loc(&a, u.span),
                res(&a, &n.res),
                bound(&a, &u.bound)
            )),
            None => {
                let what = format!(
                    "`{}` at {}: sema resolves it to {}, evaluation bound {}",
                    n.name,
                    loc(&a, u.span),
                    res(&a, &n.res),
                    bound(&a, &u.bound)
                );
                t.wrong.entry(what).or_default().push(entry_name(&a));
            }
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
    assert!(t.wrong.is_empty(), "{}", disagreements(&t));
    // Not even the known one (see `unproduced_key`) in a valid file.
    assert!(t.unproduced.is_empty(), "{:#?}", t.unproduced);
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
    assert!(t.wrong.is_empty(), "{}", disagreements(&t));
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

/// Small configurations where the order of the scopes decides what a name
/// is: each is evaluated and every binding compared (files `main.dg`,
/// `base.dg` and `lib.dg`).
const SHADOWING: &[(&str, &[(&str, &str)])] = &[
    (
        "an inner record's field hides an outer field and a let",
        &[(
            "main.dg",
            "let a = 1\nb = 2\nr = {\n  a = 3\n  b = 4\n  c = a + b\n}\n",
        )],
    ),
    (
        "a let and a field of one name in one body",
        &[(
            "main.dg",
            "r = {\n  let a = 1\n  a = 2\n  b = a\n}\n",
        )],
    ),
    (
        "a loop variable hides a field and a let",
        &[(
            "main.dg",
            "let x = 1\ny = 2\nr = {\n  x = 5\n  for x in [3] {\n    \"k${x}\" = x\n  }\n  l = [for y in [4]: y]\n}\n",
        )],
    ),
    (
        "a key only a branch not taken defines",
        &[(
            "main.dg",
            "x = 1\nr = {\n  if false {\n    x = 2\n  }\n  y = x\n}\n",
        )],
    ),
    (
        "a key a generator defines is a name",
        &[(
            "main.dg",
            "x = 1\nr = {\n  for i in [1] {\n    x = 2\n  }\n  y = x\n}\n",
        )],
    ),
    (
        "a field of the object along a member path",
        &[(
            "main.dg",
            "b = 0\na = {\n  b = 1\n  c = {}\n}\na.c.d = b\n",
        )],
    ),
    (
        "a schema's body: its fields, then its module's lets and fields",
        &[(
            "main.dg",
            "let l = \"let\"\nowner = \"module\"\nname = \"module\"\nschema S {\n  name: String = \"s\"\n  a: String = name\n  b: String = owner\n  c: String = l\n}\ns = S {}\n",
        )],
    ),
    (
        "a schema of a base module sees the base's fields, not the entry's",
        &[
            (
                "base.dg",
                "tag = \"base\"\nschema S {\n  t: String = tag\n}\n",
            ),
            ("main.dg", "amends \"./base.dg\"\ntag = \"main\"\ns = S {}\n"),
        ],
    ),
    (
        "a field only the entry defines, read from a schema of the base",
        &[
            ("base.dg", "schema S {\n  t: String = only_main\n}\n"),
            (
                "main.dg",
                "amends \"./base.dg\"\nonly_main = \"main\"\ns = S {}\n",
            ),
        ],
    ),
    (
        "a base module's default sees the entry's override",
        &[
            ("base.dg", "tag: String = \"v1\"\nimage: String = \"app:${tag}\"\n"),
            ("main.dg", "amends \"./base.dg\"\ntag = \"v2\"\n"),
        ],
    ),
    (
        "a base module reads a field only the entry declares",
        &[
            ("base.dg", "host: String = \"h\"\nurl: String = \"${host}/${path}\"\n"),
            ("main.dg", "amends \"./base.dg\"\npath: String = \"/p\"\n"),
        ],
    ),
    (
        "an import alias hidden by a field",
        &[
            ("lib.dg", "x = 1\n"),
            (
                "main.dg",
                "import \"./lib.dg\" as lib\nr = {\n  lib = { x = 2 }\n  y = lib.x\n}\nz = lib.x\n",
            ),
        ],
    ),
    (
        "key in a map entry, in [*], and in a record inside an entry",
        &[(
            "main.dg",
            "schema E {\n  n: String = key\n  r: {String: String} = { \"x\" = key }\n}\nm: {String: E} = {\n  \"a\" {}\n  [*] { n = \"${key}!\" }\n}\n",
        )],
    ),
    (
        "a required field left without a value",
        &[(
            "main.dg",
            "name = \"module\"\nschema S {\n  name: String\n  url: String = \"${name}\"\n}\ns = S {}\n",
        )],
    ),
    (
        "a knob `key` of a module amending a schema's module does not hide `key`",
        &[
            ("base.dg", "schema S {\n  n: String = key\n}\n"),
            (
                "main.dg",
                "amends \"./base.dg\"\nkey: String = \"knob\"\nm: {String: S} = {\n  \"a\" {}\n}\n",
            ),
        ],
    ),
    (
        "an import alias naming a type, where a field of its name is in scope",
        &[
            ("lib.dg", "schema P {\n  port: Int = 1\n}\n"),
            (
                "main.dg",
                "import \"./lib.dg\" as lib\nr = {\n  lib = { x = 2 }\n  p = lib.P { port = 2 }\n  y = lib.x\n}\n",
            ),
        ],
    ),
    (
        "lets of generator bodies, of if bodies and of schemas",
        &[(
            "main.dg",
            "let y = 0\nschema S {\n  let a = 1\n  x: Int = a\n}\nr = {\n  for x in [1, 2] {\n    let y = x * 2\n    \"k${y}\" = y\n  }\n  if true {\n    let z = 3\n    w = z + y\n  }\n}\ns = S {}\n",
        )],
    ),
    (
        "a let reading a field of its body, declarations inside records",
        &[(
            "main.dg",
            "b = 0\nr = {\n  let a = b\n  b = 1\n  c: Int = a\n  d: Int = c + 1\n}\n",
        )],
    ),
    (
        "an imported module's value amended, and root",
        &[
            ("lib.dg", "x = 1\ny = x + 1\n"),
            (
                "main.dg",
                "import \"./lib.dg\" as lib\nx = 5\nm = lib {\n  x = 7\n  w = y\n}\nz = root.x\n",
            ),
        ],
    ),
    (
        "records inside lists and checks",
        &[(
            "main.dg",
            "a = 0\nl = [{\n  a = 1\n  b = a\n}, {\n  c = a\n}]\nr = {\n  n = 2\n  check n > 1, \"n is ${n}\"\n}\n",
        )],
    ),
    (
        "a typed field amended from a value, and [*] in a map of records",
        &[(
            "main.dg",
            "schema S {\n  a: Int = 1\n  b: Int = a\n}\nbase = S { a = 2 }\ns: S = base {\n  b = a * 10\n}\nm: {String: S} = {\n  \"x\" {}\n  \"y\" { a = 3 }\n  [*] { b = a + 1 }\n}\n",
        )],
    ),
    (
        "a computed key and a nested path inside a typed map",
        &[(
            "main.dg",
            "schema S {\n  n: String = \"s\"\n  r: Int = 1\n}\nlet names = [\"a\", \"b\"]\nm: {String: S} = {\n  for i, k in names {\n    \"${k}\" { n = \"${k}-${i}\" }\n  }\n}\nm.\"a\".r = len(names)\n",
        )],
    ),
    (
        "a let of an amended record and a field of its base",
        &[(
            "main.dg",
            "base = { a = 1 }\nr = base {\n  let k = 2\n  b = a + k\n}\n",
        )],
    ),
];

#[test]
fn names_where_scopes_compete_bind_the_same() {
    let mut t = Tally::default();
    for (what, files) in SHADOWING {
        let mut loader = MemLoader::new();
        for (name, text) in *files {
            loader = loader.with(name, *text);
        }
        let before = t.wrong.len();
        compare(&loader, Path::new("main.dg"), &mut t);
        println!("{what}: {} disagreements", t.wrong.len() - before);
    }
    println!("{t:?}");
    assert!(t.wrong.is_empty(), "{}", disagreements(&t));
    // Where sema resolved a name but was unsure (an open object first),
    // it was right each time here: a key a record's own body defines
    // directly is a name of that record whatever amends it later.
    assert_eq!(t.dynamic_other, 0, "{t:?}");
    // A key only a branch not taken writes is the body's own name for
    // evaluation too (E0537 there), never a field further out.
    assert!(t.unproduced.is_empty(), "{:#?}", t.unproduced);
    assert!(
        t.failed.iter().any(|f| f.contains("E0537")),
        "the branch not taken is reported: {:?}",
        t.failed
    );
}

/// The files of `compiler/tests/fixtures/errors` (each a mistake that is
/// reported): what evaluation still binds there is what sema resolved,
/// undefined names included.
#[test]
fn names_in_files_with_errors_bind_the_same() {
    let files = support::dg_files(&[
        "compiler/tests/fixtures/errors",
        "compiler/tests/fixtures/build/errors",
        "lang/tests/fixtures",
        "tests/port/cases",
    ]);
    assert!(files.len() > 100, "found only {} files", files.len());
    let mut t = Tally::default();
    for f in &files {
        compare(&FsLoader, f, &mut t);
    }
    println!(
        "{} files: {:?}; {} keys a generator did not produce:\n{}",
        files.len(),
        t.same,
        t.unproduced.len(),
        t.unproduced.join("\n")
    );
    assert!(t.wrong.is_empty(), "{}", disagreements(&t));
    assert!(t.same.contains_key("undefined"), "{:?}", t.same);
}
