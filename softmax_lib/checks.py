"""Feedback for "check yourself" exercises.

A checker takes the learner's answer and returns a :class:`Feedback`, which
shows as a coloured box in Jupyter and as plain text elsewhere.  A wrong answer
gets a hint aimed at the mistake that most likely produced it, not just
``False``.  Lesson modules build their checkers from :func:`check_number` and
:func:`check_choice`, their **Predict** checkpoints from
:func:`check_prediction`, and their **Write it** exercises from
:func:`check_function`, which runs a learner's function on a table of
ordinary, hostile and property cases and explains the first failure.

A Write-it checker never hangs the kernel: each case runs in a worker thread
with a time limit (:data:`TIME_LIMIT` seconds unless the checker or the case
says otherwise).  A pure-Python endless loop is stopped; a call that cannot be
interrupted (``time.sleep(1000)``) is left running in the background, and the
feedback says which of the two happened.  This works the same on Linux, macOS
and Windows (no signals are used).
"""

from __future__ import annotations

import contextvars
import ctypes
import dataclasses
import dis
import html
import inspect
import math
import numbers
import os
import re
import sys
import sysconfig
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from softmax_lib.formatting import fmt_array as short  # an array on one line, 3 decimals

__all__ = [
    "Feedback",
    "CodeFeedback",
    "Case",
    "CaseResult",
    "check_number",
    "check_choice",
    "check_prediction",
    "check_function",
    "expect_array",
    "Near",
    "STYLES",
    "short",
    "signature_problem",
    "form_hint",
    "probe",
    "WARNED_HINT",
    "SILENCED_HINT",
    "FORBIDDEN_HINT",
    "forbidden_call",
    "TIME_LIMIT",
    "harmless_match",
]

#: Background, accent colour and mark for right (True), wrong (False) and no answer (None).
#: The accents are the Okabe-Ito green, vermillion and blue, darkened (same hue) until the mark
#: and the title reach WCAG 2 AA, 4.5:1, on every box background (tests/test_checks_fairness.py).
STYLES = {
    True: ("#e6f4ea", "#007857", "✓"),
    False: ("#fdecea", "#AD4C00", "✗"),
    None: ("#eef3f8", "#0072B2", "…"),
}

#: Seconds a learner's function may run on one case before it is stopped.  A teacher on a
#: slow server can raise it for the whole session: ``softmax_lib.checks.TIME_LIMIT = 10``.
TIME_LIMIT = 3.0

#: Longest exception message, repr or row text a feedback quotes (characters).
_MAX_QUOTE = 300
_MAX_ROW = 1000


