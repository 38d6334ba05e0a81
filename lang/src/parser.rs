//! Parser: source text in, a syntax tree, its comments and its problems out.
//!
//! [`parse`] lexes the text into compact tokens ([`crate::lexer::Tok`])
//! and checks delimiters and nesting depth on them ([`delims`]). Then two
//! parsers read the tokens:
//!
//! - [`fast`], a hand-written recursive descent for files without
//!   mistakes, on the compact tokens. It builds the tree the grammar would
//!   build, or gives up at the first thing it does not accept (including
//!   everything the grammar would report on an otherwise parsed tree). It
//!   runs only when the delimiter check would leave the stream alone
//!   ([`delims::balanced`]).
//! - [`grammar`], the chumsky grammar with error recovery, on the tokens
//!   expanded with their payloads and spans, after the full delimiter
//!   check and its repairs ([`delims::check`]); it runs when the fast
//!   parser gave up or was not tried: first with errors that carry nothing, and
//!   again with rich errors only if that pass found any. Broken pieces
//!   become `Error` nodes with the span they skipped; its errors are turned
//!   into [`Diagnostic`]s with stable codes ([`errors`]). It is the only
//!   source of parse diagnostics.
//!
//! **Invariant: whenever the fast parser returns a tree, the grammar
//! returns the same tree and no errors**, so the output of [`parse`] does
//! not depend on which parser ran (`lang/tests/fast_parser.rs` checks it
//! through [`differential`]).
//!
//! Guarantees: never panics, on any input; always returns a tree; each
//! independent mistake is reported once; nesting deeper than
//! [`delims::MAX_DEPTH`] is one diagnostic, not a stack overflow.

mod broken_decls;
mod delims;
mod errors;
mod expr;
mod fast;
mod grammar;
mod member;
mod types;

use crate::ast::{Comment, Module};
use crate::codes;
use crate::diagnostic::Diagnostic;
use crate::lexer::{self, DocBlock, Kind, Token};
use crate::span::{FileId, Span};
use chumsky::input::Input as _;
use chumsky::Parser as _;

pub use delims::MAX_DEPTH;

/// Stack for one parse: [`MAX_DEPTH`] nested groups with room to spare.
const PARSE_STACK: usize = 64 << 20;

/// Longest run of operators (or `.field`s, `else if`s, `?`s) in one
/// expression: past it the tree would get deeper than later stages can
/// walk, so the rest of the run is reported and dropped.
pub const MAX_CHAIN: usize = 500;

/// The result of parsing one file: always a tree, plus its problems.
#[derive(Clone, Debug)]
pub struct Parse {
    pub module: Module,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

impl chumsky::span::Span for Span {
    type Context = FileId;
    type Offset = u32;

    fn new(context: FileId, range: std::ops::Range<u32>) -> Self {
        // chumsky spans an empty match from the next token's start to the
        // previous token's end; make that an empty span.
        let start = range.start.min(range.end);
        Span {
            file: context,
            start,
            end: range.end,
        }
    }

    fn context(&self) -> FileId {
        self.file
    }

    fn start(&self) -> u32 {
        self.start
    }

