"""The class report (``python -m softmax_lib.classroom report DIR --out report.html``).

A class of scripted learners of lesson 01 (``softmax_lib.classroom.scripted``):
all right, typical mistakes, blank, the workbook edition done right, a right
notebook saved without outputs, and a learner whose answer and function would
write a file if anyone ran them, plus broken files.  Their outputs are what a
run stores, made by our own checkers (``simulate_run``); the round trip with the
real nbgrader (``tests/test_classroom_nbgrader.py``) reads notebooks nbgrader
executed.  The tests assert the numbers, that nothing is run or changed, and
that the page stands alone.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from lessons import ROOT
from softmax_lib.classroom.__main__ import main
from softmax_lib.classroom.answer_key import load_keys
from softmax_lib.classroom.course import class_edition, strip_solutions
from softmax_lib.classroom.report import build_report, write_report
from softmax_lib.classroom.scripted import fill, profile, simulate_run

KEYS = load_keys(ROOT / "workbook")
KEY = KEYS["01-intuition"]
BOOK = json.loads((ROOT / "notebooks" / "01-intuition.ipynb").read_text())
RELEASED = strip_solutions(class_edition(KEY))
WORKBOOK = json.loads((ROOT / "workbook" / "01-intuition.ipynb").read_text())
LESSON = "01-intuition/01-intuition.ipynb"


def learner(kind: str, nb: dict = RELEASED, autograded: bool = True) -> dict:
    return simulate_run(fill(nb, KEY, **profile(KEY, kind)), KEY, book=BOOK, autograded=autograded)


def sneaky(marker: Path) -> dict:
    """Answers that would write ``marker`` if the report ran a learner's code."""
    nb = copy.deepcopy(RELEASED)
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if source.startswith("answer_q1 = None"):
            cell["source"] = source.replace(
                "answer_q1 = None",
                f"answer_q1 = __import__('pathlib').Path({str(marker)!r}).write_text('ran') and 0.79",
            )
        if source.startswith("def logits_from_probs"):
            cell["source"] = (
                f"open({str(marker)!r}, 'w').write('ran')\n"
                "def logits_from_probs(p):\n"
                f"    open({str(marker)!r}, 'w').write('ran')\n"
                "    return np.log(p)\n\n"
                "lesson.check_logits_from_probs(logits_from_probs)"
            )
    return nb


def write(path: Path, content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content)
    else:
        path.write_text(json.dumps(content))


