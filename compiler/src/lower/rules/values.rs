//! Rules on single values the types let through: the domain, ConfigMap
//! keys, sizes and heaps, image tags.

use super::{join, Rules};
use crate::domain::{image_tag, ImageTag};
use crate::lower::model::Resources;
use crate::quantity::Quantity;
use digit_lang::Diagnostic;

pub(super) fn check(r: &mut Rules<'_>) {
    domain(r);
    config_map_keys(r);
    sizes(r);
    images(r);
}

/// `domain` is the Ingress host: a bare host name.
fn domain(r: &mut Rules<'_>) {
    let written = r.env.domain.as_str();
    let host = bare_host(written);
    let at = r.at("domain");
    if host != written {
        let d = Diagnostic::error(
            "E0761",
            at,
            format!("`domain` is written as a URL: `{written}`"),
        )
        .with_label("the Ingress host is a bare host name, without scheme, port or path")
        .with_help(format!("write `domain = \"{host}\"`"));
        r.report(d);
        return;
    }
    if let Err(e) = crate::domain::check_subdomain(written) {
        let mut d = Diagnostic::error(
            "E0761",
            at,
            format!("`domain` `{written}` is not a host name"),
        )
        .with_label(e.message);
        if let Some(h) = e.help {
            d = d.with_help(h);
        }
        r.report(d);
    }
}

/// `https://qa.example.org:443/path` -> `qa.example.org`.
fn bare_host(s: &str) -> &str {
    let s = s.trim();
    let s = s.split_once("://").map_or(s, |(_, rest)| rest);
    let s = s.split(['/', '?', '#']).next().unwrap_or(s);
    let s = s.rsplit_once('@').map_or(s, |(_, host)| host);
    let s = match s.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => s,
    };
    s.trim_end_matches('.')
}

/// Keys of `global` (the `egov-config` ConfigMap) and of `config_maps`,
/// and the names of `config_maps`, as Kubernetes validates them.
fn config_map_keys(r: &mut Rules<'_>) {
    let mut maps: Vec<(String, &str, Vec<&str>)> = vec![(
        "global".to_string(),
        "egov-config",
        r.env.global.keys().map(String::as_str).collect(),
    )];
    for (name, m) in &r.env.config_maps {
        let at = join("config_maps", name);
        if let Err(e) = crate::domain::check_subdomain(name) {
            let mut d = Diagnostic::error(
                "E0760",
                r.at(&at),
                format!("Kubernetes rejects the ConfigMap name `{name}`"),
            )
            .with_label(e.message);
            if let Some(h) = e.help {
                d = d.with_help(h);
            }
            r.report(d);
            continue;
        }
        maps.push((at, name, m.keys().map(String::as_str).collect()));
    }
    for (at, name, keys) in maps {
        for key in keys {
            let Err(problem) = check_config_map_key(key) else {
                continue;
            };
            let fixed: String = key
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                        c
                    } else {
                        '-'
                    }
                })
                .collect();
            let help = if check_config_map_key(&fixed).is_ok() {
                format!("keys are letters, digits, `-`, `_` and `.`, at most 253 characters, e.g. `{fixed}`")
            } else {
                "keys are letters, digits, `-`, `_` and `.`, at most 253 characters".to_string()
            };
            let d = Diagnostic::error(
                "E0760",
                r.at(&join(&at, key)),
                format!("Kubernetes rejects the key `{key}` of ConfigMap `{name}`"),
            )
            .with_label(problem)
            .with_help(help);
            r.report(d);
        }
    }
}

/// Kubernetes' `IsConfigMapKey`.
fn check_config_map_key(key: &str) -> Result<(), String> {
    if key.is_empty() {
        return Err("the key is empty".into());
    }
    if key.len() > 253 {
        return Err(format!("{} characters, more than 253", key.len()));
    }
    if let Some(bad) = key
        .chars()
        .find(|&c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_')))
    {
        return Err(format!("{bad:?} is not allowed"));
    }
    if key == "." || key == ".." || key.starts_with("..") {
        return Err("a key may not be `.`, `..` or start with `..`".into());
    }
    Ok(())
}

/// A quantity, at `at.field` (the path is spelled only for a finding).
struct Size<'p> {
    at: &'p str,
    field: &'static str,
    value: Quantity,
}

impl Size<'_> {
    fn path(&self) -> String {
        format!("{}.{}", self.at, self.field)
    }
}

fn size<'p>(at: &'p str, field: &'static str, text: &str) -> Option<Size<'p>> {
    let value = text.parse::<Quantity>().ok()?;
    Some(Size { at, field, value })
}

