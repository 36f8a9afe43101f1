"""Lesson 01 and the contents page: the widget's view, the figures, the Predict
checkpoints, the Write-it checker and the check-yourself questions, without a browser."""

from __future__ import annotations

import html
import itertools

import numpy as np
import pytest

from softmax_lib import plots, softmax
from softmax_lib.lessons import lesson01_intuition as lesson


def _texts(ax):
    return [t.get_text() for t in ax.texts]


# ---------------------------------------------------------------- the widget's view
ENDS = [-6.0, 0.0, 6.0]  # both ends of every slider, and the middle


@pytest.mark.parametrize("cat,dog,bird", list(itertools.product(ENDS, repeat=3)))
def test_view_at_both_ends_of_every_slider(moved_view, cat, dog, bird):
    view = moved_view(lesson.LogitsProbsView)
    fig = view.fig
    p = view.update(cat=cat, dog=dog, bird=bird)
    # independent of the library: plain NumPy in float64
    e = np.exp(np.array([cat, dog, bird]) - max(cat, dog, bird))
    assert np.allclose(p, e / e.sum())
    assert [r.get_height() for r in view.rects_z] == [cat, dog, bird]
    assert np.allclose([r.get_height() for r in view.rects_p], p)
    assert view.total.get_text() == "sum = 1.00"
    labels = [t.get_text() for t in view.text_p]
    assert not any(lab in ("0.00", "1.00") for lab in labels)  # never rounds a non-zero probability away
    assert f"cat {cat:.2f} → " in view.alt and "sum to 1.00" in view.alt
    assert "0.000" not in view.alt and "1.000" not in view.alt  # nor does the caption
    if 0.0005 <= p[0] <= 0.9995:
        assert f"cat {cat:.2f} → {p[0]:.3f}" in view.alt
    fig.canvas.draw()  # renders without error


def test_view_builds_once_and_only_moves_artists(fig):
    view = lesson.LogitsProbsView(fig)
    axes, patches = list(fig.axes), [list(ax.patches) for ax in fig.axes]
    view.update(cat=-6.0, dog=6.0, bird=0.0)
    view.update(cat=6.0, dog=-6.0, bird=-6.0)
    assert list(fig.axes) == axes and [list(ax.patches) for ax in fig.axes] == patches
    # a negative logit's label sits below its bar
    view.update(cat=-3.0, dog=1.0, bird=0.0)
    assert view.text_z[0].get_verticalalignment() == "top" and view.text_z[1].get_verticalalignment() == "bottom"


def test_widget_redraws_on_change():
    w = lesson.widget()
    before = w.last.copy()
    w.controls["bird"].value = 6.0
    assert w.last[2] > before[2] and np.isclose(w.last.sum(), 1.0)
    assert "bird 6.00" in w.alt
    data, meta = w._repr_mimebundle_()
    assert "image/png" in data and "bird 6.00" in meta["image/png"]["alt"]


def test_static_logits_probs_has_alt_text(fig):
    p = lesson.draw_logits_probs(fig, lesson.LOGITS, lesson.ANIMALS)
    assert np.allclose(p, [0.659, 0.242, 0.099], atol=5e-4)
    assert "cat 2.00 → 0.659" in plots.alt_text(fig)


@pytest.mark.parametrize(
    "z,labels", [((1.0, 2.0), ("a", "b")), ((1.0, 2.0, 3.0, 4.0), "abcd"), ((1.0, 2.0, 3.0), "ab")]
)
def test_static_logits_probs_says_what_to_pass(fig, z, labels):
    with pytest.raises(ValueError, match="pass three logits and three labels"):
        lesson.draw_logits_probs(fig, z, labels)


# ---------------------------------------------------------------- static figures
def test_normalisers_share_one_scale_and_show_infinities(fig):
    cases = {"z1": [0.25, 1.23, -0.8], "z2": [-0.25, 1.0, -0.75]}
    axes = lesson.draw_normalisers(fig, cases)
    assert len({ax.get_ylim() for ax in axes.flat}) == 1  # one y-scale for every panel
    assert set(_texts(axes[1, 1])) >= {"-inf", "+inf"}  # the zero sum, as labelled placeholders
    # the band [0, 1] is shaded on the output columns only
    spans = [sum(p.get_gid() == "band" for p in ax.patches) for ax in axes[0]]
    assert spans == [0, 1, 1]
    alt = plots.alt_text(fig)
    assert "divide by sum gives [0.37, 1.81, -1.18]" in alt and "softmax gives [0.25, 0.66, 0.09]" in alt


@pytest.mark.parametrize("scale,slope", [(1, 0.2247), (10, 4.540e-5), (50, 1.929e-22), (1000, 0.0)])
def test_largest_slope_shrinks_like_e_to_the_minus_gap(scale, slope):
    got = lesson.largest_slope(lesson.LOGITS, scale)
    assert got == pytest.approx(slope, rel=1e-3, abs=0.0)


