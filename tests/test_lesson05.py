"""Lesson 05, sigmoid is two-class softmax: figures, widget callback and exercise checks."""

from __future__ import annotations

import itertools
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from softmax_lib import sigmoid, softmax  # noqa: E402
from softmax_lib.lessons import binary  # noqa: E402



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
def test_logit_threshold_inverts_sigmoid(t):
    assert np.isclose(sigmoid(binary.logit_threshold(t)), t, rtol=1e-14)


# ---------------------------------------------------------------- widget
@pytest.mark.parametrize("a,b", list(itertools.product([-6.0, 0.0, 6.0], repeat=2)))
def test_two_logits_widget_callback_at_extremes(fig, a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = binary.draw_two_logits(fig, a, b)
        fig.canvas.draw()
    assert np.array_equal(p, softmax([a, b]))
    assert p[0] == sigmoid(a - b)
    heights = [patch.get_height() for patch in fig.axes[0].patches]
    assert len(heights) == 2 and np.all(np.isfinite(heights))
    # the marked point on the curve is (a - b, sigma(a - b))
    point = [ln for ln in fig.axes[1].lines if ln.get_marker() == "o"][0]
    assert np.allclose(point.get_xydata(), [[a - b, sigmoid(a - b)]])
    texts = _texts(fig)
    assert f"σ({a - b:.1f}) = {float(sigmoid(a - b)):.3f}" in texts
    assert not any("nan" in t.lower() or "inf" in t.lower() for t in texts)


def test_two_logits_point_stays_inside_the_axes(fig):
    lo, hi = binary.LOGIT_RANGE
    binary.draw_two_logits(fig, hi, lo)
    xlim = fig.axes[1].get_xlim()
    assert xlim[0] < lo - hi and hi - lo < xlim[1]


def test_widget_redraws_on_change():
    w = binary.widget()
    assert np.allclose(w.last, softmax([3.0, 1.0]))
    w.controls["b"].value = 3.0
    assert np.allclose(w.last, [0.5, 0.5])
    w.controls["a"].value = -6.0
    assert w.last[0] == sigmoid(-9.0)
    data, _ = w._repr_mimebundle_()
    assert "image/png" in data and "application/vnd.jupyter.widget-view+json" in data


# ---------------------------------------------------------------- static figures
def test_multilabel_figure(fig):
    p_sig, p_soft = binary.draw_multilabel(fig)
    z = np.array(binary.TAG_LOGITS)
    assert np.array_equal(p_sig, sigmoid(z)) and np.array_equal(p_soft, softmax(z))
    present = [binary.TAGS.index(t) for t in binary.TAGS_PRESENT]
    # what the prose says: the sigmoids find every present tag, softmax finds none
    assert np.all(p_sig[present] > 0.5) and np.all(np.delete(p_sig, present) < 0.5)
    assert np.all(p_soft < 0.5)
    texts = _texts(fig)
    assert "> 0.5: dog, ball, grass" in texts and "> 0.5: none" in texts
    hatched = [bar.get_hatch() for bar in fig.axes[0].patches]
    assert hatched.count("//") == len(binary.TAGS_PRESENT)


def test_sigmoid_and_pairs_figures():
    f, ax = plt.subplots()
    try:
        binary.draw_sigmoid(ax=ax, thresholds=(0.5, 0.9))
        assert any("z > 2.20" in t.get_text() for t in ax.texts)
        ax.clear()
        a, b = np.array([1.0, -3.0]), np.array([0.0, 2.0])
        binary.draw_pairs_on_sigmoid(a, b, ax=ax)
        pts = [ln for ln in ax.lines if ln.get_marker() == "o"][0].get_xydata()
        assert np.allclose(pts, np.c_[a - b, sigmoid(a - b)])
    finally:
        plt.close(f)


# ---------------------------------------------------------------- exercises
@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (0.881, True, "σ(2)"),
        (0.88, True, "Right"),
        (np.float64(0.8808), True, "Right"),
        (0.9526, False, "ignores the other logit"),
        (0.1192, False, "probability of class 1"),
        (0.75, False, "dividing the logits"),
        (7.389, False, "ratio"),
        (0.5, False, "equal logits"),
        (0.3, False, "difference a − b"),
        ("x", False, "Expected a probability"),
    ],
)
def test_check_q1(answer, ok, fragment):
    fb = binary.check_q1(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        ("c", True, "not mutually exclusive"),
        ("C", True, "Right"),
        ("a", False, "one yes/no question"),
        ("b", False, "share a total of 1"),
        ("d", False, "same competition"),
        ({"b", "c"}, False, "share a total of 1"),
        ("e", False, "not an option"),
    ],
)
def test_check_q2(answer, ok, fragment):
    fb = binary.check_q2(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (-2, True, "z = a − b"),
        (-2.0, True, "0.119"),
        (2.0, False, "b − a"),
        (0.5, False, "a on its own"),
        (0.119, False, "asks for the logit"),
        (3.0, False, "a + b"),
        (7, False, "Which z"),
    ],
)
def test_check_q3(answer, ok, fragment):
    fb = binary.check_q3(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)