# ---------------------------------------------------------------- text that cannot crash a checker
def _clip(text: str, limit: int = _MAX_QUOTE) -> str:
    """``text`` cut to ``limit`` characters, saying how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters in all)"


def _type_name(obj: Any) -> str:
    try:
        return _clip(str(type(obj).__name__), 60)
    except Exception:  # a metaclass whose __name__ misbehaves
        return "object"


def _safe_repr(obj: Any, width: int = 60) -> str:
    """``repr(obj)`` cut to ``width`` characters; never raises, even for an object whose
    ``__repr__`` raises (a 401-digit integer stays readable, a 50 MB repr stays short)."""
    try:
        text = repr(obj)
        if not isinstance(text, str):
            raise TypeError("__repr__ returned a non-string")
    except Exception as err:  # the learner's object: its __repr__ may do anything
        return f"<{_type_name(obj)} whose repr() raised {_type_name(err)}>"
    return text if len(text) <= width else text[: width - 3] + "..."


def _safe_str(obj: Any, limit: int = _MAX_QUOTE) -> str:
    """``str(obj)``, clipped to ``limit`` characters; never raises."""
    try:
        text = str(obj)
        if not isinstance(text, str):
            raise TypeError("__str__ returned a non-string")
    except Exception as err:  # e.g. an exception whose __str__ raises
        return f"(its message cannot be shown: str() of it raised {_type_name(err)})"
    return _clip(text, limit)


def _describe_error(err: BaseException) -> str:
    """``"raised ValueError: its message"``, short and safe."""
    message = _safe_str(err).rstrip(" .")
    return f"raised {_type_name(err)}" + (f": {message}" if message else "")


# ---------------------------------------------------------------- Feedback
@dataclass(frozen=True)
class Feedback:
    """The result of checking an answer.

    Attributes
    ----------
    ok : bool or None
        True if right, False if wrong, None if there is no answer yet.
    title : str
        One line: what the verdict is.
    detail : str
        Why: the explanation for a right answer, a hint for a wrong one.
    """

    ok: bool | None
    title: str
    detail: str = ""

    def __bool__(self) -> bool:
        return bool(self.ok)

    def __repr__(self) -> str:
        mark = STYLES[self.ok][2]
        return f"{mark} {self.title}" + (f"\n  {self.detail}" if self.detail else "")

    def _repr_html_(self) -> str:
        bg, fg, mark = STYLES[self.ok]
        detail = f"<div style='margin-top:4px'>{html.escape(self.detail)}</div>" if self.detail else ""
        return (
            f"<div style='background:{bg};border-left:6px solid {fg};padding:8px 12px;"
            f"font-size:1.05em;color:#222'><b style='color:{fg}'>{mark} "
            f"{html.escape(self.title)}</b>{detail}</div>"
        )


@dataclass(frozen=True)
class Near:
    """A known wrong value and the hint for the mistake that produces it."""

    value: float
    hint: str
    tol: float | None = None


# ---------------------------------------------------------------- numbers
def _one_number_inside(answer: Any) -> tuple[Any, str] | None:
    """For an array or list that holds exactly one number: (that number, a note telling the
    learner to pass the number itself); else None."""
    if isinstance(answer, np.ndarray):
        if answer.ndim == 0 or answer.size != 1 or answer.dtype.kind not in "biufc":
            return None
        inner, kind, how = answer, "a NumPy array", "float(x) or x.item()"
    elif isinstance(answer, (list, tuple)) and len(answer) == 1:
        try:
            inner = np.asarray(answer)
        except Exception:  # a list of objects NumPy cannot read
            return None
        if inner.size != 1 or inner.dtype.kind not in "biufc":
            return None
        kind, how = f"a {type(answer).__name__}", "x[0]"
    else:
        return None
    note = (
        f"(Your answer {_safe_repr(answer, 40)} is {kind} holding one number; the question asks for the "
        f"number itself: use {how}.)"
    )
    return inner.reshape(-1)[0], note


def _as_real(answer: Any, what: str) -> tuple[float, str, str]:
    """``(float(answer), "", note)``, or ``(nan, what is wrong, note)`` for an answer that is not a
    real number a float can hold.  ``note`` is non-empty for a one-element array or list."""
    note = ""
    inside = _one_number_inside(answer)
    if inside is not None:
        answer, note = inside
    shown = _safe_repr(answer, 40)
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer[()]  # a 0-d array: look at the number inside
    if isinstance(answer, (bool, np.bool_)):
        return math.nan, f"Expected {what}, got bool {answer}: True and False are not numbers here.", note
    if isinstance(answer, bytes):
        return math.nan, f"Expected {what}, got bytes {shown}: write the number without quotes.", note
    if isinstance(answer, str):  # '0.88' is a number typed in quotes: read it; 'abc' is not
        try:
            value = float(answer.strip().replace("−", "-"))
        except ValueError:
            return math.nan, f"Expected {what}, got str {shown}: write a number, e.g. 0.25, without quotes.", note
        if not math.isfinite(value):
            return math.nan, f"{shown} is not a finite number.", note
        return value, "", note
    if isinstance(answer, numbers.Complex) and not isinstance(answer, numbers.Real):
        return math.nan, (f"{shown} is a complex number; the answer is a real number (no imaginary part j)."), note
    if isinstance(answer, np.ndarray) and answer.size > 1:
        return (
            math.nan,
            (
                f"Expected {what}, got an array of {answer.size} numbers, {shown}: give the one number "
                "the question asks for, e.g. x[i] or float(...)."
            ),
            note,
        )
    try:
        return float(answer), "", note
    except OverflowError:
        return math.nan, f"{shown} is too large for a float (above about 1.8e308): check the exponent.", note
    except Exception:  # TypeError, ValueError, or whatever a learner's __float__ raises
        return math.nan, f"Expected {what}, got {_type_name(answer)} {shown}.", note


def _distinct(x: float, other: float) -> str:
    """``x`` with enough significant digits (at least 6, like ``:g``) to differ from ``other``."""
    for digits in range(6, 18):
        text = f"{x:.{digits}g}"
        if text != f"{other:.{digits}g}":
            return text
    return repr(x)


def check_number(
    answer: Any,
    expected: float,
    *,
    tol: float,
    why: str,
    mistakes: Sequence[Near] = (),
    hint: str = "",
    what: str = "a number",
) -> Feedback:
    """Check a numeric answer against ``expected`` within ``tol``.

    ``mistakes`` lists values that common errors produce, each with a hint;
    the first one the answer is close to gives the feedback.

    Python and NumPy numbers, ``Fraction`` and 0-d arrays are accepted; an array
    or list holding one number is judged by that number, with a note to pass the
    number itself (``float(x)``).  A number in quotes (``'0.88'``) is read as
    that number; any other string, a bool, a complex number (``0.8808 + 5j``,
    even with a zero imaginary part), a number too large for a float
    (``10**400``), NaN and inf are wrong answers whose feedback says why; none
    of them raises.  A wrong answer is shown with enough digits to differ from
    the right one, and a near miss is told the tolerance.

    >>> check_number(0.8808000001, 0.8808, tol=0, why="")
    ✗ Not quite: 0.8808000001.
    >>> check_number(0.8816, 0.8808, tol=5e-4, why="").title
    'Not quite: 0.8816 (close, but the answer must be within ±0.0005).'
    """
    if answer is None or answer is Ellipsis:
        return Feedback(None, f"No answer yet: replace None with {what}.", hint)
    value, problem, note = _as_real(answer, what)

    def with_note(text: str) -> str:
        return f"{text} {note}".strip() if note else text

    if problem:
        return Feedback(False, problem, with_note(hint))
    answer = value
    if not math.isfinite(answer):
        return Feedback(False, f"{answer} is not a finite number.", with_note(hint))
    if abs(answer - expected) <= tol:
        return Feedback(True, f"Right: {answer:g}.", with_note(why))
    shown = _distinct(answer, expected)
    for m in mistakes:
        if abs(answer - m.value) <= (m.tol if m.tol is not None else tol):
            return Feedback(False, f"Not quite: {shown}.", with_note(m.hint))
    if tol > 0 and abs(answer - expected) <= 10 * tol:
        return Feedback(False, f"Not quite: {shown} (close, but the answer must be within ±{tol:g}).", with_note(hint))
    return Feedback(False, f"Not quite: {shown}.", with_note(hint))


# ---------------------------------------------------------------- choices
#: Words learners put around their letters: "both a and c", "options a & c", "the answer is c".
_FILLER = frozenset({"and", "both", "only", "option", "options", "answer", "answers", "is", "are", "the"})
#: Words that leave the choice open, name what is NOT chosen, or give a range: read as ambiguous.
_OPEN = frozenset({"or", "either", "maybe", "perhaps", "/", "|"})
_NEGATION = frozenset({"not", "no", "none", "except", "but", "without"})
_RANGE = frozenset({"-", "to", "through", "..."})
_TOKEN = re.compile(r"\.\.\.|[^\W_]+|[/|\-]")


def _parse_choice(text: str, options: Sequence[str]) -> tuple[set[str], list[str], str | None]:
    """Read one answer string: (chosen options, unknown words, the first ambiguous word or None).

    Brackets, braces, quotes, full stops, commas, ``&``, ``+`` and "and" separate letters;
    "ac" is a and c when every option is a single letter.
    """
    text = text.translate(str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "−": "-", "–": "-", "—": "-"}))
    chosen: set[str] = set()
    unknown: list[str] = []
    ambiguous = None
    single = bool(options) and all(len(o) == 1 for o in options)
    for token in _TOKEN.findall(text.lower()):
        if token in options:
            chosen.add(token)
        elif token in _FILLER:
            continue
        elif token in _OPEN or token in _NEGATION or token in _RANGE:
            ambiguous = ambiguous or token
        elif single and all(ch in options for ch in token):
            chosen.update(token)  # "ac": a and c
        elif not options:  # without a list of options, any other word counts as a letter
            chosen.add(token)
        else:
            unknown.append(token)
    return chosen, unknown, ambiguous


def _example(options: Sequence[str]) -> str:
    if len(options) >= 3:
        return f"'{options[1]}' or '{options[0]}, {options[2]}'"
    return "'b' or 'a, c'"


def check_choice(
    answer: Any,
    correct: str | set[str],
    *,
    why: str,
    hints: dict[str, str] | None = None,
    options: Sequence[str] = (),
) -> Feedback:
    """Check a multiple-choice answer given as a letter (``"b"``) or a set of
    letters (``{"a", "c"}``) for questions with several right options.

    Letters are read as learners write them: upper case, ``'(c)'``, ``'c.'``,
    ``"'c'"``, ``frozenset({'c'})``, and for several options ``'a, c'``,
    ``'a and c'``, ``'ac'``, ``'{a, c}'``, ``'a & c'``, ``'a+c'``,
    ``'(a) and (c)'``, ``'both a and c'``.  An answer that leaves the choice
    open (``'a or c'``, ``'a/c'``), names what is not chosen (``'not b'``) or
    gives a range (``'a-c'``) gets a message saying so; an unknown word is named.
    An empty answer (``''``, whitespace, ``[]``, ``set()``) is "No answer yet",
    like None, and shows no hint (a hint would give part of the answer away).

    >>> check_choice("A and C", {"a", "c"}, why="Both.", options=("a", "b", "c"))
    ✓ Right: a, c.
      Both.
    >>> check_choice("a or c", {"a", "c"}, why="Both.", options=("a", "b", "c")).title
    "'a or c' leaves the choice open ('or'): write only the options you choose, e.g. 'b' or 'a, c'."
    """
    no_answer = Feedback(None, f"No answer yet: replace None with one of {', '.join(repr(o) for o in options)}.")
    if answer is None or answer is Ellipsis:
        return no_answer
    want = {correct} if isinstance(correct, str) else set(correct)
    if isinstance(answer, str):
        texts = [answer]
    elif isinstance(answer, (set, frozenset, list, tuple)):
        texts = [a if isinstance(a, str) else _safe_str(a, 40) for a in answer]
    else:
        return Feedback(False, f"Expected a letter such as 'a', got {_safe_repr(answer)}.")
    got: set[str] = set()
    unknown: list[str] = []
    ambiguous = None
    for text in texts:
        chosen, strange, open_word = _parse_choice(text, options)
        got |= chosen
        unknown += [w for w in strange if w not in unknown]
        ambiguous = ambiguous or open_word
    shown = _safe_repr(answer if isinstance(answer, str) else ", ".join(texts), 40)
    if ambiguous:
        if ambiguous in _NEGATION and not got:  # 'none', 'no': no letter at all
            why_not = "chooses no option, but one of them is right: write the letter (or letters) you choose"
        elif ambiguous in _NEGATION:
            why_not = f"names what you do not choose ('{ambiguous}'): write the options you do choose"
        elif ambiguous in _RANGE:
            why_not = f"looks like a range ('{ambiguous}'): write each option you choose"
        else:
            why_not = f"leaves the choice open ('{ambiguous}'): write only the options you choose"
        return Feedback(False, f"{shown} {why_not}, e.g. {_example(options)}.")
    if not got and not unknown:  # '', '  ', [], set(): nothing chosen yet
        return no_answer
    if unknown:
        names = ", ".join(_clip(w, 40) for w in unknown[:3])
        verb = "is not an option" if len(unknown) == 1 else "are not options"
        return Feedback(False, f"{names} {verb}; choose from {', '.join(options)}.")
    if got == want:
        return Feedback(True, f"Right: {', '.join(sorted(got))}.", why)
    hints = hints or {}
    wrong = sorted(got - want)
    missing = sorted(want - got)
    if wrong:
        return Feedback(False, f"Not quite: {', '.join(sorted(got))}.", hints.get(wrong[0], ""))
    return Feedback(
        False,
        f"Part of it: {', '.join(sorted(got))}.",
        hints.get(missing[0], "There is more than one right option."),
    )


# ---------------------------------------------------------------- Predict checkpoints
NO_PREDICTION = "No prediction yet: set my_prediction in the cell before the reveal, then run this cell again."


def check_prediction(
    prediction: Any,
    correct: str | set[str] | float,
    *,
    why: str,
    options: Sequence[str] = (),
    hints: dict[str, str] | None = None,
    tol: float | None = None,
    mistakes: Sequence[Near] = (),
) -> Feedback:
    """Check a **Predict** checkpoint once the cell or slider has revealed the answer.

    ``correct`` is a letter (or a set of letters) for a choice among
    ``options``, or a number checked within ``tol``.  Whether the prediction
    was right or wrong, the feedback says *why* the answer is what it is: a
    prediction is for committing to an idea, not for scoring.
    """
    if prediction is None or prediction is Ellipsis:
        return Feedback(None, NO_PREDICTION)
    if isinstance(correct, numbers.Real) and not isinstance(correct, bool):
        fb = check_number(
            prediction, float(correct), tol=tol if tol is not None else 0.0, why=why, mistakes=mistakes, hint=why
        )
    else:
        fb = check_choice(prediction, correct, why=why, hints=hints, options=options)
        if fb.ok is None:  # an empty string or set: nothing predicted yet
            return Feedback(None, NO_PREDICTION)
        if fb.ok is False and not fb.detail:
            fb = Feedback(False, fb.title, why)
    if fb.ok is False and fb.detail != why and why not in fb.detail:
        fb = Feedback(False, fb.title, f"{fb.detail} {why}".strip())
    title = fb.title.replace("Right:", "You predicted it:").replace("Not quite:", "Your prediction was")
    return Feedback(fb.ok, title, fb.detail)


# ---------------------------------------------------------------- Write-it exercises: data
@dataclass(frozen=True)
class Case:
    """One input for a learner's function.

    Attributes
    ----------
    name : str
        How the learner sees the input, e.g. ``"[1000, 999, 0]"``.
    args : tuple
        The arguments; arrays (also inside lists and tuples) are copied before
        the call, and a function that changes them in place is told so.
    check : callable
        ``check(output)`` returns None when the output is right, or a short
        phrase saying what is wrong ("returned NaN: ... instead of ...").
        :func:`expect_array` makes the usual one.  It runs under the time
        limit too, so it may call the learner's function again.
    hint : str
        What to change when this case fails.
    warned_hint : str or None
        The hint when the only problem is a NumPy warning (default: the
        checker's ``warned_hint``).
    time_limit : float or None
        Seconds for this case, instead of the checker's limit.
    """

    name: str
    args: tuple
    check: Callable[[Any], str | None]
    hint: str
    warned_hint: str | None = None
    time_limit: float | None = None


@dataclass(frozen=True)
class CaseResult:
    """What happened to one case: the data behind one row of a :class:`CodeFeedback`.

    ``ok`` is True (right), False (failed) or None (not run, after an earlier case
    ran out of time).  ``kinds`` names the problems found, any of ``"raised"``,
    ``"timeout"`` (stopped after the time limit), ``"abandoned"`` (still running
    in the background), ``"wrong"`` (the case's check failed), ``"in_place"``,
    ``"warned"``, ``"silenced"``, ``"check_failed"`` (the check itself could not
    run) and ``"not_run"``.  ``warnings`` lists the harmful warning messages,
    ``harmless`` the ignored ones, ``silenced`` the calls that silenced warnings,
    and ``seconds`` the time the learner's function took on this case.
    """

    case: Case
    ok: bool | None
    what: str
    hint: str = ""
    kinds: frozenset[str] = frozenset()
    warnings: tuple[str, ...] = ()
    harmless: tuple[str, ...] = ()
    silenced: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def row(self) -> tuple[bool | None, str, str]:
        return (self.ok, self.case.name, self.what)


def _sentence(what: str) -> str:
    """``what`` ending as a sentence: a full stop unless it ends with a question mark."""
    return what if what.endswith("?") else what + "."


@dataclass(frozen=True)
class CodeFeedback(Feedback):
    """Feedback on a learner's function, with one row per test case:
    ``(ok, case name, what happened)``.

    ``results`` holds the same rows as data (:class:`CaseResult`);
    ``failed`` is the first failing :class:`Case` (None if all passed) and
    ``failed_row`` its row, so that a lesson never parses the title.
    """

    rows: tuple[tuple[bool | None, str, str], ...] = ()
    results: tuple[CaseResult, ...] = dataclasses.field(default=(), repr=False, compare=False)

    @property
    def failure(self) -> CaseResult | None:
        """The first failing case's result, or None."""
        return next((r for r in self.results if r.ok is False), None)

    @property
    def failed(self) -> Case | None:
        """The first failing case, or None."""
        failure = self.failure
        return failure.case if failure is not None else None

    @property
    def failed_row(self) -> tuple[bool | None, str, str] | None:
        failure = self.failure
        return failure.row if failure is not None else None

    def with_hint(self, hint: str) -> CodeFeedback:
        """The same feedback with another hint for the first failure."""
        failure = self.failure
        if failure is None:
            return self
        return dataclasses.replace(self, detail=f"It {_sentence(failure.what)} Hint: {hint}")

    def __repr__(self) -> str:
        lines = [super().__repr__()]
        lines += [f"  {STYLES[ok][2]} {name}: {what}" for ok, name, what in self.rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        cell = "padding:1px 8px;vertical-align:top;text-align:left"
        rows = "".join(
            f"<tr><td style='{cell};color:{STYLES[ok][1]}'>{STYLES[ok][2]}</td>"
            f"<td style='{cell};white-space:nowrap'><code>{html.escape(name)}</code></td>"
            f"<td style='{cell}'>{html.escape(what)}</td></tr>"
            for ok, name, what in self.rows
        )
        table = f"<table style='margin-top:6px;font-size:0.95em;background:none'>{rows}</table>" if rows else ""
        return super()._repr_html_().removesuffix("</div>") + table + "</div>"


# ---------------------------------------------------------------- Write-it exercises: expected outputs
def _line(a: np.ndarray, digits: int) -> str:
    """An array on one line, each number to ``digits`` significant digits (4.25e-18, not 0.)."""
    text = np.array2string(
        a, separator=" ", max_line_width=10_000, formatter={"float_kind": lambda v: f"{v:.{digits}g}"}
    )
    return " ".join(text.split())


def _index(idx: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in idx) + "]"


def differ(got: Any, expected: Any, *, rtol: float, atol: float) -> str:
    """``"<got> instead of <expected>"`` for two same-shaped arrays that are not close, with enough
    digits to see the difference; when the usual 3 decimals hide it, also where and by how much
    they differ and the tolerance there.

    >>> differ([0.1192, 0.5, 0.8808], [0.1192029, 0.5, 0.8807971], rtol=1e-5, atol=1e-8)
    '[0.1192 0.5 0.8808] instead of [0.119203 0.5 0.880797] (off by 2.9e-06 at [0], where the tolerance is 1.2e-06)'
    """
    got = np.asarray(got, dtype=float)
    expected = np.asarray(expected, dtype=float)
    a, b = short(got), short(expected)
    if a != b or got.shape != expected.shape:
        return f"{a} instead of {b}"
    for digits in range(3, 18):
        a, b = _line(got, digits), _line(expected, digits)
        if a != b:
            break
    with np.errstate(all="ignore"):
        gap = np.abs(got - expected)
        allowed = atol + rtol * np.abs(expected)
        excess = np.where(np.isfinite(gap), gap - allowed, np.inf)
    idx = np.unravel_index(int(np.argmax(excess)), excess.shape) if excess.ndim else ()
    where = f" at {_index(idx)}" if idx else ""
    return f"{a} instead of {b} (off by {float(gap[idx]):.2g}{where}, where the tolerance is {float(allowed[idx]):.2g})"


def expect_array(
    expected: Any,
    *,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    mistakes: Sequence[tuple[Any, str]] = (),
) -> Callable[[Any], str | None]:
    """A ``Case.check`` that wants an array equal to ``expected`` (shape, then values; NaN only where
    ``expected`` has NaN).

    ``mistakes`` pairs the output of a known wrong implementation (None to skip
    it) with a phrase naming that mistake; a wrong output equal to one of them
    is reported with its phrase, e.g. "returned wrong values: ..., the sum of
    the logits, not of their exponentials".  Wrong values are shown with
    enough digits to differ (see :func:`differ`).  The check keeps
    ``expected`` as its attribute ``expected``.
    """
    expected = np.asarray(expected)
    known = [(np.asarray(value, dtype=float), phrase) for value, phrase in mistakes if value is not None]

    def check(out: Any) -> str | None:
        wrong = _compare(out)
        if wrong is None or not known:
            return wrong
        try:
            got = np.asarray(out, dtype=float)
        except Exception:  # not numbers: no known mistake to name
            return wrong
        for value, phrase in known:
            if got.shape == value.shape and np.allclose(got, value, equal_nan=True):
                return f"{wrong}, {phrase}"
        return wrong

    def _compare(out: Any) -> str | None:
        if out is None:
            return "returned None"
        if isinstance(out, (str, bytes, tuple, dict)) and not isinstance(out, np.ndarray):
            return f"returned a {_type_name(out)}, not a NumPy array"
        try:
            got = np.asarray(out)
        except Exception:  # an object NumPy cannot read
            return f"returned a {_type_name(out)}, not an array of numbers"
        if got.dtype.kind == "c":
            return "returned complex numbers"
        if got.dtype.kind not in "biuf":
            return f"returned a {_type_name(out)} of {got.dtype}, not an array of numbers"
        got = got.astype(float)
        if got.shape != expected.shape:
            return f"returned the wrong shape: {got.shape} instead of {expected.shape}"
        want_nan = np.isnan(expected)
        if (np.isnan(got) & ~want_nan).any():
            return f"returned NaN: {short(got)} instead of {short(expected)}"
        if (np.isinf(got) & ~np.isinf(expected)).any():
            return f"returned inf: {short(got)} instead of {short(expected)}"
        if not np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True):
            return f"returned wrong values: {differ(got, expected, rtol=rtol, atol=atol)}"
        return None

    check.expected = expected
    return check


# ---------------------------------------------------------------- Write-it exercises: hints
_NO_RETURN = "Add a line `return ...` at the end: without it a Python function returns None."
WARNED_HINT = (
    "The values are right, but NumPy warned along the way (an overflow, a log of 0, a 0 / 0): "
    "a value on the way was wrong even if the answer came out right."
)
SILENCED_HINT = (
    "Silencing hides bugs: with NumPy's warnings switched off, an overflow or a 0 / 0 on the way "
    "goes unnoticed, and the value is still wrong. Remove the np.errstate / np.seterr / "
    "warnings.simplefilter('ignore') and compute so that nothing overflows."
)
_IN_PLACE = (
    "The function changed its input array in place (for example with `z -= m`), which breaks "
    "code that uses the input again. Compute a new array instead: `shifted = z - m`."
)
_RECURSION = (
    "The function calls itself again and again: a recursive function needs a case that returns "
    "without calling itself. (Did you call your own function's name where you meant np.exp, "
    "np.sum or a helper?)"
)
_TIMEOUT = (
    "An endless loop? A `while` loop whose condition never becomes False, or a function that calls "
    "itself without end, never returns. Each case needs far less than {limit} with a NumPy solution."
)
_ABANDONED = (
    "Remove whatever waits or catches everything (time.sleep, input(), a bare `except:` around a loop). "
    "If the notebook gets slow, restart the kernel (Kernel → Restart Kernel): that stops the call left "
    "running."
)
_NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


def _seconds(limit: float) -> str:
    return f"{limit:g} s"


def _kind_of_arg(a: Any) -> str:
    if isinstance(a, np.ndarray):
        return "NumPy array"
    if isinstance(a, np.random.Generator):
        return "random Generator"
    if isinstance(a, (bool, np.bool_)):
        return "bool"
    if isinstance(a, numbers.Integral):
        return "int"
    if isinstance(a, numbers.Real):
        return "float"
    return _type_name(a)


def _describe_args(args: tuple) -> str:
    """ "one NumPy array", "a NumPy array and an int", "a NumPy array, a float, an int and a list"."""
    kinds = [_kind_of_arg(a) for a in args]
    if len(kinds) == 1:
        return f"one {kinds[0]}"
    if not kinds:
        return "no arguments"
    with_article = [("an " if k[0].lower() in "aeiou" else "a ") + k for k in kinds]
    return ", ".join(with_article[:-1]) + " and " + with_article[-1]


def _signature_feedback(fn: Any, name: str, params: str, meaning: str | None, args: tuple) -> Feedback | None:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins and ufuncs without a signature: just call them
        return None
    try:
        sig.bind(*args)
    except TypeError as err:
        n = len(args)
        count = _NUMBER_WORDS.get(n, str(n))
        plural = "" if n == 1 else "s"
        meaning_text = f", {meaning}" if meaning else ""
        return CodeFeedback(
            False,
            f"{name} cannot be called as {name}({params}): {_safe_str(err)}.",
            f"Define it with exactly {count} parameter{plural}{meaning_text}: `def {name}({params}):`. The checker "
            f"calls {name}({params}) with {_describe_args(args)}.",
        )
    return None


def signature_problem(fn, name: str) -> Feedback | None:
    """For a Write-it checker: a Feedback if ``fn`` cannot be called as ``name(z)`` with one array, else None.

    Checked before any case runs, so that a function with the wrong signature
    gets a hint about its signature, not about the first hostile input.
    :func:`check_function` does this itself when given ``params``.
    """
    return _signature_feedback(fn, name, "z", "the logits", (np.zeros(3),))


def form_hint(out: Any, name: str, what: str, shape: tuple[int, ...] | None = None) -> str | None:
    """A hint that matches a result of the wrong kind (a tuple, a str, complex numbers, a wrong
    ``shape``), or None.  :func:`check_function` uses it itself when given ``returns``."""
    if isinstance(out, tuple):
        return (
            f"{name} returned a tuple of {len(out)} items. Return only the array of {what}: "
            "`return e / total`, not `return e, total` or `return (p,)`."
        )
    if isinstance(out, (str, bytes)):
        return (
            f"{name} returned text ({type(out).__name__}), for example from str() or an f-string. Return the "
            f"NumPy array of {what} itself; print it separately if you want to see it."
        )
    try:
        kind = np.asarray(out).dtype.kind
    except Exception:  # an object NumPy cannot read
        return f"{name} returned a {_type_name(out)}. Return a NumPy array of {what}."
    if kind == "c":
        return (
            f"{name} returned complex numbers: a probability is a real number. Look for a `j` "
            "(an imaginary unit) or np.sqrt / np.log of a negative number, and remove it."
        )
    if kind not in "biuf" and out is not None:
        return f"{name} returned an array of {np.asarray(out).dtype}, not of numbers. Return a NumPy array of {what}."
    if out is not None and shape is not None and np.shape(out) != shape:
        return (
            f"{name} returned shape {np.shape(out)} for an input of shape {shape}: return one value per "
            "entry of z, in an array of z's shape (no sum, no flatten, no float())."
        )
    return None


# ---------------------------------------------------------------- running learner code under a time limit
class _OutOfTime(BaseException):
    """Raised inside a learner's function that ran past its time limit.

    A BaseException, so that the learner's ``except Exception:`` does not catch it."""


@dataclass
class _Outcome:
    status: str  # "returned", "raised", "stopped" (interrupted after the limit) or "abandoned" (still running)
    value: Any = None
    error: BaseException | None = None
    seconds: float = 0.0
    finished: bool = False  # the worker has left the learner's code for good: send it nothing more
    sent: bool = False  # an interruption was sent (and, until `done`, may still be pending)
    lock: Any = dataclasses.field(default_factory=threading.Lock)
    #: Set by the worker as its last act.  Waited on instead of Thread.join: an interrupt (Ctrl-C) that
    #: lands in Thread.join marks a still-running thread as stopped (CPython 3.11-3.13, bpo-45274's fix).
    done: Any = dataclasses.field(default_factory=threading.Event)


#: Stack for the worker threads: a recursion reaches Python's recursion limit, not the end of a
#: small thread stack (macOS gives secondary threads 512 KiB, Windows 1 MiB).
_STACK_SIZE = 16 * 2**20
#: Seconds to wait for a function to stop once it was interrupted.
_GRACE = 1.0
#: A function that is busy but starved of CPU gets at most this many times its limit in wall-clock time.
_BACKSTOP = 3
#: Workers left running with an interruption pending (blocked in C when it was sent).
_LEFT_RUNNING: list[_Outcome] = []


def _interruption_pending() -> bool:
    """Whether a worker left running may still hold an undelivered interruption.

    On CPython 3.11 a pending PyThreadState_SetAsyncExc keeps the interpreter's "eval breaker" set
    until that thread runs Python again, and meanwhile code under sys.setprofile / sys.settrace
    in any thread spins in place.  The silencing check (a profile function) is skipped then."""
    _LEFT_RUNNING[:] = [box for box in _LEFT_RUNNING if not box.done.is_set()]
    return bool(_LEFT_RUNNING)


def _send_interruption(ident: int) -> bool:
    """PyThreadState_SetAsyncExc(ident, _OutOfTime): the thread raises _OutOfTime at its next
    Python instruction.  Never called with NULL (to "clear"): on CPython 3.11 that leaves the
    eval breaker set for good, and every profiled or traced call after it hangs."""
    try:
        set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except AttributeError:  # not CPython: the thread cannot be stopped, only left running
        return False
    return set_async_exc(ctypes.c_ulong(ident), ctypes.py_object(_OutOfTime)) == 1


def _cpu_seconds(thread: threading.Thread) -> float | None:
    """CPU time the thread has used, where the platform tells (Linux); else None."""
    try:
        return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))
    except (AttributeError, OSError, TypeError, ValueError):  # macOS, Windows, or the thread is gone
        return None


