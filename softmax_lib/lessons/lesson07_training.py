"""Lesson 07, training a softmax classifier: softmax regression on the digits,
the training-steps widget, label smoothing, the Predict checkpoints and the
exercise checks.  The binary (one-logit) loss is the library's:
:func:`softmax_lib.softplus`, :func:`~softmax_lib.log_sigmoid` and
:func:`~softmax_lib.binary_cross_entropy`.

Read how a figure is drawn with ``lesson.draw_label_smoothing??`` (and the
same for :class:`TrainingView`).
"""

from __future__ import annotations

import functools
import math

import numpy as np

from ..checks import Case, Feedback, Near, check_function, check_number, check_prediction, short
from ..core import cross_entropy, sigmoid, softmax, softplus
from ..plots import set_alt
from ..style import COLORS
from ..widgets import FigureView, legend_key

#: The training steps the widget's slider offers (log-spaced, 1 to 10 000).
STEPS = tuple(int(s) for s in np.unique(np.round(np.geomspace(1, 10_000, 41))))
#: The learning rate of the lesson's plain gradient descent.
LR = 1.0


# ---------------------------------------------------------------- softmax regression
def train_step(W, b, X, y, lr: float = LR):
    """One gradient-descent step of softmax regression ``z = xW + b`` on a batch.

    ``y`` holds class indices.  Returns the new ``(W, b)``; the arrays passed
    in are not changed.  The gradient of the mean cross-entropy is
    ``X.T @ (P - Y) / N`` for ``W`` and the column sums of ``(P - Y) / N``
    for ``b``.

    >>> W, b = train_step(np.zeros((2, 3)), np.zeros(3), np.array([[1.0, 0.0]]), np.array([2]), lr=1.0)
    >>> W.round(3).tolist(), b.round(3).tolist()
    ([[-0.333, -0.333, 0.667], [0.0, 0.0, 0.0]], [-0.333, -0.333, 0.667])
    """
    X = np.asarray(X)
    y = np.asarray(y)
    G = softmax(X @ W + b, axis=-1)
    G[np.arange(len(X)), y] -= 1.0  # P - Y
    G /= len(X)  # the mean over the batch
    return W - lr * (X.T @ G), b - lr * G.sum(axis=0)


def train(X, y, steps: int, lr: float = LR, record=()):
    """Softmax regression from zero weights: ``steps`` steps of :func:`train_step`.

    Returns ``(W, b, snapshots)`` where ``snapshots[s] = (W, b)`` after ``s``
    steps for every ``s`` in ``record`` (0 is the starting point).
    """
    X = np.asarray(X, dtype=float)
    n_classes = int(np.max(y)) + 1
    W, b = np.zeros((X.shape[1], n_classes)), np.zeros(n_classes)
    record = set(int(s) for s in record)
    snapshots = {0: (W, b)} if 0 in record else {}
    for step in range(1, steps + 1):
        W, b = train_step(W, b, X, y, lr)
        if step in record:
            snapshots[step] = (W, b)
    return W, b, snapshots


@functools.lru_cache(maxsize=1)
def trajectory():
    """The digits model at every step in :data:`STEPS`: a dict step -> test
    probabilities (1258 x 10), plus the test labels.  Trained once per kernel."""
    from ..digits import load_digit_splits

    data = load_digit_splits()
    _, _, snaps = train(data.X_train, data.y_train, max(STEPS), record=STEPS)
    probs = {s: softmax(data.X_test @ W + b, axis=-1) for s, (W, b) in snaps.items()}
    return probs, data.y_test


def summary(probs, labels) -> tuple[float, float, float]:
    """``(accuracy, mean confidence, share with confidence > 0.99)`` of a batch of probabilities."""
    conf = probs.max(axis=1)
    return float(np.mean(probs.argmax(axis=1) == labels)), float(conf.mean()), float(np.mean(conf > 0.99))


# ---------------------------------------------------------------- Try it: training steps
CONF_BINS = np.linspace(0.0, 1.0, 21)


