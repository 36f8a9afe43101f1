"""softmax_lib: the helper library behind the softmax-lessons notebooks.

The maths lives in :mod:`softmax_lib.core` and is imported here.  Plotting,
widgets and exercise checks live in their own modules and import matplotlib,
seaborn and ipywidgets only when used, so ``import softmax_lib`` stays fast.
Calibration and decoding are :mod:`softmax_lib.calibration` and
:mod:`softmax_lib.decoding`; number formatting is :mod:`softmax_lib.formatting`.
"""

from .core import (
    binary_cross_entropy,
    cross_entropy,
    log_sigmoid,
    log_softmax,
    logsumexp,
    naive_softmax,
    sigmoid,
    softmax,
    softplus,
    tempered_logits,
)

__all__ = [
    "softmax",
    "log_softmax",
    "logsumexp",
    "tempered_logits",
    "sigmoid",
    "log_sigmoid",
    "softplus",
    "cross_entropy",
    "binary_cross_entropy",
    "naive_softmax",
]
__version__ = "0.1.0"
