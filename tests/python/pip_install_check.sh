#!/usr/bin/env bash
# ctest python_pip_install: `pip install .` into a fresh virtual environment, offline, then the
# package used from another folder: a run with labelled DataFrame rows, the scenarios found
# through crisis_sim.data_path(), and the crisis-sim console script.
#   bash tests/python/pip_install_check.sh SOURCE_DIR WORK_DIR [PYTHON]
# PYTHON (default /usr/bin/python3, whose Debian pandas the environment sees through
# --system-site-packages) may be any CPython >= 3.9 with its headers. The CMake build goes to
# SOURCE_DIR/build-pip-NAME, beside build/, so that ccache (when CCACHE_DIR is set) reuses the
# main build's objects.
set -euo pipefail
source_dir=$(cd "$1" && pwd)
work=$2
python=${3:-/usr/bin/python3}
rm -rf "$work"
mkdir -p "$work"
"$python" -m venv --system-site-packages "$work/venv"
tag=$("$python" -c 'import sys; print("cp%d%d" % sys.version_info[:2])')
export CRISIS_PIP_BUILD_DIR="$source_dir/build-pip-$tag"
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2}
cmake_args="-DCRISIS_WARNINGS_AS_ERRORS=ON"
if command -v ccache >/dev/null; then cmake_args+=" -DCMAKE_CXX_COMPILER_LAUNCHER=ccache"; fi
export CMAKE_ARGS="$cmake_args ${CMAKE_ARGS:-}"
# --no-index: nothing may come from the network; pandas is Debian's, seen through the system site.
"$work/venv/bin/pip" install --no-index --quiet "$source_dir"

cd "$work"  # not the repository: everything must come from the installed package
unset PYTHONPATH CRISIS_SIM CRISIS_SOURCE_DIR
"$work/venv/bin/python" - <<'PY'
import crisis_sim, os, subprocess
assert "site-packages" in crisis_sim.__file__, crisis_sim.__file__
scenario = crisis_sim.data_path("baseline_police.yaml")
assert scenario.is_file() and "site-packages" in str(scenario), scenario
summary = crisis_sim.run(scenario, replications=2, overrides={"run.horizon_days": 3, "run.warmup_days": 0})
assert list(summary.columns) == ["label", "unit", "mean", "sd", "ci_low", "ci_high", "n"], list(summary.columns)
assert summary.loc["response_min.mean", "label"] == "Response time, mean (min)", summary.loc["response_min.mean", "label"]
assert summary.loc["response_min.mean", "unit"] == "min"
assert summary.loc["cost.annual", "unit"] == "USD / year", summary.loc["cost.annual", "unit"]
print(f"crisis_sim {crisis_sim.__version__} from {os.path.dirname(crisis_sim.__file__)}: mean response "
      f"{summary.loc['response_min.mean', 'mean']:.1f} min")
assert crisis_sim.executable() and "site-packages" in crisis_sim.executable()
PY
"$work/venv/bin/crisis-sim" --version
"$work/venv/bin/crisis-sim" validate "$("$work/venv/bin/python" -c 'import crisis_sim; print(crisis_sim.data_path("eugene_cahoots.yaml"))')"
echo "pip install . into a fresh venv: ok"
