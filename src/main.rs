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
mod report;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "digitc",
    version,
    about = "A typed configuration language for Kubernetes platforms",
    long_about = "digitc checks, formats and evaluates .dg configuration: one base \
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
        Command::Check { paths, format } => cmd::check::run(&paths, format),
        Command::Fmt {
            paths,
            check,
            format,
        } => cmd::fmt::run(&paths, check, format),
        Command::Eval { file, path, format } => cmd::eval::run(&file, path.as_deref(), format),
        Command::Explain { code } => cmd::explain::run(&code),
        Command::Debug { stage, file } => cmd::debug::run(stage, &file),
    };
    ExitCode::from(code)
}
