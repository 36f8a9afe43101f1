"""Static checks on the stored notebooks: navigation current, stored executed,
no errors, warnings or stray reprs, every lesson has the parts a lesson needs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import navigation
from lessons import LESSONS, present

ROOT = Path(__file__).resolve().parent.parent

NOTEBOOKS = [lesson.notebook for lesson in present()]
LESSON_NOTEBOOKS = [lesson.notebook for lesson in present() if not lesson.is_index]
STRAY = re.compile(r"^(<function |<bound method |<matplotlib\.|\[<matplotlib|Text\(|array\(\[<Axes|<Axes)")


def _nb(path: Path) -> dict:
    return json.loads(path.read_text())


def _code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_every_notebook_is_registered():
    registered = {lesson.name for lesson in LESSONS}
    on_disk = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert on_disk <= registered, "add new notebooks to tools/lessons.py"


def test_navigation_is_current():
    assert navigation.stale() == [], "navigation is stale: run `make nav` (or `make execute`)"


def test_stale_navigation_is_detected(tmp_path, monkeypatch):
    # The check above must be able to fail: break one notebook's nav cell.
    nb_dir = tmp_path / "notebooks"
    nb_dir.mkdir()
    for p in NOTEBOOKS:
        (nb_dir / p.name).write_text(p.read_text())
    target = nb_dir / NOTEBOOKS[-1].name
    nb = json.loads(target.read_text())
    for c in nb["cells"]:
        if c["cell_type"] == "markdown" and "".join(c["source"]).startswith(navigation.NAV_MARK):
            c["source"] = navigation.NAV_MARK + "\n[Contents](00-index.ipynb)"
            break
    target.write_text(json.dumps(nb))
    monkeypatch.setattr(navigation, "NOTEBOOKS", nb_dir)
    monkeypatch.setattr(navigation, "ROOT", tmp_path)
    assert navigation.stale() == [f"notebooks/{target.name}"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_executed_in_order(path):
    counts = [c.get("execution_count") for c in _code_cells(_nb(path))]
    assert None not in counts, "notebook is not stored executed: run `make execute`"
    assert counts == list(range(1, len(counts) + 1)), "cells were not run top to bottom in one go"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_errors_warnings_or_stray_reprs(path):
    for cell in _code_cells(_nb(path)):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", "".join(cell["source"])[:80]
            if out["output_type"] == "stream":
                # Warnings go to stderr. (A lesson may *print* a warning it caught on
                # purpose, to explain it; that goes to stdout.)
                assert out["name"] != "stderr", f"stderr output: {''.join(out['text'])[:200]}"
            text = "".join(out.get("data", {}).get("text/plain", ""))
            assert not STRAY.match(text), f"stray repr {text[:60]!r} in: {''.join(cell['source'])[:60]}"
            assert "np.float64(" not in text + "".join(out.get("text", "")), "numpy scalar repr in output"


VIEW = "application/vnd.jupyter.widget-view+json"
IGNORE_TAG = "nbval-ignore-output"


def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widget_state_is_stored(path):
    nb = _nb(path)
    has_widget = any(VIEW in o.get("data", {}) for c in _code_cells(nb) for o in c.get("outputs", []))
    widgets = nb["metadata"].get("widgets", {})
    if not has_widget:
        return
    # Viewers (nbconvert HTML, nbviewer) render sliders from this stored state;
    # GitHub refuses to render a notebook whose metadata.widgets lacks "state".
    state = widgets["application/vnd.jupyter.widget-state+json"]["state"]
    for cell in _code_cells(nb):
        outs = cell.get("outputs", [])
        for i, out in enumerate(outs):
            data = out.get("data", {})
            view = data.get(VIEW)
            if not view:
                continue
            assert view["model_id"] in state, "widget output without stored state: run `make execute`"
            # A live figure is stored as: its sliders, then its picture as a plain PNG
            # (nbconvert prefers a widget view to a PNG in the same output, and the
            # view is blank offline), then the note that says how to make it live.
            assert "image/png" not in data, "live figure not in its stored form: run `make execute`"
            kinds = [state[view["model_id"]]["model_name"]]
            if kinds == ["VBoxModel"] and any(
                state[k.removeprefix("IPY_MODEL_")]["model_name"] == "OutputModel"
                for k in state[view["model_id"]]["state"].get("children", [])
            ):
                rest = outs[i + 1 : i + 3]
                assert len(rest) == 2 and "image/png" in rest[0].get("data", {}), "live figure without its PNG"
                assert "Run All Cells" in "".join(rest[1].get("data", {}).get("text/markdown", "")), (
                    "live figure without the note saying how to make it live"
                )


def test_stored_form_of_a_live_figure(tmp_path):
    # The post-processing itself: comment -> tag, one widget output -> sliders, PNG, note,
    # Output widget emptied, sliders stored disabled; and running it twice changes nothing.
    import copy

    import nbformat

    import execute_notebooks as ex

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("# NBVAL_IGNORE_OUTPUT\nlesson.widget()")
    cell.outputs = [
        nbformat.v4.new_output(
            "execute_result",
            data={
                VIEW: {"model_id": "box", "version_major": 2, "version_minor": 0},
                "image/png": "iVBORw0KGgo=",
                "text/plain": "Interactive figure",
            },
            metadata={"image/png": {"alt": "Three bars: 0.66, 0.24 and 0.10."}},
            execution_count=1,
        )
    ]
    nb.cells = [cell]
    nb.metadata["widgets"] = {
        "application/vnd.jupyter.widget-state+json": {
            "state": {
                "box": {
                    "model_name": "VBoxModel",
                    "state": {"children": ["IPY_MODEL_s", "IPY_MODEL_o", "IPY_MODEL_c"]},
                },
                "s": {"model_name": "FloatSliderModel", "state": {"disabled": False, "value": 1.0}},
                "o": {"model_name": "OutputModel", "state": {"outputs": [{"data": {"image/png": "x"}}]}},
                "c": {"model_name": "HTMLModel", "state": {"value": "Three bars", "disabled": False}},
            },
            "version_major": 2,
            "version_minor": 0,
        }
    }
    ex.stored_form(nb)
    once = copy.deepcopy(nb)
    ex.stored_form(nb)
    assert nb == once
    c = nb.cells[0]
    assert c.source == "lesson.widget()" and c.metadata["tags"] == [IGNORE_TAG]
    sliders, png, note = c.outputs
    assert set(sliders.data) == {VIEW, "text/plain"}
    assert png.data["image/png"] == "iVBORw0KGgo=" and png.metadata["image/png"]["alt"].startswith("Three bars")
    assert "Three bars: 0.66, 0.24 and 0.10." in note.data["text/markdown"]
    assert "Run All Cells" in note.data["text/markdown"]
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert state["o"]["state"]["outputs"] == [] and state["c"]["state"]["value"] == ""
    assert state["s"]["state"]["disabled"] is True


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_test_markup_in_cell_sources(path):
    for cell in _code_cells(_nb(path)):
        assert "NBVAL_" not in "".join(cell["source"]), (
            "test markup visible to learners: run `make execute` (it turns "
            "# NBVAL_IGNORE_OUTPUT into the cell tag nbval-ignore-output)"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ignore_output_only_on_widget_cells(path):
    for cell in _code_cells(_nb(path)):
        if IGNORE_TAG in _tags(cell):
            kinds = [o.get("data", {}) for o in cell.get("outputs", [])]
            assert any(VIEW in d for d in kinds), (
                f"{IGNORE_TAG} on a cell without a live widget: " + "".join(cell["source"])[:80]
            )


@pytest.mark.parametrize("path", LESSON_NOTEBOOKS, ids=lambda p: p.name)
def test_lesson_has_its_parts(path):
    nb = _nb(path)
    text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    assert "By the end of this notebook you will be able to" in text, "learning objectives"
    assert "## Summary" in text
    assert "Misconception" in text
    assert "Check yourself" in text
    assert "Try it" in text
    assert any(IGNORE_TAG in _tags(c) for c in _code_cells(nb)), "a slider widget"
    assert any("check_" in "".join(c["source"]) for c in _code_cells(nb)), "a checked exercise"
