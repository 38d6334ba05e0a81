//! The fast parser against the grammar.
//!
//! Soundness: on any input, when the fast parser gives the tree, the
//! grammar gives the same tree and no errors (so the diagnostics, the
//! comments and the tree of `parse` do not depend on which parser ran).
//! Checked over every `.dg` file of the repository, the benchmark input,
//! those files with pieces cut out or glued in, programs generated from a
//! small grammar of the language (about 40% of them take the fast path),
//! random glued snippets and arbitrary text.
//!
//! Completeness: the fast parser accepts every file of the repository that
//! has no diagnostics, and the benchmark input; otherwise it speeds up
//! nothing.

use digit_lang::parser::differential;
use digit_lang::FileId;
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

#[path = "common/platform.rs"]
mod platform;
#[path = "common/snippets.rs"]
mod snippets;

const FILE: FileId = FileId(0);

/// Checks the invariant on `text`; returns whether the fast parser ran.
fn agrees(text: &str) -> bool {
    let d = differential(FILE, text);
    let Some(fast) = &d.fast else {
        return false;
    };
    assert_eq!(
        d.grammar_errors, 0,
        "grammar errors where the fast parser accepted:\n{text}"
    );
    assert_eq!(fast.module, d.grammar.module, "trees differ on:\n{text}");
    assert_eq!(fast.comments, d.grammar.comments);
    assert_eq!(fast.diagnostics, d.grammar.diagnostics);
    true
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "dg") {
            out.push(path);
        }
    }
}

/// Every `.dg` file of the repository, with its text (lossily decoded).
fn repository_files() -> &'static [(PathBuf, String)] {
    static FILES: OnceLock<Vec<(PathBuf, String)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut paths = Vec::new();
        for dir in [
            "lang/tests/fixtures",
            "compiler/tests/fixtures",
            "examples",
            "stdlib/dg",
        ] {
            walk(&root.join(dir), &mut paths);
        }
        assert!(paths.len() > 100, "found only {} .dg files", paths.len());
        paths
            .into_iter()
            .map(|p| {
                let bytes = std::fs::read(&p).unwrap();
                let text = String::from_utf8_lossy(&bytes).into_owned();
                (p, text)
            })
            .collect()
    })
}

#[test]
fn repository_files_agree_and_valid_ones_take_the_fast_path() {
    let mut missed = Vec::new();
    for (path, text) in repository_files() {
        let fast = agrees(text);
        let valid = digit_lang::parse(FILE, text).diagnostics.is_empty();
        if valid && !fast {
            missed.push(path.display().to_string());
        }
    }
    assert!(
        missed.is_empty(),
        "the fast parser gave up on valid files: {missed:#?}"
    );
}

#[test]
fn syntax_fixtures_take_the_fast_path() {
    let syntax: Vec<_> = repository_files()
        .iter()
        .filter(|(p, _)| p.to_string_lossy().contains("fixtures/syntax"))
        .collect();
    assert!(syntax.len() >= 10);
    for (path, text) in syntax {
        assert!(agrees(text), "{}", path.display());
    }
}

#[test]
fn benchmark_input_takes_the_fast_path() {
    assert!(agrees(&platform::platform(1 << 20)));
}

#[test]
fn chain_limits_agree() {
    for n in [499, 500, 501, 502] {
        let chain = vec!["a"; n + 1].join(" + ");
        let fields = vec!["a"; n + 1].join(".");
        let unary = "-".repeat(n);
        let ifs = "if a then 1 else ".repeat(n);
        let qs = "?".repeat(n);
        for text in [
            format!("x = {chain}\n"),
            format!("x = {fields}\n"),
            format!("x = {unary}1\n"),
            format!("x = {ifs}2\n"),
            format!("x: Int{qs}\n"),
            format!("if a {{ }}{}\n", " else if a { }".repeat(n)),
        ] {
            agrees(&text);
        }
    }
    assert!(agrees(&format!("x = {}\n", vec!["a"; 501].join(" + "))));
    assert!(!agrees(&format!("x = {}\n", vec!["a"; 502].join(" + "))));
}

