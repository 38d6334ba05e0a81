//! Validators for the checked domain types of the language (DESIGN §2):
//! `Name`, `Port`, `Image`, `Cron`, `EnvName`, plus DNS-1123 subdomains and
//! Kubernetes label keys and values.
//!
//! In: the value as written (a string, or an `i64` for ports).
//!
//! Out: `Ok(())`, or a [`DomainError`] whose `message` is one line that
//! quotes the value and says what is wrong in operator's terms
//! ("hour 25 is out of range 0-23"), and whose `help`, when there is an
//! obvious fix, suggests it ("did you mean `egov-user`?"). A suggested value
//! always passes the same check.
//!
//! Guarantees: the rules are those Kubernetes and the container runtimes
//! apply (apimachinery's `IsDNS1123Label`, `IsDNS1123Subdomain`,
//! `IsQualifiedName`, `IsValidLabelValue`; distribution/reference's image
//! grammar with go-digest's digest check; robfig/cron's five-field standard
//! parser as used by CronJob). No function panics on any input.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::fmt;

/// A rejected value: one line for the operator, and maybe a fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomainError {
    pub message: String,
    pub help: Option<String>,
}

impl DomainError {
    fn new(message: impl Into<String>) -> DomainError {
        DomainError {
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> DomainError {
        self.help = Some(help.into());
        self
    }

    fn maybe_help(mut self, help: Option<String>) -> DomainError {
        self.help = help;
        self
    }
}

impl fmt::Display for DomainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DomainError {}

/// Quote a user value for a one-line message: control characters escaped.
/// Spelled only when a message is formatted (checks of valid values make
/// no string).
fn show(s: &str) -> Shown<'_> {
    Shown(s)
}

/// A user value as [`show`] quotes it.
#[derive(Clone, Copy)]
struct Shown<'s>(&'s str);

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                fmt::Write::write_char(f, c)?;
            }
        }
        Ok(())
    }
}

/// Quote one character for a message.
fn show_char(c: char) -> String {
    match c {
        ' ' => "a space".to_string(),
        c if c.is_whitespace() || c.is_control() => {
            format!("`{}`", c.escape_default())
        }
        c => format!("`{c}`"),
    }
}

/// Characters a fix may turn into the grammar's separator. A value with any
/// other stray character gets no suggestion: guessing would mislead.
fn is_separator(c: char) -> bool {
    matches!(c, '_' | '-' | '.' | ' ' | '+' | '/')
}

fn did_you_mean(candidate: Option<String>) -> Option<String> {
    candidate.map(|c| format!("did you mean `{c}`?"))
}

fn is_lower_alnum(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit()
}

// ---------------------------------------------------------------------------
// Names: DNS-1123 labels and subdomains, label keys and values
// ---------------------------------------------------------------------------

/// The three Kubernetes name-like grammars.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NameKind {
    /// DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63.
    Label,
    /// DNS-1123 subdomain: labels joined by `.`, at most 253 in all.
    Subdomain,
    /// Label value or the name part of a label key:
    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63.
    Qualified,
}

impl NameKind {
    fn max_len(self) -> usize {
        match self {
            NameKind::Label | NameKind::Qualified => 63,
            NameKind::Subdomain => 253,
        }
    }

    fn allows(self, c: char) -> bool {
        match self {
            NameKind::Label => is_lower_alnum(c) || c == '-',
            NameKind::Subdomain => is_lower_alnum(c) || c == '-' || c == '.',
            NameKind::Qualified => c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'),
        }
    }

    fn allowed_text(self) -> &'static str {
        match self {
            NameKind::Label => "lowercase letters, digits and `-`",
            NameKind::Subdomain => "lowercase letters, digits, `-` and `.`",
            NameKind::Qualified => "letters, digits, `-`, `_` and `.`",
        }
    }

    fn is_edge_char(self, c: char) -> bool {
        match self {
            NameKind::Label | NameKind::Subdomain => is_lower_alnum(c),
            NameKind::Qualified => c.is_ascii_alphanumeric(),
        }
    }
}

/// Check `s` against `kind`; `subject` names the thing ("name", "label value").
/// `plural` is how the rules are stated ("Kubernetes names").
fn validate_name(s: &str, kind: NameKind, subject: &str, plural: &str) -> Result<(), String> {
    let shown = show(s);
    if s.is_empty() {
        return Err(format!(
            "{subject} is empty; {plural} need 1 to {} characters",
            kind.max_len()
        ));
    }
    let len = s.chars().count();
    if len > kind.max_len() {
        return Err(format!(
            "{subject} `{shown}` is {len} characters long; {plural} are at most {}",
            kind.max_len()
        ));
    }
    if let Some(bad) = s.chars().find(|&c| !kind.allows(c)) {
        if bad.is_ascii_uppercase() {
            return Err(format!(
                "{subject} `{shown}` has uppercase letters; {plural} are lowercase"
            ));
        }
        return Err(format!(
            "{subject} `{shown}` contains {}; {plural} may only contain {}",
            show_char(bad),
            kind.allowed_text()
        ));
    }
    let parts: Vec<&str> = if kind == NameKind::Subdomain {
        s.split('.').collect()
    } else {
        vec![s]
    };
    for part in parts {
        let (Some(first), Some(last)) = (part.chars().next(), part.chars().last()) else {
            return Err(format!(
                "{subject} `{shown}` has an empty part between dots, or a dot at an end"
            ));
        };
        let edge = if !kind.is_edge_char(first) {
            "start"
        } else if !kind.is_edge_char(last) {
            "end"
        } else {
            continue;
        };
        return Err(if part.len() == s.len() {
            format!("{subject} `{shown}` must {edge} with a letter or digit")
        } else {
            format!(
                "{subject} `{shown}` has a part `{}` that does not {edge} with a letter or digit",
                show(part)
            )
        });
    }
    Ok(())
}

