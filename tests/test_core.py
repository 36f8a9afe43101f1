"""Unit tests for softmax_lib.core on worked examples and on every documented rule.

Expected values are computed independently of softmax_lib: with mpmath at
40 significant digits (``ref_*`` below) or from closed forms written out in
the test.  The rules tested are the ones in the module docstring of
``softmax_lib/core.py``: dtypes, independent rows, no warnings on finite
input, the non-finite table, temperature, and the errors.
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
import warnings
from contextlib import contextmanager
from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest

from softmax_lib import (
    binary_cross_entropy,
    cross_entropy,
    log_sigmoid,
    log_softmax,
    logsumexp,
    naive_softmax,
    sigmoid,
    softmax,
    softplus,
    tempered_logits,
)

INF = math.inf
NAN = math.nan
EPS64 = np.finfo(np.float64).eps


# --------------------------------------------------------------------------
# independent references (mpmath, 40 digits) and helpers
# --------------------------------------------------------------------------
def _mp_parts(row):
    """(z as mpf, index of the max, rest = sum of e^(z_j - m) over j != k)."""
    zs = [mp.mpf(float(v)) for v in row]
    k = max(range(len(zs)), key=lambda i: zs[i])
    rest = mp.fsum(mp.exp(v - zs[k]) for i, v in enumerate(zs) if i != k)
    return zs, k, rest


def ref_softmax(row):
    with mp.workdps(40):
        zs, k, rest = _mp_parts(row)
        return np.array([float(mp.exp(v - zs[k]) / (1 + rest)) for v in zs])


def ref_log_softmax(row):
    with mp.workdps(40):
        zs, k, rest = _mp_parts(row)
        return np.array([float((v - zs[k]) - mp.log1p(rest)) for v in zs])


def ref_logsumexp(row):
    with mp.workdps(40):
        zs, k, rest = _mp_parts(row)
        return float(zs[k] + mp.log1p(rest))


def ref_sigmoid(z):
    with mp.workdps(40):
        return float(1 / (1 + mp.exp(-mp.mpf(float(z)))))


@contextmanager
def no_warnings():
    """Fail on any warning inside the block (pytest.ini does too; be explicit)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def rows_of(a, axis):
    """The 1-D rows of *a* along *axis*, as a 2-D array (rows first)."""
    a = np.moveaxis(np.asarray(a), axis, -1)
    return a.reshape(-1, a.shape[-1])


WORKED = [
    [2.0, 1.0, 0.1],
    [4.8, 1.21, 2.385],
    [0.25, 1.23, -0.8],
    [1.5, 0.8, -0.2],
]


# --------------------------------------------------------------------------
# worked examples
# --------------------------------------------------------------------------
def test_softmax_textbook_example():
    # The classic example, expected digits written out by hand.
    np.testing.assert_allclose(softmax([2.0, 1.0, 0.1]), [0.65900114, 0.24243297, 0.09856589], rtol=0, atol=5e-9)


@pytest.mark.parametrize("row", WORKED)
def test_softmax_worked_examples(row):
    out = softmax(row)
    assert out.dtype == np.float64 and out.shape == (3,)
    np.testing.assert_allclose(out, ref_softmax(row), rtol=4 * EPS64, atol=0)
    # and by the closed form e^z_i / sum_j e^z_j (no overflow at these sizes)
    e = [math.exp(v) for v in row]
    np.testing.assert_allclose(out, [v / math.fsum(e) for v in e], rtol=1e-15, atol=0)


@pytest.mark.parametrize("row", WORKED)
def test_log_softmax_and_logsumexp_worked_examples(row):
    np.testing.assert_allclose(log_softmax(row), ref_log_softmax(row), rtol=4 * EPS64, atol=0)
    lse = logsumexp(row)
    assert np.ndim(lse) == 0
    np.testing.assert_allclose(lse, ref_logsumexp(row), rtol=4 * EPS64, atol=0)
    np.testing.assert_allclose(lse, math.log(math.fsum(math.exp(v) for v in row)), rtol=1e-15)


def test_two_class_closed_form():
    # softmax([a, b]) = [1 / (1 + e^(b - a)), 1 / (1 + e^(a - b))]
    a, b = 0.3, -1.7
    np.testing.assert_allclose(softmax([a, b]), [1 / (1 + math.exp(b - a)), 1 / (1 + math.exp(a - b))], rtol=1e-15)


def test_softmax_of_logs_is_normalised_weights():
    w = [1.0, 2.0, 3.0, 4.0]
    np.testing.assert_allclose(softmax(np.log(w)), np.array(w) / 10.0, rtol=1e-15)


def test_single_entry_row_is_one():
    assert softmax([123.0]).tolist() == [1.0]
    assert log_softmax([-5.0]).tolist() == [0.0]
    assert float(logsumexp([-5.0])) == -5.0


def test_large_logits_worked_example():
    with no_warnings():
        out = softmax([1000, 999, 0])
    e1 = math.exp(-1.0)
    np.testing.assert_allclose(out[:2], [1 / (1 + e1), e1 / (1 + e1)], rtol=1e-15)
    assert out[2] == 0.0  # e^-1000 underflows: the exact value rounds to 0
    assert float(logsumexp([1000.0, 1000.0])) == 1000.0 + math.log(2.0)


def test_input_is_not_modified():
    x = np.array([[3.0, 1.0, -2.0], [0.5, 0.5, 9.0]])
    before = x.copy()
    for f in (softmax, log_softmax, logsumexp):
        f(x)
        f(x, axis=0)
    softmax(x, temperature=0.5)
    sigmoid(x)
    cross_entropy(x, [0, 2])
    np.testing.assert_array_equal(x, before)


# --------------------------------------------------------------------------
# dtype rules
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "z",
    [
        [1, 2, 3],
        (1, 2, 3),
        [1.0, 2.0, 3.0],
        np.array([1, 2, 3], dtype=np.int8),
        np.array([1, 2, 3], dtype=np.int64),
        np.array([1, 2, 3], dtype=np.uint16),
        [True, False, True],
        np.array([Fraction(1, 2), 2, 3.5], dtype=object),
    ],
    ids=["list-int", "tuple", "list-float", "int8", "int64", "uint16", "bool", "object-numbers"],
)
def test_lists_ints_bools_become_float64(z):
    as_float = np.array([float(v) for v in np.asarray(z, dtype=object)])
    for f in (softmax, log_softmax, sigmoid):
        out = f(z)
        assert out.dtype == np.float64, f
        np.testing.assert_allclose(out, f(as_float), rtol=0, atol=0)
    assert np.asarray(logsumexp(z)).dtype == np.float64


@pytest.mark.parametrize(
    "z",
    [np.array([127, -128], dtype=np.int8), np.array([-128, 127], dtype=np.int8)],
    ids=["127,-128", "-128,127"],
)
def test_int8_cast_happens_before_subtraction(z):
    # In int8, -128 - 127 wraps to +1, which would make the small entry win.
    zf = z.astype(np.float64)
    out = softmax(z)
    np.testing.assert_allclose(out, ref_softmax(zf), rtol=4 * EPS64)
    big = int(np.argmax(zf))
    assert out[big] == 1.0 and 0 < out[1 - big] < 1e-110  # e^-255 = 1.8e-111
    np.testing.assert_allclose(log_softmax(z), ref_log_softmax(zf), rtol=4 * EPS64)
    np.testing.assert_allclose(logsumexp(z), ref_logsumexp(zf), rtol=4 * EPS64)


