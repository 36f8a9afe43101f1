"""The class report: one HTML page of a class's answers to one lesson, to project.

``python -m softmax_lib.classroom report DIR --out report.html`` reads every
``.ipynb`` under ``DIR``: nbgrader's ``autograded/`` folder (the checkers' verdicts,
as nbgrader's run stored them: trustworthy), its ``submitted/`` folder or any
folder of saved lesson notebooks (what the learners' own runs stored: a quick
formative look), or a course folder (its ``autograded/``, else its
``submitted/``).  It writes one self-contained page: every figure is an SVG
inside the page as a ``data:`` URI, nothing is fetched, and the type is large
enough to read from the back of a room.

* **Predict**: the class's answers as bars, the right one marked, for peer
  instruction: project, discuss in pairs, predict again.
* **Check yourself**: the share right, and the most common wrong answers
  grouped by the hint the checker gives them.
* **Write it**: the share passing, and the most common first failing case.
* How many have not started (names only with ``names=True``), and every file
  that could not be counted, with the reason.

It never executes a learner's cell and never writes to ``DIR``: answers are
read as literals (:mod:`.submissions`) and checked with the lesson's own
checker; functions are judged only by the verdicts stored in the notebooks,
so a Write-it whose checker cell has no output counts as "not run".
"""

from __future__ import annotations

import base64
import html
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..style import COLORS
from .answer_key import AnswerKey, PredictKey, QuestionKey, WriteItKey, literal, load_keys
from .submissions import BLANK, COMPUTED, LITERAL, MISSING, Submission, read_submission

__all__ = ["write_report", "build_report", "find_notebooks", "ClassReport"]

RIGHT, WRONG, NEUTRAL, NONE = COLORS["right"], COLORS["wrong"], COLORS["logit"], "#b8b8b8"
_IMPORT = re.compile(rb"from softmax_lib\.lessons import (lesson\d\d\w*) as lesson")


# ---------------------------------------------------------------- finding the notebooks
def find_notebooks(root: Path) -> tuple[Path, list[Path]]:
    """The folder actually read and the notebooks under it (hidden folders such as
    ``.ipynb_checkpoints`` skipped).  A course folder is read through its
    ``autograded/`` (or else ``submitted/``) folder."""
    root = Path(root)
    if root.is_file():
        if root.suffix != ".ipynb":
            raise ValueError(f"{root} is not a notebook: pass a folder of .ipynb files (or one .ipynb)")
        return root.parent, [root]
    if not root.is_dir():
        raise FileNotFoundError(
            f"no folder {root}: pass nbgrader's autograded/ or submitted/ folder, "
            "a course folder, or any folder of lesson notebooks"
        )
    if (root / "autograded").is_dir() or (root / "submitted").is_dir():  # an nbgrader course folder
        for sub in ("autograded", "submitted"):
            if (root / sub).is_dir() and any((root / sub).rglob("*.ipynb")):
                root = root / sub
                break
    found = sorted(
        p for p in root.rglob("*.ipynb") if not any(part.startswith(".") for part in p.relative_to(root).parts)
    )
    return root, found


def _lesson_in(raw: bytes) -> str | None:
    m = _IMPORT.search(raw)
    return m.group(1).decode() if m else None


# ---------------------------------------------------------------- answers, normalised
def _choice(value: Any, letters: tuple[str, ...]) -> frozenset[str] | None:
    """A multiple-choice answer as the set of letters it names ('(b)', 'B', {'a', 'c'},
    'a, c'), or None when it names something that is not one of the options."""
    if isinstance(value, str):
        tokens = value.replace(",", " ").replace(";", " ").replace("+", " ").split()
    elif isinstance(value, (set, frozenset, list, tuple)):
        tokens = [str(v) for v in value]
    else:
        return None
    got = {t.strip().strip("()[].'\"").strip().lower() for t in tokens}
    got.discard("")
    if not got or not got <= set(letters):
        return None
    return frozenset(got)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip().replace("−", "-"))
        except ValueError:
            return None
    return None


def _letters_label(letters: frozenset[str]) -> str:
    return " + ".join(sorted(letters))


def _fmt(x: float) -> str:
    return f"{x:.4g}"


# ---------------------------------------------------------------- the tallies
@dataclass
class Bar:
    label: str
    count: int
    kind: str  # "right", "wrong", "neutral", "none"
    note: str = ""  # a hint, shown under the figure
    hidden: str = ""  # the label when the answers are hidden, if the label gives one away


