"""Feedback for "check yourself" exercises.

A checker takes the learner's answer and returns a :class:`Feedback`, which
shows as a coloured box in Jupyter and as plain text elsewhere.  A wrong answer
gets a hint aimed at the mistake that most likely produced it, not just
``False``.  Lesson modules build their checkers from :func:`check_number` and
:func:`check_choice`.
"""

from __future__ import annotations

import html
import math
import numbers
from dataclasses import dataclass
from typing import Any, Sequence

__all__ = ["Feedback", "check_number", "check_choice", "Near", "STYLES"]

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
    """
    if answer is None or answer is Ellipsis:
        return Feedback(None, f"No answer yet: replace None with {what}.", hint)
    if isinstance(answer, bool) or not isinstance(answer, numbers.Real):
        try:
            answer = float(answer)  # numpy scalars, 0-d arrays
        except (TypeError, ValueError):
            return Feedback(
                False,
                f"Expected {what}, got {type(answer).__name__} {answer!r}.",
                hint,
            )
    answer = float(answer)
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
    letters (``{"a", "c"}``) for questions with several right options."""
    if answer is None or answer is Ellipsis:
        return Feedback(None, f"No answer yet: replace None with one of {', '.join(repr(o) for o in options)}.")
    want = {correct} if isinstance(correct, str) else set(correct)
    if isinstance(answer, str):
        got = {a.strip().lower() for a in answer.replace(",", " ").split()}
    elif isinstance(answer, (set, list, tuple)):
        got = {str(a).strip().lower() for a in answer}
    else:
        return Feedback(False, f"Expected a letter such as 'a', got {answer!r}.")
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