def _stop(thread: threading.Thread, box: _Outcome, grace: float) -> bool:
    """Interrupt the worker until it ends or ``grace`` seconds pass; return whether it ended.

    The interruption is sent only while the worker uses the CPU (where that can be measured): a
    thread asleep or waiting in C would hold it undelivered (see :func:`_interruption_pending`).
    It is sent again and again, since a bare ``except:`` in the learner's loop may swallow one,
    but never once the worker has finished the learner's code."""
    deadline = time.perf_counter() + grace
    before = _cpu_seconds(thread)
    while not box.done.is_set() and time.perf_counter() < deadline:
        box.done.wait(0.05)
        now = _cpu_seconds(thread)
        busy = before is None or now is None or now - before > 0.005
        before = now
        with box.lock:
            if busy and not box.finished and not box.done.is_set() and thread.ident is not None:
                box.sent = _send_interruption(thread.ident) or box.sent
    if box.done.is_set():
        return True
    if box.sent:
        _LEFT_RUNNING.append(box)
    return False


def _checkpoint() -> None:
    """A Python-level call: a pending interruption is delivered here at the latest."""


def _run_limited(func: Callable[[], Any], limit: float | None) -> _Outcome:
    """Run ``func()`` in a daemon worker thread for at most ``limit`` seconds.

    The worker runs in a copy of the caller's context.  After the limit, a
    pure-Python loop is interrupted ("stopped"); a call blocked in C is left
    running in the background ("abandoned").  ``limit=None`` runs ``func`` in
    this thread, unlimited.  An interrupt of the kernel (KeyboardInterrupt)
    stops the worker too.
    """
    start = time.perf_counter()
    if limit is None:
        try:
            return _Outcome("returned", func(), seconds=time.perf_counter() - start)
        except Exception as err:  # the learner's code may raise anything
            return _Outcome("raised", error=err, seconds=time.perf_counter() - start)
    box = _Outcome("running")
    context = contextvars.copy_context()

    def work() -> None:
        try:
            try:
                box.value = context.run(func)
                box.status = "returned"
            except _OutOfTime:
                box.status = "stopped"
            except BaseException as err:  # SystemExit from exit() too: report it, never print it
                box.error = err
                box.status = "raised"
            finally:
                box.seconds = time.perf_counter() - start
        except _OutOfTime:  # arrived just as the function finished
            box.status = "stopped"
        while True:  # no interruption may outlive the worker: none is sent after `finished`, and
            try:  # one sent before it is delivered, at the latest, in _checkpoint()
                with box.lock:
                    box.finished = True
                _checkpoint()
                break
            except _OutOfTime:
                continue
        box.done.set()

    thread = threading.Thread(target=work, name="softmax_lib checker", daemon=True)
    try:
        old_size = threading.stack_size(_STACK_SIZE)
    except (ValueError, RuntimeError):  # a platform that does not allow it: keep its default
        old_size = None
    try:
        thread.start()
    finally:
        if old_size is not None:
            threading.stack_size(old_size)
    try:
        if box.done.wait(limit) or _wait_while_starved(thread, box, limit, start):
            return box
    except KeyboardInterrupt:  # Kernel → Interrupt while waiting: stop the learner's code as well
        _stop(thread, box, _GRACE)
        raise
    status = "stopped" if _stop(thread, box, _GRACE) else "abandoned"
    return _Outcome(status, seconds=time.perf_counter() - start)


