"""The shared checkers in softmax_lib.checks, on the answers learners actually type.

Table-driven: each row is an answer and the verdict (True right, False wrong,
None no answer yet) with a fragment the feedback must contain.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from softmax_lib import checks, softmax
from softmax_lib.checks import Case, Near, check_choice, check_function, check_number, check_prediction

HINTS = {"a": "HINT-A: a is about sums.", "b": "HINT-B: b is about signs.", "c": "HINT-C: c is about ties."}


def choice(answer, correct=frozenset({"a", "c"})):
    return check_choice(answer, set(correct), why="WHY", hints=HINTS, options=("a", "b", "c", "d"))


# ---------------------------------------------------------------- check_choice
@pytest.mark.parametrize("answer", ["", "   ", "\n\t", [], (), set(), frozenset(), ",", " , "])
def test_an_empty_choice_is_no_answer_yet_and_gives_nothing_away(answer):
    fb = choice(answer)
    assert fb.ok is None
    assert fb.title.startswith("No answer yet")
    assert "'a', 'b', 'c', 'd'" in fb.title  # the options, not the answer
    assert "HINT" not in repr(fb) and "WHY" not in repr(fb)


@pytest.mark.parametrize(
    "answer, correct",
    [
        ("c", "c"),
        ("C", "c"),
        (" c ", "c"),
        ("c.", "c"),
        ("(c)", "c"),
        ("c)", "c"),
        ("'c'", "c"),
        (frozenset({"c"}), "c"),
        ({"c"}, "c"),
        (["c"], "c"),
        (("c",), "c"),
        ("a, c", {"a", "c"}),
        ("(a), (c)", {"a", "c"}),
        ("a;c", {"a", "c"}),
        ("a c", {"a", "c"}),
        (frozenset({"a", "c"}), {"a", "c"}),
        (["(a)", "c."], {"a", "c"}),
    ],
)
def test_choice_accepts_the_ways_learners_write_a_letter(answer, correct):
    fb = check_choice(answer, correct, why="WHY", hints=HINTS, options=("a", "b", "c", "d"))
    assert fb.ok is True, fb
    assert fb.detail == "WHY"


@pytest.mark.parametrize(
    "answer, fragment, hint",
    [
        ("b", "Not quite: b", "HINT-B"),
        ("a, b, c", "Not quite: a, b, c", "HINT-B"),  # a wrong option is named first
        ("a", "Part of it: a", "HINT-C"),
        ("e", "e is not an option", ""),
        ("banana", "banana is not an option", ""),
        (3, "Expected a letter", ""),
        (0.5, "Expected a letter", ""),
    ],
)
def test_choice_rejects_with_its_own_hint(answer, fragment, hint):
    fb = choice(answer)
    assert fb.ok is False
    assert fragment in fb.title
    assert (hint in fb.detail) if hint else fb.detail == ""


# ---------------------------------------------------------------- check_number
def number(answer, **kw):
    return check_number(
        answer,
        0.8808,
        tol=5e-4,
        why="WHY",
        hint="HINT",
        mistakes=[Near(0.1192, "MISTAKE: you took the other class.")],
        **kw,
    )


@pytest.mark.parametrize(
    "answer, ok, fragment",
    [
        (0.8808, True, "Right: 0.8808"),
        (np.float32(0.8808), True, "Right"),
        (np.array(0.8808), True, "Right"),
        (Fraction(8808, 10000), True, "Right"),
        (0.1192, False, "Not quite: 0.1192"),
        (0.5, False, "Not quite: 0.5"),
        (None, None, "No answer yet"),
        (..., None, "No answer yet"),
        (True, False, "got bool True"),
        ("0.8808", True, "Right"),
        (" 0.8808 ", True, "Right"),
        ("0.8 8", False, "got str '0.8 8': write a number"),
        (b"0.88", False, "without quotes"),
        (float("nan"), False, "not a finite number"),
        (float("inf"), False, "not a finite number"),
    ],
)
def test_number_verdicts(answer, ok, fragment):
    fb = number(answer)
    assert fb.ok is ok
    assert fragment in fb.title


@pytest.mark.parametrize(
    "answer",
    [10**400, -(10**400), Fraction(10**400, 3), np.array(10**400, dtype=object)],
    ids=["10**400", "-10**400", "Fraction", "object-array"],
)
def test_a_number_too_large_for_a_float_gets_feedback_not_an_overflow_error(answer):
    fb = number(answer)
    assert fb.ok is False
    assert "too large" in fb.title
    assert len(fb.title) < 120  # the 401 digits are not pasted in
    fb = check_prediction(answer, 0.8808, tol=5e-4, why="WHY")
    assert fb.ok is False and "too large" in fb.title and "WHY" in fb.detail


@pytest.mark.parametrize(
    "answer", [0.8808 + 5j, 0.8808 + 0j, np.complex128(0.8808 + 5j), np.array(0.8808 + 5j), np.complex64(0.8808)]
)
def test_a_complex_number_is_rejected_with_a_reason(answer):
    fb = number(answer)
    assert fb.ok is False
    assert "complex" in fb.title
    assert "real number" in fb.title
    fb = check_prediction(answer, 0.8808, tol=5e-4, why="WHY")
    assert fb.ok is False and "complex" in fb.title


# ---------------------------------------------------------------- check_prediction
@pytest.mark.parametrize("prediction", [None, ..., "", "  ", [], set(), frozenset()])
def test_an_empty_prediction_is_no_prediction_yet(prediction):
    fb = check_prediction(prediction, "b", why="WHY", options=("a", "b", "c"), hints=HINTS)
    assert fb.ok is None
    assert fb.title == checks.NO_PREDICTION
    assert "HINT" not in repr(fb) and "WHY" not in repr(fb)


@pytest.mark.parametrize("prediction", ["(b)", "b.", frozenset({"b"}), "B"])
def test_prediction_accepts_the_ways_learners_write_a_letter(prediction):
    fb = check_prediction(prediction, "b", why="WHY", options=("a", "b", "c"))
    assert fb.ok is True and fb.title.startswith("You predicted it") and fb.detail == "WHY"


# ---------------------------------------------------------------- check_function
def _cases():
    return [
        Case(
            "[2, 1, 0.1]", (np.array([2.0, 1.0, 0.1]),), checks.expect_array(softmax([2.0, 1.0, 0.1])), "HINT-ORDINARY"
        ),
        Case(
            "[1000, 999, 0]",
            (np.array([1000.0, 999.0, 0.0]),),
            checks.expect_array(softmax([1000.0, 999.0, 0.0])),
            "HINT-OVERFLOW",
        ),
    ]


def _naive(z):
    e = np.exp(z)
    return e / e.sum()


def _in_place(z):
    z -= z.max()
    e = np.exp(z)
    return e / e.sum()


@pytest.mark.parametrize(
    "fn, ok, what, hint",
    [
        (lambda z: softmax(z), True, "", ""),
        (lambda z: softmax(z) + 1e-3j, False, "returned complex numbers", "HINT-ORDINARY"),
        (lambda z: None, False, "returned None", "Add a line `return ...`"),
        (lambda z: tuple(softmax(z)), False, "returned a tuple", "HINT-ORDINARY"),
        (lambda z: "0.66 0.24 0.10", False, "returned a str", "HINT-ORDINARY"),
        (lambda z: softmax(z)[:2], False, "wrong shape", "HINT-ORDINARY"),
        (_naive, False, "returned NaN", "HINT-OVERFLOW"),
        (_in_place, False, "changed its input array in place", "Compute a new array instead"),
        (lambda: 0, False, "raised TypeError", "HINT-ORDINARY"),
    ],
)
def test_check_function_explains_the_first_failure(fn, ok, what, hint):
    with np.errstate(all="ignore"):
        fb = check_function(fn, _cases(), name="my_softmax", success="SUCCESS")
    assert fb.ok is ok
    if ok:
        assert fb.detail == "SUCCESS" and all(r[0] for r in fb.rows)
    else:
        assert what in fb.detail and hint in fb.detail
