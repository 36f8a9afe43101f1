"""Input checks shared by :mod:`~softmax_lib.core`, :mod:`~softmax_lib.calibration` and
:mod:`~softmax_lib.decoding` (internal: the names here are public to the library, not to learners).

Every check returns the value in the form the maths needs, or raises a
``TypeError`` (wrong kind of thing) or ``ValueError`` (right kind, wrong
value) whose message says what was passed and what to pass instead.

The library's rules for arrays, stated once:

* **Real numbers only.**  :func:`as_real_array` accepts lists, tuples, integer,
  boolean and floating arrays, and object arrays of real numbers (int, float,
  ``Fraction``, ``Decimal``).  Strings, ``None``, complex numbers, dates and
  time spans and ragged lists are a ``TypeError``.
* **Masked arrays, one rule.**  A mask on *logits* (one entry per class)
  means "this class is impossible": the entry becomes ``-inf``, probability
  0, as a ``-inf`` logit does everywhere (``softmax``, ``log_softmax``,
  ``cross_entropy``, the decoding functions, ``temperature_nll`` and
  ``fit_temperature``).  A mask anywhere else -- targets, labels,
  confidences, right/wrong flags, probability rows, or an elementwise
  function such as ``sigmoid`` -- is a ``TypeError``: dropping a masked
  sample would silently change the number a mean is taken over, and using
  the hidden value would silently use data the caller marked invalid.
  Pass only the samples you want (``conf[~mask]``) instead.
* **Scalars that do not fit.**  A number beyond float64's range
  (``10**400``, ``Fraction(1, 10**400)``) is a ``ValueError`` naming it,
  never an ``OverflowError`` from inside NumPy or a silent 0 or inf.
"""

from __future__ import annotations

import decimal
import math
import numbers
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .formatting import describe, short_repr

__all__ = [
    "is_real_number",
    "as_real_array",
    "as_float64_array",
    "refuse_masked",
    "check_axis",
    "as_float",
    "check_temperature",
    "check_top_k",
    "check_top_p",
    "check_rng",
    "check_reduction",
    "compute_dtype",
    "REDUCTIONS",
]

#: The reductions a loss accepts.
REDUCTIONS = ("mean", "sum", "none")

_FLOAT64_MAX = float(np.finfo(np.float64).max)
_FLOAT64_TINY = 5e-324  # the smallest positive (subnormal) float64


def is_real_number(v: Any) -> bool:
    """True for an object that is a real number (int, float, Fraction, Decimal,
    NumPy real scalars); False for None, strings, complex numbers, dates and
    time spans (``np.timedelta64`` counts as an integer to Python)."""
    if isinstance(v, (np.datetime64, np.timedelta64)):
        return False
    return isinstance(v, (numbers.Real, decimal.Decimal))


def _masked_error(name: str) -> TypeError:
    return TypeError(
        f"{name} is a masked array, and a masked entry has no meaning here. Pass only the "
        f"entries you want (e.g. {name}[~mask], or {name}.compressed()), or fill the masked "
        f"entries first, e.g. np.ma.filled({name}, np.nan)."
    )


def refuse_masked(x: Any, name: str) -> None:
    """Raise the library's TypeError if ``x`` is a masked array (per-sample data)."""
    if isinstance(x, np.ma.MaskedArray):
        raise _masked_error(name)


def as_real_array(z: ArrayLike, name: str = "z", *, masked: str = "-inf") -> NDArray[np.floating]:
    """Return ``z`` as a floating NumPy array in native byte order, or raise a clear error.

    Integers and booleans become float64; float16/32/64 and longdouble are
    kept.  ``masked="-inf"`` (logits): a masked array's masked entries become
    ``-inf``; ``masked="error"``: a masked array is a ``TypeError``.
    """
    if isinstance(z, np.ma.MaskedArray):
        if masked != "-inf":
            raise _masked_error(name)
        mask = np.ma.getmaskarray(z)
        arr = as_real_array(np.ma.getdata(z), name)
        return np.where(mask, arr.dtype.type(-np.inf), arr) if mask.any() else arr
    if isinstance(z, (str, bytes)):
        raise TypeError(f"{name} must be real numbers (a list or NumPy array of floats), got {describe(z)}")
    try:
        arr = np.asarray(z)
    except ValueError as err:  # ragged nested lists
        raise TypeError(
            f"{name} must be a rectangular array of real numbers; got a ragged "
            f"{type(z).__name__} ({err}). Make every row the same length, or "
            "pad short rows with -inf (probability 0)."
        ) from None
    kind = arr.dtype.kind
    if kind in "biu":
        return arr.astype(np.float64)
    if kind == "f":
        # big-endian ('>f2', '>f16', ...) becomes the native dtype of the same
        # kind and size, so every rule sees one dtype per precision
        return arr if arr.dtype.isnative else arr.astype(arr.dtype.newbyteorder("="))
    if kind == "c":
        raise TypeError(
            f"{name} must be real numbers; got complex values ({describe(z)}). "
            "Pass the real part (np.real(z)) if that is what you mean."
        )
    if kind == "O":
        # astype(float) would quietly turn None into NaN, "1.5" into 1.5, a
        # complex number into its real part and a date into a count of days:
        # only let real numbers through.
        if all(is_real_number(v) for v in arr.flat):
            try:
                return arr.astype(np.float64)
            except (TypeError, ValueError, OverflowError):
                pass
    raise TypeError(
        f"{name} must be real numbers (a list or NumPy array of floats), got {describe(z)} with dtype {arr.dtype}"
    )


