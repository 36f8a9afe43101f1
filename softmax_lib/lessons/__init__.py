"""One module per lesson: its figures, its "Try it" views and its exercise checks.

Each module is named from its notebook: ``notebooks/03-temperature.ipynb`` is
served by ``lesson03_temperature`` and tested by
``tests/test_lesson03_temperature.py`` (the registry, ``tools/lessons.py``,
derives all three).  A lesson module imports the library (``softmax_lib.*``)
and never another lesson module.  Each slider figure is a
:class:`softmax_lib.widgets.FigureView`: built once, then ``update(**values)``
moves only what changes, so the tests make the view and call ``update`` with
extreme slider values, no browser needed.
"""
