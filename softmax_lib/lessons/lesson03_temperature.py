"""Lesson 03, temperature and sharpness: entropy, the figures, the two slider views,
the Predict checkpoints, the Write-it exercise (sampling at temperature T) and the checks.

Every figure of the lesson is drawn here; read one with ``lesson.draw_entropy_curves??``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from matplotlib import transforms
from numpy.typing import ArrayLike

from ..checks import Case, Feedback, Near, check_choice, check_function, check_number, check_prediction
from ..core import softmax
from ..examples import ANIMALS, LOGITS
from ..formatting import fmt_list
from ..plots import annotate_bars, bars, log_t_axis, set_alt
from ..style import COLORS, OKABE_ITO
from ..widgets import FigureView

__all__ = [
    "ANIMALS",
    "LOGITS",
    "entropy",
    "entropy_over_temperature",
    "sample_words",
    "draw_sharpness_pair",
    "draw_temperature_row",
    "draw_entropy_curves",
    "draw_training",
    "draw_sampling_grid",
    "draw_distillation",
    "draw_boltzmann",
    "TemperatureView",
    "SamplerView",
    "widget",
    "sampler_widget",
    "predict_cold",
    "predict_tie",
    "predict_hot",
    "predict_banana",
    "reference_my_sample",
    "check_my_sample",
    "check_q1",
    "check_q2",
    "check_q3",
]

#: Six classes for the temperature slider.
CLASSES = ("cat", "dog", "fox", "owl", "fish", "frog")
CLASS_LOGITS = (2.5, 1.8, 1.0, 0.2, -0.6, -1.5)

#: A made-up next-word model for "The cat sat on the ___".
VOCAB = ("mat", "sofa", "floor", "bed", "roof", "chair", "moon", "banana")
WORD_LOGITS = (3.2, 2.1, 1.9, 1.4, 0.6, 0.3, -1.0, -2.0)
PROMPT = "The cat sat on the"

#: The slider range for T (a log scale).
T_MIN, T_MAX = 0.05, 20.0

#: Line colours for curves that are neither right nor wrong (green/vermillion keep those meanings).
_LINE_COLORS = (COLORS["logit"], COLORS["accent"], COLORS["sky"], OKABE_ITO["black"])


# ---------------------------------------------------------------- maths
def entropy(p: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""Shannon entropy :math:`H(p) = -\sum_i p_i \log p_i` in nats (natural log).

    Parameters
    ----------
    p : array_like
        Probabilities along ``axis`` (each row non-negative, summing to 1).
    axis : int, optional
        The class axis.  Default ``-1``.

    Returns
    -------
    ndarray or float
        One entropy per row: 0 for a one-hot row, ``log(n)`` for the uniform
        distribution over ``n`` classes, and in between otherwise.

    Notes
    -----
    A probability of exactly 0 contributes 0, the limit of
    :math:`p \log p` as :math:`p \to 0`.  The plain formula
    ``-np.sum(p * np.log(p))`` computes ``0 * -inf`` there, which is NaN and
    comes with two ``RuntimeWarning``\ s; this function takes the log of 1 in
    those places instead, so it never warns.

    Examples
    --------
    >>> float(entropy([1.0, 0.0, 0.0]))
    0.0
    >>> round(float(entropy([0.25, 0.25, 0.25, 0.25])), 4)   # log 4
    1.3863
    >>> entropy([[0.5, 0.5], [1.0, 0.0]]).round(4)
    array([0.6931, 0.    ])
    """
    p = np.asarray(p, dtype=float)
    positive = p > 0
    terms = np.where(positive, p * np.log(np.where(positive, p, 1.0)), 0.0)
    return (-np.sum(terms, axis=axis) + 0.0)[()]  # + 0.0 turns -0.0 into 0.0


def entropy_over_temperature(z: ArrayLike, temperatures: ArrayLike) -> np.ndarray:
    """Entropy of ``softmax(z, temperature=T)`` for each T in ``temperatures``."""
    return np.array([float(entropy(softmax(z, temperature=float(t)))) for t in np.ravel(temperatures)])


def sample_words(logits: ArrayLike, temperature: float, n: int, seed: int) -> np.ndarray:
    """Draw ``n`` class indices from ``softmax(logits / T)`` with ``default_rng(seed)``.

    The same (temperature, n, seed) always gives the same samples.

    Examples
    --------
    >>> idx = sample_words([3.0, 0.0], 1.0, 5, seed=0)
    >>> idx.shape, bool((idx == sample_words([3.0, 0.0], 1.0, 5, seed=0)).all())
    ((5,), True)
    """
    p = softmax(logits, temperature=temperature)
    rng = np.random.default_rng(seed)
    return rng.choice(len(p), size=n, p=p)


