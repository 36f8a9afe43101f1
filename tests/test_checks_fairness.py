"""Fair checkers (issue 16 §3) and readable feedback boxes (issue 17 §5), table-driven.

Each table row is an answer or a learner's function, with the verdict and a fragment the
feedback must contain: correct-but-different forms pass, plausible mistakes fail with their
own hint, and nothing a learner passes in crashes a checker or floods the notebook.
"""

from __future__ import annotations

import colorsys
import math
import re
import warnings

import numpy as np
import pytest

from softmax_lib import checks, sigmoid, softmax
from softmax_lib.checks import (
    Case,
    CodeFeedback,
    check_choice,
    check_function,
    check_number,
    check_prediction,
    expect_array,
)


# ---------------------------------------------------------------- NumPy's wordings of one warning
def _warning_of(op) -> str:
    with warnings.catch_warnings(record=True) as caught, np.errstate(all="warn"):
        warnings.simplefilter("always")
        op()
    assert len(caught) == 1
    return str(caught[0].message)


@pytest.mark.parametrize(
    "op",
    [
        lambda: np.array([-1e308]) - np.array([1e308]),
        lambda: np.float64(-1e308) - np.float64(1e308),
        lambda: -1e308 - np.float64(1e308),  # a Python float against a NumPy scalar
        lambda: np.array([-3e38], np.float32) - np.array([3e38], np.float32),
        lambda: np.float32(-3e38) - np.float32(3e38),
        lambda: np.float16(-6e4) - np.float16(6e4),
        lambda: np.longdouble("-1e4932") - np.longdouble("1e4932"),
        lambda: np.subtract(np.array([[-1e308]]), 1e308),
    ],
    ids=[
        "float64-array",
        "float64-scalar",
        "python-float",
        "float32-array",
        "float32-scalar",
        "float16-scalar",
        "longdouble-scalar",
        "2d-broadcast",
    ],
)
def test_a_harmless_warning_matches_in_every_numpy_wording(op):
    message = _warning_of(op)
    assert checks.harmless_match(message, ["overflow encountered in subtract"])
    assert checks.harmless_match(message, ["Overflow encountered in scalar subtract."])
    assert not checks.harmless_match(message, ["overflow encountered in exp"])
    assert not checks.harmless_match(message, ["invalid value encountered in subtract"])


def _loop_softmax(dtype):
    """A correct softmax written as a scalar loop with math.exp (lesson 04, issue 16)."""

    def fn(z):
        m = max(z)  # a NumPy scalar
        shifted = [zi - m for zi in z]  # -1e308 - 1e308: "overflow encountered in scalar subtract"
        e = [math.exp(s) for s in shifted]
        total = sum(e)
        return np.array([x / total for x in e], dtype=dtype)

    return fn


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_a_scalar_loop_with_math_exp_passes_with_the_array_wording_on_the_harmless_list(dtype):
    big = np.array([1e308, -1e308]) if dtype == np.float64 else np.array([3e38, -3e38], dtype=np.float32)
    cases = [
        Case("[big, -big]", (big,), expect_array(softmax(big)), "H"),
        Case(
            "[2, 1, 0.1]",
            (np.array([2.0, 1.0, 0.1], dtype=dtype),),
            expect_array(softmax(np.array([2.0, 1.0, 0.1]))),
            "H",
        ),
    ]
    fb = check_function(
        _loop_softmax(dtype), cases, name="my_softmax", success="S", harmless=("overflow encountered in subtract",)
    )
    assert fb.ok is True, repr(fb)
    assert "harmlessly: overflow encountered in scalar subtract" in fb.rows[0][2]
    assert fb.results[0].harmless == ("overflow encountered in scalar subtract",)
    fb = check_function(_loop_softmax(dtype), cases, name="my_softmax", success="S")  # not harmless here
    assert fb.ok is False and fb.failure.kinds == {"warned"} and checks.WARNED_HINT in fb.detail


