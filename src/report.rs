//! Printing diagnostics on stderr, for people or for tools.

use crate::Format;
use digit_lang::diagnostic::{render_json, HumanRenderer};
use digit_lang::{Diagnostic, SourceMap};
use std::io::{IsTerminal, Write};

/// At most this many diagnostics are drawn for people; a last line gives
/// the total. (A mistake early in a large file can cause thousands, and
/// nobody reads past the first screens.) JSON prints them all.
pub const MAX_PRINTED: usize = 200;

/// The code of the JSON objects printed for usage and I/O problems (exit 2).
pub const FATAL_CODE: &str = "E0520";

/// Prints every diagnostic, then (for people) a one-line summary.
/// Returns true when any of them is an error.
pub fn print(diagnostics: &[Diagnostic], sources: &SourceMap, format: Format) -> bool {
    let stderr = std::io::stderr();
    let mut out = std::io::BufWriter::new(stderr.lock());
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        && std::io::stderr().is_terminal();
    match format {
        Format::Human => {
            let mut renderer = HumanRenderer::new(sources, color);
            for d in diagnostics.iter().take(MAX_PRINTED) {
                let _ = out.write_all(renderer.render(d).as_bytes());
            }
        }
        Format::Json => {
            for d in diagnostics {
                let _ = out.write_all(render_json(d, sources).as_bytes());
                let _ = out.write_all(b"\n");
            }
        }
    }
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    if format == Format::Human && !diagnostics.is_empty() {
        if diagnostics.len() > MAX_PRINTED {
            let _ = writeln!(
                out,
                "showing the first {MAX_PRINTED} of {} diagnostics (`--format json` lists them all)",
                diagnostics.len()
            );
        }
        let _ = writeln!(out, "{}", summary(errors, warnings));
    }
    let _ = out.flush();
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
    fatal_as(Format::Human, message)
}

/// A usage, I/O or passcode problem in the requested format: plain text for
/// people, one JSON object (code [`FATAL_CODE`], no file) for tools. Exit
/// code 2.
pub fn fatal_as(format: Format, message: impl std::fmt::Display) -> u8 {
    match format {
        Format::Human => eprintln!("error: {message}"),
        Format::Json => eprintln!("{}", fatal_json(&message.to_string())),
    }
    2
}

/// The JSON object of an exit-2 message: the fields of a diagnostic, with
/// no file and no position.
pub fn fatal_json(message: &str) -> String {
    serde_json::json!({
        "file": null,
        "line": null,
        "column": null,
        "end_line": null,
        "end_column": null,
        "severity": "error",
        "code": FATAL_CODE,
        "message": message,
    })
    .to_string()
}