def test_uint8_does_not_wrap():
    z = np.array([0, 255], dtype=np.uint8)  # 0 - 255 wraps to 1 in uint8
    np.testing.assert_allclose(softmax(z), ref_softmax([0.0, 255.0]), rtol=4 * EPS64)
    np.testing.assert_allclose(log_softmax(z), [-255.0, 0.0], rtol=4 * EPS64, atol=1e-100)
    # int8 sums would wrap too: 127 + log 2, not a wrapped number
    assert float(logsumexp(np.array([127, 127], dtype=np.int8))) == pytest.approx(127 + math.log(2), rel=1e-15)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_dtype_is_kept(dtype):
    z = np.array([[2.0, 1.0, 0.1], [0.0, -1.0, 3.0]], dtype=dtype)
    for kw in ({}, {"axis": 0}, {"temperature": 0.7}):
        assert softmax(z, **kw).dtype == dtype
        assert log_softmax(z, **kw).dtype == dtype
    assert logsumexp(z).dtype == dtype
    assert logsumexp(z[0]).dtype == dtype  # 0-d result keeps the dtype too
    assert sigmoid(z).dtype == dtype
    assert np.asarray(sigmoid(dtype(0.5))).dtype == dtype
    tol = {np.float16: 2e-3, np.float32: 1e-6, np.float64: 1e-15}[dtype]
    ref = np.array([ref_softmax(r) for r in z.astype(np.float64)])
    np.testing.assert_allclose(softmax(z).astype(np.float64), ref, rtol=tol)


def test_float16_long_row_does_not_lose_its_probabilities():
    # In float16 itself the sum of 65,536 ones overflows (largest float16: 65504) and every p would be 0.
    with np.errstate(over="ignore"):
        assert np.isinf(np.ones(65536, np.float16).sum(dtype=np.float16))
    out = softmax(np.zeros(65536, np.float16))
    assert out.dtype == np.float16
    # 1/65536 = 2**-16 is a float16 subnormal: representable, so exact.
    assert np.all(out == np.float16(2.0**-16))
    assert out.astype(np.float64).sum() == 1.0
    lp = log_softmax(np.zeros(65536, np.float16))
    assert lp.dtype == np.float16
    np.testing.assert_allclose(lp.astype(np.float64), -16 * math.log(2), rtol=1e-3)
    assert float(logsumexp(np.zeros(65536, np.float16))) == pytest.approx(16 * math.log(2), rel=1e-3)


def test_float16_rows_are_accurate():
    z = np.array([8.0, 0.0, -4.0, 1.5], dtype=np.float16)
    out = softmax(z)
    ref = ref_softmax(z.astype(np.float64))
    # computed in float32, rounded once to float16: within one float16 ulp
    assert np.all(np.abs(out.astype(np.float64) - ref) <= np.spacing(ref.astype(np.float16)).astype(np.float64))


# --------------------------------------------------------------------------
# rows are independent, along any axis and for any memory layout
# --------------------------------------------------------------------------
def _check_rows(out, z, axis, ref=ref_softmax):
    got = rows_of(out, axis)
    for zr, gr in zip(rows_of(z, axis), got):
        np.testing.assert_allclose(gr, ref(zr), rtol=1e-14, atol=1e-300)


def test_axis_last_and_axis_0():
    z = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, -50.0]])
    _check_rows(softmax(z), z, -1)
    _check_rows(softmax(z, axis=1), z, 1)
    _check_rows(softmax(z, axis=0), z, 0)
    _check_rows(softmax(z, axis=-2), z, 0)
    np.testing.assert_allclose(softmax(z, axis=0).sum(axis=0), 1.0, rtol=1e-15)
    _check_rows(log_softmax(z, axis=0), z, 0, ref=ref_log_softmax)
    np.testing.assert_allclose(logsumexp(z, axis=0), [ref_logsumexp(c) for c in z.T], rtol=1e-15)


@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2, -3])
def test_three_d_arrays_any_axis(axis):
    z = np.random.default_rng(1).normal(scale=5.0, size=(3, 4, 5))
    _check_rows(softmax(z, axis=axis), z, axis)
    _check_rows(log_softmax(z, axis=axis), z, axis, ref=ref_log_softmax)
    _check_rows(softmax(z, axis=axis, temperature=3.0), z / 3.0, axis)
    lse = logsumexp(z, axis=axis)
    expected = np.array([ref_logsumexp(r) for r in rows_of(z, axis)])
    np.testing.assert_allclose(lse.ravel(), expected, rtol=1e-14)
    assert lse.shape == tuple(s for i, s in enumerate(z.shape) if i != axis % 3)


@pytest.mark.parametrize(
    "make",
    [
        lambda a: a.T,  # transposed view
        lambda a: a[:, ::2],  # strided columns
        lambda a: a[::-1, ::-1],  # negative strides
        lambda a: np.asfortranarray(a),
        lambda a: a[1:, 1:-1],  # offset slice
    ],
    ids=["transpose", "step2", "reversed", "fortran", "slice"],
)
def test_non_contiguous_inputs(make):
    base = np.random.default_rng(2).normal(scale=3.0, size=(6, 8))
    view = make(base)
    copy = np.ascontiguousarray(view)
    for axis in (-1, 0):
        for f in (softmax, log_softmax, logsumexp):
            np.testing.assert_allclose(f(view, axis=axis), f(copy, axis=axis), rtol=1e-15, atol=0)
        _check_rows(softmax(view, axis=axis), copy, axis)


def test_broadcast_view_input():
    row = np.array([0.5, -1.0, 2.0])
    z = np.broadcast_to(row, (4, 3))
    out = softmax(z)
    for r in out:
        np.testing.assert_allclose(r, ref_softmax(row), rtol=4 * EPS64)


def test_many_rows_match_one_row_at_a_time():
    # enough rows of enough width that the fast path works in several blocks
    z = np.random.default_rng(3).normal(scale=4.0, size=(300, 700))
    out = softmax(z)
    lp = log_softmax(z)
    lse = logsumexp(z)
    for i in range(0, 300, 37):
        np.testing.assert_allclose(out[i], softmax(z[i]), rtol=1e-15, atol=0)
        np.testing.assert_allclose(lp[i], log_softmax(z[i]), rtol=1e-15, atol=0)
        assert lse[i] == pytest.approx(float(logsumexp(z[i])), rel=1e-15)
    np.testing.assert_allclose(out.sum(axis=-1), 1.0, rtol=0, atol=700 * EPS64)


# --------------------------------------------------------------------------
# finite input never warns, however large
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "z, expected",
    [
        ([1000.0, 999.0, 0.0], None),
        ([1e300, -1e300], [1.0, 0.0]),
        ([-1e300, -1e300], [0.5, 0.5]),
        ([1.7e308, -1.7e308], [1.0, 0.0]),  # z - max overflows to -inf: the limit, 0
        ([-1000.0, -1001.0], [1 / (1 + math.exp(-1)), math.exp(-1) / (1 + math.exp(-1))]),
        (np.array([1e38, -1e38], np.float32), [1.0, 0.0]),
        (np.array([3e38, 3e38, -3e38], np.float32), [0.5, 0.5, 0.0]),
        # e^-100 = 3.72e-44 is a float32 subnormal: rounded to 27 * 2**-149
        (np.array([100.0, 0.0], np.float32), [1.0, 27 * 2.0**-149]),
        (np.array([60000.0, -60000.0], np.float16), [1.0, 0.0]),
        (np.array([65504.0, 65504.0], np.float16), [0.5, 0.5]),
    ],
    ids=["1000", "1e300", "-1e300-tie", "1.7e308", "-1000", "f32-1e38", "f32-3e38", "f32-100", "f16", "f16-max"],
)
def test_finite_input_never_warns(z, expected):
    dtype = np.asarray(z).dtype
    with no_warnings():
        p = softmax(z)
        lp = log_softmax(z)
        lse = logsumexp(z)
        p2 = softmax(np.stack([np.asarray(z)] * 3), axis=-1)  # 2-D fast path
        p0 = softmax(np.stack([np.asarray(z)] * 3, axis=1), axis=0)  # general path
    assert p.dtype == dtype
    assert np.all(np.isfinite(p)) and np.all(np.isfinite(lse))
    assert not np.any(np.isnan(lp))
    assert np.all(lp <= 0)
    assert float(p.astype(np.float64).sum()) == pytest.approx(1.0, rel=1e-3 if dtype == np.float16 else 1e-6)
    np.testing.assert_array_equal(p2, np.stack([p] * 3))
    np.testing.assert_allclose(p0, np.stack([p] * 3, axis=1), rtol=1e-6)
    if expected is not None:
        np.testing.assert_allclose(p.astype(np.float64), expected, rtol=1e-6, atol=0)


