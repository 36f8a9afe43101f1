"""Every live figure repaints only its content over a cached background
(widgets._BlitRenderer).  These tests drive each lesson's real widget through
its slider ends and check that the repainted picture is the one a full draw
of the same state gives, pixel for pixel (a few antialiased pixels aside)."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from lessons import present
from softmax_lib import style
from softmax_lib.widgets import FigureView, live_figure, render_png, slider

# Every live figure of every lesson, as the registry (tools/lessons.py) names them.
WIDGETS = {
    f"{lesson.number} {name}": getattr(lesson.import_module(), name) for lesson in present() for name in lesson.figures
}


def test_every_lesson_with_a_slider_registers_its_figures():
    # A lesson whose module builds live figures must list them in the registry.
    for lesson in present():
        module = lesson.import_module()
        if "live_figure" in Path(module.__file__).read_text(encoding="utf-8"):
            assert lesson.figures, f"{lesson.name}: list its live figures in tools/lessons.py"
        for name in lesson.figures:
            assert callable(getattr(module, name, None)), f"{lesson.module}.{name} is not a function"


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _ends(control) -> list:
    if hasattr(control, "options"):
        options = list(control.options)
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        return [values[-1], values[0], values[len(values) // 2]]
    return [control.max, control.min, (control.max + control.min) / 2]


@pytest.fixture(scope="module", autouse=True)
def _style():
    style.use()


@pytest.mark.parametrize("name", list(WIDGETS))
def test_repainted_figure_matches_a_full_draw(name):
    box = WIDGETS[name]()
    moves = 0
    for control in box.controls.values():
        if not hasattr(control, "max") and not hasattr(control, "options"):
            continue  # a seed box or a button: not a slider
        for value in _ends(control):
            if control.value == value:
                continue
            control.value = value
            moves += 1
            shown = _pixels(base64.b64decode(box.output.outputs[0]["data"]["image/png"]))
            full = _pixels(render_png(box.figure))
            assert shown.shape == full.shape
            differ = np.abs(shown - full).max(axis=2) > 40
            assert differ.mean() < 1e-4, f"{name}: {differ.sum()} pixels differ after moving to {value!r}"
    assert moves >= 2


class _Moving(FigureView):
    """Bars, a title and a y-limit that the slider may change."""

    def __init__(self, fig):
        super().__init__(fig)
        self.ax = fig.subplots()
        self.bars = self.ax.bar([0, 1], [0.5, 0.5])
        self.ax.set_ylim(0, 1)

    def update(self, h):
        self.bars[0].set_height(h)
        self.ax.set_title(f"h = {h:.2f}")
        if h > 1:
            self.ax.set_ylim(0, 2 * h)  # the decorations change: a full redraw
        self.alt = f"h = {h:.2f}"
        return h


def test_a_changed_axis_is_drawn_in_full():
    box = live_figure(_Moving, {"h": slider("h", 0.5, 0.0, 3.0)}, figsize=(4, 3))
    for h in (0.9, 2.5, 0.2):
        box.controls["h"].value = h
        shown = _pixels(base64.b64decode(box.output.outputs[0]["data"]["image/png"]))
        assert (np.abs(shown - _pixels(render_png(box.figure))).max(axis=2) > 40).mean() < 1e-4
    assert box.view.ax.get_ylim() == (0.0, 5.0)  # set at 2.5 and kept
