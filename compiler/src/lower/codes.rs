//! Diagnostic codes of lowering and of the platform rules: E07xx and W07xx.

use digit_lang::diagnostic::CodeInfo;

pub const REGISTRY: &[CodeInfo] = &[
    CodeInfo {
    code: "E0701",
    title: "not an environment",
    explanation: "`digitc build` lowers an environment: a module whose amends chain ends at `digit:environment`.

    // env/qa.dg
    amends \"../base.dg\"        // base.dg amends \"digit:environment\"

Build the environment file, not a base or a services module.",
    },
    CodeInfo {
        code: "E0710",
        title: "heap not a positive whole number of MiB",
        explanation: "A JVM heap (a service's `heap`, `kafka.heap`, `zookeeper.heap`,
`elasticsearch.heap`, `master_heap`, `client_heap`) becomes
`-Xmx...m -Xms...m` (`JAVA_OPTS` of a service), which counts whole
megabytes (MiB). A heap that is not a whole number of MiB cannot be written
exactly, and rounding it would quietly change the memory the JVM takes.

    kafka { heap = 700M }      // 700 000 000 bytes: 667.57... MiB

A heap of zero or less is rejected too. Write the heap in `Mi` or `Gi`:

    kafka { heap = 704Mi }     // -Xmx704m -Xms704m",
    },
    CodeInfo {
        code: "E0712",
        title: "invalid object name",
        explanation: "Each key of `volumes` names a PersistentVolume, and each key of
`config_maps` a ConfigMap. Kubernetes names are DNS-1123 subdomains:
lower-case letters, digits, `-` and `.`, starting and ending with a letter
or digit; digitc also puts the name in the `app.kubernetes.io/name` label,
so it is at most 63 characters.

    volumes { \"Kafka_0\" = Volume { ... } }       // rejected
    volumes { \"kafka-0\" = Volume { ... } }       // fine
    config_maps { \"PGR Settings\" { ... } }       // rejected",
    },
    CodeInfo {
        code: "E0713",
        title: "`config_maps` defines `egov-config`",
        explanation: "The ConfigMap `egov-config` is made from `global` (plus `db-host`, `db-name`,
`db-url`, `open-endpoints` and `kafka-brokers`, derived unless `global` sets
them). A second definition in `config_maps` would be a second object of the
same name.

    config_maps { \"egov-config\" { timezone = \"Asia/Kolkata\" } }   // rejected
    global { timezone = \"Asia/Kolkata\" }                           // fine",
    },
    CodeInfo {
        code: "E0722",
        title: "a secret cannot be decrypted",
        explanation: "`digitc build` decrypts every secret a service uses into a Kubernetes
Secret. Decryption fails when the passcode is wrong, when the ciphertext was
changed, or when it was encrypted for another path: the secret's path
(`group.key`) is authenticated with it, so a ciphertext copied from
`secrets.db.password` to `secrets.db.username` does not decrypt.

Check DIGIT_SECRET_PASSCODE (or the file given with --passcode-file), and
re-encrypt the value for its own path:

    digitc secret set env/qa.dg db.password < password.txt

To build without the passcode, `--redact-secrets` emits the same Secrets
with every value replaced by `<redacted>`.",
    },
];
