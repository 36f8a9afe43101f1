"""The install routes, in one fresh venv, from a copy of the files git tracks.

1. **The course as a package** (the route of Colab and of hub images): a venv
   that holds only a notebook host (ipykernel and nbconvert), then
   ``pip install <the course>``, not editable.  Every lesson, with its Colab cell
   (generated here on the copies, as ``make nav`` writes it), is executed with
   ``jupyter nbconvert --execute`` from a folder outside the repository, while the
   repository copy is renamed away, so nothing can be imported from it.
2. **requirements.txt** (the route of a checkout), added to the same venv:
   JupyterLab and the editable library come with it, and no test tool.  If it
   changed the version of anything the lessons import, every lesson runs again;
   otherwise the contents page runs, as a check of the editable library.

Slow (pip's cache helps: the venv is made once, and pip keeps its cache), so it
is deselected by default: ``make test-install`` (``PY=python3.12`` for another
Python) runs it, and so does .ci/run.

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
from types import SimpleNamespace

import nbformat
import pytest

import navigation
from lessons import present

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.install

#: What every route assumes is there already: a kernel and a way to run notebooks.
HOST = ["ipykernel", "nbconvert"]
#: What the lessons import (the names pip lists), to see whether requirements.txt changed any.
LESSON_STACK = {
    "numpy",
    "matplotlib",
    "seaborn",
    "ipywidgets",
    "scikit-learn",
    "scipy",
    "pillow",
    "ipython",
    "ipykernel",
}
TEST_TOOLS = {"pytest", "nbval", "hypothesis", "playwright", "mpmath", "ruff"}
#: pip settings that say where packages come from (a mirror, a cache) pass through; nothing else does.
PIP_PASS = {
    "PIP_CACHE_DIR",
    "PIP_INDEX_URL",
    "PIP_EXTRA_INDEX_URL",
    "PIP_TRUSTED_HOST",
    "PIP_CERT",
    "PIP_FIND_LINKS",
    "PIP_NO_INDEX",
}


def _clean_env(tmp: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k in PIP_PASS or not k.startswith(("PYTHON", "JUPYTER", "VIRTUAL_ENV", "PIP_", "CONDA", "IPYTHON"))
    }
    # Nothing from the user's Jupyter or IPython setup (a python3 kernelspec there
    # could point to another environment).
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        env[name] = str(tmp / name.lower())
    env["PYTHONNOUSERSITE"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(cmd, cwd, env, timeout):
    t0 = time.perf_counter()
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r, time.perf_counter() - t0


@pytest.fixture(scope="module")
def venv(tmp_path_factory):
    """One fresh venv with only the notebook host, and a copy of the tracked files."""
    tmp = tmp_path_factory.mktemp("install")
    python = os.environ.get("SOFTMAX_INSTALL_PYTHON") or getattr(sys, "_base_executable", sys.executable)
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    course = tmp / "course"
    for name in filter(None, tracked):
        src = ROOT / name
        if src.is_file():
            (course / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, course / name)
    env = _clean_env(tmp)
    path = tmp / "venv"
    _run([python, "-m", "venv", path], tmp, env, 300)
    bindir = path / ("Scripts" if os.name == "nt" else "bin")
    vpy = bindir / "python"
    _, t_host = _run([vpy, "-m", "pip", "install", *HOST], tmp, env, 1200)
    print(f"\nnotebook host ({' '.join(HOST)}) installed in {t_host:.0f} s")
    return SimpleNamespace(tmp=tmp, course=course, env=env, bindir=bindir, python=vpy)


def _versions(v) -> dict[str, str]:
    r, _ = _run([v.python, "-m", "pip", "list", "--format=json"], v.tmp, v.env, 120)
    return {p["name"].lower(): p["version"] for p in json.loads(r.stdout)}


def _where(v, cwd: Path) -> tuple[str, Path]:
    code = "import sys, softmax_lib; print(sys.version.split()[0]); print(softmax_lib.__file__)"
    r, _ = _run([v.python, "-c", code], cwd, v.env, 120)
    version, lib_file = r.stdout.split()
    return version, Path(lib_file).resolve()


def _execute(v, notebooks: list[Path], cwd: Path) -> float:
    out = v.tmp / f"executed-{cwd.name}"
    _, seconds = _run(
        [
            v.bindir / "jupyter",
            "nbconvert",
            "--to",
            "notebook",
            "--execute",
            "--ExecutePreprocessor.timeout=600",
            "--output-dir",
            out,
            *notebooks,
        ],
        cwd,
        v.env,
        3600,
    )
    for nb in notebooks:
        done = nbformat.read(out / nb.name, as_version=4)
        errors = [o for c in done.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
        assert not errors, f"{nb.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
        for cell in done.cells:
            if cell.cell_type == "code" and navigation.is_generated(cell):
                assert cell.outputs == [], f"{nb.name}: the Colab cell printed outside Colab: {cell.outputs}"
    return seconds


def test_the_course_as_a_package_runs_every_lesson_from_any_folder(venv):
    v = venv
    _, t_install = _run([v.python, "-m", "pip", "install", v.course], v.tmp, v.env, 1800)
    installed = _versions(v)
    assert "softmax-lib" in installed
    assert "jupyterlab" not in installed, "the package must not bring JupyterLab (the host is the user's)"
    assert not installed.keys() & TEST_TOOLS, installed.keys() & TEST_TOOLS

    # The lessons, with the generated cells (Colab cell included), in a folder that is
    # not the repository; the repository copy is renamed away while they run.
    lessons = v.tmp / "elsewhere" / "my-lessons"
    lessons.mkdir(parents=True)
    repo = navigation.public_repo()
    names = []
    for lesson in present():
        nb = nbformat.read(v.course / "notebooks" / lesson.name, as_version=4)
        navigation.with_generated_cells(nb, lesson.name, "notebooks", repo)
        nbformat.write(nb, lessons / lesson.name)
        names.append(lessons / lesson.name)
    hidden = v.tmp / "course-moved-away"
    v.course.rename(hidden)
    try:
        version, lib_file = _where(v, lessons)
        assert "site-packages" in lib_file.parts, f"softmax_lib came from {lib_file}, not the installed package"
        data = lib_file.parent / "data"
        shipped = sorted(p.name for p in (hidden / "softmax_lib" / "data").iterdir() if p.suffix in {".txt", ".md"})
        assert shipped and all((data / name).is_file() for name in shipped), f"package data missing from {data}"
        r, _ = _run(
            [
                v.python,
                "-c",
                "import importlib.metadata as m; print('\\n'.join(m.metadata('softmax-lib').get_all('Project-URL')))",
            ],
            lessons,
            v.env,
            60,
        )
        assert f"Repository, {navigation.repository_url(hidden / 'pyproject.toml')}" in r.stdout.splitlines()
        t_exec = _execute(v, names, lessons)
    finally:
        hidden.rename(v.course)
    print(
        f"\nPython {version}: pip install <course> {t_install:.0f} s (as a package, not editable), "
        f"{len(names)} lessons executed from {lessons} in {t_exec:.0f} s"
    )


def test_requirements_txt_adds_jupyterlab_and_the_editable_library(venv):
    v = venv
    before = _versions(v)
    _, t_install = _run([v.python, "-m", "pip", "install", "-r", "requirements.txt"], v.course, v.env, 1800)
    after = _versions(v)
    assert not after.keys() & TEST_TOOLS, after.keys() & TEST_TOOLS
    assert "jupyterlab" in after
    _run([v.bindir / "jupyter", "lab", "--version"], v.tmp, v.env, 120)
    _, lib_file = _where(v, v.tmp)
    assert lib_file.is_relative_to(v.course.resolve()), f"requirements.txt's -e . should import {v.course}: {lib_file}"
    changed = sorted(name for name in LESSON_STACK if before.get(name) != after.get(name))
    notebooks = sorted((v.course / "notebooks").glob("*.ipynb"))
    if not changed:
        notebooks = [nb for nb in notebooks if nb.name == "00-index.ipynb"]
    t_exec = _execute(v, notebooks, v.course / "notebooks")
    print(
        f"\npip install -r requirements.txt on top: {t_install:.0f} s; versions it changed among the lessons' "
        f"imports: {changed or 'none'}; {len(notebooks)} notebook(s) executed in {t_exec:.0f} s"
    )
