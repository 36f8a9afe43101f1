"""Re-execute notebooks in place, storing outputs and widget state.

    python tools/execute_notebooks.py                     # every notebook
    python tools/execute_notebooks.py notebooks/01-*.ipynb

Navigation is brought up to date first (tools/navigation.py; with paths given,
only for those notebooks), then each
notebook runs top to bottom in a fresh kernel from the notebooks folder, as
nbval will run it.  Widget state is stored in the notebook metadata so that
sliders and their figures render in exported HTML and on notebook viewers.
Execution fails loudly on any error.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
import navigation  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def execute(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
        record_timing=False,
    )
    t0 = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - t0
    nb.metadata.pop("papermill", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv]
    # With no arguments: every notebook, and every navigation link and lesson list.
    # With paths: only those notebooks (their navigation included).
    navigation.write_all(only=paths or None)
    paths = paths or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for p in paths:
        secs = execute(p.resolve())
        print(f"executed {p} in {secs:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
