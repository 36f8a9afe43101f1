"""Lesson 04, the overflow trick: figures, the shift view and the exercise checks.

Read how a figure is drawn with ``lesson.draw_exp_ranges??``, ``lesson.draw_batch??``
or ``lesson.ShiftView??`` in the notebook.
"""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple

import numpy as np

from ..checks import (
    WARNED_HINT,
    Case,
    Feedback,
    Near,
    check_function,
    check_number,
    check_prediction,
    expect_array,
)
from ..core import logsumexp, naive_softmax, softmax
from ..examples import ANIMALS, LOGITS
from ..formatting import fmt_list, fmt_logit
from ..plots import bars, ensure_axes, set_alt
from ..style import COLORS
from ..widgets import FigureView

__all__ = [
    "ANIMALS",
    "LOGITS",
    "exp_limits",
    "draw_exp_ranges",
    "draw_batch",
    "break_points",
    "draw_naive_overflow_end",
    "naive_zones",
    "ShiftView",
    "widget",
    "check_q1",
    "check_q2",
    "check_q3",
    "q3_answer",
    "check_my_softmax",
    "reference_softmax",
    "predict_naive",
    "predict_float32",
    "predict_sum_overflow",
]

SHIFT_RANGE = (-1000.0, 1000.0)
DTYPES = (np.float16, np.float32, np.float64)
RIGHT, WRONG = COLORS["right"], COLORS["wrong"]

#: How far a naive bar may be off before it counts as visibly wrong (bars show 2 decimals).
VISIBLE = 0.005


# ---------------------------------------------------------------- float limits
class ExpLimits(NamedTuple):
    """Where ``np.exp`` stops giving an ordinary float, for one dtype.

    ``overflow``: above it ``exp`` is ``inf`` (``log(finfo.max)``).
    ``subnormal``: below it ``exp`` is subnormal, with fewer digits (``log(finfo.tiny)``).
    ``zero``: below it ``exp`` rounds to 0 (half the smallest subnormal).
    """

    dtype: str
    overflow: float
    subnormal: float
    zero: float


def exp_limits(dtype) -> ExpLimits:
    """The three thresholds of :class:`ExpLimits`, computed from ``np.finfo``."""
    fi = np.finfo(dtype)
    return ExpLimits(
        np.dtype(dtype).name,
        float(np.log(np.float64(fi.max))),
        float(np.log(np.float64(fi.tiny))),
        float(np.log(np.float64(fi.smallest_subnormal))) - math.log(2.0),
    )


