"""Lesson 05, sigmoid is two-class softmax: figures, the widget and the checks."""

from __future__ import annotations

import numpy as np

from ..checks import Feedback, Near, check_choice, check_number
from ..core import sigmoid, softmax
from ..plots import annotate_bars
from ..style import COLORS

#: The multi-label photo: one logit per tag; the photo shows a dog, a ball and grass.
TAGS = ("dog", "cat", "ball", "grass", "car")
TAG_LOGITS = (3.0, -2.5, 2.2, 2.6, -3.0)
TAGS_PRESENT = ("dog", "ball", "grass")

#: The widget's sliders: two logits, each in [-6, 6], so a - b is in [-12, 12].
LOGIT_RANGE = (-6.0, 6.0)
DIFF_RANGE = (-12.5, 12.5)


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return ax


def logit_threshold(t: float) -> float:
    """The logit z at which sigmoid(z) = t: ``log(t / (1 - t))``.

    "Predict panda when sigmoid(z) > t" is the same rule as "when z > logit_threshold(t)".

    >>> round(logit_threshold(0.9), 3)
    2.197
    """
    return float(np.log(t) - np.log1p(-t))


# ---------------------------------------------------------------- figures
def draw_sigmoid(ax=None, thresholds=(0.5, 0.9), lo: float = -10.0, hi: float = 10.0):
    """The sigmoid over [lo, hi] with each probability threshold and its logit threshold."""
    ax = _axes(ax)
    x = np.linspace(lo, hi, 401)
    ax.plot(x, sigmoid(x), color=COLORS["prob"], label=r"$\sigma(z) = 1/(1+e^{-z})$")
    styles = ["--", ":"]
    for k, t in enumerate(thresholds):
        zt = logit_threshold(t)
        ls = styles[k % len(styles)]
        ax.axhline(t, color=COLORS["reference"], linestyle=ls, linewidth=1.8)
        ax.plot([zt, zt], [0, t], color=COLORS["logit"], linestyle=ls, linewidth=1.8)
        ax.plot([zt], [t], "o", color="black", markersize=7, zorder=3)
        ax.annotate(f"T = {t:g}  ⇔  z > {zt:.2f}", (zt, t), xytext=(12, -22 if t > 0.7 else -8),
                    textcoords="offset points", fontsize=13, va="top")
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.03, 1.05)
    ax.set_xlabel("logit z (the network's raw output)")
    ax.set_ylabel("P(panda)")
    ax.set_title("Sigmoid: one logit in, one probability out")
    ax.legend(loc="upper left")
    return ax


def draw_pairs_on_sigmoid(a, b, ax=None):
    """Each random pair (a, b) as a point (a - b, softmax([a, b])[0]) on top of the sigmoid curve."""
    ax = _axes(ax)
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    p0 = softmax(np.stack([a, b], axis=-1))[..., 0]
    d = np.linspace(DIFF_RANGE[0], DIFF_RANGE[1], 401)
    ax.plot(d, sigmoid(d), color=COLORS["reference"], linewidth=5, alpha=0.6, label=r"$\sigma(a-b)$")
    ax.plot(a - b, p0, "o", color=COLORS["prob"], markersize=6, markeredgecolor="black",
            markeredgewidth=0.5, label="softmax([a, b])[0], random pairs")
    ax.set_xlabel("a − b")
    ax.set_ylabel("probability of class 0")
    ax.set_title(f"{len(a)} random pairs all land on the sigmoid")
    ax.set_xlim(*DIFF_RANGE)
    ax.set_ylim(-0.03, 1.05)
    ax.legend(loc="upper left")
    return ax


def _prob_bars(ax, labels, values, title, present=()):
    colors = [COLORS["prob"]] * len(values)
    bars = ax.bar(labels, values, color=colors, edgecolor="black", linewidth=0.8)
    for bar, label in zip(bars, labels):
        if label in present:
            bar.set_hatch("//")
            bar.set_linewidth(2.2)
    annotate_bars(ax, values, fontsize=13)
    ax.set_ylim(0, 1.18)
    ax.set_title(title, fontsize=15)
    return bars