# ---------------------------------------------------------------- silenced warnings
_BIG = np.array([-1000.0, 0.0, 1000.0])


def _plain(z):
    return 1 / (1 + np.exp(-z))  # warns at -1000, values right


def _errstate_all(z):
    with np.errstate(all="ignore"):
        return 1 / (1 + np.exp(-z))


def _errstate_over(z):
    with np.errstate(over="ignore", invalid="ignore"):
        return 1 / (1 + np.exp(-z))


@np.errstate(all="ignore")
def _errstate_decorator(z):
    return 1 / (1 + np.exp(-z))


def _seterr(z):
    old = np.seterr(all="ignore")
    try:
        return 1 / (1 + np.exp(-z))
    finally:
        np.seterr(**old)


def _simplefilter(z):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return 1 / (1 + np.exp(-z))


def _filterwarnings(z):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=RuntimeWarning)
        return 1 / (1 + np.exp(-z))


def _catch_action(z):
    with warnings.catch_warnings(action="ignore"):
        return 1 / (1 + np.exp(-z))


def _silenced_and_wrong(z):
    with np.errstate(all="ignore"):
        return np.exp(z) / (1 + np.exp(z))  # NaN at +1000


def _stable(z):  # the right way: nothing to silence
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _uses_isclose(z):  # NumPy's own np.errstate inside np.isclose is not the learner's
    out = _stable(z)
    assert np.isclose(out[1], 0.5)
    return out


def _uses_the_library(z):  # softmax_lib silences internally: not the learner's doing
    return softmax(np.stack([np.zeros_like(z), z], axis=-1))[..., 1]


def _under_only(z):  # underflow to 0 is ignored by NumPy anyway: not silencing a bug
    with np.errstate(under="ignore"):
        return _stable(z)


def _raises_and_catches(z):  # asking NumPy to raise, and handling it, is not silencing
    with np.errstate(over="raise"):
        try:
            return 1 / (1 + np.exp(-z))
        except FloatingPointError:
            return _stable(z)


@pytest.fixture
def nothing_pending():
    """The silencing check is skipped while an interruption from an earlier test is pending."""
    import time

    deadline = time.monotonic() + 10
    while checks._interruption_pending() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not checks._interruption_pending()


def _sigmoid_case(fn=None):
    return [Case("[-1000, 0, 1000]", (_BIG.copy(),), expect_array(sigmoid(_BIG), atol=1e-12), "CASE-HINT")]


@pytest.mark.parametrize(
    "fn, forbid, ok, fragments",
    [
        (_plain, True, False, ["made NumPy warn: overflow encountered in exp", "The values are right"]),
        (_errstate_all, False, True, []),  # without the option, silencing passes as before
        (_errstate_all, True, False, ["silenced NumPy's warnings with np.errstate(all='ignore')", "hides bugs"]),
        (_errstate_over, True, False, ["np.errstate(over='ignore', invalid='ignore')", "hides bugs"]),
        (_errstate_decorator, True, False, ["@np.errstate(all='ignore')", "hides bugs"]),
        (_seterr, True, False, ["np.seterr(all='ignore')", "hides bugs"]),
        (_simplefilter, True, False, ["warnings.simplefilter('ignore')", "hides bugs"]),
        (_filterwarnings, True, False, ["warnings.filterwarnings('ignore')", "hides bugs"]),
        (_catch_action, True, False, ["warnings.catch_warnings(action='ignore')", "hides bugs"]),
        (_silenced_and_wrong, True, False, ["returned NaN", "silenced NumPy's warnings", "CASE-HINT"]),
        (_stable, True, True, []),
        (_uses_isclose, True, True, []),
        (_uses_the_library, True, True, []),
        (_under_only, True, True, []),
        (_raises_and_catches, True, True, []),
    ],
    ids=[
        "plain-warns",
        "errstate-allowed",
        "errstate-all",
        "errstate-over",
        "errstate-decorator",
        "seterr",
        "simplefilter",
        "filterwarnings",
        "catch_warnings-action",
        "silenced-and-wrong",
        "stable",
        "np.isclose",
        "softmax_lib",
        "under-only",
        "raise-and-catch",
    ],
)
def test_silencing_warnings_is_its_own_failure_when_the_checker_asks(fn, forbid, ok, fragments, nothing_pending):
    before = np.geterr()
    fb = check_function(fn, _sigmoid_case(), name="my_sigmoid", success="S", forbid_silencing=forbid)
    assert np.geterr() == before
    assert fb.ok is ok, repr(fb)
    for fragment in fragments:
        assert fragment in fb.detail, fb.detail
    if not ok and "hides bugs" in fragments:
        assert fb.failure.kinds == {"silenced"} and fb.failure.silenced


