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
