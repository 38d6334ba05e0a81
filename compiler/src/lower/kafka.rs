//! Kafka (DIGIT's `kafka-v2`), its ZooKeeper ensemble (`zookeeper-v2`) and
//! the topic-creation Job.
//!
//! Kafka runs Confluent's `cp-kafka` image (its settings are `KAFKA_*`
//! variables). ZooKeeper runs either Confluent's `cp-zookeeper` or the
//! official `zookeeper` image; the two read different variables, so the
//! image's repository name chooses which are set. A member's id is its pod
//! ordinal (the `apps.kubernetes.io/pod-index` label, Kubernetes 1.32+) for
//! Kafka, and the ordinal plus one for ZooKeeper (ids start at 1).

use super::backbone::{
    claim, clamp_i32, container, container_port, env, env_field, heap_mib, jvm_heap_flags, meta,
    mount, pod_template, resources, selector, service, sha256_hex, shell_quote, stateful_set,
    tcp_probe, tool_resources,
};
use super::model::{Environment, Topic};
use super::{Cx, K8sObject, Lowered};
use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{PodSecurityContext, PodSpec};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;
use std::collections::BTreeMap;

pub(crate) const KAFKA: &str = "kafka-v2";
pub(crate) const KAFKA_PORT: i32 = 9092;
pub(crate) const ZOOKEEPER: &str = "zookeeper-v2";
pub(crate) const ZOOKEEPER_PORT: i32 = 2181;
/// The ZooKeeper path Kafka keeps its data under (DIGIT's `zookeeperHosts`).
const CHROOT: &str = "/kafka-v2";

/// The address of Kafka's client Service: `kafka-v2.NS:9092`.
pub(crate) fn brokers(env: &Environment) -> String {
    format!("{KAFKA}.{}:{KAFKA_PORT}", env.namespaces.kafka)
}

fn zookeeper_connect(env: &Environment) -> String {
    format!(
        "{ZOOKEEPER}.{}:{ZOOKEEPER_PORT}{CHROOT}",
        env.namespaces.zookeeper
    )
}

pub(crate) fn lower(cx: &Cx<'_>, out: &mut Lowered) {
    kafka(cx, out);
    zookeeper(cx, out);
    topic_job(cx, out);
}

/// The brokers: a StatefulSet with one volume each, the headless Service
/// `kafka-v2-headless` that gives each broker its advertised name, and the
/// client Service `kafka-v2`.
fn kafka(cx: &Cx<'_>, out: &mut Lowered) {
    let k = &cx.env.kafka;
    let ns = &cx.env.namespaces.kafka;
    let span = cx.span("kafka");
    let headless = format!("{KAFKA}-headless");
    let heap = heap_mib(&k.heap);
    let transaction_min_isr = k.min_insync_replicas.min(k.offsets_replication);
    let mut c = container("kafka-broker", &k.image, resources(&k.resources));
    c.ports = Some(vec![container_port("kafka", KAFKA_PORT)]);
    c.env = Some(vec![
        env_field("POD_NAME", "metadata.name"),
        env_field(
            "KAFKA_BROKER_ID",
            "metadata.labels['apps.kubernetes.io/pod-index']",
        ),
        env("KAFKA_ZOOKEEPER_CONNECT", zookeeper_connect(cx.env)),
        env(
            "KAFKA_LISTENERS",
            format!("PLAINTEXT://0.0.0.0:{KAFKA_PORT}"),
        ),
        env(
            "KAFKA_ADVERTISED_LISTENERS",
            format!("PLAINTEXT://$(POD_NAME).{headless}.{ns}:{KAFKA_PORT}"),
        ),
        env("KAFKA_HEAP_OPTS", jvm_heap_flags(heap)),
        env("KAFKA_LOG_DIRS", "/opt/kafka/data/logs"),
        env(
            "KAFKA_MIN_INSYNC_REPLICAS",
            k.min_insync_replicas.to_string(),
        ),
        env(
            "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
            k.offsets_replication.to_string(),
        ),
        env(
            "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
            k.offsets_replication.to_string(),
        ),
        env(
            "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
            transaction_min_isr.to_string(),
        ),
    ]);
    c.volume_mounts = Some(vec![mount("datadir", "/opt/kafka/data")]);
    c.readiness_probe = Some(tcp_probe("kafka", 30));
    c.liveness_probe = Some(tcp_probe("kafka", 60));
    let pod = PodSpec {
        containers: vec![c],
        // cp-kafka runs as appuser (1000): the volume must be its group's.
        security_context: Some(fs_group(1000)),
        termination_grace_period_seconds: Some(60),
        ..Default::default()
    };
    let claims = vec![claim(cx, "datadir", KAFKA, &k.storage, &k.storage_class)];
    let sts = stateful_set(cx, ns, KAFKA, &headless, k.replicas, pod, claims);
    out.objects.push(K8sObject::new(&sts, span));
    let ports = [("kafka", KAFKA_PORT)];
    out.objects.push(K8sObject::new(
        &service(cx, ns, &headless, KAFKA, &ports, true),
        span,
    ));
    out.objects.push(K8sObject::new(
        &service(cx, ns, KAFKA, KAFKA, &ports, false),
        span,
    ));
}

