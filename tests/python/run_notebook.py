"""Execute one notebook top to bottom with nbclient, as CI does; exit 1 on the first failing cell.

    PYTHONPATH=build/python CRISIS_SIM=build/crisis-sim /usr/bin/python3 tests/python/run_notebook.py notebooks/01_*.ipynb

The notebook runs in its own folder (so "../scenarios/..." paths work) and is not rewritten:
notebooks are stored without outputs.
"""

import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: run_notebook.py NOTEBOOK.ipynb", file=sys.stderr)
        return 2
    path = os.path.abspath(sys.argv[1])
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.get("outputs"):
            print(f"{path}: stored with outputs; clear them (notebooks/README.md)", file=sys.stderr)
            return 1
    # The kernel inherits this environment; keep ipykernel's debugger notice out of the log.
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": os.path.dirname(path)}})
    started = time.monotonic()
    try:
        client.execute()
    except CellExecutionError as error:
        print(f"{path}: a cell failed:\n{error}", file=sys.stderr)
        return 1
    code_cells = sum(1 for cell in notebook.cells if cell.cell_type == "code")
    print(f"{os.path.basename(path)}: {code_cells} code cells ran in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
