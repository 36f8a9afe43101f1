"""Lesson 08, overconfidence and calibration: data, training, figures, widget callbacks, checks."""

from __future__ import annotations

import socket

import matplotlib.pyplot as plt
import numpy as np
import pytest

from softmax_lib import softmax
from softmax_lib.calibration import expected_calibration_error, fit_temperature, reliability_bins
from softmax_lib.lessons import lesson08_calibration as lesson
from softmax_lib.widgets import STATIC_TEXT

# A test that needs a trained network (the notebook's 3000 epochs, or the weight-decay runs) is
# slow: `make test` runs it, `make test-lib` leaves it out.
trains = pytest.mark.slow


@pytest.fixture(scope="module")
def data():
    return lesson.load_digit_splits(seed=0)


@pytest.fixture(scope="module")
def trained(data):
    """The notebook's model, logits and fitted temperature (same settings as the notebook)."""
    model = lesson.train_mlp(
        data.X_train, data.y_train, data.X_val, data.y_val, hidden=32, epochs=3000, lr=0.01, weight_decay=0.0, seed=0
    )
    z_test = model.logits(data.X_test)
    t = fit_temperature(model.logits(data.X_val), data.y_val)
    return model, z_test, t


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [ax.get_title() for ax in fig.axes]


# ---------------------------------------------------------------- data
@pytest.mark.slow  # several seconds on a shared machine
def test_digits_load_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise OSError("network access attempted")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    d = lesson.load_digit_splits(seed=0)
    assert sum(len(y) for y in (d.y_train, d.y_val, d.y_test)) == 1797


def test_splits_are_stratified_disjoint_and_complete(data):
    sizes = [len(data.y_train), len(data.y_val), len(data.y_test)]
    assert sizes == [179, 360, 1258]
    for X, y in [(data.X_train, data.y_train), (data.X_val, data.y_val), (data.X_test, data.y_test)]:
        assert X.shape == (len(y), 64) and X.min() >= 0 and X.max() <= 1
        assert set(np.unique(y)) == set(range(10))
    assert np.bincount(data.y_train).min() >= 17  # every digit about 10 % of its images


def test_stratified_split_indices():
    y = np.repeat(np.arange(4), [10, 20, 30, 40])
    parts = lesson.stratified_split(y, (0.1, 0.2, 0.7), seed=3)
    joined = np.concatenate(parts)
    assert sorted(joined.tolist()) == list(range(100))  # disjoint and complete
    for part, frac in zip(parts, (0.1, 0.2, 0.7)):
        counts = np.bincount(y[part], minlength=4)
        np.testing.assert_allclose(counts, frac * np.array([10, 20, 30, 40]), atol=1)
    again = lesson.stratified_split(y, (0.1, 0.2, 0.7), seed=3)
    assert all(np.array_equal(a, b) for a, b in zip(parts, again))
    with pytest.raises(ValueError, match="sum to 1"):
        lesson.stratified_split(y, (0.5, 0.6))


# ---------------------------------------------------------------- training
def test_training_is_deterministic_and_logged(data):
    kw = dict(hidden=8, epochs=40, lr=0.01, seed=1)
    a = lesson.train_mlp(data.X_train, data.y_train, data.X_val, data.y_val, **kw)
    b = lesson.train_mlp(data.X_train, data.y_train, data.X_val, data.y_val, **kw)
    assert np.array_equal(a.logits(data.X_test), b.logits(data.X_test))
    assert set(a.history) == {"epoch", "train_loss", "train_acc", "val_nll", "val_acc", "val_conf", "val_ece"}
    assert {1, 3, 10, 30, 40} <= set(a.history["epoch"].tolist())
    assert all(np.isfinite(v).all() for v in a.history.values())
    assert a.history["train_loss"][-1] < a.history["train_loss"][0]


def test_verbose_training_prints_one_line(data, capsys):
    model = lesson.train_mlp(
        data.X_train, data.y_train, data.X_val, data.y_val, hidden=8, epochs=20, seed=0, verbose=True
    )
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("trained 20 epochs: training loss ")
    assert model.history["epoch"][-1] == 20


