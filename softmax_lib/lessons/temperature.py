"""Lesson 03, temperature and sharpness: entropy, figures, the two widgets and the checks."""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np
from numpy.typing import ArrayLike

from ..checks import Feedback, Near, check_choice, check_number
from ..core import softmax
from ..plots import annotate_bars
from ..style import COLORS

#: The animal classifier of lesson 01.
ANIMALS = ("cat", "dog", "bird")
LOGITS = (2.0, 1.0, 0.1)

#: Six classes for the temperature slider.
CLASSES = ("cat", "dog", "fox", "owl", "fish", "frog")
CLASS_LOGITS = (2.5, 1.8, 1.0, 0.2, -0.6, -1.5)

#: A made-up next-word model for "The cat sat on the ___".
VOCAB = ("mat", "sofa", "floor", "bed", "roof", "chair", "moon", "banana")
WORD_LOGITS = (3.2, 2.1, 1.9, 1.4, 0.6, 0.3, -1.0, -2.0)
PROMPT = "The cat sat on the"

#: The slider range for T (a log scale).
T_MIN, T_MAX = 0.05, 20.0


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


# ---------------------------------------------------------------- helpers
def _bars(ax, labels, values, color, fmt="{:.2f}", fontsize=12):
    values = np.asarray(values, dtype=float)
    ax.bar(range(len(values)), values, color=color, edgecolor="black", linewidth=0.8)
    ax.set_xticks(range(len(values)), list(labels))
    annotate_bars(ax, values, fmt=fmt, fontsize=fontsize)


def _plain_log_ticks(ax):
    """Label a log axis 0.01, 0.1, 1, 10, ... instead of 10^-2, 10^-1, ..."""
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


# ---------------------------------------------------------------- figures
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
        _bars(ax, [f"z = {v:g}" for v in z], p, COLORS["prob"], fmt="{:.5f}", fontsize=13)
        ratio = math.exp(z[1] - z[0])
        ax.set_title(f"softmax({[float(v) for v in z]})\nweight ratio e^{z[1] - z[0]:g} = {ratio:,.1f}", fontsize=15)
    axes[0].set_ylim(0, 1.18)
    axes[0].set_ylabel("probability")
    return out


def draw_temperature_row(fig, z=LOGITS, labels=ANIMALS, temperatures=(0.1, 0.5, 1.0, 2.0, 10.0)):
    """One bar panel of ``softmax(z, temperature=T)`` per T, with its entropy; return the rows."""
    fig.clear()
    axes = fig.subplots(1, len(temperatures), sharey=True)
    rows = []
    for ax, t in zip(axes, temperatures):
        p = softmax(z, temperature=t)
        rows.append(p)
        _bars(ax, labels, p, COLORS["prob"])
        ax.set_title(f"T = {t:g}\nentropy {float(entropy(p)):.2f}", fontsize=15)
        ax.tick_params(axis="x", labelsize=13)
    axes[0].set_ylim(0, 1.15)
    axes[0].set_ylabel("probability")
    return np.array(rows)


