"""Lesson 02, exponentiation: the widget's view, the figures, the Predict checkpoints,
the Write-it checker and the check-yourself questions, without a browser."""

from __future__ import annotations

import io
import itertools
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

from softmax_lib import plots
from softmax_lib.core import softplus
from softmax_lib.formatting import fmt_ratio
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
def test_gap_view_at_both_ends_of_every_slider(moved_view, z1, z2):
    view = moved_view(lesson.GapView)
    fig = view.fig
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
    assert fmt_ratio(np.exp(z1 - z2)) in view.box.get_text()
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


def test_gap_view_redraw_only_changes_its_artists(fig):
    """Cheap by construction, not by a stopwatch: a slider move updates the artists the view
    made once and adds none (the browser test and tools/bench.py measure the time)."""
    view = lesson.GapView(fig)
    view.update()
    fig.savefig(io.BytesIO(), format="png")
    before = fig.findobj()
    for z1, z2 in [(6.0, -6.0), (-6.0, 6.0), (0.0, 0.0), (2.0, 1.0), (-3.0, -3.0)]:
        view.update(z1=z1, z2=z2)
        fig.savefig(io.BytesIO(), format="png")
        assert len(fig.findobj()) == len(before)
    assert all(a in before for a in fig.findobj())


# ---------------------------------------------------------------- helpers and figures
@pytest.mark.parametrize(
    "r,text",
    [(7.389, "7.39"), (1.0, "1"), (0.5, "0.5"), (162754.79, "162,755"), (1 / 1097.0, "1/1,097"), (100.0, "100")],
)
def test_fmt_ratio(r, text):
    assert fmt_ratio(r) == text


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
    (lesson.predict_underflow, None, None, "No prediction yet"),
    (lesson.predict_underflow, "c", True, "0 / 0 = NaN"),
    (lesson.predict_underflow, "c", True, "[0.731, 0.269]"),
    (lesson.predict_underflow, "a", False, "a computer cannot store it"),
    (lesson.predict_underflow, "b", False, "what is 0 / 0?"),
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


def test_the_two_steps_divide_zero_by_zero_where_the_shifted_softmax_does_not():
    """§1's Predict and issue 15: the naive two steps give NaN for [-1000, -1001]; only the shift avoids 0/0."""
    z = np.array(lesson.UNDERFLOW_LOGITS)
    with np.errstate(invalid="ignore"):
        w = np.exp(z)
        naive = w / w.sum()
    assert w.sum() == 0.0 and np.isnan(naive).all()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _ = np.exp(z) / np.exp(z).sum()
    assert [str(c.message) for c in caught] == ["invalid value encountered in divide"]
    assert np.allclose(_softmax(z), [0.731, 0.269], atol=5e-4)
    assert np.allclose(lesson.softmax(z), _softmax([0.0, -1.0]))


def test_ratio_equals_e_to_the_gap_within_the_printed_bound():
    """§2's 100 random pairs, drawn as the lesson draws them (the first use of its seeded rng): the lesson
    prints only that every ratio is within RATIO_BOUND; the exact miss (a few ulp) depends on the CPU."""
    rng = np.random.default_rng(0)
    gaps, ratios = [], []
    for _ in range(100):
        k = rng.integers(2, 11)
        logits = rng.uniform(-20, 20, size=k)
        i, j = rng.choice(k, size=2, replace=False)
        p = lesson.softmax(logits)
        gaps.append(logits[i] - logits[j])
        ratios.append(p[i] / p[j])
    worst = float(np.max(np.abs(np.array(ratios) / np.exp(gaps) - 1)))
    assert worst < lesson.RATIO_BOUND == 1e-13
    assert worst < 100 * np.finfo(float).eps  # rounding, measured 3.6e-15 to 3.7e-15 across CPU paths


def test_ratio_figure_alt_text_states_the_bound_not_the_noise():
    fig, ax = plt.subplots()
    try:
        gaps = np.array([-3.0, 0.5, 2.0])
        lesson.draw_ratio_vs_gap(ax, gaps, np.exp(gaps) * (1 + 1e-15))
        assert "every relative miss below 1e-13" in plots.alt_text(fig)
        ax.clear()
        lesson.draw_ratio_vs_gap(ax, gaps, np.exp(gaps) * 1.01)
        assert "largest relative miss 1.0e-02" in plots.alt_text(fig)
    finally:
        plt.close(fig)