def test_random_huge_finite_logits_never_warn():
    z = np.random.default_rng(4).uniform(-1.0, 1.0, size=(50, 7)) * 1.7e308
    with no_warnings():
        p = softmax(z)
        lp = log_softmax(z)
        lse = logsumexp(z)
        pt = softmax(z, temperature=1e-300)
        pT = softmax(z, temperature=1e300)
    for out in (p, pt, pT):
        assert np.all((out >= 0) & (out <= 1))
        np.testing.assert_allclose(out.sum(axis=-1), 1.0, rtol=1e-15)
    np.testing.assert_array_equal(np.argmax(p, axis=-1), np.argmax(z, axis=-1))
    assert np.all(np.isfinite(lse)) and not np.any(np.isnan(lp))
    np.testing.assert_array_equal(lse, z.max(axis=-1))  # the other terms are < 1 ulp


@pytest.mark.parametrize("t", [1e-300, 1e-30, 5e-324])
def test_tiny_temperature_does_not_overflow(t):
    with no_warnings():
        p = softmax([1.0, 0.5, 0.0, 1.0 - 1e-9], temperature=t)
        lp = log_softmax([1.0, 0.5, 0.0], temperature=t)
        p_tie = softmax([3.0, 3.0, -2.0], temperature=t)
    np.testing.assert_array_equal(p, [1.0, 0.0, 0.0, 0.0])
    assert lp[0] == 0.0 and np.all(lp[1:] < -1e29)
    np.testing.assert_array_equal(p_tie, [0.5, 0.5, 0.0])


def test_tiny_temperature_on_tiny_differences():
    # (z - max) / T is computed after the shift: [1e-300, 0] at T = 1e-300 is softmax([1, 0])
    with no_warnings():
        p = softmax([1e-300, 0.0], temperature=1e-300)
    np.testing.assert_allclose(p, ref_softmax([1.0, 0.0]), rtol=4 * EPS64)


def test_huge_temperature_on_overflowing_spread():
    # [1e308, -1e308] at T = 1e308 is softmax([1, -1]) although 1e308 - (-1e308) overflows.
    with no_warnings():
        p = softmax([1e308, -1e308], temperature=1e308)
        lp = log_softmax([1e308, -1e308], temperature=1e308)
        p32 = softmax(np.array([3e38, -3e38], np.float32), temperature=1e38)
    np.testing.assert_allclose(p, ref_softmax([1.0, -1.0]), rtol=1e-14)
    np.testing.assert_allclose(lp, ref_log_softmax([1.0, -1.0]), rtol=1e-14)
    np.testing.assert_allclose(p32, ref_softmax([3.0, -3.0]), rtol=1e-6)


# --------------------------------------------------------------------------
# non-finite input, per row
# --------------------------------------------------------------------------
def test_minus_inf_is_a_mask():
    z = [0.5, -INF, 2.0, -INF, -1.0]
    keep = [0.5, 2.0, -1.0]
    p = softmax(z)
    assert p[1] == 0.0 and p[3] == 0.0
    np.testing.assert_allclose(p[[0, 2, 4]], ref_softmax(keep), rtol=4 * EPS64)
    lp = log_softmax(z)
    assert lp[1] == -INF and lp[3] == -INF
    np.testing.assert_allclose(lp[[0, 2, 4]], ref_log_softmax(keep), rtol=4 * EPS64)
    assert float(logsumexp(z)) == pytest.approx(ref_logsumexp(keep), rel=4 * EPS64)
    # the same with a temperature, and along axis 0
    np.testing.assert_allclose(softmax(z, temperature=2.0)[[0, 2, 4]], ref_softmax(np.array(keep) / 2), rtol=1e-15)
    np.testing.assert_allclose(softmax(np.array(z)[:, None], axis=0)[:, 0], p, rtol=1e-15)


def test_only_one_finite_entry_gets_everything():
    assert softmax([-INF, 7.0, -INF]).tolist() == [0.0, 1.0, 0.0]
    assert log_softmax([-INF, 7.0, -INF]).tolist() == [-INF, 0.0, -INF]
    assert float(logsumexp([-INF, 7.0, -INF])) == 7.0


@pytest.mark.parametrize("kw", [{}, {"temperature": 0.5}, {"temperature": 3.0}, {"temperature": INF}])
def test_all_minus_inf_row(kw):
    z = [-INF, -INF, -INF]
    with no_warnings():
        assert np.all(np.isnan(softmax(z, **kw)))
        assert np.all(np.isnan(log_softmax(z, **kw)))
    with no_warnings():
        assert float(logsumexp(z)) == -INF


@pytest.mark.parametrize("kw", [{}, {"temperature": 0.01}, {"temperature": 5.0}, {"temperature": INF}])
def test_plus_inf_entries_share_probability(kw):
    with no_warnings():
        assert softmax([1.0, INF, INF, 3.0], **kw).tolist() == [0.0, 0.5, 0.5, 0.0]
        assert softmax([INF, -INF, 1e308], **kw).tolist() == [1.0, 0.0, 0.0]
        lp = log_softmax([1.0, INF, INF, 3.0], **kw)
    assert lp[0] == -INF and lp[3] == -INF
    np.testing.assert_allclose(lp[1:3], -math.log(2), rtol=1e-15)
    with no_warnings():
        assert float(logsumexp([1.0, INF, -INF])) == INF


@pytest.mark.parametrize(
    "z",
    [[NAN, 1.0, 2.0], [1.0, NAN], [NAN, INF, 0.0], [NAN, -INF], [NAN, NAN], [INF, NAN]],
)
@pytest.mark.parametrize("kw", [{}, {"temperature": 0.5}, {"temperature": INF}])
def test_nan_makes_the_row_nan(z, kw):
    with no_warnings():
        assert np.all(np.isnan(softmax(z, **kw)))
        assert np.all(np.isnan(log_softmax(z, **kw)))
        assert np.isnan(logsumexp(z))


BAD_ROWS = {
    "nan": [1.0, NAN, 0.0, 2.0],
    "all -inf": [-INF] * 4,
    "+inf": [INF, 0.0, INF, 1e300],
    "-inf": [-INF, 0.0, 3.0, -INF],
    "nan+inf": [NAN, INF, -INF, 0.0],
}


@pytest.mark.parametrize("bad", list(BAD_ROWS), ids=list(BAD_ROWS))
@pytest.mark.parametrize("position", [0, 17, 39])
@pytest.mark.parametrize("kw", [{}, {"temperature": 2.0}, {"temperature": INF}])
def test_non_finite_damage_stays_in_its_row(bad, position, kw):
    rng = np.random.default_rng(5)
    clean = rng.normal(scale=10.0, size=(40, 4))
    dirty = clean.copy()
    dirty[position] = BAD_ROWS[bad]
    others = np.arange(40) != position
    with no_warnings():
        for f in (softmax, log_softmax):
            for axis, a_clean, a_dirty in ((-1, clean, dirty), (0, clean.T, dirty.T)):
                got = f(a_dirty, axis=axis, **kw)
                want = f(a_clean, axis=axis, **kw)
                if axis == 0:
                    got, want = got.T, want.T
                np.testing.assert_array_equal(got[others], want[others])
                # the bad row follows the table in the module docstring
                np.testing.assert_allclose(got[position], TABLE[f.__name__](bad, kw), rtol=1e-15, atol=0)
        got = logsumexp(dirty)
        np.testing.assert_array_equal(got[others], logsumexp(clean)[others])
        np.testing.assert_allclose(got[position], TABLE["logsumexp"](bad, kw), rtol=1e-15)
        got0 = logsumexp(dirty.T, axis=0)
        np.testing.assert_array_equal(got0[others], logsumexp(clean.T, axis=0)[others])
        np.testing.assert_allclose(got0[position], TABLE["logsumexp"](bad, kw), rtol=1e-15)


