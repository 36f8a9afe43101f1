"""The class edition for nbgrader (``python -m softmax_lib.classroom nbgrader``), without nbgrader.

Every lesson's source notebook is checked for what nbgrader needs (cell
metadata, unique ids, points) and for what the course promises: the
teacher's copy answers every exercise right by the lesson's own checkers, and
the learner's copy (solution regions removed, as ``generate_assignment`` does;
``tests/test_classroom_nbgrader.py`` checks that against the real command)
holds exactly the workbook's starting code and no answer.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

import numpy as np
import pytest

from lessons import LESSONS, ROOT
from softmax_lib.checks import Feedback
from softmax_lib.classroom import WrongAnswer, grade
from softmax_lib.classroom.__main__ import main
from softmax_lib.classroom.answer_key import AnswerKey, function_dump, load_keys
from softmax_lib.classroom.course import BEGIN, END, class_edition, strip_solutions, write_course
from softmax_lib.editions import GATE_LINE

KEYS = load_keys(ROOT / "workbook")
STEMS = sorted(KEYS)


def src(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def nbg(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


@pytest.fixture(scope="module", params=STEMS)
def lesson(request):
    key = KEYS[request.param]
    source = class_edition(key)
    return key, source, strip_solutions(source)


def test_every_lesson_with_exercises_gets_a_class_edition():
    with_exercises = [lesson.stem for lesson in LESSONS if lesson.workbook.exists() and not lesson.is_index]
    assert STEMS == with_exercises
    assert "00-index" not in KEYS  # the contents page has no exercise: no assignment


def test_cells_carry_what_nbgrader_needs(lesson):
    key, source, _ = lesson
    cells = source["cells"]
    ids = [c["id"] for c in cells]
    assert len(ids) == len(set(ids)), "cell ids must be unique"
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{1,64}", i) for i in ids)
    graded = [c for c in cells if nbg(c)]
    grade_ids = [nbg(c)["grade_id"] for c in graded]
    assert len(grade_ids) == len(set(grade_ids)), "grade ids must be unique"
    for c in graded:
        meta = nbg(c)
        assert meta["schema_version"] == 3 and set(meta) >= {"grade", "solution", "locked", "task", "grade_id"}
        assert c["outputs"] == [] and c["execution_count"] is None
        if meta["grade"]:
            assert meta["points"] > 0 and meta["locked"] and not meta["solution"]
    tests = [c for c in graded if nbg(c)["grade"]]
    assert len(tests) == len(key.write_its) + len(key.questions)
    assert sum(nbg(c)["points"] for c in tests) == 3 * len(key.write_its) + len(key.questions)
    # Predicts are recorded (an answer cell each) but no cell grades them
    predict_cells = [c for c in graded if nbg(c)["grade_id"].startswith("predict_")]
    assert [nbg(c)["grade_id"] for c in predict_cells] == [p.checker for p in key.predicts]
    assert all(nbg(c)["solution"] and not nbg(c)["grade"] for c in predict_cells)
    assert not any(re.search(r"\bpredict_\w+\(", src(c)) for c in tests)
    setup = [c for c in graded if nbg(c)["grade_id"] == "setup"]
    assert len(setup) == 1 and nbg(setup[0])["locked"]


def test_each_test_cell_calls_the_lessons_checker_and_follows_its_answer_cell(lesson):
    key, source, _ = lesson
    cells = source["cells"]
    for w in key.write_its:
        k = next(i for i, c in enumerate(cells) if nbg(c).get("grade_id") == w.function)
        test = cells[k + 1]
        assert nbg(test)["grade_id"] == f"test_{w.function}" and nbg(test)["points"] == 3
        assert f"grade({w.call})" in src(test)
    for q in key.questions:
        k = next(i for i, c in enumerate(cells) if nbg(c).get("grade_id") == q.name)
        test = cells[k + 1]
        assert src(test).endswith(f"grade(lesson.{q.checker}({q.name}))") and nbg(test)["points"] == 1


def _data_args(key: AnswerKey, call: str) -> tuple:
    """Arguments after the function for a checker that takes the lesson's data (lesson 08):
    a made-up validation and test split of 10-class logits."""
    n_args = len(ast.parse(call).body[0].value.args) - 1
    if n_args == 0:
        return ()
    rng = np.random.default_rng(5)
    z_val, z_test = rng.normal(0, 3, (300, 10)), rng.normal(0, 3, (300, 10))
    y_val = np.array([rng.choice(10, p=np.exp(r / 2) / np.exp(r / 2).sum()) for r in z_val])
    y_test = np.array([rng.choice(10, p=np.exp(r / 2) / np.exp(r / 2).sum()) for r in z_test])
    assert n_args == 4, f"unexpected checker call {call}"
    return z_val, y_val, z_test, y_test


def test_the_teachers_copy_answers_every_exercise_right(lesson):
    key, source, _ = lesson
    by_id = {nbg(c).get("grade_id"): c for c in source["cells"] if nbg(c)}
    for p in key.predicts:
        cell = src(by_id[p.checker])
        assert cell.startswith(p.answer_line + "\n" + BEGIN) and cell.endswith(END + "\n" + GATE_LINE)
        value = ast.literal_eval(cell.split(BEGIN)[1].split(END)[0].split("=", 1)[1].strip())
        assert key.verdict(p.checker, value).ok is True, (key.stem, p.checker, value)
    for q in key.questions:
        cell = src(by_id[q.name])
        value = ast.literal_eval(cell.split(BEGIN)[1].split(END)[0].split("=", 1)[1].strip())
        assert key.verdict(q.checker, value).ok is True, (key.stem, q.name, value)
    for w in key.write_its:
        tree = ast.parse(src(by_id[w.function]))
        body = [n for n in tree.body if not (isinstance(n, ast.Expr) and "lesson." in ast.unparse(n))]
        namespace = {"np": np}
        exec(compile(ast.Module(body, []), f"<{key.stem} {w.function}>", "exec"), namespace)  # our solution
        fb = key.checker(w.checker)(namespace[w.function], *_data_args(key, w.call))
        assert fb.ok is True, (key.stem, w.function, repr(fb))


def test_the_learners_copy_is_the_workbooks_starting_code_with_no_answer_left(lesson):
    key, source, released = lesson
    text = json.dumps(released)
    assert BEGIN not in text and END not in text
    markdown = "\n".join(src(c) for c in released["cells"] if c["cell_type"] == "markdown")
    assert not re.search(r"\*\*Q\d+:\*\*", markdown), "a check-yourself answers block is left"
    assert "<!--NAVIGATION-->" not in markdown and "../notebooks/" not in markdown
    code = "\n".join(src(c) for c in released["cells"] if c["cell_type"] == "code")
    # the workbook's text without its solution blocks: a solution line may also be lesson text
    elsewhere = "\n".join(re.sub(r"<details>.*?</details>", "", src(c), flags=re.S) for c in key.nb["cells"])
    for w in key.write_its:
        solution_lines = {line.strip() for line in w.solution.split("\n")[1:]} - {""}
        leaked = [line for line in solution_lines if line not in elsewhere and (line in markdown or line in code)]
        assert len(solution_lines) > 1 and any(line not in elsewhere for line in solution_lines)
        assert not leaked, f"{key.stem}: solution lines of {w.function} left in the released notebook: {leaked}"
        cell = next(c for c in released["cells"] if nbg(c).get("grade_id") == w.function)
        assert function_dump(src(cell), w.function) == w.starting_code  # exactly the workbook's def
    for p in key.predicts:
        cell = next(c for c in released["cells"] if nbg(c).get("grade_id") == p.checker)
        assert [line for line in src(cell).split("\n") if line.strip()] == [p.answer_line, GATE_LINE]
    for q in key.questions:
        cell = next(c for c in released["cells"] if nbg(c).get("grade_id") == q.name)
        assert [line for line in src(cell).split("\n") if line.strip()] == [
            q.answer_line,
            f"lesson.{q.checker}({q.name})",
        ]
    # the ungraded slider answers stay, collapsed, as in the workbook
    workbook_details = sum(src(c).count("<details>") for c in key.nb["cells"] if c["cell_type"] == "markdown")
    answer_blocks = sum(
        1
        for c in key.nb["cells"]
        if c["cell_type"] == "markdown"
        for d in re.findall(r"<details>.*?</details>", src(c), re.S)
        if re.search(r"\*\*Q\d+:\*\*", d) or any(f"def {w.function}(" in d for w in key.write_its)
    )
    assert markdown.count("<details>") == workbook_details - answer_blocks


def test_a_blank_learner_fails_every_test_and_a_right_one_passes_them():
    """The test cells' verdicts, run here on the checkers (nbgrader runs them in the round trip)."""
    key = KEYS["01-intuition"]
    assert key.verdict("check_q1", None).ok is None
    with pytest.raises(WrongAnswer, match="No answer yet"):
        grade(key.verdict("check_q1", None))
    with pytest.raises(WrongAnswer, match="dividing the logits by their sum"):
        grade(key.verdict("check_q1", 1.33))
    grade(key.verdict("check_q1", 0.79))