pub(crate) fn fs_group(gid: i64) -> PodSecurityContext {
    PodSecurityContext {
        fs_group: Some(gid),
        ..Default::default()
    }
}

/// The ensemble: a StatefulSet, the headless Service
/// `zookeeper-v2-headless` (members find each other through it), the client
/// Service `zookeeper-v2` (2181) and a PodDisruptionBudget that lets one
/// member go at a time.
fn zookeeper(cx: &Cx<'_>, out: &mut Lowered) {
    let z = &cx.env.zookeeper;
    let ns = &cx.env.namespaces.zookeeper;
    let span = cx.span("zookeeper");
    let headless = format!("{ZOOKEEPER}-headless");
    let heap = heap_mib(&z.heap);
    let member = |i: i64| format!("{ZOOKEEPER}-{i}.{headless}.{ns}");
    // The image's repository, without registry and tag.
    let repository = z
        .image
        .rsplit('/')
        .next()
        .unwrap_or(&z.image)
        .split([':', '@'])
        .next()
        .unwrap_or_default();
    let confluent = repository == "cp-zookeeper";
    let (script, data_dir, vars) = if confluent {
        let servers: Vec<String> = (0..z.replicas)
            .map(|i| format!("{}:2888:3888", member(i)))
            .collect();
        (
            "export ZOOKEEPER_SERVER_ID=$((${HOSTNAME##*-} + 1)) && exec /etc/confluent/docker/run",
            "/var/lib/zookeeper",
            vec![
                env("ZOOKEEPER_CLIENT_PORT", ZOOKEEPER_PORT.to_string()),
                env("ZOOKEEPER_SERVERS", servers.join(";")),
                env("ZOOKEEPER_TICK_TIME", "2000"),
                env("ZOOKEEPER_INIT_LIMIT", "10"),
                env("ZOOKEEPER_SYNC_LIMIT", "5"),
                env("KAFKA_HEAP_OPTS", jvm_heap_flags(heap)),
            ],
        )
    } else {
        let servers: Vec<String> = (0..z.replicas)
            .map(|i| format!("server.{}={}:2888:3888;{ZOOKEEPER_PORT}", i + 1, member(i)))
            .collect();
        (
            "export ZOO_MY_ID=$((${HOSTNAME##*-} + 1)) && exec /docker-entrypoint.sh zkServer.sh start-foreground",
            "/data",
            vec![
                env("ZOO_SERVERS", servers.join(" ")),
                // The transaction log on the volume too (the image's
                // default, /datalog, is not).
                env("ZOO_DATA_LOG_DIR", "/data/log"),
                env("ZOO_STANDALONE_ENABLED", (z.replicas == 1).to_string()),
                env("ZOO_4LW_COMMANDS_WHITELIST", "srvr,ruok"),
                // zkEnv.sh adds `-Xmx${ZK_SERVER_HEAP}m` (1000 by default).
                env("ZK_SERVER_HEAP", heap.to_string()),
                env("JVMFLAGS", jvm_heap_flags(heap)),
            ],
        )
    };
    let mut c = container("zookeeper", &z.image, resources(&z.resources));
    c.command = Some(vec!["sh".into(), "-ec".into(), script.into()]);
    c.ports = Some(vec![
        container_port("client", ZOOKEEPER_PORT),
        container_port("server", 2888),
        container_port("election", 3888),
    ]);
    c.env = Some(vars);
    c.volume_mounts = Some(vec![mount("datadir", data_dir)]);
    c.readiness_probe = Some(tcp_probe("client", 10));
    c.liveness_probe = Some(tcp_probe("client", 30));
    let pod = PodSpec {
        containers: vec![c],
        security_context: Some(fs_group(1000)),
        ..Default::default()
    };
    let claims = vec![claim(
        cx,
        "datadir",
        ZOOKEEPER,
        &z.storage,
        &z.storage_class,
    )];
    let mut sts = stateful_set(cx, ns, ZOOKEEPER, &headless, z.replicas, pod, claims);
    if let Some(spec) = sts.spec.as_mut() {
        // Members must all be up to form a quorum; start them together.
        spec.pod_management_policy = Some("Parallel".to_string());
    }
    out.objects.push(K8sObject::new(&sts, span));
    let all = [
        ("client", ZOOKEEPER_PORT),
        ("server", 2888),
        ("election", 3888),
    ];
    out.objects.push(K8sObject::new(
        &service(cx, ns, &headless, ZOOKEEPER, &all, true),
        span,
    ));
    out.objects.push(K8sObject::new(
        &service(cx, ns, ZOOKEEPER, ZOOKEEPER, &all[..1], false),
        span,
    ));
    let pdb = PodDisruptionBudget {
        metadata: meta(cx, Some(ns), ZOOKEEPER, ZOOKEEPER),
        spec: Some(PodDisruptionBudgetSpec {
            max_unavailable: Some(IntOrString::Int(1)),
            selector: Some(selector(ZOOKEEPER)),
            ..Default::default()
        }),
        ..Default::default()
    };
    out.objects.push(K8sObject::new(&pdb, span));
}

