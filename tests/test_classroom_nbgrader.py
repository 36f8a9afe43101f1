"""The class edition through the real nbgrader, end to end, for lesson 01 and three scripted learners.

In a temporary course folder and a temporary exchange folder (nothing is
served: nbgrader's kernels listen on 127.0.0.1 only), the commands a teacher
and a class run, unchanged:

    python -m softmax_lib.classroom nbgrader course --lesson 01
    nbgrader generate_assignment 01-intuition
    nbgrader release_assignment 01-intuition
    (each learner) nbgrader fetch_assignment / edit / nbgrader submit
    nbgrader collect 01-intuition
    nbgrader autograde 01-intuition
    nbgrader generate_feedback 01-intuition
    nbgrader export

The learners: all right, typical mistakes (one Predict left blank above the
check-yourself questions, so autograde must run past it), and blank.  Their
scores are asserted from ``grades.csv``, and the class report reads nbgrader's
``autograded/`` and ``submitted/`` folders.

nbgrader comes from the teachers' venv, ``.venv-teacher`` (``python3 -m venv
.venv-teacher && .venv-teacher/bin/python -m pip install -r
requirements-teacher.txt``; ``SOFTMAX_TEACHER_VENV`` points elsewhere).  Without
it the test is skipped, unless ``SOFTMAX_REQUIRE_TEACHER=1`` (set by ``.ci/run``),
which makes that a failure.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from lessons import ROOT
from softmax_lib.classroom.answer_key import load_keys
from softmax_lib.classroom.course import class_edition, strip_solutions
from softmax_lib.classroom.report import build_report, write_report
from softmax_lib.classroom.scripted import fill, profile

TEACHER_VENV = Path(os.environ.get("SOFTMAX_TEACHER_VENV", ROOT / ".venv-teacher"))
NBGRADER = TEACHER_VENV / "bin" / "nbgrader"
REQUIRE = os.environ.get("SOFTMAX_REQUIRE_TEACHER") == "1"
_NO_NBGRADER = (
    f"no nbgrader at {NBGRADER}: python3 -m venv .venv-teacher && .venv-teacher/bin/python -m pip "
    "install -r requirements-teacher.txt; set SOFTMAX_REQUIRE_TEACHER=1 to make this a failure"
)
STEM = "01-intuition"
LEARNERS = ("right", "typical", "blank")
COMMAND_TIMEOUT_S = float(os.environ.get("SOFTMAX_NBGRADER_TIMEOUT", "900"))

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]
if not NBGRADER.exists() and not REQUIRE:
    pytestmark.append(pytest.mark.skip(reason=_NO_NBGRADER))


def _sha(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    if not NBGRADER.exists():
        pytest.fail(_NO_NBGRADER)
    tmp = tmp_path_factory.mktemp("nbgrader")
    home, exchange, course = tmp / "home", tmp / "exchange", tmp / "course"
    home.mkdir()
    exchange.mkdir()
    exchange.chmod(0o777)  # nbgrader wants an exchange every learner can write to
    env = {
        **os.environ,
        "HOME": str(home),  # no ~/.jupyter or ~/.local of the person running the tests
        "PATH": f"{TEACHER_VENV / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",  # nbgrader runs `alembic`
        "PYTHONPATH": str(ROOT),  # the kernels import this checkout's softmax_lib
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter"),
        "PYTHONWARNINGS": "ignore",
    }
    env.pop("VIRTUAL_ENV", None)
    log: list[str] = []

    def run(*args: str, cwd: Path) -> str:
        cmd = [str(a) for a in args]
        out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S)
        text = out.stdout + out.stderr
        log.append(f"$ {' '.join(cmd)}  (in {cwd.name})\n{text}")
        if out.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed ({out.returncode}):\n{text[-4000:]}")
        return text

    ex = f"--Exchange.root={exchange}"
    run(TEACHER_VENV / "bin" / "python", "-m", "softmax_lib.classroom", "nbgrader", course, "--lesson", "01", cwd=tmp)
    run(NBGRADER, "generate_assignment", STEM, cwd=course)
    run(NBGRADER, "release_assignment", STEM, ex, cwd=course)
    key = load_keys(ROOT / "workbook")[STEM]

    def learner(name: str) -> None:  # each at their own desk: fetch, do the lesson, submit
        desk = tmp / name
        desk.mkdir()
        cache = f"--Exchange.cache={desk / '.cache'}"
        run(NBGRADER, "fetch_assignment", STEM, "--course", "softmax", ex, cache, cwd=desk)
        path = desk / STEM / f"{STEM}.ipynb"
        nb = json.loads(path.read_text())
        path.write_text(json.dumps(fill(nb, key, **profile(key, name)), indent=1))
        run(NBGRADER, "submit", STEM, "--course", "softmax", f"--student={name}", ex, cache, cwd=desk)

    with ThreadPoolExecutor(len(LEARNERS)) as pool:  # the class works at the same time
        list(pool.map(learner, LEARNERS))
    run(NBGRADER, "collect", STEM, ex, cwd=course)
    run(NBGRADER, "autograde", STEM, cwd=course)
    run(NBGRADER, "generate_feedback", STEM, cwd=course)
    run(NBGRADER, "export", cwd=course)
    artifacts = ROOT / "test-artifacts" / "classroom"
    artifacts.mkdir(parents=True, exist_ok=True)
    (artifacts / "nbgrader-round-trip.log").write_text("\n".join(log))
    return course, key


def test_scores_of_the_three_learners(course):
    folder, key = course
    with (folder / "grades.csv").open(newline="") as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert set(rows) == set(LEARNERS)
    scores = {name: (float(r["score"]), float(r["max_score"])) for name, r in rows.items()}
    # Write-it 3 points, Q1 and Q2 1 point each; Predicts are not graded
    assert scores == {"right": (5.0, 5.0), "typical": (1.0, 5.0), "blank": (0.0, 5.0)}


def test_generate_assignment_releases_the_workbook_with_no_answer(course):
    folder, key = course
    released = json.loads((folder / "release" / STEM / f"{STEM}.ipynb").read_text())
    ours = strip_solutions(class_edition(key))  # what the fast tests check, without nbgrader

    def sources(nb):
        return [c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in nb["cells"]]

    assert sources(released) == sources(ours)
    text = json.dumps(released)
    assert "BEGIN SOLUTION" not in text and "weights / weights.sum()" not in text and "**Q1:**" not in text


def test_feedback_carries_the_checkers_words(course):
    folder, _ = course
    pages = {name: (folder / "feedback" / name / STEM / f"{STEM}.html").read_text() for name in LEARNERS}
    assert "(Score: 5.0 / 5.0)" in pages["right"] and "(Score: 0.0 / 5.0)" in pages["blank"]
    typical = pages["typical"]
    assert "(Score: 1.0 / 5.0)" in typical
    assert "dividing the logits by their sum" in typical  # check_q1's hint for 1.33
    assert "which are the probabilities themselves" in typical  # the Write-it checker's first failure
    assert "Predict first" in typical  # the blank Predict stopped nothing: Q1 and Q2 below it were graded


def test_the_class_report_reads_autograded_and_submitted(course, tmp_path):
    folder, _ = course
    before = _sha(folder / "autograded")
    rep = build_report(folder)  # a course folder: its autograded/
    assert rep.root == folder / "autograded"
    assert [s.learner for s in rep.counted] == ["blank", "right", "typical"] and not rep.problems
    assert [s.learner for s in rep.not_started] == ["blank"]
    by_name = {t.name: {b.label: b.count for b in t.bars} for t in rep.tallies}
    assert by_name["logits_from_probs"] == {
        "passed every case": 1,
        "fails the animals' probabilities [0.659, 0.242, 0.099], which are the probabilities themselves: "
        "softmax(p) is not p, undo step 1 first": 1,
        "starting code, unchanged": 1,
        "not run (no checker output saved)": 0,
    }
    assert by_name["check_q1"] == {"right: 0.79": 1, "1.33": 1, "no answer": 1}
    assert by_name["check_q2"] == {"right: a + c": 2, "no answer": 1}
    assert by_name["predict_slope"]["no prediction"] == 2 and by_name["predict_slope"]["(c) exactly 0"] == 1
    out = tmp_path / "report.html"
    write_report(folder / "autograded", out)
    assert out.read_text().count('<img src="data:image/svg+xml;base64,') == 6
    assert _sha(folder / "autograded") == before
    # the learners' own saved copies: they did not run their notebooks, so no Write-it verdict is stored
    sub = build_report(folder / "submitted")
    write_it = next(t for t in sub.tallies if t.name == "logits_from_probs")
    assert {b.label: b.count for b in write_it.bars}["not run (no checker output saved)"] == 3
    q1 = next(t for t in sub.tallies if t.name == "check_q1")
    assert {b.label: b.count for b in q1.bars} == {"right: 0.79": 1, "1.33": 1, "no answer": 1}
