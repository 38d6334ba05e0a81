//! Rust mirrors of the standard library's schemas (`stdlib/dg/environment.dg`),
//! read from an [`EnvInput`]'s JSON with serde.
//!
//! Field names are the `.dg` names. Quantities are their canonical text
//! (`512Mi`), parsed again with [`crate::quantity`] where arithmetic is
//! needed. A Secret is a [`SecretRef`] naming its `group.key`. Every field of
//! the standard library is read here or listed in [`NOT_LOWERED`]; the test
//! `every_stdlib_field_is_lowered` keeps the two in step.

use serde::Deserialize;

/// An ordered map, as `.dg` maps keep the order entries were defined.
pub type OrderedMap<V> = indexmap::IndexMap<String, V>;

/// A reference to a secret: `{"$secret": "db.password"}`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct SecretRef {
    /// `group.key`.
    #[serde(rename = "$secret")]
    pub path: Option<String>,
}

impl SecretRef {
    /// The group and key, when the secret is stored under `secrets`. The
    /// path quotes a segment that is not an identifier, as every path does
    /// (`"git-sync".ssh`, `db."flyway-password"`); the quotes are removed.
    pub fn group_key(&self) -> Option<(&str, &str)> {
        let (group, rest) = first_segment(self.path.as_deref()?)?;
        let (key, rest) = first_segment(rest.strip_prefix('.')?)?;
        rest.is_empty().then_some((group, key))
    }
}

/// The first segment of a path, unquoted, and the rest after it. A quoted
/// segment with escapes is not a secrets group or key: `None`.
fn first_segment(path: &str) -> Option<(&str, &str)> {
    match path.strip_prefix('"') {
        Some(quoted) => {
            let end = quoted.find('"')?;
            let inner = &quoted[..end];
            (!inner.contains('\\')).then_some((inner, &quoted[end + 1..]))
        }
        None => {
            let end = path.find('.').unwrap_or(path.len());
            Some((&path[..end], &path[end..]))
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct Resources {
    pub cpu: String,
    pub memory: String,
    pub memory_limit: String,
    pub cpu_limit: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Namespaces {
    pub backbone: String,
    pub egov: String,
    pub es_cluster: String,
    pub logging: String,
    pub playground: String,
    pub monitoring: String,
    pub kafka: String,
    pub zookeeper: String,
    pub extra: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Database {
    pub host: String,
    pub port: u16,
    pub name: String,
    pub ssl: bool,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Ingress {
    pub class: String,
    pub tls_secret: Option<String>,
    pub cert_issuer: Option<String>,
    pub open_endpoints: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Volume {
    pub size: String,
    pub storage_class: String,
    pub access_mode: String,
    pub reclaim_policy: String,
    pub driver: String,
    pub volume_handle: Option<String>,
    pub host_path: Option<String>,
    pub zone: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Topic {
    pub name: String,
    pub partitions: i64,
    pub replication: i64,
    pub config: OrderedMap<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Kafka {
    pub replicas: i64,
    pub storage: String,
    pub storage_class: String,
    pub image: String,
    pub heap: String,
    pub resources: Resources,
    pub min_insync_replicas: i64,
    pub offsets_replication: i64,
    pub topics: Vec<Topic>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct ZooKeeper {
    pub replicas: i64,
    pub storage: String,
    pub storage_class: String,
    pub image: String,
    pub heap: String,
    pub resources: Resources,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Redis {
    pub enabled: bool,
    pub image: String,
    pub storage: String,
    pub storage_class: String,
    pub resources: Resources,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Elasticsearch {
    pub master_replicas: i64,
    pub data_replicas: i64,
    pub client_replicas: i64,
    pub storage: String,
    pub master_storage: String,
    pub storage_class: String,
    pub image: String,
    pub heap: String,
    pub master_heap: String,
    pub client_heap: String,
    pub resources: Resources,
    pub master_resources: Resources,
    pub client_resources: Resources,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Kibana {
    pub enabled: bool,
    pub image: String,
    pub resources: Resources,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Logging {
    pub enabled: bool,
    pub retention_days: i64,
    pub cleanup_schedule: String,
    pub image: String,
    pub cleanup_image: String,
    pub index_prefix: String,
    pub resources: Resources,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Playground {
    pub enabled: bool,
    pub image: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Migration {
    pub image: String,
    pub locations: Option<String>,
    pub schema_table: String,
    pub secret: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct GitSync {
    pub repo: String,
    pub branch: String,
    pub image: String,
    pub secret: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Probes {
    pub liveness: Option<String>,
    pub readiness: Option<String>,
    pub initial_delay: i64,
    pub period: i64,
    pub timeout: i64,
    pub failure_threshold: i64,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Autoscale {
    pub min: i64,
    pub max: i64,
    pub cpu_percent: i64,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Service {
    pub name: String,
    pub enabled: bool,
    pub image: String,
    pub replicas: i64,
    pub port: u16,
    pub context_path: String,
    pub heap: Option<String>,
    pub java_args: Option<String>,
    pub env: OrderedMap<String>,
    pub secret_env: OrderedMap<SecretRef>,
    pub config_env: OrderedMap<String>,
    pub resources: Resources,
    pub migration: Option<Migration>,
    pub git_sync: Option<GitSync>,
    pub expose: String,
    pub ingress: bool,
    pub probes: Probes,
    pub autoscale: Option<Autoscale>,
}

/// An environment: a module whose amends chain ends at `digit:environment`.
/// Fields declared by user modules (knobs) are ignored.
#[derive(Clone, Debug, Deserialize)]
pub struct Environment {
    pub name: String,
    pub domain: String,
    pub namespaces: Namespaces,
    pub db: Database,
    pub global: OrderedMap<String>,
    pub config_maps: OrderedMap<OrderedMap<String>>,
    pub kafka: Kafka,
    pub zookeeper: ZooKeeper,
    pub redis: Redis,
    pub elasticsearch: Elasticsearch,
    pub kibana: Kibana,
    pub logging: Logging,
    pub playground: Playground,
    pub ingress: Ingress,
    pub volumes: OrderedMap<Volume>,
    pub secrets: OrderedMap<OrderedMap<SecretRef>>,
    pub services: OrderedMap<Service>,
    pub extra_objects: Vec<serde_json::Value>,
    pub patches: OrderedMap<serde_json::Value>,
}

/// Standard-library fields that no lowering reads, with the reason.
/// (`schema.field`, or `field` for the environment's own.)
pub const NOT_LOWERED: &[(&str, &str)] = &[];

#[cfg(test)]
mod tests {
    use super::SecretRef;

    fn group_key(path: &str) -> Option<(String, String)> {
        let r = SecretRef {
            path: Some(path.to_string()),
        };
        r.group_key().map(|(g, k)| (g.to_string(), k.to_string()))
    }

    #[test]
    fn secret_paths_split_into_group_and_key_without_quotes() {
        let pair = |g: &str, k: &str| Some((g.to_string(), k.to_string()));
        assert_eq!(group_key("db.password"), pair("db", "password"));
        assert_eq!(
            group_key(r#"db."flyway-password""#),
            pair("db", "flyway-password")
        );
        assert_eq!(group_key(r#""git-sync".ssh"#), pair("git-sync", "ssh"));
        assert_eq!(group_key(r#""a.b"."c.d""#), pair("a.b", "c.d"));
        assert_eq!(group_key("db"), None);
        assert_eq!(group_key("db.password.more"), None);
        assert_eq!(group_key(r#""unclosed.x"#), None);
        assert_eq!(SecretRef { path: None }.group_key(), None);
    }
}
