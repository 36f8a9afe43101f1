"""Every lesson notebook, run and used in a real JupyterLab in headless Chromium.

For each ``notebooks/*.ipynb`` the test opens it in JupyterLab, restarts the
kernel and runs all cells from the Kernel menu, fails on any error, stderr or
warning output, then moves every slider to its maximum (End), minimum (Home)
and back to where it started (typing the start value into its readout), and
asserts that the figure or table the slider drives is redrawn after each move.
It times each move (key press -> redrawn output decoded and painted) and
writes a full-page screenshot and the timings to ``test-artifacts/browser/``,
with how quiet the machine was (its speed just before each lesson's moves, a
fixed Python loop, and the CPU time a hypervisor stole during them), since a
shared VM's speed drifts.

Needs Debian's Chromium (``apt-get install chromium``); without it the module
is skipped, unless ``SOFTMAX_REQUIRE_BROWSER=1``, which makes that a failure.

Environment:

* ``SOFTMAX_BROWSER_NOTEBOOKS=DIR``: test the notebooks in DIR instead of
  ``notebooks/`` (for developing this test against a scratch notebook).
* ``SOFTMAX_BROWSER_RUN_TIMEOUT``: seconds allowed for "run all" (default 120).
* ``SOFTMAX_BROWSER_CHROMIUM``: another Chromium binary (default /usr/bin/chromium).

Run: ``.venv/bin/python -m pytest tests/test_browser.py -v -s``
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest

try:  # tests/ as a package or as a plain directory on sys.path
    from . import browser_lab as lab
    from . import browser_latency as lat
except ImportError:
    import browser_lab as lab
    import browser_latency as lat

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = Path(os.environ.get("SOFTMAX_BROWSER_NOTEBOOKS") or REPO / "notebooks").resolve()
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
ARTIFACTS = REPO / "test-artifacts" / "browser"
REQUIRE_BROWSER = os.environ.get("SOFTMAX_REQUIRE_BROWSER") == "1"
RUN_TIMEOUT_S = float(os.environ.get("SOFTMAX_BROWSER_RUN_TIMEOUT", "120"))

# Goals for key press -> redrawn figure (issue 11); only the ceiling is
# asserted, so that a loaded machine cannot make the test flaky.
GOAL_MEDIAN_MS = 100.0
GOAL_WORST_MS = 200.0
CEILING_MS = 5000.0
CHANGE_TIMEOUT_MS = 10000.0

_NO_CHROMIUM = (
    f"Chromium not installed ({lab.CHROMIUM} missing): apt-get install chromium;"
    " set SOFTMAX_REQUIRE_BROWSER=1 to make this a failure"
)

pytestmark = [pytest.mark.browser]
if not Path(lab.CHROMIUM).exists() and not REQUIRE_BROWSER:
    pytestmark.append(pytest.mark.skip(reason=_NO_CHROMIUM))

# Filled by the tests, printed at the end of the session and written to
# test-artifacts/browser/latency.json.
LATENCIES: dict[str, dict] = {}


class _LatencySummary:
    """Registered as a plugin at run time so the summary shows with or without -s."""

    def pytest_terminal_summary(self, terminalreporter):
        if not LATENCIES:
            return
        terminalreporter.section("browser slider latency (key press -> redrawn output)")
        for line in lat.latency_table(LATENCIES, GOAL_MEDIAN_MS, GOAL_WORST_MS):
            terminalreporter.write_line(line)


def _write_latency_json() -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "goal": {"median_ms": GOAL_MEDIAN_MS, "worst_ms": GOAL_WORST_MS},
        "ceiling_ms": CEILING_MS,
        "notebooks": LATENCIES,
    }
    (ARTIFACTS / "latency.json").write_text(json.dumps(payload, indent=2) + "\n")


# CodeMirror's cursor blink, a CSS animation.  With JupyterLab's default rate,
# focusing a slider restarts it in every editor of the notebook (JupyterLab
# resets each cell's selection); measured on lesson 02: about 11 % of a core
# for the page while the slider has focus, and 0.2 % without the animations.
JS_BLINKING_CURSORS = """
() => document.getAnimations().filter(a => String(a.animationName || '').startsWith('cm-blink')).length
"""


@pytest.fixture(scope="module")
def lab_server(request):
    """A JupyterLab server over a temporary copy of the notebooks and softmax_lib."""
    if not Path(lab.CHROMIUM).exists():
        pytest.fail(_NO_CHROMIUM)
    plugins = request.config.pluginmanager
    if not plugins.has_plugin("softmax-browser-latency"):
        plugins.register(_LatencySummary(), "softmax-browser-latency")
    tmp = Path(tempfile.mkdtemp(prefix="softmax-browser-"))
    server = None
    try:
        root = tmp / "root"
        root.mkdir()
        lab.copy_tree_for_serving(NOTEBOOK_DIR, REPO / "softmax_lib", root)
        # The course's Jupyter settings, as `make lab`, Binder and the hub start JupyterLab.
        server = lab.JupyterLabServer(
            root_dir=root,
            workdir=tmp / "jupyter",
            pythonpath=root,
            env={"JUPYTER_CONFIG_PATH": str(REPO / "jupyter-config")},
        )
        server.start()
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(lab_server):
    with lab.chromium() as b:
        yield b


def _params():
    if not NOTEBOOKS:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"no notebooks in {NOTEBOOK_DIR}"))]
    return [pytest.param(nb, id=nb.stem) for nb in NOTEBOOKS]


def _unique(items: list[str]) -> list[str]:
    """Each message once (in first-seen order), with a count when repeated."""
    return [item if n == 1 else f"({n}x) {item}" for item, n in Counter(items).items()]


def _fmt_problems(problems: list[dict]) -> str:
    return "\n".join(_unique([f"  code cell {p['cell'] + 1} [{p['kind']}]: {p['text'][:1500]}" for p in problems]))


def _output_problems(page, allowed_errors: set[int]) -> list[dict]:
    """Error, stderr, widget-error and warning outputs, except tracebacks in
    cells tagged raises-exception (a deliberate demonstration)."""
    return [
        p
        for p in page.evaluate(lab.JS_OUTPUT_PROBLEMS)
        if not (p["kind"] in ("stderr", "error") and p["cell"] in allowed_errors and "Warning" not in p["text"])
    ]


def _allowed_error_cells(nb_path: Path) -> set[int]:
    """Code cells (0-based, code cells only) tagged raises-exception, as nbval does."""
    nb = json.loads(nb_path.read_text())
    code = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
    return {i for i, c in enumerate(code) if "raises-exception" in c.get("metadata", {}).get("tags", [])}


@pytest.mark.parametrize("notebook", _params())
def test_notebook_in_jupyterlab(notebook, lab_server, browser):
    started = time.monotonic()
    name = notebook.stem
    allowed_errors = _allowed_error_cells(notebook)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    kernel_log = lab.KernelMessageLog()
    kernel_log.attach(page)
    busy = lat.CommBusyTimer()
    busy.attach(page)
    moves = []
    n_sliders = 0
    reference_ms = steal_pct = None
    try:
        # -- open, restart, run all -------------------------------------------
        lab.open_notebook(page, lab_server.base_url, f"notebooks/{notebook.name}", 60000)
        lab.restart_and_run_all(page, RUN_TIMEOUT_S * 1000)
        lab.wait_for_widgets(page)
        ran = page.evaluate(
            """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-CodeCell')]
                 .map(c => ({prompt: (c.querySelector('.jp-InputArea-prompt') || {}).textContent || '',
                             empty: ((c.querySelector('.cm-content') || {}).textContent || '').trim() === ''}))"""
        )
        problems = _output_problems(page, allowed_errors)
        not_run = [i + 1 for i, c in enumerate(ran) if not c["empty"] and not any(ch.isdigit() for ch in c["prompt"])]
        kernel_problems = [
            p for p in kernel_log.take() if not (allowed_errors and p.startswith("kernel error (from execute_request)"))
        ]
        if problems:
            pytest.fail(f"{name}: error/warning output after Run All:\n{_fmt_problems(problems)}")
        if not_run:
            pytest.fail(f"{name}: code cells without an execution count after Run All: {not_run}")
        if kernel_problems:
            pytest.fail(f"{name}: kernel reported:\n" + "\n".join(_unique(kernel_problems)))

        # -- every slider: End, Home, back to the start ---------------------
        sliders = page.evaluate(lat.JS_SLIDERS)
        print(f"\n[{name}] ran in {time.monotonic() - started:.1f} s; {len(sliders)} slider(s)")
        failures = []
        enabled = [info for info in sliders if not info["disabled"]]
        if enabled:  # a slider with focus, as a teacher leaves it between two moves
            page.locator(lab.SLIDER).nth(enabled[0]["index"]).locator(lab.HANDLE).first.focus()
            lat.settle(page)
            blinking = page.evaluate(JS_BLINKING_CURSORS)
            if blinking:
                failures.append(
                    f"{blinking} editor cursors blink while a slider has focus: jupyter-config's"
                    " cursorBlinkRate 0 (lab-settings/overrides.json) was not applied"
                )
        reference_ms = lat.machine_reference_ms()
        cpu_before = lat.cpu_times()
        for info in sliders:
            if info["disabled"]:
                print(f"  slider {info['label']!r} (cell {info['cell'] + 1}): disabled, skipped")
                continue
            whole = not info["area_has_content"]
            n_sliders += 1
            slider_moves = lat.exercise_slider(page, info, whole, CHANGE_TIMEOUT_MS, busy)
            for mv in slider_moves:
                where = f"slider {mv.slider!r} (cell {mv.cell + 1})"
                if mv.changed:
                    print(
                        f"  {where} {mv.key:>14}: {mv.value_before} -> {mv.value_after}:"
                        f" redrawn in {mv.latency_ms:.0f} ms"
                        + (f" (kernel busy {mv.kernel_ms:.0f} ms)" if mv.kernel_ms is not None else "")
                        + (" [whole notebook watched]" if whole else "")
                    )
                else:
                    print(f"  {where} {mv.key:>14}: {mv.value_before} -> {mv.value_after}: {mv.note}")
                    if mv.note.startswith("output did not change"):
                        failures.append(f"{where}, {mv.key} ({mv.value_before} -> {mv.value_after}): {mv.note}")
            if not any(m.changed for m in slider_moves) and not failures:
                failures.append(f"slider {info['label']!r} (cell {info['cell'] + 1}): no move changed its value")
            moves.extend(slider_moves)
            callback_problems = kernel_log.take()
            if callback_problems:
                failures.append(
                    f"slider {info['label']!r} (cell {info['cell'] + 1}): kernel reported while moving it:\n"
                    + "\n".join(_unique(callback_problems))
                )
        steal_pct = lat.steal_percent(cpu_before, lat.cpu_times())
        problems = _output_problems(page, allowed_errors)
        if problems:
            failures.append("error/warning output after moving the sliders:\n" + _fmt_problems(problems))
        if failures:
            pytest.fail(f"{name}:\n" + "\n".join(failures))
    finally:
        try:
            lab.full_page_screenshot(page, ARTIFACTS / f"{name}.png")
        except Exception as exc:  # a screenshot must not hide the real failure
            print(f"  (screenshot failed: {exc})")
        context.close()
        lab_server.shutdown_all_kernels()
        LATENCIES[name] = lat.latency_record(
            moves, n_sliders, time.monotonic() - started, GOAL_MEDIAN_MS, GOAL_WORST_MS, reference_ms, steal_pct
        )
        _write_latency_json()
        rec = LATENCIES[name]
        print(
            f"  {name}: median {rec['median_ms']} ms, worst {rec['worst_ms']} ms over"
            f" {rec['timed_moves']} moves (machine reference {rec['reference_ms']} ms,"
            f" steal {rec['steal_pct']} %); {rec['seconds']:.1f} s"
        )

    timed = [m.latency_ms for m in moves if m.latency_ms is not None]
    if timed:
        assert max(timed) < CEILING_MS, f"{name}: slowest redraw took {max(timed):.0f} ms (ceiling {CEILING_MS:.0f} ms)"
