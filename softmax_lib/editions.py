"""The two editions of a lesson, and the exercise parts both are made of.

*The book* (``notebooks/NN-slug.ipynb``) is stored executed, to be read: every
output is in place, on GitHub, nbviewer or the static site.  *The workbook*
(``workbook/NN-slug.ipynb``) is generated from it by ``tools/workbook.py``, to
be done: it stores no outputs, and each **Predict** cell stops "Run All" until
the learner has written a prediction.  This module has the two things a
lesson needs from that: the stop itself (:func:`predict_first`, the one line a
workbook's Predict cell calls) and the one parser of a notebook's exercises
(:func:`exercises`), used by the workbook generator, the tests, and anything
else built from the lessons (a class edition, a class report).

Conventions a lesson author follows
-----------------------------------
The parser relies on them, and :func:`problems` (run on every lesson by
``tests/test_workbook.py``) names any cell that looks like an exercise but
does not follow them.

**Predict.** A markdown cell with ``**Predict.**`` and the question; choices
are written ``(a) ...``, ``(b) ...``, as bullets or inline separated by ``;``.
The next cell is a code cell of exactly one line, the learner's answer::

    my_prediction = None   # 'a', 'b' or 'c'

(the comment says what to write; if it lists letters, they are the
question's).  Then come the cells that reveal the answer, and then one code
cell that checks the prediction with the lesson's checker, whose first
argument is ``my_prediction`` (more may follow)::

    lesson.predict_shift(my_prediction)

No other cell uses ``my_prediction``.  In the workbook the answer cell gets a
second line, ``predict_first(my_prediction)``, which is the stop.

**Write it.** A markdown cell that says ``Write it`` (a heading or bold
text), then a code cell that defines the learner's function with ``def`` and
calls the lesson's checker on it, first argument the function::

    def two_step_softmax(z):
        # your code here
        return None

    lesson.check_two_step_softmax(two_step_softmax)

Lines before the ``def`` are fine (lesson 08 defines its grid there), and the
checker may take more arguments.  The solution is a fenced ``python`` block
that defines the same function, inside a ``<details>`` block of the first
markdown cell after the exercise.

**Check yourself.** Question ``N`` is a markdown cell with ``**QN.**``, then
a code cell of two lines::

    answer_q1 = None   # replace None with your number, e.g. 0.42
    lesson.check_q1(answer_q1)

A cell that calls ``lesson.check_qN`` on anything else (a value written out)
is a worked example of the checker's feedback, not an exercise.

Examples
--------
>>> nb = {"cells": [
...     {"cell_type": "markdown", "source": "**Predict.** Up or down? (a) up; (b) down."},
...     {"cell_type": "code", "source": "my_prediction = None   # 'a' or 'b'"},
...     {"cell_type": "code", "source": "reveal()"},
...     {"cell_type": "code", "source": "lesson.predict_way(my_prediction)"},
... ]}
>>> (p,) = exercises(nb).predicts
>>> p.answer_cell, p.check_cell, p.checker, p.letters
(1, 3, 'predict_way', ('a', 'b'))
>>> problems(nb)
[]
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "PredictFirst",
    "predict_first",
    "has_prediction",
    "GATE_LINE",
    "STOP_MESSAGE",
    "Predict",
    "WriteIt",
    "Answer",
    "Exercises",
    "exercises",
    "problems",
    "read_notebook",
]

# ---------------------------------------------------------------- the workbook's stop at a Predict

#: What the learner sees when Run All stops at a Predict without a prediction.
STOP_MESSAGE = "✏ Predict first: replace None with your answer in this cell, then run it and the cells below."

#: The line the workbook adds under ``my_prediction = None`` in each Predict cell.
GATE_LINE = "predict_first(my_prediction)   # the workbook stops here until you have predicted"


class PredictFirst(Exception):
    """Raised by a workbook's Predict cell that still has no prediction.

    An error is what stops Jupyter's "Run All": the kernel skips every cell
    queued after it, so nothing that reveals the answer runs.  IPython shows
    the list that ``_render_traceback_`` returns in place of a traceback,
    so the learner reads one line, not a wall of red.
    """

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


def has_prediction(value: Any) -> bool:
    """True if ``value`` is an answer: anything but None, ``...``, a blank
    string or an empty set, list, tuple or dict (what the Predict checkers
    read as "no prediction yet").  A wrong answer is an answer.

    >>> [has_prediction(v) for v in (None, "", "  ", set(), "b", {"a", "c"}, 0, 0.5)]
    [False, False, False, False, True, True, True, True]
    """
    if value is None or value is Ellipsis:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (set, frozenset, list, tuple, dict)):
        return len(value) > 0
    return True


def predict_first(my_prediction: Any) -> None:
    """Stop here, and stop "Run All", until ``my_prediction`` holds an answer.

    >>> predict_first("b")        # an answer, right or wrong: nothing happens
    >>> predict_first(None)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    softmax_lib.editions.PredictFirst: ✏ Predict first: replace None with your answer in this cell, ...
    """
    if not has_prediction(my_prediction):
        raise PredictFirst(STOP_MESSAGE)


# ---------------------------------------------------------------- the parser of a notebook's exercises
@dataclass(frozen=True)
class Predict:
    """One Predict checkpoint.  Cell numbers are indices into ``nb["cells"]``;
    ``*_id`` are the cells' ids (stable when cells are added around them)."""

    question_cell: int | None  # the markdown cell with "**Predict.**"
    answer_cell: int  # ``my_prediction = None   # hint``
    check_cell: int  # ``lesson.predict_x(my_prediction, ...)``
    checker: str  # "predict_x"
    options: tuple[tuple[str, str], ...]  # (("a", "all three go up"), ...); () for a number
    hint: str  # the answer cell's comment
    value: str  # the source of the assigned answer: "None" until answered
    gated: bool  # the answer cell ends with the workbook's stop
    answer_id: str | None = None
    check_id: str | None = None

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(letter for letter, _ in self.options)


