//! Rules on services: each service's own values (variables, secrets,
//! paths, replicas) and enabled services against each other (names,
//! ingress paths).

use super::{join, one_of, Rules};
use crate::lower::model::{SecretRef, Service};
use digit_lang::{Diagnostic, Span};
use indexmap::IndexMap;
use std::collections::HashMap;

pub(super) fn check(r: &mut Rules<'_>) {
    let mut missing = Missing::default();
    for (key, svc) in &r.env.services {
        let at = join("services", key);
        context_path(r, &at, svc);
        variables(r, &at, key, svc);
        secret_env(r, &at, svc);
        referenced_groups(r, &at, key, svc, &mut missing);
        config_keys(r, &at, key, svc, &mut missing);
        autoscale(r, &at, svc);
    }
    missing.report(r);
    names(r);
    ingress_paths(r);
}

/// A context path is an absolute URL path: the Ingress and the probes put
/// it after the host.
fn context_path(r: &mut Rules<'_>, at: &str, svc: &Service) {
    if svc.context_path.starts_with('/') {
        return;
    }
    let d = Diagnostic::error(
        "E0757",
        r.at(&format!("{at}.context_path")),
        format!(
            "context path `{}` does not start with `/`",
            svc.context_path
        ),
    )
    .with_label("a URL path starts with `/`")
    .with_help(format!("write `context_path = \"/{}\"`", svc.context_path));
    r.report(d);
}

/// `env` names must be variable names; a name set twice (in `env` and
/// `secret_env` or `config_env`) keeps only one value; a password in plain
/// `env` ends up in the Deployment for anyone who can read it.
fn variables(r: &mut Rules<'_>, at: &str, key: &str, svc: &Service) {
    // Paths are spelled only for a finding: a platform has tens of
    // thousands of variables, nearly all fine.
    let env_at = |name: &str| join(&join(at, "env"), name);
    for (name, value) in &svc.env {
        if let Err(e) = crate::domain::check_env_name(name) {
            let path = env_at(name);
            let mut d = Diagnostic::error(
                "E0759",
                r.at(&path),
                format!("`{name}` is not a valid environment variable name"),
            )
            .with_label(e.message)
            .with_help(match e.help {
                Some(h) => format!("{h} (names are C identifiers, UPPER_SNAKE_CASE by convention: letters, digits and `_`, not starting with a digit)"),
                None => "rename it to a C identifier, UPPER_SNAKE_CASE by convention: letters, digits and `_`, not starting with a digit".into(),
            });
            d = d.with_note("Kubernetes 1.33 accepts other names only behind the RelaxedEnvironmentVariableValidation feature gate, and many images cannot read them");
            r.report(d);
            continue;
        }
        if svc.secret_env.contains_key(name) {
            let path = env_at(name);
            let secret_at = join(&join(at, "secret_env"), name);
            let d = Diagnostic::error(
                "E0758",
                r.at(&path),
                format!("`{name}` is set in both `env` and `secret_env`"),
            )
            .with_label("a plain value here")
            .with_secondary(
                r.at(&secret_at),
                "and `secret_env` reads the secret defined here",
            )
            .with_help(format!(
                "remove `{name}` from `env`: the container gets one value, the secret"
            ));
            r.report(d);
            continue;
        }
        let config_at = || join(&join(at, "config_env"), name);
        if svc.config_env.contains_key(name) && r.is_written(&config_at()) {
            let path = env_at(name);
            let config_at = config_at();
            let d = Diagnostic::error(
                "E0758",
                r.at(&path),
                format!("`{name}` is set in both `env` and `config_env`"),
            )
            .with_label("a plain value here")
            .with_secondary(r.at(&config_at), "and read from `egov-config` here")
            .with_help(format!(
                "keep one of them: remove `{name}` from `env` or from `config_env`"
            ));
            r.report(d);
            continue;
        }
        if !value.is_empty() && looks_secret(name) {
            let path = env_at(name);
            let group = key;
            let secret_key = name.to_ascii_lowercase().replace('_', "-");
            let d = Diagnostic::warning(
                "W0752",
                r.at(&path),
                format!("`{name}` looks like a secret, but is a plain `env` value"),
            )
            .with_label("stored in plain text in the Deployment")
            .with_help(format!(
                "encrypt it: `digitc secret set {} {group}.{secret_key}` (reads the value from stdin), then move it: `secret_env {{ {name} = secrets.{}.{} }}`",
                r.entry_file(),
                crate::value::path_segment(group),
                crate::value::path_segment(&secret_key),
            ));
            r.report(d);
        }
    }
    for name in svc.config_env.keys() {
        if !svc.secret_env.contains_key(name) {
            continue;
        }
        let config_at = join(&join(at, "config_env"), name);
        if r.is_written(&config_at) {
            let secret_at = join(&join(at, "secret_env"), name);
            let d = Diagnostic::error(
                "E0758",
                r.at(&config_at),
                format!("`{name}` is set in both `config_env` and `secret_env`"),
            )
            .with_label("read from `egov-config` here")
            .with_secondary(
                r.at(&secret_at),
                "and `secret_env` reads the secret defined here",
            )
            .with_help(format!(
                "remove `{name}` from `config_env`: the container gets one value, the secret"
            ));
            r.report(d);
        }
    }
}

