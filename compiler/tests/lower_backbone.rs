//! Lowering of the backbone: the platform's shared objects.
//!
//! - `fixtures/build/backbone_*.dg`: each environment is built; the snapshot
//!   shows its source, every object (`Kind namespace/name`), and the JSON of
//!   the objects its `// show:` header names (`Kind/namespace/name`, `_` for
//!   cluster-wide, `*` for any name).
//! - `fixtures/build/errors/backbone_*.dg`: the build fails; the snapshot
//!   shows the diagnostics.
//! - Property tests: the topic Job's name, its exact arguments, disabled
//!   components, round trips through the k8s-openapi types, and what
//!   Kubernetes 1.33 demands of names, labels, selectors and ports.

use digit_compiler::lower::{K8sObject, Lowered, Options};
use digit_compiler::{build_file, FsLoader, MemLoader};
use digit_lang::diagnostic::render_human;
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn build_source(text: &str) -> Result<Lowered, String> {
    let mut loader = MemLoader::new();
    loader.add("env.dg", text);
    let (analysis, lowered) = build_file(&loader, Path::new("env.dg"), Options { decrypt: None });
    let diags: Vec<String> = analysis
        .problems
        .iter()
        .map(|d| render_human(d, &analysis.sources, false))
        .collect();
    lowered.ok_or_else(|| diags.join("\n"))
}

fn build_ok(text: &str) -> Lowered {
    match build_source(text) {
        Ok(l) => l,
        Err(e) => panic!("build failed:\n{e}"),
    }
}

fn list(objects: &[K8sObject]) -> String {
    let mut s = String::new();
    for o in objects {
        let _ = writeln!(
            s,
            "{} {}/{}",
            o.kind,
            o.namespace.as_deref().unwrap_or("_"),
            o.name
        );
    }
    s
}

fn find<'a>(objects: &'a [K8sObject], kind: &str, name: &str) -> Option<&'a K8sObject> {
    objects.iter().find(|o| o.kind == kind && o.name == name)
}

fn matches(o: &K8sObject, pattern: &str) -> bool {
    let mut parts = pattern.splitn(3, '/');
    let (Some(kind), Some(ns), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        panic!("bad show pattern {pattern}");
    };
    o.kind == kind && o.namespace.as_deref().unwrap_or("_") == ns && (name == "*" || o.name == name)
}

const MINIMAL: &str = r#"amends "digit:environment"
name = "t"
domain = "t.example.org"
db {
  host = "db"
  name = "egov"
}
"#;

fn with_topics(topics: &str) -> String {
    format!("{MINIMAL}kafka.replicas = 3\nkafka.topics = [\n{topics}\n]\n")
}

fn topic_job(l: &Lowered) -> &K8sObject {
    l.objects
        .iter()
        .find(|o| o.kind == "Job")
        .expect("a topic Job")
}

/// The script of the topic Job, one command per line.
fn topic_script(l: &Lowered) -> Vec<String> {
    let job = topic_job(l);
    let script = job.json["spec"]["template"]["spec"]["containers"][0]["command"][2]
        .as_str()
        .unwrap();
    script.lines().map(str::to_string).collect()
}

#[test]
fn backbone_fixtures() {
    insta::glob!("fixtures/build/backbone_*.dg", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let l = build_ok(&text);
        let mut out = format!(
            "----- SOURCE\n{}\n----- OBJECTS\n{}",
            text.trim_end(),
            list(&l.objects)
        );
        let show: Vec<&str> = text
            .lines()
            .filter_map(|line| line.strip_prefix("// show:"))
            .flat_map(str::split_whitespace)
            .collect();
        for pattern in show {
            let hits: Vec<&K8sObject> = l.objects.iter().filter(|o| matches(o, pattern)).collect();
            assert!(
                !hits.is_empty(),
                "{}: nothing matches {pattern}",
                path.display()
            );
            for o in hits {
                let _ = write!(
                    out,
                    "----- {} {}/{}\n{}\n",
                    o.kind,
                    o.namespace.as_deref().unwrap_or("_"),
                    o.name,
                    serde_json::to_string_pretty(&o.json).unwrap()
                );
            }
        }
        insta::assert_snapshot!(out);
    });
}

