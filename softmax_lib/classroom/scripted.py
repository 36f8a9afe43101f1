"""Scripted learners: lesson notebooks filled in the ways real learners fill them.

The tests, the benchmark (``tools/bench_classroom.py``) and a teacher trying the
class report use them.  :func:`fill` writes answers into a lesson notebook (the
workbook or the class edition) the way a learner edits it: the value in place
of ``None`` on the answer line, and their own ``def`` in place of the starting
function.  Three profiles cover the round trip:

* ``"right"``: every prediction, answer and function right (from the answer key);
* ``"typical"``: the mistakes a class makes most (a wrong letter, a number the
  checker has a hint for, a function with a classic bug), with one Predict left
  blank;
* ``"blank"``: nothing done.

:func:`simulate_run` then stores what running the notebook would store in the
exercise cells: the checkers' feedback (our checkers, run here on the scripted
answers and on the scripted functions, which are ours), the one-line stop of a
blank Predict, and, for an autograded class edition, the test cells' pass or
:class:`~softmax_lib.classroom.grading.WrongAnswer`.  Other cells can take the
book's stored outputs, so that a simulated notebook weighs what a real one does.
It is for speed only: the tests also check the report on notebooks that
nbgrader really executed.
"""

from __future__ import annotations

import ast
import copy
import random
from typing import Any

from .answer_key import AnswerKey, literal
from .grading import WrongAnswer, grade

__all__ = ["fill", "profile", "simulate_run", "TYPICAL_FUNCTIONS", "scripted_class"]

#: Classic wrong functions, by Write-it: (what the learner did, the code).
TYPICAL_FUNCTIONS: dict[str, list[tuple[str, str]]] = {
    "logits_from_probs": [
        (
            "returns the probabilities themselves",
            "def logits_from_probs(p):\n    return np.asarray(p, dtype=float)\n",
        ),
        ("repeats step 1 instead of undoing it", "def logits_from_probs(p):\n    return np.exp(p)\n"),
        ("takes the base-10 log", "def logits_from_probs(p):\n    return np.log10(p)\n"),
        ("flips the sign", "def logits_from_probs(p):\n    return -np.log(p)\n"),
        ("calls .sum() on a list", "def logits_from_probs(p):\n    return np.log(p / p.sum())\n"),
        ("a syntax error", "def logits_from_probs(p)\n    return np.log(p)\n"),
    ],
    "my_softmax": [
        (
            "keeps the naive formula",
            "def my_softmax(z):\n    e = np.exp(z)\n    return e / np.sum(e, axis=-1, keepdims=True)\n",
        ),
        (
            "subtracts the global max",
            "def my_softmax(z):\n    e = np.exp(z - np.max(z))\n    return e / np.sum(e, axis=-1, keepdims=True)\n",
        ),
    ],
}


def _src(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _cell(nb: dict, cell_id: str | None, first_line: str) -> dict | None:
    """The cell with this id, else the first code cell starting with ``first_line``."""
    for cell in nb["cells"]:
        if cell_id is not None and cell.get("id") == cell_id:
            return cell
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code" and _src(cell).lstrip().startswith(first_line):
            return cell
    return None


def _answer(cell: dict, name: str, value: Any) -> None:
    """Write ``value`` in place of None on the line ``name = None   # hint``."""
    lines = _src(cell).split("\n")
    for k, line in enumerate(lines):
        if line.startswith(f"{name} = None"):
            lines[k] = f"{name} = {literal(value)}" + line[len(f"{name} = None") :]
            break
    cell["source"] = "\n".join(lines)


def _function(cell: dict, function: str, code: str) -> None:
    """Replace the cell's ``def function`` (every line of it) with ``code``."""
    src = _src(cell)
    tree = ast.parse(src)
    fn = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function][-1]
    lines = src.split("\n")
    cell["source"] = "\n".join(lines[: fn.lineno - 1] + code.rstrip("\n").split("\n") + lines[fn.end_lineno :])