def draw_exp_ranges(ax=None, marks=(-1000.0, 1000.0)):
    """One bar per dtype: the z for which e^z is a normal float (solid), a
    subnormal (hatched), or breaks (0 on the left, inf on the right)."""
    from matplotlib.patches import Patch

    ax = ensure_axes(ax)
    names, limits = [], [exp_limits(dt) for dt in DTYPES]
    for row, lim in enumerate(limits):
        names.append(lim.dtype)
        ax.barh(
            row,
            lim.overflow - lim.subnormal,
            left=lim.subnormal,
            height=0.5,
            color=RIGHT,
            edgecolor="black",
            linewidth=0.8,
        )
        ax.barh(
            row,
            lim.subnormal - lim.zero,
            left=lim.zero,
            height=0.5,
            color="white",
            edgecolor=RIGHT,
            hatch="///",
            linewidth=0.8,
        )
        ax.annotate(
            f"{lim.zero:.2f}",
            (lim.zero, row),
            xytext=(-5, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=13,
        )
        ax.annotate(
            f"{lim.overflow:.2f}",
            (lim.overflow, row),
            xytext=(5, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=13,
        )
    for m in marks:
        ax.axvline(m, color=WRONG, linestyle="--", linewidth=2)
        ax.annotate(
            f"z = {m:g}",
            (m, len(DTYPES) - 0.45),
            ha="right" if m > 0 else "left",
            xytext=(-4 if m > 0 else 4, 0),
            textcoords="offset points",
            fontsize=13,
            color=WRONG,
            va="top",
        )
    ax.set_yticks(range(len(DTYPES)), names)
    ax.set_ylim(-0.5, len(DTYPES) - 0.3)
    ax.set_xlim(-1100, 1100)
    ax.set_xlabel("z   (left of a bar: e^z rounds to 0;  right of it: e^z = inf)")
    ax.set_title("Where np.exp(z) is a finite, non-zero float")
    ax.legend(
        handles=[
            Patch(facecolor=RIGHT, edgecolor="black", label="normal float"),
            Patch(facecolor="white", edgecolor=RIGHT, hatch="///", label="subnormal"),
        ],
        loc="lower left",
        fontsize=12,
    )
    ax.grid(axis="y", visible=False)
    ranges = "; ".join(
        f"{lim.dtype}: e^z is finite and non-zero for z from {lim.zero:.2f} to {lim.overflow:.2f}"
        for lim in reversed(limits)
    )
    set_alt(
        ax.figure,
        f"Horizontal bars, one per float type. {ranges}. Dashed lines at z = "
        f"{', '.join(f'{m:g}' for m in marks)} lie outside every range.",
    )
    return ax


# ---------------------------------------------------------------- a batch with NaN placeholders
def draw_batch(fig, batch, titles, labels=ANIMALS):
    """softmax of each row of ``batch`` in its own panel (NaN rows shown as
    placeholders); return the probabilities."""
    batch = np.asarray(batch, dtype=float)
    p = softmax(batch)
    axes = fig.subplots(1, len(batch), sharey=True)
    for ax, row, probs, title in zip(axes, batch, p, titles):
        bars(probs, labels, ax=ax, title=title, ylim=(0, 1.2))
        ax.set_xlabel(f"z = [{', '.join(fmt_logit(v) for v in row)}]", fontsize=13)
    axes[0].set_ylabel("probability")
    rows = "; ".join(
        f"{t}: z = [{', '.join(fmt_logit(v) for v in r)}] gives "
        + ("NaN in every entry" if np.isnan(q).any() else fmt_list(q))
        for t, r, q in zip(titles, batch, p)
    )
    set_alt(fig, f"Softmax of a batch, one panel per row. {rows}.")
    return p


# ---------------------------------------------------------------- the shift view
class Shifted(NamedTuple):
    """What the view computed for one shift: the shifted logits, both softmaxes
    and the naive version's status ("ok", "wrong", "zeros" or "nan")."""

    shift: float
    logits: np.ndarray
    naive: np.ndarray
    stable: np.ndarray
    status: str


def _status(naive: np.ndarray, stable: np.ndarray) -> np.ndarray:
    """Per row: "nan" if the naive row has a NaN, "zeros" if it is all 0 (the sum
    overflowed), "wrong" if it is off by more than :data:`VISIBLE`, else "ok"."""
    bad = np.isnan(naive).any(axis=-1)
    zeros = np.all(naive == 0, axis=-1)
    err = np.max(np.abs(np.where(np.isnan(naive), 0.0, naive) - stable), axis=-1)
    return np.where(bad, "nan", np.where(zeros, "zeros", np.where(err > VISIBLE, "wrong", "ok")))


class BreakPoints(NamedTuple):
    """Where ``naive_softmax(z + c)`` breaks, for shifts c (see :func:`break_points`)."""

    all_zero: float  #: below: every e^z rounds to 0, and 0 / 0 is NaN
    sum_overflow: float  #: above: the sum of the e^z is inf, and every e^z / inf is 0
    term_overflow: float  #: above: the largest e^z is inf too, and inf / inf is NaN


def break_points(z=LOGITS, dtype=np.float64) -> BreakPoints:
    """The shifts c at which ``naive_softmax(z + c)`` changes how it fails:

    * below ``log(smallest_subnormal / 2) - max(z)`` every e^z rounds to 0: NaN;
    * above ``log(max) - logsumexp(z)`` the sum of the e^z overflows: all zeros;
    * above ``log(max) - max(z)`` the largest e^z overflows as well: NaN.
    """
    lim = exp_limits(dtype)
    z = np.asarray(z, dtype=float)
    top = float(np.max(z))
    return BreakPoints(lim.zero - top, lim.overflow - float(logsumexp(z)), lim.overflow - top)


@functools.cache
def naive_zones(z: tuple[float, ...] = LOGITS, step: float = 0.005) -> tuple[tuple[float, float, str], ...]:
    """Where ``naive_softmax(z + c)`` fails, as ``(start, stop, status)`` spans
    covering :data:`SHIFT_RANGE`: "nan" at both ends, "wrong" (off by more
    than :data:`VISIBLE`) or "zeros" next to them, "ok" in the middle.

    Computed on a grid of shifts ``step`` apart.  Near the underflow end the
    error flickers in and out of visibility as the subnormals round; the
    "wrong" span runs from the first to the last visibly wrong shift.
    """
    c = np.arange(SHIFT_RANGE[0], SHIFT_RANGE[1] + step / 2, step)
    x = np.asarray(z, dtype=float)[None, :] + c[:, None]
    with np.errstate(all="ignore"):
        st = _status(naive_softmax(x), softmax(x))
    lo_end, hi_end = SHIFT_RANGE
    left, right = c < 0, c >= 0
    nan_l, bad_l = c[left & (st == "nan")], c[left & (st != "ok")]
    nan_r, bad_r = c[right & (st == "nan")], c[right & (st != "ok")]
    half = step / 2
    b1 = float(nan_l.max() + half) if nan_l.size else lo_end
    b2 = float(bad_l.max() + half) if bad_l.size else lo_end
    b3 = float(bad_r.min() - half) if bad_r.size else hi_end
    b4 = float(nan_r.min() - half) if nan_r.size else hi_end

    def kind(a, b):  # the status in the middle of a span
        mid = np.asarray(z, dtype=float) + (a + b) / 2
        with np.errstate(all="ignore"):
            return str(_status(naive_softmax(mid), softmax(mid)))

    spans = [(lo_end, b1, "nan"), (b1, b2, "wrong"), (b2, b3, "ok"), (b3, b4, None), (b4, hi_end, "nan")]
    return tuple((a, b, k or kind(a, b)) for a, b, k in spans if b > a)


def draw_naive_overflow_end(ax, z=LOGITS, labels=ANIMALS, lo: float = 706.9, hi: float = 708.3, n: int = 1401):
    """The naive probabilities of ``z + c`` for shifts c from ``lo`` to ``hi`` (a gap in a line is NaN),
    with dashed lines where the sum and the largest term overflow; return ``(c, probabilities)``."""
    z = np.asarray(z, dtype=float)
    c = np.linspace(lo, hi, n)
    with np.errstate(all="ignore"):  # NaN and inf are the point here
        p = naive_softmax(z + c[:, None])
    for k in reversed(range(len(z))):  # the first class last, on top
        ax.plot(c, p[:, k], label=f"naive p({labels[k]})")
    ax.axhline(float(softmax(z)[0]), color=COLORS["reference"], linestyle=":", label=f"right p({labels[0]})")
    b = break_points(z)
    for x in (b.sum_overflow, b.term_overflow):
        ax.axvline(x, color="black", linestyle="--", linewidth=1)
    ax.set_xlabel("shift c added to every logit")
    ax.set_ylabel("naive probability")
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5))
    z0 = z[None, :] + np.array([[(b.sum_overflow + b.term_overflow) / 2], [hi]])
    with np.errstate(all="ignore"):
        mid, end = naive_softmax(z0)
    set_alt(
        ax.figure,
        f"Naive softmax of {fmt_list(z, '{:g}')} + c for c from {lo:g} to {hi:g}: right up to c = "
        f"{b.sum_overflow:.2f}, then {fmt_list(mid)} up to {b.term_overflow:.2f}, then "
        f"[{', '.join('NaN' if np.isnan(v) else f'{v:.2f}' for v in end)}] at {hi:g} (a missing line is NaN).",
    )
    return c, p


