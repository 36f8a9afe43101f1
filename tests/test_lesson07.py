"""Lesson 07, overconfidence and calibration: data, training, figures, widget callbacks, checks."""

from __future__ import annotations

import io
import socket
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from softmax_lib import softmax  # noqa: E402
from softmax_lib.calibration import expected_calibration_error, fit_temperature  # noqa: E402
from softmax_lib.lessons import calibration as lesson  # noqa: E402
from softmax_lib.widgets import STATIC_TEXT  # noqa: E402



@pytest.fixture(scope="module")
def data():
    return lesson.load_digit_splits(seed=0)


@pytest.fixture(scope="module")
def trained(data):
    """The notebook's model, logits and fitted temperature (same settings as the notebook)."""
    model = lesson.train_mlp(data.X_train, data.y_train, data.X_val, data.y_val,
                             hidden=32, epochs=3000, lr=0.01, weight_decay=0.0, seed=0)
    z_test = model.logits(data.X_test)
    t = fit_temperature(model.logits(data.X_val), data.y_val)
    return model, z_test, t


def _texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts] + [ax.get_title() for ax in fig.axes]


# ---------------------------------------------------------------- data
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
    assert np.bincount(data.y_train).min() >= 17       # every digit about 10 % of its images


def test_stratified_split_indices():
    y = np.repeat(np.arange(4), [10, 20, 30, 40])
    parts = lesson.stratified_split(y, (0.1, 0.2, 0.7), seed=3)
    joined = np.concatenate(parts)
    assert sorted(joined.tolist()) == list(range(100))            # disjoint and complete
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


def test_progress_bar_runs_outside_jupyter(data, capsys):
    model = lesson.train_mlp(data.X_train, data.y_train, data.X_val, data.y_val,
                             hidden=8, epochs=20, seed=0, progress=True)
    assert "Training progress bar" in capsys.readouterr().out
    assert model.history["epoch"][-1] == 20


def test_the_notebook_model_is_overconfident_and_temperature_scaling_helps(data, trained):
    model, z, t = trained
    h = model.history
    assert h["train_acc"][-1] == 1.0 and h["train_loss"][-1] < 1e-3       # trained to ~0 loss
    assert h["val_nll"][-1] > h["val_nll"].min() + 0.1                      # NLL overfitting
    p = softmax(z)
    ece_raw = expected_calibration_error(p, data.y_test)
    assert ece_raw > 0.03                                                   # meaningfully > 0
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


# ---------------------------------------------------------------- widget callbacks
@pytest.fixture(scope="module")
def curve(data, trained):
    _, z, _ = trained
    temps = np.geomspace(0.25, 8, 31)
    return temps, np.array([expected_calibration_error(softmax(z / t), data.y_test) for t in temps])


@pytest.mark.parametrize("temperature", [0.25, 0.5, 1.0, 2.38, 8.0])
def test_temperature_callback_at_extremes(fig, data, trained, curve, temperature):
    _, z, t = trained
    out = lesson.draw_temperature(fig, temperature, logits=z, labels=data.y_test, fitted=t, curve=curve)
    p = softmax(z / temperature)
    assert out["ece"] == pytest.approx(expected_calibration_error(p, data.y_test))
    assert out["accuracy"] == pytest.approx(np.mean(z.argmax(axis=1) == data.y_test))   # never changes
    assert 0 < out["mean_confidence"] <= 1
    texts = _texts(fig)
    assert any(f"T = {temperature:.2f}" in s for s in texts)
    assert not any("nan" in s.lower() for s in texts)
    fig.canvas.draw()


def test_temperature_callback_ece_is_lowest_near_the_fitted_t(fig, data, trained, curve):
    _, z, t = trained
    kw = dict(logits=z, labels=data.y_test, fitted=t, curve=curve)
    near = lesson.draw_temperature(fig, t, **kw)["ece"]
    assert near < lesson.draw_temperature(fig, 1.0, **kw)["ece"]
    assert near < lesson.draw_temperature(fig, 8.0, **kw)["ece"]


