//! The evaluator's costs stay linear where a user could fall off a cliff
//! (issue 11): a `let` is computed once per scope, a generator is expanded
//! once per object. Each case runs at two sizes under the default step
//! budget; it must finish without errors, and doubling the size must not
//! much more than double the steps taken.

use digit_compiler::modules::GraphBuilder;
use digit_compiler::value::{Value, ValueKind};
use digit_compiler::{with_root, MemLoader};
use std::path::Path;

/// Steps `digitc eval` takes on `source` (forced as `eval` prints it),
/// asserting that it has no problems.
fn steps(source: String) -> u64 {
    costs(source).0
}

/// The steps and the weight (records built, each with its layers) of
/// evaluating `source`, asserting that it has no problems.
fn costs(source: String) -> (u64, u64) {
    let loader = MemLoader::new().with("main.dg", source);
    let mut builder = GraphBuilder::new(&loader);
    let entry = builder
        .load_entry(Path::new("main.dg"))
        .expect("the program loads");
    let graph = builder.graph;
    with_root(&graph, &loader, entry, |ev, root| {
        ev.force(&Value::new(ValueKind::Object(root.id), root.span));
        let problems = ev.take_problems();
        assert!(
            problems.is_empty(),
            "{:?}",
            problems.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
        (ev.steps_taken(), ev.weight())
    })
}

/// `f(n)` and `f(2n)` take at most 2.5 times the steps of each other's
/// half: linear, not quadratic or exponential.
fn assert_linear(name: &str, n: usize, f: impl Fn(usize) -> String) {
    let (small, large) = (steps(f(n)), steps(f(2 * n)));
    assert!(
        large * 2 <= small * 5,
        "{name}: {small} steps at {n}, {large} at {}",
        2 * n
    );
}

/// `let a0 = 1`, `let aN = aN-1 + aN-1`, ...: each `let` read twice.
pub fn let_chain(n: usize) -> String {
    let mut s = String::from("let a0 = 1\n");
    for i in 1..=n {
        s.push_str(&format!("let a{i} = a{} + a{}\n", i - 1, i - 1));
    }
    s.push_str(&format!("x = a{n} > 0\n"));
    s
}

#[test]
fn chained_lets_are_computed_once_each() {
    assert_linear("let chain", 30, let_chain);
}

#[test]
fn lets_in_a_record_are_computed_once_per_record() {
    // The same chain inside a record made per service.
    assert_linear("lets per record", 200, |n| {
        let mut s = String::from("svcs {\n");
        for i in 0..n {
            s.push_str(&format!(
                "  s{i} {{\n    let a0 = {i}\n    let a1 = a0 + a0\n    let a2 = a1 + a1\n    let a3 = a2 + a2\n    v = a3 + a3\n  }}\n"
            ));
        }
        s.push_str("}\n");
        s
    });
}

/// `m { for i in range(0, n) { "k${i}" = i } }`: every key computed.
pub fn generated_keys(n: usize) -> String {
    format!("m {{\n  for i in range(0, {n}) {{ \"k${{i}}\" = i }}\n}}\nfirst = m.k0\n")
}

#[test]
fn a_generator_is_expanded_once_per_object() {
    assert_linear("generated keys", 1000, generated_keys);
}

#[test]
fn nested_generators_are_expanded_once_per_object() {
    assert_linear("nested generators", 500, |n| {
        format!(
            "m {{\n  for i in range(0, {n}) {{\n    \"a${{i}}\" = i\n    if i % 2 == 0 {{ for j in [1, 2] {{ \"b${{i}}_${{j}}\" = j }} }}\n  }}\n}}\n"
        )
    });
}

/// `m.kN = N` for N below `n`: one definition of `m` per line, each a
/// layer of the one map they make.
pub fn nested_paths(n: usize) -> String {
    let mut s = String::from("m: {String: Int} = {}\n");
    for i in 0..n {
        s.push_str(&format!("m.k{i} = {i}\n"));
    }
    s
}

#[test]
fn amends_of_one_field_make_one_object() {
    // A thousand nested paths amending one map (an environment overriding
    // one setting of each service) are one object with a layer each, not
    // a thousand objects copying the layers below them.
    let (n, twice) = (1_000, 2_000);
    let (small, large) = (costs(nested_paths(n)).1, costs(nested_paths(twice)).1);
    assert!(
        large * 2 <= small * 5,
        "{small} records and layers built at {n} paths, {large} at {twice}"
    );
    assert!(small < 2 * n as u64, "{small} records and layers at {n}");
}