/// A topic as hashed: the same topics give the same bytes whatever order
/// their `config` entries were written in.
#[derive(Serialize)]
struct CanonicalTopic<'t> {
    name: &'t str,
    partitions: i64,
    replication: i64,
    config: BTreeMap<&'t str, &'t str>,
}

/// The topic Job's name: `kafka-topics-` and the first 10 hex digits of the
/// SHA-256 of the canonical topic list (topics in order, each with its
/// config sorted), followed by what else the Job's pod reads: the image and
/// the broker address. A Job is immutable, so whenever its pod would change
/// the Job gets a new name; otherwise the name, and the Job, stay put.
pub(crate) fn topic_job_name(env: &Environment) -> String {
    let topics: Vec<CanonicalTopic<'_>> = env
        .kafka
        .topics
        .iter()
        .map(|t| CanonicalTopic {
            name: &t.name,
            partitions: t.partitions,
            replication: t.replication,
            config: t
                .config
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect(),
        })
        .collect();
    let mut bytes = serde_json::to_vec(&topics).unwrap_or_default();
    bytes.push(b'\n');
    bytes.extend_from_slice(env.kafka.image.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(brokers(env).as_bytes());
    format!("kafka-topics-{}", &sha256_hex(&bytes)[..10])
}

/// The `kafka-topics` command creating one topic, as arguments: exactly the
/// topic's name, partitions, replication factor and each `--config k=v`.
pub(crate) fn topic_args(bootstrap: &str, t: &Topic) -> Vec<String> {
    let mut args = vec![
        "kafka-topics".to_string(),
        "--bootstrap-server".to_string(),
        bootstrap.to_string(),
        "--create".to_string(),
        "--if-not-exists".to_string(),
        "--topic".to_string(),
        t.name.clone(),
        "--partitions".to_string(),
        t.partitions.to_string(),
        "--replication-factor".to_string(),
        t.replication.to_string(),
    ];
    for (k, v) in &t.config {
        args.push("--config".to_string());
        args.push(format!("{k}={v}"));
    }
    args
}

/// The topic-creation Job (none without topics): one `kafka-topics --create
/// --if-not-exists` per topic, each argument shell-quoted, run with `sh -e`
/// so the first failure fails the pod and the Job retries it. Existing
/// topics are left as they are (`--if-not-exists` changes nothing).
fn topic_job(cx: &Cx<'_>, out: &mut Lowered) {
    let k = &cx.env.kafka;
    if k.topics.is_empty() {
        return;
    }
    let ns = &cx.env.namespaces.kafka;
    let bootstrap = brokers(cx.env);
    let mut script = String::new();
    for t in &k.topics {
        let line: Vec<String> = topic_args(&bootstrap, t)
            .iter()
            .map(|a| shell_quote(a))
            .collect();
        script.push_str(&line.join(" "));
        script.push('\n');
    }
    let name = topic_job_name(cx.env);
    let mut c = container("kafka-topics", &k.image, tool_resources("512Mi"));
    c.command = Some(vec!["sh".into(), "-ec".into(), script]);
    c.env = Some(vec![env("KAFKA_HEAP_OPTS", "-Xmx256m -Xms256m")]);
    let pod = PodSpec {
        containers: vec![c],
        restart_policy: Some("OnFailure".to_string()),
        ..Default::default()
    };
    let job = Job {
        metadata: meta(cx, Some(ns), &name, "kafka-topics"),
        spec: Some(JobSpec {
            backoff_limit: Some(10),
            ttl_seconds_after_finished: Some(clamp_i32(7 * 24 * 3600)),
            template: pod_template(cx, "kafka-topics", pod),
            ..Default::default()
        }),
        ..Default::default()
    };
    out.objects
        .push(K8sObject::new(&job, cx.span("kafka.topics")));
}
