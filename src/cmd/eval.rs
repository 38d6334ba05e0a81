//! `digitc eval FILE [--path a.b.c]`: the evaluated configuration as JSON on
//! stdout. Secrets print as `{"$secret": "group.key"}` markers, never their
//! content. Nothing is printed on stdout when there are errors.

use crate::report::{self, fatal_as};
use crate::Format;
use digit_compiler::{eval_file_pretty_at, split_path, FsLoader};
use std::io::Write;
use std::path::Path;

pub fn run(file: &Path, select: Option<&str>, format: Format) -> u8 {
    if let Err(e) = std::fs::metadata(file) {
        return fatal_as(format, format_args!("{}: {e}", file.display()));
    }
    let select = match select.map(split_path).transpose() {
        Ok(select) => select.unwrap_or_default(),
        Err(e) => return fatal_as(format, format_args!("--path {e}")),
    };
    let (analysis, value) = eval_file_pretty_at(&FsLoader, file, &select);
    let diagnostics = analysis.problems.clone().sorted();
    if report::print(&diagnostics, &analysis.sources, format) {
        return 1;
    }
    let mut text = match value {
        Ok(Some(text)) => text,
        Ok(None) => return 1,
        Err(e) => {
            let help = e.help.map(|h| format!("\nhelp: {h}")).unwrap_or_default();
            return fatal_as(format, format_args!("--path: {}{help}", e.message));
        }
    };
    text.push('\n');
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => fatal_as(format, e),
    }
}
