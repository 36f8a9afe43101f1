"""Speed of softmax_lib.softmax against SciPy and bare np.exp passes (`make bench`).

On a (1024, 32000) array of standard-normal logits (a batch of 1024 rows over a
32 000-token vocabulary), float32 and float64, softmax along the last axis is
timed against, in the same process and on the same data:

* ``scipy.special.softmax`` (goal: softmax / scipy <= 0.7);
* ``np.exp(x)`` into a fresh array: the floor for any function that returns a
  new array, since it includes the allocation and page-fault cost (reported,
  no goal).  An earlier goal against one *in-place* ``np.exp`` pass was
  withdrawn: no function that returns a new array can reach it.

Each time is the best of N runs (time.perf_counter, garbage collector off,
after warm-up runs).  This is a measurement, not a test: it prints
"goal met" / "goal missed" and always exits 0.

    python tools/bench.py [--rows 1024] [--cols 32000] [--repeats 7]

``--redraw`` measures the live figures instead: for every lesson in the
registry (tools/lessons.py) and every live figure it lists, each slider is
dragged across its range in ``--moves`` steps (in process, no browser), and
one move is timed from setting ``control.value`` to the new PNG being in the
figure's Output: the view's update, the repaint, the PNG encoding and the
rest (alt text, the Output message).  It prints the median and the worst move
per slider in ms, against the classroom goal (median <= 100 ms), and the share
of each stage.  The browser adds its own costs on top (tests/browser_latency.py).

    python tools/bench.py --redraw [--moves 24] [--lesson 03]
"""

from __future__ import annotations

import argparse
import functools
import gc
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy
import scipy.special

from softmax_lib import softmax

GOALS = {"scipy": 0.7}

#: The classroom goal for one slider move, in ms (issue 16 §6: median <= 100 ms in the browser).
REDRAW_GOAL_MS = 100.0


