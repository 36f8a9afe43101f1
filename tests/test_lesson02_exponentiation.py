"""Lesson 02, exponentiation: the widget's view, the figures, the Predict checkpoints,
the Write-it checker and the check-yourself questions, without a browser."""

from __future__ import annotations

import io
import itertools
import statistics
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from softmax_lib import plots
from softmax_lib.lessons import lesson02_exponentiation as lesson


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _softmax(z):  # independent of the library
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()


# ---------------------------------------------------------------- the widget's view
ENDS = [lesson.LOGIT_RANGE[0], -0.5, 0.0, lesson.LOGIT_RANGE[1]]  # both ends of each slider, and between


@pytest.mark.parametrize("z1,z2", list(itertools.product(ENDS, repeat=2)))
def test_gap_view_at_both_ends_of_every_slider(fig, z1, z2):
    view = lesson.GapView(fig)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shown = view.update(z1=z1, z2=z2)
        fig.canvas.draw()  # renders without error or warning
    assert np.allclose(shown.p, _softmax([z1, z2, 0.0]))
    assert np.isclose(shown.ratio, np.exp(z1 - z2), rtol=1e-9)
    heights = [r.get_height() for r in view.rects]
    assert np.allclose(heights, shown.p)
    texts = _texts(fig)
    assert not any("nan" in t.lower() or "inf" in t.lower() for t in texts)
    assert lesson.fmt_ratio(np.exp(z1 - z2)) in view.box.get_text()
    assert f"gap z1 - z2 = {z1 - z2:.1f}" in view.alt and f"z1 = {z1:.1f}" in view.alt
    lo, hi = view.ax_r.get_ylim()
    assert lo < shown.ratio < hi  # the marked point is inside the plotted range


def test_moving_both_logits_together_keeps_the_ratio(fig):
    view = lesson.GapView(fig)
    a = view.update(z1=1.5, z2=-0.5)
    b = view.update(z1=3.5, z2=1.5)
    assert not np.allclose(a.p, b.p)  # the bars change ...
    assert np.isclose(a.ratio, b.ratio) and np.isclose(a.ratio, np.exp(2.0))  # ... the ratio does not


def test_gap_widget_redraws_on_change():
    w = lesson.widget()
    axes = list(w.figure.axes)
    assert np.isclose(w.last.ratio, np.exp(2.0))
    w.controls["z1"].value = 3.5
    assert np.isclose(w.last.ratio, np.exp(4.0))
    w.controls["z2"].value = 1.5
    assert np.isclose(w.last.ratio, np.exp(2.0))
    assert list(w.figure.axes) == axes  # built once
    assert "p1 / p2 = 7.39" in w.alt
    data, _ = w._repr_mimebundle_()
    assert "image/png" in data and "application/vnd.jupyter.widget-view+json" in data


def test_gap_view_redraw_is_cheap(fig):
    view = lesson.GapView(fig)
    view.update()
    fig.savefig(io.BytesIO(), format="png")  # warm up fonts and caches
    times = []
    for z1, z2 in [(6.0, -6.0), (-6.0, 6.0), (0.0, 0.0), (2.0, 1.0), (-3.0, -3.0)]:
        t = time.perf_counter()
        view.update(z1=z1, z2=z2)
        fig.savefig(io.BytesIO(), format="png")
        times.append(time.perf_counter() - t)
    # target < 100 ms; the bound is loose so a busy machine does not fail it
    assert statistics.median(times) < 1.0


# ---------------------------------------------------------------- helpers and figures
@pytest.mark.parametrize(
    "r,text",
    [(7.389, "7.39"), (1.0, "1"), (0.5, "0.5"), (162754.79, "162,755"), (1 / 1097.0, "1/1,097"), (100.0, "100")],
)
def test_fmt_ratio(r, text):
    assert lesson.fmt_ratio(r) == text


@pytest.mark.parametrize(
    "z,method,expected",
    [
        ([1.5, 0.8, -2.0], "divide by sum", "negative"),
        ([1.5, 0.8, -2.0], "square, then normalise", "order lost"),
        ([-0.25, 1.0, -0.75], "divide by sum", "inf/NaN"),
        ([-3.0, 0.5, 3.0], "square, then normalise", "order lost"),
        ([0.0, 0.0, 0.0], "square, then normalise", "inf/NaN"),
        ([0.1, 0.9, 0.2], "divide by sum", "usable"),
        ([0.0, 0.0, 0.0], "softmax", "usable"),
    ],
)
def test_verdict(z, method, expected):
    z = np.array(z)
    assert lesson.verdict(z, lesson.NORMALISERS[method](z)) == expected


def test_verdict_catches_values_above_one():
    assert lesson.verdict([1.0, 2.0], [0.2, 1.5]) == "above 1"


