"""crisis-sim from Python: run scenarios and compare response models, as pandas tables.

The simulations run in the same C++ code as the ``crisis-sim`` command (``crisis_sim._core``),
with the same defaults, overrides and seeds, so ``run(path, seed=7)`` gives the numbers of
``crisis-sim run path --seed 7 --format json``. The GIL is released while a simulation runs.

    >>> import crisis_sim
    >>> summary = crisis_sim.run("scenarios/baseline_police.yaml", replications=4,
    ...                          overrides={"run.horizon_days": 30})
    >>> summary.loc["response_min.mean", ["mean", "ci_low", "ci_high"]]

See docs/python.md.
"""

from __future__ import annotations

import io
import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Optional, Sequence, Tuple, Union

from . import _core
from ._core import InputError

if TYPE_CHECKING:  # pandas is imported when a table is made, so the module loads without it
    import pandas as pd

__all__ = ["run", "compare", "validate", "models", "data_path", "executable", "InputError", "__version__"]
__version__: str = _core.__version__

_PACKAGE = Path(__file__).resolve().parent


def _pandas():
    try:
        import pandas
    except ImportError as error:  # a clear word instead of a bare ImportError deep in a call
        raise ImportError("crisis_sim returns pandas DataFrames: install pandas (Debian: python3-pandas)") from error
    return pandas


def data_path(*parts: str) -> Path:
    """A path under the shipped scenarios, e.g. ``data_path("eugene_cahoots.yaml")``.

    The folder is ``$CRISIS_SOURCE_DIR/scenarios`` when that variable is set, else the
    ``scenarios`` folder installed with the package (``pip install .``), else the repository's
    when the package is used from a build folder (``PYTHONPATH=build/python``). So a notebook
    that uses it runs from any folder.
    """
    candidates = []
    if os.environ.get("CRISIS_SOURCE_DIR"):
        candidates.append(Path(os.environ["CRISIS_SOURCE_DIR"]) / "scenarios")
    candidates.append(_PACKAGE / "scenarios")
    try:
        from ._build_paths import SOURCE_DIR

        candidates.append(Path(SOURCE_DIR) / "scenarios")
    except ImportError:
        pass
    for folder in candidates:
        if folder.is_dir():
            return folder.joinpath(*parts)
    raise FileNotFoundError("no scenarios folder found: set CRISIS_SOURCE_DIR to the crisis-sim repository")


def executable() -> Optional[str]:
    """The ``crisis-sim`` executable that goes with this package: ``$CRISIS_SIM``, the one the
    wheel installs beside the package, or the build folder's; None when there is none."""
    if os.environ.get("CRISIS_SIM"):
        return os.environ["CRISIS_SIM"]
    candidates = [_PACKAGE / "bin" / "crisis-sim"]
    try:
        from ._build_paths import EXECUTABLE

        candidates.append(Path(EXECUTABLE))
    except ImportError:
        pass
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    return None

Overrides = Optional[Mapping[str, Any]]


def _value_text(value: Any) -> str:
    """An override value as ``--set path=value`` would spell it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"override value {value!r} is not a finite number")
        return repr(value)
    if isinstance(value, str):
        return value
    # Lists and mappings as JSON, which is YAML flow syntax.
    return json.dumps(value)


def _override_pairs(overrides: Overrides, replications: Optional[int], seed: Optional[int]) -> list:
    """Overrides in the CLI's order: --set values, then --replications and --seed."""
    pairs = [(str(path), _value_text(value)) for path, value in (overrides or {}).items()]
    if replications is not None:
        if isinstance(replications, bool) or not isinstance(replications, int) or not 1 <= replications <= 100000:
            raise InputError(f"replications: expected a whole number from 1 to 100000, got {replications!r}")
        pairs.append(("run.replications", str(replications)))
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= 9223372036854775807:
            raise InputError(f"seed: expected a whole number from 0 to 9223372036854775807, got {seed!r}")
        pairs.append(("run.seed", str(seed)))
    return pairs


def _number(value: Any) -> float:
    return math.nan if value is None else float(value)