class TrainingView(FigureView):
    """The widget: test accuracy and mean confidence against training steps
    (left, with the current step marked), and the test images' confidences at
    that step (right), with the accuracy and the mean confidence as lines.
    ``update(steps=...)`` returns ``(accuracy, confidence)``."""

    def __init__(self, fig):
        super().__init__(fig)
        self.probs, self.labels = trajectory()
        steps = np.array(STEPS)
        sums = np.array([summary(self.probs[s], self.labels) for s in STEPS])
        self.ax_t, self.ax_h = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
        ax = self.ax_t
        ax.plot(steps, sums[:, 0], color=COLORS["right"], linewidth=3, label="test accuracy")
        ax.plot(steps, sums[:, 1], color=COLORS["prob"], linewidth=3, linestyle="--", label="mean confidence")
        self.marker = ax.axvline(steps[0], color=COLORS["reference"], linewidth=2)
        (self.dot_acc,) = ax.plot([], [], "o", color=COLORS["right"], markersize=10)
        (self.dot_conf,) = ax.plot([], [], "o", color=COLORS["prob"], markersize=10)
        ax.set_xscale("log")
        from matplotlib.ticker import FuncFormatter

        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_xlim(steps[0], steps[-1])
        ax.set_ylim(0.0, 1.02)
        ax.set_xlabel("training steps (log scale)")
        ax.set_title("test images, as training goes on")
        legend_key(ax, ax.get_lines()[:2], loc="lower right", fontsize=12)
        h = self.ax_h
        widths = np.diff(CONF_BINS)
        self.bars = h.bar(
            CONF_BINS[:-1], np.zeros(len(widths)), width=widths, align="edge", color=COLORS["prob"], edgecolor="white"
        )
        self.acc_line = h.axvline(0.5, color=COLORS["right"], linewidth=3, label="accuracy")
        self.conf_line = h.axvline(0.5, color=COLORS["prob"], linewidth=3, linestyle="--", label="mean confidence")
        legend_key(h, [self.acc_line, self.conf_line], loc="upper left", fontsize=12)
        h.set_xlim(0.0, 1.0)
        h.set_xticks([0.0, 0.25, 0.5, 0.75, 1.0], ["0", "0.25", "0.5", "0.75", "1"])
        h.set_ylim(0.0, 1.0)
        h.set_xlabel("confidence (top probability)")
        h.set_ylabel("share of test images")
        self.title = h.set_title("")

    def update(self, steps: int = 100):
        steps = int(steps)
        acc, conf, sure = summary(self.probs[steps], self.labels)
        counts, _ = np.histogram(self.probs[steps].max(axis=1), bins=CONF_BINS)
        for bar, c in zip(self.bars, counts / len(self.labels)):
            bar.set_height(c)
        self.marker.set_xdata([steps, steps])
        self.acc_line.set_xdata([acc, acc])
        self.conf_line.set_xdata([conf, conf])
        self.dot_acc.set_data([steps], [acc])
        self.dot_conf.set_data([steps], [conf])
        self.title.set_text(f"after {steps} steps")
        side = "above" if conf > acc else "below"
        self.alt = (
            f"After {steps} training steps the test accuracy is {acc:.3f} and the mean confidence "
            f"{conf:.3f}, {abs(conf - acc):.3f} {side} the accuracy; {sure:.0%} of the test images get a "
            "confidence above 0.99."
        )
        return acc, conf


def widget():
    """A training-steps slider (1 to 10 000, log-spaced) redrawing :class:`TrainingView`."""
    from ..widgets import live_figure, selection_slider

    steps = selection_slider("training steps", STEPS, 100)
    return live_figure(TrainingView, {"steps": steps}, figsize=(11, 4.4))


