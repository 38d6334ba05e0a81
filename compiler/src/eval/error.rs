//! Errors found while evaluating, and their diagnostics.

use digit_lang::{Diagnostic, Span, ToDiagnostic};

/// A problem found by evaluation or validation. Each variant converts into
/// one diagnostic; the value involved becomes `Invalid`, so nothing cascades.
#[derive(Clone, Debug)]
pub enum EvalError {
    /// ```txt
    /// replicas = "two"
    ///            ^^^^^ expected Int(0..), found a String
    /// ```
    TypeMismatch {
        span: Span,
        path: Option<String>,
        expected: String,
        found: String,
        decl: Option<Span>,
        help: Option<String>,
    },
    /// ```txt
    /// password = "hunter2"
    ///            ^^^^^^^^^ a plaintext secret
    /// ```
    PlaintextSecret {
        span: Span,
        path: Option<String>,
        decl: Option<Span>,
        /// The file holding the plaintext, for the command in the help.
        file: Option<String>,
    },
    /// ```txt
    /// "url=${secrets.db.password}"
    ///        ^^^^^^^^^^^^^^^^^^^ a Secret cannot be put in a string
    /// ```
    SecretMisuse {
        span: Span,
        what: String,
        /// Where the Secret was made, when that is elsewhere.
        origin: Option<Span>,
    },
    /// ```txt
    /// x = 1 + "a"
    ///     ^^^^^^^ cannot add an Int and a String
    /// ```
    BadOperands {
        span: Span,
        op: String,
        lhs: String,
        rhs: String,
    },
    /// ```txt
    /// url = "${hots}"
    ///          ^^^^ not defined; did you mean `host`?
    /// ```
    UndefinedName {
        span: Span,
        name: String,
        help: Option<String>,
    },
    /// ```txt
    /// replcas = 3      // in a Service
    /// ^^^^^^^ Service has no field `replcas`
    /// ```
    UnknownField {
        span: Span,
        name: String,
        owner: String,
        decl: Option<Span>,
        help: Option<String>,
    },
    /// ```txt
    /// x = services."egov-usr".port
    ///              ^^^^^^^^^^ no such entry
    /// ```
    MissingKey {
        span: Span,
        key: String,
        owner: String,
        help: Option<String>,
    },
    /// ```txt
    /// x = 10 / 0
    ///     ^^^^^^
    /// ```
    DivisionByZero { span: Span },
    /// ```txt
    /// x = 9223372036854775807 + 1
    /// ```
    Overflow { span: Span, op: String },
    /// ```txt
    /// x = [1, 2][5]
    ///            ^ the list has 2 elements
    /// ```
    IndexOutOfRange { span: Span, index: i64, len: usize },
    /// ```txt
    /// a = b
    /// b = a
    /// ```
    Cycle { span: Span, cycle: Vec<String> },
    /// ```txt
    /// "${x}-suffix" = 1
    ///  ^^^^^^^^^^^ needs `x`, which this key could define itself
    /// x = "a"
    /// ```
    /// A value nested deeper than any configuration needs, usually one
    /// that amends itself inside itself: `h = { a = h } { a { b = 1 } }`.
    TooDeep {
        span: Span,
        path: String,
        depth: usize,
    },
    KeyCycle {
        span: Span,
        field: String,
        def: Option<Span>,
    },
    /// More problems than one evaluation keeps.
    TooManyProblems { span: Span, shown: usize, more: u64 },
    /// ```txt
    /// services."egov-searchr".replicas = 2     // in env/qa.dg
    ///           ^^^^^^^^^^^^^^ not in `services`: a new Service without `image`
    /// ```
    NewEntryByAmend {
        span: Span,
        key: String,
        owner: String,
        schema: String,
        missing: Vec<String>,
        /// The closest key below, and the file that writes it.
        suggestion: Option<(String, String)>,
    },
    /// ```txt
    /// kafka { [*] { replicas = 1 } }
    ///         ^^^ kafka is a Kafka, not a map
    /// ```
    EveryOutsideMap { span: Span, found: String },
    /// ```txt
    /// r = { if false { x = 2 }  y = x }
    ///                               ^ `x` is `r.x`, and nothing set it
    /// ```
    UnproducedField {
        span: Span,
        name: String,
        /// Where the field is written inside an `if` or `for`.
        def: Option<Span>,
    },
    /// ```txt
    /// global."loging-level-jdbc" = "INFO"      // in env/qa.dg
    ///        ^^^^^^^^^^^^^^^^^^^ a new key; `logging-level-jdbc` is below
    /// ```
    NewKeyByPath {
        span: Span,
        key: String,
        owner: String,
        suggestion: (String, String),
    },
    /// A Float result that is infinite or not a number: `1e300 * 1e300`.
    FloatOverflow { span: Span, op: String },
    /// A program that runs too long: `len(range(0, 100000000))`.
    OutOfFuel {
        span: Span,
        /// The field being computed when the budget ran out.
        field: Option<String>,
    },
    /// Fields whose values need each other's, more than [`super::MAX_FIELD_DEPTH`]
    /// deep: `f0 = f1`, `f1 = f2`, ... or a record amending itself inside
    /// itself (`m = { a = x.a, x = m { } }`).
    FieldsTooDeep {
        span: Span,
        path: String,
        depth: usize,
    },
    /// A value built larger than any configuration needs: a list, string
    /// or record doubled in a loop (`a1 = a0 + a0`, ...).
    TooLarge {
        span: Span,
        path: String,
        what: &'static str,
        size: u64,
        limit: u64,
    },
    /// ```txt
    /// len(1, 2)
    /// ```
    BadCall {
        span: Span,
        func: String,
        signature: String,
        problem: String,
    },
    /// ```txt
    /// lenght(xs)
    /// ```
    UnknownFunction {
        span: Span,
        name: String,
        help: Option<String>,
    },
    /// ```txt
    /// replicas { x = 1 }   // replicas is an Int
    /// ```
    NotAmendable { span: Span, found: String },
    /// ```txt
    /// read_file("../../etc/passwd")
    /// ```
    ReadFile {
        span: Span,
        path: String,
        reason: String,
        escapes: bool,
    },
    /// ```txt
    /// secret("hunter2")
    /// ```
    BadSecret { span: Span, problem: String },
    /// ```txt
    /// secret_env.DB_PASSWORD = secret("dg1:...")
    ///                          ^^^^^^^^^^^^^^^^^ not at secrets.GROUP.KEY
    /// ```
    SecretOutsideSecrets { span: Span, path: Option<String> },
    /// An invalid quantity literal such as `1.5.5Gi`.
    BadQuantity { span: Span, problem: String },
    /// ```txt
    /// replicas = -1      // replicas: Int(0..)
    /// ```
    OutOfRange {
        span: Span,
        path: Option<String>,
        value: i64,
        ty: String,
        decl: Option<Span>,
    },
    /// ```txt
    /// name = "Egov_User"   // name: Name
    /// ```
    Domain {
        span: Span,
        path: Option<String>,
        ty: String,
        message: String,
        help: Option<String>,
        decl: Option<Span>,
    },
    /// ```txt
    /// check memory_limit >= memory : "the memory limit is below the memory request"
    /// ```
    CheckFailed {
        span: Span,
        path: String,
        message: String,
        check: Span,
    },
    /// ```txt
    /// "egov-user" { replicas = 2 }   // but Service.image is required
    /// ```
    MissingField {
        span: Span,
        field: String,
        path: String,
        decl: Span,
    },
    /// `for x in 3 { }`, `if "yes" then ...`.
    NotIterable { span: Span, found: String },
}