@pytest.mark.parametrize("threshold", [0.5, 0.75, 0.9, 0.99])
def test_threshold_callback_counts(fig, data, trained, threshold):
    _, z, t = trained
    conf = softmax(z).max(axis=1)
    conf_t = softmax(z / t).max(axis=1)
    correct = z.argmax(axis=1) == data.y_test
    out = lesson.draw_threshold(fig, threshold, conf_raw=conf, conf_scaled=conf_t, correct=correct, fitted=t)
    for key, c in [("raw", conf), ("scaled", conf_t)]:
        counts = out[key]
        assert all(type(v) is int for v in counts.values())
        assert counts["flagged"] == np.sum(c < threshold)
        assert counts["flagged_wrong"] + counts["missed"] == counts["wrong"] == np.sum(~correct)
    # T > 1 lowers every confidence: the scaled rule flags at least as much and misses at most as much
    assert out["scaled"]["flagged"] >= out["raw"]["flagged"]
    assert out["scaled"]["missed"] <= out["raw"]["missed"]
    assert not any("nan" in s.lower() for s in _texts(fig))
    fig.canvas.draw()


def test_flag_counts_by_hand():
    counts = lesson.flag_counts([0.95, 0.6, 0.8, 0.99], [True, False, True, False], 0.9)
    assert counts == {"flagged": 2, "flagged_wrong": 1, "missed": 1, "wrong": 2}


def test_widgets_redraw_on_change(data, trained):
    _, z, t = trained
    w = lesson.temperature_widget(z, data.y_test, fitted=t)
    before = w.last["ece"]
    w.controls["temperature"].value = t
    assert w.last["ece"] < before
    assert w.controls["temperature"].min == pytest.approx(np.log10(0.25))
    assert w.controls["temperature"].max == pytest.approx(np.log10(8.0))
    assert repr(w) == STATIC_TEXT
    data_, _ = w._repr_mimebundle_()
    assert "image/png" in data_ and "application/vnd.jupyter.widget-view+json" in data_
    plt.close(w.figure)

    conf = softmax(z).max(axis=1)
    w2 = lesson.threshold_widget(conf, softmax(z / t).max(axis=1), z.argmax(axis=1) == data.y_test, fitted=t)
    assert w2.last["raw"]["flagged"] == np.sum(conf < 0.9)
    w2.controls["threshold"].value = 0.99
    assert w2.last["raw"]["flagged"] == np.sum(conf < 0.99)
    plt.close(w2.figure)


def test_redraws_are_fast_enough(fig, data, trained, curve):
    """A loose guard (CPU time, machines vary): a redraw plus a PNG well under half a second."""
    _, z, t = trained
    times = []
    for temperature in [0.5, 1.0, 4.0]:
        c0 = time.process_time()
        lesson.draw_temperature(fig, temperature, logits=z, labels=data.y_test, fitted=t, curve=curve)
        fig.savefig(io.BytesIO(), format="png")
        times.append(time.process_time() - c0)
    assert min(times) < 0.5


# ---------------------------------------------------------------- exercises
@pytest.mark.parametrize(
    "answer,ok,fragment",
    [
        (None, None, "No answer yet"),
        (0.08, True, "ECE = 0.8 x 0.075 + 0.2 x 0.10 = 0.080"),
        ("0.08", True, "Right"),
        (np.float64(0.0805), True, "Right"),
        (0.0875, False, "plain average"),
        (0.04, False, "absolute value"),
        (-0.04, False, "absolute value"),
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
    [(None, None, "No answer yet"), ("c", True, "shrinks every gap"), ("a", False, "MORE confident"),
     ("b", False, "overconfident model itself"), ("d", False, "number of classes"), ("e", False, "not an option")],
)
def test_check_q2(answer, ok, fragment):
    fb = lesson.check_q2(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)


@pytest.mark.parametrize(
    "answer,ok,fragment",
    [(None, None, "No answer yet"), ("c", True, "keeps their order"), (["C"], True, "Right"),
     ("a", False, "not what it answers"), ("b", False, "Less sure is not less right"), ("d", False, "cannot change")],
)
def test_check_q3(answer, ok, fragment):
    fb = lesson.check_q3(answer)
    assert fb.ok is ok
    assert fragment in repr(fb)
