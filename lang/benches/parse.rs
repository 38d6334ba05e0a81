//! Benchmark: lex, and lex + parse, a generated ~1 MB `.dg` file shaped
//! like a DIGIT platform (schemas, a type alias, `let`s, many services with
//! env maps, records, lists, quantities, interpolated strings, comments,
//! `for`/`if` members). Reports throughput in bytes, for lexing alone, for
//! lexing and parsing, and for the same without freeing the tree.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use digit_lang::{lexer, parse, FileId};
use std::hint::black_box;

/// The allocator the `digitc` binary uses, so these figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../tests/common/platform.rs"]
mod platform;

fn bench(c: &mut Criterion) {
    let text = platform::platform(1 << 20);
    let p = parse(FileId(0), &text);
    assert!(
        p.diagnostics.is_empty(),
        "generated platform has problems: {:?}",
        p.diagnostics.first()
    );

    let mut group = c.benchmark_group("front_end");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("lex_1MB", |b| {
        b.iter(|| lexer::lex_compact(FileId(0), black_box(&text)))
    });
    group.bench_function("lex_parse_1MB", |b| {
        b.iter(|| parse(FileId(0), black_box(&text)))
    });
    // The same without freeing the tree inside the timing: freeing a
    // 1 MB file's tree costs a good part of the figure above.
    group.bench_function("lex_parse_1MB_no_drop", |b| {
        b.iter_with_large_drop(|| parse(FileId(0), black_box(&text)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