@dataclass
class Tally:
    """One exercise's figure: bars, and words for its alt text and notes."""

    kind: str  # "predict", "question", "write-it"
    name: str  # the checker or the function
    heading: str
    question: str
    bars: list[Bar] = field(default_factory=list)
    total: int = 0
    summary: str = ""


class _Verdicts:
    """Our checkers' verdicts on literal answers, each distinct answer checked once."""

    def __init__(self, key: AnswerKey) -> None:
        self.key = key
        self.cache: dict[tuple[str, str], Any] = {}

    def __call__(self, checker: str, value: Any):
        k = (checker, literal(value) if isinstance(value, (set, frozenset)) else repr(value))
        if k not in self.cache:
            try:
                self.cache[k] = self.key.verdict(checker, value)
            except Exception as err:  # a checker that cannot take this value: show it, do not crash
                from ..checks import Feedback

                self.cache[k] = Feedback(False, f"the checker could not read this answer ({type(err).__name__})")
        return self.cache[k]


def _tally_predict(p: PredictKey, subs: list[Submission], verdicts: _Verdicts, number: int = 1) -> Tally:
    t = Tally("predict", p.checker, f"Predict {number}", p.question, total=len(subs))
    counts: Counter = Counter()
    right: dict[Any, bool] = {}
    others: Counter = Counter()
    blank = computed = 0
    for s in subs:
        a = s.predictions.get(p.checker)
        if a is None or a.state in (MISSING, BLANK):
            blank += 1
            continue
        if a.state == COMPUTED:
            computed += 1
            continue
        if p.options:
            c = _choice(a.value, p.letters)
            if c is None:
                others[repr(a.value)[:30]] += 1
                continue
            counts[c] += 1
            if c not in right:
                value = next(iter(c)) if len(c) == 1 else set(c)
                right[c] = verdicts(p.checker, value).ok is True
        else:
            x = _number(a.value)
            if x is None:
                others[repr(a.value)[:30]] += 1
                continue
            counts[x] += 1
            if x not in right:
                right[x] = verdicts(p.checker, x).ok is True
    if p.options:
        singles = [frozenset(letter) for letter in p.letters]
        order = singles + sorted((c for c in counts if c not in singles), key=lambda c: (-counts[c], sorted(c)))
        text = dict(p.options)
        for c in order:
            if c in singles:
                label = f"({next(iter(c))}) {text[next(iter(c))]}"
            else:
                label = _letters_label(c)
            ok = right.get(c)
            if ok is None:
                value = next(iter(c)) if len(c) == 1 else set(c)
                ok = verdicts(p.checker, value).ok is True
            t.bars.append(Bar(label, counts.get(c, 0), "right" if ok else "wrong"))
    else:
        t.bars.extend(_number_bars(counts, right))
    if others:
        t.bars.append(
            Bar(
                "not one of the options: " + ", ".join(f"{v} ×{n}" for v, n in others.most_common(3)),
                sum(others.values()),
                "wrong",
            )
        )
    if computed:
        t.bars.append(Bar("an expression, not a value", computed, "none"))
    t.bars.append(Bar("no prediction", blank, "none"))
    n_right = sum(b.count for b in t.bars if b.kind == "right")
    answered = t.total - blank
    t.summary = f"{answered} of {t.total} predicted; {n_right} right" + (
        f" ({n_right / answered:.0%} of those who predicted)" if answered else ""
    )
    return t


