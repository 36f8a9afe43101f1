"""Re-execute notebooks in place, storing outputs and widget state, then
give the stored copy the form a reader without a kernel needs.

    python tools/execute_notebooks.py                     # every notebook
    python tools/execute_notebooks.py notebooks/01-*.ipynb
    python tools/execute_notebooks.py --static-only       # only the stored form, no re-run

Navigation is brought up to date first (tools/navigation.py; with paths given,
only for those notebooks), then each notebook runs top to bottom in a fresh
kernel from the notebooks folder, as nbval will run it.  Execution fails
loudly on any error.  Then :func:`stored_form` rewrites the outputs:

* A cell whose source starts with ``# NBVAL_IGNORE_OUTPUT`` loses that line
  and gets nbval's cell tag ``nbval-ignore-output`` instead, so learners never
  see test markup.
* A live figure (a widget output that carries a PNG fallback) is stored as
  three outputs: the widget view (its sliders), the figure as a plain PNG with
  its alt text, and a sentence that says the picture is static, what it shows
  and how to make it live.  The widget's own Output is stored empty, so a
  viewer that does run the stored widget scripts (nbviewer, an HTML export
  online) shows the sliders and the picture once, and one without them (an
  HTML export read offline, a saved page behind a classroom proxy) still shows
  every figure: nbconvert prefers a widget view to any PNG in the same output.
* Every stored widget model with a ``disabled`` field is stored disabled: a
  stored slider cannot be dragged, because nothing would redraw.  A running
  kernel builds new, enabled sliders.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

import nbformat

import navigation
from lessons import present

ROOT = Path(__file__).resolve().parent.parent
IGNORE_COMMENT = "# NBVAL_IGNORE_OUTPUT"
IGNORE_TAG = "nbval-ignore-output"
VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"
#: The sentence under every stored live figure (``{alt}``: what it shows).
STATIC_NOTE = (
    "*Static picture at the sliders' starting values.* {alt}"
    "To drag the sliders, run the notebook: **Kernel → Restart Kernel and Run All Cells…**"
)
SLIDERS_TEXT = "The sliders for the figure below appear when the notebook runs."


def _tag_ignored_cells(nb) -> None:
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = cell.source.split("\n")
        if lines and lines[0].strip() == IGNORE_COMMENT:
            cell.source = "\n".join(lines[1:])
            tags = cell.metadata.setdefault("tags", [])
            if IGNORE_TAG not in tags:
                tags.append(IGNORE_TAG)


def _children(state: dict, model_id: str) -> list[str]:
    kids = state.get(model_id, {}).get("state", {}).get("children", [])
    return [k.removeprefix("IPY_MODEL_") for k in kids]


def _descendants(state: dict, model_id: str) -> list[str]:
    out, todo = [], [model_id]
    while todo:
        mid = todo.pop()
        out.append(mid)
        todo.extend(_children(state, mid))
    return out


def _split_live_figure(output, state: dict) -> list:
    """One live-figure output -> [sliders, static PNG, note]; empties its Output widget."""
    data, meta = output["data"], output.get("metadata", {})
    alt = (meta.get("image/png") or {}).get("alt", "")
    model_id = data[VIEW]["model_id"]
    for mid in _descendants(state, model_id):
        model = state.get(mid)
        if model is None:
            continue
        if model["model_name"] == "OutputModel":
            model["state"]["outputs"] = []
        elif model["model_name"] == "HTMLModel":  # the caption: it is the note below now
            model["state"]["value"] = ""
    sliders = nbformat.v4.new_output("display_data", data={VIEW: data[VIEW], "text/plain": SLIDERS_TEXT})
    png = nbformat.v4.new_output(
        "display_data",
        data={"image/png": data["image/png"], "text/plain": alt or "figure"},
        metadata={"image/png": {"alt": alt}} if alt else {},
    )
    text = STATIC_NOTE.format(alt=f"{alt.rstrip('.')}. " if alt else "")
    note = nbformat.v4.new_output("display_data", data={"text/markdown": text, "text/plain": text.replace("*", "")})
    return [sliders, png, note]


def stored_form(nb) -> None:
    """Rewrite ``nb`` in place into the form it is stored in (see the module docstring)."""
    _tag_ignored_cells(nb)
    widgets = nb.metadata.get("widgets", {}).get(STATE, {})
    state = widgets.get("state", {})
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if VIEW in data and "image/png" in data and data[VIEW]["model_id"] in state:
                outputs.extend(_split_live_figure(out, state))
            else:
                outputs.append(out)
        cell.outputs = outputs
    for model in state.values():
        if "disabled" in model.get("state", {}):
            model["state"]["disabled"] = True


def execute(path: Path) -> float:
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    # Run the source as learners see it (the tag, not the comment, marks ignored cells).
    _tag_ignored_cells(nb)
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,
        record_timing=False,
    )
    t0 = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - t0
    nb.metadata.pop("papermill", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    stored_form(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path)
    ap.add_argument(
        "--static-only", action="store_true", help="do not re-run: only bring the stored form of the outputs up to date"
    )
    args = ap.parse_args(argv)
    paths = args.paths
    # With no arguments: every notebook, and every navigation link and lesson list.
    # With paths: only those notebooks (their navigation included).
    navigation.write_all(only=paths or None)
    paths = paths or [lesson.notebook for lesson in present()]
    for p in paths:
        if args.static_only:
            nb = nbformat.read(p, as_version=4)
            before = copy.deepcopy(nb)
            stored_form(nb)
            if nb != before:
                nbformat.write(nb, p)
                print(f"stored form of {p} updated")
            continue
        secs = execute(p.resolve())
        print(f"executed {p} in {secs:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
