"""The lesson list: one place that the navigation, the contents page and the
README are generated from.  Add a lesson here, then run `make nav`.

A lesson's title is read from its notebook's first heading
(``# 03 · Temperature and sharpness`` gives "Temperature and sharpness"), so
renaming a lesson means editing only its notebook.  The title written below is
used only while the notebook does not exist yet (the lesson is "coming"), and
for 00-index, whose links say "Contents".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"

# (file name, title until the notebook exists, one line for the contents)
LESSONS = [
    ("00-index.ipynb", "Contents",
     "What is here, how to use the sliders, and what you need to know first."),
    ("01-intuition.ipynb", "From logits to probabilities",
     "Why argmax, per-class sigmoid and divide-by-sum fail, and how softmax's two steps fix them."),
    ("02-exponentiation.ipynb", "Exponentiation: why e^z",
     "Positivity, gaps that grow into ratios, only differences matter, and batches with axis and keepdims."),
    ("03-temperature.ipynb", "Temperature and sharpness",
     "softmax(z/T) from one-hot to uniform, entropy, and sampling words at different temperatures."),
    ("04-stability.ipynb", "The overflow trick",
     "Why exp(1000) breaks the textbook formula and why subtracting the max fixes it; log-sum-exp."),
    ("05-sigmoid.ipynb", "Sigmoid is two-class softmax",
     "softmax([a, b]) = [σ(a−b), σ(b−a)], and when to use one sigmoid, softmax, or many sigmoids."),
    ("06-log-softmax.ipynb", "Log-softmax and cross-entropy",
     "The stable log, cross-entropy from logits, the gradient p − y, and vanishing gradients."),
    ("07-calibration.ipynb", "Overconfidence and calibration",
     "A real classifier's confidence vs its accuracy, ECE, and fixing it with temperature scaling."),
    ("08-softmax-at-work.ipynb", "Softmax at work",
     "Decoding a language model (greedy, temperature, top-k, top-p), perplexity, attention's √d, online softmax."),
]


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
