"""softmax_lib.calibration: reliability bins, ECE, the temperature NLL and its fit."""

from __future__ import annotations

import datetime
import math
import signal
import warnings
from contextlib import contextmanager

import numpy as np
import pytest

from softmax_lib import cross_entropy, log_softmax, softmax
from softmax_lib.calibration import (
    DEFAULT_BINS,
    ReliabilityBins,
    expected_calibration_error,
    fit_temperature,
    reliability_bins,
    temperature_nll,
)


def _sample_labels(rng, logits, temperature):
    """One label per row, drawn from softmax(logits / temperature)."""
    p = softmax(np.asarray(logits) / temperature)
    return (p.cumsum(axis=1) < rng.random((len(p), 1))).sum(axis=1).clip(max=p.shape[1] - 1)


def _ece_by_loop(conf, correct, n_bins):
    """The textbook definition, one bin at a time: (m/M, (m+1)/M], 0 in the first bin."""
    conf = np.asarray(conf, dtype=float)
    correct = np.asarray(correct, dtype=float)
    total = 0.0
    for m in range(n_bins):
        lo, hi = m / n_bins, (m + 1) / n_bins
        in_bin = (conf > lo) & (conf <= hi)
        if m == 0:
            in_bin |= conf == 0
        if in_bin.any():
            total += in_bin.mean() * abs(correct[in_bin].mean() - conf[in_bin].mean())
    return total


# ---------------------------------------------------------------- reliability_bins
def test_reliability_bins_small_example():
    b = reliability_bins([0.1, 0.15, 0.55, 0.95, 0.97], [0, 1, 1, 1, 0], n_bins=4)
    assert isinstance(b, ReliabilityBins)
    assert b.counts.tolist() == [2, 0, 1, 2]
    assert b.counts.dtype.kind == "i"
    np.testing.assert_allclose(b.confidence[[0, 2, 3]], [0.125, 0.55, 0.96])
    np.testing.assert_allclose(b.accuracy[[0, 2, 3]], [0.5, 1.0, 0.5])
    assert np.isnan(b.confidence[1]) and np.isnan(b.accuracy[1])
    np.testing.assert_allclose(b.edges, [0, 0.25, 0.5, 0.75, 1])


def test_bins_are_closed_on_the_right_and_zero_goes_first():
    b = reliability_bins([0.0, 0.5, 0.5000001, 1.0], [1, 1, 1, 1], n_bins=2)
    assert b.counts.tolist() == [2, 2]  # 0 and 0.5 in (0, 0.5]; the rest in (0.5, 1]


def test_default_is_fifteen_bins():
    assert DEFAULT_BINS == 15
    assert len(reliability_bins([0.5], [True]).counts) == 15


@pytest.mark.parametrize("seed", range(5))
def test_reliability_bins_agree_with_a_loop(seed):
    rng = np.random.default_rng(seed)
    conf = rng.uniform(0, 1, 500)
    correct = rng.random(500) < conf**2
    b = reliability_bins(conf, correct, n_bins=10)
    assert b.counts.sum() == 500
    for m in range(10):
        in_bin = (conf > m / 10) & (conf <= (m + 1) / 10)
        assert b.counts[m] == in_bin.sum()
        if in_bin.any():
            assert math.isclose(b.accuracy[m], correct[in_bin].mean())
            assert math.isclose(b.confidence[m], conf[in_bin].mean())


# ---------------------------------------------------------------- expected_calibration_error
def test_perfectly_calibrated_synthetic_set_has_ece_near_zero():
    rng = np.random.default_rng(0)
    conf = rng.uniform(0, 1, 200_000)
    correct = rng.random(conf.size) < conf  # right with probability = confidence
    assert expected_calibration_error(conf, correct) < 0.01


def test_calibrated_softmax_model_has_ece_near_zero():
    # Labels drawn from the model's own softmax: calibrated by construction of the data.
    rng = np.random.default_rng(1)
    z = rng.normal(0, 3, size=(100_000, 10))
    y = _sample_labels(rng, z, 1.0)
    assert expected_calibration_error(softmax(z), y) < 0.01
    # ... and the same logits, too sharp by a factor 3, are clearly miscalibrated.
    assert expected_calibration_error(softmax(3 * z), y) > 0.1


