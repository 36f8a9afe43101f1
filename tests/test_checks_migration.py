"""Transitional: lesson 05's Write-it boilerplate, rebuilt from check_function's own
parameters (issue 19 §5), gives the very same feedback as the lesson module gives today.
(Lesson 04 calls check_function this way itself now; its part is gone.)

This shows the lesson engineers what to call when they delete their wrappers: ``params`` and
``params_meaning`` replace ``signature_problem``, ``returns`` replaces ``probe`` + ``form_hint``,
``warned_hint`` (checker or case) replaces the ``detail.endswith(WARNED_HINT)`` patch-ups, and
``fb.failed`` / ``fb.results`` replace parsing the title.  Once lesson 05 calls
check_function this way itself, delete this file.
"""

from __future__ import annotations

import numpy as np
import pytest

from softmax_lib import sigmoid
from softmax_lib.checks import WARNED_HINT, Case, check_function
from softmax_lib.lessons import lesson05_sigmoid as l05


def _same(new, old):
    assert (new.ok, new.title, new.detail) == (old.ok, old.title, old.detail)
    assert getattr(new, "rows", ()) == getattr(old, "rows", ())
    assert repr(new) == repr(old) and new._repr_html_() == old._repr_html_()


# ---------------------------------------------------------------- lesson 05: my_sigmoid
SIGMOID_SUCCESS = (
    "No overflow, no NaN, no warning at ±1000 or in float32, tiny tails kept, shapes kept, and "
    "σ(−z) = 1 − σ(z): your sigmoid is stable."
)
WHERE_HINT = (
    " np.where computes BOTH branches for every entry before it picks, so the branch you did not "
    "want still overflows. Compute e = np.exp(-np.abs(z)) once; it is in (0, 1], and both branches "
    "can use it."
)


def _expect(expected, **kw):
    check = l05._expect(expected, **kw)  # lesson 05's wording of wrong values (3 significant digits)
    check.expected = np.asarray(expected)  # what expect_array keeps: check_function's shape hint needs it
    return check


def new_check_my_sigmoid(fn):
    name, z = l05._ORDINARY
    cases = [Case(name, (z,), _expect(sigmoid(z), rtol=1e-9, atol=1e-12), l05.sigmoid_cases(None)[0].hint)]
    cases += [
        Case(n, (zz,), _expect(sigmoid(zz.astype(float)), rtol=1e-6, atol=atol), h, warned_hint=f"{WARNED_HINT} {h}")
        for n, zz, h, atol in l05.SIGMOID_HOSTILE
    ]
    if callable(fn):
        cases.append(l05.sigmoid_cases(fn)[-1])  # the property σ(−z) = 1 − σ(z), which calls fn itself
    fb = check_function(
        fn,
        cases,
        name="my_sigmoid",
        success=SIGMOID_SUCCESS,
        params="z",
        params_meaning="the logits",
        returns="probabilities",
    )
    ends = [r for r in getattr(fb, "results", ()) if r.case.name in ("[1000]", "[-1000]")]
    if fb.failure is not None and fb.failure.kinds == {"warned"} and all(r.kinds == {"warned"} for r in ends):
        fb = fb.with_hint(WARNED_HINT + WHERE_HINT)  # both ends warn: np.where's trap
    return fb


def _g_textbook(z):
    return 1 / (1 + np.exp(-z))


def _g_textbook_exp(z):
    return np.exp(z) / (1 + np.exp(z))


def _g_where_both(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))


def _g_cancels(z):
    s = l05.reference_sigmoid(np.abs(z))
    return np.where(z >= 0, s, 1 - s)


def _g_in_place(z):
    e = np.exp(-np.abs(z))
    z[...] = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    return z


SIGMOID_FNS = {
    "reference": l05.reference_sigmoid,
    "library": sigmoid,
    "textbook": _g_textbook,
    "textbook exp": _g_textbook_exp,
    "where both": _g_where_both,
    "cancels": _g_cancels,
    "clipped": lambda z: l05.reference_sigmoid(np.clip(z, -30, 30)),
    "tanh": lambda z: 0.5 * (1 + np.tanh(0.5 * z)),
    "summed": lambda z: float(np.sum(l05.reference_sigmoid(z))),
    "complex": lambda z: l05.reference_sigmoid(z) + 1e-3j,
    "tuple": lambda z: (l05.reference_sigmoid(z), 1 - l05.reference_sigmoid(z)),
    "in place": _g_in_place,
    "two params": lambda z, t: sigmoid(z),
    "None": None,
    "a number": 0.5,
}


@pytest.mark.parametrize("fn", SIGMOID_FNS.values(), ids=SIGMOID_FNS.keys())
def test_lesson05_feedback_is_the_same_from_check_functions_own_parameters(fn):
    _same(new_check_my_sigmoid(fn), l05.check_my_sigmoid(fn))
