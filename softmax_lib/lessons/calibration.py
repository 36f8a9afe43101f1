"""Lesson 07, overconfidence and calibration: the digits data, a tiny network,
the figures, the two "Try it" widgets and the exercise checks.

The maths (reliability bins, ECE, temperature fitting) lives in
:mod:`softmax_lib.calibration`; this module only trains the lesson's model and
draws.  Training and the model's forward pass run with one BLAS thread, so
every printed number is the same on every re-run, whatever the number of cores.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ..calibration import DEFAULT_BINS, expected_calibration_error, reliability_bins
from ..checks import Feedback, Near, check_choice, check_number
from ..core import cross_entropy, softmax
from ..style import COLORS

#: train / validation / test fractions: a small training set on purpose, so
#: the model makes enough mistakes for its calibration to be measurable.
SPLIT = (0.1, 0.2, 0.7)
RIGHT = COLORS["stable"]      # green: right predictions, accuracy
WRONG = COLORS["naive"]       # vermillion: wrong predictions, the gap
CONF = COLORS["prob"]         # orange: confidence (a probability)


# ---------------------------------------------------------------- data
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


# ---------------------------------------------------------------- the model
def _one_blas_thread():
    """A context in which matrix products use one thread: bit-for-bit reproducible."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


@dataclass
class TinyMLP:
    """64 pixels -> ``hidden`` ReLU units -> 10 logits.  ``history`` holds the training log."""

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    history: dict[str, np.ndarray] = field(default_factory=dict)

    def logits(self, X) -> np.ndarray:
        """The logits for a batch of images, shape (n, 10)."""
        with _one_blas_thread():
            return _forward(X, self.W1, self.b1, self.W2, self.b2)[1]


def _forward(X, W1, b1, W2, b2):
    h = np.maximum(X @ W1 + b1, 0.0)
    return h, h @ W2 + b2


def _checkpoints(epochs: int, n: int = 48) -> np.ndarray:
    """About ``n`` epochs spread evenly on a log scale from 1 to ``epochs``, and 1, 3, 10, 30, ..."""
    marks = np.round(np.geomspace(1, epochs, n)).astype(int)
    round_numbers = [e for e in (1, 3, 10, 30, 100, 300, 1000, 3000, 10000) if e <= epochs]
    return np.union1d(marks, round_numbers)


class _Progress:
    """A progress bar (ipywidgets IntProgress + a label) shown while training."""

    def __init__(self, total: int):
        import ipywidgets as W
        from IPython.display import display

        self.total = total
        self.bar = W.IntProgress(value=0, min=0, max=total, description="training",
                                 bar_style="info", layout=W.Layout(width="420px"))
        self.label = W.Label(f"epoch 0 / {total}")
        display(_progress_box_class()(children=[self.bar, self.label]))

    def update(self, epoch: int) -> None:
        self.bar.value = epoch
        self.label.value = f"epoch {epoch} / {self.total}"

    def close(self, text: str) -> None:
        self.bar.value = self.total
        self.bar.bar_style = "success"
        self.label.value = text


@functools.cache
def _progress_box_class():
    import ipywidgets as W

    class ProgressBox(W.HBox):
        def __repr__(self) -> str:  # what a viewer without widgets shows
            return "Training progress bar (shown live in Jupyter)."

        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            data, meta = bundle if isinstance(bundle, tuple) else (bundle, {})
            data = dict(data)
            data["text/plain"] = repr(self)
            return data, meta

    return ProgressBox


