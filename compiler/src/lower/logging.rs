//! Log shipping and retention (when `logging.enabled`): fluent-bit as a
//! DaemonSet with its ServiceAccount, ClusterRole, ClusterRoleBinding and
//! ConfigMap, and the CronJob `delete-old-logs-in-es`, all in the logging
//! namespace.
//!
//! fluent-bit tails every container's log under `/var/log/containers`,
//! adds the pod's Kubernetes metadata, and writes to `elasticsearch-data`
//! in daily indices `INDEX_PREFIX-YYYY.MM.DD` (`Logstash_Format`). The
//! CronJob deletes the indices of days before the cutoff (see
//! [`CLEANUP_SCRIPT`]).

use super::backbone::{
    container, container_port, env, labels, meta, mount, pod_template, resources, selector,
    sha256_hex, tool_resources,
};
use super::{Cx, K8sObject, Lowered};
use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet,
};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, HostPathVolumeSource, PodSpec, ServiceAccount, Toleration,
    Volume,
};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, PolicyRule, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

const FLUENT_BIT: &str = "fluent-bit";
const CONFIG: &str = "fluent-bit-config";
pub(crate) const CLEANUP: &str = "delete-old-logs-in-es";

/// The cleanup script. It reads `ES_URL`, `INDEX_PREFIX` and
/// `RETENTION_DAYS` from its environment, so nothing of the configuration
/// is spliced into shell text.
///
/// The cutoff is the UTC date `RETENTION_DAYS` days before now, as the
/// number `YYYYMMDD` (busybox `date -d @SECONDS`). Each index named
/// `INDEX_PREFIX-YYYY.MM.DD` whose date, read as the same number, is below
/// the cutoff is deleted; indices of other shapes are left alone. With
/// `retention_days = 7`, a run on 2024-03-15 deletes the index of
/// 2024-03-07 and older, and keeps 2024-03-08 onwards (as Curator's
/// `older than 7 days` did for DIGIT's `es-curator`).
pub(crate) const CLEANUP_SCRIPT: &str = r#"now=$(date -u +%s)
cutoff=$(date -u -d "@$((now - RETENTION_DAYS * 86400))" +%Y%m%d)
echo "deleting ${INDEX_PREFIX}-* indices dated before ${cutoff}"
curl -fsS "${ES_URL}/_cat/indices/${INDEX_PREFIX}-*?h=index" | while read -r index; do
  day=${index#"${INDEX_PREFIX}-"}
  case "$day" in
    [0-9][0-9][0-9][0-9].[0-9][0-9].[0-9][0-9]) ;;
    *) continue ;;
  esac
  if [ "$(echo "$day" | tr -d .)" -lt "$cutoff" ]; then
    echo "deleting $index"
    curl -fsS -X DELETE "${ES_URL}/${index}"
    echo
  fi
done
"#;

