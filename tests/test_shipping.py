"""The files around the lessons: install route, Binder, Jupyter settings, docs."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from packaging.requirements import Requirement

import navigation
from lessons import present

ROOT = Path(__file__).resolve().parent.parent
LESSONS = [lesson for lesson in present() if not lesson.is_index]
INDEX_URLPATH = "lab/tree/notebooks/00-index.ipynb"


def _lines(path: Path) -> list[str]:
    return [ln.split("#", 1)[0].strip() for ln in path.read_text().splitlines() if ln.split("#", 1)[0].strip()]


def test_requirements_install_the_library_and_no_test_tools():
    req = _lines(ROOT / "requirements.txt")
    assert "-e ." in req, "pip install -r requirements.txt must install softmax_lib itself"
    names = {re.split(r"[<>=!~ \[]", r, maxsplit=1)[0].lower() for r in req if not r.startswith("-")}
    assert not names & {"pytest", "nbval", "hypothesis", "playwright", "mpmath", "scipy"}, names
    dev = _lines(ROOT / "requirements-dev.txt")
    assert dev[0] == "-r requirements.txt" and "-e ." not in dev


def test_the_package_declares_what_the_lessons_import_with_the_ranges_of_requirements_txt():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {Requirement(r).name.lower(): Requirement(r) for r in project["dependencies"]}
    lab = {Requirement(r).name.lower(): Requirement(r) for r in project["optional-dependencies"]["lab"]}
    assert {"numpy", "matplotlib", "seaborn", "ipywidgets", "scikit-learn", "scipy", "pillow"} <= declared.keys()
    assert not declared.keys() & {"jupyterlab", "notebook", "ipykernel"}, "the notebook host is the user's"
    assert lab.keys() == {"jupyterlab", "ipykernel"}
    assert str(declared["ipywidgets"].specifier) == "<9,>=8.1" and ">=1.8" in str(declared["scikit-learn"].specifier)
    # requirements.txt, the pinned route: the same range for every package both name.
    pinned = {
        Requirement(r).name.lower(): Requirement(r) for r in _lines(ROOT / "requirements.txt") if not r.startswith("-")
    }
    for name, req in pinned.items():
        source = declared.get(name) or lab.get(name)
        assert source is not None, f"requirements.txt installs {name}, which pyproject.toml does not declare"
        assert req.specifier == source.specifier, f"{name}: {req.specifier} in requirements.txt, {source.specifier}"
    # Every top-level package the lessons' notebooks and softmax_lib import is declared (or standard).
    imported = set()
    for path in [*(ROOT / "softmax_lib").rglob("*.py"), *(ROOT / "notebooks").glob("*.ipynb")]:
        text = path.read_text(encoding="utf-8")
        # "from pkg[.sub] import ..." or "import pkg": a sentence like "from a test cell." is not an import.
        for found in re.findall(r'(?m)^[\s"]*(?:from ([A-Za-z_]\w*)(?:\.\w+)* import |import ([A-Za-z_]\w*))', text):
            imported |= {name for name in found if name}
    provided = {
        "numpy",
        "matplotlib",
        "seaborn",
        "ipywidgets",
        "sklearn",
        "scipy",
        "PIL",
        "softmax_lib",
        "IPython",  # ipywidgets depends on it
        "matplotlib_inline",  # the notebook host's (ipykernel's); used only inside a kernel
        "threadpoolctl",  # scikit-learn depends on it; imported with a fallback
        "google",
    }  # google.colab: the Colab cell imports it on Colab only
    third_party = {m for m in imported - set(sys.stdlib_module_names) if m != "the"}
    assert third_party <= provided, f"imported but not declared in pyproject.toml: {third_party - provided}"


def test_binder_pins_the_tested_python_and_installs_the_requirements():
    runtime = (ROOT / ".binder" / "runtime.txt").read_text().strip()
    assert runtime == "python-3.11", runtime
    # repo2docker reads only .binder/ once it exists; a -r line makes it copy the whole
    # repository before installing, so `-e .` (in requirements.txt) finds the project.
    assert _lines(ROOT / ".binder" / "requirements.txt") == ["-r ../requirements.txt"]
    start = ROOT / ".binder" / "start"
    assert os.access(start, os.X_OK) and 'exec "$@"' in start.read_text()


def test_readme_first_lines_are_the_badges_or_what_to_set():
    readme = (ROOT / "README.md").read_text()
    first = readme.split("\n\n", 2)[1]  # after the title
    assert first.startswith(navigation.BADGE_MARKS[0]) and first.rstrip().endswith(navigation.BADGE_MARKS[1])
    assert first.split("\n", 1)[1].rsplit("\n", 1)[0] == navigation.badges()
    # A real repository's Binder badge opens the contents page.
    repo = navigation.PublicRepo("example-org", "softmax-course")
    assert f"({repo.binder()})" in navigation.badges(repo) and f"urlpath={INDEX_URLPATH}" in repo.binder()
    for words in ("py -m venv .venv", r".venv\Scripts\python -m pip install -r requirements.txt", "make reset"):
        assert words in readme, words


def test_gitignore_covers_local_venvs_and_nbconvert_copies():
    ignored = _lines(ROOT / ".gitignore")
    for entry in ("venv/", ".venv/", "*.nbconvert.ipynb", "html/", "my-work/"):
        assert entry in ignored, entry


def test_teachers_guide_links_every_lesson_page():
    guide = (ROOT / "docs" / "teaching.md").read_text()
    linked = re.findall(r"\]\((teaching/[^)]+\.md)\)", guide)
    for lesson in LESSONS:
        page = f"teaching/{lesson.stem}.md"
        assert page in linked, f"docs/teaching.md does not link {page}"
    missing = [p for p in linked if not (ROOT / "docs" / p).exists()]
    assert not missing, f"docs/teaching.md links pages that do not exist: {missing}"
    for words in ("JupyterHub", "Binder", "make html", "Predict", "exit-ticket", "keyboard"):
        assert words in guide, words


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_course_jupyterlab_opens_the_index_without_news(tmp_path):
    # JupyterLab started as `make lab` starts it: the URL it prints opens 00-index, and
    # the page it serves has news and the announcements plugin turned off.
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter-config"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
    }
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        "--allow-root",
    ]
    log = tmp_path / "lab.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT)
    try:
        url = None
        for _ in range(120):
            m = re.search(rf"(http://127\.0\.0\.1:{port}/\S*\?token=\w+)", log.read_text())
            if m:
                url = m.group(1)
                break
            assert proc.poll() is None, log.read_text()[-2000:]
            time.sleep(0.5)
        assert url, log.read_text()[-2000:]
        assert f"/{INDEX_URLPATH}?token=" in url, url
        page = urllib.request.urlopen(url, timeout=30).read().decode()
        config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.S).group(1))
        assert config["news"] == {"disabled": True}
        assert "@jupyterlab/apputils-extension:announcements" in config["disabledExtensions"]
        assert config["treePath"] == "notebooks/00-index.ipynb"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
