//! Whatever the program, checking and evaluating it ends with a result and
//! diagnostics, never a panic or a stack overflow. Programs are glued
//! together from fragments of real syntax (valid, half-valid and broken),
//! so the generator reaches deep into the evaluator, not just the parser.

use digit_compiler::{check_file, eval_file, eval_file_pretty_at, MemLoader};
use proptest::prelude::*;
use std::path::Path;

/// Members and pieces of members, most of them meaningful on their own.
const FRAGMENTS: &[&str] = &[
    "amends \"digit:environment\"\n",
    "amends \"./other.dg\"\n",
    "import \"./other.dg\" as o\n",
    "name = \"qa\"\n",
    "name = key\n",
    "domain = \"${name}.example.org\"\n",
    "db { host = \"pg\"; name = \"egov\" }\n",
    "db.port = 70000\n",
    "kafka.replicas = 3\n",
    "kafka.topics += [{ name = \"t\", replication = 4 }]\n",
    "kafka { storage = 1Gi + 512Mi; heap = storage / 2 }\n",
    "services.\"egov-user\" { image = \"egovio/egov-user:v1\"; replicas = 2 }\n",
    "services.x { image = \"x\"; resources { memory = 1Gi; memory_limit = 1Mi } }\n",
    "services.\"a_b\".secret_env { P = secrets.db.password }\n",
    "services.y.migration { image = \"egovio/y-db:v1\" }\n",
    "secrets.db.password = secret(\"dg1:AAAA\")\n",
    "secrets.db.user = \"plain\"\n",
    "global.url = \"${db.host}:${db.port}\"\n",
    "global.bad = \"${secrets.db.password}\"\n",
    "x = 1\n",
    "x += 2\n",
    "x { a = 1 }\n",
    "y = x + 1\n",
    "y = y\n",
    "z = [for i in range(0, 3): i * x]\n",
    "z = [for i, v in z if v > 0: \"${i}\"]\n",
    "m = { for k, v in { a = 1 } { \"${k}\" = v } }\n",
    "m.b = m.a ?? 0\n",
    "let l = [1, 2, 3]\n",
    "w = l[5] + l[-1]\n",
    "w = 9223372036854775807 * 2\n",
    "w = 1 / 0 + 1 % 0\n",
    "q = 1.5Gi - 2Gi\n",
    "q = 250m * 4\n",
    "s = len(keys(root)) + len(\"abc\")\n",
    "s = join(sort(unique(split(\"b,a\", \",\"))), upper(\"-\"))\n",
    "s = to_json(root)\n",
    "s = sha256(base64(to_json(z)))\n",
    "s = read_file(\"./data.txt\")\n",
    "s = read_file(\"../../etc/passwd\")\n",
    "s = min([]) ?? max([1])\n",
    "s = flatten([[1], 2])\n",
    "s = int(trim(\" 42 \")) + int(\"4x\")\n",
    "m = merge(m, root) { c = 1 }\n",
    "k: {String: S} = merge(k, { g = S {} })\n",
    "schema S { a: Int(1..5) = 3; b: String = \"${a}\"; check a < 4 : \"small\" }\n",
    "schema T { s: S = S {}; t: T? = none }\n",
    "type U = \"x\" | \"y\"\n",
    "u: U = \"z\"\n",
    "i = S { a = 7 }\n",
    "i = S { c = 1 }\n",
    "j: S = { a = \"two\" }\n",
    "j { b = 1 }\n",
    "k: {String: S} = { e {} }\n",
    "k.f.a = 2\n",
    "n: [S] = [{}, { a = 0 }]\n",
    "o: Int? = none\n",
    "o = if true then 1 else \"a\"\n",
    "r = root.x\n",
    "r = o.x\n",
    "p = !x && x || -x\n",
    "p = \"\"\"\n  a ${x}\n  b\n  \"\"\"\n",
    "if x > 0 { e = 1 } else { e = 2 }\n",
    "for v in [1, 2] { \"f${v}\" = v }\n",
    "for v in 3 { g = v }\n",
    "check x > 0 : \"positive\"\n",
    "h = { a = h }\n",
    "h = [h]\n",
    "{\n",
    "}\n",
    "[\n",
    "]\n",
    "= = =\n",
    "\"unterminated\n",
    "a.b.\"c-d\" = 1\n",
    "\"${x}\" = 1\n",
];

fn program(picks: &[usize]) -> String {
    picks
        .iter()
        .map(|&i| FRAGMENTS[i % FRAGMENTS.len()])
        .collect()
}

