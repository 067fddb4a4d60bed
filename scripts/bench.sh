#!/usr/bin/env bash
# The busy reference scenario (3 brokers, 12 partitions RF 3, 4 async producers, 1,200,000
# records) natively (`kafka-sim bench`) and compiled to wasm32 under Node; prints simulated
# records and events per wall-clock second for both (the fastest of three runs each, and the
# first runs on their own), their ratio, and peak memory.
# Then the long run's shape natively (`kafka-sim bench --minutes 1`: 20,000 records/s for one
# minute of virtual time) and its peak memory; `--hour` runs the whole hour instead (72 million
# records, minutes of wall clock and gigabytes while the logs keep every batch, so opt-in),
# `--minutes N` N minutes of it. The same long run compiled to wasm32 under Node, and its peak
# linear memory: the memory a browser tab gives the page's wasm (an hour: about two minutes).
# Natively, its records at several partition and client counts, with its keys and with null keys
# (`kafka-sim bench --sweep`), with CPU time per record batch.
set -euo pipefail
hour_args=(--minutes 1)
minutes=1
while [ $# -gt 0 ]; do
  case "$1" in
    --hour) hour_args=(--hour); minutes=60; shift ;;
    --minutes) hour_args=(--minutes "$2"); minutes="$2"; shift 2 ;;
    *) echo "usage: scripts/bench.sh [--hour | --minutes N]" >&2; exit 2 ;;
  esac
done
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

echo "== native (release)"
cargo build --quiet --release -p kafka-sim-cli
native=$(./target/release/kafka-sim bench --json)
echo "$native"

echo "== native, the same records against partitions (12, 100, 1,000) and clients (4, 20, 50)"
./target/release/kafka-sim bench --sweep

echo "== wasm32 under Node (release)"
if ! command -v wasm-bindgen-test-runner >/dev/null; then
  echo "wasm-bindgen-test-runner is missing: run scripts/setup.sh" >&2
  exit 1
fi
# Runs the wasm bench test with the given test arguments and prints the JSON of its MARK line
# (the whole output, and a failure, when it has none).
wasm_figures() {
  local mark=$1 out line
  shift
  out=$(CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test -p kafka-sim --target wasm32-unknown-unknown --release --test wasm_bench \
    -- --nocapture "$@" 2>&1)
  line=$(printf '%s\n' "$out" | grep -o "$mark {.*}" | sed "s/^$mark //" | head -n1)
  if [ -z "$line" ]; then
    printf '%s\n' "$out" >&2
    echo "no $mark line in the wasm test output" >&2
    return 1
  fi
  printf '%s\n' "$line"
}
wasm=$(wasm_figures WASM_BENCH)
echo "$wasm"

node -e '
const n = JSON.parse(process.argv[1]), w = JSON.parse(process.argv[2]);
const f = (x) => Math.round(x).toLocaleString("en-US");
console.log("");
console.log("                 native          wasm (Node)");
console.log("records/s   " + f(n["records.per.sec"]).padStart(12) + f(w["records.per.sec"]).padStart(18));
console.log("events/s    " + f(n["events.per.sec"]).padStart(12) + f(w["events.per.sec"]).padStart(18));
console.log("peak memory " + (n["peak.memory.kb"] / 1024).toFixed(1).padStart(9) + " MB" + (w["peak.memory.kb"] / 1024).toFixed(1).padStart(15) + " MB (linear memory)");
console.log("wasm/native ratio (records/s): " + (w["records.per.sec"] / n["records.per.sec"]).toFixed(2) + " (the fastest of " + w["runs"] + " runs each)");
console.log("first runs only: " + (w["first.run.records.per.sec"] / n["first.run.records.per.sec"]).toFixed(2) + " (V8 starts the wasm on its baseline compiler and optimizes what runs hot)");
if (n["trace.hash"] !== w["trace.hash"]) { console.log("TRACE HASH DIFFERS: " + n["trace.hash"] + " vs " + w["trace.hash"]); process.exit(1); }
console.log("same trace.hash on both: " + n["trace.hash"]);
' "$native" "$wasm"

echo ""
echo "== long run, native (release): peak memory"
long_native=$(./target/release/kafka-sim bench "${hour_args[@]}" --json)
echo "$long_native"

echo ""
echo "== the same long run, wasm32 under Node (release): peak linear memory"
long_wasm=$(KAFKA_SIM_BENCH_MINUTES="$minutes" wasm_figures WASM_LONG_RUN --include-ignored long_run)
echo "$long_wasm"
node -e '
const n = JSON.parse(process.argv[1]), w = JSON.parse(process.argv[2]);
const mb = (kb) => (kb / 1024).toFixed(1) + " MB";
console.log("");
console.log(`long run, ${w.minutes} min at 20,000 records/s (${w.records.toLocaleString("en-US")} records)`);
console.log(`native  peak memory ${mb(n["peak.memory.kb"])} (VmHWM), ${n["wall.seconds"].toFixed(1)} s`);
console.log(`wasm    peak linear memory ${mb(w["peak.memory.kb"])}, ${w["wall.seconds"].toFixed(1)} s (wasm32 allows 4 GB)`);
if (n["trace.hash"] !== w["trace.hash"]) { console.log("TRACE HASH DIFFERS: " + n["trace.hash"] + " vs " + w["trace.hash"]); process.exit(1); }
console.log("same trace.hash on both: " + n["trace.hash"]);
' "$long_native" "$long_wasm"
