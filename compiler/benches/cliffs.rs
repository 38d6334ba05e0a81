//! Benchmark: the evaluator's former cost cliffs (issue 11), each at two
//! sizes, twice as large: a chain of `let`s each read twice (exponential
//! when a `let` was evaluated at every use) and a generator of computed
//! keys (quadratic when it was expanded at every key lookup). Both are
//! linear now: the larger size takes about twice the time.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use digit_compiler::{eval_file_pretty_at, MemLoader};
use std::path::Path;

/// The allocator the `digitc` binary uses, so these figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `let a0 = 1`, `let aN = aN-1 + aN-1` up to `n`, read by one field.
fn let_chain(n: usize) -> String {
    let mut s = String::from("let a0 = 1\n");
    for i in 1..=n {
        s.push_str(&format!("let a{i} = a{} + a{}\n", i - 1, i - 1));
    }
    s.push_str(&format!("x = a{n} > 0\n"));
    s
}

/// A record of `n` computed keys made by one generator.
fn generated_keys(n: usize) -> String {
    format!("m {{\n  for i in range(0, {n}) {{ \"k${{i}}\" = i }}\n}}\n")
}

fn run(c: &mut Criterion, name: &str, sizes: [usize; 2], program: fn(usize) -> String) {
    let mut group = c.benchmark_group(name);
    group.sample_size(20);
    for n in sizes {
        let loader = MemLoader::new().with("main.dg", program(n));
        let (a, text) = eval_file_pretty_at(&loader, Path::new("main.dg"), &[]);
        assert!(
            !a.has_errors() && matches!(text, Ok(Some(_))),
            "{name} {n} evaluates"
        );
        group.bench_with_input(BenchmarkId::from_parameter(n), &loader, |b, l| {
            b.iter(|| eval_file_pretty_at(l, Path::new("main.dg"), &[]))
        });
    }
    group.finish();
}

fn bench(c: &mut Criterion) {
    run(c, "let_chain", [30, 60], let_chain);
    run(c, "generated_keys", [1000, 2000], generated_keys);
}

criterion_group!(benches, bench);
criterion_main!(benches);