def test_softplus_is_blind_to_other_classes_but_only_softmax_keeps_equal_gap_equal_ratio():
    """§3's claims (issue 15): softplus weights keep p1/p2 when a class is added, but not when both logits
    move up by the same amount; softmax keeps e^1.5 in all three rows; shift-then-divide fails the first test."""

    def ratio(weights):
        return weights[0] / weights[1]

    rows = [[2.0, 0.5], [2.0, 0.5, -3.0], [5.0, 3.5]]
    sp = [ratio(softplus(np.array(v))) for v in rows]
    sm = [ratio(_softmax(v)) for v in rows]
    shifted = [ratio(np.array(v) - min(v) + 1) for v in rows]
    assert f"{sp[0]:.3f}" == f"{sp[1]:.3f}" == "2.184" and f"{sp[2]:.3f}" == "1.418"
    assert all(f"{r:.3f}" == "4.482" for r in sm)
    assert f"{shifted[0]:.3f}" == "2.500" and f"{shifted[1]:.3f}" == "1.333"


# ---------------------------------------------------------------- Write it: ratio_matrix
def _divide_probabilities(z):  # right, written another way
    p = lesson.softmax(np.asarray(z, dtype=float))
    return p[:, None] / p


def _outer_of_weights(z):  # right: np.outer of e^z and e^-z
    z = np.asarray(z, dtype=float)
    return np.outer(np.exp(z), np.exp(-z))


def _loops(z):  # right, with loops (the task asks for none, but the answer is right)
    z = list(z)
    return np.array([[np.exp(a - b) for b in z] for a in z])


def _transposed(z):
    z = np.asarray(z, dtype=float)
    return np.exp(z[None, :] - z[:, None])


def _gaps_only(z):
    z = np.asarray(z, dtype=float)
    return z[:, None] - z[None, :]


def _logit_ratios(z):
    z = np.asarray(z, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return z[:, None] / z[None, :]


def _product(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e[:, None] * e[None, :]


def _elementwise(z):
    e = np.exp(np.asarray(z, dtype=float))
    return e / e


def _array_only(z):
    return np.exp(z[:, None] - z[None, :])  # a list cannot be indexed with [:, None]


def _no_return(z):
    np.exp(np.asarray(z)[:, None] - np.asarray(z)[None, :])


WRITE_IT = [
    (lesson.reference_ratio_matrix, True, "All 5 cases passed", "e^(z_i - z_j)"),
    (_divide_probabilities, True, "All 5 cases passed", ""),
    (_outer_of_weights, True, "All 5 cases passed", ""),
    (_loops, True, "All 5 cases passed", ""),
    (None, None, "No function yet", ""),
    (_transposed, False, "the dog logits", "rows and columns are swapped"),
    (_gaps_only, False, "the dog logits", "exponentiate them"),
    (_logit_ratios, False, "the dog logits", "ratios of the LOGITS"),
    (_product, False, "the dog logits", "multiplies the weights"),
    (_elementwise, False, "the dog logits", "pair every class i"),
    (_array_only, False, "as a Python list", "z = np.asarray(z, dtype=float)"),
    (_no_return, False, "the dog logits", "return ..."),
]


@pytest.mark.parametrize("fn,ok,title,hint", WRITE_IT)
def test_check_ratio_matrix(fn, ok, title, hint):
    fb = lesson.check_ratio_matrix(fn)
    assert fb.ok is ok, repr(fb)
    assert title in fb.title
    assert hint in fb.detail or hint in fb.title


def test_ratio_matrix_is_not_shown_done_above_the_exercise():
    """Issue 14 §5: nothing above the Write-it pairs every class with every other by broadcasting."""
    import json
    from pathlib import Path

    cells = json.loads((Path(__file__).resolve().parent.parent / "notebooks" / "02-exponentiation.ipynb").read_text())[
        "cells"
    ]
    above = []
    for c in cells:
        src = "".join(c["source"])
        if "def ratio_matrix" in src:
            break
        above.append(src)
    seen = "\n".join(above)
    assert "[:, None]" not in seen and "np.newaxis" not in seen and "np.outer" not in seen


# ---------------------------------------------------------------- check yourself
@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (3.10, True, "Right"),
        (3.0957, True, "ln 22.10 = 3.096"),
        ("3.1", True, "Right"),
        (3.0, False, "not yet half"),
        (3.69, False, "twice class 1's weight"),
        (22.10, False, "Its logit x is the log of that"),
        (1.344, False, "base-10 log"),
        (0.454, False, "new p1"),
        (0.693, False, "ln 2 would double class 1's weight"),
        (5, False, "Not quite"),
        ("seven", False, "Expected a logit"),
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