def train_mlp(
    X_train,
    y_train,
    X_val,
    y_val,
    *,
    hidden: int = 32,
    epochs: int = 3000,
    lr: float = 0.01,
    weight_decay: float = 0.0,
    seed: int = 0,
    progress: bool = False,
) -> TinyMLP:
    """Train a one-hidden-layer network with softmax + cross-entropy, full batch, Adam.

    Deliberately the recipe that makes modern networks overconfident (Guo et
    al. 2017): enough capacity to memorise the training set, no weight decay
    by default, and many epochs after the training accuracy reaches 100 %,
    so the cross-entropy keeps pushing the logits apart.

    The gradient of the mean cross-entropy with respect to the logits is
    ``(softmax(z) - onehot(y)) / n`` (lesson 06); the rest is the chain rule.
    ``history`` records, at about 48 epochs spread on a log scale: the
    training loss and accuracy, and the validation NLL, accuracy, mean
    confidence and ECE.
    """
    X_train = np.asarray(X_train, dtype=float)
    X_val = np.asarray(X_val, dtype=float)
    y_train = np.asarray(y_train)
    y_val = np.asarray(y_val)
    n, d = X_train.shape
    k = int(max(y_train.max(), y_val.max())) + 1
    rng = np.random.default_rng(seed)
    params = [
        rng.normal(0.0, np.sqrt(2.0 / d), (d, hidden)),  # He initialisation for ReLU
        np.zeros(hidden),
        rng.normal(0.0, np.sqrt(1.0 / hidden), (hidden, k)),
        np.zeros(k),
    ]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    onehot = np.eye(k)[y_train]
    marks = set(_checkpoints(epochs).tolist())
    rows: list[tuple] = []
    bar = _Progress(epochs) if progress else None
    every = max(1, epochs // 100)
    with _one_blas_thread():
        for epoch in range(1, epochs + 1):
            W1, b1, W2, b2 = params
            h, z = _forward(X_train, *params)
            g = (softmax(z) - onehot) / n                 # d loss / d logits
            gh = (g @ W2.T) * (h > 0)                     # back through the ReLU
            grads = [X_train.T @ gh + weight_decay * W1, gh.sum(axis=0),
                     h.T @ g + weight_decay * W2, g.sum(axis=0)]
            for i, (p, gr) in enumerate(zip(params, grads)):   # Adam
                m[i] = beta1 * m[i] + (1 - beta1) * gr
                v[i] = beta2 * v[i] + (1 - beta2) * gr * gr
                p -= lr * (m[i] / (1 - beta1**epoch)) / (np.sqrt(v[i] / (1 - beta2**epoch)) + eps)
            if epoch in marks:
                z_tr = _forward(X_train, *params)[1]
                z_va = _forward(X_val, *params)[1]
                p_va = softmax(z_va)
                rows.append((
                    epoch,
                    float(cross_entropy(z_tr, y_train)),
                    float(np.mean(z_tr.argmax(axis=1) == y_train)),
                    float(cross_entropy(z_va, y_val)),
                    float(np.mean(z_va.argmax(axis=1) == y_val)),
                    float(p_va.max(axis=1).mean()),
                    expected_calibration_error(p_va, y_val),
                ))
            if bar is not None and epoch % every == 0:
                bar.update(epoch)
    names = ("epoch", "train_loss", "train_acc", "val_nll", "val_acc", "val_conf", "val_ece")
    history = {name: np.array(col) for name, col in zip(names, zip(*rows))}
    if bar is not None:
        bar.close(f"done: {epochs} epochs, training loss {history['train_loss'][-1]:.1e}")
    return TinyMLP(*params, history=history)


# ---------------------------------------------------------------- figures
def draw_digits(fig, images, titles, *, title_colors=None):
    """A row of 8x8 digit images with a title under each."""
    fig.clear()
    axes = fig.subplots(1, len(images), squeeze=False)[0]
    title_colors = title_colors or ["black"] * len(images)
    for ax, img, text, color in zip(axes, images, titles, title_colors):
        ax.imshow(np.asarray(img).reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.grid(False)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_xlabel(text, fontsize=13, color=color)
    return axes


def draw_history(fig, history):
    """Training curves on a log epoch axis: losses (left), accuracy vs confidence (right)."""
    fig.clear()
    ax_loss, ax_acc = fig.subplots(1, 2)
    ep = history["epoch"]
    ax_loss.plot(ep, history["train_loss"], color=COLORS["logit"], label="training loss")
    ax_loss.plot(ep, history["val_nll"], color=CONF, label="validation NLL")
    ax_loss.set_xscale("log")
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch (log scale)")
    ax_loss.set_ylabel("cross-entropy (log scale)")
    ax_loss.set_title("Loss")
    ax_loss.legend(loc="lower left")
    best = int(np.argmin(history["val_nll"]))
    ax_loss.annotate(f"lowest validation NLL\n(epoch {int(ep[best])})", (ep[best], history["val_nll"][best]),
                     xytext=(80, 30), textcoords="offset points", ha="left", va="center", fontsize=12,
                     arrowprops={"arrowstyle": "->", "color": "black"})

    acc, conf = history["val_acc"], history["val_conf"]
    ax_acc.plot(ep, conf, color=CONF, label="mean confidence")
    ax_acc.plot(ep, acc, color=RIGHT, label="accuracy")
    ax_acc.fill_between(ep, acc, conf, where=conf > acc, color=WRONG, alpha=0.3, label="overconfidence")
    ax_acc.set_xscale("log")
    ax_acc.set_ylim(0, 1.04)
    ax_acc.set_xlabel("epoch (log scale)")
    ax_acc.set_title("Validation: confidence vs accuracy")
    ax_acc.legend(loc="lower right")
    return ax_loss, ax_acc


def draw_confidence_hist(ax, confidences, correct, *, bins: int = 20, title: str | None = None):
    """Histograms of the confidence of right (green bars) and wrong (vermillion outline) predictions.

    The y axis is logarithmic, so the few wrong predictions stay visible next
    to the many right ones.  Returns the Axes.
    """
    conf = np.asarray(confidences, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    edges = np.linspace(0, 1, bins + 1)
    n_right = np.histogram(conf[ok], edges)[0]
    n_wrong = np.histogram(conf[~ok], edges)[0]
    ax.stairs(n_right, edges, fill=True, color=RIGHT, alpha=0.5, label=f"right ({ok.sum()})")
    ax.stairs(n_wrong, edges, color=WRONG, lw=3, label=f"wrong ({(~ok).sum()})")
    ax.set_yscale("log")
    ax.set_ylim(0.7, max(10.0, 2.5 * max(n_right.max(), n_wrong.max())))
    ax.set_xlim(0, 1)
    ax.set_xlabel("confidence (largest softmax probability)")
    ax.set_ylabel("test images (log scale)")
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return ax


class _ReliabilityArtists:
    """The moving parts of a reliability diagram, drawn once and updated in place.

    One accuracy bar, one hatched gap bar and one count label per bin; an
    update only changes their heights, positions, visibility and text, so a
    slider can redraw the diagram without rebuilding the axes.
    """

    def __init__(self, ax, n_bins: int = DEFAULT_BINS, *, counts: bool = True):
        self.ax, self.n_bins = ax, n_bins
        edges = np.linspace(0.0, 1.0, n_bins + 1)
        centres = (edges[:-1] + edges[1:]) / 2
        width = 1.0 / n_bins
        zeros = np.zeros(n_bins)
        ax.plot([0, 1], [0, 1], ls="--", color=COLORS["reference"], lw=2, label="perfect calibration")
        self.acc = ax.bar(centres, zeros, width=width, color=RIGHT, edgecolor="black", linewidth=0.8,
                          label="accuracy in bin")
        self.gap = ax.bar(centres, zeros, width=width, facecolor="none", hatch="///", edgecolor=WRONG,
                          linewidth=1.2, label="gap to mean confidence")
        self.counts = []
        if counts:
            ax.text(-0.01, 1.035, "n:", ha="right", va="bottom", fontsize=10, color="0.3")
            self.counts = [ax.text(x, 1.035, "", rotation=90, ha="center", va="bottom", fontsize=10, color="0.3")
                           for x in centres]
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.2 if counts else 1.02)
        ax.set_yticks(np.linspace(0, 1, 6))
        ax.set_xlabel("confidence")
        ax.set_ylabel("accuracy")

    def update(self, bins) -> None:
        full = bins.counts > 0
        acc = np.where(full, bins.accuracy, 0.0)
        conf = np.where(full, bins.confidence, 0.0)
        for i in range(self.n_bins):
            self.acc[i].set_height(acc[i])
            self.acc[i].set_visible(bool(full[i]))
            self.gap[i].set_y(acc[i])
            self.gap[i].set_height(conf[i] - acc[i])
            self.gap[i].set_visible(bool(full[i]))
        for text, c, f in zip(self.counts, bins.counts, full):
            text.set_text(str(int(c)) if f else "")


def draw_reliability(ax, confidences, correct, *, n_bins: int = DEFAULT_BINS, title: str | None = None,
                     counts: bool = True, legend: bool = True, ece_box: bool = True):
    """A reliability diagram (Guo et al. 2017, Fig. 1): accuracy per confidence bin.

    Green bars: the accuracy in each bin.  Vermillion hatched: the gap up (or
    down) to the bin's mean confidence.  Dashed: perfect calibration.  The
    number of predictions in each non-empty bin is written above the plot.
    Returns ``(bins, ece)``.
    """
    b = reliability_bins(confidences, correct, n_bins)
    ece = expected_calibration_error(np.asarray(confidences, dtype=float), correct, n_bins)
    _ReliabilityArtists(ax, n_bins, counts=counts).update(b)
    if ece_box:
        ax.text(0.03, 0.97 if not counts else 0.83, f"ECE = {100 * ece:.1f} %", transform=ax.transAxes,
                ha="left", va="top", fontsize=14,
                bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.6"})
    if title:
        ax.set_title(title)
    if legend:
        # Proxy swatches: the legend would otherwise copy the first bin's bar,
        # which is hidden when that bin is empty.
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch

        handles = [
            Line2D([], [], ls="--", color=COLORS["reference"], lw=2, label="perfect calibration"),
            Patch(facecolor=RIGHT, edgecolor="black", label="accuracy in bin"),
            Patch(facecolor="none", hatch="///", edgecolor=WRONG, label="gap to mean confidence"),
        ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.0, 0.76), fontsize=11)
    return b, ece


def draw_nll_curve(ax, temperatures, nll, fitted: float, *, title: str = "Validation NLL against T"):
    """The validation NLL as a function of T (log axis), with the fitted T marked."""
    ax.plot(temperatures, nll, color=COLORS["logit"])
    ax.axvline(1.0, color=COLORS["reference"], ls=":", lw=2)
    ax.axvline(fitted, color=WRONG, ls="--", lw=2)
    _log_t_axis(ax, temperatures)
    ax.set_ylabel("mean NLL")
    ax.set_title(title)
    lo, hi = float(np.min(nll)), float(np.max(nll))
    ax.text(fitted * 1.08, hi - 0.05 * (hi - lo), f"fitted T = {fitted:.2f}", color=WRONG, fontsize=13, va="top")
    ax.text(1.0 / 1.08, hi - 0.05 * (hi - lo), "T = 1 (raw)", color="0.35", fontsize=13, va="top", ha="right")
    return ax


def _log_t_axis(ax, temperatures) -> None:
    """A log-scale temperature axis with plain tick labels (0.25, 0.5, 1, 2, ...)."""
    from matplotlib.ticker import NullLocator

    ax.set_xscale("log")
    lo, hi = float(np.min(temperatures)), float(np.max(temperatures))
    ticks = [t for t in (0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16) if lo * 0.999 <= t <= hi * 1.001]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xlim(lo, hi)
    ax.set_xlabel("temperature T (log scale)")


# ---------------------------------------------------------------- widgets
def _fresh_axes(fig, *, wspace: float):
    """Clear ``fig`` and give it two axes side by side with fixed margins.

    A widget figure is redrawn on every slider step, so it skips the
    constrained-layout pass (a third of the redraw time) and uses margins
    that fit a (10, 4.2) figure instead.
    """
    fig.clear()
    fig.set_layout_engine("none")
    return fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.12, 1], "left": 0.09, "right": 0.985,
                                           "bottom": 0.15, "top": 0.9, "wspace": wspace})


