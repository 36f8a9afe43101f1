"""Lesson 06, log-softmax and cross-entropy: figures, the widget and the
exercise checks.

Read how a figure is drawn with ``lesson.draw_gap_sweep??`` (and the same for
any ``draw_*`` function or :class:`LossView`).
"""

from __future__ import annotations

import warnings

import numpy as np

from ..checks import Case, Feedback, Near, check_function, check_number, check_prediction, short
from ..core import cross_entropy, log_softmax, logsumexp, softmax
from ..formatting import fmt_small
from ..plots import bars, ensure_axes, set_alt
from ..style import COLORS
from ..widgets import FigureView

#: The widget's four-class example: the correct class is the first, its logit
#: is the slider; the others are fixed.
CLASSES = ("dog", "cat", "bird", "fish")
OTHER_LOGITS = (2.0, 0.5, -1.0)
CORRECT_RANGE = (-10.0, 10.0)

GRAD_COLORS = {"correct": COLORS["logit"], "wrong": COLORS["prob"], "other": COLORS["accent"]}


def loss_and_grad(z, target: int):
    """Cross-entropy of one row of logits and its gradient ``p - y``.

    Returns ``(p, loss, grad)``.

    >>> p, loss, grad = loss_and_grad([2.0, 1.0, 0.1], 0)
    >>> round(float(loss), 3), grad.round(3).tolist()
    (0.417, [-0.341, 0.242, 0.099])
    """
    z = np.asarray(z, dtype=float)
    p = softmax(z)
    y = np.zeros_like(p)
    y[target] = 1.0
    return p, float(cross_entropy(z, target)), p - y


# ---------------------------------------------------------------- figures
def draw_prob_vs_logprob(fig, z, labels=None):
    """softmax(z) and log_softmax(z) side by side: tiny probabilities become
    moderate negative numbers.  Returns ``(p, logp)``."""
    fig.clear()
    axes = fig.subplots(1, 2)
    z = np.asarray(z, dtype=float)
    labels = list(labels) if labels is not None else [str(i) for i in range(len(z))]
    p, logp = softmax(z), log_softmax(z)
    bars(p, labels, ax=axes[0], fmt="{:.2g}", ylim=(0, 1.15), title="softmax: probabilities", ylabel="probability")
    bars(
        logp,
        labels,
        ax=axes[1],
        color=COLORS["logit"],
        fmt="{:.2f}",
        ylim=(1.25 * logp.min() - 1, 0.12 * -logp.min() + 0.5),
        title="log-softmax: log-probabilities",
        ylabel="log probability",
    )
    set_alt(
        fig,
        "Two bar charts of the same five classes. Probabilities: "
        + ", ".join(f"{lab} {v:.2g}" for lab, v in zip(labels, p))
        + "; the small ones look like zero. Log-probabilities: "
        + ", ".join(f"{lab} {v:.2f}" for lab, v in zip(labels, logp))
        + ", all plainly visible.",
    )
    return p, logp


