"""Calibration of a classifier's softmax probabilities: measure it, fix it.

A classifier is **calibrated** when its confidence can be read as a
frequency: of all the predictions it makes with confidence 0.8, about 80 %
are right.  Softmax outputs are positive and sum to 1 by construction, but
nothing in the formula makes them calibrated; a network trained long on
cross-entropy is usually **overconfident** (Guo et al., 2017).

This module holds the reusable maths of lesson 08:

* :func:`reliability_bins` -- per-bin counts, mean confidence and accuracy,
  the numbers behind a reliability diagram (equal-width bins);
  :func:`equal_mass_bins` -- the same with bins that hold equal numbers of
  predictions;
* :func:`ece_from_bins` -- the ECE of any binning, their weighted mean gap:
  the **one** ECE formula, which :func:`expected_calibration_error`,
  :func:`ece_by_temperature` and equal-mass bins all go through;
* :func:`maximum_calibration_error` -- the largest gap of any non-empty bin;
* :func:`brier_score` -- the mean squared distance to the one-hot label;
* :func:`temperature_nll` -- the negative log-likelihood of ``softmax(z / T)``;
* :func:`fit_temperature` -- the ``T`` that minimises it on held-out data
  (temperature scaling).

Masked arrays follow the library's one rule (:mod:`softmax_lib._validate`):
a masked logit is an impossible class (``-inf``); a mask on labels,
confidences, right/wrong flags or probability rows is a ``TypeError``.

References
----------
C. Guo, G. Pleiss, Y. Sun and K. Q. Weinberger, "On Calibration of Modern
Neural Networks", ICML 2017 (arXiv:1706.04599).
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_float64_array, as_real_array, check_temperature, refuse_masked
from .core import log_softmax, softmax
from .formatting import describe

__all__ = [
    "ReliabilityBins",
    "reliability_bins",
    "equal_mass_bins",
    "ece_from_bins",
    "expected_calibration_error",
    "ece_by_temperature",
    "maximum_calibration_error",
    "brier_score",
    "temperature_nll",
    "fit_temperature",
]

#: The number of equal-width bins Guo et al. (2017) use for the ECE.
DEFAULT_BINS = 15

#: The most bins :func:`reliability_bins` accepts (a larger number is a typo,
#: and 10**9 bins would need 7.45 GiB for each per-bin array).
MAX_BINS = 10_000

_INV_PHI = (math.sqrt(5.0) - 1.0) / 2.0  # 1 / golden ratio, about 0.618

#: The smallest ``tol`` :func:`fit_temperature` works to: log T in [log 0.05,
#: log 20] is only resolved to about 4e-16 by float64, and the search cannot
#: shrink its interval below a few such steps.
MIN_TOL = 1e-12
#: An upper bound on golden-section steps (tol = 1e-12 needs 62 with the default bounds).
MAX_STEPS = 200


class ReliabilityBins(NamedTuple):
    """Per-bin statistics of a reliability diagram (see :func:`reliability_bins`).

    Attributes
    ----------
    counts : ndarray of int, shape (n_bins,)
        How many predictions fall in each bin.
    confidence : ndarray of float, shape (n_bins,)
        Mean confidence of the predictions in each bin; NaN for an empty bin.
    accuracy : ndarray of float, shape (n_bins,)
        Fraction of those predictions that are right; NaN for an empty bin.
    edges : ndarray of float, shape (n_bins + 1,)
        The bin edges: ``np.linspace(0, 1, n_bins + 1)`` for
        :func:`reliability_bins`; 0 and each bin's largest confidence for
        :func:`equal_mass_bins`.
    """

    counts: np.ndarray
    confidence: np.ndarray
    accuracy: np.ndarray
    edges: np.ndarray


# --------------------------------------------------------------------------
# input checks
# --------------------------------------------------------------------------
def _check_n_bins(n_bins: Any) -> int:
    if isinstance(n_bins, bool) or not isinstance(n_bins, (numbers.Integral, np.integer)):
        raise TypeError(f"n_bins must be a positive integer such as 15, got {describe(n_bins)}")
    if n_bins < 1:
        raise ValueError(f"n_bins must be >= 1, got {n_bins}")
    if n_bins > MAX_BINS:
        raise ValueError(
            f"n_bins must be at most {MAX_BINS}, got {n_bins}: with more bins than that "
            "almost every bin is empty. 15 (Guo et al., 2017) is the usual choice."
        )
    return int(n_bins)


def _real_array(x: ArrayLike, name: str) -> np.ndarray:
    """Per-sample numbers as float64; a masked array is a TypeError (the library's masked rule)."""
    return as_float64_array(x, name, masked="error")


def _check_confidences(conf: ArrayLike, name: str = "confidences") -> np.ndarray:
    c = _real_array(conf, name)
    if c.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one number per prediction), got shape {c.shape}")
    if c.size == 0:
        raise ValueError(f"{name} is empty: need at least one prediction")
    if not np.all(np.isfinite(c)):
        raise ValueError(f"{name} contains NaN or inf")
    if c.min() < 0 or c.max() > 1:
        raise ValueError(
            f"{name} must lie in [0, 1], got values from {c.min():.4g} to {c.max():.4g}. "
            "Did you pass logits? Apply softmax first and take the largest probability."
        )
    return c