def _cached_view(fig, key, build):
    """The view stored on ``fig`` for ``key`` (compared by identity), built if missing.

    Widgets redraw on every slider step; building the axes once and then only
    updating the artists that move keeps a redraw cheap.  A figure that was
    cleared, or drawn for other data, gets a fresh view.
    """
    cached = getattr(fig, "_lesson07_view", None)
    if (cached is not None and len(cached[0]) == len(key) and all(a is b for a, b in zip(cached[0], key))
            and cached[1].axes[0] in fig.axes):
        return cached[1]
    view = build()
    fig._lesson07_view = (key, view)
    return view


class _TemperatureView:
    def __init__(self, fig, fitted: float, curve):
        self.axes = ax_rel, ax_curve = _fresh_axes(fig, wspace=0.3)
        self.reliability = _ReliabilityArtists(ax_rel)
        temps, eces = curve
        ax_curve.plot(temps, 100 * np.asarray(eces), color=COLORS["logit"])
        ax_curve.axvline(fitted, color=WRONG, ls="--", lw=2, label=f"fitted T = {fitted:.2f}")
        ax_curve.axvline(1.0, color=COLORS["reference"], ls=":", lw=2, label="T = 1 (raw)")
        (self.marker,) = ax_curve.plot([1.0], [0.0], "o", ms=11, color=CONF, markeredgecolor="black",
                                       label="now: ECE")
        _log_t_axis(ax_curve, temps)
        ax_curve.set_ylabel("test ECE (%)")
        ax_curve.set_ylim(0, 100 * float(np.max(eces)) * 1.08)
        ax_curve.set_title("ECE against T")
        self.legend = ax_curve.legend(loc="upper center", fontsize=11)

    def update(self, temperature: float, bins, ece: float, acc: float) -> None:
        self.reliability.update(bins)
        self.axes[0].set_title(f"T = {temperature:.2f}:  ECE {100 * ece:.1f} %,  accuracy {100 * acc:.1f} %",
                               fontsize=14)
        self.marker.set_data([temperature], [100 * ece])
        self.legend.get_texts()[2].set_text(f"now: ECE {100 * ece:.1f} %")


