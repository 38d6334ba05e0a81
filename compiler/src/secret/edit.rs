//! Editing a file's secrets in place, through its syntax tree: find where
//! `secrets.GROUP.KEY` is assigned, replace just that value, or insert a
//! member into the nearest enclosing `secrets` block. Every other byte of
//! the file stays as it was.
//!
//! The forms understood are the ones people write:
//!
//! ```txt
//! secrets { db { password = secret("dg1:...") } }
//! secrets.db.password = secret("dg1:...")
//! secrets.db { password = secret("dg1:...") }
//! secrets = { db = { password = secret("dg1:...") } }
//! ```

use super::envelope::{Envelope, SALT_LEN};
use digit_lang::ast::{Body, Expr, ExprKind, Item, Key, MemberKind, Module};
use digit_lang::Span;

/// An assignment directly at `secrets.GROUP.KEY`.
#[derive(Clone, Debug)]
pub struct Site {
    pub group: String,
    pub key: String,
    /// The whole assigned expression.
    pub value: Span,
    /// When the value is `secret("...")` with a literal argument: the
    /// argument's text and the span of the literal (quotes included).
    pub envelope: Option<(String, Span)>,
}

impl Site {
    /// The secret's additional authenticated data, `group.key`.
    pub fn path(&self) -> String {
        super::aad_path(&self.group, &self.key)
    }
}

/// What a module holds of `secrets`: every assignment site, and every body
/// that members of `secrets` or of one group may be inserted into.
#[derive(Debug, Default)]
pub struct Secrets {
    pub sites: Vec<Site>,
    /// Bodies by their path: `["secrets"]` or `["secrets", group]`.
    containers: Vec<(Vec<String>, Span, Option<Span>)>,
}

impl Secrets {
    /// Reads the `secrets` of a parsed module.
    pub fn of(module: &Module) -> Secrets {
        let mut out = Secrets::default();
        for item in &module.items {
            if let Item::Member(m) = item {
                out.member(&m.kind, &[]);
            }
        }
        out
    }

    /// The salt to encrypt a new value of this file with: the one its
    /// envelopes already use (the most common, if several), if any.
    pub fn salt(&self) -> Option<[u8; SALT_LEN]> {
        let mut counts: Vec<([u8; SALT_LEN], usize)> = Vec::new();
        for (text, _) in self.sites.iter().filter_map(|s| s.envelope.as_ref()) {
            let Ok(e) = Envelope::parse(text) else {
                continue;
            };
            match counts.iter_mut().find(|(s, _)| *s == e.salt) {
                Some((_, n)) => *n += 1,
                None => counts.push((e.salt, 1)),
            }
        }
        counts.into_iter().max_by_key(|(_, n)| *n).map(|(s, _)| s)
    }

    fn member(&mut self, kind: &MemberKind, prefix: &[String]) {
        match kind {
            MemberKind::Assign { path, value } => {
                let Some(full) = extend(prefix, path) else {
                    return;
                };
                if is_site(&full) {
                    self.sites.push(site(&full, value));
                } else if is_container(&full) {
                    if let ExprKind::Record(body) = &value.kind {
                        self.body(body, full);
                    }
                }
            }
            MemberKind::Amend { path, body } => {
                let Some(full) = extend(prefix, path) else {
                    return;
                };
                if is_container(&full) {
                    self.body(body, full);
                }
            }
            _ => {}
        }
    }

    fn body(&mut self, body: &Body, path: Vec<String>) {
        let last = body.members.last().map(|m| m.span);
        for m in &body.members {
            self.member(&m.kind, &path);
        }
        self.containers.push((path, body.span, last));
    }
}

fn extend(prefix: &[String], path: &[Key]) -> Option<Vec<String>> {
    let mut full = prefix.to_vec();
    for k in path {
        full.push(k.as_static()?.to_string());
    }
    Some(full)
}