def _check_correct(correct: ArrayLike, n: int, name: str = "correct") -> np.ndarray:
    k = _real_array(correct, name)
    if k.shape != (n,):
        raise ValueError(f"{name} must have one entry per prediction, shape ({n},); got shape {k.shape}")
    if not np.all((k == 0) | (k == 1)):
        raise ValueError(
            f"{name} must be True/False (or 1/0) for each prediction, got other values "
            f"such as {describe(np.unique(k[(k != 0) & (k != 1)])[:3].tolist())}. With 1-D "
            "confidences, pass whether each prediction was right, not the class labels."
        )
    return k


def _check_labels(labels: ArrayLike, n: int, n_classes: int) -> np.ndarray:
    refuse_masked(labels, "labels")
    if isinstance(labels, (str, bytes)):
        raise TypeError(f"labels must be integer class indices, got {describe(labels)}")
    y = np.asarray(labels)
    if y.dtype.kind not in "iu":
        raise TypeError(f"labels must be integer class indices, got dtype {y.dtype}")
    if y.shape != (n,):
        raise ValueError(f"labels must have one class index per row, shape ({n},); got shape {y.shape}")
    if y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(
            f"labels must be class indices in [0, {n_classes - 1}], got values from {y.min()} to {y.max()}"
        )
    return y


def _check_logits(logits: ArrayLike) -> np.ndarray:
    """Logits as float64; a masked entry (or a -inf) is an impossible class, as in core."""
    z = as_real_array(logits, "logits", masked="-inf").astype(np.float64, copy=False)
    if z.ndim != 2:
        raise ValueError(f"logits must be 2-D, shape (n_samples, n_classes); got shape {z.shape}")
    if z.shape[0] == 0 or z.shape[1] < 2:
        raise ValueError(f"logits need at least one row and two classes, got shape {z.shape}")
    if np.isnan(z).any() or np.isposinf(z).any():
        raise ValueError(
            "logits contain NaN or +inf; a trained model's logits are finite numbers "
            "(-inf, or a masked entry, is allowed: a class that is impossible for that row)"
        )
    empty = np.all(z == -np.inf, axis=1)
    if empty.any():
        raise ValueError(
            f"row {int(np.argmax(empty))} of logits has no possible class: every entry is -inf "
            "or masked. Leave that row out."
        )
    return z


def _sum_tolerance(dtype: np.dtype | None, n_classes: int) -> float:
    """How far from 1 a row of ``n_classes`` probabilities stored in ``dtype``
    may sum: 1e-4, or ``n_classes`` rounding steps of that dtype if larger
    (ten-class float16 softmax rows are often more than 1e-4 off, up to
    about 3e-4; logits are off by far more)."""
    eps = np.finfo(dtype).eps if dtype is not None and dtype.kind == "f" else np.finfo(np.float64).eps
    return max(1e-4, float(n_classes * eps))