# ---------------------------------------------------------------- static figures
def draw_sharpness_pair(fig, small=(1.0, 2.0), scale: float = 10.0):
    """softmax of ``small`` and of ``scale * small`` side by side; return both outputs."""
    fig.clear()
    axes = fig.subplots(1, 2, sharey=True)
    small = np.asarray(small, dtype=float)
    big = scale * small
    out = []
    for ax, z in zip(axes, (small, big)):
        p = softmax(z)
        out.append(p)
        ratio = math.exp(z[1] - z[0])
        bars(
            p,
            [f"z = {v:g}" for v in z],
            ax=ax,
            fmt="{:.5f}",
            fontsize=13,
            title=f"softmax({[float(v) for v in z]})\nweight ratio e^{z[1] - z[0]:g} = {ratio:,.1f}",
        )
        ax.title.set_fontsize(15)
    axes[0].set_ylim(0, 1.18)
    axes[0].set_ylabel("probability")
    set_alt(
        fig,
        f"Two bar charts. softmax({fmt_list(small, '{:g}')}) = {fmt_list(out[0], '{:.5f}')}: "
        f"a mild preference. softmax({fmt_list(big, '{:g}')}) = {fmt_list(out[1], '{:.5f}')}: "
        "practically one-hot.",
    )
    return out


def draw_temperature_row(fig, z=LOGITS, labels=ANIMALS, temperatures=(0.1, 0.5, 1.0, 2.0, 10.0)):
    """One bar panel of ``softmax(z, temperature=T)`` per T, with its entropy; return the rows."""
    fig.clear()
    axes = fig.subplots(1, len(temperatures), sharey=True)
    rows = []
    for ax, t in zip(axes, temperatures):
        p = softmax(z, temperature=t)
        rows.append(p)
        bars(p, labels, ax=ax, fontsize=12, title=f"T = {t:g}\nentropy {float(entropy(p)):.2f}")
        ax.title.set_fontsize(15)
        ax.tick_params(axis="x", labelsize=13)
    axes[0].set_ylim(0, 1.15)
    axes[0].set_ylabel("probability")
    words = "; ".join(f"T = {t:g}: {fmt_list(p)}" for t, p in zip(temperatures, rows))
    set_alt(
        fig,
        f"softmax of the logits {fmt_list(z, '{:g}')} ({', '.join(labels)}) at {len(rows)} "
        f"temperatures, from nearly one-hot to nearly uniform; the first class stays on top. {words}.",
    )
    return np.array(rows)


def draw_entropy_curves(ax, curves: Mapping[str, ArrayLike], t_range=(0.01, 100.0), n_points: int = 161):
    """Entropy of softmax(z / T) against T on a log axis, one line per logit vector.

    The limits 0 (one-hot, T -> 0) and log n (uniform, T -> inf) are drawn as
    dashed lines, and each curve's T = 1 point as a dot.  Returns ``(T, {name: H})``.
    """
    temps = np.geomspace(*t_range, n_points)
    out = {}
    n = None
    dots = []
    for (name, z), color in zip(curves.items(), _LINE_COLORS):
        z = np.asarray(z, dtype=float)
        n = len(z)
        h = entropy_over_temperature(z, temps)
        out[name] = h
        h1 = float(entropy(softmax(z)))
        dots.append(f"{name}: {h1:.3f}")
        ax.plot(temps, h, color=color, label=name)
        ax.plot([1.0], [h1], "o", color=color, markersize=9)
    log_n = math.log(n)
    ax.axhline(log_n, color=COLORS["reference"], linestyle="--", linewidth=1.8)
    ax.axhline(0.0, color=COLORS["reference"], linestyle="--", linewidth=1.8)
    ax.text(t_range[0] * 1.15, log_n - 0.04, f"uniform: log {n} = {log_n:.3f}", va="top", fontsize=13)
    ax.text(t_range[1] / 1.15, 0.04, "one-hot: 0", ha="right", va="bottom", fontsize=13)
    first = next(iter(curves.values()))
    ax.annotate(
        "T = 1: plain softmax",
        (1.0, float(entropy(softmax(first)))),
        xytext=(-12, 6),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=13,
    )
    log_t_axis(ax, temps)
    ax.set_ylim(-0.08, log_n * 1.12)
    ax.set_ylabel("entropy (nats)")
    ax.set_title("Entropy of softmax(z / T): sharp at small T, flat at large T")
    ax.legend(loc="center right")
    set_alt(
        ax.figure,
        f"Entropy of softmax(z / T) against T from {t_range[0]:g} to {t_range[1]:g} on a log axis, "
        f"for {', '.join(curves)}. Each curve rises from 0 (one-hot) to log {n} = {log_n:.3f} "
        f"(uniform). Entropy at T = 1: {'; '.join(dots)}.",
    )
    return temps, out


def draw_training(ax, steps, gaps, top_probs):
    """The logit gap and the top probability while gradient descent trains one example."""
    steps = np.asarray(steps)
    ax.plot(steps + 1, gaps, color=COLORS["logit"], label="gap: top logit − next")
    log_t_axis(ax, label="training step + 1 (log scale)")
    ax.set_ylabel("logit gap", color=COLORS["logit"])
    ax2 = ax.twinx()
    ax2.plot(steps + 1, top_probs, color=COLORS["prob"], linestyle="--", label="top probability")
    ax2.set_ylim(0.3, 1.03)
    ax2.set_ylabel("top probability", color=COLORS["prob"])
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    ax.set_title("Training keeps widening the gap: softmax grows ever more sure")
    lines = ax.get_lines() + ax2.get_lines()
    ax.legend(lines, [line.get_label() for line in lines], loc="lower right")  # an empty corner
    set_alt(
        ax.figure,
        f"Over {len(steps)} training steps (log axis) the logit gap grows from {gaps[0]:.2f} to "
        f"{gaps[-1]:.2f}, and the top probability from {top_probs[0]:.3f} to {top_probs[-1]:.4f}.",
    )
    return ax, ax2


