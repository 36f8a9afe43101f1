"""Lesson 06, log-softmax and cross-entropy: figures, the widget and the checks."""

from __future__ import annotations

import numpy as np

from ..checks import Feedback, Near, check_number
from ..core import cross_entropy, log_softmax, logsumexp, softmax
from ..plots import annotate_bars
from ..style import COLORS
from ..widgets import reuse_axes

#: The widget's four-class example (the classes of one source): the correct
#: class is the first, its logit is the slider; the others are fixed.
CLASSES = ("dog", "cat", "bird", "fish")
OTHER_LOGITS = (2.0, 0.5, -1.0)
CORRECT_RANGE = (-10.0, 10.0)

GRAD_COLORS = {"correct": COLORS["logit"], "wrong": COLORS["prob"], "other": COLORS["accent"]}


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return ax


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
def fmt_small(v: float) -> str:
    """Two decimals, but tiny non-zero values in scientific notation (never "-0.00").

    >>> fmt_small(0.4173), fmt_small(-4.5e-05), fmt_small(0.0)
    ('0.42', '-5e-05', '0.00')
    """
    if v != 0 and abs(v) < 0.005:
        return f"{v:.0e}"
    return f"{v:.2f}"


def _value_bars(ax, labels, values, color, fmt="{:.2f}", highlight=None):
    bars = ax.bar(labels, values, color=color, edgecolor="black", linewidth=0.8)
    if highlight is not None:
        bars[highlight].set_hatch("//")
        bars[highlight].set_linewidth(2.2)
    annotate_bars(ax, values, fmt=fmt, fontsize=13)
    ax.axhline(0, color="black", linewidth=1)
    return bars


def draw_prob_vs_logprob(fig, z, labels=None):
    """softmax(z) and log_softmax(z) side by side: tiny probabilities become
    moderate negative numbers.  Returns ``(p, logp)``."""
    fig.clear()
    axes = fig.subplots(1, 2)
    z = np.asarray(z, dtype=float)
    labels = list(labels) if labels is not None else [str(i) for i in range(len(z))]
    p, logp = softmax(z), log_softmax(z)
    _value_bars(axes[0], labels, p, COLORS["prob"], fmt="{:.2g}")
    axes[0].set_ylim(0, 1.15)
    axes[0].set_title("softmax: probabilities")
    axes[0].set_ylabel("probability")
    _value_bars(axes[1], labels, logp, COLORS["stable"], fmt="{:.2f}")
    axes[1].set_ylim(1.25 * logp.min() - 1, 0.12 * -logp.min() + 0.5)
    axes[1].set_title("log-softmax: log-probabilities")
    axes[1].set_ylabel("log probability")
    return p, logp


