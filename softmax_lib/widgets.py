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

__all__ = ["FigureView", "live_figure", "control", "slider", "log_slider", "int_slider", "selection_slider",
           "dropdown", "seed_box", "render_png", "CONTROL_WIDTH", "CONTROL_STYLE", "STATIC_TEXT"]

#: What a viewer without widget support prints for a live figure.
STATIC_TEXT = "Interactive figure: run the notebook in Jupyter to drag the sliders."


def render_png(fig) -> bytes:
    """Draw ``fig`` once with Agg and return it as PNG bytes (fast zlib level)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return _encode(canvas)


def _encode(canvas) -> bytes:
    import numpy as np
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())).save(buf, format="png", compress_level=1)
    return buf.getvalue()


def _titles(ax) -> list:
    """The Axes' centre, left and right title texts."""
    return [ax.title, *(getattr(ax, name) for name in ("_left_title", "_right_title") if hasattr(ax, name))]


class _BlitRenderer:
    """Redraw a view's figure by repainting only its content over a cached background.

    Most of an Agg draw goes to the axes' decorations: ticks, tick labels,
    grid, spines and axis labels.  A view's update moves bars, lines and
    texts but rarely those, so after one full draw the decorations are kept
    as a background image, and each redraw pastes it back and draws only the
    content (every patch, line, text, collection, image, legend and spine of
    every Axes, their titles and axis labels, and the figure's own texts) in
    z-order.

    The decorations' state (positions, limits, scales, ticks and tick labels)
    is compared before every redraw; when a view changed any of it, the figure
    is drawn in full and the background taken again.  The background is drawn
    with the axes below the content (``axes.axisbelow``), as the style does.
    """

    def __init__(self, fig) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = fig
        self.canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        self.background = None
        self.signature = None

    def _content(self) -> list:
        fig = self.fig
        artists = []
        for ax in fig.axes:
            children = [*ax.patches, *ax.lines, *ax.texts, *ax.collections, *ax.images, *ax.artists, *ax.tables,
                        *ax.spines.values()]  # spines: drawn over the content, as a full draw does
            if ax.get_legend() is not None:
                children.append(ax.get_legend())
            children.sort(key=lambda a: a.get_zorder())
            artists += [(ax, a) for a in children]
            artists += [(ax, t) for t in [*_titles(ax), ax.xaxis.label, ax.yaxis.label] if t.get_text()]
        # The figure's own artists (fig.texts holds its suptitle, if any).
        artists += [(None, a) for a in [*fig.texts, *fig.legends, *fig.patches, *fig.lines]]
        return artists

    def _signature(self) -> tuple:
        sig = []
        for ax in self.fig.axes:
            sig.append((ax.get_position().bounds, ax.viewLim.bounds, ax.get_xscale(), ax.get_yscale(),
                        ax.get_visible()))
            for axis in (ax.xaxis, ax.yaxis):
                fmt = axis.get_major_formatter()
                sig.append((tuple(axis.get_majorticklocs()), id(fmt), tuple(getattr(fmt, "seq", ()) or ()),
                            axis.get_visible()))
        return tuple(sig)

    def render(self) -> bytes:
        signature = self._signature()
        if self.background is None or signature != self.signature:
            return self._full(signature)
        canvas = self.canvas
        canvas.restore_region(self.background)
        renderer = canvas.get_renderer()
        for ax, artist in self._content():
            if not artist.get_visible():
                continue
            if ax is not None:
                ax.draw_artist(artist)
            else:
                artist.draw(renderer)
        return _encode(canvas)

    def _full(self, signature) -> bytes:
        """Draw everything, keep the decorations alone as the background, return the full PNG."""
        canvas = self.canvas
        canvas.draw()
        png = _encode(canvas)
        content = [a for _, a in self._content() if a.get_visible()]
        # A draw places the titles (clear of the tick labels); a draw without
        # the content would place them differently, so keep the full draw's places.
        placed = [(t, t.get_position())
                  for ax in self.fig.axes for t in [*_titles(ax), ax.xaxis.label, ax.yaxis.label]]
        for a in content:
            a.set_visible(False)
        try:
            canvas.draw()
            self.background = canvas.copy_from_bbox(self.fig.bbox)
        finally:
            for a in content:
                a.set_visible(True)
            for t, xy in placed:
                t.set_position(xy)
        self.signature = signature
        return png


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


#: The width of every control: one column of them reads well on a projector.
CONTROL_WIDTH = "420px"
#: The style of every control: the description is shown in full, never cut to "temperat...".
CONTROL_STYLE = {"description_width": "initial"}


