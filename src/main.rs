//! digitc: the command line. Argument parsing and dispatch only; the work is
//! done by `digit-lang` (parsing, formatting) and `digit-compiler`
//! (loading, evaluation, validation).
//!
//! Exit codes: 0 success; 1 the configuration has errors; 2 usage, I/O or
//! passcode problems.

/// mimalloc instead of the system allocator: a build allocates hundreds of
/// thousands of small tree nodes and values, and glibc's malloc and free
/// were a quarter of the time of checking a large platform.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cmd;
mod files;
mod lsp;
mod passcode;
mod report;

use clap::{Parser, Subcommand, ValueEnum};
use digit_compiler::lower::render::OutputFormat;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "digitc",
    version,
    about = "A typed configuration language for Kubernetes platforms",
    long_about = "digitc checks, formats, evaluates and builds .dg configuration: one base \
                  description of a platform, amended per environment."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Type-check every .dg file below the given paths (default: the current directory).
    Check {
        /// Files or directories.
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Format .dg files in place in the canonical style.
    Fmt {
        /// Files or directories (default: the current directory).
        paths: Vec<PathBuf>,
        /// Change nothing; list the files that would change and exit 1 if any.
        #[arg(long)]
        check: bool,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Evaluate a file and print its value as JSON (secrets print as markers).
    Eval {
        file: PathBuf,
        /// Print only the value at this path, e.g. `services."egov-user".env`.
        #[arg(long)]
        path: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Encrypt, decrypt and store secrets (`secrets.GROUP.KEY`); plaintext on stdin.
    Secret {
        #[command(subcommand)]
        command: cmd::secret::SecretCommand,
    },
    /// Build an environment into Kubernetes objects: a List on stdout, or one file per object with -o.
    Build {
        /// The environment file, e.g. `env/qa.dg`.
        file: PathBuf,
        /// Write one file per object into DIR (`DIR/<namespace>/<kind>-<name>.json`),
        /// removing the files of objects that no longer exist.
        #[arg(short = 'o', long = "out-dir", value_name = "DIR")]
        out_dir: Option<PathBuf>,
        /// The format of the objects (diagnostics follow --format).
        #[arg(long, value_enum, default_value_t = ObjectFormat::Json)]
        output_format: ObjectFormat,
        /// Build without the passcode: Secret objects carry no data.
        #[arg(long)]
        redact_secrets: bool,
        /// Read the secrets passcode from this file (else DIGIT_SECRET_PASSCODE, then EGOV_SECRET_PASSCODE).
        #[arg(long, value_name = "FILE")]
        passcode_file: Option<PathBuf>,
        /// Fail (exit 1) when there are warnings.
        #[arg(long)]
        deny_warnings: bool,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Run the language server on stdin/stdout (for editors).
    Lsp {
        /// Accepted for clients that pass it; stdio is the only transport.
        #[arg(long, hide = true)]
        stdio: bool,
    },
    /// Print the long explanation of a diagnostic code, e.g. `digitc explain E0401`.
    Explain { code: String },
    /// Print an internal stage of the pipeline, for debugging digitc itself.
    #[command(hide = true)]
    Debug {
        #[arg(value_enum)]
        stage: cmd::debug::Stage,
        file: PathBuf,
    },
}

/// How `build` writes objects.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ObjectFormat {
    /// JSON: a List document on stdout, `.json` files with -o.
    Json,
    /// YAML: a `---`-separated stream on stdout, `.yaml` files with -o.
    Yaml,
}

/// Whether the arguments ask for `--format json` (read before clap, for
/// usage errors).
fn json_requested() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--format=json")
        || args
            .windows(2)
            .any(|w| w[0] == "--format" && w[1] == "json")
}

/// How diagnostics are printed.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Rendered with source excerpts, for people.
    Human,
    /// One JSON object per line, for tools.
    Json,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() && json_requested() => {
            // A usage error under `--format json`: one JSON object, exit 2.
            let text = e.render().to_string();
            let message = text.lines().next().unwrap_or("usage error");
            let message = message.strip_prefix("error: ").unwrap_or(message);
            return ExitCode::from(report::fatal_as(Format::Json, message));
        }
        Err(e) => e.exit(),
    };
    let code = match cli.command {
        Command::Check {
            paths,
            format,
            deny_warnings,
        } => cmd::check::run(&paths, format, deny_warnings),
        Command::Fmt {
            paths,
            check,
            format,
        } => cmd::fmt::run(&paths, check, format),
        Command::Eval { file, path, format } => cmd::eval::run(&file, path.as_deref(), format),
        Command::Secret { command } => cmd::secret::run(command),
        Command::Build {
            file,
            out_dir,
            output_format,
            redact_secrets,
            passcode_file,
            deny_warnings,
            format,
        } => cmd::build::run(&cmd::build::Args {
            file,
            format,
            output_format: match output_format {
                ObjectFormat::Json => OutputFormat::Json,
                ObjectFormat::Yaml => OutputFormat::Yaml,
            },
            out_dir,
            redact_secrets,
            passcode_file,
            deny_warnings,
        }),
        Command::Lsp { stdio: _ } => lsp::run(),
        Command::Explain { code } => cmd::explain::run(&code),
        Command::Debug { stage, file } => cmd::debug::run(stage, &file),
    };
    ExitCode::from(code)
}
