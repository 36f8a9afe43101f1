"""Lesson 02, exponentiation: figures, the widget and the checks.

Read how a figure is drawn with ``lesson.draw_exp_curve??`` (and likewise for
the other ``draw_`` functions).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..checks import Case, Feedback, Near, check_choice, check_function, check_number, check_prediction, expect_array
from ..core import softmax
from ..plots import bars, ensure_axes, set_alt
from ..style import COLORS
from ..widgets import FigureView
from .lesson01_intuition import fmt_probability

DOG_LOGITS = (4.8, 1.21, 2.385)
DOG_LABELS = ("dog", "cat", "bird")
BATCH = ((4.8, 1.21, 2.385), (8.9, -1.81, 0.2), (1.41, 1.051, 0.026))
USABLE = "usable"


# ---------------------------------------------------------------- small helpers
def fmt_ratio(r: float) -> str:
    """A ratio as a learner reads it: '7.39', '1,097', or '1/1,097' for tiny ones."""
    r = float(r)
    if r >= 100:
        return f"{r:,.0f}"
    if r >= 0.01:
        return f"{r:.3g}"
    return f"1/{1 / r:,.0f}"


def verdict(z, p) -> str:
    """Is ``p`` a usable probability vector for logits ``z``?

    Returns ``"usable"`` or the first thing wrong with it: ``"inf/NaN"``,
    ``"negative"``, ``"above 1"``, or ``"order lost"`` (a larger logit did not
    get a strictly larger probability, or equal logits got different ones).
    """
    z = np.asarray(z, dtype=float)
    p = np.asarray(p, dtype=float)
    if not np.all(np.isfinite(p)):
        return "inf/NaN"
    if np.any(p < 0):
        return "negative"
    if np.any(p > 1):
        return "above 1"
    for i in range(len(z)):
        for j in range(len(z)):
            if z[i] > z[j] and not p[i] > p[j]:
                return "order lost"
            if z[i] == z[j] and not np.isclose(p[i], p[j]):
                return "order lost"
    return USABLE


def _divide(weights):
    """weights / weights.sum() with NumPy's ±inf / NaN but no warning (for figures)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return weights / weights.sum()


NORMALISERS = {
    "divide by sum": lambda z: _divide(z),
    "square, then normalise": lambda z: _divide(z**2),
    "softmax": softmax,
}


# ---------------------------------------------------------------- figures
def _ratio_ticks(ax, powers):
    """Fixed, plainly labelled ticks at 10**k on a log y-axis, no minor ticks (fast to redraw)."""
    from matplotlib.ticker import FixedLocator, NullLocator

    values = [10.0**k for k in powers]
    ax.yaxis.set_major_locator(FixedLocator(values))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_yticklabels([fmt_ratio(v) for v in values])


