"""Lesson 03, temperature: entropy, sampling, both widget callbacks (at the ends of the
slider) and the exercise checks, without a browser."""

from __future__ import annotations

import math
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from softmax_lib import softmax  # noqa: E402
from softmax_lib.lessons import temperature as lesson  # noqa: E402

ENDS = [lesson.T_MIN, lesson.T_MAX]
TEMPS = [lesson.T_MIN, 0.1, 0.5, 1.0, 3.0, lesson.T_MAX]



NAN = re.compile(r"\b(nan|inf)\b", re.IGNORECASE)  # a word: "banana" is fine


def _texts(fig):
    out = [t.get_text() for ax in fig.axes for t in ax.texts]
    out += [ax.get_title() for ax in fig.axes] + [ax.get_xlabel() for ax in fig.axes]
    return out


# ---------------------------------------------------------------- entropy
def test_entropy_of_one_hot_is_zero_not_minus_zero():
    h = lesson.entropy([0.0, 1.0, 0.0])
    assert h == 0.0 and not np.signbit(h)
    assert f"{h:.3f}" == "0.000"


@pytest.mark.parametrize("n", [1, 2, 3, 4, 6, 10, 1000])
def test_entropy_of_uniform_is_log_n(n):
    assert math.isclose(float(lesson.entropy(np.full(n, 1 / n))), math.log(n), rel_tol=1e-12, abs_tol=1e-15)


def test_entropy_matches_the_formula_and_stays_in_bounds():
    rng = np.random.default_rng(3)
    p = rng.dirichlet(np.ones(5), size=200)
    h = lesson.entropy(p)  # one value per row
    assert h.shape == (200,)
    assert np.allclose(h, -np.sum(p * np.log(p), axis=1))
    assert np.all(h >= 0) and np.all(h <= math.log(5) + 1e-12)


def test_entropy_with_zeros_gives_no_warning_and_no_nan():
    # pytest runs with -W error, so a RuntimeWarning would fail this test
    p = softmax([2.0, 1.0, 0.1], temperature=0.001)
    assert np.count_nonzero(p == 0) == 2
    assert lesson.entropy(p) == 0.0
    assert math.isclose(float(lesson.entropy([0.5, 0.5, 0.0])), math.log(2))
    assert np.allclose(lesson.entropy([[1.0, 0.0], [0.5, 0.5]]), [0.0, math.log(2)])
    assert np.allclose(lesson.entropy(np.array([[1.0, 0.5], [0.0, 0.5]]), axis=0), [0.0, math.log(2)])


def test_entropy_grows_with_temperature_from_0_to_log_n():
    temps = np.geomspace(0.01, 100, 81)
    h = lesson.entropy_over_temperature(lesson.LOGITS, temps)
    assert np.all(np.diff(h) >= -1e-12)
    assert h[0] < 1e-12 and math.isclose(h[-1], math.log(3), rel_tol=1e-3)


def test_scaling_is_temperature():
    z = np.array(lesson.LOGITS)
    for c in [0.1, 0.5, 3.0, 10.0]:
        assert np.allclose(softmax(c * z), softmax(z, temperature=1 / c))


def test_temperature_never_changes_the_argmax():
    rng = np.random.default_rng(1)
    rows = rng.normal(0, 3, size=(500, 6))
    for t in np.geomspace(lesson.T_MIN, lesson.T_MAX, 7):
        assert (softmax(rows, temperature=t).argmax(axis=1) == rows.argmax(axis=1)).all()


def test_temperature_zero_raises_with_a_helpful_message():
    with pytest.raises(ValueError, match="argmax"):
        softmax(lesson.LOGITS, temperature=0)


# ---------------------------------------------------------------- sampling
def test_sample_words_is_seeded_and_follows_softmax():
    a = lesson.sample_words(lesson.WORD_LOGITS, 1.0, 200, seed=0)
    assert (a == lesson.sample_words(lesson.WORD_LOGITS, 1.0, 200, seed=0)).all()
    assert not (a == lesson.sample_words(lesson.WORD_LOGITS, 1.0, 200, seed=1)).all()
    expected = np.random.default_rng(0).choice(8, size=200, p=softmax(lesson.WORD_LOGITS))
    assert (a == expected).all()  # what the notebook shows with the bare NumPy
    cold = lesson.sample_words(lesson.WORD_LOGITS, lesson.T_MIN, 200, seed=0)
    assert (cold == 0).all()  # T -> 0: always the argmax word


