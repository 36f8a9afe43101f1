"""Lesson 04, the overflow trick: figures, the shift widget and the exercise checks."""

from __future__ import annotations

import functools
import html
import math
import warnings
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple

import numpy as np

from ..checks import STYLES, Feedback, Near, check_choice, check_number
from ..core import logsumexp, naive_softmax, softmax
from ..plots import annotate_bars
from ..style import COLORS

ANIMALS = ("cat", "dog", "bird")
LOGITS = (2.0, 1.0, 0.1)
SHIFT_RANGE = (-1000.0, 1000.0)
DTYPES = (np.float16, np.float32, np.float64)

#: How far a naive bar may be off before it counts as visibly wrong (bars show 2 decimals).
VISIBLE = 0.005


# ---------------------------------------------------------------- float limits
class ExpLimits(NamedTuple):
    """Where ``np.exp`` stops giving an ordinary float, for one dtype.

    ``overflow``: above it ``exp`` is ``inf`` (``log(finfo.max)``).
    ``subnormal``: below it ``exp`` is subnormal, with fewer digits (``log(finfo.tiny)``).
    ``zero``: below it ``exp`` rounds to 0 (half the smallest subnormal).
    """

    dtype: str
    overflow: float
    subnormal: float
    zero: float


def exp_limits(dtype) -> ExpLimits:
    """The three thresholds of :class:`ExpLimits`, computed from ``np.finfo``."""
    fi = np.finfo(dtype)
    return ExpLimits(
        np.dtype(dtype).name,
        float(np.log(np.float64(fi.max))),
        float(np.log(np.float64(fi.tiny))),
        float(np.log(np.float64(fi.smallest_subnormal))) - math.log(2.0),
    )


def draw_exp_ranges(ax=None, marks=(-1000.0, 1000.0)):
    """One bar per dtype: the z for which e^z is a normal float (solid), a
    subnormal (hatched), or breaks (0 on the left, inf on the right)."""
    if ax is None:
        import matplotlib.pyplot as plt

        ax = plt.gca()
    names = []
    for row, dt in enumerate(DTYPES):
        lim = exp_limits(dt)
        names.append(lim.dtype)
        ax.barh(row, lim.overflow - lim.subnormal, left=lim.subnormal, height=0.5,
                color=COLORS["stable"], edgecolor="black", linewidth=0.8)
        ax.barh(row, lim.subnormal - lim.zero, left=lim.zero, height=0.5, color="white",
                edgecolor=COLORS["stable"], hatch="///", linewidth=0.8)
        ax.annotate(f"{lim.zero:.2f}", (lim.zero, row), xytext=(-5, 0), textcoords="offset points",
                    ha="right", va="center", fontsize=13)
        ax.annotate(f"{lim.overflow:.2f}", (lim.overflow, row), xytext=(5, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=13)
    for m in marks:
        ax.axvline(m, color=COLORS["naive"], linestyle="--", linewidth=2)
        ax.annotate(f"z = {m:g}", (m, len(DTYPES) - 0.45), ha="right" if m > 0 else "left",
                    xytext=(-4 if m > 0 else 4, 0), textcoords="offset points", fontsize=13,
                    color=COLORS["naive"], va="top")
    ax.set_yticks(range(len(DTYPES)), names)
    ax.set_ylim(-0.5, len(DTYPES) - 0.3)
    ax.set_xlim(-1100, 1100)
    ax.set_xlabel("z   (left of a bar: e^z rounds to 0;  right of it: e^z = inf)")
    ax.set_title("Where np.exp(z) is a finite, non-zero float")
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(facecolor=COLORS["stable"], edgecolor="black", label="normal float"),
                       Patch(facecolor="white", edgecolor=COLORS["stable"], hatch="///", label="subnormal")],
              loc="lower left", fontsize=12)
    ax.grid(axis="y", visible=False)
    return ax