#: The three strips under the bars: the whole slider, and a zoom on each end where the naive version breaks.
_STRIPS = (
    (SHIFT_RANGE, "whole slider"),
    ((-750.0, -740.0), "zoom: c from −750 to −740"),
    ((706.9, 708.3), "zoom: c from 706.9 to 708.3"),
)
_SHADE = {"ok": (RIGHT, 0.35), "wrong": (COLORS["yellow"], 0.8), "zeros": (COLORS["yellow"], 0.8), "nan": (WRONG, 0.6)}
_ZONE_TEXT = {"ok": "right", "wrong": "wrong values", "zeros": "all 0", "nan": "NaN"}
_NAN_GREY = "#d9d9d9"


class ShiftView(FigureView):
    """The slider's figure: add ``shift`` to every logit, draw the naive and the
    stable softmax side by side, above strips that show where the naive
    version breaks (the whole slider range, and a zoom on each end).

    Built once; :meth:`update` only moves bars, texts and the slider marks.
    The naive softmax is computed under ``np.errstate(all="ignore")``: the
    figure marks NaN bars itself, and the slider never prints warnings.
    """

    def __init__(self, fig, z=LOGITS, labels=ANIMALS):
        super().__init__(fig)
        self.z = np.asarray(z, dtype=float)
        self.labels = tuple(labels)
        self.points = break_points(self.z)
        self.zones = naive_zones(tuple(float(v) for v in self.z))
        gs = fig.add_gridspec(3, 2, height_ratios=[3.4, 0.75, 0.75])
        ax_n = fig.add_subplot(gs[0, 0])
        ax_s = fig.add_subplot(gs[0, 1], sharey=ax_n)
        strips = [fig.add_subplot(gs[1, :]), fig.add_subplot(gs[2, 0]), fig.add_subplot(gs[2, 1])]
        self.axes = (ax_n, ax_s, *strips)
        p0 = softmax(self.z)
        self.bars = {}
        # The stable bars never move: they live in an inset Axes covering ax_s, which the live figure
        # keeps in its cached background (only what moves is repainted on a slider move).
        self.still = ax_s.inset_axes([0.0, 0.0, 1.0, 1.0], zorder=0.6)  # above the grid (0.5), as bars are
        for ax, key, title in (
            (ax_n, "naive", "naive:  e^z / Σ e^z"),
            (self.still, "stable", None),
        ):
            bars(
                p0,
                self.labels,
                ax=ax,
                color=COLORS[{"naive": "wrong", "stable": "right"}[key]],
                title=title,
                ylim=(0, 1.25),
                fmt=None,
            )
            rects = list(ax.patches)
            values = [ax.text(i, 0, "", ha="center", va="bottom", fontsize=13) for i in range(len(rects))]
            nans = [
                ax.text(
                    i,
                    0.3,
                    "NaN",
                    ha="center",
                    va="center",
                    fontsize=15,
                    fontweight="bold",
                    visible=False,
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"},
                )
                for i in range(len(rects))
            ]
            self.bars[key] = (rects, values, nans)
        self.still.set_axis_off()
        ax_s.set_xticks(range(len(self.labels)), self.labels)
        ax_s.set_xlim(self.still.get_xlim())
        ax_s.set_title("stable:  max subtracted first")
        ax_n.set_ylabel("probability")
        ax_s.tick_params(axis="y", labelleft=False)
        self.status = ax_n.text(
            0.02, 0.97, "", transform=ax_n.transAxes, ha="left", va="top", fontsize=12, fontweight="bold"
        )
        self.still.text(
            0.02,
            0.97,
            "never moves",
            transform=self.still.transAxes,
            ha="left",
            va="top",
            fontsize=12,
            color=RIGHT,
            fontweight="bold",
        )
        self.title = fig.suptitle("", fontsize=16, fontweight="bold")
        self.zone_axes = []
        self.marks = [self._strip(ax, lim, name) for ax, (lim, name) in zip(strips, _STRIPS)]

    def _strip(self, ax, lim, name):
        """Shade the zones inside ``lim``, label them, and return the slider's mark.

        The zones never move, so they are drawn in an inset Axes covering the strip
        (``self.zone_axes``): the live figure keeps it in its cached background and
        repaints only the mark on a move.
        """
        lo, hi = lim
        inner = []
        back = ax.inset_axes([0.0, 0.0, 1.0, 1.0], zorder=0.6)  # under the slider mark
        back.set_xlim(lo, hi)
        back.set_ylim(0, 1)
        back.set_axis_off()
        self.zone_axes.append(back)
        for a, b, kind in self.zones:
            a, b = max(a, lo), min(b, hi)
            if b <= a:
                continue
            color, alpha = _SHADE[kind]
            back.axvspan(a, b, color=color, alpha=alpha, linewidth=0)
            if (b - a) > 0.12 * (hi - lo):
                x = (a + b) / 2
                if a < 0.0 < b and abs(x) < 0.1 * (hi - lo):  # keep the label clear of the slider's start, c = 0
                    x = a / 2
                back.text(x, 0.5, _ZONE_TEXT[kind], ha="center", va="center", fontsize=12)
            inner += [a, b]
        edges = sorted({round(v, 2) for v in inner if lo < v < hi})
        for e in edges:
            back.axvline(e, color=COLORS["reference"], linewidth=1, linestyle="--")
        # the two zooms sit side by side: label only their outer ends, so -740 and 706.9 do not collide
        ticks = {"whole slider": [lo, 0.0, hi], _STRIPS[1][1]: [lo, *edges], _STRIPS[2][1]: [*edges, hi]}[name]
        ax.set_xticks(ticks, [f"{t:g}" if t in (lo, hi, 0.0) else f"{t:.2f}" for t in ticks])
        ax.set_xlim(lo, hi)
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ax.tick_params(axis="x", labelsize=12, pad=2)
        ax.grid(False)
        ax.set_title(name, fontsize=12, fontweight="normal", loc="left")
        (mark,) = ax.plot(
            [0.0, 0.0],
            [0.0, 0.92],
            color="black",
            linewidth=3,
            marker="v",
            markersize=11,
            markevery=[1],
            transform=ax.get_xaxis_transform(),
            clip_on=False,
        )
        return mark

    def _set_bars(self, key: str, probs: np.ndarray, color: str) -> None:
        rects, values, nans = self.bars[key]
        for rect, value, nan, v in zip(rects, values, nans, probs):
            if np.isnan(v):
                rect.set_height(0.6)
                rect.set_facecolor(_NAN_GREY)
                rect.set_hatch("xx")
                value.set_visible(False)
                nan.set_visible(True)
            else:
                rect.set_height(v)
                rect.set_facecolor(color)
                rect.set_hatch(None)
                value.set_position((rect.get_x() + rect.get_width() / 2, v + 0.02))
                value.set_text(f"{v:.2f}")
                value.set_visible(True)
                nan.set_visible(False)

    def update(self, shift: float = 0.0) -> Shifted:
        shift = float(shift)
        x = self.z + shift
        with np.errstate(all="ignore"):
            naive = naive_softmax(x)
            every_zero = bool(np.all(np.exp(x) == 0))
        stable = softmax(x)
        status = str(_status(naive, stable))
        self._set_bars("naive", naive, WRONG)
        self._set_bars("stable", stable, RIGHT)
        text = {
            "ok": "matches the stable version",
            "wrong": "WRONG values: the e^z are subnormal",
            "zeros": "WRONG: Σ e^z overflowed, e^z / inf = 0",
            "nan": "NaN: every e^z rounded to 0, 0/0" if every_zero else "NaN: e^z overflowed, inf/inf",
        }[status]
        self.status.set_text(text)
        self.status.set_color(RIGHT if status == "ok" else WRONG)
        self.title.set_text(f"shift c = {shift:+.2f}:  logits z + c,  max logit = {x.max():.2f}")
        for mark, (lim, _) in zip(self.marks, _STRIPS):
            mark.set_xdata([shift, shift])
            mark.set_visible(lim[0] <= shift <= lim[1])
        b = self.points
        naive_words = ", ".join("NaN" if np.isnan(v) else f"{v:.2f}" for v in naive)
        self.alt = (
            f"Shift c = {shift:+.2f}, logits {fmt_list(x)}. "
            f"Naive softmax: [{naive_words}] ({text}). Stable softmax: "
            f"{fmt_list(stable)}, the same at every shift. The naive version is "
            f"right to within {VISIBLE:g} (what the bars can show) for c from about {self.zones[1][1]:.2f} to "
            f"{b.sum_overflow:.2f}; visibly wrong values from "
            f"{b.all_zero:.2f} to {self.zones[1][1]:.2f}, all 0 from {b.sum_overflow:.2f} to "
            f"{b.term_overflow:.2f}, NaN beyond."
        )
        return Shifted(shift, x, naive, stable, status)


