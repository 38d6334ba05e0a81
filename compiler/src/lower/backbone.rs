//! The platform's shared objects: Namespaces, the `egov-config` and other
//! ConfigMaps ([`super::config`]), Kafka, ZooKeeper and the topic Job
//! ([`super::kafka`]), Elasticsearch and Kibana ([`super::elastic`]),
//! fluent-bit and the log cleanup CronJob ([`super::logging`]), Redis,
//! PersistentVolumes and the playground (here).
//!
//! Also the pieces every backbone object is made of: the common labels, the
//! metadata, a container's resources, JVM heap flags (checked: a whole
//! number of MiB, below the container's memory limit), Services,
//! volumeClaimTemplates and the Deployment strategy. Names and ports follow
//! DIGIT's charts (`kafka-v2`, `zookeeper-v2`, `elasticsearch-data`, ...).

use super::model::{Resources, Volume};
use super::{Cx, K8sObject, Lowered};
use crate::quantity::Quantity as Q;
use digit_lang::Diagnostic;
use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment, StatefulSet,
    StatefulSetSpec,
};
use k8s_openapi::api::core::v1::{
    CSIPersistentVolumeSource, Container, ContainerPort, EnvVar, EnvVarSource,
    HostPathVolumeSource, Namespace, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm,
    ObjectFieldSelector, PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec,
    PersistentVolumeSpec, PodSpec, PodTemplateSpec, Probe, ResourceRequirements, Service,
    ServicePort, ServiceSpec, TCPSocketAction, VolumeMount, VolumeNodeAffinity,
    VolumeResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

pub(crate) fn lower(cx: &Cx<'_>, out: &mut Lowered) {
    namespaces(cx, out);
    super::config::lower(cx, out);
    super::kafka::lower(cx, out);
    super::elastic::lower(cx, out);
    super::logging::lower(cx, out);
    redis(cx, out);
    volumes(cx, out);
    playground(cx, out);
}

// ---------------------------------------------------------------------------
// Shared pieces

/// The labels every object of the environment carries: `app.kubernetes.io/name`
/// (the component), `app.kubernetes.io/part-of: digit` and
/// `digit.egov/environment`.
pub(crate) fn labels(cx: &Cx<'_>, name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), name.to_string()),
        ("app.kubernetes.io/part-of".to_string(), "digit".to_string()),
        ("digit.egov/environment".to_string(), cx.env.name.clone()),
    ])
}

/// What a component's pods are selected by: its `app.kubernetes.io/name`.
pub(crate) fn selector_labels(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("app.kubernetes.io/name".to_string(), name.to_string())])
}

pub(crate) fn selector(name: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Some(selector_labels(name)),
        ..Default::default()
    }
}

/// Metadata of an object named `name`, labelled as component `component`.
pub(crate) fn meta(
    cx: &Cx<'_>,
    namespace: Option<&str>,
    name: &str,
    component: &str,
) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_string()),
        namespace: namespace.map(str::to_string),
        labels: Some(labels(cx, component)),
        ..Default::default()
    }
}

pub(crate) fn q(s: &str) -> Quantity {
    Quantity(s.to_string())
}

/// Requests `cpu` and `memory`; limits `memory_limit` and `cpu_limit` when set.
pub(crate) fn resources(r: &Resources) -> ResourceRequirements {
    let mut limits = BTreeMap::from([("memory".to_string(), q(&r.memory_limit))]);
    if let Some(cpu) = &r.cpu_limit {
        limits.insert("cpu".to_string(), q(cpu));
    }
    ResourceRequirements {
        requests: Some(BTreeMap::from([
            ("cpu".to_string(), q(&r.cpu)),
            ("memory".to_string(), q(&r.memory)),
        ])),
        limits: Some(limits),
        ..Default::default()
    }
}

/// Fixed resources of a small tool container (the topic Job, the log
/// cleanup, the playground), which the standard library does not size.
pub(crate) fn tool_resources(memory: &str) -> ResourceRequirements {
    resources(&Resources {
        cpu: "50m".into(),
        memory: memory.into(),
        memory_limit: memory.into(),
        cpu_limit: None,
    })
}

const MIB: i128 = 1024 * 1024 * 1_000_000_000;

