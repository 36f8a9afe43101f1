"""``python -m softmax_lib.classroom nbgrader COURSE_DIR`` and ``... report DIR --out report.html``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m softmax_lib.classroom",
        description="Teach a class with the lessons: an nbgrader course made from the workbook, "
        "and a class report to project.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="{nbgrader,report}")

    nbg = sub.add_parser(
        "nbgrader",
        help="write an nbgrader course (nbgrader_config.py and source/NN-slug/NN-slug.ipynb)",
        description="Write COURSE_DIR/nbgrader_config.py (only if missing) and COURSE_DIR/source/NN-slug/"
        "NN-slug.ipynb for every lesson with exercises, made from the workbook. Then, in "
        "COURSE_DIR: nbgrader generate_assignment NN-slug, and on (docs/teaching.md).",
    )
    nbg.add_argument("course_dir", metavar="COURSE_DIR", help="the nbgrader course folder (created if missing)")
    nbg.add_argument(
        "--lesson",
        action="append",
        default=[],
        metavar="NN",
        help="only this lesson (number or NN-slug); repeat for more. Default: every lesson",
    )
    nbg.add_argument("--course-id", default="softmax", help="nbgrader's course id (default: softmax)")
    nbg.add_argument("--write-it-points", type=float, default=None, help="points per Write-it (default 3)")
    nbg.add_argument(
        "--question-points", type=float, default=None, help="points per check-yourself question (default 1)"
    )
    nbg.add_argument(
        "--workbook",
        type=Path,
        default=None,
        help="the workbook folder to read (default: workbook/ of this repository)",
    )
    nbg.add_argument("--force", action="store_true", help="overwrite source notebooks that differ (edited ones too)")

    rep = sub.add_parser(
        "report",
        help="one HTML page of the class's answers, to project",
        description="Read a class's notebooks of one lesson (nbgrader's submitted/ or autograded/ folder, "
        "the course folder itself, or any folder of lesson notebooks) and write one "
        "self-contained HTML page. It never runs a learner's code and never changes a notebook.",
    )
    rep.add_argument("dir", metavar="DIR", type=Path, help="the folder to read (searched recursively)")
    rep.add_argument("--out", type=Path, required=True, help="the HTML file to write, e.g. report.html")
    rep.add_argument(
        "--lesson",
        default=None,
        metavar="NN",
        help="the lesson to report (number or NN-slug); default: the one most notebooks are",
    )
    rep.add_argument(
        "--names",
        action="store_true",
        help="name the learners who have not started and the files with problems (default: counts)",
    )
    rep.add_argument(
        "--no-answers",
        action="store_true",
        help="do not mark the right answers nor show hints: for projecting before the discussion",
    )
    rep.add_argument(
        "--workbook", type=Path, default=None, help="the workbook folder (default: workbook/ of this repository)"
    )

    args = parser.parse_args(argv)
    try:
        if args.command == "nbgrader":
            from .course import QUESTION_POINTS, WRITE_IT_POINTS, write_course

            done = write_course(
                args.course_dir,
                workbook=args.workbook,
                lessons=args.lesson,
                force=args.force,
                course_id=args.course_id,
                write_it_points=WRITE_IT_POINTS if args.write_it_points is None else args.write_it_points,
                question_points=QUESTION_POINTS if args.question_points is None else args.question_points,
            )
            print("\n".join(done))
            print(
                f"Next, in {args.course_dir}: nbgrader generate_assignment NN-slug "
                "(docs/teaching.md, 'Grading a class with nbgrader')."
            )
        else:
            from .report import write_report

            summary = write_report(
                args.dir,
                args.out,
                lesson=args.lesson,
                names=args.names,
                answers=not args.no_answers,
                workbook=args.workbook,
            )
            print(summary)
    except (OSError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