fn run(main: &str, other: &str) {
    if let Ok(f) = std::env::var("DIGITC_FUZZ_LOG") {
        let _ = std::fs::write(f, format!("{main}\n=====other\n{other}"));
    }
    let loader = MemLoader::new()
        .with("main.dg", main.to_string())
        .with("other.dg", other.to_string())
        .with("data.txt", "hello".to_string());
    let _ = check_file(&loader, Path::new("main.dg"));
    let (_, json) = eval_file(&loader, Path::new("main.dg"), None);
    let (_, text) = eval_file_pretty_at(&loader, Path::new("main.dg"), &[]);
    let json = json.map(|j| serde_json::to_string_pretty(&j).unwrap());
    assert_eq!(text.ok().flatten(), json);
}

proptest! {
    #[test]
    fn checking_any_program_never_panics(
        main in prop::collection::vec(0usize..1000, 0..24),
        other in prop::collection::vec(0usize..1000, 0..8),
    ) {
        run(&program(&main), &program(&other));
    }
}

/// Checks and evaluates `main`, returning the codes of the diagnostics of
/// both (each stage must stop with a diagnostic, not run away).
fn codes_of(main: &str) -> (Vec<&'static str>, Vec<&'static str>) {
    let loader = MemLoader::new().with("main.dg", main.to_string());
    let check = check_file(&loader, Path::new("main.dg"));
    let (eval, value) = eval_file(&loader, Path::new("main.dg"), None);
    let codes = |a: &digit_compiler::Analysis| a.problems.iter().map(|d| d.code).collect();
    let (c, e): (Vec<_>, Vec<_>) = (codes(&check), codes(&eval));
    if !e.is_empty() {
        assert!(value.is_none(), "a value printed despite errors");
    }
    (c, e)
}

/// Asserts that both `check` and `eval` of `main` report `code`.
fn stops_with(main: &str, code: &str) {
    let (check, eval) = codes_of(main);
    assert!(check.contains(&code), "check: {check:?}\n{main:.300}");
    assert!(eval.contains(&code), "eval: {eval:?}\n{main:.300}");
}

fn doubling(first: &str, step: impl Fn(usize) -> String, n: usize) -> String {
    let mut s = format!("a0 = {first}\n");
    for i in 1..n {
        s.push_str(&format!("a{i} = {}\n", step(i)));
    }
    s
}

// Issue 13, items 2 and 3: values that amend themselves.
#[test]
fn self_amending_values_stop_with_a_diagnostic() {
    stops_with("m = { a = x.a, x = m { } }\n", "E0521");
    let (check, _) = codes_of("s = x\nx = root\ns.x.k = 1\n");
    assert!(!check.is_empty());
    stops_with("base = { r = base { }, s = base { } }\n", "E0522");
}

// Issue 13, item 5: a chain of fields far deeper than any configuration.
#[test]
fn a_long_chain_of_fields_stops_with_a_diagnostic() {
    let n = 20_000;
    let mut s: String = (0..n).map(|i| format!("f{i} = f{}\n", i + 1)).collect();
    s.push_str(&format!("f{n} = 1\n"));
    stops_with(&s, "E0521");
}

// Issue 13, item 6: values that double at each step.
#[test]
fn exponential_values_stop_with_a_diagnostic_naming_the_field() {
    let nest = doubling("[1, 1]", |i| format!("[a{}, a{}]", i - 1, i - 1), 30);
    let cat = doubling("[1, 1]", |i| format!("a{} + a{}", i - 1, i - 1), 30);
    let text = doubling("\"xx\"", |i| format!("a{} + a{}", i - 1, i - 1), 40);
    let interp = doubling(
        "\"xx\"",
        |i| format!("\"${{a{}}}${{a{}}}\"", i - 1, i - 1),
        40,
    );
    let records = doubling(
        "{ x = 1 }",
        |i| format!("{{ l = a{}, r = a{} }}", i - 1, i - 1),
        40,
    );
    for program in [nest, cat, text, interp, records] {
        stops_with(&program, "E0522");
        let loader = MemLoader::new().with("main.dg", program.clone());
        let a = check_file(&loader, Path::new("main.dg"));
        let d = a.problems.iter().find(|d| d.code == "E0522").unwrap();
        assert!(d.message.starts_with("`a2"), "{}", d.message);
    }
}

// Issue 13, item 7: builtins stay linear or n log n.
#[test]
fn unique_is_not_quadratic() {
    let loader = MemLoader::new().with(
        "main.dg",
        "n = len(unique(range(0, 200000) + range(0, 200000)))\nm = unique([1, 1.0, \"a\", \"a\", [1], [1], { x = 1 }, { x = 1 }, 1Gi, 1024Mi, none, none])\n",
    );
    let started = std::time::Instant::now();
    let (a, v) = eval_file(&loader, Path::new("main.dg"), None);
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    let v = v.unwrap();
    assert_eq!(v["n"], 200_000);
    assert_eq!(v["m"].as_array().unwrap().len(), 6, "{}", v["m"]);
    // Quadratic was 10^10 comparisons here: minutes, not seconds.
    assert!(started.elapsed().as_secs() < 60);
}

