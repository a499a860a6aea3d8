#!/usr/bin/env bash
# Set up a fresh Debian 12 machine for crisis-sim, build it in Release, then either run the
# baseline scenario (default) or the whole test suite ("test"). Safe to run again.
#
#   bash scripts/bootstrap.sh          # install, build, run scenarios/baseline_police.yaml
#   bash scripts/bootstrap.sh test     # install, build, run every test (what CI runs)
#
# "test" also builds with MPI (Open MPI from Debian): scripts/mpi_check.sh then runs this
# tree's crisis-sim under mpirun rather than building the library again. A run without
# mpirun never initialises MPI, so every test sees the same crisis-sim (docs/sweeps.md#mpi).
set -euo pipefail

mode="${1:-run}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
build="${CRISIS_BUILD_DIR:-$root/build}"

# Debian packages the project builds and tests with. Nothing is downloaded at build time.
packages=("${crisis_build_packages[@]}")
packages+=("${crisis_python_packages[@]}")  # Python module and notebooks (docs/python.md)
if [[ "$mode" == test ]]; then packages+=("${crisis_mpi_packages[@]}"); fi
ensure_packages bootstrap "${packages[@]}"

jobs="$(nproc 2>/dev/null || echo 2)"
cmake_flags=(-S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release)
if [[ "$mode" == test ]]; then cmake_flags+=(-DCRISIS_WARNINGS_AS_ERRORS=ON -DCRISIS_MPI=ON); fi
mkdir -p "$build"
log="$build/bootstrap.log"
if ! { cmake "${cmake_flags[@]}" && cmake --build "$build" -j "$jobs"; } >"$log" 2>&1; then
  tail -n 60 "$log" >&2
  echo "bootstrap: the build failed; the full log is $log" >&2
  exit 1
fi

case "$mode" in
  run)
    exec "$build/crisis-sim" run "$root/scenarios/baseline_police.yaml"
    ;;
  test)
    cd "$build"
    exec ctest --output-on-failure -j "$jobs"
    ;;
  *)
    echo "usage: bash scripts/bootstrap.sh [run|test]" >&2
    exit 2
    ;;
esac