def test_soft_argmax_labels_never_say_one_or_zero_for_what_is_not(fig):
    axes = lesson.draw_soft_argmax(fig, lesson.LOGITS, scales=(1, 3, 10))
    tenfold = _texts(axes[2])
    assert "1.00" not in tenfold and "0.00" not in tenfold
    assert tenfold[0].startswith("1 − 4.5e-05") and tenfold[1] == "4.5e-05"
    assert "4.5e-05" in axes[2].get_title()
    assert "10·z gives" in plots.alt_text(fig)


def test_widget_caption_never_rounds_a_probability_to_0_or_1(fig):
    # slider questions 2 and 3 ask whether a probability reaches 1 or 0: the caption must not say so
    view = lesson.LogitsProbsView(fig)
    view.update(cat=6.0, dog=-6.0, bird=-6.0)
    e = np.exp([12.0, 0.0, 0.0])
    p = e / e.sum()  # independent: [1 - 1.2e-05, 6.1e-06, 6.1e-06]
    assert f"cat 6.00 → 1 − {1 - p[0]:.1e}" in view.alt and f"dog -6.00 → {p[1]:.1e}" in view.alt
    assert "0.000" not in view.alt and "1.000" not in view.alt


def test_pie_alt_text(fig):
    ax = fig.subplots()
    lesson.draw_pie(ax, softmax(lesson.LOGITS), lesson.ANIMALS)
    assert plots.alt_text(fig) == "A pie of confidence shared out by softmax: cat 65.9%, dog 24.2%, bird 9.9%."


# ---------------------------------------------------------------- Predict checkpoints
PREDICTIONS = [
    (lesson.predict_shift, None, None, "No prediction yet"),
    (lesson.predict_shift, "b", True, "sees only those differences"),
    (lesson.predict_shift, "a", False, "add up to 1"),
    (lesson.predict_shift, "c", False, "same gap"),
    (lesson.predict_misprint, None, None, "No prediction yet"),
    (lesson.predict_misprint, {"b", "c"}, True, "add up to 1.037"),
    (lesson.predict_misprint, {"b", "c"}, True, "sits on the logit 0.4 although 1.6"),
    (lesson.predict_misprint, "a", False, "two promises"),
    (lesson.predict_misprint, "b", False, "keeps the order"),
    (lesson.predict_slope, None, None, "No prediction yet"),
    (lesson.predict_slope, "c", True, "exactly 0"),
    (lesson.predict_slope, "a", False, "does shrink"),
    (lesson.predict_slope, "b", False, "smallest positive float64"),
]


@pytest.mark.parametrize("predict,prediction,ok,fragment", PREDICTIONS)
def test_predictions_always_explain(predict, prediction, ok, fragment):
    fb = predict(prediction)
    assert fb.ok is ok
    assert fragment in fb.title + " " + fb.detail


def test_misprint_is_wrong_both_ways_and_not_printed_before_its_checkpoint():
    import json
    from pathlib import Path

    z = np.array(lesson.MISPRINT_LOGITS)
    claimed = np.array(lesson.MISPRINT)
    e = np.exp(z)
    true = e / e.sum()
    assert abs(claimed.sum() - 1) > 0.02  # (b): does not add up to 1
    assert np.argmax(claimed) != np.argmax(z)  # (c): the order is lost
    # nothing a learner has seen before the checkpoint prints the true softmax of these logits
    cells = json.loads((Path(__file__).resolve().parent.parent / "notebooks" / "01-intuition.ipynb").read_text())[
        "cells"
    ]
    before = []
    for c in cells:
        if c["cell_type"] == "markdown" and "**Predict.** A set of lecture notes prints softmax" in "".join(
            c["source"]
        ):
            break
        before.append("".join(c["source"]))
        before += [
            "".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", "")) for o in c.get("outputs", [])
        ]
    seen = "\n".join(before)
    assert f"{true[1]:.3f}" not in seen and f"{true[1]:.2f}" not in seen


def test_slope_prediction_quotes_recomputed_numbers():
    detail = lesson.predict_slope("c").detail
    assert "0.225 at 1·z" in detail and "4.5e-05 at 10·z" in detail and "1.9e-22 at 50·z" in detail


# ---------------------------------------------------------------- Write it: logits_from_probs
def _log_plus_constant(p):  # right, written another way: any shared constant passes
    return np.log(np.asarray(p, dtype=float)) + 7.0


def _log_of_ratio_to_max(p):  # right: the largest logit is 0
    p = np.asarray(p, dtype=float)
    return np.log(p / p.max())


def _centred_log(p):  # right: logits that sum to 0
    z = np.log(np.asarray(p, dtype=float))
    return z - z.mean()


def _list_of_floats(p):  # right, and returns a plain list
    import math

    return [math.log(v) for v in p]


def _identity(p):
    return np.asarray(p, dtype=float)


def _exp(p):
    return np.exp(p)


def _log10(p):
    return np.log10(p)


def _minus_log(p):
    return -np.log(p)


def _reciprocal(p):
    return 1.0 / np.asarray(p, dtype=float)


def _array_only(p):
    return np.log(p / p.sum())  # fails for a list: list / list.sum


def _drops_a_class(p):
    return np.log(p)[:-1]


def _log_of_zero(p):
    with np.errstate(divide="ignore"):
        return np.log(np.asarray(p, dtype=float) * 0)