def _wait_while_starved(thread: threading.Thread, box: _Outcome, limit: float, start: float) -> bool:
    """Past the limit in wall-clock time, keep waiting while the worker is merely starved of CPU
    (a loaded machine, a shared CI runner): until it has used ``limit`` seconds of CPU itself, sits
    idle (blocked in C: no point waiting), or ``_BACKSTOP`` times the limit has passed.  Only where
    a thread's CPU time can be measured (Linux); elsewhere the limit is wall-clock time.  Returns
    whether the worker finished."""
    used = _cpu_seconds(thread)
    if used is None:
        return False
    backstop = start + _BACKSTOP * limit
    window_start, window_cpu = time.perf_counter(), used
    while used < limit and time.perf_counter() < backstop:
        if box.done.wait(0.1):
            return True
        now, used = time.perf_counter(), _cpu_seconds(thread)
        if used is None:
            return box.done.wait(0.1)
        if now - window_start >= 0.5:
            if (used - window_cpu) / (now - window_start) < 0.02:  # idle: waiting, not computing
                return False
            window_start, window_cpu = now, used
    return box.done.is_set()


def probe(fn, z, *, time_limit: float = 1.0) -> Any:
    """Call ``fn(z.copy())`` quietly, for at most ``time_limit`` seconds; the result, or None if it
    raised or ran out of time.  (:func:`check_function` with ``returns`` needs no probe.)"""

    def call():
        with np.errstate(all="ignore"):
            return fn(np.array(z, copy=True))

    outcome = _run_limited(call, time_limit)
    return outcome.value if outcome.status == "returned" else None


