"""Lesson 03, temperature: entropy, sampling, both widget callbacks (at the ends of the
slider) and the exercise checks, without a browser."""

from __future__ import annotations

import math
import re
from html import escape as html_escape
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
import scipy.special

from softmax_lib import softmax
from softmax_lib.checks import STYLES
from softmax_lib.lessons import lesson03_temperature as lesson

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


# ---------------------------------------------------------------- widget 1: TemperatureView
@pytest.mark.parametrize("T", TEMPS)
def test_temperature_view(moved_view, T):
    view = moved_view(lesson.TemperatureView)
    fig = view.fig
    p, h = view.update(T=T)
    assert np.allclose(p, softmax(lesson.CLASS_LOGITS, temperature=T))
    assert math.isclose(h, float(lesson.entropy(p)))
    ax_z, ax_p = fig.axes
    heights = [r.get_height() for r in ax_p.patches]
    assert len(heights) == len(lesson.CLASSES) and np.allclose(heights, p)
    assert np.allclose([r.get_height() for r in ax_z.patches], lesson.CLASS_LOGITS)  # the logits are shown too
    texts = _texts(fig)
    assert not any(NAN.search(t) for t in texts)
    assert any(f"entropy {h:.2f}" in t for t in texts)
    assert f"Entropy {h:.2f}" in view.alt and f"cat {p[0]:.2f}" in view.alt
    fig.canvas.draw()


@pytest.mark.parametrize("T", ENDS)
def test_temperature_view_at_both_ends_of_the_slider(fig, T):
    view = lesson.TemperatureView(fig)
    view.update(T=1.0)
    axes_before = list(fig.axes)
    p, h = view.update(T=T)  # the update path, as when dragging
    assert fig.axes == axes_before  # moved, not rebuilt
    assert np.all(np.isfinite(p)) and math.isclose(p.sum(), 1.0)
    assert np.allclose([r.get_height() for r in fig.axes[1].patches], p)
    assert [n.get_text() for n in view.notes] == [f"{v:.2f}" for v in p]
    assert [n.get_position()[1] for n in view.notes] == pytest.approx(list(p), abs=0.005)
    if T == lesson.T_MIN:
        assert p.argmax() == 0 and p[0] > 0.99999 and h < 1e-4
        assert any("× 20" in t for t in _texts(fig))
        assert "Tallest: cat" in view.alt and "Entropy 0.00" in view.alt
    else:
        assert h > 0.99 * math.log(len(p)) and p.max() - p.min() < 0.05
        assert p.argmax() == 0 and "Tallest: cat" in view.alt  # the winner never changes
        assert "multiplied by 0.05" in view.alt
    fig.canvas.draw()


def test_temperature_labels_stay_readable_on_the_uniform_line(fig):
    view = lesson.TemperatureView(fig)
    view.update(T=1.0)
    uniform = [line for line in fig.axes[1].get_lines() if np.allclose(line.get_ydata(), 1 / 6)]
    assert len(uniform) == 1
    assert all(n.get_bbox_patch() is not None and n.zorder > uniform[0].zorder for n in view.notes)


def test_temperature_widget_redraws_and_builds_once():
    w = lesson.widget()
    assert isinstance(w.view, lesson.TemperatureView)
    slider = w.controls["T"]
    assert math.isclose(10**slider.min, lesson.T_MIN) and math.isclose(10**slider.max, lesson.T_MAX)
    axes_before = list(w.figure.axes)
    for value in (lesson.T_MIN, lesson.T_MAX, 1.0):
        slider.value = value
        p, h = w.last
        assert np.all(np.isfinite(p)) and math.isfinite(h)
        assert w.alt == w.view.alt and f"{value:.3g}" in w.alt
    assert w.figure.axes == axes_before  # updated in place, not rebuilt
    assert repr(w).startswith("Interactive figure")
    data, meta = w._repr_mimebundle_()
    assert "image/png" in data and "application/vnd.jupyter.widget-view+json" in data
    assert meta["image/png"]["alt"] == w.alt


