"""A lesson's answer key: its exercises as the workbook has them, and their right answers.

The class edition and the class report both start from the workbook
(``workbook/NN-slug.ipynb``), parsed by :func:`softmax_lib.editions.exercises`,
the one parser of a lesson's exercise parts.  :class:`AnswerKey` adds what
they need on top: each question's text and options, each Write-it's starting
code and the exact checker call, and the right answer to every Predict and
check-yourself question.

The right answers come from the lesson's own checkers, never from a copy kept
here: a choice question is answered by trying its letters (and sets of
letters) until the checker says right; a number is the value the checker
compares with, read by watching which value it hands to
:func:`softmax_lib.checks.check_number` or
:func:`~softmax_lib.checks.check_prediction` (the helpers every lesson
checker is built from), rounded as far as the checker still accepts.
Either way the answer is then checked with the checker itself.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import importlib
import itertools
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .. import editions

__all__ = [
    "AnswerKey",
    "PredictKey",
    "QuestionKey",
    "WriteItKey",
    "default_workbook",
    "load_keys",
    "literal",
    "plain_text",
]

#: ``from softmax_lib.lessons import lesson01_intuition as lesson`` in a lesson's setup cell.
LESSON_IMPORT = re.compile(r"^from softmax_lib\.lessons import (?P<module>lesson\d\d\w*) as lesson\b", re.M)
_HEADING = re.compile(r"^# (?P<title>.+)$", re.M)


def default_workbook() -> Path:
    """``workbook/`` of the repository this ``softmax_lib`` is installed from (``pip install -e .``)."""
    return Path(__file__).resolve().parents[2] / "workbook"


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


_LATEX = [
    (r"\left", ""),
    (r"\right", ""),
    (r"\operatorname{softmax}", "softmax"),
    (r"\operatorname{logsumexp}", "logsumexp"),
    (r"\varepsilon", "ε"),
    (r"\sigma", "σ"),
    (r"\cdot", "·"),
    (r"\times", "×"),
    (r"\log", "log"),
    (r"\ge", "≥"),
    (r"\le", "≤"),
    (r"\to", "→"),
    (r"\infty", "∞"),
    (r"\text", ""),
    (r"\,", " "),
    (r"\ ", " "),
    (r"\tfrac", ""),
    (r"\frac", ""),
    (r"\sqrt", "√"),
]


def plain_text(markdown: str) -> str:
    """A markdown question as one line of plain text for the report: no ``**`` or blockquote
    marks, maths without its ``$`` (the common LaTeX symbols as characters), code as written.

    >>> plain_text("> **Predict.** At $T \\\\to \\\\infty$, is `naive_softmax` *flat*?")
    'At T → ∞, is naive_softmax flat?'
    >>> plain_text("Where $e^{-x} = e^{800}$ overflows, $\\\\operatorname{softmax}([3, 1])_0$ or `{\\"a\\"}`.")
    'Where e^(-x) = e^(800) overflows, softmax([3, 1])_0 or {"a"}.'
    """
    text = re.sub(r"^\s*>\s?", "", markdown, flags=re.M)
    text = text.replace("**Predict.**", "")
    text = re.sub(r"\*\*Q\d+\.\*\*", "", text)
    out = []
    for part in re.split(r"(`[^`]*`|\$[^$]*\$)", text):
        if part.startswith("`"):  # code, as written
            out.append(part[1:-1])
        elif part.startswith("$"):  # maths
            math = part.strip("$")
            for tex, plain in _LATEX:
                math = math.replace(tex, plain)
            math = re.sub(r"\^\{([^{}]*)\}", r"^(\1)", math)  # e^{-x} -> e^(-x)
            out.append(re.sub(r"[{}]|\\(?=[a-zA-Z])", "", math))
        else:  # prose: no emphasis marks, links as their words
            out.append(re.sub(r"\*+", "", re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", part)))
    return " ".join("".join(out).split())


def literal(value: Any) -> str:
    """The Python source a learner would write for an answer: ``'b'``, ``{'a', 'c'}``, ``0.79``.

    >>> literal({"c", "a"}), literal("b"), literal(0.79), literal(-2.0)
    ("{'a', 'c'}", "'b'", '0.79', '-2.0')
    """
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(repr(v) for v in sorted(value)) + "}"
    return repr(value)


@dataclass(frozen=True)
class PredictKey:
    checker: str  # "predict_shift"
    question: str  # plain text, for the report
    options: tuple[tuple[str, str], ...]  # (("a", "all three go up"), ...); () for a number
    hint: str  # the answer cell's comment
    answer_id: str | None
    check_id: str | None
    answer_line: str  # ``my_prediction = None   # 'a', 'b' or 'c'``

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(letter for letter, _ in self.options)


@dataclass(frozen=True)
class QuestionKey:
    number: int
    name: str  # "answer_q1"
    checker: str  # "check_q1"
    question: str
    options: tuple[tuple[str, str], ...]
    cell_id: str | None
    answer_line: str  # ``answer_q1 = None   # replace None with your number, e.g. 0.42``
    answers_text: str  # the paragraph of the "Show the answers" block about this question ('' if none)

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(letter for letter, _ in self.options)


@dataclass(frozen=True)
class WriteItKey:
    function: str
    checker: str
    title: str
    cell_id: str | None
    source: str  # the workbook's Write-it cell
    solution: str  # the solution's code (defines ``function``)
    call: str  # the checker call as the cell writes it: ``lesson.check_x(fn, more, args)``

    @cached_property
    def starting_code(self) -> str:
        """``ast.dump`` of the workbook's ``def`` (comments and layout ignored): a learner
        whose function dumps the same has not changed the starting code."""
        return function_dump(self.source, self.function) or ""


@functools.lru_cache(maxsize=512)  # a class's unchanged and right functions repeat
def function_dump(source: str, function: str) -> str | None:
    """``ast.dump`` of the last top-level ``def function`` in ``source``, or None
    (no such def, or source that does not parse)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return None
    found = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function]
    return ast.dump(found[-1]) if found else None


