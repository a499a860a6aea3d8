"""PEP 517 build backend of crisis-sim's Python package, standard library only, so that
``pip install .`` works offline: it drives CMake to build the pybind11 module ``_core`` (and the
``crisis-sim`` executable) for the interpreter that runs pip, then packs a wheel.

The wheel holds ``crisis_sim`` (``__init__.py``, ``_core``, stubs), the shipped scenarios as
``crisis_sim/scenarios`` (``crisis_sim.data_path()`` finds them, so notebooks run from any
folder) and ``crisis_sim/bin/crisis-sim`` with a ``crisis-sim`` console script.

Environment:
  CRISIS_PIP_BUILD_DIR  the CMake build folder (default: a fresh temporary one); a folder that
                        already holds a build for this interpreter is rebuilt incrementally.
  CMAKE_ARGS            more CMake arguments, e.g. ``-DCMAKE_CXX_COMPILER_LAUNCHER=ccache``.
  CMAKE_BUILD_PARALLEL_LEVEL  build jobs (default: the number of CPUs).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
import zipfile
from pathlib import Path
from typing import Dict, List, Optional

SOURCE = Path(__file__).resolve().parents[2]
NAME = "crisis_sim"
DISTRIBUTION = "crisis-sim"


def _version() -> str:
    text = (SOURCE / "CMakeLists.txt").read_text(encoding="utf-8")
    match = re.search(r"project\(crisis_sim VERSION ([0-9.]+)", text)
    if not match:
        raise RuntimeError("CMakeLists.txt names no project version")
    return match.group(1)


def _tag() -> str:
    """The wheel's tag for this interpreter: cpXY-cpXY-PLATFORM."""
    python = "cp{}{}".format(*sys.version_info[:2])
    platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
    return f"{python}-{python}-{platform}"


def _metadata() -> str:
    readme = (SOURCE / "docs" / "python.md").read_text(encoding="utf-8")
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {DISTRIBUTION}\n"
        f"Version: {_version()}\n"
        "Summary: Agent-based simulation of behavioural-health crisis response: run and compare response models as pandas tables\n"
        "Requires-Python: >=3.9\n"
        "Requires-Dist: pandas\n"
        "Description-Content-Type: text/markdown\n\n" + readme
    )


def _build(build_dir: Path) -> Path:
    """Configure and build _core and crisis-sim for this interpreter; returns the build folder."""
    cmake = shutil.which("cmake")
    if cmake is None:
        raise RuntimeError("crisis-sim needs CMake to build (Debian: apt-get install cmake; or bash scripts/bootstrap.sh)")
    configure = [
        cmake, "-S", str(SOURCE), "-B", str(build_dir),
        "-DCMAKE_BUILD_TYPE=Release",
        "-DCRISIS_BUILD_TESTS=OFF",
        "-DCRISIS_BUILD_PYTHON=ON",
        f"-DPython_EXECUTABLE={sys.executable}",
    ]
    if shutil.which("ninja") and not (build_dir / "CMakeCache.txt").exists():
        configure += ["-G", "Ninja"]
    configure += shlex.split(os.environ.get("CMAKE_ARGS", ""))
    subprocess.run(configure, check=True)
    jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 1))
    subprocess.run([cmake, "--build", str(build_dir), "--target", "crisis_sim_core", "crisis-sim", "-j", jobs], check=True)
    return build_dir


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


class _Wheel:
    """A wheel being written: files added with their RECORD lines, in a fixed order."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED)
        self.records: List[str] = []

    def add(self, name: str, data: bytes, executable: bool = False) -> None:
        info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))  # no build time inside
        # A regular file's mode: pip sets the execute bits only when S_IFREG is there too.
        info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        self.zip.writestr(info, data)
        self.records.append(_record_line(name, data))

    def close(self, record_name: str) -> None:
        self.records.append(f"{record_name},,")
        info = zipfile.ZipInfo(record_name, date_time=(2000, 1, 1, 0, 0, 0))
        self.zip.writestr(info, "\n".join(self.records) + "\n")
        self.zip.close()


def _dist_info() -> str:
    return f"{NAME}-{_version()}.dist-info"


def build_wheel(wheel_directory: str, config_settings: Optional[Dict[str, str]] = None,
                metadata_directory: Optional[str] = None) -> str:
    given = os.environ.get("CRISIS_PIP_BUILD_DIR")
    temporary = None if given else tempfile.mkdtemp(prefix="crisis-sim-build-")
    try:
        build_dir = _build(Path(given or temporary).resolve())
        package = build_dir / "python" / NAME
        wheel_name = f"{NAME}-{_version()}-{_tag()}.whl"
        wheel = _Wheel(Path(wheel_directory) / wheel_name)
        for file in sorted(package.iterdir()):
            if file.is_file() and not file.name.endswith(".pyc") and file.name != "_build_paths.py":
                wheel.add(f"{NAME}/{file.name}", file.read_bytes(), executable=file.suffix == ".so")
        wheel.add(f"{NAME}/bin/crisis-sim", (build_dir / "crisis-sim").read_bytes(), executable=True)
        for file in sorted((SOURCE / "scenarios").rglob("*")):
            if file.is_file():
                wheel.add(f"{NAME}/scenarios/{file.relative_to(SOURCE / 'scenarios').as_posix()}", file.read_bytes())
        info = _dist_info()
        wheel.add(f"{info}/METADATA", _metadata().encode())
        wheel.add(f"{info}/WHEEL",
                  f"Wheel-Version: 1.0\nGenerator: crisis_build\nRoot-Is-Purelib: false\nTag: {_tag()}\n".encode())
        wheel.add(f"{info}/entry_points.txt", b"[console_scripts]\ncrisis-sim = crisis_sim._cli:main\n")
        wheel.close(f"{info}/RECORD")
        return wheel_name
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)


def get_requires_for_build_wheel(config_settings: Optional[Dict[str, str]] = None) -> List[str]:
    return []  # CMake, a compiler and pybind11 are Debian packages, not pip ones


def prepare_metadata_for_build_wheel(metadata_directory: str, config_settings: Optional[Dict[str, str]] = None) -> str:
    info = Path(metadata_directory) / _dist_info()
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(_metadata(), encoding="utf-8")
    return info.name
