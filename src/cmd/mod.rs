//! One module per subcommand; each `run` returns the process exit code.

pub mod build;
pub mod check;
pub mod debug;
pub mod eval;
pub mod explain;
pub mod fmt;
pub mod secret;
