"""Lesson 09, softmax at work: the text and the model, the figures, the views at both ends
of every slider, and every checker (Predict, Write-it, questions), table-driven."""

from __future__ import annotations

import math
import re
from collections import Counter

import numpy as np
import pytest

from softmax_lib import logsumexp, softmax
from softmax_lib.decoding import decoding_distribution
from softmax_lib.lessons import lesson09_softmax_at_work as lesson

NAN = re.compile(r"\b(nan|inf)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def model():
    return lesson.trained_model()


# ---------------------------------------------------------------- text and model
def test_text_is_the_committed_snapshot_in_the_alphabet():
    train, held = lesson.load_text()
    assert (len(train), len(held)) == (267620, 40491)
    assert set(train) <= set(lesson.ALPHABET) and set(held) <= set(lesson.ALPHABET)
    assert len(lesson.ALPHABET) == 32 and len(set(lesson.ALPHABET)) == 32


def test_encode_decode_round_trip_and_a_clear_error():
    assert lesson.decode(lesson.encode("the (loop), it's.")) == "the (loop), it's."
    with pytest.raises(ValueError, match="not in the model's alphabet"):
        lesson.encode("The")


def test_model_rows_are_log_probabilities(model):
    z = model.logits("xyz the")
    assert z.shape == (32,) and math.isclose(np.exp(z).sum(), 1.0)
    assert np.allclose(softmax(z), np.exp(z))


def test_model_blends_counts_with_the_shorter_context(model):
    # p = (n + beta q) / (N + beta), q the 2-character model's row for "he"
    train = lesson.load_text()[0]
    after = Counter(train[i + 3] for i in range(len(train) - 3) if train[i : i + 3] == "the")
    n = np.array([after.get(c, 0) for c in lesson.ALPHABET], dtype=float)
    q = np.exp(lesson.CharModel(train, context=2).logits("he"))
    want = (n + lesson.BETA * q) / (n.sum() + lesson.BETA)
    assert np.allclose(np.exp(model.logits("the")), want)


def test_an_unseen_context_falls_back_on_the_shorter_one(model):
    train = lesson.load_text()[0]
    assert "qzx" not in train
    shorter = lesson.CharModel(train, context=2)
    assert np.allclose(model.logits("qzx"), shorter.logits("zx"))


def test_model_needs_enough_context(model):
    with pytest.raises(ValueError, match="at least 3 characters"):
        model.logits("th")


def test_generate_is_seeded_and_greedy_loops(model):
    a = model.generate("the ", 60, seed=4)
    assert a == model.generate("the ", 60, seed=4) and len(a) == 60
    assert a != model.generate("the ", 60, seed=5)
    greedy = model.generate("the ", 100, temperature=0)
    assert greedy.startswith("string the string the")


def test_perplexity_curve_is_lowest_near_one():
    temps = 2.0 ** (np.arange(-8, 9) / 4)
    ppl = lesson.perplexity_curve(temps)
    assert temps[np.argmin(ppl)] in (1.0, 2**0.25)
    assert np.all(ppl < 32) and ppl[0] > ppl[8] < ppl[-1]
    # the numbers the report quotes, computed from the committed snapshot
    assert np.allclose(lesson.perplexity_curve([0.5, 1, 2]), [7.047, 4.747, 5.733], atol=5e-4)


def test_more_context_means_lower_perplexity():
    train, held = lesson.load_text()
    from softmax_lib.decoding import perplexity

    ppl = [perplexity(*lesson.CharModel(train, context=n).logits_along(held)) for n in (0, 1, 2, 3)]
    assert all(a > b for a, b in zip(ppl, ppl[1:]))


# ---------------------------------------------------------------- static figures
def test_draw_perplexity_marks_and_alt(fig):
    from softmax_lib.plots import alt_text

    temps = 2.0 ** (np.arange(-8, 9) / 4)
    ppl = lesson.perplexity_curve(temps)
    ax = fig.subplots()
    marked = lesson.draw_perplexity(ax, temps, ppl)
    assert np.allclose(marked, ppl[[4, 8, 12]])
    assert "4.75 at T = 1" in alt_text(fig)
    with pytest.raises(ValueError, match="must be one of the temperatures"):
        lesson.draw_perplexity(ax, temps, ppl, marks=(0.6,))


def test_draw_next_char(fig, model):
    order = lesson.draw_next_char(fig.subplots(), model.logits("the"), "the")
    assert lesson.ALPHABET[order[0]] == " " and len(order) == 12


def test_draw_saturation_and_table(fig):
    table = lesson.saturation_table(dims=(1, 16, 1024), n_queries=200)
    assert np.allclose(table[0, 1], table[0, 2])  # d = 1: scaling changes nothing
    assert table[-1, 1] > 0.9 and table[-1, 2] < 0.5  # raw saturates, scaled does not
    assert table[-1, 3] < 0.1 < 0.3 < table[-1, 4]  # and its gradient vanishes
    lesson.draw_saturation(fig, table)
    assert len(fig.axes) == 2


def test_draw_online_matches_logsumexp(fig):
    maxes, totals, values = lesson.draw_online(fig)
    stream = np.array(lesson.STREAM)
    assert math.isclose(values[-1], float(logsumexp(stream)), rel_tol=1e-14)
    assert maxes[0] == -np.inf and totals[0] == 0.0  # a stream that starts with -inf
    for i in range(1, len(stream)):  # every prefix is right
        assert math.isclose(values[i], float(logsumexp(stream[: i + 1])), rel_tol=1e-14)


def test_draw_online_labels_do_not_overlap():
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    fig = plt.figure(figsize=(12, 7))  # the notebook's size
    lesson.draw_online(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in fig.axes[1].texts if t.get_text().startswith("max ")]
    assert len(labels) == 3  # one per jump of the maximum after the first finite value
    boxes = [Text.get_window_extent(t, renderer) for t in labels]  # the text only, not its arrow
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (labels[i].get_text(), labels[j].get_text())
    inside = fig.axes[1].get_window_extent(renderer)
    assert all(inside.contains(b.x0, b.y1) and inside.contains(b.x1, b.y1) for b in boxes)
    plt.close(fig)


def test_tiled_attention_equals_direct():
    rng = np.random.default_rng(0)
    q, K, V = rng.standard_normal(8), rng.standard_normal((37, 8)), rng.standard_normal((37, 3))
    direct = softmax(K @ q / math.sqrt(8)) @ V
    for tile in (1, 5, 8, 37, 100):
        assert np.allclose(lesson.tiled_attention(q, K, V, tile), direct, rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- views at both ends of every slider
DECODING_ENDS = [
    dict(T=lesson.T_MIN, k=32, p=1.0),
    dict(T=lesson.T_MAX, k=32, p=1.0),
    dict(T=1.0, k=1, p=1.0),
    dict(T=1.0, k=32, p=1.0),
    dict(T=1.0, k=32, p=lesson.P_MIN),
    dict(T=lesson.T_MAX, k=1, p=lesson.P_MIN),
    dict(T=lesson.T_MIN, k=32, p=lesson.P_MIN),
    dict(T=lesson.T_MAX, k=32, p=0.9),
]


@pytest.mark.parametrize("values", DECODING_ENDS)
def test_decoding_view_ends(fig, values):
    view = lesson.DecodingView(fig, n_chars=60)
    axes = list(fig.axes)
    r = view.update(**values)
    assert fig.axes == axes  # nothing rebuilt
    kept = r["kept"]
    assert math.isclose(kept.sum(), 1.0) and r["n_kept"] == np.count_nonzero(kept)
    heights = np.array([b.get_height() for b in view.after])
    assert np.allclose(heights, kept[view.order])
    assert len(r["text"]) == 60 and set(r["text"]) <= set(lesson.ALPHABET)
    assert not NAN.search(view.title.get_text()) and f"{r['n_kept']} of 32" in view.alt
    fig.canvas.draw()


def test_decoding_view_extremes_mean_what_they_say(fig, model):
    view = lesson.DecodingView(fig, n_chars=40)
    greedy = model.generate("the ", 40, temperature=0)
    assert view.update(T=1.0, k=1, p=1.0)["text"] == greedy  # k = 1 is greedy
    assert view.update(T=lesson.T_MAX, k=1, p=1.0)["text"] == greedy  # whatever T is
    assert view.update(T=1.0, k=32, p=lesson.P_MIN)["n_kept"] == 1
    r = view.update(T=1.0, k=32, p=1.0)
    assert r["n_kept"] == 32 and math.isclose(r["mass"], 1.0)
    assert view.update(T=lesson.T_MAX, k=32, p=0.9)["n_kept"] > view.update(T=1.0, k=32, p=0.9)["n_kept"]


@pytest.mark.parametrize("d", [lesson.D_CHOICES[0], 16, lesson.D_CHOICES[-1]])
def test_attention_view_ends(fig, d):
    view = lesson.AttentionView(fig)
    r = view.update(d=d)
    for side in ("raw", "scaled"):
        w = r[side]["weights"]
        assert math.isclose(w.sum(), 1.0) and np.all(np.isfinite(w))
    if d == 1:
        assert np.allclose(r["raw"]["weights"], r["scaled"]["weights"])
    if d == lesson.D_CHOICES[-1]:
        assert r["raw"]["max"] > 0.99 and r["raw"]["gradient"] < 0.01
        assert r["scaled"]["max"] < 0.6 and r["scaled"]["gradient"] > 0.2
    heights = [b.get_height() for b in view.bars[0]]
    assert np.allclose(heights, r["raw"]["weights"])
    assert f"d = {d}" in view.alt
    fig.canvas.draw()


def test_widgets_build_and_update():
    w = lesson.decoding_widget()
    assert set(w.controls) == {"T", "k", "p"}
    w.controls["k"].value = 1
    assert w.last["n_kept"] == 1
    w.controls["p"].value = lesson.P_MIN
    w.controls["T"].value = lesson.T_MAX
    assert w.last["n_kept"] == 1
    a = lesson.attention_widget()
    a.controls["d"].value = 1024
    assert a.last["raw"]["max"] > 0.99
    assert "image/png" in a._repr_mimebundle_()[0]


# ---------------------------------------------------------------- Predict checkpoints
@pytest.mark.parametrize(
    "check,answer,ok,fragment",
    [
        (lesson.predict_perplexity, None, None, "No prediction yet"),
        (lesson.predict_perplexity, "b", True, "4.75"),
        (lesson.predict_perplexity, "a", False, "punishes every surprise"),
        (lesson.predict_perplexity, "c", False, "too little"),
        (lesson.predict_top_p, None, None, "No prediction yet"),
        (lesson.predict_top_p, "b", True, "keeps 2 of 32"),
        (lesson.predict_top_p, "a", False, "not of the vocabulary"),
        (lesson.predict_top_p, "c", False, "at least 0.9"),
        (lesson.predict_attention, None, None, "No prediction yet"),
        (lesson.predict_attention, "b", True, "lowering the temperature"),
        (lesson.predict_attention, "a", False, "sum of d products"),
        (lesson.predict_attention, "c", False, "spread apart"),
        (lesson.predict_attention, "z", False, "not an option"),
    ],
)
def test_predictions(check, answer, ok, fragment):
    fb = check(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


def test_top_p_prediction_answer_is_computed(model):
    n = np.count_nonzero(decoding_distribution(model.logits(" wh"), top_p=0.9))
    assert n == lesson.top_p_count() == 2


# ---------------------------------------------------------------- Write it
def naive(chunks):
    return np.log(np.sum(np.exp(np.concatenate([np.asarray(c, dtype=float) for c in chunks]))))


def no_rescale(chunks):
    m, s = -np.inf, 0.0
    for c in chunks:
        c = np.asarray(c, dtype=float)
        if c.size == 0:
            continue
        m = max(m, c.max())
        s = s + np.sum(np.exp(c - m))
    return m + np.log(s)


def no_minus_inf_guard(chunks):
    m, s = -np.inf, 0.0
    for c in chunks:
        c = np.asarray(c, dtype=float)
        m_new = np.maximum(m, c.max())
        s = s * np.exp(m - m_new) + np.sum(np.exp(c - m_new))
        m = m_new
    return m + np.log(s)


def per_chunk_shift(chunks):  # shifts each chunk by its own max, then combines
    parts = []
    for c in chunks:
        c = np.asarray(c, dtype=float)
        if c.size == 0:
            continue
        cm = c.max()
        parts.append(cm + np.log(np.sum(np.exp(c - cm))))
    parts = np.array(parts)
    m = parts.max()
    if m == -np.inf:
        return m
    return m + np.log(np.sum(np.exp(parts - m)))


def guarded_but_no_empty_check(chunks):
    m, s = -np.inf, 0.0
    for c in chunks:
        c = np.asarray(c, dtype=float)
        m_new = np.maximum(m, c.max())
        if m_new == -np.inf:
            continue
        s = s * np.exp(m - m_new) + np.sum(np.exp(c - m_new))
        m = m_new
    return m if s == 0 else m + np.log(s)


def drops_non_finite(chunks):
    m, s = -np.inf, 0.0
    for c in chunks:
        c = np.asarray(c, dtype=float)
        c = c[np.isfinite(c)]
        if c.size == 0:
            continue
        m_new = max(m, c.max())
        s = s * np.exp(m - m_new) + np.sum(np.exp(c - m_new))
        m = m_new
    return m if s == 0 else m + np.log(s)


def stable_concatenate(chunks):  # right value, but keeps every chunk instead of streaming
    return logsumexp(np.concatenate([np.asarray(c, dtype=float) for c in chunks]))


def float32_naive_online(chunks):  # rescales, but exponentiates raw values in the chunk's dtype
    total = None
    for c in chunks:
        c = np.asarray(c)
        if c.size == 0:
            continue
        part = np.sum(np.exp(c))
        total = part if total is None else total + part
    return np.log(total) if total is not None else -np.inf


@pytest.mark.parametrize(
    "fn,ok,first,hint",
    [
        (None, None, None, "No function yet"),
        (lesson.reference_online_logsumexp, True, None, "All 10 cases passed"),
        (lambda chunks: None, False, "two chunks", "return"),
        (naive, False, "the max keeps growing", "Never take exp of a raw value"),
        (no_rescale, False, "two chunks", "multiply it by exp(m - m_new)"),
        (no_minus_inf_guard, False, "starts with a chunk of -inf", "exp(NaN)"),
        (per_chunk_shift, False, "starts with a chunk of -inf", "Skip chunks whose max is -inf"),
        (guarded_but_no_empty_check, False, "an empty chunk", "skip it"),
        (drops_non_finite, False, "a NaN", "do not filter it out"),
        (stable_concatenate, False, "one buffer, refilled", "no np.concatenate"),
    ],
)
def test_check_online_logsumexp(fn, ok, first, hint):
    fb = lesson.check_online_logsumexp(fn)
    assert fb.ok is ok
    if first:
        assert f"The first: {first}" in fb.title
    assert hint in repr(fb)


def test_per_chunk_shift_also_fails_the_middle_minus_inf_chunk():
    rows = {name: ok for ok, name, _ in lesson.check_online_logsumexp(per_chunk_shift).rows}
    assert rows["a chunk of only -inf in the middle: [1, 2], [-inf, -inf, -inf], [0]"] is False
    assert rows["two chunks: [1, 2, 3] then [0.5, 4]"] is True


def test_one_buffer_stream_overwrites_kept_chunks_and_restarts():
    stream = lesson.OneBufferStream([[1.0, 2.0, 3.0], [0.5, 4.0], [7.0]])
    kept = list(stream)
    assert all(np.shares_memory(kept[0], c) for c in kept[1:])
    assert kept[0][0] == 7.0  # the first chunk was overwritten
    assert [c.tolist() for c in stream] == [[1.0, 2.0, 3.0], [0.5, 4.0], [7.0]]  # read as it comes: intact
    assert np.isclose(lesson.reference_online_logsumexp(stream), np.log(np.exp([1, 2, 3, 0.5, 4, 7]).sum()))


def test_float32_case_catches_unshifted_exp():
    fb = lesson.check_online_logsumexp(float32_naive_online)
    rows = {name: ok for ok, name, _ in fb.rows}
    assert rows["float32 near overflow: [88, 88.5], [89, 80], [89.5]"] is False
    assert rows["two chunks: [1, 2, 3] then [0.5, 4]"] is True


# ---------------------------------------------------------------- check yourself
@pytest.mark.parametrize(
    "check,answer,ok,fragment",
    [
        (lesson.check_q1, None, None, "No answer yet"),
        (lesson.check_q1, 5, True, "fair choice among 5"),
        (lesson.check_q1, 0.2, False, "exp(-log 0.2)"),
        (lesson.check_q1, 1.609, False, "cross-entropy, log 5"),
        (lesson.check_q1, 2.32, False, "in bits"),
        (lesson.check_q1, 32, False, "uniform guessing"),
        (lesson.check_q1, 7, False, "mean of -log p"),
        (lesson.check_q2, 0.588, True, "0.5 / 0.85"),
        (lesson.check_q2, 0.5, False, "Renormalise"),
        (lesson.check_q2, 0.714, False, "kept two tokens"),
        (lesson.check_q2, 0.526, False, "share of probability"),
        (lesson.check_q2, 0.625, False, "not by p"),
        (lesson.check_q2, 58.8, False, "percentage"),
        (lesson.check_q3, 16, True, "√256 = 16"),
        (lesson.check_q3, 256, False, "square root"),
        (lesson.check_q3, 1, False, "after dividing"),
        (lesson.check_q3, 65536, False, "add"),
        (lesson.check_q4, 1.271, True, "1.271"),
        (lesson.check_q4, 3, False, "without rescaling"),
        (lesson.check_q4, 15.78, False, "e^(−2), not e^2"),
        (lesson.check_q4, 9.389, False, "measure everything from 7"),
        (lesson.check_q4, 0.271, False, "adds its own term"),
        (lesson.check_q4, "x", False, "Expected a number"),
    ],
)
def test_questions(check, answer, ok, fragment):
    fb = check(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)
    assert fb._repr_html_()
