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
        code: "E0720",
        title: "heap not a positive whole number of MiB",
        explanation: "A service's `heap` becomes `JAVA_OPTS=-Xmx<n>m -Xms<n>m`, and the JVM takes
whole mebibytes. A heap such as `1.5Gi` is fine (1536 MiB), `500M` is not
(500 000 000 bytes is not a whole number of MiB), and neither is zero.

    services.\"egov-user\".heap = 500M     // error
    services.\"egov-user\".heap = 512Mi    // -Xmx512m -Xms512m",
    },
    CodeInfo {
        code: "E0721",
        title: "heap does not fit in the memory limit",
        explanation: "A JVM uses memory beyond its heap: metaspace, thread stacks, direct
buffers, the code cache. A heap equal to or above the container's
`resources.memory_limit` gets the pod killed for running out of memory
(OOMKilled) as soon as the heap fills. DIGIT's charts give a service a heap
of about half its limit (`heap: -Xmx256m`, `memory_limits: 512Mi`).

    services.\"egov-user\" {
      heap = 256Mi
      resources { memory = 384Mi, memory_limit = 512Mi }
    }",
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