def test_grade_passes_only_a_right_feedback(capsys):
    grade(Feedback(True, "Right: 0.79.", "why"))
    assert capsys.readouterr().out == "✓ Right: 0.79.\n"
    with pytest.raises(WrongAnswer) as err:
        grade(Feedback(False, "Not quite: 1.33.", "That is 2 / 1.5."))
    assert str(err.value) == "✗ Not quite: 1.33.\n  That is 2 / 1.5."
    assert isinstance(err.value, AssertionError)  # nbgrader: a failing test
    assert err.value._render_traceback_() == ["✗ Not quite: 1.33.", "  That is 2 / 1.5."]
    with pytest.raises(WrongAnswer, match="No answer yet"):
        grade(Feedback(None, "No answer yet: replace None with a number."))
    for fake in (True, "✓ Right", None):  # a checker replaced by something else
        with pytest.raises(WrongAnswer, match="not the lesson's feedback"):
            grade(fake)
    assert capsys.readouterr().out == ""


def test_write_course_writes_the_config_once_and_never_overwrites_an_edited_notebook(tmp_path):
    course = tmp_path / "course"
    done = write_course(course, lessons=["01", "04-stability"])
    assert [line.split()[0] for line in done] == ["wrote"] * 3
    config = (course / "nbgrader_config.py").read_text()
    assert 'c.ClearSolutions.code_stub = {"python": ""}' in config and "c.Execute.timeout = 300" in config
    compile(config, "nbgrader_config.py", "exec")
    assert sorted(p.name for p in (course / "source").iterdir()) == ["01-intuition", "04-stability"]
    # run again: same files, config kept
    assert [line.split()[0] for line in write_course(course, lessons=["1"])] == ["kept", "same"]
    (course / "nbgrader_config.py").write_text("c = get_config()\n# mine\n")
    nb_path = course / "source" / "01-intuition" / "01-intuition.ipynb"
    edited = json.loads(nb_path.read_text())
    edited["cells"][0]["source"] = "my own banner"
    nb_path.write_text(json.dumps(edited))
    with pytest.raises(FileExistsError, match="--force"):
        write_course(course, lessons=["01"])
    assert json.loads(nb_path.read_text())["cells"][0]["source"] == "my own banner"
    write_course(course, lessons=["01"], force=True)
    assert json.loads(nb_path.read_text())["cells"][0]["id"] == "class-banner"
    assert (course / "nbgrader_config.py").read_text() == "c = get_config()\n# mine\n"


