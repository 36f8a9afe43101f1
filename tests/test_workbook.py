"""The workbook (tools/workbook.py) and the exercise parser behind it (softmax_lib/editions.py).

Fast tests: the workbook is current (``--check``) and the check can fail; it
stores no outputs; every Predict has its stop; it differs from the book only
by the banner, the stops and their import (and navigation's cells, made for
workbook/); its links lead to workbook lessons; the stop is one line and an
error status in a real kernel; the parser finds every exercise of every
lesson, and names the cells that break its conventions; the docs say which
edition is for what.

Slow test (marker ``slow``; ``make test`` runs it, ``-m "not slow"`` skips
it): every workbook lesson is run in one kernel as a learner runs it. Run All
on the untouched lesson must stop at the first Predict with the one-line
message and before any cell of its reveal; with a prediction written, running
on from that cell must stop at the next Predict; with every prediction written
the lesson must run to its end without an error.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

import workbook
from lessons import present
from softmax_lib import editions
from softmax_lib.checks import NO_PREDICTION

LESSONS = present()
LESSON_IDS = [lesson.stem for lesson in LESSONS]
TEACHING = [lesson for lesson in LESSONS if not lesson.is_index]
ROOT = Path(__file__).resolve().parent.parent


def _nb(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _src(cell: dict) -> str:
    return "".join(cell["source"])


# ---------------------------------------------------------------- the generator
def test_workbook_is_current():
    assert workbook.check() == [], "the workbook is stale: run `make workbook` (python tools/workbook.py)"


def test_check_reports_stale_missing_and_extra(tmp_path):
    folder = tmp_path / "workbook"
    shutil.copytree(workbook.WORKBOOK, folder)
    assert workbook.check(folder) == []
    first, second = LESSONS[1].name, LESSONS[2].name
    nb = _nb(folder / first)
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code")
    cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["an output\n"]}]
    (folder / first).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (folder / second).unlink()
    (folder / "99-old-lesson.ipynb").write_text("{}", encoding="utf-8")
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "x.ipynb").write_text("{}", encoding="utf-8")  # Jupyter's: ignored
    report = workbook.check(folder)
    assert report[:2] == [f"stale: workbook/{first}", f"missing: workbook/{second}"]
    assert len(report) == 3 and report[2].startswith("extra: workbook/99-old-lesson.ipynb")
    workbook.write(folder)  # rewrites the stale and missing lessons; leaves the extra file to a person
    assert workbook.check(folder) == [report[2]]


def test_check_exits_non_zero_when_stale(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "workbook"
    shutil.copytree(workbook.WORKBOOK, folder)
    monkeypatch.setattr(workbook, "WORKBOOK", folder)
    monkeypatch.setattr("sys.argv", ["workbook.py", "--check"])
    assert workbook.main() == 0
    (folder / LESSONS[-1].name).write_text(
        (folder / LESSONS[-1].name).read_text(encoding="utf-8").replace("my_prediction = None", "my_prediction = 'a'"),
        encoding="utf-8",
    )
    assert workbook.main() == 1
    assert f"stale: workbook/{LESSONS[-1].name}" in capsys.readouterr().out


def test_one_workbook_per_lesson():
    assert sorted(p.name for p in workbook.WORKBOOK.glob("*.ipynb")) == sorted(lesson.name for lesson in LESSONS)
    assert all(lesson.workbook.exists() for lesson in LESSONS)


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_workbook_stores_no_outputs(lesson):
    nb = _nb(lesson.workbook)
    assert set(nb["metadata"]) == {"kernelspec", "language_info"}, "no widget state or other stored metadata"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, _src(cell)[:80]
            assert not any(t.startswith("nbval-") for t in cell["metadata"].get("tags", [])), "test markup"


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_every_predict_has_its_stop(lesson):
    book, wb = editions.exercises(lesson.notebook), editions.exercises(lesson.workbook)
    assert len(wb.predicts) == len(book.predicts)
    assert [p.checker for p in wb.predicts] == [p.checker for p in book.predicts]
    cells = _nb(lesson.workbook)["cells"]
    for p in wb.predicts:
        assert p.gated and p.value == "None", f"{p.checker}: the answer cell has no stop"
        assert _src(cells[p.answer_cell]).split("\n") == [_src(cells[p.answer_cell]).split("\n")[0], editions.GATE_LINE]
    setup = cells[workbook.setup_cell(nbformat.read(lesson.workbook, as_version=4))]
    assert (workbook.IMPORT_LINE in _src(setup).split("\n")) == bool(wb.predicts)
    assert editions.problems(lesson.workbook) == []


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_workbook_is_the_book_plus_banner_and_stops(lesson):
    """Edit the book, never the workbook: apart from the banner, the stops and
    their import, every cell is the book's, in the book's order."""
    book = nbformat.read(lesson.notebook, as_version=4)
    workbook._for_workbook_folder(book, lesson)  # navigation's generated cells, made for workbook/
    book, wb = book.cells, _nb(lesson.workbook)["cells"]
    assert wb[0]["id"] == workbook.BANNER_ID and _src(wb[0]).startswith(workbook.BANNER_MARK)
    assert f"](../notebooks/{lesson.name})" in _src(wb[0]), "the banner links to the same lesson in the book"
    rest = wb[1:]
    assert [c["id"] for c in rest] == [c["id"] for c in book]
    for b, w in zip(book, rest):
        undone = _src(w).replace("\n" + editions.GATE_LINE, "").replace(workbook.IMPORT_LINE + "\n", "")
        assert (w["cell_type"], undone) == (b["cell_type"], _src(b))


@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_workbook_links_lead_to_workbook_lessons(lesson):
    """The navigation and the contents table link workbook lessons; every
    relative link resolves from workbook/."""
    lesson_names = {other.name for other in LESSONS}
    for cell in _nb(lesson.workbook)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for target in re.findall(r"\]\(([^)\s#]+)", _src(cell)):
            if re.match(r"[a-z]+:", target):  # a URL (Colab's) must open the workbook lesson too
                assert not re.search(r"/notebooks/\d\d-", target), f"{target} opens a book lesson"
                continue
            resolved = (lesson.workbook.parent / target).resolve()
            assert resolved.exists(), f"{target} in {_src(cell)[:60]!r} does not exist"
            if Path(target).name in lesson_names and not target.startswith("../"):
                assert resolved.parent == workbook.WORKBOOK.resolve()


# ---------------------------------------------------------------- the stop
def test_predict_first_stops_only_without_an_answer():
    for empty in (None, ..., "", "   ", set(), [], ()):
        with pytest.raises(editions.PredictFirst) as info:
            editions.predict_first(empty)
        assert info.value._render_traceback_() == [editions.STOP_MESSAGE]
    for answer in ("a", "(b)", {"a", "c"}, 0, 0.5, -2, "0"):
        assert editions.predict_first(answer) is None


def test_stop_message_is_one_short_line():
    assert "\n" not in editions.STOP_MESSAGE and len(editions.STOP_MESSAGE) < 110
    assert "None" in editions.STOP_MESSAGE


def test_docs_say_read_the_book_do_the_workbook():
    """README, the contents page (both editions) and the teacher's guide say which edition is for what."""
    index = "".join(_src(c) for c in _nb(ROOT / "notebooks" / "00-index.ipynb")["cells"])
    for text in (
        (ROOT / "README.md").read_text(encoding="utf-8"),
        index,
        (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8"),
    ):
        assert re.search(r"[Rr]ead the book, do the workbook", text)
        assert "workbook/" in text and "notebooks/" in text
    teaching = (ROOT / "docs" / "teaching.md").read_text(encoding="utf-8")
    assert editions.STOP_MESSAGE.split(" ", 1)[1].rstrip(".") in re.sub(r"\s+", " ", teaching), (
        "docs/teaching.md quotes the stop message: keep it in step with softmax_lib/editions.py"
    )


def test_kernel_sends_one_line_and_an_error_status():
    """What Jupyter front ends get from a stop: an error reply (so Run All stops)
    whose traceback is the one friendly line."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "from softmax_lib.editions import predict_first\nmy_prediction = None\npredict_first(my_prediction)"
            ),
            nbformat.v4.new_code_cell("print('the reveal')"),
        ]
    )
    with pytest.raises(CellExecutionError) as info:
        NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    assert info.value.ename == "PredictFirst"
    assert nb.cells[0].outputs == [
        nbformat.v4.new_output(
            "error", ename="PredictFirst", evalue=editions.STOP_MESSAGE, traceback=[editions.STOP_MESSAGE]
        )
    ]
    assert nb.cells[1].outputs == [] and nb.cells[1].execution_count is None


# ---------------------------------------------------------------- the parser
@pytest.mark.parametrize("lesson", TEACHING, ids=[lesson.stem for lesson in TEACHING])
def test_parser_finds_every_exercise(lesson):
    assert editions.problems(lesson.notebook) == [], "a cell looks like an exercise but breaks the conventions"
    found = editions.exercises(lesson.notebook)
    assert len(found.predicts) >= 2, "every lesson has at least two Predicts"
    assert len(found.write_its) >= 1, "every lesson has at least one Write-it"
    cells = _nb(lesson.notebook)["cells"]
    for p in found.predicts:
        assert p.question_cell < p.answer_cell < p.check_cell
        assert p.check_cell - p.answer_cell >= 2, f"{p.checker}: no reveal between the answer and its check"
        assert p.options or re.search(r"\bnumber\b|probability", p.hint), (
            f"{p.checker}: neither (a), (b) choices nor a number asked for"
        )
        assert f"lesson.{p.checker}(my_prediction" in _src(cells[p.check_cell])
    for w in found.write_its:
        assert f"def {w.function}(" in _src(cells[w.cell]) and f"def {w.function}(" in w.solution
        assert "<details>" in _src(cells[w.solution_cell]) and w.title
    for a in found.answers:
        assert a.value == "None" and a.question_cell is not None and a.question_cell < a.cell


def test_parser_reads_answered_notebooks():
    """A learner's copy (answers written in) parses to the same exercises, with
    the answers' source: what a class report reads."""
    lesson = TEACHING[0]
    nb = _nb(lesson.workbook)
    blank = editions.exercises(nb)
    for p in blank.predicts:
        nb["cells"][p.answer_cell]["source"] = _src(nb["cells"][p.answer_cell]).replace("= None", "= {'a', 'b'}", 1)
    for a in blank.answers:
        nb["cells"][a.cell]["source"] = _src(nb["cells"][a.cell]).replace("= None", "= 0.79", 1)
    answered = editions.exercises(nb)
    assert [p.value for p in answered.predicts] == ["{'a', 'b'}"] * len(blank.predicts)
    assert [a.value for a in answered.answers] == ["0.79"] * len(blank.answers)
    assert [p.checker for p in answered.predicts] == [p.checker for p in blank.predicts]


def _md(text):
    return {"cell_type": "markdown", "source": text, "metadata": {}}


def _code(text):
    return {"cell_type": "code", "source": text, "metadata": {}, "outputs": [], "execution_count": None}


GOOD = [
    _md("**Predict.** Which?\n\n* (a) one\n* (b) two"),
    _code("my_prediction = None   # 'a' or 'b'"),
    _code("reveal()"),
    _code("lesson.predict_which(my_prediction, extra)"),
    _md("### Write it: a function"),
    _code("grid = [1, 2]\n\ndef my_f(z):\n    # your code here\n    return None\n\nlesson.check_my_f(my_f, grid)"),
    _md("<details><summary>Solution</summary>\n\n```python\ndef my_f(z):\n    return z\n```\n</details>"),
    _md("**Q1.** How much?"),
    _code("answer_q1 = None   # a number\nlesson.check_q1(answer_q1)"),
    _code("lesson.check_q1(0.5)"),
]


def test_parser_on_a_small_notebook():
    found = editions.exercises({"cells": GOOD})
    (p,) = found.predicts
    assert (p.question_cell, p.answer_cell, p.check_cell, p.checker) == (0, 1, 3, "predict_which")
    assert p.options == (("a", "one"), ("b", "two")) and p.hint == "'a' or 'b'" and not p.gated
    (w,) = found.write_its
    assert (w.cell, w.function, w.checker, w.title, w.solution_cell) == (5, "my_f", "check_my_f", "a function", 6)
    assert w.solution == "def my_f(z):\n    return z\n"
    (a,) = found.answers
    assert (a.question_cell, a.cell, a.number, a.name, a.checker) == (7, 8, 1, "answer_q1", "check_q1")
    assert found.examples == (9,)
    assert editions.problems({"cells": GOOD}) == []


def _broken(index, cell):
    cells = copy.deepcopy(GOOD)
    if cell is None:
        del cells[index]
    else:
        cells[index] = cell
    return {"cells": cells}


@pytest.mark.parametrize(
    "broken, says",
    [
        (_broken(1, _code("my_prediction = None   # 'a' or 'b'\nprint('peek')")), "uses my_prediction"),
        (_broken(1, None), "uses my_prediction"),  # a check with no answer cell
        (_broken(3, None), "uses my_prediction"),  # an answer cell with no check
        (_broken(1, _code("my_prediction = 'a'   # 'a' or 'b'")), "must assign None"),
        (_broken(1, _code("my_prediction = None   # 'a', 'b' or 'c'")), "offers a, b, c"),
        (_broken(0, _md("Which one?")), "no markdown cell with **Predict.**"),
        (_broken(2, _md("**Predict.** And this?")), "2 markdown **Predict.** marks but 1"),
        (
            _broken(5, _code("def my_f(z):\n    # your code here\n    return None\n\nlesson.check_my_f(other)")),
            "calls a lesson checker",
        ),
        (_broken(6, _md("No solution here.")), "has no solution"),
        (_broken(4, _md("### Write it: a function\n\n### Write it: another")), "2 markdown 'Write it' headings but 1"),
        (_broken(8, _code("answer_q1 = None\nprint(answer_q1)")), "uses answer_qN"),
        (_broken(8, None), "questions [1] but answer cells for []"),
    ],
)
def test_problems_names_what_breaks_the_conventions(broken, says):
    assert any(says in line for line in editions.problems(broken)), editions.problems(broken)


def test_generator_refuses_a_lesson_that_breaks_the_conventions(tmp_path, monkeypatch):
    import lessons

    bad = copy.deepcopy(_nb(TEACHING[0].notebook))
    p = editions.exercises(bad).predicts[0]
    bad["cells"][p.answer_cell]["source"] = "my_prediction = None  # peek\nprint(1)"
    (tmp_path / TEACHING[0].name).write_text(json.dumps(bad), encoding="utf-8")
    monkeypatch.setattr(lessons, "NOTEBOOKS", tmp_path)
    with pytest.raises(SystemExit, match="break the conventions"):
        workbook.workbook_notebook(TEACHING[0])


# ---------------------------------------------------------------- running the workbook (slow)
def _text(outputs) -> str:
    parts = []
    for out in outputs:
        parts.append("".join(out.get("text", "")))
        parts.append("".join(out.get("data", {}).get("text/plain", "")))
        parts.append("\n".join(out.get("traceback", [])))
    return "\n".join(parts)


def _answer(p: editions.Predict, k: int) -> str:
    """Some prediction, right or wrong: a letter of its choices, or a number."""
    if p.options:
        return repr(p.letters[k % len(p.letters)])
    m = re.search(r"e\.g\. ([\d.]+)", p.hint)
    return m.group(1) if m else "1"


@pytest.mark.slow
@pytest.mark.parametrize("lesson", LESSONS, ids=LESSON_IDS)
def test_workbook_as_a_learner_runs_it(lesson):
    """Run All on the untouched workbook stops at the first Predict, with the
    one-line message and before any cell of its reveal; with a prediction
    written in that cell, running on from it stops at the next Predict; with
    every prediction written, the lesson runs to its end without an error.
    One kernel, cells run in order as Jupyter's "Run All" and "Run Selected
    Cell and All Below" run them (nbclient stops at the first error, as
    JupyterLab does)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(lesson.workbook, as_version=4)
    predicts = list(editions.exercises(nb).predicts)
    client = NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(workbook.WORKBOOK)}}
    )
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    started = time.perf_counter()
    stops = []
    with client.setup_kernel():
        position = 0  # the next cell "Run All" / "run on" would run
        while True:
            stopped_at = None
            for i in (i for i in code if i >= position):
                try:
                    client.execute_cell(nb.cells[i], i)
                except CellExecutionError as error:
                    assert error.ename == "PredictFirst", f"cell {i} failed:\n{error}"
                    stopped_at = i
                    break
            if stopped_at is None:
                break
            k = len(stops)
            assert k < len(predicts) and stopped_at == predicts[k].answer_cell, (
                f"stopped at cell {stopped_at}, not at Predict {k + 1}'s answer cell"
            )
            assert nb.cells[stopped_at].outputs == [
                nbformat.v4.new_output(
                    "error", ename="PredictFirst", evalue=editions.STOP_MESSAGE, traceback=[editions.STOP_MESSAGE]
                )
            ]
            later = [i for i in code if i > stopped_at and nb.cells[i].execution_count is not None]
            assert later == [], f"cells {later}, after the stop, ran"
            stops.append(stopped_at)
            cell = nb.cells[stopped_at]  # the learner writes a prediction, right or wrong, and runs on from here
            cell.source = cell.source.replace("my_prediction = None", f"my_prediction = {_answer(predicts[k], k)}", 1)
            cell.outputs = []
            position = stopped_at
    print(f"  {lesson.stem}: {len(stops)} stops, ran in {time.perf_counter() - started:.1f} s")
    assert stops == [p.answer_cell for p in predicts], "Run All must stop once at every Predict, in order"
    not_run = [i for i in code if nb.cells[i].source.strip() and nb.cells[i].execution_count is None]
    assert not_run == [], f"cells {not_run} never ran"
    for p in predicts:
        said = _text(nb.cells[p.check_cell].outputs)
        assert said.strip() and NO_PREDICTION not in said, f"{p.checker} did not see the prediction: {said[:200]}"