def draw_multilabel(fig, labels=TAGS, logits=TAG_LOGITS, present=TAGS_PRESENT, threshold: float = 0.5):
    """Independent sigmoids next to softmax for the same logits of a multi-label photo.

    Hatched bars are the tags that are really in the photo.  Returns
    ``(sigmoids, softmax)``.
    """
    fig.clear()
    axes = fig.subplots(1, 2, sharey=True)
    z = np.asarray(logits, dtype=float)
    p_sig, p_soft = sigmoid(z), softmax(z)
    panels = [(p_sig, "independent sigmoids"), (p_soft, "softmax: tags compete")]
    for ax, (p, title) in zip(axes, panels):
        _prob_bars(ax, labels, p, f"{title}\n(sum = {p.sum():.2f})", present)
        ax.axhline(threshold, color=COLORS["reference"], linestyle="--", linewidth=1.8)
        found = [lab for lab, v in zip(labels, p) if v > threshold]
        ax.text(0.98, 0.97 if ax is axes[0] else 0.97, f"> {threshold:g}: {', '.join(found) or 'none'}",
                transform=ax.transAxes, ha="right", va="top", fontsize=13,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85})
    axes[0].set_ylabel("probability")
    return p_sig, p_soft


def draw_two_logits(fig, a: float = 3.0, b: float = 1.0):
    """The widget: softmax([a, b]) as bars, and the point (a - b, sigmoid(a - b)) on the curve.

    Returns the softmax pair.
    """
    fig.clear()
    # Fixed margins instead of constrained layout: the layout solver would cost
    # about 60 ms on every redraw, and the figure's text barely changes.
    fig.set_layout_engine("none")
    ax_bar, ax_curve = fig.subplots(1, 2, gridspec_kw={
        "width_ratios": [1, 1.6], "left": 0.085, "right": 0.985, "bottom": 0.2, "top": 0.91, "wspace": 0.18})
    p = softmax([a, b])
    d = a - b
    s = float(sigmoid(d))

    ax_bar.bar(["class 0\n(logit a)", "class 1\n(logit b)"], p, color=COLORS["prob"],
               edgecolor="black", linewidth=0.8)
    for i, v in enumerate(p):
        ax_bar.annotate(f"{v:.3f}", (i, v), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=14)
    ax_bar.set_ylim(0, 1.18)
    ax_bar.set_ylabel("probability")
    ax_bar.set_title(f"softmax([{a:.1f}, {b:.1f}])")

    x = np.linspace(DIFF_RANGE[0], DIFF_RANGE[1], 201)
    ax_curve.plot(x, sigmoid(x), color=COLORS["reference"], linewidth=3)
    ax_curve.plot([d, d], [0, s], color=COLORS["logit"], linestyle="--", linewidth=1.8)
    ax_curve.plot([DIFF_RANGE[0], d], [s, s], color=COLORS["prob"], linestyle="--", linewidth=1.8)
    ax_curve.plot([d], [s], "o", color=COLORS["prob"], markersize=13, markeredgecolor="black", zorder=3)
    right = d < 0
    ax_curve.annotate(f"σ({d:.1f}) = {s:.3f}", (d, s), xytext=(14 if right else -14, -6 if s > 0.5 else 10),
                      textcoords="offset points", ha="left" if right else "right",
                      va="top" if s > 0.5 else "bottom", fontsize=14)
    ax_curve.set_xlim(*DIFF_RANGE)
    ax_curve.set_ylim(-0.03, 1.05)
    ax_curve.set_xlabel("a − b")
    ax_curve.set_title("sigmoid of the difference")
    return p


