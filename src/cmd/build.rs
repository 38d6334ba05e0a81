//! `digitc build FILE`: the environment lowered to Kubernetes objects, as
//! one `List` on stdout or one file per object in `-o DIR`.
//!
//! Everything is built in memory first; nothing is printed on stdout and
//! nothing is written when the configuration has errors (or warnings, with
//! `--deny-warnings`). Exit codes: 0 built; 1 the configuration has errors;
//! 2 usage, I/O or passcode problems.

use crate::passcode;
use crate::report::{self, fatal_as};
use crate::Format;
use digit_compiler::lower::render::{self, OutputFormat};
use digit_compiler::lower::{Decrypt, Options, SecretInput};
use digit_compiler::secret::Keyring;
use digit_compiler::{build_file, FsLoader};
use digit_lang::Diagnostic;
use std::cell::{Cell, RefCell};
use std::io::Write;
use std::path::PathBuf;

/// What `digitc build` was asked for.
pub struct Args {
    pub file: PathBuf,
    /// How diagnostics print (`--format`).
    pub format: Format,
    /// How objects print (`--output-format`).
    pub output_format: OutputFormat,
    /// `-o DIR`: one file per object instead of a List on stdout.
    pub out_dir: Option<PathBuf>,
    /// Build without decrypting: Secret objects carry no data values.
    pub redact_secrets: bool,
    pub passcode_file: Option<PathBuf>,
    /// Warnings fail the build.
    pub deny_warnings: bool,
}

pub fn run(args: &Args) -> u8 {
    if let Err(e) = std::fs::metadata(&args.file) {
        return fatal_as(args.format, format_args!("{}: {e}", args.file.display()));
    }
    // The passcode, read before anything is built; a passcode file that
    // cannot be read is exit 2 even when no secret needs it.
    let keyring = if args.redact_secrets {
        None
    } else {
        match passcode::read(args.passcode_file.as_deref()) {
            Ok(p) => Some(p.map(Keyring::new)),
            Err(e) => return fatal_as(args.format, e),
        }
    };
    let open = keyring
        .as_ref()
        .map(|k| k.as_ref().map(passcode::decryptor));
    // Secrets needed without a passcode (exit 2), and secrets that did not
    // open (exit 1, each an error at its `secret(...)`), whatever lowering
    // makes of the failure.
    let missing = Cell::new(false);
    let failed: RefCell<Vec<Diagnostic>> = RefCell::new(Vec::new());
    let watched = |s: &SecretInput| match &open {
        Some(Some(open)) => open(s).inspect_err(|e| {
            // The pipeline opens every secret once, and lowering opens those
            // it uses again: one error per secret.
            if failed.borrow().iter().any(|d| d.span == s.span) {
                return;
            }
            failed.borrow_mut().push(
                Diagnostic::error("E0802", s.span, e.clone())
                    .with_label("does not decrypt with this passcode")
                    .with_help(format!(
                        "check the passcode ({}, {} or --passcode-file); if it is right, set the \
                         value again with `digitc secret set FILE {}`",
                        passcode::VAR,
                        passcode::EGOV_VAR,
                        s.path
                    )),
            );
        }),
        _ => {
            missing.set(true);
            Err(format!("no passcode to decrypt `{}`", s.path))
        }
    };
    let options = Options {
        decrypt: keyring.as_ref().map(|_| &watched as &Decrypt<'_>),
    };
    let (analysis, lowered) = build_file(&FsLoader, &args.file, options);
    if missing.get() {
        return fatal_as(
            args.format,
            format_args!(
                "{}; or build with --redact-secrets (Secret objects without data)",
                passcode::missing(&format!(
                    "building {}, whose environment has secrets,",
                    args.file.display()
                ))
            ),
        );
    }
    let failed = failed.into_inner();
    if !failed.is_empty() {
        report::print(&failed, &analysis.sources, args.format);
        eprintln!("nothing was built");
        return 1;
    }
    let diagnostics = analysis.problems.clone().sorted();
    if report::print(&diagnostics, &analysis.sources, args.format) {
        return 1;
    }
    let Some(lowered) = lowered else { return 1 };
    if args.deny_warnings && !diagnostics.is_empty() {
        eprintln!("error: warnings are denied (--deny-warnings); nothing was built");
        return 1;
    }
    let code = match &args.out_dir {
        None => match render::document(&lowered.objects, args.output_format) {
            Ok(text) => print_stdout(&text, args.format),
            Err(ds) => u8::from(report::print(&ds, &analysis.sources, args.format)),
        },
        Some(dir) => match render::files(&lowered.objects, args.output_format) {
            Ok(files) => match crate::files::write_tree(dir, &files) {
                Ok(summary) => {
                    if args.format == Format::Human {
                        eprintln!("{}", summary.describe(dir));
                    }
                    0
                }
                Err(e) => fatal_as(args.format, format_args!("{}: {e}", dir.display())),
            },
            Err(ds) => u8::from(report::print(&ds, &analysis.sources, args.format)),
        },
    };
    code
}

fn print_stdout(text: &str, format: Format) -> u8 {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => fatal_as(format, e),
    }
}