fn in_path(path: &Option<String>) -> String {
    path.as_ref()
        .map(|p| format!(" at `{p}`"))
        .unwrap_or_default()
}

impl ToDiagnostic for EvalError {
    fn to_diagnostic(&self) -> Diagnostic {
        use EvalError::*;
        match self {
            TypeMismatch { span, path, expected, found, decl, help } => {
                let mut d = Diagnostic::error("E0401", *span, format!("expected {expected}, found {found}{}", in_path(path)))
                    .with_label(format!("expected {expected}"));
                if let Some(decl) = decl {
                    d = d.with_secondary(*decl, format!("declared as {expected} here"));
                }
                if let Some(h) = help {
                    d = d.with_help(h.clone());
                }
                d
            }
            PlaintextSecret { span, path, decl, file } => {
                let file = file.as_deref().unwrap_or("FILE");
                let at = path.as_deref().and_then(crate::secret::stored_at);
                let mut d = Diagnostic::error("E0402", *span, format!("a plaintext secret{}", in_path(path)))
                    .with_label("expected an encrypted Secret, found a plain String")
                    .with_help(match at {
                        Some((g, k)) => format!("encrypt it in place: `digitc secret set {file} {}` reads the value from stdin and replaces this string with `secret(\"dg1:...\")`; treat the plaintext as leaked if it was ever committed", crate::secret::aad_path(&g, &k)),
                        None => format!("store it encrypted with `digitc secret set {file} GROUP.KEY` (the value is read from stdin) and refer to it here as `secrets.GROUP.KEY`"),
                    });
                if let Some(decl) = decl {
                    d = d.with_secondary(*decl, "declared as Secret here");
                }
                d
            }
            SecretMisuse { span, what, origin } => {
                let d = Diagnostic::error("E0403", *span, format!("a Secret cannot be {what}"))
                    .with_label("this is a Secret")
                    .with_help("secrets only go to fields typed Secret (such as `secret_env`), which become Kubernetes secret references");
                match origin {
                    Some(o) => d.with_secondary(*o, "the Secret is made here"),
                    None => d,
                }
            }
            BadOperands { span, op, lhs, rhs } if lhs.is_empty() => Diagnostic::error("E0404", *span, format!("cannot apply `{op}` to {rhs}"))
                .with_label(format!("{op} {rhs}")),
            BadOperands { span, op, lhs, rhs } => Diagnostic::error("E0404", *span, format!("cannot apply `{op}` to {lhs} and {rhs}"))
                .with_label(format!("{lhs} {op} {rhs}")),
            UndefinedName { span, name, help } => {
                let d = Diagnostic::error("E0301", *span, format!("`{name}` is not defined"))
                    .with_label("not found in this scope");
                // `"${SPRING_HOST}"`: a placeholder for Spring or a shell,
                // which digitc would interpolate.
                let placeholder = name.bytes().any(|b| b.is_ascii_uppercase())
                    && name.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
                match help {
                    Some(h) => d.with_help(h.clone()),
                    None if placeholder => d.with_help(format!(
                        "if `${{{name}}}` is a placeholder for Spring or the shell, not for digitc, escape it: `\\${{{name}}}`"
                    )),
                    None => d,
                }
            }
            UnknownField { span, name, owner, decl, help } => {
                let mut d = Diagnostic::error("E0303", *span, format!("{owner} has no field `{name}`"))
                    .with_label("unknown field");
                if let Some(decl) = decl {
                    d = d.with_secondary(*decl, format!("{owner} is declared here"));
                }
                d.with_help(help.clone().unwrap_or_else(|| format!("only the fields declared by {owner} can be set")))
            }
            MissingKey { span, key, owner, help } => {
                let d = Diagnostic::error("E0501", *span, format!("{owner} has no `{key}`")).with_label("no such field or entry");
                match help {
                    Some(h) => d.with_help(h.clone()),
                    None => d.with_help("for a map entry that may be missing, give a default: `m.key ?? default`"),
                }
            }
            DivisionByZero { span } => Diagnostic::error("E0502", *span, "division by zero").with_label("the divisor is 0"),
            Overflow { span, op } => Diagnostic::error("E0503", *span, format!("integer overflow in `{op}`"))
                .with_label("the result does not fit in 64 bits"),
            IndexOutOfRange { span, index, len } => Diagnostic::error("E0504", *span, format!("index {index} is out of range"))
                .with_label(format!("the list has {len} element{}", if *len == 1 { "" } else { "s" }))
                .with_help("indexes start at 0"),
            Cycle { span, cycle } => Diagnostic::error("E0505", *span, format!("cycle: {}", cycle.iter().map(|p| super::fields::short_path(p)).collect::<Vec<_>>().join(" -> ")))
                .with_label("this field depends on itself")
                .with_help("break the cycle by giving one of these fields a value that does not refer back"),
            TooDeep { span, path, depth } => Diagnostic::error("E0513", *span, format!("records nested more than {depth} deep at `{path}`"))
                .with_label("this value keeps nesting")
                .with_help("a value that refers to the record it is in (`h = { a = h }`) nests without end; refer to a field of it instead"),
            KeyCycle { span, field, def } => {
                let d = Diagnostic::error("E0505", *span, format!("this computed key needs `{field}`, which it could define itself"))
                    .with_label(format!("depends on `{field}`"))
                    .with_help(format!("compute the key from a `let` or another record's field, not from `{field}` of the record that holds the key"));
                match def {
                    Some(def) => d.with_secondary(*def, format!("`{field}` is defined here")),
                    None => d,
                }
            }
            NewEntryByAmend { span, key, owner, schema, missing, suggestion } => {
                let fields = missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ");
                let s = if missing.len() == 1 { "" } else { "s" };
                let d = Diagnostic::error("E0535", *span, format!("`{key}` is not in {owner}; this creates a new entry"))
                    .with_label(format!("a new {schema}, without the required field{s} {fields}"));
                match suggestion {
                    Some((k, file)) => d.with_help(format!("did you mean `{k}` (from {file})? To add a new {schema}, set {fields} too")),
                    None => d.with_help(format!("to change an existing entry, check the key; to add a new {schema}, set {fields} too")),
                }
            }
            EveryOutsideMap { span, found } => Diagnostic::error("E0536", *span, format!("`[*]` amends the entries of a map, and this is {found}"))
                .with_label("not in a map")
                .with_help("`[*] { ... }` goes directly inside a map's block (`services { [*] { replicas = 1 } }`); to change fields of this record, name them"),
            UnproducedField { span, name, def } => {
                let d = Diagnostic::error("E0537", *span, format!("`{name}` is a field here, but nothing gave it a value"))
                    .with_label("a field of this body, set only inside an `if` or `for`")
                    .with_help(format!("give `{name}` a value outside the `if` or `for` (or in an `else`), or read the outer `{name}` by its path from `root` (`root.{name}` for a field of the module)"));
                match def {
                    Some(def) => d.with_secondary(*def, "set only here"),
                    None => d,
                }
            }
            NewKeyByPath { span, key, owner, suggestion: (k, file) } => Diagnostic::warning("W0535", *span, format!("`{key}` is not in {owner}; this adds a new key"))
                .with_label(format!("a new key, close to `{k}`"))
                .with_help(format!("did you mean `{k}` (from {file})? To add a new key on purpose, write it in a block: `{} {{ \"{key}\" = ... }}`", owner_expr(owner))),
            TooManyProblems { span, shown, more } => Diagnostic::error("E0523", *span, format!("{more} more problems after the first {shown} were not kept"))
                .with_label("the first problem not kept")
                .with_help("fix the first problems: one mistake repeated by a generator or an amend often causes the rest"),
            FloatOverflow { span, op } => Diagnostic::error("E0503", *span, format!("number overflow in `{op}`"))
                .with_label("the result is not a finite Float")
                .with_help("a Float result must be finite: no infinity and no NaN"),
            FieldsTooDeep { span, path, depth } => Diagnostic::error("E0521", *span, format!("computing `{path}` needs fields more than {depth} deep"))
                .with_label("each field here needs another, without end in sight")
                .with_help("a chain of fields this long, or a record that amends itself inside itself (`m = { x = m { } }`), never ends well; refer to a value instead"),
            TooLarge { span, path, what, size, limit } => Diagnostic::error("E0522", *span, format!("`{path}` grows too large: {size} {what} (the limit is {limit})"))
                .with_label("this value grew past the limit")
                .with_help("a value that doubles at each step (`a1 = a0 + a0`) grows exponentially; build it from a `range` or a list instead"),
            OutOfFuel { span, field } => Diagnostic::error("E0506", *span, "evaluation takes too long")
                .with_label("stopped here after too many steps")
                .with_help(match field {
                    Some(f) => format!("a configuration should not need this much work; the steps ran out while computing `{f}`: look there for a loop that runs far more often than intended"),
                    None => "a configuration should not need this much work: look for a loop that runs far more often than intended".to_string(),
                }),
            BadCall { span, func, signature, problem } => Diagnostic::error("E0507", *span, format!("wrong arguments to `{func}`: {problem}"))
                .with_label(problem.clone())
                .with_help(format!("the signature is `{signature}`")),
            UnknownFunction { span, name, help } => {
                let d = Diagnostic::error("E0304", *span, format!("unknown function `{name}`")).with_label("not a builtin function");
                match help {
                    Some(h) => d.with_help(h.clone()),
                    None => d.with_help("there are no user-defined functions; see `docs/language.md` for the builtins"),
                }
            }
            NotAmendable { span, found } if found.contains("`merge`") => Diagnostic::error("E0508", *span, format!("cannot amend {found}"))
                .with_label("a merged map is made of computed values, with no body to amend")
                .with_help("merge the extra entries in: `merge(merge(a, b), { ... })`"),
            NotAmendable { span, found } => Diagnostic::error("E0508", *span, format!("cannot amend {found}"))
                .with_label("only records, maps and schema instances can be amended with `{ ... }`")
                .with_help("use `=` to replace the value"),
            ReadFile { span, path, reason, escapes } => {
                let code = if *escapes { "E0510" } else { "E0509" };
                let d = Diagnostic::error(code, *span, format!("cannot read `{path}`: {reason}"));
                if *escapes {
                    d.with_label("outside the project").with_help("read_file only reads files below the directory of the entry file")
                } else {
                    d.with_label("unreadable").with_help("the path is relative to the file that calls read_file")
                }
            }
            BadSecret { span, problem } => Diagnostic::error("E0511", *span, format!("not an encrypted secret: {problem}"))
                .with_label("expected `dg1:` followed by base64url")
                .with_help("never write envelopes by hand: encrypt the value with `digitc secret set FILE GROUP.KEY` (it is read from stdin)"),
            SecretOutsideSecrets { span, path } => {
                let at = match path {
                    Some(p) => format!("stored at `{p}`"),
                    None => "not stored at any field typed Secret".to_string(),
                };
                Diagnostic::error("E0801", *span, "`secret(...)` may only be written directly at `secrets.GROUP.KEY`")
                    .with_label(at)
                    .with_help("store it as `secrets.GROUP.KEY = secret(\"dg1:...\")` (written by `digitc secret set FILE GROUP.KEY`) and refer to it here as `secrets.GROUP.KEY`: an envelope is bound to its path and decrypts nowhere else")
            }
            BadQuantity { span, problem } => Diagnostic::error("E0512", *span, format!("invalid quantity: {problem}")).with_label("not a quantity"),
            OutOfRange { span, path, value, ty, decl } => {
                let mut d = Diagnostic::error("E0601", *span, format!("{value} is out of range for {ty}{}", in_path(path)))
                    .with_label(format!("expected {ty}"));
                if let Some(decl) = decl {
                    d = d.with_secondary(*decl, format!("declared as {ty} here"));
                }
                d
            }
            Domain { span, path, ty, message, help, decl } => {
                let mut d = Diagnostic::error("E0602", *span, format!("invalid {ty}{}: {message}", in_path(path)))
                    .with_label(format!("not a valid {ty}"));
                if let Some(decl) = decl {
                    d = d.with_secondary(*decl, format!("declared as {ty} here"));
                }
                match help {
                    Some(h) => d.with_help(h.clone()),
                    None => d,
                }
            }
            CheckFailed { span, path, message, check } => {
                let at = if path.is_empty() { String::new() } else { format!(" at `{path}`") };
                Diagnostic::error("E0603", *span, format!("{message}{at}"))
                    .with_label("this value fails a check")
                    .with_secondary(*check, "the check")
            }
            MissingField { span, field, path, decl } => {
                let at = if path.is_empty() { String::new() } else { format!(" in `{path}`") };
                Diagnostic::error("E0604", *span, format!("missing required field `{field}`{at}"))
                    .with_label(format!("`{field}` is never set"))
                    .with_secondary(*decl, "declared without a default here")
                    .with_help(format!("set it: `{field} = ...`"))
            }
            NotIterable { span, found } => Diagnostic::error("E0405", *span, format!("cannot use {found} here"))
                .with_label("expected a list, record or map to iterate over, or a Bool condition"),
        }
    }
}

/// The path of a map as written in a block's head (`global`, from
/// "`global`"), or `m` when there is none.
fn owner_expr(owner: &str) -> &str {
    owner
        .strip_prefix('`')
        .and_then(|o| o.strip_suffix('`'))
        .unwrap_or("m")
}
