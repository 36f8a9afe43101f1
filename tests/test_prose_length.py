"""Every lesson is at most 2,500 words of prose outside collapsed <details> (issue 15): about an hour."""

from __future__ import annotations

import nbformat
import pytest

import wordcount
from lessons import present


@pytest.mark.parametrize("lesson", present(), ids=lambda lesson: lesson.name)
def test_lesson_prose_fits_an_hour(lesson):
    words = wordcount.prose_words(nbformat.read(lesson.notebook, as_version=4))
    assert words <= wordcount.LIMIT, (
        f"{lesson.name} has {words} words of prose outside <details>; the limit is {wordcount.LIMIT}: "
        "tell each idea once, link back, or move an aside into a collapsed <details>"
    )


def test_the_counter_skips_details_and_comments():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("one two <details><summary>hidden</summary>a b c d</details> three"),
        nbformat.v4.new_markdown_cell("<!-- not counted --> four"),
        nbformat.v4.new_code_cell("# code is not prose"),
    ]
    assert wordcount.prose_words(nb) == 4