# ---------------------------------------------------------------- widget 2: SamplerView
@pytest.mark.parametrize("T", TEMPS)
@pytest.mark.parametrize("seed", [0, 9])
def test_sampler_view(moved_view, T, seed):
    view = moved_view(lesson.SamplerView)
    fig = view.fig
    p, counts = view.update(T=T, seed=seed)
    assert counts.sum() == 200 and len(counts) == len(lesson.VOCAB)
    assert np.allclose(p, softmax(lesson.WORD_LOGITS, temperature=T))
    assert (counts == np.bincount(lesson.sample_words(lesson.WORD_LOGITS, T, 200, seed), minlength=8)).all()
    heights = np.array([r.get_height() for r in fig.axes[0].patches])
    assert np.allclose(heights[:8], p) and np.allclose(heights[8:], counts / 200)
    assert not any(NAN.search(t) for t in _texts(fig))
    assert f"seed {seed}" in view.alt and f"mat p {p[0]:.2f} drawn {counts[0]}" in view.alt
    fig.canvas.draw()


def test_sampler_is_reproducible_and_updates_in_place(fig):
    view = lesson.SamplerView(fig)
    first = view.update(T=2.0, seed=3)[1]
    view.update(T=lesson.T_MIN, seed=0)
    again = view.update(T=2.0, seed=3)[1]
    assert (first == again).all()
    assert len(fig.axes) == 1 and len(fig.axes[0].patches) == 16


@pytest.mark.parametrize("T", ENDS)
@pytest.mark.parametrize("seed", [0, 9])
def test_sampler_view_at_both_ends_of_both_sliders(fig, T, seed):
    view = lesson.SamplerView(fig)
    view.update(T=1.0, seed=0)
    p, counts = view.update(T=T, seed=seed)
    if T == lesson.T_MIN:
        assert counts[0] == 200 and "mat | mat | mat | mat | mat | mat" in fig.axes[0].get_xlabel()
    else:
        assert np.count_nonzero(counts) == len(counts)  # every word, "banana" too
        assert p.max() < 0.15
    fig.canvas.draw()


def test_sampler_widget():
    w = lesson.sampler_widget()
    assert isinstance(w.view, lesson.SamplerView)
    assert set(w.controls) == {"T", "seed"}
    assert (w.controls["seed"].min, w.controls["seed"].max) == (0, 9)
    w.controls["T"].value = lesson.T_MIN
    assert w.last[1][0] == 200
    w.controls["T"].value = lesson.T_MAX
    w.controls["seed"].value = 9
    p, counts = w.last
    assert counts.sum() == 200 and np.all(np.isfinite(p)) and "seed 9" in w.alt


def test_no_private_state_on_figures(fig):
    lesson.TemperatureView(fig).update(T=1.0)
    assert not hasattr(fig, "_lesson03") and not hasattr(fig, "_reused_axes")


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
    assert {round(line.get_ydata()[0], 6) for line in ax.get_lines() if len(line.get_ydata()) == 2} == {
        0.0,
        round(math.log(3), 6),
    }
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
        (1.040, True, "1.040 nats"),
        (-(0.5 * np.log(0.5) + 0.5 * np.log(0.25)), True, "Right"),
        ("1.04", True, "Right"),
        (1.5, False, "bits"),
        (0.452, False, "log₁₀"),
        (-1.040, False, "sign"),
        (1.0986, False, "uniform distribution over three"),
        (1, False, "sum of the probabilities"),
        (0.693, False, "only one of the two 0.25"),
        (0.3466, False, "first class's term"),
        (1.386, False, "-Σ p · log p"),
        ("x", False, "Expected a number"),
    ],
)
def test_check_q1(answer, ok, fragment):
    fb = lesson.check_q1(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


def test_q1_is_no_entropy_printed_or_stated_above_it(notebook):
    """The answer, 1.040, must be worked out: no cell before Q1 shows it."""
    q1 = next(i for i, c in enumerate(notebook.cells) if "**Q1.**" in c.source)
    above = " ".join(c.source + "".join(o.get("text", "") for o in c.get("outputs", [])) for c in notebook.cells[:q1])
    assert "1.04" not in above


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        ({"a", "c", "d"}, True, "a shift changes nothing"),
        ("acd", True, "[0.665, 0.245, 0.090]"),
        ("a, c and d", True, "Right"),
        ("ac", False, "adding the same number"),
        ("a", False, "[20, 10, 0] / 10 = [2, 1, 0]"),
        ("acdb", False, "sharper"),
        ("acde", False, "flatter"),
        ("abcde", False, "(b)"),
        ("f", False, "not an option"),
    ],
)
def test_check_q2(answer, ok, fragment):
    fb = lesson.check_q2(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


def test_q2_answer_is_computed_from_the_rows():
    ref = np.exp([2.0, 1.0, 0.0]) / np.exp([2.0, 1.0, 0.0]).sum()  # independent of softmax_lib
    same = set()
    for k, (z, t) in lesson.Q2_ROWS.items():
        w = np.exp(np.array(z) / t)
        if np.allclose(w / w.sum(), ref):
            same.add(k)
    assert same == lesson.q2_answer() == {"a", "c", "d"}


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (0.629, True, "[0.5, 1, 2]"),
        (float(softmax([0.5, 1.0, 2.0])[2]), True, "Right"),
        (0.980, False, "multiplied by T"),
        (0.844, False, "T = 1"),
        (0.571, False, "dividing by the sum"),
        (1.0, False, "argmax"),
        (0.140, False, "smallest class"),
        (63, False, "percentage"),
        (62.9, False, "percentage"),
        (0.5, False, "Divide the logits by T"),
    ],
)
def test_check_q3(answer, ok, fragment):
    fb = lesson.check_q3(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)
    html = fb._repr_html_()  # the box the notebook shows: its colour and mark say the verdict
    _, colour, mark = STYLES[ok]  # the verdict's own colour (checks.STYLES, contrast-tested there)
    assert f"<b style='color:{colour}'>{mark} " in html
    assert html_escape(fragment) in html


