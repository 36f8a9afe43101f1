"""The one pattern behind every "Try it" widget: sliders that redraw a figure.

A lesson writes a *plain* drawing function ``draw(fig, **values)`` that
draws the whole figure for the given slider values and returns whatever it
computed (tests call it directly with extreme values; no browser needed).
:func:`live_figure` wires sliders to it and shows the figure in an
``ipywidgets.Output``.

The returned box also carries a PNG of its figure in its display data, so a
viewer without a live kernel or widget support (GitHub, a plain HTML export)
still shows the figure at the default slider values.

Speed matters in a classroom: a slider should redraw in well under a quarter
of a second.  So the figure is a bare Agg ``Figure`` (not known to pyplot),
drawn once per change and encoded straight to PNG (``savefig`` would draw it
twice), the Output's content is replaced in one message, and the layout is
computed on the first draw and then frozen: it is only recomputed when the
drawing function creates new axes.
"""

from __future__ import annotations

import base64
import functools
import io
from typing import Any, Callable, Mapping

__all__ = ["live_figure", "slider", "log_slider", "render_png", "STATIC_TEXT"]

#: What a viewer without widget support prints for a live figure.
STATIC_TEXT = "Interactive figure: run the notebook in Jupyter to drag the sliders."


def render_png(fig) -> bytes:
    """Draw ``fig`` once with Agg and return it as PNG bytes (fast zlib level)."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    buf = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buf, format="png", compress_level=1)
    return buf.getvalue()


def _png(fig) -> str:
    return base64.b64encode(render_png(fig)).decode("ascii")


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
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)  # not registered with pyplot: never shown twice
    FigureCanvasAgg(fig)
    engine = fig.get_layout_engine()
    out = W.Output()
    controls = dict(controls)
    widgets = list(controls.values())
    rows = [W.HBox(widgets[i : i + columns]) for i in range(0, len(widgets), columns)]
    box = _box_class()(children=[*rows, out])
    laid_out: list = []  # the axes the frozen layout was computed for
    frozen: list = []  # the placeholder engine this function put in, if any

    def redraw(change=None):
        box.last = draw(fig, **{k: c.value for k, c in controls.items()})
        current = fig.get_layout_engine()
        ours = current is engine or (frozen and current is frozen[0])
        if engine is not None and ours and fig.axes != laid_out:
            # First draw, or the drawing made new axes: lay out once, then freeze.
            # (A drawing function that sets its own layout engine is left alone.)
            fig.set_layout_engine(engine)
            png = render_png(fig)
            fig.set_layout_engine("none")
            frozen[:] = [fig.get_layout_engine()]
            laid_out[:] = fig.axes
        else:
            png = render_png(fig)
        out.outputs = (
            {
                "output_type": "display_data",
                "data": {
                    "image/png": base64.b64encode(png).decode("ascii"),
                    "text/plain": f"<figure {fig.bbox.width:.0f}x{fig.bbox.height:.0f}>",
                },
                "metadata": {},
            },
        )

    for c in widgets:
        c.observe(redraw, names="value")
    box.figure, box.output, box.controls, box.redraw = fig, out, controls, redraw
    redraw()
    return box
