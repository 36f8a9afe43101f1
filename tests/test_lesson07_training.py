"""Lesson 07, training a softmax classifier: softmax regression and its
training-steps view, the binary (one-logit) loss helpers, label smoothing, and
every checker (table-driven: the reference is accepted, each typical wrong
answer is rejected with its own hint)."""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from softmax_lib import cross_entropy, log_softmax, plots, softmax
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
        (-0.125, True, "-0.125"),
        ("-0.125", True, "-0.125"),
        (-0.5, False, "divided by N"),
        (0.125, False, "wrong sign"),
        (0.05, False, "class 0"),
    ],
)
def test_check_q1(answer, ok, fragment):
    fb = lesson.check_q1(answer)
    assert fb.ok is ok and fragment in repr(fb)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (math.log(21), True, "log 21"),
        (3.045, True, "3.045"),
        (21, False, "Take its log"),
        (math.log(20), False, "its share ε/C too"),
        (math.log(0.84 / 0.16), False, "all the others together"),
        (math.log(4), False, "spreads nothing"),
    ],
)
def test_check_q2(answer, ok, fragment):
    fb = lesson.check_q2(answer)
    assert fb.ok is ok and fragment in repr(fb)


def test_q2_reference_is_where_descent_stops():
    _, p0, gap = lesson.descend_one_example(0.2, 5, 3000)
    assert gap[-1] == pytest.approx(math.log(21), abs=1e-6) and p0[-1] == pytest.approx(0.84, abs=1e-6)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (2.579, True, "2.579"),
        (float(mpmath.log1p(mpmath.exp(2.5))), True, "softplus"),
        (0.0759, False, "the probability"),
        (0.0789, False, "t = 0"),
        (-2.579, False, "wrong sign"),
        (1.12, False, "log10"),
        (2.5, False, "log1p"),
    ],
)
def test_check_q3(answer, ok, fragment):
    fb = lesson.check_q3(answer)
    assert fb.ok is ok and fragment in repr(fb)


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
    for answer in ("0.125", "3.045", "3.04", "2.579", "2.58"):
        hit = re.search(rf"(?<![\d.]){re.escape(answer)}(?!\d)", text)
        assert hit is None, (
            f"{answer} appears above the check-yourself questions: {text[hit.start() - 80 : hit.end()]!r}"
        )


# ---------------------------------------------------------------- binary and multi-label helpers
def _mp_softplus(x: float) -> float:
    """softplus in 50-digit arithmetic, the independent reference."""
    if np.isnan(x):
        return float("nan")
    if np.isinf(x):
        return float("inf") if x > 0 else 0.0
    with mpmath.workdps(50):
        return float(mpmath.log1p(mpmath.exp(mpmath.mpf(x))))


HOSTILE = [
    -1e308,
    -1000.0,
    -745.14,
    -745.13,
    -40.0,
    -1e-300,
    0.0,
    5e-324,
    1e-8,
    36.7,
    40.0,
    709.79,
    800.0,
    1e308,
    np.inf,
    -np.inf,
    np.nan,
]