def widget():
    """One slider that adds the same constant to every logit."""
    from ..widgets import live_figure, slider

    controls = {"shift": slider("shift c added to every logit", 0.0, *SHIFT_RANGE, step=0.01, readout_format=".2f")}
    return live_figure(ShiftView, controls, figsize=(10, 5.6))


# ---------------------------------------------------------------- Predict checkpoints
PREDICT_NAIVE_OPTIONS = {
    "a": "0, its right probability to three decimals",
    "b": "NaN, like the other two",
    "c": "1: it is the only finite weight",
    "d": "nothing: an OverflowError stops the program",
}


def predict_naive(prediction) -> Feedback:
    """Predict: the third entry of naive_softmax([1000, 999, 0])."""
    return check_prediction(
        prediction,
        "a",
        options=tuple(PREDICT_NAIVE_OPTIONS),
        why="np.exp(1000) and np.exp(999) overflow to inf, so the sum is inf. The third entry is e^0 / inf = "
        "1 / inf = 0, which happens to be right: its true probability is about e^-1000. The first two are "
        "inf / inf, NaN. NumPy only warns; nothing stops the program.",
        hints={
            "b": "Only e^1000 and e^999 are inf. The third entry is e^0 / sum: a finite number divided by inf.",
            "c": "The third weight is 1, but softmax divides it by the sum of all three weights, and that sum is inf.",
            "d": "NumPy arrays do not raise on overflow; they return inf and warn.",
        },
    )


