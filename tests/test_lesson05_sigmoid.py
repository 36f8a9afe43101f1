"""Lesson 05, sigmoid is two-class softmax: figures, widget callback and exercise checks."""

from __future__ import annotations

import itertools
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from softmax_lib import sigmoid, softmax
from softmax_lib.lessons import lesson05_sigmoid as lesson
from softmax_lib.plots import alt_text


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [ax.get_title() for ax in fig.axes]


# ---------------------------------------------------------------- the maths the lesson claims
def test_softmax_of_z_and_zero_is_sigmoid_exactly():
    z = np.random.default_rng(1).uniform(-40, 40, 20_000)
    pairs = softmax(np.stack([z, np.zeros_like(z)], axis=-1))
    assert np.array_equal(pairs[:, 0], sigmoid(z))
    assert np.array_equal(pairs[:, 1], sigmoid(-z))


def test_softmax_of_two_logits_is_sigmoid_of_difference():
    rng = np.random.default_rng(2)
    a, b = rng.normal(0, 4, 5000), rng.normal(0, 4, 5000)
    p = softmax(np.stack([a, b], axis=-1))
    assert np.allclose(p[:, 0], sigmoid(a - b), rtol=1e-15, atol=0)


@pytest.mark.parametrize("t", [0.1, 0.5, 0.9, 0.99])
def test_logit_cutoff_inverts_sigmoid(t):
    assert np.isclose(sigmoid(lesson.logit_cutoff(t)), t, rtol=1e-14)


# ---------------------------------------------------------------- the two-logit view
@pytest.mark.parametrize("a,b", list(itertools.product([-6.0, 0.0, 6.0], repeat=2)))
def test_two_logits_view_at_both_ends(moved_view, a, b):
    view = moved_view(lesson.TwoLogitsView)
    fig = view.fig
    n_artists = [len(ax.get_children()) for ax in fig.axes]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = view.update(a=a, b=b)
        fig.canvas.draw()
    assert [len(ax.get_children()) for ax in fig.axes] == n_artists  # nothing rebuilt
    assert np.array_equal(p, softmax([a, b]))
    assert p[0] == sigmoid(a - b)
    heights = [r.get_height() for r in view.rects]
    assert np.allclose(heights, p)
    assert np.allclose(view.point.get_xydata(), [[a - b, sigmoid(a - b)]])
    texts = _texts(fig)
    assert f"σ({a - b:.1f}) = {float(sigmoid(a - b)):.3f}" in texts
    assert not any("nan" in t.lower() or "inf" in t.lower() for t in texts)
    assert f"softmax([a, b]) = [{p[0]:.3f}, {p[1]:.3f}]" in view.alt
    xlim = fig.axes[1].get_xlim()
    assert xlim[0] < a - b < xlim[1]


def test_widget_redraws_on_change():
    w = lesson.widget()
    try:
        assert isinstance(w.view, lesson.TwoLogitsView)
        a0, b0 = lesson.WIDGET_DEFAULT
        assert np.allclose(w.last, softmax([a0, b0]))
        w.controls["b"].value = a0
        assert np.allclose(w.last, [0.5, 0.5])
        w.controls["a"].value = -6.0
        assert w.last[0] == sigmoid(-6.0 - a0)
        data, _ = w._repr_mimebundle_()
        assert "image/png" in data and "application/vnd.jupyter.widget-view+json" in data
    finally:
        plt.close(w.figure)


def test_widget_default_gives_no_answer_away():
    a0, b0 = lesson.WIDGET_DEFAULT
    shown = {round(float(v), 3) for v in softmax([a0, b0])} | {round(a0 - b0, 3), a0, b0}
    z3 = lesson.logit_cutoff(lesson.Q3_PROBABILITY)
    answers = {
        round(float(softmax(list(lesson.Q1_LOGITS))[0]), 3),
        round(float(lesson.Q1_LOGITS[0] - lesson.Q1_LOGITS[1]), 3),
        round(z3 + lesson.Q3_B, 3),
        round(z3, 3),
    }
    assert not shown & answers


