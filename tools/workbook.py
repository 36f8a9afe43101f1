"""Write the workbook: ``workbook/NN-slug.ipynb`` for every lesson, from the book.

The book (``notebooks/``) is stored executed, to be read.  The workbook is the
same lessons to be done: generated from the book, it stores no outputs, opens
with a banner that links to the same lesson in the book, and stops "Run All"
at every Predict that has no prediction yet (``softmax_lib.editions``):

* every output, execution count and widget state is dropped, and the test
  markup (nbval's cell tags) with them;
* the setup cell imports ``predict_first``, and each Predict's answer cell
  ``my_prediction = None   # hint`` gets the line ``predict_first(my_prediction)``;
* links stay relative, so the contents page and the navigation of the
  workbook lead to workbook lessons.

Edit the book, never the workbook; then run

    python tools/workbook.py           # write workbook/ (make workbook)
    python tools/workbook.py --check   # exit 1 listing stale, missing or extra files
"""

from __future__ import annotations

import argparse
import copy
import io
import re
from pathlib import Path

import nbformat

import navigation
from lessons import WORKBOOK, Lesson, present
from softmax_lib import editions

BANNER_MARK = "<!--WORKBOOK-->"
BANNER_ID = "workbook-banner"
IMPORT_LINE = "from softmax_lib.editions import predict_first   # the workbook's stop at each Predict"


def banner(lesson: Lesson) -> str:
    """The markdown cell at the top of a workbook lesson."""
    book = f"../notebooks/{lesson.name}"
    if lesson.is_index:
        return (
            f"{BANNER_MARK}\n"
            "✏ **This is the workbook**, where you *do* the lessons: they start without outputs, and at each "
            "**Predict** you write your answer in place of `None` before you run on (Run All stops there "
            f"until you do). To read a lesson with every output shown, open it in the [book]({book})."
        )
    return (
        f"{BANNER_MARK}\n"
        "✏ **Workbook edition.** Run the cells in order. At each **Predict**, replace `None` with your "
        "answer before you run on: Run All stops there until you do. "
        f"The same lesson with every output shown is in the [book]({book})."
    )


def _add_import(source: str) -> str:
    """The setup cell's source with ``IMPORT_LINE`` after its last top-level import."""
    lines = source.split("\n")
    last = max((k for k, line in enumerate(lines) if re.match(r"(from|import) \S", line)), default=None)
    if last is None:
        raise SystemExit("the setup cell (the first code cell) has no import line to put the workbook's import after")
    return "\n".join(lines[: last + 1] + [IMPORT_LINE] + lines[last + 1 :])


def _clean_code_cell(cell) -> None:
    cell.outputs = []
    cell.execution_count = None
    tags = [t for t in cell.metadata.get("tags", []) if not t.startswith("nbval-")]
    cell.metadata = nbformat.NotebookNode({"tags": tags} if tags else {})


def _for_workbook_folder(nb, lesson: Lesson) -> None:
    """Write the cells tools/navigation.py generates (the navigation, and the
    "Open in Colab" link and Colab cell where that tool makes them) as they
    must be in workbook/, so that their links open workbook lessons.

    The navigation links are relative (``01-intuition.ipynb``), so inside
    workbook/ they lead to workbook lessons; a link that names its folder
    (Colab's) is made for ``workbook/`` by navigation.with_generated_cells.
    """
    if hasattr(navigation, "with_generated_cells"):
        navigation.with_generated_cells(nb, lesson.name, folder="workbook")
        return
    for cell in nb.cells:  # a navigation.py without folder-specific cells
        if cell.cell_type == "markdown" and cell.source.startswith(navigation.NAV_MARK):
            cell.source = navigation.nav_line(lesson.name)


def is_generated(cell) -> bool:
    """A cell tools/navigation.py writes (navigation, the Colab cell), not the lesson's own."""
    if hasattr(navigation, "is_generated"):
        return navigation.is_generated(cell)
    return cell.cell_type == "markdown" and cell.source.startswith(navigation.NAV_MARK)


def setup_cell(nb) -> int:
    """The index of the lesson's setup cell: its first code cell of its own."""
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and not is_generated(c))


def workbook_notebook(lesson: Lesson) -> nbformat.NotebookNode:
    """The workbook edition of ``lesson``, built from its book notebook."""
    book = nbformat.read(lesson.notebook, as_version=4)
    wrong = editions.problems(book)
    if wrong:
        raise SystemExit(
            f"notebooks/{lesson.name}: its exercises break the conventions of softmax_lib/editions.py, "
            "so the workbook cannot place its stops:\n  " + "\n  ".join(wrong)
        )
    nb = copy.deepcopy(book)
    _for_workbook_folder(nb, lesson)
    found = editions.exercises(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            _clean_code_cell(cell)
    for p in found.predicts:
        cell = nb.cells[p.answer_cell]
        cell.source = cell.source.rstrip() + "\n" + editions.GATE_LINE
    if found.predicts:
        setup = setup_cell(nb)
        if setup > found.predicts[0].answer_cell:
            raise SystemExit(
                f"notebooks/{lesson.name}: the setup cell (the first code cell) must come before the first Predict"
            )
        nb.cells[setup].source = _add_import(nb.cells[setup].source)
    top = nbformat.v4.new_markdown_cell(banner(lesson))
    top.id = BANNER_ID
    nb.cells.insert(0, top)
    language = nb.metadata.get("language_info", {}).get("name", "python")
    nb.metadata = nbformat.NotebookNode(
        {"kernelspec": book.metadata["kernelspec"], "language_info": {"name": language}}
    )
    nbformat.validate(nb)
    return nb


def text(nb: nbformat.NotebookNode) -> str:
    """The file text nbformat.write gives, so a check compares files byte for byte."""
    buf = io.StringIO()
    nbformat.write(nb, buf)
    return buf.getvalue()


def expected() -> dict[Path, str]:
    """Every workbook file and the text it must have."""
    return {lesson.workbook: text(workbook_notebook(lesson)) for lesson in present()}


def check(folder: Path | None = None) -> list[str]:
    """One line per workbook file that is stale, missing or not a lesson's; [] when current."""
    folder = folder or WORKBOOK
    want = {folder / path.name: body for path, body in expected().items()}

    def _rel(path: Path) -> str:
        return f"{folder.name}/{path.relative_to(folder).as_posix()}"

    out = []
    for path, body in want.items():
        if not path.exists():
            out.append(f"missing: {_rel(path)}")
        elif path.read_text(encoding="utf-8") != body:
            out.append(f"stale: {_rel(path)}")
    if folder.exists():
        for path in sorted(folder.rglob("*")):
            hidden = any(part.startswith(".") for part in path.relative_to(folder).parts)
            if path.is_file() and not hidden and path not in want:
                out.append(f"extra: {_rel(path)} (no lesson in tools/lessons.py has this workbook; delete it)")
    return out


def write(folder: Path | None = None) -> list[str]:
    """Write every workbook file that is stale or missing; return what changed
    (and any extra files, which are left for a person to delete)."""
    folder = folder or WORKBOOK
    changed = check(folder)
    folder.mkdir(exist_ok=True)
    for path, body in expected().items():
        target = folder / path.name
        if not target.exists() or target.read_text(encoding="utf-8") != body:
            target.write_text(body, encoding="utf-8")
    return changed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only report stale, missing or extra files; exit 1 if any")
    args = ap.parse_args()
    if args.check:
        bad = check()
        for line in bad:
            print(f"{line}  (run `make workbook`)" if not line.startswith("extra") else line)
        return 1 if bad else 0
    for line in write():
        print(line.replace("stale:", "updated:").replace("missing:", "created:"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