def draw_temperature(fig, temperature: float = 1.0, *, logits, labels, fitted: float,
                     curve: tuple[np.ndarray, np.ndarray]):
    """The temperature widget: the reliability diagram of softmax(logits / T)
    (left) and the ECE against T (right), with the current and the fitted T.

    The axes are built on the first call for this figure and data; later
    calls only move the bars, labels and marker.  Returns a dict with the ECE,
    the accuracy and the mean confidence at T.
    """
    view = _cached_view(fig, ("temperature", logits, labels, curve),
                        lambda: _TemperatureView(fig, fitted, curve))
    probs = softmax(np.asarray(logits) / temperature)
    conf = probs.max(axis=1)
    correct = probs.argmax(axis=1) == np.asarray(labels)
    bins = reliability_bins(conf, correct)
    ece = expected_calibration_error(conf, correct)
    acc = float(correct.mean())
    view.update(temperature, bins, ece, acc)
    return {"ece": ece, "accuracy": acc, "mean_confidence": float(conf.mean())}


def temperature_widget(logits, labels, fitted: float, *, lo: float = 0.25, hi: float = 8.0):
    """A log-scale temperature slider redrawing the reliability diagram and the ECE.

    The test logits are computed once by the caller; each redraw is one
    softmax of them, one binning and a few bars.
    """
    from ..widgets import live_figure, log_slider

    logits = np.asarray(logits, dtype=float)
    labels = np.asarray(labels)
    temps = np.geomspace(lo, hi, 121)
    eces = np.array([expected_calibration_error(softmax(logits / t), labels) for t in temps])
    draw = functools.partial(draw_temperature, logits=logits, labels=labels, fitted=fitted, curve=(temps, eces))
    return live_figure(draw, {"temperature": log_slider("temperature T", 1.0, lo, hi)}, figsize=(10, 4.2))


