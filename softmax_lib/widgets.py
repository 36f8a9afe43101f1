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
axes after it is built).  Each move repaints only the content over a cached
background (:class:`_BlitRenderer`); a text drawn at the same place as in an
earlier frame is repainted from its glyph images instead of being laid out and
rasterised again (:class:`_TextReplay`); and the PNG is encoded with one
vectorised filter pass and zlib (:func:`png_bytes`), not Pillow's per-row
adaptive filtering.  None of this changes a pixel: the tests compare every
repainted frame with a full draw.  A view draws its legend with
:func:`legend_key`, laid out once, because matplotlib lays a ``Legend`` out
again on every draw (6 to 12 ms per legend per move).
``python tools/bench.py --redraw`` times one move of every lesson's live figure.
"""

from __future__ import annotations

import base64
import collections
import functools
import math
import struct
import zlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "FigureView",
    "legend_key",
    "live_figure",
    "control",
    "slider",
    "log_slider",
    "int_slider",
    "selection_slider",
    "dropdown",
    "seed_box",
    "render_png",
    "png_bytes",
    "CONTROL_WIDTH",
    "CONTROL_STYLE",
    "STATIC_TEXT",
]

#: What a viewer without widget support prints for a live figure.
STATIC_TEXT = "Interactive figure: run the notebook in Jupyter to drag the sliders."


def render_png(fig) -> bytes:
    """Draw ``fig`` once with Agg and return it as PNG bytes (fast zlib level)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    return _encode(canvas)


def _encode(canvas) -> bytes:
    """The canvas's current pixels as PNG bytes."""
    import numpy as np

    return png_bytes(np.asarray(canvas.buffer_rgba()))


def _png_chunk(tag: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(body, zlib.crc32(tag)))


def png_bytes(rgba, level: int = 1) -> bytes:
    """An RGBA image (height, width, 4) of uint8 as PNG bytes, quickly.

    The pixels are stored exactly (PNG is lossless), as RGBA.  Each row is
    stored with PNG's "Up" filter (each byte minus the byte above it: one
    NumPy subtraction for the whole image), which turns the large flat areas
    of a plot into runs of zeros, and the result goes through zlib at
    ``level`` (1, the fastest).  On the lessons' figures this takes about a
    third of the time of Pillow's encoder at its fastest level, whose adaptive
    filter tries five filters on every row, for a file of the same size.
    (Dropping the alpha channel would make the file 12 % smaller but the
    encoding slower: copying the RGB bytes out costs more than compressing
    the extra zeros of an opaque alpha channel.)
    """
    import numpy as np

    rgba = np.asarray(rgba)
    if rgba.ndim != 3 or rgba.shape[2] != 4 or rgba.dtype != np.uint8:
        raise ValueError(f"png_bytes needs an RGBA uint8 image (height, width, 4), got {rgba.dtype} {rgba.shape}")
    h, w, _ = rgba.shape
    flat = np.ascontiguousarray(rgba).reshape(h, w * 4)
    rows = np.empty((h, w * 4 + 1), np.uint8)
    rows[:, 0] = 2  # filter type 2, "Up"; above the first row are zeros, so it is stored as is
    if h:
        rows[0, 1:] = flat[0]
        np.subtract(flat[1:], flat[:-1], out=rows[1:, 1:])  # uint8 arithmetic wraps: modulo 256, as PNG wants
    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8 bits, colour type 6 (RGBA)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows, level))
        + _png_chunk(b"IEND", b"")
    )


class _Recorder:
    """Stands in for an Agg renderer's C++ ``_renderer`` while one text is drawn, and
    records the glyph images it blends in (``draw_text_image``).  Any other call
    (a mathtext rule is a ``draw_path``) marks the text as not replayable."""

    def __init__(self, real) -> None:
        self._real = real
        self.ops: list | None = []

    def draw_text_image(self, image, x, y, angle, gc):
        import numpy as np

        if self.ops is not None:
            try:
                copy = np.array(image, dtype=np.uint8, copy=True)
            except (TypeError, ValueError):
                copy = None
            if copy is None or copy.ndim != 2:
                self.ops = None
            else:
                self.ops.append((copy, x, y, angle))
        return self._real.draw_text_image(image, x, y, angle, gc)

    def __getattr__(self, name):
        self.ops = None
        return getattr(self._real, name)