# ---------------------------------------------------------------- widget
def widget():
    """Two sliders, logits a and b: the softmax pair and sigmoid(a - b) on its curve."""
    from ..widgets import live_figure, slider

    controls = {
        "a": slider("logit a", 3.0, *LOGIT_RANGE),
        "b": slider("logit b", 1.0, *LOGIT_RANGE),
    }
    return live_figure(draw_two_logits, controls, figsize=(10, 4.2), columns=2)


# ---------------------------------------------------------------- exercises
Q1_LOGITS = (3.0, 1.0)


def check_q1(answer) -> Feedback:
    """Q1: softmax([3, 1])[0], by way of the sigmoid."""
    a, b = Q1_LOGITS
    p = float(softmax([a, b])[0])
    return check_number(
        answer, p, tol=0.006, what="a probability such as 0.42",
        why=f"softmax([3, 1])[0] = σ(3 − 1) = σ(2) = 1 / (1 + e^-2) = {p:.3f}. "
            "Only the difference between the two logits matters.",
        mistakes=[
            Near(float(sigmoid(a)), "That is σ(3): it ignores the other logit. "
                                    "With two logits the sigmoid takes their difference, a − b."),
            Near(float(sigmoid(b - a)), "That is σ(1 − 3) = σ(−2), the probability of class 1. "
                                        "Class 0 has the larger logit, so its probability is above 0.5."),
            Near(a / (a + b), "That is 3 / (3 + 1): dividing the logits by their sum. Exponentiate first."),
            Near(float(np.exp(a - b)), "That is e^2, the ratio of the two probabilities. "
                                       "The probability itself is e^2 / (e^2 + 1)."),
            Near(0.5, "0.5 is what equal logits give. These differ by 2."),
        ],
        hint="Take the difference a − b, then apply σ(x) = 1 / (1 + e^-x).",
    )


Q2_OPTIONS = {
    "a": "one sigmoid output (is it a dog or not?)",
    "b": "one softmax over the four tags",
    "c": "four independent sigmoids, one per tag",
    "d": "four sigmoids, then divide them by their sum",
}


def check_q2(answer) -> Feedback:
    """Q2: the output layer for tagging photos that may hold several of dog, ball, grass, car."""
    return check_choice(
        answer, "c", options=tuple(Q2_OPTIONS),
        why="The tags are not mutually exclusive: a photo can have a dog AND a ball AND grass. "
            "Each tag needs its own yes/no probability, and those need not add up to 1.",
        hints={
            "a": "One sigmoid answers one yes/no question. There are four tags to answer.",
            "b": "Softmax makes the tags share a total of 1, so three tags that are all present "
                 "would each get about a third or less. Look at the photo example in section 5.",
            "d": "Dividing by the sum makes them add up to 1 again: the same competition as softmax. "
                 "The sum of per-tag probabilities has no reason to be 1.",
        },
    )


Q3_LOGITS = (0.5, 2.5)


def check_q3(answer) -> Feedback:
    """Q3: the single logit z of a one-sigmoid model equivalent to a two-output softmax model."""
    a, b = Q3_LOGITS
    z = a - b
    return check_number(
        answer, z, tol=0.01, what="a logit such as 1.5",
        why=f"softmax([a, b])[0] = σ(a − b), so z = a − b = {a} − {b} = {z:g}: "
            f"σ({z:g}) = {float(sigmoid(z)):.3f}, the same as softmax([{a}, {b}])[0].",
        mistakes=[
            Near(b - a, "That is b − a, which gives the probability of class 1. "
                        "For class 0 the order is a − b."),
            Near(a, "That is a on its own: it would be right only if b were 0. Subtract b."),
            Near(float(sigmoid(z)), "That is the probability σ(a − b). The question asks for the logit z."),
            Near(a + b, "That is a + b. Only the difference between the two logits matters."),
        ],
        hint="softmax([a, b])[0] = σ(a − b). Which z makes σ(z) equal that?",
    )
