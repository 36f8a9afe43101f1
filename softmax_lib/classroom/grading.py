"""What a test cell of the class edition calls: a checker's verdict as a pass or a fail.

nbgrader gives a test cell its points when it runs without an error (and prints
nothing to stderr), and none when it raises.  :func:`grade` turns the lesson's
own feedback into exactly that: it prints the verdict's first line when the
checker says right, and raises :class:`WrongAnswer`, an ``AssertionError``
whose message is the checker's whole feedback, when it says wrong or has no
answer.  The learner then reads in nbgrader's feedback what the checker would
have said in the workbook, without a traceback around it.

This module imports nothing but :mod:`softmax_lib.checks`: a learner's kernel loads it
from a test cell.

>>> from softmax_lib.checks import Feedback
>>> grade(Feedback(True, "Right: 0.79.", "e^2 / (e^0.5 + e^-1 + e^2)"))
✓ Right: 0.79.
>>> grade(Feedback(False, "Not quite: 0.67.", "That is 2 / (0.5 - 1 + 2)."))
Traceback (most recent call last):
...
softmax_lib.classroom.grading.WrongAnswer: ✗ Not quite: 0.67.
  That is 2 / (0.5 - 1 + 2).
"""

from __future__ import annotations

from typing import Any

__all__ = ["WrongAnswer", "grade"]


class WrongAnswer(AssertionError):
    """A checker said wrong (or found no answer yet).  Its message is the
    checker's feedback as the workbook shows it in plain text."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows these lines instead of a traceback: the feedback, not our frames.
        return str(self).split("\n")


def grade(feedback: Any) -> None:
    """Pass (print the verdict) if ``feedback.ok`` is True; otherwise raise
    :class:`WrongAnswer` with the feedback.

    ``feedback`` is what a lesson checker returns (a ``Feedback``); anything
    else, e.g. a checker replaced by a learner's own function, fails with a
    message that says so.
    """
    from ..checks import Feedback

    if not isinstance(feedback, Feedback):
        raise WrongAnswer(f"✗ The checker returned {type(feedback).__name__}, not the lesson's feedback.")
    text = repr(feedback)
    if feedback.ok is True:
        print(text.split("\n", 1)[0])
        return
    raise WrongAnswer(text)