#[test]
fn deep_nesting_agrees() {
    let n = digit_lang::parser::MAX_DEPTH - 1;
    let lists = format!("x = {}1{}\n", "[".repeat(n), "]".repeat(n));
    assert!(agrees(&lists));
    let records = format!("x = {}1{}\n", "{a = ".repeat(n), "}".repeat(n));
    assert!(agrees(&records));
    let strings = format!("x = {}y{}\n", "\"${".repeat(n / 2), "}\"".repeat(n / 2));
    assert!(agrees(&strings));
    // Nesting without delimiters: past its depth bound the fast parser
    // leaves the file to the grammar.
    let thens = format!(
        "x = {}1{}\n",
        "if a then ".repeat(900),
        " else 2".repeat(900)
    );
    assert!(!agrees(&thens));
}

/// A char boundary of `text` at or before `at`.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn glued_snippets_agree(indices in proptest::collection::vec(any::<usize>(), 0..60)) {
        agrees(&snippets::glue(&indices));
    }

    #[test]
    fn arbitrary_text_agrees(text in "\\PC{0,300}") {
        agrees(&text);
    }

    #[test]
    fn arbitrary_bytes_agree(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        agrees(&String::from_utf8_lossy(&bytes));
    }

    /// Repository files with a few snippets glued in: mostly still valid,
    /// or broken in one place, which is where the two parsers could part.
    #[test]
    fn edited_files_agree(
        file in any::<usize>(),
        edits in proptest::collection::vec((any::<usize>(), any::<usize>(), 0usize..3), 1..4),
    ) {
        let files = repository_files();
        let (_, original) = &files[file % files.len()];
        let mut text = original.clone();
        for (at, what, kind) in edits {
            let at = boundary(&text, at % (text.len() + 1));
            match kind {
                0 => text.insert_str(at, snippets::SNIPPETS[what % snippets::SNIPPETS.len()]),
                1 => {
                    let end = boundary(&text, at + what % 8);
                    text.replace_range(at..end, "");
                }
                _ => {
                    let end = boundary(&text, at + what % 40);
                    let piece = text[at..end].to_string();
                    text.insert_str(end, &piece);
                }
            }
        }
        agrees(&text);
    }
}

/// Random programs from a small grammar of the language, mostly valid,
/// with line breaks between tokens now and then (where the grammar's
/// "missing value" rule looks) and an occasional keyword as a name.
struct Gen {
    state: u64,
    out: String,
}

impl Gen {
    fn next(&mut self, n: u64) -> u64 {
        // xorshift64*
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        (self.state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) % n.max(1)
    }

    fn tok(&mut self, s: &str) {
        let gap = match self.next(12) {
            0 => "\n",
            1 => "\n  ",
            _ => " ",
        };
        self.out.push_str(gap);
        self.out.push_str(s);
    }

    fn name(&mut self) {
        let names = ["a", "b", "x", "svc", "len", "key", "root"];
        let i = self.next(names.len() as u64) as usize;
        let kw = ["type", "in", "then", "schema", "else"];
        if self.next(40) == 0 {
            let k = kw[self.next(kw.len() as u64) as usize];
            self.tok(k);
        } else {
            self.tok(names[i]);
        }
    }

    fn string(&mut self, depth: u32) {
        self.tok("\"t");
        if depth > 0 && self.next(3) == 0 {
            self.out.push_str("${");
            self.expr(depth - 1, true);
            self.out.push('}');
        }
        self.out.push_str("\\n\"");
    }

    fn key(&mut self, depth: u32) {
        match self.next(6) {
            0 => self.tok("\"k-1\""),
            1 if depth > 0 => self.string(depth),
            _ => self.name(),
        }
    }

    fn atom(&mut self, depth: u32) {
        let d = depth.saturating_sub(1);
        match self.next(if depth == 0 { 6 } else { 13 }) {
            0 => self.tok("1"),
            1 => self.tok("2.5"),
            2 => self.tok("512Mi"),
            3 => {
                let lit = ["true", "false", "none"][self.next(3) as usize];
                self.tok(lit);
            }
            4 | 5 => self.name(),
            6 => self.string(d),
            7 => {
                self.name();
                self.tok("(");
                self.expr(d, true);
                self.tok(")");
            }
            8 => {
                self.tok("[");
                for _ in 0..self.next(3) {
                    self.expr(d, true);
                    self.tok(",");
                }
                self.tok("]");
            }
            9 => {
                self.tok("[for");
                self.name();
                self.tok("in");
                self.expr(d, true);
                if self.next(2) == 0 {
                    self.tok("if");
                    self.expr(d, true);
                }
                self.tok(":");
                self.expr(d, true);
                self.tok("]");
            }
            10 => self.body(d),
            11 => {
                self.tok("(");
                self.expr(d, true);
                self.tok(")");
            }
            _ => {
                self.tok("if");
                self.expr(d, true);
                self.tok("then");
                self.expr(d, true);
                self.tok("else");
                self.expr(d, true);
            }
        }
    }

