"""The redraw pipeline's shortcuts change no pixel: the PNG encoder (widgets.png_bytes)
and the text replay of the blit renderer (widgets._TextReplay)."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from lessons import present
from softmax_lib import style
from softmax_lib.widgets import FigureView, _BlitRenderer, live_figure, png_bytes, render_png, slider

WIDGETS = {
    f"{lesson.number} {name}": getattr(lesson.import_module(), name) for lesson in present() for name in lesson.figures
}


def _decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


@pytest.fixture(scope="module", autouse=True)
def _style():
    style.use()


# ---------------------------------------------------------------- the encoder
@pytest.mark.parametrize("shape", [(1, 1), (3, 5), (64, 97), (0, 4), (4, 0)])
@pytest.mark.parametrize("opaque", [True, False])
def test_png_bytes_stores_every_pixel_exactly(shape, opaque):
    rng = np.random.default_rng(sum(shape))
    rgba = rng.integers(0, 256, size=(*shape, 4), dtype=np.uint8)
    rgba[:, : shape[1] // 2] = [255, 255, 255, 255]  # flat areas, as in a plot
    if opaque:
        rgba[..., 3] = 255
    png = png_bytes(rgba)
    if 0 in shape:
        return  # a valid file, but Pillow refuses to open an image with no pixels
    img = Image.open(io.BytesIO(png))
    assert img.mode == "RGBA"
    np.testing.assert_array_equal(np.asarray(img), rgba)


def test_png_bytes_of_a_figure_is_its_canvas_and_no_bigger_than_pillows(fig):
    ax = fig.subplots()
    ax.bar([0, 1, 2], [0.2, 0.5, 0.3])
    ax.set_title("three bars")
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    png = png_bytes(rgba)
    np.testing.assert_array_equal(_decode(png), rgba)
    pillow = io.BytesIO()
    Image.fromarray(rgba).save(pillow, format="png", compress_level=1)
    assert len(png) <= 1.1 * len(pillow.getvalue())


def test_png_bytes_refuses_what_is_not_rgba():
    with pytest.raises(ValueError, match="RGBA uint8"):
        png_bytes(np.zeros((3, 3, 3), np.uint8))
    with pytest.raises(ValueError, match="RGBA uint8"):
        png_bytes(np.zeros((3, 3, 4), np.float32))


# ---------------------------------------------------------------- text replay
def _moves(control, n=3):
    if hasattr(control, "options"):
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
        return [values[i * (len(values) - 1) // max(1, n - 1)] for i in range(n)]
    if not hasattr(control, "max"):
        return []
    values = np.linspace(control.min, control.max, n)
    if type(control).__name__ == "FloatLogSlider":
        return [float(control.base**v) for v in values]
    return [int(round(v)) for v in values] if isinstance(control.value, int) else [float(v) for v in values]


@pytest.mark.parametrize("name", list(WIDGETS))
def test_replayed_texts_give_the_same_pixels_as_drawing_them(name):
    box = WIDGETS[name]()
    plain = _BlitRenderer(box.figure, text_replay=False)
    plain.render()  # its first render is a full draw, as the box's was: from now on both repaint
    moves = 0
    for control in box.controls.values():
        start = control.value
        for value in _moves(control) + _moves(control)[::-1]:  # there and back: texts come back to old places
            if control.value == value:
                continue
            control.value = value
            moves += 1
            shown = _decode(base64.b64decode(box.output.outputs[0]["data"]["image/png"]))
            np.testing.assert_array_equal(shown, _decode(plain.render()), err_msg=f"{name} at {value!r}")
        control.value = start
    assert moves >= 4 and box.renderer.texts.hits > 0, (moves, box.renderer.texts.hits)


class _Texts(FigureView):
    """A title that changes colour and size with the slider, and a fixed label."""

    def __init__(self, fig):
        super().__init__(fig)
        self.ax = fig.subplots()
        self.ax.set_xlim(0, 1)
        self.ax.set_ylim(0, 1)
        self.label = self.ax.text(0.5, 0.5, "same text, same place", ha="center")

    def update(self, h):
        self.label.set_color("red" if h > 0.5 else "black")
        self.label.set_fontsize(14 if h < 0.2 else 12)
        self.label.set_alpha(0.5 if h > 0.8 else 1.0)
        self.alt = f"h = {h:.2f}"
        return h


def test_a_replayed_text_takes_its_colour_alpha_and_size_from_the_current_draw():
    box = live_figure(_Texts, {"h": slider("h", 0.3, 0.0, 1.0)}, figsize=(4, 3))
    for h in (0.4, 0.6, 0.9, 0.1, 0.35, 0.7):
        box.controls["h"].value = h
        shown = _decode(base64.b64decode(box.output.outputs[0]["data"]["image/png"]))
        np.testing.assert_array_equal(shown, _decode(render_png(box.figure)), err_msg=f"h = {h}")
    assert box.renderer.texts.hits >= 3  # the label at size 12 was replayed in red, black and half-transparent


class _Rescaling(FigureView):
    """A bar whose axis follows it: every move changes the decorations."""

    def __init__(self, fig):
        super().__init__(fig)
        self.ax = fig.subplots()
        (self.bar,) = self.ax.bar([0], [1.0])

    def update(self, h):
        self.bar.set_height(h)
        self.ax.set_ylim(0, 1.1 * h if h > 0.5 else 1.0)
        self.alt = f"h = {h:.2f}"
        return h


def test_a_view_that_changes_its_axes_on_every_move_pays_one_draw_per_move():
    box = live_figure(_Rescaling, {"h": slider("h", 1.0, 0.0, 3.0)}, figsize=(4, 3))
    canvas = box.figure.canvas
    draws = []
    real_draw = canvas.draw
    canvas.draw = lambda *a, **k: (draws.append(1), real_draw(*a, **k))[1]
    try:
        for h in (1.5, 2.0, 2.5, 3.0):  # the y-limit changes each time: full draws only, no background
            box.controls["h"].value = h
            shown = _decode(base64.b64decode(box.output.outputs[0]["data"]["image/png"]))
            n = len(draws)
            np.testing.assert_array_equal(shown, _decode(render_png(box.figure)))
            del draws[n:]  # render_png's own draw is not the widget's
        assert len(draws) == 4
        draws.clear()
        for h in (0.2, 0.3, 0.4):  # y-limit 1.0 throughout: one full draw, then the background once, then blits
            box.controls["h"].value = h
            shown = _decode(base64.b64decode(box.output.outputs[0]["data"]["image/png"]))
            n = len(draws)
            full = _decode(render_png(box.figure))
            del draws[n:]
            assert (np.abs(shown.astype(int) - full).max(axis=2) > 40).mean() < 1e-4
        assert len(draws) == 2
    finally:
        canvas.draw = real_draw


# ---------------------------------------------------------------- legend_key
def _key_figure():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 4))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    solid = ax.plot([0, 1], [0, 1], color="C0", lw=3)[0]
    dashed = ax.axvline(0.5, color="C1", ls="--", lw=2)
    dot = ax.plot([0.3], [0.3], "o", ms=11, color="C2", markeredgecolor="black")[0]
    bars = ax.bar([0.2], [0.4], width=0.1, color="C3", edgecolor="black", hatch="//")
    handles = [solid, dashed, dot, bars]
    labels = ["a solid line", "dashed", "a marker only", "hatched bars"]
    return fig, ax, handles, labels


@pytest.mark.parametrize(
    "loc", ["upper right", "upper left", "lower left", "lower right", "upper center", "lower center"]
)
def test_legend_key_sits_where_a_legend_would(loc):
    from softmax_lib.widgets import legend_key

    fig, ax, handles, labels = _key_figure()
    legend = ax.legend(handles, labels, loc=loc, fontsize=12)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    want = legend.get_frame().get_window_extent(renderer)
    want_texts = [t.get_window_extent(renderer) for t in legend.get_texts()]
    legend.remove()
    texts = legend_key(ax, handles, labels, loc=loc, fontsize=12)
    fig.canvas.draw()
    (key,) = ax.artists
    got = key.frame.get_window_extent(renderer)
    np.testing.assert_allclose(got.bounds, want.bounds, atol=1)  # the same frame, to a pixel
    for text, box in zip(texts, want_texts):
        mine = text.get_window_extent(renderer)
        np.testing.assert_allclose(mine.bounds, box.bounds, atol=1, err_msg=text.get_text())
        assert got.contains(mine.x0, mine.y0) and got.contains(mine.x1, mine.y1)


def test_legend_key_copies_each_handles_style():
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    from softmax_lib.widgets import legend_key

    fig, ax, handles, labels = _key_figure()
    texts = legend_key(ax, handles, labels, loc="upper right")
    (key,) = ax.artists
    assert key.texts == texts and [t.get_text() for t in texts] == labels
    swatches = [a for a in key.get_children() if a is not key.frame and a not in texts]
    lines = [a for a in swatches if isinstance(a, Line2D)]
    solid, dashed, dot = lines
    assert solid.get_linestyle() == "-" and solid.get_linewidth() == 3 and len(solid.get_xdata()) == 2
    assert dashed.get_linestyle() == "--" and dashed.get_color() == handles[1].get_color()
    assert dot.get_marker() == "o" and dot.get_linestyle() == "None" and dot.get_markersize() == 11
    assert dot.get_markeredgecolor() == "black"
    (patch,) = [a for a in swatches if isinstance(a, Rectangle)]
    assert patch.get_hatch() == "//" and patch.get_facecolor() == handles[3].patches[0].get_facecolor()
    assert all(not a.get_clip_on() for a in swatches) and key.get_zorder() == 5  # above the content, as a legend
    assert ax.get_lines() == handles[:3] and not ax.texts and ax.get_legend() is None  # one artist, no Legend


def test_legend_key_reserves_room_for_a_longer_label():
    from softmax_lib.widgets import legend_key

    fig, ax, handles, labels = _key_figure()
    texts = legend_key(ax, handles[:1], ["now"], loc="upper center", reserve=["now: ECE 100.0 %"])
    texts[0].set_text("now: ECE 100.0 %")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    frame = ax.artists[0].frame.get_window_extent(renderer)
    label = texts[0].get_window_extent(renderer)
    assert frame.x0 < label.x0 and label.x1 < frame.x1


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"loc": "best"}, "loc must be one of"),
        ({"loc": "upper right", "labels": ["only one"]}, "one label per handle"),
        ({"loc": "upper right", "handles": ["not an artist"], "labels": ["x"]}, "copies a Line2D, a Patch or bars"),
    ],
)
def test_legend_key_says_what_was_wrong(kw, message):
    from softmax_lib.widgets import legend_key

    fig, ax, handles, labels = _key_figure()
    kw = {"handles": handles, "labels": labels, **kw}
    with pytest.raises((ValueError, TypeError), match=message):
        legend_key(ax, kw.pop("handles"), kw.pop("labels"), **kw)


@pytest.mark.parametrize("name", list(WIDGETS))
def test_no_live_figure_lays_out_a_legend_on_every_move(name):
    box = WIDGETS[name]()
    for ax in box.figure.axes:
        assert ax.get_legend() is None, (
            f"{name} has a matplotlib Legend, which is laid out again on every move (6-12 ms): "
            "use widgets.legend_key, which lays the same key out once"
        )


def test_legend_key_takes_each_handles_own_label_by_default():
    from softmax_lib.widgets import legend_key

    fig, ax, handles, labels = _key_figure()
    for handle, label in zip(handles, labels):
        handle.set_label(label)
    assert [t.get_text() for t in legend_key(ax, handles, loc="upper right")] == labels
    handles[1].set_label("_nolegend_")
    with pytest.raises(ValueError, match="handle 1 has no label of its own"):
        legend_key(ax, handles, loc="upper right")


def test_the_course_style_draws_text_unhinted():
    """FreeType's hinter was a third of laying out a new string; a slider that rewrites a
    title pays it on every move (lesson 09's attention view: 62 -> 43 ms per move)."""
    import matplotlib as mpl

    with mpl.rc_context():
        mpl.rcParams["text.hinting"] = "default"
        style.use()
        assert mpl.rcParams["text.hinting"] == "no_hinting"
