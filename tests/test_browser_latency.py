"""The latency summary that tests/test_browser.py prints, without a browser."""

from __future__ import annotations

import statistics

try:  # tests/ as a package or as a plain directory on sys.path
    from . import browser_lab as lab
    from . import browser_latency as lat
except ImportError:
    import browser_lab as lab
    import browser_latency as lat


def _move(ms, kernel=None):
    return lat.Move("T", 3, "End", "1", "2", ms is not None, ms, kernel_ms=kernel)


def test_record_takes_the_median_and_worst_of_timed_moves():
    moves = [_move(80.0, 30.0), _move(None), _move(120.0, 50.0), _move(95.0, 40.0), _move(101.0, 45.0)]
    rec = lat.latency_record(moves, n_sliders=2, seconds=12.34, goal_median_ms=100, goal_worst_ms=200)
    assert rec["timed_moves"] == 4
    assert rec["median_ms"] == statistics.median([80.0, 120.0, 95.0, 101.0]) == 98.0
    assert rec["worst_ms"] == 120.0 and rec["kernel_median_ms"] == 42.5
    assert rec["goal_met"] is True and rec["seconds"] == 12.3 and len(rec["moves"]) == 5
    slow = lat.latency_record([_move(150.0), _move(90.0), _move(100.0)], 1, 1.0, 100, 200)
    assert slow["median_ms"] == 100.0 and slow["goal_met"] is True  # goals are <=
    assert lat.latency_record([_move(90.0), _move(201.0), _move(95.0)], 1, 1.0, 100, 200)["goal_met"] is False


def test_table_has_one_row_per_lesson_with_median_and_worst():
    recs = {
        "01-intuition": lat.latency_record([_move(95.0, 60.0), _move(111.0, 70.0)], 1, 5.0, 100, 200, 151.4, 0.25),
        "00-index": lat.latency_record([], 0, 1.0, 100, 200),
    }
    lines = lat.latency_table(recs, 100, 200)
    assert lines[0].split()[:6] == ["lesson", "sliders", "moves", "median", "ms", "worst"]
    assert "ref ms" in lines[0]
    row = lines[2].split()
    assert "steal %" in lines[0]
    assert row == ["01-intuition", "1", "2", "103", "111", "65", "151", "0.2", "NOT", "met"]
    assert lines[3].split() == ["00-index", "0", "0", "-", "-", "-", "-", "-", "-"]
    assert lines[-1].startswith("goal met in 0 of 1 lessons")


def test_machine_reference_is_the_best_run_of_a_fixed_loop_in_ms():
    short, long = lat.machine_reference_ms(steps=1000, repeats=2), lat.machine_reference_ms(steps=1_000_000, repeats=2)
    assert 0 <= short < long and long == round(long, 1)
    assert lat.latency_record([_move(90.0)], 1, 1.0, 100, 200, long)["reference_ms"] == long


def test_comm_busy_time_comes_from_the_kernels_status_timestamps():
    timer = lat.CommBusyTimer()

    def frame(state, date):
        return (
            f'{{"channel": "iopub", "header": {{"msg_type": "status", "date": "{date}"}},'
            ' "parent_header": {"msg_type": "comm_msg", "msg_id": "m1"},'
            f' "content": {{"execution_state": "{state}"}}}}'
        )

    timer._on_message(*lab.decode_kernel_frame(frame("busy", "2026-01-01T00:00:00.000000Z")))
    timer._on_message(*lab.decode_kernel_frame(frame("idle", "2026-01-01T00:00:00.042500Z")))
    assert timer.comm_busy_ms == [42.5]


def test_readout_minus_sign_is_typed_back_as_a_hyphen():
    assert lat.readout_to_typed("\u22122.50 ") == "-2.50"


def test_steal_is_the_share_of_cpu_time_in_the_eighth_counter():
    # user nice system idle iowait irq softirq steal
    before = [100, 0, 50, 800, 10, 0, 0, 40]
    after = [150, 0, 70, 1000, 10, 0, 0, 60]  # 290 ticks in all, 20 stolen
    assert lat.steal_percent(before, after) == round(100 * 20 / 290, 1) == 6.9
    assert lat.steal_percent(before, before) is None  # no time passed
    assert lat.steal_percent(None, after) is None and lat.steal_percent([1, 2, 3], after) is None
    now = lat.cpu_times()
    if now is not None:  # Linux
        assert len(now) >= 8 and all(v >= 0 for v in now)


class _FakeSlider:
    """A slider over `options` at position `at`, whose readout accepts typed text
    only if `readout_parses` (a SelectionSlider's label readout does not)."""

    def __init__(self, options, at, readout_parses):
        self.options, self.at, self.readout_parses = options, at, readout_parses

    def state(self, page, index):
        return str(self.options[self.at])

    def move(self, page, info, key, whole, timeout_ms, readout_text=None):
        before = self.state(page, 0)
        if key == "End":
            self.at = len(self.options) - 1
        elif key == "Home":
            self.at = 0
        elif key == "ArrowRight":
            self.at = min(self.at + 1, len(self.options) - 1)
        elif key == "readout" and self.readout_parses:
            self.at = [str(o) for o in self.options].index(readout_text)
        after = self.state(page, 0)
        return lat.Move("s", 1, key, before, after, before != after, 50.0 if before != after else None)


def _exercise(monkeypatch, slider, readout):
    monkeypatch.setattr(lat, "_slider_state", slider.state)
    monkeypatch.setattr(lat, "move_slider", slider.move)
    monkeypatch.setattr(lat, "wait_kernel_idle", lambda page, timeout_ms: None)
    info = {"index": 0, "readout": readout, "readout_editable": True}
    return [m.key for m in lat.exercise_slider(None, info, False, 1000)]


def test_exercise_ends_at_the_start_value_even_when_the_readout_keeps_its_value(monkeypatch):
    # A FloatSlider: the readout typed back returns it in one move.
    numeric = _FakeSlider([0.5, 1.0, 1.5, 2.0], at=1, readout_parses=True)
    assert _exercise(monkeypatch, numeric, "1.0") == ["End", "Home", "readout"] and numeric.at == 1
    # A SelectionSlider over numbers (07's training steps, 09's d): its readout shows
    # the number but keeps its value, so the slider steps back from the minimum.
    selection = _FakeSlider([1, 2, 4, 8, 16], at=3, readout_parses=False)
    keys = _exercise(monkeypatch, selection, "8")
    assert keys == ["End", "Home", "readout", "ArrowRight", "ArrowRight", "ArrowRight"] and selection.at == 3
    # No readout to type into: steps only.
    labels = _FakeSlider(["low", "mid", "high"], at=1, readout_parses=False)
    assert _exercise(monkeypatch, labels, "mid") == ["End", "Home", "ArrowRight"] and labels.at == 1