def draw_sampling_grid(
    fig, logits=WORD_LOGITS, vocab=VOCAB, temperatures=(0.2, 1.0, 2.0, 5.0), n: int = 200, seed: int = 0
):
    """Histograms of ``n`` sampled words at each T (one seeded generator per T).

    Each panel shows the sampled fraction as bars and softmax's probability as
    a black tick.  Returns the counts, one row per T.
    """
    fig.clear()
    axes = fig.subplots(1, len(temperatures), sharey=True)
    all_counts = []
    x = np.arange(len(vocab))
    for ax, t in zip(axes, temperatures):
        idx = sample_words(logits, t, n, seed)
        counts = np.bincount(idx, minlength=len(vocab))
        all_counts.append(counts)
        p = softmax(logits, temperature=t)
        ax.barh(x, counts / n, color=COLORS["sky"], edgecolor="black", linewidth=0.8, label=f"sampled ({n})")
        ax.plot(p, x, "|", color="black", markersize=18, markeredgewidth=3, label="softmax p")
        ax.set_title(f"T = {t:g}")
        ax.set_xlim(0, 1.05)
        ax.set_xlabel("fraction")
    axes[0].set_yticks(x, list(vocab))
    axes[0].invert_yaxis()
    axes[-1].legend(loc="lower right", fontsize=12)
    words = "; ".join(
        f"T = {t:g}: '{vocab[0]}' {c[0]}, '{vocab[-1]}' {c[-1]}" for t, c in zip(temperatures, all_counts)
    )
    set_alt(
        fig,
        f"{n} sampled next words at each of {len(temperatures)} temperatures, as fractions beside "
        f"softmax's probabilities: the higher T, the more evenly spread. Counts: {words}.",
    )
    return np.array(all_counts)


def draw_distillation(
    fig, logits, temperatures=(1.0, 4.0), true_class: int = 7, look_alike: int = 1, labelled=(1, 7, 9)
):
    """A teacher's softmax over the ten digits at two temperatures; return both rows."""
    fig.clear()
    axes = fig.subplots(1, len(temperatures), sharey=True)
    digits = [str(d) for d in range(len(logits))]
    rows = []
    for ax, t in zip(axes, temperatures):
        p = softmax(logits, temperature=t)
        rows.append(p)
        colors = [
            COLORS["prob"] if i == true_class else COLORS["accent"] if i == look_alike else COLORS["reference"]
            for i in range(len(p))
        ]
        bars(p, digits, ax=ax, color=colors, fmt=None)
        annotate_bars(ax, p[list(labelled)], x=list(labelled), fmt="{:.3f}", fontsize=13)
        rest = 1 - p[true_class]
        ax.set_title(f"teacher at T = {t:g}: wrong digits share {rest:.2g}", fontsize=15)
        ax.set_xlabel("digit")
    axes[0].set_ylim(0, 1.12)
    axes[0].set_ylabel("probability")
    words = "; ".join(
        f"at T = {t:g}, p('{true_class}') = {p[true_class]:.3f}, p('{look_alike}') = "
        f"{p[look_alike]:.3f}, all wrong digits {1 - p[true_class]:.2g}"
        for t, p in zip(temperatures, rows)
    )
    set_alt(fig, f"A teacher's softmax over the ten digits for a handwritten {true_class}: {words}.")
    return np.array(rows)


def draw_boltzmann(ax, q, actions, t_range=(0.01, 100.0), n_points: int = 161):
    """P(action) = softmax(Q / T) against T on a log axis; return ``(T, probabilities)``."""
    temps = np.geomspace(*t_range, n_points)
    probs = np.array([softmax(q, temperature=float(t)) for t in temps])
    for j, (name, qj) in enumerate(zip(actions, q)):
        ax.plot(temps, probs[:, j], color=_LINE_COLORS[j % len(_LINE_COLORS)], label=f"{name} (Q = {qj:g})")
    ax.axhline(1 / len(q), color=COLORS["reference"], linestyle="--", linewidth=1.8)
    ax.text(t_range[1] / 1.15, 1 / len(q) + 0.02, f"uniform 1/{len(q)}", ha="right", va="bottom", fontsize=13)
    log_t_axis(ax, temps)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("P(choose action)")
    ax.set_title("Boltzmann exploration: greedy at small T, random at large T")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    set_alt(
        ax.figure,
        f"P(action) = softmax(Q / T) for actions {', '.join(actions)} against T on a log axis: "
        f"{fmt_list(probs[0])} at T = {t_range[0]:g}, {fmt_list(probs[-1])} at T = {t_range[1]:g}.",
    )
    return temps, probs


