"""Lesson 09, softmax at work: the text and the model, the figures, the views at both ends
of every slider, and every checker (Predict, Write-it, questions), table-driven."""

from __future__ import annotations

import json
import math
import re
import textwrap
from collections import Counter
from pathlib import Path

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


@pytest.mark.slow
def test_best_temperature_is_slightly_above_one():
    t, ppl = lesson.best_temperature()
    assert 1.05 < t < 1.09 and math.isclose(ppl, 4.734, abs_tol=5e-4)
    grid = np.round(np.arange(1.0, 1.15, 0.01), 2)
    curve = lesson.perplexity_curve(grid)
    assert ppl <= curve.min() + 1e-9  # no grid point is lower than the search's answer
    assert abs(grid[np.argmin(curve)] - t) <= 0.01
    assert ppl < lesson.perplexity_curve([1.0])[0] - 0.01  # T = 1 is measurably worse (4.747)


@pytest.mark.slow
def test_perplexity_curve_is_lowest_near_one():
    temps = 2.0 ** (np.arange(-8, 9) / 4)
    ppl = lesson.perplexity_curve(temps)
    assert temps[np.argmin(ppl)] in (1.0, 2**0.25)
    assert np.all(ppl < 32) and ppl[0] > ppl[8] < ppl[-1]
    # the numbers the report quotes, computed from the committed snapshot
    assert np.allclose(lesson.perplexity_curve([0.5, 1, 2]), [7.047, 4.747, 5.733], atol=5e-4)


@pytest.mark.slow
def test_more_context_means_lower_perplexity():
    train, held = lesson.load_text()
    from softmax_lib.decoding import perplexity

    ppl = [perplexity(*lesson.CharModel(train, context=n).logits_along(held)) for n in (0, 1, 2, 3)]
    assert all(a > b for a, b in zip(ppl, ppl[1:]))


# ---------------------------------------------------------------- static figures
@pytest.mark.slow
def test_draw_perplexity_marks_and_alt(fig):
    from softmax_lib.plots import alt_text

    temps = 2.0 ** (np.arange(-8, 9) / 4)
    ppl = lesson.perplexity_curve(temps)
    ax = fig.subplots()
    marked = lesson.draw_perplexity(ax, temps, ppl, best=(1.07, 4.734))
    assert np.allclose(marked, ppl[[4, 8, 12]])
    assert "4.75 at T = 1" in alt_text(fig) and "lowest 4.734 at T = 1.07" in alt_text(fig)
    assert "T = 1.07" in ax.get_title()
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
def test_decoding_view_ends(moved_view, values):
    view = moved_view(lesson.DecodingView, (12, 6.0), n_chars=60)
    fig = view.fig
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


def test_attention_default_query_is_typical():
    """The slider's query: spread within 20% of √d and growing from d = 4 on, largest weight growing with d."""
    q, keys = lesson.attention_data()
    dims = [d for d in lesson.D_CHOICES if d >= 4]
    spreads = np.array([np.std(keys[:, :d] @ q[:d]) for d in dims])
    assert np.all(np.abs(np.log(spreads / np.sqrt(dims))) < np.log(1.2))
    assert np.all(np.diff(spreads) > 0)
    largest = np.array([softmax(keys[:, :d] @ q[:d]).max() for d in dims])
    assert np.all(np.diff(largest) > -0.03)
    table = lesson.saturation_table()
    at16 = softmax(keys[:, :16] @ q[:16]).max()
    assert abs(at16 - table[list(table[:, 0]).index(16), 1]) < 0.1  # near the printed mean (0.72)


def test_glyph_text_draws_the_characters(fig):
    ax = fig.subplots()
    ax.axis("off")
    g = lesson.GlyphText(ax, lesson.ALPHABET, columns=10, rows=2)
    g.set_text(["ab", "é?"])  # characters outside the alphabet are drawn as spaces
    alpha = g.rgba[..., 3]
    cell = g.cell_w
    assert alpha[: g.cell_h, :cell].any() and alpha[: g.cell_h, cell : 2 * cell].any()
    assert not alpha[g.cell_h :].any() and not alpha[:, 2 * cell :].any()
    a = alpha[: g.cell_h, :cell].copy()
    g.set_text(["ba"])
    assert np.array_equal(g.rgba[: g.cell_h, cell : 2 * cell, 3], a)  # the same glyph, moved
    fig.canvas.draw()


