//! The formatter, tested as data.
//!
//! - `fixtures/format/NAME.dg`: messy input; the snapshot shows the source
//!   and the formatted text, and the formatted text must be a fixed point
//!   that parses to the same tree with the same comments.
//! - Every `.dg` file of the repository that parses without errors (the
//!   fixtures of every crate, the examples, the standard library) must
//!   round-trip the same way. Files whose parse has errors are skipped: the
//!   formatter refuses them.

use digit_lang::ast::CommentKind;
use digit_lang::format::format;
use digit_lang::{dump::dump, parse, FileId};
use std::path::{Path, PathBuf};

/// The properties every formatted file has; returns the formatted text.
fn check_round_trip(name: &str, src: &str) -> String {
    let out = match format(FileId(0), src) {
        Ok(out) => out,
        Err(ds) => panic!("{name}: the formatter refused the file: {ds:?}"),
    };
    let before = parse(FileId(0), src);
    let after = parse(FileId(0), &out);
    assert!(
        !after.diagnostics.iter().any(|d| d.is_error()),
        "{name}: the formatted text does not parse:\n{out}\n{:?}",
        after.diagnostics
    );
    assert_eq!(
        dump(&before.module, false),
        dump(&after.module, false),
        "{name}: formatting changed the syntax tree:\n{out}"
    );
    assert_eq!(
        comments(src, &before.comments),
        comments(&out, &after.comments),
        "{name}: formatting lost or changed a comment:\n{out}"
    );
    let again = format(FileId(0), &out).unwrap_or_default();
    assert_eq!(out, again, "{name}: formatting is not idempotent");
    out
}

/// Each comment's text, in order (line comments without trailing blanks).
fn comments(src: &str, cs: &[digit_lang::ast::Comment]) -> Vec<String> {
    cs.iter()
        .map(|c| {
            let t = &src[c.span.start as usize..c.span.end as usize];
            match c.kind {
                CommentKind::Line => t.trim_end().to_string(),
                CommentKind::Block | CommentKind::Doc => t.to_string(),
            }
        })
        .collect()
}

#[test]
fn format_fixtures() {
    insta::glob!("fixtures/format/*.dg", |path| {
        let src = std::fs::read_to_string(path).unwrap();
        let out = check_round_trip(&path.display().to_string(), &src);
        insta::assert_snapshot!(format!(
            "----- SOURCE\n{}\n----- FORMATTED\n{out}",
            src.trim_end()
        ));
    });
}

#[test]
fn a_crlf_file_keeps_its_line_ends() {
    let src =
        "// crlf\r\na   =   1\r\n\r\n\r\ns = \"\"\"\r\n  x\r\n  \"\"\"\r\nb { c = 1 ; d = 2 }\r\n";
    let out = check_round_trip("crlf", src);
    assert_eq!(
        out,
        "// crlf\r\na = 1\r\n\r\ns = \"\"\"\r\n  x\r\n  \"\"\"\r\nb {\r\n  c = 1\r\n  d = 2\r\n}\r\n"
    );
    assert_eq!(check_round_trip("lf", "a=1\n"), "a = 1\n");
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|x| x == "dg") {
            out.push(p);
        }
    }
}

#[test]
fn every_dg_file_in_the_repository_round_trips() {
    let files = repository_files();
    for (name, src) in &files {
        check_round_trip(name, src);
    }
    assert!(files.len() > 20, "only {} files were checked", files.len());
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// `src` with the blanks between its tokens and comments rewritten:
/// indentation and spacing at random, and with `lines`, line breaks added
/// and removed at random too (never after a line comment).
fn respace(src: &str, rng: &mut Rng, lines: bool) -> String {
    let lexed = digit_lang::lexer::lex(FileId(0), src);
    let mut marks: Vec<(usize, usize, bool)> = lexed
        .tokens
        .iter()
        .map(|(_, s)| (s.start as usize, s.end as usize, false))
        .chain(lexed.comments.iter().map(|c| {
            let line = c.kind != CommentKind::Block;
            (c.span.start as usize, c.span.end as usize, line)
        }))
        .collect();
    marks.sort();
    let mut out = String::new();
    let mut at = 0;
    for w in marks.windows(2) {
        let ((_, end, line_comment), (start, _, _)) = (w[0], w[1]);
        let gap = src.get(end..start).unwrap_or("");
        if end < at || gap.is_empty() || !gap.chars().all(char::is_whitespace) {
            continue;
        }
        out.push_str(&src[at..end]);
        let had_newline = gap.contains('\n');
        let newlines = if lines && !line_comment {
            rng.below(3) as usize
        } else if had_newline {
            if lines {
                1 + rng.below(3) as usize
            } else {
                gap.matches('\n').count()
            }
        } else {
            0
        };
        out.push_str(&"\n".repeat(newlines));
        let spaces = rng.below(4) as usize + usize::from(newlines == 0);
        out.push_str(&" ".repeat(spaces));
        at = start;
    }
    out.push_str(&src[at..]);
    out
}

fn repository_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in [
        "lang/tests/fixtures",
        "compiler/tests/fixtures",
        "examples",
        "stdlib/dg",
    ] {
        walk(&root.join(dir), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(&p).ok()?)))
        .filter(|(_, src)| {
            !parse(FileId(0), src)
                .diagnostics
                .iter()
                .any(|d| d.is_error())
        })
        .collect()
}

