"""Plot helpers shared by the lessons.  Each takes ``ax=None`` and returns the Axes."""

from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from .style import COLORS

__all__ = ["bars", "logits_and_probs", "annotate_bars"]


def _axes(ax):
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
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
        ax.annotate(text, (xi, h), xytext=(0, offset if up else -offset), textcoords="offset points",
                    ha="center", va="bottom" if up else "top", fontsize=fontsize)


def bars(
    values: Sequence[float],
    labels: Sequence[str] | None = None,
    *,
    ax=None,
    color: str | None = None,
    title: str | None = None,
    ylabel: str | None = None,
    ylim: tuple[float, float] | None = None,
    fmt: str | None = "{:.2f}",
):
    """A labelled bar chart with the value written on each bar."""
    ax = _axes(ax)
    values = np.asarray(values, dtype=float)
    labels = list(labels) if labels is not None else [str(i) for i in range(len(values))]
    ax.bar(labels, values, color=color or COLORS["prob"], edgecolor="black", linewidth=0.8)
    ax.axhline(0, color="black", linewidth=1)
    if ylim is not None:
        ax.set_ylim(*ylim)
    if title:
        ax.set_title(title)
    if ylabel:
        ax.set_ylabel(ylabel)
    if fmt:
        annotate_bars(ax, values, fmt=fmt, offset=4, fontsize=13)
    return ax


def logits_and_probs(
    logits: Sequence[float],
    labels: Sequence[str] | None = None,
    *,
    axes=None,
    logit_range: tuple[float, float] | None = None,
):
    """Two panels side by side: the logits (any real numbers) and their softmax.

    Returns the pair of Axes.
    """
    from .core import softmax

    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2)
    z = np.asarray(logits, dtype=float)
    p = softmax(z)
    lo, hi = logit_range if logit_range else (min(0.0, z.min()) - 0.5, max(0.0, z.max()) + 0.8)
    bars(z, labels, ax=axes[0], color=COLORS["logit"], title="Logits (any real numbers)",
         ylabel="logit", ylim=(lo, hi))
    bars(p, labels, ax=axes[1], color=COLORS["prob"], title="softmax: probabilities",
         ylabel="probability", ylim=(0, 1.12))
    axes[1].text(0.98, 0.97, f"sum = {p.sum():.2f}", transform=axes[1].transAxes,
                 ha="right", va="top", fontsize=13)
    return axes
