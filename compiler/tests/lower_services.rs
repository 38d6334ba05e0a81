//! Lowering of services: Deployments, Services, HorizontalPodAutoscalers,
//! the Ingress and the Secrets, through `build_file`, the entry point
//! `digitc build` uses.
//!
//! `fixtures/build/services_*.dg` are snapshotted (the source, then the
//! objects of the services' namespace as YAML, or the diagnostics); the
//! tests below check what an operator would: pods roll without downtime,
//! secrets never reach a Deployment, each setting makes its object.
//!
//! The test decrypter returns a secret's path reversed (`db.password` ->
//! `drowssap.bd`) and refuses `db.broken`.

use digit_compiler::lower::{Lowered, Options, SecretInput};
use digit_compiler::{build_file, Analysis, FsLoader, MemLoader};
use digit_lang::diagnostic::render_human;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::core::v1::{Secret, Service};
use k8s_openapi::api::networking::v1::Ingress;
use serde_json::{json, Value};
use std::fmt::Write;
use std::path::Path;
use zeroize::Zeroizing;

fn fake_decrypt(s: &SecretInput) -> Result<Zeroizing<Vec<u8>>, String> {
    if s.path == "db.broken" {
        return Err("authentication failed: wrong passcode or tampered ciphertext".into());
    }
    Ok(Zeroizing::new(
        s.path.chars().rev().collect::<String>().into_bytes(),
    ))
}

fn plaintext_of(path: &str) -> String {
    path.chars().rev().collect()
}

fn build_path(path: &Path, decrypt: bool) -> (Analysis, Option<Lowered>) {
    let f = fake_decrypt;
    let options = Options {
        decrypt: if decrypt { Some(&f) } else { None },
    };
    build_file(&FsLoader, path, options)
}

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new("tests/fixtures/build").join(name)
}

/// Builds a fixture that must build.
fn built(name: &str) -> Lowered {
    built_with(&fixture(name), true)
}

fn built_with(path: &Path, decrypt: bool) -> Lowered {
    let (analysis, lowered) = build_path(path, decrypt);
    assert!(!analysis.has_errors(), "{}", diagnostics(&analysis));
    lowered.expect("no errors, so objects")
}

/// Builds an inline environment (with `amends "digit:environment"`).
fn built_src(src: &str) -> Lowered {
    let mut loader = MemLoader::new();
    // The keys every service's default `config_env` reads (a platform
    // rule), in a module the source amends, so that its own settings win.
    let (head, rest) = src.split_once('\n').unwrap_or((src, ""));
    loader.add(
        "defaults.dg",
        format!(
            "{head}\nglobal {{ \"kafka-brokers\" = \"kafka-v2.backbone:9092\", \"server-tomcat-max-threads\" = \"10\", timezone = \"UTC\" }}\n"
        ),
    );
    loader.add("env.dg", format!("amends \"./defaults.dg\"\n{rest}"));
    let f = fake_decrypt;
    let (analysis, lowered) =
        build_file(&loader, Path::new("env.dg"), Options { decrypt: Some(&f) });
    assert!(!analysis.has_errors(), "{}", diagnostics(&analysis));
    lowered.unwrap()
}

fn diagnostics(a: &Analysis) -> String {
    a.problems
        .iter()
        .map(|d| render_human(d, &a.sources, false))
        .collect::<Vec<_>>()
        .join("\n")
}

fn object<'l>(l: &'l Lowered, kind: &str, name: &str) -> &'l Value {
    &l.objects
        .iter()
        .find(|o| o.kind == kind && o.name == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
        .json
}

fn has(l: &Lowered, kind: &str, name: &str) -> bool {
    l.objects.iter().any(|o| o.kind == kind && o.name == name)
}