# ---------------------------------------------------------------- widget 1: the temperature slider
class TemperatureView(FigureView):
    """The logits (fixed) and softmax(z / T) side by side, with the entropy.

    ``update(T=...)`` moves the probability bars and their labels and returns ``(p, H)``.
    """

    def __init__(self, fig, z=CLASS_LOGITS, labels=CLASSES) -> None:
        super().__init__(fig)
        self.z = np.asarray(z, dtype=float)
        self.labels = tuple(labels)
        n = len(self.z)
        fig.set_layout_engine("constrained")
        ax_z, ax_p = fig.subplots(1, 2)
        # the fixed logits are written under their names (tick labels are part of the cached background,
        # texts above the bars would be repainted on every move)
        bars(
            self.z,
            [f"{c}\n{v:.1f}" for c, v in zip(self.labels, self.z)],
            ax=ax_z,
            color=COLORS["logit"],
            fmt=None,
            ylim=(min(0.0, self.z.min()) - 0.8, max(0.0, self.z.max()) + 1.6),
            title="logits z\n(fixed)",
            ylabel="logit",
        )
        self.gap = ax_z.text(0.98, 0.97, "", transform=ax_z.transAxes, ha="right", va="top", fontsize=13)
        # the uniform line sits behind the bars and the labels (white boxes) stay readable on it
        ax_p.axhline(1 / n, color=COLORS["reference"], linestyle="--", linewidth=1.8, zorder=0.5)
        self.bars = bars(
            np.zeros(n), self.labels, ax=ax_p, fmt=None, ylim=(0, 1.12), ylabel="probability", zero_line=False
        ).containers[-1]
        # plain texts 3 points above each bar (no Annotation machinery), each at its label's rounded height:
        # a label drawn again at the same place is repainted from its glyphs (widgets._TextReplay)
        above = transforms.offset_copy(ax_p.transData, fig=fig, y=3, units="points")
        self.notes = [
            ax_p.text(
                i,
                0.0,
                "",
                transform=above,
                ha="center",
                va="bottom",
                fontsize=12,
                zorder=3,
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
            )
            for i in range(n)
        ]
        ax_p.text(
            0.98,
            0.97,
            f"dashed: uniform 1/{n}",
            transform=ax_p.transAxes,
            ha="right",
            va="top",
            fontsize=13,
            color=COLORS["reference"],
        )
        self.title = ax_p.set_title(" ", fontsize=15)
        for ax in (ax_z, ax_p):
            ax.tick_params(axis="x", labelsize=13)
            ax.title.set_y(1.0)  # a fixed title position: matplotlib skips re-placing it on every draw
        self.axes = (ax_z, ax_p)

    def update(self, T: float = 1.0):
        p = softmax(self.z, temperature=T)
        h = float(entropy(p))
        n = len(p)
        for i, (bar, note, v) in enumerate(zip(self.bars, self.notes, p)):
            bar.set_height(v)
            label = f"{v:.2f}"
            note.set_position((i, float(label)))  # at the height it reads: at most 0.005 (under a pixel) off
            note.set_text(label)
        self.title.set_text(f"softmax(z / T) at T = {T:.3g}\nentropy {h:.2f} (max log {n} = {math.log(n):.2f})")
        self.gap.set_text(f"softmax sees z / T:\nevery gap × {1 / T:.3g}")
        top = int(p.argmax())
        self.alt = (
            f"At T = {T:.3g} every gap between the logits is multiplied by {1 / T:.3g}; softmax gives "
            + ", ".join(f"{c} {v:.2f}" for c, v in zip(self.labels, p))
            + f". Tallest: {self.labels[top]}. Entropy {h:.2f} of at most log {n} = {math.log(n):.2f}."
        )
        return p, h


def widget():
    """A log-scale temperature slider over six classes."""
    from ..widgets import live_figure, log_slider

    return live_figure(TemperatureView, {"T": log_slider("temperature T", 1.0, T_MIN, T_MAX)}, figsize=(10, 4.2))