def test_squaring_figure_says_usable_only_for_softmax(fig):
    cases = {"a negative": [1.5, 0.8, -2.0], "-3 and 3": [-3.0, 0.5, 3.0], "all zero": [0.0, 0.0, 0.0]}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the figure itself must not warn
        table = lesson.draw_normalisers(fig, cases)
    assert [row["softmax"] for row in table.values()] == ["usable"] * 3
    assert [row["square, then normalise"] for row in table.values()] == ["order lost", "order lost", "inf/NaN"]
    assert len(fig.axes) == 6
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["order lost", "usable"] * 2 + ["inf/NaN", "usable"]  # the same word as the table
    assert all(list(ax.get_yticks()) == [0, 1] for ax in fig.axes)  # y ticks at 0 and 1
    assert "NaN" in _texts(fig)  # 0 / 0 shown as a labelled placeholder
    assert "a negative, square, then normalise: [0.33, 0.09, 0.58], order lost" in plots.alt_text(fig)


def test_exp_curve_labels_do_not_sit_on_the_axis(fig):
    w = lesson.draw_exp_curve(fig, [1.5, 0.8, -0.2], ["a", "b", "c"])
    assert np.allclose(w, np.exp([1.5, 0.8, -0.2]))
    ax_lin, ax_log = fig.axes
    assert ax_lin.get_ylim()[1] < 10  # a scale on which e^-0.2 = 0.82 is visibly above 0
    assert ax_log.get_yscale() == "log" and ax_log.get_xlim()[0] <= -20
    assert not any(t.arrow_patch for t in ax_lin.texts)  # no arrows striking through the labels
    assert "c e^-0.2 = 0.82" in plots.alt_text(fig) and "e^-20 = 2.1e-09" in plots.alt_text(fig)


def test_amplify_ratios(fig):
    r_z, r_w = lesson.draw_amplify(fig)
    assert round(r_z, 2) == 2.01 and round(r_w, 1) == 11.2
    assert "2.0 times for the logits and 11.2 times for the weights" in plots.alt_text(fig)


def test_batch_figures(fig):
    e = np.exp(np.array(lesson.BATCH))
    rows, cols = lesson.draw_axis_diagram(fig, e)
    assert np.allclose(rows, [135.723, 7333.359, 7.983], atol=1e-3)
    assert "[135.72, 7333.36, 7.98]" in plots.alt_text(fig)
    # the often-quoted "row sums" [8.395, 7.29, 2.487] are those of the logits, not of e^z
    assert np.allclose(np.array(lesson.BATCH).sum(axis=1), [8.395, 7.29, 2.487])
    assert not np.allclose(rows, [8.395, 7.29, 2.487])
    good, wrong = lesson.draw_batch_division(fig)
    assert np.allclose(good, 1.0)
    assert np.allclose(wrong, [2.256, 54.175, 0.159], atol=1e-3)
    assert "[2.256, 54.175, 0.159]" in plots.alt_text(fig)


def test_ratio_vs_gap_plot():
    fig, ax = plt.subplots()
    try:
        gaps = np.array([-30.0, -1.0, 0.0, 2.0, 30.0])
        lesson.draw_ratio_vs_gap(ax, gaps, np.exp(gaps))
        fig.canvas.draw()
        lo, hi = ax.get_ylim()
        assert lo <= np.exp(-30) and hi >= np.exp(30)
        assert plots.alt_text(fig).startswith("5 pairs of classes")
    finally:
        plt.close(fig)


# ---------------------------------------------------------------- Predict checkpoints
PREDICTIONS = [
    (lesson.predict_exp800, None, None, "No prediction yet"),
    (lesson.predict_exp800, "b", True, "rounds to exactly 0.0"),
    (lesson.predict_exp800, "a", False, "no float64 is that small"),
    (lesson.predict_exp800, "c", False, "never negative"),
    (lesson.predict_flatter, None, None, "No prediction yet"),
    (lesson.predict_flatter, "a", True, "0.667"),
    (lesson.predict_flatter, "b", False, "does not always amplify"),
    (lesson.predict_flatter, "c", False, "They differ"),
    (lesson.predict_square, None, None, "No prediction yet"),
    (lesson.predict_square, "c", True, "SMALLEST logit gets the most, 0.58"),
    (lesson.predict_square, "a", False, "(-2.0)² = 4"),
]


@pytest.mark.parametrize("predict,prediction,ok,fragment", PREDICTIONS)
def test_predictions_always_explain(predict, prediction, ok, fragment):
    fb = predict(prediction)
    assert fb.ok is ok
    assert fragment in fb.title + " " + fb.detail


