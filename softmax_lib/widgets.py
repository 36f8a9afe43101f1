"""The one pattern behind every "Try it" widget: sliders that move a figure.

A lesson writes a **view**: a small class that builds the figure's axes and
artists once, in ``__init__(self, fig, ...)``, and then changes only what
moves in ``update(**values)`` (bar heights, line data, texts).  ``update``
returns whatever it computed, so tests make a view on a figure and call
``update`` with extreme slider values; no browser needed.  A view subclasses
:class:`FigureView` and sets ``self.alt``, a sentence that says in words what
the picture shows at these values, with its key numbers.

:func:`live_figure` wires sliders to a view and shows the figure in an
``ipywidgets.Output``, with ``alt`` as the image's alt text and as a caption
under it (for screen readers, and for anyone at the back of the room).

The returned box also carries a PNG of its figure in its display data, so a
viewer without a live kernel or widget support (GitHub, a plain HTML export)
still shows the figure at the default slider values.

Speed matters in a classroom: a slider should redraw in well under a tenth of
a second.  So the figure is a bare Agg ``Figure`` (not known to pyplot),
drawn once per change and encoded straight to PNG (``savefig`` would draw it
twice), the Output's content is replaced in one message, and a constrained
layout is computed on the first draw and then frozen (a view never makes new
axes after it is built).
"""

from __future__ import annotations

import base64
import functools
import io
import math
from typing import Any, Callable, Mapping

__all__ = ["FigureView", "live_figure", "slider", "log_slider", "render_png", "STATIC_TEXT"]

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
            if getattr(self, "alt", ""):
                data["text/plain"] = f"{STATIC_TEXT}\n{self.alt}"
                meta = {**meta, "image/png": {"alt": self.alt}}
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
        min=math.log10(lo),
        max=math.log10(hi),
        step=0.01,
        description=description,
        continuous_update=True,
        style={"description_width": "initial"},
        layout=W.Layout(width="420px"),
        **kw,
    )


class FigureView:
    """Build a figure's axes and artists once; ``update(**values)`` moves them.

    Subclass it: make the axes and artists in ``__init__(self, fig, ...)``
    (call ``super().__init__(fig)`` first), keep them on ``self``, and in
    :meth:`update` change only their data and texts, set :attr:`alt`, and
    return what was computed.  Never clear the figure or make new axes in
    ``update``: that is what makes a redraw cheap.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
        The figure the view draws on.
    alt : str
        The picture in words, with the numbers it shows, for the current
        values: the image's alt text and the caption under a live figure.
    """

    def __init__(self, fig) -> None:
        self.fig = fig
        self.alt = ""

    def update(self, **values) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


def live_figure(
    make_view: Callable[[Any], FigureView],
    controls: Mapping[str, Any],
    *,
    figsize: tuple[float, float] | None = None,
    columns: int = 1,
):
    """Wire ``controls`` (name -> widget) to a :class:`FigureView`.

    Parameters
    ----------
    make_view : callable
        ``make_view(fig)`` builds the view on a new figure: a FigureView
        subclass, or a ``functools.partial`` of one with its fixed data.
        Every change of a control calls ``view.update(**values)``.
    controls : mapping
        Keyword name -> ipywidgets value widget.
    figsize : (float, float), optional
        Figure size in inches; the style's default if omitted.
    columns : int, optional
        Lay the controls out in this many columns.

    Returns
    -------
    ipywidgets.VBox
        With attributes ``figure``, ``view``, ``output``, ``caption``,
        ``controls``, ``redraw()`` and ``last`` (what ``update`` returned last).
    """
    import html

    import ipywidgets as W
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)  # not registered with pyplot: never shown twice
    FigureCanvasAgg(fig)
    view = make_view(fig)
    if not isinstance(view, FigureView):
        raise TypeError(f"live_figure needs a FigureView (a class or a partial of one), got {type(view).__name__}: "
                        "build the axes once in the view's __init__ and move them in update(**values).")
    out = W.Output()
    caption = W.HTML(layout=W.Layout(margin="0 0 0 8px"))
    controls = dict(controls)
    widgets = list(controls.values())
    rows = [W.HBox(widgets[i : i + columns]) for i in range(0, len(widgets), columns)]
    box = _box_class()(children=[*rows, out, caption])
    laid_out = []

    def render() -> bytes:
        # A view never makes new axes, so the layout (constrained, unless the
        # view fixed its own margins) is computed on the first draw and then frozen.
        png = render_png(fig)
        if not laid_out:
            fig.set_layout_engine("none")
            laid_out.append(True)
        return png

    def redraw(change=None):
        values = {k: c.value for k, c in controls.items()}
        box.last = view.update(**values)
        png = render()
        alt = view.alt
        box.alt = alt
        out.outputs = (
            {
                "output_type": "display_data",
                "data": {
                    "image/png": base64.b64encode(png).decode("ascii"),
                    "text/plain": alt or f"<figure {fig.bbox.width:.0f}x{fig.bbox.height:.0f}>",
                },
                "metadata": {"image/png": {"alt": alt}} if alt else {},
            },
        )
        caption.value = f"<span style='font-size:1.05em'>{html.escape(alt)}</span>" if alt else ""

    for c in widgets:
        c.observe(redraw, names="value")
    box.figure, box.view, box.output, box.caption, box.controls, box.redraw = fig, view, out, caption, controls, redraw
    redraw()
    return box