# ---------------------------------------------------------------- label smoothing
def smooth_targets(labels, n_classes: int, eps: float) -> np.ndarray:
    """Label-smoothed target rows: ``(1 - eps) * one_hot + eps / n_classes``.

    >>> smooth_targets([0], 10, 0.1).round(2).tolist()
    [[0.91, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01, 0.01]]
    """
    if not 0 <= eps <= 1:
        raise ValueError(f"eps must be in [0, 1] (0 is no smoothing, 0.1 is usual), got {eps!r}")
    labels = np.asarray(labels)
    return (1 - eps) * np.eye(n_classes)[labels] + eps / n_classes


def descend_one_example(eps: float, n_classes: int = 10, steps: int = 1000, lr: float = 1.0):
    """Gradient descent on the logits of one example (class 0), hard or smoothed target.

    Returns ``(steps, p0, gap)``: after each step, the correct class's
    probability and its logit's lead over the largest other logit.
    """
    y = smooth_targets([0], n_classes, eps)[0]
    z = np.zeros(n_classes)
    p0, gap = np.empty(steps), np.empty(steps)
    for t in range(steps):
        z = z - lr * (softmax(z) - y)
        p0[t] = softmax(z)[0]
        gap[t] = z[0] - z[1:].max()
    return np.arange(1, steps + 1), p0, gap


def draw_label_smoothing(fig, eps: float = 0.1, n_classes: int = 10, steps: int = 1000):
    """Gradient descent on one example's logits, hard target against smoothed:
    the correct class's probability (left) and its logit gap (right).
    Returns ``{eps_value: (steps, p0, gap)}``."""
    fig.clear()
    ax_p, ax_gap = fig.subplots(1, 2)
    runs = {e: descend_one_example(e, n_classes, steps) for e in (0.0, eps)}
    target = 1 - eps + eps / n_classes
    styles = {
        0.0: (COLORS["reference"], "-", "hard target (one-hot)"),
        eps: (COLORS["accent"], "--", f"smoothed, ε = {eps:g}"),
    }
    for e, (t, p0, gap) in runs.items():
        color, ls, label = styles[e]
        ax_p.plot(t, p0, color=color, linestyle=ls, linewidth=3, label=label)
        ax_gap.plot(t, gap, color=color, linestyle=ls, linewidth=3, label=label)
    ax_p.axhline(target, color=COLORS["reference"], linestyle=":", linewidth=2)
    ax_p.text(steps, target - 0.03, f"smoothed target {target:.2f}", ha="right", va="top", fontsize=12)
    ax_p.set_ylim(0.0, 1.05)
    ax_p.set_ylabel("p of the correct class")
    ax_p.set_title("probability")
    ax_p.legend(loc="lower right", fontsize=12)
    ax_gap.set_ylabel("correct logit − largest other")
    ax_gap.set_title("logit gap")
    ax_gap.set_ylim(0, 1.1 * runs[0.0][2].max())
    from matplotlib.ticker import FuncFormatter

    for ax in (ax_p, ax_gap):
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.set_xlabel("gradient step (log scale)")
    hard, soft = runs[0.0], runs[eps]
    set_alt(
        fig,
        f"After {steps} steps on one example with {n_classes} classes: with a hard target p reaches "
        f"{hard[1][-1]:.4f} and the logit gap is still growing ({hard[2][-1]:.2f}); with ε = {eps:g} p "
        f"stops at {soft[1][-1]:.2f} and the gap at {soft[2][-1]:.2f}.",
    )
    return runs


# ---------------------------------------------------------------- Predict checkpoints
#: The logit of the binary-loss Predict: inside float64's range, at the very bottom of it.
P_BCE_Z = -745.0


