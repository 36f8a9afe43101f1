"""Lesson 02, exponentiation: figures, the widget and the checks."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..checks import Feedback, Near, check_choice, check_number
from ..core import sigmoid, softmax
from ..plots import annotate_bars, bars
from ..style import COLORS

DOG_LOGITS = (4.8, 1.21, 2.385)
DOG_LABELS = ("dog", "cat", "bird")
BATCH = ((4.8, 1.21, 2.385), (8.9, -1.81, 0.2), (1.41, 1.051, 0.026))


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

    Returns ``"ok"`` or the first thing wrong with it: ``"inf/NaN"``,
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
    return "ok"


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
    """Left: the logits as bars.  Right: e^x on [-5, 5] with each logit's weight marked.

    Returns the weights ``e^z``.
    """
    fig.clear()
    ax_z, ax_e = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.5]})
    z = np.asarray(z, dtype=float)
    bars(z, labels, ax=ax_z, color=COLORS["logit"], title="logits z", ylabel="logit",
         ylim=(min(0.0, z.min()) - 0.6, max(0.0, z.max()) + 0.6))

    x = np.linspace(-5, 5, 400)
    ax_e.plot(x, np.exp(x), color=COLORS["accent"], label="$e^x$")
    ax_e.axhline(0, color="black", linewidth=1)
    ax_e.axvspan(-5, 0, color=COLORS["logit"], alpha=0.08)
    ax_e.text(-4.8, 28, "x < 0: $e^x$ is small\nbut still above 0", fontsize=13, va="bottom")
    w = np.exp(z)
    order = np.argsort(z)  # lowest logit gets the lowest label, so arrows do not cross
    for k, i in enumerate(order):
        ax_e.plot([z[i], z[i]], [0, w[i]], color=COLORS["logit"], linestyle="--", linewidth=1.5)
        ax_e.plot(z[i], w[i], "o", color=COLORS["logit"], markersize=9, zorder=3)
        ax_e.annotate(f"{labels[i]}: $e^{{{z[i]:g}}}$ = {w[i]:.2f}", (z[i], w[i]),
                      xytext=(-4.8, 70 + 25 * k), fontsize=13,
                      arrowprops={"arrowstyle": "->", "color": "black", "linewidth": 1})
    ax_e.set_xlim(-5, 5)
    ax_e.set_ylim(-8, 155)
    ax_e.set_xlabel("x")
    ax_e.set_ylabel("$e^x$")
    ax_e.set_title("$e^x$ is positive for every x")
    return w


def draw_amplify(fig, z=DOG_LOGITS, labels=DOG_LABELS, i: int = 0, j: int = 2):
    """Logits and their exponentials side by side, with the ratio of entries i and j.

    Returns ``(logit ratio, weight ratio)``.
    """
    fig.clear()
    ax_z, ax_e = fig.subplots(1, 2)
    z = np.asarray(z, dtype=float)
    w = np.exp(z)
    bars(z, labels, ax=ax_z, color=COLORS["logit"], title="logits z", ylabel="logit",
         ylim=(0, z.max() * 1.3), fmt="{:g}")
    bars(w, labels, ax=ax_e, color=COLORS["accent"], title="weights $e^z$", ylabel="$e^z$",
         ylim=(0, w.max() * 1.3), fmt="{:.1f}")
    r_z, r_w = z[i] / z[j], w[i] / w[j]
    for ax, r in ((ax_z, r_z), (ax_e, r_w)):
        ax.text(0.97, 0.95, f"{labels[i]} / {labels[j]} = {r:.1f}×", transform=ax.transAxes,
                ha="right", va="top", fontsize=15, fontweight="bold",
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.6"})
    return r_z, r_w


def draw_ratio_vs_gap(ax, gaps, ratios):
    """Scatter of p_i / p_j against z_i - z_j on a log axis, over the curve e^gap."""
    g = np.linspace(min(gaps) - 0.3, max(gaps) + 0.3, 200)
    ax.semilogy(g, np.exp(g), color=COLORS["accent"], label="$e^{\\,gap}$", zorder=1)
    ax.scatter(gaps, ratios, s=40, color=COLORS["prob"], edgecolor="black", linewidth=0.6,
               label="$p_i / p_j$ from softmax", zorder=2)
    top = int(np.ceil(max(abs(min(gaps)), abs(max(gaps))) / np.log(10)))
    step = max(1, int(np.ceil(top / 4)))
    _ratio_ticks(ax, range(-step * (top // step + 1), step * (top // step + 1) + 1, step))
    ax.set_ylim(np.exp(g[0]), np.exp(g[-1]))
    ax.set_xlabel("gap $z_i - z_j$")
    ax.set_ylabel("$p_i / p_j$ (log scale)")
    ax.legend(loc="upper left")
    return ax


def draw_normalisers(fig, cases: dict[str, list[float]]):
    """One row per case, one column per method (divide-by-sum, squares, softmax), as bars.

    The x-axis labels are the logits.  The band [0, 1] (where probabilities
    live) is shaded green; each panel says whether its output is usable.
    Returns the table of verdicts ``{case: {method: verdict}}``.
    """
    fig.clear()
    fig.set_layout_engine("none")  # 12 panels: a fixed layout draws much faster than constrained
    axes = fig.subplots(len(cases), len(NORMALISERS), squeeze=False,
                        gridspec_kw={"left": 0.05, "right": 0.99, "top": 0.92, "bottom": 0.04,
                                     "hspace": 0.42, "wspace": 0.16})
    table = {}
    for row, (name, z) in enumerate(cases.items()):
        z = np.asarray(z, dtype=float)
        for col, (method, f) in enumerate(NORMALISERS.items()):
            p = f(z)
            v = table.setdefault(name, {})[method] = verdict(z, p)
            ax = axes[row, col]
            shown = np.where(np.isfinite(p), p, 0.0)
            ax.axhspan(0, 1, color=COLORS["stable"], alpha=0.12)
            ax.bar(range(len(z)), shown, color=COLORS["prob"] if method == "softmax" else COLORS["naive"],
                   edgecolor="black", linewidth=0.8)
            ax.axhline(0, color="black", linewidth=1)
            labels = [f"{v:.2f}" if np.isfinite(v) else ("NaN" if np.isnan(v) else f"{v:+}") for v in p]
            annotate_bars(ax, shown, labels)
            lo, hi = min(0.0, float(shown.min())), max(1.0, float(shown.max()))
            pad = 0.45 * (hi - lo)
            ax.set_ylim(lo - pad, hi + pad)
            ax.set_yticks([])  # every bar carries its value; the green band marks [0, 1]
            ax.set_xticks(range(len(z)), [f"{zi:g}" for zi in z], fontsize=12)
            ax.grid(False)
            if row == 0:  # column header above the first row's verdict
                box = ax.get_position()
                fig.text((box.x0 + box.x1) / 2, 0.995, method, ha="center", va="top",
                         fontsize=16, fontweight="bold")
            if col == 0:
                ax.set_ylabel(name, fontsize=14)
            good = v == "ok"
            ax.set_title("usable" if good else v, fontsize=13, fontweight="bold",
                         color=COLORS["stable"] if good else COLORS["naive"])
    return table


def _matrix(ax, m, *, fmt="{:.2f}", extra_col=None, extra_row=None, col_title="", row_title="",
            bad=None):
    """Draw matrix ``m`` as a grid of numbers, optionally with a sums column/row."""
    n, k = m.shape
    for r in range(n):
        for c in range(k):
            ax.add_patch(_rect(c, r, "white"))
            ax.text(c + 0.5, r + 0.5, fmt.format(m[r, c]), ha="center", va="center", fontsize=14)
    if extra_col is not None:
        for r, v in enumerate(extra_col):
            colour = COLORS["naive"] if bad is not None and bad[r] else COLORS["stable"]
            ax.add_patch(_rect(k + 0.25, r, colour, alpha=0.18))
            ax.text(k + 0.75, r + 0.5, fmt.format(v), ha="center", va="center", fontsize=14,
                    fontweight="bold")
        ax.text(k + 0.75, -0.15, col_title, ha="center", va="bottom", fontsize=13)
    if extra_row is not None:
        for c, v in enumerate(extra_row):
            ax.add_patch(_rect(c, n + 0.25, COLORS["sky"], alpha=0.25))
            ax.text(c + 0.5, n + 0.75, fmt.format(v), ha="center", va="center", fontsize=14,
                    fontweight="bold")
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
    _matrix(ax, e, extra_col=e.sum(axis=1), extra_row=e.sum(axis=0),
            col_title="row sums\n(axis=1)", row_title="column sums\n(axis=0)")
    ax.annotate("", xy=(k + 0.2, -0.2), xytext=(0.05, -0.2),
                arrowprops={"arrowstyle": "->", "color": COLORS["stable"], "linewidth": 2.5})
    ax.text(0.05, -0.3, "axis=1: across each row", ha="left", va="bottom", fontsize=14,
            color=COLORS["stable"], fontweight="bold")
    ax.annotate("", xy=(-0.15, n + 0.2), xytext=(-0.15, 0.05),
                arrowprops={"arrowstyle": "->", "color": COLORS["logit"], "linewidth": 2.5})
    ax.text(-0.3, n / 2, "axis=0:\ndown each\ncolumn", ha="right", va="center",
            fontsize=14, color=COLORS["logit"], fontweight="bold")
    ax.set_ylim(n + 1.4, -0.9)
    ax.set_title(f"$e^z$ for a batch: {n} samples (rows) × {k} classes (columns)", fontsize=15)
    return e.sum(axis=1), e.sum(axis=0)


def draw_batch_division(fig, batch=BATCH):
    """Left: e / e.sum(axis=1, keepdims=True).  Right: e / e.sum(axis=1), the silent bug.

    Returns the row sums of ``(right, wrong)``.
    """
    fig.clear()
    ax_ok, ax_bad = fig.subplots(1, 2)
    e = np.exp(np.asarray(batch, dtype=float))
    good = e / e.sum(axis=1, keepdims=True)
    wrong = e / e.sum(axis=1)
    for ax, m, title in ((ax_ok, good, "e / e.sum(axis=1, keepdims=True)"),
                         (ax_bad, wrong, "e / e.sum(axis=1)   (no keepdims)")):
        sums = m.sum(axis=1)
        _matrix(ax, m, fmt="{:.3f}", extra_col=sums, col_title="row\nsum", bad=~np.isclose(sums, 1.0))
        ax.set_title(title, fontsize=14, fontfamily="monospace", fontweight="normal")
    return good.sum(axis=1), wrong.sum(axis=1)


# ---------------------------------------------------------------- widget
class GapResult(NamedTuple):
    """What the widget's figure shows: the probabilities, p1/p2 and e^(z1-z2)."""

    p: np.ndarray
    ratio: float
    exp_gap: float