def _number_bars(counts: Counter, right: dict[float, bool]) -> list[Bar]:
    """Bars for numeric answers: one per value when there are few, else ranges."""
    values = sorted(counts)
    if len(values) <= 8:
        return [Bar(_fmt(v), counts[v], "right" if right[v] else "wrong") for v in values]
    import numpy as np

    flat = np.repeat(values, [counts[v] for v in values])
    lo, hi = np.percentile(flat, [5, 95])
    if lo == hi:
        lo, hi = min(values), max(values)
    step = 10.0 ** np.floor(np.log10((hi - lo) / 6))  # a round width: 1, 2, 2.5 or 5 times a power of 10
    step = next(m * step for m in (1, 2, 2.5, 5, 10) if (hi - lo) / (m * step) <= 6)
    lo, hi = np.floor(lo / step) * step, np.ceil(hi / step) * step
    edges = np.arange(lo, hi + step / 2, step)
    bars = []
    below = [v for v in values if v < lo]
    above = [v for v in values if v > hi]
    if below:
        bars.append(
            Bar(
                f"below {_fmt(lo)}", sum(counts[v] for v in below), "right" if any(right[v] for v in below) else "wrong"
            )
        )
    for a, b in zip(edges[:-1], edges[1:]):
        inside = [v for v in values if a <= v < b or (b == edges[-1] and v == b)]
        n = sum(counts[v] for v in inside)
        n_right = sum(counts[v] for v in inside if right[v])
        if n_right and n_right < n:  # a range holding right and wrong answers: two bars
            bars.append(Bar(f"{_fmt(a)} to {_fmt(b)}, right", n_right, "right"))
            bars.append(Bar(f"{_fmt(a)} to {_fmt(b)}, wrong", n - n_right, "wrong"))
        else:
            bars.append(Bar(f"{_fmt(a)} to {_fmt(b)}", n, "right" if n_right else "wrong"))
    if above:
        bars.append(
            Bar(
                f"above {_fmt(hi)}", sum(counts[v] for v in above), "right" if any(right[v] for v in above) else "wrong"
            )
        )
    return bars


def _show(value: Any, letters: tuple[str, ...] = ()) -> str:
    """An answer as the report shows it: ``a + c`` for letters, ``0.79`` for a number."""
    if letters:
        chosen = _choice(value, letters)
        if chosen is not None:
            return _letters_label(chosen)
    if isinstance(value, (set, frozenset)):
        return literal(value)
    if isinstance(value, float):
        return _fmt(value)
    text = repr(value)
    return text if len(text) <= 24 else text[:21] + "..."


def _tally_question(
    q: QuestionKey, subs: list[Submission], verdicts: _Verdicts, right: Any = None, top: int = 4
) -> Tally:
    t = Tally("question", q.checker, f"Check yourself, Q{q.number}", q.question, total=len(subs))
    n_right = blank = not_run = 0
    groups: dict[str, Counter] = defaultdict(Counter)  # hint -> answers
    for s in subs:
        a = s.answers.get(q.checker)
        if a is None or a.state in (MISSING, BLANK):
            blank += 1
            continue
        if a.state == LITERAL:
            fb = verdicts(q.checker, a.value)
            ok, hint, shown = fb.ok, (fb.detail or fb.title), _show(a.value, q.letters)
        elif a.stored is not None:  # an expression: what the checker printed when the learner ran it
            ok, hint, shown = a.stored.ok, (a.stored.detail or a.stored.title), a.source[:24] or "(an expression)"
        else:
            not_run += 1
            continue
        if ok is True:
            n_right += 1
        elif ok is None:
            blank += 1
        else:
            groups[hint][shown] += 1
    t.bars.append(
        Bar("right" if right is None else f"right: {_show(right, q.letters)}", n_right, "right", hidden="right")
    )
    ranked = sorted(groups.items(), key=lambda kv: -sum(kv[1].values()))
    for hint, answers in ranked[:top]:
        if len(answers) == 1:
            label = next(iter(answers))
        else:
            label = ", ".join(f"{v} ×{n}" for v, n in answers.most_common(3))
            if len(answers) > 3:
                label += f" and {len(answers) - 3} more"
        t.bars.append(Bar(label, sum(answers.values()), "wrong", note=hint))
    rest = ranked[top:]
    if rest:
        t.bars.append(
            Bar(f"other wrong answers ({len(rest)} different hints)", sum(sum(a.values()) for _, a in rest), "wrong")
        )
    if not_run:
        t.bars.append(Bar("an expression, cell not run", not_run, "none"))
    t.bars.append(Bar("no answer", blank, "none"))
    wrong = sum(sum(a.values()) for a in groups.values())
    t.summary = (f"{n_right} of {t.total} right ({n_right / t.total:.0%})" if t.total else "no submissions") + (
        f"; {wrong} answered wrong" if wrong else ""
    )
    return t


