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
pub const MISSING_OPENER: &str = "E0107";

/// The long explanations, printed by `digitc explain CODE`.
pub const REGISTRY: &[CodeInfo] = &[
    CodeInfo {
        code: UNTERMINATED_STRING,
        title: "unterminated string",
        explanation: "A string literal has no closing quote before the end of the line (or, for `\"\"\"` strings, before the end of the file).

    image = \"egovio/egov-user:v1.0.0

Close it on the same line:

    image = \"egovio/egov-user:v1.0.0\"

A string that spans lines is written with three quotes: `\"\"\"` ... `\"\"\"`.",
    },
    CodeInfo {
        code: UNTERMINATED_BLOCK_COMMENT,
        title: "unterminated block comment",
        explanation: "A `/*` comment is never closed, so the rest of the file is part of it.

    /* replicas = 3

Close it with `*/`, or use `//` for a comment that ends with the line.",
    },
    CodeInfo {
        code: BAD_ESCAPE,
        title: "unknown escape in a string",
        explanation: "A backslash in a string starts an escape, and this one is not known. The escapes are `\\n`, `\\r`, `\\t`, `\\\\`, `\\\"`, `\\$` (a literal `$`, so `\\${` is not an interpolation) and `\\u{1F600}`.

    pattern = \"^\\d+$\"       // \\d is not an escape

Double the backslash to write one: `\"^\\\\d+$\"`.",
    },
    CodeInfo {
        code: UNKNOWN_QUANTITY_SUFFIX,
        title: "unknown quantity suffix",
        explanation: "A number followed by letters is a Kubernetes quantity, and the letters must be one of its suffixes: `m` (milli), `k`, `M`, `G`, `T`, `P`, `E` (powers of 1000) or `Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei` (powers of 1024).

    memory = 512Mb

Use a known suffix: `512Mi` (mebibytes) or `512M` (megabytes). Kubernetes reads `512m` as 0.512 bytes, so mind the case.",
    },
    CodeInfo {
        code: STRAY_CHARACTER,
        title: "stray character",
        explanation: "A character that cannot start any token of the language, such as `#`, `@` or a non-ASCII letter outside a string.

    # replicas for qa
    replicas = 2

Comments start with `//`. Names that are not identifiers (`egov-user`) are written as quoted keys: `\"egov-user\"`.",
    },
    CodeInfo {
        code: INT_TOO_LARGE,
        title: "integer too large",
        explanation: "An integer literal does not fit in 64 bits (at most 9223372036854775807).

    timeout = 99999999999999999999

Use a smaller number, or a quantity (`10G`) or a string when the value is not a count.",
    },
    CodeInfo {
        code: INVALID_UTF8,
        title: "invalid UTF-8",
        explanation: "The file contains bytes that are not valid UTF-8, often because it was saved in another encoding (Latin-1, UTF-16) or a binary file was named `.dg`.

The offending bytes are shown as the replacement character; the rest of the file is still checked. One diagnostic covers the whole file: the first invalid sequences are labelled and the rest counted. Save the file as UTF-8.",
    },
    CodeInfo {
        code: UNTERMINATED_INTERPOLATION,
        title: "unterminated interpolation",
        explanation: "A `${` inside a string is not closed by `}` before the string ends.

    url = \"jdbc:postgresql://${db.host:5432\"

Close the interpolation: `\"jdbc:postgresql://${db.host}:5432\"`. To write a literal `${`, escape the dollar: `\"\\${\"`.",
    },
    CodeInfo {
        code: UNEXPECTED_TOKEN,
        title: "unexpected token",
        explanation: "The parser found something it did not expect here; the message says what it expected instead.

    replicas 3              // `=` missing
    services.\"egov-user\" {
      replicas = = 2        // value missing
    }

Members are `name = value`, `name: Type = default`, `name { ... }`, `name += value`, `let`, `for`, `if` and `check`. The parser skips to the next member and goes on, so each mistake is reported once.

A bare name cannot hold `-`: DIGIT's service names are quoted.

    egov-user { replicas = 2 }          // `-` reads as a minus
    \"egov-user\" { replicas = 2 }        // this
    services.\"egov-user\".replicas = 2

A file with a syntax error is not evaluated (nor is any configuration that amends or imports it): what the parser made of the broken part is a guess, and checking a guess gives errors that are not there. Fix the syntax errors, then check again.",
    },
    CodeInfo {
        code: UNCLOSED_DELIMITER,
        title: "unclosed delimiter",
        explanation: "A `{`, `[` or `(` is never closed. The label points at the opening one.

    kafka {
      replicas = 3
    // `}` missing before the end of the file

Add the closing delimiter where the block ends. `digitc fmt` never rewrites a file with this error.

Which block lacks its closer is read from the indentation, as `digitc fmt` lays files out: a block ends before the first line indented at or left of the line that opens it, and a closer that starts a line closes the block opened in its column. So a `}` missing inside `services { ... }` is reported at the service that lacks it, with a label at the line where it should have been closed:

    services {
      \"egov-user\" {          // reported here
        replicas = 2
      \"egov-mdms\" {          // `}` expected before this line
        replicas = 1
      }
    }",
    },
    CodeInfo {
        code: NESTING_TOO_DEEP,
        title: "nesting too deep",
        explanation: "Brackets, records, interpolations or operators are nested more than 200 levels deep. No real configuration needs that; the limit keeps the parser from running out of stack on generated or malicious input.

Split the value into named parts with `let`, or generate it with a comprehension.",
    },
    CodeInfo {
        code: UNEXPECTED_CLOSER,
        title: "unexpected closing delimiter",
        explanation: "A `}`, `]` or `)` closes nothing, or closes the wrong kind of bracket.

    kafka {
      replicas = 3
    }}

Remove it, or add the opening delimiter it was meant to close. The extra closer is found by its column: in `}}` the second one, and a `}` on its own line is extra when no open block starts in its column (not the file's last brace).

When the innermost open group is not closed later on the same line, the closer is taken for a typo of that group's closer and reported as such, also when an enclosing group opened on that line is closed later on it:

    xs = [1, 2}
    a = { x = [1, 2} }

Replace it with the closer the group wants (here `]`).",
    },
    CodeInfo {
        code: MISPLACED_HEADER,
        title: "misplaced amends or import",
        explanation: "A module starts with at most one `amends \"PATH\"`, then its `import \"PATH\" as name` lines, then its members. An `amends` or `import` after a member, or a second `amends`, is an error.

    name = \"qa\"
    amends \"../base.dg\"     // must come first

Move the line to the top of the file.",
    },
    CodeInfo {
        code: PATH_IN_DECLARATION,
        title: "path in a declaration",
        explanation: "A declaration (`name: Type`) declares one field of the record it is in, so its name cannot be a path.

    kafka.retention: Int = 7

Declare the field inside its record or schema, or set an existing field with `=`:

    kafka.replicas = 3",
    },
    CodeInfo {
        code: MISSING_OPENER,
        title: "missing opening delimiter",
        explanation: "A `}`, `]` or `)` that starts a line closes a block whose opening delimiter was left out: the line above the indented lines, in the closer's column, does not end with `{`.

    \"egov-notification-sms\".secret_env      // `{` missing here
      SMS_PROVIDER_USERNAME = secrets.sms.username
    }

Add the opener at the end of that line. Which line is read from the indentation, as `digitc fmt` lays files out; when no line fits, the closer is reported as unexpected (E0104).",
    },
];
