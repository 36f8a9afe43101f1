"""The softmax family: softmax, log-softmax, log-sum-exp, sigmoid, cross-entropy.

Also their one-logit relatives (softplus, log-sigmoid, binary cross-entropy)
and :func:`tempered_logits`, the shifted logits softmax exponentiates.

Every function here is a pure function of NumPy arrays with an ``axis``
argument.  They share one set of rules, documented once here and tested in
``tests/test_core.py``:

* **Input.**  Lists, tuples and integer or boolean arrays are accepted and
  computed in float64 (the cast happens before any subtraction, so integer
  wrap-around can never occur).  float32 in gives float32 out, and
  ``np.longdouble`` gives longdouble (so ``1e400`` keeps its meaning instead
  of becoming inf in float64).  float16 is computed in float32 and cast back
  at the end: a float16 sum of exponentials overflows past 65504 (70,000
  equal logits would give inf, and every probability 0).
  Big-endian arrays (``'>f2'``) are computed exactly like native ones and
  come back in native byte order.  Object arrays are accepted only if every
  entry is a real number (int, float, ``Fraction``, ``Decimal``).  Anything
  else (strings, ``None``, complex numbers, dates and time spans such as
  ``datetime``, ``np.datetime64`` or ``np.timedelta64``, ``pd.NA``, ragged
  lists) raises ``TypeError`` naming what was passed.
* **Masked arrays.**  A masked entry of a ``np.ma`` array is treated as
  ``-inf``: probability 0 in :func:`softmax`, ``-inf`` in
  :func:`log_softmax`, left out of :func:`logsumexp`, an impossible class in
  :func:`cross_entropy`.  The result is a plain array.  The elementwise
  functions (:func:`sigmoid`, :func:`log_sigmoid`, :func:`softplus`,
  :func:`binary_cross_entropy`, where ``-inf`` would mean probability 0, not
  "missing") and a masked ``target`` raise ``TypeError`` instead.  The same
  rule holds in :mod:`softmax_lib.calibration` and
  :mod:`softmax_lib.decoding` (see :mod:`softmax_lib._validate`).
* **Empty input.**  A row with no entries (``softmax([])``,
  ``softmax(np.zeros((3, 0)))``) or a batch with no rows gives an empty
  result of the same shape, and so does an elementwise function of an empty
  array.  :func:`logsumexp` of an empty row is ``-inf`` (the log of a sum of
  no terms, 0).  :func:`cross_entropy` raises ``ValueError`` for logits with
  no classes.  A loss over an empty batch (:func:`cross_entropy`,
  :func:`binary_cross_entropy`) is 0.0 with ``reduction="sum"``, an empty
  array with ``"none"``, and a ``ValueError`` with ``"mean"``: there is no
  mean of no losses.
* **Rows are independent.**  "Row" means the 1-D slices along ``axis``.
  Nothing one row holds can change another row's result.
* **Finite input never warns.**  However large the logits (``[1000, 999, 0]``,
  ``[1e300, -1e300]``) the result is exact up to rounding and no
  ``RuntimeWarning`` is raised.
* **Non-finite input, per row:**

  ===================  =========================================================
  row contains         softmax gives
  ===================  =========================================================
  ``-inf`` entries     probability 0 for those entries (this is how masking
                       works); the rest is an ordinary softmax
  only ``-inf``        NaN for the whole row: no class is allowed, so there is
                       no distribution to return (``logsumexp`` gives ``-inf``)
  ``+inf`` entries     the limit as those entries grow: they share the
                       probability equally and every other entry gets 0
                       (at any temperature)
  a NaN                NaN for the whole row
  ===================  =========================================================

* **Temperature.**  ``softmax(z, temperature=T)`` is ``softmax(z / T)``.  T
  must be a real number > 0; ``T = inf`` gives the uniform distribution over
  the entries that are not ``-inf``.  The shift by the row maximum happens
  before the division by T, so a tiny T cannot overflow either.  A T that
  does not fit in the input's dtype (``1e-300`` or ``1e300`` with float32 or
  float16 logits) divides in float64, so the result is what float64 gives,
  rounded once: ``softmax(np.float32([0, -inf, 1]), temperature=1e300)`` is
  ``[0.5, 0, 0.5]``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_real_array, check_axis, check_reduction, check_temperature, compute_dtype
from .formatting import describe, short_repr

__all__ = [
    "softmax",
    "log_softmax",
    "logsumexp",
    "tempered_logits",
    "sigmoid",
    "log_sigmoid",
    "softplus",
    "cross_entropy",
    "binary_cross_entropy",
    "naive_softmax",
]

# Rows are processed in blocks of about this many bytes (one core's L2 cache
# on the machines we measured), so that the passes after the first (exp, sum,
# scale) read data that is still in cache.  On a (1024, 32000) float32 array,
# 256 KiB blocks took 47 ms and 1 MiB blocks 44 ms (fewer Python-level calls).
_BLOCK_BYTES = 1024 * 1024

# --------------------------------------------------------------------------
# input handling: softmax_lib._validate holds the checks core, calibration and
# decoding share (see its docstring for the masked-array and scalar rules)
# --------------------------------------------------------------------------
# Kept for lesson 07's module and checks.py until they import the public names
# (softmax_lib._validate.as_real_array, softmax_lib.formatting.short_repr).
_as_real_array = as_real_array
_short_repr = short_repr


def _divide(a: np.ndarray, t: float) -> np.ndarray:
    """``a / t`` in ``a``'s dtype, also when ``t`` itself does not fit in it.

    ``T = 1e-300`` rounds to 0 in float32 and ``T = 1e300`` to inf, which would
    turn ``0 / T`` into NaN: such a T divides in float64, and the quotient is
    rounded once to ``a``'s dtype (to 0 or -inf where it is out of range).
    """
    info = np.finfo(a.dtype)
    if info.tiny <= t <= info.max:
        return np.divide(a, a.dtype.type(t))
    return np.divide(a, np.float64(t)).astype(a.dtype)


# --------------------------------------------------------------------------
# the shared pipeline: shifted = (z - max) / T, with the non-finite rules
# --------------------------------------------------------------------------
def _shifted(x: np.ndarray, axis: int, t: float) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(shifted, m)``: ``shifted = (x - m) / t`` with ``m`` the row max.

    The non-finite rules of the module docstring are applied here, once, for
    every function: a row whose max is ``+inf`` becomes 0 at its ``+inf``
    entries and ``-inf`` elsewhere (the limit, at any temperature); a row of
    only ``-inf`` becomes NaN; a NaN entry makes ``m`` NaN and so the whole
    row NaN.  ``t = inf`` maps every entry that is not ``-inf`` to 0.
    The caller runs this under ``np.errstate(all="ignore")``.
    """
    m = np.max(x, axis=axis, keepdims=True)
    if t == np.inf:
        shifted = np.where(x == -np.inf, -np.inf, np.where(np.isnan(x), np.nan, 0.0))
        shifted = shifted.astype(x.dtype, copy=False)
    else:
        # x - m cannot overflow to +inf: every result is <= 0 (it may reach
        # -inf for [1e308, -1e308], which is the right limit: probability 0).
        shifted = np.subtract(x, m)
        if t != 1.0:
            shifted = _divide(shifted, t)
        if t > 1.0:
            # (x - m) / t can be finite where x - m overflowed, e.g.
            # [1e308, -1e308] at T = 1e308 is softmax([1, -1]): redo those.
            lost = np.isneginf(shifted) & np.isfinite(x)
            if lost.any():
                shifted = np.where(lost, _divide(x, t) - _divide(m, t), shifted)
    if not np.isfinite(m).all():
        dt = x.dtype.type
        shifted = np.where(m == np.inf, np.where(x == np.inf, dt(0), dt(-np.inf)), shifted)
        # only -inf, or a NaN (spelled out for t = inf, where x - m is not
        # formed and a NaN next to -inf entries would otherwise be lost)
        shifted = np.where((m == -np.inf) | np.isnan(m), dt(np.nan), shifted)
    return shifted, m


