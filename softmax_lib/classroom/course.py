"""The class edition: an nbgrader course made from the workbook.

``python -m softmax_lib.classroom nbgrader COURSE_DIR`` writes
``COURSE_DIR/nbgrader_config.py`` and ``COURSE_DIR/source/NN-slug/NN-slug.ipynb``
for every lesson that has exercises.  A source notebook is the workbook lesson
with nbgrader's cell metadata and the reference answers, so that nbgrader's own
commands (``generate_assignment``, ``release_assignment``, ``collect``,
``autograde``, ``generate_feedback``, ``export``) work on it unchanged:

* **Write it.** The learner's cell becomes an *autograded answer* cell: the
  reference solution sits between ``### BEGIN SOLUTION`` and ``### END
  SOLUTION`` at the top of the function body, and the workbook's starting
  code follows it (dead code in the teacher's copy, since the solution
  returns first).  ``generate_assignment`` removes the region and leaves the
  learner exactly the workbook's starting code.  The cell still calls the
  checker, so the learner sees the table of ordinary and hostile cases while
  working.  Below it, an *autograder test* cell with points calls the same
  checker again through :func:`softmax_lib.classroom.grade`, which raises an
  ``AssertionError`` carrying the checker's feedback unless every case
  passes.  The hostile cases are not hidden tests: the checker ships with the
  course and shows them all in the learner's own cell, so hiding the assert
  would hide nothing, and it would let nbgrader's *Validate* button pass a
  function that autograding then fails.
* **Check yourself.** ``answer_qN = None`` keeps its line; the reference
  answer follows it in a solution region, and a test cell with points calls
  ``lesson.check_qN``.
* **Predict.** The answer cell is an ungraded answer cell: nbgrader records
  the prediction (the formgrader shows it and takes a comment) but no cell
  grades it, because a prediction is a commitment, not a score.  The
  teacher's copy holds the right prediction in a solution region.  The
  workbook's stop stays: for a learner, Run All stops at a blank Predict as
  in the workbook.  nbgrader's executor always runs on past a cell's error
  (``Execute.allow_errors`` is fixed to True in nbgrader 0.9), so a blank
  Predict stops nothing when nbgrader autogrades or validates: the cell
  records the one-line stop and every graded cell below it still runs.
* **No answer is left in the released notebook**: the ``<details>`` blocks that
  hold a Write-it's solution or the check-yourself answers are removed (the
  collapsed answers to the ungraded slider questions stay), and so are the
  navigation links, which point at files outside the assignment.
"""

from __future__ import annotations

import ast
import copy
import json
import re
import textwrap
from collections.abc import Iterable
from pathlib import Path

from ..editions import GATE_LINE
from .answer_key import LESSON_IMPORT, AnswerKey, literal, load_keys

__all__ = ["class_edition", "write_course", "strip_solutions", "NBGRADER_CONFIG", "WRITE_IT_POINTS", "QUESTION_POINTS"]

WRITE_IT_POINTS = 3
QUESTION_POINTS = 1
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BANNER_ID = "class-banner"
BANNER = (
    "<!--CLASS EDITION-->\n"
    "✏ **Class edition.** Work through the lesson in order and save it: your teacher collects it with "
    "nbgrader. At each **Predict**, replace `None` with your prediction before you run on (Run All stops "
    "there until you do). Predictions are recorded for the class discussion and never graded for being "
    "right: a prediction is a commitment. Each **Write it** and each **check yourself** answer is followed "
    "by a test cell that grades it with the same checker you see above it. Before you submit, choose "
    "**Kernel → Restart Kernel and Run All Cells…** and save."
)
GRADE_IMPORT = "from softmax_lib.classroom import grade"

NBGRADER_CONFIG = """\
# nbgrader's settings for the softmax course, written by
# `python -m softmax_lib.classroom nbgrader` (which never overwrites this file: edit it).
# The workflow is in the course's docs/teaching.md, "Grading a class with nbgrader".
c = get_config()  # noqa: F821 (nbgrader defines get_config when it reads this file)

c.CourseDirectory.course_id = {course_id!r}

# The folder where release_assignment, fetch_assignment, submit and collect exchange files.
# nbgrader's default is /srv/nbgrader/exchange; it must exist and be writable by every
# learner (sudo mkdir -p /srv/nbgrader/exchange && sudo chmod 777 /srv/nbgrader/exchange).
# c.Exchange.root = "/srv/nbgrader/exchange"

# A solution region of the class edition holds only the reference answer: the learner's copy
# keeps the workbook's starting code around it.  Replace it with nothing, not with nbgrader's
# default `raise NotImplementedError()`, which would stop Run All at every exercise.
c.ClearSolutions.code_stub = {{"python": ""}}

# Autograding runs every cell of a lesson; lesson 08 trains a small network.  Seconds per cell:
c.Execute.timeout = 300
"""


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _meta(
    grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False, points: float | None = None
) -> dict:
    """nbgrader's cell metadata (schema 3)."""
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if grade:
        meta["points"] = points
    return meta


