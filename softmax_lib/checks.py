"""Feedback for "check yourself" exercises.

A checker takes the learner's answer and returns a :class:`Feedback`, which
shows as a coloured box in Jupyter and as plain text elsewhere.  A wrong answer
gets a hint aimed at the mistake that most likely produced it, not just
``False``.  Lesson modules build their checkers from :func:`check_number` and
:func:`check_choice`, their **Predict** checkpoints from
:func:`check_prediction`, and their **Write it** exercises from
:func:`check_function`, which runs a learner's function on a table of
ordinary, hostile and property cases and explains the first failure.
"""

from __future__ import annotations

import html
import inspect
import math
import numbers
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .core import _short_repr

__all__ = ["Feedback", "CodeFeedback", "Case", "check_number", "check_choice", "check_prediction",
           "check_function", "expect_array", "Near", "STYLES", "short", "signature_problem", "form_hint", "probe",
           "WARNED_HINT"]

#: Background, accent colour and mark for right (True), wrong (False) and no answer (None).
STYLES = {
    True: ("#e6f4ea", "#009E73", "✓"),
    False: ("#fdecea", "#D55E00", "✗"),
    None: ("#eef3f8", "#0072B2", "…"),
}


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


def _as_real(answer: Any, what: str) -> tuple[float, str]:
    """``(float(answer), "")``, or ``(nan, what is wrong)`` for an answer that
    is not a real number a float can hold."""
    shown = _short_repr(answer, 40)
    if isinstance(answer, np.ndarray) and answer.ndim == 0:
        answer = answer[()]  # a 0-d array: look at the number inside
    if isinstance(answer, bool):
        return math.nan, f"Expected {what}, got bool {answer}: True and False are not numbers here."
    if isinstance(answer, bytes):
        return math.nan, f"Expected {what}, got bytes {shown}: write the number without quotes."
    if isinstance(answer, str):  # '0.88' is a number typed in quotes: read it; 'abc' is not
        try:
            value = float(answer.strip().replace("−", "-"))
        except ValueError:
            return math.nan, f"Expected {what}, got str {shown}: write a number, e.g. 0.25, without quotes."
        if not math.isfinite(value):
            return math.nan, f"{shown} is not a finite number."
        return value, ""
    if isinstance(answer, numbers.Complex) and not isinstance(answer, numbers.Real):
        return math.nan, (f"{shown} is a complex number; the answer is a real number "
                          "(no imaginary part j).")
    try:
        return float(answer), ""
    except OverflowError:
        return math.nan, f"{shown} is too large for a float (above about 1.8e308): check the exponent."
    except (TypeError, ValueError):
        return math.nan, f"Expected {what}, got {type(answer).__name__} {shown}."


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

    Python and NumPy numbers, ``Fraction`` and 0-d arrays are accepted.  A
    bool, a number in quotes (``'0.88'``) is read as that number; any other string, a
    complex number (``0.8808 + 5j``, even with a zero imaginary part), a
    number too large for a float (``10**400``), NaN and inf are wrong
    answers whose feedback says why; none of them raises.
    """
    if answer is None or answer is Ellipsis:
        return Feedback(None, f"No answer yet: replace None with {what}.", hint)
    value, problem = _as_real(answer, what)
    if problem:
        return Feedback(False, problem, hint)
    answer = value
    if not math.isfinite(answer):
        return Feedback(False, f"{answer} is not a finite number.", hint)
    if abs(answer - expected) <= tol:
        return Feedback(True, f"Right: {answer:g}.", why)
    for m in mistakes:
        if abs(answer - m.value) <= (m.tol if m.tol is not None else tol):
            return Feedback(False, f"Not quite: {answer:g}.", m.hint)
    return Feedback(False, f"Not quite: {answer:g}.", hint)


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

    Letters may be upper case and wrapped as learners write them: ``'(c)'``,
    ``'c.'``, ``"'c'"``, ``'a, c'``, ``frozenset({'c'})``.  An empty answer
    (``''``, whitespace, ``[]``, ``set()``) is "No answer yet", like None,
    and shows no hint (a hint would give part of the answer away).
    """
    no_answer = Feedback(None, f"No answer yet: replace None with one of {', '.join(repr(o) for o in options)}.")
    if answer is None or answer is Ellipsis:
        return no_answer
    want = {correct} if isinstance(correct, str) else set(correct)
    if isinstance(answer, str):
        got = _letters(answer.replace(",", " ").replace(";", " ").split())
    elif isinstance(answer, (set, frozenset, list, tuple)):
        got = _letters(str(a) for a in answer)
    else:
        return Feedback(False, f"Expected a letter such as 'a', got {_short_repr(answer)}.")
    if not got:  # '', '  ', [], set(): nothing chosen yet
        return no_answer
    unknown = got - set(options) if options else set()
    if unknown:
        return Feedback(
            False,
            f"{', '.join(sorted(unknown))!s} is not an option; choose from {', '.join(options)}.",
        )
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