def best_of(
    fn: Callable[[], object],
    repeats: int = 7,
    warmup: int = 1,
    setup: Callable[[], object] | None = None,
) -> float:
    """Best wall time of ``fn()`` in seconds over *repeats* timed runs.

    *warmup* untimed runs come first.  ``setup()``, if given, runs before every
    run and is not timed.  The result of ``fn()`` is freed after the clock
    stops, so freeing a large output is not counted.
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(warmup):
            if setup is not None:
                setup()
            fn()
        best = math.inf
        for _ in range(repeats):
            if setup is not None:
                setup()
            t0 = time.perf_counter()
            result = fn()
            elapsed = time.perf_counter() - t0
            del result
            best = min(best, elapsed)
    finally:
        if gc_was_enabled:
            gc.enable()
    return best


def measure(
    shape: tuple[int, int] = (1024, 32000),
    dtypes: tuple[type, ...] = (np.float32, np.float64),
    repeats: int = 7,
    warmup: int = 1,
    seed: int = 0,
) -> list[dict]:
    """Time softmax and the two baselines; one dict per dtype.

    Keys: ``dtype``, ``shape``, ``softmax_ms``, ``scipy_ms``, ``exp_new_ms``,
    the ratios ``vs_scipy`` and ``vs_exp_new`` (softmax time / baseline
    time), and ``max_abs_diff`` (softmax against SciPy, a sanity check).
    """
    base = np.random.default_rng(seed).standard_normal(shape)
    results = []
    for dtype in dtypes:
        x = base.astype(dtype)
        t_softmax = best_of(functools.partial(softmax, x, axis=-1), repeats, warmup)
        t_scipy = best_of(functools.partial(scipy.special.softmax, x, axis=-1), repeats, warmup)
        t_new = best_of(functools.partial(np.exp, x), repeats, warmup)
        diff = float(np.max(np.abs(softmax(x, axis=-1) - scipy.special.softmax(x, axis=-1))))
        results.append(
            {
                "dtype": np.dtype(dtype).name,
                "shape": tuple(shape),
                "softmax_ms": t_softmax * 1e3,
                "scipy_ms": t_scipy * 1e3,
                "exp_new_ms": t_new * 1e3,
                "vs_scipy": t_softmax / t_scipy,
                "vs_exp_new": t_softmax / t_new,
                "max_abs_diff": diff,
            }
        )
        del x
    return results


def verdict(ratio: float, goal: float) -> str:
    return "goal met" if ratio <= goal else "goal missed"


def format_report(results: list[dict], repeats: int = 7, warmup: int = 1) -> str:
    """The printed table: times in ms, then the ratios with their goals."""
    shape = results[0]["shape"] if results else ()
    lines = [
        f"softmax_lib.softmax on {shape} standard-normal logits, last axis; "
        f"best of {repeats} runs after {warmup} warm-up",
        "",
        f"{'dtype':<8} {'softmax':>9} {'scipy':>9} {'np.exp(x)':>10}   (ms)",
    ]
    for r in results:
        lines.append(f"{r['dtype']:<8} {r['softmax_ms']:9.1f} {r['scipy_ms']:9.1f} {r['exp_new_ms']:10.1f}")
    lines += ["", f"{'dtype':<8} {'ratio':<36} {'value':>6}   goal"]
    for r in results:
        rows = [
            ("softmax / scipy.special.softmax", r["vs_scipy"], GOALS["scipy"]),
            ("softmax / np.exp(x) (new array)", r["vs_exp_new"], None),
        ]
        for name, value, goal in rows:
            status = (
                f"<= {goal}: {verdict(value, goal)}"
                if goal is not None
                else "floor: any function returning a new array pays this"
            )
            lines.append(f"{r['dtype']:<8} {name:<36} {value:6.2f}   {status}")
    lines.append("")
    lines.append(
        "sanity: max |softmax - scipy| = " + ", ".join(f"{r['max_abs_diff']:.1e} ({r['dtype']})" for r in results)
    )
    return "\n".join(lines)


# --------------------------------------------------------------------------
# live figures: one slider move, in process
# --------------------------------------------------------------------------
def slider_moves(control: Any, n: int) -> list:
    """``n`` values for ``control`` as a hand drags it: across its range and back, every value a change.

    Float sliders move in ``n`` equal steps from one end to the other (on the
    log scale for a log slider); integer and selection sliders step through
    their values and turn at the ends.
    """
    if hasattr(control, "options"):
        values = [o[1] if isinstance(o, tuple) else o for o in control.options]
    elif type(control).__name__ == "FloatLogSlider":
        return [float(control.base**e) for e in np.linspace(control.max, control.min, n)]
    elif isinstance(control.value, (int, np.integer)) and not isinstance(control.value, bool):
        values = list(range(int(control.min), int(control.max) + 1, int(getattr(control, "step", 1) or 1)))
    else:
        return [float(v) for v in np.linspace(control.max, control.min, n)]
    if len(values) < 2:
        return []
    sweep = values[::-1] + values[1:-1]  # down, then up again, never the same value twice in a row
    start = sweep.index(control.value) + 1 if control.value in sweep else 0
    return [sweep[(start + i) % len(sweep)] for i in range(n)]


def measure_redraw(box: Any, moves: int = 24) -> list[dict]:
    """Time ``moves`` moves of each slider of a live figure (``widgets.live_figure``'s box).

    One dict per slider: ``control``, ``moves``, and the per-move times in ms
    ``total`` (setting the value until the Output holds the new picture),
    ``update`` (the view's update), ``paint`` (the repaint, without encoding)
    and ``encode`` (the PNG); ``other`` is the rest (alt text, caption, the
    Output message).  Controls without a range (a checkbox, a button) are skipped; the
    slider is put back where it was.
    """
    from softmax_lib import widgets

    stage: dict[str, float] = {}

    def timed(name: str, fn: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                stage[name] = stage.get(name, 0.0) + time.perf_counter() - t0

        return wrapper

    view = box.view
    patches = [(widgets, "_encode"), (widgets._BlitRenderer, "render")]
    saved = [getattr(obj, name) for obj, name in patches]
    widgets._encode = timed("encode", widgets._encode)
    widgets._BlitRenderer.render = timed("render", widgets._BlitRenderer.render)
    view.update = timed("update", type(view).update.__get__(view))
    results = []
    try:
        for name, control in box.controls.items():
            if not (hasattr(control, "max") or hasattr(control, "options")):
                continue
            before = control.value
            times: dict[str, list[float]] = {k: [] for k in ("total", "update", "paint", "encode", "other")}
            for value in slider_moves(control, moves):
                stage.clear()
                gc_was_enabled = gc.isenabled()
                gc.disable()
                try:
                    t0 = time.perf_counter()
                    control.value = value
                    total = time.perf_counter() - t0
                finally:
                    if gc_was_enabled:
                        gc.enable()
                parts = {k: stage.get(k, 0.0) for k in ("update", "render", "encode")}
                times["total"].append(1e3 * total)
                times["update"].append(1e3 * parts["update"])
                times["paint"].append(1e3 * (parts["render"] - parts["encode"]))
                times["encode"].append(1e3 * parts["encode"])
                times["other"].append(1e3 * (total - parts["update"] - parts["render"]))
            control.value = before
            results.append({"control": name, "moves": len(times["total"]), **times})
    finally:
        for (obj, attr), value in zip(patches, saved):
            setattr(obj, attr, value)
        del view.update
    return results


def measure_lessons(moves: int = 24, only: str | None = None) -> list[dict]:
    """:func:`measure_redraw` for every live figure of every lesson (``only``: one lesson number)."""
    import lessons
    from softmax_lib import style

    style.use()
    rows = []
    for lesson in lessons.present():
        if only is not None and lesson.number != only:
            continue
        module = lesson.import_module()
        for figure in lesson.figures:
            box = getattr(module, figure)()
            for row in measure_redraw(box, moves):
                rows.append({"lesson": lesson.number, "figure": figure, **row})
    return rows


def format_redraw_report(rows: list[dict]) -> str:
    """The printed table: median and worst move per slider, and the median of each stage."""
    med = statistics.median
    lines = [
        f"One slider move, in process: median and worst of the moves, and the median of each stage (ms); "
        f"goal: median <= {REDRAW_GOAL_MS:.0f} ms",
        "",
        f"{'lesson / figure / slider':<44} {'moves':>5} {'median':>7} {'worst':>7} {'update':>7} {'paint':>7} "
        f"{'encode':>7} {'other':>7}   median / goal",
    ]
    for r in rows:
        label = f"{r['lesson']} {r['figure']} / {r['control']}"
        m = med(r["total"]) if r["total"] else math.nan
        lines.append(
            f"{label:<44} {r['moves']:>5} {m:7.1f} {max(r['total'], default=math.nan):7.1f} "
            f"{med(r['update']):7.1f} {med(r['paint']):7.1f} {med(r['encode']):7.1f} {med(r['other']):7.1f}"
            f"   {m / REDRAW_GOAL_MS:5.2f} {verdict(m / REDRAW_GOAL_MS, 1.0)}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1024)
    parser.add_argument("--cols", type=int, default=32000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--redraw", action="store_true", help="time one slider move of every live figure instead")
    parser.add_argument("--moves", type=int, default=24, help="with --redraw: moves per slider (default 24)")
    parser.add_argument("--lesson", default=None, help="with --redraw: only this lesson number, e.g. 03")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    if args.redraw:
        import matplotlib

        print(
            f"matplotlib {matplotlib.__version__}, numpy {np.__version__}, python {platform.python_version()}, "
            f"{platform.machine()}, {os.cpu_count()} CPUs"
        )
        print(format_redraw_report(measure_lessons(args.moves, args.lesson)))
        print(f"(total {time.perf_counter() - t0:.1f} s)")
        return 0
    results = measure((args.rows, args.cols), repeats=args.repeats, warmup=args.warmup)
    print(
        f"numpy {np.__version__}, scipy {scipy.__version__}, python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs"
    )
    print(format_report(results, args.repeats, args.warmup))
    print(f"(total {time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