/// The repository's files with their blanks and line breaks scrambled
/// still round-trip (whatever they now mean); with only their spacing
/// scrambled, files without comments format to the very same text (no
/// rule looks at the source's spacing, and only comments are copied with
/// theirs).
#[test]
fn respaced_files_round_trip_and_spacing_does_not_matter() {
    // FORMAT_SEED=n tries other scramblings.
    let seed = std::env::var("FORMAT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15_u64);
    let mut rng = Rng(seed | 1);
    let mut checked = 0;
    for (name, src) in repository_files() {
        for round in 0..8 {
            let messy = respace(&src, &mut rng, true);
            if !parse(FileId(0), &messy)
                .diagnostics
                .iter()
                .any(|d| d.is_error())
            {
                check_round_trip(
                    &format!("{name} (scrambled, round {round}):\n{messy}"),
                    &messy,
                );
                checked += 1;
            }
        }
        if parse(FileId(0), &src).comments.is_empty() {
            let expected = format(FileId(0), &src).unwrap();
            let messy = respace(&src, &mut rng, false);
            let out = check_round_trip(&format!("{name} (respaced)"), &messy);
            assert_eq!(
                out, expected,
                "{name}: spacing changed the output:\n{messy}"
            );
        }
    }
    assert!(checked > 40, "only {checked} scrambled files parsed");
}

#[test]
fn the_examples_and_the_standard_library_are_formatted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    walk(&root.join("examples"), &mut files);
    walk(&root.join("stdlib/dg"), &mut files);
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap();
        let out = format(FileId(0), &src).unwrap();
        assert!(out == src, "{} is not formatted", path.display());
    }
}

/// Mutants of the repository's files (token ranges deleted, duplicated or
/// moved, separators, doc comments and line ends inserted) that still parse
/// round-trip too: the formatter keeps the tree and every comment on files
/// no person wrote (issue 13: `/// Doc` then `, e { }` moved the doc).
#[test]
fn mutants_that_parse_round_trip() {
    let seed = std::env::var("FORMAT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x2545_F491_4F6C_DD1D_u64);
    let mut rng = Rng(seed | 1);
    let inserts = [
        ",",
        ";",
        "\n",
        "\r\n",
        "\r",
        "/// Doc\n",
        "// c\n",
        "/* b */",
        " ",
        "\n\n",
        "\"\"\"\r\n  x\n  \"\"\"",
    ];
    let files = repository_files();
    let mut checked = 0;
    for (name, src) in &files {
        let lexed = digit_lang::lexer::lex(FileId(0), src);
        let bounds: Vec<usize> = lexed
            .tokens
            .iter()
            .flat_map(|(_, s)| [s.start as usize, s.end as usize])
            .collect();
        if bounds.is_empty() {
            continue;
        }
        for round in 0..12 {
            let mut s = src.clone();
            for _ in 0..=rng.below(3) {
                let a = bounds[rng.below(bounds.len() as u64) as usize].min(s.len());
                let b = (a + rng.below(40) as usize).min(s.len());
                let (a, b) = (floor(&s, a), floor(&s, b));
                match rng.below(3) {
                    0 => s.replace_range(a..b, ""),
                    1 => {
                        let piece = s[a..b].to_string();
                        s.insert_str(b, &piece);
                    }
                    _ => s.insert_str(a, inserts[rng.below(inserts.len() as u64) as usize]),
                }
            }
            let ok = !parse(FileId(0), &s)
                .diagnostics
                .iter()
                .any(|d| d.is_error());
            if ok {
                check_round_trip(&format!("{name} (mutant {round}):\n{s:?}"), &s);
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} mutants parsed");
}

fn floor(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Issue 13: in a file with mixed line ends, `"""` strings are copied byte
/// for byte.
#[test]
fn multi_line_strings_keep_their_bytes_in_mixed_files() {
    let src = "a = 1\r\nb = \"\"\"\n  x\n  y\r\n  \"\"\"\n";
    let out = check_round_trip("mixed", src);
    assert_eq!(out, "a = 1\r\nb = \"\"\"\n  x\n  y\r\n  \"\"\"\r\n");
    let src = "a = 1\nb = \"\"\"\r\n  x\r\n  \"\"\"\n";
    assert_eq!(check_round_trip("mixed lf", src), src);
}

/// Issue 13: a doc comment before `, e { }` stays on `e`.
#[test]
fn a_doc_comment_before_a_separator_keeps_the_tree() {
    let out = check_round_trip("doc", "a {\n  /// Doc\n  ,e { }\n}\n");
    assert_eq!(out, "a {\n  /// Doc\n  e {}\n}\n");
}