/// The obvious fix for a name-like value: lowercase (unless `Qualified`),
/// other characters replaced by `-`, edges trimmed.
fn suggest_name(s: &str, kind: NameKind) -> Option<String> {
    let s_trimmed = s.trim();
    let foldable = |c: char| {
        let c = if kind == NameKind::Qualified {
            c
        } else {
            c.to_ascii_lowercase()
        };
        kind.allows(c) || is_separator(c)
    };
    if !s_trimmed.chars().all(foldable) {
        return None;
    }
    let mapped: String = s_trimmed
        .chars()
        .map(|c| {
            let c = if kind == NameKind::Qualified {
                c
            } else {
                c.to_ascii_lowercase()
            };
            if kind.allows(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trim = |p: &str| p.trim_matches(|c: char| !kind.is_edge_char(c)).to_string();
    let candidate = if kind == NameKind::Subdomain {
        mapped
            .split('.')
            .map(trim)
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(".")
    } else {
        trim(&mapped)
    };
    let valid = validate_name(&candidate, kind, "", "").is_ok();
    (valid && candidate != s).then_some(candidate)
}

fn check_name_kind(
    s: &str,
    kind: NameKind,
    subject: &str,
    plural: &str,
) -> Result<(), DomainError> {
    validate_name(s, kind, subject, plural).map_err(|message| {
        let help = if s.chars().count() > kind.max_len() {
            None
        } else {
            did_you_mean(suggest_name(s, kind))
        };
        DomainError::new(message).maybe_help(help)
    })
}

/// `Name`: a DNS-1123 label (1-63 of `a-z 0-9 -`, alphanumeric at both ends).
pub fn check_name(s: &str) -> Result<(), DomainError> {
    check_name_kind(s, NameKind::Label, "name", "Kubernetes names")
}

/// A DNS-1123 subdomain (object names that may contain dots): at most 253
/// characters, dot-separated parts of `a-z 0-9 -`, alphanumeric at both ends.
pub fn check_subdomain(s: &str) -> Result<(), DomainError> {
    check_name_kind(s, NameKind::Subdomain, "name", "DNS subdomain names")
}

/// A Kubernetes label value: empty, or at most 63 of `A-Z a-z 0-9 - _ .`,
/// alphanumeric at both ends.
pub fn check_label_value(s: &str) -> Result<(), DomainError> {
    if s.is_empty() {
        return Ok(());
    }
    check_name_kind(s, NameKind::Qualified, "label value", "label values")
}

/// A Kubernetes label (or annotation) key: `[prefix/]name`, the prefix a
/// DNS-1123 subdomain, the name as a label value but not empty.
pub fn check_label_key(s: &str) -> Result<(), DomainError> {
    validate_label_key(s).map_err(|message| {
        let (prefix, name) = match s.split_once('/') {
            Some((prefix, name)) => (Some(prefix), name),
            None => (None, s),
        };
        let fix = |part: &str, kind| {
            if validate_name(part, kind, "", "").is_ok() {
                Some(part.to_string())
            } else {
                suggest_name(part, kind)
            }
        };
        let candidate = match prefix {
            Some("") => fix(name, NameKind::Qualified),
            Some(prefix) => fix(prefix, NameKind::Subdomain)
                .zip(fix(name, NameKind::Qualified))
                .map(|(p, n)| format!("{p}/{n}")),
            None => fix(name, NameKind::Qualified),
        };
        let help = candidate.filter(|c| c != s && validate_label_key(c).is_ok());
        DomainError::new(message).maybe_help(did_you_mean(help))
    })
}

fn validate_label_key(s: &str) -> Result<(), String> {
    let shown = show(s);
    let name = match s.split_once('/') {
        None => s,
        Some((prefix, name)) => {
            if name.contains('/') {
                return Err(format!(
                    "label key `{shown}` has more than one `/`; keys are `name` or `prefix/name`"
                ));
            }
            if prefix.is_empty() {
                return Err(format!(
                    "label key `{shown}` has an empty prefix before `/`"
                ));
            }
            validate_name(prefix, NameKind::Subdomain, "label key prefix", "prefixes")?;
            name
        }
    };
    validate_name(
        name,
        NameKind::Qualified,
        "label key name",
        "label key names",
    )
}

// ---------------------------------------------------------------------------
// Ports and environment variable names
// ---------------------------------------------------------------------------

/// `Port`: 1..=65535.
pub fn check_port(port: i64) -> Result<(), DomainError> {
    if (1..=65535).contains(&port) {
        Ok(())
    } else {
        Err(DomainError::new(format!(
            "port {port} is out of range 1-65535"
        )))
    }
}

/// `EnvName`: a C identifier, `[A-Za-z_][A-Za-z0-9_]*`.
pub fn check_env_name(s: &str) -> Result<(), DomainError> {
    let shown = show(s);
    let is_ident_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let suggest = || {
        if !s
            .trim()
            .chars()
            .all(|c| is_ident_char(c) || is_separator(c))
        {
            return None;
        }
        let candidate: String = s
            .trim()
            .chars()
            .map(|c| if is_ident_char(c) { c } else { '_' })
            .collect();
        let valid = candidate
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        did_you_mean((valid && candidate != s).then_some(candidate))
    };
    let Some(first) = s.chars().next() else {
        return Err(DomainError::new("environment variable name is empty"));
    };
    if first.is_ascii_digit() {
        return Err(DomainError::new(format!(
            "environment variable name `{shown}` starts with a digit; names start with a letter or `_`"
        )));
    }
    if let Some(bad) = s.chars().find(|&c| !is_ident_char(c)) {
        return Err(DomainError::new(format!(
            "environment variable name `{shown}` contains {}; names may only contain letters, digits and `_`",
            show_char(bad)
        ))
        .maybe_help(suggest()));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------

/// What an image reference pins, for warnings about mutable tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageTag {
    /// `repo:tag` (the tag, e.g. `v1.4.0` or `latest`).
    Tagged(String),
    /// `repo@sha256:...` (with or without a tag): pinned by content.
    Digest,
    /// `repo` alone: the runtime pulls `latest`.
    Untagged,
}

/// What `s` pins. Does not validate; use [`check_image`] for that.
pub fn image_tag(s: &str) -> ImageTag {
    if s.contains('@') {
        return ImageTag::Digest;
    }
    let last = s.rsplit('/').next().unwrap_or(s);
    match last.rsplit_once(':') {
        Some((_, tag)) if !tag.is_empty() => ImageTag::Tagged(tag.to_string()),
        _ => ImageTag::Untagged,
    }
}

const IMAGE_SHAPES: &str = "`registry/repo:tag`, `repo:tag` or `repo@sha256:<digest>`";

/// A repository path component: `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
fn is_path_component(s: &str) -> bool {
    let bytes = s.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if !alnum(first) || !alnum(last) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let sep = &s[start..i];
        let ok = sep.is_empty()
            || sep == "."
            || sep == "_"
            || sep == "__"
            || sep.bytes().all(|b| b == b'-');
        if !ok {
            return false;
        }
        while i < bytes.len() && alnum(bytes[i]) {
            i += 1;
        }
    }
    true
}

/// A registry host: `domain-name` or `[ipv6]`, optionally `:port`.
/// Err carries the operator-facing reason.
fn check_registry(host_port: &str, image: Shown<'_>) -> Result<(), String> {
    let (host, port) = if let Some(rest) = host_port.strip_prefix('[') {
        let Some((addr, after)) = rest.split_once(']') else {
            return Err(format!(
                "image registry `{host_port}` in `{image}` has an unclosed `[`"
            ));
        };
        if addr.is_empty() || !addr.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
            return Err(format!(
                "image registry `{host_port}` in `{image}` is not a valid IPv6 address"
            ));
        }
        match after {
            "" => (None, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (None, Some(port)),
                None => {
                    return Err(format!(
                        "image registry `{host_port}` in `{image}` has text after `]`"
                    ))
                }
            },
        }
    } else {
        match host_port.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(host_port), None),
        }
    };
    if let Some(host) = host {
        let valid_part = |p: &str| {
            let b = p.as_bytes();
            match (b.first(), b.last()) {
                (Some(f), Some(l)) => {
                    f.is_ascii_alphanumeric()
                        && l.is_ascii_alphanumeric()
                        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
                }
                _ => false,
            }
        };
        if !host.split('.').all(valid_part) {
            return Err(format!(
                "image registry host `{host}` in `{image}` is not a valid host name"
            ));
        }
    }
    if let Some(port) = port {
        if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!(
                "image registry port `{port}` in `{image}` must be a number"
            ));
        }
    }
    Ok(())
}

