"""Lesson 01 and the contents page: widget callbacks and exercise checks, without a browser."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from softmax_lib import softmax
from softmax_lib.lessons import index, intuition



def _bar_heights(fig):
    return [p.get_height() for ax in fig.axes for p in ax.patches]


@pytest.mark.parametrize("cat,dog,bird", list(itertools.product([-6.0, 0.0, 6.0], repeat=3)))
def test_intuition_widget_callback_at_extremes(fig, cat, dog, bird):
    p = intuition.draw_logits_probs(fig, cat, dog, bird)
    assert np.allclose(p, softmax([cat, dog, bird]))
    heights = _bar_heights(fig)
    assert len(heights) == 6 and np.all(np.isfinite(heights))
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert "sum = 1.00" in texts
    assert not any("nan" in t.lower() for t in texts)
    fig.canvas.draw()  # renders without error


def test_intuition_widget_redraws_on_change():
    w = intuition.widget()
    before = w.last.copy()
    w.controls["bird"].value = 6.0
    assert w.last[2] > before[2] and np.isclose(w.last.sum(), 1.0)
    assert repr(w).startswith("Interactive figure")
    data, _ = w._repr_mimebundle_()
    assert "image/png" in data and "application/vnd.jupyter.widget-view+json" in data


def test_normalisers_figure_shows_infinities_for_a_zero_sum(fig):
    intuition.draw_normalisers(fig, {"z2": [-0.25, 1.0, -0.75]})
    labels = [t.get_text() for t in fig.axes[1].texts]
    assert labels == ["-inf", "+inf", "-inf"]


def test_setup_check_widget(fig):
    assert index.draw_setup_check(fig, 1.0) == 1.0
    w = index.setup_check_widget()
    w.controls["value"].value = 0.0
    assert w.last == 0.0
    assert w.figure.axes[0].patches[0].get_height() == 0.0


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (0.665, True, "e^3"),
        (0.67, True, "Right"),
        (0.5, False, "dividing the logits by their sum"),
        (1, False, "argmax"),
        (0.9526, False, "sigmoid(3)"),
        (20.09, False, "first step"),
        (0.2447, False, "last class"),
        (0.3, False, "Compute e^1"),
        ("0.66", True, "Right"),
        ("abc", False, "Expected a probability"),
        (float("nan"), False, "not a finite number"),
        (np.float32(0.665), True, "Right"),
    ],
)
def test_check_q1(answer, ok, fragment):
    fb = intuition.check_q1(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)
    assert fragment.split()[0] in fb._repr_html_() or fragment in fb._repr_html_()


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        ({"a", "c"}, True, "differences"),
        ("a, c", True, "Right"),
        (["C", "A"], True, "Right"),
        ("a", False, "(c)"),
        ({"a", "b"}, False, "doubles"),
        ("d", False, "rescales"),
        ("e", False, "not an option"),
        (3, False, "Expected a letter"),
    ],
)
def test_check_q2(answer, ok, fragment):
    fb = intuition.check_q2(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)
