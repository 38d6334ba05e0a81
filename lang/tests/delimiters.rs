//! One missing or extra closer, one diagnostic, where the indentation says.
//!
//! Every closer that starts a line in the formatted files of the
//! repository (`examples/`, the standard library) is deleted, and then
//! doubled, one at a time. Deleting it must give exactly one diagnostic,
//! an unclosed delimiter at the opener it closed (not at the outermost
//! block); doubling it must give exactly one, an unexpected closer at the
//! copy. Deleting the opener that ends a line, when its closer starts a
//! line, must give exactly one, a missing opener at the end of that line.

use digit_lang::lexer::{lex, Token};
use digit_lang::{codes, parse, FileId};
use std::path::Path;

const FILE: FileId = FileId(0);

fn formatted_files() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut out = Vec::new();
    for dir in ["examples", "examples/services", "examples/env", "stdlib/dg"] {
        let mut paths: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "dg"))
            .collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p).unwrap();
            out.push((p.display().to_string(), text));
        }
    }
    assert!(out.len() >= 8);
    out
}

/// (closer offset, opener offset) of each closer that starts its line.
fn line_closers(text: &str) -> Vec<(usize, usize)> {
    let lexed = lex(FILE, text);
    let mut open: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    for (tok, span) in &lexed.tokens {
        match tok {
            Token::LBrace | Token::LBracket | Token::LParen | Token::InterpStart => {
                open.push(span.start as usize)
            }
            Token::RBrace | Token::RBracket | Token::RParen | Token::InterpEnd => {
                let opener = open.pop().unwrap();
                let start = span.start as usize;
                let line = text[..start].rfind('\n').map_or(0, |i| i + 1);
                if *tok != Token::InterpEnd && text[line..start].trim().is_empty() {
                    out.push((start, opener));
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn a_deleted_closer_is_reported_at_its_opener() {
    let mut checked = 0;
    for (name, text) in formatted_files() {
        assert!(
            parse(FILE, &text).diagnostics.is_empty(),
            "{name} has errors"
        );
        for (at, opener) in line_closers(&text) {
            // The closer goes with the blanks after it (`] + [` becomes
            // `+ [`), and its line when nothing else is on it.
            let rest = text[at + 1..].trim_start_matches([' ', '\t']);
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let broken = match rest.strip_prefix('\n') {
                Some(next) => format!("{}{next}", &text[..line_start]),
                None => format!("{}{rest}", &text[..at]),
            };
            let d = parse(FILE, &broken).diagnostics;
            let line = text[..at].lines().count() + 1;
            assert_eq!(d.len(), 1, "{name}: closer on line {line} deleted: {d:#?}");
            assert_eq!(d[0].code, codes::UNCLOSED_DELIMITER, "{name}:{line}");
            assert_eq!(
                d[0].span.start as usize, opener,
                "{name}: closer on line {line} deleted: reported at the wrong opener"
            );
            checked += 1;
        }
    }
    assert!(checked >= 150, "only {checked} closers");
}

#[test]
fn a_doubled_closer_is_reported_at_the_copy() {
    for (name, text) in formatted_files() {
        for (at, _) in line_closers(&text) {
            let c = &text[at..at + 1];
            let broken = format!("{}{c}{}", &text[..at + 1], &text[at + 1..]);
            let d = parse(FILE, &broken).diagnostics;
            let line = text[..at].lines().count() + 1;
            assert_eq!(d.len(), 1, "{name}: closer on line {line} doubled: {d:#?}");
            assert_eq!(d[0].code, codes::UNEXPECTED_CLOSER, "{name}:{line}");
            assert_eq!(d[0].span.start as usize, at + 1, "{name}:{line}");
        }
    }
}

#[test]
fn a_deleted_opener_is_reported_at_its_line() {
    let mut checked = 0;
    for (name, text) in formatted_files() {
        for (_, opener) in line_closers(&text) {
            let rest = &text[opener + 1..];
            if !rest.starts_with('\n') {
                continue;
            }
            // The opener goes with the blank before it.
            let before = text[..opener].trim_end_matches(' ');
            if before.ends_with('\n') || before.is_empty() {
                continue;
            }
            let broken = format!("{before}{rest}");
            let d = parse(FILE, &broken).diagnostics;
            let line = text[..opener].lines().count();
            assert_eq!(d.len(), 1, "{name}: opener on line {line} deleted: {d:#?}");
            assert_eq!(d[0].code, codes::MISSING_OPENER, "{name}:{line}: {d:#?}");
            assert_eq!(d[0].span.end as usize, before.len(), "{name}:{line}");
            checked += 1;
        }
    }
    assert!(checked >= 100, "only {checked} openers");
}