/// The JVM heap `heap` in whole MiB. The platform rules, which run before
/// lowering and stop it, report a heap that is not a positive whole number
/// of MiB or not below its memory limit (E0710, E0762, E0765); `0` for
/// such a heap.
pub(crate) fn heap_mib(heap: &str) -> i128 {
    match heap.parse::<Q>() {
        Ok(h) if h.nanos() > 0 && h.nanos() % MIB == 0 => h.nanos() / MIB,
        _ => 0,
    }
}

/// `-Xmx704m -Xms704m`.
pub(crate) fn jvm_heap_flags(mib: i128) -> String {
    format!("-Xmx{mib}m -Xms{mib}m")
}

pub(crate) fn env(name: &str, value: impl Into<String>) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value: Some(value.into()),
        ..Default::default()
    }
}

/// An environment variable read from the pod's own metadata
/// (`metadata.name`, `metadata.labels['apps.kubernetes.io/pod-index']`).
pub(crate) fn env_field(name: &str, field_path: &str) -> EnvVar {
    EnvVar {
        name: name.to_string(),
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                field_path: field_path.to_string(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub(crate) fn container_port(name: &str, port: i32) -> ContainerPort {
    ContainerPort {
        name: Some(name.to_string()),
        container_port: port,
        protocol: Some("TCP".to_string()),
        ..Default::default()
    }
}

pub(crate) fn mount(name: &str, path: &str) -> VolumeMount {
    VolumeMount {
        name: name.to_string(),
        mount_path: path.to_string(),
        ..Default::default()
    }
}

pub(crate) fn tcp_probe(port: &str, initial_delay: i32) -> Probe {
    Probe {
        tcp_socket: Some(TCPSocketAction {
            port: IntOrString::String(port.to_string()),
            ..Default::default()
        }),
        initial_delay_seconds: Some(initial_delay),
        period_seconds: Some(10),
        timeout_seconds: Some(5),
        failure_threshold: Some(6),
        ..Default::default()
    }
}

/// A Service selecting component `component`'s pods; `headless` makes it
/// the governing Service of a StatefulSet (one DNS name per pod, ready or
/// not, so members find each other while starting).
pub(crate) fn service(
    cx: &Cx<'_>,
    namespace: &str,
    name: &str,
    component: &str,
    ports: &[(&str, i32)],
    headless: bool,
) -> Service {
    Service {
        metadata: meta(cx, Some(namespace), name, component),
        spec: Some(ServiceSpec {
            type_: Some("ClusterIP".to_string()),
            cluster_ip: headless.then(|| "None".to_string()),
            publish_not_ready_addresses: headless.then_some(true),
            selector: Some(selector_labels(component)),
            ports: Some(
                ports
                    .iter()
                    .map(|(port_name, port)| ServicePort {
                        name: Some(port_name.to_string()),
                        port: *port,
                        target_port: Some(IntOrString::String(port_name.to_string())),
                        protocol: Some("TCP".to_string()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A volumeClaimTemplate `name` of `size` in `storage_class`.
pub(crate) fn claim(
    cx: &Cx<'_>,
    name: &str,
    component: &str,
    size: &str,
    storage_class: &str,
) -> PersistentVolumeClaim {
    PersistentVolumeClaim {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            labels: Some(labels(cx, component)),
            ..Default::default()
        },
        spec: Some(PersistentVolumeClaimSpec {
            access_modes: Some(vec!["ReadWriteOnce".to_string()]),
            storage_class_name: Some(storage_class.to_string()),
            resources: Some(VolumeResourceRequirements {
                requests: Some(BTreeMap::from([("storage".to_string(), q(size))])),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The pod template of component `component`.
pub(crate) fn pod_template(cx: &Cx<'_>, component: &str, spec: PodSpec) -> PodTemplateSpec {
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels(cx, component)),
            ..Default::default()
        }),
        spec: Some(spec),
    }
}

/// A StatefulSet of `replicas` pods governed by the headless Service
/// `service_name`, each with the given volumeClaimTemplates.
pub(crate) fn stateful_set(
    cx: &Cx<'_>,
    namespace: &str,
    name: &str,
    service_name: &str,
    replicas: i64,
    pod: PodSpec,
    claims: Vec<PersistentVolumeClaim>,
) -> StatefulSet {
    StatefulSet {
        metadata: meta(cx, Some(namespace), name, name),
        spec: Some(StatefulSetSpec {
            replicas: Some(clamp_i32(replicas)),
            service_name: Some(service_name.to_string()),
            selector: selector(name),
            template: pod_template(cx, name, pod),
            volume_claim_templates: Some(claims),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A Deployment that rolls with no pod down (maxUnavailable 0, one extra
/// pod at a time).
pub(crate) fn deployment(
    cx: &Cx<'_>,
    namespace: &str,
    name: &str,
    replicas: i64,
    pod: PodSpec,
) -> Deployment {
    Deployment {
        metadata: meta(cx, Some(namespace), name, name),
        spec: Some(DeploymentSpec {
            replicas: Some(clamp_i32(replicas)),
            selector: selector(name),
            strategy: Some(DeploymentStrategy {
                type_: Some("RollingUpdate".to_string()),
                rolling_update: Some(RollingUpdateDeployment {
                    max_unavailable: Some(IntOrString::Int(0)),
                    max_surge: Some(IntOrString::Int(1)),
                }),
            }),
            template: pod_template(cx, name, pod),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub(crate) fn clamp_i32(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(if n < 0 { 0 } else { i32::MAX })
}

/// One container, `image`, with the given resources.
pub(crate) fn container(name: &str, image: &str, resources: ResourceRequirements) -> Container {
    Container {
        name: name.to_string(),
        image: Some(image.to_string()),
        resources: Some(resources),
        ..Default::default()
    }
}

/// `s` quoted for `sh`: inside single quotes, with `'` written `'\''`.
pub(crate) fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// Lower-case hex of a SHA-256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A name Kubernetes accepts for most objects: DNS-1123 subdomain-safe
/// label (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters).
pub(crate) fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

// ---------------------------------------------------------------------------
// Namespaces

/// One Namespace per distinct name in `namespaces`, `extra` included.
fn namespaces(cx: &Cx<'_>, out: &mut Lowered) {
    let ns = &cx.env.namespaces;
    let mut named: Vec<(String, &str)> = [
        ("backbone", &ns.backbone),
        ("egov", &ns.egov),
        ("es_cluster", &ns.es_cluster),
        ("logging", &ns.logging),
        ("playground", &ns.playground),
        ("monitoring", &ns.monitoring),
        ("kafka", &ns.kafka),
        ("zookeeper", &ns.zookeeper),
    ]
    .into_iter()
    .map(|(field, name)| (format!("namespaces.{field}"), name.as_str()))
    .collect();
    named.extend(
        ns.extra
            .iter()
            .enumerate()
            .map(|(i, name)| (format!("namespaces.extra[{i}]"), name.as_str())),
    );
    let mut seen = std::collections::BTreeSet::new();
    for (path, name) in named {
        if !seen.insert(name) {
            continue;
        }
        let obj = Namespace {
            metadata: meta(cx, None, name, name),
            ..Default::default()
        };
        out.objects.push(K8sObject::new(&obj, cx.span(&path)));
    }
}

// ---------------------------------------------------------------------------
// Redis

/// Redis (when enabled): a one-pod StatefulSet with its volume, and the
/// Service `redis` (6379) that governs it, in the backbone namespace.
fn redis(cx: &Cx<'_>, out: &mut Lowered) {
    let r = &cx.env.redis;
    if !r.enabled {
        return;
    }
    let ns = &cx.env.namespaces.backbone;
    let span = cx.span("redis");
    let mut c = container("redis", &r.image, resources(&r.resources));
    c.args = Some(
        ["--appendonly", "yes", "--dir", "/data"]
            .map(String::from)
            .to_vec(),
    );
    c.ports = Some(vec![container_port("redis", 6379)]);
    c.volume_mounts = Some(vec![mount("data", "/data")]);
    c.readiness_probe = Some(tcp_probe("redis", 5));
    c.liveness_probe = Some(tcp_probe("redis", 30));
    let pod = PodSpec {
        containers: vec![c],
        ..Default::default()
    };
    let sts = stateful_set(
        cx,
        ns,
        "redis",
        "redis",
        1,
        pod,
        vec![claim(cx, "data", "redis", &r.storage, &r.storage_class)],
    );
    out.objects.push(K8sObject::new(&sts, span));
    let svc = service(cx, ns, "redis", "redis", &[("redis", 6379)], false);
    out.objects.push(K8sObject::new(&svc, span));
}

// ---------------------------------------------------------------------------
// PersistentVolumes

/// One PersistentVolume per entry of `volumes`.
fn volumes(cx: &Cx<'_>, out: &mut Lowered) {
    for (key, v) in &cx.env.volumes {
        let path = crate::value::join_path("volumes", key);
        let span = cx.span(&path);
        if !check_name(cx, out, "PersistentVolume", "volumes", key) {
            continue;
        }
        out.objects
            .push(K8sObject::new(&persistent_volume(cx, key, v), span));
    }
}

/// Whether `key` of the map `field` can name a `kind` (and be its
/// `app.kubernetes.io/name` label): a DNS-1123 subdomain of at most 63
/// characters. Otherwise an error at the entry.
pub(crate) fn check_name(
    cx: &Cx<'_>,
    out: &mut Lowered,
    kind: &str,
    field: &str,
    key: &str,
) -> bool {
    let ok = key.len() <= 63 && key.split('.').all(is_dns1123_label);
    if !ok {
        let path = crate::value::join_path(field, key);
        let message = format!("`{key}` is not a valid {kind} name");
        out.problems.push(
            Diagnostic::error("E0712", cx.span(&path), message)
                .with_label(format!("the key of `{field}` names the {kind}"))
                .with_help(
                    "use lower-case letters, digits, `-` and `.`, starting and ending with a \
                     letter or digit, at most 63 characters",
                ),
        );
    }
    ok
}

fn persistent_volume(cx: &Cx<'_>, name: &str, v: &Volume) -> PersistentVolume {
    let (csi, host_path) = match (&v.volume_handle, &v.host_path) {
        (Some(handle), _) => (
            Some(CSIPersistentVolumeSource {
                driver: v.driver.clone(),
                volume_handle: handle.clone(),
                fs_type: Some("ext4".to_string()),
                ..Default::default()
            }),
            None,
        ),
        (None, Some(p)) => (
            None,
            Some(HostPathVolumeSource {
                path: p.clone(),
                type_: Some("DirectoryOrCreate".to_string()),
            }),
        ),
        // The standard library's checks require one of the two.
        (None, None) => (None, None),
    };
    let node_affinity = v.zone.as_ref().map(|zone| VolumeNodeAffinity {
        required: Some(NodeSelector {
            node_selector_terms: vec![NodeSelectorTerm {
                match_expressions: Some(vec![NodeSelectorRequirement {
                    key: "topology.kubernetes.io/zone".to_string(),
                    operator: "In".to_string(),
                    values: Some(vec![zone.clone()]),
                }]),
                ..Default::default()
            }],
        }),
    });
    PersistentVolume {
        metadata: meta(cx, None, name, name),
        spec: Some(PersistentVolumeSpec {
            capacity: Some(BTreeMap::from([("storage".to_string(), q(&v.size))])),
            access_modes: Some(vec![v.access_mode.clone()]),
            persistent_volume_reclaim_policy: Some(v.reclaim_policy.clone()),
            storage_class_name: Some(v.storage_class.clone()),
            volume_mode: Some("Filesystem".to_string()),
            csi,
            host_path,
            node_affinity,
            ..Default::default()
        }),
        ..Default::default()
    }
}

// ---------------------------------------------------------------------------
// Playground

/// The tools pod (when enabled): a one-pod Deployment `playground` running
/// the image's own command, in the playground namespace.
fn playground(cx: &Cx<'_>, out: &mut Lowered) {
    let p = &cx.env.playground;
    if !p.enabled {
        return;
    }
    let pod = PodSpec {
        containers: vec![container("playground", &p.image, tool_resources("256Mi"))],
        ..Default::default()
    };
    let d = deployment(cx, &cx.env.namespaces.playground, "playground", 1, pod);
    out.objects.push(K8sObject::new(&d, cx.span("playground")));
}