def test_flatter_prediction_numbers_are_recomputed():
    detail = lesson.predict_flatter("a").detail
    assert "0.2 / 0.3 = 0.667" in detail and "gives 0.525" in detail


# ---------------------------------------------------------------- Write it: batch_softmax
def _no_keepdims(z, axis):
    e = np.exp(z)
    return e / e.sum(axis=axis)


def _no_axis(z, axis):
    e = np.exp(z)
    return e / e.sum()


def _always_last(z, axis):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _always_rows(z, axis):
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _always_axis0(z, axis):
    e = np.exp(z)
    return e / e.sum(axis=0, keepdims=True)


def _no_exp(z, axis):
    return z / z.sum(axis=axis, keepdims=True)


def _max_without_keepdims(z, axis):  # lesson 04's trick, with keepdims only on the sum
    e = np.exp(z - z.max(axis=axis))
    return e / e.sum(axis=axis, keepdims=True)


def _no_return(z, axis):
    np.exp(z) / np.exp(z).sum(axis=axis, keepdims=True)


WRITE_IT = [
    (lesson.reference_batch_softmax, True, "All 6 cases passed", "own sum"),
    (None, None, "No function yet", ""),
    (_no_keepdims, False, "(3, 3) batch of the lesson, axis=1 (square)", "column j by the sum of row j"),
    (_no_axis, False, "[2, 1, 0.1] in three orders", "normalises the whole batch at once"),
    (_always_last, False, "samples in columns, axis=0", "along the last axis whatever axis says"),
    (_always_rows, False, "one sample [2, 1, 0.1], axis=0", "axis 1 is out of bounds"),
    (_always_axis0, False, "[2, 1, 0.1] in three orders", "down axis 0 whatever axis says"),
    (_no_exp, False, "one sample [2, 1, 0.1], axis=0", "exponentiate first"),
    (
        _max_without_keepdims,
        False,
        "(3, 3) batch of the lesson, axis=1 (square)",
        "subtracts z.max(axis) without keepdims",
    ),
    (_no_return, False, "one sample", "return ..."),
]


@pytest.mark.parametrize("fn,ok,title,hint", WRITE_IT)
def test_check_batch_softmax(fn, ok, title, hint):
    fb = lesson.check_batch_softmax(fn)
    assert fb.ok is ok
    assert title in fb.title
    assert hint in fb.detail


def test_batch_softmax_no_keepdims_also_fails_the_non_square_batch():
    fb = lesson.check_batch_softmax(_no_keepdims)
    rows = {name: (ok, what) for ok, name, what in fb.rows}
    assert rows["(2, 3) batch, axis=1"] == (
        False,
        "raised ValueError: operands could not be broadcast together with shapes (2,3) (2,)",
    )
    assert rows["the (3, 3) batch transposed: samples in columns, axis=0"][0] is True  # harmless down axis 0


# ---------------------------------------------------------------- check yourself
@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (54.6, True, "Right"),
        (np.exp(4), True, "e^4 = 54.60"),
        ("54.5", True, "Right"),
        (4, False, "gap itself"),
        (-3, False, "ratio of the logits"),
        (7.39, False, "mind the minus sign"),
        (0.0183, False, "other way round"),
        (0.909, False, "probability of class 1"),
        (20.09, False, "class 1's weight alone"),
        (9, False, "squaring"),
        (10, False, "denominators cancel"),
        ("seven", False, "Expected a ratio"),
        (float("inf"), False, "not a finite number"),
    ],
)
def test_check_q1(answer, ok, fragment):
    fb = lesson.check_q1(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        ("b", True, "keepdims=True"),
        (["B"], True, "Right"),
        ("a", False, "ValueError"),
        ("c", False, "columns"),
        ("d", False, "column sums"),
        ("e", False, "not an option"),
        (1, False, "Expected a letter"),
    ],
)
def test_check_q2(answer, ok, fragment):
    fb = lesson.check_q2(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (1.386, True, "ln 4"),
        (np.log(4), True, "Right"),
        (1.39, True, "Right"),  # 1.386 rounded once more
        (1.37, False, "natural log"),  # asked for three decimals: 1.37 is not ln 4
        (1.4, False, "natural log"),
        (4, False, "np.log"),
        (0.6, False, "difference of the probabilities"),
        (0.602, False, "log10"),
        (-1.386, False, "sign is flipped"),
        (2.0, False, "natural log of both sides"),
    ],
)
def test_check_q3(answer, ok, fragment):
    fb = lesson.check_q3(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


def test_lesson02_is_stored_unanswered():
    from pathlib import Path

    from test_lesson01_intuition import stored_as_a_learner_sees_it

    path = Path(__file__).resolve().parent.parent / "notebooks" / "02-exponentiation.ipynb"
    assert stored_as_a_learner_sees_it(path) == (3, 1)