def predict_log_sigmoid(prediction) -> Feedback:
    """Predict: what does -np.log(sigmoid(-745.0)) return, with an overflow-free sigmoid?"""
    tiny = float(np.finfo(float).smallest_subnormal)
    with np.errstate(divide="ignore"):
        got = float(-np.log(sigmoid(P_BCE_Z)))
    z = P_BCE_Z
    power = z / math.log(10)  # e^z = 10^power
    return check_prediction(
        prediction,
        "c",
        options=("a", "b", "c", "d"),
        why=f"σ({z:g}) ≈ e^{z:g} ≈ {10 ** (power % 1):.2f}e{int(np.floor(power))} is more than half the smallest "
        f"positive float64, {tiny:.2e}, so it does not round to 0: it rounds up to that smallest subnormal, "
        f"e^−{-math.log(tiny):.2f}. Down there a float has a single significant bit, and −log of it is "
        f"{got:.2f}, not {-z:g}. softplus({-z:g}) = {float(softplus(-z)):g} gives the true loss without forming σ(z).",
        hints={
            "a": f"inf needs σ(z) = 0 exactly, which happens only below z ≈ −745.13 (lesson 06, section 2a). "
            f"σ({z:g}) is tiny but not 0.",
            "b": f"It would be right if σ({z:g}) were stored with 16 digits. Subnormal numbers near the "
            "smallest one have hardly any digits left (lesson 04): which float is σ(z) stored as?",
            "d": "NaN comes from 0/0 or inf − inf. Nothing here is 0 or inf: σ(z) is tiny but positive.",
        },
    )


def predict_smoothing_digits(prediction) -> Feedback:
    """Predict: trained with eps = 0.1 instead of one-hot targets, where does the digit classifier's mean
    test confidence go, compared with its test accuracy?"""
    return check_prediction(
        prediction,
        "c",
        options=("a", "b", "c"),
        why="Each training image's target for its own class is now 0.91 instead of 1, so training pulls every "
        "confidence down, on test images too. With one-hot targets the mean confidence was already a little "
        "below the accuracy at 1000 steps; smoothing moves it further below: the model becomes "
        "underconfident and its calibration error grows.",
        hints={
            "a": "Label smoothing lowers the targets (0.91 instead of 1), so it lowers the confidence; "
            "it cannot push it above the accuracy.",
            "b": "Look at section 1's table at 1000 steps: the mean test confidence is already below the "
            "test accuracy. Which way does smoothing move it, and which way is the accuracy?",
        },
    )


# ---------------------------------------------------------------- Write it: one training step
def _unpack_step(out, shapes):
    """(W, b) as float arrays from a learner's output, or (None, what is wrong)."""
    if out is None:
        return None, "returned None"
    if not isinstance(out, tuple) or len(out) != 2:
        if isinstance(out, tuple):
            return None, f"returned {len(out)} values, not 2: (W_new, b_new)"
        return None, f"returned a {type(out).__name__}, not a pair (W_new, b_new)"
    got = []
    for name, value, shape in zip(("W", "b"), out, shapes):
        try:
            arr = np.asarray(value)
        except Exception:  # an object NumPy cannot read
            return None, f"returned a new {name} that is not an array of numbers"
        if arr.dtype.kind not in "biuf":
            return None, f"returned a new {name} of {arr.dtype}, not of real numbers"
        if arr.shape != shape:
            return None, f"returned a new {name} of shape {arr.shape} instead of {shape}"
        got.append(arr.astype(float))
    return tuple(got), None


def _mistakes(W, b, X, y, lr):
    """What known wrong steps return, each with the phrase that names the mistake."""
    X = np.asarray(X, dtype=float)
    n = len(X)
    Y = np.eye(W.shape[1])[np.asarray(y)]
    P = softmax(X @ W + b, axis=-1)
    G = (P - Y) / n
    return [
        (
            (W + lr * X.T @ G, b + lr * G.sum(0)),
            "the step went up the gradient (y − p instead of p − y): the loss grows. Subtract lr × gradient",
        ),
        (
            (W - lr * X.T @ (P - Y), b - lr * (P - Y).sum(0)),
            "the gradient was not divided by the batch size N (the loss is the mean over the images)",
        ),
        (
            (W - lr * X.T @ G, b - lr * G.mean(0)),
            "b's gradient is the mean of the rows of (P − Y)/N, which divides by N twice: sum the rows instead",
        ),
        (
            (W - lr * X.T @ (P / n), b - lr * (P / n).sum(0)),
            "the one-hot targets were never subtracted: the gradient is P − Y, not P",
        ),
        ((W - X.T @ G, b - G.sum(0)), "the learning rate lr was not used"),
    ]


