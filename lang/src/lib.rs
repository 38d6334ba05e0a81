//! digit-lang: the front end of digitc.
//!
//! Source text in, syntax tree and diagnostics out. Pure: no file system,
//! no environment. **`lang` never depends on `compiler`.**
#![deny(clippy::unwrap_used)]

pub mod ast;
pub mod codes;
pub mod diagnostic;
pub mod format;
pub mod lexer;
pub mod parser;
pub mod source;
pub mod span;

pub use diagnostic::{Diagnostic, Problems, Severity, ToDiagnostic};
pub mod dump;
pub use parser::{parse, parse_bytes, parse_source, Parse};
pub use source::SourceMap;
pub use span::{FileId, Span, Spanned};
