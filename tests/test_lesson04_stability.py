"""Lesson 04, the overflow trick: widget callback, figures and exercise checks, without a browser."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pytest
import scipy.special

from softmax_lib import naive_softmax, softmax
from softmax_lib.lessons import lesson04_stability as lesson
from softmax_lib.plots import alt_text


def _texts(ax):
    return [t.get_text() for t in ax.texts]


# ---------------------------------------------------------------- float limits
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_exp_limits_are_where_np_exp_breaks(dtype):
    lim = lesson.exp_limits(dtype)
    with np.errstate(all="ignore"):
        assert np.isfinite(np.exp(dtype(lim.overflow - 0.01)))
        assert np.exp(dtype(lim.overflow + 0.01)) == np.inf
        assert np.exp(dtype(lim.zero + 0.1)) == np.finfo(dtype).smallest_subnormal
        assert np.exp(dtype(lim.zero - 0.1)) == 0.0
        assert 0 < np.exp(dtype(lim.subnormal - 1.0)) < np.finfo(dtype).tiny


def test_exp_limit_values():
    assert round(lesson.exp_limits(np.float64).overflow, 2) == 709.78
    assert round(lesson.exp_limits(np.float32).overflow, 2) == 88.72
    assert round(lesson.exp_limits(np.float64).zero, 2) == -745.13
    assert round(lesson.exp_limits(np.float32).zero, 2) == -103.97
    assert round(lesson.exp_limits(np.float16).overflow, 2) == 11.09


def test_exp_ranges_figure(fig):
    ax = lesson.draw_exp_ranges(fig.add_subplot())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["float16", "float32", "float64"]
    labels = _texts(ax)
    assert "709.78" in labels and "88.72" in labels and "-745.13" in labels
    fig.canvas.draw()
    assert "float32: e^z is finite and non-zero for z from -103.97 to 88.72" in alt_text(fig)


# ---------------------------------------------------------------- the shift view
def test_break_points():
    b = lesson.break_points()
    assert (round(b.all_zero, 2), round(b.sum_overflow, 2), round(b.term_overflow, 2)) == (-747.13, 707.37, 707.78)
    z = np.array(lesson.LOGITS)
    with np.errstate(all="ignore"):
        # recomputed with plain NumPy: right below the sum's overflow, all zeros between, NaN above the term's
        assert np.allclose(naive_softmax(z + b.sum_overflow - 0.01), softmax(z))
        for c in (b.sum_overflow + 0.01, (b.sum_overflow + b.term_overflow) / 2, b.term_overflow - 0.001):
            assert np.exp(z + c).sum() == np.inf and np.isfinite(np.exp(z + c)).all()
            assert naive_softmax(z + c).tolist() == [0.0, 0.0, 0.0]
        assert np.isnan(naive_softmax(z + b.term_overflow + 0.001)[0])
        assert np.isnan(naive_softmax(z + b.all_zero - 0.01)).all()
        assert not np.isnan(naive_softmax(z + b.all_zero + 0.01)).any()


def test_naive_zones_cover_the_slider_range():
    spans = lesson.naive_zones()
    assert [k for *_, k in spans] == ["nan", "wrong", "ok", "zeros", "nan"]
    assert spans[0][0] == lesson.SHIFT_RANGE[0] and spans[-1][1] == lesson.SHIFT_RANGE[1]
    for (a, b, _), (c, _, _) in zip(spans, spans[1:]):
        assert b == c and a < b
    b = lesson.break_points()
    assert abs(spans[0][1] - b.all_zero) < 0.01 and abs(spans[2][1] - b.sum_overflow) < 0.01
    assert abs(spans[3][1] - b.term_overflow) < 0.01
    # the wrong-value zone at the underflow end runs from -747.1 to -742.1
    assert round(spans[1][0], 1) == -747.1 and round(spans[1][1], 1) == -742.1


def _bar_state(view, key):
    rects, values, nans = view.bars[key]
    return (
        [r.get_height() for r in rects],
        [t.get_text() for t in values if t.get_visible()],
        sum(t.get_visible() for t in nans),
    )


@pytest.mark.parametrize("shift", [lesson.SHIFT_RANGE[0], 0.0, lesson.SHIFT_RANGE[1]])
def test_view_at_both_ends_with_warnings_as_errors(fig, shift):
    view = lesson.ShiftView(fig)
    n_artists = [len(ax.get_children()) for ax in fig.axes]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = view.update(shift=shift)
        fig.canvas.draw()  # renders without error or warning
    assert len(fig.axes) == 5 and [len(ax.get_children()) for ax in fig.axes] == n_artists  # nothing rebuilt
    assert np.allclose(r.stable, softmax(lesson.LOGITS))  # the stable bars never move
    assert f"shift c = {shift:+.2f}:" in view.title.get_text()
    assert f"max logit = {max(lesson.LOGITS) + shift:.2f}" in view.title.get_text()
    heights, labels, nans = _bar_state(view, "stable")
    assert np.allclose(heights, r.stable) and nans == 0
    heights, labels, nans = _bar_state(view, "naive")
    if shift == 0:
        assert r.status == "ok" and np.allclose(r.naive, r.stable) and nans == 0
    else:
        assert r.status == "nan" and nans == int(np.isnan(r.naive).sum()) == 3
    assert f"Shift c = {shift:+.2f}" in view.alt and "707.37" in view.alt and "707.78" in view.alt
    # the slider mark is drawn on the whole strip, and on a zoom only inside its range
    assert [m.get_visible() for m in view.marks] == [True, False, False]


@pytest.mark.parametrize(
    "shift,status,nans,words",
    [
        (707.0, "ok", 0, "matches"),
        (707.5, "zeros", 0, "overflowed, e^z / inf = 0"),
        (708.0, "nan", 1, "inf/inf"),
        (-745.0, "wrong", 0, "subnormal"),
        (-748.0, "nan", 3, "0/0"),
        (-500.0, "ok", 0, "matches"),
    ],
)
def test_view_breaks_where_it_says(fig, shift, status, nans, words):
    view = lesson.ShiftView(fig)
    r = view.update(shift=shift)
    assert r.status == status
    assert int(np.isnan(r.naive).sum()) == nans == _bar_state(view, "naive")[2]
    assert np.allclose(r.stable, softmax(lesson.LOGITS))
    assert words in view.status.get_text()
    if status == "zeros":
        assert _bar_state(view, "naive")[1] == ["0.00", "0.00", "0.00"]
        assert view.marks[2].get_visible()  # inside the right-hand zoom
    if status == "wrong":
        assert view.marks[1].get_visible()


def test_widget_redraws_on_change():
    w = lesson.widget()
    try:
        assert w.last.status == "ok"
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            w.controls["shift"].value = 1000.0
            assert w.last.status == "nan" and np.allclose(w.last.stable, softmax(lesson.LOGITS))
            w.controls["shift"].value = 707.5
            assert w.last.status == "zeros"
            w.controls["shift"].value = -1000.0
            assert w.last.status == "nan"
        assert w.controls["shift"].min == -1000 and w.controls["shift"].max == 1000
        assert isinstance(w.view, lesson.ShiftView)
        data, _ = w._repr_mimebundle_()
        assert "image/png" in data and "application/vnd.jupyter.widget-view+json" in data
    finally:
        plt.close(w.figure)


def test_batch_figure_keeps_nan_inside_its_row(fig):
    batch = [[2.0, 1.0, 0.1], [1.0, np.nan, 3.0], [0.5, -np.inf, 0.5], [-np.inf] * 3]
    p = lesson.draw_batch(fig, batch, ["a", "b", "c", "d"])
    assert np.isnan(p).any(axis=-1).tolist() == [False, True, False, True]
    assert [_texts(ax).count("NaN") for ax in fig.axes] == [0, 3, 0, 3]
    fig.canvas.draw()
    alt = alt_text(fig)
    assert "a: z = [2, 1, 0.1] gives [0.66, 0.24, 0.10]" in alt and "d: z = [−∞, −∞, −∞] gives NaN" in alt


# ---------------------------------------------------------------- Predict checkpoints
@pytest.mark.parametrize(
    "check,right,wrong,fragment",
    [
        (
            lesson.predict_naive,
            "a",
            {"b": "a finite number divided by inf", "c": "that sum is inf", "d": "return inf and warn"},
            "nothing stops the program",
        ),
        (
            lesson.predict_float32,
            "b",
            {"a": "only below z = -103.97", "c": "smallest NORMAL float32", "d": "neither overflows"},
            "27 steps of the smallest subnormal",
        ),
        (
            lesson.predict_sum_overflow,
            "b",
            {"a": "The largest is e^709.5", "c": "from c = 707.78 on", "d": "Add the three terms"},
            "e^709.92",
        ),
    ],
)
def test_predictions(check, right, wrong, fragment):
    assert check(None).ok is None and "No prediction yet" in check(None).title
    fb = check(right)
    assert fb.ok is True and fragment in fb.detail
    for letter, hint in wrong.items():
        fb = check(letter)
        assert fb.ok is False and hint in fb.detail and fragment in fb.detail  # its own hint, then why
    assert check("z").ok is False


def test_predictions_match_what_numpy_does():
    with np.errstate(all="ignore"):
        assert np.array_equal(naive_softmax(np.array([1000.0, 999.0, 0.0])), [np.nan, np.nan, 0.0], equal_nan=True)
        p32 = naive_softmax(np.array([100.0, 0.0], dtype=np.float32))
        assert np.isnan(p32[0]) and p32[1] == 0
        b = lesson.break_points()
        c = (b.sum_overflow + b.term_overflow) / 2
        assert naive_softmax(np.array(lesson.LOGITS) + c).tolist() == [0.0, 0.0, 0.0]
        assert b.sum_overflow < lesson.SUM_SHIFT < b.term_overflow
        assert naive_softmax(np.array(lesson.LOGITS) + lesson.SUM_SHIFT).tolist() == [0.0, 0.0, 0.0]
    # the float32 Predict: e^-100 is a subnormal float32, 27 steps of the smallest one
    p32 = softmax(np.array([100.0, 0.0], dtype=np.float32))
    step = np.finfo(np.float32).smallest_subnormal
    assert p32.dtype == np.float32 and 0 < p32[1] < np.finfo(np.float32).tiny and p32[1] / step == 27


NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "04-stability.ipynb"


# ---------------------------------------------------------------- Q1 to Q3
def _float32_sum_finite(m):
    z = np.float32(m) + np.array(lesson.Q1_OFFSETS, dtype=np.float32)
    with np.errstate(over="ignore"):
        return bool(np.isfinite(np.exp(z).sum()))


def test_q1_threshold_is_where_the_float32_sum_overflows():
    thr = lesson.q1_threshold()
    assert round(thr, 4) == 88.3152
    assert _float32_sum_finite(88.31) and not _float32_sum_finite(88.32)
    with np.errstate(all="ignore"):
        assert naive_softmax(np.float32(88.32) + np.array([0, -1, -2], np.float32)).tolist() == [0.0, 0.0, 0.0]


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (88.31, True, "log(1 + e^−1 + e^−2)"),
        (88.3, True, "88.3152"),
        (np.float32(88.31), True, "Right"),
        (88.32, False, "Rounded up"),
        (88.72, False, "largest term e^m alone"),
        (88.73, False, "np.exp(np.float32(88.73)) is already inf"),
        (709.37, False, "float64 answer"),
        (709.78, False, "float64 limit"),
        (87.62, False, "log 3"),
        (89.13, False, "SMALLER m"),
        (86.72, False, "smallest term"),
        (88.0, False, "log Σ e^z"),
        ("abc", False, "Expected a number"),
        (0.8808 + 5j, False, "is a complex number"),
    ],
)
def test_check_q1(answer, ok, fragment):
    fb = lesson.check_q1(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)
    if ok:  # every accepted answer really works in float32
        assert _float32_sum_finite(float(answer))


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
    fb = lesson.check_q2(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


def test_q3_answer_is_what_a_masked_softmax_gives():
    z = np.array(lesson.Q3_LOGITS)
    legal = [i for i in range(len(z)) if i not in lesson.Q3_ILLEGAL]
    w = np.exp(z[legal] - z[legal].max())  # independent of softmax_lib: the legal moves alone
    assert lesson.q3_answer() == pytest.approx(w[legal.index(lesson.Q3_MOVE)] / w.sum(), rel=1e-12)
    assert round(lesson.q3_answer(), 3) == 0.622


def test_q3_is_not_printed_above_it():
    import nbformat

    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    q3 = next(i for i, c in enumerate(cells) if "**Q3.**" in c.source)
    above = " ".join(c.source + "".join(o.get("text", "") for o in c.get("outputs", [])) for c in cells[:q3])
    assert "0.622" not in above and "0.623" not in above


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (0.622, True, "1 / (1 + e^−0.5)"),
        (1 / (1 + np.exp(-0.5)), True, "Right"),
        ("0.623", True, "Right"),
        (0.085, False, "without the mask"),
        (0.427, False, "A logit of 0 is an ordinary score"),
        (0.378, False, "move 3"),
        (0.667, False, "dividing the logits by their sum"),
        (0, False, "Move 1 is legal"),
        (0.5, False, "z[[0, 2]] = -np.inf"),
        ("abc", False, "Expected a probability"),
    ],
)
def test_check_q3(answer, ok, fragment):
    fb = lesson.check_q3(answer)
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
    return lesson.reference_softmax(z).ravel()


def _warns(z):
    np.exp(z)  # harmless for the values, but warns
    return lesson.reference_softmax(z)


def _range_scaled(z):  # divides by max - min: wrong everywhere, 0/0 on a constant row
    span = np.max(z, axis=-1, keepdims=True) - np.min(z, axis=-1, keepdims=True)
    e = np.exp((z - np.max(z, axis=-1, keepdims=True)) / span)
    return e / np.sum(e, axis=-1, keepdims=True)


def _typo(z):
    return np.expp(z)


def _complex(z):
    return _as_float64(z) + 1e-3j


def _tuple(z):
    p = lesson.reference_softmax(z)
    return p, p.sum(axis=-1)


def _text(z):
    return str(lesson.reference_softmax(z))


def _flat_first(z):  # a batch of one row where a row was asked for
    return lesson.reference_softmax(np.atleast_2d(z))


def _two_params(z, axis):
    return lesson.reference_softmax(z)


def _no_params():
    return None


def _scalar_loop(z):  # another right way: a Python loop with math.exp, row by row
    z = np.asarray(z)
    rows = z.reshape(-1, z.shape[-1])
    out = np.empty(rows.shape)
    for r, row in enumerate(rows):
        m = max(row)
        weights = [math.exp(v - m) for v in row]  # -1e308 - 1e308 warns "in scalar subtract": harmless
        total = sum(weights)
        for i, w in enumerate(weights):
            out[r, i] = w / total
    return out.reshape(z.shape)


def _via_logsumexp(z):  # another right way: exp(z - logsumexp(z))
    m = np.max(z, axis=-1, keepdims=True)
    lse = m + np.log(np.sum(np.exp(z - m), axis=-1, keepdims=True))
    return np.exp(z - lse)


N_CASES = 1 + len(lesson.HOSTILE)


@pytest.mark.parametrize("fn", [lesson.reference_softmax, _as_float64, _scalar_loop, _via_logsumexp])
def test_check_my_softmax_passes_correct_solutions(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fb = lesson.check_my_softmax(fn)
    assert fb.ok is True, repr(fb)
    assert f"All {N_CASES} cases passed" in fb.title and "stable" in fb.detail
    assert len(fb.rows) == N_CASES and all(ok for ok, *_ in fb.rows)
    assert fb._repr_html_().count("<tr>") == N_CASES


@pytest.mark.parametrize(
    "fn,called",
    [
        (softmax, "softmax_lib.softmax"),
        (lambda z: softmax(z), "softmax_lib.softmax"),
        (lambda z: scipy.special.softmax(z, axis=-1), "scipy.special.softmax"),
        (lambda z: np.exp(z - scipy.special.logsumexp(z, axis=-1, keepdims=True)), "scipy.special.logsumexp"),
    ],
)
def test_check_my_softmax_refuses_calling_a_library_softmax(fn, called):
    fb = lesson.check_my_softmax(fn)
    assert fb.ok is False
    assert fb.title == f"The exercise is to build it: your my_softmax calls {called}."
    assert "np.max(z, axis=-1, keepdims=True)" in fb.detail


def test_scalar_loop_warns_in_scalar_wording_and_it_counts_as_harmless():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _scalar_loop(np.array([1e308, -1e308]))
    assert any("scalar subtract" in str(w.message) for w in caught)
    fb = lesson.check_my_softmax(_scalar_loop)
    notes = {name: what for _, name, what in fb.rows}
    assert "harmlessly: overflow encountered in scalar subtract" in notes["[1e308, -1e308]"]


def test_reference_solution_notes_the_harmless_warning():
    fb = lesson.check_my_softmax(lesson.reference_softmax)
    notes = {name: what for _, name, what in fb.rows}
    assert "harmlessly: overflow encountered in subtract" in notes["[1e308, -1e308]"]


@pytest.mark.parametrize(
    "fn,failed,first,fragments",
    [
        (_naive, 5, "[1000, 999, 0]", ["returned NaN", "overflow encountered in exp", "Subtract the row's maximum"]),
        (_mean, 2, "[1e308, -1e308]", ["returned NaN", "not the mean"]),
        (_no_keepdims, 1, "batch", ["raised ValueError", "keepdims=True"]),
        (_global_max, 1, "batch", ["returned wrong values", "Each row is its own softmax"]),
        (_in_place, 8, "ordinary", ["changed its input array in place", "shifted = z - m"]),
        (_no_return, 8, "ordinary", ["returned None", "return"]),
        (_flat, 1, "batch", ["wrong shape: (6,) instead of (2, 3)"]),
        (
            _warns,
            4,
            "[1000, 999, 0]",
            ["made NumPy warn: overflow encountered in exp", "values are right", "call np.exp only on z - max"],
        ),
        (_range_scaled, 7, "ordinary", ["returned wrong values", "returned NaN: [nan nan nan nan]"]),
        (_typo, 8, "ordinary", ["raised AttributeError"]),
        (_complex, 8, "ordinary", ["returned complex numbers", "a probability is a real number"]),
        (_tuple, 8, "ordinary", ["returned a tuple", "Return only the array of probabilities"]),
        (_text, 8, "ordinary", ["returned a str", "returned text (str)"]),
        (_flat_first, 7, "ordinary", ["wrong shape: (1, 3) instead of (3,)", "in an array of z's shape"]),
    ],
)
def test_check_my_softmax_names_the_input_that_broke_it(fn, failed, first, fragments):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the checker records the learner's warnings itself
        fb = lesson.check_my_softmax(fn)
    assert fb.ok is False
    assert f"{failed} of {N_CASES} cases failed" in fb.title
    assert first in fb.title.split("The first: ")[1]
    text = repr(fb)
    for fragment in fragments:
        assert fragment in text, text
    assert "overflows to inf" not in fb.detail or first == "[1000, 999, 0]"  # the overflow hint only where it fits
    assert sum(not ok for ok, *_ in fb.rows) == failed
    html = fb._repr_html_()
    assert "<table" in html and "✗" in html


@pytest.mark.parametrize(
    "fn,fragment", [(_two_params, "missing a required argument: 'axis'"), (_no_params, "too many positional arguments")]
)
def test_check_my_softmax_wrong_signature_gets_a_signature_hint(fn, fragment):
    fb = lesson.check_my_softmax(fn)
    assert fb.ok is False and fragment in fb.title
    assert "exactly one parameter" in fb.detail and "overflow" not in fb.detail


def test_check_my_softmax_without_a_function():
    assert lesson.check_my_softmax(None).ok is None
    fb = lesson.check_my_softmax(np.array([1.0, 2.0]))
    assert fb.ok is False and "without calling it" in repr(fb)


def test_check_my_softmax_leaves_numpy_state_alone():
    before = np.geterr()
    lesson.check_my_softmax(_naive)
    assert np.geterr() == before


def test_hostile_inputs_have_finite_answers():
    for name, z, _ in lesson.HOSTILE:
        assert np.isfinite(softmax(z)).all(), name
    assert lesson.HOSTILE[3][1].dtype == np.float32


def test_zone_labels_clear_of_the_slider_mark_at_the_start(fig):
    view = lesson.ShiftView(fig)
    view.update(shift=0.0)
    whole = view.zone_axes[0]  # the whole slider's zones, drawn in an inset over view.axes[2]
    assert whole in view.axes[2].child_axes and whole.get_xlim() == view.axes[2].get_xlim()
    lo, hi = whole.get_xlim()
    labels = {t.get_text(): t.get_position()[0] for t in whole.texts}
    assert set(labels) >= {"right", "NaN"}
    assert abs(labels["right"]) > 0.1 * (hi - lo)  # the mark starts at c = 0; "right" must not sit under it
    ok = next((a, b) for a, b, k in view.zones if k == "ok")
    assert ok[0] < labels["right"] < ok[1]  # still inside its own zone
