#!/usr/bin/env bash
# Runs every fuzz target (every [[bin]] of fuzz/Cargo.toml, as `cargo fuzz
# list` gives them) for SECONDS each (default 30), with seed corpora built
# from the AWS signing suite, the project's vectors and the examples written
# in scripts/fuzz-seeds.py.
#   scripts/fuzz.sh          # about 30 s per target, as CI does
#   scripts/fuzz.sh 600      # a longer run by hand
#   scripts/fuzz.sh 60 sign_verify signature_der   # only these targets
# Runs every target even after a crash, then fails if any crashed; the
# crashing input is left in fuzz/artifacts/<target>/ and the log in
# fuzz/logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
# cargo-fuzz needs nightly features; use the nightly toolchain when there is
# one, or let stable act as nightly.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi

# Release code with debug assertions and overflow checks (-a), so that an
# arithmetic overflow is a crash too. No sanitizer by default: every sigv4kit
# crate is #![forbid(unsafe_code)], so AddressSanitizer finds nothing a panic
# would not, at a fifth of the speed. FUZZ_SANITIZER=address turns it back on.
build_flags=(-O -a -s "${FUZZ_SANITIZER:-none}")

if command -v python3 >/dev/null 2>&1; then
  python3 scripts/fuzz-seeds.py
else
  echo "fuzz: no python3, so no seed corpora; fuzzing from what fuzz/corpus/ holds" >&2
fi
"${fuzz[@]}" build "${build_flags[@]}"
mkdir -p fuzz/logs
targets=("${@:2}")
if [ "${#targets[@]}" -eq 0 ]; then
  mapfile -t targets < <("${fuzz[@]}" list)
fi
# Targets run side by side, one per core (FUZZ_JOBS to change): each fuzzer
# is single-threaded, and CI's time is bounded.
jobs="${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}"
run_target() {
  local target="$1" status=0
  # -timeout: one input taking over 10 s is a finding (a hang), not a slow run.
  "${fuzz[@]}" run "${build_flags[@]}" "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -max_len=4096 -timeout=10 -print_final_stats=1 \
    >"fuzz/logs/$target.log" 2>&1 || status=$?
  echo "$status" >"fuzz/logs/$target.status"
}
running=0
for target in "${targets[@]}"; do
  mkdir -p "fuzz/corpus/$target"
  rm -f "fuzz/logs/$target.status"
  echo "== fuzz $target for ${seconds}s"
  run_target "$target" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true
failed=()
for target in "${targets[@]}"; do
  echo "== $target"
  grep -E '^(stat::number_of_executed_units|stat::new_units_added|SUMMARY|==[0-9]+==ERROR)' "fuzz/logs/$target.log" || true
  status="$(cat "fuzz/logs/$target.status" 2>/dev/null || echo missing)"
  if [ "$status" != 0 ]; then
    tail -40 "fuzz/logs/$target.log"
    echo "fuzz target $target failed (status $status); the input is in fuzz/artifacts/$target/"
    failed+=("$target")
  fi
done
if [ "${#failed[@]}" -ne 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) crashed: ${failed[*]}"
  exit 1
fi
echo "fuzz: all targets ran ${seconds}s without a crash"
