"""Lesson 02, exponentiation: figure helpers, widget callback and exercise checks, without a browser."""

from __future__ import annotations

import io
import itertools
import time
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from softmax_lib import softmax  # noqa: E402
from softmax_lib.lessons import exponent  # noqa: E402



def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


# ---------------------------------------------------------------- widget
EXTREMES = [-6.0, -0.5, 0.0, 6.0]


@pytest.mark.parametrize("z1,z2", list(itertools.product(EXTREMES, repeat=2)))
def test_gap_widget_callback_at_extremes(fig, z1, z2):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        shown = exponent.draw_gap(fig, z1, z2)
        fig.canvas.draw()  # renders without error or warning
    assert np.allclose(shown.p, softmax([z1, z2, 0.0]))
    assert np.isclose(shown.ratio, np.exp(z1 - z2), rtol=1e-9)
    assert np.isclose(shown.exp_gap, np.exp(z1 - z2))
    heights = [p.get_height() for p in fig.axes[0].patches]
    assert len(heights) == 3 and np.all(np.isfinite(heights))
    texts = _texts(fig)
    assert not any("nan" in t.lower() or "inf" in t.lower() for t in texts)
    ratio_box = [t for t in texts if t.startswith("p1 / p2")]
    assert len(ratio_box) == 1 and exponent.fmt_ratio(np.exp(z1 - z2)) in ratio_box[0]
    # the marked point sits on the e^gap curve, inside the plotted range
    ax_r = fig.axes[1]
    lo, hi = ax_r.get_ylim()
    assert lo < shown.ratio < hi


def test_moving_both_logits_together_keeps_the_ratio(fig):
    a = exponent.draw_gap(fig, 1.5, -0.5)
    b = exponent.draw_gap(fig, 3.5, 1.5)
    assert not np.allclose(a.p, b.p)  # the bars change ...
    assert np.isclose(a.ratio, b.ratio) and np.isclose(a.ratio, np.exp(2.0))  # ... the ratio does not


def test_gap_widget_redraws_on_change():
    w = exponent.widget()
    assert np.isclose(w.last.ratio, np.exp(2.0))
    w.controls["z1"].value = 3.5
    assert np.isclose(w.last.ratio, np.exp(4.0))
    w.controls["z2"].value = 1.5
    assert np.isclose(w.last.ratio, np.exp(2.0))
    assert repr(w).startswith("Interactive figure")
    data, _ = w._repr_mimebundle_()
    assert "image/png" in data and "application/vnd.jupyter.widget-view+json" in data


def test_gap_widget_redraw_is_cheap(fig):
    exponent.draw_gap(fig)  # warm up fonts and caches
    times = []
    for z1, z2 in [(6.0, -6.0), (-6.0, 6.0), (0.0, 0.0), (2.0, 1.0), (-3.0, -3.0)]:
        t = time.perf_counter()
        exponent.draw_gap(fig, z1, z2)
        fig.savefig(io.BytesIO(), format="png")
        times.append(time.perf_counter() - t)
    # target < 150 ms; the bound is loose so a busy CI machine does not fail it
    assert np.median(times) < 1.0


# ---------------------------------------------------------------- helpers and figures
@pytest.mark.parametrize(
    "r,text",
    [(7.389, "7.39"), (1.0, "1"), (0.5, "0.5"), (162754.79, "162,755"), (1 / 1097.0, "1/1,097"), (100.0, "100")],
)
def test_fmt_ratio(r, text):
    assert exponent.fmt_ratio(r) == text


@pytest.mark.parametrize(
    "z,method,expected",
    [
        ([1.5, 0.8, -2.0], "divide by sum", "negative"),
        ([1.5, 0.8, -2.0], "square, then normalise", "order lost"),
        ([-0.25, 1.0, -0.75], "divide by sum", "inf/NaN"),
        ([-3.0, 0.5, 3.0], "square, then normalise", "order lost"),
        ([0.0, 0.0, 0.0], "square, then normalise", "inf/NaN"),
        ([0.1, 0.9, 0.2], "divide by sum", "ok"),
        ([0.0, 0.0, 0.0], "softmax", "ok"),
    ],
)
def test_verdict(z, method, expected):
    z = np.array(z)
    assert exponent.verdict(z, exponent.NORMALISERS[method](z)) == expected


