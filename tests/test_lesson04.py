"""Lesson 04, the overflow trick: widget callback, figures and exercise checks, without a browser."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from softmax_lib import naive_softmax, softmax  # noqa: E402
from softmax_lib.lessons import stability  # noqa: E402



def _texts(ax):
    return [t.get_text() for t in ax.texts]


# ---------------------------------------------------------------- float limits
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_exp_limits_are_where_np_exp_breaks(dtype):
    lim = stability.exp_limits(dtype)
    with np.errstate(all="ignore"):
        assert np.isfinite(np.exp(dtype(lim.overflow - 0.01)))
        assert np.exp(dtype(lim.overflow + 0.01)) == np.inf
        assert np.exp(dtype(lim.zero + 0.1)) == np.finfo(dtype).smallest_subnormal
        assert np.exp(dtype(lim.zero - 0.1)) == 0.0
        assert 0 < np.exp(dtype(lim.subnormal - 1.0)) < np.finfo(dtype).tiny


def test_exp_limit_values():
    assert round(stability.exp_limits(np.float64).overflow, 2) == 709.78
    assert round(stability.exp_limits(np.float32).overflow, 2) == 88.72
    assert round(stability.exp_limits(np.float64).zero, 2) == -745.13
    assert round(stability.exp_limits(np.float32).zero, 2) == -103.97
    assert round(stability.exp_limits(np.float16).overflow, 2) == 11.09


def test_exp_ranges_figure(fig):
    ax = stability.draw_exp_ranges(fig.add_subplot())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["float16", "float32", "float64"]
    labels = _texts(ax)
    assert "709.78" in labels and "88.72" in labels and "-745.13" in labels
    fig.canvas.draw()


# ---------------------------------------------------------------- the shift widget
def test_break_points():
    lo, hi = stability.break_points()
    assert round(hi, 2) == 707.37 and round(lo, 2) == -747.13
    z = np.array(stability.LOGITS)
    with np.errstate(all="ignore"):
        assert not np.isnan(naive_softmax(z + np.floor(hi))).any()
        assert np.isnan(naive_softmax(z + np.ceil(hi + 0.5))).any()
        assert np.isnan(naive_softmax(z + lo - 0.01)).all()
        assert not np.isnan(naive_softmax(z + lo + 0.01)).any()


def test_naive_zones_cover_the_slider_range():
    spans = stability.naive_zones()
    assert [k for *_, k in spans] == ["nan", "wrong", "ok", "wrong", "nan"]
    assert spans[0][0] == stability.SHIFT_RANGE[0] and spans[-1][1] == stability.SHIFT_RANGE[1]
    for (a, b, _), (c, _, _) in zip(spans, spans[1:]):
        assert b == c and a < b
    lo, hi = stability.break_points()
    assert abs(spans[0][1] - lo) < 0.02 and abs(spans[2][1] - hi) < 0.02


@pytest.mark.parametrize("shift", [-1000.0, 0.0, 1000.0])
def test_widget_callback_at_extremes_with_warnings_as_errors(fig, shift):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = stability.draw_shift(fig, shift)
        fig.canvas.draw()  # renders without error or warning
    ax_naive, ax_stable, ax_strip = fig.axes
    assert np.allclose(r.stable, softmax(stability.LOGITS))  # the stable bars never move
    shown = f"{shift:+.0f}" if shift else "0"
    assert f"shift c = {shown}:" in fig._suptitle.get_text()
    assert f"max logit = {max(stability.LOGITS) + shift:.1f}" in fig._suptitle.get_text()
    for ax in (ax_naive, ax_stable):
        heights = [p.get_height() for p in ax.patches]
        assert len(heights) == 3 and all(np.isfinite(heights)) and all(h > 0 for h in heights)
    assert "NaN" not in _texts(ax_stable)
    if shift == 0:
        assert r.status == "ok" and np.allclose(r.naive, r.stable)
        assert "NaN" not in _texts(ax_naive)
    else:
        assert r.status == "nan"
        assert _texts(ax_naive).count("NaN") == int(np.isnan(r.naive).sum()) > 0
    assert len(ax_strip.patches) >= 3  # the zones are drawn


@pytest.mark.parametrize(
    "shift,status,nans",
    [(707.0, "ok", 0), (708.0, "nan", 1), (-745.0, "wrong", 0), (-748.0, "nan", 3), (-500.0, "ok", 0)],
)
def test_widget_callback_breaks_where_it_says(fig, shift, status, nans):
    r = stability.draw_shift(fig, shift)
    assert r.status == status
    assert int(np.isnan(r.naive).sum()) == nans
    assert np.allclose(r.stable, softmax(stability.LOGITS))
    if status == "wrong":
        assert "WRONG" in " ".join(_texts(fig.axes[0]))


def test_widget_redraws_on_change():
    w = stability.widget()
    try:
        assert w.last.status == "ok"
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            w.controls["shift"].value = 1000.0
            assert w.last.status == "nan" and np.allclose(w.last.stable, softmax(stability.LOGITS))
            w.controls["shift"].value = -1000.0
            assert w.last.status == "nan"
        assert w.controls["shift"].min == -1000 and w.controls["shift"].max == 1000
        data, _ = w._repr_mimebundle_()
        assert "image/png" in data and "application/vnd.jupyter.widget-view+json" in data
    finally:
        plt.close(w.figure)


def test_batch_figure_keeps_nan_inside_its_row(fig):
    batch = [[2.0, 1.0, 0.1], [1.0, np.nan, 3.0], [0.5, -np.inf, 0.5], [-np.inf] * 3]
    p = stability.draw_batch(fig, batch, ["a", "b", "c", "d"])
    assert np.isnan(p).any(axis=-1).tolist() == [False, True, False, True]
    assert [_texts(ax).count("NaN") for ax in fig.axes] == [0, 3, 0, 3]
    fig.canvas.draw()


# ---------------------------------------------------------------- Q1 to Q3
@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (88.72, True, "np.log(np.finfo(np.float32).max)"),
        (88.7228, True, "Right"),
        (np.float32(88.72), True, "Right"),
        (709.78, False, "float64"),
        (38.53, False, "log10"),
        (128, False, "128 · ln 2"),
        (1000, False, "even float64"),
        (11.09, False, "float16"),
        (-103.97, False, "other end"),
        (88, False, "two decimals"),
        (50, False, "np.finfo(np.float32).max"),
        ("abc", False, "Expected a number"),
    ],
)
def test_check_q1(answer, ok, fragment):
    fb = stability.check_q1(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (1001.099, True, "log 3"),
        (1001.0986, True, "Right"),
        (1000, False, "m alone"),
        (1000.693, False, "log 2"),
        (1003, False, "take the log"),
        (1000.477, False, "log10"),
        (3000, False, "sum of the logits"),
        (float("inf"), False, "not a finite number"),
        (5, False, "Factor out"),
    ],
)
def test_check_q2(answer, ok, fragment):
    fb = stability.check_q2(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


def test_q3_answer_is_what_softmax_does():
    rows = {k: np.array(eval(v, {"inf": np.inf, "nan": np.nan})) for k, v in stability.Q3_OPTIONS.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nan_rows = {k for k, z in rows.items() if np.isnan(softmax(z)).any()}
    assert nan_rows == {"b", "c"}
    assert stability.check_q3(nan_rows).ok is True


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        ({"b", "c"}, True, "poisons"),
        ("b, c", True, "Right"),
        ("b", False, "(c)"),
        ({"a", "b", "c"}, False, "[0.731, 0.269, 0]"),
        ({"b", "c", "d"}, False, "[1, 0]"),
        ({"b", "c", "e"}, False, "mask"),
        ("c", False, "(b)"),
        ("f", False, "not an option"),
    ],
)
def test_check_q3(answer, ok, fragment):
    fb = stability.check_q3(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


# ---------------------------------------------------------------- write your own stable softmax
def _naive(z):
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def _as_float64(z):  # casts first: still right, float32 input included
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _mean(z):
    e = np.exp(z - np.mean(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def _no_keepdims(z):
    e = np.exp(z - np.max(z, axis=-1))
    return e / np.sum(e, axis=-1)


def _global_max(z):
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def _in_place(z):
    z -= np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / np.sum(e, axis=-1, keepdims=True)


def _no_return(z):
    np.exp(z - np.max(z, axis=-1, keepdims=True))


def _flat(z):
    return stability.reference_softmax(z).ravel()


def _warns(z):
    np.exp(z)  # harmless for the values, but warns
    return stability.reference_softmax(z)


def _range_scaled(z):  # divides by max - min: wrong everywhere, 0/0 on a constant row
    span = np.max(z, axis=-1, keepdims=True) - np.min(z, axis=-1, keepdims=True)
    e = np.exp((z - np.max(z, axis=-1, keepdims=True)) / span)
    return e / np.sum(e, axis=-1, keepdims=True)


def _typo(z):
    return np.expp(z)


@pytest.mark.parametrize("fn", [stability.reference_softmax, _as_float64, softmax])
def test_check_my_softmax_passes_correct_solutions(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fb = stability.check_my_softmax(fn)
    assert fb.ok is True, repr(fb)
    assert "All 7 hostile inputs passed" in repr(fb)
    assert len(fb.rows) == len(stability.HOSTILE) and all(ok for ok, *_ in fb.rows)
    assert fb._repr_html_().count("<tr>") == len(stability.HOSTILE)


def test_reference_solution_notes_the_harmless_warning():
    fb = stability.check_my_softmax(stability.reference_softmax)
    notes = {name: what for _, name, what in fb.rows}
    assert "harmless" in notes["[1e308, -1e308]"]


@pytest.mark.parametrize(
    "fn,failed,first,fragments",
    [
        (_naive, 5, "[1000, 999, 0]", ["returned NaN", "overflow encountered in exp", "Subtract the row's maximum"]),
        (_mean, 2, "[1e308, -1e308]", ["returned NaN", "not the mean"]),
        (_no_keepdims, 1, "batch", ["raised ValueError", "keepdims=True"]),
        (_global_max, 1, "batch", ["returned wrong values", "Each row is its own softmax"]),
        (_in_place, 7, "[1000, 999, 0]", ["changed the input array in place", "shifted = z - m"]),
        (_no_return, 7, "[1000, 999, 0]", ["returned None", "return"]),
        (_flat, 1, "batch", ["wrong shape: (6,) instead of (2, 3)"]),
        (_warns, 4, "[1000, 999, 0]", ["made NumPy warn: overflow encountered in exp", "values are right"]),
        (_range_scaled, 6, "[1000, 999, 0]", ["returned wrong values", "returned NaN: [nan nan nan nan]"]),
        (_typo, 7, "[1000, 999, 0]", ["raised AttributeError"]),
    ],
)
def test_check_my_softmax_names_the_input_that_broke_it(fn, failed, first, fragments):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the checker records the learner's warnings itself
        fb = stability.check_my_softmax(fn)
    assert fb.ok is False
    assert f"{failed} of 7 hostile inputs broke it" in fb.title
    assert first in fb.title
    text = repr(fb)
    for fragment in fragments:
        assert fragment in text, text
    assert sum(not ok for ok, *_ in fb.rows) == failed
    html = fb._repr_html_()
    assert "<table" in html and "✗" in html


def test_check_my_softmax_without_a_function():
    assert stability.check_my_softmax(None).ok is None
    fb = stability.check_my_softmax(np.array([1.0, 2.0]))
    assert fb.ok is False and "without calling it" in repr(fb)


def test_check_my_softmax_leaves_numpy_state_alone():
    before = np.geterr()
    stability.check_my_softmax(_naive)
    assert np.geterr() == before


def test_hostile_inputs_have_finite_answers():
    for case in stability.HOSTILE:
        assert np.isfinite(softmax(case.z)).all(), case.name