def draw_entropy_curves(ax, curves: Mapping[str, ArrayLike], t_range=(0.01, 100.0), n_points: int = 161):
    """Entropy of softmax(z / T) against T on a log axis, one line per logit vector.

    The limits 0 (one-hot, T -> 0) and log n (uniform, T -> inf) are drawn as
    dashed lines, and each curve's T = 1 point as a dot.  Returns ``(T, {name: H})``.
    """
    temps = np.geomspace(*t_range, n_points)
    colors = [COLORS["logit"], COLORS["naive"], COLORS["stable"], COLORS["accent"]]
    out = {}
    n = None
    for (name, z), color in zip(curves.items(), colors):
        z = np.asarray(z, dtype=float)
        n = len(z)
        h = entropy_over_temperature(z, temps)
        out[name] = h
        ax.plot(temps, h, color=color, label=name)
        ax.plot([1.0], [float(entropy(softmax(z)))], "o", color=color, markersize=9)
    log_n = math.log(n)
    ax.axhline(log_n, color=COLORS["reference"], linestyle="--", linewidth=1.8)
    ax.axhline(0.0, color=COLORS["reference"], linestyle="--", linewidth=1.8)
    ax.text(t_range[0] * 1.15, log_n - 0.04, f"uniform: log {n} = {log_n:.3f}", va="top", fontsize=13)
    ax.text(t_range[1] / 1.15, 0.04, "one-hot: 0", ha="right", va="bottom", fontsize=13)
    first = next(iter(curves.values()))
    ax.annotate("T = 1: plain softmax", (1.0, float(entropy(softmax(first)))), xytext=(-12, 6),
                textcoords="offset points", ha="right", va="bottom", fontsize=13)
    ax.set_xscale("log")
    _plain_log_ticks(ax)
    ax.set_xlim(*t_range)
    ax.set_ylim(-0.08, log_n * 1.12)
    ax.set_xlabel("temperature T (log scale)")
    ax.set_ylabel("entropy (nats)")
    ax.set_title("Entropy of softmax(z / T): sharp at small T, flat at large T")
    ax.legend(loc="center right")
    return temps, out


def draw_training(ax, steps, gaps, top_probs):
    """The logit gap and the top probability while gradient descent trains one example."""
    steps = np.asarray(steps)
    ax.plot(steps + 1, gaps, color=COLORS["logit"], label="gap: top logit − next")
    ax.set_xscale("log")
    _plain_log_ticks(ax)
    ax.set_xlabel("training step + 1 (log scale)")
    ax.set_ylabel("logit gap", color=COLORS["logit"])
    ax2 = ax.twinx()
    ax2.plot(steps + 1, top_probs, color=COLORS["prob"], linestyle="--", label="top probability")
    ax2.set_ylim(0.3, 1.03)
    ax2.set_ylabel("top probability", color=COLORS["prob"])
    ax2.grid(False)
    ax2.spines["right"].set_visible(True)
    ax.set_title("Training keeps widening the gap: softmax grows ever more sure")
    lines = ax.get_lines() + ax2.get_lines()
    ax.legend(lines, [l.get_label() for l in lines], loc="center right")
    return ax, ax2


def draw_sampling_grid(fig, logits=WORD_LOGITS, vocab=VOCAB, temperatures=(0.2, 1.0, 2.0, 5.0),
                       n: int = 200, seed: int = 0):
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
        ax.barh(x, counts / n, color=COLORS["sky"], edgecolor="black", linewidth=0.8,
                label=f"sampled ({n})")
        ax.plot(p, x, "|", color="black", markersize=18, markeredgewidth=3, label="softmax p")
        ax.set_title(f"T = {t:g}")
        ax.set_xlim(0, 1.05)
        ax.set_xlabel("fraction")
    axes[0].set_yticks(x, list(vocab))
    axes[0].invert_yaxis()
    axes[-1].legend(loc="lower right", fontsize=12)
    return np.array(all_counts)


def draw_distillation(fig, logits, temperatures=(1.0, 4.0), true_class: int = 7, look_alike: int = 1,
                      labelled=(1, 7, 9)):
    """A teacher's softmax over the ten digits at two temperatures; return both rows."""
    fig.clear()
    axes = fig.subplots(1, len(temperatures), sharey=True)
    digits = [str(d) for d in range(len(logits))]
    rows = []
    for ax, t in zip(axes, temperatures):
        p = softmax(logits, temperature=t)
        rows.append(p)
        colors = [COLORS["prob"] if i == true_class else COLORS["accent"] if i == look_alike
                  else COLORS["reference"] for i in range(len(p))]
        ax.bar(digits, p, color=colors, edgecolor="black", linewidth=0.8)
        for i in labelled:
            ax.annotate(f"{p[i]:.3f}", (i, p[i]), xytext=(0, 3), textcoords="offset points",
                        ha="center", fontsize=13)
        rest = 1 - p[true_class]
        ax.set_title(f"teacher at T = {t:g}: wrong digits share {rest:.2f}", fontsize=15)
        ax.set_xlabel("digit")
    axes[0].set_ylim(0, 1.12)
    axes[0].set_ylabel("probability")
    return np.array(rows)