# ---------------------------------------------------------------- widget 1
@pytest.mark.parametrize("T", TEMPS)
def test_temperature_widget_callback(fig, T):
    p, h = lesson.draw_temperature(fig, T)
    assert np.allclose(p, softmax(lesson.CLASS_LOGITS, temperature=T))
    assert math.isclose(h, float(lesson.entropy(p)))
    heights = [r.get_height() for r in fig.axes[1].patches]
    assert len(heights) == len(lesson.CLASSES) and np.allclose(heights, p)
    logit_heights = [r.get_height() for r in fig.axes[0].patches]
    assert np.allclose(logit_heights, lesson.CLASS_LOGITS)  # the logits are shown too
    texts = _texts(fig)
    assert not any(NAN.search(t) for t in texts)
    assert any(f"entropy {h:.2f}" in t for t in texts)
    fig.canvas.draw()


@pytest.mark.parametrize("T", ENDS)
def test_temperature_widget_ends_of_the_slider(fig, T):
    lesson.draw_temperature(fig, 1.0)
    p, h = lesson.draw_temperature(fig, T)  # the update path, as when dragging
    assert np.all(np.isfinite(p)) and math.isclose(p.sum(), 1.0)
    assert np.allclose([r.get_height() for r in fig.axes[1].patches], p)
    labels = [t.get_text() for t in fig.axes[1].texts if t.get_text().startswith("0.") or t.get_text() == "1.00"]
    assert labels == [f"{v:.2f}" for v in p]
    if T == lesson.T_MIN:
        assert p.argmax() == 0 and p[0] > 0.99999 and h < 1e-4
        assert any("× 20" in t for t in _texts(fig))
    else:
        assert h > 0.99 * math.log(len(p)) and p.max() - p.min() < 0.05
    fig.canvas.draw()


def test_temperature_widget_redraws_and_builds_once():
    w = lesson.widget()
    slider = w.controls["T"]
    assert math.isclose(10**slider.min, lesson.T_MIN) and math.isclose(10**slider.max, lesson.T_MAX)
    axes_before = list(w.figure.axes)
    for value in (lesson.T_MIN, lesson.T_MAX, 1.0):
        slider.value = value
        p, h = w.last
        assert np.all(np.isfinite(p)) and math.isfinite(h)
    assert w.figure.axes == axes_before  # updated in place, not rebuilt
    assert repr(w).startswith("Interactive figure")
    data, _ = w._repr_mimebundle_()
    assert "image/png" in data and "application/vnd.jupyter.widget-view+json" in data


# ---------------------------------------------------------------- widget 2
@pytest.mark.parametrize("T", TEMPS)
@pytest.mark.parametrize("seed", [0, 9])
def test_sampler_widget_callback(fig, T, seed):
    p, counts = lesson.draw_word_sampler(fig, T, seed)
    assert counts.sum() == 200 and len(counts) == len(lesson.VOCAB)
    assert np.allclose(p, softmax(lesson.WORD_LOGITS, temperature=T))
    ax = fig.axes[0]
    heights = np.array([r.get_height() for r in ax.patches])
    assert np.all(np.isfinite(heights)) and heights.max() > 0
    assert np.allclose(heights[:8], p) and np.allclose(heights[8:], counts / 200)
    assert not any(NAN.search(t) for t in _texts(fig))
    fig.canvas.draw()


def test_sampler_is_reproducible_and_updates_in_place(fig):
    first = lesson.draw_word_sampler(fig, 2.0, 3)[1]
    lesson.draw_word_sampler(fig, lesson.T_MIN, 0)
    again = lesson.draw_word_sampler(fig, 2.0, 3)[1]
    assert (first == again).all()
    assert len(fig.axes) == 1


@pytest.mark.parametrize("T", ENDS)
def test_sampler_ends_of_the_slider(fig, T):
    lesson.draw_word_sampler(fig, 1.0, 0)
    p, counts = lesson.draw_word_sampler(fig, T, 0)
    if T == lesson.T_MIN:
        assert counts[0] == 200 and "mat | mat | mat | mat | mat | mat" in fig.axes[0].get_xlabel()
    else:
        assert np.count_nonzero(counts) == len(counts)  # every word, "banana" too
        assert p.max() < 0.15


