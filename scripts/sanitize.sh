#!/usr/bin/env bash
# Build crisis-sim with sanitizers and run tests under them. Safe to run again.
#
#   bash scripts/sanitize.sh          # both builds below, one after the other
#   bash scripts/sanitize.sh asan     # build-asan: AddressSanitizer + UndefinedBehaviorSanitizer,
#                                     #   the whole test suite (every ctest entry)
#   bash scripts/sanitize.sh tsan     # build-tsan: ThreadSanitizer, the suites that run
#                                     #   replications on several threads (list below)
#
# build-asan is clang 14's, the same tree scripts/fuzz.sh runs its libFuzzer targets from
# (configure_clang_asan in scripts/lib.sh), so CI builds the library once for both. build-tsan
# is g++'s (its libtsan2 comes with it) and compiles only the threaded suites. Both at -O1 with
# line tables only (-g1): the simulations in the tests run in minutes, every trace has
# file:line, and the build takes about half the time of -O2 -g.
# Any report fails the run: ASan and TSan exit non-zero on their own, UBSan is told to halt.
# CRISIS_SANITIZE_JOBS sets the build's parallelism (default 2: the machine has two cores).
set -euo pipefail

which_build="${1:-all}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
jobs="${CRISIS_SANITIZE_JOBS:-2}"

case "$which_build" in
  all | asan | tsan) ;;
  *)
    echo "usage: bash scripts/sanitize.sh [all|asan|tsan]" >&2
    exit 2
    ;;
esac

# The build's packages (as scripts/bootstrap.sh) and clang's (scripts/lib.sh). g++'s
# sanitizer runtimes are its dependencies (libtsan2).
packages=("${crisis_build_packages[@]}")
if [[ "$which_build" != tsan ]]; then packages+=("${crisis_clang_packages[@]}"); fi
ensure_packages sanitize "${packages[@]}"

# Suites that run replications on several threads: the determinism properties, the
# replication runner (in the statistics suite), the command line (in process and as a
# process) and the sweep (parallel points, a writer thread, SQLite). build-tsan compiles
# only these (CRISIS_TEST_SUITES) and ctest runs them.
tsan_suite_list=(determinism_test engine_statistics_test cli_run_test interrupt_test sweep_test)
tsan_suites="^($(IFS='|'; echo "${tsan_suite_list[*]}"))\$"

# $1 folder, $2... the configure command. Builds every target the configuration has.
build() {
  local folder="$1"
  shift
  local log="$folder/sanitize-build.log"
  mkdir -p "$folder"
  echo "sanitize: building $(basename "$folder") ..." >&2
  if ! { "$@" && cmake --build "$folder" -j "$jobs"; } >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "sanitize: the $(basename "$folder") build failed; the full log is $log" >&2
    return 1
  fi
}

# $1 folder, $2... ctest arguments. Two tests at a time: each is single-threaded or uses two.
run_tests() {
  local folder="$1"
  shift
  (cd "$folder" && ctest --output-on-failure -j 2 "$@")
}

status=0

if [[ "$which_build" == all || "$which_build" == asan ]]; then
  if build "$root/build-asan" configure_clang_asan "$root/build-asan"; then
    export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1"
    export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
    run_tests "$root/build-asan" || status=1
  else
    status=1
  fi
fi

if [[ "$which_build" == all || "$which_build" == tsan ]]; then
  if build "$root/build-tsan" cmake -S "$root" -B "$root/build-tsan" -G Ninja -DCMAKE_BUILD_TYPE=None \
    -DCRISIS_WARNINGS_AS_ERRORS=ON -DCRISIS_SANITIZE=thread -DCMAKE_CXX_FLAGS="-O1 -g1" \
    -DCRISIS_TEST_SUITES="$(IFS=';'; echo "${tsan_suite_list[*]}")"; then
    # See tests/tsan.supp for why each entry is there.
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:history_size=4:suppressions=$root/tests/tsan.supp"
    run_tests "$root/build-tsan" -R "$tsan_suites" || status=1
  else
    status=1
  fi
fi

if ((status)); then
  echo "sanitize: FAILED (a sanitizer report or a failing test above)" >&2
else
  echo "sanitize: no sanitizer reports" >&2
fi
exit "$status"
