"""Lesson 06, log-softmax and cross-entropy: figures, the widget view and
every checker (table-driven: the reference is accepted, each
typical wrong answer is rejected with its own hint)."""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from softmax_lib import cross_entropy, log_softmax, plots, softmax
from softmax_lib.formatting import fmt_small
from softmax_lib.lessons import lesson06_log_softmax as lesson


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [ax.get_title() for ax in fig.axes]


# ---------------------------------------------------------------- the maths the lesson claims
def test_loss_and_grad_is_p_minus_y_and_matches_finite_differences():
    rng = np.random.default_rng(3)
    for _ in range(20):
        z = rng.normal(0, 2, size=5)
        k = int(rng.integers(0, 5))
        p, ell, g = lesson.loss_and_grad(z, k)
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


def test_scipy_drops_the_tiny_digit_as_the_lesson_says():
    import scipy.special

    assert scipy.special.log_softmax([0.0, -40.0])[0] == 0.0


@pytest.mark.parametrize("which", ["wrong", "correct"])
def test_sweep(which):
    x, ell, g = lesson.sweep(which)
    assert np.all(np.isfinite(ell)) and np.all(np.abs(g) <= 1)
    assert np.allclose(g.sum(axis=1), 0, atol=1e-12)
    if which == "wrong":
        assert ell[-1] > 14.9 and np.isclose(g[-1, 0], -1) and g[-1, 2] < 1e-6
    else:
        assert ell[-1] < 1e-6 and np.all(np.abs(g[-1]) < 1e-6)
        assert np.array_equal(g[:, 1], g[:, 2])  # why the figure draws them as one line
    with pytest.raises(ValueError, match="'wrong' or 'correct'"):
        lesson.sweep("both")


# ---------------------------------------------------------------- the widget view
@pytest.mark.parametrize("correct", [-10.0, -3.3, 0.0, 1.0, 2.0, 4.5, 10.0])
def test_loss_view_at_both_ends_and_between(moved_view, correct):
    view = moved_view(lesson.LossView, (12, 4.2))
    fig = view.fig
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p, ell, g = view.update(correct=correct)
        fig.canvas.draw()
    z = np.array([correct, *lesson.OTHER_LOGITS])
    assert np.allclose(p, softmax(z)) and np.isclose(ell, cross_entropy(z, 0))
    assert np.allclose(g, p - np.eye(4)[0])
    assert len(fig.axes) == 3
    np.testing.assert_allclose([r.get_height() for r in view.p_bars], p)
    np.testing.assert_allclose([r.get_height() for r in view.g_bars], g)
    # the current point sits on the loss curve and inside the axes
    px, py = view.point.get_xydata()[0]
    assert px == correct and np.isclose(py, ell)
    lo, hi = view.ax_loss.get_ylim()
    assert lo <= py <= hi
    lo, hi = view.ax_g.get_ylim()
    assert lo < g.min() and g.max() < hi
    texts = _texts(fig)
    assert f"loss = {lesson.loss_label(ell)}" in texts
    assert [t.get_text() for t in view.g_texts] == [fmt_small(v) for v in g]
    assert not any(t.startswith("-0.00") for t in texts)
    assert not any("nan" in t.lower() or "inf" in t.lower() for t in texts)
    assert f"loss {lesson.loss_label(ell)}" in view.alt and f"{correct:.2f}" in view.alt


def test_loss_view_moves_artists_without_making_new_ones(fig):
    view = lesson.LossView(fig)
    view.update(correct=-10.0)
    axes = list(fig.axes)
    counts = [(len(ax.patches), len(ax.lines), len(ax.texts)) for ax in axes]
    for c in (10.0, 0.0, -10.0):
        view.update(correct=c)
    assert list(fig.axes) == axes
    assert [(len(ax.patches), len(ax.lines), len(ax.texts)) for ax in fig.axes] == counts
    # a negative bar's label sits below it, a positive one's above
    assert view.g_texts[0].get_va() == "top" and view.g_texts[1].get_va() == "bottom"


def test_widget_redraws_on_change():
    w = lesson.widget()
    p0, ell0, _ = w.last
    w.controls["correct"].value = 10.0
    p1, ell1, g1 = w.last
    assert p1[0] > p0[0] and ell1 < ell0 and abs(g1[0]) < 1e-3
    w.controls["correct"].value = -10.0
    assert np.isfinite(w.last[1]) and w.last[1] > 12
    assert "-10.00" in w.alt
    data, meta = w._repr_mimebundle_()
    assert "image/png" in data and "application/vnd.jupyter.widget-view+json" in data
    assert meta["image/png"]["alt"] == w.alt


