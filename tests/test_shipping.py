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

from lessons import present

ROOT = Path(__file__).resolve().parent.parent
LESSONS = [lesson for lesson in present() if not lesson.is_index]
INDEX_URLPATH = "lab/tree/notebooks/00-index.ipynb"


def _lines(path: Path) -> list[str]:
    return [ln.split("#", 1)[0].strip() for ln in path.read_text().splitlines() if ln.split("#", 1)[0].strip()]


def test_requirements_install_the_library_and_no_test_tools():
    req = _lines(ROOT / "requirements.txt")
    assert "-e ." in req, "pip install -r requirements.txt must install softmax_lib itself"
    names = {re.split(r"[<>=!~ \[]", r, 1)[0].lower() for r in req if not r.startswith("-")}
    assert not names & {"pytest", "nbval", "hypothesis", "playwright", "mpmath", "scipy"}, names
    dev = _lines(ROOT / "requirements-dev.txt")
    assert dev[0] == "-r requirements.txt" and "-e ." not in dev


def test_binder_pins_the_tested_python_and_installs_the_requirements():
    runtime = (ROOT / ".binder" / "runtime.txt").read_text().strip()
    assert runtime == "python-3.11", runtime
    # repo2docker reads only .binder/ once it exists; a -r line makes it copy the whole
    # repository before installing, so `-e .` (in requirements.txt) finds the project.
    assert _lines(ROOT / ".binder" / "requirements.txt") == ["-r ../requirements.txt"]
    start = ROOT / ".binder" / "start"
    assert os.access(start, os.X_OK) and 'exec "$@"' in start.read_text()


def test_readme_badge_opens_the_contents_page():
    readme = (ROOT / "README.md").read_text()
    badge = re.search(r"\(https://mybinder\.org/v2/gh/[^)\s]+\)", readme)
    assert badge and f"urlpath={INDEX_URLPATH}" in badge.group(0)
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
    env = {**os.environ, "JUPYTER_CONFIG_PATH": str(ROOT / "jupyter-config"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt")}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
           "--ServerApp.port_retries=0", "--allow-root"]
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