# ---------------------------------------------------------------- alt text of the static figures
def test_static_figures_say_their_key_numbers_in_words(fig):
    from softmax_lib.plots import alt_text

    lesson.draw_sharpness_pair(fig)
    assert "[0.26894, 0.73106]" in alt_text(fig) and "[0.00005, 0.99995]" in alt_text(fig)
    lesson.draw_temperature_row(fig)
    assert "T = 0.5: [0.86, 0.12, 0.02]" in alt_text(fig)
    lesson.draw_sampling_grid(fig, temperatures=(0.2, 5.0))
    assert "T = 0.2: 'mat' 197" in alt_text(fig)
    teacher = np.array([-1.0, 4.0, 0.5, 0.0, -0.5, -1.5, -2.0, 9.0, -0.5, 2.5])
    lesson.draw_distillation(fig, teacher)
    assert "all wrong digits 0.0087" in alt_text(fig)  # not rounded to 0.01 (issue 8)
    assert any("share 0.0087" in ax.get_title() for ax in fig.axes)


def test_training_legend_sits_in_an_empty_corner():
    from softmax_lib import style

    with matplotlib.rc_context():  # the notebook's style (font sizes move the legend), undone afterwards
        style.use()
        f, ax = plt.subplots(figsize=(10, 4.2))
        z, y, gaps, tops = np.array([0.5, 0.2, 0.0]), np.array([1.0, 0.0, 0.0]), [], []
        for _ in range(1001):  # the notebook's training run
            p = softmax(z)
            gaps.append(z[0] - z[1:].max())
            tops.append(p[0])
            z = z - (p - y)
        steps = np.arange(1001)
        ax, ax2 = lesson.draw_training(ax, steps, gaps, tops)
        f.canvas.draw()
        box = ax.get_legend().get_window_extent()
        for line in ax.get_lines() + ax2.get_lines():  # every curve stays half an inch clear of the legend
            xy = line.get_transform().transform(np.column_stack(line.get_data()))
            dx = np.maximum(np.maximum(box.x0 - xy[:, 0], xy[:, 0] - box.x1), 0)
            dy = np.maximum(np.maximum(box.y0 - xy[:, 1], xy[:, 1] - box.y1), 0)
            assert np.hypot(dx, dy).min() > 0.5 * f.dpi, line.get_label()
        plt.close(f)