# --------------------------------------------------------------------------
# measuring calibration
# --------------------------------------------------------------------------
def reliability_bins(confidences: ArrayLike, correct: ArrayLike, n_bins: int = DEFAULT_BINS) -> ReliabilityBins:
    r"""Sort predictions into equal-width confidence bins; count and score each bin.

    Parameters
    ----------
    confidences : array_like, shape (n,)
        The confidence of each prediction, in [0, 1]; usually the largest
        softmax probability of each row.
    correct : array_like of bool, shape (n,)
        Whether each prediction was right (``True``/``False`` or 1/0).
    n_bins : int, optional
        Number of equal-width bins on [0, 1], from 1 to 10 000 (``MAX_BINS``).
        Default 15, as in Guo et al.

    Returns
    -------
    ReliabilityBins
        A named tuple ``(counts, confidence, accuracy, edges)``; the mean
        confidence and the accuracy are NaN for an empty bin.

    Raises
    ------
    TypeError
        If the inputs are not numbers or ``n_bins`` is not an integer.
    ValueError
        If ``confidences`` is empty, not 1-D, or outside [0, 1]; if
        ``correct`` has another length or values other than 0/1; if
        ``n_bins < 1`` or ``n_bins > 10000``.

    Notes
    -----
    Bin :math:`m` (counting from 1) holds the confidences in
    :math:`((m-1)/M,\ m/M]`, as in Guo et al.'s definition; a confidence of
    exactly 0 goes into the first bin.  The edges are ``np.linspace(0, 1,
    M + 1)``.  A calibrated model has ``accuracy ≈ confidence`` in every
    bin that holds enough predictions.

    Examples
    --------
    >>> from softmax_lib.calibration import reliability_bins
    >>> b = reliability_bins([0.95, 0.9, 0.6, 0.55], [True, False, True, True], n_bins=2)
    >>> b.counts
    array([0, 4])
    >>> b.accuracy            # the first bin, (0, 0.5], is empty
    array([ nan, 0.75])
    >>> b.confidence.round(3)
    array([ nan, 0.75])
    """
    m = _check_n_bins(n_bins)
    c = _check_confidences(confidences)
    k = _check_correct(correct, c.size)
    return _equal_width(c, k, m)


def _equal_width(c: np.ndarray, k: np.ndarray, m: int) -> ReliabilityBins:
    """:func:`reliability_bins` of checked float64 confidences and 0/1 flags."""
    edges = np.linspace(0.0, 1.0, m + 1)
    idx = np.clip(np.searchsorted(edges, c, side="left") - 1, 0, m - 1)
    counts = np.bincount(idx, minlength=m)
    sum_conf = np.bincount(idx, weights=c, minlength=m)
    sum_right = np.bincount(idx, weights=k, minlength=m)
    nonempty = counts > 0
    mean_conf = np.full(m, np.nan)
    acc = np.full(m, np.nan)
    np.divide(sum_conf, counts, out=mean_conf, where=nonempty)
    np.divide(sum_right, counts, out=acc, where=nonempty)
    return ReliabilityBins(counts, mean_conf, acc, edges)


def equal_mass_bins(confidences: ArrayLike, correct: ArrayLike, n_bins: int = DEFAULT_BINS) -> ReliabilityBins:
    r"""Like :func:`reliability_bins`, but each bin holds (up to one) the same number of predictions.

    With many confident predictions, equal-width bins put almost everything
    in the last bin; equal-mass (quantile) bins split that crowd up instead.

    Parameters
    ----------
    confidences : array_like, shape (n,)
        The confidence of each prediction, in [0, 1].
    correct : array_like of bool, shape (n,)
        Whether each prediction was right (``True``/``False`` or 1/0).
    n_bins : int, optional
        Number of bins, from 1 to ``n`` (and at most 10 000).  Default 15.

    Returns
    -------
    ReliabilityBins
        ``counts`` (``n // n_bins`` or one more), the mean ``confidence`` and
        the ``accuracy`` of each bin (never empty, so never NaN), and
        ``edges``: 0, then each bin's largest confidence.

    Raises
    ------
    TypeError
        If the inputs are not numbers (or are masked arrays), or ``n_bins``
        is not an integer.
    ValueError
        As in :func:`reliability_bins`, and if ``n_bins`` exceeds the
        number of predictions (a bin would be empty).

    Notes
    -----
    The predictions are sorted by confidence (ties keep their order: a
    stable sort) and cut into ``n_bins`` runs whose lengths differ by at most
    one (``np.array_split``).  Its ECE is :func:`ece_from_bins` of the
    result; it is often called the *adaptive* ECE.

    Examples
    --------
    >>> from softmax_lib.calibration import ece_from_bins, equal_mass_bins
    >>> b = equal_mass_bins([0.95, 0.9, 0.6, 0.55, 0.99], [True, False, True, True, True], n_bins=2)
    >>> b.counts
    array([3, 2])
    >>> b.confidence.round(3), b.accuracy.round(3)
    (array([0.683, 0.97 ]), array([0.667, 1.   ]))
    >>> b.edges
    array([0.  , 0.9 , 0.99])
    >>> round(ece_from_bins(b), 4)          # (3 * 0.0167 + 2 * 0.03) / 5
    0.022
    """
    m = _check_n_bins(n_bins)
    conf = _check_confidences(confidences)
    ok = _check_correct(correct, conf.size)
    if m > conf.size:
        raise ValueError(
            f"n_bins must be at most the number of predictions ({conf.size}) for equal-mass bins, "
            f"got {m}: a bin would be empty"
        )
    order = np.argsort(conf, kind="stable")
    runs = np.array_split(order, m)
    counts = np.array([len(r) for r in runs])
    mean_conf = np.array([conf[r].mean() for r in runs])
    acc = np.array([ok[r].mean() for r in runs])
    edges = np.concatenate([[0.0], [conf[r].max() for r in runs]])
    return ReliabilityBins(counts, mean_conf, acc, edges)