def _markdown_segment(markdown: str, start: str, stop: re.Pattern | None) -> str:
    """The text of ``markdown`` from ``start`` up to ``stop`` (or the end)."""
    text = markdown.split(start, 1)[-1]
    if stop is not None:
        m = stop.search(text)
        if m:
            text = text[: m.start()]
    return text


_OPTION_START = re.compile(r"(?:^|(?<=[\s;:>*]))\([a-z]\)\s+", re.M)


def _question_text(markdown: str, mark: str, next_mark: re.Pattern | None) -> str:
    """The question, without its options or anything after a blank line."""
    text = _markdown_segment(markdown, mark, next_mark)
    text = re.sub(r"^\s*>\s?", "", text, flags=re.M)
    text = re.split(r"\n\s*\n", text.strip(), maxsplit=1)[0]
    m = _OPTION_START.search(text)
    if m:
        text = text[: m.start()]
    return plain_text(text.rstrip(" \n*-"))


class AnswerKey:
    """Every exercise of one lesson, read from its workbook notebook, with right answers.

    >>> key = AnswerKey(default_workbook() / "01-intuition.ipynb")
    >>> key.stem, key.module, [p.checker for p in key.predicts]
    ('01-intuition', 'lesson01_intuition', ['predict_shift', 'predict_misprint', 'predict_slope'])
    >>> literal(key.right_prediction(key.predicts[1])), key.right_answer(key.questions[0])
    ("{'b', 'c'}", 0.79)
    """

    def __init__(self, workbook_path: str | Path) -> None:
        path = Path(workbook_path)
        self.path = path
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise ValueError(f"cannot read the workbook lesson {path}: {err}") from None
        self.nb = nb
        cells = nb.get("cells", [])
        self.stem = path.stem
        self.number = self.stem[:2]
        heading = next(
            (
                _HEADING.search(_source(c))
                for c in cells
                if c.get("cell_type") == "markdown" and _HEADING.search(_source(c))
            ),
            None,
        )
        self.title = heading.group("title").strip() if heading else self.stem
        imports = [LESSON_IMPORT.search(_source(c)) for c in cells if c.get("cell_type") == "code"]
        found = next((m for m in imports if m), None)
        self.module = found.group("module") if found else None
        ex = editions.exercises(nb)
        self.exercises = ex
        self.predicts = tuple(self._predict(cells, p) for p in ex.predicts)
        answers_md = "\n".join(
            d
            for c in cells
            if c.get("cell_type") == "markdown"
            for d in re.findall(r"<details>.*?</details>", _source(c), re.S)
            if re.search(r"\*\*Q\d+:\*\*", d)
        )
        self.questions = tuple(self._question(cells, a, answers_md) for a in ex.answers)
        self.write_its = tuple(self._write_it(cells, w) for w in ex.write_its)
        self._right: dict[str, Any] = {}

    # ------------------------------------------------------------ parsing
    @staticmethod
    def _predict(cells: list[dict], p: editions.Predict) -> PredictKey:
        md = _source(cells[p.question_cell]) if p.question_cell is not None else ""
        return PredictKey(
            checker=p.checker,
            question=_question_text(md, "**Predict.**", None),
            options=p.options,
            hint=p.hint,
            answer_id=p.answer_id,
            check_id=p.check_id,
            answer_line=_source(cells[p.answer_cell]).strip().split("\n")[0],
        )

    @staticmethod
    def _question(cells: list[dict], a: editions.Answer, answers_md: str) -> QuestionKey:
        md = _source(cells[a.question_cell]) if a.question_cell is not None else ""
        mark = f"**Q{a.number}.**"
        segment = _markdown_segment(md, mark, re.compile(r"\*\*Q\d+\.\*\*"))
        options = editions._options(editions._PREDICT_MARK + segment)  # the one option parser
        answers = (
            _markdown_segment(answers_md, f"**Q{a.number}:**", re.compile(r"\*\*Q\d+:\*\*|</details>"))
            if f"**Q{a.number}:**" in answers_md
            else ""
        )
        return QuestionKey(
            number=a.number,
            name=a.name,
            checker=a.checker,
            question=_question_text(md, mark, re.compile(r"\*\*Q\d+\.\*\*")),
            options=options,
            cell_id=a.cell_id,
            answer_line=_source(cells[a.cell]).strip().split("\n")[0],
            answers_text=answers,
        )

    def _write_it(self, cells: list[dict], w: editions.WriteIt) -> WriteItKey:
        source = _source(cells[w.cell])
        if w.solution is None:
            raise ValueError(f"{self.path}: Write-it {w.function} has no solution block (see softmax_lib.editions)")
        tree = ast.parse(source)
        calls = [
            n
            for n in tree.body
            if isinstance(n, ast.Expr)
            and isinstance(n.value, ast.Call)
            and ast.unparse(n.value.func) == f"lesson.{w.checker}"
        ]
        if not calls:
            raise ValueError(f"{self.path}: the Write-it cell of {w.function} has no top-level lesson.{w.checker}(...)")
        return WriteItKey(
            function=w.function,
            checker=w.checker,
            title=w.title,
            cell_id=w.cell_id,
            source=source,
            solution=w.solution,
            call=ast.get_source_segment(source, calls[-1].value),
        )

    # ------------------------------------------------------------ the lesson's checkers
    @cached_property
    def lesson(self):
        """The lesson module (``softmax_lib.lessons.lessonNN_slug``), imported."""
        if self.module is None:
            raise ValueError(
                f"{self.path}: no `from softmax_lib.lessons import lessonNN_... as lesson` in its setup cell"
            )
        return importlib.import_module(f"softmax_lib.lessons.{self.module}")

    def checker(self, name: str) -> Callable[..., Any]:
        fn = getattr(self.lesson, name, None)
        if not callable(fn):
            raise ValueError(f"softmax_lib.lessons.{self.module} has no checker {name} (the workbook calls it)")
        return fn

    def verdict(self, name: str, value: Any):
        """Our checker's feedback on an answer (a literal value), with its default arguments."""
        return self.checker(name)(value)

    # ------------------------------------------------------------ right answers
    def right_prediction(self, p: PredictKey) -> Any:
        if p.checker not in self._right:
            self._right[p.checker] = self._find_right(p.checker, p.letters, "")
        return self._right[p.checker]

    def right_answer(self, q: QuestionKey) -> Any:
        if q.checker not in self._right:
            self._right[q.checker] = self._find_right(q.checker, q.letters, q.answers_text)
        return self._right[q.checker]

    def _ok(self, name: str, value: Any) -> bool:
        try:
            return getattr(self.verdict(name, value), "ok", None) is True
        except Exception:  # a candidate the checker cannot take
            return False

    def _find_right(self, name: str, letters: tuple[str, ...], answers_text: str) -> Any:
        if letters:
            for size in range(1, len(letters) + 1):
                for combo in itertools.combinations(letters, size):
                    value = combo[0] if size == 1 else set(combo)
                    if self._ok(name, value):
                        return value
        else:
            for text in re.findall(r"\*\*([^*]+)\*\*", answers_text):  # the author's answer, in bold
                for number in re.findall(r"[−-]?\d+(?:\.\d+)?(?:e[−-]?\d+)?", text):
                    value = float(number.replace("−", "-"))
                    if self._ok(name, value):
                        return int(value) if value.is_integer() else value
            expected = self._expected_number(name)
            if expected is not None:
                for digits in range(1, 13):  # the shortest rounding the checker accepts
                    value = float(f"{expected:.{digits}g}")
                    if self._ok(name, value):
                        return int(value) if value.is_integer() and abs(value) < 1e15 else value
        raise ValueError(
            f"lesson {self.stem}: no right answer found for lesson.{name}: none of its options or the "
            "value it compares with passes the checker itself. Check the question's (a), (b), ... options "
            "and the checker."
        )

    def _spy(self, name: str) -> list[tuple[float, dict]]:
        """The numbers ``lesson.name`` compares an answer with (the ``expected`` it hands to
        ``check_number``, the ``correct`` it hands to ``check_prediction``), with the other
        arguments of that call, found by running the checker on a far-off number."""
        seen: list[tuple[float, dict]] = []
        module = self.lesson

        def spy(real):
            def wrapper(answer, target, *args, **kwargs):
                if isinstance(target, (int, float)) and not isinstance(target, bool):
                    seen.append((float(target), kwargs))
                return real(answer, target, *args, **kwargs)

            return wrapper

        with contextlib.ExitStack() as stack:
            for helper in ("check_number", "check_prediction"):
                real = getattr(module, helper, None)
                if callable(real):
                    setattr(module, helper, spy(real))
                    stack.callback(setattr, module, helper, real)
            with contextlib.suppress(Exception):
                self.checker(name)(-987654.321)
        return [(v, kw) for v, kw in seen if math.isfinite(v)]

    def _expected_number(self, name: str) -> float | None:
        found = self._spy(name)
        return found[0][0] if found else None

    def known_mistakes(self, name: str) -> list[float]:
        """The wrong numbers ``lesson.name`` has a hint for (its ``Near`` mistakes), or []."""
        found = self._spy(name)
        return [float(m.value) for m in found[0][1].get("mistakes", ())] if found else []

    def __repr__(self) -> str:
        return (
            f"AnswerKey({self.stem}: {len(self.predicts)} Predicts, {len(self.write_its)} Write-its, "
            f"{len(self.questions)} questions)"
        )


def load_keys(workbook: str | Path | None = None) -> dict[str, AnswerKey]:
    """An answer key for every workbook lesson that has exercises, by stem (``"01-intuition"``)."""
    folder = Path(workbook) if workbook is not None else default_workbook()
    if not folder.is_dir():
        raise FileNotFoundError(
            f"no workbook folder at {folder}: run this from a clone of the course repository "
            "(with softmax_lib installed from it, `pip install -e .`), or pass --workbook PATH/TO/workbook"
        )
    keys = {}
    for path in sorted(folder.glob("[0-9][0-9]-*.ipynb")):
        key = AnswerKey(path)
        if key.predicts or key.write_its or key.questions:
            keys[key.stem] = key
    if not keys:
        raise FileNotFoundError(f"{folder} has no lesson with exercises (NN-slug.ipynb files)")
    return keys
