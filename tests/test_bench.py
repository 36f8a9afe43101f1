"""tools/bench.py runs and reports sensible numbers (no timing assertions)."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import numpy as np
import pytest

BENCH_PATH = Path(__file__).resolve().parents[1] / "tools" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("softmax_bench", BENCH_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_measure_runs_on_a_small_array(bench):
    results = bench.measure(shape=(8, 1000), repeats=2, warmup=1)
    assert [r["dtype"] for r in results] == ["float32", "float64"]
    for r in results:
        assert r["shape"] == (8, 1000)
        for key in ("softmax_ms", "scipy_ms", "exp_new_ms", "vs_scipy", "vs_exp_new"):
            assert math.isfinite(r[key]) and r[key] > 0, key
        assert r["vs_scipy"] == pytest.approx(r["softmax_ms"] / r["scipy_ms"])
        assert r["vs_exp_new"] == pytest.approx(r["softmax_ms"] / r["exp_new_ms"])
        assert r["max_abs_diff"] < (1e-6 if r["dtype"] == "float32" else 1e-15)
        assert "exp_inplace_ms" not in r and "vs_exp_inplace" not in r  # that goal is withdrawn
    text = bench.format_report(results, repeats=2, warmup=1)
    assert text.count("goal met") + text.count("goal missed") == 2  # 1 goal x 2 dtypes
    assert "in-place" not in text


class FakeClock:
    """A perf_counter that only moves when told to."""

    def __init__(self):
        self.now = 100.0

    def perf_counter(self):
        return self.now


def test_best_of_takes_the_minimum_and_runs_setup_untimed(bench, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(bench.time, "perf_counter", clock.perf_counter)
    durations = iter([9.0, 8.0, 5.0, 3.0, 4.0])  # 2 warm-up runs, then 3 timed ones
    calls = []

    def run():
        calls.append("run")
        clock.now += next(durations)

    def setup():
        calls.append("setup")
        clock.now += 1000.0  # setup is slow, and must not be counted

    t = bench.best_of(run, repeats=3, warmup=2, setup=setup)
    assert t == 3.0  # the best timed run: not a warm-up (8, 9), not a setup
    assert calls == ["setup", "run"] * 5


def test_best_of_frees_the_result_after_the_clock_stops(bench, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(bench.time, "perf_counter", clock.perf_counter)

    class Slow:
        def __del__(self):
            clock.now += 50.0  # freeing a big output takes time

    def run():
        clock.now += 2.0
        return Slow()

    assert bench.best_of(run, repeats=2, warmup=0) == 2.0


def test_verdicts(bench):
    fake = [
        {
            "dtype": "float32",
            "shape": (2, 3),
            "softmax_ms": 1.0,
            "scipy_ms": 2.0,
            "exp_new_ms": 0.8,
            "vs_scipy": 0.5,
            "vs_exp_new": 1.25,
            "max_abs_diff": 0.0,
        }
    ]
    text = bench.format_report(fake)
    assert "softmax / scipy.special.softmax" in text and "<= 0.7: goal met" in text
    assert "softmax / np.exp(x) (new array)" in text and "1.25" in text
    assert "floor" in text
    assert bench.verdict(0.7, 0.7) == "goal met"
    assert bench.verdict(np.nextafter(0.7, 1), 0.7) == "goal missed"
    assert bench.GOALS == {"scipy": 0.7}


def test_main_prints_a_table(bench, capsys):
    assert bench.main(["--rows", "4", "--cols", "300", "--repeats", "1", "--warmup", "0"]) == 0
    out = capsys.readouterr().out
    assert "float32" in out and "float64" in out and "(ms)" in out


# ---------------------------------------------------------------- --redraw: one slider move of a live figure
def test_slider_moves_sweep_each_kind_of_slider(bench):
    import ipywidgets as W

    from softmax_lib import widgets

    f = widgets.slider("a", 0.5, 0.0, 1.0)
    assert bench.slider_moves(f, 5) == [1.0, 0.75, 0.5, 0.25, 0.0]
    t = bench.slider_moves(widgets.log_slider("T", 1.0, 0.01, 100.0), 5)
    assert t[0] == pytest.approx(100.0) and t[-1] == pytest.approx(0.01) and t[2] == pytest.approx(1.0)
    k = widgets.int_slider("k", 2, 1, 4)
    moves = bench.slider_moves(k, 8)
    assert moves == [1, 2, 3, 4, 3, 2, 1, 2]  # down from 2, turn, up, turn: never the same value twice
    assert all(a != b for a, b in zip([k.value] + moves, moves))
    d = W.SelectionSlider(options=[1, 2, 4, 8], value=8)
    assert bench.slider_moves(d, 4) == [4, 2, 1, 2]
    assert bench.slider_moves(W.IntSlider(value=0, min=0, max=0), 3) == []


class _OneBar:
    def __new__(cls, fig):
        from softmax_lib.widgets import FigureView

        class View(FigureView):
            def __init__(self, fig):
                super().__init__(fig)
                self.ax = fig.subplots()
                (self.bar,) = self.ax.bar([0], [0.5])
                self.ax.set_ylim(0, 1)

            def update(self, h, seed=0, show=True):
                self.bar.set_height(h)
                self.ax.set_title(f"h = {h:.2f}")
                self.alt = f"one bar of height {h:.2f}"
                return h

        return View(fig)


def test_measure_redraw_times_every_stage_of_each_slider_and_puts_it_back(bench):
    import ipywidgets as W

    from softmax_lib import widgets

    box = widgets.live_figure(
        _OneBar,
        {"h": widgets.slider("h", 0.5, 0.0, 1.0), "seed": widgets.seed_box(0, hi=9), "show": W.Checkbox(value=True)},
        figsize=(3, 2),
    )
    rows = bench.measure_redraw(box, moves=4)
    assert [r["control"] for r in rows] == ["h", "seed"]  # a seed box is typed through its range; a checkbox has none
    assert box.controls["seed"].value == 0
    r = rows[0]
    assert r["moves"] == 4 and box.controls["h"].value == 0.5 and box.view.update.__self__ is box.view
    for stage in ("total", "update", "paint", "encode", "other"):
        assert len(r[stage]) == 4 and all(math.isfinite(v) for v in r[stage]), stage
    assert all(t > 0 for t in r["total"]) and all(e > 0 for e in r["encode"])
    assert all(u + p + e <= t + 1e-6 for u, p, e, t in zip(r["update"], r["paint"], r["encode"], r["total"]))
    assert widgets._encode.__name__ == "_encode" and widgets._BlitRenderer.render.__name__ == "render"  # unpatched
    text = bench.format_redraw_report([{"lesson": "99", "figure": "widget", **r}])
    assert "99 widget / h" in text and ("goal met" in text or "goal missed" in text)


def test_main_redraw_measures_one_lesson(bench, capsys):
    assert bench.main(["--redraw", "--moves", "2", "--lesson", "00"]) == 0
    out = capsys.readouterr().out
    assert "00 setup_check_widget / value" in out and "median" in out