fn is_site(full: &[String]) -> bool {
    full.len() == 3 && full[0] == "secrets"
}

fn is_container(full: &[String]) -> bool {
    !full.is_empty() && full.len() < 3 && full[0] == "secrets"
}

fn site(full: &[String], value: &Expr) -> Site {
    let envelope = match &value.kind {
        ExprKind::Call { func, args } if func.name == "secret" => match args.as_slice() {
            [Expr {
                kind: ExprKind::Str(lit),
                span,
            }] if !lit.multiline => lit.as_plain().map(|t| (t.to_string(), *span)),
            _ => None,
        },
        _ => None,
    };
    Site {
        group: full[1].clone(),
        key: full[2].clone(),
        value: value.span,
        envelope,
    }
}

/// A key as written in source: bare when it is an identifier that is not a
/// keyword, quoted otherwise.
pub fn source_key(key: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "amends", "import", "as", "schema", "type", "let", "for", "in", "if", "then", "else",
        "check", "true", "false", "none",
    ];
    let ident = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if ident && !KEYWORDS.contains(&key) {
        return key.to_string();
    }
    let mut out = String::from("\"");
    for c in key.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("\\$"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` with `secrets.GROUP.KEY` set to `secret("ENVELOPE")`: the last
/// assignment's value replaced, or a member added to the innermost
/// enclosing `secrets` body, or a `secrets` block appended to the file.
pub fn set(text: &str, secrets: &Secrets, group: &str, key: &str, envelope: &str) -> String {
    let call = format!("secret(\"{envelope}\")");
    if let Some(s) = secrets
        .sites
        .iter()
        .filter(|s| s.group == group && s.key == key)
        .max_by_key(|s| s.value.start)
    {
        return splice(text, s.value, &call);
    }
    let member = format!("{} = {call}", source_key(key));
    let find = |path: &[&str]| {
        secrets
            .containers
            .iter()
            .filter(|(p, _, _)| p.iter().map(String::as_str).eq(path.iter().copied()))
            .max_by_key(|(_, span, _)| span.start)
    };
    if let Some((_, body, last)) = find(&["secrets", group]) {
        return insert(text, *body, *last, &[member]);
    }
    let block = [
        format!("{} {{", source_key(group)),
        format!("  {member}"),
        "}".to_string(),
    ];
    if let Some((_, body, last)) = find(&["secrets"]) {
        return insert(text, *body, *last, &block);
    }
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
    out.push_str("secrets {\n");
    for line in &block {
        out.push_str(&format!("  {line}\n"));
    }
    out.push_str("}\n");
    out
}

/// `text` with `span` replaced by `with`.
pub fn splice(text: &str, span: Span, with: &str) -> String {
    let (start, end) = (span.start as usize, span.end as usize);
    format!("{}{with}{}", &text[..start], &text[end..])
}

/// The whitespace that starts the line holding byte `at`.
fn indent_of(text: &str, at: usize) -> &str {
    let line = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let rest = &text[line..];
    &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()]
}

/// `lines` inserted as members of the body `body` (braces included), after
/// its last member `last`, each on its own line, indented like that member.
fn insert(text: &str, body: Span, last: Option<Span>, lines: &[String]) -> String {
    let (at, indent) = match last {
        Some(m) => {
            let indent = indent_of(text, m.start as usize);
            // A one-line body (`db { host = "x" }`): indent one step more
            // than its line.
            let own_line = text[..m.start as usize]
                .rsplit('\n')
                .next()
                .is_some_and(|l| l.trim().is_empty());
            let indent = if own_line {
                indent.to_string()
            } else {
                format!("{indent}  ")
            };
            // After a trailing comment on the member's line, if any.
            let end = m.end as usize;
            let eol = text[end..].find('\n').map_or(text.len(), |i| end + i);
            let rest = text[end..eol].trim();
            let at = if rest.is_empty() || rest.starts_with("//") {
                eol
            } else {
                end
            };
            (at, indent)
        }
        None => {
            let close = (body.end as usize).saturating_sub(1);
            (close, format!("{}  ", indent_of(text, body.start as usize)))
        }
    };
    let mut added = String::new();
    for line in lines {
        added.push('\n');
        added.push_str(&indent);
        added.push_str(line);
    }
    if last.is_none() {
        // An empty body: the closing brace goes on its own line.
        added.push('\n');
        added.push_str(indent.strip_suffix("  ").unwrap_or(""));
        let before = text[..at].trim_end_matches([' ', '\t', '\n']);
        return format!("{before}{added}{}", &text[at..]);
    }
    format!("{}{added}{}", &text[..at], &text[at..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use digit_lang::FileId;

    fn set_in(text: &str, group: &str, key: &str) -> String {
        let parse = digit_lang::parse(FileId(0), text);
        assert!(parse.diagnostics.is_empty(), "{:?}", parse.diagnostics);
        let out = set(text, &Secrets::of(&parse.module), group, key, "dg1:NEW");
        let again = digit_lang::parse(FileId(0), &out);
        assert!(
            again.diagnostics.is_empty(),
            "{out}\n{:?}",
            again.diagnostics
        );
        let s = Secrets::of(&again.module);
        let site = s
            .sites
            .iter()
            .find(|s| s.group == group && s.key == key)
            .unwrap_or_else(|| panic!("no site in\n{out}"));
        assert_eq!(site.envelope.as_ref().unwrap().0, "dg1:NEW");
        out
    }

    const FILE: &str = "name = \"qa\" // keep\n\nsecrets {\n  db {\n    username = secret(\"dg1:OLD1\")\n    password = secret(\"dg1:OLD2\") // note\n  }\n}\n\nlater = 1\n";

    #[test]
    fn replaces_only_the_value() {
        let out = set_in(FILE, "db", "password");
        assert_eq!(out, FILE.replace("dg1:OLD2", "dg1:NEW"));
    }

    #[test]
    fn adds_a_key_to_a_group() {
        let out = set_in(FILE, "db", "flyway-password");
        assert_eq!(
            out,
            FILE.replace(
                "// note\n",
                "// note\n    \"flyway-password\" = secret(\"dg1:NEW\")\n"
            )
        );
    }

    #[test]
    fn adds_a_group() {
        let out = set_in(FILE, "egov-filestore", "key");
        assert!(out.starts_with(FILE.split("\n}\n").next().unwrap()));
        assert!(
            out.contains(
                "  }\n  \"egov-filestore\" {\n    key = secret(\"dg1:NEW\")\n  }\n}\n\nlater = 1\n"
            ),
            "{out}"
        );
    }

    #[test]
    fn adds_a_secrets_block_and_reads_other_forms() {
        let out = set_in("name = \"qa\"\n", "db", "password");
        assert_eq!(
            out,
            "name = \"qa\"\n\nsecrets {\n  db {\n    password = secret(\"dg1:NEW\")\n  }\n}\n"
        );
        let dotted = "secrets.db.password = secret(\"dg1:A\")\n";
        assert_eq!(
            set_in(dotted, "db", "password"),
            "secrets.db.password = secret(\"dg1:NEW\")\n"
        );
        let record = "secrets = { db = { password = secret(\"dg1:A\") } }\n";
        let out = set_in(record, "db", "user");
        assert!(out.contains("secret(\"dg1:A\")"), "{out}");
        let empty = "secrets {}\n";
        assert_eq!(
            set_in(empty, "db", "password"),
            "secrets {\n  db {\n    password = secret(\"dg1:NEW\")\n  }\n}\n"
        );
        let plain = "secrets.db { password = \"hunter2\" }\n";
        assert_eq!(
            set_in(plain, "db", "password"),
            "secrets.db { password = secret(\"dg1:NEW\") }\n"
        );
    }
}