def _measures_frame(measures: Mapping[str, Mapping[str, Any]], labels: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    rows = [
        {
            "measure": name,
            "label": labels.get(name, {}).get("label", name),
            "unit": labels.get(name, {}).get("unit", ""),
            "mean": _number(m.get("mean")),
            "sd": _number(m.get("sd")),
            "ci_low": _number(m.get("ci95_low")),
            "ci_high": _number(m.get("ci95_high")),
            "n": int(m.get("n", 0)),
        }
        for name, m in measures.items()
    ]
    columns = ["measure", "label", "unit", "mean", "sd", "ci_low", "ci_high", "n"]
    return _pandas().DataFrame(rows, columns=columns).set_index("measure")


def run(
    scenario_path: str,
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    overrides: Overrides = None,
    threads: int = 0,
    per_replication: bool = False,
) -> Union[pd.DataFrame, Tuple[pd.DataFrame, pd.DataFrame]]:
    """Simulate a scenario, as ``crisis-sim run``.

    Args:
        scenario_path: the scenario YAML file.
        replications: independent replications (default: the scenario's ``run.replications``).
        seed: random seed (default: the scenario's ``run.seed``).
        overrides: scenario fields to change, as ``--set``: ``{"run.horizon_days": 90,
            "city.zones[0].population": 40000}``.
        threads: worker threads, 0 = all cores; results do not depend on it.
        per_replication: also return one row per replication.

    Returns:
        A DataFrame indexed by measure with columns label (what the measure is, in words),
        unit, mean, sd, ci_low, ci_high (Student-t 95% interval across replications) and n; ``.attrs`` holds the provenance of summary.json
        (scenario, hash, seed, replications, horizon, models, version). With
        ``per_replication=True``, a pair (summary, replications) where replications is
        replications.csv as a DataFrame (one row per replication, one column per measure).

    Raises:
        InputError: bad scenario, override or argument, with the CLI's message
            (``file:line:column: field: what was expected``).
    """
    summary_text, replications_text, labels_text = _core.run(
        str(scenario_path), _override_pairs(overrides, replications, seed), int(threads), bool(per_replication)
    )
    summary_json = json.loads(summary_text)
    summary = _measures_frame(summary_json["measures"], json.loads(labels_text))
    summary.attrs.update({key: value for key, value in summary_json.items() if key != "measures"})
    if not per_replication:
        return summary
    return summary, _pandas().read_csv(io.StringIO(replications_text))


def compare(
    scenario_path: str,
    replications: Optional[int] = None,
    seed: Optional[int] = None,
    overrides: Overrides = None,
    models: Union[None, str, Sequence[str]] = None,
    threads: int = 0,
    variants: bool = False,
) -> Union[pd.DataFrame, Tuple[pd.DataFrame, pd.DataFrame]]:
    """Run the scenario's variants with the same seed (common random numbers), as ``crisis-sim compare``.

    Args:
        scenario_path, replications, seed, overrides, threads: as for :func:`run`.
        models: variants by model instead of the scenario's ``variants:``, as ``--models``:
            ``["police_only", "cit", "cit+civilian_team"]`` or ``"police_only,cit"``.
        variants: also return each variant's own summary.

    Returns:
        The paired differences (variant - reference, replication by replication): a DataFrame
        with columns variant, reference, measure, label (in words), unit, mean, ci_low, ci_high, relative (mean over
        the reference's mean), significant (the 95% interval excludes 0) and n. With
        ``variants=True``, a pair (differences, summaries) where summaries has columns
        variant, measure, label, unit, mean, ci_low, ci_high, n. ``.attrs`` holds comparison.json's
        provenance.

    Raises:
        InputError: as for :func:`run`.
    """
    if models is None:
        models_flag = ""
    elif isinstance(models, str):
        models_flag = models
    else:
        models_flag = ",".join(models)
    text, labels_text = _core.compare(str(scenario_path), _override_pairs(overrides, replications, seed), models_flag, int(threads))
    comparison = json.loads(text)
    labels = json.loads(labels_text)
    pd = _pandas()
    rows = []
    for entry in comparison["differences"]:
        for measure, d in entry["measures"].items():
            rows.append(
                {
                    "variant": entry["variant"],
                    "reference": entry["reference"],
                    "measure": measure,
                    "label": labels.get(measure, {}).get("label", measure),
                    "unit": labels.get(measure, {}).get("unit", ""),
                    "mean": _number(d.get("mean")),
                    "ci_low": _number(d.get("ci95_low")),
                    "ci_high": _number(d.get("ci95_high")),
                    "relative": _number(d.get("relative")),
                    "significant": bool(d.get("significant")),
                    "n": int(d.get("n", 0)),
                }
            )
    columns = ["variant", "reference", "measure", "label", "unit", "mean", "ci_low", "ci_high", "relative", "significant", "n"]
    differences = pd.DataFrame(rows, columns=columns)
    provenance = {key: value for key, value in comparison.items() if key not in ("variants", "differences")}
    differences.attrs.update(provenance)
    if not variants:
        return differences
    summary_rows = []
    for entry in comparison["variants"]:
        for measure, s in entry["measures"].items():
            summary_rows.append(
                {
                    "variant": entry["name"],
                    "measure": measure,
                    "label": labels.get(measure, {}).get("label", measure),
                    "unit": labels.get(measure, {}).get("unit", ""),
                    "mean": _number(s.get("mean")),
                    "ci_low": _number(s.get("ci95_low")),
                    "ci_high": _number(s.get("ci95_high")),
                    "n": int(s.get("n", 0)),
                }
            )
    summaries = pd.DataFrame(summary_rows, columns=["variant", "measure", "label", "unit", "mean", "ci_low", "ci_high", "n"])
    summaries.attrs.update(provenance)
    return differences, summaries


def validate(scenario_path: str, overrides: Overrides = None) -> None:
    """Check a scenario (with overrides) as ``crisis-sim validate``; raises InputError when it is bad."""
    _core.validate(str(scenario_path), _override_pairs(overrides, None, None))


def models() -> pd.DataFrame:
    """The response models: a DataFrame with columns name and description."""
    return _pandas().DataFrame(_core.models(), columns=["name", "description"])
