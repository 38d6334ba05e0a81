//! Per enabled service: a Deployment ([`super::deployment`]), a Service and,
//! with `autoscale`, a HorizontalPodAutoscaler; then the environment's one
//! Ingress ([`super::ingress`]) and the Secrets of the groups the services
//! use ([`super::secrets`]).
//!
//! In: the environment's `services` map (only `enabled = true` entries) and
//! the ConfigMaps the backbone already emitted. Out: objects in
//! `namespaces.egov`, every one carrying the same labels (`app`,
//! `app.kubernetes.io/name`, `app.kubernetes.io/part-of: digit`,
//! `digit.egov/environment`), and the problems found (a heap that does not
//! fit, a secret that cannot be decrypted).

use super::model::Service as ServiceModel;
use super::{deployment, ingress, secrets, Cx, K8sObject, Lowered, Options};
use crate::value::join_path;
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec, MetricSpec,
    MetricTarget, ResourceMetricSource,
};
use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// The name of the container port every service listens on, and of its
/// Service port; probes and the Ingress refer to it by name.
pub(crate) const PORT_NAME: &str = "http";

/// One enabled service, with the key it has in `services`.
pub(crate) struct Svc<'e> {
    pub key: &'e str,
    pub model: &'e ServiceModel,
    pub namespace: &'e str,
}

impl Svc<'_> {
    /// The path of one of its fields: `services."egov-user".heap`.
    pub fn path(&self, field: &str) -> String {
        let at = join_path("services", self.key);
        if field.is_empty() {
            at
        } else {
            format!("{at}.{field}")
        }
    }

    pub fn name(&self) -> &str {
        &self.model.name
    }
}

pub(crate) fn lower(cx: &Cx<'_>, options: Options<'_>, out: &mut Lowered) {
    let svcs = enabled(cx);
    let checksum = deployment::config_checksum(&cx.env.namespaces.egov, &out.objects);
    for svc in &svcs {
        let span = cx.span(&svc.path(""));
        let labels = labels(cx, svc.name());
        let dep = deployment::build(svc, &labels, &checksum);
        out.objects.push(K8sObject::new(&dep, span));
        out.objects
            .push(K8sObject::new(&service(svc, &labels), span));
        if let Some(hpa) = autoscaler(svc, &labels) {
            let at = cx.span(&svc.path("autoscale"));
            out.objects.push(K8sObject::new(&hpa, at));
        }
    }
    if let Some(ing) = ingress::build(cx, &svcs) {
        out.objects.push(K8sObject::new(&ing, cx.span("ingress")));
    }
    secrets::lower(cx, &svcs, options, out);
}

/// The enabled services, in the order of the `services` map.
pub(crate) fn enabled<'e>(cx: &Cx<'e>) -> Vec<Svc<'e>> {
    let namespace = cx.env.namespaces.egov.as_str();
    cx.env
        .services
        .iter()
        .filter(|(_, s)| s.enabled)
        .map(|(key, model)| Svc {
            key,
            model,
            namespace,
        })
        .collect()
}

/// The labels of everything made for `name`; also the pods' labels and the
/// selectors of their Deployment and Service.
pub(crate) fn labels(cx: &Cx<'_>, name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app".to_string(), name.to_string()),
        ("app.kubernetes.io/name".to_string(), name.to_string()),
        ("app.kubernetes.io/part-of".to_string(), "digit".to_string()),
        ("digit.egov/environment".to_string(), cx.env.name.clone()),
    ])
}

/// Metadata of an object of the service's: its name, namespace and labels.
pub(crate) fn meta(svc: &Svc<'_>, labels: &BTreeMap<String, String>) -> ObjectMeta {
    ObjectMeta {
        name: Some(svc.name().to_string()),
        namespace: Some(svc.namespace.to_string()),
        labels: Some(labels.clone()),
        ..Default::default()
    }
}

/// A Kubernetes `int32` from a value the standard library already bounds.
pub(crate) fn int32(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(if n < 0 { i32::MIN } else { i32::MAX })
}

/// The Service: `expose` chooses its type; port `port` to the pods' `http`.
fn service(svc: &Svc<'_>, labels: &BTreeMap<String, String>) -> Service {
    let type_ = match svc.model.expose.as_str() {
        "load-balancer" => "LoadBalancer",
        "node-port" => "NodePort",
        _ => "ClusterIP",
    };
    Service {
        metadata: meta(svc, labels),
        spec: Some(ServiceSpec {
            type_: Some(type_.to_string()),
            selector: Some(labels.clone()),
            ports: Some(vec![ServicePort {
                name: Some(PORT_NAME.to_string()),
                port: i32::from(svc.model.port),
                target_port: Some(IntOrString::String(PORT_NAME.to_string())),
                protocol: Some("TCP".to_string()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// The HorizontalPodAutoscaler of a service with `autoscale`: it owns the
/// Deployment's replica count from then on.
fn autoscaler(svc: &Svc<'_>, labels: &BTreeMap<String, String>) -> Option<HorizontalPodAutoscaler> {
    let scale = svc.model.autoscale.as_ref()?;
    Some(HorizontalPodAutoscaler {
        metadata: meta(svc, labels),
        spec: Some(HorizontalPodAutoscalerSpec {
            scale_target_ref: CrossVersionObjectReference {
                api_version: Some("apps/v1".to_string()),
                kind: "Deployment".to_string(),
                name: svc.name().to_string(),
            },
            min_replicas: Some(int32(scale.min)),
            max_replicas: int32(scale.max),
            metrics: Some(vec![MetricSpec {
                type_: "Resource".to_string(),
                resource: Some(ResourceMetricSource {
                    name: "cpu".to_string(),
                    target: MetricTarget {
                        type_: "Utilization".to_string(),
                        average_utilization: Some(int32(scale.cpu_percent)),
                        ..Default::default()
                    },
                }),
                ..Default::default()
            }]),
            ..Default::default()
        }),
        ..Default::default()
    })
}