def test_sampler_widget():
    w = lesson.sampler_widget()
    assert set(w.controls) == {"T", "seed"}
    w.controls["T"].value = lesson.T_MIN
    assert w.last[1][0] == 200
    w.controls["T"].value = lesson.T_MAX
    w.controls["seed"].value = 9
    p, counts = w.last
    assert counts.sum() == 200 and np.all(np.isfinite(p))


# ---------------------------------------------------------------- static figures
def test_sharpness_pair(fig):
    small, big = lesson.draw_sharpness_pair(fig)
    assert np.allclose(small, softmax([1.0, 2.0])) and np.allclose(big, softmax([10.0, 20.0]))
    assert any("22,026.5" in ax.get_title() for ax in fig.axes)


def test_temperature_row(fig):
    rows = lesson.draw_temperature_row(fig)
    assert rows.shape == (5, 3) and np.allclose(rows.sum(axis=1), 1)
    assert np.all(np.diff(lesson.entropy(rows)) > 0)


def test_entropy_curves_mark_both_limits():
    f, ax = plt.subplots()
    temps, curves = lesson.draw_entropy_curves(ax, {"z": lesson.LOGITS, "10z": 10 * np.array(lesson.LOGITS)})
    assert temps[0] == pytest.approx(0.01) and temps[-1] == pytest.approx(100)
    assert {round(line.get_ydata()[0], 6) for line in ax.get_lines() if len(line.get_ydata()) == 2} \
        == {0.0, round(math.log(3), 6)}
    # 10z at T is z at T/10: the curve moves one decade to the right
    assert np.allclose(curves["10z"][40:], curves["z"][:-40], atol=1e-9)
    plt.close(f)


def test_sampling_grid_counts_match_sample_words(fig):
    counts = lesson.draw_sampling_grid(fig, temperatures=(0.2, 1.0, 5.0), n=200, seed=0)
    for row, t in zip(counts, (0.2, 1.0, 5.0)):
        expected = np.bincount(lesson.sample_words(lesson.WORD_LOGITS, t, 200, 0), minlength=8)
        assert (row == expected).all()


def test_distillation_soft_targets(fig):
    teacher = np.array([-1.0, 4.0, 0.5, 0.0, -0.5, -1.5, -2.0, 9.0, -0.5, 2.5])
    hard, soft = lesson.draw_distillation(fig, teacher)
    assert 1 - hard[7] < 0.01 and 1 - soft[7] > 0.5
    assert soft.argmax() == 7 and np.argsort(soft)[-2] == 1  # the look-alike comes second


def test_boltzmann_greedy_to_uniform():
    f, ax = plt.subplots()
    temps, probs = lesson.draw_boltzmann(ax, np.array([1.0, 0.9, 0.3, -0.2]), list("ABCD"))
    assert np.allclose(probs.sum(axis=1), 1)
    assert probs[0, 0] > 0.999 and np.allclose(probs[-1], 0.25, atol=0.01)
    plt.close(f)


# ---------------------------------------------------------------- exercises
@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (1.386, True, "log 4"),
        (np.log(4), True, "Right"),
        ("1.39", True, "Right"),
        (2, False, "bits"),
        (0.602, False, "log₁₀"),
        (0.25, False, "each class's probability"),
        (-1.386, False, "sign"),
        (0, False, "one-hot"),
        (1, False, "sum of the probabilities"),
        (0.3466, False, "one class's term"),
        (5, False, "p = 1/4"),
        ("x", False, "Expected a number"),
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
        ("a", True, "keeps the order"),
        ("A", True, "0.821 to 0.604"),
        ("b", False, "keeps their order"),
        ("c", False, "add up to 1"),
        ("d", False, "flattens"),
        ({"a", "d"}, False, "flattens"),
        ("e", False, "not an option"),
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
        (0.88, True, "[2, 4]"),
        (float(softmax([2.0, 4.0])[1]), True, "Right"),
        (0.622, False, "multiplied by T"),
        (0.731, False, "T = 1"),
        (0.667, False, "dividing by the sum"),
        (1.0, False, "argmax"),
        (0.119, False, "smaller class"),
        (0.5, False, "Divide the logits by T"),
    ],
)
def test_check_q3(answer, ok, fragment):
    fb = lesson.check_q3(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)
    assert fb._repr_html_()
