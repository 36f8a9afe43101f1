"""Lesson 06, log-softmax and cross-entropy: figures, widget callback and exercise checks."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from softmax_lib import cross_entropy, log_softmax, softmax  # noqa: E402
from softmax_lib.lessons import loss  # noqa: E402



def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [ax.get_title() for ax in fig.axes]


# ---------------------------------------------------------------- the maths the lesson claims
def test_loss_and_grad_is_p_minus_y_and_matches_finite_differences():
    rng = np.random.default_rng(3)
    for _ in range(20):
        z = rng.normal(0, 2, size=5)
        k = int(rng.integers(0, 5))
        p, ell, g = loss.loss_and_grad(z, k)
        assert np.isclose(ell, -np.log(softmax(z)[k]))
        h = 1e-5
        num = np.array([(cross_entropy(z + h * e, k) - cross_entropy(z - h * e, k)) / (2 * h) for e in np.eye(5)])
        assert np.allclose(g, num, rtol=1e-6, atol=1e-9)
        assert abs(g.sum()) < 1e-12


def test_naive_log_softmax_breaks_where_the_lesson_says():
    gaps = np.array([745.13, 745.14, 103.97, 103.98])
    with np.errstate(divide="ignore"):
        n64 = np.log(softmax(np.stack([np.zeros(2), -gaps[:2]], -1)))[:, 1]
        n32 = np.log(softmax(np.stack([np.zeros(2), -gaps[2:]], -1).astype(np.float32)))[:, 1]
    assert np.isfinite(n64[0]) and np.isneginf(n64[1])
    assert np.isfinite(n32[0]) and np.isneginf(n32[1])
    assert log_softmax([0.0, -40.0])[0] == -np.log1p(np.exp(-40.0))


@pytest.mark.parametrize("which", ["wrong", "correct"])
def test_sweep(which):
    x, ell, g = loss.sweep(which)
    assert np.all(np.isfinite(ell)) and np.all(np.abs(g) <= 1)
    assert np.allclose(g.sum(axis=1), 0, atol=1e-12)
    if which == "wrong":
        assert ell[-1] > 14.9 and np.isclose(g[-1, 0], -1) and g[-1, 2] < 1e-6
    else:
        assert ell[-1] < 1e-6 and np.all(np.abs(g[-1]) < 1e-6)
    with pytest.raises(ValueError):
        loss.sweep("both")


# ---------------------------------------------------------------- widget
@pytest.mark.parametrize("correct", [-10.0, -3.3, 0.0, 1.0, 2.0, 4.5, 10.0])
def test_loss_widget_callback_at_extremes(fig, correct):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, ell, g = loss.draw_loss_widget(fig, correct)
        fig.canvas.draw()
    z = np.array([correct, *loss.OTHER_LOGITS])
    assert np.allclose(p, softmax(z)) and np.isclose(ell, cross_entropy(z, 0))
    assert np.allclose(g, p - np.eye(4)[0])
    assert len(fig.axes) == 3
    heights = [patch.get_height() for ax in (fig.axes[0], fig.axes[2]) for patch in ax.patches]
    assert len(heights) == 8 and np.all(np.isfinite(heights))
    # the current point sits on the loss curve and inside the axes
    ax_loss = fig.axes[1]
    curve, point = ax_loss.lines[0], [ln for ln in ax_loss.lines if ln.get_marker() == "o"][0]
    assert np.all(np.isfinite(curve.get_ydata()))
    px, py = point.get_xydata()[0]
    assert px == correct and np.isclose(py, ell)
    lo, hi = ax_loss.get_ylim()
    assert lo <= py <= hi
    lo, hi = fig.axes[2].get_ylim()
    assert lo < g.min() and g.max() < hi
    texts = _texts(fig)
    assert f"loss = {loss.loss_label(ell)}" in texts
    assert not any(t.startswith("-0.00") for t in texts)
    assert not any("nan" in t.lower() or "inf" in t.lower() for t in texts)


def test_widget_redraws_on_change():
    w = loss.widget()
    p0, ell0, _ = w.last
    w.controls["correct"].value = 10.0
    p1, ell1, g1 = w.last
    assert p1[0] > p0[0] and ell1 < ell0 and abs(g1[0]) < 1e-3
    w.controls["correct"].value = -10.0
    assert np.isfinite(w.last[1]) and w.last[1] > 12
    data, _ = w._repr_mimebundle_()
    assert "image/png" in data and "application/vnd.jupyter.widget-view+json" in data


# ---------------------------------------------------------------- static figures
def test_prob_vs_logprob_figure(fig):
    z = np.array([8.0, 3.0, -2.0, -12.0, -30.0])
    p, logp = loss.draw_prob_vs_logprob(fig, z, list("abcde"))
    assert np.allclose(np.exp(logp), p)
    lo, hi = fig.axes[1].get_ylim()
    assert lo < logp.min() and hi > 0


def test_gap_sweep_marks_both_breaks():
    gaps = np.arange(0.0, 1000.0 + 1e-9, 0.01)
    rows = np.stack([np.zeros_like(gaps), -gaps], axis=-1)
    with np.errstate(divide="ignore"):
        n64 = np.log(softmax(rows))[:, 1]
        n32 = np.log(softmax(rows.astype(np.float32)))[:, 1]
    f, ax = plt.subplots()
    try:
        loss.draw_gap_sweep(gaps, n64, n32, log_softmax(rows)[:, 1], ax=ax)
        texts = [t.get_text() for t in ax.texts]
        assert "float64: −inf from gap 745.14" in texts
        assert "float32: −inf from gap 103.98" in texts
        f.canvas.draw()
    finally:
        plt.close(f)


@pytest.mark.parametrize("which", ["wrong", "correct"])
def test_sweep_figure(fig, which):
    x, ell, g = loss.draw_sweep(fig, which)
    assert len(fig.axes) == 2 and len(fig.axes[1].lines) >= 3
    fig.canvas.draw()


# ---------------------------------------------------------------- exercises
@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (0.417, True, "−log p_0"),
        (0.4170, True, "Right"),
        (np.float32(0.417), True, "Right"),
        (0.659, False, "probability p_0 itself"),
        (-0.417, False, "wrong sign"),
        (0.181, False, "natural log"),
        (0.341, False, "1 − p_0"),
        (0.438, False, "dividing the logits"),
        (2.417, False, "logsumexp(z) alone"),
        (1.0, False, "Compute p = softmax"),
    ],
)
def test_check_q1(answer, ok, fragment):
    fb = loss.check_q1(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (-0.3, True, "raises that logit"),
        (0.3, False, "y − p"),
        (0.7, False, "subtract 1"),
        (-1.4286, False, "with respect to p"),
        (0.2, False, "class 1"),
        (5, False, "p − y, with y one-hot"),
    ],
)
def test_check_q2(answer, ok, fragment):
    fb = loss.check_q2(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (2.303, True, "log 10"),
        (np.log(10), True, "Right"),
        (0.1, False, "probability 1/10"),
        (-2.303, False, "wrong sign"),
        (1, False, "log10"),
        (0, False, "probability 1"),
        (10, False, "same probability"),
    ],
)
def test_check_q3(answer, ok, fragment):
    fb = loss.check_q3(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


def test_loss_widget_reuses_its_axes_without_piling_up_artists(fig):
    loss.draw_loss_widget(fig, -10.0)
    axes = list(fig.axes)
    counts = [(len(ax.patches), len(ax.lines), len(ax.texts)) for ax in axes]
    for c in (10.0, 0.0, -10.0):
        loss.draw_loss_widget(fig, c)
    assert list(fig.axes) == axes
    assert [(len(ax.patches), len(ax.lines), len(ax.texts)) for ax in fig.axes] == counts
    # another drawing on the same figure starts afresh
    loss.draw_sweep(fig, "wrong")
    assert len(fig.axes) == 2
    loss.draw_loss_widget(fig, 1.0)
    assert len(fig.axes) == 3
