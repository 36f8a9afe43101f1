"""WCAG 2 AA, checked by axe-core: 0 serious or critical violations

* on every page of ``make html``'s site (tools/build_html.py), opened offline
  in Chromium: the syntax colours on the code background, the cell prompts,
  links, the feedback boxes and notes stored in the notebooks;
* on the feedback boxes and live figure captions of one lesson as JupyterLab
  shows them after Run All, with a cell added to the served copy that shows
  all three feedback boxes (right, wrong, no answer yet) of
  ``softmax_lib.checks``: each output is scrolled into view and checked, and
  the test asserts that axe did measure the text contrast of every feedback
  box and caption (so it cannot pass by checking nothing).  What axe finds in
  the lesson's other outputs (pictures and sliders, drawn by JupyterLab and
  ipywidgets) is printed, not asserted.

axe-core comes from npm (``tests/js/package.json``, pinned in its lock file):
``npm ci --prefix tests/js`` installs it into tests/js/node_modules; .ci/run
does that.  The tests inject the installed file into the page, so nothing is
fetched at run time.  Without it (or without Chromium) the tests are skipped
with the command to run, unless ``SOFTMAX_REQUIRE_BROWSER=1``, which makes
that a failure.

Run: ``.venv/bin/python -m pytest tests/test_contrast.py -v -s``
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from lessons import BY_NAME, present

try:  # tests/ as a package or as a plain directory on sys.path
    from . import browser_lab as lab
except ImportError:
    import browser_lab as lab

REPO = Path(__file__).resolve().parent.parent
REQUIRE_BROWSER = os.environ.get("SOFTMAX_REQUIRE_BROWSER") == "1"
PAGES = [lesson.stem + ".html" for lesson in present()]
# The lesson run in JupyterLab: it has a live figure with a caption and
# exercise checks (its stored run shows "no answer yet" and "wrong" boxes).
LAB_LESSON = BY_NAME["01-intuition.ipynb"]
RUN_TIMEOUT_S = float(os.environ.get("SOFTMAX_BROWSER_RUN_TIMEOUT", "120"))

# Shown by a cell added to the served copy of the lesson (never to the repository's notebook).
FEEDBACK_CELL = """\
from softmax_lib.checks import Feedback
for ok, title in [(True, "Contrast check: right"), (False, "Contrast check: wrong"),
                  (None, "Contrast check: no answer yet")]:
    display(Feedback(ok, title, "The explanation or hint under the title."))