def _code_cell(cell_id: str, source: str, nbgrader: dict) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": {"nbgrader": nbgrader},
        "outputs": [],
        "source": source,
    }


def _write_it_source(source: str, function: str, solution: str) -> str:
    """The Write-it cell with the solution region at the top of ``function``'s body,
    before the workbook's starting code (which the solution's ``return`` makes dead)."""
    tree = ast.parse(source)
    fn = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function][-1]
    body = fn.body
    has_doc = (
        isinstance(body[0], ast.Expr)
        and isinstance(getattr(body[0], "value", None), ast.Constant)
        and isinstance(body[0].value.value, str)
    )
    first = body[1] if has_doc and len(body) > 1 else body[0]
    indent = " " * first.col_offset

    sol_tree = ast.parse(solution)
    sol_fns = [n for n in sol_tree.body if isinstance(n, ast.FunctionDef) and n.name == function]
    others = [n for n in sol_tree.body if n not in sol_fns]
    if len(sol_fns) != 1 or others:
        raise ValueError(f"the solution of {function} must be exactly one `def {function}(...)`, nothing else")
    sol = sol_fns[0]
    if [a.arg for a in sol.args.args] != [a.arg for a in fn.args.args]:
        raise ValueError(f"the solution's def {function} has other parameters than the workbook's")
    if not isinstance(sol.body[-1], ast.Return):
        raise ValueError(f"the solution of {function} must end with a return (the starting code after it must not run)")
    sol_lines = solution.split("\n")
    sol_doc = isinstance(sol.body[0], ast.Expr) and isinstance(getattr(sol.body[0], "value", None), ast.Constant)
    start = sol.body[0].end_lineno if sol_doc else sol.lineno  # the line after the def (and its docstring)
    sol_body = textwrap.dedent("\n".join(sol_lines[start : sol.end_lineno]))
    region = (
        [indent + BEGIN] + [indent + line if line.strip() else "" for line in sol_body.split("\n")] + [indent + END]
    )
    lines = source.split("\n")
    at = first.lineno - 1
    return "\n".join(lines[:at] + region + lines[at:])


def _strip_answers(markdown: str, functions: Iterable[str]) -> str:
    """``markdown`` without the <details> blocks that hold a Write-it's solution or
    the check-yourself answers (**QN:**)."""
    defs = [re.compile(rf"^def {re.escape(f)}\(", re.M) for f in functions]

    def keep(m: re.Match) -> str:
        block = m.group(0)
        if re.search(r"\*\*Q\d+:\*\*", block) or any(d.search(block) for d in defs):
            return ""
        return block

    out = re.sub(r"<details>.*?</details>", keep, markdown, flags=re.S)
    return re.sub(r"\n{3,}", "\n\n", out).strip("\n")


def class_edition(
    key: AnswerKey, *, write_it_points: float = WRITE_IT_POINTS, question_points: float = QUESTION_POINTS
) -> dict:
    """The nbgrader source notebook (a dict, nbformat 4) of one lesson."""
    nb = copy.deepcopy(key.nb)
    cells = nb["cells"]
    ex = key.exercises
    predicts = {p.answer_cell: pk for p, pk in zip(ex.predicts, key.predicts)}
    answers = {a.cell: qk for a, qk in zip(ex.answers, key.questions)}
    write_its = {w.cell: wk for w, wk in zip(ex.write_its, key.write_its)}
    functions = [w.function for w in key.write_its]
    setup = next(
        (i for i, c in enumerate(cells) if c.get("cell_type") == "code" and LESSON_IMPORT.search(_source(c))), None
    )
    out: list[dict] = []
    for i, cell in enumerate(cells):
        src = _source(cell)
        cid = cell.get("id") or f"cell-{i}"
        if cell.get("cell_type") == "markdown":
            if src.startswith("<!--NAVIGATION-->"):
                continue
            if src.startswith("<!--WORKBOOK-->"):
                out.append({"cell_type": "markdown", "id": BANNER_ID, "metadata": {}, "source": BANNER})
                continue
            stripped = _strip_answers(src, functions)
            if not stripped.strip():
                continue
            out.append({**cell, "source": stripped})
            continue
        if cell.get("cell_type") != "code":
            out.append(cell)
            continue
        if i in predicts:
            p = predicts[i]
            right = literal(key.right_prediction(p))
            source = "\n".join([p.answer_line, BEGIN, f"my_prediction = {right}", END, GATE_LINE])
            out.append(_code_cell(cid, source, _meta(p.checker, solution=True)))
        elif i in answers:
            q = answers[i]
            right = literal(key.right_answer(q))
            source = "\n".join([q.answer_line, BEGIN, f"{q.name} = {right}", END, f"lesson.{q.checker}({q.name})"])
            out.append(_code_cell(cid, source, _meta(q.name, solution=True)))
            test = "\n".join(
                [
                    f"# Test: lesson.{q.checker} says {q.name} is right. nbgrader runs this cell to grade it.",
                    GRADE_IMPORT,
                    f"grade(lesson.{q.checker}({q.name}))",
                ]
            )
            out.append(
                _code_cell(
                    f"{cid}-test", test, _meta(f"test_{q.name}", grade=True, locked=True, points=question_points)
                )
            )
        elif i in write_its:
            w = write_its[i]
            out.append(_code_cell(cid, _write_it_source(src, w.function, w.solution), _meta(w.function, solution=True)))
            test = "\n".join(
                [
                    f"# Test: every case of lesson.{w.checker} passes, the ordinary and the hostile inputs in the",
                    "# checker's table above. nbgrader runs this cell to grade your function.",
                    GRADE_IMPORT,
                    f"grade({w.call})",
                ]
            )
            out.append(
                _code_cell(
                    f"{cid}-test", test, _meta(f"test_{w.function}", grade=True, locked=True, points=write_it_points)
                )
            )
        elif i == setup:
            out.append({**cell, "metadata": {**cell.get("metadata", {}), "nbgrader": _meta("setup", locked=True)}})
        else:
            out.append(cell)
    nb["cells"] = out
    nb.setdefault("metadata", {})["softmax_classroom"] = {
        "edition": "class",
        "lesson": key.stem,
        "made_from": f"workbook/{key.path.name}",
    }
    return nb