def test_known_miscalibrated_cases():
    # all at confidence 0.9, 60 % right: ECE = 0.3
    assert math.isclose(expected_calibration_error(np.full(10, 0.9), [1] * 6 + [0] * 4), 0.3)
    # lesson 08's two-bin table: 0.8 * |0.875 - 0.95| + 0.2 * |0.65 - 0.55| = 0.08
    conf = np.r_[np.full(80, 0.95), np.full(20, 0.55)]
    correct = np.r_[np.ones(70), np.zeros(10), np.ones(13), np.zeros(7)]
    assert math.isclose(expected_calibration_error(conf, correct), 0.08)
    # always right at confidence 1: perfectly calibrated
    assert expected_calibration_error(np.ones(7), np.ones(7, dtype=bool)) == 0.0
    # always wrong at confidence 1: as bad as it gets
    assert expected_calibration_error(np.ones(7), np.zeros(7, dtype=bool)) == 1.0


def test_one_bin_is_the_gap_between_mean_confidence_and_accuracy():
    rng = np.random.default_rng(3)
    conf = rng.uniform(0.2, 1, 1000)
    correct = rng.random(1000) < 0.7
    ece = expected_calibration_error(conf, correct, n_bins=1)
    assert math.isclose(ece, abs(conf.mean() - correct.mean()))


@pytest.mark.parametrize("n_bins", [1, 2, 7, 15, 40])
@pytest.mark.parametrize("seed", range(3))
def test_ece_agrees_with_the_definition(n_bins, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 2.5, size=(800, 6))
    y = rng.integers(0, 6, 800)
    p = softmax(z)
    conf, correct = p.max(axis=1), p.argmax(axis=1) == y
    ece = expected_calibration_error(p, y, n_bins)
    assert math.isclose(ece, _ece_by_loop(conf, correct, n_bins), abs_tol=1e-12)
    assert math.isclose(ece, expected_calibration_error(conf, correct, n_bins), abs_tol=1e-15)
    assert 0.0 <= ece <= 1.0
    perm = rng.permutation(800)  # the order of the predictions is irrelevant
    assert math.isclose(ece, expected_calibration_error(p[perm], y[perm], n_bins), abs_tol=1e-12)


def test_ece_returns_a_python_float_and_accepts_lists_and_float32():
    probs = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]]
    ece = expected_calibration_error(probs, [0, 2])
    assert type(ece) is float and math.isclose(ece, 0.55)
    assert math.isclose(expected_calibration_error(np.asarray(probs, np.float32), np.array([0, 2])), 0.55, rel_tol=1e-6)


@pytest.mark.parametrize(
    "probs,labels,exc,fragment",
    [
        ([[2.0, 1.0, 0.1]], [0], ValueError, "softmax"),  # logits, not probabilities
        ([[0.5, 0.4, 0.0]], [0], ValueError, "sum to 1"),
        ([[0.5, 0.5]], [2], ValueError, "class indices in [0, 1]"),
        ([[0.5, 0.5]], [0, 1], ValueError, "one class index per row"),
        ([[0.5, 0.5]], [0.0], TypeError, "integer class indices"),
        ([[np.nan, 0.5]], [0], ValueError, "NaN"),
        (np.zeros((2, 2, 2)), [0, 1], ValueError, "got shape (2, 2, 2)"),
        ("abc", [0], TypeError, "real numbers"),
        ([0.9, 0.8], [3, 1], ValueError, "whether each prediction was right"),  # class labels with 1-D input
        ([0.9, 1.2], [1, 0], ValueError, "[0, 1]"),
        ([], [], ValueError, "empty"),
        ([0.9, 0.8], [1], ValueError, "one entry per prediction"),
    ],
)
def test_ece_rejects_bad_input_with_a_clear_message(probs, labels, exc, fragment):
    with pytest.raises(exc, match=None) as info:
        expected_calibration_error(probs, labels)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    "n_bins,exc", [(0, ValueError), (-3, ValueError), (1.5, TypeError), (True, TypeError), ("15", TypeError)]
)
def test_n_bins_must_be_a_positive_integer(n_bins, exc):
    with pytest.raises(exc, match="n_bins"):
        reliability_bins([0.5], [1], n_bins=n_bins)
    assert reliability_bins([0.5], [1], n_bins=np.int64(3)).counts.tolist() == [0, 1, 0]