def _table_softmax(bad, kw):
    """What the module docstring's table says softmax gives for BAD_ROWS[bad]."""
    t = kw.get("temperature", 1.0)
    if bad in ("nan", "all -inf", "nan+inf"):  # a NaN, or only -inf: NaN row
        return [NAN] * 4
    if bad == "+inf":  # +inf entries share the probability, at any T
        return [0.5, 0.0, 0.5, 0.0]
    # "-inf": probability 0 there, an ordinary softmax of [0, 3] / T elsewhere
    rest = [0.5, 0.5] if t == INF else ref_softmax([0.0 / t, 3.0 / t])
    return [0.0, rest[0], rest[1], 0.0]


def _table_log_softmax(bad, kw):
    """The log of the table's softmax; for "-inf" the finite part from mpmath."""
    t = kw.get("temperature", 1.0)
    if bad == "-inf":
        rest = [-math.log(2)] * 2 if t == INF else ref_log_softmax([0.0 / t, 3.0 / t])
        return [-INF, rest[0], rest[1], -INF]
    with np.errstate(divide="ignore"):
        return np.log(_table_softmax(bad, kw)).tolist()


def _table_logsumexp(bad, kw):  # logsumexp takes no temperature
    return {"nan": NAN, "all -inf": -INF, "+inf": INF, "nan+inf": NAN, "-inf": ref_logsumexp([0.0, 3.0])}[bad]


TABLE = {"softmax": _table_softmax, "log_softmax": _table_log_softmax, "logsumexp": _table_logsumexp}


def test_non_finite_row_inside_a_large_block():
    # wide rows in the blocked fast path; the bad rows sit inside a block
    rng = np.random.default_rng(6)
    clean = rng.normal(size=(100, 1000)).astype(np.float32)
    dirty = clean.copy()
    dirty[10, 5] = np.nan
    dirty[20, :] = -np.inf
    dirty[30, 7] = np.inf
    dirty[40, ::2] = -np.inf
    with no_warnings():
        got, want = softmax(dirty), softmax(clean)
    rest = np.setdiff1d(np.arange(100), [10, 20, 30, 40])
    np.testing.assert_array_equal(got[rest], want[rest])
    assert np.all(np.isnan(got[10])) and np.all(np.isnan(got[20]))
    expected30 = np.zeros(1000, np.float32)
    expected30[7] = 1.0
    np.testing.assert_array_equal(got[30], expected30)
    assert np.all(got[40, ::2] == 0)
    np.testing.assert_allclose(got[40, 1::2], softmax(clean[40, 1::2]), rtol=1e-6)


def test_non_finite_in_3d_stays_in_its_row():
    rng = np.random.default_rng(7)
    clean = rng.normal(size=(3, 4, 5))
    dirty = clean.copy()
    dirty[1, :, 2] = NAN  # the row along axis 1 at [1, :, 2]
    with no_warnings():
        got, want = softmax(dirty, axis=1), softmax(clean, axis=1)
    mask = np.ones((3, 5), bool)
    mask[1, 2] = False
    np.testing.assert_array_equal(np.moveaxis(got, 1, -1)[mask], np.moveaxis(want, 1, -1)[mask])
    assert np.all(np.isnan(got[1, :, 2]))


# --------------------------------------------------------------------------
# temperature
# --------------------------------------------------------------------------
@pytest.mark.parametrize("t", [0, 0.0, -1, -0.5, -INF, NAN, np.float64(0.0), np.float32(-2.0)])
@pytest.mark.parametrize("f", [softmax, log_softmax])
def test_temperature_must_be_positive(f, t):
    with pytest.raises(ValueError, match=r"temperature must be > 0, got " + re.escape(repr(t))):
        f([1.0, 2.0], temperature=t)


@pytest.mark.parametrize(
    "t, shown",
    [("1.0", "str '1.0'"), (None, "NoneType None"), (True, "bool True"), (1 + 0j, "complex"), ([1.0], "list [1.0]")],
)
@pytest.mark.parametrize("f", [softmax, log_softmax])
def test_temperature_must_be_a_real_number(f, t, shown):
    with pytest.raises(TypeError, match=r"temperature must be a positive real number.*got " + re.escape(shown)):
        f([1.0, 2.0], temperature=t)


@pytest.mark.parametrize("f", [softmax, log_softmax])
def test_temperature_is_keyword_only(f):
    # a third positional argument is refused by the signature itself, so
    # softmax(z, -1, 2.0) can never be read as axis=-1, temperature=2
    with pytest.raises(TypeError, match=rf"{f.__name__}\(\) takes from 1 to 2 positional arguments but 3 were given"):
        f([1.0, 2.0], -1, 2.0)
    assert f([1.0, 2.0], -1, temperature=2.0).tolist() == f([0.5, 1.0]).tolist()


@pytest.mark.parametrize("t", [0.25, 2, 7.5, Fraction(1, 3), np.float32(0.5), np.int64(3)])
def test_temperature_divides_the_logits(t):
    z = np.array([2.0, 1.0, 0.1, -3.0])
    tf = float(t)
    np.testing.assert_allclose(softmax(z, temperature=t), ref_softmax(z / tf), rtol=1e-14)
    np.testing.assert_allclose(log_softmax(z, temperature=t), ref_log_softmax(z / tf), rtol=1e-14)


def test_temperature_inf_is_uniform():
    assert softmax([1.0, 2.0, -300.0, 1e300], temperature=INF).tolist() == [0.25] * 4
    assert softmax([1.0, -INF, 5.0], temperature=INF).tolist() == [0.5, 0.0, 0.5]
    np.testing.assert_allclose(log_softmax([1.0, 2.0, 3.0], temperature=INF), -math.log(3), rtol=1e-15)
    lp = log_softmax([1.0, -INF, 5.0], temperature=INF)
    assert lp[1] == -INF
    np.testing.assert_allclose(lp[[0, 2]], -math.log(2), rtol=1e-15)


def test_temperature_one_is_the_default():
    z = np.random.default_rng(8).normal(size=(5, 6))
    np.testing.assert_allclose(softmax(z, temperature=1.0), softmax(z), rtol=1e-15)
    np.testing.assert_allclose(softmax(z, temperature=1), softmax(z), rtol=1e-15)


@pytest.mark.parametrize(
    "t, fragment",
    [
        (10**400, "beyond the range of a float64"),
        (-(10**400), "beyond the range of a float64"),
        (Fraction(10**400), "beyond the range of a float64"),
        (Fraction(1, 10**400), "closer to 0 than any float64"),
    ],
    ids=["10**400", "-10**400", "Fraction(10**400)", "Fraction(1, 10**400)"],
)
@pytest.mark.parametrize("f", [softmax, log_softmax])
def test_a_temperature_float64_cannot_hold_is_a_value_error_not_an_overflow_error(f, t, fragment):
    # issue 16: softmax(z, temperature=10**400) raised OverflowError from float()
    with pytest.raises(ValueError, match=fragment) as info:
        f([1.0, 2.0], temperature=t)
    assert "temperature" in str(info.value) and "np.inf" in str(info.value)


# --------------------------------------------------------------------------
# errors for bad input
# --------------------------------------------------------------------------
BAD_INPUTS = [
    ("abc", r"got str 'abc'"),
    (b"abc", r"got bytes b'abc'"),
    (["a", "b"], r"got list \['a', 'b'\]"),
    ([1.0, "2"], r"got list \[1\.0, '2'\]"),
    (None, r"got NoneType None"),
    ([1.0, None], r"got list \[1\.0, None\]"),
    ([1 + 2j, 0], r"complex values \(list \[\(1\+2j\), 0\]\)"),
    (np.array([1.0, 2.0], dtype=np.complex128), r"complex values"),
    ([[1.0, 2.0], [3.0]], r"ragged list"),
    ({1.0, 2.0}, r"got set \{"),
    ({"a": 1.0}, r"got dict \{'a': 1\.0\}"),
    (np.array(["2020-01-01", "2020-01-02"], dtype="datetime64[D]"), r"dtype datetime64"),
]


