"""A workbook lesson done in a real JupyterLab, in headless Chromium.

The test opens ``workbook/01-intuition.ipynb``, restarts the kernel and runs
all cells, and checks what a learner sees: Run All stopped at the first
Predict, whose cell shows one line (the stop message, no traceback), every
cell above it ran and no cell below it did.  Then it writes a prediction in
that cell, chooses **Run → Run Selected Cell and All Below**, and checks that
the reveal and the check ran and that the run stopped at the next Predict.
Screenshots of both stops go to ``test-artifacts/browser/``.

Needs Debian's Chromium, like ``tests/test_browser.py`` (skipped without it
unless ``SOFTMAX_REQUIRE_BROWSER=1``).

Run: ``.venv/bin/python -m pytest tests/test_browser_workbook.py -v -s``
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from softmax_lib import editions

try:  # tests/ as a package or as a plain directory on sys.path
    from . import browser_lab as lab
except ImportError:
    import browser_lab as lab

REPO = Path(__file__).resolve().parent.parent
LESSON = "01-intuition.ipynb"
ARTIFACTS = REPO / "test-artifacts" / "browser"
REQUIRE_BROWSER = os.environ.get("SOFTMAX_REQUIRE_BROWSER") == "1"
RUN_TIMEOUT_S = float(os.environ.get("SOFTMAX_BROWSER_RUN_TIMEOUT", "120"))
_NO_CHROMIUM = (
    f"Chromium not installed ({lab.CHROMIUM} missing): apt-get install chromium;"
    " set SOFTMAX_REQUIRE_BROWSER=1 to make this a failure"
)

pytestmark = [pytest.mark.browser]
if not Path(lab.CHROMIUM).exists() and not REQUIRE_BROWSER:
    pytestmark.append(pytest.mark.skip(reason=_NO_CHROMIUM))

# What every code cell of the open notebook shows: its prompt, and each output
# with its MIME type and text.
JS_CELLS = """
() => [...document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-CodeCell')].map(c => ({
  prompt: ((c.querySelector('.jp-InputArea-prompt') || {}).textContent || '').trim(),
  outputs: [...c.querySelectorAll('.jp-OutputArea-output')].map(o => ({
    mime: o.getAttribute('data-mime-type') || '',
    text: (o.textContent || '').trim(),
  })),
}))
"""


@pytest.fixture(scope="module")
def lab_server():
    """JupyterLab over a temporary copy of workbook/ and softmax_lib."""
    if not Path(lab.CHROMIUM).exists():
        pytest.fail(_NO_CHROMIUM)
    tmp = Path(tempfile.mkdtemp(prefix="softmax-workbook-"))
    server = None
    try:
        root = tmp / "root"
        ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")
        shutil.copytree(REPO / "workbook", root / "workbook", ignore=ignore)
        shutil.copytree(REPO / "softmax_lib", root / "softmax_lib", ignore=ignore)
        server = lab.JupyterLabServer(root_dir=root, workdir=tmp / "jupyter", pythonpath=root).start()
        yield server
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def browser(lab_server):
    with lab.chromium() as b:
        yield b


def _ran(prompt: str) -> bool:
    return any(ch.isdigit() for ch in prompt)


def _check_stopped_at(cells: list[dict], stop: int, what: str) -> None:
    """The run stopped at code cell ``stop``: it shows only the stop message,
    and no code cell below it ran."""
    outputs = cells[stop]["outputs"]
    assert [o["text"] for o in outputs] == [editions.STOP_MESSAGE], (
        f"{what}: the Predict cell should show only the stop message, got {outputs}"
    )
    assert outputs[0]["mime"] == "application/vnd.jupyter.stderr"
    below = [i for i, c in enumerate(cells) if i > stop and (_ran(c["prompt"]) or c["outputs"])]
    assert below == [], f"{what}: code cells {below} below the stop ran: {[cells[i] for i in below]}"


def _screenshot_at(page, code_index: int, path: Path) -> None:
    """A viewport screenshot with code cell ``code_index`` in view."""
    path.parent.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    for _ in range(4):  # cells above render as they come into view and move it: aim again
        page.evaluate(
            "(k) => document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-CodeCell')[k]"
            ".scrollIntoView({block: 'center'})",
            code_index,
        )
        page.wait_for_timeout(400)
    page.screenshot(path=str(path))


def _run_menu(page, command: str, label: str) -> None:
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    item = page.locator(f".lm-Menu-item[data-command='{command}']")
    if not item.count():
        item = page.locator(".lm-Menu-item", has_text=label)
    item.first.click()


def test_workbook_stops_at_each_predict_in_jupyterlab(lab_server, browser):
    nb = json.loads((REPO / "workbook" / LESSON).read_text(encoding="utf-8"))
    code_of = {i: k for k, i in enumerate(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")}
    first, second = editions.exercises(nb).predicts[:2]
    stop1, check1, stop2 = code_of[first.answer_cell], code_of[first.check_cell], code_of[second.answer_cell]

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30000)
    kernel_log = lab.KernelMessageLog()
    kernel_log.attach(page)
    try:
        # -- Run All on the untouched lesson -----------------------------------
        started = time.monotonic()
        lab.open_notebook(page, lab_server.base_url, f"workbook/{LESSON}", 60000)
        lab.restart_and_run_all(page, RUN_TIMEOUT_S * 1000)
        print(f"\n[workbook/{LESSON}] Run All stopped after {time.monotonic() - started:.1f} s")
        cells = page.evaluate(JS_CELLS)
        _check_stopped_at(cells, stop1, "Run All")
        above = [i for i in range(stop1) if not _ran(cells[i]["prompt"])]
        assert above == [], f"code cells {above} above the first Predict did not run"
        _screenshot_at(page, stop1, ARTIFACTS / "workbook-01-first-stop.png")
        problems = kernel_log.take()
        assert len(problems) == 1 and problems[0].startswith(
            f"kernel error (from execute_request): PredictFirst: {editions.STOP_MESSAGE}"
        ), problems

        # -- write a prediction and run on from that cell ------------------------
        editor = page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell").nth(stop1).locator(".cm-content")
        editor.click()
        page.keyboard.press("Control+A")
        source = "".join(nb["cells"][first.answer_cell]["source"]).replace("= None", "= 'c'", 1)
        page.keyboard.insert_text(source)
        page.evaluate(lab.JS_WATCH_RUN)
        started = time.monotonic()
        _run_menu(page, "notebook:run-all-below", "Run Selected Cell and All Below")
        lab.wait_for_run_to_finish(page, RUN_TIMEOUT_S * 1000)
        print(f"  with a prediction written, it ran on to the next Predict in {time.monotonic() - started:.1f} s")
        cells = page.evaluate(JS_CELLS)
        assert _ran(cells[stop1]["prompt"]) and cells[stop1]["outputs"] == [], cells[stop1]
        not_run = [i for i in range(stop1, stop2) if not _ran(cells[i]["prompt"])]
        assert not_run == [], f"code cells {not_run} of the reveal did not run"
        said = " ".join(o["text"] for o in cells[check1]["outputs"])
        assert "You predicted it" in said or "Your prediction was" in said, said
        _check_stopped_at(cells, stop2, "Running on from the first Predict")
        _screenshot_at(page, stop2, ARTIFACTS / "workbook-01-second-stop.png")
        problems = kernel_log.take()
        assert len(problems) == 1 and "PredictFirst" in problems[0], problems
    finally:
        context.close()
        lab_server.shutdown_all_kernels()
