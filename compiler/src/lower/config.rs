//! The services' shared ConfigMaps, in the services' namespace:
//! `egov-config` (from `global`, `db`, `ingress` and the Kafka Service),
//! `egov-service-host` (each enabled service's URL) and every other entry
//! of `config_maps`.

use super::backbone::{check_name, meta};
use super::model::Environment;
use super::{Cx, K8sObject, Lowered};
use digit_lang::Diagnostic;
use k8s_openapi::api::core::v1::ConfigMap;
use std::collections::BTreeMap;

/// The name of the ConfigMap every service reads its shared settings from.
pub(crate) const EGOV_CONFIG: &str = "egov-config";
/// The name of the ConfigMap mapping each service to its URL.
pub(crate) const EGOV_SERVICE_HOST: &str = "egov-service-host";

/// The data of `egov-config`: `global`, plus what is derived unless
/// `global` sets it:
/// - `db-host`, `db-name` from `db`;
/// - `db-url`: `jdbc:postgresql://HOST:PORT/NAME`, with `?sslmode=require`
///   when `db.ssl`;
/// - `open-endpoints`: `ingress.open_endpoints`, comma-joined;
/// - `kafka-brokers`: the Kafka client Service, `kafka-v2.NS:9092` (the
///   standard library's `config_env` reads it).
///
/// Services hash this for their checksum annotation.
/// The keys of `egov-config` derived from the environment unless `global`
/// sets them (the platform rules know they will be there).
pub(crate) const DERIVED_KEYS: [&str; 5] = [
    "db-host",
    "db-name",
    "db-url",
    "open-endpoints",
    "kafka-brokers",
];

pub(crate) fn egov_config_data(env: &Environment) -> BTreeMap<String, String> {
    let mut data: BTreeMap<String, String> = env
        .global
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let db = &env.db;
    let ssl = if db.ssl { "?sslmode=require" } else { "" };
    let derived = [
        db.host.clone(),
        db.name.clone(),
        format!("jdbc:postgresql://{}:{}/{}{ssl}", db.host, db.port, db.name),
        env.ingress.open_endpoints.join(","),
        super::kafka::brokers(env),
    ];
    for (k, v) in DERIVED_KEYS.iter().zip(derived) {
        data.entry(k.to_string()).or_insert(v);
    }
    data
}

/// The data of `egov-service-host`: each enabled service's name mapped to
/// `http://NAME.NS:PORT/`.
pub(crate) fn service_host_data(env: &Environment) -> BTreeMap<String, String> {
    let ns = &env.namespaces.egov;
    env.services
        .values()
        .filter(|s| s.enabled)
        .map(|s| {
            (
                s.name.clone(),
                format!("http://{}.{ns}:{}/", s.name, s.port),
            )
        })
        .collect()
}

pub(crate) fn lower(cx: &Cx<'_>, out: &mut Lowered) {
    let env = cx.env;
    let ns = &env.namespaces.egov;
    let config_map = |name: &str, data: BTreeMap<String, String>| ConfigMap {
        metadata: meta(cx, Some(ns), name, name),
        data: Some(data),
        ..Default::default()
    };
    if env.config_maps.contains_key(EGOV_CONFIG) {
        let path = crate::value::join_path("config_maps", EGOV_CONFIG);
        out.problems.push(
            Diagnostic::error(
                "E0713",
                cx.span(&path),
                "`config_maps` cannot define `egov-config`",
            )
            .with_label("`egov-config` is made from `global` and `db`")
            .with_help("put these keys in `global` instead"),
        );
    }
    out.objects.push(K8sObject::new(
        &config_map(EGOV_CONFIG, egov_config_data(env)),
        cx.span("global"),
    ));
    if !env.config_maps.contains_key(EGOV_SERVICE_HOST) {
        out.objects.push(K8sObject::new(
            &config_map(EGOV_SERVICE_HOST, service_host_data(env)),
            cx.span("services"),
        ));
    }
    for (name, data) in &env.config_maps {
        if name == EGOV_CONFIG || !check_name(cx, out, "ConfigMap", "config_maps", name) {
            continue;
        }
        let path = crate::value::join_path("config_maps", name);
        let data = data.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        out.objects
            .push(K8sObject::new(&config_map(name, data), cx.span(&path)));
    }
}