    fn end(&self) -> u32 {
        self.end
    }
}

/// Lexes and parses `text` as file `file`. Never panics; always a tree.
pub fn parse(file: FileId, text: &str) -> Parse {
    parse_with(file, text, true).0
}

/// Both parsers' results on one text, for the differential test.
#[doc(hidden)]
#[derive(Clone, Debug)]
pub struct Differential {
    /// The fast parser's tree, when it accepted the file.
    pub fast: Option<Parse>,
    /// The grammar's result, the fast parser never consulted.
    pub grammar: Parse,
    /// Errors the grammar produced, before any were filtered out.
    pub grammar_errors: usize,
}

/// Parses `text` once with the fast parser allowed and once without it.
#[doc(hidden)]
pub fn differential(file: FileId, text: &str) -> Differential {
    let (fast, used_fast, _) = parse_with(file, text, true);
    let (grammar, _, grammar_errors) = parse_with(file, text, false);
    Differential {
        fast: used_fast.then_some(fast),
        grammar,
        grammar_errors,
    }
}

/// [`parse`], with or without trying the fast parser first. Also says
/// whether the fast parser gave the tree, and how many errors the grammar
/// produced before filtering.
fn parse_with(file: FileId, text: &str, try_fast: bool) -> (Parse, bool, usize) {
    let lexed = lexer::lex_compact(file, text);
    let eof = Span::from_range(file, text.len()..text.len());
    // The fast parser only sees streams the delimiter check would leave
    // alone, which the compact tokens tell.
    if try_fast && delims::balanced(&lexed.tokens) {
        return match parse_fast(lexed, text, eof) {
            Ok(parse) => (parse, true, 0),
            Err(lexed) => parse_grammar(lexed, text, eof),
        };
    }
    parse_grammar(lexed, text, eof)
}

/// The fast parser's tree and the lexer's diagnostics, or the lexer's
/// output back when the fast parser gave up.
fn parse_fast(lexed: lexer::Compact, text: &str, eof: Span) -> Result<Parse, lexer::Compact> {
    let first = lexed.tokens.first().map(|t| (t.kind, t.start));
    let skip = usize::from(is_module_doc(&lexed.docs, first));
    let ctx = grammar::Ctx {
        docs: lexed.docs.get(skip..).unwrap_or_default(),
        line_starts: &[],
    };
    // See `parse_grammar` for the stack.
    let module = stacker::maybe_grow(PARSE_STACK / 2, PARSE_STACK, || {
        fast::parse_module(&lexed.tokens, text, ctx, eof)
    });
    let Some(mut module) = module else {
        return Err(lexed);
    };
    module.span = Span::from_range(eof.file, 0..text.len());
    module.doc = lexed
        .docs
        .into_iter()
        .next()
        .filter(|_| skip == 1)
        .map(|b| b.doc);
    let mut diagnostics = lexed.diagnostics;
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    broken_decls::mark(&mut module, &diagnostics, text);
    Ok(Parse {
        module,
        comments: lexed.comments,
        diagnostics,
    })
}

/// Parses with the grammar, after the delimiter check (and its repairs),
/// on tokens with their payloads. Also returns how many errors the
/// grammar produced before filtering.
fn parse_grammar(lexed: lexer::Compact, text: &str, eof: Span) -> (Parse, bool, usize) {
    let file = eof.file;
    let all = lexer::expand(&lexed.tokens, file, text);
    drop(lexed.tokens);
    let mut diagnostics = lexed.diagnostics;

    let checked = delims::check(&all, eof, text);
    let tokens = match &checked.repaired {
        Some(repaired) => &repaired[..],
        None => &all[..checked.cut],
    };
    let mut docs = lexed.docs;
    let first = tokens.first().map(|(t, s)| (t.kind(), s.start));
    let module_doc = is_module_doc(&docs, first).then(|| docs.remove(0).doc);
    // One recursion step of the grammar takes up to ~72 KiB of stack in a
    // debug build, more than the red zone chumsky keeps when it grows the
    // stack itself, so give the whole parse a stack deep enough for
    // `MAX_DEPTH` levels up front (only touched pages are committed).
    let starts = line_starts(text, tokens);
    let (module, errs) = stacker::maybe_grow(PARSE_STACK / 2, PARSE_STACK, || {
        let ctx = grammar::Ctx {
            docs: &docs,
            line_starts: &starts,
        };
        // A fast pass with errors that carry nothing; only a file with
        // mistakes is parsed again to describe them.
        let quick = errors::fast_pass(|| {
            grammar::module_parser(ctx)
                .parse(tokens.map(eof, |(t, s)| (t, s)))
                .into_output_errors()
        });
        match quick {
            (Some(module), errs) if errs.is_empty() => (Some(module), errs),
            _ => grammar::module_parser(ctx)
                .parse(tokens.map(eof, |(t, s)| (t, s)))
                .into_output_errors(),
        }
    });
    let grammar_errors = errs.len();
    let mut module = module.unwrap_or_else(|| grammar::empty_module(eof));
    module.span = Span::from_range(file, 0..text.len());
    module.doc = module_doc;

    let mut parse_diags: Vec<Diagnostic> = errs
        .into_iter()
        .filter_map(|e| e.0.as_ref().map(errors::to_diagnostic))
        .collect();
    {
        let suppresses = checked.suppressor();
        parse_diags.retain(|d| !suppresses(d.span));
    }
    // The token after a stray character is where the grammar trips over
    // the gap it left: that is the same mistake.
    let mut after_stray: Vec<u32> = diagnostics
        .iter()
        .filter(|d| d.code == codes::STRAY_CHARACTER)
        .filter_map(|d| {
            let i = tokens.partition_point(|(_, s)| s.start < d.span.end);
            tokens.get(i).map(|(_, s)| s.start)
        })
        .collect();
    after_stray.sort_unstable();
    parse_diags.retain(|d| after_stray.binary_search(&d.span.start).is_err());
    dedup_same_start(&mut parse_diags);
    diagnostics.extend(checked.diagnostics);
    diagnostics.extend(parse_diags);
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end));
    broken_decls::mark(&mut module, &diagnostics, text);
    let parse = Parse {
        module,
        comments: lexed.comments,
        diagnostics,
    };
    (parse, false, grammar_errors)
}

