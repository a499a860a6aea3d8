"""The Python bindings (python/, docs/python.md) against the command line they share code with.

Run by ctest as python_bindings with Debian's /usr/bin/python3, PYTHONPATH at the built
package (build/python), CRISIS_SIM at the built executable and CRISIS_SOURCE_DIR at the source.
"""

import json
import math
import os
import subprocess
import sys
import threading
import time
import unittest

import crisis_sim

SOURCE = os.environ.get("CRISIS_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
CLI = os.environ.get("CRISIS_SIM", os.path.join(SOURCE, "build", "crisis-sim"))
BASELINE = os.path.join(SOURCE, "scenarios", "baseline_police.yaml")
QUICK = {"run.horizon_days": 10, "run.warmup_days": 2}


def cli_json(*arguments):
    completed = subprocess.run([CLI, *arguments, "--format", "json", "--quiet"], capture_output=True, text=True, check=True)
    return json.loads(completed.stdout)


def same(a, b):
    """Equal numbers, with NaN (null in JSON) equal to itself."""
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return a == b


class RunMatchesTheCli(unittest.TestCase):
    def test_summary_equals_the_cli_summary_json(self):
        summary = crisis_sim.run(BASELINE, replications=3, seed=11, overrides=QUICK, threads=2)
        expected = cli_json("run", BASELINE, "--replications", "3", "--seed", "11", "--set", "run.horizon_days=10",
                            "--set", "run.warmup_days=2")
        self.assertEqual(list(summary.index), list(expected["measures"].keys()))
        self.assertEqual(list(summary.columns), ["label", "unit", "mean", "sd", "ci_low", "ci_high", "n"])
        # Every measure has words a reader understands, not only its identifier.
        self.assertEqual(summary.loc["response_min.mean", "label"], "Response time, mean (min)")
        self.assertEqual(summary.loc["per_1000.arrest", "label"], "Arrests per 1,000 crisis calls")
        self.assertEqual(summary.loc["cost.annual", "unit"], "USD / year")
        self.assertTrue(all(isinstance(label, str) and label for label in summary["label"]))
        for measure, values in expected["measures"].items():
            row = summary.loc[measure]
            for column, key in (("mean", "mean"), ("sd", "sd"), ("ci_low", "ci95_low"), ("ci_high", "ci95_high"), ("n", "n")):
                self.assertTrue(same(values[key], row[column]), f"{measure}.{column}: CLI {values[key]}, Python {row[column]}")
        for key in ("seed", "replications", "horizon_days", "warmup_days", "models", "scenario", "crisis_sim_version"):
            self.assertEqual(summary.attrs[key], expected[key], key)

    def test_per_replication_values_are_the_replications_csv(self):
        summary, replications = crisis_sim.run(BASELINE, replications=3, seed=11, overrides=QUICK, per_replication=True)
        self.assertEqual(len(replications), 3)
        self.assertIn("response_min.mean", replications.columns)
        self.assertAlmostEqual(replications["response_min.mean"].mean(), summary.loc["response_min.mean", "mean"], places=9)

    def test_results_do_not_depend_on_threads(self):
        one = crisis_sim.run(BASELINE, replications=3, seed=5, overrides=QUICK, threads=1)
        two = crisis_sim.run(BASELINE, replications=3, seed=5, overrides=QUICK, threads=2)
        self.assertTrue(one.equals(two))


class Overrides(unittest.TestCase):
    def test_overrides_behave_like_set(self):
        summary = crisis_sim.run(BASELINE, replications=2, seed=3, overrides={"run.horizon_days": 7, "run.warmup_days": 1.5})
        self.assertEqual(summary.attrs["horizon_days"], 7)
        self.assertEqual(summary.attrs["warmup_days"], 1.5)
        expected = cli_json("run", BASELINE, "--replications", "2", "--seed", "3", "--set", "run.horizon_days=7", "--set",
                            "run.warmup_days=1.5")
        self.assertTrue(same(expected["measures"]["crisis_calls"]["mean"], summary.loc["crisis_calls", "mean"]))

    def test_an_override_changes_the_result(self):
        base = crisis_sim.run(BASELINE, replications=2, seed=3, overrides=QUICK)
        busier = crisis_sim.run(BASELINE, replications=2, seed=3, overrides={**QUICK, "crises.triage_accuracy": 0.5})
        self.assertEqual(busier.attrs["seed"], base.attrs["seed"])
        self.assertFalse(base.equals(busier))

    def test_seed_and_replications_arguments(self):
        summary = crisis_sim.run(BASELINE, replications=2, seed=99, overrides=QUICK)
        self.assertEqual(summary.attrs["seed"], 99)
        self.assertEqual(summary.attrs["replications"], 2)
        self.assertEqual(int(summary.loc["crisis_calls", "n"]), 2)


class Errors(unittest.TestCase):
    def test_bad_override_raises_with_the_cli_message(self):
        with self.assertRaises(crisis_sim.InputError) as raised:
            crisis_sim.run(BASELINE, replications=2, overrides={"run.horizon_dayz": 10})
        completed = subprocess.run([CLI, "run", BASELINE, "--replications", "2", "--set", "run.horizon_dayz=10", "--quiet"],
                                   capture_output=True, text=True)
        self.assertEqual(completed.returncode, 2)
        cli_lines = [line[len("error: "):] for line in completed.stderr.splitlines() if line.startswith("error: ")]
        self.assertEqual(str(raised.exception), "\n".join(cli_lines))
        self.assertIn("run.horizon_dayz", str(raised.exception))
        self.assertIsInstance(raised.exception, ValueError)

    def test_bad_value_names_the_file_and_field(self):
        with self.assertRaises(crisis_sim.InputError) as raised:
            crisis_sim.run(BASELINE, overrides={"run.horizon_days": "soon"})
        self.assertIn("run.horizon_days", str(raised.exception))

    def test_missing_file_and_bad_arguments_raise(self):
        with self.assertRaises(crisis_sim.InputError):
            crisis_sim.run(os.path.join(SOURCE, "no_such_scenario.yaml"))
        with self.assertRaises(crisis_sim.InputError):
            crisis_sim.run(BASELINE, replications=0)
        with self.assertRaises(crisis_sim.InputError):
            crisis_sim.compare(BASELINE, models="police_only,no_such_model", replications=2, overrides=QUICK)


class ValidateAndModels(unittest.TestCase):
    def test_validate_accepts_the_baseline_and_rejects_a_bad_file(self):
        crisis_sim.validate(BASELINE)
        crisis_sim.validate(BASELINE, overrides={"crises.triage_accuracy": 0.7})
        with self.assertRaises(crisis_sim.InputError) as raised:
            crisis_sim.validate(BASELINE, overrides={"crises.triage_accuracy": 7})
        self.assertIn("crises.triage_accuracy", str(raised.exception))

    def test_models_lists_what_the_cli_lists(self):
        completed = subprocess.run([CLI, "models"], capture_output=True, text=True, check=True)
        names = [line.split()[0] for line in completed.stdout.splitlines() if line.strip()]
        self.assertEqual(list(crisis_sim.models()["name"]), names)


class Compare(unittest.TestCase):
    def test_paired_differences_equal_the_cli(self):
        differences, summaries = crisis_sim.compare(BASELINE, replications=3, seed=8, overrides=QUICK, variants=True)
        expected = cli_json("compare", BASELINE, "--replications", "3", "--seed", "8", "--set", "run.horizon_days=10", "--set",
                            "run.warmup_days=2")
        self.assertEqual(differences.attrs["reference"], expected["reference"])
        self.assertEqual(sorted(set(differences["variant"])), sorted(d["variant"] for d in expected["differences"]))
        for entry in expected["differences"]:
            rows = differences[differences["variant"] == entry["variant"]].set_index("measure")
            self.assertEqual(list(rows.index), list(entry["measures"].keys()))
            for measure, values in entry["measures"].items():
                self.assertTrue(same(values["mean"], rows.loc[measure, "mean"]), measure)
                self.assertTrue(same(values["ci95_low"], rows.loc[measure, "ci_low"]), measure)
                self.assertEqual(values["significant"], bool(rows.loc[measure, "significant"]), measure)
        self.assertEqual(sorted(set(summaries["variant"])), sorted(v["name"] for v in expected["variants"]))
        self.assertIn("label", differences.columns)
        self.assertEqual(set(differences[differences["measure"] == "response_min.mean"]["label"]), {"Response time, mean (min)"})

    def test_data_path_finds_the_shipped_scenarios_from_any_folder(self):
        self.assertTrue(crisis_sim.data_path("baseline_police.yaml").is_file())
        self.assertTrue(crisis_sim.executable())

    def test_models_as_a_list(self):
        differences = crisis_sim.compare(BASELINE, replications=2, overrides=QUICK, models=["police_only", "cit"])
        self.assertEqual(set(differences["variant"]), {"cit"})
        self.assertEqual(set(differences["reference"]), {"police_only"})


class TheGilIsReleased(unittest.TestCase):
    def test_another_thread_runs_while_a_simulation_runs(self):
        ticks_during_run = []
        ticks = 0
        stop = threading.Event()

        def count():
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                time.sleep(0.001)

        counter = threading.Thread(target=count)
        counter.start()
        time.sleep(0.05)
        try:
            before = ticks
            started = time.monotonic()
            crisis_sim.run(BASELINE, replications=4, seed=1, overrides={"run.horizon_days": 365}, threads=1)
            seconds = time.monotonic() - started
            ticks_during_run.append(ticks - before)
        finally:
            stop.set()
            counter.join()
        # Holding the GIL through the run would leave the counter nearly still (it can only
        # tick around the call: 3 ticks in 0.5 s when tried); released, it ticks about every
        # millisecond. The run takes about half a second or more.
        self.assertGreater(ticks_during_run[0], max(20.0, 20 * seconds), f"{ticks_during_run[0]} ticks in {seconds:.2f} s")


if __name__ == "__main__":
    print(f"crisis_sim {crisis_sim.__version__} from {crisis_sim.__file__}; CLI {CLI}", file=sys.stderr)
    unittest.main(verbosity=2)