@pytest.mark.parametrize("z, shown", BAD_INPUTS, ids=[repr(z)[:25] for z, _ in BAD_INPUTS])
@pytest.mark.parametrize("f", [softmax, log_softmax, logsumexp, sigmoid, naive_softmax])
def test_non_numeric_input_is_a_type_error(f, z, shown):
    with pytest.raises(TypeError, match=r"z must be (real numbers|a rectangular array).*" + shown):
        f(z)


def test_cross_entropy_names_the_logits():
    with pytest.raises(TypeError, match=r"logits must be real numbers.*got str 'x'"):
        cross_entropy("x", 0)


@pytest.mark.parametrize("z", [3.0, 3, np.float64(3.0), np.array(3.0)])
@pytest.mark.parametrize("f", [softmax, log_softmax, logsumexp, naive_softmax])
def test_single_number_is_a_value_error(f, z):
    with pytest.raises(ValueError, match=r"at least one dimension.*single number"):
        f(z)


@pytest.mark.parametrize("axis", [2, -3, 100])
@pytest.mark.parametrize("f", [softmax, log_softmax, logsumexp, naive_softmax])
def test_axis_out_of_range_is_a_value_error(f, axis):
    with pytest.raises(ValueError, match=rf"axis {axis} is out of range .*2 dimension\(s\) \(shape \(2, 3\)\)"):
        f(np.zeros((2, 3)), axis=axis)


@pytest.mark.parametrize("axis", [1.0, "0", None, True])
def test_axis_must_be_an_integer(axis):
    with pytest.raises(TypeError, match=r"axis must be an integer, got " + type(axis).__name__):
        softmax(np.zeros((2, 3)), axis=axis)


def test_numpy_integer_axis_is_fine():
    z = np.array([[1.0, 2.0], [3.0, 5.0]])
    np.testing.assert_allclose(softmax(z, axis=np.int64(0)), softmax(z, axis=0), rtol=0)


# --------------------------------------------------------------------------
# sigmoid
# --------------------------------------------------------------------------
def test_sigmoid_extremes_without_warnings():
    with no_warnings():
        assert float(sigmoid(1000.0)) == 1.0
        assert float(sigmoid(-1000.0)) == 0.0
        assert sigmoid([-1000.0, 0.0, 1000.0]).tolist() == [0.0, 0.5, 1.0]
        assert sigmoid([-1e308, 1e308]).tolist() == [0.0, 1.0]
        assert sigmoid(np.array([-200.0, 200.0], np.float32)).tolist() == [0.0, 1.0]
        assert sigmoid([-INF, INF]).tolist() == [0.0, 1.0]
        assert np.isnan(sigmoid(NAN))
        assert float(sigmoid(-0.0)) == 0.5


@pytest.mark.parametrize("z", [-745.0, -700.0, -40.0, -3.5, -1e-8, 1e-8, 0.7, 36.0, 40.0])
def test_sigmoid_values(z):
    assert float(sigmoid(z)) == pytest.approx(ref_sigmoid(z), rel=4 * EPS64, abs=1e-323)


def test_sigmoid_shapes_and_scalars():
    s = sigmoid(1.5)
    assert np.ndim(s) == 0 and isinstance(s, np.floating)
    z = np.random.default_rng(9).normal(size=(3, 4))
    out = sigmoid(z)
    assert out.shape == (3, 4)
    np.testing.assert_allclose(out + sigmoid(-z), 1.0, rtol=2 * EPS64)
    np.testing.assert_allclose(sigmoid(z.T), out.T, rtol=0)
    assert float(sigmoid(math.log(3.0))) == pytest.approx(0.75, rel=2 * EPS64)


def test_sigmoid_is_two_class_softmax():
    for z in [-800.0, -37.0, -2.5, -1e-300, 0.0, 1e-300, 0.3, 19.0, 710.0]:
        assert softmax([z, 0.0])[0] == sigmoid(z)
        assert softmax([0.0, z])[1] == sigmoid(z)


# --------------------------------------------------------------------------
# naive_softmax: the textbook formula, on purpose unprotected
# --------------------------------------------------------------------------
def test_naive_softmax_small_logits():
    np.testing.assert_allclose(naive_softmax([2.0, 1.0, 0.1]), ref_softmax([2.0, 1.0, 0.1]), rtol=1e-15)
    np.testing.assert_allclose(naive_softmax([[1.0, 2.0], [3.0, 4.0]], axis=0).sum(axis=0), 1.0, rtol=1e-15)


def test_naive_softmax_overflows_and_warns():
    with pytest.warns(RuntimeWarning, match="overflow|invalid"):
        out = naive_softmax([1000, 999, 0])
    assert np.isnan(out[0]) and np.isnan(out[1]) and out[2] == 0.0
    with no_warnings():
        good = softmax([1000, 999, 0])
    assert np.all(np.isfinite(good))


# --------------------------------------------------------------------------
# cross_entropy
# --------------------------------------------------------------------------
LOGITS = np.array([[2.0, 1.0, 0.1], [0.0, 0.0, 0.0], [-1.0, 3.0, 0.5]])


def _ref_ce(logits, onehot_or_probs):
    return np.array(
        [-sum(y * lp for y, lp in zip(t, ref_log_softmax(z)) if y > 0) for z, t in zip(logits, onehot_or_probs)]
    )


def test_cross_entropy_single_sample():
    assert float(cross_entropy([2.0, 1.0, 0.1], 0)) == pytest.approx(-math.log(0.65900114), rel=1e-8)
    assert float(cross_entropy([2.0, 1.0, 0.1], 2)) == pytest.approx(-ref_log_softmax([2.0, 1.0, 0.1])[2], rel=1e-15)


def test_cross_entropy_index_targets_and_reductions():
    target = [0, 2, 1]
    ref = _ref_ce(LOGITS, np.eye(3)[target])
    none = cross_entropy(LOGITS, target, reduction="none")
    assert none.shape == (3,)
    np.testing.assert_allclose(none, ref, rtol=1e-15)
    np.testing.assert_allclose(cross_entropy(LOGITS, target), ref.mean(), rtol=1e-15)
    np.testing.assert_allclose(cross_entropy(LOGITS, target, reduction="mean"), ref.mean(), rtol=1e-15)
    np.testing.assert_allclose(cross_entropy(LOGITS, target, reduction="sum"), ref.sum(), rtol=1e-15)
    assert np.ndim(cross_entropy(LOGITS, target)) == 0
    assert np.ndim(cross_entropy(LOGITS, target, reduction="sum")) == 0
    # uniform logits: log 3 exactly as by hand
    assert none[1] == pytest.approx(math.log(3), rel=1e-15)


def test_cross_entropy_index_target_dtypes():
    for target in ([0, 2, 1], np.array([0, 2, 1], np.int8), np.array([0, 2, 1], np.uint64)):
        np.testing.assert_allclose(
            cross_entropy(LOGITS, target, reduction="none"), _ref_ce(LOGITS, np.eye(3)[[0, 2, 1]]), rtol=1e-15
        )


def test_cross_entropy_one_hot_and_soft_targets():
    onehot = np.eye(3)[[0, 2, 1]]
    by_index = cross_entropy(LOGITS, [0, 2, 1], reduction="none")
    np.testing.assert_allclose(cross_entropy(LOGITS, onehot, reduction="none"), by_index, rtol=1e-15)
    np.testing.assert_allclose(cross_entropy(LOGITS, onehot.astype(int), reduction="none"), by_index, rtol=1e-15)
    np.testing.assert_allclose(cross_entropy(LOGITS, onehot.astype(bool), reduction="none"), by_index, rtol=1e-15)
    soft = np.array([[0.7, 0.2, 0.1], [1 / 3, 1 / 3, 1 / 3], [0.0, 0.5, 0.5]])
    ref = _ref_ce(LOGITS, soft)
    np.testing.assert_allclose(cross_entropy(LOGITS, soft, reduction="none"), ref, rtol=1e-14)
    np.testing.assert_allclose(cross_entropy(LOGITS, soft, reduction="sum"), ref.sum(), rtol=1e-14)
    assert float(cross_entropy([0.0, 0.0], [0.5, 0.5])) == pytest.approx(math.log(2), rel=1e-15)