#: rcParams that change how a text is rasterised; part of the replay key.
_TEXT_RC = (
    "text.hinting",
    "text.hinting_factor",
    "text.kerning_factor",
    "text.antialiased",
    "mathtext.fontset",
    "mathtext.default",
    "mathtext.fallback",
    "mathtext.rm",
    "mathtext.it",
    "mathtext.bf",
    "mathtext.sf",
    "mathtext.tt",
    "mathtext.cal",
)


class _TextReplay:
    """Draw a text that was drawn before, at the same place and in the same font, from its glyph images.

    Laying out and rasterising a text is most of an Agg repaint, yet most of a
    figure's texts are the same from one slider position to the next (titles,
    labels, fixed annotations).  Agg draws a text as a series of glyph images
    blended into the canvas with the text's colour (``draw_text_image``); the
    first draw of a text records that series, and a later draw with the same
    string, position, angle, font, antialiasing and text settings blends the
    same images at the same pixels, so the result is identical.  Colour,
    alpha and clipping come from the current draw, as always.  Texts whose
    drawing does anything else (mathtext rules) are drawn normally.

    Installed on one renderer only while the live figure repaints, so any
    other draw of the figure (``render_png``, ``savefig``) is uncached.
    """

    def __init__(self, maxsize: int = 1024) -> None:
        self.maxsize = maxsize
        self.entries: collections.OrderedDict = collections.OrderedDict()
        self.rc: tuple = ()
        self.hits = self.misses = 0

    def install(self, renderer) -> None:
        import matplotlib as mpl

        self.rc = tuple(mpl.rcParams.get(k) for k in _TEXT_RC)
        original = type(renderer).draw_text

        def draw_text(gc, x, y, s, prop, angle, ismath=False, mtext=None):
            return self.draw(renderer, original, gc, x, y, s, prop, angle, ismath, mtext)

        renderer.draw_text = draw_text

    @staticmethod
    def uninstall(renderer) -> None:
        renderer.__dict__.pop("draw_text", None)

    def draw(self, renderer, original, gc, x, y, s, prop, angle, ismath, mtext):
        if ismath == "TeX":  # rendered by LaTeX: not cached
            return original(renderer, gc, x, y, s, prop, angle, ismath, mtext)
        features = language = None
        if mtext is not None:
            features = getattr(mtext, "get_fontfeatures", lambda: None)()
            language = getattr(mtext, "get_language", lambda: None)()
        key = (
            s,
            x,
            y,
            angle,
            ismath,
            bool(gc.get_antialiased()),
            self.rc,
            renderer.dpi,
            renderer.width,
            renderer.height,
            tuple(prop.get_family()),
            prop.get_style(),
            prop.get_variant(),
            prop.get_weight(),
            prop.get_stretch(),
            prop.get_size_in_points(),
            prop.get_file(),
            prop.get_math_fontfamily(),
            None if features is None else tuple(features),
            language,
        )
        try:
            ops = self.entries[key]
        except TypeError:  # something unhashable (a font file object): draw normally
            return original(renderer, gc, x, y, s, prop, angle, ismath, mtext)
        except KeyError:
            pass
        else:
            if ops is None:
                return original(renderer, gc, x, y, s, prop, angle, ismath, mtext)
            self.hits += 1
            self.entries.move_to_end(key)
            real = renderer._renderer
            for image, xi, yi, ang in ops:
                real.draw_text_image(image, xi, yi, ang, gc)
            return None
        self.misses += 1
        real = renderer._renderer
        recorder = _Recorder(real)
        renderer._renderer = recorder
        try:
            result = original(renderer, gc, x, y, s, prop, angle, ismath, mtext)
        finally:
            renderer._renderer = real
        self.entries[key] = recorder.ops
        if len(self.entries) > self.maxsize:
            self.entries.popitem(last=False)
        return result


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
    is drawn in full and the background taken again (when the next move can
    use it, if the axes changed on the previous move too).  The background is
    drawn with the axes below the content (``axes.axisbelow``), as the style
    does.

    With ``text_replay`` (the default) texts drawn before at the same place are
    repainted from their glyph images (:class:`_TextReplay`), during these
    draws only.
    """

    def __init__(self, fig, *, text_replay: bool = True) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.fig = fig
        self.canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        self.background = None
        self.signature = None
        self.placed: list = []
        self.previous_was_full = False
        self.texts = _TextReplay() if text_replay else None

    def _content(self) -> list:
        fig = self.fig
        artists = []
        for ax in fig.axes:
            children = [
                *ax.patches,
                *ax.lines,
                *ax.texts,
                *ax.collections,
                *ax.images,
                *ax.artists,
                *ax.tables,
                *ax.spines.values(),
            ]  # spines: drawn over the content, as a full draw does
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
            sig.append(
                (ax.get_position().bounds, ax.viewLim.bounds, ax.get_xscale(), ax.get_yscale(), ax.get_visible())
            )
            for axis in (ax.xaxis, ax.yaxis):
                fmt = axis.get_major_formatter()
                sig.append(
                    (tuple(axis.get_majorticklocs()), id(fmt), tuple(getattr(fmt, "seq", ()) or ()), axis.get_visible())
                )
        return tuple(sig)

    def render(self) -> bytes:
        renderer = self.canvas.get_renderer()
        if self.texts is not None:
            self.texts.install(renderer)
        try:
            return self._render(renderer)
        finally:
            if self.texts is not None:
                self.texts.uninstall(renderer)

    def _render(self, renderer) -> bytes:
        signature = self._signature()
        if signature != self.signature:
            png = self._full(signature)
            # The background is taken now, unless the previous move was a full draw too:
            # a view that changes its axes on every move would pay a second draw for a
            # background it never uses.  Then it is taken at the first move that can use it.
            if not self.previous_was_full:
                self._take_background()
            self.previous_was_full = True
            return png
        self.previous_was_full = False
        if self.background is None:
            self._take_background()
        canvas = self.canvas
        canvas.restore_region(self.background)
        for ax, artist in self._content():
            if not artist.get_visible():
                continue
            if ax is not None:
                ax.draw_artist(artist)
            else:
                artist.draw(renderer)
        return _encode(canvas)

    def _full(self, signature) -> bytes:
        """Draw everything and return the PNG; the background is now out of date."""
        canvas = self.canvas
        canvas.draw()
        png = _encode(canvas)
        # A draw places the titles (clear of the tick labels); a draw without
        # the content would place them differently, so keep the full draw's places.
        self.placed = [
            (t, t.get_position()) for ax in self.fig.axes for t in [*_titles(ax), ax.xaxis.label, ax.yaxis.label]
        ]
        self.signature = signature
        self.background = None
        return png

    def _take_background(self) -> None:
        """Draw the decorations alone (the content hidden) and keep them as the background."""
        canvas = self.canvas
        content = [a for _, a in self._content() if a.get_visible()]
        for a in content:
            a.set_visible(False)
        try:
            canvas.draw()
            self.background = canvas.copy_from_bbox(self.fig.bbox)
        finally:
            for a in content:
                a.set_visible(True)
            for t, xy in self.placed:
                t.set_position(xy)


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


def log_slider(description: str, value: float, lo: float, hi: float, *, step: float = 0.01, **kw):
    """A slider moving on a log scale, e.g. a temperature from 0.05 to 20.

    The handle moves the exponent (base 10) by about ``step``.  The front end
    only stops on ``log10(lo) + k * step``, so the step is adjusted a little
    to put ``value`` itself on that grid: otherwise T = 1 between 0.05 and 20
    would show as 0.998 from the start, and no drag could come back to 1.
    """
    import ipywidgets as W

    kw.setdefault("readout_format", ".3g")
    lo_e, hi_e, at = math.log10(lo), math.log10(hi), math.log10(value)
    if lo_e < at:
        step = (at - lo_e) / max(1, round((at - lo_e) / step))
    return control(W.FloatLogSlider, description, value=value, base=10, min=lo_e, max=hi_e, step=step, **kw)


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


def seed_box(
    value: int = 0, description: str = "seed", *, lo: int = 0, hi: int = 2**31 - 1, width: str = "200px", **kw
):
    """A box to type a random seed in (a whole number from ``lo`` to ``hi``)."""
    import ipywidgets as W

    return control(W.BoundedIntText, description, value=value, min=lo, max=hi, width=width, **kw)


#: Where :func:`legend_key` puts a key: (x, y) of the corner or edge of the Axes, as a fraction of it.
_KEY_ANCHORS = {
    "upper right": (1.0, 1.0),
    "upper left": (0.0, 1.0),
    "lower left": (0.0, 0.0),
    "lower right": (1.0, 0.0),
    "upper center": (0.5, 1.0),
    "lower center": (0.5, 0.0),
}


def legend_key(ax, handles, labels=None, *, loc: str, fontsize: float | None = None, reserve=()) -> list:
    """A legend of plain artists, laid out once: a live figure repaints it cheaply.

    Matplotlib lays a legend out again on every draw (it measures every
    label to pack its boxes), which costs a live figure 6 to 12 ms per legend
    per move.  This draws the same thing, a frame, one swatch per handle and
    its label, placed once with the legend's own spacing (``legend.*``
    rcParams, in units of the font size) at the corner ``loc`` of ``ax``.
    The labels are ordinary texts, repainted from their glyphs when they do
    not change (:class:`_TextReplay`); the caller may change one with
    ``set_text``.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    handles : list
        The artists whose style each swatch copies: a ``Line2D`` (a line, a
        marker, or both), a ``Patch``, or a bar container (its first bar).
    labels : list of str, optional
        One per handle; by default each handle's own ``label=``, as
        ``ax.legend()`` takes them.
    loc : str
        One of ``"upper right"``, ``"upper left"``, ``"lower left"``,
        ``"lower right"``, ``"upper center"``, ``"lower center"``.  There is
        no ``"best"``: a key does not move.
    fontsize : float, optional
        Points; ``legend.fontsize`` if omitted.
    reserve : iterable of str, optional
        Longer texts a label may be changed to: the frame is made wide enough
        for them too.

    Returns
    -------
    list of matplotlib.text.Text
        The labels, in order.
    """
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.container import BarContainer
    from matplotlib.font_manager import FontProperties
    from matplotlib.lines import Line2D
    from matplotlib.offsetbox import TextArea
    from matplotlib.patches import FancyBboxPatch, Patch, Rectangle
    from matplotlib.text import Text
    from matplotlib.transforms import Affine2D, ScaledTranslation

    if loc not in _KEY_ANCHORS:
        raise ValueError(f"loc must be one of {', '.join(map(repr, _KEY_ANCHORS))}, got {loc!r}")
    handles = list(handles)
    if labels is None:
        labels = [h.get_label() for h in handles]
        unlabelled = [i for i, s in enumerate(labels) if not s or s.startswith("_")]
        if unlabelled:
            raise ValueError(
                f"handle {unlabelled[0]} has no label of its own ({labels[unlabelled[0]]!r}): "
                "give it label=... or pass labels"
            )
    labels = [str(s) for s in labels]
    if len(handles) != len(labels) or not handles:
        raise ValueError(f"legend_key needs one label per handle, got {len(handles)} handles and {len(labels)} labels")
    rc = mpl.rcParams
    fs = FontProperties(size=fontsize if fontsize is not None else rc["legend.fontsize"]).get_size_in_points()
    fig = ax.figure
    renderer = RendererAgg(1, 1, fig.dpi)  # only measures the labels, at the figure's resolution
    to_points = 72.0 / fig.dpi

    def extent(s: str) -> tuple[float, float, float]:
        """Width, height above the baseline and descent of a label, in points, as a legend's TextArea has them."""
        area = TextArea(s, textprops={"fontsize": fs})
        area.set_figure(fig)  # not added to it: only measured
        box = area.get_bbox(renderer)
        return box.width * to_points, box.y1 * to_points, -box.y0 * to_points

    sizes = [extent(s) for s in labels]
    text_w = max(e[0] for e in [*sizes, *map(extent, reserve)])
    hand_w, hand_h = rc["legend.handlelength"] * fs, rc["legend.handleheight"] * fs
    # each row aligns its swatch box (hand_h tall, standing on the baseline) and its label on their baseline
    rows = [(max(up, hand_h), down) for _, up, down in sizes]
    pad, gap, space = rc["legend.borderpad"] * fs, rc["legend.labelspacing"] * fs, rc["legend.borderaxespad"] * fs
    w = 2 * pad + hand_w + rc["legend.handletextpad"] * fs + text_w
    h = 2 * pad + sum(up + down for up, down in rows) + (len(labels) - 1) * gap
    ax_x, ax_y = _KEY_ANCHORS[loc]
    x0 = {0.0: space, 0.5: -w / 2, 1.0: -space - w}[ax_x]
    y0 = {0.0: space, 1.0: -space - h}[ax_y]
    # points from the anchor -> inches -> pixels, moved to the anchor's place on the Axes
    points = Affine2D().scale(1 / 72) + fig.dpi_scale_trans + ScaledTranslation(ax_x, ax_y, ax.transAxes)
    face = rc["legend.facecolor"]
    face = rc["axes.facecolor"] if face == "inherit" else face
    edge = rc["legend.edgecolor"]
    edge = rc["axes.edgecolor"] if edge == "inherit" else edge
    frame = FancyBboxPatch(
        (x0, y0),
        w,
        h,
        boxstyle=f"round,pad=0,rounding_size={0.2 * fs}" if rc["legend.fancybox"] else "square,pad=0",
        facecolor=face,
        edgecolor=edge,
        alpha=rc["legend.framealpha"],
        transform=points,
        clip_on=False,
        visible=rc["legend.frameon"],
    )
    parts = [frame]
    color = rc["legend.labelcolor"]
    color = rc["text.color"] if color in (None, "None") else color
    texts = []
    top, hx = y0 + h - pad, x0 + pad  # the first row's top, and the swatches' left edge
    for (up, down), handle, label in zip(rows, handles, labels):
        baseline = top - up
        top = baseline - down - gap
        yc = baseline + hand_h / 2  # the middle of the swatch box
        if isinstance(handle, BarContainer):
            handle = handle.patches[0]
        if isinstance(handle, Line2D):
            drawn = handle.get_linestyle() not in ("None", "none", " ", "")
            swatch = Line2D(
                [hx, hx + hand_w] if drawn else [hx + hand_w / 2],
                [yc, yc] if drawn else [yc],
                color=handle.get_color(),
                linestyle=handle.get_linestyle(),
                linewidth=handle.get_linewidth(),
                dash_capstyle=handle.get_dash_capstyle(),
                solid_capstyle=handle.get_solid_capstyle(),
                alpha=handle.get_alpha(),
            )
            if handle.get_marker() not in (None, "None", "none", "", " "):
                marked = Line2D([hx + hand_w / 2], [yc], linestyle="None")
                marked.update_from(handle)
                marked.set_data([hx + hand_w / 2], [yc])
                marked.set_linestyle("None")
                marked.set_markersize(handle.get_markersize() * rc["legend.markerscale"])
                swatch = [swatch, marked] if drawn else [marked]
            else:
                swatch = [swatch]
        elif isinstance(handle, Patch):
            swatch = Rectangle((hx, yc - hand_h / 2), hand_w, hand_h)
            swatch.update_from(handle)
            swatch = [swatch]
        else:
            raise TypeError(f"legend_key copies a Line2D, a Patch or bars, got {type(handle).__name__}")
        for part in swatch:
            part.set_transform(points)
            part.set_clip_on(False)
            parts.append(part)
        texts.append(
            Text(
                hx + hand_w + rc["legend.handletextpad"] * fs,
                baseline,
                label,
                fontsize=fs,
                color=color,
                ha="left",
                va="baseline",
                transform=points,
                clip_on=False,
            )
        )
    ax.add_artist(_key_class()(fig, frame, parts + texts, texts))
    return texts