# ---------------------------------------------------------------- widget 2: the word sampler
class SamplerView(FigureView):
    """Softmax's probabilities next to the fractions of ``n`` words sampled with ``default_rng(seed)``.

    ``update(T=..., seed=...)`` returns ``(p, counts)``.
    """

    def __init__(self, fig, logits=WORD_LOGITS, vocab=VOCAB, n: int = 200) -> None:
        super().__init__(fig)
        self.logits = np.asarray(logits, dtype=float)
        self.vocab = tuple(vocab)
        self.n = n
        fig.set_layout_engine("constrained")
        ax = fig.subplots()
        x = np.arange(len(self.vocab))
        w = 0.4
        zeros = np.zeros(len(x))
        self.p_bars = ax.bar(
            x - w / 2, zeros, w, color=COLORS["prob"], edgecolor="black", linewidth=0.8, label="softmax p"
        )
        self.s_bars = ax.bar(
            x + w / 2, zeros, w, color=COLORS["sky"], edgecolor="black", linewidth=0.8, label=f"fraction of {n} samples"
        )
        ax.set_xticks(x, list(self.vocab))
        ax.set_ylim(0, 1.1)
        ax.set_ylabel("probability / fraction")
        self.title = ax.set_title(" ", fontsize=15, y=1.0)  # fixed: not re-placed on every draw
        self.xlabel = ax.set_xlabel(" ", fontsize=14)
        # the legend never changes: drawn in an inset Axes over ax, which the live figure keeps in its
        # cached background instead of repainting it on every move
        self.still = ax.inset_axes([0.0, 0.0, 1.0, 1.0], zorder=5)  # above the bars, as a legend is
        self.still.set_axis_off()
        self.still.legend(handles=[self.p_bars, self.s_bars], loc="upper right")
        self.ax = ax

    def update(self, T: float = 1.0, seed: int = 0):
        p = softmax(self.logits, temperature=T)
        idx = sample_words(self.logits, T, self.n, seed)
        counts = np.bincount(idx, minlength=len(self.vocab))
        for bar, v in zip(self.p_bars, p):
            bar.set_height(v)
        for bar, v in zip(self.s_bars, counts / self.n):
            bar.set_height(v)
        h = float(entropy(p))
        self.title.set_text(f"{PROMPT} ___   (T = {T:.3g}, seed {seed}, entropy {h:.2f})")
        self.xlabel.set_text("first six samples: " + " | ".join(self.vocab[i] for i in idx[:6]))
        self.alt = (
            f"{PROMPT} ___ at T = {T:.3g}, seed {seed}: "
            + ", ".join(f"{w} p {v:.2f} drawn {c}" for w, v, c in zip(self.vocab, p, counts))
            + f" (of {self.n})."
        )
        return p, counts


def sampler_widget():
    """A log-scale temperature slider and a seed slider over the word sampler."""
    from ..widgets import int_slider, live_figure, log_slider

    seed = int_slider("seed", 0, 0, 9, width="300px")
    return live_figure(
        SamplerView, {"T": log_slider("temperature T", 1.0, T_MIN, T_MAX), "seed": seed}, figsize=(10, 4.2), columns=2
    )


# ---------------------------------------------------------------- Predict checkpoints
COLD_T = 0.5


def predict_cold(prediction) -> Feedback:
    """Predict: the probability of cat, softmax([2, 1, 0.1] / 0.5)[0] (a number)."""
    z = np.asarray(LOGITS, dtype=float)
    p = softmax(z, temperature=COLD_T)
    w = np.exp((z - z.max()) / COLD_T)
    return check_prediction(
        prediction,
        float(p[0]),
        tol=0.03,
        why=f"z / {COLD_T:g} = {fmt_list(z / COLD_T, '{:g}')}: every gap is doubled, so cat's weight is e^2 = "
        f"{math.exp(2):.2f} times dog's (it was e^1 = {math.e:.2f}). Weights relative to cat: "
        f"{fmt_list(w, '{:.3f}')}, so p(cat) = 1 / {w.sum():.3f} = {p[0]:.3f}. The same as squaring each "
        "probability of T = 1 and normalising again.",
        mistakes=[
            Near(float(softmax(z)[0]), "That is cat's probability at T = 1. Dividing by T = 0.5 doubles every gap."),
            Near(
                float(softmax(z * COLD_T)[0]),
                "That is softmax(z · 0.5): you multiplied by T. Temperature divides, z / 0.5 = 2z.",
            ),
            Near(1.0, "1 is the T → 0 limit. At T = 0.5 dog and bird still get e^-2 and e^-3.8 of cat's weight."),
            Near(1 / 3, "1/3 is the uniform limit, T → ∞. A T below 1 sharpens."),
        ],
    )


TIE_LOGITS = (2.0, 2.0, 1.0)
TIE_OPTIONS = ("a", "b", "c", "d")


def predict_tie(prediction) -> Feedback:
    """Predict: the T -> 0 limit of softmax([2, 2, 1] / T). a [1,0,0], b [.5,.5,0], c uniform, d NaN."""
    p = softmax(TIE_LOGITS, temperature=0.01)
    return check_prediction(
        prediction,
        "b",
        options=TIE_OPTIONS,
        why=f"The two tied logits always have the same weight, e^(2/T), so they always share equally; the third "
        f"one's weight relative to them, e^(-1/T), goes to 0. At T = 0.01: {fmt_list(p, '{:.3f}')}.",
        hints={
            "a": "softmax treats the two tied classes exactly alike, so it cannot give one of them everything. "
            "(np.argmax does pick the first, but that is a convention of argmax, not the limit.)",
            "c": "Uniform is the T → ∞ end. As T → 0 the gap to the third class grows without bound.",
            "d": "softmax_lib subtracts the largest logit first, so nothing overflows: every z / T stays finite "
            "and the limit is a plain number.",
        },
    )


HOT_OPTIONS = ("a", "b", "c")


