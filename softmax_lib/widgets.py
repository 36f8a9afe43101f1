"""The one pattern behind every "Try it" widget: sliders that redraw a figure.

A lesson writes a *plain* drawing function ``draw(fig, **values)`` that
draws the whole figure for the given slider values and returns whatever it
computed (tests call it directly with extreme values; no browser needed).
:func:`live_figure` wires sliders to it and shows the figure in an
``ipywidgets.Output``.

The returned box also carries a PNG of its figure in its display data, so a
viewer without a live kernel or widget support (GitHub, a plain HTML export)
still shows the figure at the default slider values.
"""

from __future__ import annotations

import base64
import functools
import io
from typing import Any, Callable, Mapping

__all__ = ["live_figure", "slider", "log_slider", "STATIC_TEXT"]

#: What a viewer without widget support prints for a live figure.
STATIC_TEXT = "Interactive figure: run the notebook in Jupyter to drag the sliders."


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return base64.b64encode(buf.getvalue()).decode("ascii")


@functools.cache
def _box_class():
    import ipywidgets as W

    class LiveFigure(W.VBox):
        """A VBox of controls and an Output showing a matplotlib figure."""

        def __repr__(self) -> str:  # the text/plain fallback
            return STATIC_TEXT

        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            if isinstance(bundle, tuple):
                data, meta = bundle
            else:
                data, meta = bundle, {}
            data = dict(data)
            data["text/plain"] = STATIC_TEXT
            data["image/png"] = _png(self.figure)
            return data, meta

    return LiveFigure


def slider(description: str, value: float, lo: float, hi: float, step: float = 0.1, **kw):
    """A float slider with a readable description and a readout to 2 decimals."""
    import ipywidgets as W

    kw.setdefault("readout_format", ".2f")
    return W.FloatSlider(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        continuous_update=True,
        style={"description_width": "initial"},
        layout=W.Layout(width="420px"),
        **kw,
    )


def log_slider(description: str, value: float, lo: float, hi: float, **kw):
    """A slider moving on a log scale, e.g. a temperature from 0.05 to 20."""
    import ipywidgets as W

    kw.setdefault("readout_format", ".3g")
    return W.FloatLogSlider(
        value=value,
        base=10,
        min=_log10(lo),
        max=_log10(hi),
        step=0.01,
        description=description,
        continuous_update=True,
        style={"description_width": "initial"},
        layout=W.Layout(width="420px"),
        **kw,
    )


def _log10(x: float) -> float:
    import math

    return math.log10(x)


def live_figure(
    draw: Callable[..., Any],
    controls: Mapping[str, Any],
    *,
    figsize: tuple[float, float] | None = None,
    columns: int = 1,
):
    """Wire ``controls`` (name -> widget) to ``draw(fig, **values)``.

    Parameters
    ----------
    draw : callable
        ``draw(fig, **values)`` redraws the whole figure for these values.
        It should clear and reuse ``fig`` (e.g. ``fig.clear()`` or reuse the
        axes it created on the first call).
    controls : mapping
        Keyword name -> ipywidgets value widget.  Every change redraws.
    figsize : (float, float), optional
        Figure size in inches; the style's default if omitted.
    columns : int, optional
        Lay the controls out in this many columns.

    Returns
    -------
    ipywidgets.VBox
        With attributes ``figure``, ``output``, ``controls``, ``redraw()`` and
        ``last`` (what ``draw`` returned last).
    """
    import ipywidgets as W
    import matplotlib.pyplot as plt
    from IPython.display import display

    fig = plt.figure(figsize=figsize)
    plt.close(fig)  # shown only through the Output, never by the inline backend
    out = W.Output()
    controls = dict(controls)
    widgets = list(controls.values())
    rows = [W.HBox(widgets[i : i + columns]) for i in range(0, len(widgets), columns)]
    box = _box_class()(children=[*rows, out])

    def redraw(change=None):
        box.last = draw(fig, **{k: c.value for k, c in controls.items()})
        with out:
            out.clear_output(wait=True)
            display(fig)

    for c in widgets:
        c.observe(redraw, names="value")
    box.figure, box.output, box.controls, box.redraw = fig, out, controls, redraw
    redraw()
    return box
