#!/bin/sh
# Builds the libFuzzer targets (address sanitizer on) and runs each one on
# its seed corpus: RUNS executions (default 10^6) or MAX_TIME seconds,
# whichever comes first. New inputs go to a scratch corpus under
# .build/fuzz-corpus, so the committed seeds stay small; a crash leaves
# crash-<hash> in Fuzz/ and stops that target with a non-zero exit.
# Usage: Fuzz/run-fuzzers.sh [TARGET …]   (from the repository root or Fuzz/)
set -e
cd "$(dirname "$0")"
RUNS=${RUNS:-1000000}
MAX_TIME=${MAX_TIME:-1800}
swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
targets=${*:-"FuzzNPY FuzzCSV FuzzJSONMatrix FuzzFixture FuzzRational"}
status=0
for t in $targets; do
  case $t in
    FuzzNPY) seeds=Corpus/npy ;;
    FuzzCSV) seeds=Corpus/csv ;;
    FuzzJSONMatrix) seeds=Corpus/json-matrix ;;
    FuzzFixture) seeds=Corpus/fixture ;;
    FuzzRational) seeds=Corpus/rational ;;
    *) echo "unknown target $t" >&2; exit 2 ;;
  esac
  scratch=.build/fuzz-corpus/$t
  mkdir -p "$scratch"
  echo "== $t: -runs=$RUNS -max_total_time=$MAX_TIME"
  ./.build/release/$t "$scratch" "$seeds" -runs="$RUNS" -max_total_time="$MAX_TIME" -max_len=4096 -print_final_stats=1 || status=1
done
exit $status