def draw_gap_sweep(gaps, naive64, naive32, stable, ax=None):
    """log p of the smaller class of [0, -gap]: log(softmax) in float64 and
    float32 against log_softmax.  Where the naive curves become -inf they stop,
    and a marker shows the gap at which that happens.  Returns the Axes."""
    ax = ensure_axes(ax)
    gaps = np.asarray(gaps, dtype=float)
    step = max(1, gaps.size // 2000)  # a few thousand points draw the same lines much faster
    ax.plot(
        gaps[::step],
        np.asarray(stable)[::step],
        color=COLORS["right"],
        linewidth=7,
        alpha=0.45,
        label="log_softmax (finite everywhere)",
    )
    # float32 and float64 agree until float32 breaks: draw float32 on top, dotted,
    # so both stay visible.
    curves = [
        (naive64, "-", COLORS["wrong"], 2.5, "log(softmax), float64"),
        (naive32, ":", "black", 3.5, "log(softmax), float32"),
    ]
    breaks = []
    for k, (curve, ls, color, lw, label) in enumerate(curves):
        curve = np.asarray(curve, dtype=float)
        bad = ~np.isfinite(curve)
        shown = np.where(bad, np.nan, curve)
        ax.plot(gaps[::step], shown[::step], color=color, linestyle=ls, linewidth=lw, label=label, zorder=2 + k)
        if bad.any():  # the break is found on the full-resolution arrays
            i = int(np.argmax(bad))
            g, last = gaps[i], shown[i - 1]
            breaks.append(f"{label.split(', ')[1]} from gap {g:.2f}")
            ax.plot([g], [last], "X", color=COLORS["wrong"], markersize=14, markeredgecolor="black", zorder=5)
            ax.annotate(
                f"{label.split(', ')[1]}: −inf from gap {g:.2f}",
                (g, last),
                xytext=(12, 6),
                textcoords="offset points",
                fontsize=13,
                va="bottom",
            )
    ax.set_xlabel("gap between the logits (z = [0, −gap])")
    ax.set_ylabel("log p of the small class")
    ax.set_title("log(softmax) hits −inf; log_softmax does not")
    ax.set_xlim(gaps[0], gaps[-1])
    ax.set_ylim(-1.08 * np.max(np.abs(stable)), 40)
    ax.legend(loc="lower left")
    set_alt(
        ax.figure,
        f"log p of the small class against the gap, from {gaps[0]:g} to {gaps[-1]:g}: a straight "
        f"line down to {float(np.asarray(stable)[-1]):g} for log_softmax; log(softmax) becomes −inf, "
        + ("in " + " and ".join(breaks) if breaks else "nowhere")
        + ".",
    )
    return ax


def sweep(which: str, lo: float = -5.0, hi: float = 15.0, n: int = 201):
    """Loss and gradient of a 3-class example as one logit grows; the target is class 0.

    ``which="wrong"``: class 1's logit sweeps while classes 0 and 2 stay at 0.
    ``which="correct"``: class 0's logit sweeps while classes 1 and 2 stay at 0.
    Returns ``(x, loss, grad)`` with ``grad`` of shape ``(n, 3)``.
    """
    if which not in ("wrong", "correct"):
        raise ValueError(f"which must be 'wrong' or 'correct', got {which!r}")
    x = np.linspace(lo, hi, n)
    z = np.zeros((n, 3))
    z[:, 1 if which == "wrong" else 0] = x
    target = np.zeros(n, dtype=int)
    loss = cross_entropy(z, target, reduction="none")
    grad = softmax(z) - np.eye(3)[target]
    return x, loss, grad


def draw_sweep(fig, which: str, lo: float = -5.0, hi: float = 15.0):
    """Two panels: the loss, and the gradient on each logit, as one logit sweeps.

    When two gradient curves coincide (the two wrong classes, while the
    correct logit moves) they are drawn as one line with one legend entry.
    """
    fig.clear()
    ax_loss, ax_grad = fig.subplots(1, 2)
    x, loss, grad = sweep(which, lo, hi)
    moving = "wrong class's logit" if which == "wrong" else "correct class's logit"
    ax_loss.plot(x, loss, color="black")  # black: no gradient curve shares its colour
    ax_loss.set_ylabel("cross-entropy loss")
    ax_loss.set_title("loss")
    if which == "wrong":
        lines = [
            (0, "correct class", GRAD_COLORS["correct"], "-"),
            (1, "moving wrong class", GRAD_COLORS["wrong"], "--"),
            (2, "other wrong class", GRAD_COLORS["other"], ":"),
        ]
    else:
        lines = [
            (0, "correct class (moving)", GRAD_COLORS["correct"], "-"),
            (1, "each wrong class (equal)", GRAD_COLORS["wrong"], "--"),
        ]
    for j, label, color, ls in lines:
        ax_grad.plot(x, grad[:, j], color=color, linestyle=ls, linewidth=3, label=label)
    ax_grad.axhline(0, color="black", linewidth=1)
    ax_grad.set_ylim(-1.1, 1.6)
    ax_grad.set_yticks([-1, -0.5, 0, 0.5, 1])
    ax_grad.set_ylabel("gradient p − y")
    ax_grad.set_title("gradient on each logit")
    ax_grad.legend(
        loc="upper center",
        ncol=len(lines) if which == "correct" else 3,
        fontsize=11,
        handlelength=1.8,
        columnspacing=0.8,
    )
    for ax in (ax_loss, ax_grad):
        ax.set_xlabel(moving)
        ax.set_xlim(lo, hi)
    set_alt(
        fig,
        f"As the {moving} goes from {lo:g} to {hi:g}, the loss goes from {loss[0]:.2f} to {loss[-1]:.2g}, "
        "and the gradient on the three logits goes from "
        f"[{', '.join(fmt_small(v) for v in grad[0])}] to [{', '.join(fmt_small(v) for v in grad[-1])}].",
    )
    return x, loss, grad


class LossView(FigureView):
    """The widget: 4 classes, the correct class's logit on a slider.

    Panel 1 the probabilities (correct class hatched), panel 2 the loss over
    the slider's range with the current point, panel 3 the gradient ``p - y``.
    ``update(correct=...)`` returns ``(p, loss, grad)``.
    """

    def __init__(self, fig):
        super().__init__(fig)
        self.ax_p, self.ax_loss, self.ax_g = fig.subplots(1, 3)
        self.labels = [f"{CLASSES[0]} ✓", *CLASSES[1:]]
        n = len(CLASSES)
        bars(
            np.full(n, 0.25),
            self.labels,
            ax=self.ax_p,
            fmt=fmt_small,
            highlight=[0],
            ylim=(0, 1.18),
            title="probabilities p",
            fontsize=13,
        )
        bars(
            np.zeros(n),
            self.labels,
            ax=self.ax_g,
            color=COLORS["logit"],
            fmt=fmt_small,
            highlight=[0],
            ylim=(-1.25, 1.25),
            title="gradient p − y",
            fontsize=13,
        )
        self.p_bars, self.p_texts = list(self.ax_p.patches), list(self.ax_p.texts)
        self.g_bars, self.g_texts = list(self.ax_g.patches), list(self.ax_g.texts)

        c = np.linspace(*CORRECT_RANGE, 161)
        rows = np.column_stack([c, np.broadcast_to(OTHER_LOGITS, (c.size, 3))])
        curve = logsumexp(rows) - c
        self.ax_loss.plot(c, curve, color=COLORS["accent"])
        (self.point,) = self.ax_loss.plot(
            [0.0], [0.0], "o", color=COLORS["accent"], markersize=12, markeredgecolor="black", zorder=3, clip_on=False
        )
        # The value goes in the top-right corner, where the curve is near 0 and never in the way.
        self.loss_text = self.ax_loss.text(
            0.97, 0.96, "", transform=self.ax_loss.transAxes, ha="right", va="top", fontsize=14
        )
        self.ax_loss.set_xlim(CORRECT_RANGE[0] - 0.5, CORRECT_RANGE[1] + 0.5)
        top = float(curve.max())
        self.ax_loss.set_ylim(-0.03 * top, 1.12 * top)
        self.ax_loss.set_xlabel(f"{CLASSES[0]}'s logit")
        self.ax_loss.set_title(f"loss −log p({CLASSES[0]})")
        for ax in (self.ax_p, self.ax_g):
            ax.tick_params(axis="x", labelsize=12)

    @staticmethod
    def _move(rects, texts, values):
        for rect, text, v in zip(rects, texts, values):
            rect.set_height(v)
            text.xy = (rect.get_x() + rect.get_width() / 2, v)
            text.xyann = (0, 4 if v >= 0 else -4)
            text.set_va("bottom" if v >= 0 else "top")
            text.set_text(fmt_small(v))

    def update(self, correct: float = 1.0):
        z = np.array([correct, *OTHER_LOGITS])
        p, loss, grad = loss_and_grad(z, 0)
        self._move(self.p_bars, self.p_texts, p)
        self._move(self.g_bars, self.g_texts, grad)
        self.point.set_data([correct], [loss])
        self.loss_text.set_text(f"loss = {loss_label(loss)}")
        self.alt = (
            f"{CLASSES[0]}'s logit {correct:.2f} (others: "
            + ", ".join(f"{c} {v:g}" for c, v in zip(CLASSES[1:], OTHER_LOGITS))
            + f"): p({CLASSES[0]}) = {fmt_small(p[0])}, loss {loss_label(loss)}, gradient p − y = ["
            + ", ".join(fmt_small(v) for v in grad)
            + "]."
        )
        return p, loss, grad


def loss_label(loss: float) -> str:
    """The loss as the widget prints it: 3 decimals, or 2 significant digits when tiny."""
    return f"{loss:.3f}" if loss >= 0.001 else f"{loss:.1e}"


def widget():
    """One slider, the correct class's logit: probabilities, loss and gradient together."""
    from ..widgets import live_figure, slider

    controls = {"correct": slider(f"{CLASSES[0]} logit (the correct class)", 1.0, *CORRECT_RANGE)}
    return live_figure(LossView, controls, figsize=(12, 4.2))


# ---------------------------------------------------------------- Predict checkpoints
def predict_float32_stable(prediction) -> Feedback:
    """Predict: what does the stable log_softmax([0, -gap])[1] do in float32 as the gap grows to 1000?"""
    z = log_softmax(np.array([0.0, -1000.0], dtype=np.float32))
    tiny = float(np.finfo(np.float32).smallest_subnormal)
    return check_prediction(
        prediction,
        "c",
        options=("a", "b", "c", "d"),
        why="log_softmax computes z − logsumexp(z) = [0, −gap] − log(1 + e^−gap): the only exponential is "
        "e^−gap ≤ 1, which cannot overflow, and when it rounds to 0 the log term is just log 1 = 0. "
        f"At gap 1000 in float32 it gives {z[1]:g}. No probability is formed, so none can round to 0.",
        hints={
            "a": "The naive form breaks there because it takes the log of e^−gap, which rounds to 0 from a gap of "
            f"about 104 (below half of {tiny:.1e}, the smallest positive float32). "
            "log_softmax never takes the log of a probability.",
            "b": "Nothing here is exponentiated upwards: after subtracting the max, every exponent is ≤ 0.",
            "d": "When e^−gap rounds to 0, log(1 + 0) = 0 is subtracted from −gap, which stays −gap.",
        },
    )


def predict_bounded_push(prediction) -> Feedback:
    """Predict: as a wrong logit grows to 15, what does the push on the correct logit do?"""
    _, loss, grad = sweep("wrong")
    return check_prediction(
        prediction,
        "b",
        options=("a", "b", "c"),
        why=f"The push is p_0 − 1, and p_0 ≥ 0, so it can never go below −1: at a wrong logit of 15 the loss is "
        f"{loss[-1]:.1f} but the push is {grad[-1, 0]:.4f}. The loss grows without bound; its slope does not.",
        hints={
            "a": "The loss grows like the wrong logit, but the gradient is p − y, and every p is between 0 and 1.",
            "c": "That happens to a loss on p itself, like 1 − p_0 (section 5 shows it). The log in "
            "cross-entropy undoes the softmax's flattening.",
        },
    )


# ---------------------------------------------------------------- Write it: cross-entropy and its gradient
def reference_ce_and_grad(z, y):
    """Mean cross-entropy of logits ``z`` (N, C) with class indices ``y`` (N,), and its gradient."""
    z = np.asarray(z)
    n = z.shape[0]
    rows = np.arange(n)
    shifted = z - z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -logp[rows, y].mean()
    grad = np.exp(logp)
    grad[rows, y] -= 1
    return loss, grad / n


def _unpack(out, shape):
    """(loss, grad) from a learner's output, or (None, a phrase saying what is wrong)."""
    if out is None:
        return None, "returned None"
    if not isinstance(out, tuple) or len(out) != 2:
        return None, (
            f"returned a {type(out).__name__}, not a pair (loss, grad)"
            if not isinstance(out, tuple)
            else f"returned {len(out)} values, not 2: (loss, grad)"
        )
    loss, grad = out
    try:
        loss_arr = np.asarray(loss)
        grad = np.asarray(grad)
    except Exception:  # an object NumPy cannot read
        return None, "returned something that is not numbers"
    if loss_arr.dtype.kind == "c" or grad.dtype.kind == "c":
        return None, "returned complex numbers"
    if loss_arr.dtype.kind not in "biuf" or grad.dtype.kind not in "biuf":
        return None, "returned a loss or gradient that is not numbers"
    if loss_arr.size != 1:
        return None, f"returned a loss of shape {loss_arr.shape}: the loss is one number, the mean over rows"
    if grad.shape != shape:
        return None, f"returned a gradient of shape {grad.shape} instead of {shape} (one entry per logit)"
    return (float(loss_arr.reshape(())), grad.astype(float)), None


def _expect(z, y, *, loss=True, grad=True, rtol=1e-6):
    want_loss, want_grad = reference_ce_and_grad(np.asarray(z, dtype=np.float64), y)

    def check(out):
        got, wrong = _unpack(out, np.shape(z))
        if wrong:
            return wrong
        got_loss, got_grad = got
        if loss:
            if not np.isfinite(got_loss):
                return f"returned the loss {got_loss} instead of {want_loss:.4g}"
            if not np.isclose(got_loss, want_loss, rtol=rtol, atol=1e-9):
                return f"returned the loss {got_loss:.4g} instead of {want_loss:.4g}"
        if grad:
            if not np.all(np.isfinite(got_grad)):
                return f"returned a gradient with NaN or inf: {short(got_grad)}"
            if not np.allclose(got_grad, want_grad, rtol=rtol, atol=1e-9):
                return f"returned the gradient {short(got_grad)} instead of {short(want_grad)}"
        return None

    return check


def _rows_sum_to_zero(shape):
    def check(out):
        got, wrong = _unpack(out, shape)
        if wrong:
            return wrong
        sums = got[1].sum(axis=1)
        if not np.all(np.abs(sums) < 1e-6):
            return f"returned a gradient whose row sums to {short(sums)}, not 0"
        return None

    return check


def _correct_entry_negative(shape, y):
    def check(out):
        got, wrong = _unpack(out, shape)
        if wrong:
            return wrong
        g = got[1][np.arange(shape[0]), y]
        if not np.all(g < 0):
            return f"returned {short(g)} on the correct class's logit: it should be negative"
        return None

    return check


def _precision(out) -> np.dtype:
    """The float type a learner's (loss, grad) was computed in: the coarser of the two (float64 if neither is)."""
    types = [np.asarray(v).dtype for v in out]
    floats = [t for t in types if t.kind == "f"]
    return max(floats, key=lambda t: np.finfo(t).eps) if floats else np.dtype(np.float64)


def fd_step_and_tolerance(dtype) -> tuple[float, float]:
    """The finite-difference step for a loss computed in ``dtype``, and the largest difference between
    the gradient and the differences (relative to the gradient's largest entry) that still counts as equal.

    The step eps^(1/3) balances the rounding of the loss (eps / h) against the curvature (h²); the
    differences then match a right gradient to about eps^(2/3), and the tolerance is 100 times that.

    >>> [f"{v:.0e}" for v in fd_step_and_tolerance(np.float64)]
    ['6e-06', '4e-09']
    >>> [f"{v:.0e}" for v in fd_step_and_tolerance(np.float32)]
    ['5e-03', '2e-03']
    """
    eps = float(np.finfo(dtype).eps)
    return eps ** (1 / 3), 100 * eps ** (2 / 3)


def _matches_finite_differences(fn, z, y):
    """The learner's gradient against centred differences of the learner's own loss, with a step and a
    tolerance for the precision the learner computes in (float32 needs a far larger step than float64)."""

    def check(out):
        got, wrong = _unpack(out, z.shape)
        if wrong:
            return wrong
        dtype = _precision(out)
        h, tol = fd_step_and_tolerance(dtype)
        numeric = np.zeros_like(z)
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                for idx in np.ndindex(z.shape):
                    e = np.zeros_like(z)
                    e[idx] = h
                    numeric[idx] = (float(np.asarray(fn(z + e, y)[0])) - float(np.asarray(fn(z - e, y)[0]))) / (2 * h)
        except Exception as err:  # the learner's code may raise anything
            return f"raised {type(err).__name__} when a logit was nudged: {err}"
        a = got[1]
        scale = float(np.max(np.abs(a) + np.abs(numeric)))
        off = float(np.max(np.abs(a - numeric))) / scale if scale > 0 else 0.0
        if not off <= tol:
            return (
                f"returned a gradient {short(a[0])}... but nudging the logits by {h:.0e} says {short(numeric[0])}... "
                f"(they differ by {off:.1e} of the gradient's size; in {dtype.name} up to {tol:.0e} is rounding)"
            )
        return None

    return check


#: The 4-row batch of section 3 and its targets.
BATCH = ((2.0, 1.0, 0.1), (0.5, 2.5, -1.0), (1.2, 0.3, 3.0), (0.0, 0.0, 0.0))
BATCH_TARGETS = (0, 2, 2, 1)


def ce_cases(fn) -> list[Case]:
    """The cases :func:`check_my_ce_and_grad` runs, in the order they are reported."""
    one = np.array([[2.0, 1.0, 0.1]])
    batch, bt = np.array(BATCH), np.array(BATCH_TARGETS)
    rng = np.random.default_rng(6)
    fd_z, fd_y = rng.normal(0.0, 2.0, (5, 4)), rng.integers(0, 4, 5)
    big = np.array([[1000.0, 999.0, 998.0]])
    far = np.array([[0.0, -1000.0, 1000.0], [1000.0, 0.0, -1000.0]])
    far32 = np.array([[0.0, -150.0, 150.0], [150.0, 0.0, -150.0], [3.0, 1.0, 2.0]], dtype=np.float32)
    zero = np.array([0])
    return [
        Case(
            "[[2, 1, 0.1]], class 0: the loss",
            (one, zero),
            _expect(one, zero, grad=False),
            "Return a pair (loss, grad): the loss of a row is −log p_k = logsumexp(z) − z_k for its correct "
            "class k, averaged over the rows; the gradient is an array shaped like z.",
        ),
        Case(
            "[[2, 1, 0.1]], class 0: each gradient row sums to 0",
            (one, zero),
            _rows_sum_to_zero(one.shape),
            "Subtract the one-hot target: the gradient is p − y, not p. Each row of p sums to 1 and so does "
            "y, so each row of p − y sums to 0.",
        ),
        Case(
            "[[2, 1, 0.1]], class 0: the sign on the correct class",
            (one, zero),
            _correct_entry_negative(one.shape, zero),
            "The gradient of the loss is p − y, negative on the correct class (so gradient descent raises that "
            "logit). y − p points the other way: it is the direction that increases the loss.",
        ),
        Case(
            "[[2, 1, 0.1]], class 0: the gradient",
            (one, zero),
            _expect(one, zero),
            "Use the softmax probabilities in the gradient: p_j = e^(z_j) / Σ_i e^(z_i), then p − y.",
        ),
        Case(
            "the 4-row batch of section 3 (mean over rows)",
            (batch, bt),
            _expect(batch, bt),
            "The loss is the MEAN over the N rows, not their sum, so each row's gradient is divided by N too: "
            "(p − y) / N.",
        ),
        Case(
            "random 5×4 batch: gradient against finite differences",
            (fd_z, fd_y),
            _matches_finite_differences(fn, fd_z, fd_y),
            "Your gradient does not match how your own loss changes when one logit is nudged: the loss and the "
            "gradient must use the same p and the same mean over rows.",
        ),
        Case(
            "[[1000, 999, 998]], class 1",
            (big, np.array([1])),
            _expect(big, np.array([1])),
            "np.exp(1000) overflows to inf, and inf / inf is NaN. Subtract each row's maximum before np.exp "
            "(lesson 04): the probabilities and the log-probabilities do not change.",
        ),
        Case(
            "gaps of 1000: [[0, −1000, 1000], [1000, 0, −1000]], classes [1, 2]",
            (far, np.array([1, 2])),
            _expect(far, np.array([1, 2])),
            "The correct class's p is e^-2000, which rounds to 0, and −log 0 = inf (clipping p away from 0 "
            "hides the inf but still gives the wrong loss). Never take log(softmax(z)): compute "
            "log p = (z − max) − log Σ e^(z − max), which stays finite (section 2).",
        ),
        Case(
            "float32 batch with gaps of 150, classes [1, 2, 0]",
            (far32, np.array([1, 2, 0])),
            _expect(far32, np.array([1, 2, 0]), rtol=1e-4),
            "In float32, e^-gap is 0 from a gap of about 104 (section 2a), so log(softmax) is −inf there. "
            "Stay in the log domain: log p = (z − max) − log Σ e^(z − max), with each row's own max "
            "(z.max(axis=1, keepdims=True)): one max for the whole batch leaves the row [3, 1, 2] 147 below it, "
            "where every e^(z − max) is 0.",
        ),
    ]


def check_my_ce_and_grad(fn) -> Feedback:
    """Write it: ``my_ce_and_grad(z, y)`` -> (mean cross-entropy, its gradient with respect to z)."""
    if fn is None or fn is Ellipsis or not callable(fn):
        return check_function(fn, [], name="my_ce_and_grad", success="")
    return check_function(
        fn,
        ce_cases(fn),
        name="my_ce_and_grad",
        params="z, y",
        params_meaning="the logits and the correct classes",
        success="Your loss is right for logits 1000 apart in float64 and 150 apart in float32, and your gradient "
        "(p − y) / N matches finite differences: this is what a framework's fused cross-entropy does.",
        forbid_calls=("softmax", "log_softmax", "logsumexp", "cross_entropy"),
        forbidden_hint="use NumPy only: log-softmax is z − max − log Σ e^(z − max) (np.max, np.exp, np.sum, np.log "
        "with axis=1, keepdims=True), and the gradient is (softmax − one-hot) / N.",
    )


# ---------------------------------------------------------------- check yourself
Q1_LOGITS = (1.0, 3.0, 0.0, 1.0)
Q1_TARGET = 0


def check_q1(answer) -> Feedback:
    """Q1: the cross-entropy of logits [1, 3, 0, 1] with target class 0."""
    z = np.array(Q1_LOGITS)
    k = Q1_TARGET
    p = softmax(z)
    loss = float(cross_entropy(z, k))
    lse = float(logsumexp(z))
    return check_number(
        answer,
        loss,
        tol=0.003,
        what="a loss such as 1.25",
        why=f"logsumexp(z) = log(e^1 + e^3 + e^0 + e^1) = {lse:.3f}, and the loss is logsumexp(z) − z_0 = "
        f"{lse:.3f} − 1 = {loss:.3f} (equivalently −log p_0 with p_0 = {p[k]:.3f}).",
        mistakes=[
            Near(float(p[k]), "That is the probability p_0 itself. The loss is its negative logarithm, −log p_0."),
            Near(
                -loss,
                "Right size, wrong sign: the loss is −log p_0, and log of a probability is negative, "
                "so the loss is positive.",
            ),
            Near(float(-np.log10(p[k])), "That is −log10 p_0. Cross-entropy uses the natural log (ln)."),
            Near(float(1 - p[k]), "That is 1 − p_0, not −log p_0."),
            Near(lse, "That is logsumexp(z) alone. Subtract the correct class's logit, z_0 = 1."),
            Near(float(-np.log(p[1])), "That is the loss for class 1, the largest logit. The correct class is 0."),
            Near(
                float(-np.log(z[k] / z.sum())),
                "That is −log(1 / 5): dividing the logits by their sum. Take the softmax first.",
            ),
        ],
        hint="Compute logsumexp(z) (or p = softmax(z)), then the loss logsumexp(z) − z_0 = −log p_0.",
    )


Q2_LOGITS = (2.0, 0.0, 0.0)
Q2_TARGET = 1


def check_q2(answer) -> Feedback:
    """Q2: the gradient on the correct class's logit for the logits [2, 0, 0] and correct class 1."""
    z, k = np.array(Q2_LOGITS), Q2_TARGET
    p = softmax(z)
    return check_number(
        answer,
        float(p[k] - 1),
        tol=0.005,
        what="a number such as 0.25",
        why=f"p = softmax([2, 0, 0]) = [{p[0]:.3f}, {p[1]:.3f}, {p[2]:.3f}], and the gradient is p − y: for the "
        f"correct class y = 1, so {p[k]:.3f} − 1 = {p[k] - 1:.3f}. Negative: gradient descent raises that logit.",
        mistakes=[
            Near(float(1 - p[k]), "That is y − p. The gradient of the loss is p − y: negative for the correct class."),
            Near(float(p[k]), "That is p_1 itself; for the correct class y = 1, so subtract 1."),
            Near(float(p[0]), "That is the gradient on class 0's logit (p_0 − 0). The question asks about class 1."),
            Near(float(p[0] - 1), "That treats class 0, the largest logit, as the correct class. It is class 1."),
            Near(-1.0, "−1 is −y alone: add p_1, the probability the model gives class 1."),
            Near(
                float(-1 / p[k]),
                "That is the derivative of −log p with respect to p. The question asks for the derivative with "
                "respect to the logit z, which is p − y.",
            ),
        ],
        hint="Compute p = softmax(z) first; the gradient of cross-entropy with respect to the logits is p − y.",
    )


Q3_LOSS = 4.159


def check_q3(answer) -> Feedback:
    """Q3: the number of classes of a fresh model whose first loss is 4.159 (about log 64)."""
    c = float(np.exp(Q3_LOSS))
    return check_number(
        answer,
        round(c),
        tol=1.0,
        what="a number of classes such as 20",
        why="Small logits give every class p ≈ 1/C, so the first loss is about log C. "
        f"log C = {Q3_LOSS} gives C = e^{Q3_LOSS} ≈ {c:.1f}: {round(c)} classes.",
        mistakes=[
            Near(Q3_LOSS, "That is the loss itself. The loss is about log C: undo the log."),
            Near(10**Q3_LOSS, f"That is 10^{Q3_LOSS}: the loss uses the natural log, so take e^{Q3_LOSS}.", tol=50),
            Near(1 / c, "That is 1/C = e^−loss, each class's probability. The question asks for C.", tol=0.002),
            Near(
                2**Q3_LOSS, f"That is 2^{Q3_LOSS}: the loss uses the natural log, so take e^{Q3_LOSS}, not 2^{Q3_LOSS}."
            ),
        ],
        hint="A fresh model gives every class about the same probability, 1/C, so its loss is about −log(1/C).",
    )
