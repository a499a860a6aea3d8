#!/usr/bin/env bash
# Build the libFuzzer targets with clang (AddressSanitizer + UndefinedBehaviorSanitizer) in
# build-asan/, the tree scripts/sanitize.sh asan runs the test suite from (configure_clang_asan
# in scripts/lib.sh), and run each for a while. Safe to run again; the corpus grows across runs.
#
#   bash scripts/fuzz.sh                        # every target, 60 s each
#   FUZZ_SECONDS=3600 bash scripts/fuzz.sh scenario_loader    # one target, an hour
#
# Targets (tests/fuzz/): scenario_loader (any bytes as a scenario file) and set_override
# (lines of path=value applied to the baseline as --set flags) and cad_import (a CAD export,
# optionally led by a line naming a built-in schema). An input that crashes, trips
# a sanitizer, throws anything but crisis::InputError, runs past 5 s or takes more than 2 GB
# stops the run; its file is printed and the script exits 1. Copy it into
# tests/fuzz/regressions/ (tests/fuzz/regressions/set_override/ for --set inputs) so the
# normal test suite replays it from then on (tests/fuzz_regressions_test.cpp); CAD inputs go
# to tests/fuzz/regressions/cad_import/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
build="${CRISIS_FUZZ_BUILD_DIR:-$root/build-asan}"
seconds="${FUZZ_SECONDS:-60}"
jobs="${CRISIS_FUZZ_JOBS:-2}"
all_targets=(scenario_loader set_override cad_import)
targets=("$@")
if ((${#targets[@]} == 0)); then targets=("${all_targets[@]}"); fi
for t in "${targets[@]}"; do
  if [[ ! " ${all_targets[*]} " == *" $t "* ]]; then
    echo "usage: [FUZZ_SECONDS=N] bash scripts/fuzz.sh [${all_targets[*]}]..." >&2
    exit 2
  fi
done
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "fuzz: FUZZ_SECONDS must be a whole number of seconds, got '$seconds'" >&2
  exit 2
fi

# The build's packages (as scripts/bootstrap.sh), then clang's (scripts/lib.sh).
packages=("${crisis_build_packages[@]}" "${crisis_clang_packages[@]}")
ensure_packages fuzz "${packages[@]}"

mkdir -p "$build"
log="$build/fuzz-build.log"
echo "fuzz: building the fuzz targets in $build ..." >&2
# Only the fuzz targets are built here; after scripts/sanitize.sh asan they are up to date.
if ! { configure_clang_asan "$build" && cmake --build "$build" -j "$jobs" --target "${targets[@]/#/fuzz_}"; } >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  echo "fuzz: the build failed; the full log is $log" >&2
  exit 1
fi

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export ASAN_SYMBOLIZER_PATH="/usr/lib/llvm-14/bin/llvm-symbolizer"

status=0
for target in "${targets[@]}"; do
  # The corpus libFuzzer grows lives in the build folder; the seeds in tests/fuzz/ are only
  # read. The shipped scenarios and test data seed the scenario loader too.
  corpus="$build/corpus/$target"
  artifacts="$build/artifacts/$target"
  mkdir -p "$corpus" "$artifacts"
  seeds=("$root/tests/fuzz/$target")
  if [[ "$target" == scenario_loader ]]; then seeds+=("$root/scenarios" "$root/tests/data"); fi
  run_log="$build/fuzz-$target.log"
  echo "fuzz: $target for ${seconds} s (log: $run_log)" >&2
  # -timeout: an input running past 5 s counts as a hang; -rss_limit_mb: 2 GB as an OOM;
  # -max_len: scenarios are small, but keep room for a large city.
  if "$build/fuzz/fuzz_$target" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus" "${seeds[@]}" >"$run_log" 2>&1; then
    # The last status line: executions, coverage, corpus size.
    summary="$(grep -E '^#[0-9]+' "$run_log" | tail -n 1 || true)"
    echo "fuzz: $target: no crash (${summary:-see the log})" >&2
  else
    status=1
    grep -E -A 40 '^==[0-9]+==|runtime error:|ERROR: libFuzzer|deadly signal' "$run_log" | head -n 80 >&2 || tail -n 60 "$run_log" >&2
    reproducer="$(grep -oE "Test unit written to [^ ]+" "$run_log" | tail -n 1 | sed 's/Test unit written to //' || true)"
    echo "fuzz: $target FAILED; reproducer: ${reproducer:-(see $run_log)}" >&2
    echo "fuzz: replay it with: $build/fuzz/fuzz_$target ${reproducer:-FILE}" >&2
  fi
done
exit "$status"