@pytest.fixture(scope="module")
def klass(tmp_path_factory):
    """nbgrader's autograded/ layout: autograded/<learner>/01-intuition/01-intuition.ipynb."""
    root = tmp_path_factory.mktemp("class") / "autograded"
    marker = root.parent / "PWNED"
    right = learner("right")
    write(root / "right" / LESSON, right)
    write(root / "typical" / LESSON, learner("typical"))
    write(root / "blank" / LESSON, learner("blank"))
    write(root / "wbright" / "01-intuition.ipynb", learner("right", WORKBOOK, autograded=False))
    cleared = copy.deepcopy(right)
    for cell in cleared["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    write(root / "cleared" / LESSON, cleared)
    write(root / "sneaky" / LESSON, sneaky(marker))
    # an older copy of right's notebook, and broken or foreign files
    older = root / "right" / "01-intuition" / "01-intuition-Copy1.ipynb"
    write(older, learner("typical"))
    os.utime(older, (1_000_000_000, 1_000_000_000))
    write(root / "eve" / LESSON, '{"cells": [')  # cut short
    write(root / "fay" / LESSON, b"\x89PNG\r\n\x1a\n\x00\x00")  # a picture named .ipynb
    write(root / "gus" / LESSON, "")
    write(root / "hal" / LESSON, {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    write(root / "ida" / LESSON, [1, 2, 3])
    write(
        root / "jo" / "04-stability" / "04-stability.ipynb",
        json.loads((ROOT / "workbook" / "04-stability.ipynb").read_text()),
    )
    write(
        root / "kim" / "notes.ipynb",
        {
            "cells": [{"cell_type": "code", "source": "print('hi')", "metadata": {}, "outputs": []}],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
    )
    write(root / "right" / "01-intuition" / ".ipynb_checkpoints" / "01-intuition-checkpoint.ipynb", "garbage")
    return root, marker


def snapshot(root: Path) -> dict[str, tuple[str, int]]:
    return {
        str(p.relative_to(root)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def bars(rep, name: str) -> dict[str, tuple[int, str]]:
    tally = next(t for t in rep.tallies if t.name == name)
    return {b.label: (b.count, b.kind) for b in tally.bars}


def test_the_class_in_numbers(klass):
    root, marker = klass
    before = snapshot(root)
    rep = build_report(root.parent)  # the course folder: its autograded/ is read
    assert rep.root == root
    assert [s.learner for s in rep.counted] == ["blank", "cleared", "right", "sneaky", "typical", "wbright"]
    assert [s.learner for s in rep.not_started] == ["blank"]
    assert [s.learner for s in rep.cleared] == ["cleared", "sneaky"]  # no outputs saved: cleared, or never run
    assert bars(rep, "predict_shift") == {
        "(a) all three go up": (1, "wrong"),
        "(b) none of them changes": (3, "right"),
        "(c) the cat's goes up and the other two go down": (0, "wrong"),
        "no prediction": (2, "none"),
    }
    assert bars(rep, "predict_misprint") == {
        "(a) yes, it looks plausible": (1, "wrong"),
        "(b) no: the entries do not add up to 1": (0, "wrong"),
        "(c) no: the largest probability is not on the largest logit": (0, "wrong"),
        "b + c": (3, "right"),
        "no prediction": (2, "none"),
    }
    assert bars(rep, "predict_slope") == {  # the typical learner left it blank
        "(a) still about 0.2": (0, "wrong"),
        "(b) tiny but above 0": (0, "wrong"),
        "(c) exactly 0": (3, "right"),
        "no prediction": (3, "none"),
    }
    assert bars(rep, "logits_from_probs") == {
        "passed every case": (2, "right"),  # right (autograded) and wbright (the workbook's own checker cell)
        "fails the animals' probabilities [0.659, 0.242, 0.099], which are the probabilities themselves: "
        "softmax(p) is not p, undo step 1 first": (
            1,
            "wrong",
        ),  # typical: returns p itself
        "starting code, unchanged": (1, "none"),  # blank: nbgrader ran the starting code
        "not run (no checker output saved)": (2, "none"),
    }  # cleared, and sneaky (never run, and never run here)
    write_it = next(t for t in rep.tallies if t.name == "logits_from_probs")
    assert "probabilities themselves" in next(b.label for b in write_it.bars if b.label.startswith("fails"))
    q1 = next(t for t in rep.tallies if t.name == "check_q1")
    assert [(b.label, b.count, b.kind) for b in q1.bars] == [
        ("right: 0.79", 3, "right"),
        ("1.33", 1, "wrong"),
        ("an expression, cell not run", 1, "none"),
        ("no answer", 1, "none"),
    ]
    assert "dividing the logits by their sum" in q1.bars[1].note  # the checker's own hint for 1.33
    assert bars(rep, "check_q2") == {"right: a + c": (4, "right"), "no answer": (2, "none")}
    problems = {str(s.path.relative_to(root)): s.problem for s in rep.problems}
    assert problems == {
        f"eve/{LESSON}": problems[f"eve/{LESSON}"],
        f"fay/{LESSON}": problems[f"fay/{LESSON}"],
        f"gus/{LESSON}": "empty file (0 bytes)",
        f"hal/{LESSON}": "empty notebook (no cells)",
        f"ida/{LESSON}": "unreadable: JSON, but not a notebook (no list of cells)",
        "jo/04-stability/04-stability.ipynb": "another lesson: 04-stability",
        "kim/notes.ipynb": "not a lesson notebook (no `from softmax_lib.lessons import ... as lesson`)",
    }
    assert problems[f"eve/{LESSON}"].startswith("unreadable: not a notebook (invalid JSON")
    assert problems[f"fay/{LESSON}"].startswith("unreadable: not a notebook")
    assert [str(s.path.relative_to(root)) for s in rep.older] == ["right/01-intuition/01-intuition-Copy1.ipynb"]
    # it read, and neither ran nor changed anything
    assert not marker.exists(), "the report ran a learner's code"
    assert snapshot(root) == before


def test_the_page_stands_alone_and_names_no_one_by_default(klass, tmp_path):
    root, _ = klass
    out = tmp_path / "report.html"
    summary = write_report(root, out)
    assert "6 notebooks counted, 1 not started, 8 files not counted" in summary
    page = out.read_text()
    assert not re.search(r"<(script|link|iframe)\b", page) and not re.search(r"(src|href)=\"(?!data:)", page)
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', page)
    assert len(images) == len(KEY.predicts) + len(KEY.write_its) + len(KEY.questions) == page.count("<img ")
    for data, alt in images:
        svg = base64.b64decode(data).decode()
        assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox=') and svg.endswith("</svg>")
        assert "href" not in svg and "<image" not in svg and "<script" not in svg  # nothing outside the picture
        assert re.search(r"\d", alt)  # the numbers, for a screen reader
    assert "font-size: 26px" in page  # projector-sized
    for name in ("blank", "typical", "sneaky", "eve", "jo"):
        assert not re.search(rf"\b{name}\b", page), f"{name} is named without --names"
    assert "Names are shown only with <code>--names</code>" in page
    named = tmp_path / "named.html"
    write_report(root, named, names=True)
    page = named.read_text()
    assert "<p>blank</p>" in page and "<p>cleared, sneaky</p>" in page and "eve/01-intuition/01-intuition.ipynb" in page


def test_no_answers_hides_the_right_answers_for_the_first_vote(klass, tmp_path):
    root, _ = klass
    out = tmp_path / "vote.html"
    assert main(["report", str(root), "--out", str(out), "--no-answers"]) == 0
    page = out.read_text()
    assert "✓" not in page and "dividing the logits by their sum" not in page and "right: 0.79" not in page
    assert "discuss, then predict again" in page


def test_lesson_choice_and_errors(klass, tmp_path, capsys):
    root, _ = klass
    rep = build_report(root, lesson="04")
    assert rep.key.stem == "04-stability" and [s.learner for s in rep.counted] == ["jo"]
    assert all(s.problem.startswith("another lesson: 01-intuition") for s in rep.problems if s.lesson == "01-intuition")
    assert main(["report", str(tmp_path / "nowhere"), "--out", str(tmp_path / "r.html")]) == 2
    assert "no folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["report", str(tmp_path / "empty"), "--out", str(tmp_path / "r.html")]) == 2
    assert "no .ipynb files under" in capsys.readouterr().err
    assert main(["report", str(root), "--out", str(tmp_path / "r.html"), "--lesson", "77"]) == 2
    assert "no lesson '77' with exercises; choose from" in capsys.readouterr().err
    write(tmp_path / "junk" / "a.ipynb", "not json")
    assert main(["report", str(tmp_path / "junk"), "--out", str(tmp_path / "r.html")]) == 2
    assert "none of the 1 notebooks" in capsys.readouterr().err


def test_only_broken_files_of_the_lesson_still_give_a_page(tmp_path):
    write(tmp_path / "a" / "01-intuition.ipynb", "{")
    write(tmp_path / "b" / "01-intuition.ipynb", "")
    out = tmp_path / "r.html"
    assert "0 notebooks counted" in write_report(tmp_path, out, lesson="01")
    assert "files not counted" in out.read_text()


@pytest.mark.browser
def test_the_page_reads_offline_in_chromium(klass, tmp_path):
    """Every figure decodes with the network cut off; a screenshot for a person to look at
    goes to test-artifacts/classroom/report.png."""
    chromium = os.environ.get("SOFTMAX_BROWSER_CHROMIUM", "/usr/bin/chromium")
    if not Path(chromium).exists():
        if os.environ.get("SOFTMAX_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium missing at {chromium}")
        pytest.skip(f"Chromium not installed ({chromium}): apt-get install chromium")
    from playwright.sync_api import sync_playwright

    root, _ = klass
    out = tmp_path / "report.html"
    write_report(root, out)
    artifacts = ROOT / "test-artifacts" / "classroom"
    artifacts.mkdir(parents=True, exist_ok=True)
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(viewport={"width": 1600, "height": 900})

        def route(r):
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.goto(out.as_uri(), wait_until="load")
        images = page.evaluate("() => [...document.images].map(i => [i.complete, i.naturalWidth, i.naturalHeight])")
        font = page.evaluate("() => getComputedStyle(document.body).fontSize")
        page.screenshot(path=str(artifacts / "report.png"), full_page=True)
        browser.close()
    assert blocked == []
    assert len(images) == 6 and all(done and w == 1400 and h > 200 for done, w, h in images), images
    assert font == "26px"


def test_numeric_predictions_are_grouped_into_ranges_with_the_right_ones_marked():
    """Lesson 03's banana Predict asks for a count: 40 learners' numbers, one of them absurd."""
    from softmax_lib.classroom.report import _tally_predict, _Verdicts
    from softmax_lib.classroom.submissions import LITERAL, Answer, Submission

    key = KEYS["03-temperature"]
    p = next(p for p in key.predicts if not p.options and "banana" in p.checker)
    values = [float(v) for v in range(1, 40)] + [1e6]
    subs = [
        Submission(Path(f"{i}.ipynb"), f"l{i}", predictions={p.checker: Answer(LITERAL, v)})
        for i, v in enumerate(values)
    ]
    subs.append(Submission(Path("x.ipynb"), "x"))  # no prediction
    tally = _tally_predict(p, subs, _Verdicts(key), 4)
    assert sum(b.count for b in tally.bars) == len(subs) == tally.total
    right = sum(key.verdict(p.checker, v).ok is True for v in values)
    assert 0 < right < len(values)
    assert sum(b.count for b in tally.bars if b.kind == "right") == right
    assert tally.bars[-2].label.startswith("above ") and tally.bars[-2].count >= 1  # 1e6 is out of the range
    assert tally.bars[-1].label == "no prediction" and tally.bars[-1].count == 1
    assert len(tally.bars) <= 11