def _tally_write_it(w: WriteItKey, subs: list[Submission], top: int = 5) -> Tally:
    title = f"Write it: {w.title}" if w.title else f"Write it: {w.function}"
    t = Tally("write-it", w.function, title, f"def {w.function}(...), checked by lesson.{w.checker}", total=len(subs))
    passed = not_run = unchanged = 0
    groups: Counter = Counter()
    hints: dict[str, str] = {}
    for s in subs:
        r = s.write_its.get(w.function)
        if r is None or r.state == "not run":
            not_run += 1
            continue
        if r.state == "passed":
            passed += 1
            continue
        if not r.changed:  # the starting code, run as it was given: not an attempt
            unchanged += 1
            continue
        first = r.stored.first_failure if r.stored else "?"
        mistake = r.stored.mistake if r.stored else ""
        # the first failing case and what went wrong there; or what stopped the checker (an error, a signature)
        key = f"fails {first}, {mistake}" if mistake else (f"fails {first}" if r.stored and r.stored.rows else first)
        groups[key] += 1
        if key not in hints and r.stored is not None:
            note = r.stored.detail or r.stored.title
            hints[key] = "" if note in key else note
    t.bars.append(Bar("passed every case", passed, "right"))
    for key, n in groups.most_common(top):
        t.bars.append(Bar(key, n, "wrong", note=hints.get(key, "")))
    rest = groups.most_common()[top:]
    if rest:
        t.bars.append(Bar(f"fails otherwise ({len(rest)} other first failures)", sum(n for _, n in rest), "wrong"))
    t.bars.append(Bar("starting code, unchanged", unchanged, "none"))
    t.bars.append(Bar("not run (no checker output saved)", not_run, "none"))
    failed = sum(groups.values())
    t.summary = (f"{passed} of {t.total} pass ({passed / t.total:.0%})" if t.total else "no submissions") + (
        f"; {failed} changed the function and fail a case" if failed else ""
    )
    return t


# ---------------------------------------------------------------- figures
_SVG_W, _ROW, _BAR_H, _FONT = 1400, 100, 40, 30
_SVG_FONT = "DejaVu Sans, Segoe UI, Helvetica, Arial, sans-serif"


def _svg_bars(t: Tally, answers: bool) -> tuple[str, str]:
    """The tally as horizontal bars, each under its label with its count at its end: an SVG
    written here (no plotting library: it draws in microseconds and its text stays text)
    as a ``data:`` URI, and its alt text."""
    esc = html.escape
    colours = {"right": RIGHT, "wrong": WRONG, "neutral": NEUTRAL, "none": NONE}
    top_count = max([b.count for b in t.bars] + [1])
    bar_w = _SVG_W * 0.8
    height = 8 + _ROW * len(t.bars)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_SVG_W} {height}" width="{_SVG_W}" '
        f'height="{height}" font-family="{_SVG_FONT}" font-size="{_FONT}">',
        f"<title>{esc(t.heading)}</title>",
    ]
    alt_parts = []
    for i, b in enumerate(t.bars):
        y = 8 + i * _ROW
        mark = answers and b.kind == "right"
        label = b.hidden if b.hidden and not answers else b.label
        shown = ("✓ " if mark else "") + (label if len(label) <= 82 else label[:80] + "…")
        colour = colours[b.kind] if answers or b.kind == "none" else NEUTRAL
        width = b.count / top_count * bar_w
        share = f" ({b.count / t.total:.0%})" if t.total else ""
        weight = ' font-weight="bold"' if mark else ""
        parts.append(f'<text x="0" y="{y + 32}" fill="#1a1a1a"{weight}><title>{esc(label)}</title>{esc(shown)}</text>')
        if b.count:
            parts.append(f'<rect x="0" y="{y + 44}" width="{max(width, 4):.1f}" height="{_BAR_H}" fill="{colour}"/>')
        else:
            parts.append(f'<rect x="0" y="{y + 44}" width="3" height="{_BAR_H}" fill="#888888"/>')
        parts.append(
            f'<text x="{max(width, 4) + 14:.1f}" y="{y + 44 + 31}" font-weight="bold" fill="#1a1a1a">'
            f"{b.count}{share}</text>"
        )
        alt_parts.append(f"{'right: ' if mark else ''}{label}: {b.count}")
    parts.append("</svg>")
    svg = "\n".join(parts)
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
    alt = f"{t.heading}. {t.summary}. Bars: " + "; ".join(alt_parts) + "."
    return uri, alt


