"""Words of prose in each lesson, outside collapsed ``<details>`` asides (issue 15: at most 2,500).

    python tools/wordcount.py            # every lesson, book edition
    python tools/wordcount.py 03 08      # some lessons

Counted: whitespace-separated words in markdown cells, after removing every
``<details>…</details>`` block and HTML comments (the navigation cells count too).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import lessons  # noqa: E402

LIMIT = 2500
_DETAILS = re.compile(r"<details\b.*?</details>", re.S | re.I)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def prose_words(nb) -> int:
    """Words in the notebook's markdown cells outside <details> blocks and comments."""
    total = 0
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        text = _COMMENT.sub(" ", _DETAILS.sub(" ", cell.source))
        total += len(text.split())
    return total


def main(argv: list[str]) -> int:
    chosen = [lesson for lesson in lessons.LESSONS if not argv or str(lesson.number) in argv]
    over = 0
    for lesson in chosen:
        path = lesson.notebook
        if not path.exists():
            continue
        words = prose_words(nbformat.read(path, as_version=4))
        flag = "  OVER" if words > LIMIT else ""
        over += bool(flag)
        print(f"{lesson.notebook.relative_to(ROOT)}: {words:5d} words{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
