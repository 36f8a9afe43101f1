"""The contents page's setup check: one slider, one bar."""

from __future__ import annotations

from ..style import COLORS
from ..widgets import reuse_axes


def draw_setup_check(fig, value: float = 0.5):
    """A single bar whose height is the slider's value."""
    (ax,) = reuse_axes(fig, 1, "setup_check")
    ax.bar(["your slider"], [value], color=COLORS["prob"], edgecolor="black", width=0.5)
    ax.set_ylim(0, 1.05)
    ax.set_title(f"value = {value:.2f}")
    return value


def setup_check_widget():
    """A slider from 0 to 1 driving one bar: if the bar moves, widgets work."""
    from ..widgets import live_figure, slider

    return live_figure(draw_setup_check, {"value": slider("drag me", 0.5, 0.0, 1.0, 0.05)}, figsize=(4.5, 3.2))