@dataclass(frozen=True)
class WriteIt:
    """One Write-it exercise: the learner completes ``function``."""

    cell: int  # the code cell with ``def function`` and ``lesson.checker(function, ...)``
    function: str
    checker: str  # "check_x"
    title: str  # the "Write it: ..." text of the markdown cell above
    solution_cell: int | None  # the markdown cell whose <details> holds the solution
    solution: str | None  # the solution's Python code
    cell_id: str | None = None


@dataclass(frozen=True)
class Answer:
    """One check-yourself question answered in code: ``answer_qN = None``."""

    question_cell: int | None  # the markdown cell with "**QN.**"
    cell: int
    number: int
    name: str  # "answer_q1"
    checker: str  # "check_q1"
    value: str  # the source of the assigned answer: "None" until answered
    cell_id: str | None = None


@dataclass(frozen=True)
class Exercises:
    """Every exercise part of one notebook, in notebook order."""

    predicts: tuple[Predict, ...]
    write_its: tuple[WriteIt, ...]
    answers: tuple[Answer, ...]
    examples: tuple[int, ...]  # cells that call a question's checker on a written-out value


_ANSWER = re.compile(r"\Amy_prediction = (?P<value>[^\n#]*?)[ \t]*(?:#[ \t]*(?P<hint>[^\n]*))?\Z")
_USES_PREDICTION = re.compile(r"\bmy_prediction\b")
_PREDICT_CALL = re.compile(r"^lesson\.(?P<checker>predict_\w+)\(\s*my_prediction\b", re.M)
_DEF = re.compile(r"^def (?P<name>\w+)\(", re.M)
_CHECK_CALL = re.compile(r"^lesson\.(?P<checker>check_\w+)\(\s*(?P<arg>[^\s,)]*)", re.M)
_Q_ANSWER = re.compile(
    r"\A(?P<name>answer_q(?P<n>\d+)) = (?P<value>[^\n#]*?)[ \t]*(?:#[^\n]*)?\n"
    r"lesson\.(?P<checker>check_q(?P=n))\(\s*(?P=name)\b[^\n]*\)\Z"
)
_Q_CALL = re.compile(r"^lesson\.check_q\d+\(", re.M)
_OPTION = re.compile(r"(?:^|(?<=[\s;:>*]))\((?P<letter>[a-z])\)\s+")
_PREDICT_MARK = "**Predict.**"
_WRITE_IT = re.compile(r"(?:^#+ [^\n]*|\*\*[^*\n]*)\bWrite it\b[:.]?\s*(?P<title>[^*\n]*)", re.M)
_QUESTION = re.compile(r"\*\*Q(?P<n>\d+)\.")
_DETAILS = re.compile(r"<details>.*?</details>", re.S)
_PY_BLOCK = re.compile(r"```python\n(?P<code>.*?)```", re.S)
_HINT_LETTERS = re.compile(r"'([a-z])'")