# ---------------------------------------------------------------- Predict checkpoints
@pytest.mark.parametrize(
    "check,prediction,ok,fragment",
    [
        (lesson.predict_cold, None, None, "No prediction yet"),
        (lesson.predict_cold, 0.86, True, "p(cat) = 1 / 1.158 = 0.864"),
        (lesson.predict_cold, 0.88, True, "every gap is doubled"),
        (lesson.predict_cold, 0.66, False, "probability at T = 1"),
        (lesson.predict_cold, 0.50, False, "you multiplied by T"),
        (lesson.predict_cold, 1.0, False, "T → 0 limit"),
        (lesson.predict_cold, 0.33, False, "uniform limit"),
        (lesson.predict_cold, 0.75, False, "0.864"),
        (lesson.predict_tie, None, None, "No prediction yet"),
        (lesson.predict_tie, "b", True, "[0.500, 0.500, 0.000]"),
        (lesson.predict_tie, "a", False, "convention of argmax"),
        (lesson.predict_tie, "c", False, "T → ∞ end"),
        (lesson.predict_tie, "d", False, "nothing overflows"),
        (lesson.predict_hot, None, None, "No prediction yet"),
        (lesson.predict_hot, "b", True, "cat gets 0.183"),
        (lesson.predict_hot, "a", False, "20 times smaller"),
        (lesson.predict_hot, "c", False, "limit T → ∞"),
        (lesson.predict_banana, None, None, "No prediction yet"),
        (lesson.predict_banana, 14, True, "13.6 on average"),
        (lesson.predict_banana, 0.6, False, "count at T = 1"),
        (lesson.predict_banana, 0.003, False, "a probability (printed above the question)"),
        (lesson.predict_banana, 0.07, False, "multiply it by the 200 words"),
        (lesson.predict_banana, 25, False, "200 / 8"),
        (lesson.predict_banana, 60, False, "p('banana') = 0.068"),
    ],
)
def test_predict_checkpoints(check, prediction, ok, fragment):
    fb = check(prediction)
    assert fb.ok is ok
    assert fragment in repr(fb)


def test_predictions_explain_why_even_when_wrong():
    for check, wrong in [(lesson.predict_tie, "a"), (lesson.predict_hot, "c")]:
        assert check(wrong).detail.endswith(check("b").detail)
    assert lesson.predict_cold(0.66).detail.endswith(lesson.predict_cold(0.864).detail)


def test_cold_prediction_is_not_printed_above_it(notebook):
    """0.864, cat at T = 0.5, appears only after the Predict (the answer cell), never above it."""
    cells = notebook.cells
    ask = next(i for i, c in enumerate(cells) if c.cell_type == "markdown" and "T = 0.5$?" in c.source)
    above = " ".join(c.source + "".join(o.get("text", "") for o in c.get("outputs", [])) for c in cells[:ask])
    z = np.array(lesson.LOGITS)
    p = np.exp(2 * z) / np.exp(2 * z).sum()
    assert f"{p[0]:.3f}" not in above and f"{p[0]:.2f}" not in above
    assert cells[ask + 1].source.startswith("my_prediction = None")


def test_banana_prediction_numbers_are_recomputed():
    p5 = np.exp(np.array(lesson.WORD_LOGITS) / 5)
    p5 /= p5.sum()
    expected = 200 * p5[-1]
    assert f"{expected:.1f} on average" in repr(lesson.predict_banana(14))
    drawn = int(np.sum(np.random.default_rng(0).choice(8, size=200, p=p5) == 7))
    assert f"seed 0 drew {drawn}" in repr(lesson.predict_banana(14))


# ---------------------------------------------------------------- Write it: my_sample
def _own_softmax(z, temperature=1.0):  # a learner's own softmax: the checker refuses softmax_lib's
    w = np.exp((np.asarray(z) - np.max(z)) / temperature)
    return w / w.sum()


def _copied_from_section_5a(z, T, n, rng):  # the two lines of section 5a's sampler, calling softmax_lib
    return rng.choice(len(z), size=n, p=softmax(z, temperature=T))


def _scipy_softmax(z, T, n, rng):
    return rng.choice(len(z), size=n, p=scipy.special.softmax(np.asarray(z) / T))


def _multiplied(z, T, n, rng):
    return rng.choice(len(z), size=n, p=_own_softmax(np.asarray(z) * T))


def _ignores_n(z, T, n, rng):  # right draws, but always 4000 of them
    return lesson.reference_my_sample(z, T, 4000, rng)


def _ignores_t(z, T, n, rng):
    return rng.choice(len(z), size=n, p=_own_softmax(z))


def _greedy(z, T, n, rng):
    return np.full(n, int(np.argmax(z)))


def _naive_exp(z, T, n, rng):
    w = np.exp(np.asarray(z) / T)
    return rng.choice(len(w), size=n, p=w / w.sum())


def _global_random(z, T, n, rng):
    return np.random.choice(len(z), size=n, p=_own_softmax(z, temperature=T))


