#!/usr/bin/env bash
# Installs whatever is missing, then runs every check and test, stopping at the first failure:
# fmt, clippy (native + wasm32), cargo test, the core's wasm tests under Node, the release page
# build (with its sizes), the browser tests in headless Chromium, then the benchmarks (figures
# only). Ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

# A clean run writes 3.1 GB into target/ (measured 2026-12-07); a full disk otherwise fails
# mid-compile with an archiver error that does not say what to free. What target/ already
# holds counts towards it (at least 512 MB must stay free).
free_mb=$(df -Pm . | awk 'NR == 2 { print $4 }')
built_mb=0
[ -d target ] && built_mb=$(du -sm target | awk '{ print $1 }')
need_mb=$((3584 - ${built_mb:-0}))
[ "$need_mb" -lt 512 ] && need_mb=512
if [ "${free_mb:-0}" -lt "$need_mb" ]; then
  echo "FAILED at: free disk space: $free_mb MB free where the project is; the tests need $need_mb MB"
  echo "tests: 0 passed, 1 failed"
  exit 1
fi

scripts/setup.sh --browser
source scripts/env.sh

log_dir=$(mktemp -d)
passed=0
failed=0
step() { printf '\n==> %s\n' "$*"; }

# Adds the counts of cargo's "test result:" lines in a log to the totals.
count_cargo() {
  local p f
  read -r p f < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) {
      if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
    END { print p + 0, f + 0 }' "$1")
  passed=$((passed + p))
  failed=$((failed + f))
}
finish_failed() {
  echo
  echo "FAILED at: $1"
  echo "tests: $passed passed, $((failed > 0 ? failed : 1)) failed"
  exit 1
}

step "cargo fmt --check"
cargo fmt --all --check || finish_failed "cargo fmt"

step "clippy (native, whole workspace)"
cargo clippy --workspace --all-targets --quiet -- -D warnings || finish_failed "clippy native"

step "clippy (wasm32: the page and the core)"
cargo clippy -p kafka-sim-ui -p kafka-sim --target wasm32-unknown-unknown --quiet -- -D warnings \
  || finish_failed "clippy wasm32"

step "cargo test (native)"
set +e
cargo test --workspace 2>&1 | tee "$log_dir/cargo-test.log"
status=${PIPESTATUS[0]}
set -e
count_cargo "$log_dir/cargo-test.log"
[ "$status" = 0 ] || finish_failed "cargo test"

# The core's tests compiled to wasm32 and run under Node (determinism across platforms).
wasm_tests=$(cd crates/sim/tests && ls wasm_*.rs 2>/dev/null | grep -v wasm_bench || true)
if [ -n "$wasm_tests" ]; then
  step "cargo test (wasm32 under Node): $wasm_tests"
  args=()
  for t in $wasm_tests; do args+=(--test "${t%.rs}"); done
  set +e
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test -p kafka-sim --target wasm32-unknown-unknown "${args[@]}" 2>&1 | tee "$log_dir/wasm-test.log"
  status=${PIPESTATUS[0]}
  set -e
  count_cargo "$log_dir/wasm-test.log"
  [ "$status" = 0 ] || finish_failed "wasm tests"
fi

step "trunk build --release"
trunk build --release || finish_failed "trunk build"
wasm_file=$(ls dist/*.wasm)
wasm_gz=$(gzip -9c "$wasm_file" | wc -c)
echo "size: $(basename "$wasm_file") $(wc -c <"$wasm_file") bytes, gzip -9 $wasm_gz bytes"
# The JS loader and wasm-bindgen's snippets (dist/snippets/, imported by the loader).
js_gz=0
for js_file in dist/*.js $(find dist/snippets -name '*.js' 2>/dev/null); do
  gz=$(gzip -9c "$js_file" | wc -c)
  js_gz=$((js_gz + gz))
  echo "size: ${js_file#dist/} $(wc -c <"$js_file") bytes, gzip -9 $gz bytes"
done
echo "size: wasm + js gzip -9 total $((wasm_gz + js_gz)) bytes"

step "cargo build --release (the kafka-sim command line, compared with the page)"
cargo build --release -p kafka-sim-cli --quiet || finish_failed "release build of the command line"

step "browser tests (headless Chromium, Playwright)"
set +e
node --test --test-reporter=tap --test-concurrency=1 web/tests/ 2>&1 | tee "$log_dir/browser.log"
status=${PIPESTATUS[0]}
set -e
p=$(grep -E '^# pass ' "$log_dir/browser.log" | awk '{print $3}')
f=$(grep -E '^# fail ' "$log_dir/browser.log" | awk '{print $3}')
passed=$((passed + ${p:-0}))
failed=$((failed + ${f:-0}))
[ "$status" = 0 ] || finish_failed "browser tests"

step "benchmarks (figures only; targets are in the README)"
scripts/bench.sh || finish_failed "core benchmark"
if [ -f web/bench/page-bench.mjs ]; then
  node web/bench/page-bench.mjs || finish_failed "page benchmark"
fi

echo
echo "tests: $passed passed, $failed failed"
