"""`make reset` (tools/reset.py) never loses work: edge cases in temporary git repositories.

Each test builds a small "course" (a notebooks/ folder, committed; workbook/ in one test), changes it the
way a learner does, runs the reset, and checks that every version the learner had
is in my-work/, that notebooks/ is as committed, and that ``git pull`` then works.
"""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import reset

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime.datetime(2025, 3, 14, 15, 9, 26)

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(cwd),
    }
    r = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    assert r.returncode == 0, f"git {' '.join(args)}: {r.stderr}"
    return r.stdout


@pytest.fixture
def course(tmp_path) -> Path:
    """A committed course: notebooks/01.ipynb, notebooks/02.ipynb, notebooks/sub/03.ipynb, .gitignore."""
    root = tmp_path / "course"
    (root / "notebooks" / "sub").mkdir(parents=True)
    (root / "notebooks" / "01.ipynb").write_text("stored 01")
    (root / "notebooks" / "02.ipynb").write_text("stored 02")
    (root / "notebooks" / "sub" / "03.ipynb").write_text("stored 03")
    (root / ".gitignore").write_text("my-work/\n.ipynb_checkpoints/\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "course")
    return root


def run(root: Path, now=NOW) -> tuple[Path | None, list[str]]:
    lines: list[str] = []
    dest = reset.reset(root, now=now, out=lines.append)
    return dest, lines


def stored(root: Path) -> bool:
    return git(root, "status", "--porcelain", "--", "notebooks") == ""


def test_nothing_changed_nothing_saved(course):
    dest, lines = run(course)
    assert dest is None and lines == ["notebooks/ is as stored: nothing to restore."]
    assert not (course / "my-work").exists()


def test_an_edited_notebook_is_saved_then_restored(course):
    (course / "notebooks" / "01.ipynb").write_text("my outputs 01")
    (course / "notebooks" / "sub" / "03.ipynb").write_text("my 03")
    dest, lines = run(course)
    assert dest == course / "my-work" / "20250314-150926"
    assert (dest / "notebooks" / "01.ipynb").read_text() == "my outputs 01"
    assert (dest / "notebooks" / "sub" / "03.ipynb").read_text() == "my 03"
    assert not (dest / "notebooks" / "02.ipynb").exists()
    assert stored(course) and (course / "notebooks" / "01.ipynb").read_text() == "stored 01"
    assert any("my-work/20250314-150926/" in line for line in lines)


def test_two_runs_in_the_same_second_get_two_folders(course):
    (course / "notebooks" / "01.ipynb").write_text("first run's work")
    first, _ = run(course)
    (course / "notebooks" / "01.ipynb").write_text("second run's work")
    second, _ = run(course)
    third_dir = reset.new_folder(course, NOW)
    assert [first.name, second.name, third_dir.name] == ["20250314-150926", "20250314-150926-2", "20250314-150926-3"]
    assert (first / "notebooks" / "01.ipynb").read_text() == "first run's work"
    assert (second / "notebooks" / "01.ipynb").read_text() == "second run's work"


def test_staged_edits_are_saved_and_unstaged(course):
    nb = course / "notebooks" / "01.ipynb"
    nb.write_text("staged 01")
    git(course, "add", "notebooks/01.ipynb")
    dest, lines = run(course)
    assert dest is not None, lines
    assert (dest / "notebooks" / "01.ipynb").read_text() == "staged 01"
    assert stored(course) and git(course, "diff", "--cached", "--name-only") == ""


def test_staged_then_edited_keeps_both_versions(course):
    nb = course / "notebooks" / "01.ipynb"
    nb.write_text("staged 01")
    git(course, "add", "notebooks/01.ipynb")
    nb.write_text("edited after staging")
    dest, _ = run(course)
    assert (dest / "notebooks" / "01.ipynb").read_text() == "edited after staging"
    assert (dest / "notebooks" / "01.staged.ipynb").read_text() == "staged 01"
    assert stored(course)


def test_staged_then_deleted_keeps_the_staged_version(course):
    nb = course / "notebooks" / "02.ipynb"
    nb.write_text("staged 02")
    git(course, "add", "notebooks/02.ipynb")
    nb.unlink()
    dest, _ = run(course)
    assert (dest / "notebooks" / "02.staged.ipynb").read_text() == "staged 02"
    assert stored(course) and nb.read_text() == "stored 02"


def test_a_deleted_notebook_is_restored_without_an_empty_folder(course):
    (course / "notebooks" / "02.ipynb").unlink()
    dest, lines = run(course)
    assert dest is None and stored(course)
    assert "Restored the stored lessons: notebooks/02.ipynb." in lines
    assert not (course / "my-work").exists()


def test_untracked_and_newly_added_notebooks_are_moved_out(course):
    (course / "notebooks" / "mine.ipynb").write_text("my own notebook")
    (course / "notebooks" / "added.ipynb").write_text("git add-ed, never committed")
    git(course, "add", "notebooks/added.ipynb")
    (course / "notebooks" / ".ipynb_checkpoints").mkdir()
    (course / "notebooks" / ".ipynb_checkpoints" / "01-checkpoint.ipynb").write_text("ignored")
    dest, lines = run(course)
    assert (dest / "notebooks" / "mine.ipynb").read_text() == "my own notebook"
    assert (dest / "notebooks" / "added.ipynb").read_text() == "git add-ed, never committed"
    assert not (course / "notebooks" / "mine.ipynb").exists() and not (course / "notebooks" / "added.ipynb").exists()
    assert (course / "notebooks" / ".ipynb_checkpoints" / "01-checkpoint.ipynb").exists()  # ignored: left alone
    assert stored(course) and git(course, "status", "--porcelain") == ""
    assert any(line.startswith("Moved out of notebooks/") and "mine.ipynb" in line for line in lines)


def test_the_workbook_is_handled_like_the_book(course):
    # The learner's answers go into workbook/; it is restored and saved the same way.
    (course / "workbook").mkdir()
    (course / "workbook" / "01.ipynb").write_text("stored workbook 01")
    git(course, "add", "workbook")
    git(course, "commit", "-q", "-m", "workbook")
    assert run(course) == (None, ["notebooks/ and workbook/ are as stored: nothing to restore."])
    (course / "workbook" / "01.ipynb").write_text("my answers")
    (course / "workbook" / "scratch.ipynb").write_text("my scratch")
    (course / "notebooks" / "02.ipynb").write_text("my run of 02")
    dest, lines = run(course)
    assert (dest / "workbook" / "01.ipynb").read_text() == "my answers"
    assert (dest / "workbook" / "scratch.ipynb").read_text() == "my scratch"
    assert (dest / "notebooks" / "02.ipynb").read_text() == "my run of 02"
    assert git(course, "status", "--porcelain") == "" and (course / "workbook" / "01.ipynb").read_text() == (
        "stored workbook 01"
    )
    assert "Restored the stored lessons: notebooks/02.ipynb, workbook/01.ipynb." in lines


def test_after_reset_git_pull_adds_the_update(course, tmp_path):
    # The update adds notebooks/04.ipynb and changes 01; the learner has run 01 and has
    # a 04 of their own.  Before the reset git pull refuses; after it, it works.
    upstream = tmp_path / "upstream.git"
    git(tmp_path, "clone", "-q", "--bare", str(course), str(upstream))
    learner = tmp_path / "learner"
    git(tmp_path, "clone", "-q", str(upstream), str(learner))
    (course / "notebooks" / "04.ipynb").write_text("lesson 04")
    (course / "notebooks" / "01.ipynb").write_text("stored 01, revised")
    git(course, "add", "-A")
    git(course, "commit", "-q", "-m", "update")
    git(course, "push", "-q", str(upstream), "HEAD:main")
    (learner / "notebooks" / "01.ipynb").write_text("learner's run of 01")
    (learner / "notebooks" / "04.ipynb").write_text("learner's own 04")
    with pytest.raises(AssertionError, match="would be overwritten"):
        git(learner, "pull", "-q", "--ff-only")
    dest, _ = run(learner)
    git(learner, "pull", "-q", "--ff-only")
    assert (learner / "notebooks" / "04.ipynb").read_text() == "lesson 04"
    assert (learner / "notebooks" / "01.ipynb").read_text() == "stored 01, revised"
    assert (dest / "notebooks" / "04.ipynb").read_text() == "learner's own 04"
    assert (dest / "notebooks" / "01.ipynb").read_text() == "learner's run of 01"


def _script(root: Path, python: str = sys.executable) -> subprocess.CompletedProcess:
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(root.parent)}
    return subprocess.run(
        [python, str(ROOT / "tools" / "reset.py"), "--root", str(root)], capture_output=True, text=True, env=env
    )


