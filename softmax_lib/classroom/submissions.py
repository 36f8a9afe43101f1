"""Read a class's lesson notebooks without running them and without changing them.

:func:`read_submission` takes one ``.ipynb`` file and returns what the class
report needs from it: each Predict's and check-yourself answer as written
(a literal value, read with :func:`ast.literal_eval`; a computed answer is
not evaluated), and what the checkers printed, read from the stored outputs
(the workbook's checker cells, or the class edition's test cells as nbgrader's
autograde stored them).  No learner's code is executed.

It works on the workbook, the book and the class edition alike (released,
submitted or autograded), because it finds each exercise by the checker its
cells call (``lesson.predict_shift(my_prediction)``,
``lesson.check_q1(answer_q1)``, ``lesson.check_x(function, ...)``), not by
cell positions.  A file that cannot be read, has no cells or belongs to
another lesson comes back with ``problem`` set, never as an exception.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..editions import has_prediction
from .answer_key import LESSON_IMPORT, AnswerKey, function_dump

__all__ = ["Stored", "Answer", "WriteItResult", "Submission", "read_submission", "parse_feedback", "MISSING"]

MARKS = {"✓": True, "✗": False, "…": None}
MISSING = "missing"  # no answer cell at all
BLANK = "blank"  # the answer is still None (or '', set(), ...)
LITERAL = "literal"  # a value written out: 'b', {"a", "c"}, 0.79
COMPUTED = "computed"  # an expression we do not evaluate: np.exp(2) / ...

_PREDICT_CALL = re.compile(r"\blesson\.(?P<checker>predict_\w+)\(\s*my_prediction\b")
_Q_CALL = re.compile(r"\blesson\.(?P<checker>check_q(?P<n>\d+))\(\s*answer_q(?P=n)\b")
_ROW = re.compile(r"^  (?P<mark>[✓✗…]) (?P<name>.*?): (?P<what>.*)$")


@dataclass(frozen=True)
class Stored:
    """A checker's verdict as a notebook stored it."""

    ok: bool | None
    title: str
    detail: str = ""
    rows: tuple[tuple[bool | None, str, str], ...] = ()
    error: str = ""  # "SyntaxError" etc. when the cell raised something else than a checker's verdict

    @property
    def first_failure(self) -> str:
        """The first failing case's name, or the verdict's title, or the error."""
        for ok, name, _ in self.rows:
            if ok is False:
                return name
        return self.title

    @property
    def mistake(self) -> str:
        """What went wrong at the first failing case, without its numbers: the mistake the
        checker recognised ("which is the logits divided by their sum: ...") or the kind of
        failure ("returned wrong values", "raised TypeError: ..."); '' if no case failed.

        >>> Stored(False, "1 of 2 cases failed", rows=((True, "a", "right"), (False, "[2, 1]",
        ...     "returned wrong values: [0.6 0.3] instead of [0.7 0.3], which is e^z before step 2"))).mistake
        'which is e^z before step 2'
        """
        for ok, _, what in self.rows:
            if ok is False:
                if ", which " in what:
                    return "which " + what.split(", which ", 1)[1]
                return re.sub(
                    r"\[[^\]]*\]|-?\d+(\.\d+)?(e[-+]?\d+)?",
                    "…",
                    what.split(":", 1)[0] if what.startswith("returned wrong values") else what,
                )
        return ""


def parse_feedback(text: str) -> Stored | None:
    """A Feedback's plain-text form (``✓ Right: 0.79.\\n  why``, with ``  ✗ case: what``
    rows for a function) read back; None if ``text`` is not one.

    >>> parse_feedback("✗ 1 of 6 cases failed. The first: [1, 2]\\n  It returned None. Hint: add a return.\\n"
    ...                "  ✓ [0, 1]: right\\n  ✗ [1, 2]: returned None").first_failure
    '[1, 2]'
    >>> parse_feedback("✓ Right: 0.79.\\n  e^2 / total").ok, parse_feedback("array([1, 2])")
    (True, None)
    """
    text = text.strip("\n")
    if not text or text[0] not in MARKS or text[1:2] != " ":
        return None
    lines = text.split("\n")
    title = lines[0][2:].strip()
    detail, rows = [], []
    for line in lines[1:]:
        m = _ROW.match(line)
        if m:
            rows.append((MARKS[m.group("mark")], m.group("name"), m.group("what")))
        elif not rows:
            detail.append(line.strip())
    return Stored(MARKS[text[0]], title, " ".join(d for d in detail if d), tuple(rows))


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def cell_verdict(cell: dict) -> Stored | None:
    """What a checker printed in this cell, or None (no outputs, or none from a checker)."""
    found = None
    for out in cell.get("outputs") or []:
        if not isinstance(out, dict):
            continue
        kind = out.get("output_type")
        if kind in ("execute_result", "display_data"):
            parsed = parse_feedback(_text((out.get("data") or {}).get("text/plain", "")))
            if parsed is not None:
                found = parsed
        elif kind == "stream" and out.get("name") == "stdout":
            for line in _text(out.get("text")).split("\n"):
                if line.startswith("✓ "):  # softmax_lib.classroom.grade printing a pass
                    found = Stored(True, line[2:].strip())
        elif kind == "error":
            ename, evalue = str(out.get("ename", "")), str(out.get("evalue", ""))
            if ename == "WrongAnswer":  # softmax_lib.classroom.grade: the checker's feedback
                found = parse_feedback(evalue) or Stored(False, evalue.split("\n")[0])
            elif ename == "PredictFirst":
                continue
            else:
                first = evalue.strip().split("\n")[0][:160]
                first = re.sub(r" \([^()]*, line \d+\)$", "", first)  # a SyntaxError's cell file and line
                found = Stored(False, f"{ename}: {first}" if first else ename, error=ename)
    return found