@pytest.mark.parametrize("x", HOSTILE)
def test_softplus_and_log_sigmoid_on_hostile_input(x):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sp = lesson.softplus(x)
        ls = lesson.log_sigmoid(x)
    want = _mp_softplus(x)
    if np.isnan(x):
        assert np.isnan(sp) and np.isnan(ls)
        return
    assert sp == pytest.approx(want, rel=1e-14, abs=0)
    assert -ls == pytest.approx(_mp_softplus(-x), rel=1e-14, abs=0)
    assert ls <= 0


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_softplus_identities_hold_for_every_finite_float(x):
    # softplus(x) - softplus(-x) = x, and log σ(x) = -softplus(-x), with no warning anywhere
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sp, sm = lesson.softplus(x), lesson.softplus(-x)
        ls = lesson.log_sigmoid(x)
    assert np.isfinite(sp) and np.isfinite(sm) and sp >= max(x, 0.0) and ls <= 0
    assert sp - sm == pytest.approx(x, rel=1e-12, abs=1e-12)
    assert ls == -sm


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_sigmoid_keeps_the_dtype_and_matches_log_softmax(dtype):
    z = np.array([-200.0, -3.0, 0.0, 3.0, 90.0], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = lesson.log_sigmoid(z)
    assert out.dtype == dtype and np.all(np.isfinite(out))
    two_class = log_softmax(np.stack([z, np.zeros_like(z)], axis=-1))[:, 0]
    np.testing.assert_allclose(out, two_class, rtol=1e-6 if dtype == np.float32 else 1e-15)


def test_binary_cross_entropy_matches_two_class_cross_entropy():
    rng = np.random.default_rng(1)
    z = rng.normal(0, 5, size=(6, 4))
    t = rng.integers(0, 2, size=(6, 4)).astype(float)
    per = lesson.binary_cross_entropy(z, t, reduction="none")
    two = cross_entropy(np.stack([z, np.zeros_like(z)], -1), (1 - t).astype(int), reduction="none")
    np.testing.assert_allclose(per, two, rtol=1e-13)
    assert lesson.binary_cross_entropy(z, t) == pytest.approx(per.mean())
    assert lesson.binary_cross_entropy(z, t, reduction="sum") == pytest.approx(per.sum())


@pytest.mark.parametrize(
    "z,t,want",
    [
        (-800.0, 1.0, 800.0),  # -np.log(sigmoid(-800)) is inf
        (800.0, 0.0, 800.0),
        (40.0, 1.0, 4.248354255291589e-18),
        (np.inf, 1.0, 0.0),  # a matching infinite logit costs 0, not NaN
        (-np.inf, 0.0, 0.0),
        (np.inf, 0.0, np.inf),
        (0.0, 0.5, np.log(2)),  # soft target
    ],
)
def test_binary_cross_entropy_on_hostile_input(z, t, want):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = lesson.binary_cross_entropy(z, t)
    assert got == pytest.approx(want, rel=1e-12, abs=0)


@pytest.mark.parametrize(
    "call,error,fragment",
    [
        (lambda: lesson.softplus("1.0"), TypeError, "real numbers"),
        (lambda: lesson.log_sigmoid([1 + 2j]), TypeError, "complex"),
        (lambda: lesson.binary_cross_entropy([1.0, 2.0], [1.0]), ValueError, "one target per logit"),
        (lambda: lesson.binary_cross_entropy([1.0], [2.0]), ValueError, "[0, 1]"),
        (lambda: lesson.binary_cross_entropy([1.0], [np.nan]), ValueError, "[0, 1]"),
        (lambda: lesson.binary_cross_entropy([1.0], [1.0], reduction="avg"), ValueError, "'mean', 'sum' or 'none'"),
        (lambda: lesson.smooth_targets([0], 10, 1.5), ValueError, "eps must be in [0, 1]"),
    ],
)
def test_helpers_reject_bad_input_clearly(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


def test_binary_cross_entropy_of_an_empty_batch():
    assert lesson.binary_cross_entropy([], [], reduction="sum") == 0.0
    assert lesson.binary_cross_entropy([], [], reduction="none").shape == (0,)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(lesson.binary_cross_entropy([], []))


# ---------------------------------------------------------------- label smoothing
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
    (lesson.predict_log_sigmoid, "b", True, "−log 0 = inf"),
    (lesson.predict_log_sigmoid, "b", True, f"{mpmath.exp(-800):.1e}"),  # 3.7e-348, computed by mpmath
    (lesson.predict_log_sigmoid, "a", False, "not what this code returns"),
    (lesson.predict_log_sigmoid, "c", False, "0/0 or inf − inf"),
    (lesson.predict_smoothing_stop, None, None, "No prediction yet"),
    (lesson.predict_smoothing_stop, 0.91, True, "0.91"),
    (lesson.predict_smoothing_stop, 0.9, False, "spread over all C classes"),
    (lesson.predict_smoothing_stop, 1.0, False, "one-hot"),
    (lesson.predict_smoothing_stop, 0.5, False, "1 − ε + ε/C"),
]


def test_smoothing_predict_is_not_answered_above_it():
    """The label-smoothing Predict's answer (0.91) is not in any cell or output before the Predict."""
    import json
    import re
    from pathlib import Path

    nb = json.loads((Path(__file__).parent.parent / "notebooks" / "07-training.ipynb").read_text())
    answer = re.compile(r"(?<![\d.])0\.91(?!\d)")
    above = []
    for cell in nb["cells"]:
        if cell.get("id") == "p3-pred":
            break
        above.append("".join(cell["source"]))
        for out in cell.get("outputs", []):
            above.append("".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", "")))
    else:
        pytest.fail("no cell with id p3-pred")
    assert lesson.predict_smoothing_stop(0.91).ok is True
    hits = [text for text in above if answer.search(text)]
    assert not hits, f"0.91 is shown above the Predict: {hits[0][:200]!r}"
