"""Lesson 02, exponentiation: figures, the widget and the checks.

Read how a figure is drawn with ``lesson.draw_exp_curve??`` (and likewise for
the other ``draw_`` functions).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from ..checks import Case, Feedback, Near, check_choice, check_function, check_number, check_prediction, expect_array
from ..core import softmax
from ..formatting import fmt_list, fmt_probability, fmt_ratio, fmt_small
from ..plots import bars, ensure_axes, set_alt
from ..style import COLORS
from ..widgets import FigureView

DOG_LOGITS = (4.8, 1.21, 2.385)
DOG_LABELS = ("dog", "cat", "bird")
BATCH = ((4.8, 1.21, 2.385), (8.9, -1.81, 0.2), (1.41, 1.051, 0.026))
USABLE = "usable"
#: How close p_i / p_j comes to e^(z_i - z_j), relative, for logits in [-20, 20] (a few ulp of
#: rounding; the exact figure depends on the CPU's exp code path, so the lesson prints this bound).
RATIO_BOUND = 1e-13


# ---------------------------------------------------------------- small helpers
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
    # a bound, not the miss itself: its last digits depend on the CPU's exp code path
    miss = (
        f"every relative miss below {RATIO_BOUND:.0e}" if worst < RATIO_BOUND else f"largest relative miss {worst:.1e}"
    )
    set_alt(
        ax.figure,
        f"{len(gaps)} pairs of classes: the ratio p_i / p_j against the gap z_i - z_j, from "
        f"{gaps.min():.1f} to {gaps.max():.1f}, on a log axis. Every point lies on the curve "
        f"e^gap ({miss}).",
    )
    return ax


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
                fmt=lambda v: fmt_small(v, sci_digits=1),
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
UNDERFLOW_LOGITS = (-1000.0, -1001.0)


def predict_underflow(prediction) -> Feedback:
    """Predict: what do the two steps, np.exp then divide by the sum, return for [-1000, -1001]?"""
    right = softmax(np.array(UNDERFLOW_LOGITS))
    return check_prediction(
        prediction,
        "c",
        options=("a", "b", "c"),
        why="Both weights, e^-1000 and e^-1001, are below the smallest positive float64 (about 5e-324, "
        "e^-744.4), so np.exp rounds them to exactly 0. Their total is 0, and step 2 computes 0 / 0 = NaN, "
        f"with a warning. The true answer is {fmt_list(right, '{:.3f}')}, what softmax_lib.softmax returns: "
        "it subtracts the largest logit first (lesson 04).",
        hints={
            "a": "That is the true answer, and the one softmax_lib gives. But the two steps compute e^-1000 "
            "first, and a computer cannot store it.",
            "b": "Both weights do round to 0, and so does their total: what is 0 / 0?",
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


# ---------------------------------------------------------------- Write it: every ratio at once
def reference_ratio_matrix(z):
    """The matrix ``R[i, j] = p_i / p_j`` of ``p = softmax(z)``: ``e^(z_i - z_j)``, by broadcasting."""
    z = np.asarray(z, dtype=float)
    return np.exp(z[:, None] - z[None, :])


def _ratio_case(name, z, hint) -> Case:
    z_arr = np.asarray(z, dtype=float)
    e = np.exp(z_arr)
    with np.errstate(divide="ignore", invalid="ignore"):
        mistakes = [
            (np.exp(z_arr[None, :] - z_arr[:, None]), "which is p_j / p_i: rows and columns are swapped"),
            (z_arr[:, None] - z_arr[None, :], "which are the gaps z_i - z_j themselves: exponentiate them"),
            (z_arr[:, None] / z_arr[None, :], "which are ratios of the LOGITS: softmax turns gaps into ratios"),
            (e[:, None] * e[None, :], "which multiplies the weights: the ratio divides them"),
            (e / e, "which divides each weight by itself, entry by entry: pair every i with every j"),
        ]
    return Case(name, (z,), expect_array(reference_ratio_matrix(z_arr), mistakes=mistakes), hint)


def _ratio_cases() -> list[Case]:
    return [
        _ratio_case(
            "the dog logits [4.8, 1.21, 2.385]",
            np.array(DOG_LOGITS),
            "R[i, j] is p_i / p_j, a k × k matrix: pair every class i (a column, shape (k, 1)) with every "
            "class j (a row, shape (k,)), and broadcasting does the rest.",
        ),
        _ratio_case(
            "[2.0, 0.5] (two classes)",
            np.array([2.0, 0.5]),
            "For two classes R is 2 × 2: [[1, p1/p2], [p2/p1, 1]], with p1/p2 = e^1.5.",
        ),
        _ratio_case(
            "[0.7, 0.7, 0.7] (a tie)",
            np.array([0.7, 0.7, 0.7]),
            "Equal logits mean equal probabilities, so every ratio is 1.",
        ),
        _ratio_case(
            "[-3, 0.5, 3, 1] (four classes, negative logits)",
            np.array([-3.0, 0.5, 3.0, 1.0]),
            "Negative logits are fine: every weight e^z is positive. Check the shape: k classes give k × k.",
        ),
        _ratio_case(
            "[0, -1, 2] as a Python list",
            [0.0, -1.0, 2.0],
            "A list cannot be indexed with [:, None]: start with z = np.asarray(z, dtype=float).",
        ),
    ]


def check_ratio_matrix(fn: Any) -> Feedback:
    """Run a learner's ``ratio_matrix(z)``: the k × k matrix of every ratio p_i / p_j."""
    return check_function(
        fn,
        _ratio_cases(),
        name="ratio_matrix",
        success="Every ratio p_i / p_j at once, and each one is e^(z_i - z_j): the gap alone decides it.",
        params="z",
        params_meaning="the logits",
    )


