//! Diagnostic codes of the platform rules: E0750–E0789 and W0750–W0789.
//! `digitc explain CODE` prints the explanation.

use digit_lang::diagnostic::CodeInfo;

pub const REGISTRY: &[CodeInfo] = &[
    CodeInfo {
        code: "E0750",
        title: "topic replication above the broker count",
        explanation: "A Kafka topic asks for more replicas than there are brokers. Kafka cannot place two replicas of a partition on one broker, so it refuses to create the topic, and the services that use it fail.

    kafka {
      replicas = 1
      topics { new { name = \"save-pgr-request\"; replication = 3 } }   // 3 > 1
    }

Lower the topic's `replication` to at most `kafka.replicas`, or add brokers.",
    },
    CodeInfo {
        code: "E0751",
        title: "Kafka setting above the broker count",
        explanation: "`kafka.offsets_replication` (the replication of Kafka's own `__consumer_offsets` topic) or `kafka.min_insync_replicas` is above `kafka.replicas`.

With too few brokers for the offsets topic, Kafka cannot create it and no consumer can commit its position; with `min.insync.replicas` above the number of brokers, every write with `acks=all` is refused.

    kafka { replicas = 1; offsets_replication = 3 }   // at most 1

Lower the setting to at most `kafka.replicas`, or add brokers.",
    },
    CodeInfo {
        code: "E0752",
        title: "duplicate topic",
        explanation: "The same topic name is listed twice in `kafka.topics`. The topic-creation Job creates each topic once, with one partition count and one replication, so one of the two entries would be silently ignored.

Remove one of them (the error points at the second; a label marks the first).",
    },
    CodeInfo {
        code: "E0753",
        title: "invalid topic name",
        explanation: "Kafka accepts topic names of 1 to 249 characters, made of ASCII letters, digits, `.`, `_` and `-`, other than `.` and `..`. Any other name makes the topic-creation Job fail.

    topics { new { name = \"pgr/save\" } }     // `/` is not allowed
    topics { new { name = \"pgr-save\" } }     // fine",
    },
    CodeInfo {
        code: "E0754",
        title: "two services on one ingress path",
        explanation: "Two enabled services with `ingress = true` have the same `context_path`. The Ingress can route a path to one backend only, so one of them would be unreachable (and which one depends on the ingress controller).

Give one of them another `context_path`, or set `ingress = false` on the one that should not be routed. Disabled services are not checked.",
    },
    CodeInfo {
        code: "E0755",
        title: "two services with one Kubernetes name",
        explanation: "Two enabled services have the same `name` (which defaults to the service's key). Each becomes a Deployment and a Service of that name in the same namespace, so the second would replace the first.

    services {
      \"user-v1\" { name = \"egov-user\"; image = \"egovio/egov-user:v1\" }
      \"user-v2\" { name = \"egov-user\"; image = \"egovio/egov-user:v2\" }   // same name
    }

Rename one, or disable it with `enabled = false`.",
    },
    CodeInfo {
        code: "E0756",
        title: "missing secret",
        explanation: "A service reads a secret that `secrets` does not have:

- a `secret_env` value that is not one of `secrets.GROUP.KEY` (a secret written inline cannot be read by a `secretKeyRef`);
- `migration.secret`, the group holding `flyway-username` and `flyway-password`;
- `git_sync.secret`, the group holding `ssh` (the private key) and `known_hosts`.

The pod would not start (CreateContainerConfigError). Add the group or key with `digitc secret set FILE GROUP.KEY` (the value is read from stdin), or fix the name. A missing group used by many services is reported once.",
    },
    CodeInfo {
        code: "E0757",
        title: "context path without a leading slash",
        explanation: "A service's `context_path` is the URL path it is served under; the Ingress and the probes put it right after the host, so it must start with `/`.

    context_path = \"egov-user\"     // write \"/egov-user\"",
    },
    CodeInfo {
        code: "E0758",
        title: "variable set twice",
        explanation: "One environment variable is set in two of a service's `env`, `secret_env` and `config_env`. The container gets only one value, so the other is silently lost; if a secret wins over a plain value, the plain value is probably a leftover (or a leaked password).

    env { DB_PASSWORD = \"...\" }
    secret_env { DB_PASSWORD = secrets.db.password }    // keep only this one

The default `config_env` entries of the standard library may be overridden by `env`; only entries you wrote are checked.",
    },
    CodeInfo {
        code: "E0759",
        title: "invalid environment variable name",
        explanation: "An `env` key is not a C identifier (letters, digits and `_`, not starting with a digit). Kubernetes 1.33 accepts other names only behind the `RelaxedEnvironmentVariableValidation` feature gate, and shells and most programs cannot read them. DIGIT's services use UPPER_SNAKE_CASE; Spring Boot maps `SPRING_DATASOURCE_URL` to `spring.datasource.url` itself.

    env { \"spring.datasource.url\" = \"...\" }   // write SPRING_DATASOURCE_URL",
    },
    CodeInfo {
        code: "E0760",
        title: "invalid ConfigMap key or name",
        explanation: "A key of `global` (the `egov-config` ConfigMap) or of a `config_maps` entry is not a key Kubernetes accepts: 1 to 253 characters of letters, digits, `-`, `_` and `.`, not `.` or `..` and not starting with `..`. Or a `config_maps` name is not a DNS subdomain (lower-case letters, digits, `-` and `.`).

    global { \"db host\" = \"...\" }     // write \"db-host\"",
    },
    CodeInfo {
        code: "E0761",
        title: "domain is not a host name",
        explanation: "`domain` is the host of the environment's Ingress: a bare host name such as `qa.digit.org`, without scheme, port or path, in lower case.

    domain = \"https://qa.digit.org/\"   // write \"qa.digit.org\"",
    },
    CodeInfo {
        code: "E0762",
        title: "size not above zero",
        explanation: "A storage size, volume size, JVM heap, memory request or limit, or CPU limit is zero or negative, often the result of arithmetic (`10Gi - 20Gi`). Kubernetes rejects negative quantities, and a zero size or memory limit gives a volume or container that cannot work. (A CPU request may be zero.)",
    },
    CodeInfo {
        code: "E0763",
        title: "replicas outside the autoscaling range",
        explanation: "A service with `autoscale` has `replicas` below `autoscale.min` or above `autoscale.max`. The autoscaler changes the count at once, so the number written in `replicas` never holds, and every apply fights the autoscaler.

    replicas = 1
    autoscale { min = 2; max = 4 }    // set replicas = 2",
    },
    CodeInfo {
        code: "E0764",
        title: "config key egov-config does not have",
        explanation: "A `config_env` entry reads a key of the `egov-config` ConfigMap that it will not have. `egov-config` holds the keys of `global`, plus `db-host`, `db-name`, `db-url` (from `db`) and `open-endpoints` (from `ingress`). A pod reading a missing key does not start (CreateContainerConfigError).

The standard library's default `config_env` reads `kafka-brokers`, `server-tomcat-max-threads` and `timezone`; set them in `global`. A missing key read by many services is reported once.",
    },
    CodeInfo {
        code: "E0765",
        title: "JVM heap not below the memory limit",
        explanation: "A JVM heap (a service's `heap`, or Kafka's, ZooKeeper's or Elasticsearch's) is at or above the container's memory limit. The JVM uses memory beyond its heap (metaspace, threads, buffers), so the pod is OOM-killed as soon as the heap fills.

Keep the heap at about half to three quarters of `resources.memory_limit`.",
    },
    CodeInfo {
        code: "W0750",
        title: "even ZooKeeper ensemble",
        explanation: "ZooKeeper needs a majority of its members. An ensemble of 4 survives one failure, as 3 does, and an ensemble of 2 survives none, as 1 does; the extra member adds cost and failure chances but no safety. Use an odd `zookeeper.replicas`.",
    },
    CodeInfo {
        code: "W0751",
        title: "image without a pinned version",
        explanation: "An image is tagged `latest`, or has no tag (which pulls `latest`). The tag moves, so pods restarted later may run another version than their siblings, and a rollback cannot return to what ran before. Pin a version tag or a digest:

    image = \"egovio/egov-user:v2.9.0\"",
    },
    CodeInfo {
        code: "W0752",
        title: "secret in plain env",
        explanation: "An `env` variable whose name ends in PASSWORD, SECRET, TOKEN, KEY or CREDENTIALS has a plain value. Plain `env` values are written into the Deployment, readable by anyone who can read the namespace, and committed in clear text. Encrypt it and read it through `secret_env`:

    digitc secret set env/qa.dg egov-user.db-password     # reads the value from stdin
    secret_env { DB_PASSWORD = secrets.\"egov-user\".\"db-password\" }

Names where such a word is followed by another (`ACCESS_TOKEN_VALIDITY`, `PASSWORD_MIN_LENGTH`) describe settings and are not flagged.",
    },
];