def predict_hot(prediction) -> Feedback:
    """Predict: p(cat) at the slider's right end, T = 20.  a above 0.4, b between 0.17 and 0.25, c exactly 1/6."""
    z = np.asarray(CLASS_LOGITS)
    hot = softmax(z, temperature=T_MAX)
    gap = float(z.max() - z.min())
    return check_prediction(
        prediction,
        "b",
        options=HOT_OPTIONS,
        why=f"T = {T_MAX:g} divides every gap by {T_MAX:g}: the largest, cat − frog = {gap:g}, becomes "
        f"{gap / T_MAX:g}, and e^{gap / T_MAX:g} = {math.exp(gap / T_MAX):.2f} is the whole ratio between the "
        f"tallest and the shortest bar. So cat gets {hot[0]:.3f} and frog {hot[-1]:.3f}, close to the "
        f"uniform 1/{len(z)} = {1 / len(z):.3f} but still in the same order.",
        hints={
            "a": f"At T = 1 cat has {softmax(z)[0]:.2f}, but at T = {T_MAX:g} every gap is {T_MAX:g} times "
            "smaller, and small gaps mean nearly equal weights.",
            "c": "Exactly uniform is the limit T → ∞; at any finite T the gaps shrink but do not vanish.",
        },
    )


def predict_banana(prediction) -> Feedback:
    """Predict: how many of 200 samples are 'banana' at T = 5 (a number)."""
    t, n = 5.0, 200
    p = softmax(WORD_LOGITS, temperature=t)
    p1 = softmax(WORD_LOGITS)
    expected = n * float(p[-1])
    sd = math.sqrt(n * p[-1] * (1 - p[-1]))
    drawn = int(np.sum(sample_words(WORD_LOGITS, t, n, 0) == len(p) - 1))
    return check_prediction(
        prediction,
        expected,
        tol=2 * sd,
        why=f"At T = 5, p('banana') = {p[-1]:.3f}, so 200 samples hold {expected:.1f} on average, give or take "
        f"{sd:.1f} (one standard deviation); seed 0 drew {drawn}. At T = 1 it would be {n * p1[-1]:.1f}, "
        f"and uniform (T → ∞) {n / len(p):.0f}: T = 5 is hot, but far from infinite.",
        mistakes=[
            Near(
                float(p1[-1]),
                "That is p('banana') at T = 1, a probability (printed above the question); "
                "the question asks how many of the 200 words are 'banana'.",
                tol=0.0015,
            ),
            Near(
                float(p[-1]),
                "That looks like a probability, not a count: multiply it by the 200 words drawn.",
                tol=0.03,
            ),
            Near(n * float(p1[-1]), "That is about the count at T = 1.", tol=1.0),
            Near(n / len(p), "That is the uniform share, 200 / 8: the T → ∞ limit.", tol=1.0),
        ],
    )


# ---------------------------------------------------------------- Write it: sampling at temperature T
def reference_my_sample(logits, T, n, rng):
    """Draw ``n`` class indices from softmax(logits / T) with the generator ``rng``."""
    z = np.asarray(logits, dtype=float) / T
    w = np.exp(z - z.max())  # the largest weight is e^0 = 1: no overflow
    p = w / w.sum()
    return rng.choice(len(p), size=n, p=p)


_N_DRAWS = 4000
#: A second number of draws: a sampler that ignores ``n`` fails here.
_OTHER_N = 1500


def _sample_check(p: np.ndarray, n: int = _N_DRAWS) -> Callable[[Any], str | None]:
    """A Case.check for ``n`` draws meant to follow ``p``: n integer indices, never a class with p = 0,
    frequencies within 5 standard deviations (+ 0.002) of p."""
    p = np.asarray(p, dtype=float)
    k = len(p)
    suspects = {}

    def check(out: Any) -> str | None:
        if out is None:
            return "returned None"
        if isinstance(out, (str, bytes, dict)):
            return f"returned a {type(out).__name__}, not an array of class indices"
        try:
            got = np.asarray(out)
        except Exception:
            return f"returned a {type(out).__name__}, not an array of class indices"
        if got.shape != (n,):
            extra = " (probabilities or counts? return the n drawn indices)" if got.shape == (k,) else ""
            return f"returned shape {got.shape} instead of ({n},): one class index per draw{extra}"
        if got.dtype.kind == "f" and np.all(np.isfinite(got)) and np.all(got == np.round(got)):
            got = got.astype(int)
        if got.dtype.kind not in "iu":
            return f"returned {got.dtype} values, not integer class indices 0 … {k - 1}"
        if got.min() < 0 or got.max() >= k:
            return f"returned indices outside 0 … {k - 1}"
        freq = np.bincount(got, minlength=k) / n
        never = np.flatnonzero((p == 0) & (freq > 0))
        if never.size:
            return f"drew class {never[0]} ({np.count_nonzero(got == never[0])} times), whose probability is 0"
        tol = 5 * np.sqrt(p * (1 - p) / n) + 0.002
        if np.all(np.abs(freq - p) <= tol):
            return None
        what = f"drew the classes with frequencies {fmt_list(freq)} instead of about {fmt_list(p)}"
        for name, q in suspects.items():
            if np.all(np.abs(freq - q) <= 5 * np.sqrt(q * (1 - q) / n) + 0.002):
                return f"{what}: that is {name}"
        return what

    check.suspects = suspects
    return check


def _case(
    name: str,
    logits,
    T: float,
    hint: str,
    suspects: Mapping[str, ArrayLike] = (),
    seed: int = 1,
    n: int = _N_DRAWS,
) -> Case:
    p = softmax(np.asarray(logits, dtype=float), temperature=T)
    check = _sample_check(p, n)
    check.suspects.update(dict(suspects))
    return Case(name, (np.asarray(logits, dtype=float), T, n, np.random.default_rng(seed)), check, hint)