def fill(
    nb: dict,
    key: AnswerKey,
    *,
    predictions: dict[str, Any] | None = None,
    answers: dict[str, Any] | None = None,
    functions: dict[str, str] | None = None,
) -> dict:
    """A copy of the lesson notebook ``nb`` with these answers written in (by checker
    name for predictions and answers, by function name for Write-its; None leaves it)."""
    nb = copy.deepcopy(nb)
    predictions, answers, functions = predictions or {}, answers or {}, functions or {}
    for p in key.predicts:
        value = predictions.get(p.checker)
        cell = _cell(nb, p.answer_id, "my_prediction = None")
        if value is not None and cell is not None:
            _answer(cell, "my_prediction", value)
    for q in key.questions:
        value = answers.get(q.checker)
        cell = _cell(nb, q.cell_id, f"{q.name} = None")
        if value is not None and cell is not None:
            _answer(cell, q.name, value)
    for w in key.write_its:
        code = functions.get(w.function)
        cell = _cell(nb, w.cell_id, "")
        if code is not None and cell is not None:
            _function(cell, w.function, code)
    return nb


def profile(key: AnswerKey, kind: str, rng: random.Random | None = None) -> dict[str, dict[str, Any]]:
    """The answers of a scripted learner: ``kind`` is "right", "typical" or "blank"
    (with ``rng``, "typical" picks among the known mistakes at random)."""
    if kind == "blank":
        return {"predictions": {}, "answers": {}, "functions": {}}
    if kind == "right":
        return {
            "predictions": {p.checker: key.right_prediction(p) for p in key.predicts},
            "answers": {q.checker: key.right_answer(q) for q in key.questions},
            "functions": {w.function: w.solution for w in key.write_its},
        }
    if kind != "typical":
        raise ValueError(f"unknown scripted learner {kind!r}: choose right, typical or blank")
    pick = (lambda xs: rng.choice(xs)) if rng is not None else (lambda xs: xs[0])
    predictions: dict[str, Any] = {}
    for k, p in enumerate(key.predicts):
        if k == len(key.predicts) - 1 and rng is None:
            continue  # the last Predict left blank: autograde must run on past it
        right = key.right_prediction(p)
        if p.options:
            chosen = right if isinstance(right, str) else sorted(right)[0]
            wrong = [letter for letter in p.letters if letter != chosen]
            predictions[p.checker] = pick(wrong) if wrong else chosen
        else:
            predictions[p.checker] = right * 2 + 1
    answers: dict[str, Any] = {}
    for k, q in enumerate(key.questions):
        right = key.right_answer(q)
        if k == len(key.questions) - 1 and rng is None:
            answers[q.checker] = right  # one right answer, so a score is not all or nothing
        elif q.options:
            chosen = right if isinstance(right, str) else sorted(right)[0]
            wrong = [letter for letter in q.letters if letter not in (right if isinstance(right, set) else {right})]
            answers[q.checker] = pick(wrong) if wrong else chosen
        else:
            mistakes = key.known_mistakes(q.checker)
            answers[q.checker] = round(pick(mistakes), 2) if mistakes else right * 2 + 1
    functions = {
        w.function: pick(TYPICAL_FUNCTIONS[w.function])[1] for w in key.write_its if w.function in TYPICAL_FUNCTIONS
    }
    return {"predictions": predictions, "answers": answers, "functions": functions}


def _result(fb: Any, count: int) -> dict:
    return {
        "output_type": "execute_result",
        "execution_count": count,
        "metadata": {},
        "data": {"text/plain": repr(fb), "text/html": fb._repr_html_()},
    }


def _error(err: BaseException) -> dict:
    return {
        "output_type": "error",
        "ename": type(err).__name__,
        "evalue": str(err),
        "traceback": [f"{type(err).__name__}: {err}"],
    }