def test_ece_does_not_warn_with_empty_bins():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert expected_calibration_error([0.99, 0.98], [1, 1], n_bins=100) < 0.02


# ---------------------------------------------------------------- temperature_nll
def test_temperature_nll_is_cross_entropy_of_scaled_logits():
    rng = np.random.default_rng(4)
    z = rng.normal(0, 3, size=(300, 7))
    y = rng.integers(0, 7, 300)
    for t in [0.3, 1.0, 2.5, 10.0]:
        nll = temperature_nll(z, y, t)
        assert type(nll) is float
        assert math.isclose(nll, float(cross_entropy(z / t, y)))
        assert math.isclose(nll, -log_softmax(z, temperature=t)[np.arange(300), y].mean(), rel_tol=1e-12)


def test_temperature_nll_ignores_a_constant_shift_per_row():
    rng = np.random.default_rng(5)
    z = rng.normal(0, 3, size=(50, 4))
    y = rng.integers(0, 4, 50)
    shifted = z + rng.normal(0, 100, size=(50, 1))
    assert math.isclose(temperature_nll(z, y, 1.7), temperature_nll(shifted, y, 1.7), rel_tol=1e-9)


@pytest.mark.parametrize(
    "t,exc",
    [
        (0.0, ValueError),
        (-1.0, ValueError),
        (float("nan"), ValueError),
        (float("inf"), ValueError),
        (True, TypeError),
        ("2", TypeError),
    ],
)
def test_temperature_nll_rejects_bad_temperatures(t, exc):
    with pytest.raises(exc, match="temperature"):
        temperature_nll([[1.0, 0.0]], [0], t)


@pytest.mark.parametrize(
    "logits,labels,fragment",
    [
        ([1.0, 0.0], [0], "2-D"),
        ([[1.0]], [0], "two classes"),
        ([[1.0, np.inf]], [0], "NaN or +inf"),
        ([[1.0, 0.0]], [5], "class indices"),
        ([[1.0, 0.0]], [0, 1], "one class index per row"),
    ],
)
def test_temperature_nll_rejects_bad_logits_and_labels(logits, labels, fragment):
    with pytest.raises(ValueError) as info:
        temperature_nll(logits, labels, 1.0)
    assert fragment in str(info.value)


# ---------------------------------------------------------------- fit_temperature
@pytest.mark.parametrize("t_true", [2.5, 0.5, 1.0])
def test_fit_temperature_recovers_a_known_temperature(t_true):
    rng = np.random.default_rng(6)
    z = rng.normal(0, 4, size=(40_000, 10))
    y = _sample_labels(rng, z, t_true)  # the data is calibrated at T = t_true
    t = fit_temperature(z, y)
    assert abs(t - t_true) < 0.05 * t_true


def test_fit_temperature_finds_the_minimum_of_the_nll():
    rng = np.random.default_rng(7)
    z = rng.normal(0, 3, size=(2000, 5))
    y = _sample_labels(rng, z, 1.8)
    t = fit_temperature(z, y)
    grid = np.geomspace(0.5, 6, 2001)
    nll = [temperature_nll(z, y, g) for g in grid]
    assert abs(t - grid[int(np.argmin(nll))]) < 0.01
    assert temperature_nll(z, y, t) <= min(nll) + 1e-12
    scipy_opt = pytest.importorskip("scipy.optimize")
    res = scipy_opt.minimize_scalar(
        lambda u: temperature_nll(z, y, math.exp(u)),
        bounds=(math.log(0.05), math.log(20)),
        method="bounded",
        options={"xatol": 1e-9},
    )
    assert abs(t - math.exp(res.x)) < 1e-4