PREDICT_FLOAT32_OPTIONS = {
    "a": "exactly 0: e^-100 is too small for a float32",
    "b": "about 3.7e-44",
    "c": "about 1.2e-38, the smallest float32 it can hold",
    "d": "NaN",
}


def predict_float32(prediction) -> Feedback:
    """Predict: the second entry of the stable softmax of float32 [100, 0]."""
    lim = exp_limits(np.float32)
    fi = np.finfo(np.float32)
    steps = round(math.exp(-100.0) / float(fi.smallest_subnormal))
    return check_prediction(
        prediction,
        "b",
        options=tuple(PREDICT_FLOAT32_OPTIONS),
        why=f"After the shift the exponents are 0 and -100. In float32, e^z is subnormal for z from "
        f"{lim.zero:.2f} to {lim.subnormal:.2f}, and -100 is in between: e^-100 = {math.exp(-100.0):.3g} is "
        f"kept as {steps} steps of the smallest subnormal, {float(fi.smallest_subnormal):.3g}, which is "
        f"{steps * float(fi.smallest_subnormal):.3g}. Not 0, and not NaN: nothing overflows.",
        hints={
            "a": f"float32 rounds e^z to 0 only below z = {lim.zero:.2f} (section 2); -100 is above that.",
            "c": f"{float(fi.tiny):.2g} is the smallest NORMAL float32. Below it come the subnormals, "
            f"down to {float(fi.smallest_subnormal):.2g}.",
            "d": "The stable version subtracts the maximum first: the exponents are 0 and -100, and neither overflows.",
        },
    )


