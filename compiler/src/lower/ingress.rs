//! The environment's one Ingress, `digit-ingress` in `namespaces.egov`:
//! host `domain`, a Prefix path per enabled service with `ingress = true`
//! at its `context_path`, to its Service's `http` port.
//!
//! TLS: with `ingress.tls_secret` the certificate is read from that Secret;
//! with `ingress.cert_issuer` the Ingress carries the
//! `cert-manager.io/cluster-issuer` annotation, and cert-manager writes the
//! certificate into `tls_secret`, or into `digit-ingress-tls` when none is
//! named (cert-manager issues only for an Ingress with a `tls` entry). No
//! Ingress is made when no service routes through it.

use super::services::{Svc, PORT_NAME};
use super::Cx;
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressTLS, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// The Ingress's name.
pub(crate) const NAME: &str = "digit-ingress";
const ISSUER_ANNOTATION: &str = "cert-manager.io/cluster-issuer";

pub(crate) fn build(cx: &Cx<'_>, svcs: &[Svc<'_>]) -> Option<Ingress> {
    let paths: Vec<HTTPIngressPath> = svcs.iter().filter(|s| s.model.ingress).map(path).collect();
    if paths.is_empty() {
        return None;
    }
    let ing = &cx.env.ingress;
    let labels = BTreeMap::from([
        ("app.kubernetes.io/name".to_string(), NAME.to_string()),
        ("app.kubernetes.io/part-of".to_string(), "digit".to_string()),
        ("digit.egov/environment".to_string(), cx.env.name.clone()),
    ]);
    let annotations = ing
        .cert_issuer
        .as_ref()
        .map(|issuer| BTreeMap::from([(ISSUER_ANNOTATION.to_string(), issuer.clone())]));
    let tls_secret = match (&ing.tls_secret, &ing.cert_issuer) {
        (Some(secret), _) => Some(secret.clone()),
        (None, Some(_)) => Some(format!("{NAME}-tls")),
        (None, None) => None,
    };
    Some(Ingress {
        metadata: ObjectMeta {
            name: Some(NAME.to_string()),
            namespace: Some(cx.env.namespaces.egov.clone()),
            labels: Some(labels),
            annotations,
            ..Default::default()
        },
        spec: Some(IngressSpec {
            ingress_class_name: Some(ing.class.clone()),
            rules: Some(vec![IngressRule {
                host: Some(cx.env.domain.clone()),
                http: Some(HTTPIngressRuleValue { paths }),
            }]),
            tls: tls_secret.map(|secret| {
                vec![IngressTLS {
                    hosts: Some(vec![cx.env.domain.clone()]),
                    secret_name: Some(secret),
                }]
            }),
            ..Default::default()
        }),
        ..Default::default()
    })
}

fn path(svc: &Svc<'_>) -> HTTPIngressPath {
    HTTPIngressPath {
        path: Some(svc.model.context_path.clone()),
        path_type: "Prefix".to_string(),
        backend: IngressBackend {
            service: Some(IngressServiceBackend {
                name: svc.name().to_string(),
                port: Some(ServiceBackendPort {
                    name: Some(PORT_NAME.to_string()),
                    ..Default::default()
                }),
            }),
            ..Default::default()
        },
    }
}