/// `algorithm:hex` as go-digest validates it.
fn check_digest(digest: &str, image: Shown<'_>) -> Result<(), DomainError> {
    let expected = "expected `sha256:` followed by 64 lowercase hex digits";
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return Err(DomainError::new(format!(
            "image digest `{digest}` in `{image}` is not valid; {expected}"
        )));
    };
    let want = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => {
            return Err(DomainError::new(format!(
                "image digest algorithm `{algorithm}` in `{image}` is not supported; use `sha256`"
            )))
        }
    };
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(DomainError::new(format!(
            "image digest in `{image}` contains characters that are not hex digits; {expected}"
        )));
    }
    if hex.len() != want {
        return Err(DomainError::new(format!(
            "image digest in `{image}` has {} hex digits; {algorithm} needs {want}",
            hex.len()
        )));
    }
    if hex.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(DomainError::new(format!(
            "image digest in `{image}` has uppercase hex digits"
        ))
        .help(format!(
            "write it in lowercase: `{algorithm}:{}`",
            hex.to_ascii_lowercase()
        )));
    }
    Ok(())
}

/// `Image`: `[registry[:port]/]path[:tag][@digest]` per distribution/reference.
pub fn check_image(s: &str) -> Result<(), DomainError> {
    let shown = show(s);
    if s.is_empty() {
        return Err(DomainError::new(format!(
            "image is empty; expected {IMAGE_SHAPES}"
        )));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        let trimmed = s.trim();
        let help = (trimmed != s && check_image(trimmed).is_ok()).then(|| trimmed.to_string());
        return Err(
            DomainError::new(format!("image `{shown}` contains whitespace"))
                .maybe_help(did_you_mean(help)),
        );
    }
    if let Some((scheme, rest)) = s.split_once("://") {
        // The rest is checked only when it is no URL itself, so the check
        // never recurses more than once (`a://a://...` is linear).
        let help = (!rest.contains("://") && check_image(rest).is_ok()).then(|| rest.to_string());
        return Err(DomainError::new(format!(
            "image `{shown}` starts with `{scheme}://`; images are not URLs"
        ))
        .maybe_help(did_you_mean(help)));
    }
    let (name_tag, digest) = match s.split_once('@') {
        Some((name_tag, digest)) => (name_tag, Some(digest)),
        None => (s, None),
    };
    if let Some(digest) = digest {
        check_digest(digest, shown)?;
    }
    let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
    if let Some(err) = several_tags(name_tag, last_slash, digest, shown) {
        return Err(err);
    }
    let (name, tag) = match name_tag.get(last_slash..).and_then(|t| t.rfind(':')) {
        Some(i) => {
            let colon = last_slash + i;
            (
                name_tag.get(..colon).unwrap_or(name_tag),
                name_tag.get(colon + 1..),
            )
        }
        None => (name_tag, None),
    };
    if let Some(tag) = tag {
        if tag.is_empty() {
            return Err(
                DomainError::new(format!("image `{shown}` has an empty tag after `:`"))
                    .help("add a tag such as `:v1.2.3`, or remove the `:`"),
            );
        }
        let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
        let valid = tag.len() <= 128
            && tag.chars().next().is_some_and(word)
            && tag.chars().all(|c| word(c) || c == '.' || c == '-');
        if !valid {
            return Err(DomainError::new(format!(
                "image tag `{tag}` in `{shown}` is not valid; tags are 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`"
            )));
        }
    }
    if name.is_empty() {
        return Err(DomainError::new(format!(
            "image `{shown}` has no repository name; expected {IMAGE_SHAPES}"
        )));
    }
    if name.len() > 255 {
        return Err(DomainError::new(format!(
            "image `{shown}` has a repository name of {} characters; the limit is 255",
            name.len()
        )));
    }
    let components: Vec<&str> = name.split('/').collect();
    if components.iter().any(|c| c.is_empty()) {
        return Err(DomainError::new(format!(
            "image `{shown}` has an empty path component (`//`, or `/` at an end)"
        )));
    }
    let (first, rest) = match components.split_first() {
        Some((first, rest)) => (*first, rest),
        None => (name, &[][..]),
    };
    // Lowercasing the path (never the registry) is the usual fix.
    let lowercase_fix = |registry: Option<&str>| {
        let path = match registry {
            Some(r) => name.get(r.len()..).unwrap_or("").to_ascii_lowercase(),
            None => name.to_ascii_lowercase(),
        };
        let candidate = format!(
            "{}{path}{}",
            registry.unwrap_or(""),
            name_tag.get(name.len()..).unwrap_or("")
        );
        let candidate = match digest {
            Some(d) => format!("{candidate}@{d}"),
            None => candidate,
        };
        did_you_mean((candidate != s && check_image(&candidate).is_ok()).then_some(candidate))
    };
    let path_error = |component: &str, registry: Option<&str>| {
        if component.chars().any(|c| c.is_ascii_uppercase()) {
            DomainError::new(format!(
                "image `{shown}` has uppercase letters in its repository path; repository names are lowercase"
            ))
            .maybe_help(lowercase_fix(registry))
        } else {
            DomainError::new(format!(
                "image `{shown}` has an invalid path component `{component}`; use lowercase letters and digits separated by `.`, `_`, `__` or `-`"
            ))
        }
    };
    // Split as container runtimes split it: the first of several components
    // is a registry host when it has a `.`, `:` or `[`, is `localhost`, or has
    // uppercase letters (which a repository path cannot have).
    let first_is_registry = !rest.is_empty()
        && (first.contains(['.', ':', '['])
            || first == "localhost"
            || first.chars().any(|c| c.is_ascii_uppercase()));
    let registry = first_is_registry.then_some(first);
    for component in rest {
        if !is_path_component(component) {
            return Err(path_error(component, registry));
        }
    }
    if first_is_registry {
        check_registry(first, shown).map_err(DomainError::new)?;
    } else if !is_path_component(first) {
        return Err(path_error(first, None));
    }
    Ok(())
}