# ---------------------------------------------------------------- static figures
def test_multilabel_figure(fig):
    p_sig, p_soft = lesson.draw_multilabel(fig)
    z = np.array(lesson.TAG_LOGITS)
    assert np.array_equal(p_sig, sigmoid(z)) and np.array_equal(p_soft, softmax(z))
    present = [lesson.TAGS.index(t) for t in lesson.TAGS_PRESENT]
    # what the prose says: the sigmoids find every present tag, softmax finds none
    assert np.all(p_sig[present] > 0.5) and np.all(np.delete(p_sig, present) < 0.5)
    assert np.all(p_soft < 0.5)
    texts = _texts(fig)
    assert "> 0.5: dog, ball, grass" in texts and "> 0.5: none" in texts
    hatched = [bar.get_hatch() for bar in fig.axes[0].patches]
    assert hatched.count("//") == len(lesson.TAGS_PRESENT)
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert legend == ["tag really in the photo", "tag not in the photo"]
    assert "sum 2.91" in alt_text(fig) and "above 0.5: none" in alt_text(fig)


def test_sigmoid_and_pairs_figures():
    f, ax = plt.subplots()
    try:
        lesson.draw_sigmoid(ax=ax, cutoffs=(0.5, 0.9))
        assert any("cut-off t = 0.9  ⇔  z > 2.20" == t.get_text() for t in ax.texts)
        assert "σ(z) > 0.9 exactly when z > 2.20" in alt_text(f)
        ax.clear()
        a, b = np.array([1.0, -3.0]), np.array([0.0, 2.0])
        lesson.draw_pairs_on_sigmoid(a, b, ax=ax)
        pts = [ln for ln in ax.lines if ln.get_marker() == "o"][0].get_xydata()
        assert np.allclose(pts, np.c_[a - b, sigmoid(a - b)])
        ax.clear()
        a, b = np.array([-9.0, 8.0]), np.array([8.0, -7.0])  # a − b = −17 and 15, beyond DIFF_RANGE
        lesson.draw_pairs_on_sigmoid(a, b, ax=ax)
        lo, hi = ax.get_xlim()
        assert lo < -17 and hi > 15  # every pair is in view
        curve = [ln for ln in ax.lines if ln.get_marker() != "o"][0].get_xdata()
        assert curve.min() <= -17 and curve.max() >= 15  # and has the curve under it
    finally:
        plt.close(f)


# ---------------------------------------------------------------- exercises
@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (0.786, True, "σ(1.3)"),
        (0.79, True, "Right"),
        (np.float64(0.7858), True, "Right"),
        (0.9241, False, "ignores the other logit"),
        (0.2142, False, "probability of class 1"),
        (0.6757, False, "dividing the logits"),
        (3.669, False, "ratio"),
        (0.5, False, "equal logits"),
        (0.3, False, "difference a − b"),
        (78.6, False, "That is a percentage"),
        (79, False, "That is a percentage"),
        ("x", False, "Expected a probability"),
        (0.786 + 5j, False, "is a complex number"),
    ],
)
def test_check_q1(answer, ok, fragment):
    fb = lesson.check_q1(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        ("c", True, "share one softmax"),
        ("C", True, "Right"),
        ("a", False, "night compete with car"),
        ("b", False, "day AND night"),
        ("d", False, "Swapped"),
        ({"b", "c"}, False, "day AND night"),
        ("e", False, "not an option"),
    ],
)
def test_check_q2(answer, ok, fragment):
    fb = lesson.check_q2(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (-0.386, True, "a = -1.386 + 1 = -0.386"),
        (float(np.log(0.25) + 1), True, "Right"),
        (-1.386, False, "Add b = 1"),
        (2.386, False, "logit of class 1"),
        (-2.386, False, "a = z + b"),
        (1.2, False, "adds the probability"),
        (0.398, False, "log10"),
        (-0.609, False, "the log of the probability"),
        (7, False, "Section 1"),
    ],
)
def test_check_q3(answer, ok, fragment):
    fb = lesson.check_q3(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


def test_q3_model_gives_the_same_probability():
    a = lesson.Q3_B + lesson.logit_cutoff(lesson.Q3_PROBABILITY)
    assert softmax([a, lesson.Q3_B])[0] == pytest.approx(lesson.Q3_PROBABILITY, rel=1e-12)


# ---------------------------------------------------------------- Predict checkpoints
@pytest.mark.parametrize(
    "check,right,wrong,fragment",
    [
        (lesson.predict_mirror, "b", {"a": "only in the denominator", "c": "still overflows"}, "no nan"),
        (
            lesson.predict_where,
            "b",
            {"a": "evaluated in full", "c": "does not pick"},
            "before it picks",
        ),
        (
            lesson.predict_multilabel,
            "c",
            {"a": "cannot have three", "b": "outweigh", "d": "cannot all be"},
            "dog, the largest, gets e^3 / (e^3 + e^2.6 + e^2.2 + …) = 0.47",
        ),
    ],
)
def test_predictions(check, right, wrong, fragment):
    assert check(None).ok is None and "No prediction yet" in check(None).title
    fb = check(right)
    assert fb.ok is True and fragment in fb.detail
    for letter, hint in wrong.items():
        fb = check(letter)
        assert fb.ok is False and hint in fb.detail and fragment in fb.detail
    assert check("q").ok is False


def test_predictions_match_what_numpy_does():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        mirror = 1 / (1 + np.exp(-np.array([-800.0])))
    assert mirror[0] == 0.0 and [str(w.message) for w in caught] == ["overflow encountered in exp"]
    x = np.array([-800.0, 800.0])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        picked = np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))
    assert picked.tolist() == [0.0, 1.0]
    assert {str(w.message) for w in caught} == {"overflow encountered in exp", "invalid value encountered in divide"}
    p = softmax(np.array(lesson.TAG_LOGITS))
    assert p.max() < 0.5 and round(float(p.max()), 2) == 0.47 and lesson.TAGS[int(np.argmax(p))] == "dog"