def test_view_sample_equals_generate(fig, model):
    view = lesson.DecodingView(fig, n_chars=90)
    for values in (dict(T=0.7, k=32, p=1.0), dict(T=1.3, k=5, p=0.9)):
        r = view.update(**values)
        k = None if values["k"] == 32 else values["k"]
        p = None if values["p"] == 1.0 else values["p"]
        assert r["text"] == model.generate("the ", 90, 0, temperature=values["T"], top_k=k, top_p=p)
        assert view.sample_text.text == "\n".join(textwrap.wrap("the " + r["text"], view.WIDTH))


@pytest.mark.slow
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
        # predict_perplexity searches T for the lowest held-out perplexity (~3 s, once): slow
        pytest.param(lesson.predict_perplexity, None, None, "No prediction yet", marks=pytest.mark.slow),
        pytest.param(lesson.predict_perplexity, "c", True, "T = 1.07", marks=pytest.mark.slow),
        pytest.param(lesson.predict_perplexity, "c", True, "lesson 08", marks=pytest.mark.slow),
        pytest.param(lesson.predict_perplexity, "a", False, "more surprises", marks=pytest.mark.slow),
        pytest.param(lesson.predict_perplexity, "b", False, "never seen", marks=pytest.mark.slow),
        (lesson.predict_top_p, None, None, "No prediction yet"),
        (lesson.predict_top_p, "b", True, "keeps 2 of 32"),
        (lesson.predict_top_p, "a", False, "not of the vocabulary"),
        (lesson.predict_top_p, "c", False, "at least 0.9"),
        (lesson.predict_attention, None, None, "No prediction yet"),
        (lesson.predict_attention, "c", True, "lowering the temperature"),
        (lesson.predict_attention, "c", True, "0.265 at d = 16 to 0.045 at d = 1024, 0.17 times as large"),
        (lesson.predict_attention, "C", True, "about a sixth"),
        (lesson.predict_attention, "a", False, "8 times wider"),
        (lesson.predict_attention, "b", False, "Halving is too mild"),
        (lesson.predict_attention, "d", False, "largest weight averages 0.97, not 1"),
        (lesson.predict_attention, "z", False, "not an option"),
    ],
)
def test_predictions(check, answer, ok, fragment):
    fb = check(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


def test_attention_prediction_answer_is_computed():
    """The right option is the one closest to the printed table's ratio, 0.045 / 0.265 = 0.17: about a sixth."""
    table = lesson.saturation_table()
    dims = list(table[:, 0])
    ratio = table[dims.index(1024), 3] / table[dims.index(16), 3]
    assert ratio == pytest.approx(lesson.attention_gradient_ratio())
    assert 0.12 < ratio < 0.25  # nearer 1/6 than 1/2 or 0
    assert min(lesson.ATTENTION_RATIOS, key=lambda k: abs(lesson.ATTENTION_RATIOS[k] - ratio)) == "c"
    assert lesson.predict_attention("c").ok and not lesson.predict_attention("d").ok


NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "09-softmax-at-work.ipynb"


def _cell_text(cell):
    """A cell's source and everything it printed or displayed as text."""
    parts = [cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])]
    for out in cell.get("outputs", []):
        text = out.get("text") or out.get("data", {}).get("text/plain", "")
        parts.append(text if isinstance(text, str) else "".join(text))
    return "\n".join(parts)