@functools.cache
def _key_class():
    from matplotlib.artist import Artist, allow_rasterization

    class Key(Artist):
        """The artists of a :func:`legend_key`, drawn as one (frame, swatches, labels), above the content."""

        zorder = 5  # a legend's

        def __init__(self, fig, frame, parts, texts) -> None:
            super().__init__()
            self.frame, self.parts, self.texts = frame, parts, texts
            self.set_figure(fig)
            for part in parts:
                part.set_figure(fig)

        def get_children(self):
            return list(self.parts)

        @allow_rasterization
        def draw(self, renderer):
            if not self.get_visible():
                return
            for part in self.parts:
                part.draw(renderer)
            self.stale = False

    return Key


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
        under it, the view's ``alt`` as a caption), ``controls``, ``redraw()``,
        ``renderer`` (the :class:`_BlitRenderer` that repaints the figure) and
        ``last`` (what ``update`` returned last).
    """
    import html

    import ipywidgets as W
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)  # not registered with pyplot: never shown twice
    FigureCanvasAgg(fig)
    view = make_view(fig)
    if not isinstance(view, FigureView):
        raise TypeError(
            f"live_figure needs a FigureView (a class or a partial of one), got {type(view).__name__}: "
            "build the axes once in the view's __init__ and move them in update(**values)."
        )
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
        if blit.signature is None:
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
            "data": {
                "text/html": f"<div style='font-size:1.05em;margin-left:8px'>{html.escape(alt)}</div>",
                "text/plain": alt,
            },
            "metadata": {},
        }
        out.outputs = (figure, caption) if alt else (figure,)

    for c in widgets:
        c.observe(redraw, names="value")
    box.figure, box.view, box.output, box.controls, box.redraw, box.renderer = fig, view, out, controls, redraw, blit
    redraw()
    return box
