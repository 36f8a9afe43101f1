"""The handwritten-digits data of lessons 07 and 08, split three ways.

scikit-learn ships 1797 8x8 images of the digits 0-9 inside its wheel
(:func:`sklearn.datasets.load_digits`, no download).  :func:`load_digit_splits`
splits them, class by class, into a small training set, a validation set
(for fitting a temperature) and a test set, the same way every time.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["SPLIT", "DigitSplits", "stratified_split", "load_digit_splits"]

#: train / validation / test fractions: a small training set on purpose, so
#: the model makes enough mistakes for its calibration to be measurable.
SPLIT = (0.1, 0.2, 0.7)


class DigitSplits(NamedTuple):
    """The digits data split three ways; images are flattened to 64 pixels in [0, 1]."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def stratified_split(y, fractions=SPLIT, seed: int = 0) -> list[np.ndarray]:
    """Split the indices of ``y`` into parts of the given fractions, class by class.

    Every part gets (up to rounding) the same share of each class.  The
    indices in each part are sorted, so the result depends only on ``seed``.
    """
    y = np.asarray(y)
    fractions = np.asarray(fractions, dtype=float)
    if fractions.ndim != 1 or np.any(fractions <= 0) or not np.isclose(fractions.sum(), 1.0):
        raise ValueError(f"fractions must be positive and sum to 1, got {fractions.tolist()}")
    rng = np.random.default_rng(seed)
    parts: list[list[np.ndarray]] = [[] for _ in fractions]
    for c in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == c))
        cuts = np.round(np.cumsum(fractions)[:-1] * len(idx)).astype(int)
        for part, chunk in zip(parts, np.split(idx, cuts)):
            part.append(chunk)
    return [np.sort(np.concatenate(p)) for p in parts]


def load_digit_splits(fractions=SPLIT, seed: int = 0) -> DigitSplits:
    """scikit-learn's bundled 8x8 digits (1797 images, no download), split stratified."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = digits.data / 16.0  # pixel values 0..16 -> [0, 1]
    y = digits.target.astype(np.int64)
    tr, va, te = stratified_split(y, fractions, seed)
    return DigitSplits(X[tr], y[tr], X[va], y[va], X[te], y[te])