/// The fluent-bit configuration: tail container logs, add Kubernetes
/// metadata, ship to Elasticsearch in daily indices `prefix-YYYY.MM.DD`.
pub(crate) fn fluent_bit_conf(es_host: &str, es_port: i32, index_prefix: &str) -> String {
    format!(
        "[SERVICE]
    Flush         5
    Log_Level     info
    Daemon        off
    HTTP_Server   On
    HTTP_Listen   0.0.0.0
    HTTP_Port     2020

[INPUT]
    Name              tail
    Tag               kube.*
    Path              /var/log/containers/*.log
    multiline.parser  docker, cri
    DB                /var/log/flb_kube.db
    Mem_Buf_Limit     5MB
    Skip_Long_Lines   On
    Refresh_Interval  10

[FILTER]
    Name                kubernetes
    Match               kube.*
    Kube_URL            https://kubernetes.default.svc:443
    Kube_Tag_Prefix     kube.var.log.containers.
    Merge_Log           On
    Keep_Log            Off
    K8S-Logging.Exclude On

[OUTPUT]
    Name                es
    Match               kube.*
    Host                {es_host}
    Port                {es_port}
    Logstash_Format     On
    Logstash_Prefix     {index_prefix}
    Replace_Dots        On
    Suppress_Type_Name  On
    Retry_Limit         False
"
    )
}

pub(crate) fn lower(cx: &Cx<'_>, out: &mut Lowered) {
    let l = &cx.env.logging;
    if !l.enabled {
        return;
    }
    let ns = &cx.env.namespaces.logging;
    let span = cx.span("logging");
    let es_host = format!("{}.{}", super::elastic::DATA, cx.env.namespaces.es_cluster);
    let conf = fluent_bit_conf(&es_host, super::elastic::HTTP_PORT, &l.index_prefix);
    let data = BTreeMap::from([("fluent-bit.conf".to_string(), conf)]);
    let checksum = sha256_hex(serde_json::to_string(&data).unwrap_or_default().as_bytes());
    let cm = ConfigMap {
        metadata: meta(cx, Some(ns), CONFIG, FLUENT_BIT),
        data: Some(data),
        ..Default::default()
    };
    out.objects.push(K8sObject::new(&cm, span));

    let sa = ServiceAccount {
        metadata: meta(cx, Some(ns), FLUENT_BIT, FLUENT_BIT),
        ..Default::default()
    };
    out.objects.push(K8sObject::new(&sa, span));

    // Cluster-wide names carry the environment's: two environments may
    // share a cluster.
    let cluster_name = format!("{FLUENT_BIT}-{}", cx.env.name);
    let role = ClusterRole {
        metadata: meta(cx, None, &cluster_name, FLUENT_BIT),
        rules: Some(vec![PolicyRule {
            api_groups: Some(vec![String::new()]),
            resources: Some(vec!["pods".to_string(), "namespaces".to_string()]),
            verbs: ["get", "list", "watch"].map(String::from).to_vec(),
            ..Default::default()
        }]),
        ..Default::default()
    };
    out.objects.push(K8sObject::new(&role, span));
    let binding = ClusterRoleBinding {
        metadata: meta(cx, None, &cluster_name, FLUENT_BIT),
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".to_string(),
            kind: "ClusterRole".to_string(),
            name: cluster_name.clone(),
        },
        subjects: Some(vec![Subject {
            kind: "ServiceAccount".to_string(),
            name: FLUENT_BIT.to_string(),
            namespace: Some(ns.clone()),
            ..Default::default()
        }]),
    };
    out.objects.push(K8sObject::new(&binding, span));

    let mut c = container(FLUENT_BIT, &l.image, resources(&l.resources));
    c.ports = Some(vec![container_port("http", 2020)]);
    c.volume_mounts = Some(vec![
        mount("varlog", "/var/log"),
        mount("config", "/fluent-bit/etc/"),
    ]);
    let pod = PodSpec {
        service_account_name: Some(FLUENT_BIT.to_string()),
        containers: vec![c],
        // Ship the logs of every node, tainted ones included.
        tolerations: Some(vec![Toleration {
            operator: Some("Exists".to_string()),
            ..Default::default()
        }]),
        volumes: Some(vec![
            Volume {
                name: "varlog".to_string(),
                host_path: Some(HostPathVolumeSource {
                    path: "/var/log".to_string(),
                    type_: Some("Directory".to_string()),
                }),
                ..Default::default()
            },
            Volume {
                name: "config".to_string(),
                config_map: Some(ConfigMapVolumeSource {
                    name: CONFIG.to_string(),
                    ..Default::default()
                }),
                ..Default::default()
            },
        ]),
        ..Default::default()
    };
    let mut template = pod_template(cx, FLUENT_BIT, pod);
    if let Some(m) = template.metadata.as_mut() {
        // A new configuration rolls the pods.
        m.annotations = Some(BTreeMap::from([("checksum/config".to_string(), checksum)]));
    }
    let ds = DaemonSet {
        metadata: meta(cx, Some(ns), FLUENT_BIT, FLUENT_BIT),
        spec: Some(DaemonSetSpec {
            selector: selector(FLUENT_BIT),
            template,
            update_strategy: Some(DaemonSetUpdateStrategy {
                type_: Some("RollingUpdate".to_string()),
                rolling_update: Some(RollingUpdateDaemonSet {
                    max_unavailable: Some(IntOrString::Int(1)),
                    ..Default::default()
                }),
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    out.objects.push(K8sObject::new(&ds, span));

    cleanup(cx, out);
}

/// The CronJob `delete-old-logs-in-es`: at `cleanup_schedule` (UTC), runs
/// [`CLEANUP_SCRIPT`] with `cleanup_image`.
fn cleanup(cx: &Cx<'_>, out: &mut Lowered) {
    let l = &cx.env.logging;
    let ns = &cx.env.namespaces.logging;
    let mut c = container("cleanup", &l.cleanup_image, tool_resources("64Mi"));
    c.command = Some(vec!["sh".into(), "-ec".into(), CLEANUP_SCRIPT.to_string()]);
    c.env = Some(vec![
        env("ES_URL", super::elastic::url(cx)),
        env("INDEX_PREFIX", l.index_prefix.clone()),
        env("RETENTION_DAYS", l.retention_days.to_string()),
    ]);
    let pod = PodSpec {
        containers: vec![c],
        restart_policy: Some("OnFailure".to_string()),
        ..Default::default()
    };
    let job = CronJob {
        metadata: meta(cx, Some(ns), CLEANUP, CLEANUP),
        spec: Some(CronJobSpec {
            schedule: l.cleanup_schedule.clone(),
            time_zone: Some("Etc/UTC".to_string()),
            concurrency_policy: Some("Forbid".to_string()),
            successful_jobs_history_limit: Some(1),
            failed_jobs_history_limit: Some(3),
            job_template: JobTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels(cx, CLEANUP)),
                    ..Default::default()
                }),
                spec: Some(JobSpec {
                    backoff_limit: Some(2),
                    template: pod_template(cx, CLEANUP, pod),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        ..Default::default()
    };
    out.objects
        .push(K8sObject::new(&job, cx.span("logging.cleanup_schedule")));
}