def as_float64_array(x: ArrayLike, name: str, *, masked: str = "error") -> NDArray[np.float64]:
    """:func:`as_real_array`, then float64 (per-sample data: a masked array is an error by default)."""
    return as_real_array(x, name, masked=masked).astype(np.float64, copy=False)


def check_axis(arr: np.ndarray, axis: Any) -> int:
    """``axis`` as a non-negative int for ``arr``, or a clear error (``arr`` needs at least one dimension)."""
    if not isinstance(axis, (numbers.Integral, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"axis must be an integer, got {describe(axis)}")
    if arr.ndim == 0:
        raise ValueError(
            "softmax needs at least one dimension (a row of logits); got a "
            "single number. Wrap it in a list, e.g. softmax([z, 0])."
        )
    if not -arr.ndim <= axis < arr.ndim:
        raise ValueError(
            f"axis {axis} is out of range for an array with {arr.ndim} "
            f"dimension(s) (shape {arr.shape}); use an axis in "
            f"[{-arr.ndim}, {arr.ndim - 1}], usually -1 for the class axis"
        )
    return int(axis) % arr.ndim


def as_float(value: Any, name: str, *, example: str, note: str = "") -> float:
    """A real number as a Python float, or a clear error.

    ``TypeError`` for anything that is not a real number (a bool, a string,
    ``None``, a complex number); ``ValueError`` for a number float64 cannot
    hold: beyond its range (``10**400``) or closer to 0 than its smallest
    positive value (``Fraction(1, 10**400)``), which would otherwise become
    inf or 0 without a word.  ``example`` completes "must be a real number
    such as ..."; ``note`` is added to the out-of-range message.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number such as {example}, got {describe(value)}")
    try:
        f = float(value)
    except OverflowError:
        f = math.inf if value > 0 else -math.inf
    if math.isinf(f) and not value == f:
        raise ValueError(
            f"{name} = {short_repr(value)} is beyond the range of a float64 (about "
            f"±{_FLOAT64_MAX:.3g}); pass a number such as {example}{note}"
        )
    if f == 0.0 and not value == 0:
        raise ValueError(
            f"{name} = {short_repr(value)} is closer to 0 than any float64 (the smallest is "
            f"{_FLOAT64_TINY:.3g}); pass a number such as {example}{note}"
        )
    return f


def check_temperature(temperature: Any, *, finite: bool = False, zero_ok: bool = False) -> float:
    """Return T as a float > 0 (``>= 0`` with ``zero_ok``: decoding's greedy T = 0), or raise a clear error.

    ``finite=True`` also refuses ``inf`` (a fitted or reported temperature must be a number).
    """
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        if zero_ok:
            raise TypeError(f"temperature must be a real number >= 0 such as 0.7, got {describe(temperature)}")
        raise TypeError(f"temperature must be a positive real number such as 0.5 or 2.0, got {describe(temperature)}")
    t = as_float(
        temperature,
        "temperature",
        example="0.5 or 2.0",
        note=" (np.inf is the T → ∞ limit, uniform" + ("; 0 is greedy)" if zero_ok else ")"),
    )
    if zero_ok:
        if not t >= 0:  # also catches NaN
            raise ValueError(
                f"temperature must be >= 0, got {temperature!r}: 0 means greedy (always the most "
                "likely token), 1 the model's own distribution, larger values flatten it"
            )
    elif not t > 0:  # also catches NaN
        raise ValueError(
            f"temperature must be > 0, got {temperature!r}. Small values "
            "(e.g. 0.05) sharpen towards argmax, large values (e.g. 20) flatten "
            "towards uniform; T = 0 itself is argmax, which np.argmax gives."
        )
    if finite and t == math.inf:
        raise ValueError(
            "temperature must be a finite number > 0 here, got inf; T = inf would make every prediction uniform"
        )
    return t


def check_top_k(k: Any) -> int:
    """``k`` of top-k as an int >= 1."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"k must be a whole number of tokens such as 5, got {describe(k)}")
    if k < 1:
        raise ValueError(f"k must be at least 1 (k = 1 keeps only the most likely token), got {k}")
    return int(k)


def check_top_p(p: Any) -> float:
    """``p`` of top-p as a float in (0, 1]."""
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"p must be a probability such as 0.9, got {describe(p)}")
    try:
        p = float(p)
    except OverflowError:  # 10**400: far above 1
        p = math.inf
    if not 0.0 < p <= 1.0:  # also catches NaN
        raise ValueError(
            f"p must be in (0, 1], got {p!r}: top-p keeps the most likely tokens until their "
            "probabilities add up to at least p (p = 1 keeps every token; for greedy, use "
            "temperature=0 or top_k=1)"
        )
    return p


def check_rng(rng: Any) -> np.random.Generator:
    """A :class:`numpy.random.Generator`, or an int seed made into a new one."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        "rng must be a numpy.random.Generator, e.g. np.random.default_rng(0), or an int seed, "
        f"got {describe(rng)}: a seeded generator makes the same draws on every run"
    )


def check_reduction(reduction: Any) -> str:
    """One of :data:`REDUCTIONS`."""
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    return reduction


def compute_dtype(arr: np.ndarray) -> np.dtype:
    """float16 is computed in float32; other floats in their own precision."""
    return np.dtype(np.float32) if arr.dtype.itemsize == 2 else arr.dtype
