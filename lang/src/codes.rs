//! Diagnostic codes of the front end: E00xx lexing, E01xx parsing.
use crate::diagnostic::CodeInfo;

pub const REGISTRY: &[CodeInfo] = &[];