def test_outside_a_git_checkout_one_line_and_a_failure(tmp_path):
    copy = tmp_path / "download"
    (copy / "notebooks").mkdir(parents=True)
    (copy / "notebooks" / "01.ipynb").write_text("my work")
    r = _script(copy)
    assert r.returncode == 1
    assert r.stdout == "" and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert "not a git checkout" in r.stderr and "nothing was changed" in r.stderr
    assert (copy / "notebooks" / "01.ipynb").read_text() == "my work" and not (copy / "my-work").exists()


def test_a_checkout_that_does_not_track_notebooks_is_left_alone(tmp_path):
    # The course copied into another project's repository: its notebooks are untracked
    # there, and moving them all out would be a surprise.
    outer = tmp_path / "project"
    (outer / "course" / "notebooks").mkdir(parents=True)
    (outer / "README").write_text("x")
    git(outer, "init", "-q")
    git(outer, "add", "README")
    git(outer, "commit", "-q", "-m", "x")
    (outer / "course" / "notebooks" / "01.ipynb").write_text("lesson")
    with pytest.raises(reset.ResetError, match="does not track notebooks/"):
        run(outer / "course")
    assert (outer / "course" / "notebooks" / "01.ipynb").exists() and not (outer / "course" / "my-work").exists()


def test_the_script_reports_and_exits_zero(course):
    (course / "notebooks" / "01.ipynb").write_text("mine")
    r = _script(course)
    assert r.returncode == 0, r.stderr
    assert "Restored the stored lessons: notebooks/01.ipynb." in r.stdout and "git pull" in r.stdout
    assert stored(course)


def test_the_script_parses_as_python_38():
    # `make reset` uses the system's python3, which may be older than the course's 3.11.
    import ast

    ast.parse((ROOT / "tools" / "reset.py").read_text(), feature_version=(3, 8))


def test_the_script_runs_on_an_older_system_python(course):
    # `make reset` uses the system's python3, which may be older than the course's 3.11.
    old = Path("/root/.pyenv/versions/3.10.13/bin/python")
    python = str(old) if old.exists() else shutil.which("python3.10") or shutil.which("python3.9")
    if python is None:
        pytest.skip("no Python older than 3.11 on this machine to run tools/reset.py with")
    (course / "notebooks" / "02.ipynb").write_text("mine")
    r = _script(course, python)
    assert r.returncode == 0, r.stderr
    assert stored(course)


def test_the_makefile_calls_the_script():
    make = (ROOT / "Makefile").read_text()
    recipe = make.split("\nreset:", 1)[1].split("\n\n", 1)[0]
    assert "tools/reset.py" in recipe and "git checkout" not in recipe
