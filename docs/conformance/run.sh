#!/usr/bin/env bash
# The run behind docs/conformance/: bgmd conformance against geom-median 0.1.0
# and ByzFL 0.0.11, through examples/conformance/ (one server process loads
# the implementations once; each call is a small client process).
#
# From the repository root, after `swift build -c release`, with PY an
# interpreter that has numpy, geom-median==0.1.0, torch (CPU) and
# byzfl==0.0.11 (see docs/conformance/README.md for how it was installed):
#
#   PY=/path/to/python docs/conformance/run.sh
set -euo pipefail
PY="${PY:-python3}"
BGMD="${BGMD:-.build/release/bgmd}"
SOCK="${SOCK:-/tmp/bgmd-conformance.sock}"
OUT="${OUT:-docs/conformance}"
PROFILE="${PROFILE:-quick}"
SEED="${SEED:-1}"

"$PY" examples/conformance/server.py "$SOCK" torch numpy geom_median.numpy geom_median.torch byzfl &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do [ -S "$SOCK" ] && break; sleep 1; done
CLIENT="$PY -S examples/conformance/client.py $SOCK"

run() {
  local name=$1; shift
  rm -rf "$OUT/$name"
  "$BGMD" conformance --profile "$PROFILE" --seed "$SEED" --jobs 2 --timeout 60 --report "$OUT/$name" "$@" \
    > "$OUT/$name.log" 2> "$OUT/$name.progress.log"
}

pids=()
run geom-median-numpy --exec "$CLIENT geom-median-numpy {input} {output}" --rule geometric-median &
pids+=($!)
run geom-median-torch --exec "$CLIENT geom-median-torch {input} {output}" --rule geometric-median &
pids+=($!)
run byzfl-geometric-median --exec "$CLIENT byzfl-geometric-median {input} {output}" --rule geometric-median &
pids+=($!)
run byzfl-median --exec "$CLIENT byzfl-median {input} {output}" --rule coordinate-median &
pids+=($!)
run byzfl-trmean --exec "$CLIENT byzfl-trmean {input} {output} --trim 0.2" --rule trimmed-mean --trim 0.2 &
pids+=($!)
run byzfl-krum --exec "$CLIENT byzfl-krum {input} {output} --byzantine 1" --rule krum --byzantine 1 &
pids+=($!)
status=0
for p in "${pids[@]}"; do wait "$p" || status=1; done
exit $status
