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
//! - Two spaces of indentation, no tabs; the file ends with one line break.
//!   Line breaks are `\n`, or `\r\n` when the file's first line ends so.
//! - `amends` first, then the imports, then everything else, with one blank
//!   line after the `amends`/`import` block.
//! - One member per line. `;` and `,` between members are replaced by line
//!   breaks (the one exception: a record expression kept on one line, below,
//!   separates its fields with `, `).
//! - Blank lines between members and list elements are kept, but never more
//!   than one in a row, and never at the start or end of a body or list.
//! - Spacing: `a = b`, `a += b`, `x: Int = 1`, `let x = 1`,
//!   `path { ... }` with `{` on the line of the path, `} else {`,
//!   `a.b."c-d" = x`, `check cond : "message"`, one space around binary
//!   operators, none after `!`/`-` (but `- -x`), `f(a, b)`, `xs[0]`,
//!   `Int(1..10)`, `[T]`, `{K: V}`, `A | B`, `T?`, `[for x in xs if p: e]`.
//! - The author chooses between one line and several for data; width and
//!   comments can only force a break. "Written on one line" below means: no
//!   line break and no comment between the brackets in the source. The
//!   choice survives formatting, so the output is a fixed point. "Fits"
//!   counts the `,` after a list element or argument, but not a comment
//!   after it.
//! - A body is `{}` when empty. A record expression (a value: `x = { ... }`,
//!   a list element, the body of `Topic { ... }` or `base { ... }`) stays on
//!   one line, `{ name = "t", partitions = 3 }`, when it was written on one
//!   line, fits in 100 columns and all its members are fields (`a = e`,
//!   `a += e`, `a: T = e`). The body of a member or schema (`db { ... }`,
//!   `for`, `if`, `schema`) stays on one line, `db { host = "x" }`, only
//!   with a single member, written on one line, fitting. Any other body has
//!   one member per line and `}` on its own line.
//! - A list is `[a, b, c]` when it was written on one line and fits;
//!   otherwise one element per line, each followed by a comma, `]` on its
//!   own line.
//! - A comprehension is `[for x in xs: e]` when it was written on one line
//!   and fits; otherwise `[` and `]` take lines of their own and the
//!   clauses sit one indent in, `[\n  for x in xs: e\n]`: on one line when
//!   the line they start fits (up to the first line break of the element,
//!   so a broken record element opens on it), else one clause per line.
//! - A call is `f(a, b)` when it fits. Otherwise a single argument hugs the
//!   parentheses (`f({` ... `})`) and several go one per line, each with a
//!   comma, `)` on its own line.
//! - A chain of binary operators of one precedence (`a + b - c`,
//!   `a && b && c`, `a ?? b ?? c`) stays on one line when it was written so;
//!   if a line break sat anywhere between its operands or those of a chain
//!   inside it (parentheses and brackets aside), each operator after the
//!   first operand starts a line, one indent in. Likewise
//!   `if c then a else b` stays on one line, or, when it was written with a
//!   line break before `then` or `else`, both start a line, one indent in.
//! - Strings (including `"""` strings and their interpolations), numbers,
//!   quantities and quoted keys are copied from the source byte for byte.
//!   Parentheses stay as written; none are added.
//! - Comments stay where they were: a comment at the end of a line stays at
//!   the end of that line (after the member, or after the `,` of a list
//!   element); a comment on its own line stays on its own line, indented
//!   like the member after it; a member that followed a block comment on
//!   its line stays after it; comments before a `}` or `]` stay at the end
//!   of that body or list. A list, record or comprehension holding a comment
//!   is never put on one line. Doc comments (`///`) are comments before
//!   their item and are printed as written; trailing blanks after `//`
//!   comments are dropped.
//! - A member, declaration or expression with a comment the rules above
//!   cannot place (`a = /* here */ 1`) is copied verbatim from the source
//!   (its first line re-indented) rather than risk losing the comment.
//!
//! Work is close to linear in the input: each node is printed once, and
//! the "does it fit" checks stop after 100 columns or at the first line
//! break.

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