def draw_boltzmann(ax, q, actions, t_range=(0.01, 100.0), n_points: int = 161):
    """P(action) = softmax(Q / T) against T on a log axis; return ``(T, probabilities)``."""
    temps = np.geomspace(*t_range, n_points)
    probs = np.array([softmax(q, temperature=float(t)) for t in temps])
    colors = [COLORS["logit"], COLORS["prob"], COLORS["stable"], COLORS["naive"], COLORS["accent"], COLORS["sky"]]
    for j, (name, qj) in enumerate(zip(actions, q)):
        ax.plot(temps, probs[:, j], color=colors[j % len(colors)], label=f"{name} (Q = {qj:g})")
    ax.axhline(1 / len(q), color=COLORS["reference"], linestyle="--", linewidth=1.8)
    ax.text(t_range[1] / 1.15, 1 / len(q) + 0.02, f"uniform 1/{len(q)}", ha="right", va="bottom", fontsize=13)
    ax.set_xscale("log")
    _plain_log_ticks(ax)
    ax.set_xlim(*t_range)
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("temperature T (log scale)")
    ax.set_ylabel("P(choose action)")
    ax.set_title("Boltzmann exploration: greedy at small T, random at large T")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    return temps, probs


# ---------------------------------------------------------------- widget 1
def _reuse(fig, key):
    """The artists a draw function stored on ``fig`` for ``key``, or None on a new figure."""
    state = getattr(fig, "_lesson03", None)
    if state is not None and state.get("key") == key and fig.axes:
        return state
    return None


def draw_temperature(fig, T: float = 1.0, z=CLASS_LOGITS, labels=CLASSES):
    """The logits and softmax(z / T) side by side, with the entropy; return ``(p, H)``.

    The first call on a figure builds both panels; later calls with the same
    logits only update the probability bars and the texts.
    """
    z = np.asarray(z, dtype=float)
    p = softmax(z, temperature=T)
    h = float(entropy(p))
    n = len(z)
    key = ("temperature", tuple(z), tuple(labels))
    state = _reuse(fig, key)
    if state is None:
        fig.clear()
        fig.set_layout_engine("constrained")
        ax_z, ax_p = fig.subplots(1, 2)
        _bars(ax_z, labels, z, COLORS["logit"], fmt="{:.1f}")
        ax_z.axhline(0, color="black", linewidth=1)
        ax_z.set_ylim(min(0.0, z.min()) - 0.8, max(0.0, z.max()) + 1.6)
        ax_z.set_title("logits z\n(fixed)")
        ax_z.set_ylabel("logit")
        gap_text = ax_z.text(0.98, 0.97, "", transform=ax_z.transAxes, ha="right", va="top", fontsize=13)

        bars = ax_p.bar(range(n), p, color=COLORS["prob"], edgecolor="black", linewidth=0.8)
        ax_p.set_xticks(range(n), list(labels))
        notes = [ax_p.annotate("", (i, 0.0), xytext=(0, 3), textcoords="offset points",
                               ha="center", va="bottom", fontsize=12) for i in range(n)]
        ax_p.axhline(1 / n, color=COLORS["reference"], linestyle="--", linewidth=1.8)
        ax_p.text(0.98, 0.97, f"dashed: uniform 1/{n}", transform=ax_p.transAxes, ha="right", va="top",
                  fontsize=13, color=COLORS["reference"])
        ax_p.set_ylim(0, 1.12)
        ax_p.set_ylabel("probability")
        title = ax_p.set_title(" ", fontsize=15)
        for ax in (ax_z, ax_p):
            ax.tick_params(axis="x", labelsize=13)
        state = {"key": key, "bars": bars, "notes": notes, "title": title, "gap": gap_text}
        fig._lesson03 = state

    for i, (bar, note, v) in enumerate(zip(state["bars"], state["notes"], p)):
        bar.set_height(v)
        note.xy = (i, v)
        note.set_text(f"{v:.2f}")
    state["title"].set_text(f"softmax(z / T) at T = {T:.3g}\nentropy {h:.2f} (max log {n} = {math.log(n):.2f})")
    state["gap"].set_text(f"softmax sees z / T:\nevery gap × {1 / T:.3g}")
    return p, h