def ece_from_bins(bins: ReliabilityBins) -> float:
    r"""The ECE of any binning: each bin's gap, weighted by its share of the predictions.

    .. math::

        \mathrm{ECE} = \sum_{m:\,|B_m| > 0} \frac{|B_m|}{n}\,
                       \bigl|\operatorname{acc}(B_m) - \operatorname{conf}(B_m)\bigr|

    This is the one ECE formula of the library: :func:`expected_calibration_error`
    is ``ece_from_bins(reliability_bins(...))``, and the ECE of equal-mass
    bins is ``ece_from_bins(equal_mass_bins(...))``.

    Parameters
    ----------
    bins : ReliabilityBins
        From :func:`reliability_bins` or :func:`equal_mass_bins` (or any
        named tuple with ``counts``, ``confidence`` and ``accuracy``).

    Returns
    -------
    float
        The ECE as a fraction in [0, 1]; empty bins count for nothing.

    Raises
    ------
    TypeError
        If ``bins`` has no ``counts``, ``confidence`` and ``accuracy``.
    ValueError
        If the bins hold no prediction at all.

    Examples
    --------
    >>> from softmax_lib.calibration import ece_from_bins, reliability_bins
    >>> b = reliability_bins([0.95, 0.9, 0.6, 0.55], [True, False, True, True], n_bins=2)
    >>> round(ece_from_bins(b), 6)          # one bin: |0.75 - 0.75|
    0.0
    >>> round(ece_from_bins(reliability_bins([0.9] * 10, [1] * 6 + [0] * 4)), 6)
    0.3
    """
    try:
        counts, conf, acc = (np.asarray(getattr(bins, name)) for name in ("counts", "confidence", "accuracy"))
    except AttributeError:
        raise TypeError(
            f"bins must be a ReliabilityBins (from reliability_bins or equal_mass_bins), got {describe(bins)}"
        ) from None
    full = counts > 0
    if not full.any():
        raise ValueError("the bins hold no prediction: there is no ECE of nothing")
    w = counts[full] / counts.sum()
    return float(np.sum(w * np.abs(acc[full] - conf[full])))


def maximum_calibration_error(confidences: ArrayLike, correct: ArrayLike, n_bins: int = DEFAULT_BINS) -> float:
    r"""Maximum calibration error: the largest gap between accuracy and confidence in any non-empty bin.

    .. math:: \mathrm{MCE} = \max_{m:\,|B_m| > 0} \bigl|\operatorname{acc}(B_m) - \operatorname{conf}(B_m)\bigr|

    Parameters
    ----------
    confidences : array_like, shape (n,)
        The confidence of each prediction, in [0, 1].
    correct : array_like of bool, shape (n,)
        Whether each prediction was right.
    n_bins : int, optional
        Number of equal-width bins, as in :func:`reliability_bins`.  Default 15.

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    TypeError, ValueError
        As in :func:`reliability_bins`.

    Notes
    -----
    Guo et al. (2017) recommend it where the worst case matters (medicine,
    say).  Unlike the ECE it does not weight the bins, so a bin holding one
    or two predictions can set it: read it together with the bin counts.

    Examples
    --------
    >>> from softmax_lib.calibration import maximum_calibration_error
    >>> # bin (0.8, 1]: 0.9 and 0.95, one right: gap 0.425; bin (0.4, 0.6]: 0.5, right: gap 0.5
    >>> maximum_calibration_error([0.9, 0.95, 0.5], [True, False, True], n_bins=5)
    0.5
    """
    b = reliability_bins(confidences, correct, n_bins)
    full = b.counts > 0
    return float(np.max(np.abs(b.accuracy[full] - b.confidence[full])))


