#!/bin/sh
# Times `digitc build` end to end (process start to exit) in release:
# the bundled examples/env/qa.dg, and a generated 1 500-service platform
# (benches/gen_platform.py), each printing the List to stdout and writing
# an -o tree (a rebuild into an up-to-date tree: reads and compares every
# file, writes none). Uses hyperfine if installed (apt-get install -y
# hyperfine), else a timing loop.
#
#     benches/build.sh [N]        # N services (default 1500)
#
# Aims (issue 9): qa under 20 ms, 1 500 services under 100 ms.
set -eu
cd "$(dirname "$0")/.."
n=${1:-1500}
cargo build --release --locked -p digitc >&2
bin=target/release/digitc
work=$(mktemp -d "${TMPDIR:-/tmp}/digitc-build-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 benches/gen_platform.py "$work/platform" "$n" >&2
# The bundled example's secrets decrypt with its demo passcode when the
# build can decrypt; redacted builds time the same lowering without Argon2.
qa="$bin build --redact-secrets examples/env/qa.dg"
big="$bin build --redact-secrets $work/platform/env/qa.dg"
$qa -o "$work/qa-tree" >/dev/null
$big -o "$work/big-tree" >/dev/null
echo "qa: $($qa | wc -c) bytes; platform: $($big | wc -c) bytes, $(find "$work/big-tree" -type f | wc -l) files" >&2
# With decryption (the demo passcode; Argon2id once per file's salt).
decrypting=""
if [ -f examples/.demo-passcode ]; then
    decrypting="$bin build --passcode-file examples/.demo-passcode examples/env/qa.dg"
fi
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 3 --min-runs 20 \
        -n "qa (stdout)" "$qa" \
        ${decrypting:+-n "qa (stdout, decrypting)" "$decrypting"} \
        -n "qa (-o DIR, up to date)" "$qa -o $work/qa-tree" \
        -n "$n services (stdout)" "$big" \
        -n "$n services (-o DIR, up to date)" "$big -o $work/big-tree" \
        -n "$n services (check)" "$bin check $work/platform"
else
    for cmd in "$qa" "$qa -o $work/qa-tree" "$big" "$big -o $work/big-tree"; do
        start=$(date +%s%N)
        i=0
        while [ $i -lt 20 ]; do $cmd >/dev/null; i=$((i + 1)); done
        end=$(date +%s%N)
        echo "$cmd: $(( (end - start) / 20000000 )) ms per run" >&2
    done
fi
