"""Lesson 08, overconfidence and calibration: the digits data, a tiny network,
the lesson's extra scores (MCE, Brier, equal-mass bins, a bootstrap of T), the
figures, the two "Try it" views, the Predict checkpoints and the exercises.

The core maths (reliability bins, ECE, temperature fitting) lives in
:mod:`softmax_lib.calibration`; this module trains the lesson's model, adds
the scores the lesson compares, and draws.  Training and the model's forward pass run with one BLAS thread, so
every printed number is the same on every re-run, whatever the number of cores.
"""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass, field

import numpy as np

from ..calibration import (  # noqa: F401 (brier_score, ece_from_bins, equal_mass_bins: the notebook uses them as lesson.*)
    DEFAULT_BINS,
    brier_score,
    ece_from_bins,
    equal_mass_bins,
    expected_calibration_error,
    fit_temperature,
    maximum_calibration_error,
    reliability_bins,
    temperature_nll,
)
from ..checks import Case, Feedback, Near, check_function, check_number, check_prediction
from ..core import cross_entropy, log_softmax, softmax
from ..digits import SPLIT, DigitSplits, load_digit_splits, stratified_split  # noqa: F401 (the lesson uses them)
from ..plots import log_t_axis, set_alt
from ..style import COLORS
from ..widgets import FigureView, legend_key

RIGHT = COLORS["right"]  # green: right predictions, accuracy
WRONG = COLORS["wrong"]  # vermillion: wrong predictions, the gap
CONF = COLORS["prob"]  # orange: confidence (a probability)


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
    """64 pixels -> ``hidden`` ReLU units -> 10 logits.  ``history`` holds the training log;
    ``snap_margin`` how close any Adam step came to a rounding boundary of the grid (see :func:`train_mlp`)."""

    W1: np.ndarray
    b1: np.ndarray
    W2: np.ndarray
    b2: np.ndarray
    history: dict[str, np.ndarray] = field(default_factory=dict)
    snap_margin: float = float("nan")

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