/// Invalid UTF-8 sequences shown as labels of the one diagnostic, after
/// the first; the rest are counted in a note.
const MAX_UTF8_LABELS: usize = 5;

/// Lossily decodes `bytes` (each invalid sequence becomes U+FFFD, as
/// [`String::from_utf8_lossy`] does), reports the invalid sequences in one
/// diagnostic, and parses the text. Returns the decoded text (spans point
/// into it).
pub fn parse_bytes(file: FileId, bytes: &[u8]) -> (String, Parse) {
    if let Ok(text) = std::str::from_utf8(bytes) {
        let p = parse(file, text);
        return (text.to_string(), p);
    }
    let mut text = String::with_capacity(bytes.len() + 16);
    let mut bad = Vec::new();
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            bad.push(text.len());
            text.push(char::REPLACEMENT_CHARACTER);
        }
    }
    let mut p = parse(file, &text);
    let at = |start: usize| {
        let end = start + char::REPLACEMENT_CHARACTER.len_utf8();
        Span::from_range(file, start..end.min(text.len()))
    };
    if let Some((&first, rest)) = bad.split_first() {
        let mut d = Diagnostic::error(codes::INVALID_UTF8, at(first), "invalid UTF-8")
            .with_label("this byte is not valid UTF-8")
            .with_help("save the file as UTF-8");
        for &start in rest.iter().take(MAX_UTF8_LABELS) {
            d = d.with_secondary(at(start), "also not valid UTF-8");
        }
        if let Some(more) = rest.len().checked_sub(MAX_UTF8_LABELS).filter(|n| *n > 0) {
            d = d.with_note(format!(
                "{more} more invalid sequence{} in this file",
                if more == 1 { "" } else { "s" }
            ));
        }
        p.diagnostics.insert(0, d);
    }
    (text, p)
}

/// Puts a file's bytes into `map` and parses them: the one way bytes enter
/// a source map (modules, fmt, debug and tests all use it), so that the
/// file id in every span, labels included, is the file's own. Invalid UTF-8
/// is decoded lossily and reported, as [`parse_bytes`] does.
pub fn parse_source(
    map: &mut crate::SourceMap,
    name: impl Into<String>,
    bytes: &[u8],
) -> (FileId, Parse) {
    let file = map.next_id();
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            let id = map.add(name, text);
            debug_assert_eq!(id, file);
            (id, parse(id, text))
        }
        Err(_) => {
            let (text, parse) = parse_bytes(file, bytes);
            let id = map.add(name, text);
            debug_assert_eq!(id, file);
            (id, parse)
        }
    }
}

/// Whether the first doc block documents the module: it starts the file
/// and is followed by a blank line or by `amends`/`import`. `first` is the
/// first token's kind and start.
fn is_module_doc(docs: &[DocBlock], first: Option<(Kind, u32)>) -> bool {
    let Some(doc) = docs.first() else {
        return false;
    };
    match first {
        None => true,
        Some((kind, start)) => {
            start == doc.next_token
                && (doc.blank_line_after || matches!(kind, Kind::Amends | Kind::Import))
        }
    }
}

/// Start offsets of the tokens that are the first on their line.
fn line_starts(text: &str, tokens: &[(Token<'_>, Span)]) -> Vec<u32> {
    let mut out = Vec::new();
    let mut prev_end = 0usize;
    for (i, (_, span)) in tokens.iter().enumerate() {
        let start = span.start as usize;
        let gap = text.get(prev_end..start).unwrap_or_default();
        if i == 0 || crate::source::has_line_break(gap) {
            out.push(span.start);
        }
        prev_end = span.end as usize;
    }
    out
}

/// One error per position: recovery can report the same spot twice.
fn dedup_same_start(ds: &mut Vec<Diagnostic>) {
    ds.sort_by_key(|d| (d.span.start, d.span.end));
    ds.dedup_by_key(|d| d.span.start);
}