# --------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------
def softmax(z: ArrayLike, axis: int = -1, *, temperature: float = 1.0) -> np.ndarray:
    r"""Turn logits into probabilities that are positive and sum to 1.

    .. math::

        \operatorname{softmax}(z)_i = \frac{e^{z_i / T}}{\sum_j e^{z_j / T}}

    Parameters
    ----------
    z : array_like
        Logits: any real numbers, of any shape.  Lists and integer arrays are
        computed in float64.
    axis : int, optional
        The class axis: each 1-D slice along it is one row of logits and is
        normalised on its own.  Default ``-1`` (the last axis, the usual
        ``(samples, classes)`` layout).
    temperature : float, optional, keyword-only
        ``T > 0``.  ``T < 1`` sharpens the distribution towards the argmax,
        ``T > 1`` flattens it towards uniform; ``T = inf`` gives uniform.
        Default 1.

    Returns
    -------
    ndarray
        Same shape as ``z``, in the input's float dtype (float16, float32,
        float64 or longdouble); float64 for lists and integers.  Each row is
        in [0, 1] and sums to 1 up to rounding.

    Raises
    ------
    TypeError
        If ``z`` is not real numbers, or ``temperature`` is not a number.
    ValueError
        If ``temperature <= 0`` or ``axis`` is out of range, or ``z`` is a
        single number.

    Notes
    -----
    Softmax does not change when the same constant is added to every logit,
    because :math:`e^{z_i - c} / \sum_j e^{z_j - c}` cancels :math:`e^{-c}`.
    This function subtracts each row's maximum before exponentiating, so the
    largest exponent is :math:`e^0 = 1` (no overflow) and the denominator is at
    least 1 (no division by zero).  The scaling uses one reciprocal per row
    and a multiply, and rows are processed in cache-sized blocks.

    See the module docstring of :mod:`softmax_lib.core` for how ``-inf``,
    ``+inf`` and NaN entries are handled (``-inf`` means probability 0).

    Examples
    --------
    >>> import numpy as np
    >>> from softmax_lib import softmax
    >>> softmax([2.0, 1.0, 0.1]).round(4)
    array([0.659 , 0.2424, 0.0986])
    >>> softmax([1000, 999, 0]).round(4)        # no overflow
    array([0.7311, 0.2689, 0.    ])
    >>> softmax([[1, 2], [3, 3]])               # each row on its own
    array([[0.26894142, 0.73105858],
           [0.5       , 0.5       ]])
    >>> softmax([1.0, 2.0], temperature=np.inf)
    array([0.5, 0.5])
    >>> softmax([0.0, -np.inf, 1.0]).round(4)   # -inf is a mask
    array([0.2689, 0.    , 0.7311])
    >>> softmax(np.ma.array([0.0, 5.0, 1.0], mask=[0, 1, 0])).round(4)  # so is np.ma
    array([0.2689, 0.    , 0.7311])
    """
    x = as_real_array(z)
    ax = check_axis(x, axis)
    t = check_temperature(temperature)
    in_dtype = x.dtype
    if x.size == 0:  # no rows, or rows of no entries: nothing to normalise
        return np.empty(x.shape, in_dtype)
    x = x.astype(compute_dtype(x), copy=False)

    if t == 1.0 and ax == x.ndim - 1 and x.flags.c_contiguous and x.size > 0:
        out = _softmax_last_axis_blocked(x)
    else:
        with np.errstate(all="ignore"):
            shifted, _ = _shifted(x, ax, t)
            out = np.exp(shifted, out=shifted)
            total = np.sum(out, axis=ax, keepdims=True)
            np.reciprocal(total, out=total)
            out *= total
    return out.astype(in_dtype, copy=False)


