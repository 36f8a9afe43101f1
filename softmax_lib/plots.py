"""Plot helpers shared by the lessons.  Each takes ``ax=None`` and returns the Axes.

Every lesson draws bars with :func:`bars`, puts temperatures on
:func:`log_t_axis`, and says in words what a figure shows with
:func:`set_alt` (the image's alt text in the notebook and in HTML exports).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .alt import alt_text, set_alt
from .style import COLORS

__all__ = ["bars", "logits_and_probs", "annotate_bars", "ensure_axes", "log_t_axis", "set_alt", "alt_text"]


def ensure_axes(ax=None):
    """``ax``, or pyplot's current Axes when ``ax`` is None."""
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    return ax


def log_t_axis(
    ax,
    temperatures=None,
    *,
    label: str = "temperature T (log scale)",
    ticks=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 100),
):
    """A log-scale temperature axis with plain tick labels (0.1, 1, 10, not 10^-1, 10^0, 10^1).

    With ``temperatures``, the axis spans them and only the ``ticks`` inside
    are labelled; without, matplotlib's log ticks are kept and relabelled.
    Returns the Axes.
    """
    from matplotlib.ticker import FuncFormatter, NullLocator

    ax.set_xscale("log")
    if temperatures is not None:
        lo, hi = float(np.min(temperatures)), float(np.max(temperatures))
        inside = [t for t in ticks if lo * 0.999 <= t <= hi * 1.001]
        ax.set_xticks(inside, [f"{t:g}" for t in inside])
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set_xlim(lo, hi)
    else:
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    if label:
        ax.set_xlabel(label)
    return ax


def annotate_bars(
    ax,
    heights: Sequence[float],
    labels: Sequence[str] | None = None,
    *,
    x: Sequence[float] | None = None,
    fmt: str | Callable[[float], str] = "{:.2f}",
    offset: float = 3,
    fontsize: float = 12,
) -> None:
    """Write a label at the tip of each bar: above it, or below it for a negative bar.

    ``heights`` are the bars' heights, at x = 0, 1, 2, ... unless ``x`` is
    given; ``labels`` default to the heights formatted with ``fmt`` (a format
    string or a function).  ``offset`` is the gap in points.
    """
    heights = np.asarray(heights, dtype=float)
    xs = range(len(heights)) if x is None else x
    if labels is None:
        labels = [fmt(h) if callable(fmt) else fmt.format(h) for h in heights]
    for xi, h, text in zip(xs, heights, labels):
        up = h >= 0
        ax.annotate(
            text,
            (xi, h),
            xytext=(0, offset if up else -offset),
            textcoords="offset points",
            ha="center",
            va="bottom" if up else "top",
            fontsize=fontsize,
        )


def bars(
    values: Sequence[float],
    labels: Sequence[str] | None = None,
    *,
    ax=None,
    color: str | Sequence[str] | None = None,
    title: str | None = None,
    ylabel: str | None = None,
    ylim: tuple[float, float] | None = None,
    fmt: str | Callable[[float], str] | None = "{:.2f}",
    fontsize: float = 13,
    highlight: Sequence[int] = (),
    zero_line: bool = True,
):
    """A labelled bar chart with the value written on each bar.

    Parameters
    ----------
    values, labels : sequences
        Bar heights and their x tick labels (0, 1, 2, ... if omitted).
    color : str or sequence of str, optional
        One colour, or one per bar; the probability colour by default.
    fmt : str or callable or None
        How each value is written above (or below) its bar; None writes nothing.
    highlight : sequence of int
        Bars drawn hatched with a thick edge (e.g. the correct class, the
        tags really in a photo).
    zero_line : bool
        Draw the y = 0 line (useful for negative values).

    Notes
    -----
    A NaN or infinite value gets a grey hatched placeholder bar labelled
    "NaN", "+inf" or "-inf" instead of an empty slot, so a broken result is
    visible rather than silently missing.
    """
    ax = ensure_axes(ax)
    values = np.asarray(values, dtype=float)
    labels = list(labels) if labels is not None else [str(i) for i in range(len(values))]
    x = np.arange(len(values))
    finite = np.isfinite(values)
    heights = np.where(finite, values, 0.0)
    container = ax.bar(x, heights, color=color or COLORS["prob"], edgecolor="black", linewidth=0.8)
    for i in highlight:
        container[i].set_hatch("//")
        container[i].set_linewidth(2.2)
    ax.set_xticks(x, labels)
    if (~finite).any():
        top = ylim[1] if ylim is not None else max(1.0, float(np.max(np.abs(heights), initial=0.0)))
        for i in np.flatnonzero(~finite):
            container[i].set_height(0.5 * top)
            container[i].set_facecolor("#d9d9d9")
            container[i].set_edgecolor(COLORS["reference"])
            container[i].set_hatch("xx")
            ax.text(
                i,
                0.25 * top,
                "NaN" if np.isnan(values[i]) else f"{values[i]:+}",
                ha="center",
                va="center",
                fontsize=fontsize + 2,
                fontweight="bold",
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"},
            )
    if zero_line:
        ax.axhline(0, color="black", linewidth=1)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    if ylabel:
        ax.set_ylabel(ylabel)
    if fmt:
        annotate_bars(ax, heights[finite], x=x[finite], fmt=fmt, offset=4, fontsize=fontsize)
    return ax


def logits_and_probs(
    logits: Sequence[float],
    labels: Sequence[str] | None = None,
    *,
    axes=None,
    logit_range: tuple[float, float] | None = None,
):
    """Two panels side by side: the logits (any real numbers) and their softmax.

    A ``-inf`` logit (a masked class) or a NaN is drawn as a labelled
    placeholder bar (see :func:`bars`); its probability is 0 (or NaN).
    Returns the pair of Axes.
    """
    from .core import softmax

    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2)
    z = np.asarray(logits, dtype=float)
    p = softmax(z)
    # the range of the finite logits: a -inf logit (a masked class) is drawn as a
    # labelled placeholder bar, and must not stretch the axis to infinity
    finite = z[np.isfinite(z)]
    lo = min(0.0, float(finite.min(initial=0.0))) - 0.5
    hi = max(0.0, float(finite.max(initial=0.0))) + 0.8
    lo, hi = logit_range if logit_range else (lo, hi)
    bars(z, labels, ax=axes[0], color=COLORS["logit"], title="Logits (any real numbers)", ylabel="logit", ylim=(lo, hi))
    bars(
        p,
        labels,
        ax=axes[1],
        color=COLORS["prob"],
        title="softmax: probabilities",
        ylabel="probability",
        ylim=(0, 1.12),
    )
    axes[1].text(0.98, 0.97, f"sum = {p.sum():.2f}", transform=axes[1].transAxes, ha="right", va="top", fontsize=13)
    return axes