@dataclass
class Answer:
    """One Predict or check-yourself answer of one learner."""

    state: str  # MISSING, BLANK, LITERAL or COMPUTED
    value: Any = None  # the literal value
    source: str = ""  # the answer's expression as written
    stored: Stored | None = None  # the checker's stored verdict, if the cell ran


@dataclass
class WriteItResult:
    state: str  # "passed", "failed" or "not run"
    stored: Stored | None = None
    changed: bool = False  # the function differs from the starting code
    defined: bool = False  # the notebook defines the function at all


@dataclass
class Submission:
    path: Path
    learner: str
    lesson: str | None = None  # the stem, "01-intuition"
    problem: str = ""  # why it cannot be counted: "unreadable: ...", "empty", "other lesson: ..."
    predictions: dict[str, Answer] = field(default_factory=dict)
    answers: dict[str, Answer] = field(default_factory=dict)  # by checker, "check_q1"
    write_its: dict[str, WriteItResult] = field(default_factory=dict)  # by function
    has_outputs: bool = False
    mtime: float = 0.0

    @property
    def started(self) -> bool:
        return (
            any(a.state in (LITERAL, COMPUTED) for a in self.predictions.values())
            or any(a.state in (LITERAL, COMPUTED) for a in self.answers.values())
            or any(w.changed for w in self.write_its.values())
        )


def _assigned(src: str, name: str) -> Answer | None:
    """The last top-level ``name = ...`` in ``src``: its value if a literal."""
    lines = [line for line in src.split("\n") if line.startswith(name)]
    last = re.match(rf"{re.escape(name)}\s*=(?!=)(?P<value>.*)$", lines[-1]) if lines else None
    if last is not None:  # the usual one-line answer: parse that line alone
        try:
            node = ast.parse(last.group("value").strip(), mode="eval").body
        except (SyntaxError, ValueError):
            node = None  # an expression over several lines: read the whole cell
        if node is not None:
            return _answer_from(node, ast.unparse(node) if not isinstance(node, ast.Constant) else repr(node.value))
    try:
        tree = ast.parse(src)
    except (SyntaxError, ValueError):
        return Answer(COMPUTED, source="(the cell does not parse)")
    found = None
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets) and node.value is not None:
                found = node.value
    if found is None:
        return None
    return _answer_from(found, ast.get_source_segment(src, found) or "")


def _answer_from(node: ast.AST, text: str) -> Answer:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return Answer(COMPUTED, source=text)
    return Answer(LITERAL if has_prediction(value) else BLANK, value=value, source=text)


def _is_grade_cell(cell: dict) -> bool:
    meta = (cell.get("metadata") or {}).get("nbgrader") or {}
    return bool(meta.get("grade")) and not meta.get("solution")


def _learner(path: Path, root: Path) -> str:
    try:
        rel = path.relative_to(root)
    except ValueError:
        return path.stem
    return rel.parts[0] if len(rel.parts) >= 2 else path.stem


def lesson_of(nb: dict, path: Path, modules: dict[str, str]) -> str | None:
    """The lesson a notebook belongs to: from its setup cell's ``lessonNN_slug`` import,
    else from a ``NN-slug`` file name."""
    for cell in nb.get("cells", [])[:40]:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            m = LESSON_IMPORT.search(_text(cell.get("source")))
            if m:
                return modules.get(m.group("module"), m.group("module"))
    m = re.match(r"(\d\d-[\w-]+?)(?:[ _.(-].*)?$", path.stem)
    if m and m.group(1) in modules.values():
        return m.group(1)
    return None


