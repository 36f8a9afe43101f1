"""An old Python gets one line, "Python 3.11 or newer is needed (found 3.10)", before pip runs:
from tools/check_python.py alone, from `make`, and on the README's pip route.

A real Python 3.10 is used where there is one (pyenv's 3.10.13 on the development machine).
Elsewhere (CI has only the course's Python) a stand-in plays it: a script that runs
check_python.py with ``sys.version_info`` set to 3.10.13 and fails loudly if asked to do
anything else (create a venv, run pip), so the tests still show that nothing runs after the check.
"""

from __future__ import annotations

import ast
import glob
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import check_python

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "check_python.py"
REAL_310 = (sorted(glob.glob("/root/.pyenv/versions/3.10*/bin/python")) or [shutil.which("python3.10")])[0]
needs_make = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")

_STAND_IN = """#!/bin/sh
# A stand-in for Python 3.10: runs tools/check_python.py as 3.10.13 would, and nothing else.
case "$1" in
  *check_python.py) exec "{python}" -c 'import runpy, sys; sys.version_info = (3, 10, 13, "final", 0); \
sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__")' "$@" ;;
esac
echo "the stand-in Python 3.10 was asked to run: $*" >&2
exit 99
"""


@pytest.fixture(params=["real", "stand-in"])
def old_python(request, tmp_path) -> str:
    """A Python 3.10: the real one (where this machine has it), and the stand-in (everywhere)."""
    if request.param == "real":
        if not REAL_310:
            pytest.skip("no real Python 3.10 here; the stand-in variant of this test runs instead")
        return REAL_310
    path = tmp_path / "stand-in" / "python3.10"
    path.parent.mkdir()
    path.write_text(_STAND_IN.format(python=sys.executable))
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize(
    "version, line",
    [
        ((3, 10, 13, "final", 0), "Python 3.11 or newer is needed (found 3.10)"),
        ((3, 9, 0), "Python 3.11 or newer is needed (found 3.9)"),
        ((2, 7, 18), "Python 3.11 or newer is needed (found 2.7)"),
        ((3, 11, 0), None),
        ((3, 13, 1), None),
        ((4, 0, 0), None),
    ],
)
def test_the_line_for_each_version(version, line):
    assert check_python.problem(version) == line


def test_the_minimum_is_pyprojects_requires_python():
    spec = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert spec == ">={}.{}".format(*check_python.MINIMUM)


def test_the_script_parses_on_old_pythons():
    # It must reach its own message on the Python it rejects, not a SyntaxError.
    ast.parse(SCRIPT.read_text(), feature_version=(3, 4))


def test_this_python_passes_silently():
    r = subprocess.run([sys.executable, str(SCRIPT)], capture_output=True, text=True)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


def test_python_310_gets_one_line(old_python):
    r = subprocess.run([old_python, str(SCRIPT)], capture_output=True, text=True)
    assert r.returncode == 1
    assert r.stdout + r.stderr == "Python 3.11 or newer is needed (found 3.10)\n"


def _course_copy(tmp_path: Path) -> Path:
    course = tmp_path / "course"
    (course / "tools").mkdir(parents=True)
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt", "pyproject.toml", "tools/check_python.py"):
        shutil.copy2(ROOT / name, course / name)
    return course


@needs_make
def test_make_stops_with_the_line_before_pip(tmp_path, old_python):
    course = _course_copy(tmp_path)
    r = subprocess.run(["make", "lab", f"PYTHON={old_python}"], cwd=course, capture_output=True, text=True)
    out = r.stdout + r.stderr
    assert r.returncode != 0
    assert "Python 3.11 or newer is needed (found 3.10)" in out.splitlines(), out
    assert "pip" not in out and not (course / ".venv").exists(), out


@needs_make
def test_make_checks_an_existing_old_venv_too(tmp_path, old_python):
    # A .venv made earlier with 3.10: the check runs again before pip fills it.
    course = _course_copy(tmp_path)
    if old_python == REAL_310:
        subprocess.run([old_python, "-m", "venv", "--without-pip", str(course / ".venv")], check=True)
    else:
        (course / ".venv" / "bin").mkdir(parents=True)
        shutil.copy2(old_python, course / ".venv" / "bin" / "python")
    r = subprocess.run(["make", "test"], cwd=course, capture_output=True, text=True)
    out = r.stdout + r.stderr
    assert r.returncode != 0
    assert "Python 3.11 or newer is needed (found 3.10)" in out.splitlines(), out
    assert "pip install" not in out and "No module named pip" not in out, out


def test_the_readme_route_checks_first():
    readme = (ROOT / "README.md").read_text()
    bash = re.search(r"\*\*Any environment \(pip\)\.\*\*.*?```bash\n(.*?)```", readme, re.S).group(1)
    assert bash.splitlines()[0] == "python3 tools/check_python.py && python3 -m venv .venv"
    windows = re.search(r"\*\*Windows, without make\*\*.*?```bat\n(.*?)```", readme, re.S).group(1)
    assert windows.splitlines()[0] == r"py tools\check_python.py"
    assert "Python 3.11 or newer is needed (found 3.10)" in readme


def test_the_readme_route_on_python_310(tmp_path, old_python):
    # The route's first line, run as the README writes it, with python3 being 3.10:
    # the line, and no venv.
    course = _course_copy(tmp_path)
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3").symlink_to(old_python)
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    r = subprocess.run(
        ["bash", "-c", "python3 tools/check_python.py && python3 -m venv .venv"],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 1 and r.stderr == "Python 3.11 or newer is needed (found 3.10)\n"
    assert not (course / ".venv").exists()
