"""Build a static site of the course: one HTML page per notebook, read offline.

    python tools/build_html.py            # -> html/ (index.html is the contents page)
    python tools/build_html.py OUT_DIR

Pages are exported from the stored notebooks (no re-run) with nbconvert's
lab template plus the figures' alt text (tools/templates/softmax).  Links
between lessons point to the ``.html`` pages.  Every figure is a plain PNG
inside the page, so the site reads without network; the sliders need a
running kernel and are shown (disabled) only when the page can load the
widget scripts.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from lessons import present

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "tools" / "templates"
NOTEBOOKS = ROOT / "notebooks"
_LINK = re.compile(r'href="(\d\d-[\w.-]+?)\.ipynb(#[^"]*)?"')


def export(path: Path) -> str:
    """The HTML page of one stored notebook, with .ipynb links made .html."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="softmax")
    body, _ = exporter.from_notebook_node(nbformat.read(path, as_version=4))
    return _LINK.sub(lambda m: f'href="{m.group(1)}.html{m.group(2) or ""}"', body)


def build(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    pages = []
    for nb in [lesson.notebook for lesson in present()]:
        page = out / (nb.stem + ".html")
        page.write_text(export(nb), encoding="utf-8")
        pages.append(page)
    (out / "index.html").write_text((out / "00-index.html").read_text(encoding="utf-8"), encoding="utf-8")
    return pages


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else ROOT / "html"
    pages = build(out)
    print(f"wrote {len(pages)} pages to {out}/ (open {out / 'index.html'})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
