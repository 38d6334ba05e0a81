//! `digitc build FILE`: the environment lowered to Kubernetes objects, as
//! one `List` on stdout or one file per object in `-o DIR`.
//!
//! Everything is built in memory first; nothing is printed on stdout and
//! nothing is written when the configuration has errors (or warnings, with
//! `--deny-warnings`). Exit codes: 0 built; 1 the configuration has errors;
//! 2 usage, I/O or passcode problems.

use crate::report::{self, fatal};
use crate::Format;
use digit_compiler::lower::render::{self, OutputFormat};
use digit_compiler::lower::{Decrypt, Options, SecretInput};
use digit_compiler::{build_file, FsLoader};
use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

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
        return fatal(format_args!("{}: {e}", args.file.display()));
    }
    let decrypt = if args.redact_secrets {
        None
    } else {
        match decryptor(args.passcode_file.as_deref()) {
            Ok(d) => Some(d),
            Err(e) => return fatal(e),
        }
    };
    // The first secret that could not be decrypted: a passcode problem
    // (exit 2), whatever lowering makes of the failure.
    let failed: RefCell<Option<String>> = RefCell::new(None);
    let watched = |s: &SecretInput| {
        let result = decrypt
            .as_ref()
            .map_or_else(|| Err("secrets are redacted".to_string()), |d| d(s));
        if let Err(e) = &result {
            failed.borrow_mut().get_or_insert_with(|| e.clone());
        }
        result
    };
    let options = Options {
        decrypt: decrypt.as_ref().map(|_| &watched as &Decrypt<'_>),
    };
    let (analysis, lowered) = build_file(&FsLoader, &args.file, options);
    if let Some(e) = failed.into_inner() {
        return fatal(e);
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
            Ok(text) => print_stdout(&text),
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
                Err(e) => fatal(format_args!("{}: {e}", dir.display())),
            },
            Err(ds) => u8::from(report::print(&ds, &analysis.sources, args.format)),
        },
    };
    super::keep_until_exit(analysis);
    code
}

fn print_stdout(text: &str) -> u8 {
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => fatal(e),
    }
}

/// The function that decrypts each secret of the build, or why there can
/// be none (a passcode problem known before building: exit 2).
///
/// `passcode_file` is `--passcode-file`; the passcode may also come from
/// `DIGIT_SECRET_PASSCODE` or `EGOV_SECRET_PASSCODE` (DESIGN section 4).
/// The returned function is called once per secret the lowering needs
/// (none for an environment without secrets, so a missing passcode must
/// not be an error here unless a passcode file was named and cannot be
/// read); an `Err` from it names the secret's path, never its plaintext,
/// and makes `digitc build` exit 2 with that message.
///
/// Until decryption is wired in (the secrets work), every secret fails:
/// build with `--redact-secrets`.
fn decryptor(passcode_file: Option<&Path>) -> Result<Box<Decrypt<'static>>, String> {
    let _ = passcode_file;
    Ok(Box::new(
        |s: &SecretInput| -> Result<Zeroizing<Vec<u8>>, String> {
            Err(format!(
                "cannot decrypt the secret `{}`: this digitc cannot decrypt secrets yet; \
             build with --redact-secrets",
                s.path
            ))
        },
    ))
}