/// An image whose last path component has more than one `:`
/// (`egov-indexer:v2.9.0:latest`): it names several tags. The suggestion
/// keeps the first tag that is not `latest` (a pinned version is what a
/// deployment means), checked without recursing further: it has one tag.
fn several_tags(
    name_tag: &str,
    last_slash: usize,
    digest: Option<&str>,
    shown: impl std::fmt::Display,
) -> Option<DomainError> {
    let last = name_tag.get(last_slash..)?;
    let mut parts = last.split(':');
    let repo = parts.next()?;
    let tags: Vec<&str> = parts.collect();
    if tags.len() < 2 {
        return None;
    }
    let listed = tags
        .iter()
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let count = match tags.len() {
        2 => "two".to_string(),
        n => n.to_string(),
    };
    let error = DomainError::new(format!(
        "image `{shown}` has {count} tags ({listed}); an image has at most one `:tag`"
    ));
    let keep = tags
        .iter()
        .find(|t| !t.is_empty() && **t != "latest")
        .or_else(|| tags.iter().find(|t| !t.is_empty()))?;
    let mut candidate = format!("{}{repo}:{keep}", name_tag.get(..last_slash).unwrap_or(""));
    if let Some(d) = digest {
        candidate = format!("{candidate}@{d}");
    }
    let help = check_image(&candidate).is_ok().then_some(candidate);
    Some(error.maybe_help(did_you_mean(help)))
}

// ---------------------------------------------------------------------------
// Cron schedules
// ---------------------------------------------------------------------------

const CRON_MACROS: [&str; 7] = [
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
];

const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

struct CronField {
    name: &'static str,
    min: u32,
    max: u32,
    /// Names for `min`, `min + 1`, ... (months and days of the week).
    names: &'static [&'static str],
    /// `?` allowed as a synonym of `*`.
    question: bool,
}

const CRON_FIELDS: [CronField; 5] = [
    CronField {
        name: "minute",
        min: 0,
        max: 59,
        names: &[],
        question: false,
    },
    CronField {
        name: "hour",
        min: 0,
        max: 23,
        names: &[],
        question: false,
    },
    CronField {
        name: "day-of-month",
        min: 1,
        max: 31,
        names: &[],
        question: true,
    },
    CronField {
        name: "month",
        min: 1,
        max: 12,
        names: &MONTHS,
        question: false,
    },
    CronField {
        name: "day-of-week",
        min: 0,
        max: 6,
        names: &DAYS,
        question: true,
    },
];