def test_temperature_scaling_never_changes_a_prediction():
    rng = np.random.default_rng(8)
    z = rng.normal(0, 5, size=(5000, 10))
    y = _sample_labels(rng, z, 3.0)
    t = fit_temperature(z, y)
    assert t > 1
    assert np.array_equal(softmax(z / t).argmax(axis=1), z.argmax(axis=1))
    # ... but it does lower the ECE of these overconfident logits
    assert expected_calibration_error(softmax(z / t), y) < expected_calibration_error(softmax(z), y) / 3


def test_fit_temperature_warns_when_the_minimum_is_at_a_bound():
    # Every row right with a clear margin: sharper is always better, T runs to the lower bound.
    z = np.array([[5.0, 0.0, 0.0], [0.0, 4.0, 1.0], [1.0, 0.0, 6.0]])
    with pytest.warns(RuntimeWarning, match="edge of bounds"):
        t = fit_temperature(z, [0, 1, 2])
    assert t == pytest.approx(0.05, rel=1e-4)


def test_fit_temperature_stays_within_bounds_and_returns_a_float():
    rng = np.random.default_rng(9)
    z = rng.normal(0, 2, size=(500, 3))
    y = _sample_labels(rng, z, 1.3)
    t = fit_temperature(z, y, bounds=(0.5, 4.0), tol=1e-8)
    assert type(t) is float and 0.5 < t < 4.0


@pytest.mark.parametrize(
    "bounds,exc",
    [
        ((2.0, 1.0), ValueError),
        ((0.0, 5.0), ValueError),
        ((1.0, math.inf), ValueError),
        ("ab", TypeError),
        (3, TypeError),
    ],
)
def test_fit_temperature_rejects_bad_bounds(bounds, exc):
    with pytest.raises(exc, match="bounds"):
        fit_temperature([[1.0, 0.0], [0.0, 1.0]], [0, 0], bounds=bounds)


def test_fit_temperature_rejects_bad_tol():
    with pytest.raises(ValueError, match="tol"):
        fit_temperature([[1.0, 0.0], [0.0, 1.0]], [0, 0], tol=0)