# ---------------------------------------------------------------- warnings: recorded, harmless, silenced
def _warning_key(message: str) -> str:
    """A NumPy warning's message without the wording that varies: scalar or array operation
    ("overflow encountered in scalar subtract" / "... in subtract"), case, spacing."""
    text = " ".join(message.lower().split()).rstrip(".")
    return re.sub(r"\bencountered in scalar ", "encountered in ", text)


def harmless_match(message: str, harmless: Sequence[str]) -> bool:
    """True if the warning ``message`` is one of ``harmless``, in any of NumPy's wordings of it
    (a scalar or an array operation, any dtype).

    >>> harmless_match("overflow encountered in scalar subtract", ["overflow encountered in subtract"])
    True
    >>> harmless_match("overflow encountered in exp", ["overflow encountered in subtract"])
    False
    """
    key = _warning_key(message)
    return any(key == _warning_key(h) for h in harmless)


class _WarningRecorder:
    """Records the warnings one worker thread raises (with the "always" filter); forwards the
    warnings of other threads to the usual display.

    Entered in the calling thread: Python's warnings state is process-global, and
    must be restored by the thread that changed it, even when a worker is abandoned.
    """

    def __init__(self) -> None:
        self.ident: int | None = None
        self.messages: list[str] = []
        self._saved: warnings.catch_warnings | None = None
        self._show_elsewhere: Callable | None = None

    def __enter__(self) -> _WarningRecorder:
        self._saved = warnings.catch_warnings()
        self._saved.__enter__()
        warnings.simplefilter("always")
        self._show_elsewhere = warnings.showwarning
        warnings.showwarning = self._show
        return self

    def __exit__(self, *exc: Any) -> None:
        self.ident = None
        assert self._saved is not None
        self._saved.__exit__(*exc)

    def _show(self, message, category, filename, lineno, file=None, line=None) -> None:
        if self.ident is not None and threading.get_ident() == self.ident:
            self.messages.append(_safe_str(message))
        elif self._show_elsewhere is not None:
            self._show_elsewhere(message, category, filename, lineno, file, line)


