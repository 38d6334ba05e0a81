//! Printing diagnostics on stderr, for people or for tools.

use crate::Format;
use digit_lang::diagnostic::{render_human, render_json};
use digit_lang::{Diagnostic, SourceMap};
use std::io::{IsTerminal, Write};

/// Prints every diagnostic, then (for people) a one-line summary.
/// Returns true when any of them is an error.
pub fn print(diagnostics: &[Diagnostic], sources: &SourceMap, format: Format) -> bool {
    let stderr = std::io::stderr();
    let mut out = stderr.lock();
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stderr().is_terminal();
    for d in diagnostics {
        let text = match format {
            Format::Human => render_human(d, sources, color),
            Format::Json => render_json(d, sources) + "\n",
        };
        let _ = out.write_all(text.as_bytes());
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if format == Format::Human && !diagnostics.is_empty() {
        let _ = writeln!(out, "{}", summary(errors, warnings));
    }
    errors > 0
}

fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, w) => plural(w, "warning"),
        (e, 0) => plural(e, "error"),
        (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
    }
}

/// A usage, I/O or passcode problem: printed plainly, exit code 2.
pub fn fatal(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    2
}