def read_notebook(nb: Any) -> dict:
    """``nb`` as a dict: a path to an ``.ipynb`` file is read; a dict (or an
    nbformat NotebookNode) is returned as it is."""
    if isinstance(nb, (str, Path)):
        return json.loads(Path(nb).read_text(encoding="utf-8"))
    if isinstance(nb, dict):
        return nb
    raise TypeError(f"expected a notebook dict or a path to an .ipynb file, got {type(nb).__name__}")


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _answer_line(src: str) -> re.Match | None:
    """The ``my_prediction = ...`` line of a Predict answer cell (with or
    without the workbook's stop under it), or None."""
    lines = src.strip().split("\n")
    if len(lines) == 2 and lines[1].strip() == GATE_LINE:
        lines = lines[:1]
    return _ANSWER.match(lines[0]) if len(lines) == 1 else None


def _options(text: str) -> tuple[tuple[str, str], ...]:
    """The ``(a) ...``, ``(b) ...`` choices in a Predict question, or () when
    there are none (a number is asked for) or they are not a, b, c, ... in order."""
    text = text.split(_PREDICT_MARK, 1)[-1]
    found = list(_OPTION.finditer(text))
    out = []
    for k, m in enumerate(found):
        end = found[k + 1].start() if k + 1 < len(found) else len(text)
        body = text[m.end() : end].split("\n", 1)[0]
        if k + 1 == len(found):  # the last choice ends with its sentence
            body = re.split(r"(?<=[.!?])\s+(?=[A-Z])", body, maxsplit=1)[0]
        out.append((m.group("letter"), body.strip().rstrip(";.").strip()))
    letters = [letter for letter, _ in out]
    if letters != [chr(ord("a") + k) for k in range(len(letters))]:
        return ()
    return tuple(out)


def _solution(cells: list[dict], start: int, function: str) -> tuple[int | None, str | None]:
    """The first markdown cell after ``start`` and, inside its <details>, the
    python block that defines ``function``."""
    for j in range(start + 1, len(cells)):
        if cells[j].get("cell_type") != "markdown":
            continue
        for details in _DETAILS.findall(_source(cells[j])):
            for block in _PY_BLOCK.finditer(details):
                if re.search(rf"^def {re.escape(function)}\(", block.group("code"), re.M):
                    return j, block.group("code")
        return None, None
    return None, None


def exercises(nb: Any) -> Exercises:
    """Every Predict, Write-it and check-yourself answer of a notebook (a dict
    or a path), found by the conventions in this module's docstring."""
    cells = read_notebook(nb).get("cells", [])
    predicts, write_its, answers, examples = [], [], [], []
    last_md: dict[str, int] = {}  # the last markdown cell with "Predict", "Write it", "QN"
    open_predict: tuple[int, re.Match] | None = None
    for i, cell in enumerate(cells):
        src = _source(cell)
        if cell.get("cell_type") == "markdown":
            if _PREDICT_MARK in src:
                last_md["predict"] = i
            if _WRITE_IT.search(src):
                last_md["write"] = i
            for m in _QUESTION.finditer(src):
                last_md[f"q{m.group('n')}"] = i
            continue
        if cell.get("cell_type") != "code":
            continue
        answer = _answer_line(src)
        if answer is not None:
            open_predict = (i, answer)
            continue
        call = _PREDICT_CALL.search(src)
        if call and open_predict is not None:
            a, m = open_predict
            q = last_md.get("predict")
            q = q if q is not None and q < a else None
            predicts.append(
                Predict(
                    question_cell=q,
                    answer_cell=a,
                    check_cell=i,
                    checker=call.group("checker"),
                    options=_options(_source(cells[q])) if q is not None else (),
                    hint=(m.group("hint") or "").strip(),
                    value=m.group("value").strip(),
                    gated=GATE_LINE in _source(cells[a]),
                    answer_id=cells[a].get("id"),
                    check_id=cell.get("id"),
                )
            )
            open_predict = None
            continue
        q_answer = _Q_ANSWER.match(src.strip())
        if q_answer:
            n = int(q_answer.group("n"))
            answers.append(
                Answer(
                    question_cell=last_md.get(f"q{n}"),
                    cell=i,
                    number=n,
                    name=q_answer.group("name"),
                    checker=q_answer.group("checker"),
                    value=q_answer.group("value").strip(),
                    cell_id=cell.get("id"),
                )
            )
            continue
        defined = set(_DEF.findall(src))
        for check in _CHECK_CALL.finditer(src):
            function = check.group("arg")
            if function in defined:
                title_md = last_md.get("write")
                title = ""
                if title_md is not None:
                    title = _WRITE_IT.search(_source(cells[title_md])).group("title").strip(" .")
                sol_cell, sol = _solution(cells, i, function)
                write_its.append(
                    WriteIt(
                        cell=i,
                        function=function,
                        checker=check.group("checker"),
                        title=title,
                        solution_cell=sol_cell,
                        solution=sol,
                        cell_id=cell.get("id"),
                    )
                )
                break
        else:
            if _Q_CALL.search(src) and not _USES_PREDICTION.search(src):
                examples.append(i)
    return Exercises(tuple(predicts), tuple(write_its), tuple(answers), tuple(examples))