def test_verdict_catches_values_above_one():
    assert exponent.verdict([1.0, 2.0], [0.2, 1.5]) == "above 1"


def test_softmax_is_the_only_normaliser_usable_on_every_case():
    fig = plt.figure(figsize=(11, 10))
    try:
        cases = {"neg": [1.5, 0.8, -2.0], "zero sum": [-0.25, 1.0, -0.75],
                 "sym": [-3.0, 0.5, 3.0], "zeros": [0.0, 0.0, 0.0]}
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the figure itself must not warn
            table = exponent.draw_normalisers(fig, cases)
        assert all(row["softmax"] == "ok" for row in table.values())
        assert all(row["divide by sum"] != "ok" for row in table.values())
        assert all(row["square, then normalise"] != "ok" for row in table.values())
        assert len(fig.axes) == 12
        labels = [t.get_text() for t in fig.axes[3].texts]  # "zero sum" row, divide by sum
        assert labels[:3] == ["-inf", "+inf", "-inf"]
    finally:
        plt.close(fig)


def test_amplify_ratios(fig):
    r_z, r_w = exponent.draw_amplify(fig)
    assert round(r_z, 2) == 2.01 and round(r_w, 1) == 11.2


def test_exp_curve_returns_positive_weights(fig):
    w = exponent.draw_exp_curve(fig, [1.5, 0.8, -0.2], ["a", "b", "c"])
    assert np.all(w > 0) and np.allclose(w, np.exp([1.5, 0.8, -0.2]))


def test_batch_figures(fig):
    rows, cols = exponent.draw_axis_diagram(fig, np.exp(np.array(exponent.BATCH)))
    assert np.allclose(rows, np.exp(np.array(exponent.BATCH)).sum(axis=1))
    # the source's "row sums" are those of the logits, not of the exponentials
    assert np.allclose(np.array(exponent.BATCH).sum(axis=1), [8.395, 7.29, 2.487])
    assert not np.allclose(rows, [8.395, 7.29, 2.487])
    good, wrong = exponent.draw_batch_division(fig)
    assert np.allclose(good, 1.0)
    assert not np.any(np.isclose(wrong, 1.0))


def test_ratio_vs_gap_plot():
    fig, ax = plt.subplots()
    try:
        gaps = np.array([-30.0, -1.0, 0.0, 2.0, 30.0])
        exponent.draw_ratio_vs_gap(ax, gaps, np.exp(gaps))
        fig.canvas.draw()
        lo, hi = ax.get_ylim()
        assert lo <= np.exp(-30) and hi >= np.exp(30)
    finally:
        plt.close(fig)


# ---------------------------------------------------------------- exercises
@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (7.39, True, "Right"),
        (np.exp(2), True, "whatever the two logits are"),
        ("7.4", True, "Right"),
        (2, False, "gap itself"),
        (4, False, "squaring"),
        (0.135, False, "other way round"),
        (0.881, False, "sigmoid(2)"),
        (2.718, False, "e^1"),
        (10, False, "denominators cancel"),
        ("seven", False, "Expected a ratio"),
        (float("inf"), False, "not a finite number"),
    ],
)
def test_check_q1(answer, ok, fragment):
    fb = exponent.check_q1(answer)
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
    fb = exponent.check_q2(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (1.386, True, "ln 4"),
        (np.log(4), True, "Right"),
        (4, False, "np.log"),
        (0.6, False, "difference of the probabilities"),
        (0.602, False, "log10"),
        (-1.386, False, "sign is flipped"),
        (2.0, False, "natural log of both sides"),
    ],
)
def test_check_q3(answer, ok, fragment):
    fb = exponent.check_q3(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)