def test_points_and_course_id_are_options(tmp_path):
    write_course(tmp_path, lessons=["02"], write_it_points=5, question_points=2, course_id="ml101")
    nb = json.loads((tmp_path / "source" / "02-exponentiation" / "02-exponentiation.ipynb").read_text())
    points = sorted(nbg(c)["points"] for c in nb["cells"] if nbg(c).get("grade"))
    assert points == [2, 2, 2, 5]
    assert "c.CourseDirectory.course_id = 'ml101'" in (tmp_path / "nbgrader_config.py").read_text()


def test_cli_errors_say_what_to_pass_instead(tmp_path, capsys):
    assert main(["nbgrader", str(tmp_path / "c"), "--lesson", "42"]) == 2
    assert "no lesson '42' with exercises; choose from 01-intuition" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert main(["nbgrader", str(tmp_path / "file")]) == 2
    assert "is a file; pass the folder" in capsys.readouterr().err
    assert main(["nbgrader", str(tmp_path / "c"), "--workbook", str(tmp_path / "nowhere")]) == 2
    assert "no workbook folder at" in capsys.readouterr().err
    assert main(["nbgrader", str(tmp_path / "c"), "--lesson", "03"]) == 0
    out = capsys.readouterr().out
    assert "wrote" in out and "nbgrader generate_assignment" in out


def test_the_learners_install_does_not_need_nbgrader(tmp_path):
    """nbgrader is a teacher's tool: requirements-teacher.txt, not requirements.txt; the
    classroom package and the test cells' import never load it."""
    assert "nbgrader" not in (ROOT / "requirements.txt").read_text()
    assert re.search(r"^nbgrader>=", (ROOT / "requirements-teacher.txt").read_text(), re.M)
    code = (
        "import sys\n"
        "from softmax_lib.classroom import grade\n"
        "from softmax_lib.classroom.__main__ import main\n"
        f"assert main(['nbgrader', {str(tmp_path / 'c')!r}, '--lesson', '01']) == 0\n"
        "import softmax_lib.classroom.report\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'nbgrader'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip().endswith("[]")


@pytest.mark.slow
@pytest.mark.parametrize("stem", STEMS)
def test_the_teachers_copy_run_whole_passes_every_test(stem, tmp_path):
    """What ``nbgrader validate source/NN-slug/NN-slug.ipynb`` checks, for every lesson, with the
    lesson's real data (lesson 08's checkers take its trained network's logits): run top to bottom,
    no cell raises, every test cell prints a pass, and every Predict's check says the teacher's
    prediction was right."""
    import nbformat
    from nbclient import NotebookClient

    key = KEYS[stem]
    nb = nbformat.reads(json.dumps(class_edition(key)), as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    errors = [
        (i, o.ename, o.evalue[:200])
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]
    assert errors == []
    tests = [c for c in nb.cells if nbg(c).get("grade")]
    assert len(tests) == len(key.write_its) + len(key.questions)
    for c in tests:
        printed = "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")
        assert printed.startswith("✓ ") and not [o for o in c.outputs if o.get("name") == "stderr"], c.source
    checks = {p.check_id for p in key.predicts}
    for c in nb.cells:
        if c.get("id") in checks:
            said = "".join(o.get("data", {}).get("text/plain", "") for o in c.outputs)
            assert said.startswith("✓ You predicted it"), (c.source, said[:200])