def simulate_run(nb: dict, key: AnswerKey, *, book: dict | None = None, autograded: bool = False) -> dict:
    """A copy of ``nb`` with the outputs a run would store in its exercise cells (and the
    ``book``'s stored outputs in the others, matched by cell id).  Only for lessons whose
    Write-it checkers take the function alone (not lesson 08, whose checker needs its data)."""
    import numpy as np

    from ..editions import PredictFirst, has_prediction

    nb = copy.deepcopy(nb)
    book_outputs = {c.get("id"): c.get("outputs", []) for c in (book or {}).get("cells", []) if c.get("id")}
    predict_check = {p.check_id: p for p in key.predicts}
    write_by_id = {w.cell_id: w for w in key.write_its}
    namespace: dict[str, Any] = {"np": np}
    values: dict[str, Any] = {}
    count = 0
    for cell in nb["cells"]:
        if cell.get("cell_type") != "code":
            continue
        count += 1
        cell["execution_count"] = count
        src = _src(cell)
        cid = cell.get("id")
        nbg = cell.get("metadata", {}).get("nbgrader", {})
        outputs: list[dict] = []
        if src.startswith("my_prediction ="):
            values["my_prediction"] = ast.literal_eval(src.split("\n")[0].split("=", 1)[1].split("#")[0].strip())
            if not has_prediction(values["my_prediction"]):
                outputs.append(
                    _error(
                        PredictFirst(
                            "✏ Predict first: replace None with your answer in this cell, "
                            "then run it and the cells below."
                        )
                    )
                )
        elif cid in predict_check:
            outputs.append(_result(key.verdict(predict_check[cid].checker, values.get("my_prediction")), count))
        elif src.startswith("answer_q"):
            name = src.split("=", 1)[0].strip()
            values[name] = ast.literal_eval(src.split("\n")[0].split("=", 1)[1].split("#")[0].strip())
            outputs.append(_result(key.verdict(name.replace("answer_", "check_"), values[name]), count))
        elif cid in write_by_id or (cid or "").removesuffix("-test") in write_by_id:
            w = write_by_id.get(cid) or write_by_id[cid.removesuffix("-test")]
            if w.call != f"lesson.{w.checker}({w.function})":
                raise ValueError(f"simulate_run cannot check {w.function}: its checker needs the lesson's data")
            if not nbg.get("grade"):
                try:
                    code = compile(src.split(f"lesson.{w.checker}(")[0], "<learner>", "exec")
                    exec(code, namespace)  # our scripted function, not a learner's
                    outputs.append(_result(key.verdict(w.checker, namespace.get(w.function)), count))
                except SyntaxError as err:
                    namespace.pop(w.function, None)
                    outputs.append(_error(err))
            elif autograded:
                outputs.append(_graded(key, w.checker, namespace, w.function))
        elif nbg.get("grade") and autograded and src.strip().endswith(")") and "grade(lesson.check_q" in src:
            name = src.rsplit("(", 1)[1].rstrip(")")
            outputs.append(_graded(key, name.replace("answer_", "check_"), values, name))
        else:
            outputs = copy.deepcopy(book_outputs.get(cid, []))
        cell["outputs"] = outputs
    return nb


def _defined(namespace: dict, name: str) -> Any:
    """``namespace[name]``, or the NameError a kernel would raise."""
    if name not in namespace:
        raise NameError(f"name {name!r} is not defined")
    return namespace[name]


def _graded(key: AnswerKey, checker: str, namespace: dict, name: str) -> dict:
    """What the test cell ``grade(lesson.checker(name))`` stores: the printed pass, or the error."""
    import contextlib
    import io

    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            grade(key.verdict(checker, _defined(namespace, name)))
    except (WrongAnswer, NameError) as err:
        return _error(err)
    return {"output_type": "stream", "name": "stdout", "text": buf.getvalue()}


def scripted_class(
    key: AnswerKey, released: dict, n: int, *, seed: int = 0, book: dict | None = None, autograded: bool = True
) -> list[tuple[str, dict]]:
    """``n`` simulated learners' notebooks of one lesson, as (name, notebook).  About one
    in ten has not started; each of the others gets each exercise right with their own
    probability (their skill), and otherwise makes a typical mistake or leaves it blank."""
    rng = random.Random(seed)
    right = profile(key, "right")
    out = []
    for i in range(n):
        if rng.random() < 0.1:
            answers = profile(key, "blank")
        else:
            skill = rng.betavariate(2.0, 1.5)
            typical = profile(key, "typical", rng)
            answers = {}
            for part in ("predictions", "answers", "functions"):
                chosen = {}
                for name, value in right[part].items():
                    r = rng.random()
                    if r < skill:
                        chosen[name] = value
                    elif r < skill + (1 - skill) * 0.85:
                        chosen[name] = typical[part].get(name)
                answers[part] = chosen
        nb = fill(released, key, **answers)
        out.append((f"learner{i:03d}", simulate_run(nb, key, book=book, autograded=autograded)))
    return out