GRID = 2.0**20  # train_mlp keeps every weight a multiple of 1 / GRID (about 1e-6)


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
    verbose: bool = False,
) -> TinyMLP:
    """Train a one-hidden-layer network with softmax + cross-entropy, full batch, Adam.

    The lesson trains it on 179 images for 3000 epochs: enough capacity to
    memorise them, no weight decay by default, and many epochs after the
    training accuracy reaches 100 %, so the cross-entropy keeps pushing the
    logits apart.  Its overconfidence comes from memorising a tiny training
    set; it is not the depth, width and batch normalisation that Guo et al.
    (2017) measured.  ``weight_decay`` is an L2 penalty ``weight_decay / 2 *
    ||W||^2`` added to the loss (on W1 and W2), so Adam rescales its
    gradient like any other: that is L2 regularisation, not the decoupled
    weight decay of AdamW (with plain SGD the two coincide).

    **Determinism.**  After every Adam step each weight is rounded to the
    nearest multiple of ``1 / GRID`` (2**-20, about 1e-6).  Why: the matrix
    products and ``np.exp`` add and round in an order that depends on the
    BLAS kernel and the SIMD code path (OpenBLAS Haswell or SkylakeX, NumPy
    with or without AVX-512), so the gradients differ between machines in
    the last bits (about 1e-16).  Without the grid those differences grow
    over 3000 epochs of full-batch training until the printed ECE and even
    some predictions differ.  On the grid, two machines take the same
    rounded step unless the unrounded weight lies within their difference of
    a rounding boundary (half-way between two multiples); ``snap_margin`` of
    the returned model records the closest any step came, in absolute units.
    Measured for the lesson's model (no weight decay, 3000 epochs): the
    unrounded weights under OpenBLAS SkylakeX, Haswell and Prescott kernels
    and NumPy without AVX-512 differed by at most 4.4e-16, in 0.2 % of the
    weight updates, while the closest any step came to a boundary was 3.6e-14, 80
    times farther.  So a step rounds differently on two machines with a
    probability of about 1e-12 per weight and step, and the trajectory is
    the same bit for bit; the lesson's tests train under the four
    configurations and compare the weights.  It is a guard, not a proof: a
    kernel with much larger rounding differences could still flip one step.
    The grid is far finer than Adam's steps (about ``lr`` = 0.01), so it does not change
    what the network learns; it only rounds each weight by at most 5e-7.

    The gradient of the mean cross-entropy with respect to the logits is
    ``(softmax(z) - onehot(y)) / n`` (lesson 06); the rest is the chain rule.
    ``history`` records, at about 48 epochs spread on a log scale: the
    training loss and accuracy, and the validation NLL, accuracy, mean
    confidence and ECE.  With ``verbose``, print one line when done (the
    lesson's 3000 epochs take well under a second).
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
    params = [np.round(p * GRID) / GRID for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    onehot = np.eye(k)[y_train]
    marks = set(_checkpoints(epochs).tolist())
    rows: list[tuple] = []
    margin = 0.5 / GRID
    with _one_blas_thread():
        for epoch in range(1, epochs + 1):
            W1, b1, W2, b2 = params
            h, z = _forward(X_train, *params)
            g = (softmax(z) - onehot) / n  # d loss / d logits
            gh = (g @ W2.T) * (h > 0)  # back through the ReLU
            grads = [X_train.T @ gh + weight_decay * W1, gh.sum(axis=0), h.T @ g + weight_decay * W2, g.sum(axis=0)]
            for i, (p, gr) in enumerate(zip(params, grads)):  # Adam
                m[i] = beta1 * m[i] + (1 - beta1) * gr
                v[i] = beta2 * v[i] + (1 - beta2) * gr * gr
                stepped = (p - lr * (m[i] / (1 - beta1**epoch)) / (np.sqrt(v[i] / (1 - beta2**epoch)) + eps)) * GRID
                snapped = np.round(stepped)  # onto the grid: see the docstring
                margin = min(margin, float(np.min(0.5 - np.abs(stepped - snapped))) / GRID)
                p[...] = snapped / GRID
            if epoch in marks:
                z_tr = _forward(X_train, *params)[1]
                z_va = _forward(X_val, *params)[1]
                p_va = softmax(z_va)
                rows.append(
                    (
                        epoch,
                        float(cross_entropy(z_tr, y_train)),
                        float(np.mean(z_tr.argmax(axis=1) == y_train)),
                        float(cross_entropy(z_va, y_val)),
                        float(np.mean(z_va.argmax(axis=1) == y_val)),
                        float(p_va.max(axis=1).mean()),
                        expected_calibration_error(p_va, y_val),
                    )
                )
    names = ("epoch", "train_loss", "train_acc", "val_nll", "val_acc", "val_conf", "val_ece")
    history = {name: np.array(col) for name, col in zip(names, zip(*rows))}
    if verbose:
        print(
            f"trained {epochs} epochs: training loss {history['train_loss'][-1]:.1e}, "
            f"training accuracy {history['train_acc'][-1]:.3f}"
        )
    return TinyMLP(*params, history=history, snap_margin=margin)


# ---------------------------------------------------------------- more scores
def calibration_scores(logits, labels, temperature: float = 1.0, n_bins: int = DEFAULT_BINS) -> dict[str, float]:
    """Accuracy, ECE, MCE, NLL and Brier score of ``softmax(logits / temperature)``."""
    z = np.asarray(logits, dtype=float)
    y = np.asarray(labels)
    p = softmax(z, temperature=temperature)
    conf = p.max(axis=1)
    ok = p.argmax(axis=1) == y
    return {
        "accuracy": float(ok.mean()),
        "ECE": expected_calibration_error(conf, ok, n_bins),
        "MCE": maximum_calibration_error(conf, ok, n_bins),
        "NLL": temperature_nll(z, y, temperature),
        "Brier": brier_score(p, y),
    }


def bootstrap_temperature(logits, labels, n_boot: int = 1000, seed: int = 0) -> np.ndarray:
    """The fitted T on ``n_boot`` bootstrap resamples of the rows (drawn with replacement).

    The spread of the result is the uncertainty of T that comes from having
    only these held-out rows.  Seeded: the same call gives the same array.
    """
    z = np.asarray(logits, dtype=float)
    y = np.asarray(labels)
    rng = np.random.default_rng(seed)
    out = np.empty(n_boot)
    for i in range(n_boot):
        rows = rng.integers(0, len(y), len(y))
        out[i] = fit_temperature(z[rows], y[rows], tol=1e-4)
    return out


def train_weight_decays(splits: DigitSplits, weight_decays, **kw) -> list[dict]:
    """Train the lesson's network once per weight decay; score it on the test split.

    Each row: the weight decay, the test accuracy, mean confidence and ECE at
    T = 1, the T fitted on the validation split, and the test ECE after it.
    ``kw`` goes to :func:`train_mlp` (hidden=32, epochs=3000, lr=0.01, seed=0 by default).
    """
    kw = {"hidden": 32, "epochs": 3000, "lr": 0.01, "seed": 0, **kw}
    rows = []
    for wd in weight_decays:
        model = train_mlp(splits.X_train, splits.y_train, splits.X_val, splits.y_val, weight_decay=wd, **kw)
        z_test = model.logits(splits.X_test)
        t = fit_temperature(model.logits(splits.X_val), splits.y_val)
        p = softmax(z_test)
        rows.append(
            {
                "weight_decay": float(wd),
                "accuracy": float(np.mean(p.argmax(axis=1) == splits.y_test)),
                "confidence": float(p.max(axis=1).mean()),
                "ece": expected_calibration_error(p, splits.y_test),
                "T": t,
                "ece_T": expected_calibration_error(softmax(z_test, temperature=t), splits.y_test),
            }
        )
    return rows


@functools.cache
def _sklearn_class():
    from sklearn.base import BaseEstimator, ClassifierMixin

    class LogitsClassifier(ClassifierMixin, BaseEstimator):
        """A trained TinyMLP as a fitted scikit-learn classifier: decision_function gives its logits."""

        def __init__(self, model=None):
            self.model = model

        def fit(self, X=None, y=None):
            self.classes_ = np.arange(self.model.b2.shape[0])
            return self

        def decision_function(self, X):
            return self.model.logits(X)

        def predict_proba(self, X):
            return softmax(self.model.logits(X))

        def predict(self, X):
            return self.model.logits(X).argmax(axis=1)

    return LogitsClassifier


def as_sklearn(model: TinyMLP):
    """``model`` as a fitted scikit-learn classifier (``decision_function`` = the logits), for
    ``CalibratedClassifierCV(FrozenEstimator(as_sklearn(model)), method="temperature")``."""
    return _sklearn_class()(model).fit()


# ---------------------------------------------------------------- figures
def draw_digits(fig, images, titles, *, title_colors=None, alt: str | None = None):
    """A row of 8x8 digit images with a title under each; ``alt`` says what they show."""
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
    one_line = ["; ".join(t.split("\n")) for t in titles]
    set_alt(fig, alt or f"{len(images)} handwritten 8x8 digit images, captioned: " + ", ".join(one_line) + ".")
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
    ax_loss.annotate(
        f"lowest validation NLL\n(epoch {int(ep[best])})",
        (ep[best], history["val_nll"][best]),
        xytext=(80, 30),
        textcoords="offset points",
        ha="left",
        va="center",
        fontsize=12,
        arrowprops={"arrowstyle": "->", "color": "black"},
    )

    acc, conf = history["val_acc"], history["val_conf"]
    ax_acc.plot(ep, conf, color=CONF, label="mean confidence")
    ax_acc.plot(ep, acc, color=RIGHT, label="accuracy")
    ax_acc.fill_between(ep, acc, conf, where=conf > acc, color=WRONG, alpha=0.3, label="overconfidence")
    ax_acc.set_xscale("log")
    ax_acc.set_ylim(0, 1.04)
    ax_acc.set_xlabel("epoch (log scale)")
    ax_acc.set_title("Validation: confidence vs accuracy")
    ax_acc.legend(loc="lower right")
    set_alt(
        fig,
        f"Training curves over {int(ep[-1])} epochs. Left: the training loss falls from "
        f"{history['train_loss'][0]:.2f} to {history['train_loss'][-1]:.1e}; the validation NLL is lowest "
        f"({history['val_nll'][best]:.3f}) at epoch {int(ep[best])} and ends at {history['val_nll'][-1]:.3f}. "
        f"Right: validation mean confidence ends at {conf[-1]:.3f}, above the accuracy {acc[-1]:.3f}.",
    )
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
    top = edges[-2]
    set_alt(
        ax.figure,
        f"Histogram of confidence, log count axis: {ok.sum()} right and {(~ok).sum()} wrong "
        f"predictions; in the top bin (confidence above {top:.2f}) {n_right[-1]} right and "
        f"{n_wrong[-1]} wrong.",
    )
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
        self.acc = ax.bar(
            centres, zeros, width=width, color=RIGHT, edgecolor="black", linewidth=0.8, label="accuracy in bin"
        )
        self.gap = ax.bar(
            centres,
            zeros,
            width=width,
            facecolor="none",
            hatch="///",
            edgecolor=WRONG,
            linewidth=1.2,
            label="gap to mean confidence",
        )
        self.counts = []
        if counts:
            ax.text(-0.01, 1.035, "n:", ha="right", va="bottom", fontsize=12, color="0.3")
            self.counts = [
                ax.text(x, 1.035, "", rotation=90, ha="center", va="bottom", fontsize=12, color="0.3") for x in centres
            ]
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


def _reliability_words(bins, ece: float) -> str:
    full = bins.counts > 0
    below = int(np.sum(bins.accuracy[full] < bins.confidence[full]))
    big = int(np.argmax(bins.counts))
    return (
        f"ECE {100 * ece:.1f} %; in {below} of {int(full.sum())} non-empty bins the accuracy is below the mean "
        f"confidence; the fullest bin ({int(bins.counts[big])} predictions) has mean confidence "
        f"{bins.confidence[big]:.3f} and accuracy {bins.accuracy[big]:.3f}"
    )


def draw_reliability(
    ax,
    confidences,
    correct,
    *,
    n_bins: int = DEFAULT_BINS,
    title: str | None = None,
    counts: bool = True,
    legend: bool = True,
    ece_box: bool = True,
    alt: bool = True,
):
    """A reliability diagram: accuracy per confidence bin against the diagonal, with the ECE.

    Green bars are the accuracy in each bin, the hatched vermillion part the
    gap up to the bin's mean confidence, the dashed line perfect calibration;
    the numbers along the top are the bin counts.  With ``alt``, the figure's
    alt text says what the diagram shows.  Returns ``(bins, ece)``.
    """
    b = reliability_bins(confidences, correct, n_bins)
    ece = expected_calibration_error(np.asarray(confidences, dtype=float), correct, n_bins)
    _ReliabilityArtists(ax, n_bins, counts=counts).update(b)
    if ece_box:
        ax.text(
            0.03,
            0.97 if not counts else 0.83,
            f"ECE = {100 * ece:.1f} %",
            transform=ax.transAxes,
            ha="left",
            va="top",
            fontsize=14,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "0.6"},
        )
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
    if alt:
        set_alt(ax.figure, f"Reliability diagram{': ' + title if title else ''}. " + _reliability_words(b, ece) + ".")
    return b, ece


def draw_before_after(fig, conf_raw, conf_scaled, correct, temperature: float):
    """Two reliability diagrams side by side: raw softmax (left) and temperature-scaled (right).

    Returns ``((bins_raw, ece_raw), (bins_scaled, ece_scaled))``.
    """
    fig.clear()
    ax_raw, ax_t = fig.subplots(1, 2)
    raw = draw_reliability(ax_raw, conf_raw, correct, title="Raw softmax (T = 1)", legend=False, alt=False)
    scaled = draw_reliability(
        ax_t, conf_scaled, correct, title=f"Temperature-scaled (T = {temperature:.2f})", alt=False
    )
    set_alt(
        fig,
        "Two reliability diagrams on the test set. Raw softmax: "
        + _reliability_words(*raw)
        + f". Temperature-scaled with T = {temperature:.2f}: "
        + _reliability_words(*scaled)
        + ".",
    )
    return raw, scaled


def draw_nll_curve(ax, temperatures, nll, fitted: float, *, title: str = "Validation NLL against T"):
    """The validation NLL as a function of T (log axis), with the fitted T marked."""
    ax.plot(temperatures, nll, color=COLORS["logit"])
    ax.axvline(1.0, color=COLORS["reference"], ls=":", lw=2)
    ax.axvline(fitted, color=WRONG, ls="--", lw=2)
    log_t_axis(ax, temperatures)
    ax.set_ylabel("mean NLL")
    ax.set_title(title)
    lo, hi = float(np.min(nll)), float(np.max(nll))
    ax.text(fitted * 1.08, hi - 0.05 * (hi - lo), f"fitted T = {fitted:.2f}", color=WRONG, fontsize=13, va="top")
    ax.text(1.0 / 1.08, hi - 0.05 * (hi - lo), "T = 1 (raw)", color="0.35", fontsize=13, va="top", ha="right")
    at_one = float(np.interp(0.0, np.log(temperatures), nll))
    set_alt(
        ax.figure,
        f"{title}, T from {np.min(temperatures):g} to {np.max(temperatures):g} on a log axis: "
        f"the NLL is {at_one:.3f} at T = 1 and lowest, {lo:.3f}, near the fitted T = {fitted:.2f}; "
        f"it rises to {float(nll[0]):.2f} at the smallest T.",
    )
    return ax


def draw_weight_decay(fig, rows):
    """Test accuracy and mean confidence against weight decay, with the ECE and fitted T under each.

    ``rows`` are :func:`train_weight_decays`'s.  Where confidence is above
    accuracy the gap is shaded vermillion (overconfident), below it sky blue
    (underconfident).  Returns the Axes.
    """
    fig.clear()
    ax = fig.subplots()
    x = np.arange(len(rows))
    acc = np.array([r["accuracy"] for r in rows])
    conf = np.array([r["confidence"] for r in rows])
    ax.plot(x, conf, "o-", color=CONF, lw=3, ms=9, label="mean confidence")
    ax.plot(x, acc, "s-", color=RIGHT, lw=3, ms=9, label="accuracy")
    ax.fill_between(x, acc, conf, where=conf >= acc, interpolate=True, color=WRONG, alpha=0.25, label="overconfident")
    ax.fill_between(
        x, acc, conf, where=conf <= acc, interpolate=True, color=COLORS["sky"], alpha=0.35, label="underconfident"
    )
    ax.set_xticks(x, [f"{r['weight_decay']:g}\nECE {100 * r['ece']:.1f} %\nT = {r['T']:.2f}" for r in rows])
    ax.set_xlabel("weight decay  (with the test ECE and the fitted T)")
    ax.set_ylabel("accuracy, mean confidence")
    lo = min(acc.min(), conf.min())
    ax.set_ylim(lo - 0.03, min(1.0, max(acc.max(), conf.max()) + 0.06))
    ax.set_title("Less weight decay, more confidence")
    ax.legend(loc="upper right", fontsize=11, ncol=2)
    set_alt(
        fig,
        "Test accuracy and mean confidence against weight decay: "
        + "; ".join(
            f"{r['weight_decay']:g}: accuracy {r['accuracy']:.3f}, confidence {r['confidence']:.3f}, "
            f"ECE {100 * r['ece']:.1f} %, fitted T {r['T']:.2f}"
            for r in rows
        )
        + ".",
    )
    return ax


# ---------------------------------------------------------------- widgets
class TemperatureView(FigureView):
    """The temperature widget: the reliability diagram of softmax(logits / T) on
    the test set (left) and the ECE against T (right), with the current and the
    fitted T.

    The axes, bars and the ECE curve are built once; :meth:`update` only moves
    the bars, the count labels, the marker and the texts.
    """

    def __init__(self, fig, logits, labels, fitted: float, *, lo: float = 0.25, hi: float = 8.0):
        super().__init__(fig)
        self.logits = np.asarray(logits, dtype=float)
        self.labels = np.asarray(labels)
        self.fitted = float(fitted)
        self.temps = np.geomspace(lo, hi, 121)
        self.eces = np.array(
            [expected_calibration_error(softmax(self.logits, temperature=t), self.labels) for t in self.temps]
        )
        fig.set_layout_engine("constrained", w_pad=0.12)  # computed on the first draw, then frozen
        ax_rel, ax_curve = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.12, 1]})
        self.ax_rel = ax_rel
        self.reliability = _ReliabilityArtists(ax_rel)
        ax_curve.plot(self.temps, 100 * self.eces, color=COLORS["logit"])
        fitted_line = ax_curve.axvline(self.fitted, color=WRONG, ls="--", lw=2, label=f"fitted T = {self.fitted:.2f}")
        raw_line = ax_curve.axvline(1.0, color=COLORS["reference"], ls=":", lw=2, label="T = 1 (raw)")
        (self.marker,) = ax_curve.plot(
            [1.0], [0.0], "o", ms=11, color=CONF, markeredgecolor="black", label="now: ECE", clip_on=False
        )  # whole at the slider's ends
        log_t_axis(ax_curve, self.temps)
        ax_curve.set_ylabel("test ECE (%)")
        ax_curve.set_ylim(0, 100 * float(np.max(self.eces)) * 1.08)
        ax_curve.set_title("ECE against T")
        self.key = legend_key(
            ax_curve,
            [fitted_line, raw_line, self.marker],
            loc="upper center",
            fontsize=11,
            reserve=["now: ECE 100.0 %"],
        )
        self.title = ax_rel.set_title(" ", fontsize=14)

    def update(self, temperature: float = 1.0) -> dict:
        """Show T = ``temperature``; return the ECE, accuracy and mean confidence there."""
        probs = softmax(self.logits, temperature=temperature)
        conf = probs.max(axis=1)
        correct = probs.argmax(axis=1) == self.labels
        bins = reliability_bins(conf, correct)
        ece = expected_calibration_error(conf, correct)
        acc = float(correct.mean())
        self.reliability.update(bins)
        self.title.set_text(f"T = {temperature:.2f}:  ECE {100 * ece:.1f} %,  accuracy {100 * acc:.1f} %")
        self.marker.set_data([temperature], [100 * ece])
        self.key[2].set_text(f"now: ECE {100 * ece:.1f} %")
        state = "overconfident" if conf.mean() > acc else "underconfident"
        self.alt = (
            f"At T = {temperature:.2f} the test ECE is {100 * ece:.1f} % (fitted T = {self.fitted:.2f}), "
            f"accuracy {100 * acc:.1f} %, mean confidence {100 * conf.mean():.1f} %: {state}; "
            + _reliability_words(bins, ece).split("; ", 1)[1]
            + "."
        )
        return {"ece": ece, "accuracy": acc, "mean_confidence": float(conf.mean())}


def temperature_widget(logits, labels, fitted: float, *, lo: float = 0.25, hi: float = 8.0):
    """A log-scale temperature slider redrawing :class:`TemperatureView`."""
    from ..widgets import live_figure, log_slider

    view = functools.partial(TemperatureView, logits=logits, labels=labels, fitted=fitted, lo=lo, hi=hi)
    return live_figure(view, {"temperature": log_slider("temperature T", 1.0, lo, hi)}, figsize=(10, 4.4))


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


#: The threshold slider's range.
THRESHOLD_RANGE = (0.5, 0.99)

_FLAG_GROUPS = (
    ("flagged", "flagged\nfor review"),
    ("flagged_wrong", "wrong and\nflagged"),
    ("missed", "wrong but\nNOT flagged"),
)


def _key(ax, entries) -> None:
    """A legend made of plain artists: a coloured square and a black label per ``(x, y, colour, label)``
    in axes coordinates.  A real legend is laid out again on every repaint of a live figure; these
    are repainted from cached glyphs (``widgets._TextReplay``)."""
    for x, y, color, label in entries:
        ax.plot([x], [y], marker="s", ms=11, color=color, mec="black", mew=0.8, transform=ax.transAxes, clip_on=False)
        ax.text(x + 0.035, y, label, va="center", fontsize=12, transform=ax.transAxes)


class ThresholdView(FigureView):
    """The threshold widget: what "flag if confidence < threshold" does, raw vs temperature-scaled.

    Left: how many test cases are flagged, how many of those are wrong, and
    how many wrong ones slip through, for both models.  Right: the
    confidence of the wrong predictions, raw and scaled, with the threshold.
    Built once; :meth:`update` moves the bars, labels, line and shading.
    """

    def __init__(self, fig, conf_raw, conf_scaled, correct, fitted: float, *, hi: float = THRESHOLD_RANGE[1]):
        super().__init__(fig)
        self.conf_raw = np.asarray(conf_raw, dtype=float)
        self.conf_scaled = np.asarray(conf_scaled, dtype=float)
        self.ok = ok = np.asarray(correct, dtype=bool)
        self.fitted = float(fitted)
        # The bar axis is fixed for the whole slider range (the counts only grow with the threshold,
        # so they are largest at ``hi``): a move then changes only bars and texts, never the axes,
        # and the widget repaints the content over its cached background instead of drawing it all.
        top = max(max(flag_counts(c, ok, hi).values()) for c in (self.conf_raw, self.conf_scaled))
        self.bar_top = max(top, 1)
        fig.set_layout_engine("constrained", w_pad=0.12)  # computed on the first draw, then frozen
        self.ax_bar, ax_hist = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.12, 1]})
        x = np.arange(len(_FLAG_GROUPS))
        w = 0.38
        self.bars, self.labels = [], []
        for shift, color, label in [
            (-w / 2, COLORS["reference"], "raw (T = 1)"),
            (w / 2, COLORS["logit"], f"scaled (T = {fitted:.2f})"),
        ]:
            self.bars.append(
                self.ax_bar.bar(
                    x + shift, np.zeros(len(x)), width=w, color=color, edgecolor="black", linewidth=0.8, label=label
                )
            )
            self.labels.append([self.ax_bar.text(xi, 0, "", ha="center", va="bottom", fontsize=13) for xi in x + shift])
        self.ax_bar.set_xticks(x, [g for _, g in _FLAG_GROUPS], fontsize=13)
        self.ax_bar.set_ylabel("test images")
        _key(
            self.ax_bar,
            [
                (0.05, 0.93, COLORS["reference"], "raw (T = 1)"),
                (0.52, 0.93, COLORS["logit"], f"scaled (T = {fitted:.2f})"),
            ],
        )
        self.bar_title = self.ax_bar.set_title(" ", fontsize=15)
        self.ax_bar.set_ylim(0, 1.35 * self.bar_top)

        edges = np.linspace(0, 1, 21)
        wrong_raw = np.histogram(self.conf_raw[~ok], edges)[0]
        wrong_scaled = np.histogram(self.conf_scaled[~ok], edges)[0]
        self.span = ax_hist.axvspan(0, 0.9, color=CONF, alpha=0.15, lw=0)
        ax_hist.stairs(wrong_raw, edges, color=COLORS["reference"], lw=3, label="raw")
        ax_hist.stairs(wrong_scaled, edges, color=COLORS["logit"], lw=3, label="scaled")
        self.line = ax_hist.axvline(0.9, color="black", lw=2)
        ymax = 1.15 * max(wrong_raw.max(), wrong_scaled.max(), 1)
        self.flag_text = ax_hist.text(0.88, 0.96 * ymax, "flagged", ha="right", va="top", fontsize=13)
        ax_hist.set_xlim(0, 1)
        ax_hist.set_xticks(np.linspace(0, 1, 6), ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        ax_hist.set_ylim(0, ymax)
        ax_hist.set_xlabel("confidence")
        ax_hist.set_ylabel("wrong predictions")
        ax_hist.set_title(f"The {int((~ok).sum())} wrong predictions", fontsize=15)
        _key(ax_hist, [(0.05, 0.86, COLORS["reference"], "raw"), (0.05, 0.78, COLORS["logit"], "scaled")])

    def update(self, threshold: float = 0.9) -> dict:
        """Apply the rule at ``threshold``; return ``{"raw": flag_counts(...), "scaled": flag_counts(...)}``."""
        raw = flag_counts(self.conf_raw, self.ok, threshold)
        scaled = flag_counts(self.conf_scaled, self.ok, threshold)
        for bars, labels, counts in zip(self.bars, self.labels, (raw, scaled)):
            for rect, text, (key, _) in zip(bars, labels, _FLAG_GROUPS):
                rect.set_height(counts[key])
                text.set_text(str(counts[key]))
                text.set_y(counts[key] + 0.01 * self.bar_top)
        self.bar_title.set_text(f"Flag if confidence < {threshold:.2f}")
        self.span.set_width(threshold)
        self.line.set_xdata([threshold, threshold])
        self.flag_text.set_x(threshold - 0.02)
        self.alt = (
            f"Rule: flag if confidence < {threshold:.2f}, {raw['wrong']} wrong predictions in all. "
            f"Raw: {raw['flagged']} flagged, {raw['flagged_wrong']} of them wrong, {raw['missed']} wrong "
            f"but not flagged. Scaled (T = {self.fitted:.2f}): {scaled['flagged']} flagged, "
            f"{scaled['flagged_wrong']} of them wrong, {scaled['missed']} wrong but not flagged."
        )
        return {"raw": raw, "scaled": scaled}


def threshold_widget(conf_raw, conf_scaled, correct, fitted: float):
    """A threshold slider redrawing :class:`ThresholdView`."""
    from ..widgets import live_figure, slider

    view = functools.partial(ThresholdView, conf_raw=conf_raw, conf_scaled=conf_scaled, correct=correct, fitted=fitted)
    lo, hi = THRESHOLD_RANGE
    return live_figure(view, {"threshold": slider("flag if confidence <", 0.9, lo, hi, step=0.01)}, figsize=(10, 4.4))


# ---------------------------------------------------------------- Predict checkpoints
PREDICT_TRAINING_OPTIONS = {
    "a": "it keeps falling, like the training loss",
    "b": "it levels off",
    "c": "it rises",
}


def _at_epoch(history, epoch: int, key: str) -> float:
    i = int(np.flatnonzero(history["epoch"] == epoch)[0]) if epoch in history["epoch"] else -1
    return float(history[key][i])


def predict_training(prediction, history=None) -> Feedback:
    """Predict: from epoch 100 to the end, what happens to the validation NLL?"""
    why = (
        "The network keeps growing surer on every image (lesson 07), but it gets no more of the "
        "validation images right. Each validation image it gets wrong, it now gets wrong with more "
        "confidence, and the NLL charges -log of the small probability left on the true class, which "
        "grows without bound: the validation NLL rises while the training loss falls."
    )
    if history is not None:
        why += (
            f" Here the validation NLL went from {_at_epoch(history, 100, 'val_nll'):.3f} at epoch 100 to "
            f"{history['val_nll'][-1]:.3f} at epoch {int(history['epoch'][-1])}, while the accuracy went from "
            f"{_at_epoch(history, 100, 'val_acc'):.3f} to {history['val_acc'][-1]:.3f}."
        )
    return check_prediction(
        prediction,
        "c",
        options=tuple(PREDICT_TRAINING_OPTIONS),
        why=why,
        hints={
            "a": "The training loss only measures the 179 images the network memorises; on new images "
            "its growing certainty is not matched by more right answers.",
            "b": "The confidence keeps rising after epoch 100; think about what that costs on the "
            "validation images it gets wrong.",
        },
    )


PREDICT_TRAIN_T_OPTIONS = {
    "a": "about the same T as on the validation split",
    "b": "T = 1: training already minimised this loss",
    "c": "a T below 1, as small as the search allows",
}


def predict_train_temperature(prediction, logits_train=None, labels_train=None) -> Feedback:
    """Predict: which T would the fit pick on the training images instead of the validation split?

    With the training logits and labels, the reveal quotes the grid search on them.
    """
    why = (
        "The network is right on every training image, so sharpening never costs anything there: each "
        "smaller T moves more probability onto the true class, and the training NLL keeps falling as T "
        "shrinks. The fit runs to the smallest T it may try, which is why T is fitted on held-out data."
    )
    if logits_train is not None and labels_train is not None:
        nll = np.array([temperature_nll(logits_train, labels_train, t) for t in FIT_GRID])
        why += (
            f" Here the grid of {FIT_GRID[0]:g} to {FIT_GRID[-1]:g} finds its lowest training NLL at "
            f"T = {FIT_GRID[int(np.argmin(nll))]:.2f}."
        )
    return check_prediction(
        prediction,
        "c",
        options=tuple(PREDICT_TRAIN_T_OPTIONS),
        why=why,
        hints={
            "a": "On the validation images some answers are wrong and sharpening them costs NLL; on the "
            "training images none is wrong.",
            "b": "Training minimised the loss over the weights, but it never reached 0: dividing the logits "
            "by a T below 1 lowers it further, since every training image is right.",
        },
    )


PREDICT_SCALED_OPTIONS = {
    "a": "still above 0.95",
    "b": "between 0.88 and 0.94, close to the accuracy",
    "c": "below 0.88",
}


def predict_scaled_confidence(prediction, before=None, after=None, accuracy=None) -> Feedback:
    """Predict: the mean test confidence after dividing the logits by the fitted T.

    With the measured ``before``, ``after`` and ``accuracy``, the right answer is read from ``after``.
    """
    why = (
        "T was fitted so that the probabilities are honest on the validation images, and the predictions "
        "(so the accuracy) do not change (lesson 03: dividing by T keeps the order of the logits). An honest "
        "model's mean confidence is close to its accuracy, so it falls from above the accuracy to near it."
    )
    correct = "b"
    if after is not None:
        correct = "a" if after > 0.95 else ("b" if after >= 0.88 else "c")
        why += f" Here it went from {before:.3f} to {after:.3f}, against an accuracy of {accuracy:.3f}."
    return check_prediction(
        prediction,
        correct,
        options=tuple(PREDICT_SCALED_OPTIONS),
        why=why,
        hints={
            "a": "T > 1 flattens every row: the top probability falls, and T was chosen to undo the overconfidence.",
            "b": "Look again at how far T is from 1, and at the scale table of section 4.",
            "c": "T is fitted by NLL on held-out data: it does not overshoot far below the accuracy.",
        },
    )


PREDICT_WD_OPTIONS = {
    "a": "even more overconfident than with no weight decay",
    "b": "about calibrated: mean confidence within 2 points of the accuracy",
    "c": "underconfident: mean confidence clearly below the accuracy",
}


def predict_weight_decay(prediction, rows=None) -> Feedback:
    """Predict: what does strong weight decay (1e-2) do to the confidence?

    With ``rows`` (from :func:`train_weight_decays`), the right answer is read
    from the run with the largest weight decay.
    """
    correct = "c"
    why = (
        "Weight decay pulls every weight towards 0, which keeps the logits small and the softmax soft. "
        "Guo et al. (2017) found that less weight decay makes networks more overconfident; the converse "
        "is that enough of it makes a network unsure of itself."
    )
    if rows:
        r = max(rows, key=lambda r: r["weight_decay"])
        gap = r["confidence"] - r["accuracy"]
        correct = "a" if gap > 0.02 else ("b" if gap >= -0.02 else "c")
        why += (
            f" With weight decay {r['weight_decay']:g}: mean confidence {r['confidence']:.3f}, accuracy "
            f"{r['accuracy']:.3f}, ECE {100 * r['ece']:.1f} %, and the fitted T is {r['T']:.2f}"
            f"{' (below 1: the fix sharpens)' if r['T'] < 1 else ''}."
        )
    return check_prediction(prediction, correct, options=tuple(PREDICT_WD_OPTIONS), why=why)


# ---------------------------------------------------------------- Write it: fit T on the validation split
#: The grid of temperatures the exercise searches.
FIT_GRID = np.geomspace(0.25, 8.0, 201)


def reference_fit_temperature(logits, labels, temps):
    """The T in ``temps`` whose ``softmax(logits / T)`` has the lowest mean NLL at ``labels``."""
    z = np.asarray(logits, dtype=float)
    y = np.asarray(labels)
    rows = np.arange(len(y))
    nll = [-np.mean(log_softmax(z / t)[rows, y]) for t in temps]
    return float(temps[int(np.argmin(nll))])


def _grid_ece_argmin(z, y, temps) -> float:
    """The T in ``temps`` with the lowest ECE: what a learner gets who minimises the ECE instead of the NLL."""
    z, y = np.asarray(z, dtype=float), np.asarray(y)
    n_bins = DEFAULT_BINS
    eces = []
    for t in temps:  # the library's ECE, vectorised over the bins: 201 temperatures stay fast
        p = softmax(z / t)
        conf, ok = p.max(axis=1), (p.argmax(axis=1) == y)
        m = np.clip(np.ceil(conf * n_bins).astype(int) - 1, 0, n_bins - 1)  # bin m is (m/n, (m+1)/n]
        gap = np.bincount(m, weights=ok - conf, minlength=n_bins)
        eces.append(np.sum(np.abs(gap)) / len(y))
    return float(temps[int(np.argmin(eces))])


def _grid_nll_min(z, y, temps) -> float:
    return min(temperature_nll(z, y, t) for t in temps)


_REFERENCE_CACHE: dict[bytes, tuple[float, float, float]] = {}


def _references(z, y, temps) -> tuple[float, float, float]:
    """(the reference T, the lowest NLL, the T with the lowest ECE) of a split, computed once per split:
    the checker needs them at every run of the learner's cell, and they do not depend on the learner."""
    import hashlib

    z, y, temps = np.asarray(z, dtype=float), np.asarray(y), np.asarray(temps, dtype=float)
    key = hashlib.sha256(b"|".join(np.ascontiguousarray(a).tobytes() for a in (z, y, temps))).digest()
    if key not in _REFERENCE_CACHE:
        if len(_REFERENCE_CACHE) > 32:
            _REFERENCE_CACHE.clear()
        _REFERENCE_CACHE[key] = (
            reference_fit_temperature(z, y, temps),
            _grid_nll_min(z, y, temps),
            _grid_ece_argmin(z, y, temps),
        )
    return _REFERENCE_CACHE[key]