OTHER_LOGIT = 0.0
GAP_RANGE = (-12.0, 12.0)


def _build_gap_figure(fig) -> dict:
    """Create the widget's axes and artists once; :func:`draw_gap` only updates them."""
    fig.clear()
    ax_p, ax_r = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
    rects = ax_p.bar([0, 1, 2], [0.0, 0.0, 0.0], color=[COLORS["prob"], COLORS["prob"], COLORS["reference"]],
                     edgecolor="black", linewidth=0.8)
    labels = [ax_p.annotate("", (i, 0.0), xytext=(0, 4), textcoords="offset points", ha="center",
                            va="bottom", fontsize=13) for i in range(3)]
    ax_p.set_ylim(0, 1.15)
    ax_p.set_ylabel("probability")
    ax_p.set_title("softmax([z1, z2, 0])")

    g = np.linspace(*GAP_RANGE, 200)
    ax_r.semilogy(g, np.exp(g), color=COLORS["accent"])
    (point,) = ax_r.plot([0.0], [1.0], "o", color=COLORS["naive"], markersize=11,
                         markeredgecolor="black", zorder=3, clip_on=False)
    vline = ax_r.axvline(0.0, color=COLORS["naive"], linewidth=1, linestyle=":")
    ax_r.set_xlim(*GAP_RANGE)
    ax_r.set_ylim(np.exp(GAP_RANGE[0]) / 3, np.exp(GAP_RANGE[1]) * 3)
    _ratio_ticks(ax_r, (-4, -2, 0, 2, 4))
    ax_r.set_xticks([-12, -8, -4, 0, 4, 8, 12])
    ax_r.set_xlabel("gap z1 − z2")
    ax_r.set_ylabel("p1 / p2 (log scale)")
    ax_r.set_title("ratio = $e^{\\,gap}$")
    box = ax_r.text(0.03, 0.95, "", transform=ax_r.transAxes, fontsize=14,
                    bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.6"})
    return {"axes": (ax_p, ax_r), "rects": rects, "labels": labels, "point": point,
            "vline": vline, "box": box}


def draw_gap(fig, z1: float = 1.5, z2: float = -0.5) -> GapResult:
    """Two sliders' logits plus a third class fixed at 0.

    Left: the three probabilities as bars.  Right: the curve ratio = e^gap on a
    log axis with the current (z1 - z2, p1/p2) marked.  Returns a :class:`GapResult`.

    The axes are built on the first call and only updated afterwards, which
    keeps a slider redraw cheap; a cleared or foreign figure is rebuilt.
    """
    art = getattr(fig, "_gap_artists", None)
    if art is None or art["axes"][0] not in fig.axes:
        art = fig._gap_artists = _build_gap_figure(fig)
    ax_p, _ = art["axes"]
    z = np.array([z1, z2, OTHER_LOGIT], dtype=float)
    p = softmax(z)
    ratio, gap = float(p[0] / p[1]), float(z1 - z2)
    for rect, label, pi in zip(art["rects"], art["labels"], p):
        rect.set_height(pi)
        label.xy = (rect.get_x() + rect.get_width() / 2, pi)
        label.set_text(f"{pi:.2f}")
    ax_p.set_xticks([0, 1, 2], [f"class 1\nz1 = {z1:.1f}", f"class 2\nz2 = {z2:.1f}", "other\nz = 0"],
                    fontsize=13)
    art["point"].set_data([gap], [ratio])
    art["vline"].set_xdata([gap, gap])
    left = gap < 0  # keep the text box away from the point
    box = art["box"]
    box.set_text(f"p1 / p2 = {fmt_ratio(ratio)}\n"
                 f"$e^{{z1-z2}}$ = $e^{{{gap:.1f}}}$ = {fmt_ratio(np.exp(gap))}")
    box.set_position((0.97, 0.05) if left else (0.03, 0.95))
    box.set_horizontalalignment("right" if left else "left")
    box.set_verticalalignment("bottom" if left else "top")
    return GapResult(p, ratio, float(np.exp(gap)))


def widget():
    """Sliders for z1 and z2; the figure shows p1/p2 following e^(z1 - z2)."""
    from ..widgets import live_figure, slider

    controls = {
        "z1": slider("z1 (class 1 logit)", 1.5, -6.0, 6.0),
        "z2": slider("z2 (class 2 logit)", -0.5, -6.0, 6.0),
    }
    return live_figure(draw_gap, controls, figsize=(10, 4.2), columns=2)


# ---------------------------------------------------------------- exercises
def check_q1(answer) -> Feedback:
    """Q1: two logits differ by 2; how many times more probable is the larger?"""
    r = float(np.exp(2.0))
    return check_number(
        answer, r, tol=0.05, what="a ratio such as 3.5",
        why=f"p_i / p_j = e^(z_i - z_j) = e^2 = {r:.2f}, whatever the two logits are "
            "and whatever the other classes hold.",
        mistakes=[
            Near(2.0, "2 is the gap itself (or the ratio of logits 2 and 1, say). Softmax turns the "
                      "gap into a ratio by exponentiating it: e^gap."),
            Near(4.0, "4 is what squaring would give for logits 2 and 1 (2² / 1²). Softmax uses "
                      "e^z, and then only the gap counts: e^(z_i - z_j)."),
            Near(float(np.exp(-2.0)), "That is e^-2, the ratio the other way round: "
                                      "the smaller over the larger. The question asks how many "
                                      "times MORE probable the larger one is.", tol=0.01),
            Near(float(sigmoid(2.0)), "That is sigmoid(2), the probability of the larger class when "
                                      "there are only two classes. The question asks for the ratio "
                                      "of the two probabilities.", tol=0.01),
            Near(float(np.e), "That is e^1. The gap is 2, so the ratio is e^2."),
        ],
        hint="Write p_i / p_j as e^(z_i) / e^(z_j): the denominators cancel. What is left?",
    )


Q2_OPTIONS = {"a": "(64,)", "b": "(64, 1)", "c": "(1, 10)", "d": "(10,)"}


def check_q2(answer) -> Feedback:
    """Q2: a batch of 64 samples × 10 classes: which shape must the row sums have?"""
    return check_choice(
        answer, "b", options=tuple(Q2_OPTIONS),
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
        answer, gap, tol=0.02, what="a number such as 1.5",
        why=f"p1 / p2 = 0.8 / 0.2 = 4 = e^(z1 - z2), so z1 - z2 = ln 4 = {gap:.3f}. "
            "Any pair of logits with that gap works, e.g. [1.386, 0] or [5.386, 4].",
        mistakes=[
            Near(4.0, "4 is the ratio p1 / p2. The ratio is e^gap; undo the exponential with np.log."),
            # 0.6 and log10(4) = 0.602 are close: tight tolerances tell them apart
            Near(0.6, "0.6 is the difference of the probabilities. Logit gaps turn into RATIOS of "
                      "probabilities: p1 / p2 = e^(z1 - z2).", tol=0.001),
            Near(float(np.log10(4.0)), "That is log10(4). The exponential in softmax has base e, "
                                       "so use the natural log, np.log.", tol=0.001),
            Near(-gap, "The sign is flipped: class 1 is the more probable one, so z1 > z2."),
        ],
        hint="Start from p1 / p2 = e^(z1 - z2) and take the natural log of both sides.",
    )