# ---------------------------------------------------------------- probability bars with NaN placeholders
def prob_bars(ax, values, labels=ANIMALS, *, color=COLORS["prob"], title=None):
    """Probability bars with value labels; a NaN or inf entry gets a grey hatched
    placeholder bar labelled "NaN" / "inf" instead of an empty slot."""
    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    x = np.arange(len(values))
    heights = np.where(finite, values, 0.0)
    ax.bar(x[finite], heights[finite], color=color, edgecolor="black", linewidth=0.8)
    if (~finite).any():
        ax.bar(x[~finite], np.full((~finite).sum(), 0.6), color="#d9d9d9", edgecolor=COLORS["reference"],
               hatch="xx", linewidth=0.8)
    annotate_bars(ax, heights[finite], x=x[finite], fontsize=13)
    for i, v in enumerate(values):
        if not finite[i]:
            ax.text(i, 0.3, "NaN" if np.isnan(v) else f"{v:+}", ha="center", va="center", fontsize=15,
                    fontweight="bold", color="black",
                    bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"})
    ax.axhline(0, color="black", linewidth=1)
    ax.set_xticks(x, list(labels))
    ax.set_ylim(0, 1.2)
    if title:
        ax.set_title(title)
    return ax


def draw_batch(fig, batch, titles, labels=ANIMALS):
    """softmax of each row of ``batch`` in its own panel (NaN rows shown as
    placeholders); return the probabilities."""
    fig.clear()
    batch = np.asarray(batch, dtype=float)
    p = softmax(batch)
    axes = fig.subplots(1, len(batch), sharey=True)
    for ax, row, probs, title in zip(axes, batch, p, titles):
        prob_bars(ax, probs, labels, color=COLORS["prob"], title=title)
        zs = ", ".join("−∞" if v == -np.inf else "nan" if np.isnan(v) else f"{v:g}" for v in row)
        ax.set_xlabel(f"z = [{zs}]", fontsize=13)
    axes[0].set_ylabel("probability")
    return p


# ---------------------------------------------------------------- the shift widget
class Shifted(NamedTuple):
    """What the widget computed for one shift: the shifted logits, both softmaxes
    and the naive version's status ("ok", "wrong" or "nan")."""

    shift: float
    logits: np.ndarray
    naive: np.ndarray
    stable: np.ndarray
    status: str


def _status(naive: np.ndarray, stable: np.ndarray) -> np.ndarray:
    """Per row: "nan" if the naive row has a NaN, "wrong" if it is off by more
    than :data:`VISIBLE`, else "ok"."""
    bad = np.isnan(naive).any(axis=-1)
    err = np.max(np.abs(np.where(np.isnan(naive), 0.0, naive) - stable), axis=-1)
    return np.where(bad, "nan", np.where(err > VISIBLE, "wrong", "ok"))


@functools.cache
def naive_zones(z: tuple[float, ...] = LOGITS, step: float = 0.01) -> tuple[tuple[float, float, str], ...]:
    """Where ``naive_softmax(z + c)`` fails, as ``(start, stop, status)`` spans
    covering :data:`SHIFT_RANGE`: "nan" at both ends, "wrong" (off by more
    than :data:`VISIBLE`) next to them, "ok" in the middle.

    Computed on a grid of shifts ``step`` apart.  Near the underflow end the
    error flickers in and out of visibility as the subnormals round; the
    "wrong" span runs from the first to the last visibly wrong shift.
    """
    c = np.arange(SHIFT_RANGE[0], SHIFT_RANGE[1] + step / 2, step)
    x = np.asarray(z, dtype=float)[None, :] + c[:, None]
    with np.errstate(all="ignore"):
        st = _status(naive_softmax(x), softmax(x))
    lo_end, hi_end = SHIFT_RANGE
    left, right = c < 0, c >= 0
    # boundaries, from the left: end of NaN, end of wrong, start of wrong, start of NaN
    nan_l = c[left & (st == "nan")]
    bad_l = c[left & (st != "ok")]
    nan_r = c[right & (st == "nan")]
    bad_r = c[right & (st != "ok")]
    half = step / 2
    b1 = float(nan_l.max() + half) if nan_l.size else lo_end
    b2 = float(bad_l.max() + half) if bad_l.size else lo_end
    b3 = float(bad_r.min() - half) if bad_r.size else hi_end
    b4 = float(nan_r.min() - half) if nan_r.size else hi_end
    spans = [(lo_end, b1, "nan"), (b1, b2, "wrong"), (b2, b3, "ok"), (b3, b4, "wrong"), (b4, hi_end, "nan")]
    return tuple((a, b, k) for a, b, k in spans if b > a)


def break_points(z=LOGITS, dtype=np.float64) -> tuple[float, float]:
    """The shifts c at which ``naive_softmax(z + c)`` gives NaN (or all zeros):

    * above ``log(max) - logsumexp(z)`` the sum of the e^z overflows;
    * below ``log(smallest_subnormal / 2) - max(z)`` every e^z rounds to 0.
    """
    lim = exp_limits(dtype)
    return lim.zero - float(np.max(z)), lim.overflow - float(logsumexp(np.asarray(z, dtype=float)))


_STATUS_TEXT = {
    "ok": ("matches the stable version", COLORS["stable"]),
    "wrong": ("WRONG values: e^z is subnormal", COLORS["naive"]),
    "nan": ("NaN: ", COLORS["naive"]),
}


def draw_shift(fig, shift: float = 0.0, z=LOGITS) -> Shifted:
    """Add ``shift`` to every logit and draw naive and stable softmax side by
    side, above a strip that shows where the naive version breaks.

    The naive softmax is computed under ``np.errstate(all="ignore")``: the
    figure marks NaN bars itself, and the slider never prints warnings.
    """
    fig.clear()
    # a fixed layout: constrained layout would cost a third of every redraw
    fig.set_layout_engine("none")
    gs = fig.add_gridspec(2, 2, height_ratios=[3.3, 1], left=0.09, right=0.985, top=0.83, bottom=0.075,
                          hspace=0.42, wspace=0.08)
    ax_n = fig.add_subplot(gs[0, 0])
    ax_s = fig.add_subplot(gs[0, 1], sharey=ax_n)
    ax_c = fig.add_subplot(gs[1, :])
    x = np.asarray(z, dtype=float) + float(shift)
    with np.errstate(all="ignore"):
        naive = naive_softmax(x)
        under = bool(np.all(np.exp(x) == 0))
    stable = softmax(x)
    status = str(_status(naive, stable))

    prob_bars(ax_n, naive, color=COLORS["naive"], title="naive:  e^z / Σ e^z")
    prob_bars(ax_s, stable, color=COLORS["stable"], title="stable:  max subtracted first")
    ax_n.set_ylabel("probability")
    ax_s.tick_params(axis="y", labelleft=False)
    text, color = _STATUS_TEXT[status]
    if status == "nan":
        text += "every e^z rounded to 0, 0/0" if under else "e^z overflowed, inf/inf"
    ax_n.text(0.02, 0.97, text, transform=ax_n.transAxes, ha="left", va="top", fontsize=12,
              color=color, fontweight="bold")
    ax_s.text(0.02, 0.97, "never moves", transform=ax_s.transAxes, ha="left", va="top", fontsize=12,
              color=COLORS["stable"], fontweight="bold")
    shown = f"{shift:+.0f}" if shift else "0"
    fig.suptitle(f"shift c = {shown}:  logits z + c,  max logit = {x.max():.1f}", fontsize=16,
                 fontweight="bold")

    # the strip: where the naive version works, and where the slider is
    lo, hi = break_points(z)
    shade = {"ok": COLORS["stable"], "wrong": COLORS["yellow"], "nan": COLORS["naive"]}
    pad = 25.0
    for a, b, st in naive_zones(tuple(float(v) for v in z)):
        a = a - pad if a <= SHIFT_RANGE[0] else a
        b = b + pad if b >= SHIFT_RANGE[1] else b
        ax_c.axvspan(a, b, color=shade[st], alpha=0.35 if st == "ok" else 0.6, linewidth=0)
    for b in (lo, hi):
        ax_c.axvline(b, color="black", linewidth=1.2)
    ax_c.plot([shift], [0.5], marker="v", markersize=16, color="black", transform=ax_c.get_xaxis_transform())
    ax_c.axvline(shift, color="black", linewidth=2.5)
    ax_c.text((SHIFT_RANGE[0] + lo) / 2, 0.5, "naive: NaN", ha="center", va="center", fontsize=12)
    ax_c.text((hi + SHIFT_RANGE[1]) / 2, 0.5, "naive: NaN", ha="center", va="center", fontsize=12)
    ax_c.text(-360, 0.5, "naive works", ha="center", va="center", fontsize=12)
    ax_c.set_xlim(SHIFT_RANGE[0] - pad, SHIFT_RANGE[1] + pad)
    ax_c.set_ylim(0, 1)
    ax_c.set_yticks([])
    ax_c.set_xticks([SHIFT_RANGE[0], lo, 0, hi, SHIFT_RANGE[1]],
                    [f"{SHIFT_RANGE[0]:.0f}", f"{lo:.1f}", "0", f"{hi:.1f}", f"{SHIFT_RANGE[1]:.0f}"])
    ax_c.tick_params(axis="x", labelsize=12, pad=2)
    ax_c.grid(False)
    return Shifted(float(shift), x, naive, stable, status)


def widget():
    """One slider that adds the same constant to every logit."""
    from ..widgets import live_figure, slider

    controls = {"shift": slider("shift c added to every logit", 0.0, *SHIFT_RANGE, step=1.0,
                                readout_format=".0f")}
    return live_figure(draw_shift, controls, figsize=(10, 4.2))


# ---------------------------------------------------------------- Q1 to Q3
def check_q1(answer) -> Feedback:
    """Q1: the largest z for which np.exp(z) is finite in float32."""
    f32, f64, f16 = (exp_limits(d) for d in (np.float32, np.float64, np.float16))
    expected = f32.overflow
    max32 = float(np.finfo(np.float32).max)
    return check_number(
        answer, expected, tol=0.02, what="a number such as 12.34",
        why=f"np.log(np.finfo(np.float32).max) = log({max32:.4g}) = {expected:.2f}. "
            "Past it, float32 np.exp returns inf, and a float32 softmax written the textbook way returns NaN.",
        mistakes=[
            Near(f64.overflow, "That is the float64 limit. float32 has 8 exponent bits instead of 11, "
                               "so its largest number is only about 3.4e38."),
            Near(math.log10(max32), "That is log10 of the largest float32. np.exp is e^z, so take the natural "
                                    "log: np.log(np.finfo(np.float32).max)."),
            Near(128.0, "2^128 is about the largest float32, but the question asks for e^z: "
                        "z = 128 · ln 2."),
            Near(1000.0, "e^1000 overflows even float64. The float32 limit is much lower."),
            Near(f16.overflow, "That is float16 (half precision), whose largest number is 65504."),
            Near(f32.zero, "That is the other end: below it e^z rounds to 0. The question asks where it "
                           "becomes inf.", tol=0.05),
            Near(88.0, "e^88 is finite, but it is not the largest: give two decimals.", tol=0.5),
        ],
        hint="The largest float32 is np.finfo(np.float32).max. Which z has e^z equal to it?",
    )


Q2_LOGITS = (1000.0, 1000.0, 1000.0)


def check_q2(answer) -> Feedback:
    """Q2: logsumexp([1000, 1000, 1000]) by the trick."""
    expected = float(logsumexp(Q2_LOGITS))
    return check_number(
        answer, expected, tol=0.005, what="a number such as 1234.567",
        why=f"m = 1000 and every z − m is 0, so the sum is e^0 + e^0 + e^0 = 3 and the answer is "
            f"1000 + log 3 = {expected:.3f}. No exponential larger than 1 was ever computed.",
        mistakes=[
            Near(1000.0, "That is m alone. Add log Σ e^(z − m): the sum is 3, not 1.", tol=0.01),
            Near(1000.0 + math.log(2.0), "That is 1000 + log 2, the two-entry example. Here there are three "
                                         "equal terms."),
            Near(1003.0, "That is m + Σ e^(z − m): take the log of the sum, m + log 3."),
            Near(1000.0 + math.log10(3.0), "That used log10. np.log and the formula use the natural log."),
            Near(3000.0, "That is the sum of the logits. Log-sum-exp is close to the largest logit, not "
                         "their sum."),
        ],
        hint="Do not compute np.exp(1000). Factor out m = max(z): every z − m is 0, so each term is e^0.",
    )


Q3_OPTIONS = {
    "a": "[1000, 999, 0]",
    "b": "[-inf, -inf, -inf]",
    "c": "[1, nan, 2]",
    "d": "[1e308, -1e308]",
    "e": "[0, -inf, 5]",
}


def check_q3(answer) -> Feedback:
    """Q3: for which rows does the stable softmax return NaN?"""
    return check_choice(
        answer, {"b", "c"}, options=tuple(Q3_OPTIONS),
        why="A row of only -inf allows no class at all (0 / 0), and a NaN poisons its own row. "
            "Every finite row is safe, however large, and -inf entries are simply masked to 0.",
        hints={
            "a": "(a) is the example the trick was made for: softmax_lib gives [0.731, 0.269, 0].",
            "d": "(d): 1e308 − 1e308 = 0 and −1e308 − 1e308 = −inf, whose e^ is exactly 0. "
                 "The answer is [1, 0], no NaN.",
            "e": "(e): −inf is a mask, e^−inf = 0 exactly. The other two entries share the probability.",
            "b": "Look again at (b): if every entry is masked, what is left to divide by?",
            "c": "Look again at (c): what is e^nan, and what does it do to the sum of its row?",
        },
    )


# ---------------------------------------------------------------- write your own stable softmax
@dataclass(frozen=True)
class CodeFeedback(Feedback):
    """Feedback on a learner's function, with one row per test input:
    ``(ok, input, what happened)``."""

    rows: tuple[tuple[bool, str, str], ...] = ()

    def __repr__(self) -> str:
        lines = [super().__repr__()]
        lines += [f"  {'✓' if ok else '✗'} {name}: {what}" for ok, name, what in self.rows]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        bg, fg, mark = STYLES[self.ok]
        cell = "padding:1px 8px;vertical-align:top;text-align:left"
        rows = "".join(
            f"<tr><td style='{cell};color:{STYLES[ok][1]}'>{STYLES[ok][2]}</td>"
            f"<td style='{cell};white-space:nowrap'><code>{html.escape(name)}</code></td>"
            f"<td style='{cell}'>{html.escape(what)}</td></tr>"
            for ok, name, what in self.rows
        )
        table = f"<table style='margin-top:6px;font-size:0.95em;background:none'>{rows}</table>" if rows else ""
        detail = f"<div style='margin-top:4px'>{html.escape(self.detail)}</div>" if self.detail else ""
        return (
            f"<div style='background:{bg};border-left:6px solid {fg};padding:8px 12px;"
            f"font-size:1.05em;color:#222'><b style='color:{fg}'>{mark} "
            f"{html.escape(self.title)}</b>{detail}{table}</div>"
        )


class Hostile(NamedTuple):
    name: str
    z: np.ndarray
    hint: str


HOSTILE: tuple[Hostile, ...] = (
    Hostile("[1000, 999, 0]", np.array([1000.0, 999.0, 0.0]),
            "np.exp(1000) overflows to inf, and inf / inf is NaN. Subtract the row's maximum before np.exp: "
            "then the largest exponent is e^0 = 1."),
    Hostile("[-1000, -1001]", np.array([-1000.0, -1001.0]),
            "Every np.exp here underflows to 0, and 0 / 0 is NaN. After subtracting the maximum, one term "
            "is e^0 = 1, so the sum is at least 1."),
    Hostile("[1e308, -1e308]", np.array([1e308, -1e308]),
            "Subtract the maximum, not the mean or the minimum: the mean is 0 here, and e^1e308 overflows."),
    Hostile("float32 [100, 0]", np.array([100.0, 0.0], dtype=np.float32),
            "In float32, np.exp overflows above 88.72 already. Subtracting the maximum works in every dtype."),
    Hostile("batch [[1, 2, 3], [1000, 1000, 0]]", np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 0.0]]),
            "Each row is its own softmax: take the max and the sum along the last axis, with axis=-1 and "
            "keepdims=True so that they broadcast back against z."),
    Hostile("[0, -inf, 1]", np.array([0.0, -np.inf, 1.0]),
            "-inf is a mask: e^-inf = 0, so that entry gets probability exactly 0. Subtracting the max "
            "(1 here) keeps it -inf; subtracting the min or the mean gives -inf - (-inf) = NaN."),
    Hostile("constant row [5, 5, 5, 5]", np.array([5.0, 5.0, 5.0, 5.0]),
            "Equal logits give equal probabilities, 1/4 each. Dividing by max - min or by the standard "
            "deviation turns a constant row into 0 / 0."),
)