def test_a_checker_can_word_the_silencing_hint_itself(nothing_pending):
    fb = check_function(
        _errstate_all,
        _sigmoid_case(),
        name="my_sigmoid",
        success="S",
        forbid_silencing=True,
        silenced_hint="LESSON-05: the lesson says silencing hides bugs.",
    )
    assert fb.detail.endswith("Hint: LESSON-05: the lesson says silencing hides bugs.")


# ---------------------------------------------------------------- digits and tolerance
def _sides(message: str) -> tuple[str, str]:
    got, want = message.removeprefix("returned wrong values: ").split(" instead of ")
    return got, re.sub(r" \(off by .*\)$", "", want).split(", which")[0]


SIG = sigmoid(np.array([-2.0, 0.0, 2.0]))


@pytest.mark.parametrize(
    "got, expected, rtol, atol, tolerance_shown",
    [
        (np.round(SIG, 4), SIG, 1e-5, 1e-8, True),  # issue 16: "[0.119 0.5 0.881] instead of [0.119 0.5 0.881]"
        (SIG + 2e-6, SIG, 1e-9, 1e-12, True),
        (SIG * (1 + 1e-12), SIG, 0.0, 0.0, True),
        (np.array([0.0, 9.86e-305]), np.array([4.25e-18, 9.86e-305]), 1e-6, 0.0, True),  # tiny tails
        (
            np.array([[0.09, 0.2447, 0.6652], [0.5, 0.5, 0.0]]),
            softmax(np.array([[1.0, 2, 3], [1000, 1000, 0]])),
            1e-5,
            1e-8,
            True,
        ),
        (np.array([0.2, 0.5, 0.8]), SIG, 1e-5, 1e-8, False),  # visible at 3 decimals: the usual message
        (np.float32(0.88079), np.float64(0.8807970779778823), 1e-9, 0.0, True),  # a 0-d result
    ],
    ids=["rounded-to-4", "off-by-2e-6", "off-by-1-ulp-ish", "tiny-tails", "batch", "visible", "0-d"],
)
def test_wrong_values_are_shown_with_enough_digits_to_differ(got, expected, rtol, atol, tolerance_shown):
    message = expect_array(expected, rtol=rtol, atol=atol)(got)
    assert message.startswith("returned wrong values: "), message
    left, right = _sides(message)
    assert left != right, message
    assert ("tolerance" in message) is tolerance_shown, message
    if not tolerance_shown:
        assert message == f"returned wrong values: {checks.short(got)} instead of {checks.short(expected)}"


def test_the_tolerance_names_the_entry_that_is_off():
    message = expect_array(SIG)(np.array([SIG[0], SIG[1], SIG[2] + 1e-4]))
    assert message.endswith("(off by 0.0001 at [2], where the tolerance is 8.8e-06)"), message


def test_a_learners_near_miss_shows_the_digits_in_the_feedback():
    cases = [Case("[-2, 0, 2]", (np.array([-2.0, 0.0, 2.0]),), expect_array(SIG), "H")]
    fb = check_function(lambda z: np.round(SIG, 3), cases, name="my_sigmoid", success="S")
    assert "[0.119 0.5 0.881] instead of [0.1192 0.5 0.8808]" in fb.detail, fb.detail
    assert "where the tolerance is" in fb.rows[0][2]