def read_submission(path: Path, root: Path, key: AnswerKey | None, modules: dict[str, str]) -> Submission:
    """One notebook, read for the report (``key``: the lesson being reported, or None
    to find out only which lesson the file is)."""
    sub = Submission(path=path, learner=_learner(path, root))
    try:
        sub.mtime = path.stat().st_mtime
        raw = path.read_bytes()
    except OSError as err:
        sub.problem = f"unreadable: {err.strerror or err}"
        return sub
    if not raw.strip():
        sub.problem = "empty file (0 bytes)" if not raw else "empty file (only whitespace)"
        return sub
    try:
        nb = json.loads(raw)
    except (ValueError, RecursionError) as err:
        sub.problem = f"unreadable: not a notebook (invalid JSON: {str(err)[:80]})"
        return sub
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        sub.problem = "unreadable: JSON, but not a notebook (no list of cells)"
        return sub
    cells = [c for c in nb["cells"] if isinstance(c, dict)]
    if not cells:
        sub.problem = "empty notebook (no cells)"
        return sub
    sub.lesson = lesson_of(nb, path, modules)
    if sub.lesson is None:
        sub.problem = "not a lesson notebook (no `from softmax_lib.lessons import ... as lesson`)"
        return sub
    if key is None:
        return sub
    if sub.lesson != key.stem:
        sub.problem = f"another lesson: {sub.lesson}"
        return sub
    _extract(sub, cells, key)
    return sub


def _extract(sub: Submission, cells: list[dict], key: AnswerKey) -> None:
    functions = {w.function: w for w in key.write_its}
    checker_of = {w.checker: w.function for w in key.write_its}
    write_call = re.compile(
        r"\blesson\.(?P<checker>" + "|".join(map(re.escape, checker_of) or ["$^"]) + r")\(\s*(?P<arg>\w+)"
    )
    prediction: Answer | None = None
    latest: dict[str, Answer] = {}
    defs: dict[str, str] = {}
    stored_w: dict[str, tuple[bool, Stored | None]] = {}
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        src = _text(cell.get("source"))
        if cell.get("outputs"):
            sub.has_outputs = True
        if "my_prediction" in src:
            if re.search(r"^\s*my_prediction\s*(?::[^=]*)?=", src, re.M):
                prediction = _assigned(src, "my_prediction") or prediction
            m = _PREDICT_CALL.search(src)
            if m:
                answer = prediction or Answer(MISSING)
                sub.predictions[m.group("checker")] = Answer(
                    answer.state, answer.value, answer.source, cell_verdict(cell)
                )
                prediction = None
        if "answer_q" in src:
            for name in set(re.findall(r"^\s*(answer_q\d+)\s*(?::[^=]*)?=", src, re.M)):
                found = _assigned(src, name)
                if found is not None:
                    latest[name] = found
            for m in _Q_CALL.finditer(src):
                checker, name = m.group("checker"), f"answer_q{m.group('n')}"
                verdict = cell_verdict(cell)
                old = sub.answers.get(checker)
                grade = _is_grade_cell(cell)
                if old is None:
                    a = latest.get(name, Answer(MISSING))
                    sub.answers[checker] = Answer(a.state, a.value, a.source, verdict)
                elif verdict is not None and (grade or old.stored is None):
                    old.stored = verdict  # the test cell's verdict wins: nbgrader ran it last
        if "def " in src:
            for function in functions:
                if re.search(rf"^def {re.escape(function)}\(", src, re.M):
                    defs[function] = src
        if "lesson.check_" in src:
            for m in write_call.finditer(src):
                function = checker_of[m.group("checker")]
                if m.group("arg") != function:
                    continue
                verdict = cell_verdict(cell)
                grade = _is_grade_cell(cell)
                old_grade, old = stored_w.get(function, (False, None))
                if verdict is None or (old_grade and not grade):
                    continue
                if grade and verdict.error == "NameError" and old is not None and old.error:
                    continue  # the test found no function because its cell raised: keep that cell's error
                stored_w[function] = (grade, verdict)
    for w in key.write_its:
        src = defs.get(w.function)
        dump = function_dump(src, w.function) if src is not None else None
        stored = stored_w.get(w.function, (False, None))[1]
        state = "not run" if stored is None else ("passed" if stored.ok is True else "failed")
        sub.write_its[w.function] = WriteItResult(
            state=state,
            stored=stored,
            defined=src is not None,
            changed=src is not None and dump != w.starting_code,
        )
    for p in key.predicts:
        sub.predictions.setdefault(p.checker, Answer(MISSING))
    for q in key.questions:
        sub.answers.setdefault(q.checker, Answer(MISSING))