# ---------------------------------------------------------------- hardening (issue 11)
@contextmanager
def time_limit(seconds):
    """Fail (instead of hanging the suite) if the block runs longer than *seconds*."""

    def stop(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("tol", [1e-16, 1e-300, 5e-324])
def test_fit_temperature_returns_for_a_tol_below_float_resolution(tol):
    # the interval in log T cannot shrink below one float step: a tol under
    # 1e-12 is raised to 1e-12, and the search also stops after 200 steps
    rng = np.random.default_rng(11)
    z = rng.normal(0, 3, size=(400, 4))
    y = _sample_labels(rng, z, 2.0)
    with time_limit(20):
        t = fit_temperature(z, y, tol=tol)
    assert t == pytest.approx(fit_temperature(z, y, tol=1e-12), rel=1e-9)


@pytest.mark.parametrize(
    "tol,exc,fragment",
    [
        (0, ValueError, "> 0"),
        (-1e-6, ValueError, "> 0"),
        (math.nan, ValueError, "> 0"),
        (math.inf, ValueError, "finite"),
        (True, TypeError, "bool"),
        ("1e-6", TypeError, "str"),
        (None, TypeError, "NoneType"),
    ],
)
def test_fit_temperature_explains_a_nonsensical_tol(tol, exc, fragment):
    with pytest.raises(exc, match="tol") as info:
        fit_temperature([[1.0, 0.0], [0.0, 1.0]], [0, 0], tol=tol)
    assert fragment in str(info.value)


def test_temperature_nll_shifts_before_dividing():
    # z / 0.5 overflows to [inf, inf] (NLL 0.693); the shifted form is exact
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        nll = temperature_nll([[1e308, 1.7e308]], [0], 0.5)
        nll_right = temperature_nll([[1e308, 1.7e308]], [1], 0.5)
    assert nll == pytest.approx((1.7e308 - 1e308) / 0.5, rel=1e-15)
    assert nll_right == 0.0


def test_temperature_nll_agrees_with_log_softmax_at_extreme_temperatures():
    z = np.array([[3.0, 1.0, -2.0], [0.0, 0.5, 0.2]])
    y = np.array([1, 2])
    for t in (1e-300, 1e-3, 1e3, 1e300):
        want = -log_softmax(z, temperature=t)[np.arange(2), y].mean()
        assert temperature_nll(z, y, t) == pytest.approx(want, rel=1e-15)


def test_reliability_bins_refuses_an_absurd_number_of_bins():
    # 10**9 bins would allocate 7.45 GiB for each per-bin array
    with pytest.raises(ValueError, match=r"n_bins.*at most 10000"):
        reliability_bins([0.5], [1], 10**9)
    with pytest.raises(ValueError, match=r"n_bins.*at most 10000"):
        expected_calibration_error([0.5], [1], n_bins=10_001)
    assert reliability_bins([0.5], [1], 10_000).counts.sum() == 1


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_ece_accepts_low_precision_softmax_rows(dtype):
    rng = np.random.default_rng(12)
    z = rng.normal(0, 2, size=(2000, 10))
    y = rng.integers(0, 10, size=2000)
    p = softmax(z.astype(dtype))
    sums = p.astype(np.float64).sum(axis=1)
    assert dtype != np.float16 or np.abs(sums - 1).max() > 1e-4  # the old fixed tolerance
    got = expected_calibration_error(p, y)
    # the same rows in float64 (no renormalising): the ECE cannot depend on the dtype
    assert got == pytest.approx(expected_calibration_error(p.astype(np.float64) / sums[:, None], y), abs=2e-3)
    # logits are still refused, whatever the dtype
    with pytest.raises(ValueError, match="Did you pass logits"):
        expected_calibration_error(z.astype(dtype), y)


def test_ece_dtype_tolerance_still_refuses_rows_that_do_not_sum_to_1():
    p = np.array([[0.5, 0.46], [0.5, 0.5]], np.float16)  # first row sums to 0.96
    with pytest.raises(ValueError, match="must sum to 1"):
        expected_calibration_error(p, [0, 1])


@pytest.mark.parametrize("f", ["bins", "ece", "nll"])
def test_calibration_rejects_object_arrays_of_dates(f):
    dates = np.array([datetime.datetime(2020, 1, 1), datetime.datetime(2020, 1, 2)], dtype=object)
    with pytest.raises(TypeError, match="real numbers"):
        if f == "bins":
            reliability_bins(dates, [1, 0])
        elif f == "ece":
            expected_calibration_error(dates, [1, 0])
        else:
            temperature_nll(np.array([dates, dates]), [0, 1], 1.0)


# ---------------------------------------------------------------- masked arrays (issue 16)
# The library's one rule (softmax_lib/_validate.py): a masked *logit* is an impossible class
# (-inf), as in core.cross_entropy; a mask on anything with one entry per sample (labels,
# confidences, right/wrong flags, probability rows) is a TypeError.
MASKED_Z = np.ma.array([[5.0, 0.0, 100.0], [0.0, 4.0, -3.0], [1.0, 2.0, 3.0]], mask=[[0, 0, 1], [0, 0, 0], [1, 0, 0]])
MASKED_Y = np.array([0, 1, 2])


def test_temperature_nll_of_masked_logits_is_cross_entropy_of_them():
    # the mask was dropped: the hidden 100.0 made the NLL 31.8 instead of 0.113
    for t in (0.5, 1.0, 3.0):
        want = float(cross_entropy(np.ma.array(MASKED_Z / t, mask=MASKED_Z.mask), MASKED_Y))
        assert temperature_nll(MASKED_Z, MASKED_Y, t) == pytest.approx(want, rel=1e-14)
    filled = np.ma.filled(MASKED_Z, -np.inf)
    assert temperature_nll(MASKED_Z, MASKED_Y, 1.0) == temperature_nll(filled, MASKED_Y, 1.0)


def test_fit_temperature_of_masked_logits_is_the_fit_with_minus_inf():
    rng = np.random.default_rng(3)
    z = rng.normal(0, 3, size=(400, 5))
    mask = rng.random((400, 5)) < 0.2
    mask[:, 0] = False
    filled = np.where(mask, -np.inf, z)
    y = _sample_labels(rng, filled, 1.5)  # never a masked class: its probability is 0
    assert not mask[np.arange(400), y].any()
    zm = np.ma.array(z, mask=mask)
    assert fit_temperature(zm, y) == fit_temperature(np.where(mask, -np.inf, z), y)
    assert fit_temperature(zm, y) != fit_temperature(z, y)  # the mask matters


def test_a_label_on_a_masked_class_has_infinite_nll_and_cannot_be_fitted():
    z = np.ma.array([[1.0, 2.0], [0.0, 1.0]], mask=[[0, 1], [0, 0]])
    assert temperature_nll(z, [1, 0], 1.0) == math.inf  # probability 0 at every T
    with pytest.raises(ValueError, match=r"row 0.*masked"):
        fit_temperature(z, [1, 0])


@pytest.mark.parametrize(
    "logits", [[[-np.inf, -np.inf], [0.0, 1.0]], np.ma.array([[1.0, 2.0], [0.0, 1.0]], mask=[[1, 1], [0, 0]])]
)
def test_a_row_with_no_possible_class_is_refused(logits):
    with pytest.raises(ValueError, match="no possible class"):
        temperature_nll(logits, [0, 1], 1.0)


@pytest.mark.parametrize("bad", [[[1.0, np.inf]], [[np.nan, 0.0]]])
def test_plus_inf_and_nan_logits_are_still_refused(bad):
    with pytest.raises(ValueError, match="NaN or \\+inf"):
        temperature_nll(bad, [0], 1.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: reliability_bins(np.ma.array([0.9, 5.0, 0.6], mask=[0, 1, 0]), [1, 0, 1], 2),
        lambda: reliability_bins([0.9, 0.8, 0.6], np.ma.array([1, 0, 1], mask=[0, 1, 0]), 2),
        lambda: expected_calibration_error(np.ma.array([0.9, 5.0, 0.6], mask=[0, 1, 0]), [1, 0, 1]),
        lambda: expected_calibration_error(np.ma.array([[0.7, 0.3], [0.2, 0.8]], mask=[[0, 0], [0, 1]]), [0, 1]),
        lambda: expected_calibration_error([[0.7, 0.3], [0.2, 0.8]], np.ma.array([0, 1], mask=[0, 1])),
        lambda: temperature_nll([[1.0, 2.0], [0.0, 1.0]], np.ma.array([0, 1], mask=[0, 1]), 1.0),
        lambda: fit_temperature([[1.0, 2.0], [0.0, 1.0]], np.ma.array([0, 1], mask=[0, 1])),
    ],
    ids=["bins-confidences", "bins-correct", "ece-confidences", "ece-probs", "ece-labels", "nll-labels", "fit-labels"],
)
def test_a_mask_on_per_sample_data_is_a_type_error(call):
    # reliability_bins read the hidden 5.0 and called it "outside [0, 1]"
    with pytest.raises(TypeError, match=r"masked array.*\[~mask\]"):
        call()


