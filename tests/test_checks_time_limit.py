"""check_function's time limit: a learner's endless loop, blocking call or runaway recursion
gets feedback instead of hanging the kernel, and the next check runs normally.

The limit uses a worker thread and PyThreadState_SetAsyncExc (no SIGALRM), the same
code path on Linux, macOS and Windows.  The bounds asserted on elapsed time are loose
(several times the limit): they hold "it did not hang", not a speed.
"""

from __future__ import annotations

import signal
import sys
import threading
import time

import numpy as np
import pytest

from softmax_lib import checks, softmax
from softmax_lib.checks import Case, check_function, expect_array

LIMIT = 0.25  # seconds: short, so that the tests are quick
# A test that sleeps past the limit on purpose (a second or more) is slow: `make test` runs it,
# `make test-lib` leaves it out.
sleeps = pytest.mark.slow
HANG_BOUND = 15.0  # a checker that took longer than this hung (3 × a 3 s limit on a loaded machine, + 1 s)


@pytest.fixture(autouse=True)
def _short_grace(monkeypatch):
    """Half a second, not the kernel's 1 s, to stop an interrupted function: an interruption is
    re-sent every 0.05 s, so a loop stops well within it, and a sleeper is abandoned sooner."""
    monkeypatch.setattr(checks, "_GRACE", 0.5)


def _cases(n: int = 3) -> list[Case]:
    rows = ([2.0, 1.0, 0.1], [1000.0, 999.0, 0.0], [0.0, -np.inf, 1.0], [5.0, 5.0], [-1.0, 1.0])
    return [
        Case(f"row {i}", (np.array(r),), expect_array(softmax(np.array(r))), f"HINT-{i}")
        for i, r in enumerate(rows[:n])
    ]


def _stable(z):
    e = np.exp(z - np.max(z))
    return e / e.sum()


def _endless(z):
    while True:
        pass


def _endless_after_first(z):
    if z[0] > 100:
        while True:
            pass
    return _stable(z)


def _sleeps(z):
    time.sleep(1000)


def _swallows_three(z):  # a bare except around the loop swallows the first interruptions
    swallowed = 0
    while True:
        try:
            while True:
                pass
        except BaseException:
            swallowed += 1
            if swallowed > 3:
                raise


_RELEASE = threading.Event()


def _swallows_all(z):  # swallows every interruption; ends only when the test releases it
    while not _RELEASE.is_set():
        try:
            while not _RELEASE.is_set():
                pass
        except BaseException:
            pass


def _recurses(z):
    return _recurses(z)


def _deep(z, depth=600):  # deep but finite recursion: right, and must not hit a small thread stack
    return _stable(z) if depth == 0 else _deep(z, depth - 1)


def _check(fn, n=3, **kw):
    start = time.perf_counter()
    fb = check_function(fn, _cases(n), name="my_softmax", success="SUCCESS", **kw)
    return fb, time.perf_counter() - start


def _workers() -> list[threading.Thread]:
    # alive at the C level (Thread.is_alive can be wrong after a Ctrl-C in Thread.join)
    frames = sys._current_frames()
    return [t for t in threading.enumerate() if t.name == "softmax_lib checker" and t.ident in frames]


@pytest.mark.parametrize(
    "fn, kind, fragments",
    [
        (_endless, "timeout", [f"still running after {LIMIT:g} s and was stopped", "An endless loop?"]),
        (_swallows_three, "timeout", ["was stopped", "An endless loop?"]),
        (
            _swallows_all,
            "abandoned",
            ["could not be stopped", "a bare `except:`", "left running in the background", "restart the kernel"],
        ),
        (
            _sleeps,
            "abandoned",
            ["could not be stopped", "time.sleep", "left running in the background", "restart the kernel"],
        ),
    ],
    ids=["while-True", "bare-except-loop", "except-everything-loop", "sleep-1000"],
)
def test_a_function_that_never_returns_gets_feedback_not_a_hang(fn, kind, fragments):
    _RELEASE.clear()
    try:
        fb, elapsed = _check(fn, time_limit=LIMIT)
    finally:
        _RELEASE.set()  # the except-everything loop may end now (it was left running)
    assert elapsed < HANG_BOUND
    assert fb.ok is False
    assert fb.failure.kinds == {kind}
    assert fb.failed is fb.results[0].case and fb.failed_row == fb.rows[0]
    for fragment in fragments:
        assert fragment in repr(fb), repr(fb)
    # the other cases are not run (each would wait again), and the title says so
    assert fb.title == "1 of 3 cases failed, 2 not run. The first: row 0"
    assert [r.ok for r in fb.results] == [False, None, None]
    assert all(r.kinds == {"not_run"} for r in fb.results[1:])
    assert "…" in fb._repr_html_()  # not-run rows get the neutral mark