/// Storage, heaps and memory are above zero (a CPU request may be zero);
/// a JVM heap is below its container's memory limit.
fn sizes(r: &mut Rules<'_>) {
    let env = r.env;
    let volumes: Vec<(String, &str)> = env
        .volumes
        .iter()
        .map(|(name, v)| (join("volumes", name), v.size.as_str()))
        .collect();
    let mut storage: Vec<(&str, &'static str, &str)> = vec![
        ("kafka", "storage", &env.kafka.storage),
        ("zookeeper", "storage", &env.zookeeper.storage),
        ("redis", "storage", &env.redis.storage),
        ("elasticsearch", "storage", &env.elasticsearch.storage),
        (
            "elasticsearch",
            "master_storage",
            &env.elasticsearch.master_storage,
        ),
    ];
    storage.extend(
        volumes
            .iter()
            .map(|(at, text)| (at.as_str(), "size", *text)),
    );
    for (at, field, text) in storage {
        if let Some(s) = size(at, field, text) {
            positive(r, &s, "a size", "storage");
        }
    }
    let es = &env.elasticsearch;
    let mut jvms: Vec<(String, Option<&str>, &Resources)> = vec![
        ("kafka".into(), Some(&env.kafka.heap), &env.kafka.resources),
        (
            "zookeeper".into(),
            Some(&env.zookeeper.heap),
            &env.zookeeper.resources,
        ),
        ("redis".into(), None, &env.redis.resources),
        ("elasticsearch".into(), Some(&es.heap), &es.resources),
        ("kibana".into(), None, &env.kibana.resources),
        ("logging".into(), None, &env.logging.resources),
    ];
    for (key, svc) in &env.services {
        jvms.push((join("services", key), svc.heap.as_deref(), &svc.resources));
    }
    for (at, heap, res) in &jvms {
        let res_at = format!("{at}.resources");
        let limit = resources(r, &res_at, res);
        if let Some(h) = heap {
            heap_check(r, at, "heap", h, limit);
        }
    }
    let heaps = [
        (
            "master_heap",
            "elasticsearch.master_resources",
            &es.master_heap,
            &es.master_resources,
        ),
        (
            "client_heap",
            "elasticsearch.client_resources",
            &es.client_heap,
            &es.client_resources,
        ),
    ];
    for (field, res_at, heap, res) in heaps {
        let limit = resources(r, res_at, res);
        heap_check(r, "elasticsearch", field, heap, limit);
    }
}

/// Checks one `Resources`; the memory limit, when it is above zero.
fn resources<'p>(r: &mut Rules<'_>, at: &'p str, res: &Resources) -> Option<Size<'p>> {
    let cpu = size(at, "cpu", &res.cpu)?;
    if cpu.value.is_negative() {
        negative(r, &cpu, "a CPU request");
    }
    let memory = size(at, "memory", &res.memory)?;
    let memory_ok = positive(r, &memory, "a memory request", "memory");
    let limit = size(at, "memory_limit", &res.memory_limit)?;
    // `memory_limit` defaults to `memory`: one bad value, one diagnostic.
    let limit_ok = if !memory_ok && limit.value == memory.value {
        false
    } else {
        positive(r, &limit, "a memory limit", "memory")
    };
    if let Some(c) = res
        .cpu_limit
        .as_deref()
        .and_then(|t| size(at, "cpu_limit", t))
    {
        positive(r, &c, "a CPU limit", "cpu");
    }
    limit_ok.then_some(limit)
}

/// Reports a size that is not above zero; true when it is fine.
fn positive(r: &mut Rules<'_>, s: &Size, what: &str, unit: &str) -> bool {
    if s.value.is_negative() {
        negative(r, s, what);
        return false;
    }
    if s.value.is_zero() {
        let example = match unit {
            "cpu" => "500m",
            "storage" => "10Gi",
            _ => "512Mi",
        };
        let path = s.path();
        let d = Diagnostic::error("E0762", r.at(&path), format!("{what} of zero"))
            .with_label(format!("`{path}` is 0"))
            .with_help(format!("give it a size above zero, such as `{example}`"));
        r.report(d);
        return false;
    }
    true
}

fn negative(r: &mut Rules<'_>, s: &Size, what: &str) {
    let path = s.path();
    let d = Diagnostic::error(
        "E0762",
        r.at(&path),
        format!("{what} is negative: {}", s.value),
    )
    .with_label(format!("`{path}` is {}", s.value))
    .with_help("a size cannot be negative; check the arithmetic that computed it");
    r.report(d);
}