def _synthetic_split(true_t: float, n: int = 3000, seed: int = 7):
    """Made-up logits whose labels are drawn from softmax(z / true_t): the right T is about true_t.

    Fresh copies at every call: a learner's function may change its input."""
    z, y = _synthetic_split_once(true_t, n, seed)
    return z.copy(), y.copy()


@functools.cache
def _synthetic_split_once(true_t: float, n: int, seed: int):
    """Made-up logits whose labels are drawn from softmax(z / true_t): the right T is about true_t."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0.0, 3.0, size=(n, 10))
    p = softmax(z, temperature=true_t)
    y = (p.cumsum(axis=1) < rng.random((n, 1))).sum(axis=1)
    return z, np.minimum(y, 9)


def _same_t(a: float, b: float, temps) -> bool:
    """Equal up to one step of the grid."""
    step = float(np.log(temps[1] / temps[0]))
    return a > 0 and b > 0 and abs(np.log(a / b)) <= 1.01 * step


def _t_check(expected: float, temps, nll_min: float, known=(), *, overflow: bool = False):
    """The check of one case: ``known`` pairs a wrong T with the phrase that names its mistake.

    With ``overflow`` (the case with logits near 1000), a T at the grid's
    start is what ``np.argmin`` returns when the first NLL is NaN, so it is named
    as the overflow, not as a minimisation gone wrong.
    """

    def check(out):
        if out is None:
            return "returned None"
        if isinstance(out, (str, bytes, tuple, list, dict)):
            return f"returned a {type(out).__name__}, not one temperature"
        arr = np.asarray(out)
        if arr.size != 1 or arr.dtype.kind not in "biuf":
            return f"returned an array of shape {arr.shape}, not one temperature"
        t = float(arr)
        if not np.isfinite(t):
            return f"returned {t}: the NLL went NaN or inf along the way"
        if _same_t(t, expected, temps):
            return None
        if arr.dtype.kind in "iu" and 0 <= t < len(temps) and _same_t(float(temps[int(t)]), expected, temps):
            return f"returned {int(t)}, the position in temps; return the temperature itself, temps[{int(t)}]"
        if abs(t - nll_min) < 1e-3:
            return f"returned {t:.3f}, the lowest NLL itself, not the T at which it is lowest ({expected:.3g})"
        for value, phrase in known:
            if _same_t(t, value, temps):
                return phrase.format(t=t, expected=expected)
        if t > 0 and _same_t(1 / t, expected, temps):
            return f"returned {t:.3g}, about 1 / {expected:.3g}: it looks like logits * T instead of logits / T"
        if overflow and _same_t(t, float(temps[0]), temps):
            return (
                f"returned {t:.3g} instead of {expected:.3g}: with logits near 1000, np.exp overflows "
                "to inf at the small T's, the NLL there is NaN, and np.argmin returns the position of the "
                "first NaN: the grid's first T"
            )
        if _same_t(t, float(temps[0]), temps):
            return (
                f"returned {t:.3g}, the smallest T in the grid, instead of {expected:.3g}: what you minimise "
                "keeps falling as T shrinks: a probability of the predicted class instead of the true "
                "label's, or argmax instead of argmin"
            )
        if _same_t(t, float(temps[-1]), temps):
            return f"returned {t:.3g}, the largest T in the grid, instead of {expected:.3g}"
        return f"returned T = {t:.3g} instead of {expected:.3g}"

    return check


def check_fit_temperature(fn, logits_val, y_val, logits_test, y_test, temps=FIT_GRID) -> Feedback:
    """Run a learner's ``my_fit_temperature(logits, labels, temps)`` on the validation split and on
    made-up and hostile splits.

    The test split is passed in only to recognise a T that was fitted on it
    (a function that reads the notebook's ``logits_test`` instead of its
    arguments).
    """
    temps = np.asarray(temps, dtype=float)
    z_val, y_val = np.asarray(logits_val, dtype=float), np.asarray(y_val)
    z_test, y_test = np.asarray(logits_test, dtype=float), np.asarray(y_test)
    t_val, nll_min_val, t_val_ece = _references(z_val, y_val, temps)
    t_test = _references(z_test, y_test, temps)[0]
    test_phrase = (
        "returned T = {t:.3g}, the T that fits the TEST split, not the validation split it was given ({expected:.3g})"
    )
    globals_phrase = "returned T = {t:.3g}, the T of the notebook's digits, for made-up data whose T is {expected:.3g}"
    ece_phrase = (
        "returned T = {t:.3g}, the T with the lowest ECE, not the lowest NLL ({expected:.3g}): "
        "minimise the mean NLL, which looks at the true label's probability in every row"
    )
    both_phrase = (
        "returned T = {t:.3g} instead of {expected:.3g}. That T fits the TEST split, and is also "
        "about the T with the lowest validation ECE: minimise the mean NLL, on the split you are given"
    )
    known_val = []
    if not _same_t(t_test, t_val, temps):
        # a T that minimises the ECE on the validation split can land next to the test split's T:
        # then the feedback names both, and does not accuse an honest learner of peeking
        known_val.append((t_test, both_phrase if _same_t(t_val_ece, t_test, temps) else test_phrase))
    if not _same_t(t_val_ece, t_val, temps):
        known_val.append((t_val_ece, ece_phrase))
    cases = [
        Case(
            "the validation split",
            (z_val, y_val, temps),
            _t_check(t_val, temps, nll_min_val, known_val),
            "For each T in temps, compute the mean NLL, -log softmax(logits / T) at the true label, and return "
            "the T with the lowest. Use only the arguments: the test split must stay unseen until the end.",
        )
    ]
    hints = {
        2.5: "Compute everything from the arguments: a function that reads logits_val, logits_test or data "
        "from the notebook gives the same T for every split.",
        0.5: "The grid goes below 1 too: an underconfident model needs T < 1.",
    }
    for true_t, what in [
        (2.5, "made-up overconfident logits (labels drawn from softmax(z / 2.5))"),
        (0.5, "made-up underconfident logits (labels drawn from softmax(z / 0.5))"),
    ]:
        z, y = _synthetic_split(true_t)
        t_ref, nll_min, t_ece = _references(z, y, temps)
        known = [(v, globals_phrase) for v in (t_val, t_test) if not _same_t(v, t_ref, temps)]
        if not _same_t(t_ece, t_ref, temps):
            known.append((t_ece, ece_phrase))
        cases.append(Case(what, (z, y, temps), _t_check(t_ref, temps, nll_min, known), hints[true_t]))
    z, y = _synthetic_split(2.5)
    t_ece = _references(z, y, temps)[2]  # + 1000 changes neither softmax nor the ECE
    z = z + 1000.0
    t_ref, nll_min_1000, _ = _references(z, y, temps)
    known = [(t_ece, ece_phrase)] if not _same_t(t_ece, t_ref, temps) else []
    cases.append(
        Case(
            "the same made-up logits + 1000",
            (z, y, temps),
            _t_check(t_ref, temps, nll_min_1000, known, overflow=True),
            "Adding 1000 to every logit leaves softmax, and so T, unchanged (lesson 04), but "
            "np.exp(1000 / 0.25) overflows. Subtract each row's max before np.exp, or use a "
            "log-softmax (lesson 06).",
        )
    )
    z_all, y_all = np.array([[3.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.5, 2.0]]), np.array([0, 1, 2])
    cases.append(
        Case(
            "three rows, all predicted right (like the training set)",
            (z_all, y_all, temps),
            _t_check(float(temps[0]), temps, _grid_nll_min(z_all, y_all, temps)),
            "On data the model gets all right, sharper is always better: the answer is the "
            "smallest T in the grid, temps[0].",
        )
    )
    return check_function(
        fn,
        cases,
        name="my_fit_temperature",
        success="Your grid search finds the validation split's T, uses only the data it is "
        "given, and survives huge logits.",
    )


# ---------------------------------------------------------------- check yourself
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
    cancelled = (
        "The two gaps cancelled: that is |mean confidence - accuracy| over all 100 predictions, "
        "which is the same as weighting the gaps without their absolute values. Take "
        "|accuracy - confidence| in each bin first: bin 2 is underconfident, bin 1 overconfident."
    )
    return check_number(
        answer,
        ece,
        tol=0.0015,
        what="a fraction such as 0.05",
        why=f"Bin 1: accuracy {acc[0]:.3f}, gap |{acc[0]:.3f} - {conf[0]:.2f}| = {abs(gaps[0]):.3f}, weight "
        f"{w[0]:.1f}. Bin 2: accuracy {acc[1]:.2f}, gap {abs(gaps[1]):.2f}, weight {w[1]:.1f}. "
        f"ECE = {w[0]:.1f} x {abs(gaps[0]):.3f} + {w[1]:.1f} x {abs(gaps[1]):.2f} = {ece:.3f}. "
        "Bin 2 is underconfident, bin 1 overconfident: the absolute value counts both.",
        mistakes=[
            Near(
                float(np.mean(np.abs(gaps))),
                "That is the plain average of the two gaps. The ECE weights "
                "each gap by the fraction of predictions in its bin (80 of 100, 20 of 100).",
            ),
            # sum(w * gaps) = accuracy - mean confidence, always: one mistake, one hint, either sign.
            Near(float(np.sum(w * gaps)), cancelled),
            Near(float(-np.sum(w * gaps)), cancelled),
            Near(
                100 * ece,
                "That looks like percent, or counts times gaps. Give the ECE as a "
                "fraction: the weights are count / 100, so the answer is below 1.",
                tol=0.15,
            ),
            Near(
                float(np.max(np.abs(gaps))),
                "That is the largest gap (the maximum calibration error, MCE). "
                "The ECE averages the gaps, weighted by bin size.",
            ),
        ],
        hint="For each bin: accuracy = right / count; gap = |accuracy - mean confidence|; "
        "weight = count / 100. Add up weight x gap.",
    )


#: Q2: (number of predictions, confidence) groups of a calibrated model.
Q2_GROUPS = ((400, 0.95), (200, 0.60))


def check_q2(answer) -> Feedback:
    """Q2: how many mistakes a calibrated model is expected to make."""
    expected = float(sum(n * (1 - c) for n, c in Q2_GROUPS))
    total = sum(n for n, _ in Q2_GROUPS)
    (n1, c1), (n2, c2) = Q2_GROUPS
    return check_number(
        answer,
        expected,
        tol=0.5,
        what="a number of predictions",
        why=f"A calibrated prediction with confidence p is wrong with probability 1 - p, so the expected "
        f"number of mistakes is the sum of 1 - p: {n1} x {1 - c1:.2f} + {n2} x {1 - c2:.2f} = "
        f"{n1 * (1 - c1):.0f} + {n2 * (1 - c2):.0f} = {expected:.0f}.",
        mistakes=[
            Near(
                float(total - expected),
                "That is the expected number of RIGHT predictions: the sum of p. Mistakes are the sum of 1 - p.",
            ),
            Near(
                float(n1 * (1 - c1)),
                f"That counts only the {n1} predictions at {c1}: add the mistakes among the {n2} at {c2} too.",
            ),
            Near(
                float(n2 * (1 - c2)),
                f"That counts only the {n2} predictions at {c2}: add the mistakes among the {n1} at {c1} too.",
            ),
            Near(
                expected / total,
                f"That is the expected error rate, a fraction. Multiply by the {total} predictions to get a count.",
                tol=0.01,
            ),
        ],
        hint="Each prediction with confidence p is wrong with probability 1 - p: add 1 - p over all of them.",
    )


#: Q3: three rows of logits, the rule's threshold and the temperature.
Q3_LOGITS = ((5.0, 1.0, 0.0), (3.0, 2.5, 0.0), (8.0, 0.0, 0.0))
Q3_THRESHOLD, Q3_T = 0.9, 2.0


def check_q3(answer) -> Feedback:
    """Q3: how many of three images does "flag if confidence < 0.9" flag after scaling by T = 2?"""
    z = np.array(Q3_LOGITS)
    conf_1 = softmax(z).max(axis=1)
    conf_t = softmax(z, temperature=Q3_T).max(axis=1)
    n_1, n_t = int(np.sum(conf_1 < Q3_THRESHOLD)), int(np.sum(conf_t < Q3_THRESHOLD))
    listed = ", ".join(f"{c:.2f}" for c in conf_t)
    return check_number(
        answer,
        n_t,
        tol=0.5,
        what="a number of images",
        why=f"At T = {Q3_T:g} the confidences are {listed} (at T = 1: "
        f"{', '.join(f'{c:.2f}' for c in conf_1)}), so {n_t} of them are below {Q3_THRESHOLD}. "
        "T > 1 lowers every confidence: an image can cross the threshold, but the predicted class stays.",
        mistakes=[
            Near(
                n_1,
                f"That is the count at T = 1. Divide each row of logits by T = {Q3_T:g} first, then take "
                "the largest softmax probability.",
            ),
            Near(
                3,
                f"Not all three: image 3's logits [8, 0, 0] / {Q3_T:g} = [4, 0, 0] still give a confidence of "
                f"{conf_t[2]:.2f}, above {Q3_THRESHOLD}.",
            ),
            Near(
                0,
                "T > 1 lowers every confidence, so the rule flags at least as many as at T = 1; compute "
                "softmax(z / 2) for each row.",
            ),
        ],
        hint=f"For each row: p = softmax(z / {Q3_T:g}); confidence = p.max(); count the confidences below "
        f"{Q3_THRESHOLD}.",
    )


# ---------------------------------------------------------------- examples for the tests
def _example_data():
    """A synthetic set of 300 ten-class logits, 80 % labelled with their top class."""
    rng = np.random.default_rng(0)
    logits = rng.normal(0.0, 3.0, size=(300, 10))
    labels = np.where(rng.random(300) < 0.8, logits.argmax(axis=1), rng.integers(0, 10, 300))
    return logits, labels


def example_temperature_widget():
    """:func:`temperature_widget` on synthetic logits (no training), for tests and a quick look."""
    logits, labels = _example_data()
    return temperature_widget(logits, labels, fitted=2.0)


def example_threshold_widget():
    """:func:`threshold_widget` on synthetic logits (no training), for tests and a quick look."""
    logits, labels = _example_data()
    correct = logits.argmax(axis=1) == labels
    return threshold_widget(softmax(logits).max(axis=1), softmax(logits / 2.0).max(axis=1), correct, fitted=2.0)