def draw_exp_curve(fig, z, labels):
    """Left: e^x on [-4, 2] with each logit's weight marked and labelled beside it.
    Right: the same curve on a log axis down to x = -20: a straight line that never reaches 0.

    Returns the weights ``e^z``.
    """
    fig.clear()
    ax_lin, ax_log = fig.subplots(1, 2)
    z = np.asarray(z, dtype=float)
    w = np.exp(z)
    x = np.linspace(-4, 2, 300)
    ax_lin.plot(x, np.exp(x), color=COLORS["accent"])
    ax_lin.axhline(0, color="black", linewidth=1)
    for zi, wi, name in zip(z, w, labels):
        ax_lin.plot([zi, zi], [0, wi], color=COLORS["logit"], linestyle="--", linewidth=1.5)
        ax_lin.plot(zi, wi, "o", color=COLORS["logit"], markersize=9, zorder=3)
        # up and to the left of the point: above a rising curve, that corner is empty
        ax_lin.annotate(
            f"{name}: $e^{{{zi:g}}}$ = {wi:.2f}",
            (zi, wi),
            xytext=(-10, 10),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=13,
        )
    ax_lin.set_xlim(-4, 2)
    ax_lin.set_ylim(-0.3, 8)
    ax_lin.set_xlabel("x")
    ax_lin.set_ylabel("$e^x$")
    ax_lin.set_title("$e^x$: every weight is above 0")

    x = np.linspace(-20, 2, 300)
    ax_log.semilogy(x, np.exp(x), color=COLORS["accent"])
    marks = (-5.0, -20.0)
    for xm in marks:
        ax_log.plot(xm, np.exp(xm), "o", color=COLORS["logit"], markersize=9, zorder=3)
        ax_log.annotate(
            f"$e^{{{xm:g}}}$ = {np.exp(xm):.2g}",
            (xm, np.exp(xm)),
            xytext=(10, -4),
            textcoords="offset points",
            ha="left",
            va="top",
            fontsize=13,
        )
    _ratio_ticks(ax_log, (-8, -6, -4, -2, 0))
    ax_log.set_yticklabels(["1e-8", "1e-6", "1e-4", "0.01", "1"])
    ax_log.set_xlim(-21, 2)
    ax_log.set_ylim(1e-9, 30)
    ax_log.set_xlabel("x")
    ax_log.set_ylabel("$e^x$ (log scale)")
    ax_log.set_title("log scale: smaller, never 0")
    set_alt(
        fig,
        "Two plots of e to the x. Left, on a linear scale from x = -4 to 2, the logits are marked: "
        + ", ".join(f"{n} e^{zi:g} = {wi:.2f}" for n, zi, wi in zip(labels, z, w))
        + ". Right, on a log scale from x = -20 to 2, e^x is a straight line that keeps falling but "
        f"never reaches 0: e^-5 = {np.exp(-5):.2g}, e^-20 = {np.exp(-20):.2g}.",
    )
    return w


def draw_amplify(fig, z=DOG_LOGITS, labels=DOG_LABELS, i: int = 0, j: int = 2):
    """Logits and their exponentials side by side, with the ratio of entries i and j.

    Returns ``(logit ratio, weight ratio)``.
    """
    fig.clear()
    ax_z, ax_e = fig.subplots(1, 2)
    z = np.asarray(z, dtype=float)
    w = np.exp(z)
    bars(
        z, labels, ax=ax_z, color=COLORS["logit"], title="logits z", ylabel="logit", ylim=(0, z.max() * 1.3), fmt="{:g}"
    )
    bars(
        w,
        labels,
        ax=ax_e,
        color=COLORS["accent"],
        title="weights $e^z$",
        ylabel="$e^z$",
        ylim=(0, w.max() * 1.3),
        fmt="{:.1f}",
    )
    r_z, r_w = z[i] / z[j], w[i] / w[j]
    for ax, r in ((ax_z, r_z), (ax_e, r_w)):
        ax.text(
            0.97,
            0.95,
            f"{labels[i]} / {labels[j]} = {r:.1f}×",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize=15,
            fontweight="bold",
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.6"},
        )
    set_alt(
        fig,
        f"Logits {', '.join(f'{n} {v:g}' for n, v in zip(labels, z))} and their weights e^z "
        f"{', '.join(f'{n} {v:.1f}' for n, v in zip(labels, w))}: {labels[i]} / {labels[j]} is "
        f"{r_z:.1f} times for the logits and {r_w:.1f} times for the weights.",
    )
    return r_z, r_w