def _reproducible_case(fn) -> Case:
    """Two generators with the same seed must give the same draws, two different seeds different ones."""
    z = np.asarray(LOGITS, dtype=float)

    def check(out: Any) -> str | None:
        if out is None:
            return "returned None"
        try:
            again = np.asarray(fn(z.copy(), 1.0, 50, np.random.default_rng(5)))
            other = np.asarray(fn(z.copy(), 1.0, 50, np.random.default_rng(6)))
            first = np.asarray(out)
        except Exception as err:
            return f"raised {type(err).__name__} on a second call: {err}"
        if first.shape != again.shape or not np.array_equal(first, again):
            return "gave different draws for two generators with the same seed"
        if np.array_equal(first, other):
            return "gave the same draws for generators with seeds 5 and 6: it does not use the rng it is given"
        return None

    return Case(
        "same seed, same draws",
        (z, 1.0, 50, np.random.default_rng(5)),
        check,
        "Draw with the generator you are given, rng.choice(len(p), size=n, p=p): not np.random.choice "
        "(a global generator) and not a new np.random.default_rng(...) of your own.",
    )


def check_my_sample(fn) -> Feedback:
    """Run the learner's ``my_sample(logits, T, n, rng)`` on ordinary, hostile and property cases."""
    z = np.asarray(LOGITS, dtype=float)
    big = np.array([1000.0, 999.0, 0.0])
    cases = [
        _case(
            "[2, 1, 0.1] at T = 0.5",
            z,
            0.5,
            "Divide the logits by T, exponentiate, normalise, then draw n indices with "
            "rng.choice(len(p), size=n, p=p).",
            suspects={
                "softmax(z · T): multiply by T instead of dividing": softmax(z * 0.5),
                "softmax(z) at T = 1: T is not used": softmax(z),
                "always the top class: argmax (greedy decoding), not sampling": np.eye(3)[0],
            },
        ),
        _case(
            "[2, 1, 0.1] at T = 2",
            z,
            2.0,
            "T = 2 flattens: the same code as for T = 0.5 should pass here.",
            suspects={
                "softmax(z · T): multiply by T instead of dividing": softmax(z * 2.0),
                "softmax(z) at T = 1: T is not used": softmax(z),
            },
        ),
        _case(
            "T = 0.001 (z / T reaches 2000)",
            z,
            0.001,
            "exp(2000) overflows to inf and inf / inf is NaN. Subtract the largest value of z / T before "
            "np.exp: the result is the same and the largest weight is e^0 = 1.",
        ),
        _case(
            "T = 1e6 (almost uniform)",
            z,
            1e6,
            "At a huge T every z / T is nearly 0, so every class is nearly equally likely.",
        ),
        _case(
            "a tie at the top, [3, 3, 0] at T = 0.01",
            [3.0, 3.0, 0.0],
            0.01,
            "Two tied logits must share the draws about equally, even at a tiny T: do not replace small T "
            "by argmax, which always picks the first of the tied classes.",
        ),
        _case(
            "large logits [1000, 999, 0] at T = 1",
            big,
            1.0,
            "np.exp(1000) overflows to inf. Subtract the largest logit first: exp(z - max) gives the same "
            "probabilities and cannot overflow.",
        ),
        _case(
            "a masked class, [1, -inf, 0.5] at T = 1",
            [1.0, -np.inf, 0.5],
            1.0,
            "A logit of -inf means 'never': e^-inf = 0 by itself. Keep every class in its place (dropping the "
            "-inf entry shifts the indices after it), and shift by the largest logit (finite here), not by "
            "the mean or the smallest, which are -inf and turn every weight into NaN.",
        ),
        _case(
            f"n = {_OTHER_N} draws, [2, 1, 0.1] at T = 1",
            z,
            1.0,
            f"Return exactly n draws, whatever n is: pass size=n to rng.choice (here n = {_OTHER_N}), "
            "not a number of your own.",
            n=_OTHER_N,
        ),
        _reproducible_case(fn),
    ]
    return check_function(
        fn,
        cases,
        name="my_sample",
        success="Your sampler follows softmax(z / T), survives tiny and huge T, ties, huge "
        "logits and masked classes, draws as many samples as asked, and is reproducible from its generator.",
        params="logits, T, n, rng",
        params_meaning="the logits, the temperature, the number of draws and a NumPy generator",
        forbid_calls=("softmax", "log_softmax", "logsumexp", "sample", "decoding_distribution"),
        forbidden_hint="write the sampler without softmax_lib: divide the logits by T, subtract the largest, "
        "np.exp, divide by the sum, then rng.choice(len(p), size=n, p=p).",
    )


# ---------------------------------------------------------------- check yourself
Q1_P = (0.5, 0.25, 0.25)