# ---------------------------------------------------------------- the report
@dataclass
class ClassReport:
    key: AnswerKey
    root: Path
    counted: list[Submission]
    problems: list[Submission]
    older: list[Submission]
    tallies: list[Tally]
    seconds: float = 0.0

    @property
    def not_started(self) -> list[Submission]:
        return [s for s in self.counted if not s.started]

    @property
    def cleared(self) -> list[Submission]:
        return [s for s in self.counted if s.started and not s.has_outputs]


def build_report(dir: str | Path, *, lesson: str | None = None, workbook: str | Path | None = None) -> ClassReport:
    """Read the notebooks under ``dir`` and tally one lesson (the most common one by default)."""
    start = time.perf_counter()
    keys = load_keys(workbook)
    modules = {k.module: stem for stem, k in keys.items()}
    root, paths = find_notebooks(Path(dir))
    if not paths:
        raise ValueError(f"no .ipynb files under {root}")
    if lesson is None:
        seen: Counter = Counter()
        for path in paths:
            try:
                module = _lesson_in(path.read_bytes())
            except OSError:
                continue
            if module in modules:
                seen[modules[module]] += 1
        if not seen:
            raise ValueError(
                f"none of the {len(paths)} notebooks under {root} is a lesson with exercises "
                f"({', '.join(keys)}); pass --lesson NN if their setup cells were changed"
            )
        stem = seen.most_common(1)[0][0]
    else:
        number = lesson.zfill(2) if lesson.isdigit() else None
        matches = [s for s in keys if s == lesson or s[:2] == number]
        if not matches:
            raise ValueError(f"no lesson {lesson!r} with exercises; choose from {', '.join(keys)}")
        stem = matches[0]
    key = keys[stem]
    subs = [read_submission(path, root, key, modules) for path in paths]
    problems = [s for s in subs if s.problem]
    valid = [s for s in subs if not s.problem]
    newest: dict[str, Submission] = {}
    older = []
    for s in sorted(valid, key=lambda s: (s.learner, -s.mtime, str(s.path))):
        if s.learner in newest:
            older.append(s)
        else:
            newest[s.learner] = s
    counted = sorted(newest.values(), key=lambda s: s.learner)
    verdicts = _Verdicts(key)
    tallies = [_tally_predict(p, counted, verdicts, k) for k, p in enumerate(key.predicts, 1)]
    tallies += [_tally_write_it(w, counted) for w in key.write_its]
    tallies += [_tally_question(q, counted, verdicts, key.right_answer(q)) for q in key.questions]
    return ClassReport(key, root, counted, problems, older, tallies, time.perf_counter() - start)


_CSS = """
body { font-family: "DejaVu Sans", "Segoe UI", system-ui, sans-serif; font-size: 26px; line-height: 1.4;
       color: #1a1a1a; background: #fff; max-width: 1500px; margin: 0 auto; padding: 0.5em 1em 3em; }
h1 { font-size: 1.9em; margin: 0.3em 0; }
h2 { font-size: 1.45em; margin: 1.6em 0 0.3em; padding-top: 0.6em; border-top: 4px solid #ddd; }
.question { font-size: 1.15em; margin: 0.2em 0 0.4em; }
.summary { font-size: 1.05em; color: #333; margin: 0.2em 0 0.5em; }
.big { display: flex; gap: 1.2em; flex-wrap: wrap; margin: 0.6em 0; }
.big div { background: #f2f5f8; border-radius: 10px; padding: 0.4em 0.8em; }
.big b { font-size: 1.8em; display: block; }
img { width: 100%; height: auto; display: block; }
ol.hints { font-size: 0.95em; } ol.hints li { margin: 0.3em 0; }
.hint-label { font-weight: bold; color: #8a3b00; }
table { border-collapse: collapse; font-size: 0.8em; } td, th { padding: 0.2em 0.6em; border-bottom: 1px solid #ddd;
  text-align: left; vertical-align: top; }
.muted { color: #555; font-size: 0.85em; }
@media print { h2 { page-break-before: always; } }
"""