PREDICT_SUM_OPTIONS = {
    "a": "NaN in all three bars",
    "b": "0 in all three bars",
    "c": "NaN for cat, 0 for dog and bird",
    "d": "still the right probabilities",
}
#: The shift the sum-overflow Predict asks about.
SUM_SHIFT = 707.5


def predict_sum_overflow(prediction) -> Feedback:
    """Predict: the naive bars at c = 707.5, below the largest term's overflow but above the sum's."""
    b = break_points()
    top = max(LOGITS) + SUM_SHIFT
    return check_prediction(
        prediction,
        "b",
        options=tuple(PREDICT_SUM_OPTIONS),
        why=f"At c = {SUM_SHIFT:g} the largest term is e^{top:g}, still finite, but the sum is "
        f"e^{top:g} (1 + e^-1 + e^-1.9) = e^{float(logsumexp(np.array(LOGITS))) + SUM_SHIFT:.2f}, above the "
        f"largest float64 (e^709.78). So the sum is inf, and every finite e^z divided by inf is 0. The sum "
        f"overflows from c = {b.sum_overflow:.2f}; NaN only starts above c = {b.term_overflow:.2f}, where "
        f"e^(2 + c) itself is inf.",
        hints={
            "a": f"Is any single e^z infinite at c = {SUM_SHIFT:g}? The largest is e^{top:g}, below e^709.78.",
            "c": f"That is what happens from c = {b.term_overflow:.2f} on, once e^(2 + c) itself is inf.",
            "d": f"Add the three terms: e^{top:g} (1 + e^-1 + e^-1.9). Is that below the largest float64, e^709.78?",
        },
    )


# ---------------------------------------------------------------- Q1 to Q3
Q1_OFFSETS = (0.0, -1.0, -2.0)


def q1_threshold() -> float:
    """Q1's answer: the largest m for which the float32 sum e^m + e^(m-1) + e^(m-2) is finite."""
    return exp_limits(np.float32).overflow - float(logsumexp(np.array(Q1_OFFSETS)))


def check_q1(answer) -> Feedback:
    """Q1: the largest m for which naive_softmax of float32 [m, m-1, m-2] is still right (two decimals).

    Right answers lie in [threshold - 0.0155, threshold]: 88.31 (88.30 is accepted too).
    A number just above the threshold (88.32, 88.72, 88.73) overflows the float32 sum.
    """
    lim = exp_limits(np.float32)
    thr = q1_threshold()
    lse = float(logsumexp(np.array(Q1_OFFSETS)))
    half = 0.00775
    return check_number(
        answer,
        thr - half,
        tol=half,
        what="a number such as 12.34",
        why=f"The naive softmax breaks as soon as the SUM e^m (1 + e^−1 + e^−2) passes the largest float32: "
        f"m = log(max float32) − log(1 + e^−1 + e^−2) = {lim.overflow:.4f} − {lse:.4f} = {thr:.4f}. "
        "Above it, up to 88.72, every probability comes out 0; above 88.72, NaN.",
        mistakes=[
            Near(
                88.73,
                "np.exp(np.float32(88.73)) is already inf. And the sum overflows before the largest term "
                "does: subtract log(1 + e^−1 + e^−2).",
                tol=0.004,
            ),
            Near(
                lim.overflow,
                f"At m = {lim.overflow:.2f} the largest term e^m alone reaches the float32 limit, "
                "but the sum of the three terms passes it earlier. Subtract log(1 + e^−1 + e^−2).",
                tol=0.006,
            ),
            Near(
                thr + 0.005,
                f"Rounded up: at m = 88.32 the float32 sum is already inf. The limit is {thr:.4f}…, "
                "so two decimals that still work are 88.31.",
                tol=0.0049,
            ),
            Near(
                exp_limits(np.float64).overflow - lse,
                "That is the float64 answer. The logits here are float32, whose largest number is about 3.4e38.",
                tol=0.02,
            ),
            Near(
                exp_limits(np.float64).overflow,
                "That is the float64 limit for one term. The logits are float32, "
                "and it is the sum that overflows first.",
                tol=0.02,
            ),
            Near(
                lim.overflow - math.log(3.0),
                "You subtracted log 3, as if the three terms were equal. They are "
                "e^m, e^(m−1) and e^(m−2): subtract log(1 + e^−1 + e^−2).",
                tol=0.01,
            ),
            Near(
                lim.overflow + lse,
                "You added log(1 + e^−1 + e^−2). The sum is larger than its largest term, "
                "so it overflows at a SMALLER m: subtract it.",
                tol=0.01,
            ),
            Near(
                lim.overflow - 2.0,
                "That is where the smallest term, e^(m−2), would overflow. The sum, the "
                "largest quantity, overflows first.",
                tol=0.01,
            ),
        ],
        hint="Section 7's rule in float32: the sum overflows when log Σ e^z > log(largest float32). "
        "Here log Σ e^z = m + log(1 + e^−1 + e^−2).",
    )


