//! digit-compiler: from source files to checked values.
//!
//! Stages: [`modules`] (load and parse every file through a [`Loader`]),
//! [`sema`] (every name and written type resolved statically; the queries
//! of the language server), [`eval`] (lazy, late-bound evaluation with expected types flowing down,
//! [`types`] resolving written types), [`validate`] (force everything, run
//! checks), [`output`] (values to JSON). [`pipeline`] chains them. The crate
//! is pure: files come in through the [`Loader`] only.
#![deny(clippy::unwrap_used)]
#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod codes;
pub mod domain;
pub mod eval;
pub mod loader;
pub mod lower;
pub mod modules;
pub mod output;
pub mod pipeline;
pub mod quantity;
pub mod secret;
pub mod sema;
pub mod suggest;
pub mod types;
pub mod validate;
pub mod value;

pub use loader::{FsLoader, Loader, MemLoader};
pub use pipeline::{
    build_file, check_file, check_files, eval_file, eval_file_at, eval_file_pretty_at, split_path,
    with_root, Analysis, PathError, PathSegment,
};
