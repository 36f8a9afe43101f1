"""A lesson's slider, driven by every key the README names, in Notebook 7 (with the
course's settings) and in JupyterLab.

Notebook 7 starts its application without ``bubblingKeydown`` (JupyterLab starts
with it), so its command-mode shortcuts see a key press before the focused
element does: ArrowUp/ArrowDown (select the cell above/below) and
ArrowLeft/ArrowRight (go to the heading above/below) were taken from a focused
slider handle, which then did not move; Home, End, PageUp and PageDown, bound
to nothing, always worked.  jupyter-config/lab-settings/overrides.json
(loaded through jupyter-config/jupyter_lab_config.py when that folder is on
JUPYTER_CONFIG_PATH) gives those four shortcuts the same selector minus a
focused slider handle.

The test starts Notebook 7 (``python -m notebook``), and then JupyterLab, on
127.0.0.1 with JUPYTER_CONFIG_PATH=jupyter-config (as ``make lab`` does) over a
temporary copy of the notebooks, runs lesson 01 from the Kernel menu, focuses its first slider's handle and
presses every key the README promises; each press must move the value the
right way, keep the focus on the handle, and redraw the figure.  It also
checks that the arrow keys still move between cells when a cell (not a
slider) has the focus.

Needs Chromium and the ``notebook`` package (requirements-dev.txt); skipped
with a message without them unless ``SOFTMAX_REQUIRE_BROWSER=1``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from lessons import BY_NAME

try:  # tests/ as a package or as a plain directory on sys.path
    from . import browser_lab as lab
    from . import browser_latency as lat
except ImportError:
    import browser_lab as lab
    import browser_latency as lat

REPO = Path(__file__).resolve().parent.parent
REQUIRE_BROWSER = os.environ.get("SOFTMAX_REQUIRE_BROWSER") == "1"
RUN_TIMEOUT_S = float(os.environ.get("SOFTMAX_BROWSER_RUN_TIMEOUT", "120"))
LESSON = BY_NAME["01-intuition.ipynb"]
# key -> +1 (value goes up), -1 (down); in the order pressed, from the start value.
KEYS = [
    ("ArrowRight", +1),
    ("ArrowLeft", -1),
    ("ArrowUp", +1),
    ("ArrowDown", -1),
    ("PageUp", +1),
    ("PageDown", -1),
    ("End", +1),
    ("Home", -1),
]

pytestmark = [pytest.mark.browser]


def _missing() -> str | None:
    if not Path(lab.CHROMIUM).exists():
        return f"Chromium not installed ({lab.CHROMIUM}): apt-get install chromium"
    if importlib.util.find_spec("notebook") is None:
        return "Notebook 7 not installed: pip install -r requirements-dev.txt"
    return None


def _value(page, index: int) -> float:
    return float(page.locator(lat.SLIDER).nth(index).locator(lab.HANDLE).first.get_attribute("aria-valuenow"))


JS_ACTIVE_CELL = """() => [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell')]
    .findIndex(c => c.classList.contains('jp-mod-active'))"""


# Each front end's page for one notebook (JupyterLab: ?reset, no earlier layout).
PAGES = {"notebook": "/notebooks/notebooks/{name}", "jupyterlab": "/lab/tree/notebooks/{name}?reset"}


@pytest.mark.parametrize("app", ["notebook", "jupyterlab"], ids=["notebook7", "jupyterlab"])
def test_slider_keys(app):
    missing = _missing()
    if missing:
        if REQUIRE_BROWSER:
            pytest.fail(missing)
        pytest.skip(missing + "; SOFTMAX_REQUIRE_BROWSER=1 makes this a failure")
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="softmax-nb7-"))
    server = None
    moves, cells = [], []
    try:
        root = tmp / "root"
        root.mkdir()
        lab.copy_tree_for_serving(REPO / "notebooks", REPO / "softmax_lib", root)
        server = lab.JupyterLabServer(
            root_dir=root,
            workdir=tmp / "jupyter",
            pythonpath=root,
            app=app,
            env={"JUPYTER_CONFIG_PATH": str(REPO / "jupyter-config")},
        ).start()
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=lab.CHROMIUM, headless=True, args=lab.CHROMIUM_ARGS)
            try:
                page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
                page.set_default_timeout(30000)
                page.goto(server.base_url + PAGES[app].format(name=LESSON.name), wait_until="domcontentloaded")
                page.wait_for_selector(lab.NOTEBOOK, timeout=60000)
                lab.wait_kernel_ready(page, 60000)
                lab.restart_and_run_all(page, RUN_TIMEOUT_S * 1000)
                lab.wait_for_widgets(page)
                sliders = [s for s in page.evaluate(lat.JS_SLIDERS) if not s["disabled"]]
                assert sliders, f"{LESSON.name} shows no live slider in {app} after Run All"
                info = sliders[0]
                handle = page.locator(lat.SLIDER).nth(info["index"]).locator(lab.HANDLE).first
                for key, sign in KEYS:
                    before = _value(page, info["index"])
                    move = lat.move_slider(page, info, key, False, 10000)
                    after = _value(page, info["index"])
                    focused = handle.evaluate("h => document.activeElement === h")
                    lab.wait_kernel_idle(page, 30000)
                    moves.append((key, sign, before, after, focused, move))
                # With a cell (not a slider) focused, the arrows still move between cells.
                page.locator(".jp-NotebookPanel .jp-Notebook .jp-MarkdownCell").first.click()
                page.keyboard.press("Escape")  # command mode
                start = page.evaluate(JS_ACTIVE_CELL)
                page.keyboard.press("ArrowDown")
                cells = [start, page.evaluate(JS_ACTIVE_CELL)]
            finally:
                browser.close()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"\n[{LESSON.stem} in {app}] slider {info['label']!r}:")
    for key, _sign, before, after, _focused, move in moves:
        print(
            f"  {key:>10}: {before:g} -> {after:g}"
            + (f", redrawn in {move.latency_ms:.0f} ms" if move.latency_ms is not None else f" ({move.note})")
        )
    wrong = [
        f"{key}: {before:g} -> {after:g}" for key, sign, before, after, _, _ in moves if (after - before) * sign <= 0
    ]
    assert not wrong, (
        f"in {app} these keys did not move the focused slider the right way: {wrong} "
        "(jupyter-config/lab-settings/overrides.json loaded?)"
    )
    lost = [key for key, *_, focused, _ in moves if not focused]
    assert not lost, f"the slider handle lost the focus after {lost}"
    not_redrawn = [f"{key}: {move.note}" for key, *_, move in moves if not move.changed]
    assert not not_redrawn, f"the figure was not redrawn: {not_redrawn}"
    assert cells[1] == cells[0] + 1, f"ArrowDown on a selected cell should select the next one: {cells}"
