"""The shared patterns every lesson builds on: the widget view, alt text,
Predict checkpoints and Write-it checkers."""

from __future__ import annotations

import numpy as np
import pytest

from softmax_lib import checks, plots, softmax
from softmax_lib.widgets import FigureView, live_figure, slider


class _Bar(FigureView):
    def __init__(self, fig):
        super().__init__(fig)
        self.ax = fig.subplots()
        (self.bar,) = self.ax.bar([0], [0.0])
        self.builds = len(fig.axes)

    def update(self, value):
        self.bar.set_height(value)
        self.alt = f"one bar of height {value:.2f}"
        return value


def test_live_figure_builds_the_view_once_and_updates_it():
    box = live_figure(_Bar, {"value": slider("v", 0.5, 0.0, 1.0)}, figsize=(3, 2))
    axes_before = list(box.figure.axes)
    box.controls["value"].value = 0.9
    assert box.last == 0.9 and box.view.bar.get_height() == 0.9
    assert box.figure.axes == axes_before  # nothing rebuilt
    out = box.output.outputs[0]
    assert out["metadata"]["image/png"]["alt"] == "one bar of height 0.90"
    caption = box.output.outputs[1]["data"]
    assert caption["text/plain"] == "one bar of height 0.90" and "0.90" in caption["text/html"]
    data, meta = box._repr_mimebundle_()
    assert meta["image/png"]["alt"] == "one bar of height 0.90" and "image/png" in data


def test_set_alt_and_the_fallback_made_from_titles(fig):
    ax = fig.subplots()
    ax.set_title("Entropy against T")
    ax.set_xlabel("temperature T")
    assert plots.alt_text(fig) == "Figure: Entropy against T, x: temperature T"
    plots.set_alt(fig, "a curve from 0 to 1.10 nats")
    assert plots.alt_text(fig) == "a curve from 0 to 1.10 nats"


def test_bars_show_nan_and_inf_as_labelled_placeholders(fig):
    ax = fig.subplots()
    plots.bars([0.5, np.nan, np.inf], ["a", "b", "c"], ax=ax, ylim=(0, 1.2), highlight=[0])
    texts = {t.get_text() for t in ax.texts}
    assert {"NaN", "+inf"} <= texts
    assert ax.patches[0].get_hatch() == "//"


def test_log_t_axis_labels_plain_numbers(fig):
    ax = fig.subplots()
    plots.log_t_axis(ax, [0.05, 20])
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[:3] == ["0.05", "0.1", "0.25"] and "16" in labels and ax.get_xscale() == "log"


@pytest.mark.parametrize(
    ("prediction", "ok", "title"),
    [(None, None, checks.NO_PREDICTION), ("b", True, "You predicted it: b."), ("a", False, "Your prediction was a.")],
)
def test_check_prediction_always_explains(prediction, ok, title):
    fb = checks.check_prediction(prediction, "b", why="Ties share the top.", options=("a", "b", "c"))
    assert fb.ok is ok and fb.title == title
    if ok is not None:
        assert "Ties share the top." in fb.detail


_CASES = [
    checks.Case(
        "[1000, 0]", (np.array([1000.0, 0.0]),), checks.expect_array(softmax([1000.0, 0.0])), "subtract the max"
    ),
    checks.Case("[1, 2]", (np.array([1.0, 2.0]),), checks.expect_array(softmax([1.0, 2.0])), "use np.exp"),
]


def _naive(z):
    return np.exp(z) / np.exp(z).sum()


def _in_place(z):
    z -= z.max()
    return np.exp(z) / np.exp(z).sum()


@pytest.mark.parametrize(
    ("fn", "ok", "first", "hint"),
    [
        (lambda z: softmax(z), True, None, None),
        (_naive, False, "[1000, 0]", "subtract the max"),
        (_in_place, False, "[1000, 0]", "in place"),
        (lambda z: None, False, "[1000, 0]", "return"),
        (lambda z: softmax(z) + 1e-3j, False, "[1000, 0]", "subtract the max"),
        (lambda z: (softmax(z), 1), False, "[1000, 0]", "subtract the max"),
    ],
)
def test_check_function_names_the_first_failure(fn, ok, first, hint):
    fb = checks.check_function(fn, _CASES, name="my_softmax", success="stable")
    assert fb.ok is ok
    if first:
        assert fb.title.endswith(first) and hint in fb.detail
        assert len(fb.rows) == 2


def test_check_function_without_a_function():
    assert checks.check_function(None, _CASES, name="f", success="").ok is None
    fb = checks.check_function(3, _CASES, name="f", success="")
    assert fb.ok is False and "Pass the function itself" in fb.detail


