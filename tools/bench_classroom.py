"""Benchmark of the class report: 300 submissions of one lesson in under 10 s on 2 cores.

Writes a class of scripted learners (``softmax_lib.classroom.scripted``) in
nbgrader's autograded layout, each notebook as heavy as a real one (the book's
stored figures in the cells that draw them, the checkers' feedback in the
exercise cells), then times the whole command a teacher runs,

    python -m softmax_lib.classroom report DIR --out report.html

in a fresh process (imports included), pinned to 2 cores, and prints the time
and its ratio to the 10 s budget.  It prints; it asserts nothing.

    python tools/bench_classroom.py                  # 300 learners of lesson 01
    python tools/bench_classroom.py --learners 600 --lesson 04-stability
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 10.0


def make_class(folder: Path, stem: str, n: int) -> int:
    from softmax_lib.classroom.answer_key import load_keys
    from softmax_lib.classroom.course import class_edition, strip_solutions
    from softmax_lib.classroom.scripted import scripted_class

    key = load_keys(ROOT / "workbook")[stem]
    book = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    released = strip_solutions(class_edition(key))
    size = 0
    for name, nb in scripted_class(key, released, n, seed=1, book=book):
        path = folder / name / stem / f"{stem}.ipynb"
        path.parent.mkdir(parents=True)
        text = json.dumps(nb, indent=1, ensure_ascii=False)
        path.write_text(text, encoding="utf-8")
        size += len(text.encode())
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--lesson", default="01-intuition")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs (the best and all are printed)")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))[:2] if hasattr(os, "sched_getaffinity") else []
    with tempfile.TemporaryDirectory(prefix="softmax-bench-class-") as tmp:
        folder = Path(tmp) / "autograded"
        t0 = time.perf_counter()
        size = make_class(folder, args.lesson, args.learners)
        print(
            f"class: {args.learners} scripted learners of {args.lesson}, {size / 1e6:.0f} MB of notebooks "
            f"({size / args.learners / 1e3:.0f} kB each), written in {time.perf_counter() - t0:.1f} s"
        )
        cmd = [
            sys.executable,
            "-m",
            "softmax_lib.classroom",
            "report",
            str(folder),
            "--out",
            str(Path(tmp) / "report.html"),
        ]
        pin = (lambda: os.sched_setaffinity(0, cores)) if cores else None
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            out = subprocess.run(cmd, capture_output=True, text=True, preexec_fn=pin, cwd=ROOT)
            times.append(time.perf_counter() - t)
            if out.returncode:
                sys.exit(f"the report failed:\n{out.stderr}")
        print(out.stdout.strip().split("\n")[0])
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        best = min(times)
        print(
            f"report command, on {len(cores) or 'all'} cores (load average {load:.1f}): "
            + ", ".join(f"{t:.2f} s" for t in times)
        )
        print(
            f"best {best:.2f} s for {args.learners} submissions = {best / args.learners * 1e3:.1f} ms each; "
            f"budget {BUDGET_S:.0f} s: ratio {best / BUDGET_S:.2f} (below 1 is within budget)"
        )


if __name__ == "__main__":
    main()