def _expect_step(W, b, X, y, lr, rtol=1e-6):
    want_W, want_b = train_step(
        np.asarray(W, dtype=float), np.asarray(b, dtype=float), np.asarray(X, dtype=float), y, lr
    )
    known = _mistakes(np.asarray(W, dtype=float), np.asarray(b, dtype=float), X, y, lr)

    def check(out):
        got, wrong = _unpack_step(out, (np.shape(W), np.shape(b)))
        if wrong:
            return wrong
        got_W, got_b = got
        if not (np.all(np.isfinite(got_W)) and np.all(np.isfinite(got_b))):
            return f"returned NaN or inf in the new W or b: W[0] = {short(got_W[0])}"
        if np.allclose(got_W, want_W, rtol=rtol, atol=1e-9) and np.allclose(got_b, want_b, rtol=rtol, atol=1e-9):
            return None
        for (mW, mb), phrase in known:
            if np.allclose(got_W, mW, rtol=rtol, atol=1e-9) and np.allclose(got_b, mb, rtol=rtol, atol=1e-9):
                return f"returned the wrong step: {phrase}"
        if np.allclose(got_W, want_W, rtol=rtol, atol=1e-9):
            return f"returned the right W but b = {short(got_b)} instead of {short(want_b)}"
        return f"returned W[0] = {short(got_W[0])} instead of {short(want_W[0])}"

    return check


def _loss_goes_down(W, b, X, y, lr):
    before = float(cross_entropy(np.asarray(X) @ W + b, y))

    def check(out):
        got, wrong = _unpack_step(out, (np.shape(W), np.shape(b)))
        if wrong:
            return wrong
        after = float(cross_entropy(np.asarray(X) @ got[0] + got[1], y))
        if not after < before:
            return f"returned weights whose loss is {after:.4g}, not below the {before:.4g} it started from"
        return None

    return check