@pytest.mark.parametrize(
    "answer, expected, tol, title",
    [
        (0.8808000001, 0.8808, 0.0, "Not quite: 0.8808000001."),
        (0.88081, 0.8808, 1e-6, "Not quite: 0.88081 (close, but the answer must be within ±1e-06)."),
        (0.8816, 0.8808, 5e-4, "Not quite: 0.8816 (close, but the answer must be within ±0.0005)."),
        (1.3333333, 0.8808, 5e-4, "Not quite: 1.33333."),  # far off: as before
    ],
)
def test_a_number_is_shown_with_enough_digits_and_a_near_miss_gets_the_tolerance(answer, expected, tol, title):
    assert check_number(answer, expected, tol=tol, why="W").title == title


# ---------------------------------------------------------------- choices as the learner meant them
def choice(answer, correct=frozenset({"a", "c"})):
    return check_choice(
        answer, set(correct), why="WHY", hints={"b": "HINT-B", "c": "HINT-C"}, options=("a", "b", "c", "d")
    )


@pytest.mark.parametrize(
    "answer",
    [
        "a and c",
        "ac",
        "CA",
        "{a, c}",
        "a & c",
        "a+c",
        "A, C",
        "(a) and (c)",
        "both a and c",
        "options a and c",
        "a,c",
        "['a', 'c']",
        "“a” and “c”",
        "a; c.",
        "a)c)",
        ["a and c"],
        {"A", "C"},
        ("(a)", "c"),
        "the answer is a, c",
    ],
)
def test_several_options_read_as_the_learner_meant(answer):
    fb = choice(answer)
    assert fb.ok is True, fb
    assert fb.title == "Right: a, c." and fb.detail == "WHY"


@pytest.mark.parametrize("answer", ["c", "C.", "option c", "(c)", "only c", "'c'", "c)"])
def test_one_option_read_as_the_learner_meant(answer):
    assert choice(answer, {"c"}).ok is True


@pytest.mark.parametrize(
    "answer, title",
    [
        ("a or c", "'a or c' leaves the choice open ('or'): write only the options you choose, e.g. 'b' or 'a, c'."),
        ("a/c", "'a/c' leaves the choice open ('/'): write only the options you choose, e.g. 'b' or 'a, c'."),
        ("either a or c", "'either a or c' leaves the choice open ('either')"),
        ("not b", "'not b' names what you do not choose ('not'): write the options you do choose"),
        ("none", "'none' chooses no option, but one of them is right: write the letter (or letters) you choose"),
        ("None", "'None' chooses no option"),
        ("no", "'no' chooses no option"),
        ("all but b", "'all but b'"),
        ("a-c", "'a-c' looks like a range ('-'): write each option you choose"),
        ("a to d", "looks like a range ('to')"),
        ("a and x", "x is not an option; choose from a, b, c, d."),
        ("banana", "banana is not an option; choose from a, b, c, d."),
        ("a, e, f", "e, f are not options; choose from a, b, c, d."),
        ("1", "1 is not an option; choose from a, b, c, d."),
        (3, "Expected a letter such as 'a', got 3."),
    ],
)
def test_an_ambiguous_or_unknown_choice_gets_a_clear_message(answer, title):
    fb = choice(answer)
    assert fb.ok is False
    assert title in fb.title, fb.title
    assert "HINT" not in repr(fb) and "WHY" not in repr(fb)  # nothing given away
    assert not re.search(r"\{\w|\w\}", fb.title)  # no "{a" / "c}" fragments


@pytest.mark.parametrize(
    "answer, title, detail",
    [("a and b and c", "Not quite: a, b, c.", "HINT-B"), ("a", "Part of it: a.", "HINT-C")],
)
def test_a_wrong_choice_still_gets_its_own_hint(answer, title, detail):
    fb = choice(answer)
    assert fb.ok is False and fb.title == title and fb.detail == detail


