//! The canonical formatter: source text in, the same module in the one
//! canonical layout out.
//!
//! [`format`] parses the file and refuses (returning the parse's errors)
//! when it has any: a broken file is never rewritten. Otherwise it prints
//! the tree again, keeping every comment. The output parses to the same
//! tree (spans aside), and formatting it again changes nothing.
//!
//! # The rules
//!
//! - Two spaces of indentation, no tabs; the file ends with one newline.
//! - `amends` first, then the imports, then everything else, with one blank
//!   line after the `amends`/`import` block.
//! - One member per line. Members are never joined with `;` or `,`: those
//!   separators are replaced by line breaks.
//! - Blank lines between members are kept, but never more than one in a row,
//!   and never at the start or end of a body.
//! - Spacing: `a = b`, `a += b`, `x: Int = 1`, `let x = 1`,
//!   `path { ... }` with `{` on the line of the path, `a.b."c-d" = x`,
//!   `check cond : "message"`, one space around binary operators, none
//!   after `!`/`-`, `f(a, b)`, `xs[0]`, `Int(1..10)`, `[T]`, `{K: V}`,
//!   `A | B`, `T?`.
//! - A body is `{}` when empty. It stays on one line, `{ a = 1 }`, only if
//!   it has a single member, was written on one line, holds no comment, and
//!   fits in 100 columns; otherwise one member per line and `}` on its own
//!   line.
//! - A list is `[a, b, c]` on one line when that fits in 100 columns and it
//!   holds no comment and no multi-line element; otherwise one element per
//!   line, each followed by a comma, `]` on its own line.
//! - Strings (including `"""` strings and their interpolations), numbers,
//!   quantities and quoted keys are copied from the source byte for byte.
//!   Parentheses stay as written; none are added.
//! - Comments stay where they were: a comment at the end of a line stays at
//!   the end of that line (after the member, or after the `,` of a list
//!   element); a comment on its own line stays on its own line, indented
//!   like the member after it; comments before a `}` or `]` stay at the end
//!   of that body or list. Doc comments (`///`) are comments before their
//!   item and are printed as written.
//! - A member, declaration or expression with a comment the rules above
//!   cannot place (`a = /* here */ 1`) is copied verbatim from the source
//!   (its first line re-indented) rather than risk losing the comment.
//!
//! Work is linear in the input: each node is printed once, and the "does it
//! fit on one line" checks stop after 100 columns.

mod comments;
mod expr;
mod members;
mod printer;

use crate::ast::{Comment, Module};
use crate::diagnostic::Diagnostic;
use crate::span::FileId;

/// Formats `text` (file `file`), or returns the parse errors that prevent
/// it. Warnings do not prevent formatting.
pub fn format(file: FileId, text: &str) -> Result<String, Vec<Diagnostic>> {
    let parse = crate::parser::parse(file, text);
    let errors: Vec<Diagnostic> = parse
        .diagnostics
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(format_module(&parse.module, &parse.comments, text))
}

/// Prints an already parsed, error-free module. `text` is the source the
/// module and `comments` were parsed from (literals are copied from it).
pub fn format_module(module: &Module, comments: &[Comment], text: &str) -> String {
    let cx = comments::Ctx::new(text, comments);
    let mut p = printer::Printer::new(&cx);
    p.module(module);
    p.finish()
}
