"""check_function(forbid_calls=...): a Write-it solution that calls the library function it is
meant to build is refused with its own hint; a learner's own code, even a helper called
``softmax``, is accepted.  Table-driven: each row is a learner's function and the verdict.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
import scipy.special

import softmax_lib
import softmax_lib as sl
from softmax_lib import softmax as lib_softmax
from softmax_lib.checks import FORBIDDEN_HINT, Case, check_function, expect_array, forbidden_call

Z = np.array([1000.0, 999.0, 0.0])
CASES = [Case("large logits", (Z,), expect_array(lib_softmax(Z)), "Shift each row by its maximum.")]


def _np_softmax(z):
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


def softmax(z):  # a learner's own helper that happens to be called softmax (defined outside the library)
    return _np_softmax(z)


def _calls_lib_global(z):
    return lib_softmax(z)


def _calls_lib_attribute(z):
    return sl.softmax(z)


def _calls_lib_submodule(z):
    return softmax_lib.core.softmax(z)


def _calls_scipy(z):
    return scipy.special.softmax(z, axis=-1)


def _calls_through_inner_lambda(z):
    inner = lambda x: sl.softmax(x)  # noqa: E731
    return inner(z)


def _own_helper_that_calls_lib(z):
    return _calls_lib_attribute(z)


def _uses_own_softmax(z):
    return softmax(z)


def _default_arg(z, f=lib_softmax):
    return f(z)


def _calls_logsumexp(z):
    return np.exp(z - sl.logsumexp(z, axis=-1)[..., None])


class _Callable:
    def __call__(self, z):
        return sl.softmax(z)


REFUSED = [
    ("the library's softmax by name", _calls_lib_global, "softmax_lib.softmax"),
    ("sl.softmax (module attribute)", _calls_lib_attribute, "softmax_lib.softmax"),
    ("softmax_lib.core.softmax", _calls_lib_submodule, "softmax_lib.softmax"),
    ("scipy.special.softmax", _calls_scipy, "scipy.special.softmax"),
    ("lambda z: softmax(z)", lambda z: lib_softmax(z), "softmax_lib.softmax"),
    ("lambda z: sl.softmax(z)", lambda z: sl.softmax(z), "softmax_lib.softmax"),
    ("the library function itself", lib_softmax, "softmax_lib.softmax"),
    ("scipy's function itself", scipy.special.softmax, "scipy.special.softmax"),
    ("functools.partial of scipy", functools.partial(scipy.special.softmax, axis=-1), "scipy.special.softmax"),
    ("a lambda inside the function", _calls_through_inner_lambda, "softmax_lib.softmax"),
    ("an own helper that calls the library", _own_helper_that_calls_lib, "softmax_lib.softmax"),
    ("the library as a default argument", _default_arg, "softmax_lib.softmax"),
    ("sl.logsumexp (also forbidden)", _calls_logsumexp, "softmax_lib.logsumexp"),
    ("a callable object", _Callable(), "softmax_lib.softmax"),
]

ACCEPTED = [
    ("np.exp-based stable softmax", _np_softmax),
    ("an own helper named softmax", _uses_own_softmax),
    ("the own helper itself", softmax),
    (
        "a lambda over np.exp",
        lambda z: np.exp(z - z.max(-1, keepdims=True)) / np.exp(z - z.max(-1, keepdims=True)).sum(-1, keepdims=True),
    ),
]


@pytest.mark.parametrize(("label", "fn", "called"), REFUSED, ids=[r[0] for r in REFUSED])
def test_library_call_is_refused(label, fn, called):
    fb = check_function(fn, CASES, name="my_softmax", success="ok", forbid_calls=("softmax", "logsumexp"))
    assert fb.ok is False, label
    assert fb.title == f"The exercise is to build it: your my_softmax calls {called}."
    assert fb.detail == f"Hint: {FORBIDDEN_HINT}"
    assert fb.rows == ()  # refused before any case runs
    # without forbid_calls the same function passes: the refusal is what forbid_calls adds
    assert check_function(fn, CASES, name="my_softmax", success="ok").ok is True


@pytest.mark.parametrize(("label", "fn"), ACCEPTED, ids=[r[0] for r in ACCEPTED])
def test_own_code_is_accepted(label, fn):
    assert forbidden_call(fn, ("softmax", "logsumexp")) is None, label
    fb = check_function(fn, CASES, name="my_softmax", success="ok", forbid_calls=("softmax", "logsumexp"))
    assert fb.ok is True, label


def test_other_library_functions_are_allowed():
    """Only the named functions are refused: a sampler may call sl.sigmoid if only softmax is forbidden."""

    def uses_sigmoid(z):
        return sl.sigmoid(z)

    assert forbidden_call(uses_sigmoid, ("softmax",)) is None
    assert forbidden_call(uses_sigmoid, ("sigmoid",)) == "softmax_lib.sigmoid"


def test_own_hint_is_shown():
    fb = check_function(
        _calls_scipy, CASES, name="my_softmax", success="ok", forbid_calls=("softmax",), forbidden_hint="do X."
    )
    assert fb.detail == "Hint: do X."
