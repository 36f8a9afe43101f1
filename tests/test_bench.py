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
    fake = [{
        "dtype": "float32", "shape": (2, 3), "softmax_ms": 1.0, "scipy_ms": 2.0,
        "exp_new_ms": 0.8, "vs_scipy": 0.5, "vs_exp_new": 1.25, "max_abs_diff": 0.0,
    }]
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