    fn expr(&mut self, depth: u32, amend: bool) {
        let ops = [
            "+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "??",
        ];
        if self.next(6) == 0 {
            let op = ["-", "!"][self.next(2) as usize];
            self.tok(op);
        }
        self.atom(depth);
        for _ in 0..self.next(3) {
            match self.next(4) {
                0 => {
                    self.tok(".");
                    self.key(depth.saturating_sub(1));
                }
                1 if depth > 0 => {
                    self.tok("[");
                    self.expr(depth - 1, true);
                    self.tok("]");
                }
                2 if amend && depth > 0 => self.body(depth - 1),
                _ => {
                    let op = ops[self.next(ops.len() as u64) as usize];
                    self.tok(op);
                    self.atom(depth.saturating_sub(1));
                }
            }
        }
    }

    fn ty(&mut self) {
        match self.next(6) {
            0 => self.tok("[String]"),
            1 => self.tok("{String: Int}"),
            2 => self.tok("Int(1..)"),
            3 => self.tok("\"a\" | \"b\""),
            4 => self.tok("k8s.Probe?"),
            _ => self.tok("Int"),
        }
    }

    fn member(&mut self, depth: u32) {
        if self.next(8) == 0 {
            self.out.push_str("\n/// doc\n");
        }
        let d = depth.saturating_sub(1);
        match self.next(9) {
            0 => {
                self.key(d);
                self.tok(":");
                self.ty();
                if self.next(2) == 0 {
                    self.tok("=");
                    self.expr(d, true);
                }
            }
            1 => {
                self.tok("let");
                self.name();
                self.tok("=");
                self.expr(d, true);
            }
            2 if depth > 0 => {
                self.tok("for");
                self.name();
                self.tok(",");
                self.name();
                self.tok("in");
                self.expr(d, false);
                self.body(d);
            }
            3 if depth > 0 => {
                self.tok("if");
                self.expr(d, false);
                self.body(d);
                for _ in 0..self.next(3) {
                    self.tok("else if");
                    self.expr(d, false);
                    self.body(d);
                }
                if self.next(2) == 0 {
                    self.tok("else");
                    self.body(d);
                }
            }
            4 => {
                self.tok("check");
                self.expr(d, true);
                self.tok(":");
                self.string(0);
            }
            5 if depth > 0 => {
                if self.next(4) == 0 {
                    self.tok("[*]");
                } else {
                    self.key(d);
                }
                self.body(d);
            }
            _ => {
                self.key(d);
                for _ in 0..self.next(3) {
                    self.tok(".");
                    self.key(d);
                }
                let op = if self.next(4) == 0 { "+=" } else { "=" };
                self.tok(op);
                self.expr(d, true);
            }
        }
        match self.next(6) {
            0 => self.out.push(';'),
            1 => self.out.push(','),
            _ => self.out.push('\n'),
        }
    }

    fn body(&mut self, depth: u32) {
        self.tok("{");
        for _ in 0..self.next(4) {
            self.member(depth);
        }
        self.tok("}");
    }

    fn module(seed: u64) -> String {
        let mut g = Gen {
            state: seed | 1,
            out: String::new(),
        };
        if g.next(3) == 0 {
            g.out.push_str("/// module doc\n\namends \"base.dg\"\n");
        }
        if g.next(3) == 0 {
            g.out.push_str("import \"digit:k8s\" as k8s\n");
        }
        for _ in 0..g.next(8) {
            match g.next(8) {
                0 => {
                    g.out.push_str("/// a schema\nschema S");
                    g.body(2);
                    g.out.push('\n');
                }
                1 => {
                    g.out.push_str("type T =");
                    g.ty();
                    g.out.push('\n');
                }
                _ => g.member(3),
            }
        }
        g.out
    }
}

#[test]
fn generated_programs_agree() {
    let mut fast = 0;
    let total = 1500;
    for seed in 0..total {
        let text = Gen::module(0x9e37_79b9_7f4a_7c15u64.wrapping_mul(seed + 1));
        fast += usize::from(agrees(&text));
    }
    // Most generated programs are valid: the fast path must be exercised.
    assert!(
        fast > total as usize / 4,
        "fast path taken {fast} of {total} times"
    );
}
