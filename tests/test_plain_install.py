"""The route for any environment: `pip install -r requirements.txt`, nothing else.

In a fresh venv (no make, no requirements-dev.txt, nothing from this
checkout's .venv), from a copy of the files git tracks: install
requirements.txt, then run every notebook with ``jupyter nbconvert --execute``
as a teacher with their own environment would.  Slow (an install of about
700 MB, pip's cache helps), so it is deselected by default: run it with
``make test-install`` (``PY=python3.12`` for another Python); .ci/run does.

Environment: ``SOFTMAX_INSTALL_PYTHON`` = the Python that makes the venv
(default: this one's base interpreter).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.install


def _clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV", "PIP_", "CONDA", "IPYTHON"))}
    # Nothing from the user's Jupyter or IPython setup (a python3 kernelspec there
    # could point to another environment).
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        env[name] = str(tmp / name.lower())
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(cmd, cwd, env, timeout):
    t0 = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r, time.perf_counter() - t0


def test_pip_install_requirements_alone_runs_every_lesson(tmp_path):
    python = os.environ.get("SOFTMAX_INSTALL_PYTHON") or getattr(sys, "_base_executable", sys.executable)
    # A clean clone: only the files git tracks (as they are in this checkout).
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    repo = tmp_path / "course"
    for name in tracked:
        src = ROOT / name
        if src.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, repo / name)
    env = _clean_env(tmp_path)
    venv = tmp_path / "venv"
    _run([python, "-m", "venv", str(venv)], repo, env, 300)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    vpy = bindir / "python"
    _, t_install = _run([vpy, "-m", "pip", "install", "-r", "requirements.txt"], repo, env, 1800)
    r, _ = _run([vpy, "-c", "import sys, softmax_lib; print(sys.version.split()[0]); print(softmax_lib.__file__)"],
                tmp_path, env, 120)
    version, lib_file = r.stdout.split()
    assert Path(lib_file).resolve().is_relative_to(repo.resolve()), lib_file
    # make lab's environment holds no test tools.
    r, _ = _run([vpy, "-m", "pip", "list", "--format=json"], repo, env, 120)
    installed = {p["name"].lower() for p in json.loads(r.stdout)}
    assert not installed & {"pytest", "nbval", "hypothesis", "playwright", "mpmath"}, installed
    notebooks = sorted((repo / "notebooks").glob("*.ipynb"))
    out = tmp_path / "executed"
    _, t_exec = _run([bindir / "jupyter", "nbconvert", "--to", "notebook", "--execute",
                      "--ExecutePreprocessor.timeout=600", "--output-dir", str(out), *map(str, notebooks)],
                     repo, env, 1800)
    for nb in notebooks:
        done = json.loads((out / nb.name).read_text())
        errors = [o for c in done["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
        assert not errors, f"{nb.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
    print(f"\nPython {version}: pip install -r requirements.txt {t_install:.0f} s, "
          f"{len(notebooks)} notebooks executed in {t_exec:.0f} s")