def test_cross_entropy_along_axis_0():
    target = [0, 2, 1]
    np.testing.assert_allclose(
        cross_entropy(LOGITS.T, target, axis=0, reduction="none"),
        cross_entropy(LOGITS, target, reduction="none"),
        rtol=1e-15,
    )
    np.testing.assert_allclose(
        cross_entropy(LOGITS.T, np.eye(3)[target].T, axis=0, reduction="none"),
        _ref_ce(LOGITS, np.eye(3)[target]),
        rtol=1e-15,
    )


def test_cross_entropy_large_logits_and_masks():
    with no_warnings():
        assert float(cross_entropy([1000.0, 0.0], 1)) == 1000.0
        assert float(cross_entropy([1000.0, 0.0], 0)) == 0.0
        # a masked class with target 0 contributes nothing (0 * -inf is not NaN here)
        loss = cross_entropy([0.0, -INF, 1.0], [0.5, 0.0, 0.5])
        masked = cross_entropy([0.0, -INF, 1.0], 1)
    ref = -0.5 * (ref_log_softmax([0.0, 1.0]).sum())
    assert float(loss) == pytest.approx(ref, rel=1e-15)
    assert float(masked) == INF


@pytest.mark.parametrize("target", [[0, 3, 1], [-1, 0, 0], [5, 5, 5]])
def test_cross_entropy_index_out_of_range(target):
    with pytest.raises(ValueError, match=r"class indices must be in \[0, 2\] for 3 classes; got \["):
        cross_entropy(LOGITS, target)


def test_cross_entropy_float_indices():
    with pytest.raises(TypeError, match=r"class-index targets must be integers, got dtype float64"):
        cross_entropy(LOGITS, [0.0, 2.0, 1.0])