@trains
def test_the_notebook_model_is_overconfident_and_temperature_scaling_helps(data, trained):
    model, z, t = trained
    h = model.history
    assert h["train_acc"][-1] == 1.0 and h["train_loss"][-1] < 1e-3  # trained to ~0 loss
    assert h["val_nll"][-1] > h["val_nll"].min() + 0.1  # NLL overfitting
    p = softmax(z)
    ece_raw = expected_calibration_error(p, data.y_test)
    assert ece_raw > 0.03  # meaningfully > 0
    assert p.max(axis=1).mean() > np.mean(p.argmax(axis=1) == data.y_test)  # overconfident
    assert t > 1.5
    p_t = softmax(z / t)
    assert np.array_equal(p_t.argmax(axis=1), p.argmax(axis=1))
    assert expected_calibration_error(p_t, data.y_test) < 0.7 * ece_raw


# ---------------------------------------------------------------- static figures
def test_draw_reliability_handles_empty_bins_and_all_right(fig):
    ax = fig.subplots()
    b, ece = lesson.draw_reliability(ax, np.array([0.99, 0.97, 0.98]), np.array([True, True, True]))
    assert b.counts.sum() == 3 and ece < 0.03
    assert not any("nan" in t.lower() for t in _texts(fig))
    fig.canvas.draw()


def test_draw_confidence_hist_with_no_wrong_predictions(fig):
    ax = fig.subplots()
    lesson.draw_confidence_hist(ax, np.array([0.9, 0.95, 0.99]), np.array([True, True, True]))
    fig.canvas.draw()


@trains
def test_static_figures_draw(fig, data, trained):
    model, z, t = trained
    lesson.draw_history(fig, model.history)
    fig.canvas.draw()
    lesson.draw_digits(fig, data.X_test[:4], ["a", "b", "c", "d"])
    fig.canvas.draw()
    fig.clear()
    temps = np.geomspace(0.25, 8, 21)
    lesson.draw_nll_curve(fig.subplots(), temps, np.linspace(1, 2, 21) ** 2, 2.0)
    fig.canvas.draw()


@trains
def test_static_figures_say_what_they_show(data, trained):
    from softmax_lib.plots import alt_text

    model, z, t = trained
    f = plt.figure(figsize=(10, 4))
    try:
        lesson.draw_history(f, model.history)
        assert "lowest (" in alt_text(f) and f"{model.history['val_conf'][-1]:.3f}" in alt_text(f)
        conf, ok = softmax(z).max(axis=1), z.argmax(axis=1) == data.y_test
        _, ece = lesson.draw_reliability(f.subplots(), conf, ok)
        assert f"ECE {100 * ece:.1f} %" in alt_text(f)
        lesson.draw_before_after(f, conf, softmax(z / t).max(axis=1), ok, t)
        assert alt_text(f).count("ECE") == 2 and f"T = {t:.2f}" in alt_text(f)
        f.clear()
        lesson.draw_confidence_hist(f.subplots(), conf, ok)
        assert f"{int((~ok).sum())} wrong" in alt_text(f)
        lesson.draw_digits(f, data.X_test[:2], ["label 0", "label 2"])
        assert "label 0, label 2" in alt_text(f)
    finally:
        plt.close(f)


# ---------------------------------------------------------------- more scores, checked by hand
def test_mce_is_the_largest_gap_of_a_nonempty_bin():
    # bin (0.8, 1.0]: 0.9 and 0.95, one right -> gap |0.5 - 0.925|; bin (0.4, 0.6]: 0.5, right -> gap 0.5
    conf, ok = [0.9, 0.95, 0.5], [True, False, True]
    assert lesson.maximum_calibration_error(conf, ok, n_bins=5) == pytest.approx(0.5)
    assert lesson.maximum_calibration_error([0.9, 0.95], [True, False], n_bins=5) == pytest.approx(0.425)


