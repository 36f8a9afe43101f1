"""softmax_lib.formatting: the one set of number formatters.

The lessons print these strings in stored notebook outputs, so each formatter
is pinned by a table of inputs and the exact text it must give, and no lesson
module keeps a formatter of its own.
"""

from __future__ import annotations

import importlib
import inspect
import math
import re
import types

import numpy as np
import pytest

import lessons
from softmax_lib import formatting as F

INF, NAN = math.inf, math.nan

PROBABILITY = [  # p, fmt_probability(p), fmt_probability3(p)
    (0.0, "0", "0.000"),
    (1.0, "1", "1.000"),
    (0.5, "0.50", "0.500"),
    (0.659, "0.66", "0.659"),
    (0.004999, "5.0e-03", "0.005"),
    (0.005, "0.01", "0.005"),
    (0.0004, "4.0e-04", "4.0e-04"),
    (0.0005, "5.0e-04", "0.001"),
    (0.9995, "1 − 5.0e-04", "1.000"),
    (0.9996, "1 − 4.0e-04", "1 − 4.0e-04"),
    (0.995, "0.99", "0.995"),
    (0.99501, "1 − 5.0e-03", "0.995"),
    (4.5e-05, "4.5e-05", "4.5e-05"),
    (0.9999546, "1 − 4.5e-05", "1 − 4.5e-05"),
    (1e-300, "1.0e-300", "1.0e-300"),
    (1 - 1e-16, "1 − 1.1e-16", "1 − 1.1e-16"),
    (0.12345, "0.12", "0.123"),
    (np.float32(0.25), "0.25", "0.250"),
]
RATIO = [
    (7.389056, "7.39"),
    (1096.6, "1,097"),
    (1 / 1096.6, "1/1,097"),
    (100.0, "100"),
    (99.99, "100"),
    (0.01, "0.01"),
    (0.0099, "1/101"),
    (1.0, "1"),
    (2.5e10, "25,000,000,000"),
    (1e-9, "1/1,000,000,000"),
]
SMALL = [  # v, fmt_small(v) (lesson 06), fmt_small(v, sci_digits=1) (lesson 02)
    (0.4173, "0.42", "0.42"),
    (-4.5e-05, "-5e-05", "-4.5e-05"),
    (0.0, "0.00", "0.00"),
    (-0.0, "-0.00", "-0.00"),
    (0.005, "0.01", "0.01"),
    (0.00499, "5e-03", "5.0e-03"),
    (-0.00218, "-2e-03", "-2.2e-03"),
    (123.456, "123.46", "123.46"),
    (NAN, "nan", "nan"),
    (INF, "inf", "inf"),
    (1e-300, "1e-300", "1.0e-300"),
]
LOGIT = [
    (2.5, "2.5"),
    (1000.0, "1000"),
    (1e6, "1e+06"),
    (-INF, "−∞"),
    (INF, "+∞"),
    (NAN, "nan"),
    (0.1, "0.1"),
    (-3.0, "-3"),
    (1e-5, "1e-05"),
    (np.float64(-np.inf), "−∞"),
]
LISTS = [
    (([0.659, 0.2424, 0.0986],), "[0.66, 0.24, 0.10]"),
    (([1, 2], "{:g}"), "[1, 2]"),
    (([],), "[]"),
    ((np.array([0.5, 1e-9]), "{:.3g}"), "[0.5, 1e-09]"),
]
ARRAYS = [
    ([0.659, 0.2424, 0.0986], "[0.659 0.242 0.099]"),
    ([[0.5, 2e-9], [0.125, 0.25]], "[[0.5 0. ] [0.125 0.25 ]]"),
    (0.5, "0.5"),
    ([1.0, np.nan, -np.inf], "[ 1. nan -inf]"),
]
ARRAYS_SIG = [
    ([0.5, 4.248354e-18, 1.0], "[0.5, 4.25e-18, 1]"),
    (0.731058, "0.731"),
    ([[1.0, 2.0], [3.0, 4.0]], "[[1, 2], [3, 4]]"),
    ([np.inf, np.nan], "[inf, nan]"),
]


@pytest.mark.parametrize("p,two,three", PROBABILITY)
def test_fmt_probability(p, two, three):
    assert F.fmt_probability(p) == two
    assert F.fmt_probability3(p) == three


@pytest.mark.parametrize("r,text", RATIO)
def test_fmt_ratio(r, text):
    assert F.fmt_ratio(r) == text


@pytest.mark.parametrize("v,zero,one", SMALL)
def test_fmt_small(v, zero, one):
    assert F.fmt_small(v) == zero
    assert F.fmt_small(v, sci_digits=1) == one


@pytest.mark.parametrize("v,text", LOGIT)
def test_fmt_logit(v, text):
    assert F.fmt_logit(v) == text


@pytest.mark.parametrize("args,text", LISTS)
def test_fmt_list(args, text):
    assert F.fmt_list(*args) == text


@pytest.mark.parametrize("a,text", ARRAYS)
def test_fmt_array(a, text):
    assert F.fmt_array(a) == text


@pytest.mark.parametrize("a,text", ARRAYS_SIG)
def test_fmt_array_sig(a, text):
    assert F.fmt_array_sig(a) == text


def test_short_repr_and_describe():
    assert F.short_repr("abc") == "'abc'"
    long = F.short_repr(10**400)
    assert len(long) == 60 and long.endswith("...")
    assert F.short_repr(list(range(100)), width=20) == "[0, 1, 2, 3, 4, 5..."
    assert F.describe(None) == "NoneType None" and F.describe(1.5) == "float 1.5"


# ---------------------------------------------------------------- no lesson keeps its own formatter
# The lessons once had eight formatters of their own; they import these now.  A formatter-like
# function defined in a lesson module (or in checks) would be a ninth copy.
FORMATTER_NAME = re.compile(r"^_?(fmt|format)|^_g$|^short$")


def _own_formatters(module):
    return sorted(
        name
        for name, obj in vars(module).items()
        if inspect.isfunction(obj) and FORMATTER_NAME.search(name) and obj.__module__ == module.__name__
    )


@pytest.mark.parametrize("lesson", lessons.present(), ids=lambda les: les.module)
def test_no_lesson_module_defines_its_own_number_formatter(lesson):
    assert _own_formatters(lesson.import_module()) == []


def test_checks_formats_numbers_with_the_library():
    assert _own_formatters(importlib.import_module("softmax_lib.checks")) == []


def test_the_formatter_scan_finds_a_formatter():
    fake = types.ModuleType("fake_lesson")
    exec("def _fmt_small(x):\n    return str(x)\n\ndef fmt_probability(p):\n    return str(p)", vars(fake))
    fake.fmt_array = F.fmt_array  # imported from the library: not a copy
    assert _own_formatters(fake) == ["_fmt_small", "fmt_probability"]
