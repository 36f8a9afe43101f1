"""One module per lesson: its figures, its "Try it" widget and its exercise checks.

Each widget's drawing function is a plain function of the slider values, so the
tests call it directly with extreme values.
"""