def expected_calibration_error(probs_or_confidences: ArrayLike, labels: ArrayLike, n_bins: int = DEFAULT_BINS) -> float:
    r"""Expected calibration error: the average gap between confidence and accuracy.

    .. math::

        \mathrm{ECE} = \sum_{m=1}^{M} \frac{|B_m|}{n}\,
                       \bigl|\operatorname{acc}(B_m) - \operatorname{conf}(B_m)\bigr|

    Parameters
    ----------
    probs_or_confidences : array_like
        Either a 2-D array of probability rows, shape ``(n, n_classes)``
        (e.g. ``softmax(logits)``): the confidence is each row's largest
        probability and the prediction its argmax.  A row may sum to 1 up to
        1e-4, or up to ``n_classes`` rounding steps of its dtype if that is
        more (about 0.01 for ten float16 probabilities).  Or a 1-D array of
        confidences in [0, 1], shape ``(n,)``.
    labels : array_like, shape (n,)
        With probability rows: the true class index of each row.  With 1-D
        confidences: whether each prediction was right (bool or 0/1).
    n_bins : int, optional
        Number of equal-width bins.  Default 15, as in Guo et al. (2017).

    Returns
    -------
    float
        The ECE as a fraction in [0, 1] (multiply by 100 for percent).
        0 means confidence matches accuracy in every bin.

    Raises
    ------
    TypeError, ValueError
        For malformed input: rows that are not probabilities (outside
        [0, 1] or not summing to 1 -- logits, say), labels out of range or
        of the wrong length, and the cases listed in
        :func:`reliability_bins`.

    Notes
    -----
    Each bin's gap is weighted by the fraction of predictions in it, so a
    few strange predictions cannot dominate.  When the model is
    overconfident in every non-empty bin, the ECE equals mean confidence
    minus accuracy, so it cannot exceed the error rate by much.  On a finite
    sample even a perfectly calibrated model has a small positive ECE
    (sampling noise in each bin's accuracy).

    Examples
    --------
    >>> import numpy as np
    >>> from softmax_lib.calibration import expected_calibration_error
    >>> # ten predictions, all with confidence 0.9, six of them right
    >>> round(expected_calibration_error(np.full(10, 0.9), [1] * 6 + [0] * 4), 6)
    0.3
    >>> probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
    >>> round(expected_calibration_error(probs, [0, 2]), 3)   # 0.3 * 0.5 + 0.8 * 0.5
    0.55
    """
    p = _real_array(probs_or_confidences, "probs_or_confidences")
    if p.ndim == 2:
        p, y = _check_probability_rows(probs_or_confidences, labels, p)
        conf = p.max(axis=1)
        correct = p.argmax(axis=1) == y
    elif p.ndim == 1:
        conf, correct = p, labels
    else:
        raise ValueError(
            "probs_or_confidences must be probability rows, shape (n, n_classes), "
            f"or confidences, shape (n,); got shape {p.shape}"
        )
    return ece_from_bins(reliability_bins(conf, correct, n_bins))