def test_textbook_sigmoid_differs_only_in_the_last_bits():
    """Section 2 prints a bound, not a count: how many of the 100 000 differ depends on NumPy's exp code path
    (76145 with AVX-512, 76292 without, on the machine that wrote this), the bound does not."""
    z = np.random.default_rng(0).uniform(-30, 30, size=100_000)
    textbook = 1 / (1 + np.exp(-z))
    s = sigmoid(z)
    assert not np.all(textbook == s)
    assert np.max(np.abs(textbook - s) / s) < 1e-15
    assert np.max(np.abs(textbook - s) / np.spacing(s)) <= 4  # a few units in the last place
    assert 0.1 < np.mean(textbook != s) < 0.5  # "many of the logits"


# ---------------------------------------------------------------- Write it: a stable sigmoid
def _textbook(z):
    return 1 / (1 + np.exp(-z))


def _textbook_exp(z):
    e = np.exp(z)
    return e / (1 + e)


def _where_both(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def _cancels(z):
    e = np.exp(-np.abs(z))
    s = 1 / (1 + e)
    return np.where(z >= 0, s, 1 - s)


def _clipped(z):  # no warning, but the tails are wrong
    return 1 / (1 + np.exp(-np.clip(z, -30, 30)))


def _summed(z):
    return float(lesson.reference_sigmoid(z).sum())


def _complex(z):
    return sigmoid(z) + 1e-3j


def _tuple(z):
    return lesson.reference_sigmoid(z), 1 - lesson.reference_sigmoid(z)


def _asymmetric(z):  # right on every case's input, but not σ(−z) = 1 − σ(z) in general
    s = lesson.reference_sigmoid(z)
    return np.where((np.abs(z) > 2.5) & (np.abs(z) < 30), s * (1 + 1e-3 * np.sign(z)), s)


def _in_place(z):  # right values, written over the caller's logits
    e = np.exp(-np.abs(z))
    z[...] = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return z


def _two_params(z, t):
    return sigmoid(z)


def _in_float64(z):  # casts first: more digits than float32 holds, and still right
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _tanh(z):  # no overflow, but 1 + tanh(z/2) cancels for large negative z
    return 0.5 * (1 + np.tanh(0.5 * z))


def _expit(z):  # scipy's sigmoid: float32 in, float32 out, σ(−100) rounded to 0 without a warning
    import scipy.special

    return scipy.special.expit(z)


def _silenced_textbook(z):  # right values everywhere, the overflow warnings switched off
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def _silenced_stable(z):  # even a stable formula fails when it switches the warnings off
    with np.errstate(all="ignore"):
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _filtered(z):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return 1 / (1 + np.exp(-z))


N_SIG = 1 + len(lesson.SIGMOID_HOSTILE) + 1
CORRECT_SIGMOIDS = {
    "reference": lesson.reference_sigmoid,
    "library": sigmoid,
    "computes in float64": _in_float64,
    "scipy.special.expit": _expit,
}


@pytest.mark.parametrize("fn", CORRECT_SIGMOIDS.values(), ids=CORRECT_SIGMOIDS.keys())
def test_check_my_sigmoid_passes_correct_solutions(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fb = lesson.check_my_sigmoid(fn)
    assert fb.ok is True, repr(fb)
    assert f"All {N_SIG} cases passed" in fb.title and "stable" in fb.detail


def test_expit_rounds_the_float32_subnormal_to_zero_and_that_is_accepted():
    import scipy.special

    z = np.array([-100.0, 100.0], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = scipy.special.expit(z)
    assert out.dtype == np.float32 and out[0] == 0.0 < sigmoid(-100.0) < lesson.FLOAT32_ATOL
    assert lesson.FLOAT32_ATOL == np.finfo(np.float32).tiny


SIGMOID_MISTAKES = {
    "textbook 1/(1+e^-z)": (
        _textbook,
        2,
        "[-1000]",
        ["made NumPy warn: overflow encountered in exp", "For z < 0 use e^z / (1 + e^z)"],
    ),
    "textbook e^z/(1+e^z)": (_textbook_exp, 2, "[1000]", ["returned NaN", "For z ≥ 0 use 1 / (1 + e^−z)"]),
    "np.where of both formulas": (_where_both, 3, "[1000]", ["made NumPy warn", "np.where computes BOTH branches"]),
    "1 - sigma for z < 0": (_cancels, 1, "tiny tails", ["[0 0] instead of [4.25e-18 9.86e-305]", "cancels to 0"]),
    "clipped logits": (_clipped, 2, "tiny tails", ["returned wrong values", "do not clip z"]),
    "tanh form": (_tanh, 1, "tiny tails", ["[0 0] instead of [4.25e-18 9.86e-305]", "cancels to 0"]),
    "silenced textbook": (
        _silenced_textbook,
        N_SIG,
        "ordinary",
        ["silenced NumPy's warnings with np.errstate(over='ignore')", "Silencing hides bugs", "np.exp(-np.abs(z))"],
    ),
    "silenced stable formula": (_silenced_stable, N_SIG, "ordinary", ["np.errstate(all='ignore')", "Silencing hides"]),
    "warnings filtered": (_filtered, N_SIG, "ordinary", ["silenced NumPy's warnings", "Silencing hides bugs"]),
    "summed": (_summed, N_SIG, "ordinary", ["wrong shape", "no float()"]),
    "complex": (_complex, N_SIG, "ordinary", ["returned complex numbers", "a probability is a real number"]),
    "tuple": (_tuple, N_SIG, "ordinary", ["returned a tuple", "Return only the array"]),
    "asymmetric": (_asymmetric, 1, "σ(−z) = 1 − σ(z)", ["not 1 everywhere", "σ(z) + σ(−z) must be 1"]),
    "in place": (_in_place, N_SIG, "ordinary", ["changed its input array in place", "Compute a new array"]),
}


@pytest.mark.parametrize("fn,failed,first,fragments", SIGMOID_MISTAKES.values(), ids=SIGMOID_MISTAKES.keys())
def test_check_my_sigmoid_names_the_failure(fn, failed, first, fragments):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fb = lesson.check_my_sigmoid(fn)
    assert fb.ok is False
    assert f"{failed} of {N_SIG} cases failed" in fb.title, repr(fb)
    assert fb.failed.name.startswith(first)
    text = repr(fb)
    for fragment in fragments:
        assert fragment in text, text


def test_check_my_sigmoid_without_a_function_or_with_the_wrong_signature():
    assert lesson.check_my_sigmoid(None).ok is None
    fb = lesson.check_my_sigmoid(_two_params)
    assert fb.ok is False and "missing a required argument: 't'" in fb.title and "exactly one parameter" in fb.detail
    fb = lesson.check_my_sigmoid(0.5)
    assert fb.ok is False and "without calling it" in fb.detail


def test_sigmoid_cases_are_hostile_for_the_textbook_formulas():
    for name, z, _, _ in lesson.SIGMOID_HOSTILE:
        with np.errstate(all="ignore"):
            wrong_or_warns = (not np.allclose(_textbook_exp(z), sigmoid(z))) or bool(np.any(np.abs(z) > 80))
        assert wrong_or_warns or name.startswith("tiny") or name.startswith("batch"), name
