//! Benchmark: check (load, parse, evaluate, validate) a generated platform
//! of N services amending a base through an env file, from a MemLoader;
//! `load` is the load-and-parse share of it, `evaluate` the rest (evaluate
//! and validate an already loaded graph, as `check` does after loading),
//! `eval` is `eval_file` (check, then the JSON value) and `eval_text` is
//! `digitc eval`'s work (check, then the JSON text it prints).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use digit_compiler::lower::Options;
use digit_compiler::modules::GraphBuilder;
use digit_compiler::sema::Sema;
use digit_compiler::value::{Value, ValueKind};
use digit_compiler::{
    build_file, check_file, eval_file, eval_file_pretty_at, with_root, MemLoader,
};
use std::fmt::Write;
use std::path::Path;

/// The allocator the `digitc` binary uses, so these figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// base.dg with `n` services (about 20 env vars each, some interpolating
/// module fields, resources, secret_env) and env/qa.dg overriding some.
pub fn platform(n: usize) -> MemLoader {
    let mut base = String::from(
        "amends \"digit:environment\"\n\ntag: String = \"v1.0.0\"\ndomain = \"digit.example.org\"\ndb.host = \"postgres\"\ndb.name = \"egov\"\n\nsecrets.db.password = secret(\"dg1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaG2RlZmdoaWprbG1ub3BxcnN0dXZ3eHk\")\nsecrets.db.username = secret(\"dg1:AAECAwQFBgcICQoLDA0ODxwdHh8gISIjJCUmJ4KDhIWGh4iJiouMjY6PkJGSk5SVlpc\")\n\nservices {\n",
    );
    for i in 0..n {
        let _ = writeln!(base, "  \"svc-{i}\" {{");
        let _ = writeln!(base, "    image = \"egovio/svc-{i}:${{tag}}\"");
        let _ = writeln!(base, "    replicas = {}", 1 + i % 3);
        let _ = writeln!(
            base,
            "    resources {{ memory = {}Mi, cpu = 250m }}",
            256 + (i % 4) * 128
        );
        base.push_str("    env {\n");
        base.push_str("      SPRING_DATASOURCE_URL = \"jdbc:postgresql://${db.host}:${db.port}/${db.name}\"\n");
        base.push_str("      SERVER_HOST = \"${name}.${domain}\"\n");
        let _ = writeln!(base, "      SERVICE_PATH = \"/svc-{i}\"");
        for j in 0..17 {
            let _ = writeln!(base, "      VAR_{j} = \"value-{j}-{i}\"");
        }
        base.push_str("    }\n");
        base.push_str(
            "    secret_env { DB_PASSWORD = secrets.db.password, DB_USER = secrets.db.username }\n",
        );
        base.push_str("  }\n");
    }
    base.push_str("}\n");
    let mut qa = String::from("amends \"../base.dg\"\nname = \"qa\"\ndomain = \"qa.digit.example.org\"\ndb.host = \"qa-postgres\"\ntag = \"v1.1.0\"\n");
    for i in (0..n).step_by(10) {
        let _ = writeln!(qa, "services.\"svc-{i}\".replicas = 2");
    }
    MemLoader::new().with("base.dg", base).with("env/qa.dg", qa)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("check");
    group.sample_size(10);
    for n in [150usize, 750, 1500] {
        let loader = platform(n);
        let a = check_file(&loader, Path::new("env/qa.dg"));
        assert!(
            !a.has_errors(),
            "generated platform has errors: {:?}",
            a.problems.iter().next()
        );
        group.bench_with_input(BenchmarkId::from_parameter(n), &loader, |b, l| {
            b.iter(|| check_file(l, Path::new("env/qa.dg")))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    for n in [150usize, 1500] {
        let loader = platform(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &loader, |b, l| {
            b.iter(|| GraphBuilder::new(l).load_entry(Path::new("env/qa.dg")))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("evaluate");
    group.sample_size(10);
    for n in [150usize, 750, 1500] {
        let loader = platform(n);
        let mut builder = GraphBuilder::new(&loader);
        let entry = builder
            .load_entry(Path::new("env/qa.dg"))
            .expect("the generated platform loads");
        let graph = builder.graph;
        group.bench_with_input(BenchmarkId::from_parameter(n), &graph, |b, g| {
            b.iter(|| {
                with_root(g, &loader, entry, |ev, root| {
                    ev.force(&Value::new(ValueKind::Object(root.id), root.span));
                    let problems = ev.take_problems();
                    assert!(!problems.has_errors());
                    problems
                })
            })
        });
    }
    group.finish();

    let mut group = c.benchmark_group("eval");
    group.sample_size(10);
    for n in [150usize, 750, 1500] {
        let loader = platform(n);
        let (a, json) = eval_file(&loader, Path::new("env/qa.dg"), None);
        assert!(!a.has_errors() && json.is_some());
        group.bench_with_input(BenchmarkId::from_parameter(n), &loader, |b, l| {
            b.iter(|| eval_file(l, Path::new("env/qa.dg"), None))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("eval_text");
    group.sample_size(10);
    for n in [150usize, 1000, 1500] {
        let loader = platform(n);
        let (a, text) = eval_file_pretty_at(&loader, Path::new("env/qa.dg"), &[]);
        assert!(!a.has_errors() && matches!(text, Ok(Some(_))));
        group.bench_with_input(BenchmarkId::from_parameter(n), &loader, |b, l| {
            b.iter(|| eval_file_pretty_at(l, Path::new("env/qa.dg"), &[]))
        });
    }
    group.finish();

    // The semantic stage alone on a loaded graph: the model the language
    // server queries (`model`), and the diagnostics-only walk `check`,
    // `eval` and `build` run (`check`).
    let mut group = c.benchmark_group("sema");
    group.sample_size(10);
    let n = 1500;
    let loader = platform(n);
    let mut builder = GraphBuilder::new(&loader);
    builder
        .load_entry(Path::new("env/qa.dg"))
        .expect("the generated platform loads");
    let (graph, sources) = (&builder.graph, &builder.sources);
    group.bench_function(BenchmarkId::new("model", n), |b| {
        b.iter(|| Sema::build(graph, sources))
    });
    group.bench_function(BenchmarkId::new("check", n), |b| {
        b.iter(|| Sema::check(graph, sources))
    });
    group.finish();

    // The floors `eval_text` is measured against (issue 11): serde_json
    // alone writing, from values built beforehand, the same JSON text as
    // `digitc eval` (`env`), and the Deployments and Services `digitc
    // build` makes of the same platform as one List (`k8s`).
    let mut group = c.benchmark_group("json_floor");
    group.sample_size(10);
    for n in [1000usize, 1500] {
        let loader = platform(n);
        let (_, text) = eval_file_pretty_at(&loader, Path::new("env/qa.dg"), &[]);
        let Ok(Some(text)) = text else {
            panic!("the generated platform evaluates")
        };
        let env: serde_json::Value = serde_json::from_str(&text).expect("eval prints JSON");
        let again = serde_json::to_string_pretty(&env).expect("JSON values print");
        assert_eq!(
            again.trim_end(),
            text.trim_end(),
            "the floor writes the same text"
        );
        let (_, lowered) = build_file(&loader, Path::new("env/qa.dg"), Options { decrypt: None });
        let lowered = lowered.expect("the generated platform builds");
        let items: Vec<&serde_json::Value> = lowered
            .objects
            .iter()
            .filter(|o| o.kind == "Deployment" || o.kind == "Service")
            .map(|o| &o.json)
            .collect();
        assert!(
            items.len() >= 2 * n,
            "a Deployment and a Service per service"
        );
        let k8s = serde_json::json!({ "apiVersion": "v1", "kind": "List", "items": items });
        for (what, value) in [("env", &env), ("k8s", &k8s)] {
            let len = serde_json::to_string_pretty(value).map_or(0, |t| t.len());
            eprintln!("json_floor/{what}/{n}: {len} bytes");
            group.bench_with_input(BenchmarkId::new(what, n), value, |b, v| {
                b.iter(|| {
                    let mut out = Vec::with_capacity(len);
                    serde_json::to_writer_pretty(&mut out, v).expect("JSON values print");
                    out
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
