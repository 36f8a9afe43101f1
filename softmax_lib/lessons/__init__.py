"""One module per lesson: its figures, its "Try it" views and its exercise checks.

Each module is named after the lesson it serves (``intuition`` for 01,
``exponentiation`` for 02, ... ``at_work`` for 08).  Each slider figure is a
:class:`softmax_lib.widgets.FigureView`: built once, then ``update(**values)``
moves only what changes, so the tests make the view and call ``update`` with
extreme slider values, no browser needed.
"""