def step_cases() -> list[Case]:
    """The cases :func:`check_my_train_step` runs, in the order they are reported."""
    rng = np.random.default_rng(7)
    X1, y1 = np.array([[1.0, 0.0, 2.0], [0.0, 1.0, 1.0]]), np.array([1, 3])
    W1, b1 = np.zeros((3, 4)), np.zeros(4)
    X2, y2 = np.array([[0.5, -1.0, 2.0]]), np.array([2])
    W2, b2 = rng.normal(0, 0.5, (3, 4)), rng.normal(0, 0.5, 4)
    X3, y3 = rng.random((8, 5)), rng.integers(0, 3, 8)
    W3, b3 = rng.normal(0, 1.0, (5, 3)), rng.normal(0, 1.0, 3)
    X4, y4 = np.array([[1000.0, 0.0], [0.0, 1000.0], [500.0, 500.0]]), np.array([1, 0, 2])
    W4, b4 = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, -1.0]]), np.zeros(3)
    X5, y5 = rng.random((6, 4)).astype(np.float32), rng.integers(0, 3, 6)
    W5, b5 = rng.normal(0, 1.0, (4, 3)).astype(np.float32), np.zeros(3, dtype=np.float32)
    return [
        Case(
            "2 images, 3 pixels, 4 classes, W = 0 and b = 0, lr = 0.5",
            (W1, b1, X1, y1, 0.5),
            _expect_step(W1, b1, X1, y1, 0.5),
            "Return the pair (W_new, b_new). Logits Z = X @ W + b; P = softmax of each row; G = (P − Y) / N with "
            "Y the one-hot rows of y (np.eye(C)[y]); then W − lr · X.T @ G and b − lr · (the column sums of G).",
        ),
        Case(
            "the loss goes down after one step",
            (W3, b3, X3, y3, 0.1),
            _loss_goes_down(W3, b3, X3, y3, 0.1),
            "Gradient DEscent: subtract lr × gradient. The gradient of the loss is P − Y; Y − P points uphill.",
        ),
        Case(
            "1 image (N = 1), W and b not zero",
            (W2, b2, X2, y2, 1.0),
            _expect_step(W2, b2, X2, y2, 1.0),
            "With one image X.T @ G is an outer product: X has shape (1, D) and G shape (1, C), so X.T @ G is "
            "(D, C), the shape of W. Keep X two-dimensional.",
        ),
        Case(
            "8 images, 5 pixels, 3 classes",
            (W3, b3, X3, y3, 0.1),
            _expect_step(W3, b3, X3, y3, 0.1),
            "The loss is the MEAN over the N images: divide P − Y by N, once. W's gradient is X.T @ G (D × C) and "
            "b's is G summed over the images (axis=0).",
        ),
        Case(
            "logits 1000 apart (pixel values of 1000)",
            (W4, b4, X4, y4, 0.01),
            _expect_step(W4, b4, X4, y4, 0.01),
            "np.exp(1000) overflows to inf and inf / inf is NaN. Subtract each row's maximum from Z before np.exp "
            "(lesson 04), or use softmax_lib's softmax(Z, axis=-1).",
        ),
        Case(
            "float32 images and weights",
            (W5, b5, X5, y5, 0.5),
            _expect_step(W5, b5, X5, y5, 0.5, rtol=1e-4),
            "Compute the step with NumPy operations on the arrays you are given; the values must match float64 "
            "to about 4 digits.",
        ),
        Case(
            "y as a Python list",
            (W1, b1, X1, [1, 3], 0.5),
            _expect_step(W1, b1, X1, y1, 0.5),
            "Turn y into an array first (np.asarray(y)), or index with it in a way that accepts a list.",
        ),
    ]


def check_my_train_step(fn) -> Feedback:
    """Write it: ``my_train_step(W, b, X, y, lr)`` -> the new ``(W, b)`` after one gradient-descent step."""
    if fn is None or fn is Ellipsis or not callable(fn):
        return check_function(fn, [], name="my_train_step", success="")
    return check_function(
        fn,
        step_cases(),
        name="my_train_step",
        success="Your step moves W by −lr · Xᵀ(P − Y)/N and b by −lr · the column sums of (P − Y)/N, survives "
        "logits 1000 apart and works in float32: repeat it and you have trained softmax regression.",
    )


# ---------------------------------------------------------------- check yourself
Q1_P = ((0.2, 0.5, 0.3), (0.7, 0.2, 0.1))  # the model's probabilities for the two images
Q1_LABELS, Q1_CLASS = (1, 0), 1


def _q1_bias_gradient(divide=True, subtract=True, images=(0, 1)):
    n = len(Q1_P)
    total = sum(Q1_P[i][Q1_CLASS] - (subtract and Q1_LABELS[i] == Q1_CLASS) for i in images)
    return total / n if divide else total


def check_q1(answer) -> Feedback:
    """Q1: the gradient of the mean loss of a batch of 2 with respect to one class's bias."""
    want = _q1_bias_gradient()
    (p1, p2), (l1, l2), k = Q1_P, Q1_LABELS, Q1_CLASS
    return check_number(
        answer,
        want,
        tol=0.002,
        what="a number such as -0.3",
        why=f"The gradient for b is the sum over the images of G = (P − Y)/N, taken in column {k}: image 1 is "
        f"labelled {l1}, so it gives {p1[k]} − 1; image 2 is labelled {l2}, so it gives {p2[k]} − 0. "
        f"({p1[k] - 1:+.1f} {p2[k] - 0:+.1f}) / {len(Q1_P)} = {want:.2f}.",
        mistakes=[
            Near(_q1_bias_gradient(divide=False), "That is the sum of p − y without the 1/N of the mean loss."),
            Near(-want, "Right size, wrong sign: each image contributes p − y, not y − p."),
            Near(
                _q1_bias_gradient(images=(0,)),
                "That is image 1 alone. b is shared by every image: add image 2's p − y too.",
            ),
            Near(
                _q1_bias_gradient(subtract=False),
                f"That is the mean of p alone: subtract the one-hot target, 1 for image 1 (labelled {l1}).",
            ),
            Near(want / len(Q1_P), "That divides by N twice: G already holds the 1/N, so sum its rows."),
        ],
        hint="b's gradient is the sum over the images of (p − y)/N, taken in the class's column.",
    )


