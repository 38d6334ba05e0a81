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

macro_rules! code {
    ($code:expr, $title:literal, $expl:literal) => {
        CodeInfo {
            code: $code,
            title: $title,
            explanation: $expl,
        }
    };
}

/// Every front-end code with its explanation, sorted by code.
pub const REGISTRY: &[CodeInfo] = &[
    code!(UNTERMINATED_STRING, "unterminated string", "A string is not closed. A `\"...\"` string must end on the line it starts on; a `\"\"\"` string may span lines but needs its closing `\"\"\"`.

    name = \"egov-user      // add the closing quote"),
    code!(UNTERMINATED_BLOCK_COMMENT, "unterminated block comment", "A `/*` comment has no `*/`, so it runs to the end of the file. Close it, or use `//` line comments."),
    code!(BAD_ESCAPE, "unknown escape sequence", "Inside strings, `\\` starts an escape. The valid ones are \\n \\t \\r \\\\ \\\" \\$ and \\u{XXXX}. Write `\\\\` for a literal backslash:

    path = \"C:\\\\windows\""),
    code!(UNKNOWN_QUANTITY_SUFFIX, "unknown quantity suffix", "A number directly followed by letters is a Kubernetes quantity, and the letters must be one of n u m k M G T P E Ki Mi Gi Ti Pi Ei.

    memory = 512Mi"),
    code!(STRAY_CHARACTER, "unexpected character", "The character is not part of the language outside strings and comments. Strings use double quotes, comments start with `//`, logical and is `&&`."),
    code!(INT_TOO_LARGE, "integer literal too large", "Integers are 64-bit signed; the largest is 9223372036854775807. Use a quantity (`10G`) or a string for bigger values."),
    code!(INVALID_UTF8, "invalid UTF-8", "Source files must be UTF-8. The file holds bytes that are not (often Latin-1 text); save it as UTF-8."),
    code!(UNTERMINATED_INTERPOLATION, "unterminated interpolation", "A `${` inside a string has no matching `}`. In a one-line string the `}` must be on the same line.

    url = \"http://${host}:8080\""),
    code!(UNEXPECTED_TOKEN, "syntax error", "The parser found something it did not expect at this point. The label says what it expected; the help line, when there is one, says how to fix the usual cause."),
    code!(UNCLOSED_DELIMITER, "unclosed delimiter", "A `(`, `[` or `{` is never closed. The rest of the file is read as if it were closed before the first line indented no deeper than the line that opened it."),
    code!(NESTING_TOO_DEEP, "nesting too deep", "Brackets nest deeper than the parser allows, or an expression chains too many operators in a row. Split the value into named parts with `let`."),
    code!(UNEXPECTED_CLOSER, "unexpected closing delimiter", "A `)`, `]` or `}` closes nothing, or closes a different kind of group than the one open. Remove it or replace it with the expected closer."),
    code!(MISPLACED_HEADER, "misplaced amends or import", "A module starts with at most one `amends \"PATH\"`, then its `import \"PATH\" as name` lines, then members. Move the line to the top of the file."),
    code!(PATH_IN_DECLARATION, "path in a declaration", "A declaration `name: Type` declares one field of the record it is in. To declare a field of a nested record, declare it in that record's schema; to set a value along a path, use `=`:

    kafka.replicas = 3"),
];
