"""Alt text for figures: what a figure shows, in words.

:func:`set_alt` records a sentence for a figure; :func:`alt_text` gives it back,
or one made from the figure's titles and axis labels.  :mod:`softmax_lib.style`
puts it on every inline PNG and :mod:`softmax_lib.plots` re-exports both
functions (this module exists so that neither imports the other).
"""

from __future__ import annotations

import weakref

__all__ = ["set_alt", "alt_text"]

#: Alt texts by figure, set with :func:`set_alt` (weak: a closed figure drops out).
_ALT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def set_alt(fig, text: str):
    """Say in words what ``fig`` shows, with its key numbers.

    The notebook's image gets this as its alt text (see :func:`softmax_lib.style.use`),
    which screen readers read and HTML exports keep.  Returns ``fig``.
    """
    _ALT[fig] = str(text)
    return fig


def alt_text(fig) -> str:
    """The alt text set for ``fig``, or one made from its titles and axis labels."""
    if fig in _ALT:
        return _ALT[fig]
    parts = []
    if fig.get_suptitle():
        parts.append(fig.get_suptitle())
    for ax in fig.axes:
        words = [
            ax.get_title(),
            ax.get_xlabel() and f"x: {ax.get_xlabel()}",
            ax.get_ylabel() and f"y: {ax.get_ylabel()}",
        ]
        words = [" ".join(w.split()) for w in words if w]
        if words:
            parts.append(", ".join(words))
    return "Figure: " + "; ".join(parts) if parts else "Figure"