def _own_generator(z, T, n, rng):
    return np.random.default_rng(0).choice(len(z), size=n, p=_own_softmax(z, temperature=T))


def _argmax_when_cold(z, T, n, rng):
    if T < 0.05:
        return np.full(n, int(np.argmax(z)))
    return rng.choice(len(z), size=n, p=_own_softmax(z, temperature=T))


def _drops_masked(z, T, n, rng):
    z = np.asarray(z)[np.isfinite(z)]
    return rng.choice(len(z), size=n, p=_own_softmax(z, temperature=T))


def _probabilities(z, T, n, rng):
    return _own_softmax(z, temperature=T)


def _counts(z, T, n, rng):
    return rng.multinomial(n, _own_softmax(z, temperature=T))


def _stub(z, T, n, rng):
    return None


def _float_indices(z, T, n, rng):
    return lesson.reference_my_sample(z, T, n, rng).astype(float)


def _inverse_cdf(z, T, n, rng):  # another right way: its own draws, same distribution
    cdf = np.cumsum(_own_softmax(z, temperature=T))
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), len(cdf) - 1)


@pytest.mark.parametrize(
    "fn,ok,fragments",
    [
        (lesson.reference_my_sample, True, ["All 9 cases passed"]),
        (_float_indices, True, ["All 9 cases passed"]),
        (_inverse_cdf, True, ["All 9 cases passed"]),
        (_ignores_n, False, ["1 of 9 cases failed", "n = 1500 draws", "shape (4000,)", "pass size=n"]),
        (None, None, ["No function yet"]),
        ("my_sample", False, ["Expected a function"]),
        (_stub, False, ["returned None", "return ..."]),
        (_multiplied, False, ["at T = 0.5", "multiply by T instead of dividing"]),
        (_ignores_t, False, ["at T = 0.5", "T is not used"]),
        (_greedy, False, ["at T = 0.5", "greedy decoding"]),
        (_probabilities, False, ["shape (3,)", "return the n drawn indices"]),
        (_counts, False, ["shape (3,)", "counts?"]),
        (_naive_exp, False, ["T = 0.001", "Probabilities contain NaN", "exp(2000) overflows"]),
        (_argmax_when_cold, False, ["a tie at the top", "do not replace small T by argmax"]),
        (_drops_masked, False, ["a masked class", "whose probability is 0", "shifts the indices"]),
        (_global_random, False, ["same seed, same draws", "different draws for two generators", "np.random.choice"]),
        (_own_generator, False, ["same seed, same draws", "does not use the rng", "of your own"]),
        (
            _copied_from_section_5a,
            False,
            ["The exercise is to build it", "calls softmax_lib.softmax", "without softmax_lib"],
        ),
        (_scipy_softmax, False, ["The exercise is to build it", "calls scipy.special.softmax", "rng.choice"]),
    ],
)
def test_check_my_sample(fn, ok, fragments):
    fb = lesson.check_my_sample(fn)
    assert fb.ok is ok
    text = repr(fb).split("\n  ✓")[0].split("\n  ✗")[0]  # title and first hint, not the per-case rows
    for fragment in fragments:
        assert fragment in text, (fragment, text)


def test_check_my_sample_catches_only_the_large_logits_for_a_shift_free_cold_safe_version():
    def no_shift_but_clipped_t(z, T, n, rng):  # survives a tiny T, not logits of 1000
        w = np.exp(np.asarray(z) / max(T, 0.01) - 200 * (T < 0.01))
        return rng.choice(len(w), size=n, p=w / w.sum())

    fb = lesson.check_my_sample(no_shift_but_clipped_t)
    assert fb.ok is False and "large logits [1000, 999, 0]" in fb.title
    assert "Subtract the largest logit first" in fb.detail


def test_reference_my_sample_never_draws_a_masked_class_and_is_seeded():
    z = [1.0, -np.inf, 0.5]
    a = lesson.reference_my_sample(z, 0.01, 1000, np.random.default_rng(2))
    b = lesson.reference_my_sample(z, 0.01, 1000, np.random.default_rng(2))
    assert not (a == 1).any() and (a == b).all()


# ---------------------------------------------------------------- the stored notebook
NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "03-temperature.ipynb"


@pytest.fixture(scope="module")
def notebook():
    import nbformat

    return nbformat.read(NOTEBOOK, as_version=4)