Q2_LOGITS = (1000.0, 1000.0, 1000.0)


def check_q2(answer) -> Feedback:
    """Q2: logsumexp([1000, 1000, 1000]) by the trick."""
    expected = float(logsumexp(Q2_LOGITS))
    return check_number(
        answer,
        expected,
        tol=0.005,
        what="a number such as 1234.567",
        why=f"m = 1000 and every z − m is 0, so the sum is e^0 + e^0 + e^0 = 3 and the answer is "
        f"1000 + log 3 = {expected:.3f}. No exponential larger than 1 was ever computed.",
        mistakes=[
            Near(1000.0, "That is m alone. Add log Σ e^(z − m): the sum is 3, not 1.", tol=0.01),
            Near(
                1000.0 + math.log(2.0), "That is 1000 + log 2, the two-entry example. Here there are three equal terms."
            ),
            Near(1003.0, "That is m + Σ e^(z − m): take the log of the sum, m + log 3."),
            Near(1000.0 + math.log10(3.0), "That used log10. np.log and the formula use the natural log."),
            Near(3000.0, "That is the sum of the logits. Log-sum-exp is close to the largest logit, not their sum."),
        ],
        hint="Do not compute np.exp(1000). Factor out m = max(z): every z − m is 0, so each term is e^0.",
    )


Q3_LOGITS = (3.0, 1.0, 2.0, 0.5)
Q3_ILLEGAL = (0, 2)
Q3_MOVE = 1


def q3_answer() -> float:
    """Q3's answer: the probability of move 1 once moves 0 and 2 are masked with -inf."""
    z = np.array(Q3_LOGITS)
    z[list(Q3_ILLEGAL)] = -np.inf
    return float(softmax(z)[Q3_MOVE])


def check_q3(answer) -> Feedback:
    """Q3: the probability of move 1 of [3, 1, 2, 0.5] with moves 0 and 2 masked (three decimals)."""
    z = np.array(Q3_LOGITS)
    expected = q3_answer()
    zeroed = z.copy()
    zeroed[list(Q3_ILLEGAL)] = 0.0
    legal = [i for i in range(len(z)) if i not in Q3_ILLEGAL]
    return check_number(
        answer,
        expected,
        tol=0.0015,
        what="a probability such as 0.123",
        why=f"Masked, the logits are [−∞, 1, −∞, 0.5]: e^−∞ = 0, so only moves 1 and 3 share the probability, "
        f"and p(move 1) = e^1 / (e^1 + e^0.5) = 1 / (1 + e^−0.5) = {expected:.3f}.",
        mistakes=[
            Near(
                float(softmax(z)[Q3_MOVE]),
                "That is move 1 without the mask (or with the illegal probabilities set to 0 afterwards, "
                "which leaves the rest summing to less than 1). Put −∞ in the illegal logits, then take the softmax.",
                tol=0.0015,
            ),
            Near(
                float(softmax(zeroed)[Q3_MOVE]),
                "You set the illegal logits to 0. A logit of 0 is an ordinary score, not a mask: use −∞.",
                tol=0.0015,
            ),
            Near(
                float(softmax(z[legal])[1]),
                "That is move 3, the other legal move. The question asks for move 1.",
                tol=0.0015,
            ),
            Near(1.0 / 1.5, "That is 1 / (1 + 0.5): dividing the logits by their sum. Exponentiate first.", tol=0.0015),
            Near(0.0, "Move 1 is legal: only moves 0 and 2 are masked.", tol=0.0005),
        ],
        hint="Mask with np.where or by assignment: z[[0, 2]] = -np.inf, then softmax(z)[1].",
    )


