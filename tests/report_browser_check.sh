#!/usr/bin/env bash
# The browser test of crisis-sim report (ctest: report_browser). Makes real run, compare,
# sweep and size results of shipped scenarios (short horizons, few replications), a report of
# each, then opens every report in headless Chromium (tests/report_browser_check.py): no
# console error, no uncaught exception, no network request, every chart drawn, and a
# non-blank full-page screenshot saved beside the reports.
#
#   bash tests/report_browser_check.sh BUILD/crisis-sim SOURCE_DIR WORK_DIR
#
# Exit 0 pass, 1 fail, 77 skipped (only when CRISIS_SKIP_BROWSER_TEST=1).
set -euo pipefail

binary="$1"
source_dir="$2"
work="$3"
if [[ "${CRISIS_SKIP_BROWSER_TEST:-0}" == 1 ]]; then
  echo "report_browser_check: skipped (CRISIS_SKIP_BROWSER_TEST=1)"
  exit 77
fi
started=$SECONDS
rm -rf "$work"
mkdir -p "$work"
short=(--horizon-days 7 --warmup-days 2 --replications 3 --threads 2 --quiet)
"$binary" run "$source_dir/scenarios/baseline_police.yaml" "${short[@]}" --calls --out "$work/run" >/dev/null
"$binary" compare "$source_dir/scenarios/eugene_cahoots.yaml" "${short[@]}" --calls --out "$work/compare" >/dev/null
"$binary" sweep "$source_dir/scenarios/sweeps/triage_x_staffing.yaml" --horizon-days 5 --replications 2 --threads 2 \
  --quiet --out "$work/sweep" >/dev/null
"$binary" size "$source_dir/scenarios/sizing/baseline_police.yaml" --horizon-days 7 --replications 3 --threads 2 \
  --quiet --out "$work/size" >/dev/null
reports=()
for kind in run compare sweep size; do
  "$binary" report "$work/$kind" -o "$work/report_$kind.html"
  reports+=("$work/report_$kind.html")
done
echo "report_browser_check: results and reports made in $((SECONDS - started)) s"
/usr/bin/python3 "$source_dir/tests/report_browser_check.py" "${reports[@]}" --screenshots "$work"
echo "report_browser_check: total $((SECONDS - started)) s"