/// True for names whose last word names a secret: `DB_PASSWORD`,
/// `CLIENT_SECRET`, `AUTH_TOKEN`, `AWS_SECRET_ACCESS_KEY`. Names where such
/// a word is followed by another (`ACCESS_TOKEN_VALIDITY`,
/// `PASSWORD_MIN_LENGTH`) describe a setting, not a secret.
fn looks_secret(name: &str) -> bool {
    let last = name
        .rsplit(['_', '-', '.'])
        .find(|w| !w.is_empty())
        .unwrap_or(name);
    [
        "PASSWORD",
        "PASSWD",
        "PWD",
        "SECRET",
        "TOKEN",
        "KEY",
        "APIKEY",
        "CREDENTIALS",
    ]
    .iter()
    .any(|w| w.eq_ignore_ascii_case(last))
}

/// Each `secret_env` value must be a secret stored under `secrets`: the
/// Deployment reads it with a `secretKeyRef` into that group's Secret.
fn secret_env(r: &mut Rules<'_>, at: &str, svc: &Service) {
    for (name, secret) in &svc.secret_env {
        let path = join(&join(at, "secret_env"), name);
        if stored(r, secret).is_some() {
            continue;
        }
        let d = Diagnostic::error(
            "E0756",
            r.at(&path),
            format!("`secret_env.{name}` is not a secret stored under `secrets`"),
        )
        .with_label("a `secret_env` value refers to `secrets.GROUP.KEY`")
        .with_help(format!(
            "store it under `secrets` (`digitc secret set {} GROUP.KEY` reads it from stdin), then write `{name} = secrets.GROUP.KEY`",
            r.entry_file()
        ));
        r.report(d);
    }
}

/// The group and key a secret reference names under `secrets`, if they
/// exist there.
fn stored<'e>(r: &Rules<'e>, secret: &SecretRef) -> Option<(&'e str, &'e str)> {
    let (group, key) = secret.group_key()?;
    let (g, keys) = r.env.secrets.get_key_value(group)?;
    let (k, _) = keys.get_key_value(key)?;
    Some((g.as_str(), k.as_str()))
}

/// Secret groups and ConfigMap keys that are used but missing. One missing
/// thing is one mistake, however many services use it, so each is reported
/// once, at the first use the user wrote.
#[derive(Default)]
struct Missing {
    /// (group, its missing keys, or none for a missing group) -> uses.
    secrets: IndexMap<(String, Option<Vec<String>>), Vec<Use>>,
    /// `egov-config` key -> uses.
    config: IndexMap<String, Vec<Use>>,
}

struct Use {
    service: String,
    /// `migration`, `git_sync` or the variable.
    what: String,
    span: Span,
    written: bool,
}

/// `migration.secret` and `git_sync.secret` name a secrets group with
/// fixed keys.
fn referenced_groups(r: &mut Rules<'_>, at: &str, key: &str, svc: &Service, missing: &mut Missing) {
    let mut uses = Vec::new();
    if let Some(m) = &svc.migration {
        uses.push((
            "migration",
            m.secret.as_str(),
            &["flyway-username", "flyway-password"][..],
        ));
    }
    if let Some(g) = &svc.git_sync {
        uses.push(("git_sync", g.secret.as_str(), &["ssh", "known_hosts"][..]));
    }
    for (field, group, keys) in uses {
        let path = format!("{}.secret", join(at, field));
        let use_ = |r: &Rules<'_>| Use {
            service: key.to_string(),
            what: format!("`{field}`"),
            span: r.at(&path),
            written: r.is_written(&path),
        };
        match r.env.secrets.get(group) {
            None => missing
                .secrets
                .entry((group.to_string(), None))
                .or_default()
                .push(use_(r)),
            Some(have) => {
                let absent: Vec<String> = keys
                    .iter()
                    .filter(|k| !have.contains_key(**k))
                    .map(|k| k.to_string())
                    .collect();
                if !absent.is_empty() {
                    missing
                        .secrets
                        .entry((group.to_string(), Some(absent)))
                        .or_default()
                        .push(use_(r));
                }
            }
        }
    }
}

