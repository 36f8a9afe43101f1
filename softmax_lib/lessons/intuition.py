"""Lesson 01, from logits to probabilities: figures, the widget and the checks."""

from __future__ import annotations

import numpy as np

from ..checks import Feedback, Near, check_choice, check_number
from ..core import sigmoid, softmax
from ..plots import annotate_bars, logits_and_probs
from ..style import COLORS
from ..widgets import reuse_axes

ANIMALS = ("cat", "dog", "bird")
LOGITS = (2.0, 1.0, 0.1)


# ---------------------------------------------------------------- figures
def draw_logits_probs(fig, cat: float = LOGITS[0], dog: float = LOGITS[1], bird: float = LOGITS[2]):
    """Draw logits and their softmax side by side on ``fig``; return the probabilities.

    Used by the "Try it" widget; the logit axis is fixed at [-6, 6] so the
    bars move instead of the axis.
    """
    axes = reuse_axes(fig, 2, "logits_probs")
    z = np.array([cat, dog, bird], dtype=float)
    logits_and_probs(z, ANIMALS, axes=axes, logit_range=(-6.5, 6.8))
    return softmax(z)


def draw_normalisers(fig, cases: dict[str, list[float]]):
    """One row per case: the logits, divide-by-sum, and softmax, as bars."""
    fig.clear()
    axes = fig.subplots(len(cases), 3, sharex=True, squeeze=False)
    for row, (name, z) in enumerate(cases.items()):
        z = np.asarray(z, dtype=float)
        total = z.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            div = z / total  # +-inf (or NaN) when the sum is 0, as NumPy gives
        panels = [
            (z, COLORS["logit"], f"{name} = {z.tolist()}"),
            (div, COLORS["naive"], "divide by sum" + (" (sum is 0!)" if total == 0 else "")),
            (softmax(z), COLORS["prob"], "softmax"),
        ]
        for col, (vals, color, title) in enumerate(panels):
            ax = axes[row, col]
            shown = np.where(np.isfinite(vals), vals, 0.0)
            ax.bar(range(len(z)), shown, color=color, edgecolor="black", linewidth=0.8)
            ax.axhline(0, color="black", linewidth=1)
            ax.set_title(title, fontsize=13)
            labels = [f"{v:.2f}" if np.isfinite(v) else ("undefined" if np.isnan(v) else f"{v:+}") for v in vals]
            annotate_bars(ax, shown, labels)
            ax.set_ylim(min(0.0, float(shown.min())) - 0.4, max(1.0, float(shown.max())) + 0.5)
            ax.set_xticks(range(len(z)), [f"[{i}]" for i in range(len(z))])
    return axes


def draw_soft_argmax(fig, z=LOGITS, scales=(1, 3, 10)):
    """softmax(scale · z) for a few scales, next to argmax: the 'soft' argmax."""
    fig.clear()
    axes = fig.subplots(1, len(scales) + 1, sharey=True)
    z = np.asarray(z, dtype=float)
    for ax, s in zip(axes, scales):
        p = softmax(s * z)
        ax.bar(ANIMALS, p, color=COLORS["prob"], edgecolor="black", linewidth=0.8)
        ax.set_title(f"softmax({s} · z)")
        for i, v in enumerate(p):
            ax.annotate(f"{v:.2f}", (i, v), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=12)
    onehot = np.eye(len(z))[np.argmax(z)]
    axes[-1].bar(ANIMALS, onehot, color=COLORS["reference"], edgecolor="black", linewidth=0.8)
    axes[-1].set_title("argmax (one-hot)")
    axes[0].set_ylim(0, 1.15)
    axes[0].set_ylabel("probability")
    return axes


def draw_pie(ax, probs, labels):
    """The 'confidence pie': each class's slice is its probability."""
    colors = [COLORS["prob"], COLORS["sky"], COLORS["stable"], COLORS["accent"]][: len(probs)]
    ax.pie(probs, labels=[f"{l}\n{p:.1%}" for l, p in zip(labels, probs)], colors=colors,
           startangle=90, counterclock=False, wedgeprops={"edgecolor": "white", "linewidth": 2},
           textprops={"fontsize": 14})
    ax.set_aspect("equal")
    return ax


# ---------------------------------------------------------------- widget
def widget():
    """Three sliders, one logit each, redrawing logits and probabilities."""
    from ..widgets import live_figure, slider

    controls = {name: slider(f"{name} logit", value, -6.0, 6.0) for name, value in zip(ANIMALS, LOGITS)}
    return live_figure(draw_logits_probs, controls, figsize=(10, 4.2), columns=3)


# ---------------------------------------------------------------- exercises
Q1_LOGITS = (1.0, 3.0, 2.0)


def check_q1(answer) -> Feedback:
    """Q1: the softmax probability of the middle class for logits [1, 3, 2]."""
    z = np.array(Q1_LOGITS)
    p = float(softmax(z)[1])
    e = np.exp(z)
    return check_number(
        answer, p, tol=0.006, what="a probability such as 0.42",
        why=f"e^3 / (e^1 + e^3 + e^2) = {e[1]:.2f} / {e.sum():.2f} = {p:.3f}.",
        mistakes=[
            Near(3 / 6, "That is 3 / (1 + 3 + 2): dividing the logits by their sum. Exponentiate first."),
            Near(1.0, "That is argmax's answer. Softmax gives the other classes some probability too."),
            Near(float(sigmoid(3.0)), "That is sigmoid(3), which ignores the other logits. "
                                      "Softmax divides by the sum over all classes."),
            Near(float(e[1]), "That is e^3, the first step. Now divide by the sum of all three exponentials."),
            Near(float(softmax(z)[2]), "That is the probability of the last class (logit 2). "
                                       "The question asks for the middle one (logit 3)."),
        ],
        hint="Compute e^1, e^3 and e^2, add them up, and divide e^3 by the total.",
    )


Q2_OPTIONS = {
    "a": "add 5 to every logit",
    "b": "multiply every logit by 2",
    "c": "subtract the largest logit from every logit",
    "d": "divide every logit by their sum",
}


def check_q2(answer) -> Feedback:
    """Q2: which changes to the logits leave the softmax output unchanged?"""
    return check_choice(
        answer, {"a", "c"}, options=tuple(Q2_OPTIONS),
        why="Softmax only sees differences between logits: adding or subtracting the same "
            "number from all of them cancels in the fraction. (c) is exactly the overflow trick of lesson 04.",
        hints={
            "b": "Multiplying by 2 doubles every gap, and e^gap grows: the output gets sharper. "
                 "Try [1, 2] against [2, 4] with the sliders.",
            "d": "Dividing by the sum rescales the gaps (and flips their signs if the sum is negative).",
            "a": "Look again at (a): adding 5 to every logit multiplies every e^z by e^5, which cancels.",
            "c": "Look again at (c): subtracting the same number from every logit cancels in the fraction.",
        },
    )