def test_the_next_check_runs_normally_after_a_stopped_and_an_abandoned_function():
    before = len(_workers())
    _check(_endless, time_limit=LIMIT)
    _check(_sleeps, time_limit=LIMIT)
    fb, _ = _check(_stable, n=5, time_limit=LIMIT)
    assert fb.ok is True, repr(fb)
    assert fb.title == "All 5 cases passed."
    # the stopped loop's thread is gone; only the sleeping one stays (a daemon thread)
    assert len(_workers()) <= before + 1
    with pytest.raises(ZeroDivisionError):  # and this (main) thread is in a normal state
        _ = 1 / 0


def test_the_default_limit_is_three_seconds_and_says_so():
    assert checks.TIME_LIMIT == 3.0
    fb, elapsed = _check(_endless, n=1)
    assert "still running after 3 s and was stopped" in fb.detail
    assert 2.5 < elapsed < HANG_BOUND


@sleeps
def test_the_limit_can_be_raised_for_a_session_or_a_case(monkeypatch):
    monkeypatch.setattr(checks, "TIME_LIMIT", 0.3)
    fb, _ = _check(_endless, n=1)
    assert "after 0.3 s" in fb.detail
    slow = Case("slow but fine", (np.array([1.0, 2.0]),), expect_array(softmax([1.0, 2.0])), "H", time_limit=5.0)

    def takes_a_second(z):
        time.sleep(1.0)
        return _stable(z)

    fb = check_function(takes_a_second, [slow], name="f", success="S")
    assert fb.ok is True, repr(fb)


def test_only_the_looping_case_is_stopped():
    fb, _ = _check(_endless_after_first, time_limit=LIMIT)
    assert [r.ok for r in fb.results] == [True, False, None]
    assert fb.failed.name == "row 1"


def test_a_runaway_recursion_is_reported_with_a_base_case_hint():
    fb, elapsed = _check(_recurses, time_limit=LIMIT)
    assert elapsed < HANG_BOUND
    assert fb.ok is False
    assert "raised RecursionError: maximum recursion depth exceeded" in fb.detail
    assert "needs a case that returns without calling itself" in fb.detail
    assert all(r.kinds == {"raised"} for r in fb.results)  # a quick failure: every case still runs


def test_a_deep_finite_recursion_is_not_hurt_by_the_worker_thread():
    fb, _ = _check(_deep, time_limit=LIMIT * 10)
    assert fb.ok is True, repr(fb)


def test_a_check_that_calls_the_function_again_is_limited_too():
    def calls_again(fn):
        def check(out):
            fn(np.array([1.0, 2.0]))  # e.g. a property check: σ(−z) = 1 − σ(z)

        return check

    calls = []

    def loops_on_a_second_call(z):
        calls.append(1)
        while len(calls) > 1:
            pass
        return _stable(z)

    case = Case("property", (np.array([0.0, 1.0]),), calls_again(loops_on_a_second_call), "H")
    start = time.perf_counter()
    fb = check_function(loops_on_a_second_call, [case], name="f", success="S", time_limit=LIMIT)
    assert time.perf_counter() - start < HANG_BOUND
    assert fb.ok is False and fb.failure.kinds == {"check_failed", "wrong"}
    assert f"whose check was still running after {LIMIT:g} s" in fb.detail