def _letters(tokens: Any) -> set[str]:
    """The chosen options: lower case, without the brackets, quotes and full
    stops learners add ('(c)', 'c.', "'c'")."""
    return {t for t in (str(tok).strip().strip("()[].'\"").strip().lower() for tok in tokens) if t}


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
        fb = check_number(prediction, float(correct), tol=tol if tol is not None else 0.0, why=why,
                          mistakes=mistakes, hint=why)
    else:
        fb = check_choice(prediction, correct, why=why, hints=hints, options=options)
        if fb.ok is None:  # an empty string or set: nothing predicted yet
            return Feedback(None, NO_PREDICTION)
        if fb.ok is False and not fb.detail:
            fb = Feedback(False, fb.title, why)
    if fb.ok is False and fb.detail != why:
        fb = Feedback(False, fb.title, f"{fb.detail} {why}".strip())
    title = fb.title.replace("Right:", "You predicted it:").replace("Not quite:", "Your prediction was")
    return Feedback(fb.ok, title, fb.detail)


# ---------------------------------------------------------------- Write-it exercises
@dataclass(frozen=True)
class CodeFeedback(Feedback):
    """Feedback on a learner's function, with one row per test case:
    ``(ok, case name, what happened)``."""

    rows: tuple[tuple[bool, str, str], ...] = ()

    def __repr__(self) -> str:
        lines = [super().__repr__()]
        lines += [f"  {'✓' if ok else '✗'} {name}: {what}" for ok, name, what in self.rows]
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


@dataclass(frozen=True)
class Case:
    """One input for a learner's function.

    Attributes
    ----------
    name : str
        How the learner sees the input, e.g. ``"[1000, 999, 0]"``.
    args : tuple
        The arguments; arrays are copied before the call, and a function that
        changes them in place is told so.
    check : callable
        ``check(output)`` returns None when the output is right, or a short
        phrase saying what is wrong ("returned NaN: ... instead of ...").
        :func:`expect_array` makes the usual one.
    hint : str
        What to change when this case fails.
    """

    name: str
    args: tuple
    check: Callable[[Any], str | None]
    hint: str


