"""Lesson 07, training a softmax classifier: softmax regression and its
training-steps view, the binary (one-logit) loss helpers, label smoothing, and
every checker (table-driven: the reference is accepted, each typical wrong
answer is rejected with its own hint)."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import mpmath
import numpy as np
import pytest

import softmax_lib
from softmax_lib import cross_entropy, plots, softmax
from softmax_lib.lessons import lesson07_training as lesson

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "07-training.ipynb"


# ---------------------------------------------------------------- softmax regression
def _step(W, b, X, y, lr):  # independent of the lesson: explicit loops over the images
    W, b = np.array(W, dtype=float), np.array(b, dtype=float)
    gW, gb = np.zeros_like(W), np.zeros_like(b)
    for x, label in zip(np.asarray(X, dtype=float), y):
        z = x @ W + b
        p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
        p[label] -= 1.0
        gW += np.outer(x, p) / len(X)
        gb += p / len(X)
    return W - lr * gW, b - lr * gb


def test_train_step_matches_a_loop_over_the_images_and_leaves_its_inputs_alone():
    rng = np.random.default_rng(3)
    X, y = rng.random((7, 5)), rng.integers(0, 4, 7)
    W, b = rng.normal(size=(5, 4)), rng.normal(size=4)
    W0, b0 = W.copy(), b.copy()
    got_W, got_b = lesson.train_step(W, b, X, y, 0.3)
    want_W, want_b = _step(W0, b0, X, y, 0.3)
    np.testing.assert_allclose(got_W, want_W, rtol=1e-12)
    np.testing.assert_allclose(got_b, want_b, rtol=1e-12)
    np.testing.assert_array_equal(W, W0)
    np.testing.assert_array_equal(b, b0)


def test_training_lowers_the_loss_and_records_snapshots():
    rng = np.random.default_rng(4)
    X, y = rng.random((30, 6)), rng.integers(0, 3, 30)
    W, b, snaps = lesson.train(X, y, 50, lr=0.5, record=(0, 10, 50))
    assert sorted(snaps) == [0, 10, 50]
    losses = [float(cross_entropy(X @ sW + sb, y)) for sW, sb in (snaps[0], snaps[10], snaps[50])]
    assert losses[0] == pytest.approx(math.log(3)) and losses[0] > losses[1] > losses[2]
    np.testing.assert_array_equal(W, snaps[50][0])


@pytest.mark.slow  # trains the digits model for 10 000 steps (cached per process)
def test_the_trajectory_levels_off_in_accuracy_while_confidence_grows():
    probs, labels = lesson.trajectory()
    assert sorted(probs) == list(lesson.STEPS) and 100 in lesson.STEPS
    acc = {s: lesson.summary(probs[s], labels)[0] for s in lesson.STEPS}
    conf = {s: lesson.summary(probs[s], labels)[1] for s in lesson.STEPS}
    later = [acc[s] for s in lesson.STEPS if s >= 100]
    assert max(later) - min(later) < 0.01  # accuracy has levelled off
    confs = [conf[s] for s in lesson.STEPS]
    assert all(a < b for a, b in zip(confs, confs[1:]))  # confidence only grows
    assert conf[100] < acc[100] and conf[10000] > acc[10000] + 0.01


@pytest.mark.slow  # trains the digits model for 10 000 steps (cached per process)
def test_the_printed_training_figures_are_far_from_a_rounding_edge():
    """Full-batch gradient descent on a convex loss does not amplify rounding: the BLAS and SIMD paths
    change these figures by about 1e-15 (measured under Prescott, Haswell, SkylakeX and NumPy without
    AVX-512). The notebook prints them to 3 or 4 decimals, so each must be far from where that rounding
    flips, and the first step with the confidence above the accuracy must win by far more than 1e-15."""
    probs, labels = lesson.trajectory()
    for steps in (10, 100, 1000, 3981, 10000):
        for value in lesson.summary(probs[steps], labels)[:2]:
            assert abs(value * 1e3 - math.floor(value * 1e3) - 0.5) > 1e-6, (steps, value)
    margins = [lesson.summary(probs[s], labels)[1] - lesson.summary(probs[s], labels)[0] for s in lesson.STEPS]
    first = next(i for i, m in enumerate(margins) if m > 0)
    assert lesson.STEPS[first] == 3162 and margins[first] > 1e-5 and margins[first - 1] < -1e-5
    assert all(m > 1e-5 for m in margins[first:])  # once above, it stays above


@pytest.mark.slow  # trains the digits model for 10 000 steps (cached per process)
@pytest.mark.parametrize("steps", [lesson.STEPS[0], 100, lesson.STEPS[-1]])
def test_training_view_at_the_ends_and_between(fig, steps):
    view = lesson.TrainingView(fig)
    axes = list(fig.axes)
    acc, conf = view.update(steps=steps)
    probs, labels = lesson.trajectory()
    assert (acc, conf) == lesson.summary(probs[steps], labels)[:2]
    heights = [bar.get_height() for bar in view.bars]
    assert sum(heights) == pytest.approx(1.0)
    assert view.marker.get_xdata()[0] == steps
    assert f"{acc:.3f}" in view.alt and f"{conf:.3f}" in view.alt and str(steps) in view.alt
    assert ("above the accuracy" in view.alt) == (conf > acc)
    assert list(fig.axes) == axes, "update must not make new axes"
    fig.canvas.draw()


@pytest.mark.slow  # trains the digits model for 10 000 steps (cached per process)
def test_widget_redraws_on_change():
    box = lesson.widget()
    (control,) = box.controls.values()
    control.value = 10000
    assert "10000" in box.alt
    control.value = 1
    assert "After 1 training steps" in box.alt


# ---------------------------------------------------------------- Write it: my_train_step
def _naive_exp(W, b, X, y, lr):
    X, y = np.asarray(X), np.asarray(y)
    P = np.exp(X @ W + b)
    P = P / P.sum(axis=1, keepdims=True)
    G = (P - np.eye(W.shape[1])[y]) / len(X)
    return W - lr * X.T @ G, b - lr * G.sum(axis=0)


def _wrong_sign(W, b, X, y, lr):
    nW, nb = lesson.train_step(W, b, X, y, lr)
    return 2 * W - nW, 2 * b - nb


def _no_mean(W, b, X, y, lr):
    n = len(X)
    nW, nb = lesson.train_step(W, b, X, y, lr * n)
    return nW, nb


def _b_mean(W, b, X, y, lr):
    X, y = np.asarray(X), np.asarray(y)
    G = (softmax(X @ W + b) - np.eye(W.shape[1])[y]) / len(X)
    return W - lr * X.T @ G, b - lr * G.mean(axis=0)


def _no_y(W, b, X, y, lr):
    X = np.asarray(X)
    G = softmax(X @ W + b) / len(X)
    return W - lr * X.T @ G, b - lr * G.sum(axis=0)


def _no_lr(W, b, X, y, lr):
    return lesson.train_step(W, b, X, y, 1.0)


def _in_place(W, b, X, y, lr):
    nW, nb = lesson.train_step(W, b, X, y, lr)
    W[...] = nW
    b[...] = nb
    return W, b


def _returns_w_only(W, b, X, y, lr):
    return lesson.train_step(W, b, X, y, lr)[0]


def _the_notebook_stub(W, b, X, y, lr):
    return W, b


def _solution(W, b, X, y, lr):  # the notebook's <details> solution, verbatim
    X, y = np.asarray(X), np.asarray(y)
    Z = X @ W + b
    Z = Z - Z.max(axis=1, keepdims=True)
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    G = (P - np.eye(W.shape[1])[y]) / len(X)
    return W - lr * X.T @ G, b - lr * G.sum(axis=0)


STEP_TABLE = [
    (lesson.train_step, True, None, "All 7 cases passed"),
    (_solution, True, None, "All 7 cases passed"),
    (_the_notebook_stub, False, "2 images, 3 pixels", "instead of"),
    (_wrong_sign, False, "2 images, 3 pixels", "went up the gradient"),
    (_no_mean, False, "2 images, 3 pixels", "not divided by the batch size"),
    (_b_mean, False, "2 images, 3 pixels", "divides by N twice"),
    (_no_y, False, "2 images, 3 pixels", "never subtracted"),
    (_no_lr, False, "2 images, 3 pixels", "lr was not used"),
    (_naive_exp, False, "logits 1000 apart", "Subtract each row's maximum"),
    (_in_place, False, "2 images, 3 pixels", "in place"),
    (_returns_w_only, False, "2 images, 3 pixels", "not a pair"),
]


@pytest.mark.parametrize("fn,ok,first,fragment", STEP_TABLE)
def test_check_my_train_step(fn, ok, first, fragment):
    fb = lesson.check_my_train_step(fn)
    assert fb.ok is ok
    if first:
        assert fb.title.endswith(first) or first in fb.title
    assert fragment in repr(fb)


def test_check_my_train_step_without_a_function():
    assert lesson.check_my_train_step(None).ok is None
    assert lesson.check_my_train_step(lesson.train_step(np.zeros((1, 2)), np.zeros(2), [[1.0]], [0], 1.0)).ok is False


def test_the_solution_in_the_notebook_is_the_one_tested():
    nb = json.loads(NOTEBOOK.read_text())
    sol = next("".join(c["source"]) for c in nb["cells"] if c.get("id") == "w07-sol")
    for line in (
        "Z = Z - Z.max(axis=1, keepdims=True)",
        "G = (P - np.eye(W.shape[1])[y]) / len(X)",
        "return W - lr * X.T @ G, b - lr * G.sum(axis=0)",
    ):
        assert line in sol


# ---------------------------------------------------------------- check yourself
@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (-0.15, True, "-0.15"),
        ("-0.15", True, "-0.15"),
        (-3 / 20, True, "sum over the images"),
        (-0.3, False, "without the 1/N"),
        (0.15, False, "wrong sign"),
        (-0.25, False, "image 1 alone"),
        (0.35, False, "mean of p alone"),
        (-0.075, False, "divides by N twice"),
        (-0.5, False, "Not quite"),
    ],
)
def test_check_q1(answer, ok, fragment):
    fb = lesson.check_q1(answer)
    assert fb.ok is ok and fragment in repr(fb)


def test_q1_reference_is_the_bias_gradient_of_the_training_step():
    """Q1's answer is what one step of train_step does to b_1: b_new = b - lr * gradient."""
    X = np.eye(2)  # image i has one pixel lit, so its logits are row i of W
    W = np.log(np.array(lesson.Q1_P))  # logits whose softmax is the question's p
    _, b_new = lesson.train_step(W, np.zeros(3), X, np.array(lesson.Q1_LABELS), lr=1.0)
    gradient = -b_new[lesson.Q1_CLASS]
    assert gradient == pytest.approx(-0.15, abs=1e-12)
    assert lesson.check_q1(float(gradient)).ok is True


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (0.208, True, "0.208"),
        (5 / (math.exp(3) + 4), True, "ε = C / (e^gap − 1 + C)"),
        (0.199, False, "its share ε/C too"),
        (0.047, False, "each other class ε"),
        (0.059, False, "all the others together"),
        (0.714, False, "ratio is e^gap"),
        (0.2, False, "Not quite"),
    ],
)
def test_check_q2(answer, ok, fragment):
    fb = lesson.check_q2(answer)
    assert fb.ok is ok and fragment in repr(fb)