def test_probe_is_limited():
    start = time.perf_counter()
    assert checks.probe(_endless, np.zeros(3), time_limit=LIMIT) is None
    assert time.perf_counter() - start < HANG_BOUND
    assert checks.probe(_stable, np.zeros(2)).tolist() == [0.5, 0.5]


def test_no_limit_runs_in_this_thread():
    seen = []

    def where(z):
        seen.append(threading.current_thread() is threading.main_thread())
        return _stable(z)

    assert check_function(where, _cases(1), name="f", success="S", time_limit=None).ok is True
    assert seen == [True]
    assert check_function(where, _cases(1), name="f", success="S").ok is True
    assert seen == [True, False]


def test_numpy_error_state_is_the_checkers_own_in_the_worker():
    def naive(z):
        e = np.exp(z)
        return e / e.sum()

    np_state = np.geterr()
    with np.errstate(all="ignore"):  # the caller's state does not hide the learner's overflow
        fb, _ = _check(naive, time_limit=LIMIT)
    assert np.geterr() == np_state
    assert "made NumPy warn: overflow encountered in exp" in fb.rows[1][2]


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT to this process")
def test_an_interrupt_while_waiting_stops_the_learners_loop_too():
    main = threading.get_ident()
    before = len(_workers())
    timer = threading.Timer(0.5, signal.pthread_kill, (main, signal.SIGINT))
    timer.start()
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        check_function(_endless, _cases(1), name="f", success="S", time_limit=60)
    assert time.perf_counter() - start < HANG_BOUND
    time.sleep(0.2)
    assert len(_workers()) == before  # the learner's loop was stopped, not left running


def test_in_a_real_kernel_the_learner_sees_prints_and_the_kernel_stays_usable():
    """What a learner sees in Jupyter: their print() reaches the cell, the loop is stopped, the
    next cell runs, and an interrupt (the stop button) during a long limit stops the loop too."""
    jupyter_client = pytest.importorskip("jupyter_client")
    km = jupyter_client.KernelManager(kernel_name="python3", transport="ipc")
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)

        def run(code, timeout=30):
            out = []
            reply = kc.execute_interactive(code, timeout=timeout, output_hook=out.append)
            text = "".join(m["content"].get("text", "") for m in out if m["msg_type"] == "stream")
            errors = [m["content"]["ename"] for m in out if m["msg_type"] == "error"]
            return reply["content"]["status"], text, errors

        status, text, _ = run(
            "import time, threading, numpy as np\n"
            "from softmax_lib.checks import Case, check_function, expect_array\n"
            "cases = [Case('c', (np.zeros(2),), expect_array([0.5, 0.5]), 'H')]\n"
            "def my_f(z):\n"
            "    print('learner print reached the cell')\n"
            "    while True:\n"
            "        pass\n"
            "print(check_function(my_f, cases, name='my_f', success='S', time_limit=1))\n"
        )
        assert status == "ok"
        assert "learner print reached the cell" in text
        assert "still running after 1 s and was stopped" in text
        status, text, _ = run("print(check_function(lambda z: np.full(2, 0.5), cases, name='f', success='S'))")
        assert status == "ok" and "All 1 cases passed" in text

        msg_id = kc.execute("check_function(my_f, cases, name='my_f', success='S', time_limit=600)")
        time.sleep(2.0)
        km.interrupt_kernel()
        reply = kc.get_shell_msg(timeout=HANG_BOUND)  # the stop button answers within seconds, not 600 s
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "error" and reply["content"]["ename"] == "KeyboardInterrupt"
        time.sleep(0.5)
        status, text, _ = run(
            "import sys; time.sleep(0.3); frames = sys._current_frames(); "
            "print(sum(t.name == 'softmax_lib checker' and t.ident in frames "
            "for t in threading.enumerate()), 6 * 7)"
        )
        assert status == "ok" and text.split() == ["0", "42"]  # the loop was stopped, not left running
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _profiled_call_seconds() -> float:
    """How long one trivial call takes under sys.setprofile (CPython 3.11 spins there while an
    interruption is pending for a thread blocked in C)."""
    result = {}

    def profiled():
        start = time.perf_counter()
        sys.setprofile(lambda *args: None)
        try:
            _stable(np.zeros(2))
        finally:
            sys.setprofile(None)
        result["seconds"] = time.perf_counter() - start

    worker = threading.Thread(target=profiled, daemon=True)
    worker.start()
    worker.join(HANG_BOUND)
    return result.get("seconds", float("inf"))