def _check_probability_rows(probs: ArrayLike, labels: ArrayLike, p: np.ndarray | None = None):
    """Probability rows (n, n_classes) as float64, and their integer labels, or a clear error."""
    in_dtype = np.asarray(probs).dtype if isinstance(probs, np.ndarray) else None
    p = _real_array(probs, "probs") if p is None else p
    if p.ndim != 2:
        raise ValueError(f"probs must be probability rows, shape (n, n_classes); got shape {p.shape}")
    n, k = p.shape
    if n == 0 or k < 2:
        raise ValueError(f"probability rows need at least one row and two classes, got shape {p.shape}")
    if not np.all(np.isfinite(p)):
        raise ValueError("probabilities contain NaN or inf")
    if p.min() < 0 or p.max() > 1:
        raise ValueError(
            f"probabilities must lie in [0, 1], got values from {p.min():.4g} to {p.max():.4g}. "
            "Did you pass logits? Apply softmax first."
        )
    sums = p.sum(axis=1)
    tol = _sum_tolerance(in_dtype, k)
    if not np.all(np.abs(sums - 1.0) <= tol):
        raise ValueError(
            "each row of probabilities must sum to 1, got row sums such as "
            f"{np.round(sums[np.abs(sums - 1) > tol][:3], 4).tolist()}. "
            "Did you pass logits? Apply softmax first."
        )
    return p, _check_labels(labels, n, k)


def ece_by_temperature(
    logits: ArrayLike, labels: ArrayLike, temperatures: ArrayLike, n_bins: int = DEFAULT_BINS
) -> np.ndarray:
    r"""The ECE of ``softmax(logits / T)`` at each temperature of a grid.

    What a grid search that minimises the ECE (instead of the NLL) looks at.
    Each value is exactly ``expected_calibration_error(softmax(logits,
    temperature=T), labels, n_bins)``; the inputs are checked once.

    Parameters
    ----------
    logits : array_like, shape (n, n_classes)
        Logits (a masked entry, or ``-inf``, is an impossible class).
    labels : array_like of int, shape (n,)
        The true class of each row.
    temperatures : array_like of float, shape (m,)
        Each ``T > 0`` and finite.
    n_bins : int, optional
        Number of equal-width bins.  Default 15.

    Returns
    -------
    ndarray of float, shape (m,)

    Raises
    ------
    TypeError, ValueError
        As in :func:`temperature_nll`, for each temperature.

    Notes
    -----
    The ECE is a poor objective for fitting T: it looks only at the top
    class, in bins, and is noisy on a finite sample; the NLL
    (:func:`fit_temperature`) is the proper scoring rule.  Lesson 08's
    exercise uses this to recognise a learner who minimised the ECE.

    Examples
    --------
    >>> import numpy as np
    >>> from softmax_lib import softmax
    >>> from softmax_lib.calibration import ece_by_temperature, expected_calibration_error
    >>> z = np.array([[3.0, 0.0], [0.0, 2.0], [1.0, 0.5], [2.0, 0.0]])
    >>> eces = ece_by_temperature(z, [0, 1, 1, 0], [0.5, 1.0, 2.0])
    >>> eces.round(4)
    array([0.1924, 0.2271, 0.3206])
    >>> bool(eces[1] == expected_calibration_error(softmax(z), [0, 1, 1, 0]))
    True
    """
    z = _check_logits(logits)
    y = _check_labels(labels, z.shape[0], z.shape[1])
    m = _check_n_bins(n_bins)
    temps = _real_array(temperatures, "temperatures")
    if temps.ndim != 1:
        raise ValueError(f"temperatures must be 1-D (a grid of T), got shape {temps.shape}")
    out = np.empty(temps.size)
    for i, t in enumerate(temps):
        p = softmax(z, temperature=check_temperature(float(t), finite=True))
        out[i] = ece_from_bins(_equal_width(p.max(axis=1), (p.argmax(axis=1) == y).astype(np.float64), m))
    return out


def brier_score(probs: ArrayLike, labels: ArrayLike) -> float:
    r"""The multi-class Brier score (Brier 1950): the mean squared distance to the one-hot label.

    .. math:: \mathrm{Brier} = \frac1n \sum_i \sum_k (p_{ik} - y_{ik})^2

    Parameters
    ----------
    probs : array_like, shape (n, n_classes)
        Probability rows (e.g. ``softmax(logits)``), each summing to 1 up to
        the tolerance of :func:`expected_calibration_error`.
    labels : array_like of int, shape (n,)
        The true class of each row.

    Returns
    -------
    float
        0 is perfect; it is at most 2.

    Raises
    ------
    TypeError, ValueError
        For rows that are not probabilities (logits, say) and labels out of
        range or of the wrong length, as in :func:`expected_calibration_error`.

    Notes
    -----
    Like the NLL it is a *proper scoring rule*: its expected value is lowest
    when the probabilities are the true ones, so it cannot be gamed.  Unlike
    the ECE it looks at every class, not only the top one, and needs no bins.

    Examples
    --------
    >>> import numpy as np
    >>> from softmax_lib.calibration import brier_score
    >>> p = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
    >>> round(brier_score(p, [0, 2]), 4)         # (0.14 + 1.46) / 2
    0.8
    >>> brier_score(np.eye(3), [0, 1, 2])
    0.0
    """
    p, y = _check_probability_rows(probs, labels)
    onehot = np.zeros_like(p)
    onehot[np.arange(p.shape[0]), y] = 1.0
    return float(np.mean(np.sum((p - onehot) ** 2, axis=1)))