def draw_gap_sweep(gaps, naive64, naive32, stable, ax=None):
    """log p of the smaller class of [0, -gap]: log(softmax) in float64 and
    float32 against log_softmax.  Where the naive curves become -inf they stop,
    and a marker shows the gap at which that happens.  Returns the Axes."""
    ax = _axes(ax)
    gaps = np.asarray(gaps, dtype=float)
    step = max(1, gaps.size // 2000)  # a few thousand points draw the same lines much faster
    ax.plot(gaps[::step], np.asarray(stable)[::step], color=COLORS["stable"], linewidth=7, alpha=0.45,
            label="log_softmax (finite everywhere)")
    # float32 and float64 agree until float32 breaks: draw float32 on top, dotted,
    # so both stay visible.
    curves = [(naive64, "-", COLORS["naive"], 2.5, "log(softmax), float64"),
              (naive32, ":", "black", 3.5, "log(softmax), float32")]
    for k, (curve, ls, color, lw, label) in enumerate(curves):
        curve = np.asarray(curve, dtype=float)
        bad = ~np.isfinite(curve)
        shown = np.where(bad, np.nan, curve)
        ax.plot(gaps[::step], shown[::step], color=color, linestyle=ls, linewidth=lw, label=label, zorder=2 + k)
        if bad.any():  # the break is found on the full-resolution arrays
            i = int(np.argmax(bad))
            g, last = gaps[i], shown[i - 1]
            ax.plot([g], [last], "X", color=COLORS["naive"], markersize=14, markeredgecolor="black", zorder=5)
            ax.annotate(f"{label.split(', ')[1]}: −inf from gap {g:.2f}", (g, last), xytext=(12, 6),
                        textcoords="offset points", fontsize=13, va="bottom")
    ax.set_xlabel("gap between the logits (z = [0, −gap])")
    ax.set_ylabel("log p of the small class")
    ax.set_title("log(softmax) hits −inf; log_softmax does not")
    ax.set_xlim(gaps[0], gaps[-1])
    ax.set_ylim(-1.08 * np.max(np.abs(stable)), 40)
    ax.legend(loc="lower left")
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
    """Two panels: the loss, and the gradient on each logit, as one logit sweeps."""
    fig.clear()
    ax_loss, ax_grad = fig.subplots(1, 2)
    x, loss, grad = sweep(which, lo, hi)
    moving = "wrong class's logit" if which == "wrong" else "correct class's logit"
    ax_loss.plot(x, loss, color=COLORS["accent"])
    ax_loss.set_ylabel("cross-entropy loss")
    ax_loss.set_title("loss")
    names = ["correct", "wrong", "other"]
    styles = [(GRAD_COLORS["correct"], "-"), (GRAD_COLORS["wrong"], "--"), (GRAD_COLORS["other"], ":")]
    for j, (name, (color, ls)) in enumerate(zip(names, styles)):
        ax_grad.plot(x, grad[:, j], color=color, linestyle=ls, linewidth=3, label=name)
    ax_grad.axhline(0, color="black", linewidth=1)
    ax_grad.set_ylim(-1.1, 1.55)
    ax_grad.set_yticks([-1, -0.5, 0, 0.5, 1])
    ax_grad.set_ylabel("gradient p − y")
    ax_grad.set_title("gradient on each logit")
    ax_grad.legend(loc="upper center", ncol=3, fontsize=12, handlelength=1.8, columnspacing=1.0)
    for ax in (ax_loss, ax_grad):
        ax.set_xlabel(moving)
        ax.set_xlim(lo, hi)
    return x, loss, grad


def draw_loss_widget(fig, correct: float = 1.0):
    """The widget: 4 classes, the correct class's logit on a slider.

    Panel 1 the probabilities (correct class hatched), panel 2 the loss over
    the slider's range with the current point, panel 3 the gradient ``p - y``.
    Returns ``(p, loss, grad)``.
    """
    # Fixed margins: the figure has a fixed size and nearly fixed text.
    ax_p, ax_loss, ax_g = reuse_axes(fig, 3, "loss_widget", left=0.075, right=0.99, bottom=0.2,
                                     top=0.88, wspace=0.38)
    z = np.array([correct, *OTHER_LOGITS])
    p, loss, grad = loss_and_grad(z, 0)
    labels = [f"{CLASSES[0]} ✓", *CLASSES[1:]]

    _value_bars(ax_p, labels, p, COLORS["prob"], fmt=fmt_small, highlight=0)
    ax_p.set_ylim(0, 1.18)
    ax_p.set_title("probabilities p")

    c = np.linspace(*CORRECT_RANGE, 161)
    rows = np.column_stack([c, np.broadcast_to(OTHER_LOGITS, (c.size, 3))])
    curve = logsumexp(rows) - c
    ax_loss.plot(c, curve, color=COLORS["accent"])
    ax_loss.plot([correct], [loss], "o", color=COLORS["accent"], markersize=12,
                 markeredgecolor="black", zorder=3, clip_on=False)
    # The value goes in the top-right corner, where the curve is near 0 and never in the way.
    ax_loss.text(0.97, 0.96, f"loss = {loss_label(loss)}", transform=ax_loss.transAxes,
                 ha="right", va="top", fontsize=14)
    ax_loss.set_xlim(CORRECT_RANGE[0] - 0.5, CORRECT_RANGE[1] + 0.5)
    top = float(curve.max())
    ax_loss.set_ylim(-0.03 * top, 1.12 * top)
    ax_loss.set_xlabel(f"{CLASSES[0]}'s logit")
    ax_loss.set_title("loss −log p(dog)")

    _value_bars(ax_g, labels, grad, COLORS["logit"], fmt=fmt_small, highlight=0)
    ax_g.set_ylim(-1.25, 1.25)
    ax_g.set_title("gradient p − y")
    for ax in (ax_p, ax_g):
        ax.tick_params(axis="x", labelsize=12)
    return p, loss, grad


def loss_label(loss: float) -> str:
    """The loss as the widget prints it: 3 decimals, or 2 significant digits when tiny."""
    return f"{loss:.3f}" if loss >= 0.001 else f"{loss:.1e}"


# ---------------------------------------------------------------- widget
def widget():
    """One slider, the correct class's logit: probabilities, loss and gradient together."""
    from ..widgets import live_figure, slider

    controls = {"correct": slider(f"{CLASSES[0]} logit (the correct class)", 1.0, *CORRECT_RANGE)}
    return live_figure(draw_loss_widget, controls, figsize=(12, 4.2))


# ---------------------------------------------------------------- exercises
Q1_LOGITS = (2.0, 1.0, 0.1)


def check_q1(answer) -> Feedback:
    """Q1: the cross-entropy of logits [2, 1, 0.1] with target class 0."""
    z = np.array(Q1_LOGITS)
    p0 = float(softmax(z)[0])
    loss = float(cross_entropy(z, 0))
    return check_number(
        answer, loss, tol=0.003, what="a loss such as 1.25",
        why=f"p = softmax(z) gives p_0 = {p0:.3f}, and the loss is −log p_0 = {loss:.3f} "
            f"(equivalently logsumexp(z) − z_0 = {float(logsumexp(z)):.3f} − 2 = {loss:.3f}).",
        mistakes=[
            Near(p0, "That is the probability p_0 itself. The loss is its negative logarithm, −log p_0."),
            Near(-loss, "Right size, wrong sign: the loss is −log p_0, and log of a probability is negative, "
                        "so the loss is positive."),
            Near(-np.log10(p0), "That is −log10 p_0. Cross-entropy uses the natural log (ln)."),
            Near(1 - p0, "That is 1 − p_0, not −log p_0."),
            Near(float(-np.log(2.0 / z.sum())), "That is −log(2 / 3.1): dividing the logits by their sum. "
                                                "Take the softmax first."),
            Near(float(logsumexp(z)), "That is logsumexp(z) alone. Subtract the correct class's logit, z_0 = 2."),
        ],
        hint="Compute p = softmax(z), then take −log of the probability of class 0.",
    )


Q2_P = (0.7, 0.2, 0.1)


def check_q2(answer) -> Feedback:
    """Q2: the gradient on the target class's logit when p = [0.7, 0.2, 0.1] and y is class 0."""
    p0 = Q2_P[0]
    return check_number(
        answer, p0 - 1, tol=0.005, what="a number such as 0.25",
        why="The gradient is p − y, and for the target class y = 1: 0.7 − 1 = −0.3. "
            "It is negative, so gradient descent raises that logit.",
        mistakes=[
            Near(1 - p0, "That is y − p. The gradient of the loss is p − y: negative for the target class."),
            Near(p0, "That is p for the target class; for that class y = 1, so subtract 1."),
            Near(-1 / p0, "That is the derivative of −log p with respect to p. The question asks for the "
                          "derivative with respect to the logit z, which is p − y."),
            Near(0.2, "0.2 is the gradient on class 1 (p_1 − 0). The question asks for the target class, class 0."),
        ],
        hint="The gradient of cross-entropy with respect to the logits is p − y, with y one-hot.",
    )


Q3_CLASSES = 10


def check_q3(answer) -> Feedback:
    """Q3: the expected initial loss for 10 classes and small random logits."""
    c = Q3_CLASSES
    return check_number(
        answer, float(np.log(c)), tol=0.01, what="a loss such as 1.5",
        why=f"Small logits give p ≈ 1/{c} for every class, so the loss is −log(1/{c}) = log {c} = {np.log(c):.3f}. "
            "A first loss far from this points to a bug (or to logits that start too large).",
        mistakes=[
            Near(1 / c, f"That is the probability 1/{c} of each class. The loss is −log of it."),
            Near(-np.log(c), "Right size, wrong sign: −log(1/10) is positive."),
            Near(1.0, "That is log10(10). Cross-entropy uses the natural log."),
            Near(0.0, "A loss of 0 means the right class gets probability 1. With random logits every class "
                      "gets about the same probability."),
        ],
        hint="With all logits ≈ 0, softmax gives every class the same probability. What is −log of it?",
    )