# ---------------------------------------------------------------- static figures
def test_prob_vs_logprob_figure(fig):
    z = np.array([8.0, 3.0, -2.0, -12.0, -30.0])
    p, logp = lesson.draw_prob_vs_logprob(fig, z, list("abcde"))
    assert np.allclose(np.exp(logp), p)
    lo, hi = fig.axes[1].get_ylim()
    assert lo < logp.min() and hi > 0
    assert "e -38.01" in plots.alt_text(fig)


def test_gap_sweep_marks_both_breaks():
    gaps = np.arange(0.0, 1000.0 + 1e-9, 0.01)
    rows = np.stack([np.zeros_like(gaps), -gaps], axis=-1)
    with np.errstate(divide="ignore"):
        n64 = np.log(softmax(rows))[:, 1]
        n32 = np.log(softmax(rows.astype(np.float32)))[:, 1]
    f, ax = plt.subplots()
    try:
        lesson.draw_gap_sweep(gaps, n64, n32, log_softmax(rows)[:, 1], ax=ax)
        texts = [t.get_text() for t in ax.texts]
        assert "float64: −inf from gap 745.14" in texts
        assert "float32: −inf from gap 103.98" in texts
        alt = plots.alt_text(f)
        assert "745.14" in alt and "103.98" in alt
        f.canvas.draw()
    finally:
        plt.close(f)


@pytest.mark.parametrize("which,n_lines", [("wrong", 3), ("correct", 2)])
def test_sweep_figure_has_one_legend_entry_per_visible_line(fig, which, n_lines):
    lesson.draw_sweep(fig, which)
    ax_grad = fig.axes[1]
    labels = [t.get_text() for t in ax_grad.get_legend().get_texts()]
    assert len(labels) == n_lines == len([ln for ln in ax_grad.lines if not ln.get_label().startswith("_")])
    assert "to" in plots.alt_text(fig)
    fig.canvas.draw()


# ---------------------------------------------------------------- Predict checkpoints
PREDICT_TABLE = [
    (lesson.predict_float32_stable, None, None, "No prediction yet"),
    (lesson.predict_float32_stable, "c", True, "At gap 1000 in float32 it gives -1000"),
    (lesson.predict_float32_stable, "a", False, "never takes the log of a probability"),
    (lesson.predict_float32_stable, "b", False, "every exponent is ≤ 0"),
    (lesson.predict_float32_stable, "d", False, "stays −gap"),
    (lesson.predict_bounded_push, None, None, "No prediction yet"),
    (lesson.predict_bounded_push, "b", True, "never go below −1"),
    (lesson.predict_bounded_push, "a", False, "every p is between 0 and 1"),
    (lesson.predict_bounded_push, "c", False, "1 − p_0"),
]


@pytest.mark.parametrize("checker,prediction,ok,fragment", PREDICT_TABLE)
def test_predict_checkpoints(checker, prediction, ok, fragment):
    fb = checker(prediction)
    assert fb.ok is ok
    assert fragment in repr(fb)


