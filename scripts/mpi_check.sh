#!/usr/bin/env bash
# MPI check of `crisis-sim sweep` (docs/sweeps.md#mpi): installs Open MPI, runs the example
# sweeps under `mpirun -np 2` and as one process, and checks that the two databases hold the
# same rows (and the same points.csv). The crisis-sim it runs is build/'s when that tree has
# -DCRISIS_MPI=ON (`bash scripts/bootstrap.sh test` configures it so; .ci/run runs that
# first), otherwise one built with -DCRISIS_MPI=ON in build-mpi. The other build packages are
# those of scripts/bootstrap.sh.
#
#   bash scripts/mpi_check.sh
#   CRISIS_MPI_JOBS=1 bash scripts/mpi_check.sh      # build with one job
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"
build="${CRISIS_MPI_BUILD_DIR:-}"
bootstrap_build="${CRISIS_BUILD_DIR:-$root/build}"
if [[ -z "$build" ]] && grep -qx 'CRISIS_MPI:BOOL=ON' "$bootstrap_build/CMakeCache.txt" 2>/dev/null; then
  build="$bootstrap_build"
fi
build="${build:-$root/build-mpi}"
jobs="${CRISIS_MPI_JOBS:-$(nproc 2>/dev/null || echo 2)}"

ensure_packages mpi_check "${crisis_mpi_packages[@]}"

mkdir -p "$build"
log="$build/mpi_check.log"
# A tree already configured with MPI is only brought up to date; any other is configured here.
configure=(cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCRISIS_MPI=ON -DCRISIS_WARNINGS_AS_ERRORS=ON
           -DCRISIS_BUILD_TESTS=OFF)
if grep -qx 'CRISIS_MPI:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null; then configure=(true); fi
echo "mpi_check: crisis-sim of $build" >&2
if ! { "${configure[@]}" && cmake --build "$build" -j "$jobs" --target crisis-sim; } >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "mpi_check: the MPI build failed (run scripts/bootstrap.sh first for the other packages); the log is $log" >&2
  exit 1
fi

# CI runs as root in a container: allow root, allow two ranks on a small machine, and skip the
# cross-memory-attach copy mechanism, which containers often forbid.
mpirun_flags=(-np 2 --oversubscribe --mca btl_vader_single_copy_mechanism none)
if [[ $(id -u) -eq 0 ]]; then mpirun_flags+=(--allow-run-as-root); fi

work="$(mktemp -d "${TMPDIR:-/tmp}/crisis-mpi-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
status=0
for sweep in "$root"/scenarios/sweeps/*.yaml; do
  name="$(basename "$sweep" .yaml)"
  "$build/crisis-sim" sweep "$sweep" --out "$work/$name-single" --threads 2 --quiet >/dev/null
  mpirun "${mpirun_flags[@]}" "$build/crisis-sim" sweep "$sweep" --out "$work/$name-mpi" --threads 1 --quiet >/dev/null
  single="$work/$name-single/sweep.sqlite"
  parallel="$work/$name-mpi/sweep.sqlite"
  rows="$(sqlite3 "$single" 'SELECT count(*) FROM results')"
  same=yes
  for table in sweep points results; do
    if ! cmp -s <(sqlite3 "$single" "SELECT * FROM $table ORDER BY 1, 2") <(sqlite3 "$parallel" "SELECT * FROM $table ORDER BY 1, 2"); then
      echo "mpi_check: $name: table $table differs between mpirun -np 2 and one process" >&2
      same=no
    fi
  done
  if ! cmp -s <(sqlite3 "$single" .dump) <(sqlite3 "$parallel" .dump); then
    echo "mpi_check: $name: sqlite3 .dump differs" >&2
    same=no
  fi
  if ! cmp -s "$work/$name-single/points.csv" "$work/$name-mpi/points.csv"; then
    echo "mpi_check: $name: points.csv differs" >&2
    same=no
  fi
  if [[ $same == yes && $rows -gt 0 ]]; then
    echo "mpi_check: $name: $rows result rows, identical under mpirun -np 2 and one process"
  else
    status=1
  fi
done
if [[ $status -ne 0 ]]; then
  echo "mpi_check: FAILED" >&2
  exit 1
fi
echo "mpi_check: passed"