#: The one warning the max trick itself may cause, and it is harmless: -1e308 - 1e308 = -inf, e^-inf = 0.
_HARMLESS = "overflow encountered in subtract"


def _short(a: np.ndarray) -> str:
    """An array on one line, 3 decimals (a batch's rows side by side)."""
    with np.printoptions(precision=3, suppress=True):
        return " ".join(np.array2string(np.asarray(a), separator=" ", max_line_width=10_000).split())


_NO_RETURN = "Add a line `return ...` at the end: without it a Python function returns None."
_NOT_ARRAY = "Return a NumPy array of probabilities with the same shape as z."
_WARN_ONLY = ("The values are right, but np.exp (or a division) still saw numbers it could not handle. "
              "Call np.exp only on z - max, never on the raw logits.")
_IN_PLACE = ("`z -= m` changes the caller's array, which breaks code that uses the logits again. "
             "Compute `shifted = z - m` instead: a new array.")


def _run_one(fn: Callable, case: Hostile) -> tuple[bool, str, str]:
    """Run ``fn`` on one hostile input; return (ok, what happened, hint).

    The hint is the input's own hint, unless the mistake has nothing to do
    with the input (no return value, not an array, changed its input).
    """
    z = case.z.copy()
    expected = softmax(case.z)
    with warnings.catch_warnings(record=True) as caught, \
            np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"):
        warnings.simplefilter("always")
        try:
            out = fn(z)
        except Exception as err:  # the learner's code may raise anything
            return False, f"raised {type(err).__name__}: {err}".rstrip(" ."), case.hint
    messages = list(dict.fromkeys(str(w.message) for w in caught))
    if out is None:
        return False, "returned None", _NO_RETURN
    try:
        got = np.asarray(out, dtype=float)
    except (TypeError, ValueError):
        return False, f"returned a {type(out).__name__}, not an array of numbers", _NOT_ARRAY
    problems, hint = [], case.hint
    if got.shape != expected.shape:
        problems.append(f"returned the wrong shape: {got.shape} instead of {expected.shape}")
    elif np.isnan(got).any():
        problems.append(f"returned NaN: {_short(got)} instead of {_short(expected)}")
    elif np.isinf(got).any():
        problems.append(f"returned inf: {_short(got)} instead of {_short(expected)}")
    elif not np.allclose(got, expected, rtol=1e-5, atol=1e-8):
        problems.append(f"returned wrong values: {_short(got)} instead of {_short(expected)}")
    if not np.array_equal(z, case.z):
        problems.append("changed the input array in place")
        if len(problems) == 1:
            hint = _IN_PLACE
    harmful = [m for m in messages if m != _HARMLESS]
    if harmful:
        problems.append("made NumPy warn: " + "; ".join(harmful))
        if len(problems) == 1:
            hint = _WARN_ONLY
    if problems:
        return False, "; ".join(problems), hint
    if messages:
        return True, ("right, with one harmless warning: -1e308 - 1e308 overflows to -inf in the "
                      "subtraction, and e^-inf = 0 is exactly the right probability"), ""
    return True, "right", ""