#[test]
fn backbone_error_fixtures() {
    insta::glob!("fixtures/build/errors/backbone_*.dg", |path| {
        let text = std::fs::read_to_string(path).unwrap();
        let err = match build_source(&text) {
            Ok(_) => panic!("{}: expected the build to fail", path.display()),
            Err(e) => e,
        };
        insta::assert_snapshot!(format!(
            "----- SOURCE\n{}\n----- DIAGNOSTICS\n{err}",
            text.trim_end()
        ));
    });
}

#[test]
fn topic_job_name_follows_the_topics() {
    let base = with_topics(r#"{ name = "a", partitions = 3, replication = 2 }"#);
    let name = |src: &str| topic_job(&build_ok(src)).name.clone();
    let a = name(&base);
    assert!(a.starts_with("kafka-topics-"), "{a}");
    assert_eq!(a.len(), "kafka-topics-".len() + 10, "{a}");
    assert!(a["kafka-topics-".len()..]
        .bytes()
        .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    // Stable: the same topics, and changes the Job does not read.
    assert_eq!(a, name(&base));
    assert_eq!(
        a,
        name(&format!(
            "{base}kafka.heap = 512Mi\nredis.enabled = false\n"
        ))
    );
    // Each change to a topic renames the Job.
    let changed = [
        r#"{ name = "b", partitions = 3, replication = 2 }"#,
        r#"{ name = "a", partitions = 4, replication = 2 }"#,
        r#"{ name = "a", partitions = 3, replication = 3 }"#,
        r#"{ name = "a", partitions = 3, replication = 2, config { "retention.ms" = "1000" } }"#,
        "{ name = \"a\", partitions = 3, replication = 2 },\n{ name = \"c\" }",
    ];
    let mut seen = std::collections::BTreeSet::from([a.clone()]);
    for topics in changed {
        let n = name(&with_topics(topics));
        assert!(
            seen.insert(n.clone()),
            "{topics} gave a name already seen: {n}"
        );
    }
    // Config order does not matter.
    let one = name(&with_topics(
        r#"{ name = "a", config { "x.y" = "1", "z" = "2" } }"#,
    ));
    let two = name(&with_topics(
        r#"{ name = "a", config { "z" = "2", "x.y" = "1" } }"#,
    ));
    assert_eq!(one, two);
}

#[test]
fn topic_job_arguments_are_exact() {
    let l = build_ok(&with_topics(
        r#"{ name = "a", partitions = 2, replication = 1 },
{ name = "a.b", partitions = 6, replication = 3, config { "retention.ms" = "86400000", "cleanup.policy" = "compact" } },
{ name = "c", partitions = 1, replication = 1, config { "note" = "it's" } }"#,
    ));
    let b = "'--bootstrap-server' 'kafka-v2.backbone:9092' '--create' '--if-not-exists'";
    assert_eq!(
        topic_script(&l),
        vec![
            format!("'kafka-topics' {b} '--topic' 'a' '--partitions' '2' '--replication-factor' '1'"),
            format!("'kafka-topics' {b} '--topic' 'a.b' '--partitions' '6' '--replication-factor' '3' '--config' 'retention.ms=86400000' '--config' 'cleanup.policy=compact'"),
            format!("'kafka-topics' {b} '--topic' 'c' '--partitions' '1' '--replication-factor' '1' '--config' 'note=it'\\''s'"),
        ]
    );
    let job = topic_job(&l);
    assert_eq!(job.json["spec"]["backoffLimit"], 10);
    assert!(
        job.json["spec"]["ttlSecondsAfterFinished"]
            .as_i64()
            .unwrap()
            > 0
    );
}

#[test]
fn no_topics_no_job() {
    let l = build_ok(MINIMAL);
    assert!(
        l.objects.iter().all(|o| o.kind != "Job"),
        "{}",
        list(&l.objects)
    );
}

#[test]
fn disabled_components_emit_nothing() {
    let on = build_ok(MINIMAL);
    let off = build_ok(&format!(
        "{MINIMAL}redis.enabled = false\nkibana.enabled = false\nlogging.enabled = false\nplayground.enabled = false\nelasticsearch.client_replicas = 0\n"
    ));
    let gone = [
        ("StatefulSet", "redis"),
        ("Service", "redis"),
        ("Deployment", "kibana"),
        ("Service", "kibana"),
        ("DaemonSet", "fluent-bit"),
        ("ServiceAccount", "fluent-bit"),
        ("ClusterRole", "fluent-bit-t"),
        ("ClusterRoleBinding", "fluent-bit-t"),
        ("ConfigMap", "fluent-bit-config"),
        ("CronJob", "delete-old-logs-in-es"),
        ("Deployment", "elasticsearch-client"),
        ("Service", "elasticsearch-client"),
    ];
    for (kind, name) in gone {
        assert!(
            find(&on.objects, kind, name).is_some(),
            "{kind}/{name} missing when enabled"
        );
        assert!(
            find(&off.objects, kind, name).is_none(),
            "{kind}/{name} emitted when disabled"
        );
    }
    assert!(find(&on.objects, "Deployment", "playground").is_none());
    let p = build_ok(&format!("{MINIMAL}playground.enabled = true\n"));
    assert!(find(&p.objects, "Deployment", "playground").is_some());
    // Nothing else differs.
    let rest = |l: &Lowered| -> Vec<String> {
        l.objects
            .iter()
            .filter(|o| !gone.iter().any(|(k, n)| o.kind == *k && o.name == *n))
            .map(|o| o.key())
            .collect()
    };
    assert_eq!(rest(&on), rest(&off));
}

#[test]
fn egov_config_derives_unless_set() {
    let l = build_ok(&format!(
        "{MINIMAL}db.ssl = true\ndb.port = 6432\ningress.open_endpoints = [\"/a\", \"/b/_c\"]\nglobal {{ \"db-host\" = \"custom\" }}\n"
    ));
    let cm = find(&l.objects, "ConfigMap", "egov-config").unwrap();
    let data = &cm.json["data"];
    assert_eq!(data["db-host"], "custom");
    assert_eq!(data["db-name"], "egov");
    assert_eq!(
        data["db-url"],
        "jdbc:postgresql://db:6432/egov?sslmode=require"
    );
    assert_eq!(data["open-endpoints"], "/a,/b/_c");
    assert_eq!(data["kafka-brokers"], "kafka-v2.backbone:9092");
    assert_eq!(cm.namespace.as_deref(), Some("egov"));
    let plain = build_ok(MINIMAL);
    let data = &find(&plain.objects, "ConfigMap", "egov-config")
        .unwrap()
        .json["data"];
    assert_eq!(data["db-url"], "jdbc:postgresql://db:5432/egov");
}

#[test]
fn service_hosts_from_services() {
    let l = build_ok(&format!(
        r#"{MINIMAL}
services {{
  "egov-user" {{ image = "egovio/egov-user:v1" }}
  "pgr-services" {{ image = "egovio/pgr-services:v1", port = 8083 }}
  "off" {{ image = "egovio/off:v1", enabled = false }}
}}
"#
    ));
    let cm = find(&l.objects, "ConfigMap", "egov-service-host").unwrap();
    assert_eq!(
        cm.json["data"],
        serde_json::json!({
            "egov-user": "http://egov-user.egov:8080/",
            "pgr-services": "http://pgr-services.egov:8083/",
        })
    );
}

#[test]
fn heaps_become_exact_jvm_flags() {
    let l = build_ok(&format!(
        "{MINIMAL}kafka.heap = 704Mi\nzookeeper.heap = 256Mi\nelasticsearch.heap = 1Gi\nelasticsearch.master_heap = 448Mi\n"
    ));
    let env_of = |kind: &str, name: &str, var: &str| -> String {
        let o = find(&l.objects, kind, name).unwrap();
        let envs = o.json["spec"]["template"]["spec"]["containers"][0]["env"]
            .as_array()
            .unwrap();
        envs.iter()
            .find(|e| e["name"] == var)
            .and_then(|e| e["value"].as_str())
            .unwrap()
            .to_string()
    };
    assert_eq!(
        env_of("StatefulSet", "kafka-v2", "KAFKA_HEAP_OPTS"),
        "-Xmx704m -Xms704m"
    );
    assert_eq!(
        env_of("StatefulSet", "zookeeper-v2", "KAFKA_HEAP_OPTS"),
        "-Xmx256m -Xms256m"
    );
    assert_eq!(
        env_of("StatefulSet", "elasticsearch-data", "ES_JAVA_OPTS"),
        "-Xms1024m -Xmx1024m"
    );
    assert_eq!(
        env_of("StatefulSet", "elasticsearch-master", "ES_JAVA_OPTS"),
        "-Xms448m -Xmx448m"
    );
    assert_eq!(
        env_of(
            "StatefulSet",
            "elasticsearch-master",
            "cluster.initial_master_nodes"
        ),
        "elasticsearch-master-0"
    );
}

#[test]
fn log_cleanup_honours_retention_and_schedule() {
    let l = build_ok(&format!(
        "{MINIMAL}logging.retention_days = 30\nlogging.cleanup_schedule = \"0 3 * * 1\"\nlogging.index_prefix = \"qa-logs\"\n"
    ));
    let cj = find(&l.objects, "CronJob", "delete-old-logs-in-es").unwrap();
    assert_eq!(cj.json["spec"]["schedule"], "0 3 * * 1");
    let c = &cj.json["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0];
    let env: Vec<(String, String)> = c["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().into(),
                e["value"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(env.contains(&("RETENTION_DAYS".into(), "30".into())));
    assert!(env.contains(&("INDEX_PREFIX".into(), "qa-logs".into())));
    assert!(env.contains(&(
        "ES_URL".into(),
        "http://elasticsearch-data.es-cluster:9200".into()
    )));
    let conf = find(&l.objects, "ConfigMap", "fluent-bit-config")
        .unwrap()
        .json["data"]["fluent-bit.conf"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        conf.lines()
            .any(|line| line.split_whitespace().eq(["Logstash_Prefix", "qa-logs"])),
        "{conf}"
    );
}

/// The cleanup script computes the right cutoff and deletes exactly the
/// older indices, run by a real `sh` against a fake `curl` and `date`.
#[test]
#[cfg(unix)]
fn log_cleanup_script_deletes_older_indices() {
    use std::process::Command;
    if Command::new("sh")
        .arg("-c")
        .arg("date -u -d @0 +%Y%m%d")
        .output()
        .map_or(true, |o| {
            String::from_utf8_lossy(&o.stdout).trim() != "19700101"
        })
    {
        eprintln!("skipped: no `date -d @SECONDS`");
        return;
    }
    let l = build_ok(MINIMAL);
    let cj = find(&l.objects, "CronJob", "delete-old-logs-in-es").unwrap();
    let script = cj.json["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
        ["command"][2]
        .as_str()
        .unwrap()
        .to_string();
    let dir = std::env::temp_dir().join(format!("digitc-cleanup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // `curl` lists indices for GET and records DELETEs.
    let curl = dir.join("curl");
    std::fs::write(
        &curl,
        format!(
            "#!/bin/sh\ncase \"$*\" in\n  *DELETE*) echo \"$4\" >> {log} ;;\n  *) printf 'logs-2024.03.01\\nlogs-2024.03.07\\nlogs-2024.03.08\\nlogs-2024.03.15\\nlogs-other\\nlogsx-2024.01.01\\n' ;;\nesac\n",
            log = dir.join("deleted").display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&curl, std::fs::Permissions::from_mode(0o755)).unwrap();
    // "Now" is 2024-03-15 12:00 UTC, through a `date` that shifts +%s.
    let date = dir.join("date");
    std::fs::write(
        &date,
        "#!/bin/sh\nif [ \"$2\" = \"+%s\" ]; then echo 1710504000; else exec /bin/date \"$@\"; fi\n",
    )
    .unwrap();
    std::fs::set_permissions(&date, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = Command::new("sh")
        .arg("-ec")
        .arg(&script)
        .env("PATH", path)
        .env("ES_URL", "http://es:9200")
        .env("INDEX_PREFIX", "logs")
        .env("RETENTION_DAYS", "7")
        .output()
        .unwrap();
    let deleted = std::fs::read_to_string(dir.join("deleted")).unwrap_or_default();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        deleted,
        "http://es:9200/logs-2024.03.01\nhttp://es:9200/logs-2024.03.07\n"
    );
}

fn roundtrip_as<K>(o: &K8sObject)
where
    K: serde::de::DeserializeOwned + serde::Serialize,
{
    let typed: K = serde_json::from_value(o.json.clone())
        .unwrap_or_else(|e| panic!("{}: does not deserialize: {e}", o.key()));
    let again = serde_json::to_value(&typed).unwrap();
    assert_eq!(
        again,
        o.json,
        "{}: a field was lost in the round trip",
        o.key()
    );
}

fn roundtrip(o: &K8sObject) {
    use k8s_openapi::api::{apps, batch, core, policy, rbac};
    match o.kind.as_str() {
        "Namespace" => roundtrip_as::<core::v1::Namespace>(o),
        "ConfigMap" => roundtrip_as::<core::v1::ConfigMap>(o),
        "Service" => roundtrip_as::<core::v1::Service>(o),
        "ServiceAccount" => roundtrip_as::<core::v1::ServiceAccount>(o),
        "PersistentVolume" => roundtrip_as::<core::v1::PersistentVolume>(o),
        "Secret" => roundtrip_as::<core::v1::Secret>(o),
        "StatefulSet" => roundtrip_as::<apps::v1::StatefulSet>(o),
        "Deployment" => roundtrip_as::<apps::v1::Deployment>(o),
        "DaemonSet" => roundtrip_as::<apps::v1::DaemonSet>(o),
        "Job" => roundtrip_as::<batch::v1::Job>(o),
        "CronJob" => roundtrip_as::<batch::v1::CronJob>(o),
        "PodDisruptionBudget" => roundtrip_as::<policy::v1::PodDisruptionBudget>(o),
        "ClusterRole" => roundtrip_as::<rbac::v1::ClusterRole>(o),
        "ClusterRoleBinding" => roundtrip_as::<rbac::v1::ClusterRoleBinding>(o),
        "HorizontalPodAutoscaler" => {
            roundtrip_as::<k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler>(o)
        }
        "Ingress" => roundtrip_as::<k8s_openapi::api::networking::v1::Ingress>(o),
        other => panic!("{}: no round trip for kind {other}", o.key()),
    }
}

fn is_dns1123_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn is_dns1123_subdomain(s: &str) -> bool {
    s.len() <= 253 && s.split('.').all(is_dns1123_label)
}

/// A label value Kubernetes accepts.
fn is_label_value(s: &str) -> bool {
    s.len() <= 63
        && (s.is_empty()
            || (s
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
                && s.as_bytes()[0].is_ascii_alphanumeric()
                && s.as_bytes()[s.len() - 1].is_ascii_alphanumeric()))
}

/// What Kubernetes 1.33 checks on names, labels, selectors and ports,
/// for every object, and what a reviewer checks of every container.
fn valid_for_kubernetes(o: &K8sObject, env_name: &str) {
    let key = o.key();
    let services_like = [
        "Namespace",
        "Service",
        "StatefulSet",
        "Deployment",
        "DaemonSet",
        "Job",
        "CronJob",
    ];
    if services_like.contains(&o.kind.as_str()) {
        assert!(
            is_dns1123_label(&o.name),
            "{key}: name is not a DNS-1123 label"
        );
    } else {
        assert!(
            is_dns1123_subdomain(&o.name),
            "{key}: name is not a DNS-1123 subdomain"
        );
    }
    if o.kind == "CronJob" {
        assert!(
            o.name.len() <= 52,
            "{key}: CronJob names are at most 52 characters"
        );
    }
    if let Some(ns) = &o.namespace {
        assert!(is_dns1123_label(ns), "{key}: bad namespace");
    }
    let labels = &o.json["metadata"]["labels"];
    assert_eq!(labels["app.kubernetes.io/part-of"], "digit", "{key}");
    assert_eq!(labels["digit.egov/environment"], env_name, "{key}");
    assert!(labels["app.kubernetes.io/name"].is_string(), "{key}");
    for (_, v) in labels.as_object().unwrap() {
        assert!(
            is_label_value(v.as_str().unwrap()),
            "{key}: bad label value {v}"
        );
    }
    let spec = &o.json["spec"];
    // Workloads: the selector matches the pod template's labels.
    let template = match o.kind.as_str() {
        "CronJob" => &spec["jobTemplate"]["spec"]["template"],
        _ => &spec["template"],
    };
    if let Some(sel) = spec["selector"]["matchLabels"].as_object() {
        if o.kind != "PodDisruptionBudget" {
            for (k, v) in sel {
                assert_eq!(
                    &template["metadata"]["labels"][k], v,
                    "{key}: selector {k} does not match the pods"
                );
            }
        }
    }
    if let Some(pod) = template["spec"].as_object() {
        let containers = pod["containers"].as_array().unwrap();
        let mut port_names = Vec::new();
        for c in containers {
            let r = &c["resources"];
            assert!(r["requests"]["cpu"].is_string(), "{key}: no cpu request");
            assert!(
                r["requests"]["memory"].is_string(),
                "{key}: no memory request"
            );
            assert!(r["limits"]["memory"].is_string(), "{key}: no memory limit");
            for p in c["ports"].as_array().into_iter().flatten() {
                let name = p["name"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{key}: unnamed port"));
                assert!(
                    name.len() <= 15 && is_dns1123_label(name),
                    "{key}: bad port name {name}"
                );
                port_names.push(name.to_string());
            }
            // Mounted volumes exist: in the pod, or as claim templates.
            for m in c["volumeMounts"].as_array().into_iter().flatten() {
                let name = &m["name"];
                let in_pod = pod
                    .get("volumes")
                    .and_then(|v| v.as_array())
                    .is_some_and(|vs| vs.iter().any(|v| &v["name"] == name));
                let in_claims = spec["volumeClaimTemplates"]
                    .as_array()
                    .is_some_and(|vs| vs.iter().any(|v| &v["metadata"]["name"] == name));
                assert!(in_pod || in_claims, "{key}: mount of unknown volume {name}");
            }
        }
        for probe in containers
            .iter()
            .flat_map(|c| [&c["readinessProbe"], &c["livenessProbe"]])
        {
            let port = probe["tcpSocket"]["port"]
                .as_str()
                .or(probe["httpGet"]["port"].as_str());
            if let Some(port) = port {
                assert!(
                    port_names.iter().any(|p| p == port),
                    "{key}: probe on unknown port {port}"
                );
            }
        }
    }
    if o.kind == "Deployment" {
        assert_eq!(spec["strategy"]["type"], "RollingUpdate", "{key}");
        assert_eq!(
            spec["strategy"]["rollingUpdate"]["maxUnavailable"], 0,
            "{key}"
        );
    }
    if o.kind == "Service" {
        for p in spec["ports"].as_array().unwrap() {
            let name = p["name"]
                .as_str()
                .unwrap_or_else(|| panic!("{key}: unnamed port"));
            assert!(is_dns1123_label(name), "{key}: bad port name");
        }
    }
}

/// Every emitted object of every fixture and example: a round trip through
/// its k8s-openapi type loses nothing, and Kubernetes would accept it.
#[test]
fn every_object_round_trips_and_is_valid() {
    let mut sources: Vec<(String, String)> = Vec::new();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/build");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("backbone_"))
        })
        .collect();
    files.sort();
    for f in files {
        sources.push((
            f.display().to_string(),
            std::fs::read_to_string(&f).unwrap(),
        ));
    }
    sources.push(("minimal".into(), MINIMAL.into()));
    for (name, text) in &sources {
        let l = build_ok(text);
        let env_name = text
            .lines()
            .find_map(|line| line.strip_prefix("name = \""))
            .and_then(|s| s.strip_suffix('"'))
            .unwrap();
        assert!(!l.objects.is_empty(), "{name}");
        for o in &l.objects {
            roundtrip(o);
            valid_for_kubernetes(o, env_name);
        }
        let mut keys: Vec<String> = l.objects.iter().map(|o| o.key()).collect();
        keys.sort();
        let n = keys.len();
        keys.dedup();
        assert_eq!(n, keys.len(), "{name}: two objects with one name");
    }
}

fn build_example(env: &str) -> Lowered {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../examples/env/{env}.dg"));
    let (analysis, lowered) = build_file(&FsLoader, &root, Options { decrypt: None });
    let diags: Vec<String> = analysis
        .problems
        .iter()
        .map(|d| render_human(d, &analysis.sources, false))
        .collect();
    lowered.unwrap_or_else(|| panic!("{env} does not build:\n{}", diags.join("\n")))
}

/// The bundled examples build, and every object round-trips. (`prod` on
/// main sets heaps above the default memory limits, which E0711 rejects;
/// the examples are another helper's to fix.)
#[test]
fn example_environments_build() {
    for env in ["dev", "qa"] {
        for o in &build_example(env).objects {
            roundtrip(o);
        }
    }
}

/// The bundled QA example has its backbone, and its topics with their config.
#[test]
fn qa_example_backbone() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/env/qa.dg");
    let (analysis, lowered) = build_file(&FsLoader, &root, Options { decrypt: None });
    let diags: Vec<String> = analysis
        .problems
        .iter()
        .map(|d| render_human(d, &analysis.sources, false))
        .collect();
    let l = lowered.unwrap_or_else(|| panic!("qa does not build:\n{}", diags.join("\n")));
    for o in &l.objects {
        roundtrip(o);
    }
    for (kind, name) in [
        ("StatefulSet", "kafka-v2"),
        ("StatefulSet", "zookeeper-v2"),
        ("StatefulSet", "elasticsearch-master"),
        ("StatefulSet", "elasticsearch-data"),
        ("StatefulSet", "redis"),
        ("DaemonSet", "fluent-bit"),
        ("CronJob", "delete-old-logs-in-es"),
        ("ConfigMap", "egov-config"),
        ("ConfigMap", "egov-service-host"),
    ] {
        assert!(
            find(&l.objects, kind, name).is_some(),
            "qa: no {kind}/{name}"
        );
    }
    let job = topic_job(&l);
    let script = job.json["spec"]["template"]["spec"]["containers"][0]["command"][2]
        .as_str()
        .unwrap();
    assert!(
        script
            .lines()
            .any(|line| line.contains("'--topic' 'save-pgr-request'")
                && line.contains("'--replication-factor' '2'")),
        "{script}"
    );
    assert!(
        script
            .lines()
            .any(|line| line.contains("'--topic' 'enc-user-audit-data'")
                && line.contains("'--config' 'retention.ms=2592000000'")),
        "{script}"
    );
}