def test_brier_score_by_hand():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
    # row 1: (0.3^2 + 0.2^2 + 0.1^2) = 0.14; row 2, label 2: 0.1^2 + 0.8^2 + 0.9^2 = 1.46
    assert lesson.brier_score(p, [0, 2]) == pytest.approx((0.14 + 1.46) / 2)
    assert lesson.brier_score(np.eye(3), [0, 1, 2]) == 0.0


def test_equal_mass_bins_hold_equal_counts_and_agree_with_one_bin():
    rng = np.random.default_rng(1)
    conf = rng.uniform(0.3, 1.0, 103)
    ok = rng.random(103) < conf
    b = lesson.equal_mass_bins(conf, ok, 10)
    assert b.counts.sum() == 103 and b.counts.max() - b.counts.min() <= 1
    assert np.all(np.diff(b.confidence) > 0)
    one = lesson.equal_mass_bins(conf, ok, 1)
    assert lesson.ece_from_bins(one) == pytest.approx(abs(ok.mean() - conf.mean()))
    assert lesson.ece_from_bins(reliability_bins(conf, ok)) == pytest.approx(expected_calibration_error(conf, ok))
    for bad in (0, 104, 2.5, True):
        with pytest.raises((ValueError, TypeError), match="n_bins"):
            lesson.equal_mass_bins(conf, ok, bad)


@trains
def test_calibration_scores_match_independent_formulas(data, trained):
    _, z, t = trained
    s = lesson.calibration_scores(z, data.y_test, temperature=t)
    zt = z / t
    logp = zt - zt.max(axis=1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(axis=1, keepdims=True))
    assert s["NLL"] == pytest.approx(-logp[np.arange(len(z)), data.y_test].mean())
    p = np.exp(logp)
    assert s["Brier"] == pytest.approx(np.mean(((p - np.eye(10)[data.y_test]) ** 2).sum(axis=1)))
    assert s["accuracy"] == pytest.approx(np.mean(z.argmax(axis=1) == data.y_test))
    raw = lesson.calibration_scores(z, data.y_test)
    assert s["NLL"] < raw["NLL"] and s["Brier"] < raw["Brier"] and s["ECE"] < raw["ECE"]


@trains
def test_bootstrap_temperature_is_seeded_and_brackets_the_fit(data, trained):
    model, _, t = trained
    zv = model.logits(data.X_val)
    a = lesson.bootstrap_temperature(zv, data.y_val, n_boot=60, seed=3)
    assert np.array_equal(a, lesson.bootstrap_temperature(zv, data.y_val, n_boot=60, seed=3))
    assert np.percentile(a, 5) < t < np.percentile(a, 95)
    assert np.all(a > 1)


@trains
def test_sklearn_temperature_scaling_finds_the_same_t(data, trained):
    from sklearn.calibration import CalibratedClassifierCV  # method="temperature" needs scikit-learn >= 1.8
    from sklearn.frozen import FrozenEstimator

    model, z, t = trained
    sk = CalibratedClassifierCV(FrozenEstimator(lesson.as_sklearn(model)), method="temperature")
    sk.fit(data.X_val, data.y_val)
    assert 1 / sk.calibrated_classifiers_[0].calibrators[0].beta_ == pytest.approx(t, rel=1e-3)
    np.testing.assert_allclose(sk.predict_proba(data.X_test), softmax(z / t), atol=1e-5)


@trains
def test_weight_decay_makes_the_network_less_confident(data):
    rows = lesson.train_weight_decays(data, [0.0, 1e-2], epochs=600)
    assert [r["weight_decay"] for r in rows] == [0.0, 0.01]
    assert rows[0]["confidence"] > rows[1]["confidence"]
    assert rows[0]["T"] > rows[1]["T"]
    f = plt.figure()
    try:
        lesson.draw_weight_decay(f, rows)
        from softmax_lib.plots import alt_text

        assert f"fitted T {rows[1]['T']:.2f}" in alt_text(f)
        f.canvas.draw()
    finally:
        plt.close(f)