"""
FEEDBACK_TITLES = ["Contrast check: right", "Contrast check: wrong", "Contrast check: no answer yet"]

pytestmark = [pytest.mark.browser]


def _missing() -> str | None:
    if not Path(lab.CHROMIUM).exists():
        return f"Chromium not installed ({lab.CHROMIUM}): apt-get install chromium"
    if not lab.AXE_JS.exists():
        return f"axe-core not installed ({lab.AXE_JS} missing): run `{lab.AXE_INSTALL}`"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _missing()
    if missing:
        if REQUIRE_BROWSER:
            pytest.fail(missing)
        pytest.skip(missing + "; SOFTMAX_REQUIRE_BROWSER=1 makes this a failure")
    with lab.chromium() as b:
        yield b


def _report(found: list[dict]) -> str:
    by_kind: dict[tuple, list[dict]] = {}
    for v in found:
        by_kind.setdefault((v["rule"], v["impact"], v["summary"]), []).append(v)
    return "\n".join(
        f"  {len(vs)} x {rule} ({impact}): {summary}\n      e.g. {vs[0]['html']}"
        for (rule, impact, summary), vs in sorted(by_kind.items(), key=lambda kv: -len(kv[1]))
    )


@pytest.mark.parametrize("name", PAGES)
def test_static_page_meets_wcag_aa(static_site, browser, name):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked = lab.block_network(context)
    try:
        page = context.new_page()
        page.goto((static_site / name).as_uri(), wait_until="load")
        found = lab.axe_violations(page)
    finally:
        context.close()
    print(f"\n[{name}] axe: {len(found)} serious/critical violations")
    assert not blocked, blocked
    assert not found, f"{name}: {len(found)} serious/critical axe violations:\n{_report(found)}"


# -- one lesson in JupyterLab ----------------------------------------------

JS_MARK_TARGETS = """(titles) => {
  const outs = [...document.querySelectorAll('.jp-NotebookPanel .jp-Cell-outputArea .jp-OutputArea-output')];
  outs.forEach((o, i) => o.setAttribute('data-axe-target', String(i)));
  // The feedback boxes (by their titles) and the live figure's caption (the
  // HTML output in the same widget Output as its picture).
  const boxes = titles.map(t => {
    const b = [...document.querySelectorAll('.jp-Cell-outputArea b')].find(x => x.textContent.includes(t));
    return b ? b.closest('.jp-OutputArea-output').getAttribute('data-axe-target') : null;
  });
  const captions = [...document.querySelectorAll('.jp-Cell-outputArea .jupyter-widgets .jp-OutputArea-output')]
    .filter(o => o.querySelector('img') === null && o.textContent.trim().length > 0)
    .map(o => o.getAttribute('data-axe-target'));
  return {n: outs.length, boxes, captions};
}"""

# axe-core takes every element under an ``overflow: hidden`` ancestor of zero
# height for hidden, even when a positioned element in between lets it show
# (dequelabs/axe-core#4539, open).  JupyterLab's <body> is such an ancestor (its
# shell is absolutely positioned), so axe checked nothing in the notebook;
# giving <html> and <body> the viewport's height, which changes nothing on
# screen, lets axe see what a reader sees.
JS_BODY_HEIGHT = """() => {
  const s = document.createElement('style');
  s.textContent = 'html, body { height: 100%; }';
  document.head.appendChild(s);
}"""

JS_AXE_ONE = """async (i) => {
  const el = document.querySelector(`[data-axe-target="${i}"]`);
  el.scrollIntoView({block: 'center'});
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const r = await axe.run({include: [[`[data-axe-target="${i}"]`]]});
  const contrast = [...r.passes, ...r.violations].filter(v => v.id === 'color-contrast')
    .reduce((n, v) => n + v.nodes.length, 0);
  return {
    contrast_checked: contrast,
    violations: r.violations.flatMap(v => v.nodes.map(n => ({
      rule: v.id, impact: n.impact || v.impact, html: n.html.slice(0, 200),
      summary: (n.failureSummary || '').replace(/\\s+/g, ' ').trim().slice(0, 400)}))),
  };
}"""


def test_feedback_boxes_and_captions_in_jupyterlab_meet_wcag_aa(browser):
    tmp = Path(tempfile.mkdtemp(prefix="softmax-contrast-"))
    server = None
    try:
        root = tmp / "root"
        root.mkdir()
        notebooks = lab.copy_tree_for_serving(REPO / "notebooks", REPO / "softmax_lib", root)
        served = notebooks / LAB_LESSON.name
        nb = json.loads(served.read_text())
        nb["cells"].append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "contrast-check",
                "metadata": {},
                "outputs": [],
                "source": FEEDBACK_CELL,
            }
        )
        served.write_text(json.dumps(nb))
        server = lab.JupyterLabServer(root_dir=root, workdir=tmp / "jupyter", pythonpath=root).start()
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            page.set_default_timeout(30000)
            lab.open_notebook(page, server.base_url, f"notebooks/{LAB_LESSON.name}", 60000)
            lab.restart_and_run_all(page, RUN_TIMEOUT_S * 1000)
            lab.wait_for_widgets(page)
            targets = page.evaluate(JS_MARK_TARGETS, FEEDBACK_TITLES)
            page.evaluate(JS_BODY_HEIGHT)
            page.add_script_tag(content=lab.AXE_JS.read_text(encoding="utf-8"))
            results = {i: page.evaluate(JS_AXE_ONE, str(i)) for i in range(targets["n"])}
        finally:
            context.close()
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    missing = [t for t, box in zip(FEEDBACK_TITLES, targets["boxes"], strict=True) if box is None]
    assert not missing, f"feedback boxes not shown after Run All: {missing}"
    assert targets["captions"], "the live figure's caption was not found under its picture"
    ours = {int(t) for t in targets["boxes"] + targets["captions"]}
    unmeasured = sorted(i for i in ours if not results[i]["contrast_checked"])
    assert not unmeasured, f"axe measured no text contrast in outputs {unmeasured}"

    def serious(indices):
        return [v for i in indices for v in results[i]["violations"] if v["impact"] in ("serious", "critical")]

    found = serious(sorted(ours))
    # The lesson's other outputs (pictures, sliders) are drawn by JupyterLab and
    # ipywidgets, not by the course: reported, not asserted.
    others = serious(sorted(set(results) - ours))
    print(
        f"\n[{LAB_LESSON.stem} in JupyterLab] {len(targets['boxes'])} feedback boxes and "
        f"{len(targets['captions'])} caption(s): {len(found)} serious/critical violations; "
        f"the other {len(results) - len(ours)} outputs: {len(others)}"
    )
    if others:
        print(_report(others))
    assert not found, (
        f"{len(found)} serious/critical axe violations on the feedback boxes and captions of "
        f"{LAB_LESSON.name} in JupyterLab:\n" + _report(found)
    )