def test_q2_reference_is_where_descent_stops():
    eps = 5 / (math.exp(3) + 4)
    _, p0, gap = lesson.descend_one_example(eps, 5, 3000)
    assert gap[-1] == pytest.approx(3.0, abs=1e-6)
    assert lesson.check_q2(round(eps, 3)).ok is True


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (-0.541, True, "-0.541"),
        (float(-mpmath.log(mpmath.e - 1)), True, "−log(e − 1)"),
        (0.541, False, "absent (t = 0)"),
        (0.368, False, "probability σ(z) = 1/e"),
        (-1.0, False, "very negative z"),
        (-2.197, False, "log10"),
        (-0.6, False, "Not quite"),
    ],
)
def test_check_q3(answer, ok, fragment):
    fb = lesson.check_q3(answer)
    assert fb.ok is ok and fragment in repr(fb)


def test_q3_reference_has_a_loss_of_one_nat():
    z = float(-mpmath.log(mpmath.e - 1))
    assert float(softmax_lib.binary_cross_entropy(z, 1.0)) == pytest.approx(1.0, rel=1e-14)
    assert lesson.check_q3(z).ok is True


def test_check_yourself_answers_are_not_printed_above_their_questions():
    nb = json.loads(NOTEBOOK.read_text())
    shown = []
    for cell in nb["cells"]:
        if cell.get("id") == "q-md1":
            break
        shown.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            shown.append("".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", "")))
    text = "\n".join(shown)
    for answer in ("0.15", "0.208", "0.21", "0.541", "0.54"):
        hit = re.search(rf"(?<![\d.]){re.escape(answer)}(?!\d)", text)
        assert hit is None, (
            f"{answer} appears above the check-yourself questions: {text[hit.start() - 80 : hit.end()]!r}"
        )


# ---------------------------------------------------------------- label smoothing
def test_the_lesson_keeps_no_copy_of_the_librarys_one_logit_loss():
    """softplus, log_sigmoid and binary_cross_entropy are core's (tested in tests/test_core.py)."""
    for name in ("log_sigmoid", "binary_cross_entropy", "_as_real_array"):
        assert not hasattr(lesson, name), f"lesson 07 keeps its own {name}"
    assert lesson.softplus is softmax_lib.softplus


def test_smooth_targets_rejects_a_bad_eps():
    with pytest.raises(ValueError, match=r"eps must be in \[0, 1\]"):
        lesson.smooth_targets([0], 10, 1.5)


def test_smooth_targets():
    y = lesson.smooth_targets([0, 3], 10, 0.1)
    np.testing.assert_allclose(y.sum(axis=1), 1.0)
    assert y[0, 0] == pytest.approx(0.91) and y[1, 3] == pytest.approx(0.91) and y[0, 1] == pytest.approx(0.01)
    np.testing.assert_array_equal(lesson.smooth_targets([2], 4, 0.0), np.eye(4)[[2]])


def test_descent_stops_at_the_smoothed_target_and_not_without_it():
    _, p_soft, gap_soft = lesson.descend_one_example(0.1, 10, 1000)
    _, p_hard, gap_hard = lesson.descend_one_example(0.0, 10, 1000)
    assert p_soft[-1] == pytest.approx(0.91, abs=1e-6)
    assert gap_soft[-1] == pytest.approx(np.log(91), abs=1e-5)
    assert p_hard[-1] > 0.999 and gap_hard[-1] > gap_hard[500] > gap_soft[-1]


def test_label_smoothing_figure(fig):
    runs = lesson.draw_label_smoothing(fig, eps=0.1, n_classes=10, steps=200)
    assert set(runs) == {0.0, 0.1}
    alt = plots.alt_text(fig)
    assert "0.91" in alt and "4.51" in alt
    fig.canvas.draw()


PREDICT_TABLE = [
    (lesson.predict_log_sigmoid, None, None, "No prediction yet"),
    (lesson.predict_log_sigmoid, "c", True, "744.44"),
    (lesson.predict_log_sigmoid, "c", True, f"{mpmath.exp(-745):.2e}"),  # 2.82e-324, computed by mpmath
    (lesson.predict_log_sigmoid, "a", False, "not 0"),
    (lesson.predict_log_sigmoid, "b", False, "which float is σ(z) stored as"),
    (lesson.predict_log_sigmoid, "d", False, "0/0 or inf − inf"),
    (lesson.predict_smoothing_digits, None, None, "No prediction yet"),
    (lesson.predict_smoothing_digits, "c", True, "underconfident"),
    (lesson.predict_smoothing_digits, "a", False, "cannot push it above"),
    (lesson.predict_smoothing_digits, "b", False, "already below"),
]


@pytest.mark.parametrize("checker,prediction,ok,fragment", PREDICT_TABLE)
def test_predicts(checker, prediction, ok, fragment):
    fb = checker(prediction)
    assert fb.ok is ok and fragment in repr(fb)


def test_the_binary_predict_answer_is_what_numpy_returns():
    with np.errstate(divide="ignore"):
        got = float(-np.log(softmax_lib.sigmoid(lesson.P_BCE_Z)))
    tiny = float(np.finfo(float).smallest_subnormal)
    assert softmax_lib.sigmoid(lesson.P_BCE_Z) == tiny  # the smallest subnormal, not 0
    assert math.isfinite(got) and -lesson.P_BCE_Z - got > 0.5  # wrong before the decimal point
    assert float(softmax_lib.softplus(-lesson.P_BCE_Z)) == -lesson.P_BCE_Z


def _above(cell_id):
    """Every source and output of the book's cells above the cell ``cell_id``."""
    nb = json.loads(NOTEBOOK.read_text())
    above = []
    for cell in nb["cells"]:
        if cell.get("id") == cell_id:
            return above
        above.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            above.append("".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", "")))
    pytest.fail(f"no cell with id {cell_id}")


@pytest.mark.parametrize(
    "cell_id,answers",
    [
        ("p4-pred", [r"744\.4"]),
        ("p3-pred", [r"0\.754", r"16\.1", r"underconfiden"]),
    ],
)
def test_predict_answers_are_not_shown_above_them(cell_id, answers):
    text = "\n".join(_above(cell_id))
    for answer in answers:
        hit = re.search(answer, text)
        assert hit is None, f"{answer} appears above {cell_id}: {text[max(0, hit.start() - 80) : hit.end()]!r}"


def test_the_digits_predict_comes_between_the_one_hot_table_and_the_smoothed_run():
    nb = json.loads(NOTEBOOK.read_text())
    ids = [c.get("id") for c in nb["cells"]]
    assert ids.index("t-run") < ids.index("p3-pred") < ids.index("ls-digits") < ids.index("p3-check")
