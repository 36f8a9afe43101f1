"""Property tests (hypothesis) for softmax_lib.core.

Each property is a mathematical identity of softmax and its relatives, checked
on arrays that hypothesis generates (bounded, finite floats).  Tolerances are
written as multiples of the machine epsilon with the reason next to them.

200 examples per property keep the file at a few seconds; for a longer hunt
set SOFTMAX_HYPOTHESIS_EXAMPLES (e.g. 20000).
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from softmax_lib import cross_entropy, log_softmax, logsumexp, sigmoid, softmax

MAX_EXAMPLES = int(os.environ.get("SOFTMAX_HYPOTHESIS_EXAMPLES", "200"))
SETTINGS = settings(max_examples=MAX_EXAMPLES, deadline=None)
EPS = {np.float32: float(np.finfo(np.float32).eps), np.float64: float(np.finfo(np.float64).eps)}


def floats(dtype, bound):
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False, width=32 if dtype == np.float32 else 64)


def logits(dtype=np.float64, bound=1e3, max_dims=2, min_side=1, max_side=12):
    shape = hnp.array_shapes(min_dims=1, max_dims=max_dims, min_side=min_side, max_side=max_side)
    return hnp.arrays(dtype, shape, elements=floats(dtype, bound))


# wide: any finite float64 / float32; moderate: |z| <= 1000
WIDE = {np.float64: float(np.finfo(np.float64).max), np.float32: float(np.finfo(np.float32).max)}


DTYPES = st.sampled_from([np.float64, np.float32])


def axis_for(data, z):
    return data.draw(st.integers(-z.ndim, z.ndim - 1), label="axis")


def moved(a, axis):
    """Rows along *axis* as the last axis, flattened to 2-D."""
    a = np.moveaxis(np.asarray(a), axis, -1)
    return a.reshape(-1, a.shape[-1])


# --------------------------------------------------------------------------
# a probability distribution per row
# --------------------------------------------------------------------------
@SETTINGS
@given(data=st.data(), dtype=DTYPES, wide=st.booleans())
def test_rows_sum_to_one_and_entries_in_unit_interval(data, dtype, wide):
    z = data.draw(logits(dtype, WIDE[dtype] if wide else 1e3, max_dims=3), label="z")
    axis = axis_for(data, z)
    t = data.draw(st.sampled_from([1.0, 0.3, 4.0]), label="T")
    p = softmax(z, axis=axis, temperature=t)
    assert p.dtype == dtype and p.shape == z.shape
    assert np.all((p >= 0) & (p <= 1))
    rows = moved(p, axis).astype(np.float64)
    n = rows.shape[-1]
    for r in rows:
        # sum_i e_i * fl(1/fl(sum e)): about n/2 roundings of eps/2 each, plus
        # the reciprocal; fsum adds no error of its own.
        assert abs(math.fsum(r) - 1.0) <= (n + 2) * EPS[dtype]
    # the largest logit gets the largest probability
    np.testing.assert_array_equal(
        np.take_along_axis(moved(p, axis), np.argmax(moved(z, axis), axis=-1)[:, None], axis=-1)[:, 0],
        moved(p, axis).max(axis=-1),
    )


@SETTINGS
@given(data=st.data(), dtype=DTYPES)
def test_log_softmax_is_non_positive_and_logsumexp_is_between_max_and_max_plus_log_n(data, dtype):
    z = data.draw(logits(dtype, WIDE[dtype]), label="z")
    axis = axis_for(data, z)
    lp = log_softmax(z, axis=axis)
    assert lp.dtype == dtype and np.all(lp <= 0)
    lse = logsumexp(z, axis=axis)
    m = np.max(z, axis=axis)
    n = z.shape[axis]
    assert np.all(lse >= m)  # m + log1p(rest), rest >= 0
    # log1p(rest) <= log(n); m + log1p(rest) rounds once more (and log1p and
    # the sum carry a few eps of log n)
    excess = lse.astype(np.float64) - m.astype(np.float64)
    slack = 2 * EPS[dtype] * np.abs(lse.astype(np.float64)) + 4 * EPS[dtype] * math.log(n)
    assert np.all(excess <= math.log(n) + slack)


# --------------------------------------------------------------------------
# invariances
# --------------------------------------------------------------------------
@SETTINGS
@given(z=logits(np.float64, 100.0), c=floats(np.float64, 100.0))
def test_shift_invariance(z, c):
    # z + c rounds each logit by <= ulp(200)/2, and softmax turns an error
    # delta in a logit difference d into a relative error delta (plus |d| eps
    # from its own z - max); with |d| <= 400 the total stays below ~2e-13.
    np.testing.assert_allclose(softmax(z + c), softmax(z), rtol=1e-12, atol=0)
    np.testing.assert_allclose(log_softmax(z + c), log_softmax(z), rtol=0, atol=1e-12)
    np.testing.assert_allclose(logsumexp(z + c), logsumexp(z) + c, rtol=0, atol=1e-12)


@SETTINGS
@given(data=st.data(), dtype=DTYPES, bound=st.sampled_from([10.0, 1e3, "wide"]))
def test_order_is_preserved(data, dtype, bound):
    b = WIDE[dtype] if bound == "wide" else bound
    z = data.draw(hnp.arrays(dtype, st.integers(1, 30), elements=floats(dtype, b)), label="z")
    for f in (softmax, log_softmax):
        out = f(z)
        order = np.argsort(z, kind="stable")
        assert np.all(out[order][1:] >= out[order][:-1]), f  # z_i < z_j  =>  p_i <= p_j
        # equal logits give bit-identical outputs
        zs, os_ = z[order], out[order]
        assert np.all(os_[1:][zs[1:] == zs[:-1]] == os_[:-1][zs[1:] == zs[:-1]])


# --------------------------------------------------------------------------
# sigmoid is two-class softmax, bit for bit
# --------------------------------------------------------------------------
@settings(max_examples=MAX_EXAMPLES * 3, deadline=None)
@given(z=st.one_of(floats(np.float64, 1e3), floats(np.float64, 1.7e308)))
def test_sigmoid_equals_two_class_softmax_exactly(z):
    s = sigmoid(z)
    assert softmax([z, 0.0])[0] == s
    assert softmax([0.0, z])[1] == s
    assert softmax([z, 0.0])[1] == sigmoid(-z)


@SETTINGS
@given(data=st.data(), dtype=DTYPES)
def test_sigmoid_equals_two_class_softmax_exactly_on_arrays(data, dtype):
    z = data.draw(hnp.arrays(dtype, st.integers(1, 50), elements=floats(dtype, 1e3)), label="z")
    pairs = np.stack([z, np.zeros_like(z)], axis=-1)
    np.testing.assert_array_equal(softmax(pairs)[:, 0], sigmoid(z))  # fast path
    np.testing.assert_array_equal(softmax(pairs.T, axis=0)[0], sigmoid(z))  # general path


# --------------------------------------------------------------------------
# log domain
# --------------------------------------------------------------------------
@SETTINGS
@given(data=st.data())
def test_exp_of_log_softmax_is_softmax(data):
    z = data.draw(logits(np.float64, 1e3, max_dims=3), label="z")
    axis = axis_for(data, z)
    # both sides carry a relative error of about |z_i - max| * eps <= 2000 eps;
    # atol covers results that are subnormal (< 2.3e-308) on either side.
    np.testing.assert_allclose(np.exp(log_softmax(z, axis=axis)), softmax(z, axis=axis), rtol=1e-12, atol=1e-300)


@SETTINGS
@given(data=st.data())
def test_log_softmax_is_z_minus_logsumexp(data):
    z = data.draw(logits(np.float64, 1e3, max_dims=3), label="z")
    axis = axis_for(data, z)
    lse = logsumexp(z, axis=axis, keepdims=True)
    lp = log_softmax(z, axis=axis)
    # z - lse cancels when z_i is the max: compare in absolute terms, a few ulp
    # of the larger of |z| and |lse| in that row.
    scale = np.maximum(np.max(np.abs(z), axis=axis, keepdims=True), np.abs(lse)) + 1.0
    assert np.all(np.abs(lp - (z - lse)) <= 4 * EPS[np.float64] * scale)
    assert lse.shape == tuple(1 if i == axis % z.ndim else s for i, s in enumerate(z.shape))


# --------------------------------------------------------------------------
# temperature limits
# --------------------------------------------------------------------------
@SETTINGS
@given(data=st.data(), dtype=DTYPES)
def test_tiny_temperature_is_one_hot_at_argmax(data, dtype):
    z = data.draw(hnp.arrays(dtype, st.integers(1, 20), elements=floats(dtype, 1e3)), label="z")
    margin = data.draw(st.floats(1e-2, 10.0), label="margin")
    k = data.draw(st.integers(0, z.size - 1), label="k")
    z = z.copy()
    z[k] = dtype(np.max(z) + margin)  # unique max, ahead by about `margin`
    t = margin / 1000  # every other (z_j - max) / T <= -~1000: e^-1000 is 0
    expected = np.zeros(z.size, dtype)
    expected[k] = 1
    np.testing.assert_array_equal(softmax(z, temperature=t), expected)
    lp = log_softmax(z, temperature=t)
    assert lp[k] == 0 and np.all(np.delete(lp, k) < -500)


@SETTINGS
@given(z=hnp.arrays(np.float64, st.integers(1, 30), elements=floats(np.float64, 1e3)), dtype=DTYPES)
def test_huge_temperature_is_nearly_uniform(z, dtype):
    z = z.astype(dtype)
    n = z.size
    # |z_i - max| / T <= 2e-7: each e^(...) is within 2e-7 of 1
    np.testing.assert_allclose(softmax(z, temperature=1e10), 1.0 / n, rtol=1e-6)
    np.testing.assert_allclose(log_softmax(z, temperature=1e10), -math.log(n), rtol=1e-6, atol=1e-6)
    # T = inf: exactly 1 * fl(1/n)
    np.testing.assert_array_equal(softmax(z, temperature=math.inf), np.full(n, dtype(1) / dtype(n)))


@SETTINGS
@given(z=logits(np.float64, 100.0), t=st.floats(0.05, 20.0))
def test_temperature_is_division_of_the_logits(z, t):
    # z / t rounds each logit (relative eps/2); |z/t| <= 2000
    np.testing.assert_allclose(softmax(z, temperature=t), softmax(z / t), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(log_softmax(z, temperature=t), log_softmax(z / t), rtol=1e-13, atol=1e-12)


# --------------------------------------------------------------------------
# cross-entropy
# --------------------------------------------------------------------------
@SETTINGS
@given(data=st.data())
def test_cross_entropy_of_one_hot_is_minus_log_softmax_at_the_class(data):
    z = data.draw(logits(np.float64, 1e3, max_dims=2, min_side=1), label="z")
    if z.ndim == 1:
        z = z[None, :]
    n = z.shape[-1]
    cls = data.draw(hnp.arrays(np.int64, z.shape[0], elements=st.integers(0, n - 1)), label="cls")
    want = -log_softmax(z)[np.arange(z.shape[0]), cls]
    onehot = np.eye(n)[cls]
    np.testing.assert_allclose(cross_entropy(z, cls, reduction="none"), want, rtol=1e-14, atol=0)
    np.testing.assert_allclose(cross_entropy(z, onehot, reduction="none"), want, rtol=1e-14, atol=0)
    np.testing.assert_allclose(cross_entropy(z, cls), want.mean(), rtol=1e-14)
    np.testing.assert_allclose(cross_entropy(z, onehot, reduction="sum"), want.sum(), rtol=1e-14)
    assert np.all(cross_entropy(z, cls, reduction="none") >= 0)


@SETTINGS
@given(data=st.data())
def test_cross_entropy_of_softmax_target_is_the_entropy_and_a_minimum(data):
    z = data.draw(hnp.arrays(np.float64, st.integers(2, 10), elements=floats(np.float64, 20.0)), label="z")
    p = softmax(z)
    p = p / p.sum()  # sums to 1 within the float tolerance the function allows
    h = float(cross_entropy(z, p))
    entropy = -sum(pi * math.log(pi) for pi in p if pi > 0)
    assert h == pytest.approx(entropy, rel=1e-12, abs=1e-12)
    # Gibbs: any other target row has cross-entropy >= its own entropy, and
    # the one-hot at the argmax has the smallest cross-entropy of all one-hots
    k = int(np.argmax(z))
    losses = cross_entropy(np.tile(z, (z.size, 1)), np.arange(z.size), reduction="none")
    assert losses[k] == losses.min()


# --------------------------------------------------------------------------
# rows are independent
# --------------------------------------------------------------------------
@SETTINGS
@given(
    data=st.data(),
    bad=st.sampled_from([math.nan, math.inf, -math.inf, "all -inf"]),
    t=st.sampled_from([1.0, 0.5, math.inf]),
)
def test_a_bad_row_leaves_the_others_alone(data, bad, t):
    z = data.draw(logits(np.float64, 1e3, max_dims=2, min_side=2), label="z")
    if z.ndim == 1:
        z = np.stack([z, z[::-1]])
    axis = axis_for(data, z)
    rows = np.moveaxis(z, axis, -1).copy()
    i = data.draw(st.integers(0, rows.shape[0] - 1), label="row")
    j = data.draw(st.integers(0, rows.shape[1] - 1), label="entry")
    dirty = rows.copy()
    if bad == "all -inf":
        dirty[i] = -math.inf
    else:
        dirty[i, j] = bad
    keep = np.arange(rows.shape[0]) != i
    for f in (softmax, log_softmax):
        got = np.moveaxis(f(np.moveaxis(dirty, -1, axis), axis=axis, temperature=t), axis, -1)
        want = np.moveaxis(f(np.moveaxis(rows, -1, axis), axis=axis, temperature=t), axis, -1)
        np.testing.assert_array_equal(got[keep], want[keep])
    got = logsumexp(np.moveaxis(dirty, -1, axis), axis=axis)
    want = logsumexp(np.moveaxis(rows, -1, axis), axis=axis)
    np.testing.assert_array_equal(got[keep], want[keep])


# --------------------------------------------------------------------------
# masks and byte order (issue 11)
# --------------------------------------------------------------------------
@SETTINGS
@given(st.data())
def test_a_masked_entry_is_the_same_as_minus_inf(data):
    z = data.draw(logits(np.float64, bound=1e3), label="z")
    mask = data.draw(hnp.arrays(np.bool_, z.shape), label="mask")
    axis = axis_for(data, z)
    t = data.draw(st.sampled_from([1.0, 0.3, 7.0]), label="T")
    filled = np.where(mask, -np.inf, z)
    with np.errstate(all="raise"):  # neither path may warn
        for f in (softmax, log_softmax):
            np.testing.assert_array_equal(
                f(np.ma.array(z, mask=mask), axis=axis, temperature=t), f(filled, axis=axis, temperature=t)
            )
        np.testing.assert_array_equal(logsumexp(np.ma.array(z, mask=mask), axis=axis), logsumexp(filled, axis=axis))


@SETTINGS
@given(st.data())
def test_byte_order_never_changes_a_result(data):
    dtype = data.draw(st.sampled_from([np.float16, np.float32, np.float64]), label="dtype")
    bound = float(np.finfo(dtype).max) if dtype != np.float16 else 6e4
    z = data.draw(
        hnp.arrays(
            dtype,
            hnp.array_shapes(min_dims=1, max_dims=2, max_side=12),
            elements=st.floats(
                -bound, bound, allow_nan=False, allow_infinity=False, width=np.dtype(dtype).itemsize * 8
            ),
        ),
        label="z",
    )
    swapped = z.astype(z.dtype.newbyteorder(">" if z.dtype.byteorder in "=<" else "<"))
    for f in (softmax, log_softmax, logsumexp):
        got, want = f(swapped), f(z)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
