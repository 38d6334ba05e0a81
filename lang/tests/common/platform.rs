//! The generated benchmark input: a ~1 MB `.dg` file shaped like a DIGIT
//! platform (schemas, a type alias, `let`s, many services with env maps,
//! records, lists, quantities, interpolated strings, comments, `for`/`if`
//! members). Shared by the benchmark and the fast parser's tests.

use std::fmt::Write;

/// About `target` bytes of a platform file: a header, then services until
/// the size is reached.
pub fn platform(target: usize) -> String {
    let mut s = String::from(
        r#"/// A generated DIGIT-shaped platform.
amends "digit:environment"

import "./services/core.dg" as core

/// How a service is reachable.
type Exposure = "cluster" | "load-balancer" | "node-port"

/// Settings of one generated service.
schema Tuning {
  /// Threads of the web server.
  threads: Int(1..) = 10
  /// JVM heap.
  heap: Quantity = 192Mi
  check threads <= 200 : "too many threads"
}

/* Release train of the core services; environments pin their own. */
core_tag: String = "v2.9.0"
domain = "digit.example.org"

db {
  host = "postgres.backbone"
  name = "egov"
}

let spring = {
  "JAVA_OPTS" = "-Xmx192m -Xms192m"
  "SERVER_TOMCAT_MAX_THREADS" = "10"
}

"#,
    );
    let mut i = 0usize;
    while s.len() < target {
        let _ = writeln!(s, "/// Service number {i}: generated.");
        let _ = writeln!(s, "services.\"svc-{i}\" {{");
        let _ = writeln!(s, "  image = \"egovio/svc-{i}:${{core_tag}}\"");
        let _ = writeln!(s, "  replicas = {}", 1 + i % 3);
        let _ = writeln!(
            s,
            "  context_path = \"/svc-{i}\" // served under the gateway"
        );
        let _ = writeln!(
            s,
            "  resources {{ memory = {}Mi, memory_limit = 1Gi, cpu = 250m }}",
            256 + (i % 4) * 128
        );
        s.push_str("  env {\n");
        s.push_str("    \"JAVA_OPTS\" = spring.\"JAVA_OPTS\"\n");
        s.push_str(
            "    SPRING_DATASOURCE_URL = \"jdbc:postgresql://${db.host}:${db.port}/${db.name}\"\n",
        );
        s.push_str("    SERVER_HOST = \"${name}.${domain}\"\n");
        for j in 0..12 {
            let _ = writeln!(s, "    VAR_{j} = \"value-{j}-{i}\"");
        }
        s.push_str("  }\n");
        s.push_str(
            "  secret_env { DB_PASSWORD = secrets.db.password, DB_USER = secrets.db.username }\n",
        );
        let _ = writeln!(
            s,
            "  topics = [\"save-svc-{i}\", \"update-svc-{i}\", if replicas > 1 then \"ha-{i}\" else \"single-{i}\"]"
        );
        let _ = writeln!(
            s,
            "  tuning = {{ threads = {} * 2 + 1, heap = 256Mi, ratio = 0.75 }}",
            5 + i % 7
        );
        s.push_str("  migration { image = \"egovio/svc-db:${core_tag}\" }\n");
        s.push_str("}\n");
        if i.is_multiple_of(10) {
            let _ = writeln!(
                s,
                "for k, v in {{ a = \"1\", b = \"2\" }} {{\n  services.\"svc-{i}\".env.\"${{k}}\" = v\n}}"
            );
            let _ = writeln!(
                s,
                "if domain != \"\" && !false {{\n  services.\"svc-{i}\".expose = \"load-balancer\"\n}} else {{\n  services.\"svc-{i}\".ingress = false\n}}"
            );
        }
        s.push('\n');
        i += 1;
    }
    s
}
