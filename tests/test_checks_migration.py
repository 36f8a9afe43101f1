"""Transitional: lesson 04's Write-it boilerplate, rebuilt from check_function's own
parameters (issue 19 §5), gives the very same feedback as the lesson modules give today.

This shows the lesson engineers what to call when they delete their wrappers: ``params`` and
``params_meaning`` replace ``signature_problem``, ``returns`` replaces ``probe`` + ``form_hint``,
``warned_hint`` (checker or case) replaces the ``detail.endswith(WARNED_HINT)`` patch-ups, and
``fb.failed`` / ``fb.results`` replace parsing the title.  Once lessons 04 and 05 call
check_function this way themselves, delete this file (lesson 05 does since issue 16; its part is
gone).
"""

from __future__ import annotations

import numpy as np
import pytest

from softmax_lib import softmax
from softmax_lib.checks import WARNED_HINT, Case, check_function, expect_array
from softmax_lib.lessons import lesson04_stability as l04


def _same(new, old):
    assert (new.ok, new.title, new.detail) == (old.ok, old.title, old.detail)
    assert getattr(new, "rows", ()) == getattr(old, "rows", ())
    assert repr(new) == repr(old) and new._repr_html_() == old._repr_html_()


# ---------------------------------------------------------------- lesson 04: my_softmax
SOFTMAX_SUCCESS = (
    "It agrees with softmax_lib.softmax on ordinary, huge, tiny, ±1e308, float32, batched, masked and "
    "constant rows: your softmax is stable."
)


def new_check_my_softmax(fn):
    name, z = l04.ORDINARY
    cases = [Case(name, (z,), expect_array(softmax(z)), l04.ORDINARY_HINT)]
    cases += [Case(n, (zz,), expect_array(softmax(zz)), h) for n, zz, h in l04.HOSTILE]
    return check_function(
        fn,
        cases,
        name="my_softmax",
        success=SOFTMAX_SUCCESS,
        harmless=l04.HARMLESS,
        params="z",
        params_meaning="the logits",
        returns="probabilities",
        warned_hint=WARNED_HINT + " In a stable softmax, call np.exp only on z - max, never on the raw logits.",
    )


def _s_naive(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _s_mean(z):
    e = np.exp(z - z.mean(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _s_no_keepdims(z):
    e = np.exp(z - np.max(z, axis=-1))
    return e / np.sum(e, axis=-1)


def _s_in_place(z):
    z -= np.max(z, axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _s_warns(z):
    e = np.exp(z)
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


SOFTMAX_FNS = {
    "reference": l04.reference_softmax,
    "library": softmax,
    "naive": _s_naive,
    "mean": _s_mean,
    "no keepdims": _s_no_keepdims,
    "in place": _s_in_place,
    "warns": _s_warns,
    "no return": lambda z: None,
    "flat": lambda z: l04.reference_softmax(z).ravel(),
    "typo": lambda z: np.expp(z),
    "complex": lambda z: softmax(z) + 1e-3j,
    "tuple": lambda z: (l04.reference_softmax(z), 1.0),
    "text": lambda z: str(l04.reference_softmax(z)),
    "two params": lambda z, axis: softmax(z),
    "no params": lambda: None,
    "None": None,
    "an array": np.array([1.0, 2.0]),
}


@pytest.mark.parametrize("fn", SOFTMAX_FNS.values(), ids=SOFTMAX_FNS.keys())
def test_lesson04_feedback_is_the_same_from_check_functions_own_parameters(fn):
    _same(new_check_my_softmax(fn), l04.check_my_softmax(fn))
