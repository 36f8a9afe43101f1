"""Tests for softmax_lib.decoding: truncation, the decoding distribution, sampling,
perplexity and online log-sum-exp, on worked cases, documented edge cases, bad input
and hypothesis properties.

References are computed independently of softmax_lib: plain NumPy written out in the
test, or mpmath at 40 digits for log-sum-exp.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from softmax_lib import log_softmax, logsumexp, softmax
from softmax_lib.decoding import (
    OnlineLogSumExp,
    decoding_distribution,
    online_logsumexp,
    online_softmax,
    perplexity,
    sample,
    top_k_filter,
    top_p_filter,
)

INF, NAN = math.inf, math.nan


def ref_lse(values) -> float:
    """log-sum-exp with mpmath at 40 digits (finite values and -inf only)."""
    finite = [float(v) for v in values if v != -INF]
    if not finite:
        return -INF
    with mp.workdps(40):
        return float(mp.log(mp.fsum(mp.exp(mp.mpf(v)) for v in finite)))


def plain_probs(z):
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max())
    return e / e.sum()


rows = hnp.arrays(np.float64, st.integers(1, 12), elements=st.floats(-30, 30, allow_nan=False))


# --------------------------------------------------------------------------
# top-k
# --------------------------------------------------------------------------
def test_top_k_keeps_the_k_largest():
    out = top_k_filter([0.5, 3.0, -1.0, 2.0, 1.0], 2)
    assert np.array_equal(np.isfinite(out), [False, True, False, True, False])
    assert out[1] == 3.0 and out[3] == 2.0 and np.all(out[[0, 2, 4]] == -INF)


def test_top_k_ties_at_the_cut_are_all_kept():
    out = top_k_filter([3.0, 1.0, 1.0, 0.0, 1.0], 2)
    assert np.count_nonzero(np.isfinite(out)) == 4  # 3 and all three 1s


@pytest.mark.parametrize("k", [5, 6, 100])
def test_top_k_larger_than_the_vocabulary_keeps_everything(k):
    z = np.array([1.0, -2.0, 0.5, 3.0, -INF])
    assert np.array_equal(top_k_filter(z, k), z)


def test_top_k_along_axis_0_keeps_dtype_and_leaves_input_alone():
    z = np.array([[1.0, 5.0], [3.0, 4.0], [2.0, 6.0]], dtype=np.float32)
    before = z.copy()
    out = top_k_filter(z, 1, axis=0)
    assert out.dtype == np.float32 and np.array_equal(z, before)
    assert np.array_equal(np.isfinite(out), [[False, False], [True, False], [False, True]])


def test_top_k_nan_row_stays_nan_and_other_rows_are_unaffected():
    out = top_k_filter([[1.0, NAN, 0.0], [1.0, 2.0, 0.0]], 1)
    assert np.isnan(out[0, 1]) and out[0, 0] == 1.0
    assert np.array_equal(out[1], [-INF, 2.0, -INF])


@pytest.mark.parametrize(
    "k,err,fragment",
    [
        (0, ValueError, "at least 1"),
        (-3, ValueError, "at least 1"),
        (1.5, TypeError, "whole number"),
        (True, TypeError, "whole number"),
        ("3", TypeError, "whole number"),
    ],
)
def test_top_k_bad_k(k, err, fragment):
    with pytest.raises(err, match=fragment):
        top_k_filter([1.0, 2.0], k)


def test_top_k_bad_logits():
    with pytest.raises(TypeError):
        top_k_filter(["a", "b"], 1)
    with pytest.raises(ValueError, match="at least one axis"):
        top_k_filter(3.0, 1)


@settings(max_examples=60, deadline=None)
@given(rows, st.integers(1, 15))
def test_top_k_properties(z, k):
    out = top_k_filter(z, k)
    kept = np.isfinite(out)
    assert kept.sum() >= min(k, len(z))
    assert np.array_equal(out[kept], z[kept])
    if (~kept).any():
        assert z[kept].min() > z[~kept].max()  # everything kept beats everything dropped
    perm = np.random.default_rng(0).permutation(len(z))
    assert np.array_equal(top_k_filter(z[perm], k), out[perm])  # order of the tokens does not matter


# --------------------------------------------------------------------------
# top-p
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "p,n_kept", [(0.3, 1), (0.5, 1), (0.51, 2), (0.7, 2), (0.8, 3), (0.85, 3), (0.9, 4), (0.96, 5), (1.0, 5)]
)
def test_top_p_keeps_the_smallest_set_reaching_p(p, n_kept):
    probs = np.array([0.5, 0.2, 0.15, 0.1, 0.05])
    out = top_p_filter(np.log(probs), p)
    assert np.count_nonzero(np.isfinite(out)) == n_kept
    assert np.all(np.isfinite(out[:n_kept]))


def test_top_p_one_returns_the_logits_unchanged():
    z = np.array([0.0, -50.0, -INF, 3.0])
    assert np.array_equal(top_p_filter(z, 1.0), z)


def test_top_p_tiny_p_keeps_only_the_top():
    assert np.count_nonzero(np.isfinite(top_p_filter([1.0, 2.0, 0.0], 1e-9))) == 1


def test_top_p_ties_at_the_cut_are_all_kept():
    out = top_p_filter(np.log([0.4, 0.3, 0.3]), 0.6)
    assert np.all(np.isfinite(out))


def test_top_p_rounding_in_the_total_cannot_drop_tokens():
    z = np.zeros(10)  # ten tokens of 0.1: the running total ends at 0.9999999999999999
    assert np.all(np.isfinite(top_p_filter(z, 1 - 1e-12)))


def test_top_p_depends_on_temperature_applied_before():
    z = np.array([2.0, 1.0, 0.5, 0.0])
    cold = np.count_nonzero(np.isfinite(top_p_filter(z / 0.5, 0.9)))
    hot = np.count_nonzero(np.isfinite(top_p_filter(z / 3.0, 0.9)))
    assert cold < hot


def test_top_p_rows_with_nan_or_only_minus_inf_are_unchanged():
    z = np.array([[1.0, NAN], [-INF, -INF], [0.0, 5.0]])
    out = top_p_filter(z, 0.5)
    assert np.isnan(out[0, 1]) and out[0, 0] == 1.0
    assert np.all(out[1] == -INF)
    assert np.array_equal(out[2], [-INF, 5.0])


@pytest.mark.parametrize(
    "p,err",
    [
        (0.0, ValueError),
        (-0.1, ValueError),
        (1.5, ValueError),
        (NAN, ValueError),
        ("0.9", TypeError),
        (None, TypeError),
        (True, TypeError),
    ],
)
def test_top_p_bad_p(p, err):
    with pytest.raises(err, match="p must be"):
        top_p_filter([1.0, 2.0], p)


@settings(max_examples=60, deadline=None)
@given(rows, st.floats(0.01, 1.0))
def test_top_p_properties(z, p):
    out = top_p_filter(z, p)
    kept = np.isfinite(out)
    probs = plain_probs(z)
    assert probs[kept].sum() >= p * probs.sum() - 1e-9  # the nucleus reaches p
    if (~kept).any():
        assert probs[kept].min() > probs[~kept].max()  # and it is the top of the distribution
        # minimal: without its least likely members (all of them, ties included) it falls short of p
        smallest = probs[kept] == probs[kept].min()
        assert probs[kept][~smallest].sum() < p * probs.sum() + 1e-9


# --------------------------------------------------------------------------
# decoding_distribution
# --------------------------------------------------------------------------
def test_temperature_zero_is_greedy_and_ties_go_to_the_first():
    assert np.array_equal(decoding_distribution([1.0, 3.0, 2.0], temperature=0), [0, 1, 0])
    assert np.array_equal(decoding_distribution([3.0, 1.0, 3.0], temperature=0), [1, 0, 0])
    batch = decoding_distribution([[1.0, 0.0], [0.0, 1.0]], temperature=0)
    assert np.array_equal(batch, np.eye(2))


def test_temperature_zero_with_nan_or_only_minus_inf_rows_gives_nan_rows():
    out = decoding_distribution([[1.0, NAN], [-INF, -INF], [0.0, 2.0]], temperature=0)
    assert np.all(np.isnan(out[0])) and np.all(np.isnan(out[1]))
    assert np.array_equal(out[2], [0.0, 1.0])


def test_small_temperature_approaches_greedy():
    z = [0.3, 1.2, -0.5]
    assert np.allclose(decoding_distribution(z, temperature=1e-3), decoding_distribution(z, temperature=0))


def test_infinite_temperature_is_uniform_over_allowed_tokens():
    out = decoding_distribution([5.0, -INF, 0.0, 1.0], temperature=INF)
    assert np.allclose(out, [1 / 3, 0, 1 / 3, 1 / 3])


def test_truncation_then_renormalisation_matches_plain_numpy():
    z = np.array([2.0, 1.0, 0.1, -1.0])
    T = 0.7
    p = plain_probs(z / T)
    keep = np.array([True, True, False, False])  # top-k = 2
    want = np.where(keep, p, 0) / p[keep].sum()
    assert np.allclose(decoding_distribution(z, temperature=T, top_k=2), want)
    p_nucleus = decoding_distribution(z, temperature=T, top_k=3, top_p=0.8)
    expected_keep = np.cumsum(np.sort(p[:3] / p[:3].sum())[::-1]) < 0.8
    assert np.count_nonzero(p_nucleus) == expected_keep.sum() + 1
    assert math.isclose(p_nucleus.sum(), 1.0)


def test_decoding_distribution_along_axis_0():
    z = np.array([[1.0, 0.0], [3.0, 2.0], [2.0, 5.0]])
    out = decoding_distribution(z, top_k=1, axis=0)
    assert np.array_equal(out, [[0, 0], [1, 0], [0, 1]])


@pytest.mark.parametrize("T,err", [(-1.0, ValueError), (NAN, ValueError), ("1", TypeError), (None, TypeError)])
def test_decoding_distribution_bad_temperature(T, err):
    with pytest.raises(err, match="temperature must be"):
        decoding_distribution([1.0, 2.0], temperature=T)


@settings(max_examples=60, deadline=None)
@given(rows, st.floats(0.05, 10.0), st.integers(1, 15), st.floats(0.05, 1.0))
def test_decoding_distribution_is_a_distribution_on_the_kept_tokens(z, T, k, p):
    out = decoding_distribution(z, temperature=T, top_k=k, top_p=p)
    assert math.isclose(out.sum(), 1.0, rel_tol=1e-9)
    assert np.all(out >= 0)
    assert out[np.argmax(z)] > 0  # the most likely token always survives
    kth = np.sort(z)[::-1][min(k, len(z)) - 1]
    assert np.all(z[out > 0] >= kth)  # nothing outside the top k (ties at the cut included)


# --------------------------------------------------------------------------
# sample
# --------------------------------------------------------------------------
def test_sample_is_reproducible_and_an_int_seed_is_a_fresh_generator():
    z = [1.0, 0.5, 0.0, -1.0]
    a = [sample(z, np.random.default_rng(3)) for _ in range(5)]
    assert len(set(a)) == 1  # a fresh generator with the same seed: the same draw
    rng = np.random.default_rng(3)
    draws = [sample(z, rng) for _ in range(50)]
    rng = np.random.default_rng(3)
    assert draws == [sample(z, rng) for _ in range(50)]
    assert sample(z, 3) == sample(z, np.random.default_rng(3))


def test_sample_is_inverse_cdf_with_one_uniform_per_row():
    z = np.array([1.0, 0.5, 0.0, -1.0])
    p = plain_probs(z)
    u = np.random.default_rng(7).random(200)
    want = np.searchsorted(np.cumsum(p), u * p.sum(), side="right")
    rng = np.random.default_rng(7)
    assert np.array_equal([sample(z, rng) for _ in range(200)], want)


def test_sample_frequencies_follow_the_distribution():
    z = np.array([1.0, 0.5, 0.0, -1.0])
    draws = sample(np.tile(z, (40000, 1)), np.random.default_rng(0), temperature=1.5)
    freq = np.bincount(draws, minlength=4) / 40000
    p = plain_probs(z / 1.5)
    assert np.all(np.abs(freq - p) < 4 * np.sqrt(p * (1 - p) / 40000))


def test_sample_never_draws_a_truncated_or_masked_token():
    z = np.array([2.0, -INF, 1.9, 0.0, 1.0])
    draws = sample(np.tile(z, (5000, 1)), 0, top_k=3)
    assert set(np.unique(draws)) == {0, 2, 4}


def test_greedy_sampling_uses_no_random_number():
    rng = np.random.default_rng(0)
    before = rng.bit_generator.state
    assert sample([0.0, 5.0, 1.0], rng, temperature=0) == 1
    assert rng.bit_generator.state == before


def test_sample_batch_shape():
    out = sample(np.zeros((2, 3, 4)), 0)
    assert out.shape == (2, 3) and out.dtype.kind == "i" and np.all((0 <= out) & (out < 4))


@pytest.mark.parametrize("rng", [None, 1.5, "0", True])
def test_sample_bad_rng(rng):
    with pytest.raises(TypeError, match="default_rng"):
        sample([1.0, 2.0], rng)


@pytest.mark.parametrize(
    "z,fragment",
    [
        ([1.0, NAN], "NaN or are all -inf"),
        ([-INF, -INF], "NaN or are all -inf"),
        (np.zeros(0), "empty row"),
        (2.0, "at least one axis"),
    ],
)
def test_sample_rows_with_nothing_to_draw(z, fragment):
    with pytest.raises(ValueError, match=fragment):
        sample(z, 0)


# --------------------------------------------------------------------------
# perplexity
# --------------------------------------------------------------------------
def test_perplexity_of_uniform_is_the_number_of_tokens():
    assert math.isclose(perplexity(np.zeros((7, 5)), [0, 1, 2, 3, 4, 0, 1]), 5.0)


def test_perplexity_matches_plain_numpy_at_several_temperatures():
    rng = np.random.default_rng(1)
    z = rng.normal(0, 2, size=(300, 6))
    y = rng.integers(0, 6, size=300)
    for T in (0.5, 1.0, 2.0):
        logp = np.log(np.array([plain_probs(row / T) for row in z]))
        want = math.exp(-logp[np.arange(300), y].mean())
        assert math.isclose(perplexity(z, y, temperature=T), want, rel_tol=1e-12)


def test_perplexity_even_split_over_m_tokens_is_m():
    z = np.full((4, 6), -INF)
    z[:, :3] = 0.0  # every row spreads evenly over 3 tokens, and the answer is one of them
    assert math.isclose(perplexity(z, [0, 1, 2, 0]), 3.0)


def test_perplexity_errors():
    with pytest.raises(ValueError, match="temperature > 0"):
        perplexity(np.zeros((2, 2)), [0, 1], temperature=0)
    with pytest.raises(ValueError, match="2-D"):
        perplexity(np.zeros(3), [0])


# --------------------------------------------------------------------------
# online log-sum-exp
# --------------------------------------------------------------------------
HOSTILE = {
    "ordinary": [[1.0, 2.0, 3.0], [0.5, 4.0]],
    "growing max": [[1.0], [10.0], [100.0], [1000.0]],
    "starts with -inf": [[-INF, -INF], [1.0, 2.0]],
    "-inf chunk in the middle": [[1.0, 2.0], [-INF, -INF], [0.0]],
    "empty chunk": [[1.0, 2.0], [], [3.0]],
    "huge and tiny": [[1e300, -1e300], [1e300]],
    "shrinking": [[700.0], [0.0], [-700.0]],
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_online_logsumexp_matches_mpmath(name):
    chunks = HOSTILE[name]
    flat = [v for c in chunks for v in c]
    got = float(online_logsumexp(chunks))
    assert math.isclose(got, ref_lse(flat), rel_tol=1e-14, abs_tol=1e-14)


def test_online_logsumexp_of_only_minus_inf_and_of_nothing():
    assert online_logsumexp([[-INF], [-INF, -INF]]) == -INF
    assert online_logsumexp([]) == -INF
    assert online_logsumexp([[], []]) == -INF


def test_online_logsumexp_nan_is_sticky_and_inf_wins():
    assert np.isnan(online_logsumexp([[1.0, NAN], [2.0], [1000.0]]))
    assert np.isnan(online_logsumexp([[INF], [NAN]]))
    assert online_logsumexp([[1.0], [INF], [5.0]]) == INF
    assert logsumexp([1.0, INF, 5.0]) == INF  # the same as softmax_lib's rule


def test_online_logsumexp_float32_near_overflow_keeps_float32():
    chunks = [np.float32([88.0, 88.5]), np.float32([89.0, 80.0]), np.float32([89.5])]
    got = online_logsumexp(chunks)
    assert got.dtype == np.float32
    assert math.isclose(float(got), ref_lse([88.0, 88.5, 89.0, 80.0, 89.5]), rel_tol=1e-6)
    with np.errstate(over="ignore"):
        assert np.isinf(np.log(np.sum(np.exp(np.concatenate(chunks)))))  # the naive way overflows


def test_online_logsumexp_reads_a_generator_once():
    seen = []

    def stream():
        for i in range(5):
            seen.append(i)
            yield np.arange(i, i + 3, dtype=float)

    got = float(online_logsumexp(stream()))
    assert seen == [0, 1, 2, 3, 4]
    assert math.isclose(got, ref_lse([v for i in range(5) for v in range(i, i + 3)]), rel_tol=1e-14)


def test_online_state_rescales_when_the_max_grows():
    acc = OnlineLogSumExp().update([5.0]).update([3.0])
    assert acc.max == 5.0 and math.isclose(acc.total, 1 + math.exp(-2))
    acc.update([7.0])
    assert acc.max == 7.0 and math.isclose(acc.total, (1 + math.exp(-2)) * math.exp(-2) + 1)
    assert acc.count == 3 and "max=7.0" in repr(acc)


def test_online_bad_chunk():
    with pytest.raises(TypeError):
        OnlineLogSumExp().update(["a"])


@settings(max_examples=80, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 40), elements=st.floats(-1e4, 1e4, allow_nan=False)),
    st.lists(st.integers(0, 40), max_size=6),
)
def test_any_chunking_gives_logsumexp(values, cuts):
    chunks = np.split(values, sorted(c for c in cuts if c <= len(values)))
    assert math.isclose(float(online_logsumexp(chunks)), float(logsumexp(values)), rel_tol=1e-12, abs_tol=1e-12)


# --------------------------------------------------------------------------
# online softmax
# --------------------------------------------------------------------------
def test_online_softmax_matches_softmax():
    chunks = [[2.0, -INF], [1.0], [0.1, 1000.0]]
    assert np.allclose(online_softmax(chunks), softmax(np.concatenate(chunks)), rtol=1e-12, atol=0)


@pytest.mark.parametrize("chunks", [[[-INF], [-INF]], [[1.0, INF], [INF, 0.0]], [[1.0], [NAN]]])
def test_online_softmax_follows_softmax_rules_for_non_finite_streams(chunks):
    want = softmax(np.concatenate([np.asarray(c, dtype=float) for c in chunks]))
    assert np.allclose(online_softmax(chunks), want, equal_nan=True)


def test_online_softmax_needs_a_chunk():
    with pytest.raises(ValueError, match="at least one chunk"):
        online_softmax([])


# --------------------------------------------------------------------------
# issue 16: results that were silently wrong (each test failed before its fix)
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "z,T,want",
    [
        ([1.7e308, 1e308], 0.5, [1.0, 0.0]),  # z / T overflows to [inf, inf]: was [0.5, 0.5]
        ([1.0, 2.0], 1e-310, [0.0, 1.0]),  # z / T overflows to [inf, inf]: was [0.5, 0.5]
        ([-1e308, 1e308], 1e-300, [0.0, 1.0]),
    ],
)
def test_decoding_distribution_shifts_by_the_max_before_dividing_by_T(z, T, want):
    assert np.array_equal(decoding_distribution(z, temperature=T), want)  # and no overflow warning
    assert np.array_equal(decoding_distribution(z, temperature=T, top_k=2, top_p=0.9), want)


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 8), elements=st.floats(-1e308, 1e308, allow_nan=False)),
    st.floats(1e-310, 1e300, allow_nan=False),
)
def test_decoding_distribution_without_truncation_is_core_softmax_at_that_temperature(z, T):
    np.testing.assert_array_equal(decoding_distribution(z, temperature=T), softmax(z, temperature=T))


def test_sample_at_a_tiny_temperature_draws_the_most_likely_token():
    # at T = 1e-310 the distribution is [0, 1]: token 1 every time (was token 0 for 3 of 8 seeds)
    assert [sample([1.0, 2.0], seed, temperature=1e-310) for seed in range(8)] == [1] * 8
    assert [sample([1.7e308, 1e308], seed, temperature=0.5) for seed in range(8)] == [0] * 8


def test_perplexity_shifts_by_the_max_before_dividing_by_T():
    assert perplexity([[1.7e308, 1e308]], [0], temperature=0.5) == 1.0  # was 2.0
    assert perplexity([[1.0, 2.0]], [1], temperature=1e-310) == 1.0  # was 2.0
    assert perplexity([[1.0, 2.0]], [0], temperature=1e-310) == INF  # the true token had probability 0


def test_perplexity_is_exp_of_the_tempered_cross_entropy():
    rng = np.random.default_rng(2)
    z = rng.normal(0, 3, size=(50, 7)) + rng.normal(0, 1e6, size=(50, 1))  # big per-row offsets
    y = rng.integers(0, 7, 50)
    for T in (0.3, 1.0, 4.0):
        want = math.exp(-log_softmax(z, temperature=T)[np.arange(50), y].mean())
        assert math.isclose(perplexity(z, y, temperature=T), want, rel_tol=1e-12)


def test_greedy_decoding_needs_memory_in_proportion_to_the_vocabulary():
    # np.eye(V)[argmax] asked for V * V floats: 18.8 GiB for GPT-2's 50,257 tokens
    import tracemalloc

    V = 50_257
    z = np.zeros(V)
    z[12_345] = 1.0
    tracemalloc.start()
    try:
        out = decoding_distribution(z, temperature=0)
        pick = sample(z, 0, temperature=0)
        batch = decoding_distribution(np.tile(z, (4, 1)), temperature=0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * V * 8  # a few arrays of V (or 4 V) floats, not V * V
    assert out[12_345] == 1.0 and out.sum() == 1.0 and pick == 12_345
    assert np.array_equal(batch.argmax(axis=1), [12_345] * 4) and np.all(batch.sum(axis=1) == 1.0)


def test_greedy_decoding_keeps_the_dtype_rules_and_axis():
    z = np.array([[1.0, 5.0], [3.0, 4.0], [2.0, 6.0]], dtype=np.float32)
    out = decoding_distribution(z, temperature=0, axis=0)
    assert out.dtype == np.float32
    assert np.array_equal(out, [[0, 0], [1, 0], [0, 1]])
    assert decoding_distribution(np.zeros((0, 3)), temperature=0).shape == (0, 3)
    assert decoding_distribution(np.zeros((2, 0)), temperature=0).shape == (2, 0)


@pytest.mark.parametrize(
    "chunks,want",
    [
        ([[1e16] * 3], [1 / 3] * 3),  # summed to 0.41
        ([[1e16], [1e16, 1e16 + 2]], None),
        ([np.float32([1e8, 1e8])], [0.5, 0.5]),  # was [1, 1]
        ([np.float32([3e38]), np.float32([3e38, -3e38])], [0.5, 0.5, 0.0]),
        ([[1e300, 1e300 * (1 + 2**-52)]], None),
    ],
)
def test_online_softmax_of_large_values_is_a_distribution(chunks, want):
    got = online_softmax(chunks)
    ref = softmax(np.concatenate([np.asarray(c) for c in chunks]))
    assert math.isclose(float(np.sum(got, dtype=np.float64)), 1.0, rel_tol=1e-6)
    np.testing.assert_allclose(got, ref, rtol=1e-6 if got.dtype == np.float32 else 1e-14, atol=0)
    if want is not None:
        np.testing.assert_allclose(got, want, rtol=1e-6)


@settings(max_examples=80, deadline=None)
@given(
    hnp.arrays(np.float64, st.integers(1, 30), elements=st.floats(-1e308, 1e308, allow_nan=False)),
    st.lists(st.integers(0, 30), max_size=5),
)
def test_online_softmax_is_softmax_for_any_finite_values_and_chunking(values, cuts):
    chunks = np.split(values, sorted(c for c in cuts if c <= len(values)))
    np.testing.assert_allclose(online_softmax(chunks), softmax(values), rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("z", [[INF, 0.0, 1.0], [INF, -INF, INF], [INF, NAN, 0.0], [-INF, -INF], [5.0, -INF, 0.0, 1.0]])
def test_infinite_temperature_follows_cores_rules_for_non_finite_logits(z):
    # core: +inf entries share the probability at any temperature; decoding gave uniform
    want = softmax(z, temperature=INF)
    np.testing.assert_array_equal(decoding_distribution(z, temperature=INF), want)
    np.testing.assert_array_equal(decoding_distribution(z, temperature=INF, top_k=3), want)


@pytest.mark.parametrize(
    "kw,err",
    [
        ({"top_k": -3}, ValueError),
        ({"top_k": 0}, ValueError),
        ({"top_k": 1.5}, TypeError),
        ({"top_p": "x"}, TypeError),
        ({"top_p": 0.0}, ValueError),
        ({"top_p": 2}, ValueError),
    ],
)
def test_greedy_decoding_checks_its_arguments_too(kw, err):
    # at T = 0 the truncation changes nothing, but a bad argument is still a mistake to report
    with pytest.raises(err, match="k must|p must"):
        decoding_distribution([1.0, 2.0], temperature=0, **kw)
    with pytest.raises(err, match="k must|p must"):
        sample([1.0, 2.0], 0, temperature=0, **kw)


@pytest.mark.parametrize(
    "T,fragment",
    [
        (10**400, "beyond the range of a float64"),
        (Fraction(1, 10**400), "closer to 0 than any float64"),
        (np.longdouble("1e400") if np.finfo(np.longdouble).max > 1e400 else 10**401, "beyond the range of a float64"),
    ],
    ids=["10**400", "Fraction(1, 10**400)", "longdouble 1e400"],
)
def test_a_temperature_float64_cannot_hold_is_the_librarys_own_error(T, fragment):
    # 10**400 raised OverflowError from float()
    for call in (
        lambda: decoding_distribution([1.0, 2.0], temperature=T),
        lambda: sample([1.0, 2.0], 0, temperature=T),
        lambda: perplexity([[1.0, 2.0]], [0], temperature=T),
    ):
        with pytest.raises(ValueError, match=fragment):
            call()


def test_top_p_of_a_huge_integer_is_a_value_error():
    with pytest.raises(ValueError, match=r"p must be in \(0, 1\]"):
        top_p_filter([1.0, 2.0], 10**400)


def _pcg64_whose_next_random_is(u: float) -> np.random.Generator:
    """A real PCG64 generator whose first ``random()`` is exactly ``u`` (a multiple of 2**-53).

    PCG64 steps its 128-bit LCG state, then outputs rotr(high ^ low, state >> 122);
    random() is (output >> 11) * 2**-53.  Choose the stepped state with high = 0
    (no rotation) and low = the wanted output, and step it back once.
    """
    mult = 0x2360ED051FC65DA44385DF649FCCF645
    out = int(u * 2**53) << 11
    assert out >> 11 == u * 2**53
    bg = np.random.PCG64(0)
    state = bg.state
    inc = state["state"]["inc"]
    state["state"]["state"] = ((out - inc) * pow(mult, -1, 2**128)) % 2**128
    bg.state = state
    gen = np.random.Generator(bg)
    probe = np.random.Generator(np.random.PCG64(0))
    probe.bit_generator.state = bg.state
    assert probe.random() == u
    return gen


def test_a_probability_zero_token_is_never_drawn_at_the_exact_boundaries():
    # u = 0 exactly: the first token has probability 0, so the first *possible* token is drawn
    # (with `total < u` in the inverse-CDF search, token 0 would be drawn)
    assert sample([-INF, 0.0, 0.0], _pcg64_whose_next_random_is(0.0)) == 1
    assert sample([-INF, -INF, 0.0, 0.0], _pcg64_whose_next_random_is(0.0)) == 2
    # u = 0.5 exactly, the cumulative total of token 0: token 1 has probability 0, token 2 is drawn
    assert sample([0.0, -INF, 0.0], _pcg64_whose_next_random_is(0.5)) == 2
    # u = 1 - 2**-53, the largest uniform: these rows' totals are 1 - 2**-52 (below u), and the
    # last token has probability 0; the draw is measured against the row's own total, so the
    # last possible token is drawn
    for z in ([0.0, 1.0, 2.0, -INF], [0.0] * 7 + [-INF]):
        p = decoding_distribution(z)
        assert np.cumsum(p)[-1] < 1 - 2**-53
        assert sample(z, _pcg64_whose_next_random_is(1 - 2**-53)) == len(z) - 2
    # and the same in a batch: one uniform per row
    rows = np.array([[-INF, 0.0, 0.0], [-INF, 0.0, 0.0]])
    assert sample(rows, _pcg64_whose_next_random_is(0.0))[0] == 1


@pytest.mark.parametrize("chunks", [[[-1e308], [1e308]], [[1e308], [-1e308]], [[-1e308, 8e307]]])
def test_online_logsumexp_of_a_spread_beyond_the_float_range_does_not_warn(chunks):
    # x - max overflowed to -inf with an "overflow encountered in subtract" warning
    flat = [v for c in chunks for v in c]
    assert float(online_logsumexp(chunks)) == max(flat)
    np.testing.assert_array_equal(online_softmax(chunks), softmax(flat))