# --------------------------------------------------------------------------
# temperature scaling
# --------------------------------------------------------------------------
def temperature_nll(logits: ArrayLike, labels: ArrayLike, temperature: float) -> float:
    r"""Mean negative log-likelihood of the labels under ``softmax(logits / T)``.

    .. math::

        \mathrm{NLL}(T) = -\frac{1}{n} \sum_{i=1}^{n}
            \log \operatorname{softmax}(z_i / T)_{y_i}

    Parameters
    ----------
    logits : array_like, shape (n, n_classes)
        A trained model's logits on held-out data.
    labels : array_like of int, shape (n,)
        The true class of each row.
    temperature : float
        ``T > 0``.  ``T > 1`` softens the probabilities, ``T < 1`` sharpens them.

    Returns
    -------
    float
        The mean NLL in nats: :func:`softmax_lib.core.cross_entropy` of
        ``logits / T``.

    Notes
    -----
    It is computed from ``log_softmax(logits, temperature=T)``, which shifts
    each row by its maximum *before* dividing by ``T``: ``logits / T`` itself
    can overflow (``[[1e308, 1.7e308]] / 0.5`` is ``[[inf, inf]]``, whose NLL
    would come out as log 2 instead of 1.4e308).

    Examples
    --------
    >>> from softmax_lib.calibration import temperature_nll
    >>> z = [[2.0, 0.0], [0.0, 2.0], [2.0, 0.0]]
    >>> round(temperature_nll(z, [0, 1, 1], 1.0), 4)    # one of three is wrong
    0.7936
    >>> round(temperature_nll(z, [0, 1, 1], 3.0), 4)    # softer is better here
    0.6366
    """
    z = _check_logits(logits)
    y = _check_labels(labels, z.shape[0], z.shape[1])
    t = check_temperature(temperature, finite=True)
    return _nll(z, y, t)


def _nll(z: np.ndarray, y: np.ndarray, t: float) -> float:
    """Mean NLL of ``softmax(z / t)``, shifting each row by its max before
    dividing (``log_softmax(z, temperature=t)``), so ``z / t`` never overflows."""
    logp = log_softmax(z, temperature=t)
    picked = np.take_along_axis(logp, y[:, None], axis=1)[:, 0]
    with np.errstate(over="ignore"):
        total = float(np.sum(picked))
    if math.isinf(total) and np.isfinite(picked).all():  # the sum, not the mean, overflowed
        return float(-np.sum(picked / picked.size))
    return -total / picked.size