def test_live_figure_refuses_a_plain_drawing_function():
    def draw(fig, value=0.5):  # the retired pattern: redraws everything on every step
        fig.clear()
        fig.subplots().bar([0], [value])

    with pytest.raises(TypeError, match="needs a FigureView"):
        live_figure(draw, {"value": slider("v", 0.5, 0.0, 1.0)})


def test_logits_and_probs_draws_a_masked_minus_inf_logit(fig):
    # issue 16: a -inf logit (the course's own mask) crashed with "Axis limits cannot be NaN or Inf"
    axes = fig.subplots(1, 2)
    plots.logits_and_probs([2.0, -np.inf, 0.5], ["a", "b", "c"], axes=axes)
    lo, hi = axes[0].get_ylim()
    assert np.isfinite([lo, hi]).all() and lo <= 0.0 and hi >= 2.0
    assert "-inf" in {t.get_text() for t in axes[0].texts}  # the placeholder bar says so
    probs = [p.get_height() for p in axes[1].patches]
    assert probs[1] == 0.0 and probs[0] == pytest.approx(softmax([2.0, 0.5])[0])
    fig.canvas.draw()


def test_logits_and_probs_of_only_minus_inf_or_nan_still_draws(fig):
    axes = fig.subplots(1, 2)
    plots.logits_and_probs([-np.inf, -np.inf], axes=axes)
    assert np.isfinite(axes[0].get_ylim()).all()
    axes = fig.subplots(1, 2)
    plots.logits_and_probs([1.0, np.nan], axes=axes)
    fig.canvas.draw()


def test_every_control_helper_has_the_one_style():
    import ipywidgets as W

    from softmax_lib import widgets

    made = [
        widgets.slider("a", 0.5, 0.0, 1.0),
        widgets.log_slider("temperature T", 1.0, 0.05, 20.0),
        widgets.int_slider("top-k", 3, 1, 10),
        widgets.selection_slider("dimension d", [1, 2, 4], 2),
        widgets.dropdown("model", {"raw": 0, "calibrated": 1}, 1),
        widgets.seed_box(3),
        widgets.control(W.Checkbox, "show the naive formula", value=True),
    ]
    for c in made:
        assert c.style.description_width == "initial", type(c).__name__
        assert c.layout.width == (widgets.CONTROL_WIDTH if not isinstance(c, W.BoundedIntText) else "200px")
        if "continuous_update" in c.trait_names():
            assert c.continuous_update is True, type(c).__name__
    assert widgets.int_slider("seed", 0, 0, 9, width="300px").layout.width == "300px"
    # a lesson's hand-written IntSlider (lesson 03's seed) and the helper make the same widget
    by_hand = W.IntSlider(
        value=0,
        min=0,
        max=9,
        description="seed",
        continuous_update=True,
        style={"description_width": "initial"},
        layout=W.Layout(width="300px"),
    )
    helper = widgets.int_slider("seed", 0, 0, 9, width="300px")
    assert {k: v for k, v in by_hand.get_state().items() if k not in ("layout", "style")} == {
        k: v for k, v in helper.get_state().items() if k not in ("layout", "style")
    }
    assert widgets.log_slider("T", 1.0, 0.05, 20.0).readout_format == ".3g"
    assert widgets.slider("p", 0.9, 0.05, 1.0, step=0.05).step == 0.05


@pytest.mark.parametrize(
    ("value", "lo", "hi"), [(1.0, 0.05, 20.0), (1.0, 0.25, 8.0), (1.0, 0.05, 5.0), (2.0, 0.01, 100.0)]
)
def test_a_log_slider_starts_on_a_point_its_handle_can_stop_at(value, lo, hi):
    """The front end stops the handle only at min + k * step: the start value must be one of those points,
    or T = 1 shows as 0.998 (0.05 to 20) or 0.995 (0.25 to 8) from the start."""
    import math

    from softmax_lib import widgets

    s = widgets.log_slider("T", value, lo, hi)
    k = (math.log10(value) - s.min) / s.step
    assert abs(k - round(k)) < 1e-9, (s.min, s.step, k)
    assert 10 ** (s.min + round(k) * s.step) == pytest.approx(value, rel=1e-12)
    assert abs(s.step - 0.01) < 0.0005  # still about 100 stops per factor of 10
    assert (s.min, s.max) == (math.log10(lo), math.log10(hi)) and s.value == value


def test_a_log_slider_at_its_lower_end_keeps_the_step_it_was_given():
    from softmax_lib import widgets

    assert widgets.log_slider("T", 0.05, 0.05, 20.0).step == 0.01
    assert widgets.log_slider("T", 1.0, 0.05, 20.0, step=0.05).step == pytest.approx(1.30103 / 26, rel=1e-5)