def problems(nb: Any) -> list[str]:
    """What in a notebook looks like an exercise but breaks the conventions
    (see the module docstring), one sentence per problem; [] when all is well."""
    cells = read_notebook(nb).get("cells", [])
    found = exercises({"cells": cells})
    out: list[str] = []
    predict_cells = {p.answer_cell for p in found.predicts} | {p.check_cell for p in found.predicts}
    write_cells = {w.cell for w in found.write_its}
    answer_cells = {a.cell for a in found.answers}

    def where(i: int) -> str:
        return f"cell {i}" + (f" (id {cells[i]['id']})" if cells[i].get("id") else "")

    for i, cell in enumerate(cells):
        src = _source(cell)
        if cell.get("cell_type") == "markdown":
            continue
        if _USES_PREDICTION.search(src) and i not in predict_cells:
            out.append(
                f"{where(i)} uses my_prediction but is neither a Predict's answer cell "
                "(exactly `my_prediction = None   # hint`) nor its check "
                "(`lesson.predict_...(my_prediction)` after the answer cell)"
            )
        if re.search(r"\banswer_q\d+\b", src) and i not in answer_cells:
            out.append(
                f"{where(i)} uses answer_qN but is not `answer_qN = None   # hint` "
                "followed by the line `lesson.check_qN(answer_qN)`"
            )
        if re.search(r"^lesson\.(check|predict)_\w+\(", src, re.M) and not (
            i in predict_cells | write_cells | answer_cells or i in found.examples
        ):
            out.append(
                f"{where(i)} calls a lesson checker but is no Predict check, Write-it "
                "(`def f(...)` and `lesson.check_...(f)`) or check-yourself answer"
            )
        if re.search(r"# your code here|fix me", src) and i not in write_cells:
            out.append(
                f"{where(i)} has `# your code here` or `fix me` but no `lesson.check_...(f)` on a function it defines"
            )
    for p in found.predicts:
        if p.value != "None":
            out.append(f"{where(p.answer_cell)}: the Predict answer cell must assign None, not {p.value}")
        if p.question_cell is None:
            out.append(f"{where(p.answer_cell)}: no markdown cell with **Predict.** before this answer cell")
        hinted = tuple(_HINT_LETTERS.findall(p.hint))
        if hinted and hinted != p.letters[: len(hinted)]:
            out.append(
                f"{where(p.answer_cell)}: its comment offers {', '.join(hinted)} but the question's "
                f"choices are {', '.join(p.letters) or 'not (a), (b), ... in order'}"
            )
    n_marks = sum(_source(c).count(_PREDICT_MARK) for c in cells if c.get("cell_type") == "markdown")
    if n_marks != len(found.predicts):
        out.append(
            f"{n_marks} markdown **Predict.** marks but {len(found.predicts)} complete Predicts "
            "(answer cell, then a check cell); every Predict needs both"
        )
    n_write = sum(len(_WRITE_IT.findall(_source(c))) for c in cells if c.get("cell_type") == "markdown")
    if n_write != len(found.write_its):
        out.append(
            f"{n_write} markdown 'Write it' headings but {len(found.write_its)} Write-it code cells "
            "(`def f(...)` and `lesson.check_...(f)`)"
        )
    for w in found.write_its:
        if w.solution is None:
            out.append(
                f"{where(w.cell)}: Write-it {w.function} has no solution: the next markdown cell needs "
                f"a <details> block with a ```python block defining {w.function}"
            )
    write_questions = {
        int(m.group(1))
        for c in cells
        if c.get("cell_type") == "markdown"
        for m in re.finditer(r"\*\*Q(\d+)\. Write it\b", _source(c))
    }
    asked = sorted(
        {int(m.group("n")) for c in cells if c.get("cell_type") == "markdown" for m in _QUESTION.finditer(_source(c))}
        - write_questions
    )
    answered = sorted(a.number for a in found.answers)
    if asked != answered:
        out.append(
            f"check-yourself questions {asked} but answer cells for {answered}: each **QN.** needs "
            "a cell `answer_qN = None   # hint` then `lesson.check_qN(answer_qN)`"
        )
    return out