/// A JVM heap above zero and below the memory limit: the JVM needs memory
/// beyond its heap, so a heap at the limit gets the pod OOM-killed.
fn heap_check(r: &mut Rules<'_>, at: &str, field: &'static str, heap: &str, limit: Option<Size>) {
    let Some(h) = size(at, field, heap) else {
        return;
    };
    if !positive(r, &h, "a JVM heap", "memory") {
        return;
    }
    // `-Xmx` counts whole MiB; rounding would change the memory quietly.
    const MIB: i128 = 1024 * 1024 * 1_000_000_000;
    if h.value.nanos() % MIB != 0 {
        let path = h.path();
        let d = Diagnostic::error(
            "E0710",
            r.at(&path),
            format!(
                "the heap `{path}` = {} is not a whole number of MiB",
                h.value
            ),
        )
        .with_label("a JVM heap is given to `-Xmx` in whole megabytes")
        .with_help(format!(
            "write it in Mi or Gi, e.g. `{}Mi`",
            (h.value.nanos() / MIB).max(1)
        ));
        r.report(d);
        return;
    }
    let Some(limit) = limit else { return };
    if h.value < limit.value {
        return;
    }
    let limit_path = limit.path();
    let shown = if r.is_written(&limit_path) {
        format!("the memory limit is {}", limit.value)
    } else {
        format!("the memory limit is {} (the default)", limit.value)
    };
    let d = Diagnostic::error(
        "E0765",
        r.at(&h.path()),
        format!("the JVM heap ({}) is not below the memory limit ({})", h.value, limit.value),
    )
    .with_label("the heap must leave room for the JVM's own memory")
    .with_secondary(r.at(&limit_path), shown)
    .with_help("keep the heap at about half to three quarters of the memory limit, or raise `resources.memory_limit`");
    r.report(d);
}

/// Images pinned to a version: `latest`, or no tag (which pulls `latest`),
/// changes under a running platform.
fn images(r: &mut Rules<'_>) {
    let env = r.env;
    // (service key, field, image); the path is spelled only for a finding.
    let mut all: Vec<(Option<&str>, &str, &str)> = vec![
        (None, "kafka.image", &env.kafka.image),
        (None, "zookeeper.image", &env.zookeeper.image),
        (None, "redis.image", &env.redis.image),
        (None, "elasticsearch.image", &env.elasticsearch.image),
        (None, "kibana.image", &env.kibana.image),
        (None, "logging.image", &env.logging.image),
        (None, "logging.cleanup_image", &env.logging.cleanup_image),
        (None, "playground.image", &env.playground.image),
    ];
    for (key, svc) in &env.services {
        all.push((Some(key), "image", &svc.image));
        if let Some(m) = &svc.migration {
            all.push((Some(key), "migration.image", &m.image));
        }
        if let Some(g) = &svc.git_sync {
            all.push((Some(key), "git_sync.image", &g.image));
        }
    }
    for (service, field, image) in all {
        let what = match image_tag(image) {
            ImageTag::Tagged(t) if t == "latest" => "is tagged `latest`",
            ImageTag::Untagged => "has no tag, so it pulls `latest`",
            _ => continue,
        };
        let path = match service {
            Some(key) => format!("{}.{field}", join("services", key)),
            None => field.to_string(),
        };
        let repo = image.split('@').next().unwrap_or(image);
        let repo = match repo.rsplit_once(':') {
            Some((head, tag)) if !tag.contains('/') => head,
            _ => repo,
        };
        let d = Diagnostic::warning("W0751", r.at(&path), format!("image `{image}` {what}"))
            .with_label("a moving tag: each pod restart may run a different version")
            .with_help(format!(
                "pin a version, e.g. `{repo}:v1.2.3`, or a digest (`{repo}@sha256:...`)"
            ));
        r.report(d);
    }
}

#[cfg(test)]
mod tests {
    use super::{bare_host, check_config_map_key};

    #[test]
    fn hosts() {
        assert_eq!(bare_host("https://qa.digit.org/"), "qa.digit.org");
        assert_eq!(bare_host("qa.digit.org:443"), "qa.digit.org");
        assert_eq!(bare_host("http://user@qa.digit.org:80/x?y"), "qa.digit.org");
        assert_eq!(bare_host("qa.digit.org"), "qa.digit.org");
    }

    #[test]
    fn config_map_keys() {
        for ok in ["db-url", "a.b_c", "x", "-.-"] {
            assert!(check_config_map_key(ok).is_ok(), "{ok}");
        }
        for bad in ["", ".", "..", "..x", "a b", "a/b", &"k".repeat(254)] {
            assert!(check_config_map_key(bad).is_err(), "{bad}");
        }
    }
}
