//! Diagnostic codes of the front end: E00xx lexing, E01xx parsing.
use crate::diagnostic::CodeInfo;

pub const UNTERMINATED_STRING: &str = "E0001";
pub const UNTERMINATED_BLOCK_COMMENT: &str = "E0002";
pub const BAD_ESCAPE: &str = "E0003";
pub const UNKNOWN_QUANTITY_SUFFIX: &str = "E0004";
pub const STRAY_CHARACTER: &str = "E0005";
pub const INT_TOO_LARGE: &str = "E0006";
pub const INVALID_UTF8: &str = "E0007";
pub const UNTERMINATED_INTERPOLATION: &str = "E0008";

pub const UNEXPECTED_TOKEN: &str = "E0101";
pub const UNCLOSED_DELIMITER: &str = "E0102";
pub const NESTING_TOO_DEEP: &str = "E0103";
pub const UNEXPECTED_CLOSER: &str = "E0104";
pub const MISPLACED_HEADER: &str = "E0105";
pub const PATH_IN_DECLARATION: &str = "E0106";

pub const REGISTRY: &[CodeInfo] = &[];
