#!/usr/bin/env bash
# Live differential test: 500 fresh random cases, signed by botocore and the
# AWS CRT with a new seed on every run, run through sigv4kit
# (crates/sigv4kit/tests/vectors.rs). The seed is printed first, so that a
# failure replays with:
#
#     SIGV4_VECTORS_SEED=<seed> scripts/live-differential.sh
#
# Installs the pinned oracles (vectors/requirements.txt) with pip only when
# they are missing or at another version.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
if ! "$python" - <<'PY' 2>/dev/null
import importlib.metadata as metadata, sys
for line in open("vectors/requirements.txt"):
    line = line.split("#")[0].strip()
    if line:
        name, version = line.split("==")
        if metadata.version(name) != version:
            sys.exit(1)
PY
then
    echo "live-differential: installing vectors/requirements.txt"
    "$python" -m pip install --quiet --disable-pip-version-check -r vectors/requirements.txt
fi

seed=${SIGV4_VECTORS_SEED:-$("$python" -c 'import secrets; print(secrets.randbits(48))')}
count=${SIGV4_VECTORS_COUNT:-500}
echo "live-differential: seed $seed, $count cases (replay: SIGV4_VECTORS_SEED=$seed $0)"

out=$(mktemp -t sigv4kit-vectors.XXXXXX.jsonl)
trap 'rm -f "$out"' EXIT
"$python" vectors/generate.py --seed "$seed" --count "$count" --out "$out"
if ! SIGV4_VECTORS="$out" cargo test --workspace --test vectors; then
    echo "live-differential: FAILED with seed $seed (replay: SIGV4_VECTORS_SEED=$seed $0)" >&2
    exit 1
fi
