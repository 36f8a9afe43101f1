"""The lesson registry: the one list that says what a lesson is made of.

Every lesson is a number and a slug, and every file that belongs to it is named
from those two, so a reader maps one to the other at a glance:

======================  ==============================================
notebook (the book)     ``notebooks/03-temperature.ipynb``
workbook                ``workbook/03-temperature.ipynb`` (generated)
lesson module           ``softmax_lib/lessons/lesson03_temperature.py``
its tests               ``tests/test_lesson03_temperature.py``
teacher's page          ``docs/teaching/03-temperature.md``
======================  ==============================================

``figures`` names the functions of the lesson module that build its live
figures with no arguments; the redraw tests build each one and drive its
sliders.  Navigation, the contents page, the README's lesson list and every
test that walks "every lesson" read this list.  To add a lesson, see
CONTRIBUTING.md ("Adding a lesson").

A lesson's title is read from its notebook's first heading
(``# 03 · Temperature and sharpness`` gives "Temperature and sharpness"), so
renaming a lesson means editing only its notebook.  ``planned`` is used only
while the notebook does not exist yet (the lesson is "coming"), and for
00-index, whose links say "Contents".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
WORKBOOK = ROOT / "workbook"


@dataclass(frozen=True)
class Lesson:
    """One lesson of the course; every path is derived from ``number`` and ``slug``."""

    number: str
    slug: str
    planned: str
    blurb: str
    figures: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """``"03-temperature.ipynb"``: the notebook's file name, the same in both editions."""
        return f"{self.number}-{self.slug}.ipynb"

    @property
    def stem(self) -> str:
        return f"{self.number}-{self.slug}"

    @property
    def notebook(self) -> Path:
        return NOTEBOOKS / self.name

    @property
    def workbook(self) -> Path:
        return WORKBOOK / self.name

    @property
    def module(self) -> str:
        """``"lesson03_temperature"``, in ``softmax_lib.lessons``."""
        return f"lesson{self.number}_{self.slug.replace('-', '_')}"

    @property
    def module_path(self) -> Path:
        return ROOT / "softmax_lib" / "lessons" / f"{self.module}.py"

    @property
    def test(self) -> Path:
        return ROOT / "tests" / f"test_{self.module}.py"

    @property
    def teaching(self) -> Path | None:
        """The teacher's page (None for the contents page, which has none)."""
        return None if self.is_index else ROOT / "docs" / "teaching" / f"{self.stem}.md"

    @property
    def is_index(self) -> bool:
        return self.number == "00"

    def import_module(self):
        """The lesson module, imported."""
        import importlib

        return importlib.import_module(f"softmax_lib.lessons.{self.module}")


LESSONS: list[Lesson] = [
    Lesson(
        "00",
        "index",
        "Contents",
        "What is here, how to use the sliders, and what you need to know first.",
        figures=("setup_check_widget",),
    ),
    Lesson(
        "01",
        "intuition",
        "From logits to probabilities",
        "Why argmax, per-class sigmoid and divide-by-sum fail, and how softmax's two steps fix them.",
        figures=("widget",),
    ),
    Lesson(
        "02",
        "exponentiation",
        "Exponentiation: why e^z",
        "Positivity, gaps that grow into ratios, logits as log-probabilities, and batches with axis and keepdims.",
        figures=("widget",),
    ),
    Lesson(
        "03",
        "temperature",
        "Temperature and sharpness",
        "softmax(z/T) from one-hot to uniform, entropy, and sampling words at different temperatures.",
        figures=("widget", "sampler_widget"),
    ),
    Lesson(
        "04",
        "stability",
        "The overflow trick",
        "Why exp(1000) breaks the textbook formula and why subtracting the max fixes it; log-sum-exp.",
        figures=("widget",),
    ),
    Lesson(
        "05",
        "sigmoid",
        "Sigmoid is two-class softmax",
        "softmax([a, b]) = [σ(a−b), σ(b−a)], and when to use one sigmoid, softmax, or many sigmoids.",
        figures=("widget",),
    ),
    Lesson(
        "06",
        "log-softmax",
        "Log-softmax and cross-entropy",
        "The stable log, cross-entropy from logits, the gradient p − y, and vanishing gradients.",
        figures=("widget",),
    ),
    Lesson(
        "07",
        "training",
        "Training a softmax classifier",
        "Logits z = xW + b trained with p − y, confidence that keeps growing, the binary loss, label smoothing.",
        figures=("widget",),
    ),
    Lesson(
        "08",
        "calibration",
        "Overconfidence and calibration",
        "A real classifier's confidence vs its accuracy, ECE, and fixing it with temperature scaling.",
        figures=("example_temperature_widget", "example_threshold_widget"),
    ),
    Lesson(
        "09",
        "softmax-at-work",
        "Softmax at work",
        "Decoding a language model (greedy, temperature, top-k, top-p), perplexity, attention's √d, online softmax.",
        figures=("decoding_widget", "attention_widget"),
    ),
]

BY_NAME = {lesson.name: lesson for lesson in LESSONS}


def present() -> list[Lesson]:
    """The lessons whose notebook exists (a planned lesson is "coming")."""
    return [lesson for lesson in LESSONS if lesson.notebook.exists()]


_HEADING = re.compile(r"^#\s+(?:\d\d\s*·\s*)?(?P<title>\S.*?)\s*$")


def heading_title(path: Path) -> str:
    """The title in a notebook's first level-1 heading, without its "NN · " number."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        source = cell.get("source", "")
        for line in ("".join(source) if isinstance(source, list) else source).splitlines():
            m = _HEADING.match(line)
            if m:
                return m.group("title")
    raise ValueError(f"{Path(path).name} has no level-1 heading such as '# 03 · Temperature and sharpness'")


def title(name: str, planned: str, notebooks: Path = NOTEBOOKS) -> str:
    """The title to show for lesson ``name``: its notebook's heading if the
    notebook exists, else ``planned`` (the title in LESSONS)."""
    path = Path(notebooks) / name
    if name == "00-index.ipynb" or not path.exists():
        return planned
    return heading_title(path)