def test_a_prediction_is_read_the_same_way():
    fb = check_prediction("b and c", {"b", "c"}, why="WHY", options=("a", "b", "c"))
    assert fb.ok is True and fb.title == "You predicted it: b, c."
    fb = check_prediction("b or c", {"b", "c"}, why="WHY", options=("a", "b", "c"))
    assert fb.ok is False and "leaves the choice open" in fb.title and fb.detail == "WHY"


# ---------------------------------------------------------------- one number in an array
@pytest.mark.parametrize(
    "answer, ok, how",
    [
        (np.array([0.8808]), True, "float(x) or x.item()"),
        (np.array([[0.8808]]), True, "float(x) or x.item()"),
        (np.array([0.8808], dtype=np.float32), True, "float(x) or x.item()"),
        ([0.8808], True, "x[0]"),
        ((0.8808,), True, "x[0]"),
        (np.array([0.5]), False, "float(x) or x.item()"),
        (np.array([0.1192]), False, "float(x) or x.item()"),
    ],
)
def test_a_one_element_array_is_judged_by_its_number_with_a_hint_to_use_float(answer, ok, how):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # float() of a 1-element array is deprecated in NumPy 2: never called
        fb = check_number(answer, 0.8808, tol=5e-4, why="WHY", hint="HINT", mistakes=[checks.Near(0.1192, "MISTAKE")])
    assert fb.ok is ok, fb
    assert "holding one number" in fb.detail and how in fb.detail
    assert ("WHY" if ok else ("MISTAKE" if answer[0] < 0.2 else "HINT")) in fb.detail
    pred = check_prediction(answer, 0.8808, tol=5e-4, why="WHY")
    assert pred.ok is ok and "holding one number" in pred.detail and "WHY" in pred.detail


def test_an_array_of_several_numbers_is_told_to_pick_one():
    fb = check_number(np.array([0.1192, 0.8808]), 0.8808, tol=5e-4, why="WHY")
    assert fb.ok is False and "an array of 2 numbers" in fb.title and "x[i]" in fb.title


# ---------------------------------------------------------------- nothing a learner passes crashes a checker
class _BadStr(Exception):
    def __str__(self):
        raise RuntimeError("no message for you")


class _BadRepr:
    def __repr__(self):
        raise ValueError("no repr for you")

    def __str__(self):
        raise ValueError("no str for you")

    def __float__(self):
        raise RuntimeError("no float for you")


class _BadArray(_BadRepr):
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array for you")

    def __len__(self):
        raise RuntimeError("no len for you")


HUGE = "x" * 50_000_000  # 50 MB


class _HugeRepr:
    def __repr__(self):
        return HUGE

    def __float__(self):
        raise TypeError(HUGE)


def _raise(err):
    def fn(z):
        raise err

    return fn


def _warn_huge(z):
    warnings.warn(HUGE, RuntimeWarning, stacklevel=2)
    return softmax(z)


def _small(fb) -> bool:
    return len(repr(fb)) < 5_000 and len(fb._repr_html_()) < 10_000


_CASES = [Case("[2, 1, 0.1]", (np.array([2.0, 1.0, 0.1]),), expect_array(softmax([2.0, 1.0, 0.1])), "HINT")]


@pytest.mark.parametrize(
    "fn, fragment",
    [
        (_raise(_BadStr()), "raised _BadStr: (its message cannot be shown: str() of it raised RuntimeError)"),
        (_raise(ValueError(HUGE)), "characters in all)"),
        (_raise(_BadStr), "raised _BadStr: (its message cannot be shown"),
        (lambda z: _BadRepr(), "returned a _BadRepr of object, not an array of numbers"),
        (lambda z: _BadArray(), "not an array of numbers"),
        (lambda z: _HugeRepr(), "returned a _HugeRepr"),
        (lambda z: HUGE, "returned a str, not a NumPy array"),
        (_warn_huge, "made NumPy warn: xxxx"),
        (_raise(SystemExit(3)), "raised SystemExit: 3"),
    ],
    ids=[
        "str-raises",
        "50MB-message",
        "class-not-instance",
        "repr-raises",
        "array-raises",
        "50MB-repr",
        "50MB-str",
        "50MB-warning",
        "exit()",
    ],
)
def test_a_broken_or_huge_result_or_exception_is_survived_and_truncated(fn, fragment):
    fb = check_function(fn, _CASES, name="my_softmax", success="S", returns="probabilities")
    assert fb.ok is False
    assert fragment in fb.detail, fb.detail[:500]
    assert _small(fb), (len(repr(fb)), len(fb._repr_html_()))