def test_nothing_above_the_attention_predict_gives_its_answer_away():
    """The gradient sizes, their ratio and the answer appear only from the reveal cell on."""
    cells = json.loads(NOTEBOOK.read_text())["cells"]
    ids = [c.get("id") for c in cells]
    predict = next(i for i, c in enumerate(cells) if "how large is that gradient" in _cell_text(c))
    reveal = ids.index("c40")
    assert predict < reveal
    table = lesson.saturation_table()
    dims = list(table[:, 0])
    g16, g1024 = table[dims.index(16), 3], table[dims.index(1024), 3]
    giveaways = [f"{g16:.3f}", f"{g1024:.3f}", f"{g1024 / g16:.2f}", "a sixth"]
    assert f"{g16:.3f}" in _cell_text(cells[reveal]) and f"{g1024:.3f}" in _cell_text(cells[reveal])
    for cell in cells[:predict]:
        text = _cell_text(cell)
        assert not [g for g in giveaways if g in text], (cell.get("id"), [g for g in giveaways if g in text])
    # the Predict paragraph itself offers "a sixth" as one option among four, and no number from the table
    question = _cell_text(cells[predict])
    assert f"{g16:.3f}" not in question and f"{g1024:.3f}" not in question
    assert all(f"({k}) {v}" in question for k, v in lesson.ATTENTION_OPTIONS.items())


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


def keeps_copies_and_concatenates(chunks):  # copies defeat the one-buffer stream; the long stream catches it
    kept = [np.array(c, dtype=float, copy=True) for c in chunks]
    return logsumexp(np.concatenate(kept)) if kept else -np.inf


def changes_chunks_in_place(chunks):  # right value, but shifts and exponentiates the caller's arrays
    m, s = -np.inf, 0.0
    for chunk in chunks:
        if chunk.size == 0:
            continue
        m_new = np.maximum(m, chunk.max())
        if m_new == -np.inf:
            continue
        chunk -= m_new
        np.exp(chunk, out=chunk)
        s = s * np.exp(m - m_new) + chunk.sum()
        m = m_new
    return m if s == 0 else m + np.log(s)


def logaddexp_scalar(chunks):  # correct another way: NumPy warns on the NaN case, harmlessly
    acc = -np.inf
    for chunk in chunks:
        for x in chunk:
            acc = np.logaddexp(acc, x)
    return acc


def logaddexp_reduce(chunks):  # correct another way, one reduce per chunk
    acc = -np.inf
    for chunk in chunks:
        acc = np.logaddexp.reduce(np.asarray(chunk, dtype=float), initial=acc)
    return acc


def library_accumulator(chunks):  # correct another way: the library's online accumulator
    from softmax_lib.decoding import OnlineLogSumExp

    acc = OnlineLogSumExp()
    for chunk in chunks:
        acc.update(chunk)
    return acc.value


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
        (lesson.reference_online_logsumexp, True, None, "All 11 cases passed"),
        (logaddexp_scalar, True, None, "All 11 cases passed"),
        (logaddexp_reduce, True, None, "All 11 cases passed"),
        (library_accumulator, True, None, "All 11 cases passed"),
        (keeps_copies_and_concatenates, False, "a long stream", "let the chunk go"),
        (changes_chunks_in_place, False, "two chunks", "changed the caller's chunks in place"),
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


def test_logaddexp_warning_is_harmless_only_where_numpy_gives_it():
    fb = lesson.check_online_logsumexp(logaddexp_scalar)
    nan_case = next(r for r in fb.results if r.case.name.startswith("a NaN"))
    assert nan_case.ok and nan_case.harmless == ("invalid value encountered in logaddexp",)
    assert all(not r.harmless for r in fb.results if r is not nan_case)


