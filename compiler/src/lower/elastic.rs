//! Elasticsearch (DIGIT's `elasticsearch-master-v1`, `elasticsearch-data-v1`
//! and the client nodes) and Kibana.
//!
//! Masters and data nodes are StatefulSets with their own volumes and
//! headless Services; the client (coordinating) nodes a Deployment. Every
//! node finds the masters through `elasticsearch-master-headless`; the
//! first start elects among the master pods by name
//! (`cluster.initial_master_nodes`). Clients and Kibana reach the cluster
//! through the Service `elasticsearch-data` (9200). Security is off
//! (`xpack.security.enabled=false`), as in DIGIT: the cluster is reachable
//! only inside Kubernetes. Memory-mapped storage is off
//! (`node.store.allow_mmap=false`), so no node needs the privileged
//! `vm.max_map_count` init container.

use super::backbone::{
    claim, container, container_port, deployment, env, env_field, heap_mib, resources, service,
    stateful_set, tcp_probe,
};
use super::kafka::fs_group;
use super::model::Resources;
use super::{Cx, K8sObject, Lowered};
use k8s_openapi::api::core::v1::{EnvVar, HTTPGetAction, PodSpec, Probe};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

pub(crate) const MASTER: &str = "elasticsearch-master";
pub(crate) const DATA: &str = "elasticsearch-data";
pub(crate) const CLIENT: &str = "elasticsearch-client";
pub(crate) const HTTP_PORT: i32 = 9200;
const TRANSPORT_PORT: i32 = 9300;
const DATA_DIR: &str = "/usr/share/elasticsearch/data";

/// The URL of the cluster for log shipping and Kibana:
/// `http://elasticsearch-data.NS:9200`.
pub(crate) fn url(cx: &Cx<'_>) -> String {
    format!("http://{DATA}.{}:{HTTP_PORT}", cx.env.namespaces.es_cluster)
}

pub(crate) fn lower(cx: &Cx<'_>, out: &mut Lowered) {
    let es = &cx.env.elasticsearch;
    let ns = &cx.env.namespaces.es_cluster;
    let span = cx.span("elasticsearch");
    let ports = [("http", HTTP_PORT), ("transport", TRANSPORT_PORT)];
    let masters: Vec<String> = (0..es.master_replicas)
        .map(|i| format!("{MASTER}-{i}"))
        .collect();

    let heap = heap_mib(&es.master_heap);
    let mut vars = node_env(cx, "master", heap);
    vars.push(env("cluster.initial_master_nodes", masters.join(",")));
    let pod = node_pod(es.image.as_str(), &es.master_resources, vars, true);
    let claims = vec![claim(
        cx,
        "data",
        MASTER,
        &es.master_storage,
        &es.storage_class,
    )];
    let headless = format!("{MASTER}-headless");
    let sts = stateful_set(cx, ns, MASTER, &headless, es.master_replicas, pod, claims);
    out.objects.push(K8sObject::new(&sts, span));
    out.objects.push(K8sObject::new(
        &service(cx, ns, &headless, MASTER, &ports, true),
        span,
    ));

    let heap = heap_mib(&es.heap);
    let pod = node_pod(
        &es.image,
        &es.resources,
        node_env(cx, "data,ingest", heap),
        true,
    );
    let claims = vec![claim(cx, "data", DATA, &es.storage, &es.storage_class)];
    let headless = format!("{DATA}-headless");
    let sts = stateful_set(cx, ns, DATA, &headless, es.data_replicas, pod, claims);
    out.objects.push(K8sObject::new(&sts, span));
    out.objects.push(K8sObject::new(
        &service(cx, ns, &headless, DATA, &ports, true),
        span,
    ));
    out.objects.push(K8sObject::new(
        &service(cx, ns, DATA, DATA, &ports[..1], false),
        span,
    ));

    if es.client_replicas > 0 {
        let heap = heap_mib(&es.client_heap);
        // No roles: a coordinating-only node.
        let pod = node_pod(
            &es.image,
            &es.client_resources,
            node_env(cx, "", heap),
            false,
        );
        let d = deployment(cx, ns, CLIENT, es.client_replicas, pod);
        out.objects.push(K8sObject::new(&d, span));
        out.objects.push(K8sObject::new(
            &service(cx, ns, CLIENT, CLIENT, &ports[..1], false),
            span,
        ));
    }

    kibana(cx, out);
}

/// The settings of a node with `roles` (comma separated; empty for a
/// coordinating-only node) and a heap of `heap` MiB.
fn node_env(cx: &Cx<'_>, roles: &str, heap: i128) -> Vec<EnvVar> {
    vec![
        env_field("node.name", "metadata.name"),
        env("cluster.name", format!("digit-{}", cx.env.name)),
        env("node.roles", roles),
        env("discovery.seed_hosts", format!("{MASTER}-headless")),
        env("network.host", "0.0.0.0"),
        env("node.store.allow_mmap", "false"),
        env("xpack.security.enabled", "false"),
        env("ES_JAVA_OPTS", format!("-Xms{heap}m -Xmx{heap}m")),
    ]
}

fn node_pod(image: &str, r: &Resources, vars: Vec<EnvVar>, volume: bool) -> PodSpec {
    let mut c = container("elasticsearch", image, resources(r));
    c.ports = Some(vec![
        container_port("http", HTTP_PORT),
        container_port("transport", TRANSPORT_PORT),
    ]);
    c.env = Some(vars);
    if volume {
        c.volume_mounts = Some(vec![super::backbone::mount("data", DATA_DIR)]);
    }
    c.readiness_probe = Some(http_probe("/_cluster/health?local=true", "http", 10));
    c.liveness_probe = Some(tcp_probe("transport", 90));
    PodSpec {
        containers: vec![c],
        // The image runs as elasticsearch (1000).
        security_context: Some(fs_group(1000)),
        termination_grace_period_seconds: Some(120),
        ..Default::default()
    }
}

pub(crate) fn http_probe(path: &str, port: &str, initial_delay: i32) -> Probe {
    Probe {
        http_get: Some(HTTPGetAction {
            path: Some(path.to_string()),
            port: IntOrString::String(port.to_string()),
            scheme: Some("HTTP".to_string()),
            ..Default::default()
        }),
        initial_delay_seconds: Some(initial_delay),
        period_seconds: Some(10),
        timeout_seconds: Some(5),
        failure_threshold: Some(6),
        ..Default::default()
    }
}

/// Kibana (when enabled): a Deployment and the Service `kibana` (5601) in
/// the logging namespace, reading from `elasticsearch-data`.
fn kibana(cx: &Cx<'_>, out: &mut Lowered) {
    let k = &cx.env.kibana;
    if !k.enabled {
        return;
    }
    let ns = &cx.env.namespaces.logging;
    let span = cx.span("kibana");
    let mut c = container("kibana", &k.image, resources(&k.resources));
    c.ports = Some(vec![container_port("http", 5601)]);
    c.env = Some(vec![
        env("ELASTICSEARCH_HOSTS", url(cx)),
        env("SERVER_NAME", "kibana"),
    ]);
    c.readiness_probe = Some(http_probe("/api/status", "http", 30));
    let pod = PodSpec {
        containers: vec![c],
        ..Default::default()
    };
    let d = deployment(cx, ns, "kibana", 1, pod);
    out.objects.push(K8sObject::new(&d, span));
    out.objects.push(K8sObject::new(
        &service(cx, ns, "kibana", "kibana", &[("http", 5601)], false),
        span,
    ));
}