@pytest.mark.parametrize(
    "answer",
    [_BadRepr(), _BadArray(), _HugeRepr(), HUGE, {_BadRepr()}, [HUGE]],
    ids=["repr-raises", "array-raises", "50MB-repr", "50MB-str", "set-of-bad", "list-of-huge"],
)
def test_number_and_choice_checkers_survive_any_answer(answer):
    for fb in (
        check_number(answer, 0.5, tol=0.01, why="W"),
        check_prediction(answer, 0.5, tol=0.01, why="W"),
        check_choice(answer, "a", why="W", options=("a", "b")),
        check_prediction(answer, "a", why="W", options=("a", "b")),
    ):
        assert fb.ok is False, fb
        assert _small(fb), (len(repr(fb)), len(fb._repr_html_()))


# ---------------------------------------------------------------- in place, also inside a list
def test_changing_an_array_inside_a_list_argument_is_caught():
    chunks = [np.array([1.0, 2.0]), np.array([3.0])]
    want = float(np.log(np.exp([1.0, 2.0, 3.0]).sum()))

    def shifts_in_place(chunks):
        m = max(c.max() for c in chunks)
        for c in chunks:
            c -= m
        return m + np.log(sum(np.exp(c).sum() for c in chunks))

    def reads_only(chunks):
        return np.log(sum(np.exp(c).sum() for c in chunks))

    case = Case("two chunks", (chunks,), expect_array(want), "H")
    fb = check_function(shifts_in_place, [case], name="f", success="S")
    assert fb.ok is False and fb.failure.kinds == {"in_place"} and "Compute a new array" in fb.detail
    assert chunks[0].tolist() == [1.0, 2.0]  # the case's own arrays are untouched
    assert check_function(reads_only, [case], name="f", success="S").ok is True


# ---------------------------------------------------------------- the failing case as data
def test_code_feedback_carries_the_failing_case_and_its_row():
    cases = [
        Case("first", (np.array([0.0, 0.0]),), expect_array([0.5, 0.5]), "H1"),
        Case("second", (np.array([0.0, 1000.0]),), expect_array([0.0, 1.0]), "H2"),
    ]

    def naive(z):
        return np.exp(z) / np.exp(z).sum()

    fb = check_function(naive, cases, name="f", success="S")
    assert isinstance(fb, CodeFeedback)
    assert fb.failed is cases[1]
    assert fb.failed_row == (False, "second", fb.results[1].what)
    assert fb.failure.kinds == {"wrong", "warned"}
    assert fb.failure.warnings == ("overflow encountered in exp", "invalid value encountered in divide")
    assert [r.ok for r in fb.results] == [True, False]
    assert fb.with_hint("NEW").detail == f"It {fb.results[1].what}. Hint: NEW"
    good = check_function(lambda z: softmax(z), cases, name="f", success="S")
    assert good.failed is None and good.failed_row is None and good.with_hint("X") == good


@pytest.mark.parametrize(
    "fn, title, detail",
    [
        (
            lambda z: z,
            "f cannot be called as f(z, axis): too many positional arguments.",
            "Define it with exactly two parameters, the logits and the axis: `def f(z, axis):`. The checker calls "
            "f(z, axis) with a NumPy array and an int.",
        ),
        (lambda z, axis, t: z, "f cannot be called as f(z, axis): missing a required argument: 't'.", None),
    ],
)
def test_a_signature_problem_is_reported_before_any_case_runs(fn, title, detail):
    calls = []
    case = Case("c", (np.zeros(3), 0), lambda out: calls.append(out), "H")
    fb = check_function(fn, [case], name="f", success="S", params="z, axis", params_meaning="the logits and the axis")
    assert fb.ok is False and fb.title == title and not calls and not fb.rows
    if detail:
        assert fb.detail == detail


