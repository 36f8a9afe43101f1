"""The contents page's setup-check widget: one slider, one bar."""

from __future__ import annotations

import pytest

from softmax_lib.lessons import lesson00_index as lesson


@pytest.mark.parametrize("value", [0.0, 0.5, 1.0])
def test_setup_check_bar_follows_the_slider(fig, value):
    view = lesson.SetupCheckView(fig)
    axes = list(fig.axes)
    assert view.update(value=value) == value
    assert view.bar.get_height() == value
    assert view.ax.get_title() == f"value = {value:.2f}"
    assert f"{value:.2f}" in view.alt
    assert list(fig.axes) == axes, "update must not make new axes"


def test_setup_check_widget_is_wired():
    w = lesson.setup_check_widget()
    (slider,) = w.controls.values()
    slider.value = 0.95
    assert w.last == 0.95 and "0.95" in w.alt
    slider.value = slider.min
    assert w.last == 0.0 and w.view.bar.get_height() == 0.0
