//! `digitc debug STAGE FILE`: dump an internal stage, for digitc developers.

use crate::report::{self, fatal};
use crate::Format;
use clap::ValueEnum;
use digit_lang::SourceMap;
use std::path::Path;

#[derive(Clone, Copy, ValueEnum)]
pub enum Stage {
    /// The syntax tree, with spans.
    Ast,
}

pub fn run(stage: Stage, file: &Path) -> u8 {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => return fatal(format_args!("{}: {e}", file.display())),
    };
    let mut sources = SourceMap::new();
    let (_, parse) = digit_lang::parse_source(&mut sources, file.display().to_string(), &bytes);
    match stage {
        Stage::Ast => print!("{}", digit_lang::dump::dump(&parse.module, true)),
    }
    u8::from(report::print(&parse.diagnostics, &sources, Format::Human))
}