def control(widget_class, description: str, *, width: str = CONTROL_WIDTH, **kw):
    """Any ipywidgets control in the course's one style.

    The description in full (:data:`CONTROL_STYLE`), the width :data:`CONTROL_WIDTH`
    (or ``width``), and, for a control that has the option, updates while it
    is dragged or typed in (``continuous_update=True``), so the figure
    follows the hand.  Every other keyword goes to ``widget_class``.  The
    helpers below (:func:`slider`, :func:`log_slider`, :func:`int_slider`,
    :func:`selection_slider`, :func:`dropdown`, :func:`seed_box`) are this
    with the usual arguments.
    """
    import ipywidgets as W

    if widget_class.class_traits().get("continuous_update") is not None:
        kw.setdefault("continuous_update", True)
    return widget_class(description=description, style=dict(CONTROL_STYLE), layout=W.Layout(width=width), **kw)


def slider(description: str, value: float, lo: float, hi: float, step: float = 0.1, **kw):
    """A float slider with a readable description and a readout to 2 decimals."""
    import ipywidgets as W

    kw.setdefault("readout_format", ".2f")
    return control(W.FloatSlider, description, value=value, min=lo, max=hi, step=step, **kw)


def log_slider(description: str, value: float, lo: float, hi: float, **kw):
    """A slider moving on a log scale, e.g. a temperature from 0.05 to 20."""
    import ipywidgets as W

    kw.setdefault("readout_format", ".3g")
    return control(W.FloatLogSlider, description, value=value, base=10, min=math.log10(lo), max=math.log10(hi),
                   step=0.01, **kw)


def int_slider(description: str, value: int, lo: int, hi: int, step: int = 1, **kw):
    """A slider over whole numbers (top-k, a seed, a count)."""
    import ipywidgets as W

    return control(W.IntSlider, description, value=value, min=lo, max=hi, step=step, **kw)


def selection_slider(description: str, options, value, **kw):
    """A slider over a list of values (1, 2, 4, ..., 1024), which it shows as they are."""
    import ipywidgets as W

    return control(W.SelectionSlider, description, options=list(options), value=value, **kw)


def dropdown(description: str, options, value, **kw):
    """A drop-down list of choices (a mapping label -> value, or a list)."""
    import ipywidgets as W

    return control(W.Dropdown, description, options=options, value=value, **kw)


def seed_box(value: int = 0, description: str = "seed", *, lo: int = 0, hi: int = 2**31 - 1, width: str = "200px",
             **kw):
    """A box to type a random seed in (a whole number from ``lo`` to ``hi``)."""
    import ipywidgets as W

    return control(W.BoundedIntText, description, value=value, min=lo, max=hi, width=width, **kw)


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
        With attributes ``figure``, ``view``, ``output`` (the picture and,
        under it, the view's ``alt`` as a caption), ``controls``, ``redraw()``
        and ``last`` (what ``update`` returned last).
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
    controls = dict(controls)
    widgets = list(controls.values())
    rows = [W.HBox(widgets[i : i + columns]) for i in range(0, len(widgets), columns)]
    box = _box_class()(children=[*rows, out])
    blit = _BlitRenderer(fig)

    def render() -> bytes:
        # A view never makes new axes, so the layout (constrained, unless the
        # view fixed its own margins) is computed on the first draw and then
        # frozen; from then on only the content is repainted (_BlitRenderer).
        if blit.background is None:
            fig.canvas.draw()
            fig.set_layout_engine("none")
        return blit.render()

    def redraw(change=None):
        values = {k: c.value for k, c in controls.items()}
        box.last = view.update(**values)
        png = render()
        alt = view.alt
        box.alt = alt
        figure = {
            "output_type": "display_data",
            "data": {
                "image/png": base64.b64encode(png).decode("ascii"),
                "text/plain": alt or f"<figure {fig.bbox.width:.0f}x{fig.bbox.height:.0f}>",
            },
            "metadata": {"image/png": {"alt": alt}} if alt else {},
        }
        # The caption travels in the same message as the picture: one update per move.
        caption = {
            "output_type": "display_data",
            "data": {"text/html": f"<div style='font-size:1.05em;margin-left:8px'>{html.escape(alt)}</div>",
                     "text/plain": alt},
            "metadata": {},
        }
        out.outputs = (figure, caption) if alt else (figure,)

    for c in widgets:
        c.observe(redraw, names="value")
    box.figure, box.view, box.output, box.controls, box.redraw = fig, view, out, controls, redraw
    redraw()
    return box
