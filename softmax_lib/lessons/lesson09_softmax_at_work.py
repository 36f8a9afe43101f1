"""Lesson 09, softmax at work: a character model, decoding, attention's √d, online softmax.

Support code for the notebook: the text, the model, the figures, the three
"Try it" views, and the checks for the Predict checkpoints, the Write-it
exercise and the questions.  The decoding maths itself lives in
:mod:`softmax_lib.decoding`.

The text is a fixed snapshot of standard-library docstrings, committed in
``softmax_lib/data/`` (see the README there for how it was made), so the
numbers the lesson prints do not depend on the Python version.
"""

from __future__ import annotations

import functools
import math
import textwrap
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from ..checks import Case, Feedback, Near, check_function, check_number, check_prediction, expect_array
from ..core import logsumexp, softmax
from ..decoding import OnlineLogSumExp, decoding_distribution, perplexity, sample
from ..plots import set_alt
from ..style import COLORS
from ..widgets import FigureView, legend_key

DATA = Path(__file__).resolve().parent.parent / "data"
#: The 32 characters the texts are written in: space, ' ( ) , . and a-z.
ALPHABET = " '(),.abcdefghijklmnopqrstuvwxyz"
#: How many characters of context the model looks at, and how strongly it leans on the shorter context.
CONTEXT = 3
BETA = 16.0
#: The prompt the samples continue, and the context whose next character the sliders show.
PROMPT = "the "
SHOW_CONTEXT = " re"
#: Slider ranges.
T_MIN, T_MAX = 0.05, 5.0
P_MIN = 0.05
D_CHOICES = tuple(2**i for i in range(11))  # 1, 2, 4, ..., 1024
N_KEYS = 10

RIGHT, WRONG = COLORS["right"], COLORS["wrong"]


# ---------------------------------------------------------------- the text
@functools.cache
def load_text() -> tuple[str, str]:
    """The training and held-out texts: lowercase docstrings, one per line.

    Training: docstrings of 48 standard-library modules; held out: 14 other
    modules, so the held-out text is text the model has never seen.
    """
    train = (DATA / "docstrings_train.txt").read_text(encoding="utf-8")
    held = (DATA / "docstrings_heldout.txt").read_text(encoding="utf-8")
    return train.replace("\n", " "), held.replace("\n", " ")


def encode(text: str) -> np.ndarray:
    """Character indices into :data:`ALPHABET`; any other character is an error."""
    lookup = {c: i for i, c in enumerate(ALPHABET)}
    try:
        return np.array([lookup[c] for c in text], dtype=np.int64)
    except KeyError as err:
        raise ValueError(
            f"{err.args[0]!r} is not in the model's alphabet {ALPHABET!r}: use lowercase letters, spaces and ' ( ) , ."
        ) from None


def decode(indices) -> str:
    """The characters at these indices of :data:`ALPHABET`."""
    return "".join(ALPHABET[int(i)] for i in np.ravel(indices))


