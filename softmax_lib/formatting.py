"""Every way the course writes a number as text, in one place.

The lessons print probabilities, ratios, logits and small losses in bar
labels, captions, alt texts and feedback.  Each formatter below has one job
and is tested against the examples in its docstring (doctests) and, in
``tests/test_formatting.py``, against a table of inputs whose printed text the
stored notebooks rely on.  Changing what one prints changes notebook output:
add a new formatter instead.

================================  ===========================================
formatter                         writes
================================  ===========================================
:func:`fmt_probability`           a probability that never shows a non-zero
                                  value as 0 or 1 (``"1 − 4.5e-05"``)
:func:`fmt_probability3`          the same to three decimals (captions)
:func:`fmt_ratio`                 ``"7.39"``, ``"1,097"``, ``"1/1,097"``
:func:`fmt_small`                 two decimals, or scientific notation for a
                                  tiny non-zero value (``"-5e-05"``)
:func:`fmt_logit`                 ``"2.5"``, ``"−∞"``, ``"+∞"``, ``"nan"``
:func:`fmt_list`                  ``"[0.66, 0.24, 0.10]"``
:func:`fmt_array`                 an array on one line, three decimals
:func:`fmt_array_sig`             an array on one line, three significant
                                  digits (``4.25e-18``, not ``0.``)
:func:`short_repr`                ``repr`` cut to a width, for messages
:func:`describe`                  ``"<type> <short repr>"``, for messages
================================  ===========================================

Nothing here imports matplotlib or ipywidgets; only :func:`fmt_array` and
:func:`fmt_array_sig` import NumPy.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "fmt_probability",
    "fmt_probability3",
    "fmt_ratio",
    "fmt_small",
    "fmt_logit",
    "fmt_list",
    "fmt_array",
    "fmt_array_sig",
    "short_repr",
    "describe",
]


def fmt_probability(p: float) -> str:
    """A probability as a label that never rounds a non-zero value to 0 or 1.

    Two decimals in between; scientific notation near 0 and "1 − ..." near 1.

    Examples
    --------
    >>> fmt_probability(0.659), fmt_probability(0.0), fmt_probability(1.0)
    ('0.66', '0', '1')
    >>> fmt_probability(4.5e-05), fmt_probability(0.9999546)
    ('4.5e-05', '1 − 4.5e-05')
    """
    p = float(p)
    if p == 0.0 or p == 1.0:
        return f"{p:.0f}"
    if p < 0.005:
        return f"{p:.1e}"
    if p > 0.995:
        return f"1 − {1 - p:.1e}"
    return f"{p:.2f}"


def fmt_probability3(p: float) -> str:
    """Three decimals for a caption, but never a non-zero probability shown as 0.000 or 1.000.

    Exactly 0 and 1 are written ``"0.000"`` and ``"1.000"``; values closer to
    0 or 1 than 0.0005 are written as :func:`fmt_probability` writes them.

    Examples
    --------
    >>> fmt_probability3(0.6590), fmt_probability3(0.0), fmt_probability3(1.0)
    ('0.659', '0.000', '1.000')
    >>> fmt_probability3(0.0001), fmt_probability3(0.99999)
    ('1.0e-04', '1 − 1.0e-05')
    """
    p = float(p)
    if 0.0005 <= p <= 0.9995 or p in (0.0, 1.0):
        return f"{p:.3f}"
    return fmt_probability(p)


def fmt_ratio(r: float) -> str:
    """A ratio as a learner reads it: ``'7.39'``, ``'1,097'``, or ``'1/1,097'`` for tiny ones.

    Examples
    --------
    >>> fmt_ratio(7.389056), fmt_ratio(1096.6), fmt_ratio(1 / 1096.6)
    ('7.39', '1,097', '1/1,097')
    """
    r = float(r)
    if r >= 100:
        return f"{r:,.0f}"
    if r >= 0.01:
        return f"{r:.3g}"
    return f"1/{1 / r:,.0f}"


def fmt_small(v: float, sci_digits: int = 0) -> str:
    """Two decimals, but a tiny non-zero value in scientific notation (never "0.00" or "-0.00" for it).

    Parameters
    ----------
    v : float
        The number.
    sci_digits : int, optional
        Digits after the point in scientific notation, used when
        ``0 < |v| < 0.005``: 0 gives ``"-5e-05"`` (lesson 06), 1 gives
        ``"2.2e-03"`` (lesson 02).  Default 0.

    Examples
    --------
    >>> fmt_small(0.4173), fmt_small(-4.5e-05), fmt_small(0.0)
    ('0.42', '-5e-05', '0.00')
    >>> fmt_small(0.00218, sci_digits=1), fmt_small(0.5, sci_digits=1)
    ('2.2e-03', '0.50')
    """
    if v != 0 and abs(v) < 0.005:
        return f"{v:.{sci_digits}e}"
    return f"{v:.2f}"


def fmt_logit(v: float) -> str:
    """A logit as short as it reads: ``'2.5'``, ``'1e+06'``, and ``'−∞'``, ``'+∞'``, ``'nan'``.

    Examples
    --------
    >>> fmt_logit(2.5), fmt_logit(1000.0), fmt_logit(float("-inf")), fmt_logit(float("nan"))
    ('2.5', '1000', '−∞', 'nan')
    """
    if v == float("-inf"):
        return "−∞"
    if v == float("inf"):
        return "+∞"
    if v != v:  # NaN
        return "nan"
    return f"{v:g}"


def fmt_list(values: Iterable[Any], fmt: str = "{:.2f}") -> str:
    """Numbers as a bracketed list, each written with ``fmt``.

    Examples
    --------
    >>> fmt_list([0.659, 0.2424, 0.0986])
    '[0.66, 0.24, 0.10]'
    >>> fmt_list([1, 2], "{:g}")
    '[1, 2]'
    """
    return "[" + ", ".join(fmt.format(float(v)) for v in values) + "]"


def fmt_array(a: Any, precision: int = 3) -> str:
    """An array on one line, ``precision`` decimals, small values shown as 0 (a batch's rows side by side).

    Examples
    --------
    >>> fmt_array([0.659, 0.2424, 0.0986])
    '[0.659 0.242 0.099]'
    >>> fmt_array([[0.5, 2e-9], [0.125, 0.25]])
    '[[0.5 0. ] [0.125 0.25 ]]'
    """
    import numpy as np

    with np.printoptions(precision=precision, suppress=True):
        return " ".join(np.array2string(np.asarray(a), separator=" ", max_line_width=10_000).split())


def fmt_array_sig(a: Any, digits: int = 3) -> str:
    """Numbers on one line, comma-separated, to ``digits`` significant digits (``4.25e-18``, not ``0.``).

    Examples
    --------
    >>> fmt_array_sig([0.5, 4.248354e-18, 1.0])
    '[0.5, 4.25e-18, 1]'
    >>> fmt_array_sig(0.731058)
    '0.731'
    """
    import numpy as np

    text = np.array2string(
        np.asarray(a, dtype=float),
        separator=", ",
        formatter={"float_kind": lambda v: f"{v:.{digits}g}"},
        max_line_width=10_000,
    )
    return " ".join(text.split())


def short_repr(value: Any, width: int = 60) -> str:
    """``repr(value)`` cut to ``width`` characters (a 401-digit integer stays readable).

    Examples
    --------
    >>> short_repr("abc")
    "'abc'"
    >>> short_repr(10**400, width=12)
    '100000000...'
    """
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def describe(value: Any) -> str:
    """A short description of ``value`` for an error message: its type and its :func:`short_repr`.

    Examples
    --------
    >>> describe("2.0"), describe([1, 2])
    ("str '2.0'", 'list [1, 2]')
    """
    return f"{type(value).__name__} {short_repr(value)}"