def widget():
    """A log-scale temperature slider over six classes."""
    from ..widgets import live_figure, log_slider

    return live_figure(draw_temperature, {"T": log_slider("temperature T", 1.0, T_MIN, T_MAX)},
                       figsize=(10, 4.2))


# ---------------------------------------------------------------- widget 2
def draw_word_sampler(fig, T: float = 1.0, seed: int = 0, n: int = 200, logits=WORD_LOGITS, vocab=VOCAB):
    """Sample ``n`` next words at temperature T with ``default_rng(seed)``.

    Bars: softmax's probability next to the fraction of samples; the x label
    shows the first few sampled completions.  Returns ``(p, counts)``.  As in
    :func:`draw_temperature`, later calls on the same figure only update it.
    """
    p = softmax(logits, temperature=T)
    idx = sample_words(logits, T, n, seed)
    counts = np.bincount(idx, minlength=len(vocab))
    key = ("sampler", tuple(np.asarray(logits, dtype=float)), tuple(vocab), n)
    state = _reuse(fig, key)
    if state is None:
        fig.clear()
        fig.set_layout_engine("constrained")
        ax = fig.subplots()
        x = np.arange(len(vocab))
        w = 0.4
        bars_p = ax.bar(x - w / 2, p, w, color=COLORS["prob"], edgecolor="black", linewidth=0.8,
                        label="softmax p")
        bars_s = ax.bar(x + w / 2, counts / n, w, color=COLORS["sky"], edgecolor="black", linewidth=0.8,
                        label=f"fraction of {n} samples")
        ax.set_xticks(x, list(vocab))
        ax.set_ylim(0, 1.1)
        ax.set_ylabel("probability / fraction")
        title = ax.set_title(" ", fontsize=15)
        xlabel = ax.set_xlabel(" ", fontsize=14)
        ax.legend(loc="upper right")
        state = {"key": key, "p": bars_p, "s": bars_s, "title": title, "xlabel": xlabel}
        fig._lesson03 = state
    for bar, v in zip(state["p"], p):
        bar.set_height(v)
    for bar, v in zip(state["s"], counts / n):
        bar.set_height(v)
    state["title"].set_text(f"{PROMPT} ___   (T = {T:.3g}, seed {seed}, entropy {float(entropy(p)):.2f})")
    state["xlabel"].set_text("first six samples: " + " | ".join(vocab[i] for i in idx[:6]))
    return p, counts


def sampler_widget():
    """A log-scale temperature slider and a seed slider over the word sampler."""
    import ipywidgets as W

    from ..widgets import live_figure, log_slider

    seed = W.IntSlider(value=0, min=0, max=9, description="seed", continuous_update=True,
                       style={"description_width": "initial"}, layout=W.Layout(width="300px"))
    return live_figure(draw_word_sampler, {"T": log_slider("temperature T", 1.0, T_MIN, T_MAX), "seed": seed},
                       figsize=(10, 4.2), columns=2)