# ---------------------------------------------------------------- the model
class CharModel:
    """A character model that counts which character follows each 3-character context.

    For a context ``c`` seen ``N`` times, followed ``n_x`` times by character
    ``x``, the model's probability is ``(n_x + beta * q_x) / (N + beta)``,
    where ``q`` is the same model one character of context shorter (down to
    no context, then uniform).  A context never seen (N = 0) falls back on the
    shorter one.  ``logits(context)`` is the log of these probabilities:
    softmax turns them straight back (the log-probabilities of a
    distribution are a valid set of logits).  There is no training loop: for
    a table with one row of logits per context, the cross-entropy gradient
    p − y averaged over a context's examples is zero exactly when softmax(row)
    equals the frequencies, so counting is training.
    """

    def __init__(self, text: str, context: int = CONTEXT, beta: float = BETA) -> None:
        self.context = context
        self.beta = beta
        v = len(ALPHABET)
        x = encode(text)
        p = np.full((1, v), 1.0 / v)  # no context at all: uniform
        for n in range(context + 1):
            counts = np.zeros((v**n, v))
            np.add.at(counts, (self._ids(x, n), x[n:]), 1.0)
            shorter = p[np.arange(v**n) % v ** (n - 1)] if n > 0 else p
            p = (counts + beta * shorter) / (counts.sum(axis=1, keepdims=True) + beta)
        self.counts = counts  # for the longest context
        self.table = np.log(p)  # the logits, one row per context

    @staticmethod
    def _ids(x: np.ndarray, n: int) -> np.ndarray:
        """The id of the n characters before each position from n on (0 for n = 0)."""
        v = len(ALPHABET)
        ids = np.zeros(len(x) - n, dtype=np.int64)
        for j in range(n):
            ids = ids * v + x[j : len(x) - n + j]
        return ids

    def _context_ids(self, x: np.ndarray) -> np.ndarray:
        return self._ids(x, self.context)

    def logits(self, context: str) -> np.ndarray:
        """The 32 logits for the character after the last ``self.context`` characters of ``context``."""
        if len(context) < self.context:
            raise ValueError(f"the context needs at least {self.context} characters, got {context!r}")
        tail = encode(context[-self.context :])
        return self.table[self._context_ids(np.append(tail, 0))[0]].copy()

    def logits_along(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """``(logits, targets)``: the logits at every position of ``text`` and the character that came next."""
        x = encode(text)
        return self.table[self._context_ids(x)], x[self.context :]

    def generate(
        self,
        prompt: str,
        n: int,
        seed: int = 0,
        *,
        temperature: float = 1.0,
        top_k: int | None = None,
        top_p: float | None = None,
    ) -> str:
        """``n`` characters after ``prompt``, drawn with ``np.random.default_rng(seed)``."""
        rng = np.random.default_rng(seed)
        self.logits(prompt)  # checks that the prompt is long enough and in the alphabet
        v = len(ALPHABET)
        row = int(self._context_ids(np.append(encode(prompt[-self.context :]), 0))[0])
        out = []
        for _ in range(n):
            c = sample(self.table[row], rng, temperature=temperature, top_k=top_k, top_p=top_p)
            out.append(ALPHABET[c])
            row = (row * v + c) % v**self.context  # the context slides on by one character
        return "".join(out)


@functools.cache
def trained_model() -> CharModel:
    """The lesson's model, trained once on the training text."""
    return CharModel(load_text()[0])


@functools.cache
def heldout_logits() -> tuple[np.ndarray, np.ndarray]:
    """The model's logits and the true next characters on the whole held-out text."""
    return trained_model().logits_along(load_text()[1])


def perplexity_curve(temperatures) -> np.ndarray:
    """Held-out perplexity of softmax(logits / T) for each T."""
    z, y = heldout_logits()
    return np.array([perplexity(z, y, temperature=float(t)) for t in np.ravel(temperatures)])


@functools.cache
def best_temperature(lo: float = 0.5, hi: float = 2.0, tol: float = 1e-3) -> tuple[float, float]:
    """``(T, perplexity)``: the temperature with the lowest held-out perplexity, by golden-section search.

    The curve is U-shaped (one minimum), so each step keeps the part of ``[lo, hi]`` that holds the
    lower of two inner points (one of which is reused), until it is narrower than ``tol``.
    """
    z, y = heldout_logits()

    def f(t: float) -> float:
        return perplexity(z, y, temperature=t)

    g = (math.sqrt(5) - 1) / 2
    a, b = lo, hi
    c, d = b - g * (b - a), a + g * (b - a)
    fc, fd = f(c), f(d)
    while b - a > tol:
        if fc < fd:
            b, d, fd = d, c, fc
            c = b - g * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + g * (b - a)
            fd = f(d)
    t = (a + b) / 2
    return t, f(t)


# ---------------------------------------------------------------- static figures
def _char_labels(idx) -> list[str]:
    return ["␣" if ALPHABET[i] == " " else ALPHABET[i] for i in idx]


def draw_next_char(ax, logits: ArrayLike, context: str, n_show: int = 12):
    """The ``n_show`` most likely next characters after ``context``, as bars; return their indices."""
    p = softmax(logits)
    order = np.argsort(-p, kind="stable")[:n_show]
    ax.bar(range(n_show), p[order], color=COLORS["prob"], edgecolor="black", linewidth=0.8)
    ax.set_xticks(range(n_show), _char_labels(order), fontsize=15)
    for i, v in enumerate(p[order]):
        ax.annotate(f"{v:.2f}", (i, v), xytext=(0, 3), textcoords="offset points", ha="center", fontsize=12)
    ax.set_ylim(0, min(1.12, p.max() * 1.25))
    ax.set_ylabel("probability")
    ax.set_title(f'next character after "{context}" ({n_show} most likely of {len(p)}; ␣ is a space)')
    set_alt(
        ax.figure,
        f"Bars of the model's next-character probabilities after '{context}': "
        + ", ".join(f"{_char_labels([i])[0]} {p[i]:.2f}" for i in order[:5])
        + ", and smaller ones.",
    )
    return order


def draw_perplexity(ax, temperatures, ppl, marks=(0.5, 1.0, 2.0), best=None):
    """Held-out perplexity against T on a log axis, with the ``marks`` (which must be on the grid) labelled.

    ``best``, a ``(T, perplexity)`` pair such as :func:`best_temperature` returns, is marked and named in
    the title.  Returns the perplexities at the marks.
    """
    from ..plots import log_t_axis

    temperatures, ppl = np.asarray(temperatures, dtype=float), np.asarray(ppl, dtype=float)
    at = [int(np.argmin(np.abs(np.log(temperatures / t)))) for t in marks]
    if not np.allclose(temperatures[at], marks):
        raise ValueError(f"every mark {marks} must be one of the temperatures of the curve")
    marked = ppl[at]
    ax.plot(temperatures, ppl, "-", color=COLORS["logit"], lw=3)
    for t, v in zip(marks, marked):
        ax.plot([t], [v], "o", ms=10, color=COLORS["prob"], markeredgecolor="black")
        ax.annotate(f"T = {t:g}: {v:.2f}", (t, v), xytext=(0, 10), textcoords="offset points", ha="center", fontsize=13)
    if best is None:
        i = int(np.argmin(ppl))
        best = (temperatures[i], ppl[i])
    t_best, p_best = float(best[0]), float(best[1])
    ax.plot([t_best], [p_best], "v", ms=11, color=COLORS["accent"], markeredgecolor="black")
    log_t_axis(ax, temperatures)
    ax.set_ylabel("held-out perplexity")
    ax.set_ylim(0, len(ALPHABET) * 1.08)
    ax.axhline(len(ALPHABET), color=COLORS["reference"], ls="--", lw=1.8)
    ax.text(
        temperatures[0] * 1.1,
        len(ALPHABET) - 0.8,
        f"uniform guessing: {len(ALPHABET)}",
        va="top",
        fontsize=13,
        color=COLORS["reference"],
    )
    ax.set_title(f"Held-out perplexity against T: lowest {p_best:.3f}, at T = {t_best:.2f} (▼)")
    set_alt(
        ax.figure,
        "A U-shaped curve of held-out perplexity against T (log axis): "
        + ", ".join(f"{v:.2f} at T = {t:g}" for t, v in zip(marks, marked))
        + f"; lowest {p_best:.3f} at T = {t_best:.2f}; uniform guessing is {len(ALPHABET)}.",
    )
    return marked


# ---------------------------------------------------------------- Try it: decoding
class GlyphText:
    """Monospace text that changes on every slider move, drawn as an image pasted together from glyphs.

    Laying out and rasterising a new 150-character text took most of a decoding
    slider move.  Here each character of ``charset`` is rasterised once, in a cell
    of the font's advance width (rounded to whole pixels), and :meth:`set_text`
    only copies those cells into one image: an ``AxesImage`` pinned, pixel for
    pixel, to the top-left corner of ``ax``.  Characters not in ``charset`` are
    drawn as spaces.
    """

    def __init__(self, ax, charset: str, columns: int, rows: int, fontsize: float = 12.0, color=None) -> None:
        import matplotlib as mpl
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.colors import to_rgb
        from matplotlib.figure import Figure
        from matplotlib.font_manager import FontProperties
        from matplotlib.transforms import Affine2D, ScaledTranslation

        fig = ax.figure
        dpi = fig.dpi
        prop = FontProperties(family="monospace", size=fontsize)
        canvas = FigureCanvasAgg(Figure(dpi=dpi))
        renderer = canvas.get_renderer()
        width = renderer.get_text_width_height_descent("M" * 40, prop, ismath=False)[0]
        descent = renderer.get_text_width_height_descent("gjpqy(),", prop, ismath=False)[2]
        self.cell_w = max(1, round(width / 40))
        self.cell_h = max(1, round(1.3 * fontsize * dpi / 72))
        self.columns, self.rows = columns, rows
        self.charset = " " + "".join(sorted(set(charset) - {" "}))
        self.lookup = np.zeros(256, dtype=np.intp)  # Latin-1 code -> glyph; 0 is the space
        glyphs = []
        for i, ch in enumerate(self.charset):
            g = Figure(figsize=(self.cell_w / dpi, self.cell_h / dpi), dpi=dpi)
            g.patch.set_alpha(0.0)
            FigureCanvasAgg(g)
            g.text(
                0.0,
                (descent + (self.cell_h - fontsize * dpi / 72) / 2) / self.cell_h,  # the baseline, clear of descenders
                ch,
                fontproperties=prop,
                va="baseline",
                ha="left",
                color="black",
            )
            g.canvas.draw()
            glyphs.append(np.asarray(g.canvas.buffer_rgba())[:, :, 3].copy())
            if ord(ch) < 256:
                self.lookup[ord(ch)] = i
        self.glyphs = np.stack(glyphs)  # (n, cell_h, cell_w) coverage
        rgb = to_rgb(color if color is not None else mpl.rcParams["text.color"])
        h, w = rows * self.cell_h, columns * self.cell_w
        self.rgba = np.zeros((h, w, 4), dtype=np.uint8)
        self.rgba[..., :3] = np.round(np.array(rgb) * 255).astype(np.uint8)
        self.image = ax.imshow(self.rgba, interpolation="nearest", origin="upper", extent=(0, w, -h, 0), aspect="auto")
        # pixels, from the axes' top-left corner
        self.image.set_transform(Affine2D() + ScaledTranslation(0.0, 1.0, ax.transAxes))
        self.image.set_clip_on(False)
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        self.text = ""

    def set_text(self, lines: list[str]) -> None:
        """Show ``lines`` (at most ``rows`` of at most ``columns`` characters)."""
        idx = np.zeros((self.rows, self.columns), dtype=np.intp)
        for r, line in enumerate(lines[: self.rows]):
            codes = np.frombuffer(line[: self.columns].encode("latin-1", "replace"), dtype=np.uint8)
            idx[r, : len(codes)] = self.lookup[codes]
        cov = self.glyphs[idx]  # (rows, columns, cell_h, cell_w)
        self.rgba[..., 3] = cov.transpose(0, 2, 1, 3).reshape(self.rgba.shape[:2])
        self.image.set_data(self.rgba)
        self.text = "\n".join(lines)


class DecodingView(FigureView):
    """Top: the next-character distribution after a context, before and after T, top-k and top-p.
    Bottom: a fixed-seed sample of text decoded with the same settings."""

    WIDTH = 75  # characters per line of the sample

    def __init__(
        self,
        fig,
        model: CharModel | None = None,
        context: str = SHOW_CONTEXT,
        prompt: str = PROMPT,
        n_chars: int = 150,
        n_show: int = 16,
        seed: int = 0,
    ) -> None:
        super().__init__(fig)
        self.model = model or trained_model()
        self.context, self.prompt, self.n_chars, self.seed = context, prompt, n_chars, seed
        self.z = self.model.logits(context)
        self.order = np.argsort(-self.z, kind="stable")[:n_show]
        ax, ax_text = fig.subplots(2, 1, gridspec_kw={"height_ratios": [3, 1]})
        x = np.arange(n_show)
        self.before = ax.bar(
            x - 0.2,
            np.zeros(n_show),
            width=0.4,
            color=COLORS["reference"],
            edgecolor="black",
            linewidth=0.6,
            label="softmax(z / T)",
        )
        self.after = ax.bar(
            x + 0.2,
            np.zeros(n_show),
            width=0.4,
            color=COLORS["prob"],
            edgecolor="black",
            linewidth=0.6,
            label="kept, renormalised: what is sampled",
        )
        ax.set_xticks(x, _char_labels(self.order), fontsize=15)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("probability")
        legend_key(ax, [self.before, self.after], loc="upper right", fontsize=12)
        self.title = ax.set_title(" ", fontsize=14)
        ax_text.axis("off")
        for spine in ax_text.spines.values():  # the live figure repaints spines even with the axis off
            spine.set_visible(False)
        self.sample_head = ax_text.text(
            0.0,
            1.0,
            f"sample (seed {seed}):",
            va="bottom",
            ha="left",
            family="monospace",
            fontsize=12,
            transform=ax_text.transAxes,
        )
        self.sample_text = GlyphText(
            ax_text, ALPHABET, columns=self.WIDTH, rows=math.ceil((len(prompt) + n_chars) / (self.WIDTH - 12)) + 1
        )
        self.ax = ax
        self._samples: dict[tuple, str] = {}  # (T, k, p) -> sample: dragging back costs no decoding

    def update(self, T: float = 1.0, k: int = len(ALPHABET), p: float = 1.0) -> dict:
        k_used = None if int(k) >= len(ALPHABET) else int(k)  # keeping every character: no filter to run
        p_used = None if float(p) >= 1.0 else float(p)
        full = softmax(self.z, temperature=T)
        kept = decoding_distribution(self.z, temperature=T, top_k=k_used, top_p=p_used)
        for bar, v in zip(self.before, full[self.order]):
            bar.set_height(v)
        for bar, v in zip(self.after, kept[self.order]):
            bar.set_height(v)
        n_kept = int(np.count_nonzero(kept))
        mass = float(full[kept > 0].sum())
        self.title.set_text(
            f'next character after "{self.context}": {n_kept} of {len(ALPHABET)} characters kept, '
            f"holding {100 * mass:.1f}% of softmax(z / T)"
        )
        key = (float(T), int(k), float(p))  # a fixed seed: the same settings always write the same text
        if key not in self._samples:
            if len(self._samples) > 512:
                self._samples.clear()
            self._samples[key] = self.model.generate(
                self.prompt, self.n_chars, self.seed, temperature=T, top_k=k_used, top_p=p_used
            )
        text = self._samples[key]
        self.sample_text.set_text(textwrap.wrap(f"{self.prompt}{text}", self.WIDTH))
        self.alt = (
            f"T = {T:.2f}, top-k = {int(k)}, top-p = {p:.2f}: {n_kept} of {len(ALPHABET)} characters kept "
            f"after '{self.context}', holding {100 * mass:.1f}% of the tempered probability; most likely "
            f"'{ALPHABET[int(np.argmax(kept))]}' at {kept.max():.2f}. Sample: {self.prompt}{text}"
        )
        return {"kept": kept, "n_kept": n_kept, "mass": mass, "text": text}


def decoding_widget():
    """Sliders for T (log scale), top-k and top-p over :class:`DecodingView`."""
    from ..widgets import int_slider, live_figure, log_slider, slider

    return live_figure(
        DecodingView,
        {
            "T": log_slider("temperature T", 1.0, T_MIN, T_MAX),
            "k": int_slider("top-k", len(ALPHABET), 1, len(ALPHABET)),
            "p": slider("top-p", 1.0, P_MIN, 1.0, step=0.05),
        },
        figsize=(12, 6.0),
        columns=1,
    )


# ---------------------------------------------------------------- attention
#: The seed of the slider's query and keys: a typical draw.  At every d from 4 on, the spread of its 10 scores
#: is within 20% of √d and grows with d, and its largest unscaled weight grows with d, 0.78 at d = 16, near
#: the mean over many queries that :func:`saturation_table` prints (0.72).  (Seed 1, the old default, had a
#: spread of 1.3 at d = 16 and one that fell from d = 128 to 512.)
ATTENTION_SEED = 12790


def attention_data(n_keys: int = N_KEYS, d_max: int = D_CHOICES[-1], seed: int = ATTENTION_SEED):
    """One query and ``n_keys`` keys with ``d_max`` independent N(0, 1) entries each.

    The view at dimension d uses the first d entries, so the vectors grow as d does.
    """
    rng = np.random.default_rng(seed)
    return rng.standard_normal(d_max), rng.standard_normal((n_keys, d_max))


def attention_weights(q, keys, d: int, scaled: bool) -> np.ndarray:
    """softmax of the query's dot products with the keys, over the first ``d`` entries, divided by √d if scaled."""
    scores = keys[:, :d] @ q[:d]
    return softmax(scores / math.sqrt(d) if scaled else scores)


def softmax_jacobian_norm(p: ArrayLike) -> np.ndarray:
    """Frobenius norm of softmax's Jacobian diag(p) − p pᵀ, per row: how much a nudge to the scores moves p."""
    p = np.asarray(p, dtype=float)
    jac = p[..., :, None] * (np.eye(p.shape[-1]) - p[..., None, :])
    return np.sqrt(np.sum(jac**2, axis=(-2, -1)))


def saturation_table(dims=D_CHOICES, n_queries: int = 300, n_keys: int = N_KEYS, seed: int = 2) -> np.ndarray:
    """For each d: mean largest weight and mean Jacobian norm, without and with the 1/√d; over random queries.

    Rows are ``(d, largest raw, largest scaled, gradient raw, gradient scaled)``.  The same arguments give the
    same table (it is computed once and copied).
    """
    return _saturation_table(tuple(int(d) for d in dims), n_queries, n_keys, seed).copy()


@functools.cache
def _saturation_scores(dims: tuple, n_queries: int, n_keys: int, seed: int) -> dict:
    """Each random query's scores q·k against its keys (n_queries × n_keys), for each d in turn."""
    rng = np.random.default_rng(seed)
    out = {}
    for d in dims:
        q = rng.standard_normal((n_queries, 1, d))
        k = rng.standard_normal((n_queries, n_keys, d))
        out[d] = np.sum(q * k, axis=-1)
    return out


@functools.cache
def _saturation_table(dims: tuple, n_queries: int, n_keys: int, seed: int) -> np.ndarray:
    rows = []
    for d, s in _saturation_scores(dims, n_queries, n_keys, seed).items():
        raw, scaled = softmax(s), softmax(s / math.sqrt(d))
        rows.append(
            (
                d,
                raw.max(-1).mean(),
                scaled.max(-1).mean(),
                softmax_jacobian_norm(raw).mean(),
                softmax_jacobian_norm(scaled).mean(),
            )
        )
    return np.array(rows)


def gradient_split(d: int = 1024, close: float = 1.0, dims=D_CHOICES, n_queries: int = 300, seed: int = 2) -> dict:
    """The unscaled gradient sizes behind one row of :func:`saturation_table` (same queries), split up.

    Returns the mean and median size; ``zero_share``, the share of queries whose size prints as 0.000
    (below 0.0005); and, for the queries whose two best keys score within ``close`` of each other,
    their share (``close_share``), mean size (``close_mean``) and share of the mean's total
    (``close_part``), with ``other_mean`` for the rest.
    """
    s = _saturation_scores(tuple(int(v) for v in dims), n_queries, N_KEYS, seed)[int(d)]
    g = softmax_jacobian_norm(softmax(s))
    top2 = np.sort(s, axis=-1)[:, -2:]
    near = top2[:, 1] - top2[:, 0] < close
    return {
        "mean": float(g.mean()),
        "median": float(np.median(g)),
        "zero_share": float(np.mean(g < 0.0005)),
        "close_share": float(near.mean()),
        "close_mean": float(g[near].mean()),
        "close_part": float(g[near].sum() / g.sum()),
        "other_mean": float(g[~near].mean()),
    }


def draw_saturation(fig, table):
    """Two panels against d: the largest weight, and the size of softmax's gradient, with and without 1/√d."""
    axes = fig.subplots(1, 2)
    d = table[:, 0]
    for ax, cols, label in ((axes[0], (1, 2), "mean largest weight"), (axes[1], (3, 4), "mean size of the gradient")):
        ax.plot(d, table[:, cols[0]], "o-", color=WRONG, lw=3, label="softmax(q·k)")
        ax.plot(d, table[:, cols[1]], "s-", color=RIGHT, lw=3, label="softmax(q·k / √d)")
        ax.set_xscale("log", base=2)
        ax.set_xticks(d[::2], [f"{int(v)}" for v in d[::2]])
        ax.set_xlabel("dimension d (log scale)")
        ax.set_ylabel(label)
        ax.legend(fontsize=12)
    axes[0].set_ylim(0, 1.05)
    axes[0].axhline(1 / N_KEYS, color=COLORS["reference"], ls="--", lw=1.5)
    axes[0].set_title(f"Without √d the weights go one-hot ({N_KEYS} keys)")
    axes[1].set_ylim(0, None)
    axes[1].set_title("... and the mean gradient falls towards 0")
    last = table[-1]
    set_alt(
        fig,
        f"Against d from 1 to {int(last[0])}: without the scaling the mean largest attention weight rises "
        f"to {last[1]:.2f} and the gradient size falls to {last[3]:.3f}; with the scaling they stay near "
        f"{last[2]:.2f} and {last[4]:.2f}.",
    )
    return axes


class AttentionView(FigureView):
    """One query's attention weights over 10 keys at dimension d: without (left) and with (right) the 1/√d."""

    def __init__(self, fig, q=None, keys=None) -> None:
        super().__init__(fig)
        if q is None or keys is None:
            q, keys = attention_data()
        self.q, self.keys = q, keys
        n = len(keys)
        self.axes = fig.subplots(1, 2, sharey=True)
        self.bars, self.titles = [], []
        for ax, color, name in zip(self.axes, (WRONG, RIGHT), ("softmax(q·k)", "softmax(q·k / √d)")):
            self.bars.append(ax.bar(range(n), np.zeros(n), color=color, edgecolor="black", linewidth=0.8))
            ax.set_xticks(range(n), [f"k{i + 1}" for i in range(n)], fontsize=12)
            ax.axhline(1 / n, color=COLORS["reference"], ls="--", lw=1.5)
            self.titles.append(ax.set_title(name, fontsize=13))
            ax.set_xlabel("key")
        self.axes[0].set_ylim(0, 1.05)
        self.axes[0].set_ylabel("attention weight")

    def update(self, d: int = 16) -> dict:
        d = int(d)
        out = {}
        for name, bars, title, scaled in zip(("raw", "scaled"), self.bars, self.titles, (False, True)):
            w = attention_weights(self.q, self.keys, d, scaled)
            for bar, v in zip(bars, w):
                bar.set_height(v)
            grad = float(softmax_jacobian_norm(w))
            spread = float(np.std(self.keys[:, :d] @ self.q[:d] / (math.sqrt(d) if scaled else 1.0)))
            label = "softmax(q·k / √d)" if scaled else "softmax(q·k)"
            # What a typical query's spread is; this one query's can differ at small d (0.4 at d = 1).
            typical = "typical 1" if scaled else f"√d = {math.sqrt(d):.1f}"
            title.set_text(
                f"{label}, d = {d}\nlargest {w.max():.2f}, spread {spread:.1f} ({typical}), gradient {grad:.3f}"
            )
            out[name] = {"weights": w, "max": float(w.max()), "gradient": grad, "spread": spread}
        self.alt = (
            f"d = {d}: without scaling the largest weight is {out['raw']['max']:.2f} (gradient size "
            f"{out['raw']['gradient']:.3f}); with 1/√d it is {out['scaled']['max']:.2f} (gradient size "
            f"{out['scaled']['gradient']:.3f})."
        )
        return out


def attention_widget():
    """A slider over d = 1, 2, 4, ..., 1024 for :class:`AttentionView`."""
    from ..widgets import live_figure, selection_slider

    return live_figure(AttentionView, {"d": selection_slider("dimension d", D_CHOICES, 16)}, figsize=(12, 4.6))


# ---------------------------------------------------------------- online softmax
#: A stream for the figure: it starts with -inf (a masked position), and its maximum jumps twice.
STREAM = (-np.inf, 0.5, 1.2, 0.3, 3.0, 2.5, 2.9, 1.0, 7.0, 6.1, 5.5, 6.8, 2.0, 6.9, 4.0, 6.5)


def online_history(stream=STREAM):
    """Feed ``stream`` one value at a time; return arrays of the running max, total and log-sum-exp."""
    acc = OnlineLogSumExp()
    maxes, totals, values = [], [], []
    for v in stream:
        acc.update([v])
        maxes.append(acc.max)
        totals.append(acc.total)
        values.append(float(acc.value))
    return np.array(maxes), np.array(totals), np.array(values)


def draw_online(fig, stream=STREAM):
    """Top: the stream and the running max.  Bottom: the running total, which drops when the max jumps."""
    stream = np.asarray(stream, dtype=float)
    maxes, totals, values = online_history(stream)
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    i = np.arange(1, len(stream) + 1)
    finite = np.isfinite(stream)
    ax1.plot(i[finite], stream[finite], "o", ms=10, color=COLORS["logit"], label="value x")
    ax1.plot(
        i[~finite],
        np.full((~finite).sum(), np.nanmin(stream[finite]) - 1.0),
        "v",
        ms=11,
        color=WRONG,
        label="-inf (a masked value)",
    )
    ax1.step(
        i[np.isfinite(maxes)],
        maxes[np.isfinite(maxes)],
        where="post",
        color=COLORS["prob"],
        lw=3,
        label="running max m",
    )
    ax1.plot(
        i[np.isfinite(values)],
        values[np.isfinite(values)],
        "--",
        color=COLORS["accent"],
        lw=2.5,
        label="m + log s (log-sum-exp so far)",
    )
    ax1.set_ylabel("value")
    ax1.legend(loc="upper left", fontsize=11, ncol=2)
    ax1.set_ylim(np.nanmin(stream[finite]) - 2, max(values[-1], stream.max()) + 3.5)
    ax1.set_title(
        f"Online log-sum-exp of {len(stream)} values: final {values[-1]:.4f} "
        f"(softmax_lib.logsumexp: {float(logsumexp(stream)):.4f})"
    )
    ax2.bar(i, totals, color=COLORS["sky"], edgecolor="black", linewidth=0.8)
    jumps = np.flatnonzero(np.diff(maxes) > 0) + 1
    jumps = [j for j in jumps if np.isfinite(maxes[j - 1])]
    for n, j in enumerate(jumps):  # alternate heights so neighbouring labels do not overlap
        ax2.annotate(
            f"max {maxes[j - 1]:g} → {maxes[j]:g}:\n$s \\times e^{{{maxes[j - 1] - maxes[j]:g}}}$",
            (j + 1, totals[j]),
            xytext=(0, 45 if n % 2 == 0 else 100),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=13,
            arrowprops={"arrowstyle": "->", "lw": 1.5, "color": "black"},
        )
    ax2.set_ylim(0, totals.max() * 1.7)
    ax2.set_ylabel("running sum s")
    ax2.set_xlabel("values seen")
    ax2.set_xticks(i)
    set_alt(
        fig,
        f"The stream of {len(stream)} values with the running maximum stepping up at values "
        + ", ".join(str(j + 1) for j in jumps)
        + "; at each step up the running sum s is rescaled to the new maximum (multiplied by "
        "e^(old max − new max)), so it drops when the jump is large, and between jumps it only grows. "
        f"Final log-sum-exp {values[-1]:.4f}.",
    )
    return maxes, totals, values


def tiled_attention(q, keys, values, tile: int):
    """One query's attention output, ``softmax(K q / √d) @ V``, computed tile by tile as FlashAttention does."""
    d = len(q)
    m, s, out = -np.inf, 0.0, np.zeros(values.shape[1])
    for start in range(0, len(keys), tile):
        scores = keys[start : start + tile] @ q / math.sqrt(d)
        m_new = max(m, scores.max())
        rescale = math.exp(m - m_new)  # exp(-inf) = 0 on the first tile
        w = np.exp(scores - m_new)
        s = s * rescale + w.sum()
        out = out * rescale + w @ values[start : start + tile]
        m = m_new
    return out / s


# ---------------------------------------------------------------- Predict checkpoints
PERPLEXITY_OPTIONS = {
    "a": "below 1: a little sharper than the model as trained",
    "b": "at T = 1, the model as trained",
    "c": "above 1: a little flatter than the model as trained",
}


def predict_perplexity(prediction) -> Feedback:
    """Whether the held-out perplexity is lowest below, at or above T = 1."""
    t_best, p_best = best_temperature()
    p_one = float(perplexity_curve([1.0])[0])
    correct = "b" if abs(t_best - 1.0) < 0.005 else "a" if t_best < 1.0 else "c"
    return check_prediction(
        prediction,
        correct,
        options=tuple(PERPLEXITY_OPTIONS),
        why=f"The lowest held-out perplexity is {p_best:.3f}, at T = {t_best:.2f}; T = 1 gives {p_one:.3f}. "
        "At T = 1 softmax(z) reproduces the training frequencies, but new text brings contexts and "
        "continuations the counts never saw, so on it the model is a little overconfident, and a "
        "slightly flatter softmax fits better. That is lesson 08's temperature scaling, found here on "
        "held-out text.",
        hints={
            "a": "A sharper distribution pays -log of a tiny probability at every surprise, and new text has "
            "more surprises than the text the counts came from.",
            "b": "T = 1 fits the training text. Is text the model has never seen as predictable as that?",
        },
    )


TOP_P_CONTEXT = " wh"
TOP_P_OPTIONS = {"a": "about 29 of the 32 (90% of them)", "b": "between 2 and 10", "c": "exactly 1"}


def top_p_count(context: str = TOP_P_CONTEXT, p: float = 0.9) -> int:
    """How many characters top-p keeps after ``context``."""
    return int(np.count_nonzero(decoding_distribution(trained_model().logits(context), top_p=p)))


def predict_top_p(prediction) -> Feedback:
    """How many of the 32 characters top-p = 0.9 keeps after " wh"."""
    n = top_p_count()
    correct = "c" if n == 1 else "b" if 2 <= n <= 10 else "a"
    return check_prediction(
        prediction,
        correct,
        options=tuple(TOP_P_OPTIONS),
        why=f"It keeps {n} of {len(ALPHABET)}. Top-p keeps the most likely characters until their probabilities "
        'add up to 0.9: a share of the probability, not of the characters. After " wh" a few characters '
        "hold almost all of it.",
        hints={
            "a": "0.9 is a share of probability, not of the vocabulary.",
            "c": "One character would do only if it alone had at least 0.9 of the probability.",
        },
    )


ATTENTION_OPTIONS = {
    "a": "about the same",
    "b": "about half",
    "c": "about a sixth",
    "d": "essentially 0, like lesson 01's 1000·z",
}
#: The ratio (gradient at d = 1024) / (gradient at d = 16) each option stands for; the closest one is right.
ATTENTION_RATIOS = {"a": 1.0, "b": 1 / 2, "c": 1 / 6, "d": 0.0}


def attention_gradient_ratio() -> float:
    """Mean size of the unscaled softmax's gradient at d = 1024 over that at d = 16 (the printed table's rows)."""
    full = saturation_table()
    dims = list(full[:, 0])
    return float(full[dims.index(1024), 3] / full[dims.index(16), 3])


def predict_attention(prediction) -> Feedback:
    """How large the gradient through the unscaled softmax is at d = 1024, compared with d = 16."""
    full = saturation_table()  # the table the notebook prints
    table = full[[list(full[:, 0]).index(16), list(full[:, 0]).index(1024)]]
    ratio = attention_gradient_ratio()
    correct = min(ATTENTION_RATIOS, key=lambda k: abs(ATTENTION_RATIOS[k] - ratio))
    return check_prediction(
        prediction,
        correct,
        options=tuple(ATTENTION_OPTIONS),
        why=f"The gradient's size goes from {table[0, 3]:.3f} at d = 16 to {table[1, 3]:.3f} at d = 1024, "
        f"{ratio:.2f} times as large: about a sixth (with 1/√d: {table[0, 4]:.3f} and {table[1, 4]:.3f}). "
        "The scores' spread grows like √d, and multiplying every score by a bigger number is lowering the "
        f"temperature (lesson 03): the largest weight goes from {table[0, 1]:.2f} to {table[1, 1]:.2f}. "
        "Near one-hot, nudging the scores barely moves the weights, so little gradient flows back; but the "
        "scores are random, and some queries' two best keys score close together, so the mean shrinks "
        "without reaching 0.",
        hints={
            "a": "The scores spread 8 times wider at d = 1024 than at d = 16. What does that do to the softmax "
            "(lesson 03), and how much does a near one-hot softmax move when a score is nudged?",
            "b": "The spread grows like √d, and √(1024/16) = 8: a temperature 8 times lower. Halving is too mild.",
            "d": "In lesson 01 one logit was far ahead and its weight rounded to exactly 1. Here the scores are "
            f"random with spread about 32: the largest weight averages {table[1, 1]:.2f}, not 1, and a query whose "
            "second-best key scores close to the best one keeps a sizeable gradient.",
        },
    )


# ---------------------------------------------------------------- Write it: online log-sum-exp
def reference_online_logsumexp(chunks):
    """A solution of the Write-it exercise: online log-sum-exp with a running max and a rescaled sum."""
    m, s = -np.inf, 0.0
    for chunk in chunks:
        chunk = np.asarray(chunk, dtype=np.float64)
        if chunk.size == 0:
            continue
        m_new = np.maximum(m, chunk.max())  # np.maximum keeps a NaN
        if m_new == -np.inf:  # nothing but -inf so far
            continue
        s = s * np.exp(m - m_new) + np.sum(np.exp(chunk - m_new))
        m = m_new
    if s == 0.0:  # no finite value came: log(0)
        return m
    return m + np.log(s)


def _lse_of(chunks) -> np.ndarray:
    if isinstance(chunks, OneBufferStream | LongStream):
        chunks = chunks.chunks
    flat = np.concatenate([np.ravel(np.asarray(c, dtype=np.float64)) for c in chunks])
    return np.asarray(logsumexp(flat))


class OneBufferStream:
    """A stream that hands over every chunk in the same buffer, refilled for the next chunk.

    This is how a reader of a file or a socket often delivers data.  A function
    that reads each chunk as it comes is unaffected; one that keeps the chunks
    (``list(chunks)``, ``np.concatenate``) finds every kept chunk overwritten
    by the later ones.  Iterating again starts the stream again.
    """

    def __init__(self, chunks) -> None:
        self.chunks = [np.array(c, dtype=np.float64) for c in chunks]  # private copies, for the expected value

    def __iter__(self):
        buffer = np.empty(max(len(c) for c in self.chunks))
        for c in self.chunks:
            buffer[: len(c)] = c
            yield buffer[: len(c)]

    def __repr__(self) -> str:
        return f"OneBufferStream({[c.tolist() for c in self.chunks]})"


class LongStream:
    """A long stream of fresh chunks that notes how much memory the reader holds on to.

    Each chunk is a new array of ``size`` values, made as it is asked for.  A
    streaming reader keeps two numbers, so the memory it holds stays flat however
    many chunks pass; one that keeps the chunks (or copies of them) holds more
    with every chunk.  While the stream is read, :mod:`tracemalloc` (which sees
    NumPy's arrays) measures what is held just before each chunk is made, above
    what was held when reading began; :attr:`kept_chunks` is the largest of those
    in chunks.  Iterating again starts the stream again.
    """

    def __init__(self, n_chunks: int = 32, size: int = 1024, seed: int = 9) -> None:
        self.n_chunks, self.size, self.seed = n_chunks, size, seed
        self.kept_chunks = 0.0

    def chunk(self, i: int) -> np.ndarray:
        return np.random.default_rng((self.seed, i)).normal(0.0, 3.0, self.size)

    @property
    def chunks(self) -> list[np.ndarray]:
        """Every chunk, for the expected value."""
        return [self.chunk(i) for i in range(self.n_chunks)]

    def __iter__(self):
        import tracemalloc

        started = not tracemalloc.is_tracing()
        if started:
            tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            for i in range(self.n_chunks):
                held = (tracemalloc.get_traced_memory()[0] - base) / (8 * self.size)
                self.kept_chunks = max(self.kept_chunks, held)
                yield self.chunk(i)
        finally:
            if started:
                tracemalloc.stop()

    def __repr__(self) -> str:
        return f"LongStream({self.n_chunks} chunks of {self.size} values)"


#: More than this many chunks' worth of memory held while the long stream is read counts as keeping chunks.
KEPT_CHUNKS_LIMIT = 8

_F32 = [np.float32([88.0, 88.5]), np.float32([89.0, 80.0]), np.float32([89.5])]
_RNG_STREAM = np.random.default_rng(8).normal(0, 30, size=60)

ONLINE_CASES = (
    (
        "two chunks: [1, 2, 3] then [0.5, 4]",
        ([np.array([1.0, 2.0, 3.0]), np.array([0.5, 4.0])],),
        "When a chunk brings a new maximum m_new, the old sum s was measured from the old max m: multiply it by "
        "exp(m - m_new) before adding the chunk's terms exp(x - m_new).",
    ),
    (
        "the max keeps growing: [1], [10], [100], [1000]",
        ([np.array([1.0]), np.array([10.0]), np.array([100.0]), np.array([1000.0])],),
        "Never take exp of a raw value: exp(1000) overflows. Subtract the running max m before exp, and rescale "
        "s by exp(m - m_new) when the max grows.",
    ),
    (
        "starts with a chunk of -inf: [-inf, -inf], [1, 2]",
        ([np.array([-np.inf, -np.inf]), np.array([1.0, 2.0])],),
        "While every value so far is -inf, m is -inf and exp(m - m_new) is exp(-inf - (-inf)) = exp(NaN). "
        "Skip chunks whose max is -inf (they add exp(-inf) = 0), or skip the rescale while s is still 0.",
    ),
    (
        "a chunk of only -inf in the middle: [1, 2], [-inf, -inf, -inf], [0]",
        ([np.array([1.0, 2.0]), np.full(3, -np.inf), np.array([0.0])],),
        "A chunk of only -inf adds nothing. Shifting a chunk by its own max gives -inf - (-inf) = NaN: "
        "shift by the running max instead, or skip chunks whose max is -inf.",
    ),
    (
        "only -inf: [-inf], [-inf, -inf]",
        ([np.array([-np.inf]), np.array([-np.inf, -np.inf])],),
        "log-sum-exp of only -inf is log(0) = -inf, like softmax_lib.logsumexp: return -inf, not NaN, "
        "when no finite value ever came.",
    ),
    (
        "an empty chunk: [1, 2], [], [3]",
        ([np.array([1.0, 2.0]), np.array([]), np.array([3.0])],),
        "A stream may deliver an empty chunk, and np.max of an empty array raises: skip it "
        "(if chunk.size == 0: continue).",
    ),
    (
        "a NaN: [1, NaN], [2]",
        ([np.array([1.0, np.nan]), np.array([2.0])],),
        "A NaN anywhere makes log-sum-exp NaN (softmax_lib.logsumexp agrees): do not filter it out, and use "
        "np.maximum, which keeps a NaN, rather than Python's max, which may drop it.",
    ),
    (
        "float32 near overflow: [88, 88.5], [89, 80], [89.5]",
        (_F32,),
        "float32's exp overflows above 88.72. Subtract the running max before exp, so every exponent is <= 0.",
    ),
    (
        "60 values in chunks of 1 to 7",
        (
            [
                _RNG_STREAM[a:b]
                for a, b in zip((0, 1, 4, 11, 13, 20, 27, 35, 40, 48), (1, 4, 11, 13, 20, 27, 35, 40, 48, 60))
            ],
        ),
        "Check the update against logsumexp of everything seen so far after each chunk.",
    ),
    (
        "one buffer, refilled for each chunk: [1, 2, 3], [0.5, 4], [7]",
        (OneBufferStream([[1.0, 2.0, 3.0], [0.5, 4.0], [7.0]]),),
        "This stream hands over each chunk in the same buffer, refilled for the next one (as a file or socket reader "
        "does), so chunks you keep are overwritten. Read each chunk as it comes and keep only m and s: "
        "no list(chunks), no np.concatenate.",
    ),
)


KEEPS_CHUNKS_HINT = (
    "Your function keeps the chunks (or copies of them) and combines them at the end, so its memory grows with "
    "the stream, and a stream too long to keep is exactly why this is done online. Keep only m and s: update "
    "them with each chunk, then let the chunk go (no list of chunks, no np.concatenate, no .copy())."
)
IN_PLACE_HINT = (
    "Your function changed the caller's chunks in place (for example `chunk -= m` or `np.exp(chunk, out=chunk)`): "
    "the caller still needs them, and softmax's second pass reads them again. Compute new arrays instead: "
    "`np.exp(chunk - m_new)`."
)


def _long_stream_check(stream: LongStream):
    value = expect_array(_lse_of(stream), rtol=2e-6, atol=1e-9)

    def check(out):
        wrong = value(out)
        if wrong:
            return wrong
        if stream.kept_chunks > KEPT_CHUNKS_LIMIT:
            return (
                f"held on to about {stream.kept_chunks:.0f} chunks' worth of memory while reading "
                f"{stream.n_chunks} chunks, instead of two numbers"
            )
        return None

    return check


def online_cases() -> list[Case]:
    """The Write-it's cases: ordinary, hostile, a long random stream, a stream that reuses one buffer,
    and a stream too long to keep (a fresh :class:`LongStream` each time)."""
    out = []
    for name, args, hint in ONLINE_CASES:
        expected = _lse_of(args[0])
        out.append(Case(name, args, expect_array(expected, rtol=2e-6, atol=1e-9), hint))
    stream = LongStream()
    out.append(
        Case(
            f"a long stream: {stream.n_chunks} chunks of {stream.size} values",
            (stream,),
            _long_stream_check(stream),
            KEEPS_CHUNKS_HINT,
        )
    )
    return out


#: NumPy's warnings when np.logaddexp (or its .reduce) meets a NaN: a NaN answer is right there.
LOGADDEXP_NAN = ("invalid value encountered in logaddexp", "invalid value encountered in reduce")


def check_online_logsumexp(fn) -> Feedback:
    """Write it: a streaming log-sum-exp, checked against softmax_lib.logsumexp on hostile streams."""
    feedback = check_function(
        fn,
        online_cases(),
        name="my_online_logsumexp",
        success="Your function reads each chunk once, keeps two numbers, and agrees with softmax_lib.logsumexp "
        "on every stream, hostile ones included. That update is the heart of FlashAttention's tiling.",
        harmless=LOGADDEXP_NAN,
        params="chunks",
        params_meaning="a list of 1-D arrays",
    )
    failure = feedback.failure
    if failure is not None and "in_place" in failure.kinds:
        return feedback.with_hint(IN_PLACE_HINT)
    return feedback


# ---------------------------------------------------------------- Check yourself
def check_q1(answer) -> Feedback:
    """Q1: the perplexity of a model that gives the true character 0.5 at half the positions, 0.125 at the rest."""
    ce = -(math.log(0.5) + math.log(0.125)) / 2
    return check_number(
        answer,
        math.exp(ce),
        tol=0.01,
        what="a number such as 3",
        why=f"The cross-entropy is the mean of -log p: (log 2 + log 8) / 2 = log 4 = {ce:.3f} nats, and "
        "perplexity is exp of it: 4. Perplexity averages the surprises, the logs, not the probabilities: "
        "it is 1 / (the geometric mean of the probabilities), 1 / √(0.5 · 0.125) = 4.",
        mistakes=[
            Near(5.0, "You averaged the two perplexities, 2 and 8. Average the -log p first, then take exp."),
            Near(1 / 0.3125, "You averaged the probabilities (0.3125). Perplexity averages -log p, then takes exp."),
            Near(ce, "That is the cross-entropy in nats. Perplexity is its exp."),
            Near(ce / math.log(2), "That is the cross-entropy in bits. Perplexity is 2 to that power."),
            Near(0.25, "0.25 is the geometric mean of the probabilities. Perplexity is 1 over it."),
            Near(0.3125, "That is the mean probability. Perplexity is exp of the mean of -log p."),
        ],
        hint="Cross-entropy is the mean of -log p(true character) over the positions; perplexity is exp of it.",
    )


Q2_PROBS = (0.5, 0.2, 0.15, 0.1, 0.05)


def check_q2(answer) -> Feedback:
    """Q2: the renormalised probability of the top token after top-p = 0.8 on Q2_PROBS."""
    p = np.array(Q2_PROBS)
    right = float(decoding_distribution(np.log(p), top_p=0.8)[0])
    return check_number(
        answer,
        right,
        tol=0.006,
        what="a probability such as 0.42",
        why=f"0.5 + 0.2 = 0.7 is short of 0.8, 0.5 + 0.2 + 0.15 = 0.85 reaches it: three tokens are kept, "
        f"and the top one gets 0.5 / 0.85 = {right:.3f}.",
        mistakes=[
            Near(0.5, "0.5 is its probability before truncation. Renormalise over the tokens kept."),
            Near(0.5 / 0.7, "You kept two tokens (0.7). Top-p keeps tokens until the total reaches at least 0.8."),
            Near(0.5 / 0.95, "You kept four tokens (80% of the five). p is a share of probability."),
            Near(0.5 / 0.8, "Divide by the total of the tokens actually kept, not by p."),
            Near(
                100 * 0.5 / 0.85,
                "That looks like a percentage: give the probability as a number between 0 and 1.",
                tol=0.6,
            ),
        ],
        hint="Add the sorted probabilities until the total is at least 0.8; divide 0.5 by that total.",
    )


Q3_D, Q3_SIGMA = 64, 2.0


def check_q3(answer) -> Feedback:
    """Q3: what to divide q·k by when d = 64 and every entry has standard deviation 2."""
    var_product = Q3_SIGMA**2 * Q3_SIGMA**2
    right = math.sqrt(Q3_D * var_product)
    return check_number(
        answer,
        right,
        tol=0.05,
        what="a number such as 3",
        why=f"Each product q_i k_i of two independent entries with mean 0 has variance σ² · σ² = "
        f"{var_product:g}, and the variances of the {Q3_D} terms add: var(q·k) = {Q3_D} · {var_product:g} = "
        f"{Q3_D * var_product:g}, so the standard deviation is {right:g}. Dividing by √d = {math.sqrt(Q3_D):g} "
        f"would leave a spread of {right / math.sqrt(Q3_D):g}: √d is right only for entries of variance 1.",
        mistakes=[
            Near(math.sqrt(Q3_D), "√d = 8 assumes entries of variance 1. Here each product has variance 2² · 2²."),
            Near(Q3_SIGMA * math.sqrt(Q3_D), "σ√d: the product q_i k_i has variance σ² · σ² = 16, not σ² = 4."),
            Near(Q3_D * var_product, "That is the variance of q·k. Divide by its square root."),
            Near(
                Q3_D * Q3_SIGMA**2, "d σ² = 256: each product has variance σ⁴ = 16, not σ², and the spread is a root."
            ),
        ],
        hint="Find the variance of one product q_i k_i (independent, mean 0: the variances multiply), add d of them, "
        "take the square root.",
    )


Q4_STATE = (5.0, 2.0)  # (m, s)
Q4_CHUNK = (3.0, 7.0)


def check_q4(answer) -> Feedback:
    """Q4: log-sum-exp of everything so far after the state (m = 5, s = 2) reads the chunk [3, 7]."""
    m, s = Q4_STATE
    m_new = max(m, *Q4_CHUNK)
    s_new = s * math.exp(m - m_new) + sum(math.exp(x - m_new) for x in Q4_CHUNK)
    right = m_new + math.log(s_new)
    return check_number(
        answer,
        right,
        tol=0.0015,
        what="a number such as 6.5",
        why=f"The new max is 7. The old sum was measured from 5, so it becomes 2 · e^(5 − 7) = {2 * math.exp(-2):.4f}; "
        f"the chunk adds e^(3 − 7) + e^(7 − 7) = {math.exp(-4) + 1:.4f}. So s = {s_new:.4f} and "
        f"log-sum-exp = 7 + log {s_new:.4f} = {right:.3f}.",
        mistakes=[
            Near(
                m_new + math.log(s + math.exp(-4) + 1),
                "You added the chunk's terms without rescaling the old sum to the new max: multiply s by e^(5 − 7).",
            ),
            Near(
                m_new + math.log(s * math.exp(m - m_new) + 1),
                "The 3 in the chunk counts too: it adds e^(3 − 7), small but not 0.",
            ),
            Near(
                m_new + math.log(s * math.exp(m_new - m) + math.exp(-4) + 1),
                "The rescale factor is e^(old max − new max) = e^(−2), not e^2.",
            ),
            Near(s_new, "That is the new s. The log-sum-exp is m + log s."),
            Near(math.log(s_new), "That is log s. The log-sum-exp is m + log s, with the new m = 7."),
            Near(m + math.log(s), "That is the old state alone, 5 + log 2: the chunk [3, 7] still has to be added."),
            Near(
                float(logsumexp(Q4_CHUNK)),
                "That is the chunk [3, 7] alone. The state (m = 5, s = 2) stands for the numbers read before: "
                "they count too.",
            ),
        ],
        hint="New max first; rescale the old sum by exp(old max − new max); add exp(x − new max) for each x in the "
        "chunk; then m + log s.",
    )