/// `config_env` reads keys of `egov-config`: `global`'s, and those the
/// lowering adds from `db` and `ingress`.
fn config_keys(r: &mut Rules<'_>, at: &str, key: &str, svc: &Service, missing: &mut Missing) {
    for (name, config_key) in &svc.config_env {
        if r.env.global.contains_key(config_key) || ADDED_KEYS.contains(&config_key.as_str()) {
            continue;
        }
        let path = join(&join(at, "config_env"), name);
        missing
            .config
            .entry(config_key.clone())
            .or_default()
            .push(Use {
                service: key.to_string(),
                what: format!("`{name}`"),
                span: r.at(&path),
                written: r.is_written(&path),
            });
    }
}

/// Keys of `egov-config` the lowering adds to `global`'s.
const ADDED_KEYS: &[&str] = &crate::lower::config::DERIVED_KEYS;

impl Missing {
    fn report(self, r: &mut Rules<'_>) {
        for ((group, key), uses) in self.secrets {
            let groups: Vec<&str> = r.env.secrets.keys().map(String::as_str).collect();
            let (message, label, help) = match &key {
                None => (
                    format!("there is no secrets group `{group}`"),
                    format!("{} reads the group `{group}`", uses[0].what),
                    match crate::suggest::best(&group, groups.iter().copied()) {
                        Some(g) => format!("did you mean `{g}`?"),
                        None if groups.is_empty() => {
                            "`secrets` is empty: add the group with `digitc secret set`".to_string()
                        }
                        None => format!("the groups are {}", one_of(&groups)),
                    },
                ),
                Some(absent) => {
                    let keys: Vec<&str> = r
                        .env
                        .secrets
                        .get(&group)
                        .map(|g| g.keys().map(String::as_str).collect())
                        .unwrap_or_default();
                    let commands: Vec<String> = absent
                        .iter()
                        .map(|k| format!("`digitc secret set {} {group}.{k}`", r.entry_file()))
                        .collect();
                    let near: Vec<String> = absent
                        .iter()
                        .filter_map(|k| {
                            crate::suggest::best(k, keys.iter().copied())
                                .map(|n| format!("`{n}` must be named `{k}`"))
                        })
                        .collect();
                    let mut help = if let [one] = commands.as_slice() {
                        format!("add it: {one} (reads the value from stdin)")
                    } else {
                        format!(
                            "add them: {} (each reads the value from stdin)",
                            commands.join(", ")
                        )
                    };
                    if !near.is_empty() {
                        help = format!("{}; or rename: {help}", near.join(", "));
                    }
                    let shown: Vec<&str> = absent.iter().map(String::as_str).collect();
                    (
                        format!(
                            "secrets group `{group}` has no key {}",
                            one_of(&shown).replace(", ", " or ")
                        ),
                        format!(
                            "{} reads {}",
                            uses[0].what,
                            one_of(&shown).replace(", ", " and ")
                        ),
                        help,
                    )
                }
            };
            report_uses(
                r,
                "E0756",
                &uses,
                message,
                label,
                help,
                Also::Group(format!("secrets.{}", crate::value::path_segment(&group))),
            );
        }
        for (key, uses) in self.config {
            let keys: Vec<&str> = r
                .env
                .global
                .keys()
                .map(String::as_str)
                .chain(ADDED_KEYS.iter().copied())
                .collect();
            let label = if uses[0].written {
                format!("{} reads the key `{key}`", uses[0].what)
            } else {
                format!(
                    "`egov-config` is made from `global`; the default `config_env` of every service reads `{key}` (as {})",
                    uses[0].what
                )
            };
            let help = match crate::suggest::best(&key, keys.iter().copied()) {
                Some(near) => format!(
                    "did you mean `{near}`? Otherwise add `\"{key}\" = \"...\"` to `global`"
                ),
                None => format!(
                    "add `\"{key}\" = \"...\"` to `global`, or read another key in `config_env`"
                ),
            };
            report_uses(
                r,
                "E0764",
                &uses,
                format!("`egov-config` has no key `{key}`"),
                label,
                help,
                if uses[0].written {
                    Also::Nothing
                } else {
                    Also::At(r.at("global"))
                },
            );
        }
    }
}

/// Where a missing-thing diagnostic points besides its uses.
enum Also {
    Nothing,
    /// The secrets group at this path, labelled when it exists.
    Group(String),
    /// The primary place instead of the first use (`global`, when every
    /// use is a standard-library default).
    At(Span),
}