Q2_C, Q2_GAP = 5, 3.0


def _q2_eps(ratio: float, c: int) -> float:
    """The eps at which gradient descent stops with p_label / p_other = ratio: (1 - eps + eps/C) / (eps/C)."""
    return c / (ratio - 1 + c)


def check_q2(answer) -> Feedback:
    """Q2: which smoothing eps makes descent stop at a logit gap of 3 (C = 5)?"""
    c, gap = Q2_C, Q2_GAP
    ratio = math.exp(gap)
    want = _q2_eps(ratio, c)
    return check_number(
        answer,
        want,
        tol=0.002,
        what="an ε such as 0.05",
        why=f"Descent stops where p equals the smoothed target, so p_label / p_other = (1 − ε + ε/C) / (ε/C) "
        f"= C(1 − ε)/ε + 1, and softmax makes that ratio e^gap = e^{gap:g} = {ratio:.3f}. Solving "
        f"C(1 − ε)/ε = e^gap − 1 gives ε = C / (e^gap − 1 + C) = {c} / {ratio - 1 + c:.3f} = {want:.3f}.",
        mistakes=[
            Near(
                c / (ratio + c),
                "That forgets that the labelled class gets its share ε/C too: its target is 1 − ε + ε/C, not 1 − ε.",
            ),
            Near(1 / (1 + ratio), "That gives each other class ε; smoothing spreads ε over all C classes: ε/C each."),
            Near(
                c / ((c - 1) * (1 + ratio)),
                "That compares the labelled class with all the others together. The gap is to each other "
                "logit, whose target is ε/C.",
            ),
            Near(_q2_eps(gap, c), f"That takes the gap {gap:g} as the ratio of the probabilities; the ratio is e^gap."),
        ],
        hint="Where does the gradient p − y_smooth vanish? Write p_label / p_other there, and set it to e^gap.",
    )


Q3_LOSS = 1.0


def check_q3(answer) -> Feedback:
    """Q3: the logit of a present tag (t = 1) whose binary cross-entropy is 1 nat."""
    want = -math.log(math.e**Q3_LOSS - 1)
    p = math.exp(-Q3_LOSS)
    return check_number(
        answer,
        want,
        tol=0.002,
        what="a logit such as 1.5",
        why=f"With t = 1 the loss is −log σ(z) = log(1 + e^−z). Setting it to 1: 1 + e^−z = e, so "
        f"z = −log(e − 1) = {want:.3f} (σ(z) = 1/e = {p:.3f}).",
        mistakes=[
            Near(
                -want,
                "That is the logit whose loss is 1 nat when the tag is absent (t = 0), or the right size with the "
                "wrong sign. With t = 1 the loss falls as z grows; a loss of a whole nat means z is below 0.",
            ),
            Near(p, "That is the probability σ(z) = 1/e. The question asks for the logit z."),
            Near(-Q3_LOSS, "−1 would be the answer if the loss were −z; softplus(−z) is −z only for very negative z."),
            Near(
                math.log(0.1 / 0.9),
                "That solves −log10 σ(z) = 1. Cross-entropy uses the natural log: σ(z) = 1/e.",
            ),
        ],
        hint="With t = 1 the binary cross-entropy is −log σ(z) = log(1 + e^−z). Set it to 1 and solve for z.",
    )