def test_profiled_code_still_runs_after_a_loop_was_stopped():
    _check(_endless, time_limit=LIMIT)
    assert not checks._interruption_pending()
    assert _profiled_call_seconds() < 1.0


@sleeps
@pytest.mark.skipif(
    checks._cpu_seconds(threading.main_thread()) is None,
    reason="no per-thread CPU clock here: a sleeping thread cannot be told from a busy one",
)
def test_a_sleeping_call_is_left_running_without_a_pending_interruption():
    fb, _ = _check(_sleeps, time_limit=LIMIT)
    assert fb.failure.kinds == {"abandoned"}
    assert not checks._interruption_pending()  # nothing was sent to the sleeping thread
    assert _profiled_call_seconds() < 1.0  # so profilers and debuggers in the kernel keep working


def test_the_silencing_check_is_skipped_and_says_so_while_an_interruption_is_pending(monkeypatch):
    def silenced(z):
        with np.errstate(all="ignore"):
            return _stable(z)

    monkeypatch.setattr(checks, "_LEFT_RUNNING", [checks._Outcome("abandoned", sent=True)])
    fb, elapsed = _check(silenced, forbid_silencing=True, time_limit=LIMIT)
    assert elapsed < HANG_BOUND
    assert fb.ok is True and "Not checked for silenced warnings this time" in fb.detail
    monkeypatch.setattr(checks, "_LEFT_RUNNING", [])
    fb, _ = _check(silenced, forbid_silencing=True, time_limit=LIMIT)
    assert fb.ok is False and fb.failure.kinds == {"silenced"}


@sleeps
@pytest.mark.skipif(
    checks._cpu_seconds(threading.main_thread()) is None,
    reason="no per-thread CPU clock here: the limit is wall-clock time",
)
def test_a_function_starved_of_cpu_is_not_cut_off_at_the_wall_clock_limit():
    def half_busy(z):  # 1.6 s of wall-clock time, about half of it computing: like a loaded machine
        end = time.perf_counter() + 1.6
        while time.perf_counter() < end:
            spin = time.perf_counter() + 0.01
            while time.perf_counter() < spin:
                pass
            time.sleep(0.01)
        return _stable(z)

    fb, elapsed = _check(half_busy, n=1, time_limit=1.0)
    assert fb.ok is True, repr(fb)
    assert elapsed > 1.0  # it did run past the wall-clock limit


@sleeps
def test_without_a_cpu_clock_the_limit_is_wall_clock_and_a_sleeper_gets_the_interruption_later(monkeypatch):
    """macOS and Windows: no per-thread CPU time, so every worker still running is interrupted; a
    sleeping one receives it when its sleep returns, and until then the silencing check is skipped."""
    monkeypatch.setattr(checks, "_cpu_seconds", lambda thread: None)

    def naps(z):  # outlasts the limit and the grace (0.75 s)
        time.sleep(1.5)
        return _stable(z)

    fb, elapsed = _check(_endless, n=1, time_limit=LIMIT)
    assert fb.failure.kinds == {"timeout"} and elapsed < HANG_BOUND
    fb, _ = _check(naps, n=1, time_limit=LIMIT)
    assert fb.failure.kinds == {"abandoned"}
    assert checks._interruption_pending()
    deadline = time.monotonic() + HANG_BOUND
    while checks._interruption_pending() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not checks._interruption_pending()  # delivered when the sleep returned: the nap ended there
    assert _profiled_call_seconds() < 1.0