def draw_ratio_vs_gap(ax, gaps, ratios):
    """Scatter of p_i / p_j against z_i - z_j on a log axis, over the curve e^gap.

    ``ax`` may be None (pyplot's current Axes).  Returns the Axes.
    """
    ax = ensure_axes(ax)
    gaps, ratios = np.asarray(gaps, dtype=float), np.asarray(ratios, dtype=float)
    g = np.linspace(gaps.min() - 0.3, gaps.max() + 0.3, 200)
    ax.semilogy(g, np.exp(g), color=COLORS["accent"], label="$e^{\\,gap}$", zorder=1)
    ax.scatter(
        gaps,
        ratios,
        s=40,
        color=COLORS["prob"],
        edgecolor="black",
        linewidth=0.6,
        label="$p_i / p_j$ from softmax",
        zorder=2,
    )
    top = int(np.ceil(max(abs(gaps.min()), abs(gaps.max())) / np.log(10)))
    step = max(1, int(np.ceil(top / 4)))
    _ratio_ticks(ax, range(-step * (top // step + 1), step * (top // step + 1) + 1, step))
    ax.set_ylim(np.exp(g[0]), np.exp(g[-1]))
    ax.set_xlabel("gap $z_i - z_j$")
    ax.set_ylabel("$p_i / p_j$ (log scale)")
    ax.legend(loc="upper left")
    worst = float(np.max(np.abs(ratios / np.exp(gaps) - 1)))
    set_alt(
        ax.figure,
        f"{len(gaps)} pairs of classes: the ratio p_i / p_j against the gap z_i - z_j, from "
        f"{gaps.min():.1f} to {gaps.max():.1f}, on a log axis. Every point lies on the curve "
        f"e^gap (largest relative miss {worst:.0e}).",
    )
    return ax


def _fmt_small(v: float) -> str:
    """Two decimals, but a small non-zero value keeps its size (2.2e-03, not 0.00)."""
    return f"{v:.1e}" if 0 < abs(v) < 0.005 else f"{v:.2f}"


def draw_normalisers(fig, cases: dict[str, list[float]], methods=("square, then normalise", "softmax")):
    """One row per case, one column per method, as bars.

    The x-axis labels are the logits.  The band [0, 1] (where probabilities
    live) is shaded, with ticks at 0 and 1; each panel's title is the
    :func:`verdict` on its output.  Returns the table ``{case: {method: verdict}}``.
    """
    fig.clear()
    axes = fig.subplots(len(cases), len(methods), squeeze=False)
    table, words = {}, []
    for row, (name, z) in enumerate(cases.items()):
        z = np.asarray(z, dtype=float)
        for col, method in enumerate(methods):
            p = NORMALISERS[method](z)
            v = table.setdefault(name, {})[method] = verdict(z, p)
            ax = axes[row, col]
            ax.axhspan(0, 1, color=COLORS["right"], alpha=0.12, zorder=0, gid="band")
            shown = np.where(np.isfinite(p), p, 0.0)
            lo, hi = min(0.0, float(shown.min())), max(1.0, float(shown.max()))
            pad = 0.35 * (hi - lo)
            bars(
                p,
                [f"{zi:g}" for zi in z],
                ax=ax,
                ylim=(lo - 0.1 * pad, hi + pad),
                fontsize=13,
                color=COLORS["prob"] if method == "softmax" else COLORS["wrong"],
                fmt=_fmt_small,
            )
            ax.set_yticks([0, 1])
            ax.tick_params(axis="x", labelsize=13)
            if row == 0:
                ax.text(
                    0.5, 1.32, method, transform=ax.transAxes, ha="center", va="bottom", fontsize=16, fontweight="bold"
                )
            if col == 0:
                ax.set_ylabel(name, fontsize=14)
            if row == len(cases) - 1:
                ax.set_xlabel("logits", fontsize=13)
            good = v == USABLE
            ax.set_title(v, fontsize=14, fontweight="bold", color=COLORS["right"] if good else COLORS["wrong"])
            words.append(f"{name}, {method}: [{', '.join('NaN' if np.isnan(x) else f'{x:.2f}' for x in p)}], {v}")
    set_alt(
        fig, "Bars for each case (rows) and method (columns), with the band 0 to 1 shaded: " + "; ".join(words) + "."
    )
    return table


def _matrix(ax, m, *, fmt="{:.2f}", extra_col=None, extra_row=None, col_title="", row_title="", bad=None):
    """Draw matrix ``m`` as a grid of numbers, optionally with a sums column/row."""
    n, k = m.shape
    for r in range(n):
        for c in range(k):
            ax.add_patch(_rect(c, r, "white"))
            ax.text(c + 0.5, r + 0.5, fmt.format(m[r, c]), ha="center", va="center", fontsize=14)
    if extra_col is not None:
        for r, v in enumerate(extra_col):
            colour = COLORS["wrong"] if bad is not None and bad[r] else COLORS["right"]
            ax.add_patch(_rect(k + 0.25, r, colour, alpha=0.18))
            ax.text(k + 0.75, r + 0.5, fmt.format(v), ha="center", va="center", fontsize=14, fontweight="bold")
        ax.text(k + 0.75, -0.15, col_title, ha="center", va="bottom", fontsize=13)
    if extra_row is not None:
        for c, v in enumerate(extra_row):
            ax.add_patch(_rect(c, n + 0.25, COLORS["sky"], alpha=0.25))
            ax.text(c + 0.5, n + 0.75, fmt.format(v), ha="center", va="center", fontsize=14, fontweight="bold")
        ax.text(-0.1, n + 0.75, row_title, ha="right", va="center", fontsize=13)
    ax.set_xlim(-0.1 if extra_row is None else -2.2, k + (1.6 if extra_col is not None else 0.1))
    ax.set_ylim(n + (1.4 if extra_row is not None else 0.1), -0.6)
    ax.set_aspect("auto")
    ax.axis("off")


def _rect(x, y, color, alpha=1.0):
    from matplotlib.patches import Rectangle

    return Rectangle((x + 0.03, y + 0.03), 0.94, 0.94, facecolor=color, edgecolor="0.5", alpha=alpha)


def draw_axis_diagram(fig, exp_values):
    """The matrix of weights with its row sums (axis=1) and column sums (axis=0).

    Returns ``(row sums, column sums)``.
    """
    fig.clear()
    ax = fig.subplots()
    e = np.asarray(exp_values, dtype=float)
    n, k = e.shape
    rows, cols = e.sum(axis=1), e.sum(axis=0)
    _matrix(ax, e, extra_col=rows, extra_row=cols, col_title="row sums\n(axis=1)", row_title="column sums\n(axis=0)")
    ax.annotate(
        "",
        xy=(k + 0.2, -0.2),
        xytext=(0.05, -0.2),
        arrowprops={"arrowstyle": "->", "color": COLORS["right"], "linewidth": 2.5},
    )
    ax.text(
        0.05,
        -0.3,
        "axis=1: across each row",
        ha="left",
        va="bottom",
        fontsize=14,
        color=COLORS["right"],
        fontweight="bold",
    )
    ax.annotate(
        "",
        xy=(-0.15, n + 0.2),
        xytext=(-0.15, 0.05),
        arrowprops={"arrowstyle": "->", "color": COLORS["logit"], "linewidth": 2.5},
    )
    ax.text(
        -0.3,
        n / 2,
        "axis=0:\ndown each\ncolumn",
        ha="right",
        va="center",
        fontsize=14,
        color=COLORS["logit"],
        fontweight="bold",
    )
    ax.set_ylim(n + 1.4, -0.9)
    ax.set_title(f"$e^z$ for a batch: {n} samples (rows) × {k} classes (columns)", fontsize=15)
    set_alt(
        fig,
        f"The {n} by {k} matrix of weights e^z with its row sums (axis=1) "
        f"[{', '.join(f'{v:.2f}' for v in rows)}] and its column sums (axis=0) "
        f"[{', '.join(f'{v:.2f}' for v in cols)}].",
    )
    return rows, cols


def draw_batch_division(fig, batch=BATCH):
    """Left: e / e.sum(axis=1, keepdims=True).  Right: e / e.sum(axis=1), the silent bug.

    Returns the row sums of ``(right, wrong)``.
    """
    fig.clear()
    ax_ok, ax_bad = fig.subplots(1, 2)
    e = np.exp(np.asarray(batch, dtype=float))
    good = e / e.sum(axis=1, keepdims=True)
    wrong = e / e.sum(axis=1)
    for ax, m, title in (
        (ax_ok, good, "e / e.sum(axis=1, keepdims=True)"),
        (ax_bad, wrong, "e / e.sum(axis=1)   (no keepdims)"),
    ):
        sums = m.sum(axis=1)
        _matrix(ax, m, fmt="{:.3f}", extra_col=sums, col_title="row\nsum", bad=~np.isclose(sums, 1.0))
        ax.set_title(title, fontsize=14, fontfamily="monospace", fontweight="normal")
    set_alt(
        fig,
        "The batch divided two ways. With keepdims=True every row sums to 1. Without keepdims the "
        "rows sum to [" + ", ".join(f"{v:.3f}" for v in wrong.sum(axis=1)) + "]: silently wrong.",
    )
    return good.sum(axis=1), wrong.sum(axis=1)


# ---------------------------------------------------------------- widget
class GapResult(NamedTuple):
    """What the widget's figure shows: the probabilities, p1/p2 and e^(z1-z2)."""

    p: np.ndarray
    ratio: float
    exp_gap: float


OTHER_LOGIT = 0.0
GAP_RANGE = (-12.0, 12.0)
LOGIT_RANGE = (-6.0, 6.0)


class GapView(FigureView):
    """Two logits z1, z2 plus a third class fixed at 0.

    Left: the three probabilities as bars.  Right: the curve ratio = e^gap on
    a log axis with the current (z1 - z2, p1/p2) marked.  ``update(z1, z2)``
    returns a :class:`GapResult`.
    """

    def __init__(self, fig) -> None:
        super().__init__(fig)
        self.ax_p, self.ax_r = ax_p, ax_r = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
        self.rects = ax_p.bar(
            [0, 1, 2],
            [0.0, 0.0, 0.0],
            color=[COLORS["prob"], COLORS["prob"], COLORS["reference"]],
            edgecolor="black",
            linewidth=0.8,
        )
        self.labels = [
            ax_p.annotate(
                "", (i, 0.0), xytext=(0, 4), textcoords="offset points", ha="center", va="bottom", fontsize=13
            )
            for i in range(3)
        ]
        ax_p.set_ylim(0, 1.15)
        ax_p.set_ylabel("probability")
        self.title = ax_p.set_title("")
        # fixed tick labels: the sliders' readouts give z1 and z2 (new tick texts would cost a relayout)
        ax_p.set_xticks([0, 1, 2], ["class 1", "class 2", "other\n(z = 0)"], fontsize=13)

        g = np.linspace(*GAP_RANGE, 200)
        ax_r.semilogy(g, np.exp(g), color=COLORS["accent"])
        (self.point,) = ax_r.plot(
            [0.0], [1.0], "o", color=COLORS["wrong"], markersize=11, markeredgecolor="black", zorder=3, clip_on=False
        )
        self.vline = ax_r.axvline(0.0, color=COLORS["wrong"], linewidth=1, linestyle=":")
        ax_r.set_xlim(*GAP_RANGE)
        ax_r.set_ylim(np.exp(GAP_RANGE[0]) / 3, np.exp(GAP_RANGE[1]) * 3)
        _ratio_ticks(ax_r, (-4, -2, 0, 2, 4))
        ax_r.set_xticks([-12, -8, -4, 0, 4, 8, 12])
        ax_r.set_xlabel("gap z1 − z2")
        ax_r.set_ylabel("p1 / p2 (log scale)")
        ax_r.set_title("ratio = $e^{\\,gap}$")
        self.box = ax_r.text(
            0.03,
            0.95,
            "",
            transform=ax_r.transAxes,
            fontsize=14,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.6"},
        )

    def update(self, z1: float = 1.5, z2: float = -0.5) -> GapResult:
        z = np.array([z1, z2, OTHER_LOGIT], dtype=float)
        p = softmax(z)
        ratio, gap = float(p[0] / p[1]), float(z1 - z2)
        for rect, label, pi in zip(self.rects, self.labels, p):
            rect.set_height(pi)
            label.xy = (rect.get_x() + rect.get_width() / 2, pi)
            label.set_text(fmt_probability(pi))
        self.title.set_text(f"softmax([{z1:.1f}, {z2:.1f}, 0])")
        self.point.set_data([gap], [ratio])
        self.vline.set_xdata([gap, gap])
        left = gap < 0  # keep the text box away from the point
        # plain text, not mathtext: parsing a new formula on every step costs tens of milliseconds
        self.box.set_text(f"p1 / p2 = {fmt_ratio(ratio)}\ne^(z1 − z2) = e^({gap:.1f}) = {fmt_ratio(np.exp(gap))}")
        self.box.set_position((0.97, 0.05) if left else (0.03, 0.95))
        self.box.set_horizontalalignment("right" if left else "left")
        self.box.set_verticalalignment("bottom" if left else "top")
        self.alt = (
            f"z1 = {z1:.1f}, z2 = {z2:.1f}, other class 0: probabilities "
            f"{', '.join(fmt_probability(v) for v in p)}. The gap z1 - z2 = {gap:.1f} sits on the curve e^gap: "
            f"p1 / p2 = {fmt_ratio(ratio)} = e^{gap:.1f}."
        )
        return GapResult(p, ratio, float(np.exp(gap)))


def widget():
    """Sliders for z1 and z2; the figure shows p1/p2 following e^(z1 - z2)."""
    from ..widgets import live_figure, slider

    controls = {
        "z1": slider("z1 (class 1 logit)", 1.5, *LOGIT_RANGE),
        "z2": slider("z2 (class 2 logit)", -0.5, *LOGIT_RANGE),
    }
    return live_figure(GapView, controls, figsize=(10, 4.2), columns=2)


# ---------------------------------------------------------------- Predict checkpoints
def predict_exp800(prediction) -> Feedback:
    """Predict: what does np.exp(-800) return in float64?"""
    return check_prediction(
        prediction,
        "b",
        options=("a", "b", "c"),
        why="Mathematically e^-800 is positive, but the smallest positive float64 is about 5e-324 "
        "(e^-744.4), so np.exp(-800) rounds to exactly 0.0, without a warning.",
        hints={
            "a": "e^-800 is about 10^-347.4, and no float64 is that small.",
            "c": "e^x is never negative, and NumPy does not raise for a result that is too small: it rounds.",
        },
    )


def predict_flatter(prediction) -> Feedback:
    """Predict: for logits [0.1, 0.2], which gives the second class the larger probability?"""
    soft = float(softmax(np.array([0.1, 0.2]))[1])
    return check_prediction(
        prediction,
        "a",
        options=("a", "b", "c"),
        why=f"Divide-by-sum sees the RATIO 0.2 / 0.1 = 2 and gives 0.2 / 0.3 = {0.2 / 0.3:.3f}. Softmax sees "
        f"only the GAP 0.1, and e^0.1 = {np.exp(0.1):.3f}, so it gives {soft:.3f}: flatter. Whether e^z "
        "sharpens or softens depends on how large the gaps are, that is on the scale of the logits.",
        hints={
            "b": "e^z does not always amplify: a gap of 0.1 is a ratio of only e^0.1, about 1.1.",
            "c": "They differ: divide-by-sum uses the ratio of the logits, softmax their gap.",
        },
    )


def predict_square(prediction) -> Feedback:
    """Predict: square [1.5, 0.8, -2.0] and normalise: which class gets the largest probability?"""
    z = np.array([1.5, 0.8, -2.0])
    p = z**2 / (z**2).sum()
    return check_prediction(
        prediction,
        "c",
        options=("a", "b", "c"),
        why=f"(-2.0)² = 4 is the largest square, so the class with the SMALLEST logit gets the most, "
        f"{p[2]:.2f}. Squaring throws away the sign, and with it the order of the logits.",
        hints={
            "a": "Square each logit first: 1.5² = 2.25, 0.8² = 0.64, (-2.0)² = 4.",
            "b": "Square each logit first: 1.5² = 2.25, 0.8² = 0.64, (-2.0)² = 4.",
        },
    )


# ---------------------------------------------------------------- Write it: batch softmax along an axis
def reference_batch_softmax(z, axis):
    """Softmax of a batch along ``axis``: every slice along it normalised by its own sum."""
    weights = np.exp(z)
    return weights / weights.sum(axis=axis, keepdims=True)


def _maybe(f):
    """``f()``, or None if NumPy refuses (a shape mismatch)."""
    try:
        return f()
    except ValueError:
        return None


def _batch_case(name, z, axis, hint) -> Case:
    e = np.exp(z)
    mistakes = [
        (
            _maybe(lambda: e / e.sum(axis=axis)),
            "which is e divided by e.sum(axis) without keepdims: the sums lost their column shape, so NumPy "
            "divided column j by the sum of row j",
        ),
        (e / e.sum(), "which normalises the whole batch at once: all the entries add up to 1, not each sample"),
        (
            e / e.sum(axis=-1, keepdims=True) if z.ndim > 1 else None,
            "which normalises along the last axis whatever axis says: use the axis argument",
        ),
        (
            e / e.sum(axis=0, keepdims=True) if axis != 0 else None,
            "which normalises down axis 0 whatever axis says: use the axis argument",
        ),
        (
            _maybe(lambda: z / z.sum(axis=axis, keepdims=True)),
            "which divides the logits by their sums: exponentiate first",
        ),
        (
            _maybe(lambda: (lambda w: w / w.sum(axis=axis, keepdims=True))(np.exp(z - z.max(axis=axis))))
            if z.ndim > 1
            else None,
            "which subtracts z.max(axis) without keepdims: the maxima lost their column shape too, so each "
            "entry had the wrong sample's max subtracted (lesson 04's trick needs keepdims=True for the max "
            "as well)",
        ),
    ]
    return Case(name, (z, axis), expect_array(reference_batch_softmax(z, axis), mistakes=mistakes), hint)


def _batch_cases() -> list[Case]:
    batch = np.array(BATCH)
    # every row holds the same three logits, so every row has the same sum (and the columns do not)
    same_sums = np.array([[2.0, 1.0, 0.1], [2.0, 0.1, 1.0], [1.0, 2.0, 0.1]])
    return [
        _batch_case(
            "one sample [2, 1, 0.1], axis=0",
            np.array([2.0, 1.0, 0.1]),
            0,
            "For one vector this is lesson 01's softmax along its only axis: exponentiate, then divide "
            "by the sum along `axis`.",
        ),
        _batch_case(
            "(3, 3): [2, 1, 0.1] in three orders, axis=1",
            same_sums,
            1,
            "Sum along the axis you are given, np.sum(e, axis=axis, keepdims=True): not over the whole "
            "batch (no axis) and not along a fixed axis.",
        ),
        _batch_case(
            "(3, 3) batch of the lesson, axis=1 (square)",
            batch,
            1,
            "Keep the summed axis: e.sum(axis=axis, keepdims=True). Without keepdims a square batch's "
            "(3,) sums line up with the last axis and divide the wrong entries, with no error.",
        ),
        _batch_case(
            "(2, 3) batch, axis=1",
            batch[:2],
            1,
            "Keep the summed axis with keepdims=True: (2, 3) / (2,) cannot broadcast, (2, 3) / (2, 1) can.",
        ),
        _batch_case(
            "the (3, 3) batch transposed: samples in columns, axis=0",
            batch.T.copy(),
            0,
            "Here each COLUMN is a sample: use the axis you are given, do not hard-code axis=1 or -1.",
        ),
        _batch_case(
            "(2, 4) batch, every logit + 50, axis=1",
            np.array([[50.5, 52.0, 49.0, 51.0], [53.0, 50.0, 50.0, 50.0]]),
            1,
            "Each row must sum to 1 on its own, whatever the size of its logits.",
        ),
    ]


def check_batch_softmax(fn: Any) -> Feedback:
    """Run a learner's ``batch_softmax(z, axis)`` on vectors, square and non-square batches and
    batches whose samples are columns."""
    return check_function(
        fn,
        _batch_cases(),
        name="batch_softmax",
        success="Every sample is normalised by its own sum, along the axis you were given, on square "
        "and non-square batches alike.",
    )


# ---------------------------------------------------------------- check yourself
Q1_LOGITS = (3.0, 0.5, -1.0)


def check_q1(answer) -> Feedback:
    """Q1: logits [3.0, 0.5, -1.0]; how many times more probable is class 1 than class 3?"""
    z = np.array(Q1_LOGITS)
    r = float(np.exp(z[0] - z[2]))
    p = softmax(z)
    return check_number(
        answer,
        r,
        tol=0.15,
        what="a ratio such as 3.5",
        why=f"p1 / p3 = e^(z1 - z3) = e^(3 - (-1)) = e^4 = {r:.2f}. The middle class does not come into it.",
        mistakes=[
            Near(4.0, "4 is the gap itself. Softmax turns the gap into a ratio by exponentiating it: e^gap."),
            Near(-3.0, "That is the ratio of the logits, 3 / (-1). Softmax only sees their gap."),
            Near(float(np.exp(2.0)), "That is e^2, from 3 + (-1). The gap is 3 - (-1) = 4: mind the minus sign."),
            Near(float(np.exp(-4.0)), "That is e^-4, the ratio the other way round: class 3 over class 1.", tol=0.005),
            Near(float(p[0]), "That is p1, the probability of class 1. The question asks for p1 / p3.", tol=0.005),
            Near(float(np.exp(3.0)), "That is e^3, class 1's weight alone. Divide by class 3's weight, e^-1."),
            Near(9.0, "That is 3² / (-1)², what squaring would give. Softmax uses e^z: e^3 / e^-1."),
        ],
        hint="Write p1 / p3 as e^(z1) / e^(z3): the denominators cancel. What is left?",
    )


Q2_OPTIONS = {"a": "(64,)", "b": "(64, 1)", "c": "(1, 10)", "d": "(10,)"}


def check_q2(answer) -> Feedback:
    """Q2: a batch of 64 samples × 10 classes: which shape must the row sums have?"""
    return check_choice(
        answer,
        "b",
        options=tuple(Q2_OPTIONS),
        why="One sum per sample, kept as a column: e.sum(axis=1, keepdims=True) has shape (64, 1), "
        "and (64, 10) / (64, 1) divides each row by its own sum.",
        hints={
            "a": "(64,) is e.sum(axis=1) without keepdims. NumPy lines it up with the LAST axis "
            "(10 classes), so (64, 10) / (64,) raises a ValueError. With 64 classes it would "
            "run and be silently wrong.",
            "c": "(1, 10) is e.sum(axis=0, keepdims=True): one sum per class, down the columns. "
            "That makes each column sum to 1, not each row.",
            "d": "(10,) is e.sum(axis=0): the column sums. It broadcasts without an error, but "
            "divides every sample by the totals of the classes over the whole batch.",
        },
    )


def check_q3(answer) -> Feedback:
    """Q3: two classes get probabilities 0.8 and 0.2; what is the gap z1 - z2?"""
    gap = float(np.log(0.8 / 0.2))
    return check_number(
        answer,
        gap,
        tol=0.005,
        what="a number such as 1.5",  # three decimals: 1.386 (1.39 is accepted too)
        why=f"p1 / p2 = 0.8 / 0.2 = 4 = e^(z1 - z2), so z1 - z2 = ln 4 = {gap:.3f}. "
        "Any pair of logits with that gap works, e.g. [1.386, 0] or [5.386, 4].",
        mistakes=[
            Near(4.0, "4 is the ratio p1 / p2. The ratio is e^gap; undo the exponential with np.log."),
            # 0.6 and log10(4) = 0.602 are close: tight tolerances tell them apart
            Near(
                0.6,
                "0.6 is the difference of the probabilities. Logit gaps turn into RATIOS of "
                "probabilities: p1 / p2 = e^(z1 - z2).",
                tol=0.001,
            ),
            Near(
                float(np.log10(4.0)),
                "That is log10(4). The exponential in softmax has base e, so use the natural log, np.log.",
                tol=0.001,
            ),
            Near(-gap, "The sign is flipped: class 1 is the more probable one, so z1 > z2."),
        ],
        hint="Start from p1 / p2 = e^(z1 - z2) and take the natural log of both sides.",
    )
