"""The stored notebooks read truthfully without a kernel, and without network.

* Every stored figure (image/png output) carries alt text, and the exported
  HTML page keeps it on the ``<img>``.
* No stored widget model is enabled: a stored slider cannot be dragged,
  because nothing would redraw it.
* ``make html``'s pages (tools/build_html.py), opened in Chromium with every
  non-file request aborted (a classroom proxy, an offline laptop), ask for
  nothing from the network, show every stored figure (decoded,
  naturalWidth > 0), every formula typeset as MathML (laid out: a fraction's
  numerator above its denominator) and no TeX source, and no enabled slider;
  their links between lessons point to the .html pages.
* Each page's <title> is its lesson's title, and the note under each stored
  live figure says how to get it live from a web page (no Kernel menu there).
* The build turns TeX into MathML (named functions, spacing, a clear error for
  what it cannot typeset) and makes Binder/Colab links only from a real
  repository URL in pyproject.toml.
"""

from __future__ import annotations

import html
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import build_html
from execute_notebooks import STATIC_NOTE
from lessons import heading_title, present

try:  # tests/ as a package or as a plain directory on sys.path
    from . import browser_lab as lab
except ImportError:
    import browser_lab as lab

ROOT = Path(__file__).resolve().parent.parent

NOTEBOOKS = [lesson.notebook for lesson in present()]
CHROMIUM = os.environ.get("SOFTMAX_BROWSER_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("SOFTMAX_REQUIRE_BROWSER") == "1"


class _Images(HTMLParser):
    """The alt attribute of every <img>, in order (None when it has none)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.alts: list[str | None] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))


def _pngs(path: Path) -> list[dict]:
    nb = json.loads(path.read_text())
    return [o for c in nb["cells"] for o in c.get("outputs", []) if "image/png" in o.get("data", {})]


def _alt(out: dict) -> str:
    return (out.get("metadata", {}).get("image/png") or {}).get("alt", "")


@pytest.fixture(scope="module")
def site(static_site) -> Path:
    return static_site


def _formulas(path: Path) -> int:
    """How many formulas ($…$, $$…$$) the notebook's markdown holds, counted
    with nbconvert's own markdown parser (as the page is built)."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    count = 0

    class Counter(IPythonRenderer):
        def inline_math(self, body):
            nonlocal count
            count += 1
            return ""

        block_math = inline_math

        def latex_environment(self, name, body):
            return self.inline_math(body)

    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        texts = (
            ["".join(cell["source"])]
            if cell["cell_type"] == "markdown"
            else [
                "".join(o["data"]["text/markdown"])
                for o in cell.get("outputs", [])
                if "text/markdown" in o.get("data", {})
            ]
        )
        for text in texts:
            MarkdownWithMath(renderer=Counter(escape=False)).render(text)
    return count


def _stored_notes(path: Path) -> int:
    head = STATIC_NOTE.split("{alt}")[0]
    nb = json.loads(path.read_text())
    return sum(
        "".join(o["data"]["text/markdown"]).startswith(head)
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_stored_figure_has_alt_text(path):
    missing = [i for i, o in enumerate(_pngs(path)) if not _alt(o).strip()]
    assert not missing, (
        f"figures {missing} (0-based, in order) have no alt text: give their draw function "
        "plots.set_alt(fig, ...) or their view self.alt, then `make execute`"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_stored_widget_is_enabled(path):
    nb = json.loads(path.read_text())
    state = nb["metadata"].get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    enabled = [m["model_name"] for m in state.values() if m["state"].get("disabled") is False]
    assert not enabled, f"stored enabled widgets {enabled}: run `make execute` (it stores them disabled)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_html_page_keeps_every_figure_and_its_alt_text(site, path):
    alts = _Images((site / f"{path.stem}.html").read_text()).alts
    expected = [_alt(o) for o in _pngs(path)]
    assert len(alts) == len(expected), "every stored PNG becomes one <img> in the page"
    # Figures without stored alt text fail the test above; here: what is stored is kept.
    lost = [(a, e) for a, e in zip(alts, expected) if e and a != e]
    assert not lost, lost


def test_site_links_point_to_html_pages(site):
    index = (site / "index.html").read_text()
    assert re.search(r'href="\d\d-[\w-]+\.ipynb', index) is None
    linked = set(re.findall(r'href="(\d\d-[\w-]+\.html)', index))
    assert linked == {p.stem + ".html" for p in NOTEBOOKS if p.name != "00-index.ipynb"}
    assert all((site / name).exists() for name in linked)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_page_title_is_the_lesson_title(site, path):
    page = (site / f"{path.stem}.html").read_text()
    titles = re.findall(r"<title>(.*?)</title>", page, re.S)
    assert titles == [html.escape(heading_title(path), quote=False)], titles


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figure_notes_fit_a_web_page(site, path):
    """The stored note names the Kernel menu (right inside Jupyter); the page's
    says what the figure shows and how to get it live."""
    page = (site / f"{path.stem}.html").read_text()
    notes = re.findall(r"Static picture at the sliders' starting values\.</em>(.*?)</p>", page, re.S)
    assert len(notes) == _stored_notes(path), "every stored live figure keeps its note"
    for note in notes:
        assert "Kernel" not in note, note
        assert f"<code>notebooks/{path.name}</code>" in note, note
        assert "In Jupyter its sliders redraw it" in note, note
    if notes and build_html.github_repository() is None:
        assert "mybinder.org" not in page and "colab.research" not in page


def test_every_live_figure_note_is_found():
    assert sum(_stored_notes(p) for p in NOTEBOOKS) >= len(NOTEBOOKS) - 1, (
        "the stored notes no longer start with STATIC_NOTE's words: build_html cannot find them"
    )


# -- the build's pieces, without a browser -----------------------------------


def test_tex_to_mathml_named_functions_and_spacing():
    out = build_html.tex_to_mathml(r"\operatorname{log1p}(x) + \log p_i", display=False)
    assert "<mi>log1p</mi>" in out, out  # one upright name, not l·o·g·1·p
    assert re.search(r"<mi>log</mi><mspace width=\"0.1667em\" ?/><msub><mi>p</mi>", out), out
    assert "<mi>log1p</mi><mo" in out, "no space between a function and its bracket"
    display = build_html.tex_to_mathml(r"\sum_j e^{z_j}", display=True)
    assert 'display="block"' in display and "<munder>" in display


@pytest.mark.parametrize(
    "tex, words",
    [
        (r"\foo{x}", r"\foo, which latex2mathml does not know"),
        (r"\operatorname{a\b}", "may hold letters, digits"),
        (r"\text{a<b}", "does not parse"),
    ],
)
def test_tex_to_mathml_says_what_it_cannot_typeset(tex, words):
    with pytest.raises(build_html.MathError, match=re.escape(words)) as err:
        build_html.tex_to_mathml(tex, display=False, where="01-intuition.ipynb cell c07")
    assert "01-intuition.ipynb cell c07" in str(err.value)


@pytest.mark.parametrize(
    "urls, expected",
    [
        ("", None),
        ('Repository = "https://github.com/OWNER/softmax-lessons"', None),
        (
            'Homepage = "https://example.org"\nRepository = "https://github.com/jo-teach/softmax-lessons.git"',
            ("jo-teach", "softmax-lessons"),
        ),
    ],
)
def test_repository_comes_only_from_a_real_project_url(tmp_path, urls, expected):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[project]\nname = "x"\n[project.urls]\n{urls}\n')
    repo = build_html.github_repository(pyproject)
    assert (repo if repo is None else (repo.owner, repo.name)) == expected


def test_web_note_links_binder_and_colab_only_with_a_repository():
    stored = STATIC_NOTE.format(alt="Two bars. ")
    local = build_html.web_note(stored, "03-temperature.ipynb", None)
    assert "Kernel" not in local and "`notebooks/03-temperature.ipynb`" in local and "Two bars." in local
    assert "mybinder" not in local
    repo = build_html.PublicRepo("jo-teach", "softmax-lessons")
    live = build_html.web_note(stored, "03-temperature.ipynb", repo)
    assert (
        "https://mybinder.org/v2/gh/jo-teach/softmax-lessons/main?urlpath=lab/tree/notebooks/03-temperature.ipynb"
    ) in live
    assert "https://colab.research.google.com/github/jo-teach/softmax-lessons/blob/main/notebooks/" in live
    assert build_html.web_note("Some other text", "03-temperature.ipynb", None) == "Some other text"


def test_main_says_how_to_call_it(capsys):
    assert build_html.main(["--help"]) == 2
    assert "usage: python tools/build_html.py [OUT_DIR]" in capsys.readouterr().err


# -- the pages in Chromium, offline -----------------------------------------

_OFFLINE_JS = """() => {
  const imgs = [...document.querySelectorAll('img')];
  const sliders = [...document.querySelectorAll(
      'input[type=range], .widget-slider, .jupyter-widgets.widget-hslider, [role=slider]')];
  return {
    images: imgs.length,
    decoded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
    enabled_sliders: sliders.filter(s => !s.disabled && !s.closest('.mod-disabled')
        && s.getAttribute('aria-disabled') !== 'true').length,
  };
}"""

# Prose as a reader sees it (rendered markdown, without code and maths):
# any $…$ or TeX command left there is source the typesetter missed.
_TEX_JS = """() => {
  const prose = [...document.querySelectorAll('.jp-RenderedMarkdown')].map(el => {
    const c = el.cloneNode(true);
    c.querySelectorAll('code, pre, math').forEach(x => x.remove());
    return c.textContent;
  }).join('\\n');
  const raw = [...prose.matchAll(/\\$[^$\\n]+\\$|\\\\[A-Za-z]+|\\\\[()\\[\\]]/g)].map(m => m[0]);
  const maths = [...document.querySelectorAll('math')];
  const laidOut = maths.filter(m => {
    const r = m.getBoundingClientRect();
    return m instanceof MathMLElement && r.width > 0 && r.height > 0;
  });
  const fracs = [...document.querySelectorAll('mfrac')];
  const stacked = fracs.filter(f => f.children.length === 2 &&
      f.children[0].getBoundingClientRect().bottom <= f.children[1].getBoundingClientRect().top + 1);
  return {raw: raw.slice(0, 10), n_raw: raw.length, maths: maths.length, laid_out: laidOut.length,
          fracs: fracs.length, stacked: stacked.length};
}"""


@pytest.mark.browser
def test_offline_pages_show_every_figure_and_no_live_slider(site):
    if not Path(CHROMIUM).exists():
        if REQUIRE_BROWSER:
            pytest.fail(f"Chromium missing at {CHROMIUM}")
        pytest.skip(f"Chromium not installed ({CHROMIUM}): apt-get install chromium")
    from playwright.sync_api import sync_playwright

    results, maths = {}, {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=lab.CHROMIUM_ARGS)
        context = browser.new_context()
        blocked = lab.block_network(context)
        page = context.new_page()
        for path in NOTEBOOKS:
            page.goto((site / f"{path.stem}.html").as_uri(), wait_until="load")
            results[path.name] = page.evaluate(_OFFLINE_JS)
            maths[path.name] = page.evaluate(_TEX_JS)
        browser.close()
    assert not blocked, f"the pages asked the network for {sorted(set(blocked))[:5]}"
    for name, r in results.items():
        expected = len(_pngs(ROOT / "notebooks" / name))
        assert r["images"] == expected, (name, r)
        assert r["decoded"] == expected, f"{name}: only {r['decoded']} of {expected} figures visible offline"
        assert r["enabled_sliders"] == 0, (name, r)
    for name, m in maths.items():
        assert m["n_raw"] == 0, f"{name}: {m['n_raw']} pieces of TeX source shown as text, e.g. {m['raw']}"
        expected = _formulas(ROOT / "notebooks" / name)
        assert m["maths"] == expected, f"{name}: {m['maths']} <math> elements for {expected} formulas"
        assert m["laid_out"] == expected, f"{name}: only {m['laid_out']} of {expected} formulas laid out as MathML"
        assert m["stacked"] == m["fracs"], f"{name}: {m['fracs'] - m['stacked']} fractions not stacked"
    print(
        f"offline: {sum(r['decoded'] for r in results.values())} figures visible, "
        f"{sum(m['laid_out'] for m in maths.values())} formulas typeset "
        f"({sum(m['fracs'] for m in maths.values())} fractions), no network request"
    )