def _library_dirs() -> tuple[str, ...]:
    paths = sysconfig.get_paths()
    dirs = {paths.get(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    dirs |= {os.path.dirname(np.__file__), os.path.dirname(os.path.abspath(__file__)), os.path.dirname(os.__file__)}
    return tuple(os.path.normcase(os.path.abspath(d)) + os.sep for d in dirs if d)


_LIBRARY_DIRS = _library_dirs()
_LEARNER_FILE: dict[str, bool] = {}


def _is_learner_code(code: Any) -> bool:
    """True for code the learner wrote (a notebook cell, their own module); False for Python's,
    NumPy's, an installed package's and this library's."""
    filename = getattr(code, "co_filename", "") or ""
    known = _LEARNER_FILE.get(filename)
    if known is None:
        if filename.startswith("<frozen") or not filename:
            known = False
        elif filename.startswith("<"):  # <ipython-input-…>, <string>, <stdin>
            known = True
        else:
            known = not os.path.normcase(os.path.abspath(filename)).startswith(_LIBRARY_DIRS)
        _LEARNER_FILE[filename] = known
    return known


_QUIET = ("all", "divide", "over", "invalid")


def _ignored_args(values: dict[str, Any]) -> str | None:
    """``"all='ignore'"`` for the error kinds set to "ignore" (under='ignore' is NumPy's default)."""
    quiet = [f"{k}={values[k]!r}" for k in _QUIET if values.get(k) == "ignore"]
    return ", ".join(quiet) if quiet else None


def _on_errstate_init(frame) -> str | None:
    if frame.f_back is None or not _is_learner_code(frame.f_back.f_code):
        return None
    args = _ignored_args(frame.f_locals)
    return f"np.errstate({args})" if args else None


def _on_errstate_decorated(frame) -> str | None:
    state, func = frame.f_locals.get("self"), frame.f_locals.get("func")
    if state is None or not _is_learner_code(getattr(func, "__code__", None)):
        return None
    args = _ignored_args({k: getattr(state, f"_{k}", None) for k in _QUIET})
    return f"@np.errstate({args})" if args else None


def _on_seterr(frame) -> str | None:
    if frame.f_back is None or not _is_learner_code(frame.f_back.f_code):
        return None
    args = _ignored_args(frame.f_locals)
    return f"np.seterr({args})" if args else None


def _on_filter(call: str) -> Callable:
    def rule(frame) -> str | None:
        if frame.f_back is None or not _is_learner_code(frame.f_back.f_code):
            return None
        return call if frame.f_locals.get("action") == "ignore" else None

    return rule


def _silencers() -> dict[Any, Callable]:
    """The code objects of the calls that switch warnings off, each with a rule that says, from the
    call's frame, whether the learner's code asked to ignore warnings."""
    rules: dict[Any, Callable] = {
        np.errstate.__init__.__code__: _on_errstate_init,
        np.seterr.__code__: _on_seterr,
        warnings.simplefilter.__code__: _on_filter("warnings.simplefilter('ignore')"),
        warnings.filterwarnings.__code__: _on_filter("warnings.filterwarnings('ignore')"),
        warnings.catch_warnings.__init__.__code__: _on_filter("warnings.catch_warnings(action='ignore')"),
    }
    decorator = vars(np.errstate).get("__call__")  # errstate's own __call__, which wraps a decorated function
    for const in getattr(getattr(decorator, "__code__", None), "co_consts", ()):
        if inspect.iscode(const) and const.co_name == "inner":  # @np.errstate(...) on the learner's function
            rules[const] = _on_errstate_decorated
    return rules


_SILENCERS = _silencers()


class _SilenceWatcher:
    """A profile function (for one thread) that notes every call that switches warnings off."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def __call__(self, frame, event, arg) -> None:
        if event != "call":
            return
        rule = _SILENCERS.get(frame.f_code)
        if rule is None:
            return
        try:
            text = rule(frame)
        except Exception:  # never let the watcher break the learner's call
            text = None
        if text and text not in self.found:
            self.found.append(text)


# ---------------------------------------------------------------- running one case
def _copy(a: Any) -> Any:
    """Arrays copied (also inside lists and tuples); anything else as it is."""
    if isinstance(a, np.ndarray):
        return np.array(a, copy=True, subok=True)
    if isinstance(a, list):
        return [_copy(x) for x in a]
    if isinstance(a, tuple) and type(a) is tuple:
        return tuple(_copy(x) for x in a)
    return a


def _same(a: Any, b: Any) -> bool:
    """Whether the learner's copy ``a`` still equals the original ``b`` (arrays, lists, tuples)."""
    if isinstance(b, np.ndarray):
        if not isinstance(a, np.ndarray) or a.shape != b.shape:
            return False
        try:
            return bool(np.array_equal(a, b, equal_nan=b.dtype.kind in "fc"))
        except Exception:  # object arrays and the like: compare what can be compared
            return bool(np.array_equal(a, b))
    if isinstance(b, (list, tuple)) and type(b) in (list, tuple):
        return isinstance(a, type(b)) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(b, numbers.Number) and isinstance(a, numbers.Number):
        return a == b or (isinstance(a, float | complex | np.inexact) and math.isnan(abs(a)) and math.isnan(abs(b)))
    return True


def _run_case(
    fn: Callable,
    case: Case,
    *,
    name: str,
    harmless: Sequence[str],
    limit: float | None,
    returns: str | None,
    first: bool,
    warned_hint: str,
    forbid_silencing: bool,
    silenced_hint: str,
) -> CaseResult:
    """Run ``fn`` on one case, then the case's check; return what happened."""
    args = _copy(case.args)
    watcher = _SilenceWatcher() if forbid_silencing else None
    recorder = _WarningRecorder()

    def call() -> Any:
        with np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"):
            recorder.ident = threading.get_ident()
            old_profile = sys.getprofile()
            if watcher is not None:
                sys.setprofile(watcher)
            try:
                return fn(*args)
            finally:
                if watcher is not None:
                    sys.setprofile(old_profile)
                recorder.ident = None

    with recorder:
        outcome = _run_limited(call, limit)
    seconds = outcome.seconds
    if outcome.status in ("stopped", "abandoned"):
        if outcome.status == "stopped":
            what = f"was still running after {_seconds(limit)} and was stopped"
            return CaseResult(
                case, False, what, _TIMEOUT.format(limit=_seconds(limit)), frozenset({"timeout"}), seconds=seconds
            )
        what = (
            f"was still running after {_seconds(limit)} and could not be stopped (it waits in a call such "
            "as time.sleep or input(), runs one huge NumPy operation, or catches every exception with a bare "
            "`except:`), so it was left running in the background"
        )
        return CaseResult(case, False, what, _ABANDONED, frozenset({"abandoned"}), seconds=seconds)
    if outcome.status == "raised":
        err = outcome.error
        hint = _RECURSION if isinstance(err, RecursionError) else case.hint
        return CaseResult(case, False, _describe_error(err), hint, frozenset({"raised"}), seconds=seconds)
    out = outcome.value
    problems: list[str] = []
    kinds: list[str] = []
    hint = case.hint
    checked = _run_limited(lambda: case.check(out), limit)
    if checked.status == "returned":
        wrong = checked.value
    elif checked.status == "raised":
        wrong = f"returned a result the checker could not read ({_describe_error(checked.error)})"
        kinds.append("check_failed")
    else:
        wrong = f"returned a result whose check was still running after {_seconds(limit)}"
        kinds.append("check_failed")
    if wrong:
        problems.append(str(wrong))
        kinds.append("wrong")
        if out is None:
            hint = _NO_RETURN
        elif returns:
            expected = getattr(case.check, "expected", None)
            same = (
                first
                and expected is not None
                and isinstance(case.args[0], np.ndarray)
                and np.shape(expected) == case.args[0].shape
            )
            shape = case.args[0].shape if same else None
            hint = form_hint(out, name, returns, shape) or hint
    if not all(_same(a, b) for a, b in zip(args, case.args, strict=True)):
        problems.append("changed its input array in place")
        kinds.append("in_place")
        if len(problems) == 1:
            hint = _IN_PLACE
    silenced = tuple(watcher.found) if watcher is not None else ()
    if silenced:
        problems.append("silenced NumPy's warnings with " + " and ".join(silenced))
        kinds.append("silenced")
        if len(problems) == 1:
            hint = silenced_hint
    messages = list(dict.fromkeys(recorder.messages))
    harmful = [m for m in messages if not harmless_match(m, harmless)]
    quiet = tuple(m for m in messages if m not in harmful)
    if harmful:
        problems.append("made NumPy warn: " + "; ".join(harmful))
        kinds.append("warned")
        if len(problems) == 1:
            hint = case.warned_hint or warned_hint
    if problems:
        return CaseResult(
            case,
            False,
            _clip("; ".join(problems), _MAX_ROW),
            hint,
            frozenset(kinds),
            tuple(harmful),
            quiet,
            silenced,
            seconds,
        )
    what = "right" + (f" (NumPy warned, harmlessly: {'; '.join(messages)})" if messages else "")
    return CaseResult(case, True, _clip(what, _MAX_ROW), "", frozenset(), (), quiet, (), seconds)


# ---------------------------------------------------------------- Write-it exercises: calling the library instead
#: Packages whose functions a Write-it exercise may forbid (``forbid_calls``).
LIBRARY_PACKAGES = ("softmax_lib", "scipy", "torch")

#: The hint when a function calls the library function it is meant to build.
FORBIDDEN_HINT = "write it yourself with NumPy (np.exp, np.max, np.sum), without softmax_lib, SciPy or PyTorch."


def _package_of(obj: Any) -> str:
    """The top-level package an object comes from ('' if unknown)."""
    module = obj.__name__ if inspect.ismodule(obj) else getattr(obj, "__module__", None)
    return module.split(".")[0] if isinstance(module, str) else ""


def _from_library(obj: Any) -> bool:
    return _package_of(obj) in LIBRARY_PACKAGES


def _public_name(obj: Any, name: str) -> str:
    """``softmax_lib.softmax`` rather than ``softmax_lib.core.softmax`` where the package exports it."""
    module = getattr(obj, "__module__", None) or ""
    parts = module.split(".")
    for end in range(1, len(parts) + 1):  # the shortest importable path that gives this object
        prefix = ".".join(parts[:end])
        if getattr(sys.modules.get(prefix), name, None) is obj:
            return f"{prefix}.{name}"
    return f"{module}.{name}" if module else name


def _code_objects(code: Any) -> list:
    """A code object and every code object nested in it (inner functions, lambdas, comprehensions)."""
    found = [code]
    for const in code.co_consts:
        if inspect.iscode(const):
            found += _code_objects(const)
    return found


def _attribute_chain(start: Any, names: set[str], target: str, depth: int = 3) -> Any:
    """``target`` reached from ``start`` through attributes named in ``names`` (up to ``depth`` steps)."""
    frontier = [start]
    for _ in range(depth):
        found = [getattr(obj, target, None) for obj in frontier]
        for obj in found:
            if obj is not None and _from_library(obj):
                return obj
        frontier = [
            sub
            for obj in frontier
            for attr in names
            if attr != target and inspect.ismodule(sub := getattr(obj, attr, None)) and _from_library(sub)
        ]
    return None


def forbidden_call(fn: Any, forbid: Sequence[str]) -> str | None:
    """The library function among ``forbid`` that ``fn`` calls, as ``"softmax_lib.softmax"``, or None.

    Reads the function's code (nested functions and lambdas included) without running it: a name
    is refused only if it resolves, in the function's globals, closure or defaults, or as an
    attribute of a module it uses, to an object from :data:`LIBRARY_PACKAGES`.  A learner's own
    helper called ``softmax`` is followed (it is checked in turn), not refused.
    """
    forbid = set(forbid)
    seen: set[int] = set()

    def visit(f: Any) -> str | None:
        if id(f) in seen:
            return None
        seen.add(id(f))
        f = getattr(f, "func", f)  # functools.partial
        if _from_library(f):
            name = getattr(f, "__name__", "")
            return _public_name(f, name) if name in forbid else None
        f = inspect.unwrap(f) if callable(f) else f
        code = getattr(f, "__code__", None)
        if code is None:
            call = type(f).__dict__.get("__call__")
            code = getattr(call, "__code__", None)
            f = call if code is not None else f
        if code is None:
            return None
        scope = dict(getattr(f, "__globals__", {}) or {})
        cells = getattr(f, "__closure__", None) or ()
        for var, cell in zip(code.co_freevars, cells, strict=False):
            try:
                scope[var] = cell.cell_contents
            except ValueError:
                pass
        defaults = list(getattr(f, "__defaults__", None) or ()) + list(
            (getattr(f, "__kwdefaults__", None) or {}).values()
        )
        for value in defaults:
            if _from_library(value) and getattr(value, "__name__", "") in forbid:
                return _public_name(value, value.__name__)
        codes = _code_objects(code)
        names = {n for c in codes for n in c.co_names + c.co_freevars}
        loaded = {  # names looked up as variables, not as attributes (``sl.softmax`` loads ``sl``)
            i.argval for c in codes for i in dis.get_instructions(c) if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")
        } | {n for c in codes for n in c.co_freevars}
        for name in sorted(loaded):
            obj = scope.get(name)
            if obj is None:
                continue
            if _from_library(obj) and not inspect.ismodule(obj):
                own = getattr(obj, "__name__", None)  # also under another name: from softmax_lib import softmax as s
                if own in forbid or name in forbid:
                    return _public_name(obj, own if own in forbid else name)
            if inspect.ismodule(obj) and _from_library(obj):
                for target in names & forbid:
                    hit = _attribute_chain(obj, names, target)
                    if hit is not None:
                        return _public_name(hit, target)
            elif inspect.isfunction(obj) and not _from_library(obj):
                inner = visit(obj)  # the learner's own helper: what does it call?
                if inner is not None:
                    return inner
        return None

    return visit(fn)


_DEFAULT = object()


def check_function(
    fn: Any,
    cases: Sequence[Case],
    *,
    name: str,
    success: str,
    harmless: Sequence[str] = (),
    time_limit: float | None | object = _DEFAULT,
    params: str | None = None,
    params_meaning: str | None = None,
    returns: str | None = None,
    warned_hint: str = WARNED_HINT,
    forbid_silencing: bool = False,
    silenced_hint: str = SILENCED_HINT,
    forbid_calls: Sequence[str] = (),
    forbidden_hint: str = FORBIDDEN_HINT,
) -> CodeFeedback:
    """Run a learner's function on every case and explain the first failure.

    Parameters
    ----------
    fn : callable or None
        The learner's function (None: not written yet).
    cases : sequence of Case
        Ordinary, hostile and property cases, in the order they are reported.
    name : str
        The function's name as the exercise gives it, e.g. ``"my_softmax"``.
    success : str
        What passing every case shows.
    harmless : sequence of str
        NumPy warning messages that do not count against the function, matched
        in every wording NumPy uses (see :func:`harmless_match`).
    time_limit : float or None
        Seconds the function may run on one case (default :data:`TIME_LIMIT`,
        read at call time; a case's own ``time_limit`` wins; None: no limit and
        no worker thread).  Where a thread's CPU time can be measured (Linux),
        a function that is still computing after that many seconds but has had
        less CPU time than that (a loaded machine) gets more wall-clock time, up
        to three times the limit.  A function still running then is stopped, or
        left running if it waits in C, and the remaining cases are not run; the
        kernel stays usable.
    params : str, optional
        The parameters, as in ``"z"`` or ``"z, axis"``.  If given, a function
        that cannot be called with the first case's arguments gets a signature
        hint before any case runs.
    params_meaning : str, optional
        What the parameters are, for that hint: ``"the logits"``.
    returns : str, optional
        What the function returns, e.g. ``"probabilities"``.  If given, a
        result of the wrong kind (a tuple, text, complex numbers, or on the
        first case the wrong shape) gets a hint about its form instead of the
        case's hint.
    warned_hint : str
        The hint when the only problem is a NumPy warning.
    forbid_silencing : bool
        Also fail a function that switches warnings off (``np.errstate(all="ignore")``,
        ``np.seterr``, ``warnings.simplefilter("ignore")``...) while it runs, with
        ``silenced_hint``.
    forbid_calls : sequence of str
        Names of the functions the exercise asks the learner to build, e.g. ``("softmax",)``.
        A function that calls one of them from softmax_lib, SciPy or PyTorch (directly, through
        a module attribute such as ``scipy.special.softmax``, a lambda or its own helper) fails
        before any case runs, with ``forbidden_hint``; see :func:`forbidden_call`.  A learner's
        own function that happens to have such a name is not refused.

    Returns
    -------
    CodeFeedback
        One row per case; the title counts the failures and names the first,
        and ``failed`` / ``results`` give the same as data.
    """
    if fn is None or fn is Ellipsis:
        return CodeFeedback(None, f"No function yet: complete {name} and run this cell again.")
    if not callable(fn):
        return CodeFeedback(
            False,
            f"Expected a function such as {name}, got {_type_name(fn)}.",
            f"Pass the function itself, without calling it: ({name}), not ({name}(...)).",
        )
    if params is not None and cases:
        problem = _signature_feedback(fn, name, params, params_meaning, cases[0].args)
        if problem is not None:
            return problem
    if forbid_calls:
        called = forbidden_call(fn, forbid_calls)
        if called is not None:
            return CodeFeedback(
                False,
                f"The exercise is to build it: your {name} calls {called}.",
                f"Hint: {forbidden_hint}",
            )
    limit = TIME_LIMIT if time_limit is _DEFAULT else time_limit
    unchecked = forbid_silencing and _interruption_pending()
    if unchecked:  # a profile function would spin until that interruption is delivered (CPython 3.11)
        forbid_silencing = False
    results: list[CaseResult] = []
    out_of_time = False
    for i, case in enumerate(cases):
        if out_of_time:
            results.append(
                CaseResult(case, None, "not run: an earlier case ran out of time", "", frozenset({"not_run"}))
            )
            continue
        result = _run_case(
            fn,
            case,
            name=name,
            harmless=harmless,
            limit=case.time_limit if case.time_limit is not None else limit,
            returns=returns,
            first=i == 0,
            warned_hint=warned_hint,
            forbid_silencing=forbid_silencing,
            silenced_hint=silenced_hint,
        )
        results.append(result)
        out_of_time = bool(result.kinds & {"timeout", "abandoned"})
    rows = tuple(r.row for r in results)
    failed = [r for r in results if r.ok is False]
    note = (
        (
            " (Not checked for silenced warnings this time: a call stopped earlier is still running in the "
            "background. Restart the kernel to check everything.)"
        )
        if unchecked
        else ""
    )
    if not failed:
        return CodeFeedback(True, f"All {len(cases)} cases passed.", success + note, rows=rows, results=tuple(results))
    first = failed[0]
    not_run = sum(r.ok is None for r in results)
    count = f"{len(failed)} of {len(cases)} cases failed" + (f", {not_run} not run" if not_run else "")
    return CodeFeedback(
        False,
        f"{count}. The first: {first.case.name}",
        f"It {_sentence(first.what)} Hint: {first.hint}{note}",
        rows=rows,
        results=tuple(results),
    )