def render_html(rep: ClassReport, *, names: bool = False, answers: bool = True) -> str:
    key = rep.key
    esc = html.escape
    n = len(rep.counted)
    not_started = rep.not_started
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Class report: {esc(key.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>Class report: {esc(key.title)}</h1>",
        f'<p class="muted">{n} learners\' notebooks read from <code>{esc(str(rep.root))}</code> on '
        f"{time.strftime('%Y-%m-%d %H:%M')}. Nothing was run: answers are read as written and checked with the "
        "lesson's checkers; functions are judged by the checker output saved in each notebook.</p>",
        '<div class="big">',
        f"<div><b>{n}</b>notebooks counted</div>",
        f"<div><b>{n - len(not_started)}</b>started</div>",
        f"<div><b>{len(not_started)}</b>not started</div>",
        f"<div><b>{len(rep.problems) + len(rep.older)}</b>files not counted</div>",
        "</div>",
    ]
    if not answers:
        out.append(
            '<p class="summary">Right answers and hints are hidden (<code>--no-answers</code>): '
            "discuss, then predict again.</p>"
        )
    for t in rep.tallies:
        uri, alt = _svg_bars(t, answers)
        out.append(f'<section id="{esc(t.name)}"><h2>{esc(t.heading)}</h2>')
        out.append(f'<p class="question">{esc(t.question)}</p>')
        if answers or t.kind != "predict":
            out.append(f'<p class="summary">{esc(t.summary)}</p>')
        out.append(f'<img src="{uri}" alt="{esc(alt)}">')
        notes = [b for b in t.bars if b.note]
        if notes and answers:
            out.append('<ol class="hints">')
            for b in notes:
                out.append(f'<li><span class="hint-label">{esc(b.label)}</span>: {esc(b.note)}</li>')
            out.append("</ol>")
        out.append("</section>")
    out.append('<section id="not-started"><h2>Not started</h2>')
    out.append(
        f'<p class="summary">{len(not_started)} of {n} notebooks have no prediction, no answer and an '
        "unchanged starting function.</p>"
    )
    if names and not_started:
        out.append("<p>" + esc(", ".join(s.learner for s in not_started)) + "</p>")
    elif not_started:
        out.append('<p class="muted">Names are shown only with <code>--names</code>.</p>')
    if rep.cleared:
        out.append(
            f'<p class="summary">{len(rep.cleared)} started notebooks have no outputs saved (cleared, or '
            "never run): their Write-its count as not run.</p>"
        )
        if names:
            out.append("<p>" + esc(", ".join(s.learner for s in rep.cleared)) + "</p>")
    out.append("</section>")
    out.append('<section id="files"><h2>Files not counted</h2>')
    skipped = rep.problems + rep.older
    if not skipped:
        out.append('<p class="summary">None: every notebook was read.</p>')
    else:
        kinds = Counter(s.problem.split(":")[0] if s.problem else "an older copy" for s in skipped)
        out.append('<p class="summary">' + esc("; ".join(f"{k}: {v}" for k, v in kinds.most_common())) + "</p>")
        out.append("<table><tr><th>file</th><th>why it was not counted</th></tr>")
        for i, s in enumerate(skipped, 1):
            where = str(s.path.relative_to(rep.root)) if names else f"file {i}"
            why = s.problem or (
                f"an older copy: {s.learner}'s newest notebook of this lesson was counted"
                if names
                else "an older copy: the same learner's newest notebook of this lesson was counted"
            )
            out.append(f"<tr><td>{esc(where)}</td><td>{esc(why)}</td></tr>")
        out.append("</table>")
        if not names:
            out.append('<p class="muted">File names are shown only with <code>--names</code>.</p>')
    out.append("</section></body></html>")
    return "\n".join(out) + "\n"


def write_report(
    dir: str | Path,
    out: str | Path,
    *,
    lesson: str | None = None,
    names: bool = False,
    answers: bool = True,
    workbook: str | Path | None = None,
) -> str:
    """Build the report and write it to ``out``; return a one-paragraph summary."""
    out = Path(out)
    root = Path(dir).resolve()
    if out.resolve().is_relative_to(root) and out.suffix == ".ipynb":
        raise ValueError(f"--out {out} would be read as a notebook of the class: write the report to an .html file")
    rep = build_report(dir, lesson=lesson, workbook=workbook)
    page = render_html(rep, names=names, answers=answers)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    lines = [
        f"wrote {out} ({len(page) / 1e3:.0f} kB): {rep.key.stem}, {len(rep.counted)} notebooks counted, "
        f"{len(rep.not_started)} not started, {len(rep.problems) + len(rep.older)} files not counted "
        f"(read in {rep.seconds:.1f} s)"
    ]
    for t in rep.tallies:
        lines.append(f"  {t.heading}: {t.summary}")
    return "\n".join(lines)