def test_long_stream_measures_what_is_kept():
    stream = lesson.LongStream()
    lesson.reference_online_logsumexp(stream)
    assert stream.kept_chunks < 3  # the chunk being read, and little else
    stream = lesson.LongStream()
    keeps_copies_and_concatenates(stream)
    assert stream.kept_chunks > stream.n_chunks - 2 > lesson.KEPT_CHUNKS_LIMIT
    assert [c.tolist() for c in stream] == [c.tolist() for c in stream.chunks]  # iterating again: the same


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
        (lesson.check_q1, 4, True, "geometric mean"),
        (lesson.check_q1, 5, False, "averaged the two perplexities"),
        (lesson.check_q1, 3.2, False, "averaged the probabilities"),
        (lesson.check_q1, 1.386, False, "cross-entropy in nats"),
        (lesson.check_q1, 2, False, "in bits"),
        (lesson.check_q1, 0.25, False, "1 over it"),
        (lesson.check_q1, 0.3125, False, "mean probability"),
        (lesson.check_q1, 7, False, "mean of -log p"),
        (lesson.check_q2, 0.588, True, "0.5 / 0.85"),
        (lesson.check_q2, 0.5, False, "Renormalise"),
        (lesson.check_q2, 0.714, False, "kept two tokens"),
        (lesson.check_q2, 0.526, False, "share of probability"),
        (lesson.check_q2, 0.625, False, "not by p"),
        (lesson.check_q2, 58.8, False, "percentage"),
        (lesson.check_q3, 32, True, "1024"),
        (lesson.check_q3, 32.0, True, "standard deviation is 32"),
        (lesson.check_q3, 8, False, "variance 1"),
        (lesson.check_q3, 16, False, "not σ² = 4"),
        (lesson.check_q3, 1024, False, "square root"),
        (lesson.check_q3, 256, False, "σ⁴ = 16"),
        (lesson.check_q3, 3, False, "Find the variance of one product"),
        (lesson.check_q4, 7.254, True, "7 + log 1.2890"),
        (lesson.check_q4, 5 + math.log(2 + math.exp(-2) + math.exp(2)), True, "7.254"),  # measured from 5
        (lesson.check_q4, 8.105, False, "without rescaling"),
        (lesson.check_q4, 7.2395, False, "The 3 in the chunk counts"),
        (lesson.check_q4, 7 + math.log(2 * math.exp(2) + math.exp(-4) + 1), False, "not e^2"),
        (lesson.check_q4, 1.289, False, "new s"),
        (lesson.check_q4, 0.254, False, "That is log s"),
        (lesson.check_q4, 5.693, False, "the old state alone"),
        (lesson.check_q4, 7.018, False, "the chunk [3, 7] alone"),
        (lesson.check_q4, "x", False, "Expected a number"),
    ],
)
def test_questions(check, answer, ok, fragment):
    fb = check(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)
    assert fb._repr_html_()


def test_gradient_split_is_the_tables_mean_split_as_the_reveal_says():
    """After the d slider: the few queries whose two best keys score close give about half the table's mean
    at d = 1024; most queries, the slider's among them, print a gradient of 0.000."""
    table = lesson.saturation_table()
    dims = list(table[:, 0])
    for d in (16, 1024):
        split = lesson.gradient_split(d=d)
        assert math.isclose(split["mean"], table[dims.index(d), 3], rel_tol=1e-12)
        share = split["close_share"]
        assert math.isclose(split["mean"], share * split["close_mean"] + (1 - share) * split["other_mean"])
    at16, at1024 = lesson.gradient_split(d=16), lesson.gradient_split(d=1024)
    assert at1024["zero_share"] > 0.5 > at16["zero_share"] and at1024["median"] < 0.0005 < at16["median"]
    assert at1024["close_share"] < 0.2 and at1024["close_mean"] > 10 * at1024["other_mean"]
    assert 0.4 < at1024["close_part"] < 0.6  # "about half the mean"
    q, keys = lesson.attention_data()
    assert lesson.softmax_jacobian_norm(lesson.attention_weights(q, keys, 1024, scaled=False)) < 0.0005


def test_scaled_spread_stays_near_one_from_d_2_on(fig):
    view = lesson.AttentionView(fig)
    spreads = [view.update(d=d)["scaled"]["spread"] for d in lesson.D_CHOICES]
    assert all(0.8 < s < 1.25 for s in spreads[1:]) and spreads[0] < 0.5  # d = 1: this query's 0.44
    assert "(typical 1)" in view.titles[1].get_text()
