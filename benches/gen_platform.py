#!/usr/bin/env python3
"""Writes a generated DIGIT-shaped platform for timing the digitc binary.

    benches/gen_platform.py DIR [N]

DIR/base.dg gets N services (default 1500; about 20 env vars each, some
interpolating module fields, resources, secret_env) and DIR/env/qa.dg
amends it, overriding some. The same shape as compiler/benches/eval.rs.
Then, for instance:

    hyperfine 'target/release/digitc check DIR' \\
              'target/release/digitc eval DIR/env/qa.dg'
"""
import os
import sys


def platform(n):
    base = [
        'amends "digit:environment"\n\ntag: String = "v1.0.0"\n'
        'domain = "digit.example.org"\ndb.host = "postgres"\ndb.name = "egov"\n\n'
        'global {\n  "kafka-brokers" = "kafka-v2.backbone:9092"\n'
        '  "server-tomcat-max-threads" = "10"\n  timezone = "Asia/Kolkata"\n}\n\n'
        'secrets.db.password = secret("dg1:c2VjcmV0LWNpcGhlcnRleHQ")\n'
        'secrets.db.username = secret("dg1:dXNlcm5hbWU")\n\nservices {\n'
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