def short(a: Any) -> str:
    """An array on one line, 3 decimals (a batch's rows side by side)."""
    with np.printoptions(precision=3, suppress=True):
        return " ".join(np.array2string(np.asarray(a), separator=" ", max_line_width=10_000).split())


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
    the logits, not of their exponentials".
    """
    expected = np.asarray(expected)
    known = [(np.asarray(value, dtype=float), phrase) for value, phrase in mistakes if value is not None]

    def check(out: Any) -> str | None:
        wrong = _compare(out)
        if wrong is None or not known:
            return wrong
        try:
            got = np.asarray(out, dtype=float)
        except (TypeError, ValueError):
            return wrong
        for value, phrase in known:
            if got.shape == value.shape and np.allclose(got, value, equal_nan=True):
                return f"{wrong}, {phrase}"
        return wrong

    def _compare(out: Any) -> str | None:
        if out is None:
            return "returned None"
        if isinstance(out, (str, bytes, tuple, dict)) and not isinstance(out, np.ndarray):
            return f"returned a {type(out).__name__}, not a NumPy array"
        try:
            got = np.asarray(out)
        except Exception:  # an object NumPy cannot read
            return f"returned a {type(out).__name__}, not an array of numbers"
        if got.dtype.kind == "c":
            return "returned complex numbers"
        if got.dtype.kind not in "biuf":
            return f"returned a {type(out).__name__} of {got.dtype}, not an array of numbers"
        got = got.astype(float)
        if got.shape != expected.shape:
            return f"returned the wrong shape: {got.shape} instead of {expected.shape}"
        want_nan = np.isnan(expected)
        if (np.isnan(got) & ~want_nan).any():
            return f"returned NaN: {short(got)} instead of {short(expected)}"
        if (np.isinf(got) & ~np.isinf(expected)).any():
            return f"returned inf: {short(got)} instead of {short(expected)}"
        if not np.allclose(got, expected, rtol=rtol, atol=atol, equal_nan=True):
            return f"returned wrong values: {short(got)} instead of {short(expected)}"
        return None

    return check


_NO_RETURN = "Add a line `return ...` at the end: without it a Python function returns None."
WARNED_HINT = ("The values are right, but NumPy warned along the way (an overflow, a log of 0, a 0 / 0): "
           "a value on the way was wrong even if the answer came out right.")
_IN_PLACE = ("The function changed its input array in place (for example with `z -= m`), which breaks "
             "code that uses the input again. Compute a new array instead: `shifted = z - m`.")


def _run_case(fn: Callable, case: Case, harmless: Sequence[str]) -> tuple[bool, str, str]:
    """Run ``fn`` on one case; return (ok, what happened, hint)."""
    args = tuple(np.array(a, copy=True) if isinstance(a, np.ndarray) else a for a in case.args)
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            out = fn(*args)
        except Exception as err:  # the learner's code may raise anything
            return False, f"raised {type(err).__name__}: {err}".rstrip(" ."), case.hint
    problems, hint = [], case.hint
    wrong = case.check(out)
    if wrong:
        problems.append(wrong)
        if out is None:
            hint = _NO_RETURN
    changed = any(isinstance(a, np.ndarray) and not np.array_equal(a, b, equal_nan=True)
                  for a, b in zip(args, case.args))
    if changed:
        problems.append("changed its input array in place")
        if len(problems) == 1:
            hint = _IN_PLACE
    messages = list(dict.fromkeys(str(w.message) for w in caught))
    harmful = [m for m in messages if m not in harmless]
    if harmful:
        problems.append("made NumPy warn: " + "; ".join(harmful))
        if len(problems) == 1:
            hint = WARNED_HINT
    if problems:
        return False, "; ".join(problems), hint
    return True, "right" + (f" (NumPy warned, harmlessly: {'; '.join(messages)})" if messages else ""), ""


def signature_problem(fn, name: str) -> Feedback | None:
    """For a Write-it checker: a Feedback if ``fn`` cannot be called as ``name(z)`` with one array, else None.

    Checked before any case runs, so that a function with the wrong signature
    gets a hint about its signature, not about the first hostile input.
    """
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):  # builtins and ufuncs without a signature: just call them
        return None
    try:
        sig.bind(np.zeros(3))
    except TypeError as err:
        return Feedback(False, f"{name} cannot be called as {name}(z): {err}.",
                        f"Define it with exactly one parameter, the logits: `def {name}(z):`. The checker "
                        f"calls {name}(z) with one NumPy array.")
    return None


def form_hint(out: Any, name: str, what: str, shape: tuple[int, ...] | None = None) -> str | None:
    """A hint that matches a result of the wrong kind (a tuple, a str, complex numbers, a wrong
    ``shape``), or None."""
    if isinstance(out, tuple):
        return (f"{name} returned a tuple of {len(out)} items. Return only the array of {what}: "
                "`return e / total`, not `return e, total` or `return (p,)`.")
    if isinstance(out, (str, bytes)):
        return (f"{name} returned text ({type(out).__name__}), for example from str() or an f-string. Return the "
                f"NumPy array of {what} itself; print it separately if you want to see it.")
    try:
        kind = np.asarray(out).dtype.kind
    except Exception:  # an object NumPy cannot read
        return f"{name} returned a {type(out).__name__}. Return a NumPy array of {what}."
    if kind == "c":
        return (f"{name} returned complex numbers: a probability is a real number. Look for a `j` "
                "(an imaginary unit) or np.sqrt / np.log of a negative number, and remove it.")
    if kind not in "biuf" and out is not None:
        return f"{name} returned an array of {np.asarray(out).dtype}, not of numbers. Return a NumPy array of {what}."
    if out is not None and shape is not None and np.shape(out) != shape:
        return (f"{name} returned shape {np.shape(out)} for an input of shape {shape}: return one value per "
                "entry of z, in an array of z's shape (no sum, no flatten, no float()).")
    return None


def probe(fn, z) -> Any:
    """Call ``fn(z.copy())`` quietly; the result, or None if it raised."""
    with np.errstate(all="ignore"):
        try:
            return fn(np.array(z, copy=True))
        except Exception:  # the case itself will report the exception
            return None


def check_function(
    fn: Any,
    cases: Sequence[Case],
    *,
    name: str,
    success: str,
    harmless: Sequence[str] = (),
) -> Feedback:
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
        NumPy warning messages that do not count against the function.

    Returns
    -------
    CodeFeedback
        One row per case; the title counts the failures and names the first.
    """
    if fn is None or fn is Ellipsis:
        return Feedback(None, f"No function yet: complete {name} and run this cell again.")
    if not callable(fn):
        return Feedback(False, f"Expected a function such as {name}, got {type(fn).__name__}.",
                        f"Pass the function itself, without calling it: ({name}), not ({name}(...)).")
    results = [(case, *_run_case(fn, case, harmless)) for case in cases]
    rows = tuple((ok, case.name, what) for case, ok, what, _ in results)
    failed = [(case, what, hint) for case, ok, what, hint in results if not ok]
    if not failed:
        return CodeFeedback(True, f"All {len(cases)} cases passed.", success, rows=rows)
    case, what, hint = failed[0]
    return CodeFeedback(False, f"{len(failed)} of {len(cases)} cases failed. The first: {case.name}",
                        f"It {what}. Hint: {hint}", rows=rows)
