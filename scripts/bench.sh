#!/usr/bin/env bash
# Install what the benchmarks need, build them in Release with -DCRISIS_BUILD_BENCH=ON in
# build-bench/, and run all three: the engine micro-benchmarks, the M/M/c comparison with a
# minimal C++ loop and SimPy, and the 1,000,000-resident city-year. Safe to run again.
#
#   bash scripts/bench.sh            # everything (about 5 minutes on 2 idle cores after the build)
#   bash scripts/bench.sh micro      # only one of: micro, peers, city
#
# Timings are the best of several runs (bench/README.md says why); results go to stdout.
set -euo pipefail

which_bench="${1:-all}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
build="${CRISIS_BENCH_BUILD_DIR:-$root/build-bench}"

case "$which_bench" in
  all | micro | peers | city) ;;
  *)
    echo "usage: bash scripts/bench.sh [all|micro|peers|city]" >&2
    exit 2
    ;;
esac

# The build's packages (those of scripts/bootstrap.sh, and SQLite for the top-level
# find_package), plus Google Benchmark, and SimPy 3 for Debian's python3, the interpreter
# bench/compare-peers runs.
packages=("${crisis_build_packages[@]}" libbenchmark-dev python3 python3-simpy3)
ensure_packages bench "${packages[@]}"

# -j1: the benchmarks are meant for a shared 2-core machine; the build should not starve it.
jobs="${CRISIS_BENCH_JOBS:-1}"
mkdir -p "$build"
log="$build/bench-build.log"
if ! {
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCRISIS_BUILD_BENCH=ON \
    -DCRISIS_BUILD_TESTS=OFF -DCRISIS_WARNINGS_AS_ERRORS=ON &&
    cmake --build "$build" -j "$jobs" --target engine_micro compare-peers city_scale
} >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  echo "bench: the build failed; the full log is $log" >&2
  exit 1
fi

# Each benchmark runs even if one before it fails; the exit status says whether any did.
status=0
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)"
if [[ "$which_bench" == all || "$which_bench" == micro ]]; then
  echo
  echo "== engine micro-benchmarks (best of 3 repetitions: the _min rows) =="
  # Only the fastest repetition of each (mean, median and spread are left out).
  "$build/bench/engine_micro" --benchmark_repetitions=3 --benchmark_report_aggregates_only=true |
    grep -v -E '_(mean|median|stddev|cv) ' || status=1
fi
if [[ "$which_bench" == all || "$which_bench" == peers ]]; then
  echo
  echo "== M/M/c: crisis-sim's engine, a minimal C++ loop and SimPy =="
  "$build/bench/compare-peers" --repeats 3 || status=1
fi
if [[ "$which_bench" == all || "$which_bench" == city ]]; then
  echo
  echo "== a 1,000,000-resident city for a year =="
  "$build/bench/city_scale" --repeats 3 || status=1
fi
exit "$status"
