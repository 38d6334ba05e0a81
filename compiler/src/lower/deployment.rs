//! A service's Deployment: its container (port, probes, resources, env),
//! the `db-migration` and `git-sync` init containers, and the checksum of
//! the ConfigMaps its pods read, so that a config change rolls them.
//!
//! Guarantees: RollingUpdate with maxUnavailable 0 and maxSurge 1; every
//! secret reaches the pod as a `secretKeyRef`, never as a value; each
//! variable name appears once per container; with `autoscale` set the
//! Deployment has no `replicas` (the HorizontalPodAutoscaler owns them, and
//! `kubectl apply` would otherwise reset its count on every run).

use super::services::{int32, meta, Svc, PORT_NAME};
use super::K8sObject;
use indexmap::IndexMap;
use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment,
};
use k8s_openapi::api::core::v1::{
    ConfigMapKeySelector, Container, ContainerPort, EmptyDirVolumeSource, EnvVar, EnvVarSource,
    HTTPGetAction, KeyToPath, PodSecurityContext, PodSpec, PodTemplateSpec, Probe,
    SecretKeySelector, SecretVolumeSource, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The shared settings ConfigMap (`global`).
pub(crate) const EGOV_CONFIG: &str = "egov-config";
/// The ConfigMaps every service pod reads, whose data the checksum covers.
const POD_CONFIG_MAPS: [&str; 2] = [EGOV_CONFIG, "egov-service-host"];
/// The pod annotation carrying that checksum.
pub(crate) const CHECKSUM_ANNOTATION: &str = "digit.egov/config-checksum";

/// Where git-sync clones to, shared with the service container.
const WORK_DIR: &str = "/work-dir";
/// Where git-sync v3 looks for `ssh` and `known_hosts`.
const GIT_SECRET_DIR: &str = "/etc/git-secret";
/// git-sync's user group: with it as the pod's fsGroup the 0400 key is
/// readable by git-sync (as git-sync's own manifests do).
const GIT_SYNC_GROUP: i64 = 65533;

/// `sha256:<hex>` of the data of the ConfigMaps a service pod reads
/// (`egov-config`, `egov-service-host` in `namespaces.egov`), as already
/// emitted by the backbone. A ConfigMap not emitted counts as absent.
pub(crate) fn config_checksum(namespace: &str, objects: &[K8sObject]) -> String {
    let mut hash = Sha256::new();
    for name in POD_CONFIG_MAPS {
        let found = objects.iter().find(|o| {
            o.kind == "ConfigMap" && o.namespace.as_deref() == Some(namespace) && o.name == name
        });
        hash.update(name.as_bytes());
        hash.update([0]);
        if let Some(cm) = found {
            hash.update(
                cm.json
                    .get("data")
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            );
            hash.update(
                cm.json
                    .get("binaryData")
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            );
        }
        hash.update([0]);
    }
    let digest = hash.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The Deployment of one service.
pub(crate) fn build(
    svc: &Svc<'_>,
    labels: &BTreeMap<String, String>,
    checksum: &str,
) -> Deployment {
    let m = svc.model;
    let mut container = main_container(svc, heap_mib(svc));
    let mut init = Vec::new();
    let mut volumes = Vec::new();
    if let Some(mig) = &m.migration {
        init.push(migration_container(mig));
    }
    if let Some(git) = &m.git_sync {
        let work = VolumeMount {
            name: "work-dir".to_string(),
            mount_path: WORK_DIR.to_string(),
            ..Default::default()
        };
        init.push(git_sync_container(git, work.clone()));
        container.volume_mounts = Some(vec![work]);
        volumes.extend(git_sync_volumes(git));
    }
    let pod = PodSpec {
        init_containers: (!init.is_empty()).then_some(init),
        containers: vec![container],
        security_context: m.git_sync.as_ref().map(|_| PodSecurityContext {
            fs_group: Some(GIT_SYNC_GROUP),
            ..Default::default()
        }),
        volumes: (!volumes.is_empty()).then_some(volumes),
        ..Default::default()
    };
    Deployment {
        metadata: meta(svc, labels),
        spec: Some(DeploymentSpec {
            replicas: m.autoscale.is_none().then(|| int32(m.replicas)),
            // A Deployment's selector cannot change once applied: only the
            // `app` label, which names the Deployment too.
            selector: LabelSelector {
                match_labels: Some(BTreeMap::from([(
                    "app".to_string(),
                    svc.name().to_string(),
                )])),
                ..Default::default()
            },
            strategy: Some(DeploymentStrategy {
                type_: Some("RollingUpdate".to_string()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_unavailable: Some(IntOrString::Int(0)),
                    max_surge: Some(IntOrString::Int(1)),
                }),
            }),
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels.clone()),
                    annotations: Some(BTreeMap::from([(
                        CHECKSUM_ANNOTATION.to_string(),
                        checksum.to_string(),
                    )])),
                    ..Default::default()
                }),
                spec: Some(pod),
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn main_container(svc: &Svc<'_>, heap_mib: Option<i128>) -> Container {
    let m = svc.model;
    Container {
        name: svc.name().to_string(),
        image: Some(m.image.clone()),
        ports: Some(vec![ContainerPort {
            name: Some(PORT_NAME.to_string()),
            container_port: i32::from(m.port),
            protocol: Some("TCP".to_string()),
            ..Default::default()
        }]),
        env: Some(env(svc, heap_mib)).filter(|vars| !vars.is_empty()),
        resources: Some(super::backbone::resources(&svc.model.resources)),
        liveness_probe: probe(svc, m.probes.liveness.as_deref()),
        readiness_probe: probe(svc, m.probes.readiness.as_deref()),
        ..Default::default()
    }
}

/// The container's variables, each name once. Later sources replace
/// earlier ones (keeping their place): `config_env`, then `JAVA_OPTS` and
/// `JAVA_ARGS`, then `env`, then `secret_env`. So a plain `env` entry
/// overrides a default `config_env` entry of the same name.
fn env(svc: &Svc<'_>, heap_mib: Option<i128>) -> Vec<EnvVar> {
    let m = svc.model;
    let mut vars: IndexMap<&str, EnvVar> = IndexMap::new();
    for (name, key) in &m.config_env {
        vars.insert(name, from_config(name, key));
    }
    if let Some(mib) = heap_mib {
        vars.insert(
            "JAVA_OPTS",
            value("JAVA_OPTS", &format!("-Xmx{mib}m -Xms{mib}m")),
        );
    }
    if let Some(args) = &m.java_args {
        vars.insert("JAVA_ARGS", value("JAVA_ARGS", args));
    }
    for (name, v) in &m.env {
        vars.insert(name, value(name, v));
    }
    for (name, secret) in &m.secret_env {
        // A reference to nothing is the platform rules' error (E07xx).
        if let Some((group, key)) = secret.group_key() {
            vars.insert(name, from_secret(name, group, key));
        }
    }
    vars.into_values().collect()
}

fn value(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value: Some(value.to_string()),
        ..Default::default()
    }
}

fn from_config(name: &str, key: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value_from: Some(EnvVarSource {
            config_map_key_ref: Some(ConfigMapKeySelector {
                name: EGOV_CONFIG.to_string(),
                key: key.to_string(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn from_secret(name: &str, group: &str, key: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: group.to_string(),
                key: key.to_string(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// An HTTP probe of `context_path` + `path`, or none when `path` is none.
fn probe(svc: &Svc<'_>, path: Option<&str>) -> Option<Probe> {
    let p = &svc.model.probes;
    Some(Probe {
        http_get: Some(HTTPGetAction {
            path: Some(join_url_path(&svc.model.context_path, path?)),
            port: IntOrString::String(PORT_NAME.to_string()),
            ..Default::default()
        }),
        initial_delay_seconds: Some(int32(p.initial_delay)),
        period_seconds: Some(int32(p.period)),
        timeout_seconds: Some(int32(p.timeout)),
        failure_threshold: Some(int32(p.failure_threshold)),
        ..Default::default()
    })
}

/// `/egov-user` + `health` -> `/egov-user/health`, one `/` between them.
fn join_url_path(base: &str, path: &str) -> String {
    let base = base.trim_end_matches('/');
    let path = path.trim_start_matches('/');
    format!("{base}/{path}")
}

/// The heap in whole MiB, or `None` when unset (the platform rules report
/// a heap that is not a positive whole number of MiB below the limit).
fn heap_mib(svc: &Svc<'_>) -> Option<i128> {
    let mib = super::backbone::heap_mib(svc.model.heap.as_deref()?);
    (mib > 0).then_some(mib)
}

/// The flyway init container: it migrates the database before the service
/// starts, with the credentials of the migration's secrets group.
fn migration_container(mig: &super::model::Migration) -> Container {
    let locations = match &mig.locations {
        Some(l) => value("FLYWAY_LOCATIONS", l),
        None => from_config("FLYWAY_LOCATIONS", "flyway-locations"),
    };
    Container {
        name: "db-migration".to_string(),
        image: Some(mig.image.clone()),
        env: Some(vec![
            from_config("DB_URL", "db-url"),
            value("SCHEMA_TABLE", &mig.schema_table),
            from_secret("FLYWAY_USER", &mig.secret, "flyway-username"),
            from_secret("FLYWAY_PASSWORD", &mig.secret, "flyway-password"),
            locations,
        ]),
        termination_message_policy: Some("FallbackToLogsOnError".to_string()),
        ..Default::default()
    }
}

/// The clone's `work-dir`, and the SSH key and `known_hosts` of the
/// `secret` group, readable by their owner only.
fn git_sync_volumes(git: &super::model::GitSync) -> [Volume; 2] {
    let items = ["ssh", "known_hosts"].map(|k| KeyToPath {
        key: k.to_string(),
        path: k.to_string(),
        ..Default::default()
    });
    [
        Volume {
            name: "work-dir".to_string(),
            empty_dir: Some(EmptyDirVolumeSource::default()),
            ..Default::default()
        },
        Volume {
            name: "git-secret".to_string(),
            secret: Some(SecretVolumeSource {
                secret_name: Some(git.secret.clone()),
                default_mode: Some(0o400),
                items: Some(items.to_vec()),
                ..Default::default()
            }),
            ..Default::default()
        },
    ]
}

/// The git-sync init container: one shallow clone of `repo@branch` into the
/// `work-dir` volume, over SSH with the key of the `secret` group.
fn git_sync_container(git: &super::model::GitSync, work: VolumeMount) -> Container {
    Container {
        name: "git-sync".to_string(),
        image: Some(git.image.clone()),
        env: Some(vec![
            value("GIT_SYNC_REPO", &git.repo),
            value("GIT_SYNC_BRANCH", &git.branch),
            value("GIT_SYNC_ROOT", WORK_DIR),
            value("GIT_SYNC_DEPTH", "1"),
            value("GIT_SYNC_ONE_TIME", "true"),
            value("GIT_SYNC_SSH", "true"),
            value("GIT_SSH_KEY_FILE", &format!("{GIT_SECRET_DIR}/ssh")),
            value(
                "GIT_SSH_KNOWN_HOSTS_FILE",
                &format!("{GIT_SECRET_DIR}/known_hosts"),
            ),
        ]),
        volume_mounts: Some(vec![
            VolumeMount {
                name: "git-secret".to_string(),
                mount_path: GIT_SECRET_DIR.to_string(),
                read_only: Some(true),
                ..Default::default()
            },
            work,
        ]),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::ConfigMap;

    fn config_map(namespace: &str, name: &str, data: &[(&str, &str)]) -> K8sObject {
        let cm = ConfigMap {
            metadata: ObjectMeta {
                name: Some(name.to_string()),
                namespace: Some(namespace.to_string()),
                ..Default::default()
            },
            data: Some(
                data.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ..Default::default()
        };
        K8sObject::new(&cm, digit_lang::Span::default())
    }

    #[test]
    fn checksum_covers_the_data_of_the_config_maps_pods_read() {
        let base = vec![
            config_map("egov", "egov-config", &[("timezone", "UTC")]),
            config_map(
                "egov",
                "egov-service-host",
                &[("egov-user", "http://egov-user:8080/")],
            ),
        ];
        let sum = config_checksum("egov", &base);
        assert!(sum.starts_with("sha256:") && sum.len() == 71, "{sum}");
        assert_eq!(config_checksum("egov", &base), sum, "deterministic");
        assert_ne!(
            config_checksum("egov", &[]),
            sum,
            "absent differs from present"
        );

        let mut changed = base.clone();
        changed[0] = config_map("egov", "egov-config", &[("timezone", "Asia/Kolkata")]);
        assert_ne!(
            config_checksum("egov", &changed),
            sum,
            "a global value rolls the pods"
        );
        let mut hosts = base.clone();
        hosts[1] = config_map("egov", "egov-service-host", &[("pgr", "http://pgr:8080/")]);
        assert_ne!(config_checksum("egov", &hosts), sum);

        // ConfigMaps the pods do not read, or of another namespace, do not count.
        let mut other = base.clone();
        other.push(config_map("egov", "fluent-bit-config", &[("a", "b")]));
        other.push(config_map("backbone", "egov-config", &[("timezone", "x")]));
        assert_eq!(config_checksum("egov", &other), sum);
        // Nor does the order of the objects.
        let reversed: Vec<_> = base.iter().rev().cloned().collect();
        assert_eq!(config_checksum("egov", &reversed), sum);
        // Key and value boundaries are kept: {a: bc} is not {ab: c}.
        let a = [config_map("egov", "egov-config", &[("a", "bc")])];
        let b = [config_map("egov", "egov-config", &[("ab", "c")])];
        assert_ne!(config_checksum("egov", &a), config_checksum("egov", &b));
    }

    #[test]
    fn url_paths_join_with_one_slash() {
        assert_eq!(join_url_path("/egov-user", "health"), "/egov-user/health");
        assert_eq!(join_url_path("/egov-user/", "/health"), "/egov-user/health");
        assert_eq!(join_url_path("/", "/health"), "/health");
    }
}
