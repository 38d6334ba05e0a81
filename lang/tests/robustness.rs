//! The front end never panics and never overflows its stack: on arbitrary
//! bytes, on valid snippets glued together in any order, and on pathological
//! nesting and chains far deeper than any real file.

use digit_lang::{parse, parse_bytes, FileId};
use proptest::prelude::*;

const FILE: FileId = FileId(0);

#[path = "common/snippets.rs"]
mod snippets;
use snippets::glue;

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = parse_bytes(FILE, &bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        let _ = parse(FILE, &text);
    }

    #[test]
    fn glued_snippets_never_panic(indices in proptest::collection::vec(any::<usize>(), 0..60)) {
        let text = glue(&indices);
        let p = parse(FILE, &text);
        // Every diagnostic's span lies inside the text.
        for d in &p.diagnostics {
            prop_assert!(d.span.start <= d.span.end && d.span.end as usize <= text.len(), "{d:?}");
        }
    }
}

/// Parses `text` on a thread with a small stack, like an editor's worker,
/// and returns how many diagnostics it gave.
fn parse_on_small_stack(text: String) -> usize {
    std::thread::Builder::new()
        .stack_size(8 << 20)
        .spawn(move || parse(FILE, &text).diagnostics.len())
        .unwrap()
        .join()
        .unwrap()
}

fn deep(open: &str, close: &str, n: usize) -> String {
    format!("x = {}{}\n", open.repeat(n), close.repeat(n))
}

#[test]
fn deep_brackets_are_one_diagnostic() {
    for (open, close) in [("[", "]"), ("{a = ", "}"), ("(", ")"), ("x {", "}")] {
        let n = parse_on_small_stack(deep(open, close, 100_000));
        assert_eq!(n, 1, "{open}...{close}");
    }
}

#[test]
fn deep_unclosed_brackets_do_not_overflow() {
    for open in ["[", "{", "(", "x {", "x {\n"] {
        let n = parse_on_small_stack(format!("x = {}", open.repeat(100_000)));
        assert!(n >= 1, "{open}");
    }
    let n = parse_on_small_stack(format!("x = {}", "\"${".repeat(10_000)));
    assert!(n >= 1);
}

#[test]
fn deep_unary_operators_do_not_overflow() {
    for op in ["-", "!"] {
        let n = parse_on_small_stack(format!("x = {}1\n", op.repeat(100_000)));
        assert_eq!(n, 1, "{op}");
    }
}

#[test]
fn long_chains_are_one_diagnostic() {
    let chain = vec!["a"; 100_000].join(" + ");
    assert_eq!(parse_on_small_stack(format!("x = {chain}\n")), 1);
    for op in [" * ", " && ", " ?? ", "."] {
        let chain = vec!["a"; 10_000].join(op);
        assert_eq!(parse_on_small_stack(format!("x = {chain}\n")), 1, "{op}");
    }
    let path = vec!["a"; 10_000].join(".");
    assert_eq!(parse_on_small_stack(format!("{path} = 1\n")), 0);
    let ifs = "if a then 1 else ".repeat(10_000);
    assert_eq!(parse_on_small_stack(format!("x = {ifs}2\n")), 1);
    let else_ifs = " else if a { b = 1 }".repeat(100_000);
    let member = format!("if a {{ b = 1 }}{else_ifs} else {{ b = 2 }}\n");
    assert_eq!(parse_on_small_stack(member), 1);
    let marks = " ?".repeat(100_000);
    assert_eq!(parse_on_small_stack(format!("x: Int{marks} = 1\n")), 1);
}

#[test]
fn deep_interpolation_is_one_diagnostic() {
    let n = 10_000;
    let text = format!("x = {}y{}\n", "\"${".repeat(n), "}\"".repeat(n));
    assert_eq!(parse_on_small_stack(text), 1);
}

#[test]
fn many_members_parse() {
    let text = "a = 1\n".repeat(10_000);
    assert_eq!(parse_on_small_stack(text), 0);
}

#[path = "common/seeds.rs"]
mod seeds_of;

/// Every `.dg` file of the repository, the seeds of the mutants.
fn seeds() -> &'static [String] {
    static SEEDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| seeds_of::repository_dg_files(env!("CARGO_MANIFEST_DIR")))
}

/// Bytes that stress positions: line ends of every kind, a BOM, wide and
/// multi-byte characters, invalid UTF-8.
const ODD: &[&[u8]] = &[
    b"\r",
    b"\r\n",
    b"\n",
    "\u{2028}".as_bytes(),
    b"\x0b",
    b"\x0c",
    "\u{85}".as_bytes(),
    "\u{feff}".as_bytes(),
    "é".as_bytes(),
    "😀".as_bytes(),
    b"\xff",
    b"\"",
    b"\"\"\"",
    b"${",
    b"}",
    b"/// d\n",
    b",",
    b";",
    b"{",
    b"[",
];

proptest! {
    /// Mutants of every `.dg` file of the repository, with odd bytes
    /// inserted: parsing never panics, every span is in range, and every
    /// diagnostic renders for people and as JSON.
    #[test]
    fn mutants_of_repository_files_never_panic(
        pick in any::<usize>(),
        edits in proptest::collection::vec((any::<usize>(), 0usize..48, any::<usize>(), 0u8..3), 0..6),
    ) {
        let seeds = seeds();
        let mut bytes = seeds[pick % seeds.len()].as_bytes().to_vec();
        for (at, len, what, op) in edits {
            let i = at % (bytes.len() + 1);
            let j = (i + len).min(bytes.len());
            match op {
                0 => { bytes.drain(i..j); }
                1 => { let piece = bytes[i..j].to_vec(); bytes.splice(j..j, piece); }
                _ => { bytes.splice(i..i, ODD[what % ODD.len()].iter().copied()); }
            }
        }
        let mut map = digit_lang::SourceMap::new();
        let _ = map.add("other.dg", "// ünïcode\r\nx = 1\n");
        let (file, p) = digit_lang::parse_source(&mut map, "main.dg", &bytes);
        let len = map.text(file).len();
        let mut r = digit_lang::diagnostic::HumanRenderer::new(&map, false);
        for d in &p.diagnostics {
            prop_assert!(d.span.file == file && d.span.start <= d.span.end && d.span.end as usize <= len, "{d:?}");
            let d = d.clone().with_secondary(digit_lang::Span::new(digit_lang::FileId(0), 3, 5), "other");
            let _ = r.render(&d);
            let _ = digit_lang::diagnostic::render_json(&d, &map);
        }
    }
}
