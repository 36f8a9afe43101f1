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
        for key in ("softmax_ms", "scipy_ms", "exp_inplace_ms", "exp_new_ms",
                    "vs_scipy", "vs_exp_inplace", "vs_exp_new"):
            assert math.isfinite(r[key]) and r[key] > 0, key
        assert r["vs_scipy"] == pytest.approx(r["softmax_ms"] / r["scipy_ms"])
        assert r["vs_exp_inplace"] == pytest.approx(r["softmax_ms"] / r["exp_inplace_ms"])
        assert r["vs_exp_new"] == pytest.approx(r["softmax_ms"] / r["exp_new_ms"])
        assert r["max_abs_diff"] < (1e-6 if r["dtype"] == "float32" else 1e-15)
    text = bench.format_report(results, repeats=2, warmup=1)
    assert text.count("goal met") + text.count("goal missed") == 4  # 2 goals x 2 dtypes


def test_best_of_takes_the_minimum_and_runs_setup_untimed(bench):
    calls = []
    t = bench.best_of(lambda: calls.append("run"), repeats=3, warmup=2, setup=lambda: calls.append("setup"))
    assert t >= 0
    assert calls == ["setup", "run"] * 5


def test_verdicts(bench):
    fake = [{
        "dtype": "float32", "shape": (2, 3), "softmax_ms": 1.0, "scipy_ms": 2.0,
        "exp_inplace_ms": 0.5, "exp_new_ms": 0.8, "vs_scipy": 0.5, "vs_exp_inplace": 2.0,
        "vs_exp_new": 1.25, "max_abs_diff": 0.0,
    }]
    text = bench.format_report(fake)
    assert "softmax / scipy.special.softmax" in text and "<= 0.7: goal met" in text
    assert "<= 1.3: goal missed" in text
    assert bench.verdict(0.7, 0.7) == "goal met"
    assert bench.verdict(np.nextafter(1.3, 2), 1.3) == "goal missed"


def test_main_prints_a_table(bench, capsys):
    assert bench.main(["--rows", "4", "--cols", "300", "--repeats", "1", "--warmup", "0"]) == 0
    out = capsys.readouterr().out
    assert "float32" in out and "float64" in out and "(ms)" in out
