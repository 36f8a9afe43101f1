"""Lesson 01, from logits to probabilities: figures, the widget and the checks.

Read how a figure is drawn with ``lesson.draw_logits_probs??`` (and likewise
for the other ``draw_`` functions).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..checks import Case, Feedback, Near, check_choice, check_function, check_number, check_prediction
from ..core import sigmoid, softmax
from ..examples import ANIMALS, LOGITS
from ..formatting import fmt_list, fmt_probability, fmt_probability3
from ..plots import bars, ensure_axes, set_alt
from ..style import COLORS
from ..widgets import FigureView

__all__ = [
    "ANIMALS",
    "LOGITS",
    "LogitsProbsView",
    "draw_logits_probs",
    "draw_normalisers",
    "draw_soft_argmax",
    "draw_pie",
    "largest_slope",
    "widget",
    "check_q1",
    "check_q2",
    "check_logits_from_probs",
    "reference_logits_from_probs",
    "predict_shift",
    "predict_misprint",
    "predict_slope",
]

LOGIT_RANGE = (-6.0, 6.0)


def _move_labels(labels, heights, fmt) -> None:
    """Put each bar label at the tip of its bar (above, or below a negative bar)."""
    for i, (label, h) in enumerate(zip(labels, heights)):
        up = h >= 0
        label.xy = (i, h)
        label.set_position((0, 4 if up else -4))
        label.set_verticalalignment("bottom" if up else "top")
        label.set_text(fmt(h))


# ---------------------------------------------------------------- the widget's view
class LogitsProbsView(FigureView):
    """Logits (left) and their softmax (right) as bars; ``update(cat, dog, bird)``
    moves the bars.  The logit axis is fixed at [-6.5, 6.8], so the bars move and
    not the axis."""

    def __init__(self, fig, labels=ANIMALS) -> None:
        super().__init__(fig)
        self.labels = tuple(labels)
        n = len(self.labels)
        self.ax_z, self.ax_p = fig.subplots(1, 2)
        zeros = np.zeros(n)
        bars(
            zeros,
            self.labels,
            ax=self.ax_z,
            color=COLORS["logit"],
            title="logits (any real numbers)",
            ylabel="logit",
            ylim=(LOGIT_RANGE[0] - 0.5, LOGIT_RANGE[1] + 0.8),
            fmt=None,
        )
        bars(
            zeros,
            self.labels,
            ax=self.ax_p,
            color=COLORS["prob"],
            title="softmax: probabilities",
            ylabel="probability",
            ylim=(0, 1.15),
            fmt=None,
        )
        self.ax_p.axhline(1.0, color=COLORS["reference"], linestyle=":", linewidth=1.5)
        self.rects_z, self.rects_p = list(self.ax_z.patches), list(self.ax_p.patches)

        def new_labels(ax):
            return [
                ax.annotate(
                    "", (i, 0.0), xytext=(0, 4), textcoords="offset points", ha="center", va="bottom", fontsize=13
                )
                for i in range(n)
            ]

        self.text_z, self.text_p = new_labels(self.ax_z), new_labels(self.ax_p)
        self.total = self.ax_p.text(0.98, 0.97, "", transform=self.ax_p.transAxes, ha="right", va="top", fontsize=13)

    def update(self, cat: float = LOGITS[0], dog: float = LOGITS[1], bird: float = LOGITS[2]) -> np.ndarray:
        z = np.array([cat, dog, bird], dtype=float)
        p = softmax(z)
        for rect, h in zip(self.rects_z, z):
            rect.set_height(h)
        for rect, h in zip(self.rects_p, p):
            rect.set_height(h)
        _move_labels(self.text_z, z, lambda v: f"{v:.2f}")
        _move_labels(self.text_p, p, fmt_probability)
        self.total.set_text(f"sum = {p.sum():.2f}")
        pairs = ", ".join(f"{name} {zi:.2f} → {fmt_probability3(pi)}" for name, zi, pi in zip(self.labels, z, p))
        self.alt = f"Logits and their softmax probabilities: {pairs}; the probabilities sum to {p.sum():.2f}."
        return p


def draw_logits_probs(fig, z=LOGITS, labels=ANIMALS) -> np.ndarray:
    """The static version of the widget: logits and their softmax side by side.

    Returns the probabilities.
    """
    z = np.asarray(z, dtype=float)
    if z.shape != (3,) or len(labels) != 3:
        raise ValueError(
            f"draw_logits_probs draws three classes, like the widget: pass three logits and three "
            f"labels, e.g. z=(2.0, 1.0, 0.1), labels=('cat', 'dog', 'bird'); got shape {z.shape} "
            f"and {len(labels)} labels."
        )
    view = LogitsProbsView(fig, labels)
    p = view.update(*z)
    set_alt(fig, view.alt)
    return p


def widget():
    """Three sliders, one logit each, moving the logits and their probabilities."""
    from ..widgets import live_figure, slider

    controls = {name: slider(f"{name} logit", value, *LOGIT_RANGE) for name, value in zip(ANIMALS, LOGITS)}
    return live_figure(LogitsProbsView, controls, figsize=(10, 4.2), columns=3)


# ---------------------------------------------------------------- static figures
def _divide_by_sum(z: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return z / z.sum()  # +-inf (or NaN) when the sum is 0, as NumPy gives


def draw_normalisers(fig, cases: dict[str, list[float]]):
    """One row per case: the logits, divide-by-sum, and softmax, as bars.

    Every panel shares one y-scale, and the band [0, 1] where probabilities
    must live is shaded on the two output columns.  Returns the axes.
    """
    fig.clear()
    axes = fig.subplots(len(cases), 3, sharex=True, sharey=True, squeeze=False)
    results = {
        name: (np.asarray(z, float), _divide_by_sum(np.asarray(z, float)), softmax(np.asarray(z, float)))
        for name, z in cases.items()
    }
    finite = np.concatenate([v[np.isfinite(v)] for triple in results.values() for v in triple])
    lo, hi = min(0.0, float(finite.min())) - 0.45, max(1.0, float(finite.max())) + 0.45
    words = []
    for row, (name, (z, div, p)) in enumerate(results.items()):
        total = z.sum()
        panels = [
            (z, COLORS["logit"], f"{name} = {z.tolist()}"),
            (div, COLORS["wrong"], "divide by sum" + (" (sum is 0!)" if total == 0 else "")),
            (p, COLORS["prob"], "softmax"),
        ]
        for col, (vals, color, title) in enumerate(panels):
            ax = axes[row, col]
            if col:
                ax.axhspan(0, 1, color=COLORS["right"], alpha=0.12, zorder=0, gid="band")
            bars(vals, [f"[{i}]" for i in range(len(z))], ax=ax, color=color, ylim=(lo, hi), fontsize=12)
            ax.set_title(title, fontsize=13)
        words.append(
            f"{name} {z.tolist()}: divide by sum gives "
            f"[{', '.join(f'{v:.2f}' for v in div)}], softmax gives [{', '.join(f'{v:.2f}' for v in p)}]"
        )
    for ax in axes[:, 0]:
        ax.set_ylabel("value")
    set_alt(
        fig,
        "Three columns of bars, one row per case, on one y-scale with the band 0 to 1 shaded: "
        + "; ".join(words)
        + ".",
    )
    return axes


def largest_slope(z, scale: float) -> float:
    """The largest entry of |∂p_i/∂u_j| for p = softmax(u) at u = scale · z.

    The Jacobian of softmax is ``diag(p) - p pᵀ``; in float64.
    """
    p = softmax(scale * np.asarray(z, dtype=float))
    return float(np.abs(np.diag(p) - np.outer(p, p)).max())


def draw_soft_argmax(fig, z=LOGITS, scales=(1, 3, 10), labels=ANIMALS):
    """softmax(scale · z) for a few scales, next to argmax: the 'soft' argmax.

    Labels never round a probability that is not exactly 0 or 1 to "0.00" or
    "1.00"; each title gives the largest slope ∂p/∂z at that scale.
    Returns the axes.
    """
    fig.clear()
    axes = fig.subplots(1, len(scales) + 1, sharey=True)
    z = np.asarray(z, dtype=float)
    words = []
    for ax, s in zip(axes, scales):
        p = softmax(s * z)
        bars(p, labels, ax=ax, color=COLORS["prob"], fmt=fmt_probability, fontsize=12)
        slope = largest_slope(z, s)
        ax.set_title(f"softmax({s:g} · z)\nlargest slope {slope:.2g}", fontsize=14)
        words.append(f"{s:g}·z gives [{', '.join(fmt_probability(v) for v in p)}] with largest slope {slope:.2g}")
    onehot = np.eye(len(z))[np.argmax(z)]
    bars(onehot, labels, ax=axes[-1], color=COLORS["reference"], fmt="{:.0f}", fontsize=12)
    axes[-1].set_title("argmax (one-hot)\nslope 0", fontsize=14)
    axes[0].set_ylim(0, 1.2)
    axes[0].set_ylabel("probability")
    set_alt(
        fig,
        "Softmax of the logits times 1, 3 and 10, next to argmax's one-hot answer: "
        + "; ".join(words)
        + "; argmax gives ["
        + ", ".join(f"{v:.0f}" for v in onehot)
        + "] with slope 0.",
    )
    return axes


def draw_pie(ax, probs, labels):
    """The 'confidence pie': each class's slice is its probability.

    ``ax`` may be None (pyplot's current Axes).  Returns the Axes.
    """
    ax = ensure_axes(ax)
    colors = [COLORS["prob"], COLORS["sky"], COLORS["accent"], COLORS["yellow"]][: len(probs)]
    ax.pie(
        probs,
        labels=[f"{lab}\n{p:.1%}" for lab, p in zip(labels, probs)],
        colors=colors,
        startangle=90,
        counterclock=False,
        wedgeprops={"edgecolor": "white", "linewidth": 2},
        textprops={"fontsize": 14},
    )
    ax.set_aspect("equal")
    set_alt(
        ax.figure,
        "A pie of confidence shared out by softmax: "
        + ", ".join(f"{lab} {p:.1%}" for lab, p in zip(labels, probs))
        + ".",
    )
    return ax


# ---------------------------------------------------------------- Predict checkpoints
def predict_shift(prediction) -> Feedback:
    """Predict: add 2 to every logit; what happens to the three probabilities?"""
    return check_prediction(
        prediction,
        "b",
        options=("a", "b", "c"),
        why="softmax([4, 3, 2.1]) = softmax([2, 1, 0.1]): adding 2 to every logit leaves every gap between "
        "them as it was, and softmax sees only those differences. Lesson 02 (§2) shows why.",
        hints={
            "a": "All three cannot go up: they still have to add up to 1.",
            "c": "The cat's lead over the others is the same gap as before, so its share does not grow.",
        },
    )


# Logits whose softmax is printed nowhere in the lesson before the checkpoint (z1 of §3c is), and a
# misprint of it in the style tutorials get wrong: the top value moved to the first entry, a middle
# value that does not fit, so the entries neither add up to 1 nor keep the order of the logits.
MISPRINT_LOGITS = (0.4, 1.6, -0.7)
MISPRINT = (0.714, 0.251, 0.072)


def predict_misprint(prediction) -> Feedback:
    """Predict: can softmax([0.4, 1.6, -0.7]) be [0.714, 0.251, 0.072]?"""
    total = sum(MISPRINT)
    top = int(np.argmax(MISPRINT))
    return check_prediction(
        prediction,
        {"b", "c"},
        options=("a", "b", "c"),
        why=f"Two things are wrong with it: the entries add up to {total:.3f}, not 1, and the largest "
        f"probability, {MISPRINT[top]}, sits on the logit {MISPRINT_LOGITS[top]} although "
        f"{max(MISPRINT_LOGITS)} is the largest logit. Softmax keeps the order of the logits.",
        hints={
            "a": "Check the two promises of softmax: the outputs add up to 1, and a larger logit gets a "
            "larger probability."
        },
    )


def predict_slope(prediction) -> Feedback:
    """Predict: at 1000 · z, how large is the largest slope ∂p/∂z in float64?"""
    return check_prediction(
        prediction,
        "c",
        options=("a", "b", "c"),
        why=f"The largest slope is p(1 − p) for the top class, and 1 − p shrinks like e^(−gap): "
        f"{largest_slope(LOGITS, 1):.3f} at 1·z, {largest_slope(LOGITS, 10):.1e} at 10·z, "
        f"{largest_slope(LOGITS, 50):.1e} at 50·z. At 1000·z the gap is 1000, e^−1000 is far below "
        "the smallest float64 (about 5e-324), so p rounds to exactly [1, 0, 0] and the slope to exactly 0.",
        hints={
            "a": "The slope does shrink: once the top class has nearly all the probability, a nudge "
            "has almost nothing left to move.",
            "b": "Mathematically it stays positive, but a computer stores floats, and e^−1000 is below "
            "the smallest positive float64.",
        },
    )


# ---------------------------------------------------------------- Write it: from probabilities back to logits
def reference_logits_from_probs(p):
    """Logits whose softmax is ``p``: the log undoes step 1, and step 2 then divides by 1."""
    return np.log(np.asarray(p, dtype=float))


def _expect_logits_for(p: np.ndarray):
    """A ``Case.check``: the output must be finite logits, one per class, whose softmax is ``p``.

    Any constant added to the logits passes (softmax does not see it); the known wrong
    answers are named by what the learner did.
    """
    p = np.asarray(p, dtype=float)
    mistakes = [
        (p, "which are the probabilities themselves: softmax(p) is not p, undo step 1 first"),
        (np.exp(p), "which is e^p: that repeats step 1 instead of undoing it"),
        (np.log10(p), "which is log10(p): step 1 is e^z, so undo it with the natural log, np.log"),
        (-np.log(p), "which is -log(p): the most probable class must get the LARGEST logit"),
        (1.0 / p, "which is 1 / p: e^z is undone by a logarithm, not by a reciprocal"),
    ]

    def check(out):
        if out is None:
            return "returned None"
        try:
            z = np.asarray(out, dtype=float)
        except (TypeError, ValueError):
            return f"returned a {type(out).__name__}, not numbers"
        if z.shape != p.shape:
            return f"returned shape {z.shape}, not {p.shape}: one logit per class"
        if not np.all(np.isfinite(z)):
            return f"returned {fmt_list(z, '{:.3g}')}, which is not finite"
        got = softmax(z)
        if np.allclose(got, p, rtol=1e-6, atol=1e-9):
            return None
        wrong = (
            f"returned {fmt_list(z, '{:.3g}')}, whose softmax is {fmt_list(got, '{:.3f}')}, not {fmt_list(p, '{:.3f}')}"
        )
        for value, phrase in mistakes:
            if np.allclose(z, value, rtol=1e-6, atol=1e-9):
                return f"{wrong}, {phrase}"
        return wrong

    return check


def _logits_cases() -> list[Case]:
    def case(name, p, hint):
        return Case(name, (p,), _expect_logits_for(np.asarray(p, dtype=float)), hint)

    cat = softmax(np.array(LOGITS))
    return [
        case(
            "the animals' probabilities [0.659, 0.242, 0.099]",
            cat,
            "Step 1 was w = e^z. Which function undoes e^z? Then check that softmax of your answer gives p back.",
        ),
        case(
            "[0.9, 0.1] (two classes)",
            np.array([0.9, 0.1]),
            "The class with probability 0.9 needs the larger logit, and softmax of your logits must be [0.9, 0.1].",
        ),
        case(
            "[0.25, 0.25, 0.25, 0.25] (uniform)",
            np.full(4, 0.25),
            "Four equal probabilities need four equal logits, one per class.",
        ),
        case(
            "[0.97, 0.02, 0.01] (very uneven)",
            np.array([0.97, 0.02, 0.01]),
            "Use the natural log, np.log: softmax exponentiates with base e.",
        ),
        case(
            "[0.2, 0.3, 0.5] as a Python list",
            [0.2, 0.3, 0.5],
            "A list has no .shape or .sum(): start with p = np.asarray(p, dtype=float), or use np.log, which "
            "takes a list.",
        ),
    ]


def check_logits_from_probs(fn: Any) -> Feedback:
    """Run a learner's ``logits_from_probs(p)``: softmax of its answer must give ``p`` back."""
    return check_function(
        fn,
        _logits_cases(),
        name="logits_from_probs",
        success="np.log undoes step 1, and any constant added to your logits gives the same softmax: "
        "logits are fixed only up to a shared constant.",
        params="p",
        params_meaning="the probabilities",
    )


# ---------------------------------------------------------------- check yourself
Q1_LOGITS = (0.5, -1.0, 2.0)


def check_q1(answer) -> Feedback:
    """Q1: the softmax probability of the last class (logit 2.0) for logits [0.5, -1.0, 2.0]."""
    z = np.array(Q1_LOGITS)
    p = softmax(z)
    e = np.exp(z)
    return check_number(
        answer,
        float(p[2]),
        tol=0.006,
        what="a probability such as 0.42",
        why=f"e^2 / (e^0.5 + e^-1 + e^2) = {e[2]:.2f} / {e.sum():.2f} = {p[2]:.3f}.",
        mistakes=[
            Near(2.0 / z.sum(), "That is 2 / (0.5 - 1 + 2): dividing the logits by their sum. Exponentiate first."),
            Near(1.0, "That is argmax's answer. Softmax gives the other classes some probability too."),
            Near(
                float(sigmoid(2.0)),
                "That is sigmoid(2), which ignores the other logits. Softmax divides by the sum over all classes.",
            ),
            Near(float(e[2]), "That is e^2, the first step. Now divide by the sum of all three exponentials."),
            Near(
                float(p[0]),
                "That is the probability of the first class (logit 0.5). "
                "The question asks for the last one (logit 2.0).",
            ),
            Near(
                float(p[1]),
                "That is the probability of the middle class (logit -1.0). "
                "The question asks for the last one (logit 2.0).",
            ),
        ],
        hint="Compute e^0.5, e^-1 and e^2, add them up, and divide e^2 by the total.",
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
        answer,
        {"a", "c"},
        options=tuple(Q2_OPTIONS),
        why="Softmax only sees differences between logits: adding or subtracting the same "
        "number from all of them cancels in the fraction. (c) is exactly the overflow trick of lesson 04.",
        hints={
            "b": "Multiplying by 2 doubles every gap, and e^gap grows: the output gets sharper. "
            "Try it with the sliders: cat 2, dog 1, bird 0.1 against cat 4, dog 2, bird 0.2.",
            "d": "Dividing by the sum rescales the gaps (and flips their signs if the sum is negative).",
            "a": "Look again at (a): adding 5 to every logit multiplies every e^z by e^5, which cancels.",
            "c": "Look again at (c): subtracting the same number from every logit cancels in the fraction.",
        },
    )