def check_q1(answer) -> Feedback:
    """Q1: the entropy (natural log) of [0.5, 0.25, 0.25]."""
    p = np.array(Q1_P)
    expected = float(entropy(p))
    terms = -p * np.log(p)
    return check_number(
        answer,
        expected,
        tol=0.006,
        what="a number of nats such as 0.7",
        why=f"-(0.5 log 0.5 + 2 · 0.25 log 0.25) = {terms[0]:.4f} + 2 · {terms[1]:.4f} = {expected:.3f} nats: "
        f"between 0 (one-hot) and log 3 = {math.log(3):.3f} (uniform over three).",
        mistakes=[
            Near(1.5, "1.5 is the entropy in bits (log₂). This lesson uses the natural log (nats): np.log."),
            Near(expected / math.log(10), "That used log₁₀. Entropy here uses the natural log, np.log."),
            Near(-expected, "Mind the sign: entropy is MINUS the sum of p log p, and it is never negative."),
            Near(
                math.log(3),
                "log 3 is the entropy of the uniform distribution over three classes; this one is not uniform.",
            ),
            Near(1.0, "1 is the sum of the probabilities. Entropy is -Σ p log p."),
            Near(float(terms[0] + terms[1]), "That counts only one of the two 0.25 classes: add up all three terms."),
            Near(float(terms[0]), "That is the first class's term alone: add up all three."),
        ],
        hint="Compute -Σ p · log p with np.log: three terms, one per class.",
    )


Q2_OPTIONS = {
    "a": "[4, 2, 0] at T = 2",
    "b": "[2, 1, 0] at T = 0.5",
    "c": "[20, 10, 0] at T = 10",
    "d": "[3, 2, 1] at T = 1",
    "e": "[1, 0.5, 0] at T = 2",
}
#: Q2's rows: logits and temperature of each option.
Q2_ROWS = {
    "a": ((4.0, 2.0, 0.0), 2.0),
    "b": ((2.0, 1.0, 0.0), 0.5),
    "c": ((20.0, 10.0, 0.0), 10.0),
    "d": ((3.0, 2.0, 1.0), 1.0),
    "e": ((1.0, 0.5, 0.0), 2.0),
}


def q2_answer() -> set[str]:
    """The options whose softmax equals softmax([2, 1, 0]) at T = 1, computed."""
    ref = softmax([2.0, 1.0, 0.0])
    return {k for k, (z, t) in Q2_ROWS.items() if np.allclose(softmax(z, temperature=t), ref)}


def check_q2(answer) -> Feedback:
    """Q2: which logits and temperatures give the same probabilities as softmax([2, 1, 0]) at T = 1."""
    ref = softmax([2.0, 1.0, 0.0])
    p = {k: fmt_list(softmax(z, temperature=t), "{:.3f}") for k, (z, t) in Q2_ROWS.items()}
    return check_choice(
        answer,
        q2_answer(),
        options=tuple(Q2_OPTIONS),
        why=f"softmax only sees z / T, up to a shift. (a) and (c) are [2, 1, 0] scaled by 2 and 10 and divided "
        f"by the same T; (d) is [2, 1, 0] + 1, and a shift changes nothing (lesson 02). All three give "
        f"{fmt_list(ref, '{:.3f}')}.",
        hints={
            "a": "(a): [4, 2, 0] / 2 = [2, 1, 0].",
            "b": f"(b): [2, 1, 0] / 0.5 = [4, 2, 0], every gap doubled: sharper, {p['b']}.",
            "c": "(c): [20, 10, 0] / 10 = [2, 1, 0].",
            "d": "(d): [3, 2, 1] is [2, 1, 0] + 1, and adding the same number to every logit changes no probability.",
            "e": f"(e): [1, 0.5, 0] / 2 = [0.5, 0.25, 0], every gap a quarter: flatter, {p['e']}.",
        },
    )


Q3_LOGITS = (1.0, 2.0, 4.0)
Q3_T = 2.0


def check_q3(answer) -> Feedback:
    """Q3: P(top class) for logits [1, 2, 4] at T = 2."""
    z = np.array(Q3_LOGITS)
    p = float(softmax(z, temperature=Q3_T)[-1])
    return check_number(
        answer,
        p,
        tol=0.006,
        what="a probability such as 0.42",
        why=f"z / T = [0.5, 1, 2], and e^2 / (e^0.5 + e^1 + e^2) = {p:.3f}: "
        f"flatter than at T = 1 ({float(softmax(z)[-1]):.3f}).",
        mistakes=[
            Near(
                float(softmax(z * Q3_T)[-1]),
                "That is softmax(z · T) = softmax([2, 4, 8]): you multiplied by T. Temperature divides: z / 2.",
            ),
            Near(float(softmax(z)[-1]), "That is the answer at T = 1. Divide the logits by T = 2 first."),
            Near(4 / 7, "That is 4 / (1 + 2 + 4): dividing by the sum. Exponentiate z / T first."),
            Near(1.0, "That is the argmax (the T → 0 limit). At T = 2 the other classes get plenty."),
            Near(
                float(softmax(z, temperature=Q3_T)[0]),
                "That is the smallest class (logit 1). The question asks for the top one.",
            ),
            Near(100 * p, "That looks like a percentage. Give the probability, a number between 0 and 1.", tol=0.6),
        ],
        hint="Divide the logits by T, then exponentiate and normalise: e^(4/T) / (e^(1/T) + e^(2/T) + e^(4/T)).",
    )
