#!/usr/bin/env python3
"""Writes a generated DIGIT-shaped platform for timing the digitc binary.

    benches/gen_platform.py DIR [N]

DIR/base.dg gets N services (default 1500; about 20 env vars each, some
interpolating module fields, resources, secret_env), a few extra_objects
of built-in kinds (validated by `build`), and DIR/env/qa.dg amends it,
overriding some. The same shape as compiler/benches/eval.rs.
The `egov-config` keys the services read are set, so the platform passes
`digitc check` with no warning. Its two secrets are sealed with the demo
passcode of examples/.demo-passcode when Python's `cryptography` (42 or
later, for Argon2id) is installed, so `build --passcode-file
examples/.demo-passcode` works; otherwise they are well-formed envelopes
that only `check`, `eval` and `build --redact-secrets` accept. Then, for
instance:

    hyperfine 'target/release/digitc check DIR' \\
              'target/release/digitc eval DIR/env/qa.dg' \\
              'target/release/digitc build --redact-secrets DIR/env/qa.dg'

benches/build.sh does the timing of `build`.
"""
import base64
import os
import re
import sys

DEMO_PASSCODE = b"digit-demo-passcode-NOT-FOR-PRODUCTION"


def path_segment(key):
    """A key as digitc writes it in a path: quoted unless an identifier."""
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else f'"{key}"'


def envelopes(values):
    """`{(group, key): plaintext}` -> `{(group, key): "dg1:..."}`, one salt
    for the file as `digitc secret set` does: Argon2id (m = 19 MiB, t = 2,
    p = 1) of the passcode, AES-256-GCM, the path `group.key` as additional
    authenticated data."""
    salt = os.urandom(16)
    try:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
    except ImportError:
        AESGCM = None
    if AESGCM is not None:
        key = Argon2id(salt=salt, length=32, iterations=2, lanes=1, memory_cost=19 * 1024)
        aead = AESGCM(key.derive(DEMO_PASSCODE))
    out = {}
    for (group, name), plain in values.items():
        nonce = os.urandom(12)
        aad = f"{path_segment(group)}.{path_segment(name)}".encode()
        sealed = aead.encrypt(nonce, plain, aad) if AESGCM else os.urandom(len(plain) + 16)
        text = base64.urlsafe_b64encode(salt + nonce + sealed).decode().rstrip("=")
        out[(group, name)] = f"dg1:{text}"
    return out


EXTRAS = """
extra_objects = [
  for i in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]: {
    apiVersion = "v1"
    kind = "ConfigMap"
    metadata { name = "extra-${i}", namespace = "egov", labels { "app.kubernetes.io/part-of" = "bench" } }
    data { "index" = "${i}", "settings.properties" = "a=1\\nb=2\\n" }
  }
] + [
  {
    apiVersion = "networking.k8s.io/v1"
    kind = "NetworkPolicy"
    metadata { name = "default-deny", namespace = "egov" }
    spec { podSelector {}, policyTypes = ["Ingress"] }
  },
]
"""


def platform(n):
    sealed = envelopes({("db", "password"): b"demo-db-password", ("db", "username"): b"egov"})
    base = [
        'amends "digit:environment"\n\ntag: String = "v1.0.0"\n'
        'domain = "digit.example.org"\ndb.host = "postgres"\ndb.name = "egov"\n\n'
        "global {\n"
        '  "kafka-brokers" = "kafka-v2.backbone:9092"\n'
        '  "server-tomcat-max-threads" = "10"\n'
        '  "timezone" = "Asia/Kolkata"\n'
        "}\n\n"
        f'secrets.db.password = secret("{sealed[("db", "password")]}")\n'
        f'secrets.db.username = secret("{sealed[("db", "username")]}")\n'
        + EXTRAS + '\nservices {\n'
    ]
    for i in range(n):
        base.append(f'  "svc-{i}" {{\n')
        base.append(f'    image = "egovio/svc-{i}:${{tag}}"\n')
        base.append(f"    replicas = {1 + i % 3}\n")
        base.append(f"    resources {{ memory = {256 + (i % 4) * 128}Mi, cpu = 250m }}\n")
        base.append("    env {\n")
        base.append('      SPRING_DATASOURCE_URL = "jdbc:postgresql://${db.host}:${db.port}/${db.name}"\n')
        base.append('      SERVER_HOST = "${name}.${domain}"\n')
        base.append(f'      SERVICE_PATH = "/svc-{i}"\n')
        for j in range(17):
            base.append(f'      VAR_{j} = "value-{j}-{i}"\n')
        base.append("    }\n")
        base.append("    secret_env { DB_PASSWORD = secrets.db.password, DB_USER = secrets.db.username }\n")
        base.append("  }\n")
    base.append("}\n")
    qa = [
        'amends "../base.dg"\nname = "qa"\ndomain = "qa.digit.example.org"\n'
        'db.host = "qa-postgres"\ntag = "v1.1.0"\n'
    ]
    for i in range(0, n, 10):
        qa.append(f'services."svc-{i}".replicas = 2\n')
    return "".join(base), "".join(qa)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 1500
    base, qa = platform(n)
    os.makedirs(os.path.join(out, "env"), exist_ok=True)
    with open(os.path.join(out, "base.dg"), "w") as f:
        f.write(base)
    with open(os.path.join(out, "env", "qa.dg"), "w") as f:
        f.write(qa)
    print(f"{out}: {n} services, base.dg {len(base)} bytes")


if __name__ == "__main__":
    main()