impl CronField {
    /// A number or name in range.
    fn value(&self, text: &str) -> Result<u32, DomainError> {
        let name = self.name;
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            let out_of_range = || {
                let e = DomainError::new(format!(
                    "{name} {text} is out of range {}-{}",
                    self.min, self.max
                ));
                if name == "day-of-week" && text == "7" {
                    e.help("use 0 (or SUN) for Sunday")
                } else {
                    e
                }
            };
            let value: u32 = text.parse().map_err(|_| out_of_range())?;
            if value < self.min || value > self.max {
                return Err(out_of_range());
            }
            return Ok(value);
        }
        let upper = text.to_ascii_uppercase();
        if let Some(i) = self.names.iter().position(|n| *n == upper) {
            return Ok(self.min + i as u32);
        }
        let kind = match name {
            "month" => " or a month name (JAN-DEC)",
            "day-of-week" => " or a day name (SUN-SAT)",
            _ => "",
        };
        let help = upper
            .get(..3)
            .filter(|p| upper.len() > 3 && self.names.contains(p))
            .map(|p| format!("did you mean `{p}`?"));
        Err(DomainError::new(format!("{name} `{text}` is not a number{kind}")).maybe_help(help))
    }

    fn check(&self, field: &str) -> Result<(), DomainError> {
        let name = self.name;
        for item in field.split(',') {
            if item.is_empty() {
                return Err(DomainError::new(format!(
                    "{name} field `{field}` has an empty list item"
                )));
            }
            let (range, step) = match item.split_once('/') {
                Some((range, step)) => (range, Some(step)),
                None => (item, None),
            };
            if let Some(step) = step {
                if step.is_empty() || !step.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(DomainError::new(format!(
                        "{name} step `{step}` in `{item}` is not a number"
                    )));
                }
                if step.bytes().all(|b| b == b'0') {
                    return Err(DomainError::new(format!(
                        "{name} step in `{item}` must be at least 1"
                    )));
                }
            }
            if range == "*" || (self.question && range == "?") {
                continue;
            }
            match range.split_once('-') {
                None => {
                    self.value(range)?;
                }
                Some((low, high)) => {
                    if low.is_empty() || high.is_empty() || high.contains('-') {
                        return Err(DomainError::new(format!(
                            "{name} `{range}` is not a valid range; write `a-b`"
                        )));
                    }
                    let (lo, hi) = (self.value(low)?, self.value(high)?);
                    if lo > hi {
                        return Err(DomainError::new(format!(
                            "{name} range {range} starts after it ends"
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}

/// `Cron`: five fields (minute hour day-of-month month day-of-week) or one
/// of @yearly @annually @monthly @weekly @daily @midnight @hourly.
pub fn check_cron(s: &str) -> Result<(), DomainError> {
    let spec = s.trim();
    let shown = show(spec);
    if spec.is_empty() {
        return Err(DomainError::new(
            "cron schedule is empty; expected five fields such as `0 3 * * *`",
        ));
    }
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        return Err(DomainError::new(format!(
            "cron schedule `{shown}` sets a time zone; Kubernetes takes it from the CronJob's `timeZone` field"
        )));
    }
    if spec.starts_with('@') {
        if CRON_MACROS.contains(&spec) {
            return Ok(());
        }
        let lower = spec.to_ascii_lowercase();
        let help = if CRON_MACROS.contains(&lower.as_str()) {
            Some(format!("did you mean `{lower}`?"))
        } else if lower.starts_with("@every") {
            Some("`@every` is not supported; write five fields such as `*/5 * * * *`".to_string())
        } else {
            None
        };
        return Err(DomainError::new(format!(
            "unknown cron macro `{shown}`; valid macros are {}",
            CRON_MACROS.join(", ")
        ))
        .maybe_help(help));
    }
    let fields: Vec<&str> = spec.split_whitespace().collect();
    if fields.len() != 5 {
        let help = match fields.split_first() {
            Some((_, rest)) if fields.len() == 6 && check_cron(&rest.join(" ")).is_ok() => {
                Some(format!(
                    "Kubernetes schedules have no seconds field; did you mean `{}`?",
                    rest.join(" ")
                ))
            }
            _ => None,
        };
        return Err(DomainError::new(format!(
            "cron schedule `{shown}` has {} field{}; expected 5 (minute hour day-of-month month day-of-week)",
            fields.len(),
            if fields.len() == 1 { "" } else { "s" }
        ))
        .maybe_help(help));
    }
    for (field, rules) in fields.iter().zip(CRON_FIELDS.iter()) {
        rules.check(field)?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    type Check = fn(&str) -> Result<(), DomainError>;

    fn assert_valid(check: Check, what: &str, inputs: &[&str]) {
        for input in inputs {
            if let Err(e) = check(input) {
                panic!(
                    "{what} {input:?} should be valid, got: {e} (help: {:?})",
                    e.help
                );
            }
        }
    }

    fn assert_invalid(check: Check, what: &str, cases: &[(&str, &str, Option<&str>)]) {
        for (input, message, help) in cases {
            match check(input) {
                Ok(()) => panic!("{what} {input:?} should be invalid"),
                Err(e) => {
                    assert_eq!(e.message, *message, "message for {what} {input:?}");
                    assert_eq!(e.help.as_deref(), *help, "help for {what} {input:?}");
                }
            }
        }
    }

    #[test]
    fn names_valid() {
        let long = "a".repeat(63);
        assert_valid(
            check_name,
            "name",
            &[
                "egov-user",
                "a",
                "0",
                "123-abc",
                "my-name",
                "a1b2",
                "x--y",
                &long,
            ],
        );
    }

    #[test]
    fn names_invalid() {
        let long = "a".repeat(64);
        let long_msg = "name `aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa` is 64 characters long; Kubernetes names are at most 63";
        assert_invalid(
            check_name,
            "name",
            &[
                ("", "name is empty; Kubernetes names need 1 to 63 characters", None),
                (&long, long_msg, None),
                (
                    "egov_user",
                    "name `egov_user` contains `_`; Kubernetes names may only contain lowercase letters, digits and `-`",
                    Some("did you mean `egov-user`?"),
                ),
                (
                    "Egov-User",
                    "name `Egov-User` has uppercase letters; Kubernetes names are lowercase",
                    Some("did you mean `egov-user`?"),
                ),
                (
                    "Egov_User",
                    "name `Egov_User` has uppercase letters; Kubernetes names are lowercase",
                    Some("did you mean `egov-user`?"),
                ),
                (
                    "egov.user",
                    "name `egov.user` contains `.`; Kubernetes names may only contain lowercase letters, digits and `-`",
                    Some("did you mean `egov-user`?"),
                ),
                (
                    "egov user",
                    "name `egov user` contains a space; Kubernetes names may only contain lowercase letters, digits and `-`",
                    Some("did you mean `egov-user`?"),
                ),
                (
                    "-egov",
                    "name `-egov` must start with a letter or digit",
                    Some("did you mean `egov`?"),
                ),
                (
                    "egov-",
                    "name `egov-` must end with a letter or digit",
                    Some("did you mean `egov`?"),
                ),
                (
                    "egov@user",
                    "name `egov@user` contains `@`; Kubernetes names may only contain lowercase letters, digits and `-`",
                    None,
                ),
                (
                    "team/app",
                    "name `team/app` contains `/`; Kubernetes names may only contain lowercase letters, digits and `-`",
                    Some("did you mean `team-app`?"),
                ),
                (
                    "-",
                    "name `-` must start with a letter or digit",
                    None,
                ),
                (
                    "_",
                    "name `_` contains `_`; Kubernetes names may only contain lowercase letters, digits and `-`",
                    None,
                ),
                (
                    "é",
                    "name `é` contains `é`; Kubernetes names may only contain lowercase letters, digits and `-`",
                    None,
                ),
                (
                    &"é".repeat(40),
                    &format!("name `{}` contains `é`; Kubernetes names may only contain lowercase letters, digits and `-`", "é".repeat(40)),
                    None,
                ),
                (
                    "a\nb",
                    "name `a\\nb` contains `\\n`; Kubernetes names may only contain lowercase letters, digits and `-`",
                    None,
                ),
            ],
        );
    }

    #[test]
    fn subdomains() {
        let long = format!("{}.{}", "a".repeat(126), "b".repeat(126));
        assert_valid(
            check_subdomain,
            "subdomain",
            &[
                "egov-user",
                "a.b.c",
                "digit.example.org",
                "1.2.3.4",
                &long,
                &"a".repeat(100),
            ],
        );
        assert_invalid(
            check_subdomain,
            "subdomain",
            &[
                ("", "name is empty; DNS subdomain names need 1 to 253 characters", None),
                (
                    &"a".repeat(254),
                    &format!("name `{}` is 254 characters long; DNS subdomain names are at most 253", "a".repeat(254)),
                    None,
                ),
                (
                    "a..b",
                    "name `a..b` has an empty part between dots, or a dot at an end",
                    Some("did you mean `a.b`?"),
                ),
                (
                    ".a",
                    "name `.a` has an empty part between dots, or a dot at an end",
                    Some("did you mean `a`?"),
                ),
                (
                    "a.-b",
                    "name `a.-b` has a part `-b` that does not start with a letter or digit",
                    Some("did you mean `a.b`?"),
                ),
                (
                    "a-.b",
                    "name `a-.b` has a part `a-` that does not end with a letter or digit",
                    Some("did you mean `a.b`?"),
                ),
                (
                    "My.App",
                    "name `My.App` has uppercase letters; DNS subdomain names are lowercase",
                    Some("did you mean `my.app`?"),
                ),
                (
                    "my_app.io",
                    "name `my_app.io` contains `_`; DNS subdomain names may only contain lowercase letters, digits, `-` and `.`",
                    Some("did you mean `my-app.io`?"),
                ),
            ],
        );
    }

    #[test]
    fn label_values() {
        assert_valid(
            check_label_value,
            "label value",
            &[
                "",
                "a",
                "egov-user",
                "Egov_User.v1",
                "1.4.0",
                "A",
                &"x".repeat(63),
            ],
        );
        assert_invalid(
            check_label_value,
            "label value",
            &[
                (
                    &"x".repeat(64),
                    &format!("label value `{}` is 64 characters long; label values are at most 63", "x".repeat(64)),
                    None,
                ),
                (
                    "v1.4.0+build",
                    "label value `v1.4.0+build` contains `+`; label values may only contain letters, digits, `-`, `_` and `.`",
                    Some("did you mean `v1.4.0-build`?"),
                ),
                (
                    "a b",
                    "label value `a b` contains a space; label values may only contain letters, digits, `-`, `_` and `.`",
                    Some("did you mean `a-b`?"),
                ),
                (
                    "_a",
                    "label value `_a` must start with a letter or digit",
                    Some("did you mean `a`?"),
                ),
                (
                    "a.",
                    "label value `a.` must end with a letter or digit",
                    Some("did you mean `a`?"),
                ),
                ("-", "label value `-` must start with a letter or digit", None),
            ],
        );
    }

    #[test]
    fn label_keys() {
        assert_valid(
            check_label_key,
            "label key",
            &[
                "app",
                "app.kubernetes.io/name",
                "example.com/My_Key",
                "a/b",
                "egov-user",
            ],
        );
        assert_invalid(
            check_label_key,
            "label key",
            &[
                ("", "label key name is empty; label key names need 1 to 63 characters", None),
                (
                    "a/b/c",
                    "label key `a/b/c` has more than one `/`; keys are `name` or `prefix/name`",
                    Some("did you mean `a/b-c`?"),
                ),
                (
                    "/name",
                    "label key `/name` has an empty prefix before `/`",
                    Some("did you mean `name`?"),
                ),
                (
                    "example.com/",
                    "label key name is empty; label key names need 1 to 63 characters",
                    None,
                ),
                (
                    "Example.com/name",
                    "label key prefix `Example.com` has uppercase letters; prefixes are lowercase",
                    Some("did you mean `example.com/name`?"),
                ),
                (
                    "example.com/my key",
                    "label key name `my key` contains a space; label key names may only contain letters, digits, `-`, `_` and `.`",
                    Some("did you mean `example.com/my-key`?"),
                ),
                (
                    "-app",
                    "label key name `-app` must start with a letter or digit",
                    Some("did you mean `app`?"),
                ),
            ],
        );
    }

    #[test]
    fn ports() {
        for port in [1, 80, 443, 8080, 65535] {
            assert_eq!(check_port(port), Ok(()), "{port}");
        }
        for port in [0, -1, 65536, 100000, i64::MIN, i64::MAX] {
            let e = check_port(port).unwrap_err();
            assert_eq!(e.message, format!("port {port} is out of range 1-65535"));
            assert_eq!(e.help, None);
        }
    }

    #[test]
    fn env_names() {
        assert_valid(
            check_env_name,
            "env name",
            &[
                "A",
                "_",
                "SPRING_DATASOURCE_URL",
                "java_opts",
                "X1",
                "_1",
                "a",
            ],
        );
        assert_invalid(
            check_env_name,
            "env name",
            &[
                ("", "environment variable name is empty", None),
                (
                    "1FOO",
                    "environment variable name `1FOO` starts with a digit; names start with a letter or `_`",
                    None,
                ),
                (
                    "SPRING-URL",
                    "environment variable name `SPRING-URL` contains `-`; names may only contain letters, digits and `_`",
                    Some("did you mean `SPRING_URL`?"),
                ),
                (
                    "spring.datasource.url",
                    "environment variable name `spring.datasource.url` contains `.`; names may only contain letters, digits and `_`",
                    Some("did you mean `spring_datasource_url`?"),
                ),
                (
                    "A B",
                    "environment variable name `A B` contains a space; names may only contain letters, digits and `_`",
                    Some("did you mean `A_B`?"),
                ),
                (
                    "ÄRGER",
                    "environment variable name `ÄRGER` contains `Ä`; names may only contain letters, digits and `_`",
                    None,
                ),
            ],
        );
    }

    const SHA: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn images_valid() {
        let digest = format!("nginx@sha256:{SHA}");
        let tagged_digest = format!("docker.io/library/nginx:1.25@sha256:{SHA}");
        let sha512 = format!("repo@sha512:{SHA}{SHA}");
        let long_tag = format!("repo:{}", "t".repeat(128));
        assert_valid(
            check_image,
            "image",
            &[
                "nginx",
                "nginx:1.25",
                "nginx:latest",
                "egovio/egov-user:v1.4.0",
                "egovio/egov-user:v1.4.0-rc1_build.7",
                "docker.io/egovio/egov-user:v1.4.0",
                "registry:5000/path/repo:tag",
                "registry:5000/repo",
                "localhost:5000/repo:1",
                "localhost/repo",
                "Registry.Example.COM/team/app:1",
                "ghcr.io/org/sub/group/app:2024.01.02",
                "192.168.1.10:5000/app:v1",
                "[::1]:5000/app:v1",
                "[fe80::1]/app",
                "a/b__c/d-e/f.g/h---i:j",
                // an uppercase first component is a registry host, as for docker
                "Egovio/egov-user:v1",
                "registry:5000",
                "repo:_tag",
                "repo:TAG",
                &digest,
                &tagged_digest,
                &sha512,
                &long_tag,
            ],
        );
    }

    #[test]
    fn images_invalid() {
        let short = format!("nginx@sha256:{}", &SHA[1..]);
        let short_msg = "image digest in `nginx@sha256:123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef` has 63 hex digits; sha256 needs 64";
        let upper = format!("nginx@sha256:{}", SHA.to_ascii_uppercase());
        let upper_msg = format!("image digest in `{upper}` has uppercase hex digits");
        let upper_help = format!("write it in lowercase: `sha256:{SHA}`");
        let long_tag = format!("repo:{}", "t".repeat(129));
        let long_tag_msg = format!("image tag `{}` in `{long_tag}` is not valid; tags are 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`", "t".repeat(129));
        let long_name = "a".repeat(256);
        let long_name_msg = "image `".to_string()
            + &long_name
            + "` has a repository name of 256 characters; the limit is 255";
        assert_invalid(
            check_image,
            "image",
            &[
                (
                    "",
                    "image is empty; expected `registry/repo:tag`, `repo:tag` or `repo@sha256:<digest>`",
                    None,
                ),
                (
                    "egovio/Egov-User:v1",
                    "image `egovio/Egov-User:v1` has uppercase letters in its repository path; repository names are lowercase",
                    Some("did you mean `egovio/egov-user:v1`?"),
                ),
                (
                    "Nginx",
                    "image `Nginx` has uppercase letters in its repository path; repository names are lowercase",
                    Some("did you mean `nginx`?"),
                ),
                (
                    "Registry.io/Team/App:V1",
                    "image `Registry.io/Team/App:V1` has uppercase letters in its repository path; repository names are lowercase",
                    Some("did you mean `Registry.io/team/app:V1`?"),
                ),
                (
                    "egovio/egov user:v1",
                    "image `egovio/egov user:v1` contains whitespace",
                    None,
                ),
                (
                    " nginx:1 ",
                    "image ` nginx:1 ` contains whitespace",
                    Some("did you mean `nginx:1`?"),
                ),
                (
                    "https://ghcr.io/org/app:1",
                    "image `https://ghcr.io/org/app:1` starts with `https://`; images are not URLs",
                    Some("did you mean `ghcr.io/org/app:1`?"),
                ),
                (
                    "nginx:",
                    "image `nginx:` has an empty tag after `:`",
                    Some("add a tag such as `:v1.2.3`, or remove the `:`"),
                ),
                (
                    "nginx:.hidden",
                    "image tag `.hidden` in `nginx:.hidden` is not valid; tags are 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`",
                    None,
                ),
                (
                    "nginx:v1+build",
                    "image tag `v1+build` in `nginx:v1+build` is not valid; tags are 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`",
                    None,
                ),
                (&long_tag, &long_tag_msg, None),
                (
                    ":tag",
                    "image `:tag` has no repository name; expected `registry/repo:tag`, `repo:tag` or `repo@sha256:<digest>`",
                    None,
                ),
                (
                    "a//b",
                    "image `a//b` has an empty path component (`//`, or `/` at an end)",
                    None,
                ),
                (
                    "/nginx",
                    "image `/nginx` has an empty path component (`//`, or `/` at an end)",
                    None,
                ),
                (
                    "egovio/egov-indexer:v2.9.0:latest",
                    "image `egovio/egov-indexer:v2.9.0:latest` has two tags (`v2.9.0`, `latest`); an image has at most one `:tag`",
                    Some("did you mean `egovio/egov-indexer:v2.9.0`?"),
                ),
                (
                    "localhost:5000/a:latest:v1:",
                    "image `localhost:5000/a:latest:v1:` has 3 tags (`latest`, `v1`, ``); an image has at most one `:tag`",
                    Some("did you mean `localhost:5000/a:v1`?"),
                ),
                (
                    "egovio/-user:1",
                    "image `egovio/-user:1` has an invalid path component `-user`; use lowercase letters and digits separated by `.`, `_`, `__` or `-`",
                    None,
                ),
                (
                    "egovio/a___b",
                    "image `egovio/a___b` has an invalid path component `a___b`; use lowercase letters and digits separated by `.`, `_`, `__` or `-`",
                    None,
                ),
                (
                    "egovio/a._b",
                    "image `egovio/a._b` has an invalid path component `a._b`; use lowercase letters and digits separated by `.`, `_`, `__` or `-`",
                    None,
                ),
                (
                    "registry:port/app",
                    "image registry port `port` in `registry:port/app` must be a number",
                    None,
                ),
                (
                    "registry:/app",
                    "image registry port `` in `registry:/app` must be a number",
                    None,
                ),
                (
                    "bad_host.io/app",
                    "image registry host `bad_host.io` in `bad_host.io/app` is not a valid host name",
                    None,
                ),
                (
                    "-a.io/app",
                    "image registry host `-a.io` in `-a.io/app` is not a valid host name",
                    None,
                ),
                (
                    "[zz::1]/app",
                    "image registry `[zz::1]` in `[zz::1]/app` is not a valid IPv6 address",
                    None,
                ),
                (
                    "[::1/app",
                    "image registry `[::1` in `[::1/app` has an unclosed `[`",
                    None,
                ),
                (
                    "nginx@sha256",
                    "image digest `sha256` in `nginx@sha256` is not valid; expected `sha256:` followed by 64 lowercase hex digits",
                    None,
                ),
                (
                    "nginx@md5:0123456789abcdef0123456789abcdef",
                    "image digest algorithm `md5` in `nginx@md5:0123456789abcdef0123456789abcdef` is not supported; use `sha256`",
                    None,
                ),
                (
                    "nginx@sha256:xyz",
                    "image digest in `nginx@sha256:xyz` contains characters that are not hex digits; expected `sha256:` followed by 64 lowercase hex digits",
                    None,
                ),
                (&short, short_msg, None),
                (&upper, &upper_msg, Some(&upper_help)),
                (&long_name, &long_name_msg, None),
            ],
        );
    }

    #[test]
    fn image_tags() {
        let digest = format!("nginx:1@sha256:{SHA}");
        let cases = [
            ("nginx", ImageTag::Untagged),
            ("nginx:", ImageTag::Untagged),
            ("nginx:latest", ImageTag::Tagged("latest".into())),
            ("egovio/egov-user:v1.4.0", ImageTag::Tagged("v1.4.0".into())),
            ("registry:5000/path/repo", ImageTag::Untagged),
            (
                "registry:5000/path/repo:tag",
                ImageTag::Tagged("tag".into()),
            ),
            (
                "localhost:5000/repo:latest",
                ImageTag::Tagged("latest".into()),
            ),
            (digest.as_str(), ImageTag::Digest),
            ("", ImageTag::Untagged),
        ];
        for (input, want) in cases {
            assert_eq!(image_tag(input), want, "{input}");
        }
    }

    #[test]
    fn crons_valid() {
        assert_valid(
            check_cron,
            "cron",
            &[
                "* * * * *",
                "0 3 * * *",
                "*/5 * * * *",
                "0 0 1 1 *",
                "59 23 31 12 6",
                "0 9-17 * * 1-5",
                "0 9-17/2 * * MON-FRI",
                "0,15,30,45 * * * *",
                "5/15 * * * *",
                "0 0 * JAN,jul *",
                "0 0 * jan-Mar sun",
                "0 0 ? * *",
                "0 0 1 * ?",
                "  0 3 * * *  ",
                "0\t3 * * *",
                "*/1 * * * *",
                "0 0 1-31/7 * *",
                "@yearly",
                "@annually",
                "@monthly",
                "@weekly",
                "@daily",
                "@midnight",
                "@hourly",
            ],
        );
    }

    #[test]
    fn crons_invalid() {
        let fields = "expected 5 (minute hour day-of-month month day-of-week)";
        assert_invalid(
            check_cron,
            "cron",
            &[
                ("", "cron schedule is empty; expected five fields such as `0 3 * * *`", None),
                ("   ", "cron schedule is empty; expected five fields such as `0 3 * * *`", None),
                ("0 25 * * *", "hour 25 is out of range 0-23", None),
                ("60 * * * *", "minute 60 is out of range 0-59", None),
                ("* * 0 * *", "day-of-month 0 is out of range 1-31", None),
                ("* * 32 * *", "day-of-month 32 is out of range 1-31", None),
                ("* * * 13 *", "month 13 is out of range 1-12", None),
                ("* * * 0 *", "month 0 is out of range 1-12", None),
                ("* * * * 7", "day-of-week 7 is out of range 0-6", Some("use 0 (or SUN) for Sunday")),
                (
                    "99999999999999999999 * * * *",
                    "minute 99999999999999999999 is out of range 0-59",
                    None,
                ),
                ("0 1-30 * * *", "hour 30 is out of range 0-23", None),
                ("0 0,24 * * *", "hour 24 is out of range 0-23", None),
                ("x * * * *", "minute `x` is not a number", None),
                ("* * * FOO *", "month `FOO` is not a number or a month name (JAN-DEC)", None),
                ("* * * JANUARY *", "month `JANUARY` is not a number or a month name (JAN-DEC)", Some("did you mean `JAN`?")),
                ("* * * * MONDAY", "day-of-week `MONDAY` is not a number or a day name (SUN-SAT)", Some("did you mean `MON`?")),
                ("* * * * XYZ", "day-of-week `XYZ` is not a number or a day name (SUN-SAT)", None),
                ("* MON * * *", "hour `MON` is not a number", None),
                ("? * * * *", "minute `?` is not a number", None),
                ("*/0 * * * *", "minute step in `*/0` must be at least 1", None),
                ("*/x * * * *", "minute step `x` in `*/x` is not a number", None),
                ("*/ * * * *", "minute step `` in `*/` is not a number", None),
                ("*/5/2 * * * *", "minute step `5/2` in `*/5/2` is not a number", None),
                ("0 17-9 * * *", "hour range 17-9 starts after it ends", None),
                ("0 0 * * FRI-MON", "day-of-week range FRI-MON starts after it ends", None),
                ("-5 * * * *", "minute `-5` is not a valid range; write `a-b`", None),
                ("1-2-3 * * * *", "minute `1-2-3` is not a valid range; write `a-b`", None),
                ("1, * * * *", "minute field `1,` has an empty list item", None),
                ("0 3 * *", &format!("cron schedule `0 3 * *` has 4 fields; {fields}"), None),
                ("daily", &format!("cron schedule `daily` has 1 field; {fields}"), None),
                (
                    "0 0 3 * * *",
                    &format!("cron schedule `0 0 3 * * *` has 6 fields; {fields}"),
                    Some("Kubernetes schedules have no seconds field; did you mean `0 3 * * *`?"),
                ),
                (
                    "0 0 3 * * * 2024",
                    &format!("cron schedule `0 0 3 * * * 2024` has 7 fields; {fields}"),
                    None,
                ),
                (
                    "@fortnightly",
                    "unknown cron macro `@fortnightly`; valid macros are @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly",
                    None,
                ),
                (
                    "@Daily",
                    "unknown cron macro `@Daily`; valid macros are @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly",
                    Some("did you mean `@daily`?"),
                ),
                (
                    "@every 5m",
                    "unknown cron macro `@every 5m`; valid macros are @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly",
                    Some("`@every` is not supported; write five fields such as `*/5 * * * *`"),
                ),
                (
                    "TZ=UTC 0 3 * * *",
                    "cron schedule `TZ=UTC 0 3 * * *` sets a time zone; Kubernetes takes it from the CronJob's `timeZone` field",
                    None,
                ),
                (
                    "CRON_TZ=Asia/Kolkata 0 3 * * *",
                    "cron schedule `CRON_TZ=Asia/Kolkata 0 3 * * *` sets a time zone; Kubernetes takes it from the CronJob's `timeZone` field",
                    None,
                ),
            ],
        );
    }

    #[test]
    fn suggestions_always_pass() {
        let checks: [(Check, &[&str]); 6] = [
            (
                check_name,
                &["Egov_User", "a b c", "--x--", "A.B", "x\ty", "ÄB"],
            ),
            (check_subdomain, &["A..B", "My_App.IO", "-a-.-b-", "a. .b"]),
            (check_label_value, &["a b", "_x_", "v1+2", "ü-x"]),
            (check_label_key, &["Ex.com/a b", "/x", "x/_y"]),
            (check_env_name, &["a-b", "a.b", "x y"]),
            (check_image, &["Nginx:1", " a ", "http://a/b", "A/B:c"]),
        ];
        for (check, inputs) in checks {
            for input in inputs {
                let err = check(input).unwrap_err();
                if let Some(help) = err.help {
                    if let Some(candidate) = help
                        .strip_prefix("did you mean `")
                        .and_then(|h| h.strip_suffix("`?"))
                    {
                        assert_eq!(
                            check(candidate),
                            Ok(()),
                            "suggestion {candidate:?} for {input:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn no_panic_on_odd_input() {
        let inputs = [
            "",
            " ",
            "@",
            ":",
            "/",
            "//",
            "@@",
            "::",
            "[",
            "]",
            "[]",
            "[:]/a",
            "a@",
            "a@:",
            "a:@",
            "é",
            "日本",
            "\u{0}",
            "a/b:c@d:e",
            "-",
            ",",
            "*/",
            "/5",
            "-/-",
            "*-*",
            "@:/",
            "a:b:c/d",
            "x\u{301}",
            "\u{202e}abc",
        ];
        let checks: [Check; 7] = [
            check_name,
            check_subdomain,
            check_label_value,
            check_label_key,
            check_env_name,
            check_image,
            check_cron,
        ];
        for check in checks {
            for input in inputs {
                let _ = check(input);
            }
        }
        for input in inputs {
            let _ = image_tag(input);
        }
    }

    #[test]
    fn fuzz_no_panics_and_suggestions_pass() {
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        let alphabet: Vec<char> = "aZ09-_./:@*,?# \té[]".chars().collect();
        let checks: [Check; 7] = [
            check_name,
            check_subdomain,
            check_label_value,
            check_label_key,
            check_env_name,
            check_image,
            check_cron,
        ];
        for _ in 0..20_000 {
            let mut input = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = state % 12;
            for i in 0..len {
                let index = (state >> (i * 5)) % alphabet.len() as u64;
                input.push(alphabet[index as usize]);
            }
            for check in checks {
                if let Err(e) = check(&input) {
                    assert!(!e.message.contains('\n'), "{input:?}: {}", e.message);
                    if let Some(candidate) = e
                        .help
                        .as_deref()
                        .and_then(|h| h.strip_prefix("did you mean `"))
                        .and_then(|h| h.strip_suffix("`?"))
                    {
                        assert_eq!(check(candidate), Ok(()), "{input:?} -> {candidate:?}");
                    }
                }
            }
            let _ = image_tag(&input);
        }
    }
}