/// One diagnostic for a missing thing: at the first use the user wrote
/// (else at the first use), with the other uses as labels or a count.
fn report_uses(
    r: &mut Rules<'_>,
    code: &'static str,
    uses: &[Use],
    message: String,
    label: String,
    help: String,
    also: Also,
) {
    let Some(first) = uses.iter().find(|u| u.written).or(uses.first()) else {
        return;
    };
    let primary = match also {
        Also::At(span) => span,
        _ => first.span,
    };
    let mut d = Diagnostic::error(code, primary, message)
        .with_label(label)
        .with_help(help);
    if let Also::Group(p) = &also {
        if r.input.span(p).is_some() {
            d = d.with_secondary(r.at(p), "the group is defined here");
        }
    }
    let others: Vec<&Use> = uses.iter().filter(|u| u.span != primary).collect();
    for u in others.iter().take(3) {
        let read = if u.span == first.span { "" } else { "also " };
        d = d.with_secondary(
            u.span,
            format!("{read}read by {} of `{}`", u.what, u.service),
        );
    }
    let services: Vec<&str> = {
        let mut seen: Vec<&str> = uses.iter().map(|u| u.service.as_str()).collect();
        seen.dedup();
        seen
    };
    if services.len() > 1 {
        d = d.with_note(format!(
            "read by {} services: {}",
            services.len(),
            one_of(&services)
        ));
    }
    r.report(d);
}

/// With an autoscaler, `replicas` is the starting size; outside
/// `min..max` the autoscaler changes it at once.
fn autoscale(r: &mut Rules<'_>, at: &str, svc: &Service) {
    let Some(a) = &svc.autoscale else { return };
    let (bound, field, word) = if svc.replicas < a.min {
        (a.min, "min", "below")
    } else if svc.replicas > a.max {
        (a.max, "max", "above")
    } else {
        return;
    };
    let d = Diagnostic::error(
        "E0763",
        r.at(&format!("{at}.replicas")),
        format!(
            "`replicas` ({}) is {word} `autoscale.{field}` ({bound})",
            svc.replicas
        ),
    )
    .with_label(format!(
        "the autoscaler keeps between {} and {} pods",
        a.min, a.max
    ))
    .with_secondary(
        r.at(&format!("{at}.autoscale.{field}")),
        format!("autoscale.{field} is {bound} here"),
    )
    .with_help(format!(
        "set `replicas = {bound}`, or change `autoscale.{field}`"
    ));
    r.report(d);
}

/// Enabled services become Deployments and Services named by `name`: two
/// with one name would overwrite each other.
fn names(r: &mut Rules<'_>) {
    let mut first: HashMap<&str, &str> = HashMap::new();
    for (key, svc) in r.env.services.iter().filter(|(_, s)| s.enabled) {
        let Some(&other) = first.get(svc.name.as_str()) else {
            first.insert(&svc.name, key);
            continue;
        };
        let here = format!("{}.name", join("services", key));
        let there = format!("{}.name", join("services", other));
        let d = Diagnostic::error(
            "E0755",
            r.at(&here),
            format!("services `{other}` and `{key}` are both named `{}`", svc.name),
        )
        .with_label(format!("`{key}` is named `{}`", svc.name))
        .with_secondary(r.at(&there), format!("so is `{other}`"))
        .with_help("give one of them another `name`: each becomes a Deployment and a Service of that name, and the second would replace the first");
        r.report(d);
    }
}

/// Enabled services routed through the ingress need paths of their own.
fn ingress_paths(r: &mut Rules<'_>) {
    let mut first: HashMap<&str, &str> = HashMap::new();
    for (key, svc) in r
        .env
        .services
        .iter()
        .filter(|(_, s)| s.enabled && s.ingress)
    {
        if !svc.context_path.starts_with('/') {
            continue;
        }
        let path = svc.context_path.trim_end_matches('/');
        let path = if path.is_empty() { "/" } else { path };
        let Some(&other) = first.get(path) else {
            first.insert(path, key);
            continue;
        };
        let here = format!("{}.context_path", join("services", key));
        let there = format!("{}.context_path", join("services", other));
        let d = Diagnostic::error(
            "E0754",
            r.at(&here),
            format!("services `{other}` and `{key}` are both on the ingress path `{path}`"),
        )
        .with_label(format!("`{key}` is served at `{path}`"))
        .with_secondary(r.at(&there), format!("`{other}` is served at `{path}` too"))
        .with_help("give one of them another `context_path`, or set `ingress = false` on the one the ingress should not route to");
        r.report(d);
    }
}

#[cfg(test)]
mod tests {
    use super::looks_secret;

    #[test]
    fn secret_names() {
        for yes in [
            "DB_PASSWORD",
            "CLIENT_SECRET",
            "AUTH_TOKEN",
            "AWS_SECRET_ACCESS_KEY",
            "API_KEY",
            "PASSWORD",
        ] {
            assert!(looks_secret(yes), "{yes}");
        }
        for no in [
            "ACCESS_TOKEN_VALIDITY",
            "PASSWORD_MIN_LENGTH",
            "KEY_SERIALIZER",
            "EGOV_USER_HOST",
            "SECRETARY",
        ] {
            assert!(!looks_secret(no), "{no}");
        }
    }
}