# ---------------------------------------------------------------- check yourself
Q1_LOGITS = (3.0, 0.5, -1.0)


def check_q1(answer) -> Feedback:
    """Q1: logits [3.0, 0.5, -1.0]; which logit must a new fourth class have to halve p1?"""
    z = np.array(Q1_LOGITS)
    total = float(np.exp(z).sum())
    x = float(np.log(total))
    p1 = float(softmax(z)[0])

    def p1_after(new_logit: float) -> float:
        return float(softmax(np.append(z, new_logit))[0])

    return check_number(
        answer,
        x,
        tol=0.006,
        what="a logit such as 1.5",
        why=f"Class 1's weight e^3 stays, so halving p1 = e^3 / total means doubling the total: the new "
        f"class's weight must equal the old total e^3 + e^0.5 + e^-1 = {total:.2f}, so its logit is "
        f"ln {total:.2f} = {x:.3f}, the log-sum-exp of the three logits. Then p1 falls from {p1:.3f} "
        f"to {p1_after(x):.3f}.",
        mistakes=[
            Near(
                3.0,
                f"With logit 3 the new class weighs as much as class 1, and p1 falls from {p1:.3f} to "
                f"{p1_after(3.0):.3f}: not yet half. The new class needs a larger logit.",
            ),
            Near(
                float(3.0 + np.log(2.0)),
                f"That gives the new class twice class 1's weight, and p1 falls to {p1_after(3.0 + np.log(2.0)):.3f}"
                f": below half of {p1:.3f}.",
            ),
            Near(total, f"{total:.2f} is the weight the new class needs, e^x. Its logit x is the log of that."),
            Near(
                float(np.log10(total)),
                "That is a base-10 log. Softmax exponentiates with base e, so use the natural log, np.log.",
            ),
            Near(p1 / 2, "That is the new p1. The question asks for the new class's logit."),
            Near(float(np.log(2.0)), "ln 2 would double class 1's weight, not the total of all the weights."),
        ],
        hint="Write class 1's probability before and after the new class joins, then set the second to half the first.",
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