def flag_counts(confidences, correct, threshold: float) -> dict[str, int]:
    """The rule "send to a human if confidence < threshold", counted.

    Returns Python ints: ``flagged`` (sent for review), ``flagged_wrong``
    (mistakes caught), ``missed`` (mistakes decided automatically) and
    ``wrong`` (all mistakes).
    """
    conf = np.asarray(confidences, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    flagged = conf < threshold
    return {
        "flagged": int(flagged.sum()),
        "flagged_wrong": int((flagged & ~ok).sum()),
        "missed": int((~flagged & ~ok).sum()),
        "wrong": int((~ok).sum()),
    }


_FLAG_GROUPS = (("flagged", "flagged\nfor review"), ("flagged_wrong", "wrong and\nflagged"),
                ("missed", "wrong but\nNOT flagged"))


class _ThresholdView:
    def __init__(self, fig, conf_raw, conf_scaled, ok, fitted: float):
        self.axes = ax_bar, ax_hist = _fresh_axes(fig, wspace=0.28)
        x = np.arange(len(_FLAG_GROUPS))
        w = 0.38
        self.bars, self.labels = [], []
        for shift, color, label in [(-w / 2, COLORS["reference"], "raw (T = 1)"),
                                    (w / 2, COLORS["logit"], f"scaled (T = {fitted:.2f})")]:
            self.bars.append(ax_bar.bar(x + shift, np.zeros(len(x)), width=w, color=color, edgecolor="black",
                                        linewidth=0.8, label=label))
            self.labels.append([ax_bar.text(xi, 0, "", ha="center", va="bottom", fontsize=13) for xi in x + shift])
        ax_bar.set_xticks(x, [g for _, g in _FLAG_GROUPS], fontsize=13)
        ax_bar.set_ylabel("test images")
        ax_bar.legend(loc="upper center", ncol=2, fontsize=11)

        edges = np.linspace(0, 1, 21)
        wrong_raw = np.histogram(conf_raw[~ok], edges)[0]
        wrong_scaled = np.histogram(conf_scaled[~ok], edges)[0]
        self.span = ax_hist.axvspan(0, 0.9, color=CONF, alpha=0.15, lw=0)
        ax_hist.stairs(wrong_raw, edges, color=COLORS["reference"], lw=3, label="raw")
        ax_hist.stairs(wrong_scaled, edges, color=COLORS["logit"], lw=3, label="scaled")
        self.line = ax_hist.axvline(0.9, color="black", lw=2)
        self.ymax = 1.15 * max(wrong_raw.max(), wrong_scaled.max(), 1)
        self.flag_text = ax_hist.text(0.88, 0.96 * self.ymax, "flagged", ha="right", va="top", fontsize=13)
        ax_hist.set_xlim(0, 1)
        ax_hist.set_ylim(0, self.ymax)
        ax_hist.set_xlabel("confidence")
        ax_hist.set_ylabel("wrong predictions")
        ax_hist.set_title(f"The {int((~ok).sum())} wrong predictions", fontsize=15)
        ax_hist.legend(loc="upper left", fontsize=11, bbox_to_anchor=(0.0, 0.88))

    def update(self, threshold: float, raw: dict, scaled: dict) -> None:
        ax_bar = self.axes[0]
        top = max(max(raw[k], scaled[k]) for k in ("flagged", "flagged_wrong", "missed", "wrong"))
        for bars, labels, counts in zip(self.bars, self.labels, (raw, scaled)):
            for rect, text, (key, _) in zip(bars, labels, _FLAG_GROUPS):
                rect.set_height(counts[key])
                text.set_text(str(counts[key]))
                text.set_y(counts[key] + 0.01 * top)
        ax_bar.set_ylim(0, 1.35 * top)
        ax_bar.set_title(f"Flag if confidence < {threshold:.2f}", fontsize=15)
        self.span.set_width(threshold)
        self.line.set_xdata([threshold, threshold])
        self.flag_text.set_x(threshold - 0.02)


def draw_threshold(fig, threshold: float = 0.9, *, conf_raw, conf_scaled, correct, fitted: float):
    """The threshold widget: what "flag if confidence < threshold" does, raw vs temperature-scaled.

    Left: how many test cases are flagged, how many of those are wrong, and
    how many wrong ones slip through, for both models.  Right: the
    confidence of the wrong predictions, raw and scaled, with the threshold.
    The axes are built on the first call for this figure and data; later
    calls only move what changes.  Returns ``{"raw": flag_counts(...),
    "scaled": flag_counts(...)}``.
    """
    conf_raw = np.asarray(conf_raw, dtype=float)
    conf_scaled = np.asarray(conf_scaled, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    view = _cached_view(fig, ("threshold", conf_raw, conf_scaled, ok),
                        lambda: _ThresholdView(fig, conf_raw, conf_scaled, ok, fitted))
    raw = flag_counts(conf_raw, ok, threshold)
    scaled = flag_counts(conf_scaled, ok, threshold)
    view.update(threshold, raw, scaled)
    return {"raw": raw, "scaled": scaled}


def threshold_widget(conf_raw, conf_scaled, correct, fitted: float):
    """A threshold slider: how many test cases a "flag if unsure" rule sends for review."""
    from ..widgets import live_figure, slider

    draw = functools.partial(draw_threshold, conf_raw=np.asarray(conf_raw, dtype=float),
                             conf_scaled=np.asarray(conf_scaled, dtype=float),
                             correct=np.asarray(correct, dtype=bool), fitted=fitted)
    return live_figure(draw, {"threshold": slider("flag if confidence <", 0.9, 0.5, 0.99, step=0.01)},
                       figsize=(10, 4.2))


# ---------------------------------------------------------------- exercises
#: Q1's table: (number of predictions, mean confidence, number right) per bin.
Q1_BINS = ((80, 0.95, 70), (20, 0.55, 13))


def _q1_numbers():
    n = np.array([b[0] for b in Q1_BINS], dtype=float)
    conf = np.array([b[1] for b in Q1_BINS])
    acc = np.array([b[2] for b in Q1_BINS]) / n
    return n, conf, acc


def check_q1(answer) -> Feedback:
    """Q1: the ECE of a two-bin table, as a fraction."""
    n, conf, acc = _q1_numbers()
    w = n / n.sum()
    gaps = acc - conf
    ece = float(np.sum(w * np.abs(gaps)))
    return check_number(
        answer, ece, tol=0.0015, what="a fraction such as 0.05",
        why=f"Bin 1: accuracy {acc[0]:.3f}, gap |{acc[0]:.3f} - {conf[0]:.2f}| = {abs(gaps[0]):.3f}, weight "
            f"{w[0]:.1f}. Bin 2: accuracy {acc[1]:.2f}, gap {abs(gaps[1]):.2f}, weight {w[1]:.1f}. "
            f"ECE = {w[0]:.1f} x {abs(gaps[0]):.3f} + {w[1]:.1f} x {abs(gaps[1]):.2f} = {ece:.3f}. "
            "Bin 2 is underconfident, bin 1 overconfident: the absolute value counts both.",
        mistakes=[
            Near(float(np.mean(np.abs(gaps))), "That is the plain average of the two gaps. The ECE weights "
                 "each gap by the fraction of predictions in its bin (80 of 100, 20 of 100)."),
            Near(float(np.sum(w * gaps)), "Close, but a gap below the diagonal cancelled one above it. "
                 "Take the absolute value of each gap before weighting: |accuracy - confidence|."),
            Near(float(-np.sum(w * gaps)), "Close, but the two gaps cancelled each other partly. "
                 "Take the absolute value of each gap: bin 2 is underconfident, bin 1 overconfident."),
            Near(100 * ece, "That looks like percent, or counts times gaps. Give the ECE as a "
                 "fraction: the weights are count / 100, so the answer is below 1.", tol=0.15),
            Near(float(np.max(np.abs(gaps))), "That is the largest gap (the maximum calibration error). "
                 "The ECE averages the gaps, weighted by bin size."),
            Near(float(abs(np.sum(n * conf) / n.sum() - np.sum(n * acc) / n.sum())),
                 "That is |mean confidence - accuracy| over all 100 predictions: the bins' gaps "
                 "cancelled. Compute each bin's gap first, then weight."),
        ],
        hint="For each bin: accuracy = right / count; gap = |accuracy - mean confidence|; "
             "weight = count / 100. Add up weight x gap.",
    )


Q2_OPTIONS = {
    "a": "T < 1",
    "b": "T = 1",
    "c": "T > 1",
    "d": "it depends on how many classes there are",
}


def check_q2(answer) -> Feedback:
    """Q2: which temperature calibrates an overconfident model?"""
    return check_choice(
        answer, "c", options=tuple(Q2_OPTIONS),
        why="Dividing the logits by T > 1 shrinks every gap between them, so softmax spreads "
            "probability more evenly and the top probability falls towards the accuracy. Our "
            "fitted T is above 1 for exactly this reason.",
        hints={
            "a": "T < 1 divides the logits by a number below 1: the gaps grow and the model gets "
                 "even MORE confident. Drag the temperature slider below 1 and watch the ECE.",
            "b": "T = 1 leaves the logits alone: that is the overconfident model itself.",
            "d": "The number of classes changes where the uniform distribution is, not the direction: "
                 "to lower an overconfident top probability you soften, whatever the number of classes.",
        },
    )


Q3_OPTIONS = {
    "a": "it goes up, because the probabilities are now calibrated",
    "b": "it goes down, because the model is less sure",
    "c": "it stays exactly the same",
    "d": "it could go either way, depending on the data",
}


def check_q3(answer) -> Feedback:
    """Q3: what temperature scaling does to the accuracy."""
    return check_choice(
        answer, "c", options=tuple(Q3_OPTIONS),
        why="Dividing every logit of a row by the same T > 0 keeps their order, so the argmax, "
            "every prediction, and the accuracy are unchanged. Only the confidences move.",
        hints={
            "a": "Calibration changes how sure the model says it is, not what it answers. Compare "
                 "the argmax of z and of z / T for any row.",
            "b": "Less sure is not less right: the largest logit is still the largest after "
                 "dividing by T, so the prediction is the same.",
            "d": "For any data, z_i > z_j implies z_i / T > z_j / T when T > 0: the order, and so "
                 "the argmax, cannot change.",
        },
    )
