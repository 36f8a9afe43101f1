"""softmax_lib: the helper library behind the softmax-lessons notebooks.

The maths lives in :mod:`softmax_lib.core` and is imported here.  Plotting,
widgets and exercise checks live in their own modules and import matplotlib,
seaborn and ipywidgets only when used, so ``import softmax_lib`` stays fast.
"""

from .core import (
    cross_entropy,
    log_softmax,
    logsumexp,
    naive_softmax,
    sigmoid,
    softmax,
)

__all__ = [
    "softmax",
    "log_softmax",
    "logsumexp",
    "sigmoid",
    "cross_entropy",
    "naive_softmax",
]
__version__ = "0.1.0"