fn checksum(l: &Lowered, name: &str) -> String {
    object(l, "Deployment", name)["spec"]["template"]["metadata"]["annotations"]
        ["digit.egov/config-checksum"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn build_fixtures() {
    insta::glob!("fixtures/build/services_*.dg", |abs| {
        let path = abs.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(abs);
        let source = std::fs::read_to_string(abs).unwrap();
        let (analysis, lowered) = build_path(path, true);
        let mut out = format!("----- SOURCE\n{}\n", source.trim_end());
        match lowered {
            Some(l) => {
                out.push_str("----- OBJECTS\n");
                for o in l
                    .objects
                    .iter()
                    .filter(|o| o.namespace.as_deref() == Some("egov") && o.kind != "ConfigMap")
                {
                    let mut j = o.json.clone();
                    // The checksum has a test of its own; it changes with
                    // the backbone's ConfigMaps.
                    if let Some(a) = j.pointer_mut(
                        "/spec/template/metadata/annotations/digit.egov~1config-checksum",
                    ) {
                        *a = json!("<checksum>");
                    }
                    let _ = write!(
                        out,
                        "--- # {}{}\n{}",
                        o.key(),
                        if o.holds_secret {
                            " (holds secret)"
                        } else {
                            ""
                        },
                        serde_yaml_ng::to_string(&j).unwrap()
                    );
                }
            }
            None => {
                assert!(analysis.has_errors(), "{}", path.display());
                let _ = write!(out, "----- DIAGNOSTICS\n{}", diagnostics(&analysis));
            }
        }
        insta::assert_snapshot!(out);
    });
}

#[test]
fn deployments_roll_without_taking_a_pod_down() {
    let l = built("services_platform.dg");
    let deployments: Vec<_> = l
        .objects
        .iter()
        .filter(|o| o.kind == "Deployment" && o.namespace.as_deref() == Some("egov"))
        .collect();
    assert_eq!(deployments.len(), 4, "one per enabled service");
    for d in deployments {
        let strategy = &d.json["spec"]["strategy"];
        assert_eq!(strategy["type"], "RollingUpdate", "{}", d.name);
        assert_eq!(strategy["rollingUpdate"]["maxUnavailable"], 0, "{}", d.name);
        assert_eq!(strategy["rollingUpdate"]["maxSurge"], 1, "{}", d.name);
        // The selector (immutable once applied) is the stable `app` label,
        // and selects the Deployment's own pods.
        let selector = d.json["spec"]["selector"]["matchLabels"]
            .as_object()
            .unwrap();
        assert_eq!(selector.len(), 1);
        assert_eq!(selector["app"], d.name.as_str());
        let pod_labels = &d.json["spec"]["template"]["metadata"]["labels"];
        assert!(
            selector.iter().all(|(k, v)| pod_labels[k] == *v),
            "{}",
            d.name
        );
    }
    assert!(!has(&l, "Deployment", "egov-old"), "disabled");
}

#[test]
fn secret_env_is_a_secret_key_ref_and_deployments_hold_no_plaintext() {
    let l = built("services_platform.dg");
    let user = object(&l, "Deployment", "egov-user");
    let env = user["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap();
    let var = |name: &str| env.iter().find(|v| v["name"] == name).unwrap();
    assert_eq!(
        var("SPRING_DATASOURCE_PASSWORD")["valueFrom"],
        json!({"secretKeyRef": {"name": "db", "key": "password"}})
    );
    assert_eq!(var("SPRING_DATASOURCE_PASSWORD").get("value"), None);
    // `env` overrides the default `config_env` entry of the same name.
    assert_eq!(
        var("SPRING_DATASOURCE_URL")["value"],
        "jdbc:postgresql://override:5432/egov"
    );
    assert_eq!(
        var("APP_TIMEZONE")["valueFrom"],
        json!({"configMapKeyRef": {"name": "egov-config", "key": "timezone"}})
    );
    assert_eq!(var("JAVA_OPTS")["value"], "-Xmx256m -Xms256m");
    let names: Vec<&str> = env.iter().map(|v| v["name"].as_str().unwrap()).collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(names.len(), unique.len(), "each variable once: {names:?}");

    // Secret paths quote keys that are not identifiers, as `digitc eval` does.
    let secrets = [
        r#"db.username"#,
        r#"db.password"#,
        r#"db."flyway-username""#,
        r#"db."flyway-password""#,
        r#""git-sync".ssh"#,
        r#""git-sync".known_hosts"#,
        r#""egov-notification-sms"."sms-password""#,
    ];
    for d in l.objects.iter().filter(|o| o.kind != "Secret") {
        let text = d.json.to_string();
        for s in secrets {
            let plain = plaintext_of(s);
            assert!(!text.contains(&plain), "{} holds {s}", d.key());
            let b64 = base64_of(plain.as_bytes());
            assert!(!text.contains(&b64), "{} holds {s} in base64", d.key());
        }
        assert!(!d.holds_secret, "{}", d.key());
    }
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[test]
fn expose_chooses_the_service_type() {
    let l = built("services_platform.dg");
    let type_of = |name: &str| object(&l, "Service", name)["spec"]["type"].clone();
    assert_eq!(type_of("egov-user"), "LoadBalancer");
    assert_eq!(type_of("egov-mdms-service"), "NodePort");
    assert_eq!(type_of("pgr-services"), "ClusterIP");
    let svc = object(&l, "Service", "pgr-services");
    assert_eq!(
        svc["spec"]["ports"],
        json!([{"name": "http", "port": 8080, "protocol": "TCP", "targetPort": "http"}])
    );
    let dep = object(&l, "Deployment", "pgr-services");
    assert_eq!(
        svc["spec"]["selector"],
        dep["spec"]["template"]["metadata"]["labels"]
    );
    assert_eq!(svc["spec"]["selector"]["digit.egov/environment"], "qa");
}

#[test]
fn an_autoscaler_iff_autoscale_and_then_it_owns_the_replicas() {
    let l = built("services_platform.dg");
    let hpas: Vec<&str> = l
        .objects
        .iter()
        .filter(|o| o.kind == "HorizontalPodAutoscaler")
        .map(|o| o.name.as_str())
        .collect();
    assert_eq!(hpas, ["egov-mdms-service"]);
    let hpa = object(&l, "HorizontalPodAutoscaler", "egov-mdms-service");
    assert_eq!(hpa["apiVersion"], "autoscaling/v2");
    assert_eq!(hpa["spec"]["minReplicas"], 2);
    assert_eq!(hpa["spec"]["maxReplicas"], 5);
    assert_eq!(
        hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"],
        70
    );
    assert_eq!(
        hpa["spec"]["scaleTargetRef"],
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "name": "egov-mdms-service"})
    );
    let replicas = |name: &str| {
        object(&l, "Deployment", name)["spec"]
            .get("replicas")
            .cloned()
    };
    assert_eq!(replicas("egov-mdms-service"), None);
    assert_eq!(replicas("egov-user"), Some(json!(2)));
}

fn init_containers(l: &Lowered, name: &str) -> Vec<String> {
    object(l, "Deployment", name)["spec"]["template"]["spec"]["initContainers"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .map(|c| c["name"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn init_containers_iff_migration_or_git_sync() {
    let l = built("services_platform.dg");
    assert_eq!(init_containers(&l, "egov-user"), Vec::<String>::new());
    assert_eq!(init_containers(&l, "pgr-services"), ["db-migration"]);
    assert_eq!(init_containers(&l, "egov-mdms-service"), ["git-sync"]);

    let pod = &object(&l, "Deployment", "pgr-services")["spec"]["template"]["spec"];
    let mig = &pod["initContainers"][0];
    assert_eq!(mig["image"], "egovio/pgr-services-db:v2.9.0");
    let env = mig["env"].as_array().unwrap();
    let var = |name: &str| env.iter().find(|v| v["name"] == name).unwrap().clone();
    assert_eq!(
        var("FLYWAY_PASSWORD")["valueFrom"],
        json!({"secretKeyRef": {"name": "db", "key": "flyway-password"}})
    );
    assert_eq!(
        var("FLYWAY_LOCATIONS")["value"],
        "filesystem:/flyway/migration/main"
    );
    assert_eq!(var("SCHEMA_TABLE")["value"], "pgr_schema");
    let sms = pod["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "SMS_PASSWORD")
        .unwrap();
    assert_eq!(
        sms["valueFrom"],
        json!({"secretKeyRef": {"name": "egov-notification-sms", "key": "sms-password"}}),
        "quoted path segments are unquoted"
    );
    assert_eq!(
        var("DB_URL")["valueFrom"],
        json!({"configMapKeyRef": {"name": "egov-config", "key": "db-url"}})
    );

    // git-sync clones into work-dir, which the service mounts too; the SSH
    // key is read-only, mode 0400.
    let pod = &object(&l, "Deployment", "egov-mdms-service")["spec"]["template"]["spec"];
    let mounts = |c: &Value| -> Vec<(String, String)> {
        c["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                (
                    m["name"].as_str().unwrap().into(),
                    m["mountPath"].as_str().unwrap().into(),
                )
            })
            .collect()
    };
    let work = ("work-dir".to_string(), "/work-dir".to_string());
    assert!(mounts(&pod["initContainers"][0]).contains(&work));
    assert!(mounts(&pod["containers"][0]).contains(&work));
    let key = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "git-secret")
        .unwrap();
    assert_eq!(key["secret"]["secretName"], "git-sync");
    assert_eq!(key["secret"]["defaultMode"], 0o400);

    let l = built("services_no_ingress.dg");
    let pod = &object(&l, "Deployment", "egov-indexer")["spec"]["template"]["spec"];
    let locations = pod["initContainers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["name"] == "FLYWAY_LOCATIONS")
        .unwrap()
        .clone();
    assert_eq!(
        locations["valueFrom"]["configMapKeyRef"],
        json!({"name": "egov-config", "key": "flyway-locations"})
    );
}

const SMALL: &str = r#"amends "digit:environment"
name = "qa"
domain = "qa.digit.example.org"
db { host = "postgres", name = "egov" }
global { "server-tomcat-max-threads" = "THREADS" }
services { "egov-user" { image = "egovio/egov-user:v2.9.0" } }
"#;

#[test]
fn the_config_checksum_follows_the_config_maps_the_pods_read() {
    let a = built_src(SMALL);
    let sum = checksum(&a, "egov-user");
    assert!(sum.starts_with("sha256:") && sum.len() == 7 + 64, "{sum}");
    assert_eq!(
        checksum(&built_src(SMALL), "egov-user"),
        sum,
        "deterministic"
    );
    // A global value changes egov-config (made by the backbone's
    // lowering), so the pods roll.
    assert!(has(&a, "ConfigMap", "egov-config"));
    let changed = built_src(&SMALL.replace("THREADS", "20"));
    assert_ne!(checksum(&changed, "egov-user"), sum);
}

#[test]
fn one_secret_per_group_in_each_namespace_that_uses_it() {
    let l = built("services_platform.dg");
    let secrets: Vec<String> = l
        .objects
        .iter()
        .filter(|o| o.kind == "Secret")
        .map(|o| o.key())
        .collect();
    assert_eq!(
        secrets,
        [
            "Secret/egov/db",
            "Secret/egov/egov-notification-sms",
            "Secret/egov/git-sync"
        ],
        "not `unused`"
    );
    let db = l
        .objects
        .iter()
        .find(|o| o.kind == "Secret" && o.name == "db")
        .unwrap();
    assert!(db.holds_secret);
    assert_eq!(db.json["type"], "Opaque");
    let keys = ["flyway-password", "flyway-username", "password", "username"];
    let data = db.json["data"].as_object().unwrap();
    assert_eq!(data.keys().collect::<Vec<_>>(), keys);
    for k in keys {
        let path = if k.contains('-') {
            format!("db.\"{k}\"")
        } else {
            format!("db.{k}")
        };
        let plain = plaintext_of(&path);
        assert_eq!(data[k], base64_of(plain.as_bytes()), "{k}");
    }

    // Services in another namespace: their groups' Secrets go there.
    let l = built_src(
        r#"amends "digit:environment"
name = "qa"
domain = "qa.digit.example.org"
namespaces.egov = "digit"
db { host = "postgres", name = "egov" }
secrets.sms.token = secret("dg1:dG9rZW48Rp6dbFh103pD81PU-I5h_PgSxm7uNFdGWkCw2kFT4DxGnp1sWHXTekPzU9T4jmH8-BLGbu40")
services { "egov-notification-sms" {
  image = "egovio/egov-notification-sms:v2.9.0"
  secret_env { SMS_TOKEN = secrets.sms.token }
} }
"#,
    );
    let secrets: Vec<String> = l
        .objects
        .iter()
        .filter(|o| o.kind == "Secret")
        .map(|o| o.key())
        .collect();
    assert_eq!(secrets, ["Secret/digit/sms"]);
    assert!(has(&l, "Deployment", "egov-notification-sms"));
}

#[test]
fn redacted_builds_emit_the_same_secrets_without_values() {
    let path = fixture("services_platform.dg");
    let real = built_with(&path, true);
    let redacted = built_with(&path, false);
    let keys = |l: &Lowered| -> Vec<String> { l.objects.iter().map(|o| o.key()).collect() };
    assert_eq!(keys(&real), keys(&redacted));
    let placeholder = base64_of(b"<redacted>");
    for o in redacted.objects.iter().filter(|o| o.kind == "Secret") {
        assert!(!o.holds_secret, "{}", o.key());
        assert_eq!(
            o.json["metadata"]["annotations"]["digit.egov/redacted"],
            "true"
        );
        let twin = real.objects.iter().find(|r| r.key() == o.key()).unwrap();
        let data = o.json["data"].as_object().unwrap();
        assert_eq!(
            data.keys().collect::<Vec<_>>(),
            twin.json["data"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>()
        );
        assert!(data.values().all(|v| *v == placeholder), "{}", o.key());
    }
    // Everything else is the same bytes.
    for (a, b) in real.objects.iter().zip(&redacted.objects) {
        if a.kind != "Secret" {
            assert_eq!(a.json, b.json, "{}", a.key());
        }
    }
}

#[test]
fn a_secret_that_cannot_be_decrypted_is_an_error_naming_its_path() {
    let path = fixture("services_decrypt_error.dg");
    let (analysis, lowered) = build_path(&path, true);
    assert!(lowered.is_none(), "nothing is built");
    let errors: Vec<_> = analysis.problems.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{}", diagnostics(&analysis));
    assert_eq!(errors[0].code, "E0722");
    assert!(errors[0].message.contains("`db.broken`"));
    let text = diagnostics(&analysis);
    assert!(text.contains("secret(\"dg1:YnJva2Vu9SZ5XJU5"), "{text}");
    assert!(!text.contains(&plaintext_of("db.password")), "{text}");
    // Redacted, nothing is decrypted, so nothing fails.
    built_with(&path, false);
}

#[test]
fn the_ingress_routes_each_service_with_ingress_true() {
    let l = built("services_platform.dg");
    let ing = object(&l, "Ingress", "digit-ingress");
    assert_eq!(ing["metadata"]["namespace"], "egov");
    assert_eq!(
        ing["metadata"]["annotations"]["cert-manager.io/cluster-issuer"],
        "letsencrypt-prod"
    );
    assert_eq!(ing["spec"]["ingressClassName"], "nginx");
    assert_eq!(
        ing["spec"]["tls"],
        json!([{"hosts": ["qa.digit.example.org"], "secretName": "qa-digit-tls"}])
    );
    let rule = &ing["spec"]["rules"][0];
    assert_eq!(rule["host"], "qa.digit.example.org");
    let paths: Vec<(&str, &str)> = rule["http"]["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["pathType"], "Prefix");
            (
                p["path"].as_str().unwrap(),
                p["backend"]["service"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        paths,
        [
            ("/egov-user", "egov-user"),
            ("/mdms-v2", "egov-mdms-service"),
            ("/pgr-services", "pgr-services"),
        ]
    );
    assert!(!has(
        &built("services_no_ingress.dg"),
        "Ingress",
        "digit-ingress"
    ));
}

/// Every object re-deserializes into its k8s-openapi type, and serializes
/// back to the same JSON: nothing was lost or misspelt.
#[test]
fn every_object_round_trips_through_its_type() {
    fn same<K: serde::de::DeserializeOwned + serde::Serialize>(j: &Value) {
        let typed: K = serde_json::from_value(j.clone()).expect("deserializes");
        assert_eq!(&serde_json::to_value(&typed).unwrap(), j);
    }
    for name in ["services_platform.dg", "services_no_ingress.dg"] {
        for decrypt in [true, false] {
            let l = built_with(&fixture(name), decrypt);
            for o in &l.objects {
                match o.kind.as_str() {
                    "Deployment" => same::<Deployment>(&o.json),
                    "Service" => same::<Service>(&o.json),
                    "HorizontalPodAutoscaler" => same::<HorizontalPodAutoscaler>(&o.json),
                    "Ingress" => same::<Ingress>(&o.json),
                    "Secret" => same::<Secret>(&o.json),
                    _ => {}
                }
            }
        }
    }
}

/// A group no service's secret lives in is the platform rules' error; the
/// lowering never sees it.
#[test]
fn a_missing_secrets_group_is_a_rule_error_not_a_panic() {
    let mut loader = MemLoader::new();
    loader.add(
        "env.dg",
        r#"amends "digit:environment"
name = "qa"
domain = "qa.digit.example.org"
db { host = "postgres", name = "egov" }
global { "kafka-brokers" = "k:9092", "server-tomcat-max-threads" = "10", timezone = "UTC" }
services { "egov-user" {
  image = "egovio/egov-user:v2.9.0"
  migration { image = "egovio/egov-user-db:v2.9.0", secret = "nowhere" }
  git_sync { repo = "git@github.com:egovernments/configs", secret = "nothing" }
} }
"#
        .to_string(),
    );
    let f = fake_decrypt;
    let (analysis, lowered) =
        build_file(&loader, Path::new("env.dg"), Options { decrypt: Some(&f) });
    assert!(lowered.is_none(), "nothing is built");
    let codes: Vec<_> = analysis.problems.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["E0756", "E0756"], "{}", diagnostics(&analysis));
}

/// cert-manager issues only for an Ingress with a `tls` entry: with an
/// issuer and no `tls_secret`, the certificate goes to `digit-ingress-tls`;
/// with neither, there is no TLS.
#[test]
fn an_issuer_without_a_tls_secret_names_one() {
    let issuer = SMALL.replace("db {", "ingress.cert_issuer = \"letsencrypt\"\ndb {");
    let l = built_src(&issuer);
    let ing = object(&l, "Ingress", "digit-ingress");
    assert_eq!(
        ing["spec"]["tls"],
        json!([{"hosts": ["qa.digit.example.org"], "secretName": "digit-ingress-tls"}])
    );
    let plain = built_src(SMALL);
    let ing = object(&plain, "Ingress", "digit-ingress");
    assert_eq!(ing["spec"].get("tls"), None);
    assert_eq!(ing["metadata"].get("annotations"), None);
}
