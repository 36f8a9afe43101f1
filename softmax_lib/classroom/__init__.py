"""Teach a class with the lessons: an nbgrader edition and a class report.

``python -m softmax_lib.classroom nbgrader COURSE_DIR`` writes an nbgrader
course made from the workbook (:mod:`.course`); ``python -m
softmax_lib.classroom report DIR --out report.html`` reads a class's
notebooks and writes one HTML page to project (:mod:`.report`).  nbgrader
itself is a teacher's tool (``requirements-teacher.txt``): nothing here
imports it, so the learners' install does not need it.
"""

from .grading import WrongAnswer, grade

__all__ = ["grade", "WrongAnswer"]