def _softmax_last_axis_blocked(x: np.ndarray) -> np.ndarray:
    """softmax along the last axis of a C-contiguous array, in row blocks.

    Each block is read once from memory by ``max``; the subtraction, ``exp``,
    ``sum`` and scaling then work on data that is still in cache.
    """
    n = x.shape[-1]
    rows = x.reshape(-1, n)
    out = np.empty_like(rows)
    step = max(1, _BLOCK_BYTES // max(1, n * x.itemsize))
    with np.errstate(all="ignore"):
        for start in range(0, rows.shape[0], step):
            xb = rows[start : start + step]
            ob = out[start : start + step]
            m = xb.max(axis=-1, keepdims=True)
            np.subtract(xb, m, out=ob)
            if not np.isfinite(m).all():  # rare: apply the non-finite rules
                ob[...] = _shifted(xb, 1, 1.0)[0]
            np.exp(ob, out=ob)
            total = ob.sum(axis=-1, keepdims=True)
            np.reciprocal(total, out=total)
            ob *= total
    return out.reshape(x.shape)


def naive_softmax(z: ArrayLike, axis: int = -1) -> np.ndarray:
    r"""The textbook formula ``exp(z) / sum(exp(z))``, with no protection.

    Kept on purpose so the lessons can show what goes wrong: ``exp`` overflows
    to ``inf`` for float64 logits above about 709.78 (88.72 for float32),
    and ``inf / inf`` is NaN.  Use :func:`softmax` for real work.

    Parameters
    ----------
    z : array_like
        Logits; lists and integer arrays are computed in float64.
    axis : int, optional
        The class axis.  Default ``-1``.

    Returns
    -------
    ndarray
        ``np.exp(z) / np.sum(np.exp(z), axis=axis, keepdims=True)``, warnings
        and all.

    Examples
    --------
    >>> from softmax_lib import naive_softmax
    >>> naive_softmax([2.0, 1.0, 0.1]).round(4)
    array([0.659 , 0.2424, 0.0986])
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     naive_softmax([1000.0, 999.0, 0.0])
    array([nan, nan,  0.])
    """
    x = as_real_array(z)
    ax = check_axis(x, axis)
    e = np.exp(x)
    return e / np.sum(e, axis=ax, keepdims=True)


def logsumexp(z: ArrayLike, axis: int = -1, keepdims: bool = False) -> np.ndarray:
    r"""``log(sum(exp(z)))`` along ``axis``, without overflow or lost digits.

    .. math::

        \operatorname{LSE}(z) = m + \log\Big(1 + \sum_{j \ne k} e^{z_j - m}\Big),
        \qquad m = z_k = \max_j z_j

    Parameters
    ----------
    z : array_like
        Real numbers; lists and integer arrays are computed in float64.
    axis : int, optional
        Axis to reduce.  Default ``-1``.
    keepdims : bool, optional
        Keep the reduced axis with length 1, so the result broadcasts against
        ``z`` (as ``z - logsumexp(z, keepdims=True)``).  Default False.

    Returns
    -------
    ndarray or scalar
        The input's float dtype, as in :func:`softmax`.  A row of only
        ``-inf``, or an empty row, gives ``-inf`` (log of 0); a ``+inf``
        entry gives ``+inf``; a NaN gives NaN.

    Notes
    -----
    The maximum ``m`` is factored out so no exponent is positive.  The sum of
    the *other* terms is passed to ``log1p`` instead of adding 1 first: when
    those terms are tiny, ``1 + tiny`` would round to 1 and lose them.  This
    is what keeps :func:`log_softmax` accurate for the largest logit.

    Examples
    --------
    >>> from softmax_lib import logsumexp
    >>> float(logsumexp([1000.0, 1000.0]))       # 1000 + log 2
    1000.6931471805599
    >>> logsumexp([[0.0, 0.0], [1.0, -np.inf]]).round(6)
    array([0.693147, 1.      ])
    >>> float(logsumexp([]))                    # log of a sum of no terms
    -inf
    """
    x = as_real_array(z)
    ax = check_axis(x, axis)
    in_dtype = x.dtype
    if x.shape[ax] == 0:  # a sum of no terms is 0, and log 0 = -inf
        shape = x.shape[:ax] + ((1,) if keepdims else ()) + x.shape[ax + 1 :]
        return np.full(shape, -np.inf, in_dtype)[()]
    x = x.astype(compute_dtype(x), copy=False)
    with np.errstate(all="ignore"):
        lse = _lse(x, ax, 1.0)[0]
        if not keepdims:
            lse = np.squeeze(lse, axis=ax)
        # float16: a result above 65504 rounds to +inf (no overflow warning)
        return lse.astype(in_dtype, copy=False)[()]


def _lse(x: np.ndarray, ax: int, t: float) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(lse, shifted)`` where ``lse = logsumexp(x / t)`` and
    ``shifted = (x - max) / t``, both in the log1p form."""
    shifted, m = _shifted(x, ax, t)
    e = np.exp(shifted)
    # Sum every term except one copy of the row maximum, whose term is exactly
    # e^0 = 1, and add that 1 inside log1p: log(1 + rest) stays accurate when
    # rest is tiny, where log(sum) would have rounded 1 + rest to 1.
    k = np.argmax(np.where(np.isnan(shifted), -np.inf, shifted), axis=ax)
    np.put_along_axis(e, np.expand_dims(k, ax), 0.0, axis=ax)
    log_total = np.log1p(np.sum(e, axis=ax, keepdims=True))
    base = _divide(m, t) if t != np.inf else np.where(np.isnan(m), np.nan, 0.0)
    lse = np.where(m == -np.inf, -np.inf, base + log_total)  # log 0 = -inf
    lse = np.where(m == np.inf, np.inf, lse)
    return lse.astype(x.dtype, copy=False), (shifted - log_total).astype(x.dtype, copy=False)


def log_softmax(z: ArrayLike, axis: int = -1, *, temperature: float = 1.0) -> np.ndarray:
    r"""The logarithm of :func:`softmax`, computed without taking ``log(softmax)``.

    .. math::

        \log \operatorname{softmax}(z)_i = \frac{z_i - m}{T}
            - \log\Big(1 + \sum_{j \ne k} e^{(z_j - m)/T}\Big),
        \qquad m = z_k = \max_j z_j

    Parameters
    ----------
    z : array_like
        Logits of any shape.
    axis : int, optional
        The class axis.  Default ``-1``.
    temperature : float, optional, keyword-only
        ``T > 0``, as in :func:`softmax`.

    Returns
    -------
    ndarray
        Same shape and dtype rules as :func:`softmax`.  Entries are <= 0;
        ``-inf`` logits give ``-inf``.

    Notes
    -----
    ``np.log(softmax(z))`` gives ``-inf`` as soon as a probability underflows
    to 0 (``softmax([0, -800])[1]`` is 0 in float64, but its log is -800).
    Working in the log domain keeps every entry finite.  For the largest
    logit the value is ``-log1p(rest)``, which stays accurate when ``rest``
    is tiny; ``z - logsumexp(z)`` would cancel two nearly equal numbers there
    (SciPy issue 19521 reports errors of ~10^9 ULP from that form).

    Examples
    --------
    >>> from softmax_lib import log_softmax
    >>> log_softmax([0.0, -800.0])                  # log(softmax) would give -inf
    array([   0., -800.])
    >>> float(log_softmax([0.0, -40.0])[0])         # -e^-40, not 0 or -2e-16
    -4.248354255291589e-18
    """
    x = as_real_array(z)
    ax = check_axis(x, axis)
    t = check_temperature(temperature)
    in_dtype = x.dtype
    if x.size == 0:
        return np.empty(x.shape, in_dtype)
    x = x.astype(compute_dtype(x), copy=False)
    with np.errstate(all="ignore"):
        _, out = _lse(x, ax, t)
        # float16: a result below -65504 rounds to -inf (no overflow warning)
        return out.astype(in_dtype, copy=False)


def tempered_logits(z: ArrayLike, axis: int = -1, *, temperature: float = 1.0) -> np.ndarray:
    r"""The logits :func:`softmax` exponentiates: ``(z - max(z)) / T`` in each row.

    ``softmax(tempered_logits(z, temperature=T))`` is exactly
    ``softmax(z, temperature=T)``, so these are the logits to truncate or
    sample from at a temperature.  Never compute them as ``z / T``: for large
    logits or a small ``T`` that overflows (``[1.7e308, 1e308] / 0.5`` is
    ``[inf, inf]``, and its softmax is ``[0.5, 0.5]`` instead of ``[1, 0]``).

    Parameters
    ----------
    z : array_like
        Logits of any shape.
    axis : int, optional
        The class axis.  Default ``-1``.
    temperature : float, optional, keyword-only
        ``T > 0``, as in :func:`softmax`.

    Returns
    -------
    ndarray
        Same shape and dtype rules as :func:`softmax`.  Each row's largest
        entry is 0 and the others are ``<= 0`` (``-inf`` where the
        probability is 0).  The non-finite rules of the module docstring are
        applied: ``+inf`` entries become 0 and the rest of their row
        ``-inf``; a row with a NaN, or of only ``-inf``, becomes NaN.  At
        ``T = inf`` every entry that is not ``-inf`` is 0.

    Examples
    --------
    >>> from softmax_lib import tempered_logits
    >>> tempered_logits([2.0, 1.0, 0.1], temperature=0.5)
    array([ 0. , -2. , -3.8])
    >>> tempered_logits([1.7e308, 1e308], temperature=0.5)     # z / 0.5 would be [inf, inf]
    array([ 0.0e+000, -1.4e+308])
    >>> tempered_logits([np.inf, 0.0, np.inf])                  # the +inf entries share the probability
    array([  0., -inf,   0.])
    """
    x = as_real_array(z)
    ax = check_axis(x, axis)
    t = check_temperature(temperature)
    in_dtype = x.dtype
    if x.size == 0:
        return np.empty(x.shape, in_dtype)
    x = x.astype(compute_dtype(x), copy=False)
    with np.errstate(all="ignore"):
        shifted, _ = _shifted(x, ax, t)
    return shifted.astype(in_dtype, copy=False)


def sigmoid(z: ArrayLike) -> np.ndarray:
    r"""The logistic function :math:`\sigma(z) = 1 / (1 + e^{-z})`, elementwise.

    Parameters
    ----------
    z : array_like
        Real numbers, any shape (a plain number is fine).

    Returns
    -------
    ndarray or scalar
        Values in [0, 1]; same dtype rules as :func:`softmax`.
        ``sigmoid(inf) = 1``, ``sigmoid(-inf) = 0``, NaN stays NaN.

    Notes
    -----
    For ``z >= 0`` it computes ``1 / (1 + e^{-z})`` and for ``z < 0``
    ``e^{z} / (1 + e^{z})``, so the exponent is never positive and
    ``sigmoid(-1000)`` gives 0 with no overflow warning.  Both branches use
    the same reciprocal-multiply as :func:`softmax`, so that
    ``softmax([z, 0])[0] == sigmoid(z)`` holds exactly: sigmoid *is* two-class
    softmax.

    Examples
    --------
    >>> from softmax_lib import sigmoid, softmax
    >>> sigmoid([-1000.0, 0.0, 1000.0])
    array([0. , 0.5, 1. ])
    >>> bool(sigmoid(1.5) == softmax([1.5, 0.0])[0])
    True
    """
    x = as_real_array(z, masked="error")
    in_dtype = x.dtype
    xs = np.atleast_1d(x.astype(compute_dtype(x), copy=False))
    with np.errstate(all="ignore"):
        e = np.exp(-np.abs(xs))  # in (0, 1]: never overflows
        inv = np.reciprocal(1.0 + e)
        out = np.where(xs >= 0, inv, e * inv)
        out = np.where(np.isnan(xs), np.nan, out)
    return out.reshape(x.shape).astype(in_dtype, copy=False)[()]


def softplus(x: ArrayLike) -> np.ndarray:
    r"""``log(1 + e^x)``, elementwise, without overflow or lost digits.

    Parameters
    ----------
    x : array_like
        Real numbers, any shape (a plain number is fine).

    Returns
    -------
    ndarray or scalar
        ``softplus(x) >= max(x, 0)``; ``softplus(inf) = inf``,
        ``softplus(-inf) = 0``, NaN stays NaN.  Same dtype rules as
        :func:`softmax`; an empty array gives an empty array.

    Raises
    ------
    TypeError
        If ``x`` is not real numbers, or is a masked array.

    Notes
    -----
    Computed as :math:`\max(x, 0) + \operatorname{log1p}(e^{-|x|})`: the
    exponent is never positive (no overflow), and ``log1p`` keeps the digits
    of a tiny :math:`e^{-|x|}`.  ``np.log(1 + np.exp(x))`` overflows to inf
    for ``x > 709.78`` and returns 0 for ``x < -36.7``.  It is the
    log-sum-exp of ``[x, 0]``, and ``-softplus(-z)`` is :func:`log_sigmoid`.

    Examples
    --------
    >>> from softmax_lib import softplus
    >>> softplus([-1000.0, 0.0, 1000.0]).tolist()
    [0.0, 0.6931471805599453, 1000.0]
    """
    arr = as_real_array(x, "x", masked="error")
    in_dtype = arr.dtype
    xs = arr.astype(compute_dtype(arr), copy=False)
    with np.errstate(all="ignore"):  # inf - inf never happens: |x| >= x
        out = np.maximum(xs, 0) + np.log1p(np.exp(-np.abs(xs)))
    return out.astype(in_dtype, copy=False)[()]


def log_sigmoid(z: ArrayLike) -> np.ndarray:
    r"""``log σ(z) = -softplus(-z)``, elementwise, finite for every finite ``z``.

    Parameters
    ----------
    z : array_like
        Logits, any shape.

    Returns
    -------
    ndarray or scalar
        Values ``<= 0``: ``log_sigmoid(-1000) = -1000`` (``np.log(sigmoid(-1000))``
        is ``-inf``), ``log_sigmoid(inf) = 0``, ``log_sigmoid(-inf) = -inf``.
        Same dtype rules as :func:`softmax`.

    Raises
    ------
    TypeError
        If ``z`` is not real numbers, or is a masked array.

    Notes
    -----
    :math:`\log \sigma(z) = -\log(1 + e^{-z}) = \min(z, 0) - \operatorname{log1p}(e^{-|z|})`.
    It is the two-class case of log-softmax: ``log_softmax([z, 0])[0]``.

    Examples
    --------
    >>> from softmax_lib import log_sigmoid
    >>> log_sigmoid([-1000.0, 0.0, 40.0]).tolist()
    [-1000.0, -0.6931471805599453, -4.248354255291589e-18]
    """
    x = as_real_array(z, masked="error")
    return -softplus(-x)


def cross_entropy(
    logits: ArrayLike,
    target: ArrayLike,
    axis: int = -1,
    reduction: str = "mean",
) -> np.ndarray:
    r"""Cross-entropy between softmax(logits) and a target, from the logits.

    .. math::

        \ell = -\sum_i y_i \log \operatorname{softmax}(z)_i
             = \operatorname{LSE}(z) - \sum_i y_i z_i \quad (\textstyle\sum_i y_i = 1)

    Parameters
    ----------
    logits : array_like
        Logits, classes along ``axis``.
    target : array_like
        Either **class indices** (integers, with the shape of ``logits``
        without ``axis``), or **probability rows** (the shape of ``logits``,
        non-negative, each row summing to 1, e.g. one-hot rows or soft
        targets from distillation).
    axis : int, optional
        The class axis.  Default ``-1``.
    reduction : {"mean", "sum", "none"}, optional
        Average over samples (default), add them up, or return one loss per
        sample.

    Returns
    -------
    ndarray or float
        The loss, in nats (natural log).  ``"none"`` keeps the logits' dtype;
        ``"sum"`` and ``"mean"`` of float16 logits are float32, since a
        float16 total passes 65504 quickly (95 000 losses of 10 do).

    Raises
    ------
    ValueError
        If the logits have no classes (length 0 along ``axis``), if class
        indices are out of range or probability rows do not sum to 1, or
        ``reduction="mean"`` on an empty batch (there is no mean of no
        losses: ``"sum"`` gives 0.0 and ``"none"`` an empty array).
    TypeError
        If ``target`` is not integers or floats, or is a masked array.

    Notes
    -----
    The loss is computed from :func:`log_softmax`, never from
    ``log(softmax(z))``: frameworks fuse the two steps for the same reason
    (``torch.nn.CrossEntropyLoss`` takes logits).  A target of 0 contributes
    nothing, even where the log-probability is ``-inf``.  The mean never
    overflows when every loss is finite (``[[1e308, 0], [1e308, 0]]`` with
    targets ``[1, 1]`` gives 1e308, not inf); a sum beyond the float range is
    inf, without a warning.

    Examples
    --------
    >>> from softmax_lib import cross_entropy
    >>> round(float(cross_entropy([2.0, 1.0, 0.1], 0)), 4)     # -log 0.659
    0.417
    >>> cross_entropy([[2.0, 1.0, 0.1], [0.0, 0.0, 0.0]], [0, 2], reduction="none").round(4)
    array([0.417 , 1.0986])
    >>> round(float(cross_entropy([0.0, 0.0], [0.5, 0.5])), 4)  # soft target
    0.6931
    """
    z = as_real_array(logits, "logits")
    ax = check_axis(z, axis)
    check_reduction(reduction)
    if z.shape[ax] == 0:
        raise ValueError(
            f"logits have no classes (shape {z.shape}, and axis {ax} has length 0): "
            "cross-entropy needs at least one class per sample"
        )
    logp = log_softmax(z, axis=ax)
    if isinstance(target, (str, bytes)):
        raise TypeError(f"target must be class indices or probability rows, got {describe(target)}")
    if isinstance(target, np.ma.MaskedArray):
        raise TypeError(
            "target is a masked array; a masked label has no loss. Pass only the "
            "samples you want, e.g. cross_entropy(z[keep], target[keep])."
        )
    try:
        y = np.asarray(target)
    except ValueError:
        y = np.asarray(target, dtype=object)
    batch_shape = z.shape[:ax] + z.shape[ax + 1 :]
    if y.dtype.kind not in "biuf":
        raise TypeError(f"target must be class indices (integers) or probability rows (floats), got {describe(target)}")
    if y.size == 0 and y.shape == batch_shape:  # an empty batch: [] is float64
        y = y.astype(np.intp)
    if y.dtype.kind in "iu" and y.shape == batch_shape:
        n = z.shape[ax]
        bad = (y < 0) | (y >= n)
        if np.any(bad):
            raise ValueError(
                f"class indices must be in [0, {n - 1}] for {n} classes; got {np.unique(y[bad])[:5].tolist()}"
            )
        picked = np.take_along_axis(logp, np.expand_dims(y, ax), axis=ax)
        per_sample = -np.squeeze(picked, axis=ax)
    elif y.shape == z.shape:
        y = as_real_array(y, "target")
        if not np.all(np.isfinite(y)) or np.any(y < 0):
            raise ValueError(
                "probability targets must be finite and >= 0; for hard labels pass integer class indices instead"
            )
        sums = y.sum(axis=ax)
        tol = 1e-6 if y.dtype == np.float64 else 1e-3
        if not np.allclose(sums, 1.0, rtol=0, atol=tol):
            raise ValueError(
                "probability targets must sum to 1 along the class axis; got row "
                f"sums {np.round(sums, 6).ravel()[:5].tolist()}. Pass class "
                "indices (integers) for hard labels, or normalise the rows."
            )
        with np.errstate(all="ignore"):
            per_sample = -np.sum(np.where(y > 0, y * logp, 0.0), axis=ax)
    elif y.shape == batch_shape:
        raise TypeError(
            f"class-index targets must be integers, got dtype {y.dtype}; convert with np.asarray(target).astype(int)"
        )
    else:
        raise ValueError(
            f"target shape {y.shape} does not fit logits shape {z.shape}: pass "
            f"class indices of shape {batch_shape} or probability rows of "
            f"shape {z.shape}"
        )
    return _reduce(per_sample, reduction)


def binary_cross_entropy(z: ArrayLike, t: ArrayLike, reduction: str = "mean") -> np.ndarray:
    r"""Binary cross-entropy from logits: ``-t log σ(z) - (1 - t) log(1 - σ(z))``, elementwise.

    Parameters
    ----------
    z : array_like
        Logits, one per label (any shape: a batch of multi-label rows is fine).
    t : array_like
        Targets in [0, 1] with the shape of ``z``: 0/1 labels, or soft targets.
    reduction : {"mean", "sum", "none"}, optional
        Average over all entries (default), add them up, or return them all.

    Returns
    -------
    ndarray or scalar
        In nats.  Its gradient with respect to ``z`` is ``σ(z) - t``.  An
        empty input gives 0.0 with ``"sum"`` and an empty array with
        ``"none"``, as :func:`cross_entropy` does.

    Raises
    ------
    ValueError
        If ``t`` does not have the shape of ``z``, a target is outside [0, 1]
        (or NaN), ``reduction`` is unknown, or ``reduction="mean"`` on an
        empty input (there is no mean of no losses).
    TypeError
        If ``z`` or ``t`` is not real numbers, or is a masked array.

    Notes
    -----
    With :math:`1 - \sigma(z) = \sigma(-z)` the loss is
    :math:`t\,\operatorname{softplus}(-z) + (1-t)\,\operatorname{softplus}(z)
    = \operatorname{softplus}(z) - t z`; the first form is used, so an
    infinite logit with a matching target costs 0, not NaN.  It is
    :func:`cross_entropy` of ``[z, 0]`` with the soft target ``[t, 1 - t]``.

    Examples
    --------
    >>> from softmax_lib import binary_cross_entropy
    >>> round(float(binary_cross_entropy(-800.0, 1.0)), 3)   # -np.log(sigmoid(-800)) is inf
    800.0
    >>> binary_cross_entropy([2.0, -1.0], [1.0, 0.0], reduction="none").round(4).tolist()
    [0.1269, 0.3133]
    """
    zz = as_real_array(z, "z", masked="error")
    tt = as_real_array(t, "t", masked="error")
    check_reduction(reduction)
    if tt.shape != zz.shape:
        raise ValueError(f"t must have the shape of z, {zz.shape}; got {tt.shape}. Give one target per logit.")
    bad = ~((tt >= 0) & (tt <= 1))  # also NaN
    if np.any(bad):
        raise ValueError(
            f"targets must lie in [0, 1] (0/1 labels or soft targets); got {np.unique(tt[bad])[:5].tolist()}"
        )
    with np.errstate(invalid="ignore"):  # 0 * inf where a target is 0 or 1: that term is 0
        pos = np.where(tt > 0, tt * softplus(-zz), 0.0)
        neg = np.where(tt < 1, (1 - tt) * softplus(zz), 0.0)
    per = pos + neg
    if reduction == "none":
        return per[()]
    return _reduce(np.asarray(per), reduction)


def _reduce(per_sample: np.ndarray, reduction: str) -> np.ndarray:
    """Sum or average per-sample losses without spurious overflow.

    float16 losses are added up in float32 (95 000 losses of 10 would pass
    float16's largest value, 65504).  A mean whose running sum overflows
    while every loss is finite is recomputed from the losses divided by n
    first, so ``mean([1e308, 1e308])`` is 1e308, not inf.
    """
    if reduction == "none":
        return per_sample
    acc = np.float32 if per_sample.dtype.itemsize == 2 else per_sample.dtype.type
    with np.errstate(all="ignore"):
        total = np.sum(per_sample, dtype=acc)
        if reduction == "sum":
            return total[()]  # beyond the float range it is inf, silently
        n = per_sample.size
        if n == 0:
            raise ValueError(
                "an empty batch (no samples) has no mean loss; use reduction='sum' "
                "(0.0 for no samples) or reduction='none' (an empty array)"
            )
        mean = total / acc(n)
        if np.isinf(mean) and np.isfinite(per_sample).all():
            mean = np.sum(per_sample.astype(acc) / acc(n), dtype=acc)
    return mean[()]