@pytest.mark.parametrize("t", [10**400, -(10**400)], ids=["10**400", "-10**400"])
def test_a_temperature_float64_cannot_hold_is_a_value_error(t):
    with pytest.raises(ValueError, match="beyond the range of a float64"):
        temperature_nll([[1.0, 0.0]], [0], t)


# ---------------------------------------------------------------- MCE, Brier, equal-mass bins, one ECE (issue 19)
from softmax_lib.calibration import (  # noqa: E402
    brier_score,
    ece_by_temperature,
    ece_from_bins,
    equal_mass_bins,
    maximum_calibration_error,
)


def _confidences(seed, n=503):
    rng = np.random.default_rng(seed)
    conf = rng.uniform(0.2, 1.0, n)
    conf[:20] = np.round(conf[:20], 1)  # some ties and values on bin edges
    return conf, rng.random(n) < conf**1.5


def test_mce_by_hand_and_by_loop():
    assert maximum_calibration_error([0.9, 0.95, 0.5], [True, False, True], n_bins=5) == pytest.approx(0.5)
    assert maximum_calibration_error([0.9, 0.95], [True, False], n_bins=5) == pytest.approx(0.425)
    conf, ok = _confidences(1)
    b = reliability_bins(conf, ok)
    gaps = [
        abs(ok[(conf > lo) & (conf <= lo + 1 / 15)].mean() - conf[(conf > lo) & (conf <= lo + 1 / 15)].mean())
        for lo in np.arange(15) / 15
        if ((conf > lo) & (conf <= lo + 1 / 15)).any()
    ]
    assert maximum_calibration_error(conf, ok) == pytest.approx(max(gaps), rel=1e-12)
    assert maximum_calibration_error(conf, ok) >= ece_from_bins(b)