# ---------------------------------------------------------------- exercises
def check_q1(answer) -> Feedback:
    """Q1: the entropy (natural log) of the uniform distribution over 4 classes."""
    expected = math.log(4)
    return check_number(
        answer, expected, tol=0.006, what="a number of nats such as 0.7",
        why=f"-4 · (1/4) · log(1/4) = log 4 = {expected:.3f}. The uniform distribution has the "
            "largest entropy there is for 4 classes: the T → ∞ end of the curve.",
        mistakes=[
            Near(2.0, "2 is log₂ 4, the entropy in bits. This lesson uses the natural log (nats): np.log."),
            Near(math.log10(4), "That is log₁₀ 4. Entropy here uses the natural log, np.log."),
            Near(0.25, "0.25 is each class's probability. Entropy is -Σ p log p over the four classes."),
            Near(-math.log(4), "Mind the sign: entropy is MINUS the sum of p log p, and it is never negative."),
            Near(0.0, "0 is the entropy of a one-hot distribution (T → 0). The uniform one is the other extreme."),
            Near(1.0, "1 is the sum of the probabilities. Entropy is -Σ p log p."),
            Near(math.log(4) / 4, "That is one class's term, -(1/4) log(1/4). Add up all four."),
        ],
        hint="Each of the 4 classes has p = 1/4. Compute -Σ p · log p with np.log.",
    )


Q2_LOGITS = (3.0, 1.0, 0.5)
Q2_OPTIONS = {
    "a": "the same class stays on top, and its probability goes down",
    "b": "a different class can become the most likely",
    "c": "every probability is halved",
    "d": "the top class's probability goes up",
}


def check_q2(answer) -> Feedback:
    """Q2: what doubling T (from 1 to 2) does to softmax([3, 1, 0.5])."""
    p1 = softmax(Q2_LOGITS)
    p2 = softmax(Q2_LOGITS, temperature=2.0)
    return check_choice(
        answer, "a", options=tuple(Q2_OPTIONS),
        why=f"Dividing by a positive T keeps the order of the logits, so argmax cannot change; the gaps "
            f"halve, so the output flattens: the top probability drops from {p1[0]:.3f} to {p2[0]:.3f}.",
        hints={
            "b": "Dividing every logit by the same positive number keeps their order: 3/2 > 1/2 > 0.5/2.",
            "c": "Probabilities always add up to 1, so they cannot all be halved.",
            "d": "A larger T shrinks the gaps between logits, which flattens the output.",
        },
    )


Q3_LOGITS = (1.0, 2.0)
Q3_T = 0.5


def check_q3(answer) -> Feedback:
    """Q3: P(top class) for logits [1, 2] at T = 0.5."""
    z = np.array(Q3_LOGITS)
    p = float(softmax(z, temperature=Q3_T)[1])
    return check_number(
        answer, p, tol=0.006, what="a probability such as 0.42",
        why=f"z / T = [2, 4], and e^4 / (e^2 + e^4) = 1 / (1 + e^-2) = {p:.3f}: "
            f"sharper than at T = 1 ({float(softmax(z)[1]):.3f}).",
        mistakes=[
            Near(float(softmax(z * Q3_T)[1]), "That is softmax(z · T) = softmax([0.5, 1]): you multiplied by T. "
                                              "Temperature divides: z / 0.5 = [2, 4]."),
            Near(float(softmax(z)[1]), "That is the answer at T = 1. Divide the logits by T = 0.5 first."),
            Near(2 / 3, "That is 2 / (1 + 2) (or 4 / (2 + 4)): dividing by the sum. "
                        "Exponentiate z / T first."),
            Near(1.0, "That is the argmax (the T → 0 limit). At T = 0.5 the other class still gets some."),
            Near(float(softmax(z, temperature=Q3_T)[0]),
                 "That is the smaller class (logit 1). The question asks for the top one."),
        ],
        hint="Divide the logits by T, then exponentiate and normalise: e^(2/T) / (e^(1/T) + e^(2/T)).",
    )
