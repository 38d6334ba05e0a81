//! `digitc check [PATH...]`: parse, load, evaluate and validate every .dg
//! file below the paths, reporting every problem of every file in one run.
//! Environments are also held to the platform rules. Warnings fail the run
//! only with `--deny-warnings`.

use crate::files::dg_files;
use crate::report::{self, fatal_as};
use crate::Format;
use digit_compiler::{check_files, FsLoader};
use std::path::PathBuf;

pub fn run(paths: &[PathBuf], format: Format, deny_warnings: bool) -> u8 {
    let files = match dg_files(paths) {
        Ok(files) => files,
        Err(e) => return fatal_as(format, e),
    };
    if files.is_empty() {
        if format == Format::Human {
            eprintln!("no .dg files found");
        }
        return 0;
    }
    let analysis = check_files(&FsLoader, &files);
    let diagnostics = analysis.problems.clone().sorted();
    let mut failed = report::print(&diagnostics, &analysis.sources, format);
    if deny_warnings && !failed && !diagnostics.is_empty() {
        if format == Format::Human {
            eprintln!("error: warnings are denied (--deny-warnings)");
        }
        failed = true;
    }
    if format == Format::Human && diagnostics.is_empty() {
        let n = files.len();
        eprintln!(
            "checked {n} file{}: no problems",
            if n == 1 { "" } else { "s" }
        );
    }
    u8::from(failed)
}