def test_notebook_mentions_no_source_document(notebook):
    for cell in notebook.cells:
        assert not re.search(r"\bsources?\b|our copy", cell.source, re.IGNORECASE), cell.source[:80]


def test_notebook_is_stored_unanswered(notebook):
    code = [c for c in notebook.cells if c.cell_type == "code"]
    predicts = [c for c in code if c.source.startswith("lesson.predict_")]
    assert len(predicts) >= 2
    for c in predicts:
        assert "No prediction yet" in c.outputs[0]["data"]["text/plain"]
    for c in code:
        if "my_prediction =" in c.source or "answer_q" in c.source:
            assert re.search(r"(my_prediction|answer_q\d) = None", c.source)
    (write,) = [c for c in code if "def my_sample" in c.source]
    assert "return None" in write.source and "9 of 9 cases failed" in write.outputs[0]["data"]["text/plain"]


def test_every_predict_paragraph_comes_before_its_reveal(notebook):
    cells = notebook.cells
    asks = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and "**Predict.**" in c.source]
    checks = [i for i, c in enumerate(cells) if c.cell_type == "code" and c.source.startswith("lesson.predict_")]
    assert len(asks) == len(checks) >= 2
    for ask, check in zip(asks, checks):
        assert ask < check and "my_prediction = None" in cells[ask + 1].source


def test_answers_live_only_inside_details(notebook):
    for cell in notebook.cells:
        if cell.cell_type == "code":
            out = "".join(o.get("text", "") for o in cell.outputs)
            assert not re.search(r"^Q\d:", out, re.MULTILINE), "answers printed outside <details>"


def test_the_answers_in_details_match_the_checkers(notebook):
    (answers,) = [c.source for c in notebook.cells if "Show the answers" in c.source]
    p = np.array(lesson.Q1_P)
    q1 = float(-(p * np.log(p)).sum())
    assert f"**{q1:.3f}**" in answers and lesson.check_q1(round(q1, 3)).ok
    assert "**(a), (c) and (d)**" in answers and lesson.check_q2("acd").ok
    z = np.array(lesson.Q3_LOGITS) / lesson.Q3_T
    q3 = float(np.exp(z[-1]) / np.exp(z).sum())
    assert f"**{q3:.3f}**" in answers and lesson.check_q3(round(q3, 3)).ok
    t1 = float(np.exp(lesson.Q3_LOGITS[-1]) / np.exp(lesson.Q3_LOGITS).sum())
    assert f"{t1:.3f} at $T = 1$" in answers


def test_the_slider_answers_are_recomputed(notebook):
    (slider,) = [c.source for c in notebook.cells if "Answers to the slider questions" in c.source]
    (sampler,) = [c.source for c in notebook.cells if "Answers to the sampler questions" in c.source]
    z = np.array(lesson.CLASS_LOGITS)
    hot = np.exp(z / 20) / np.exp(z / 20).sum()  # independent of softmax_lib
    assert f"{hot[0] - 1 / 6:.3f} above the line" in slider
    assert f"entropy {-(hot * np.log(hot)).sum():.2f}" in slider
    cold_gap = (z[0] - z[1]) / 0.05  # dog's gap at the cold end of the slider
    assert f"becomes {cold_gap:.0f}" in slider and np.exp(-cold_gap) < 1e-6
    temps = np.geomspace(0.3, 1.5, 2001)
    h = np.array([float(lesson.entropy(softmax(z, temperature=t))) for t in temps])
    t_half = temps[np.argmin(np.abs(h - math.log(6) / 2))]
    assert f"T = {t_half:.2f}" in slider
    w = np.array(lesson.WORD_LOGITS)
    p15 = softmax(w, temperature=0.15)
    assert f"p \\approx {1 - p15[0]:.4f}" in sampler
    only_mat = [sum(bool((lesson.sample_words(w, t, 200, s) == 0).all()) for s in range(10)) for t in (0.05, 0.15, 0.2)]
    assert (
        only_mat[0] == 10 and f"{only_mat[1]} of the 10 seeds" in sampler and f"only {only_mat[2]} of them" in sampler
    )
    roof = [int(np.sum(lesson.sample_words(w, 1.0, 200, s) == 4)) for s in range(10)]
    assert roof[0] == 16 and all(3 <= r <= 13 for r in roof[1:])  # "counts from about 3 to 13 are ordinary"