def test_brier_score_by_hand_and_its_range():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
    assert brier_score(p, [0, 2]) == pytest.approx((0.14 + 1.46) / 2)
    assert brier_score(np.eye(3), [0, 1, 2]) == 0.0
    assert brier_score(np.eye(3), [1, 2, 0]) == 2.0
    with pytest.raises(ValueError, match="softmax"):
        brier_score([[2.0, 1.0]], [0])  # logits, not probabilities
    with pytest.raises(TypeError, match="masked"):
        brier_score(np.ma.array(np.eye(2), mask=[[0, 0], [0, 1]]), [0, 1])


def test_equal_mass_bins_hold_equal_counts_and_go_through_the_one_ece():
    conf, ok = _confidences(2, 103)
    b = equal_mass_bins(conf, ok, 10)
    assert b.counts.sum() == 103 and b.counts.max() - b.counts.min() <= 1
    assert np.all(np.diff(b.confidence) > 0) and b.edges[0] == 0 and b.edges[-1] == conf.max()
    one = equal_mass_bins(conf, ok, 1)
    assert ece_from_bins(one) == pytest.approx(abs(ok.mean() - conf.mean()), rel=1e-12)
    # the ECE of equal-width bins is ece_from_bins of them: one formula
    assert ece_from_bins(reliability_bins(conf, ok)) == expected_calibration_error(conf, ok)
    for bad, exc in ((0, ValueError), (104, ValueError), (2.5, TypeError), (True, TypeError)):
        with pytest.raises(exc, match="n_bins"):
            equal_mass_bins(conf, ok, bad)


def test_ece_from_bins_refuses_what_is_not_bins():
    with pytest.raises(TypeError, match="ReliabilityBins"):
        ece_from_bins([1, 2, 3])
    empty = ReliabilityBins(np.zeros(3, int), np.full(3, np.nan), np.full(3, np.nan), np.linspace(0, 1, 4))
    with pytest.raises(ValueError, match="no prediction"):
        ece_from_bins(empty)


def test_ece_by_temperature_is_the_ece_at_each_temperature():
    rng = np.random.default_rng(9)
    z = rng.normal(0, 3, size=(500, 6))
    y = _sample_labels(rng, z, 2.0)
    temps = np.geomspace(0.25, 8, 17)
    got = ece_by_temperature(z, y, temps)
    want = [expected_calibration_error(softmax(z, temperature=t), y) for t in temps]
    assert got.tolist() == want
    with pytest.raises(ValueError, match="temperature"):
        ece_by_temperature(z, y, [1.0, 0.0])


def _lesson08():
    import importlib

    return importlib.import_module("softmax_lib.lessons.lesson08_calibration")


@pytest.mark.parametrize("name", ["maximum_calibration_error", "equal_mass_bins", "ece_from_bins", "brier_score"])
def test_lesson_08_uses_the_librarys_scores_and_keeps_no_copy(name):
    """MCE, equal-mass bins, ECE from bins and the Brier score live in softmax_lib.calibration only."""
    own = getattr(_lesson08(), name, None)
    assert own is None or own is globals()[name], f"lesson 08 defines its own {name}"


def test_lesson_08s_grid_search_finds_the_librarys_argmin():
    """The exercise's grid search (the argmin T of the ECE) goes through the one ECE."""
    lesson = _lesson08()
    for seed in range(2):
        for true_t in (2.5, 0.5):
            z, y = lesson._synthetic_split(true_t, seed=7 + seed)
            temps = lesson.FIT_GRID
            assert temps[int(np.argmin(ece_by_temperature(z, y, temps)))] == lesson._grid_ece_argmin(z, y, temps)