def strip_solutions(nb: dict) -> dict:
    """A copy of a class-edition source notebook with each solution region replaced by
    nothing, as ``nbgrader generate_assignment`` does with this course's config (it also
    adds checksums).  For the tests and the benchmark, which have no nbgrader; the
    round-trip test checks it against the real command."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code" or BEGIN not in _source(cell):
            continue
        out, inside = [], False
        for line in _source(cell).split("\n"):
            if BEGIN in line:
                inside = True
                out.append(line[: len(line) - len(line.lstrip())])  # the empty stub, indented
            elif END in line:
                inside = False
            elif not inside:
                out.append(line)
        cell["source"] = "\n".join(out)
    return nb


def _dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def write_course(
    course_dir: str | Path,
    *,
    workbook: str | Path | None = None,
    lessons: Iterable[str] = (),
    force: bool = False,
    course_id: str = "softmax",
    write_it_points: float = WRITE_IT_POINTS,
    question_points: float = QUESTION_POINTS,
) -> list[str]:
    """Write the nbgrader course; return what was done, one line per file.

    ``lessons`` picks lessons by number or stem (``"01"``, ``"04-stability"``);
    empty means every lesson with exercises.  A source notebook that exists and
    differs from the one this would write is left alone unless ``force``
    (someone may have edited it); ``nbgrader_config.py`` is written only if it
    does not exist.
    """
    course = Path(course_dir)
    if course.exists() and not course.is_dir():
        raise NotADirectoryError(f"{course} is a file; pass the folder to hold the nbgrader course")
    keys = load_keys(workbook)
    wanted = list(lessons)
    if wanted:
        picked = {}
        for w in wanted:
            number = w.zfill(2) if w.isdigit() else None
            match = [k for stem, k in keys.items() if stem == w or stem[:2] == number]
            if not match:
                raise ValueError(f"no lesson {w!r} with exercises; choose from {', '.join(keys)}")
            picked.update({k.stem: k for k in match})
        keys = picked
    books = {
        stem: _dumps(class_edition(key, write_it_points=write_it_points, question_points=question_points))
        for stem, key in keys.items()
    }
    targets = {stem: course / "source" / stem / f"{stem}.ipynb" for stem in books}
    changed = [t for stem, t in targets.items() if t.exists() and t.read_text(encoding="utf-8") != books[stem]]
    if changed and not force:
        raise FileExistsError(
            "these source notebooks exist and differ from the class edition this would write (edited by hand, "
            "or made from an older workbook): "
            + ", ".join(str(t) for t in changed)
            + ". Pass --force to overwrite them, or choose another COURSE_DIR."
        )
    done = []
    config = course / "nbgrader_config.py"
    if config.exists():
        done.append(f"kept     {config} (yours: it is never overwritten)")
    else:
        course.mkdir(parents=True, exist_ok=True)
        config.write_text(NBGRADER_CONFIG.format(course_id=course_id), encoding="utf-8")
        done.append(f"wrote    {config}")
    for stem, target in targets.items():
        if target.exists() and target.read_text(encoding="utf-8") == books[stem]:
            done.append(f"same     {target}")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(books[stem], encoding="utf-8")
        done.append(f"wrote    {target}")
    return done