# ---------------------------------------------------------------- Write it: my_ce_and_grad
def _p(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _neg_log_softmax(z, y):
    n = len(z)
    p = _p(z)
    g = p.copy()
    g[np.arange(n), y] -= 1
    return np.mean(-np.log(p[np.arange(n), y])), g / n


def _naive_exp(z, y):
    n = len(z)
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    g = p.copy()
    g[np.arange(n), y] -= 1
    return np.mean(-np.log(p[np.arange(n), y])), g / n


def _wrong_sign(z, y):
    loss, g = lesson.reference_ce_and_grad(z, y)
    return loss, -g


def _missing_y(z, y):
    loss, _ = lesson.reference_ce_and_grad(z, y)
    return loss, _p(z) / len(z)


def _missing_n(z, y):
    loss, g = lesson.reference_ce_and_grad(z, y)
    return loss, g * len(z)


def _loss_only(z, y):
    return lesson.reference_ce_and_grad(z, y)[0]


def _inconsistent(z, y):  # right on the fixed cases, a different loss elsewhere
    loss, g = lesson.reference_ce_and_grad(z, y)
    if np.asarray(z).shape == (5, 4):
        loss = loss + 0.01 * float(np.sum(np.asarray(z) ** 2))
    return loss, g


def _the_notebook_stub(z, y):
    n = len(z)
    p = np.exp(z) / np.sum(np.exp(z), axis=1, keepdims=True)
    loss = np.mean(-np.log(p[np.arange(n), y]))
    grad = p
    return loss, grad


def _clipped_log(z, y):  # log(softmax) with p clipped away from 0: finite, but the wrong loss
    n = len(z)
    p = _p(z)
    g = p.copy()
    g[np.arange(n), y] -= 1
    return np.mean(-np.log(np.clip(p[np.arange(n), y], 1e-12, 1.0))), g / n


def _sum_loss(z, y):  # the loss summed over rows instead of averaged
    loss, g = lesson.reference_ce_and_grad(z, y)
    return loss * len(z), g


def _batch_max(z, y):  # stable, but one maximum for the whole batch instead of one per row
    z = np.asarray(z)
    n = len(z)
    shifted = z - z.max()
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    g = np.exp(logp)
    g[np.arange(n), y] -= 1
    return -logp[np.arange(n), y].mean(), g / n


def _in_place(z, y):
    z -= z.max(axis=1, keepdims=True)
    return lesson.reference_ce_and_grad(z, y)


def _in_float32(z, y):  # right, computed in float32 throughout (as on a GPU)
    z = np.asarray(z, dtype=np.float32)
    n = len(z)
    shifted = z - z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    g = np.exp(logp)
    g[np.arange(n), y] -= 1
    return -logp[np.arange(n), y].mean(), g / n


def _in_float32_float_loss(z, y):  # the same, the loss handed back as a Python float
    loss, g = _in_float32(z, y)
    return float(loss), g


def _in_float32_wrong_n(z, y):  # float32 and a gradient without the 1/N: still caught
    loss, g = _in_float32(z, y)
    return loss, g * len(z)


def _in_float32_inconsistent(z, y):  # float32, a loss that does not belong to the gradient
    loss, g = _in_float32(z, y)
    if np.asarray(z).shape == (5, 4):
        loss = loss + np.float32(0.01) * np.sum(np.asarray(z, dtype=np.float32) ** 2)
    return loss, g


CE_TABLE = [
    # function, ok, the first failing case (or None), a fragment of its hint
    (lesson.reference_ce_and_grad, True, None, "fused cross-entropy"),
    (_in_float32, True, None, "fused cross-entropy"),
    (_in_float32_float_loss, True, None, "fused cross-entropy"),
    (_in_float32_wrong_n, False, "the 4-row batch", "divided by N"),
    (_in_float32_inconsistent, False, "finite differences", "how your own loss changes"),
    (_neg_log_softmax, False, "gaps of 1000", "Never take log(softmax(z))"),
    (_naive_exp, False, "[[1000, 999, 998]]", "Subtract each row's maximum"),
    (_wrong_sign, False, "the sign on the correct class", "y − p points the other way"),
    (_missing_y, False, "each gradient row sums to 0", "Subtract the one-hot target"),
    (_missing_n, False, "the 4-row batch", "divided by N"),
    (_loss_only, False, "the loss", "Return a pair (loss, grad)"),
    (_inconsistent, False, "finite differences", "how your own loss changes"),
    (_the_notebook_stub, False, "each gradient row sums to 0", "Subtract the one-hot target"),
    (lambda z, y: None, False, "the loss", "Add a line `return"),
    (lambda z, y: (np.nan, np.zeros(np.shape(z))), False, "the loss", "Return a pair"),
    (_in_place, False, "the loss", "changed its input array in place"),
    (_clipped_log, False, "gaps of 1000", "clipping p away from 0"),
    (_sum_loss, False, "the 4-row batch", "not their sum"),
    (_batch_max, False, "float32 batch", "each row's own max"),
]


@pytest.mark.parametrize("fn,ok,first,fragment", CE_TABLE)
def test_check_my_ce_and_grad(fn, ok, first, fragment):
    fb = lesson.check_my_ce_and_grad(fn)
    assert fb.ok is ok
    text = repr(fb)
    assert fragment in text
    if first is not None:
        assert first in fb.failed.name
    else:
        assert fb.failed is None


def _fd_off(fn, z, y, h):
    """Largest difference between fn's gradient and centred differences of its loss, relative to the gradient."""
    _, a = fn(z, y)
    num = np.zeros(z.shape)
    for idx in np.ndindex(z.shape):
        e = np.zeros(z.shape)
        e[idx] = h
        num[idx] = (float(fn(z + e, y)[0]) - float(fn(z - e, y)[0])) / (2 * h)
    return np.max(np.abs(a - num)) / np.max(np.abs(a) + np.abs(num))


@pytest.mark.parametrize("fn,dtype", [(lesson.reference_ce_and_grad, np.float64), (_in_float32, np.float32)])
def test_finite_difference_step_suits_the_precision(fn, dtype):
    h, tol = lesson.fd_step_and_tolerance(dtype)
    rng = np.random.default_rng(6)
    z, y = rng.normal(0.0, 2.0, (5, 4)), rng.integers(0, 4, 5)
    assert _fd_off(fn, z, y, h) < tol / 10  # a right gradient is well inside the tolerance
    assert tol < 0.01  # y − p (off by 1.0) and a missing 1/N (0.67 here) are far outside it
    h64, _ = lesson.fd_step_and_tolerance(np.float64)
    if dtype == np.float32:  # float64's step is too small for float32: the check failed a right answer
        assert _fd_off(fn, z, y, h64) > tol


def _library_log_softmax(z, y):  # right values, but the library's log_softmax instead of NumPy
    z = np.asarray(z, dtype=float)
    rows = np.arange(len(y))
    logp = log_softmax(z, axis=1)
    grad = np.exp(logp)
    grad[rows, y] -= 1
    return -logp[rows, y].mean(), grad / len(y)


def test_check_my_ce_and_grad_refuses_the_library():
    fb = lesson.check_my_ce_and_grad(_library_log_softmax)
    assert fb.ok is False
    assert fb.title == "The exercise is to build it: your my_ce_and_grad calls softmax_lib.log_softmax."
    assert "use NumPy only" in fb.detail
    assert fb.rows == ()


def test_check_my_ce_and_grad_without_a_function():
    assert lesson.check_my_ce_and_grad(None).ok is None
    fb = lesson.check_my_ce_and_grad(3.0)
    assert fb.ok is False and "Pass the function itself" in fb.detail
    fb = lesson.check_my_ce_and_grad(lambda z: z)
    assert fb.ok is False and "exactly two parameters, the logits and the correct classes" in fb.detail


def test_reference_ce_and_grad_agrees_with_the_library_on_the_hostile_cases():
    for case in lesson.ce_cases(lesson.reference_ce_and_grad):
        z, y = case.args
        loss, grad = lesson.reference_ce_and_grad(z, y)
        assert loss == pytest.approx(float(cross_entropy(z.astype(float), y)), rel=1e-6)
        np.testing.assert_allclose(
            grad, (softmax(z.astype(float)) - np.eye(z.shape[1])[y]) / len(z), rtol=1e-5, atol=1e-12
        )


# ---------------------------------------------------------------- check yourself
@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (2.278, True, "logsumexp(z) − z_0"),
        (np.float32(2.2780), True, "Right"),
        (0.102, False, "probability p_0 itself"),
        (-2.278, False, "wrong sign"),
        (0.989, False, "natural log"),
        (0.898, False, "1 − p_0"),
        (3.278, False, "logsumexp(z) alone"),
        (0.278, False, "loss for class 1"),
        (1.609, False, "dividing the logits"),
        (5.0, False, "Compute logsumexp"),
    ],
)
def test_check_q1(answer, ok, fragment):
    fb = lesson.check_q1(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


def test_q1_answer_is_not_printed_by_the_lesson():
    z = np.array(lesson.Q1_LOGITS)
    assert float(cross_entropy(z, lesson.Q1_TARGET)) == pytest.approx(float(np.log(np.exp(z).sum()) - 1.0))
    assert abs(float(cross_entropy(z, lesson.Q1_TARGET)) - 0.417) > 1  # not the worked example's 0.417


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (-0.893, True, "raises that logit"),
        (np.float32(-0.8935), True, "Right"),
        (0.893, False, "y − p"),
        (0.107, False, "subtract 1"),
        (0.787, False, "class 0's logit"),
        (-0.213, False, "treats class 0"),
        (-1, False, "add p_1"),
        (-9.39, False, "with respect to p"),
        (5, False, "Compute p = softmax(z) first"),
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
        (64, True, "64 classes"),
        (np.exp(4.159), True, "Right"),
        (4.159, False, "the loss itself"),
        (14421, False, "natural log"),
        (0.0156, False, "each class's probability"),
        (17.9, False, "not 2^4.159"),
        (18, False, "not 2^4.159"),
        (1000, False, "−log(1/C)"),
    ],
)
def test_check_q3(answer, ok, fragment):
    fb = lesson.check_q3(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


def test_q2_and_q3_answers_are_not_printed_above_them():
    p = softmax(np.array(lesson.Q2_LOGITS))
    assert round(float(p[1] - 1), 3) == -0.893
    assert round(float(np.log(64)), 3) == lesson.Q3_LOSS  # the sanity check prints log C for 3, 10 and 100 only


def test_stable_log_softmax_is_finite_in_float32_where_the_naive_one_is_not():
    gaps = np.array([50.0, 104.0, 200.0, 1000.0])
    rows = np.stack([np.zeros_like(gaps), -gaps], axis=-1).astype(np.float32)
    stable = log_softmax(rows)[:, 1]
    assert stable.dtype == np.float32 and np.array_equal(stable, -gaps.astype(np.float32))
    with np.errstate(divide="ignore"):
        assert np.isneginf(np.log(softmax(rows))[1:, 1]).all()