WRITE_IT = [
    (lesson.reference_logits_from_probs, True, "All 5 cases passed", ""),
    (_log_plus_constant, True, "All 5 cases passed", ""),
    (_log_of_ratio_to_max, True, "All 5 cases passed", ""),
    (_centred_log, True, "All 5 cases passed", ""),
    (_list_of_floats, True, "All 5 cases passed", ""),
    (None, None, "No function yet", ""),
    (_identity, False, "the animals' probabilities", "the probabilities themselves"),
    (_exp, False, "the animals' probabilities", "repeats step 1"),
    (_log10, False, "the animals' probabilities", "natural log"),
    (_minus_log, False, "the animals' probabilities", "LARGEST logit"),
    (_reciprocal, False, "the animals' probabilities", "reciprocal"),
    (_array_only, False, "as a Python list", "A list has no .shape or .sum()"),
    (_drops_a_class, False, "the animals' probabilities", "one logit per class"),
    (_log_of_zero, False, "the animals' probabilities", "not finite"),
]


@pytest.mark.parametrize("fn,ok,title,hint", WRITE_IT)
def test_check_logits_from_probs(fn, ok, title, hint):
    fb = lesson.check_logits_from_probs(fn)
    assert fb.ok is ok, repr(fb)
    assert title in fb.title
    assert hint in fb.detail


def test_logits_from_probs_cases_are_not_shown_done_above_the_exercise():
    """The page above the Write-it never computes a log of probabilities (issue 14 §5)."""
    import json
    from pathlib import Path

    cells = json.loads((Path(__file__).resolve().parent.parent / "notebooks" / "01-intuition.ipynb").read_text())[
        "cells"
    ]
    above = []
    for c in cells:
        src = "".join(c["source"])
        if "def logits_from_probs" in src:
            break
        above.append(src)
    assert "np.log(" not in "\n".join(above)


# ---------------------------------------------------------------- check yourself
@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (0.786, True, "e^2 / (e^0.5 + e^-1 + e^2) = 7.39 / 9.41 = 0.786"),
        (0.79, True, "Right: 0.79"),
        (1.333, False, "dividing the logits by their sum"),
        (1, False, "argmax"),
        (0.8808, False, "sigmoid(2)"),
        (7.389, False, "first step"),
        (0.175, False, "first class"),
        (0.039, False, "middle class"),
        (0.5, False, "Compute e^0.5"),
        (0.664, False, "Not quite"),  # 0.664, printed in the lesson for other logits, is not accepted
        ("0.78", True, "Right"),
        ("abc", False, "Expected a probability"),
        (float("nan"), False, "not a finite number"),
        (np.float32(0.786), True, "Right"),
    ],
)
def test_check_q1(answer, ok, fragment):
    fb = lesson.check_q1(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)
    # the box the learner sees says the same thing, in full
    assert fragment in html.unescape(fb._repr_html_())


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        ({"a", "c"}, True, "differences"),
        ("a, c", True, "Right"),
        (["C", "A"], True, "Right"),
        ("a", False, "(c)"),
        ({"a", "b"}, False, "doubles"),
        ("b", False, "cat 4, dog 2, bird 0.2"),  # a comparison the three sliders of §2 can make
        ("d", False, "rescales"),
        ("e", False, "not an option"),
        (3, False, "Expected a letter"),
    ],
)
def test_check_q2(answer, ok, fragment):
    fb = lesson.check_q2(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


# ---------------------------------------------------------------- the stored notebook, as a learner first sees it
def stored_as_a_learner_sees_it(path):
    """Check a lesson notebook's Predict checkpoints and Write-it exercises are stored unanswered.

    Returns (number of Predict checkpoints, number of Write-it checkers)."""
    import json
    import re

    cells = json.loads(path.read_text())["cells"]
    src = ["".join(c["source"]) for c in cells]
    predicts = [i for i, s in enumerate(src) if cells[i]["cell_type"] == "markdown" and "**Predict.**" in s]
    for i in predicts:
        # the learner records a prediction in the next code cell, before any reveal, and it is stored empty
        nxt = next(j for j in range(i + 1, len(cells)) if cells[j]["cell_type"] == "code")
        assert re.match(r"my_prediction = None\b", src[nxt]), src[nxt]
        check = next(j for j in range(nxt + 1, len(cells)) if "lesson.predict_" in src[j])
        out = "".join(cells[check]["outputs"][0]["data"]["text/plain"])
        assert out.startswith("… No prediction yet"), out
    write_its = [i for i, s in enumerate(src) if re.search(r"lesson\.check_\w+\((?!answer)\w+\)", s) and "def " in s]
    for i in write_its:
        assert "return None" in src[i]  # the stub, not a solution
        out = "".join(cells[i]["outputs"][0]["data"]["text/plain"])
        assert out.startswith("✗") and "returned None" in out
        sol = src[i + 1]
        assert sol.startswith("<details><summary><b>Solution</b></summary>")
    return len(predicts), len(write_its)


def test_lesson01_is_stored_unanswered():
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "notebooks" / "01-intuition.ipynb"
    assert stored_as_a_learner_sees_it(path) == (3, 1)