# ---------------------------------------------------------------- Write it: a stable softmax
#: The one warning the max trick itself may cause, and it is harmless: -1e308 - 1e308 = -inf, e^-inf = 0.
HARMLESS = ("overflow encountered in subtract",)

ORDINARY_HINT = "Exponentiate, then divide by the sum along the last axis: e = np.exp(z - m); e / e.sum(...)."

_HOSTILE = (
    (
        "[1000, 999, 0]",
        [1000.0, 999.0, 0.0],
        "np.exp(1000) overflows to inf, and inf / inf is NaN. Subtract the row's maximum before np.exp: "
        "then the largest exponent is e^0 = 1.",
    ),
    (
        "[-1000, -1001]",
        [-1000.0, -1001.0],
        "Every np.exp here underflows to 0, and 0 / 0 is NaN. After subtracting the maximum, one term "
        "is e^0 = 1, so the sum is at least 1.",
    ),
    (
        "[1e308, -1e308]",
        [1e308, -1e308],
        "Subtract the maximum, not the mean or the minimum: the mean is 0 here, and e^1e308 overflows.",
    ),
    (
        "float32 [100, 0]",
        np.array([100.0, 0.0], dtype=np.float32),
        "In float32, np.exp overflows above 88.72 already. Subtracting the maximum works in every dtype.",
    ),
    (
        "batch [[1, 2, 3], [1000, 1000, 0]]",
        [[1.0, 2.0, 3.0], [1000.0, 1000.0, 0.0]],
        "Each row is its own softmax: take the max and the sum along the last axis, with axis=-1 and "
        "keepdims=True so that they broadcast back against z.",
    ),
    (
        "[0, -inf, 1]",
        [0.0, -np.inf, 1.0],
        "-inf is a mask: e^-inf = 0, so that entry gets probability exactly 0. Subtracting the max "
        "(1 here) keeps it -inf; subtracting the min or the mean gives -inf - (-inf) = NaN.",
    ),
    (
        "constant row [5, 5, 5, 5]",
        [5.0, 5.0, 5.0, 5.0],
        "Equal logits give equal probabilities, 1/4 each. Dividing by max - min or by the standard "
        "deviation turns a constant row into 0 / 0.",
    ),
)

#: The inputs check_my_softmax tries after an ordinary row: (name, logits, hint).
HOSTILE = tuple((name, np.asarray(z, dtype=getattr(z, "dtype", float)), hint) for name, z, hint in _HOSTILE)
ORDINARY = ("ordinary [2, 1, 0.1]", np.array(LOGITS))

SOFTMAX_WARNED_HINT = WARNED_HINT + " In a stable softmax, call np.exp only on z - max, never on the raw logits."


def softmax_cases() -> list[Case]:
    """The cases of :func:`check_my_softmax`: one ordinary row, then the hostile ones."""
    name, z = ORDINARY
    cases = [Case(name, (z,), expect_array(softmax(z)), ORDINARY_HINT)]
    cases += [Case(n, (zz,), expect_array(softmax(zz)), h) for n, zz, h in HOSTILE]
    return cases


def check_my_softmax(fn: Any) -> Feedback:
    """Run a learner's ``my_softmax(z)`` on an ordinary row and seven hostile ones,
    and compare each result with :func:`softmax_lib.softmax`.

    Says which input broke it and how (an exception, NaN, inf, wrong values, a
    wrong shape, a changed input, a warning, a tuple, text or complex numbers),
    with a hint for that failure.  Returns a :class:`~softmax_lib.checks.CodeFeedback`
    with one row per input.
    """
    return check_function(
        fn,
        softmax_cases(),
        name="my_softmax",
        success="It agrees with softmax_lib.softmax on ordinary, huge, tiny, ±1e308, float32, "
        "batched, masked and constant rows: your softmax is stable.",
        harmless=HARMLESS,
        params="z",
        params_meaning="the logits",
        returns="probabilities",
        warned_hint=SOFTMAX_WARNED_HINT,
        forbid_calls=("softmax", "log_softmax", "logsumexp"),
        forbidden_hint="write it with NumPy: subtract np.max(z, axis=-1, keepdims=True), np.exp, then divide "
        "by np.sum(..., axis=-1, keepdims=True), as section 3 did for one row.",
    )


def reference_softmax(z):
    """The three-line stable softmax the exercise asks for (used by the tests)."""
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)
