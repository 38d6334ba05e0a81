//! `digitc fmt [--check] [PATH...]`: rewrite files in the canonical style.
//! A file with syntax errors is reported and left untouched; files are
//! replaced atomically.

use crate::files::{dg_files, write_atomic};
use crate::report::{self, fatal_as};
use crate::Format;
use digit_lang::SourceMap;
use std::path::PathBuf;

pub fn run(paths: &[PathBuf], check: bool, format: Format) -> u8 {
    let files = match dg_files(paths) {
        Ok(files) => files,
        Err(e) => return fatal_as(format, e),
    };
    let mut sources = SourceMap::new();
    let mut diagnostics = Vec::new();
    let mut changed = Vec::new();
    for path in &files {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) => return fatal_as(format, format_args!("{}: {e}", path.display())),
        };
        let (id, parse) =
            digit_lang::parse_source(&mut sources, path.display().to_string(), &bytes);
        if std::str::from_utf8(&bytes).is_err() {
            diagnostics.extend(parse.diagnostics);
            continue;
        }
        let text = sources.text(id).to_string();
        match digit_lang::format::format(id, &text) {
            Ok(out) if out == text => {}
            Ok(out) => {
                if !check {
                    if let Err(e) = write_atomic(path, out.as_bytes()) {
                        return fatal_as(format, format_args!("{}: {e}", path.display()));
                    }
                }
                changed.push(path);
            }
            Err(ds) => diagnostics.extend(ds),
        }
    }
    let failed = report::print(&diagnostics, &sources, format);
    for path in &changed {
        if check {
            println!("{}", path.display());
        } else {
            eprintln!("formatted {}", path.display());
        }
    }
    if check && !changed.is_empty() {
        let n = changed.len();
        eprintln!(
            "{n} file{} would be reformatted; run `digitc fmt`",
            if n == 1 { "" } else { "s" }
        );
    }
    u8::from(failed || (check && !changed.is_empty()))
}