@pytest.mark.parametrize(
    "out, fragment",
    [
        ((np.array([0.5, 0.5]), 1.0), "f returned a tuple of 2 items. Return only the array of probabilities"),
        ("[0.5 0.5]", "f returned text (str)"),
        (np.array([0.5, 0.5]) + 1e-3j, "f returned complex numbers"),
        (np.array([[0.5, 0.5]]), "f returned shape (1, 2) for an input of shape (2,)"),
        (np.float64(1.0), "f returned shape () for an input of shape (2,)"),
    ],
)
def test_returns_gives_a_hint_about_the_form_of_a_wrong_kind_of_result(out, fragment):
    cases = [Case("c", (np.zeros(2),), expect_array([0.5, 0.5]), "CASE-HINT")]
    fb = check_function(lambda z: out, cases, name="f", success="S", returns="probabilities")
    assert fb.ok is False and fragment in fb.detail and "CASE-HINT" not in fb.detail
    fb = check_function(lambda z: out, cases, name="f", success="S")  # without `returns`: the case's hint
    assert "CASE-HINT" in fb.detail


def test_a_wrong_shape_on_a_later_case_keeps_that_cases_own_hint():
    cases = [
        Case("vector", (np.zeros(2),), expect_array([0.5, 0.5]), "H1"),
        Case("batch", (np.zeros((2, 2)),), expect_array(np.full((2, 2), 0.5)), "BATCH-HINT"),
    ]
    fb = check_function(lambda z: np.full(2, 0.5), cases, name="f", success="S", returns="probabilities")
    assert fb.failed.name == "batch" and "BATCH-HINT" in fb.detail


def test_a_check_that_raises_is_reported_not_raised():
    def broken_check(out):
        raise KeyError("the lesson's check has a bug")

    fb = check_function(lambda z: z, [Case("c", (np.zeros(2),), broken_check, "H")], name="f", success="S")
    assert fb.ok is False and fb.failure.kinds == {"check_failed", "wrong"}
    assert "returned a result the checker could not read (raised KeyError" in fb.detail


# ---------------------------------------------------------------- WCAG 2 AA contrast of the feedback box
def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio (L1 + 0.05) / (L2 + 0.05)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_wcag_formula_on_known_pairs():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#D55E00", "#fdecea") == pytest.approx(3.38, abs=0.005)  # issue 17's measurement
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.005)


@pytest.mark.parametrize("box", [True, False, None])
@pytest.mark.parametrize("mark", [True, False, None])
def test_every_title_and_mark_colour_reaches_aa_on_every_box_background(box, mark):
    # a failing box shows ✓ rows (green) and not-run rows (blue) on its own background
    background = checks.STYLES[box][0]
    assert contrast(checks.STYLES[mark][1], background) >= 4.5
    assert contrast("#222222", background) >= 4.5  # the detail text


@pytest.mark.parametrize("ok, original", [(True, "#009E73"), (False, "#D55E00"), (None, "#0072B2")])
def test_the_accents_keep_their_hue_and_meaning(ok, original):
    def hls(colour):
        return colorsys.rgb_to_hls(*(int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)))

    new = checks.STYLES[ok][1]
    assert abs(hls(new)[0] - hls(original)[0]) * 360 < 2  # the same hue (Okabe-Ito green / vermillion / blue)
    assert hls(new)[1] <= hls(original)[1]  # only darker
    html = check_number({True: 0.5, False: 0.1, None: None}[ok], 0.5, tol=0.01, why="W")._repr_html_()
    assert f"<b style='color:{new}'>" in html and f"border-left:6px solid {new}" in html