def fit_temperature(
    logits: ArrayLike,
    labels: ArrayLike,
    *,
    bounds: tuple[float, float] = (0.05, 20.0),
    tol: float = 1e-6,
) -> float:
    r"""Temperature scaling: the ``T`` that minimises :func:`temperature_nll`.

    Fit it on a held-out (validation) split, never on the training data or
    the test data, then use ``softmax(logits / T)`` in place of
    ``softmax(logits)``.  Dividing every logit by the same ``T > 0`` keeps
    their order, so the predictions (argmax) and the accuracy do not change;
    only the confidences do.

    Parameters
    ----------
    logits : array_like, shape (n, n_classes)
        The model's logits on the held-out split.
    labels : array_like of int, shape (n,)
        The true classes of those rows.
    bounds : (float, float), optional
        The search interval for ``T``.  Default ``(0.05, 20)``.
    tol : float, optional
        Stop when the interval in :math:`\log T` is shorter than this, i.e.
        ``T`` is known to a relative precision of about ``tol``.  Default 1e-6.
        A ``tol`` below 1e-12 (``MIN_TOL``) is raised to 1e-12: float64 cannot
        locate :math:`\log T` more finely, and the search also stops after
        200 steps (``MAX_STEPS``), so it always returns.

    Returns
    -------
    float
        The fitted temperature.  ``T > 1`` means the model was overconfident,
        ``T < 1`` underconfident.

    Raises
    ------
    TypeError
        If ``bounds`` is not two numbers or ``tol`` is not a number (a bool
        or a string, say).
    ValueError
        If ``bounds`` is not ``0 < lo < hi < inf``, or ``tol`` is not a
        finite number > 0; and for malformed logits or labels, as in
        :func:`temperature_nll`.

    Warns
    -----
    RuntimeWarning
        If the minimum is at an end of ``bounds``: the NLL keeps falling
        beyond it.  That happens on data the model gets entirely right (such
        as its own training set), where sharper is always better.

    Notes
    -----
    A golden-section search over :math:`u = \log T`.  With
    :math:`\beta = 1/T` the NLL is
    :math:`\frac1n\sum_i \bigl(\operatorname{LSE}(\beta z_i) - \beta z_{i,y_i}\bigr)`,
    a convex function of :math:`\beta`; since :math:`\beta = e^{-u}` is
    monotone, the NLL has a single valley in :math:`u` and golden-section
    search finds its bottom.  Searching in :math:`\log T` treats "twice as
    hot" and "twice as cold" alike.  Each step shrinks the interval by
    0.618, so about 35 NLL evaluations reach ``tol = 1e-6``.

    Examples
    --------
    >>> import numpy as np
    >>> from softmax_lib import softmax
    >>> from softmax_lib.calibration import fit_temperature
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(0, 4, size=(20000, 5))                # logits 2.5x too sharp
    >>> p = softmax(z / 2.5)
    >>> y = (p.cumsum(axis=1) < rng.random((20000, 1))).sum(axis=1)   # y ~ softmax(z / 2.5)
    >>> round(fit_temperature(z, y), 1)
    2.5
    """
    z = _check_logits(logits)
    y = _check_labels(labels, z.shape[0], z.shape[1])
    impossible = z[np.arange(z.shape[0]), y] == -np.inf
    if impossible.any():
        i = int(np.argmax(impossible))
        raise ValueError(
            f"row {i}'s label, class {int(y[i])}, is masked (its logit is -inf): its probability "
            "is 0 at every temperature, so the NLL is infinite at every T and has no minimum. "
            "Leave that row out, or unmask its class."
        )
    try:
        lo, hi = (float(b) for b in bounds)
    except (TypeError, ValueError):
        raise TypeError(f"bounds must be two positive numbers (lo, hi), got {describe(bounds)}") from None
    if not (0 < lo < hi < math.inf):
        raise ValueError(f"bounds must satisfy 0 < lo < hi < inf, got {bounds!r}")
    if isinstance(tol, bool) or not isinstance(tol, numbers.Real):
        raise TypeError(f"tol must be a small positive number such as 1e-6, got {describe(tol)}")
    if not tol > 0:  # also NaN
        raise ValueError(f"tol must be > 0 (a relative precision for T, such as 1e-6), got {tol!r}")
    if not math.isfinite(tol):
        raise ValueError(f"tol must be a finite number such as 1e-6, got {tol!r}")
    tol = max(float(tol), MIN_TOL)

    def f(u: float) -> float:
        return _nll(z, y, math.exp(u))

    a, b = math.log(lo), math.log(hi)
    c, d = b - _INV_PHI * (b - a), a + _INV_PHI * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(MAX_STEPS):
        if b - a <= tol:
            break
        if fc <= fd:  # the minimum is in [a, d]
            b, d, fd = d, c, fc
            c = b - _INV_PHI * (b - a)
            fc = f(c)
        else:  # the minimum is in [c, b]
            a, c, fc = c, d, fd
            d = a + _INV_PHI * (b - a)
            fd = f(d)
    u = (a + b) / 2
    t = math.exp(u)
    edge = 10 * tol
    if u - math.log(lo) < edge or math.log(hi) - u < edge:
        warnings.warn(
            f"the NLL is smallest at the edge of bounds={bounds!r} (T = {t:.4g}): it keeps "
            "falling beyond it. Is this data the model gets entirely right, such as its "
            "training set? Fit T on held-out data, or widen the bounds.",
            RuntimeWarning,
            stacklevel=2,
        )
    return t