_WEIGHT_DECAY_RUN = """
import hashlib, json
from softmax_lib.lessons import lesson08_calibration as lesson
from threadpoolctl import threadpool_info
data = lesson.load_digit_splits(seed=0)
model = lesson.train_mlp(data.X_train, data.y_train, data.X_val, data.y_val, hidden=32, epochs=3000, lr=0.01, seed=0)
weights = hashlib.sha256(b"".join(p.tobytes() for p in (model.W1, model.b1, model.W2, model.b2))).hexdigest()
rows = lesson.train_weight_decays(data, [0.0, 1e-4, 1e-3, 1e-2], hidden=32, epochs=3000, lr=0.01, seed=0)
kernels = sorted({str(i.get("architecture")) for i in threadpool_info() if i.get("internal_api") == "openblas"})
print(json.dumps({"weights": weights, "margin": model.snap_margin, "rows": rows, "kernels": kernels}))
"""

# The configurations strict nbval must pass under (issue 16): OpenBLAS kernels and NumPy's SIMD paths.
NO_AVX512 = {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"}
KERNEL_CONFIGS = {
    "default": {},
    "Prescott": {"OPENBLAS_CORETYPE": "Prescott"},
    "Haswell": {"OPENBLAS_CORETYPE": "Haswell"},
    "no AVX-512": NO_AVX512,
    "Prescott, no AVX-512": {"OPENBLAS_CORETYPE": "Prescott", **NO_AVX512},
}


def _kernel_configs() -> dict:
    """KERNEL_CONFIGS this CPU can run: x86-64 only (elsewhere these kernels do not exist), Haswell needs AVX2."""
    import platform
    from pathlib import Path

    if platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip(f"OpenBLAS's x86-64 kernels do not exist on {platform.machine()}")
    try:
        flags = Path("/proc/cpuinfo").read_text().split()
    except OSError:
        flags = []
    return {k: v for k, v in KERNEL_CONFIGS.items() if k != "Haswell" or "avx2" in flags}


@pytest.mark.slow
def test_weight_decay_table_is_the_same_under_every_kernel_and_keeps_its_trend():
    """The notebook's model and its weight-decay table, trained in a fresh process per BLAS/SIMD
    configuration: the weights are bit-identical and every row is equal (train_mlp's grid)."""
    import json
    import os
    import subprocess
    import sys

    runs = {}
    for name, extra in _kernel_configs().items():
        env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES")}
        out = subprocess.run(
            [sys.executable, "-c", _WEIGHT_DECAY_RUN], env={**env, **extra}, capture_output=True, text=True, check=True
        )
        runs[name] = json.loads(out.stdout)
    # the configurations really use different kernels (else the comparison would prove nothing)
    assert runs["Prescott"]["kernels"] == ["Katmai"] and runs["Prescott"]["kernels"] != runs["default"]["kernels"]
    first = runs["default"]
    for name, run in runs.items():
        assert run["weights"] == first["weights"], name
        assert run["rows"] == first["rows"], name
        assert run["margin"] > 1e-14, name  # no step came near a rounding boundary of the grid
    rows = first["rows"]
    conf = [r["confidence"] for r in rows]
    assert conf == sorted(conf, reverse=True)  # more weight decay, less confident
    assert [r["T"] for r in rows] == sorted((r["T"] for r in rows), reverse=True)
    assert rows[0]["confidence"] > rows[0]["accuracy"] + 0.02 and rows[0]["T"] > 1.5  # none: overconfident
    assert rows[-1]["confidence"] < rows[-1]["accuracy"] - 0.05 and rows[-1]["T"] < 1  # 1e-2: underconfident
    assert max(r["accuracy"] for r in rows) - min(r["accuracy"] for r in rows) < 0.03  # accuracy barely moves
    assert all(r["ece_T"] < 0.04 for r in rows)  # after scaling, every run is close to calibrated


def test_training_steps_stay_on_the_grid(data):
    model = lesson.train_mlp(data.X_train, data.y_train, data.X_val, data.y_val, hidden=8, epochs=50, seed=2)
    for p in (model.W1, model.b1, model.W2, model.b2):
        assert np.array_equal(np.round(p * lesson.GRID) / lesson.GRID, p)
    assert 0 < model.snap_margin <= 0.5 / lesson.GRID


# ---------------------------------------------------------------- views, at both ends of every slider
@trains
@pytest.mark.parametrize("temperature", [0.25, 1.0, 2.38, 8.0])
def test_temperature_view(fig, data, trained, temperature):
    _, z, t = trained
    view = lesson.TemperatureView(fig, z, data.y_test, t)
    axes_before = list(fig.axes)
    out = view.update(temperature=temperature)
    p = softmax(z / temperature)
    assert out["ece"] == pytest.approx(expected_calibration_error(p, data.y_test))
    assert out["accuracy"] == pytest.approx(np.mean(z.argmax(axis=1) == data.y_test))  # never changes
    assert out["mean_confidence"] == pytest.approx(p.max(axis=1).mean())
    assert list(fig.axes) == axes_before  # built once
    assert f"T = {temperature:.2f}" in view.alt and f"{100 * out['ece']:.1f} %" in view.alt
    assert ("underconfident" in view.alt) == (out["mean_confidence"] < out["accuracy"])
    assert not any("nan" in s.lower() for s in _texts(fig))
    fig.canvas.draw()


@trains
def test_temperature_view_ece_is_lowest_near_the_fitted_t(fig, data, trained):
    _, z, t = trained
    view = lesson.TemperatureView(fig, z, data.y_test, t)
    near = view.update(temperature=t)["ece"]
    assert near < view.update(temperature=1.0)["ece"]
    assert near < view.update(temperature=8.0)["ece"]


@trains
@pytest.mark.parametrize("threshold", [0.5, 0.9, 0.99])
def test_threshold_view(fig, data, trained, threshold):
    _, z, t = trained
    conf = softmax(z).max(axis=1)
    conf_t = softmax(z / t).max(axis=1)
    correct = z.argmax(axis=1) == data.y_test
    view = lesson.ThresholdView(fig, conf, conf_t, correct, t)
    out = view.update(threshold=threshold)
    for key, c in [("raw", conf), ("scaled", conf_t)]:
        counts = out[key]
        assert all(type(v) is int for v in counts.values())
        assert counts["flagged"] == np.sum(c < threshold)
        assert counts["flagged_wrong"] + counts["missed"] == counts["wrong"] == np.sum(~correct)
    # T > 1 lowers every confidence: the scaled rule flags at least as much and misses at most as much
    assert out["scaled"]["flagged"] >= out["raw"]["flagged"]
    assert out["scaled"]["missed"] <= out["raw"]["missed"]
    assert f"{out['raw']['flagged']} flagged" in view.alt and f"< {threshold:.2f}" in view.alt
    assert view.span.get_width() == pytest.approx(threshold)
    fig.canvas.draw()


@trains
def test_threshold_view_keeps_its_axes_across_the_slider(fig, data, trained):
    """A move changes only bars and texts (so the widget repaints over its cached background),
    and the fixed bar axis still holds the tallest bar and its label at the top of the range."""
    _, z, t = trained
    conf, conf_t = softmax(z).max(axis=1), softmax(z / t).max(axis=1)
    correct = z.argmax(axis=1) == data.y_test
    view = lesson.ThresholdView(fig, conf, conf_t, correct, t)
    limits = set()
    for threshold in np.linspace(*lesson.THRESHOLD_RANGE, 6):
        out = view.update(threshold=threshold)
        limits.add(view.ax_bar.get_ylim())
        tallest = max(max(c.values()) for c in out.values())
        assert tallest * 1.2 < view.ax_bar.get_ylim()[1]
    assert len(limits) == 1


def test_flag_counts_by_hand():
    counts = lesson.flag_counts([0.95, 0.6, 0.8, 0.99], [True, False, True, False], 0.9)
    assert counts == {"flagged": 2, "flagged_wrong": 1, "missed": 1, "wrong": 2}


@pytest.mark.slow  # several seconds on a shared machine
def test_widgets_redraw_on_change(data, trained):
    _, z, t = trained
    w = lesson.temperature_widget(z, data.y_test, fitted=t)
    before = w.last["ece"]
    w.controls["temperature"].value = t
    assert w.last["ece"] < before
    assert w.controls["temperature"].min == pytest.approx(np.log10(0.25))
    assert w.controls["temperature"].max == pytest.approx(np.log10(8.0))
    assert isinstance(w.view, lesson.TemperatureView)
    assert repr(w) == STATIC_TEXT
    data_, meta = w._repr_mimebundle_()
    assert "image/png" in data_ and "application/vnd.jupyter.widget-view+json" in data_
    assert meta["image/png"]["alt"].startswith(f"At T = {t:.2f}")
    plt.close(w.figure)

    conf = softmax(z).max(axis=1)
    w2 = lesson.threshold_widget(conf, softmax(z / t).max(axis=1), z.argmax(axis=1) == data.y_test, fitted=t)
    assert w2.last["raw"]["flagged"] == np.sum(conf < 0.9)
    w2.controls["threshold"].value = 0.99
    assert w2.last["raw"]["flagged"] == np.sum(conf < 0.99)
    w2.controls["threshold"].value = 0.5
    assert w2.last["raw"]["flagged"] == np.sum(conf < 0.5)
    plt.close(w2.figure)


@trains
def test_threshold_widget_tick_labels_fit_in_the_figure(data, trained):
    """The right panel's "1" tick label was clipped at the figure's edge."""
    _, z, t = trained
    conf = softmax(z).max(axis=1)
    w = lesson.threshold_widget(conf, softmax(z / t).max(axis=1), z.argmax(axis=1) == data.y_test, fitted=t)
    renderer = w.figure.canvas.get_renderer()
    width = w.figure.bbox.width
    for ax in w.figure.axes:
        for label in ax.get_xticklabels():
            box = label.get_window_extent(renderer)
            assert box.x0 >= 5 and box.x1 <= width - 5, label.get_text()  # not clipped, not touching the edge
    plt.close(w.figure)


# ---------------------------------------------------------------- Predict checkpoints
@pytest.mark.parametrize(
    "fn,args,prediction,ok,fragment",
    [
        (lesson.predict_training, (), None, None, "No prediction yet"),
        (lesson.predict_training, (), "c", True, "grows without bound"),
        (lesson.predict_training, (), "a", False, "179 images"),
        (lesson.predict_training, (), "b", False, "keeps rising after epoch 100"),
        (lesson.predict_train_temperature, (), None, None, "No prediction yet"),
        (lesson.predict_train_temperature, (), "c", True, "smallest T"),
        (lesson.predict_train_temperature, (), "a", False, "none is wrong"),
        (lesson.predict_train_temperature, (), "b", False, "never reached 0"),
        (lesson.predict_scaled_confidence, (), None, None, "No prediction yet"),
        (lesson.predict_scaled_confidence, (0.968, 0.906, 0.927), "b", True, "0.968 to 0.906"),
        (lesson.predict_scaled_confidence, (), "a", False, "T > 1 flattens"),
        (lesson.predict_scaled_confidence, (), "c", False, "does not overshoot"),
        (lesson.predict_weight_decay, (), None, None, "No prediction yet"),
        (lesson.predict_weight_decay, (), "c", True, "less weight decay"),
        (lesson.predict_weight_decay, (), "a", False, "Guo et al."),
    ],
)
def test_predict_checkpoints(fn, args, prediction, ok, fragment):
    fb = fn(prediction, *args)
    assert fb.ok is ok
    assert fragment in repr(fb)


@trains
def test_predict_training_quotes_the_history(trained):
    model, _, _ = trained
    h = model.history
    assert h["val_nll"][-1] > h["val_nll"][list(h["epoch"]).index(100)]  # the answer (c) is what happened
    fb = lesson.predict_training("c", h)
    assert f"{h['val_nll'][-1]:.3f}" in fb.detail and "epoch 100" in fb.detail


@trains
def test_predict_train_temperature_quotes_the_grid_search_on_the_training_set(data, trained):
    model, _, _ = trained
    fb = lesson.predict_train_temperature("c", model.logits(data.X_train), data.y_train)
    assert fb.ok is True
    assert f"T = {lesson.FIT_GRID[0]:.2f}" in fb.detail  # the smallest T of the grid, as answer (c) says


@pytest.mark.parametrize("confidence,answer", [(0.809, "c"), (0.94, "b"), (0.99, "a")])
def test_predict_weight_decay_reads_the_answer_from_the_run(confidence, answer):
    rows = [
        {"weight_decay": 0.0, "accuracy": 0.93, "confidence": 0.97, "ece": 0.04, "T": 2.4},
        {"weight_decay": 0.01, "accuracy": 0.935, "confidence": confidence, "ece": 0.1, "T": 0.55},
    ]
    assert lesson.predict_weight_decay(answer, rows).ok is True
    assert f"mean confidence {confidence:.3f}" in lesson.predict_weight_decay(answer, rows).detail


# ---------------------------------------------------------------- Write it: fit T by grid search
def _fit_naive(z, y, temps):
    rows, best, best_nll = np.arange(len(y)), None, np.inf
    for t in temps:
        e = np.exp(z / t)
        nll = -np.log((e / e.sum(axis=1, keepdims=True))[rows, y]).mean()
        if nll < best_nll:
            best, best_nll = t, nll
    return best


def _nlls(z, y, temps, scale=lambda z, t: z / t, at=None):
    from softmax_lib import log_softmax

    rows = np.arange(len(y))
    return np.array(
        [-np.mean(log_softmax(scale(z, t))[rows, y] if at is None else at(log_softmax(scale(z, t)))) for t in temps]
    )


@pytest.fixture(scope="module")
def fit_case(data, trained):
    model, z_test, _ = trained
    return model.logits(data.X_val), data.y_val, z_test, data.y_test


WRONG_FITS = {
    "test set (reads the notebook's logits_test)": (
        lambda ctx: lambda z, y, temps: lesson.reference_fit_temperature(ctx[2], ctx[3], temps),
        "fits the TEST split",
    ),
    "validation globals": (
        lambda ctx: lambda z, y, temps: lesson.reference_fit_temperature(ctx[0], ctx[1], temps),
        "the T of the notebook's digits, for made-up data",
    ),
    "logits * T": (
        lambda ctx: lambda z, y, temps: temps[np.argmin(_nlls(z, y, temps, scale=lambda z, t: z * t))],
        "logits * T instead of logits / T",
    ),
    "predicted class, not the label": (
        lambda ctx: lambda z, y, temps: temps[np.argmin(_nlls(z, y, temps, at=lambda lp: lp.max(axis=1)))],
        "smallest T in the grid",
    ),
    "argmax": (lambda ctx: lambda z, y, temps: temps[np.argmax(_nlls(z, y, temps))], "argmax instead of argmin"),
    "an index": (lambda ctx: lambda z, y, temps: np.argmin(_nlls(z, y, temps)), "the position in temps"),
    "the NLL itself": (lambda ctx: lambda z, y, temps: float(np.min(_nlls(z, y, temps))), "the lowest NLL itself"),
    "no return": (lambda ctx: lambda z, y, temps: None, "without it a Python function returns None"),
    "naive exp": (lambda ctx: _fit_naive, "overflow encountered in exp"),
    "naive exp, then np.argmin over the NLLs": (
        lambda ctx: (
            lambda z, y, temps: temps[
                np.argmin(
                    [
                        -np.log((np.exp(z / t) / np.exp(z / t).sum(axis=1, keepdims=True))[np.arange(len(y)), y]).mean()
                        for t in temps
                    ]
                )
            ]
        ),
        "np.argmin returns the position of the first NaN",
    ),
    "the ECE minimised instead of the NLL": (
        lambda ctx: (
            lambda z, y, temps: temps[np.argmin([expected_calibration_error(softmax(z / t), y) for t in temps])]
        ),
        "the T with the lowest ECE, not the lowest NLL",
    ),
    "only T >= 1": (
        lambda ctx: lambda z, y, temps: max(1.0, lesson.reference_fit_temperature(z, y, temps)),
        "The grid goes below 1 too",
    ),
    "changes its input": (
        lambda ctx: (
            lambda z, y, temps: (z.__itruediv__(1.0), y.sort(), lesson.reference_fit_temperature(z, y, temps))[-1]
        ),
        "changed its input array in place",
    ),
}


@pytest.mark.slow  # several seconds on a shared machine
def test_check_fit_temperature_accepts_the_reference_and_the_library(fit_case):
    assert lesson.check_fit_temperature(lesson.reference_fit_temperature, *fit_case).ok is True

    def via_temperature_nll(z, y, temps):
        from softmax_lib.calibration import temperature_nll

        return temps[np.argmin([temperature_nll(z, y, t) for t in temps])]

    assert lesson.check_fit_temperature(via_temperature_nll, *fit_case).ok is True
    assert lesson.check_fit_temperature(None, *fit_case).ok is None
    assert lesson.check_fit_temperature(2.38, *fit_case).ok is False


@pytest.mark.slow  # several seconds on a shared machine
def test_an_ece_fit_is_not_accused_of_using_the_test_split(fit_case):
    """The validation split's ECE-minimising T can land near the test split's NLL-minimising T: the
    feedback must name the ECE (both causes when they coincide), not accuse the learner of peeking."""
    fb = lesson.check_fit_temperature(WRONG_FITS["the ECE minimised instead of the NLL"][0](fit_case), *fit_case)
    assert fb.ok is False and "lowest ECE" in repr(fb).replace("lowest validation ECE", "lowest ECE")
    assert "not the validation split it was given" not in repr(fb)  # the plain accusation of peeking


@trains
def test_grid_ece_argmin_agrees_with_the_library(fit_case):
    z, y = fit_case[0], fit_case[1]
    temps = np.geomspace(0.25, 8, 41)
    by_library = temps[np.argmin([expected_calibration_error(softmax(z / t), y) for t in temps])]
    assert lesson._grid_ece_argmin(z, y, temps) == by_library


@trains
@pytest.mark.parametrize("name", list(WRONG_FITS))
def test_check_fit_temperature_rejects_each_mistake_with_its_own_hint(fit_case, name):
    make, fragment = WRONG_FITS[name]
    fb = lesson.check_fit_temperature(make(fit_case), *fit_case)
    assert fb.ok is False
    assert fragment in repr(fb), repr(fb)


# ---------------------------------------------------------------- check yourself
@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (0.08, True, "ECE = 0.8 x 0.075 + 0.2 x 0.10 = 0.080"),
        ("0.08", True, "Right"),
        (np.float64(0.0805), True, "Right"),
        (0.0875, False, "plain average"),
        (0.04, False, "|mean confidence - accuracy|"),  # the bins' gaps cancelled (either sign):
        (-0.04, False, "|mean confidence - accuracy|"),  # one mistake, one hint
        (8, False, "percent"),
        (0.1, False, "largest gap"),
        (0.5, False, "For each bin"),
        ("abc", False, "Expected a fraction"),
    ],
)
def test_check_q1(answer, ok, fragment):
    fb = lesson.check_q1(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (100, True, "20 + 80 = 100"),
        ("100", True, "Right"),
        (500, False, "RIGHT predictions"),
        (20, False, "add the mistakes among the 200"),
        (80, False, "add the mistakes among the 400"),
        (1 / 6, False, "error rate"),
        (30, False, "add 1 - p"),
    ],
)
def test_check_q2(answer, ok, fragment):
    fb = lesson.check_q2(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (2, True, "0.82, 0.50, 0.96"),
        (2.0, True, "predicted class stays"),
        (np.int64(2), True, "Right"),
        (1, False, "count at T = 1"),
        (3, False, "image 3"),
        (0, False, "at least as many"),
        ("two", False, "without quotes"),
    ],
)
def test_check_q3(answer, ok, fragment):
    fb = lesson.check_q3(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)
