"""Static checks on the stored notebooks: navigation current, stored executed,
no errors, warnings or stray reprs, every lesson has the parts a lesson needs."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import navigation  # noqa: E402
from lessons import LESSONS  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LESSON_NOTEBOOKS = [p for p in NOTEBOOKS if p.name != "00-index.ipynb"]
STRAY = re.compile(r"^(<function |<bound method |<matplotlib\.|\[<matplotlib|Text\(|array\(\[<Axes|<Axes)")


def _nb(path: Path) -> dict:
    return json.loads(path.read_text())


def _code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_every_notebook_is_registered():
    registered = {name for name, *_ in LESSONS}
    assert {p.name for p in NOTEBOOKS} <= registered, "add new notebooks to tools/lessons.py"


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


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_widget_state_is_stored(path):
    nb = _nb(path)
    has_widget = any("application/vnd.jupyter.widget-view+json" in o.get("data", {})
                     for c in _code_cells(nb) for o in c.get("outputs", []))
    widgets = nb["metadata"].get("widgets", {})
    if not has_widget:
        return
    # Viewers (nbconvert HTML, nbviewer) render sliders from this stored state;
    # GitHub refuses to render a notebook whose metadata.widgets lacks "state".
    state = widgets["application/vnd.jupyter.widget-state+json"]["state"]
    for cell in _code_cells(nb):
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view:
                assert view["model_id"] in state, "widget output without stored state: run `make execute`"
                if "".join(out["data"].get("text/plain", "")).startswith("Interactive figure"):
                    assert "image/png" in out["data"], "live figure without its static PNG fallback"
    figures = [m for m in state.values() if m["model_name"] == "OutputModel"]
    assert figures and all(
        any("image/png" in o.get("data", {}) for o in m["state"]["outputs"]) for m in figures
    ), "an Output widget was stored without its figure"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ignore_output_only_on_widget_cells(path):
    for cell in _code_cells(_nb(path)):
        if "NBVAL_IGNORE_OUTPUT" in "".join(cell["source"]):
            kinds = [o.get("data", {}) for o in cell.get("outputs", [])]
            assert any("application/vnd.jupyter.widget-view+json" in d for d in kinds), (
                "NBVAL_IGNORE_OUTPUT on a cell without a live widget: " + "".join(cell["source"])[:80]
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
    assert any("NBVAL_IGNORE_OUTPUT" in "".join(c["source"]) for c in _code_cells(nb)), "a slider widget"
    assert any("check_" in "".join(c["source"]) for c in _code_cells(nb)), "a checked exercise"