// Issue 13, item 8: failed lookups cost little however many names there are.
#[test]
fn many_undefined_names_are_cheap() {
    let s: String = (0..20_000).map(|i| format!("f{i} = g{i}\n")).collect();
    let loader = MemLoader::new().with("main.dg", s);
    let started = std::time::Instant::now();
    let a = check_file(&loader, Path::new("main.dg"));
    // The first 10 000 are kept, the rest counted (E0523).
    let undefined = a.problems.iter().filter(|d| d.code == "E0301").count();
    assert_eq!(undefined, 10_000);
    assert!(a.problems.iter().any(|d| d.code == "E0523"));
    assert!(started.elapsed().as_secs() < 60);
}

// Issue 13, items 14 and 15: no silent infinity, no silent cap.
#[test]
fn float_overflow_and_quantities_above_the_cap_are_errors() {
    let (_, eval) = codes_of("f = 1.0\nb = 100000000000000000000.0\nc = b * b * b * b * b * b * b * b * b * b * b * b * b * b * b * b\n");
    assert_eq!(eval, ["E0503"]);
    let (_, eval) = codes_of("z = 0.0\nn = z / z\n");
    assert!(!eval.is_empty());
    let (_, eval) = codes_of("q = 16Ei\nr = 8Ei\n");
    assert_eq!(eval, ["E0512", "E0512"]);
    let (check, eval) = codes_of("q = 7Ei\nr = 1023Pi\n");
    assert!(check.is_empty() && eval.is_empty(), "{check:?}");
}

// Issue 13, item 17: no validator recurses on its input.
#[test]
fn a_long_url_like_image_is_checked_in_linear_time() {
    let image = "a://".repeat(200_000);
    let started = std::time::Instant::now();
    let e = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || digit_compiler::domain::check_image(&image).is_err())
        .unwrap()
        .join()
        .unwrap();
    assert!(e);
    assert!(started.elapsed().as_secs() < 10);
}

#[path = "../../lang/tests/common/seeds.rs"]
mod seeds_of;

/// Every `.dg` file of the repository, the seeds of the mutants.
fn seeds() -> Vec<String> {
    seeds_of::repository_dg_files(env!("CARGO_MANIFEST_DIR"))
}

/// A mutant of `seed`: byte ranges deleted, duplicated or replaced by a
/// fragment, at character boundaries.
fn mutate(seed: &str, edits: &[(usize, usize, usize, u8)]) -> String {
    let mut s = seed.to_string();
    for &(at, len, frag, op) in edits {
        let mut i = at % (s.len() + 1);
        while !s.is_char_boundary(i) {
            i -= 1;
        }
        let mut j = (i + len % 64).min(s.len());
        while !s.is_char_boundary(j) {
            j -= 1;
        }
        match op % 4 {
            0 => s.replace_range(i..j, ""),
            1 => {
                let piece = s[i..j].to_string();
                s.insert_str(j, &piece);
            }
            2 => s.insert_str(i, FRAGMENTS[frag % FRAGMENTS.len()]),
            _ => s.replace_range(i..j, FRAGMENTS[frag % FRAGMENTS.len()]),
        }
    }
    s
}

proptest! {
    /// Mutants of every `.dg` file of the repository: check and eval end
    /// with a result and diagnostics (`fuzz/run-long.sh` runs this for an
    /// hour).
    #[test]
    fn mutants_of_repository_files_never_panic(
        pick in any::<usize>(),
        other in any::<usize>(),
        edits in prop::collection::vec((any::<usize>(), any::<usize>(), any::<usize>(), any::<u8>()), 0..6),
    ) {
        let seeds = seeds();
        let main = mutate(&seeds[pick % seeds.len()], &edits);
        run(&main, &seeds[other % seeds.len()]);
    }
}

// Issue 13, item 4: a cascade of diagnostics is bounded.
#[test]
fn a_cascade_of_problems_is_bounded() {
    let program: String = (0..30_000)
        .map(|i| format!("f{i} = \"x\" + {i}\n"))
        .collect();
    let loader = MemLoader::new().with("main.dg", program);
    let a = check_file(&loader, Path::new("main.dg"));
    let n = a.problems.iter().count();
    assert!((10_000..=10_001).contains(&n), "{n} problems");
    let last = a.problems.iter().find(|d| d.code == "E0523").unwrap();
    assert!(
        last.message.starts_with("20000 more problems"),
        "{}",
        last.message
    );
}