def check_my_softmax(fn: Any) -> Feedback:
    """Run a learner's ``my_softmax(z)`` on hostile inputs and compare it with
    :func:`softmax_lib.softmax`.

    Says which input broke it and how (an exception, NaN, inf, wrong values,
    a wrong shape, a changed input, or a warning), with a hint for that input.
    Returns a :class:`CodeFeedback` with one row per input.
    """
    if fn is None or fn is Ellipsis:
        return Feedback(None, "No function yet: define my_softmax(z) and pass it in.")
    if not callable(fn):
        return Feedback(False, f"Expected a function such as my_softmax, got {type(fn).__name__}.",
                        "Pass the function itself, without calling it: check_my_softmax(my_softmax).")
    results = [(case, *_run_one(fn, case)) for case in HOSTILE]
    rows = tuple((ok, case.name, what) for case, ok, what, _ in results)
    failed = [(case, what, hint) for case, ok, what, hint in results if not ok]
    n = len(HOSTILE)
    if not failed:
        return CodeFeedback(
            True, f"All {n} hostile inputs passed: your softmax is stable.",
            "It agrees with softmax_lib.softmax on huge, tiny, ±1e308, float32, batched, masked and "
            "constant rows.",
            rows=rows,
        )
    case, what, hint = failed[0]
    return CodeFeedback(
        False, f"{len(failed)} of {n} hostile inputs broke it. The first: {case.name}",
        f"It {what}. Hint: {hint}",
        rows=rows,
    )


def reference_softmax(z):
    """The three-line stable softmax the exercise asks for (used by the tests)."""
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)
