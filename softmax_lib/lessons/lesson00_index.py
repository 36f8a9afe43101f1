"""The contents page's setup check: one slider, one bar."""

from __future__ import annotations

from ..style import COLORS
from ..widgets import FigureView


class SetupCheckView(FigureView):
    """A single bar whose height is the slider's value."""

    def __init__(self, fig) -> None:
        super().__init__(fig)
        ax = fig.add_subplot()
        (self.bar,) = ax.bar(["your slider"], [0.5], color=COLORS["prob"], edgecolor="black", width=0.5)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("bar height")
        self.ax = ax

    def update(self, value: float = 0.5) -> float:
        self.bar.set_height(value)
        self.ax.set_title(f"value = {value:.2f}")
        self.alt = f"One bar of height {value:.2f}, the slider's value, on a scale from 0 to 1."
        return value


def setup_check_widget():
    """A slider from 0 to 1 driving one bar: if the bar moves, widgets work."""
    from ..widgets import live_figure, slider

    return live_figure(SetupCheckView, {"value": slider("drag me", 0.5, 0.0, 1.0, 0.05)}, figsize=(4.5, 3.2))