@pytest.mark.parametrize(
    "target",
    [
        [[1.0, 0.0, 0.0], [0.0, 0.5, 0.4], [0.0, 0.0, 1.0]],
        [[1.0, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        np.zeros((3, 3)),
    ],
)
def test_cross_entropy_rows_must_sum_to_one(target):
    with pytest.raises(ValueError, match=r"probability targets must sum to 1 along the class axis"):
        cross_entropy(LOGITS, target)


@pytest.mark.parametrize(
    "target",
    [
        [[1.5, -0.5, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        [[NAN, 1.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        [[INF, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
    ],
)
def test_cross_entropy_probabilities_must_be_finite_and_non_negative(target):
    with pytest.raises(ValueError, match=r"probability targets must be finite and >= 0"):
        cross_entropy(LOGITS, target)


@pytest.mark.parametrize("target", [[0, 1], [[1.0, 0.0, 0.0]], np.zeros((3, 3, 1)), np.zeros((3, 2))])
def test_cross_entropy_wrong_shapes(target):
    with pytest.raises(ValueError, match=r"target shape .* does not fit logits shape \(3, 3\)"):
        cross_entropy(LOGITS, target)


@pytest.mark.parametrize("target", ["abc", [0, None, 1], ["a", "b", "c"]])
def test_cross_entropy_non_numeric_target(target):
    with pytest.raises(TypeError, match=r"target must be class indices"):
        cross_entropy(LOGITS, target)


def test_cross_entropy_bad_reduction():
    with pytest.raises(ValueError, match=r"reduction must be one of \('mean', 'sum', 'none'\), got 'avg'"):
        cross_entropy(LOGITS, [0, 1, 2], reduction="avg")


# --------------------------------------------------------------------------
# log_softmax and logsumexp details
# --------------------------------------------------------------------------
def test_log_softmax_stays_finite_where_log_of_softmax_does_not():
    with no_warnings():
        lp = log_softmax([0.0, -800.0])
    assert lp.tolist() == [0.0, -800.0]  # -800 - log1p(e^-800) rounds to -800
    with np.errstate(divide="ignore"):
        naive = np.log(softmax([0.0, -800.0]))
    assert naive[1] == -INF


def test_log_softmax_largest_entry_is_not_rounded_to_zero():
    lp = log_softmax([0.0, -40.0])
    ref = ref_log_softmax([0.0, -40.0])
    assert lp[0] < 0
    assert abs(lp[0] - ref[0]) <= 2 * np.spacing(abs(ref[0]))
    assert lp[0] == pytest.approx(-math.exp(-40.0), rel=1e-15)


def test_log_softmax_of_float32_large_logits():
    z = np.array([90.0, 0.0, -90.0], np.float32)  # e^90 overflows float32
    with no_warnings():
        lp = log_softmax(z)
    assert lp.dtype == np.float32
    np.testing.assert_allclose(lp, ref_log_softmax(z.astype(np.float64)), rtol=1e-6)


def test_logsumexp_keepdims():
    z = np.array([[0.0, 1.0, 2.0], [1000.0, 1000.0, -INF]])
    out = logsumexp(z, keepdims=True)
    assert out.shape == (2, 1)
    np.testing.assert_allclose(out[:, 0], [ref_logsumexp(z[0]), 1000.0 + math.log(2.0)], rtol=1e-15)
    # z - lse cancels for the second row (1000 - 1000.69...): a few ulp of 1000
    np.testing.assert_allclose(z - out, log_softmax(z), rtol=1e-15, atol=2 * np.spacing(1000.0))
    out0 = logsumexp(z[:, :2], axis=0, keepdims=True)
    assert out0.shape == (1, 2)
    np.testing.assert_allclose(out0[0], [ref_logsumexp(c) for c in z[:, :2].T], rtol=1e-15)
    assert logsumexp(z).shape == (2,)
    assert logsumexp(np.zeros((2, 3, 4)), axis=1, keepdims=True).shape == (2, 1, 4)
    assert logsumexp(np.zeros((2, 3, 4)), axis=1).shape == (2, 4)
    np.testing.assert_allclose(logsumexp(np.zeros((2, 3, 4)), axis=1), math.log(3), rtol=1e-15)


def test_logsumexp_of_a_row_is_a_scalar():
    out = logsumexp([1.0, 2.0])
    assert np.ndim(out) == 0 and isinstance(out, np.floating)
    assert float(out) == pytest.approx(ref_logsumexp([1.0, 2.0]), rel=2 * EPS64)


# --------------------------------------------------------------------------
# hardening (issue 11): each of these failed before its fix
# --------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_extreme_temperatures_in_low_precision_match_float64(dtype):
    # T = 1e-300 rounds to 0 in float32, T = 1e300 to inf: the division must
    # not happen in the input's precision.
    with no_warnings():
        assert softmax(np.array([0.0], dtype), temperature=1e-300).tolist() == [1.0]
        assert softmax(np.array([0.0, -INF, 1.0], dtype), temperature=1e300).tolist() == [0.5, 0.0, 0.5]
        assert softmax(np.array([0.0, -1.0], dtype), temperature=1e-300).tolist() == [1.0, 0.0]
        assert log_softmax(np.array([0.0], dtype), temperature=1e-300).tolist() == [0.0]
        # float64 gives [0, -1/1e-300]; rounded to a narrower dtype: [0, -inf]
        with np.errstate(over="ignore"):
            want = np.array([0.0, -1.0 / 1e-300]).astype(dtype).tolist()
        assert log_softmax(np.array([0.0, -1.0], dtype), temperature=1e-300).tolist() == want
        lp = log_softmax(np.array([0.0, -INF, 1.0], dtype), temperature=1e300)
    assert lp.dtype == dtype
    assert lp[1] == -INF
    np.testing.assert_allclose(lp[[0, 2]].astype(float), -math.log(2), rtol=1e-3)


@pytest.mark.parametrize("f", [softmax, log_softmax])
def test_big_endian_float16_is_computed_like_native_float16(f):
    with no_warnings():
        native = f(np.zeros(65536, "<f2"))
        big = f(np.zeros(65536, ">f2"))
    assert (big.dtype.kind, big.dtype.itemsize) == (native.dtype.kind, native.dtype.itemsize) == ("f", 2)
    np.testing.assert_array_equal(big, native)
    assert float(logsumexp(np.zeros(65536, ">f2"))) == float(logsumexp(np.zeros(65536, "<f2")))
    assert float(logsumexp(np.zeros(65536, ">f2"))) == pytest.approx(16 * math.log(2), rel=1e-3)


@pytest.mark.parametrize("dt", [">f4", ">f8", ">i4"])
def test_other_big_endian_dtypes_give_the_native_result(dt):
    z = np.array([[2.0, 1.0, 0.1], [0.0, 5.0, -3.0]]).astype(dt)
    native = z.astype(z.dtype.newbyteorder("="))
    for f in (softmax, log_softmax, logsumexp):
        got, want = f(z), f(native)
        assert (got.dtype.kind, got.dtype.itemsize) == (want.dtype.kind, want.dtype.itemsize)
        np.testing.assert_array_equal(got, want)


def test_masked_entries_are_minus_inf():
    z = np.ma.array([1.0, 2.0, 1000.0], mask=[0, 0, 1])
    with no_warnings():
        p = softmax(z)
        lp = log_softmax(z)
        lse = logsumexp(z)
    assert not isinstance(p, np.ma.MaskedArray)
    np.testing.assert_allclose(p, ref_softmax([1.0, 2.0, -INF]), rtol=1e-15)
    assert p[2] == 0.0
    np.testing.assert_allclose(lp[:2], ref_log_softmax([1.0, 2.0]), rtol=1e-15)
    assert lp[2] == -INF
    assert float(lse) == pytest.approx(ref_logsumexp([1.0, 2.0]), rel=1e-15)
    # cross-entropy: the masked class is impossible, the others share as above
    assert float(cross_entropy(z, 1)) == pytest.approx(-ref_log_softmax([1.0, 2.0])[1], rel=1e-15)
    assert float(cross_entropy(z, 2)) == INF
    # integer masked arrays and a 2-D mask, one row fully visible
    zi = np.ma.array([[1, 2, 3], [1, 2, 3]], mask=[[0, 0, 0], [0, 1, 0]])
    np.testing.assert_allclose(softmax(zi)[0], ref_softmax([1, 2, 3]), rtol=1e-15)
    np.testing.assert_allclose(softmax(zi)[1], ref_softmax([1, -INF, 3]), rtol=1e-15)


def test_masked_input_to_sigmoid_and_masked_targets_are_type_errors():
    with pytest.raises(TypeError, match=r"masked array.*np\.ma\.filled"):
        sigmoid(np.ma.array([1.0, 2.0], mask=[0, 1]))
    with pytest.raises(TypeError, match=r"target.*masked array"):
        cross_entropy([[1.0, 2.0], [0.0, 0.0]], np.ma.array([0, 1], mask=[0, 1]))


@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 3), (2, 0, 4)])
@pytest.mark.parametrize("f", [softmax, log_softmax])
def test_empty_input_gives_an_empty_result(f, shape):
    with no_warnings():
        out = f(np.zeros(shape))
    assert out.shape == shape and out.dtype == np.float64
    with no_warnings():
        out32 = f(np.zeros(shape, np.float32), temperature=2.0)
    assert out32.shape == shape and out32.dtype == np.float32


def test_empty_list_gives_an_empty_result():
    with no_warnings():
        assert softmax([]).shape == (0,)
        assert log_softmax([]).shape == (0,)


def test_logsumexp_of_an_empty_row_is_minus_inf():
    # the sum of no terms is 0, and log 0 = -inf (as scipy.special.logsumexp)
    with no_warnings():
        assert float(logsumexp([])) == -INF
        assert logsumexp(np.zeros((3, 0))).tolist() == [-INF] * 3
        assert logsumexp(np.zeros((3, 0)), keepdims=True).shape == (3, 1)
        assert logsumexp(np.zeros((0, 3))).shape == (0,)
        assert logsumexp(np.zeros((0, 3)), axis=0).tolist() == [-INF] * 3


def test_cross_entropy_with_no_classes_is_a_value_error():
    with pytest.raises(ValueError, match=r"no classes.*shape \(2, 0\)"):
        cross_entropy(np.zeros((2, 0)), [0, 0])


def test_cross_entropy_of_an_empty_batch():
    z = np.zeros((0, 3))
    with no_warnings():
        assert cross_entropy(z, np.zeros(0, int), reduction="none").shape == (0,)
        assert float(cross_entropy(z, [], reduction="sum")) == 0.0
        assert float(cross_entropy(z, np.zeros((0, 3)), reduction="sum")) == 0.0
    with pytest.raises(ValueError, match=r"empty batch.*reduction='sum'"):
        cross_entropy(z, np.zeros(0, int))


def test_cross_entropy_mean_of_huge_losses_is_finite():
    with no_warnings():
        loss = cross_entropy([[1e308, 0.0], [1e308, 0.0]], [1, 1])
        assert float(loss) == 1e308
        assert float(cross_entropy([[1.7e308, 0.0], [1e308, 0.0]], [1, 1])) == pytest.approx(1.35e308, rel=1e-15)
        # a sum beyond the float range is inf, and says nothing
        assert float(cross_entropy([[1e308, 0.0], [1e308, 0.0]], [1, 1], reduction="sum")) == INF


def test_float16_sum_over_many_rows_does_not_overflow():
    n = 95_000
    z = np.zeros((n, 2), np.float16)
    z[:, 0] = 10.0
    per_row = float(np.float16(-ref_log_softmax([10.0, 0.0])[1]))  # 10.0000454 in float16: 10.0
    with no_warnings():
        total = cross_entropy(z, np.ones(n, int), reduction="sum")
        mean = cross_entropy(z, np.ones(n, int))
    assert np.isfinite(total) and total.dtype == np.float32
    assert float(total) == pytest.approx(n * per_row, rel=1e-6)
    assert float(mean) == pytest.approx(per_row, rel=1e-6)
    assert cross_entropy(z, np.ones(n, int), reduction="none").dtype == np.float16


def test_longdouble_input_neither_warns_nor_loses_its_range():
    big = np.longdouble("1e400")
    if not np.isfinite(big):  # platforms where longdouble is float64
        pytest.skip("longdouble is float64 here")
    with no_warnings():
        p = softmax(np.array([big, 0]))
        q = softmax(np.array([big, big * 0.5]))  # both above the float64 range
        r = softmax(np.array([1.0, 0.0], np.longdouble))
    assert p.tolist() == [1.0, 0.0]
    assert q.tolist() == [1.0, 0.0]  # float64 would make both inf: [0.5, 0.5]
    np.testing.assert_allclose(r.astype(float), ref_softmax([1.0, 0.0]), rtol=1e-15)
    assert p.dtype == q.dtype == r.dtype == np.longdouble


@pytest.mark.parametrize("f", [softmax, log_softmax, logsumexp, sigmoid])
def test_big_endian_longdouble_gives_the_native_dtype(f):
    z = np.array([1.0, 0.0], np.longdouble)
    got = f(z.astype(z.dtype.newbyteorder(">")))
    want = f(z)
    assert (got.dtype.kind, got.dtype.itemsize) == (want.dtype.kind, want.dtype.itemsize)
    assert got.dtype.isnative
    np.testing.assert_array_equal(got, want)


OBJECT_NON_NUMBERS = [
    np.array([datetime.datetime(2020, 1, 1), 1.0], dtype=object),
    [datetime.date(2020, 1, 1), 1.0],
    np.array([np.datetime64("2020-01-01"), 1.0], dtype=object),
    np.array([np.timedelta64(3, "s"), 1.0], dtype=object),
    np.array([np.complex128(1 + 1j), 1.0], dtype=object),
    np.array([datetime.timedelta(days=3), 1.0], dtype=object),
]


@pytest.mark.parametrize("z", OBJECT_NON_NUMBERS, ids=lambda z: type(np.asarray(z, dtype=object)[0]).__name__)
@pytest.mark.parametrize("f", [softmax, log_softmax, logsumexp, sigmoid])
def test_object_arrays_of_non_numbers_are_type_errors(f, z):
    with pytest.raises(TypeError, match=r"z must be real numbers.*dtype object"):
        f(z)


def test_object_arrays_of_real_numbers_still_work():
    z = np.array([Fraction(1, 2), decimal.Decimal("2.5"), np.float32(1.0), 3], dtype=object)
    np.testing.assert_allclose(softmax(z), ref_softmax([0.5, 2.5, 1.0, 3.0]), rtol=1e-15)


# --------------------------------------------------------------------------
# tempered_logits: what softmax exponentiates
# --------------------------------------------------------------------------
@pytest.mark.parametrize("t", [1e-310, 1e-3, 0.5, 1.0, 3.0, 1e300, INF])
def test_softmax_of_tempered_logits_is_softmax_at_that_temperature(t):
    rng = np.random.default_rng(11)
    z = np.concatenate(
        [
            rng.normal(0, 3, size=(6, 5)),
            [[1.7e308, 1e308, 0, -1e308, 5]],
            [[INF, 0, INF, -INF, 1]],
            [[-INF] * 5],
            [[1, NAN, 0, 0, 0]],
        ]
    )
    with no_warnings():
        zt = tempered_logits(z, temperature=t)
        np.testing.assert_array_equal(softmax(zt), softmax(z, temperature=t))
    finite_rows = np.isfinite(z).all(axis=1)
    assert np.all(zt[finite_rows].max(axis=1) == 0)
    assert np.all(zt[finite_rows] <= 0)


def test_tempered_logits_shift_before_dividing():
    with no_warnings():
        out = tempered_logits([1.7e308, 1e308], temperature=0.5)
    assert out.tolist() == [0.0, (1e308 - 1.7e308) / 0.5]
    assert tempered_logits([[1.0, 2.0]], axis=0).tolist() == [[0.0, 0.0]]
    assert tempered_logits(np.float32([3.0, 1.0]), temperature=2).dtype == np.float32
    assert tempered_logits(np.zeros((2, 0))).shape == (2, 0)
    with pytest.raises(ValueError, match="temperature must be > 0"):
        tempered_logits([1.0], temperature=0)


# --------------------------------------------------------------------------
# softplus, log_sigmoid, binary_cross_entropy: core's rules for one logit
# --------------------------------------------------------------------------
def _mp_softplus(x: float) -> float:
    """softplus in 50-digit arithmetic, the independent reference."""
    if np.isnan(x):
        return NAN
    if np.isinf(x):
        return INF if x > 0 else 0.0
    with mp.workdps(50):
        return float(mp.log1p(mp.exp(mp.mpf(x))))


ONE_LOGIT_HOSTILE = [
    -1e308,
    -1000.0,
    -745.14,
    -745.13,
    -40.0,
    -1e-300,
    0.0,
    5e-324,
    1e-8,
    36.7,
    40.0,
    709.79,
    800.0,
    1e308,
    INF,
    -INF,
    NAN,
]


@pytest.mark.parametrize("x", ONE_LOGIT_HOSTILE)
def test_softplus_and_log_sigmoid_on_hostile_input(x):
    with no_warnings():
        sp = softplus(x)
        ls = log_sigmoid(x)
    if np.isnan(x):
        assert np.isnan(sp) and np.isnan(ls)
        return
    assert sp == pytest.approx(_mp_softplus(x), rel=1e-14, abs=0)
    assert -ls == pytest.approx(_mp_softplus(-x), rel=1e-14, abs=0)
    assert ls <= 0


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.longdouble])
def test_softplus_and_log_sigmoid_keep_the_dtype(dtype):
    z = np.array([-200.0, -3.0, 0.0, 3.0, 60.0], dtype=dtype)
    with no_warnings():
        sp, ls = softplus(z), log_sigmoid(z)
    assert sp.dtype == dtype and ls.dtype == dtype
    two_class = log_softmax(np.stack([z, np.zeros_like(z)], axis=-1))[:, 0]
    np.testing.assert_array_equal(ls, two_class) if dtype == np.float16 else np.testing.assert_allclose(
        ls, two_class, rtol=1e-6 if dtype == np.float32 else 1e-15
    )


def test_binary_cross_entropy_is_two_class_cross_entropy():
    rng = np.random.default_rng(1)
    z = rng.normal(0, 5, size=(6, 4))
    t = rng.random((6, 4))
    per = binary_cross_entropy(z, t, reduction="none")
    two = cross_entropy(np.stack([z, np.zeros_like(z)], -1), np.stack([t, 1 - t], -1), reduction="none")
    np.testing.assert_allclose(per, two, rtol=1e-12)
    assert binary_cross_entropy(z, t) == np.mean(per)
    assert binary_cross_entropy(z, t, reduction="sum") == np.sum(per)


@pytest.mark.parametrize(
    "z,t,want",
    [
        (-800.0, 1.0, 800.0),
        (800.0, 0.0, 800.0),
        (40.0, 1.0, 4.248354255291589e-18),
        (INF, 1.0, 0.0),
        (-INF, 0.0, 0.0),
        (INF, 0.0, INF),
        (0.0, 0.5, math.log(2)),
    ],
)
def test_binary_cross_entropy_on_hostile_input(z, t, want):
    with no_warnings():
        got = binary_cross_entropy(z, t)
    assert got == pytest.approx(want, rel=1e-12, abs=0)


def test_the_empty_batch_rule_is_the_same_for_every_loss():
    # sum: 0.0; none: an empty array; mean: a ValueError (lesson 06's BCE gave NaN here)
    for loss, args in ((cross_entropy, (np.zeros((0, 3)), np.zeros(0, dtype=int))), (binary_cross_entropy, ([], []))):
        assert loss(*args, reduction="sum") == 0.0
        assert loss(*args, reduction="none").shape == (0,)
        with pytest.raises(ValueError, match="empty batch.*no mean"):
            loss(*args)
    for f in (softmax, log_softmax, sigmoid, softplus, log_sigmoid, tempered_logits):
        assert f(np.zeros((3, 0))).shape == (3, 0)


@pytest.mark.parametrize(
    "call,error,fragment",
    [
        (lambda: softplus("1.0"), TypeError, "real numbers"),
        (lambda: log_sigmoid([1 + 2j]), TypeError, "complex"),
        (lambda: softplus(np.ma.array([1.0, 2.0], mask=[0, 1])), TypeError, "masked array"),
        (lambda: binary_cross_entropy(np.ma.array([1.0], mask=[1]), [1.0]), TypeError, "masked array"),
        (lambda: binary_cross_entropy([1.0], np.ma.array([1.0], mask=[1])), TypeError, "masked array"),
        (lambda: binary_cross_entropy([1.0, 2.0], [1.0]), ValueError, "one target per logit"),
        (lambda: binary_cross_entropy([1.0], [2.0]), ValueError, "[0, 1]"),
        (lambda: binary_cross_entropy([1.0], [NAN]), ValueError, "[0, 1]"),
        (lambda: binary_cross_entropy([1.0], [1.0], reduction="avg"), ValueError, "reduction must be one of"),
    ],
)
def test_one_logit_functions_reject_bad_input_clearly(call, error, fragment):
    with pytest.raises(error) as info:
        call()
    assert fragment in str(info.value)


@pytest.mark.parametrize("name", ["softplus", "log_sigmoid", "binary_cross_entropy", "softmax", "log_softmax"])
def test_no_lesson_keeps_its_own_copy_of_a_core_function(name):
    """Lessons 05-07 once had their own softplus, log_sigmoid and BCE; they import core's now."""
    import inspect

    import lessons

    own = [
        les.module
        for les in lessons.present()
        if inspect.isfunction(f := getattr(les.import_module(), name, None)) and f is not globals()[name]
    ]
    assert own == []
