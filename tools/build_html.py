"""Build a static site of the course: one HTML page per notebook, read offline.

    python tools/build_html.py            # -> html/ (index.html is the contents page)
    python tools/build_html.py OUT_DIR

Pages are exported from the stored notebooks (no re-run) with nbconvert's lab
template, changed for a web page that works with no network
(tools/templates/softmax):

* Maths is typeset at build time: every ``$…$`` and ``$$…$$`` becomes MathML
  (latex2mathml, pure Python; requirements-html.txt), which browsers draw
  natively and screen readers read as maths.  No script, no CDN.
* No script is loaded from anywhere (nbconvert's lab template loads MathJax,
  require.js, mermaid and the widget manager from CDNs).  The stored sliders
  are left out: they cannot move without a kernel, and the note under each
  figure says how to get the live version.
* Each page's ``<title>`` is its lesson's title (the notebook's first heading).
* The note the notebooks store under each live figure ("…run the notebook:
  Kernel → Restart Kernel and Run All Cells…", tools/execute_notebooks.py's
  STATIC_NOTE) is rewritten for a web page: what the figure shows, and how to
  get the live version (Binder and Colab when pyproject.toml names the
  project's public repository, else running the notebook in Jupyter).
* Colours meet WCAG 2 AA contrast (the template's CSS: syntax colours on the
  code background, cell prompts, underlined links).
* Every figure keeps its alt text; links between lessons point to the
  ``.html`` pages.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from execute_notebooks import STATIC_NOTE
from lessons import Lesson, heading_title, present
from navigation import PublicRepo, parse_repository, repository_url

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "tools" / "templates"
NOTEBOOKS = ROOT / "notebooks"
PYPROJECT = ROOT / "pyproject.toml"
_LINK = re.compile(r'href="(\d\d-[\w.-]+?)\.ipynb(#[^"]*)?"')
# A TeX command latex2mathml did not know is copied into the MathML as text.
_UNCONVERTED = re.compile(r">[^<]*(\\[A-Za-z]+)")


class MathError(ValueError):
    """A formula that cannot be typeset (the message says which and where)."""


# --------------------------------------------------------------------------
# The public repository (for the Binder and Colab links)
# --------------------------------------------------------------------------


def github_repository(pyproject: Path = PYPROJECT) -> PublicRepo | None:
    """The public repository named by ``Repository`` in ``[project.urls]`` (navigation's one
    reading of it), or None while there is none or it is the placeholder (``OWNER/…``)."""
    try:
        return parse_repository(repository_url(pyproject))
    except (OSError, ValueError, tomllib.TOMLDecodeError):
        return None


def live_links(notebook_name: str, repository: PublicRepo | None) -> str:
    """How a web reader gets the live figure: Binder and Colab links (made by tools/navigation.py)
    when the repository is known, and running the notebook in Jupyter."""
    local = f"`notebooks/{notebook_name}`"
    if repository is None:
        return f"In Jupyter its sliders redraw it: run {local} there (the course's README, *Run it*, says how)."
    path = f"notebooks/{notebook_name}"
    return (
        f"In Jupyter its sliders redraw it: open this lesson live in [Binder]({repository.binder(path)}) or "
        f"[Colab]({repository.colab(path)}), or run {local} in your own Jupyter."
    )


_NOTE_HEAD, _NOTE_TAIL = STATIC_NOTE.split("{alt}")
_NOTE = re.compile(re.escape(_NOTE_HEAD) + r"(?P<alt>.*?)" + re.escape(_NOTE_TAIL), re.S)


def web_note(stored: str, notebook_name: str, repository: PublicRepo | None) -> str:
    """The stored note under a live figure, rewritten for a web page (other
    text is returned unchanged)."""
    m = _NOTE.fullmatch(stored.strip())
    if m is None:
        return stored
    return f"*Static picture at the sliders' starting values.* {m.group('alt')}" + live_links(notebook_name, repository)


# --------------------------------------------------------------------------
# Maths: TeX -> MathML at build time
# --------------------------------------------------------------------------


MATHML = "http://www.w3.org/1998/Math/MathML"
_OPERATORNAME = re.compile(r"\\operatorname\{([^{}]*)\}")
_SCRIPTED = {f"{{{MATHML}}}{t}" for t in ("msub", "msup", "msubsup", "munder", "mover", "munderover")}


def _placeholder(i: int) -> str:
    """Letters only (latex2mathml's \\operatorname takes nothing else): zqa, zqb, …"""
    s = ""
    while True:
        s = chr(ord("a") + i % 26) + s
        i //= 26
        if not i:
            return "zq" + s


def _function_spacing(root) -> None:
    """TeX's thin space around a named function (log p, not "logp"): after it
    unless an operator, an opening bracket or nothing follows, and before it
    when an ordinary term precedes.  MathML Core leaves this to the author."""
    import xml.etree.ElementTree as ET

    def thin():
        return ET.Element(f"{{{MATHML}}}mspace", width="0.1667em")

    parents = {child: parent for parent in root.iter() for child in parent}
    for el in list(root.iter()):
        if el.tag not in (f"{{{MATHML}}}mi", f"{{{MATHML}}}mo"):
            continue
        text = el.text or ""
        if len(text) < 2 or not text.replace("\u2009", "").isalnum() or el.get("mathvariant"):
            continue
        el.tag = f"{{{MATHML}}}mi"  # multi-letter <mi> is upright, without an operator's wide spaces
        atom = el
        if parents.get(el) is not None and parents[el].tag in _SCRIPTED and parents[el][0] is el:
            atom = parents[el]
        row = parents.get(atom)
        if row is None:
            continue
        i = list(row).index(atom)
        after = row[i + 1] if i + 1 < len(row) else None
        if after is not None and after.tag not in (f"{{{MATHML}}}mo", f"{{{MATHML}}}mspace"):
            row.insert(i + 1, thin())
        before = row[i - 1] if i > 0 else None
        if before is not None and before.tag not in (f"{{{MATHML}}}mo", f"{{{MATHML}}}mspace"):
            row.insert(i, thin())


def tex_to_mathml(tex: str, display: bool, where: str = "") -> str:
    """``<math>`` for one formula; MathError if latex2mathml cannot do it.

    ``\\operatorname{…}`` is typeset here (latex2mathml takes letters only
    there, and spells out ``log1p`` as l·o·g·1·p), and named functions get
    TeX's thin spaces (:func:`_function_spacing`)."""
    import xml.etree.ElementTree as ET

    import latex2mathml.converter

    names: dict[str, str] = {}

    def name(m: re.Match) -> str:
        text = m.group(1).replace("\\,", "\u2009").strip()
        if not re.fullmatch(r"[\w\u2009-]+", text):
            raise MathError(
                f"{where}: ${tex}$: \\operatorname{{{m.group(1)}}} may hold letters, digits, - and \\, only"
            )
        key = _placeholder(len(names))
        names[key] = text
        return f"\\operatorname{{{key}}}"

    source = _OPERATORNAME.sub(name, tex)
    try:
        out = latex2mathml.converter.convert(source, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises its own exception types
        raise MathError(f"{where}: cannot typeset ${tex}$ ({type(exc).__name__}: {exc})") from exc
    unknown = _UNCONVERTED.search(out)
    if unknown:
        raise MathError(
            f"{where}: ${tex}$ uses {unknown.group(1)}, which latex2mathml does not know; "
            "write it with commands it knows (e.g. \\operatorname{name} for a named function)"
        )
    ET.register_namespace("", MATHML)
    try:
        root = ET.fromstring(out)
    except ET.ParseError as exc:
        raise MathError(
            f"{where}: ${tex}$ gives MathML that does not parse ({exc}); a < or & inside \\text{{…}} is the usual cause"
        ) from exc
    for el in root.iter():
        if el.text in names:
            el.text = names[el.text]
    _function_spacing(root)
    # Screen readers and copy-paste get the source too; nothing shows it.
    root.set("alttext", tex)
    return ET.tostring(root, encoding="unicode")


def _renderer_class():
    from nbconvert.filters.markdown_mistune import IPythonRenderer

    class MathMLRenderer(IPythonRenderer):
        """nbconvert's markdown renderer, with maths as MathML instead of
        ``$…$`` left for MathJax."""

        where = ""

        def inline_math(self, body: str) -> str:
            return tex_to_mathml(body, display=False, where=self.where)

        def block_math(self, body: str) -> str:
            return tex_to_mathml(body, display=True, where=self.where)

        def latex_environment(self, name: str, body: str) -> str:
            return tex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True, where=self.where)

    return MathMLRenderer


def _exporter_class():
    from jinja2 import pass_context as contextfilter
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown_mistune import MarkdownWithMath

    Renderer = _renderer_class()

    class SiteExporter(HTMLExporter):
        """The lab HTML exporter with maths typeset to MathML."""

        page = ""

        @contextfilter
        def markdown2html(self, context, source):
            cell = context.get("cell", {})
            renderer = Renderer(
                escape=False,
                attachments=cell.get("attachments", {}),
                embed_images=self.embed_images,
                path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                anchor_link_text=self.anchor_link_text,
                exclude_anchor_links=self.exclude_anchor_links,
                **self.lexer_options,
            )
            renderer.where = f"{self.page} cell {cell.get('id', '?')}"
            return MarkdownWithMath(renderer=renderer).render(source)

    return SiteExporter


# --------------------------------------------------------------------------
# Pages
# --------------------------------------------------------------------------


def export(path: Path, repository: PublicRepo | None = None) -> str:
    """The HTML page of one stored notebook (see the module docstring)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nb.metadata["title"] = heading_title(path)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if "text/markdown" in data:
                data["text/markdown"] = web_note(data["text/markdown"], path.name, repository)
    exporter = _exporter_class()(extra_template_basedirs=[str(TEMPLATES)], template_name="softmax")
    exporter.page = path.name
    body, _ = exporter.from_notebook_node(nb)
    return _LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)


def build(out: Path, lessons: list[Lesson] | None = None, pyproject: Path = PYPROJECT) -> list[Path]:
    """Write one page per present lesson (and index.html, the contents page) to ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    repository = github_repository(pyproject)
    pages = []
    for lesson in present() if lessons is None else lessons:
        page = out / f"{lesson.stem}.html"
        page.write_text(export(lesson.notebook, repository), encoding="utf-8")
        pages.append(page)
    index = out / "00-index.html"
    if index.exists():
        (out / "index.html").write_text(index.read_text(encoding="utf-8"), encoding="utf-8")
    return pages


def main(argv: list[str]) -> int:
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        print("usage: python tools/build_html.py [OUT_DIR]   (default: html/)", file=sys.stderr)
        return 2
    out = Path(argv[0]) if argv else ROOT / "html"
    try:
        pages = build(out)
    except MathError as exc:
        print(f"build_html: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(pages)} pages to {out}/ (open {out / 'index.html'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
