"""Lesson 05, sigmoid is two-class softmax: figures, the two-logit view and the checks.

Read how a figure is drawn with ``lesson.draw_sigmoid??``, ``lesson.draw_pairs_on_sigmoid??``,
``lesson.draw_multilabel??`` or ``lesson.TwoLogitsView??`` in the notebook.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..checks import (
    SILENCED_HINT,
    WARNED_HINT,
    Case,
    Feedback,
    Near,
    check_choice,
    check_function,
    check_number,
    check_prediction,
    expect_array,
)
from ..core import sigmoid, softmax
from ..formatting import fmt_array_sig
from ..plots import bars, ensure_axes, set_alt
from ..style import COLORS
from ..widgets import FigureView

__all__ = [
    "TAGS",
    "TAG_LOGITS",
    "TAGS_PRESENT",
    "logit_cutoff",
    "draw_sigmoid",
    "draw_pairs_on_sigmoid",
    "draw_multilabel",
    "TwoLogitsView",
    "widget",
    "check_q1",
    "check_q2",
    "check_q3",
    "check_my_sigmoid",
    "reference_sigmoid",
    "predict_mirror",
    "predict_where",
    "predict_multilabel",
]

#: The multi-label photo: one logit per tag; the photo shows a dog, a ball and grass.
TAGS = ("dog", "cat", "ball", "grass", "car")
TAG_LOGITS = (3.0, -2.5, 2.2, 2.6, -3.0)
TAGS_PRESENT = ("dog", "ball", "grass")

#: The widget's sliders: two logits, each in [-6, 6], so a - b is in [-12, 12].
LOGIT_RANGE = (-6.0, 6.0)
DIFF_RANGE = (-12.5, 12.5)
#: The widget's starting logits: a difference (1.5) that none of the questions asks about.
WIDGET_DEFAULT = (1.0, -0.5)


def logit_cutoff(t: float) -> float:
    """The logit z at which sigmoid(z) = t: ``log(t / (1 - t))``.

    "Predict panda when sigmoid(z) > t" is the same rule as "when z > logit_cutoff(t)".

    >>> round(logit_cutoff(0.9), 3)
    2.197
    """
    return float(np.log(t) - np.log1p(-t))


# ---------------------------------------------------------------- figures
def draw_sigmoid(ax=None, cutoffs=(0.5, 0.9), lo: float = -10.0, hi: float = 10.0):
    """The sigmoid over [lo, hi] with each probability cut-off t and its logit cut-off."""
    ax = ensure_axes(ax)
    x = np.linspace(lo, hi, 401)
    ax.plot(x, sigmoid(x), color=COLORS["prob"], label=r"$\sigma(z) = 1/(1+e^{-z})$")
    styles = ["--", ":"]
    words = []
    for k, t in enumerate(cutoffs):
        zt = logit_cutoff(t)
        ls = styles[k % len(styles)]
        ax.axhline(t, color=COLORS["reference"], linestyle=ls, linewidth=1.8)
        ax.plot([zt, zt], [0, t], color=COLORS["logit"], linestyle=ls, linewidth=1.8)
        ax.plot([zt], [t], "o", color="black", markersize=7, zorder=3)
        ax.annotate(
            f"cut-off t = {t:g}  ⇔  z > {zt:.2f}",
            (zt, t),
            xytext=(12, -22 if t > 0.7 else -8),
            textcoords="offset points",
            fontsize=13,
            va="top",
        )
        words.append(f"σ(z) > {t:g} exactly when z > {zt:.2f}")
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.03, 1.05)
    ax.set_xlabel("logit z (the network's raw output)")
    ax.set_ylabel("P(panda)")
    ax.set_title("Sigmoid: one logit in, one probability out")
    ax.legend(loc="upper left")
    set_alt(
        ax.figure,
        f"The S-shaped sigmoid for z from {lo:g} to {hi:g}: σ({lo:g}) = {float(sigmoid(lo)):.5f}, "
        f"σ(0) = 0.5, σ({hi:g}) = {float(sigmoid(hi)):.5f}. Marked cut-offs: {'; '.join(words)}.",
    )
    return ax


def draw_pairs_on_sigmoid(a, b, ax=None):
    """Each random pair (a, b) as a point (a - b, softmax([a, b])[0]) on top of the sigmoid curve."""
    ax = ensure_axes(ax)
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    p0 = softmax(np.stack([a, b], axis=-1))[..., 0]
    lo, hi = DIFF_RANGE
    if a.size:  # widen to show every pair: "all land on the sigmoid" must be visible for all of them
        lo, hi = min(lo, float(np.min(a - b)) - 0.5), max(hi, float(np.max(a - b)) + 0.5)
    d = np.linspace(lo, hi, 401)
    ax.plot(d, sigmoid(d), color=COLORS["reference"], linewidth=5, alpha=0.6, label=r"$\sigma(a-b)$")
    ax.plot(
        a - b,
        p0,
        "o",
        color=COLORS["prob"],
        markersize=6,
        markeredgecolor="black",
        markeredgewidth=0.5,
        label="softmax([a, b])[0], random pairs",
    )
    ax.set_xlabel("a − b")
    ax.set_ylabel("probability of class 0")
    ax.set_title(f"{len(a)} random pairs all land on the sigmoid")
    ax.set_xlim(lo, hi)
    ax.set_ylim(-0.03, 1.05)
    ax.legend(loc="upper left")
    off = float(np.max(np.abs(p0 - sigmoid(a - b)))) if a.size else 0.0
    set_alt(
        ax.figure,
        f"{len(a)} points (a − b, softmax([a, b])[0]) for random logit pairs, on the sigmoid "
        f"curve σ(a − b); the largest distance from the curve is {off:.1e}.",
    )
    return ax


def draw_multilabel(fig, labels=TAGS, logits=TAG_LOGITS, present=TAGS_PRESENT, cutoff: float = 0.5):
    """Independent sigmoids next to softmax for the same logits of a multi-label photo.

    Hatched bars are the tags that are really in the photo (the legend says so).
    Returns ``(sigmoids, softmax)``.
    """
    from matplotlib.patches import Patch

    axes = fig.subplots(1, 2, sharey=True)
    z = np.asarray(logits, dtype=float)
    p_sig, p_soft = sigmoid(z), softmax(z)
    highlight = [i for i, lab in enumerate(labels) if lab in present]
    words = []
    for ax, p, title in zip(axes, (p_sig, p_soft), ("independent sigmoids", "softmax: tags compete")):
        bars(p, labels, ax=ax, title=f"{title}\n(sum = {p.sum():.2f})", ylim=(0, 1.3), highlight=highlight)
        ax.axhline(cutoff, color=COLORS["reference"], linestyle="--", linewidth=1.8)
        found = [lab for lab, v in zip(labels, p) if v > cutoff]
        ax.text(
            0.98,
            0.97,
            f"> {cutoff:g}: {', '.join(found) or 'none'}",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=13,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85},
        )
        words.append(
            f"{title}: {', '.join(f'{lab} {v:.2f}' for lab, v in zip(labels, p))} (sum {p.sum():.2f}; "
            f"above {cutoff:g}: {', '.join(found) or 'none'})"
        )
    axes[0].set_ylabel("probability")
    axes[1].legend(
        handles=[
            Patch(
                facecolor=COLORS["prob"], edgecolor="black", hatch="//", linewidth=2.2, label="tag really in the photo"
            ),
            Patch(facecolor=COLORS["prob"], edgecolor="black", label="tag not in the photo"),
        ],
        loc="upper left",
        bbox_to_anchor=(0.0, 0.9),
        fontsize=12,
    )
    set_alt(
        fig,
        f"Two bar charts of the five tags; hatched bars are the tags in the photo ({', '.join(present)}). "
        + "; ".join(words)
        + ".",
    )
    return p_sig, p_soft


class TwoLogitsView(FigureView):
    """The slider's figure: softmax([a, b]) as bars (left) and the point
    (a − b, σ(a − b)) on the sigmoid curve (right).  Built once; :meth:`update`
    moves the bars, the point, its guide lines and the texts."""

    def __init__(self, fig):
        super().__init__(fig)
        ax_bar, ax_curve = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.6]})
        self.axes = (ax_bar, ax_curve)
        bars(
            [0.5, 0.5],
            ["class 0\n(logit a)", "class 1\n(logit b)"],
            ax=ax_bar,
            ylim=(0, 1.18),
            fmt=None,
            ylabel="probability",
        )
        self.rects = list(ax_bar.patches)
        self.values = [ax_bar.text(i, 0, "", ha="center", va="bottom", fontsize=14) for i in range(2)]
        self.bar_title = ax_bar.set_title(" ")
        x = np.linspace(DIFF_RANGE[0], DIFF_RANGE[1], 201)
        ax_curve.plot(x, sigmoid(x), color=COLORS["reference"], linewidth=3)
        (self.vline,) = ax_curve.plot([0, 0], [0, 0.5], color=COLORS["logit"], linestyle="--", linewidth=1.8)
        (self.hline,) = ax_curve.plot(
            [DIFF_RANGE[0], 0], [0.5, 0.5], color=COLORS["prob"], linestyle="--", linewidth=1.8
        )
        (self.point,) = ax_curve.plot(
            [0], [0.5], "o", color=COLORS["prob"], markersize=13, markeredgecolor="black", zorder=3
        )
        self.label = ax_curve.annotate("", (0, 0.5), xytext=(14, 10), textcoords="offset points", fontsize=14)
        ax_curve.set_xlim(*DIFF_RANGE)
        ax_curve.set_ylim(-0.03, 1.05)
        ax_curve.set_xlabel("a − b")
        ax_curve.set_title("sigmoid of the difference")

    def update(self, a: float = WIDGET_DEFAULT[0], b: float = WIDGET_DEFAULT[1]) -> np.ndarray:
        p = softmax([float(a), float(b)])
        d = float(a) - float(b)
        s = float(sigmoid(d))
        for rect, text, v in zip(self.rects, self.values, p):
            rect.set_height(v)
            text.set_position((rect.get_x() + rect.get_width() / 2, v + 0.02))
            text.set_text(f"{v:.3f}")
        self.bar_title.set_text(f"softmax([{a:.1f}, {b:.1f}])")
        self.vline.set_data([d, d], [0, s])
        self.hline.set_data([DIFF_RANGE[0], d], [s, s])
        self.point.set_data([d], [s])
        left = d < 0  # the label goes on the side away from the steep part
        self.label.xy = (d, s)
        self.label.set_position((14 if left else -14, -6 if s > 0.5 else 10))
        self.label.set_ha("left" if left else "right")
        self.label.set_va("top" if s > 0.5 else "bottom")
        self.label.set_text(f"σ({d:.1f}) = {s:.3f}")
        self.alt = (
            f"Logits a = {a:.1f}, b = {b:.1f}: softmax([a, b]) = [{p[0]:.3f}, {p[1]:.3f}]; on the sigmoid "
            f"curve the point a − b = {d:.1f} sits at height σ({d:.1f}) = {s:.3f}, the class-0 bar."
        )
        return p


def widget():
    """Two sliders, logits a and b: the softmax pair and sigmoid(a - b) on its curve."""
    from ..widgets import live_figure, slider

    controls = {
        "a": slider("logit a", WIDGET_DEFAULT[0], *LOGIT_RANGE),
        "b": slider("logit b", WIDGET_DEFAULT[1], *LOGIT_RANGE),
    }
    return live_figure(TwoLogitsView, controls, figsize=(10, 4.2), columns=2)


# ---------------------------------------------------------------- Predict checkpoints
PREDICT_MIRROR_OPTIONS = {
    "a": "nan, like e^x / (1 + e^x) at +800",
    "b": "0.0, with an overflow warning",
    "c": "0.0, silently",
}


def predict_mirror(prediction) -> Feedback:
    """Predict: 1 / (1 + e^-x) at x = -800."""
    return check_prediction(
        prediction,
        "b",
        options=tuple(PREDICT_MIRROR_OPTIONS),
        why="e^800 overflows to inf (a warning), but then 1 / (1 + inf) = 1 / inf = 0.0: no inf / inf, so no nan. "
        "0.0 is even the right float64 answer, since σ(−800) ≈ e^−800 is below the smallest float64. "
        "The overflow warning is still a bug signal, and it floods a training log.",
        hints={
            "a": "Here inf appears only in the denominator: 1 / (1 + inf) is 1 / inf.",
            "c": "np.exp(800) still overflows on the way, and NumPy warns about that.",
        },
    )


PREDICT_WHERE_OPTIONS = {
    "a": "[0, 1], silently: each entry uses only its safe formula",
    "b": "[0, 1], with an overflow warning (and an invalid-value warning)",
    "c": "[nan, nan]",
}


def predict_where(prediction) -> Feedback:
    """Predict: np.where(x >= 0, 1 / (1 + e^-x), e^x / (1 + e^x)) at x = [-800, 800]."""
    return check_prediction(
        prediction,
        "b",
        options=tuple(PREDICT_WHERE_OPTIONS),
        why="np.where receives two finished arrays: NumPy computes 1 / (1 + e^−x) AND e^x / (1 + e^x) for both "
        "entries before it picks. e^800 overflows in both (a warning), and e^800 / (1 + e^800) = inf / inf is "
        "nan (a second warning). The picked entries are still right, [0, 1].",
        hints={
            "a": "np.where is an ordinary function: its arguments are evaluated in full before it is called.",
            "c": "The nan is only in the entry np.where does not pick: the safe formula's value is returned.",
        },
    )


PREDICT_MULTILABEL_OPTIONS = {
    "a": "dog, ball and grass",
    "b": "dog only",
    "c": "none",
    "d": "all five",
}


def predict_multilabel(prediction) -> Feedback:
    """Predict: which tags of the photo does a softmax over the five tag logits put above 0.5?"""
    p = softmax(np.asarray(TAG_LOGITS))
    top = int(np.argmax(p))
    return check_prediction(
        prediction,
        "c",
        options=tuple(PREDICT_MULTILABEL_OPTIONS),
        why=f"A softmax shares one total of 1, so at most one tag can pass 0.5, and here none does: "
        f"{TAGS[top]}, the largest, gets e^3 / (e^3 + e^2.6 + e^2.2 + …) = {p[top]:.2f}, "
        "because grass and ball together have more weight than dog. The tags compete though all three are there.",
        hints={
            "a": "Probabilities that sum to 1 cannot have three entries above 0.5.",
            "b": "Dog has the largest logit, but e^2.6 + e^2.2 for grass and ball outweigh its e^3.",
            "d": "Five probabilities that sum to 1 cannot all be above 0.5.",
        },
    )


# ---------------------------------------------------------------- Q1 to Q3
Q1_LOGITS = (2.5, 1.2)


def check_q1(answer) -> Feedback:
    """Q1: softmax([2.5, 1.2])[0], by way of the sigmoid."""
    a, b = Q1_LOGITS
    p = float(softmax([a, b])[0])
    return check_number(
        answer,
        p,
        tol=0.006,
        what="a probability such as 0.42",
        why=f"softmax([{a:g}, {b:g}])[0] = σ({a:g} − {b:g}) = σ({a - b:g}) = 1 / (1 + e^-{a - b:g}) = {p:.3f}. "
        "Only the difference between the two logits matters.",
        mistakes=[
            Near(
                float(sigmoid(a)),
                f"That is σ({a:g}): it ignores the other logit. "
                "With two logits the sigmoid takes their difference, a − b.",
            ),
            Near(
                float(sigmoid(b - a)),
                f"That is σ({b:g} − {a:g}) = σ({b - a:g}), the probability of class 1. "
                "Class 0 has the larger logit, so its probability is above 0.5.",
            ),
            Near(
                a / (a + b), f"That is {a:g} / ({a:g} + {b:g}): dividing the logits by their sum. Exponentiate first."
            ),
            Near(
                float(np.exp(a - b)),
                f"That is e^{a - b:g}, the ratio of the two probabilities. "
                f"The probability itself is e^{a - b:g} / (e^{a - b:g} + 1).",
            ),
            Near(0.5, f"0.5 is what equal logits give. These differ by {a - b:g}."),
            Near(
                100 * p,
                f"That is a percentage. A probability is a fraction: {p:.3f} rather than {100 * p:.1f}.",
                tol=0.6,
            ),
        ],
        hint="Take the difference a − b, then apply σ(x) = 1 / (1 + e^-x).",
    )


Q2_OPTIONS = {
    "a": "one softmax over all six labels",
    "b": "six independent sigmoids",
    "c": "a softmax over day, dusk and night, and a sigmoid for each of car, bike and person",
    "d": "a softmax over car, bike and person, and a sigmoid for each of day, dusk and night",
}


def check_q2(answer) -> Feedback:
    """Q2: the output layer of a street camera: one time of day (exclusive) and any of three objects."""
    return check_choice(
        answer,
        "c",
        options=tuple(Q2_OPTIONS),
        why="Exactly one time of day is true, so day, dusk and night share one softmax; cars, bikes and people "
        "can appear together, so each gets its own sigmoid. One model can have both heads.",
        hints={
            "a": "A softmax over all six makes night compete with car: a night picture with a car could not "
            "give both a high probability.",
            "b": "Six sigmoids could say yes to day AND night, or to no time at all, though exactly one is true: "
            "the times of day are mutually exclusive.",
            "d": "Swapped: the times of day are the exclusive labels (exactly one is true); the objects can "
            "appear together.",
        },
    )


#: Q3: the sigmoid model's probability for class 0, and the softmax model's class-1 logit.
Q3_PROBABILITY = 0.2
Q3_B = 1.0


def check_q3(answer) -> Feedback:
    """Q3: the class-0 logit a of a two-output softmax model that matches σ(z) = 0.2, given b = 1."""
    p, b = Q3_PROBABILITY, Q3_B
    z = logit_cutoff(p)
    a = z + b
    return check_number(
        answer,
        a,
        tol=0.005,
        what="a logit such as 1.5",
        why=f"σ(z) = {p:g} means z = log({p:g} / {1 - p:g}) = {z:.3f}, and softmax([a, b])[0] = σ(a − b), "
        f"so a − b = {z:.3f} and a = {z:.3f} + {b:g} = {a:.3f}.",
        mistakes=[
            Near(z, f"That is a − b = log({p:g} / {1 - p:g}), the sigmoid model's logit. Add b = {b:g} to get a."),
            Near(-z + b, f"That uses log({1 - p:g} / {p:g}), the logit of class 1. σ(z) = {p:g} needs z < 0."),
            Near(z - b, "That is z − b. From a − b = z it follows that a = z + b."),
            Near(p + b, f"That adds the probability {p:g} to b. Turn {p:g} into a logit first: log(p / (1 − p))."),
            Near(float(np.log10(p / (1 - p))) + b, "That uses log10. The logit uses the natural log."),
            Near(
                float(np.log(p)) + b,
                f"That uses log {p:g}, the log of the probability. The logit is log(p / (1 − p)): "
                f"divide by 1 − {p:g} = {1 - p:g} first.",
            ),
        ],
        hint="Section 1: σ(z) = t exactly when z = log(t / (1 − t)). Section 3: that z is a − b.",
    )


# ---------------------------------------------------------------- Write it: a stable sigmoid
ORDINARY = ("ordinary [-2, 0, 2]", np.array([-2.0, 0.0, 2.0]))
ORDINARY_HINT = "σ(z) = 1 / (1 + e^−z): for z = 0 it is 0.5, and it grows with z."

#: The float32 case's absolute tolerance, the smallest normal float32 (1.2e-38).  σ(−100) = 3.7e-44 is a
#: float32 subnormal; a sigmoid that stays in float32 without overflowing (``scipy.special.expit``)
#: rounds it to 0, and 0 is as right as 3.7e-44 for any probability.  Overflow still fails (its warning).
FLOAT32_ATOL = float(np.finfo(np.float32).tiny)

#: (name, input, hint, absolute tolerance): the hostile inputs check_my_sigmoid tries after an ordinary one.
SIGMOID_HOSTILE = (
    (
        "[1000]",
        np.array([1000.0]),
        "e^1000 overflows: e^z / (1 + e^z) becomes inf / inf = NaN. For z ≥ 0 use 1 / (1 + e^−z), whose "
        "exponent is not positive.",
        1e-12,
    ),
    (
        "[-1000]",
        np.array([-1000.0]),
        "e^−(−1000) = e^1000 overflows: 1 / (1 + e^−z) warns. For z < 0 use e^z / (1 + e^z), whose exponent "
        "is negative.",
        1e-12,
    ),
    (
        "tiny tails [-40, -700]",
        np.array([-40.0, -700.0]),
        "σ(−40) is 4.25e-18, not 0: computing it as 1 − σ(40) cancels to 0 (1 − 0.99999… = 0 in float64). "
        "For z < 0 compute e^z / (1 + e^z) directly, and do not clip z: σ(−700) is 9.86e-305, not σ(−30).",
        0.0,
    ),
    (
        "float32 [-100, 100]",
        np.array([-100.0, 100.0], dtype=np.float32),
        "In float32 e^z overflows above 88.72 already. Only ever exponentiate −|z|, which is ≤ 0.",
        FLOAT32_ATOL,
    ),
    (
        "batch [[0, 1], [-1, 50]]",
        np.array([[0.0, 1.0], [-1.0, 50.0]]),
        "The sigmoid works entry by entry: return an array of the same shape as z (no sum, no flatten).",
        1e-12,
    ),
)

SUCCESS = (
    "No overflow, no NaN, no warning at ±1000 or in float32, tiny tails kept, shapes kept, and "
    "σ(−z) = 1 − σ(z): your sigmoid is stable."
)
#: The hint when both [1000] and [-1000] warn: np.where's trap.
WHERE_HINT = (
    "np.where computes BOTH branches for every entry before it picks, so the branch you did not "
    "want still overflows. Compute e = np.exp(-np.abs(z)) once; it is in (0, 1], and both branches "
    "can use it."
)
SILENCED = (
    f"{SILENCED_HINT} Here: compute e = np.exp(-np.abs(z)), which is in (0, 1] and cannot overflow, "
    "so there is nothing to silence."
)


def _symmetric(fn, z):
    """A Case.check for σ(−z) = 1 − σ(z), calling ``fn(−z)`` itself."""

    def check(out):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                mirror = np.asarray(fn(-np.array(z, copy=True)))
                here = np.asarray(out)
                if here.dtype.kind not in "biuf" or mirror.dtype.kind not in "biuf":
                    return f"returned {here.dtype} values, not real numbers"
                total = here.astype(float) + mirror.astype(float)
            except Exception:  # a wrong kind of result is reported by the other cases
                return "could not compute my_sigmoid(z) + my_sigmoid(−z)"
        if total.shape != np.shape(z) or not np.allclose(total, 1.0, rtol=0, atol=1e-12):
            return f"gave my_sigmoid(z) + my_sigmoid(−z) = {fmt_array_sig(total, 4)}, not 1 everywhere"
        return None

    return check


def sigmoid_cases(fn) -> list[Case]:
    """The cases of :func:`check_my_sigmoid`: ordinary, hostile, and the property σ(−z) = 1 − σ(z)."""
    name, z = ORDINARY
    cases = [Case(name, (z,), expect_array(sigmoid(z), rtol=1e-9, atol=1e-12), ORDINARY_HINT)]
    cases += [
        Case(
            n, (zz,), expect_array(sigmoid(zz.astype(float)), rtol=1e-6, atol=atol), h, warned_hint=f"{WARNED_HINT} {h}"
        )
        for n, zz, h, atol in SIGMOID_HOSTILE
    ]
    zs = np.linspace(-30.0, 30.0, 13)
    cases.append(
        Case(
            "σ(−z) = 1 − σ(z) for z from −30 to 30",
            (zs,),
            _symmetric(fn, zs),
            "σ(z) + σ(−z) must be 1: check that both branches use the same e = e^−|z|, "
            "and that σ(z) is not 1 − something for positive z AND negative z.",
        )
    )
    return cases


def check_my_sigmoid(fn: Any) -> Feedback:
    """Run a learner's ``my_sigmoid(z)`` on ordinary, hostile (±1000, tiny tails,
    float32, a batch) and property (σ(−z) = 1 − σ(z)) cases, compared with
    :func:`softmax_lib.sigmoid`.  Any NumPy warning counts as a failure, and so
    does switching the warnings off (``np.errstate``...).

    Returns a :class:`~softmax_lib.checks.CodeFeedback` with one row per case.
    """
    fb = check_function(
        fn,
        sigmoid_cases(fn) if callable(fn) else [],
        name="my_sigmoid",
        success=SUCCESS,
        params="z",
        params_meaning="the logits",
        returns="probabilities",
        forbid_silencing=True,
        silenced_hint=SILENCED,
    )
    ends = [r for r in fb.results if r.case.name in ("[1000]", "[-1000]")]
    if fb.failure is not None and fb.failure.kinds == {"warned"} and all(r.kinds == {"warned"} for r in ends):
        fb = fb.with_hint(f"{WARNED_HINT} {WHERE_HINT}")  # both ends warn: np.where's trap
    return fb


def reference_sigmoid(z):
    """The stable sigmoid the exercise asks for (used by the tests)."""
    e = np.exp(-np.abs(z))  # in (0, 1]: cannot overflow
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
