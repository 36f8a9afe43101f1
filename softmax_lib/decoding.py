"""Softmax at work: decoding a language model's logits, perplexity, online log-sum-exp.

A language model gives one row of logits per position: one logit per token
(here, per character).  *Decoding* turns that row into the next token.  This
module has the pieces, each a pure function of NumPy arrays:

* :func:`top_k_filter` and :func:`top_p_filter` set every logit outside the
  top k tokens, or outside the nucleus of probability p (Holtzman et al.
  2020), to ``-inf``, which softmax turns into probability 0 (the masking rule
  of :mod:`softmax_lib.core`).
* :func:`decoding_distribution` applies a temperature, then top-k, then
  top-p, and renormalises: the distribution a sampler actually draws from.
  ``temperature=0`` means greedy decoding, the ``T -> 0`` limit.
* :func:`sample` draws from it with a seeded :class:`numpy.random.Generator`.
* :func:`perplexity` is ``exp(cross-entropy)`` on held-out tokens.
* :class:`OnlineLogSumExp` and :func:`online_logsumexp` compute log-sum-exp
  of a stream in one pass, chunk by chunk, with a running maximum and a
  rescaled running sum (Milakov & Gimelshein 2018); :func:`online_softmax`
  uses it for a softmax of a stream.  This is the idea that lets
  FlashAttention (Dao et al. 2022) compute attention tile by tile.

The rules for ``-inf``, ``+inf`` and NaN entries are those of
:mod:`softmax_lib.core`: ``-inf`` is a token that may not be chosen, a row
with a NaN gives NaN (and cannot be sampled from).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike

from ._validate import as_real_array, check_axis, check_rng, check_temperature, check_top_k, check_top_p
from .core import cross_entropy, softmax, tempered_logits

__all__ = [
    "top_k_filter",
    "top_p_filter",
    "decoding_distribution",
    "sample",
    "perplexity",
    "OnlineLogSumExp",
    "online_logsumexp",
    "online_softmax",
]


def _last_axis(z: ArrayLike, axis: int) -> tuple[np.ndarray, int]:
    """The logits as a real array with the tokens on the last axis, and that axis's old place."""
    x = as_real_array(z, "logits")
    if x.ndim == 0:
        raise ValueError("logits must have at least one axis (one logit per token), got a single number")
    ax = check_axis(x, axis)
    return (x if ax == x.ndim - 1 else np.moveaxis(x, ax, -1)), ax


def _back(out: np.ndarray, ax: int) -> np.ndarray:
    """Undo :func:`_last_axis`'s move."""
    return out if ax == out.ndim - 1 else np.moveaxis(out, -1, ax)


# --------------------------------------------------------------------------
# truncation
# --------------------------------------------------------------------------
def top_k_filter(logits: ArrayLike, k: int, axis: int = -1) -> np.ndarray:
    """Keep the ``k`` largest logits of each row; set the others to ``-inf``.

    Parameters
    ----------
    logits : array_like
        Logits, tokens along ``axis``.
    k : int
        How many tokens to keep, at least 1.  A ``k`` larger than the number
        of tokens keeps them all.
    axis : int, optional
        The token axis.  Default ``-1``.

    Returns
    -------
    ndarray
        Same shape and dtype as ``logits`` (float64 for lists and integers):
        kept logits unchanged, the others ``-inf``.

    Raises
    ------
    TypeError
        If ``k`` is not an integer, or ``logits`` are not real numbers.
    ValueError
        If ``k < 1`` or ``axis`` is out of range.

    Notes
    -----
    **Ties at the cut are all kept**: every logit at least as large as the
    k-th largest survives, so a row may keep more than ``k`` tokens (for
    ``[3, 1, 1, 0]`` and ``k = 2`` both 1s stay).  The result then does not
    depend on the order of the tokens.  Temperature never changes which tokens
    top-k keeps, since dividing by ``T > 0`` keeps the order.  A row with a
    NaN is returned unchanged (still NaN); ``-inf`` entries stay ``-inf``.

    Examples
    --------
    >>> from softmax_lib.decoding import top_k_filter
    >>> top_k_filter([2.0, 1.0, 0.1, 3.0], k=2)
    array([  2., -inf, -inf,   3.])
    >>> top_k_filter([3.0, 1.0, 1.0, 0.0], k=2)        # a tie at the cut: both kept
    array([  3.,   1.,   1., -inf])
    >>> top_k_filter([2.0, 1.0], k=10)                  # k larger than the vocabulary
    array([2., 1.])
    """
    k = check_top_k(k)
    x, ax = _last_axis(logits, axis)
    return _back(_top_k(x, k), ax)


def _top_k(x: np.ndarray, k: int) -> np.ndarray:
    """:func:`top_k_filter` of checked logits, tokens on the last axis (a new array)."""
    if k >= x.shape[-1] or x.size == 0:
        return x.copy()
    with np.errstate(invalid="ignore"):
        kth = -np.partition(-x, k - 1, axis=-1)[..., k - 1 : k]
        keep = x >= kth
    out = np.where(keep, x, x.dtype.type(-np.inf))
    nan_rows = np.isnan(x).any(axis=-1, keepdims=True)
    return np.where(nan_rows, x, out)


def top_p_filter(logits: ArrayLike, p: float, axis: int = -1) -> np.ndarray:
    """Keep the nucleus: the fewest most-likely tokens whose probabilities add up to at least ``p``.

    This is nucleus sampling's truncation (Holtzman et al. 2020): sort the
    tokens by ``softmax(logits)``, keep them until the running total reaches
    ``p``, set the rest to ``-inf``.

    Parameters
    ----------
    logits : array_like
        Logits, tokens along ``axis``.  Apply a temperature *before* this
        (divide the logits by T): the nucleus depends on it.
    p : float
        In (0, 1].  ``p = 1`` keeps every token; a small ``p`` keeps only the
        most likely one (never fewer than one).
    axis : int, optional
        The token axis.  Default ``-1``.

    Returns
    -------
    ndarray
        Same shape and dtype as ``logits``: kept logits unchanged, the others ``-inf``.

    Raises
    ------
    TypeError
        If ``p`` is not a number, or ``logits`` are not real numbers.
    ValueError
        If ``p`` is not in (0, 1], or ``axis`` is out of range.

    Notes
    -----
    **p is a share of probability, not of tokens.**  When the model is sure,
    ``p = 0.9`` may keep one token out of thousands; when it is unsure, it
    keeps many.  **Ties at the cut are all kept** (every token as likely as
    the last one needed), so the result does not depend on the order of the
    tokens.  The comparison with ``p`` is made against the row's own total
    (``p * sum``), so rounding in a total of 0.9999999 cannot drop tokens.
    A row with a NaN, or of only ``-inf``, is returned unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> from softmax_lib.decoding import top_p_filter
    >>> z = np.log([0.5, 0.2, 0.15, 0.1, 0.05])
    >>> np.exp(top_p_filter(z, 0.8))               # 0.5 + 0.2 < 0.8 <= 0.5 + 0.2 + 0.15
    array([0.5 , 0.2 , 0.15, 0.  , 0.  ])
    >>> np.exp(top_p_filter(z, 0.3))               # the top token alone covers 0.3
    array([0.5, 0. , 0. , 0. , 0. ])
    >>> np.exp(top_p_filter(np.log([0.4, 0.3, 0.3]), 0.6))   # a tie at the cut: both kept
    array([0.4, 0.3, 0.3])
    """
    p = check_top_p(p)
    x, ax = _last_axis(logits, axis)
    return _back(_top_p(x, p), ax)


def _top_p(x: np.ndarray, p: float) -> np.ndarray:
    """:func:`top_p_filter` of checked logits, tokens on the last axis (a new array)."""
    if p == 1.0 or x.size == 0:
        return x.copy()
    probs = softmax(x, axis=-1).astype(np.float64)
    bad = np.isnan(probs).any(axis=-1, keepdims=True)  # a NaN, or only -inf
    probs = np.where(bad, 0.0, probs)
    ordered = -np.sort(-probs, axis=-1)
    total = np.cumsum(ordered, axis=-1)
    # the number of tokens needed: 1 + how many running totals are still below p
    need = 1 + np.sum(total < p * total[..., -1:], axis=-1, keepdims=True)
    need = np.minimum(need, x.shape[-1])
    cut = np.take_along_axis(ordered, need - 1, axis=-1)
    out = np.where(probs >= cut, x, x.dtype.type(-np.inf))
    return np.where(bad, x, out)


def decoding_distribution(
    logits: ArrayLike,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    axis: int = -1,
) -> np.ndarray:
    """The distribution a sampler draws from: temperature, then top-k, then top-p, renormalised.

    Parameters
    ----------
    logits : array_like
        Logits, tokens along ``axis``.
    temperature : float, optional
        ``T >= 0``.  The logits are divided by T before the truncations.
        ``T = 0`` is **greedy decoding**: probability 1 on the most likely
        token (the first one if several tie, as ``np.argmax`` picks).
        Default 1 (the model's own distribution).
    top_k : int or None, optional
        Keep only the k most likely tokens (see :func:`top_k_filter`).
    top_p : float or None, optional
        Keep only the nucleus of probability p (see :func:`top_p_filter`),
        measured *after* the temperature and top-k.
    axis : int, optional
        The token axis.  Default ``-1``.

    Returns
    -------
    ndarray
        Probabilities, same shape as ``logits``, each row summing to 1, with
        exact zeros outside what was kept.

    Notes
    -----
    ``softmax(z / T)`` is undefined at ``T = 0``, but its limit as ``T -> 0``
    is one-hot on the argmax (lesson 03).  That is why many APIs accept
    ``temperature = 0`` (vLLM documents it as greedy decoding): they do not
    divide by zero, they switch to ``argmax``.  Not all do: Hugging Face
    ``transformers`` refuses ``temperature=0`` when sampling and asks for
    ``do_sample=False``.  (The limit shares the probability between tied maxima; greedy
    decoding has to pick one, and picks the first.)

    The order temperature, top-k, top-p is the one this library uses; the
    temperature matters for top-p only, since it changes the probabilities
    but not their order (top-k compares the logits themselves, so at
    ``T = inf`` it still keeps the k largest).  The tempered logits are
    ``(z - max(z)) / T`` (:func:`softmax_lib.core.tempered_logits`), never
    ``z / T``, which overflows for large logits or a tiny T; without
    truncation the result is exactly ``softmax(logits, temperature=T)``,
    with the same rules for ``-inf``, ``+inf`` and NaN at every T.
    Every argument is checked at every T, also at ``T = 0`` where top-k
    and top-p change nothing.

    Examples
    --------
    >>> from softmax_lib.decoding import decoding_distribution
    >>> decoding_distribution([2.0, 1.0, 0.1], temperature=0)
    array([1., 0., 0.])
    >>> decoding_distribution([2.0, 1.0, 0.1], top_k=2).round(4)     # renormalised over 2
    array([0.7311, 0.2689, 0.    ])
    >>> decoding_distribution([2.0, 1.0, 0.1], temperature=2.0, top_p=0.6).round(4)
    array([0.6225, 0.3775, 0.    ])
    """
    t = check_temperature(temperature, zero_ok=True)
    k = None if top_k is None else check_top_k(top_k)
    p = None if top_p is None else check_top_p(top_p)
    x, ax = _last_axis(logits, axis)
    return _back(_distribution(x, t, k, p), ax)


def _distribution(x: np.ndarray, t: float, k: int | None, p: float | None) -> np.ndarray:
    """:func:`decoding_distribution` of checked arguments, tokens on the last axis."""
    in_dtype = x.dtype
    if t == 0.0:
        return _greedy(x)
    # float16 is computed in float32 and rounded once at the end, as softmax does
    x = x.astype(np.float32, copy=False) if x.dtype.itemsize == 2 else x
    if k is not None:
        # on the logits themselves: dividing by T > 0 keeps their order, and at
        # T = inf (where every tempered logit is 0) the top k are still the top k
        x = _top_k(x, k)
    # shifted by the row maximum *before* dividing by T: z / T overflows for
    # large logits or a tiny T ([1.7e308, 1e308] / 0.5 is [inf, inf])
    z = tempered_logits(x, temperature=t)
    if p is not None:
        z = _top_p(z, p)
    return softmax(z).astype(in_dtype, copy=False)


def _greedy(x: np.ndarray) -> np.ndarray:
    """One-hot rows on the first argmax (tokens on the last axis), in O(size) memory.

    A row with a NaN, or of only ``-inf``, has no most likely token: NaN.
    """
    out = np.zeros(x.shape, dtype=x.dtype)
    if x.size == 0:
        return out
    np.put_along_axis(out, np.argmax(x, axis=-1)[..., None], 1, axis=-1)
    broken = np.isnan(x).any(axis=-1) | (x == -np.inf).all(axis=-1)
    out[broken] = np.nan
    return out


def sample(
    logits: ArrayLike,
    rng: np.random.Generator | int,
    *,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
) -> np.ndarray | int:
    """Draw one token per row of ``logits`` (tokens along the last axis).

    Parameters
    ----------
    logits : array_like
        One row of logits (shape ``(n_tokens,)``) or a batch of rows.
    rng : numpy.random.Generator or int
        The source of randomness: a generator such as
        ``np.random.default_rng(0)``, or an int seed for a new one.  A seeded
        generator makes the same draws on every run.
    temperature, top_k, top_p
        As in :func:`decoding_distribution`.  ``temperature=0`` is greedy
        and uses no random number.

    Returns
    -------
    int or ndarray of int
        The index of the drawn token: an int for one row, an array for a batch.

    Raises
    ------
    ValueError
        If a row has a NaN or only ``-inf`` logits (there is no distribution
        to draw from), or if an argument is out of range.
    TypeError
        If ``rng`` is neither a Generator nor an int.

    Notes
    -----
    One uniform number in [0, 1) per row, scaled by the row's total ``u``,
    picks the first token whose running total of probability exceeds ``u``
    (inverse-CDF sampling), so a token of probability exactly 0 is never
    drawn, also at the boundaries (``u = 0`` and the largest ``u``).

    Examples
    --------
    >>> import numpy as np
    >>> from softmax_lib.decoding import sample
    >>> sample([2.0, 1.0, 0.1], rng=0, temperature=0)          # greedy
    0
    >>> rng = np.random.default_rng(0)
    >>> [sample([2.0, 1.0, 0.1], rng, top_k=2) for _ in range(8)]
    [0, 0, 0, 0, 1, 1, 0, 0]
    """
    gen = check_rng(rng)
    t = check_temperature(temperature, zero_ok=True)
    k = None if top_k is None else check_top_k(top_k)
    top_p = None if top_p is None else check_top_p(top_p)
    x = as_real_array(logits, "logits")
    if x.ndim == 0:
        raise ValueError("logits must have at least one axis (one logit per token), got a single number")
    if x.shape[-1] == 0:
        raise ValueError("cannot sample from an empty row of logits: pass at least one token")
    p = _distribution(x, t, k, top_p)
    rows = p.reshape(-1, p.shape[-1]).astype(np.float64)
    broken = np.isnan(rows).any(axis=-1)
    if broken.any():
        raise ValueError(
            f"cannot sample from row {int(np.argmax(broken))}: its logits contain a NaN or are all -inf, "
            "so there is no distribution to draw from"
        )
    if t == 0.0:
        picks = rows.argmax(axis=-1)
    else:
        # Inverse CDF: the token drawn is the number of running totals <= u, i.e. the
        # first token whose running total exceeds u.  A token of probability 0 has
        # the same running total as the token before it, so it is never the first
        # to exceed u (not even at u = 0).  u is measured against the row's own
        # total, which may be 1 - 2**-52: random() < 1 makes u < total[-1]
        # (r * T rounds below T for r < 1), so the count is at most n_tokens - 1
        # and a trailing token of probability 0 is never drawn either.
        total = np.cumsum(rows, axis=-1)
        u = gen.random(rows.shape[0]) * total[:, -1]
        picks = (total <= u[:, None]).sum(axis=-1)
    picks = picks.reshape(p.shape[:-1])
    return int(picks) if picks.ndim == 0 else picks


def perplexity(logits: ArrayLike, targets: ArrayLike, *, temperature: float = 1.0) -> float:
    """``exp(mean cross-entropy)`` of ``softmax(logits / T)`` on the true next tokens.

    Parameters
    ----------
    logits : array_like, shape (n, n_tokens)
        The model's logits at ``n`` held-out positions.
    targets : array_like of int, shape (n,)
        The token that really came next at each position.
    temperature : float, optional
        ``T > 0``.  Default 1.

    Returns
    -------
    float
        The perplexity, between 1 (always sure and right) and ``inf`` (some
        true token got probability 0).  A model that spreads its probability
        evenly over ``m`` tokens and always includes the right one has
        perplexity exactly ``m``: read it as **the effective number of choices**.

    Examples
    --------
    >>> import numpy as np
    >>> from softmax_lib.decoding import perplexity
    >>> round(perplexity(np.zeros((3, 4)), [0, 1, 2]), 6)     # uniform over 4 tokens
    4.0
    >>> round(perplexity([[2.0, 0.0], [0.0, 2.0]], [0, 1]), 4)   # sure and right: close to 1
    1.1353
    """
    z = as_real_array(logits, "logits")
    if z.ndim != 2:
        raise ValueError(f"logits must be 2-D, (positions, tokens), got shape {z.shape}")
    t = check_temperature(temperature, zero_ok=True)
    if t == 0.0:
        raise ValueError(
            "perplexity needs temperature > 0: at T = 0 a wrong guess has probability 0 and the perplexity is infinite"
        )
    # (z - max) / T, not z / T, which overflows for large logits or a tiny T
    loss = cross_entropy(tempered_logits(z, temperature=t), targets)
    with np.errstate(over="ignore"):  # a true token of probability 0: perplexity inf
        return float(np.exp(loss))


# --------------------------------------------------------------------------
# online log-sum-exp
# --------------------------------------------------------------------------
class OnlineLogSumExp:
    """log-sum-exp of a stream, updated one chunk at a time in O(1) memory.

    The state is two numbers: the largest value seen so far, ``max``, and
    ``total``, the sum of ``exp(x - max)`` over every value seen so far.  A
    chunk with a new maximum ``m'`` first rescales the old total,
    ``total * exp(max - m')``, so that every term is measured from the same
    maximum, then adds its own ``exp(x - m')``.  At any time
    ``value = max + log(total)``.

    Attributes
    ----------
    max : float
        The largest value seen (``-inf`` before any finite value).
    total : float
        ``sum(exp(x - max))`` over the values seen: at least 1 once a finite
        value has arrived, 0 before.
    count : int
        How many values have been seen.

    Notes
    -----
    This is the *online normalizer* of Milakov & Gimelshein (2018).  Every
    exponent is ``<= 0``, so nothing overflows, whatever the values.  The
    state is kept in float64; :attr:`value` is returned in the dtype of the
    chunks (float32 for float32 chunks).  Hostile streams follow
    :func:`softmax_lib.logsumexp`: a stream that starts with ``-inf`` (or a
    chunk of only ``-inf``) adds nothing and never computes
    ``-inf - (-inf)``; a stream of only ``-inf`` gives ``-inf``; a ``+inf``
    gives ``+inf``; a NaN anywhere gives NaN; an empty chunk changes nothing.

    Examples
    --------
    >>> from softmax_lib.decoding import OnlineLogSumExp
    >>> acc = OnlineLogSumExp()
    >>> acc.update([1.0, 2.0]).update([1000.0])      # a new maximum: the old total is rescaled
    OnlineLogSumExp(max=1000.0, total=1.0, count=3)
    >>> float(acc.value)                             # = logsumexp([1, 2, 1000])
    1000.0
    """

    def __init__(self) -> None:
        self.max = -np.inf
        self.total = 0.0
        self.count = 0
        self._nan = False
        self._posinf = False
        self._dtype: np.dtype | None = None

    def __repr__(self) -> str:
        return f"OnlineLogSumExp(max={self.max!r}, total={self.total!r}, count={self.count})"

    def update(self, chunk: ArrayLike) -> OnlineLogSumExp:
        """Take in the next chunk of the stream (any shape, read flat); return ``self``."""
        x = as_real_array(chunk, "chunk")
        self._dtype = x.dtype if self._dtype is None else np.promote_types(self._dtype, x.dtype)
        x = x.astype(np.float64).ravel()
        self.count += x.size
        if x.size == 0 or self._nan:
            return self
        if np.isnan(x).any():
            self._nan = True
            return self
        if np.isposinf(x).any():
            self._posinf = True
        finite = x[np.isfinite(x)]
        if finite.size == 0:  # only -inf (or +inf): nothing to add to the total
            return self
        new_max = max(self.max, float(finite.max()))
        # x - max <= 0 may overflow to -inf for a wide spread ([-1e308, 1e308]):
        # exp(-inf) = 0 is then the right term, and no warning is due.
        with np.errstate(over="ignore"):
            # The old total is 0 while max is -inf: skip it (exp(-inf - -inf) would be NaN).
            rescaled = self.total * float(np.exp(self.max - new_max)) if self.total > 0 else 0.0
            self.total = rescaled + float(np.sum(np.exp(finite - new_max)))
        self.max = new_max
        return self

    @property
    def value(self):
        """``log(sum(exp(x)))`` over everything seen so far, as a NumPy scalar."""
        dtype = self._dtype if self._dtype is not None else np.dtype(np.float64)
        if dtype.kind != "f":
            dtype = np.dtype(np.float64)
        if self._nan:
            out = np.nan
        elif self._posinf:
            out = np.inf
        elif self.total == 0.0:
            out = -np.inf
        else:
            out = self.max + np.log(self.total)
        with np.errstate(over="ignore"):
            return dtype.type(out)


def online_logsumexp(chunks: Iterable[ArrayLike]):
    """log-sum-exp of a stream given as chunks, in one pass (see :class:`OnlineLogSumExp`).

    Parameters
    ----------
    chunks : iterable of array_like
        The stream, in pieces of any length (a generator works: each chunk
        is read once and not kept).

    Returns
    -------
    numpy scalar
        Equal to ``softmax_lib.logsumexp(np.concatenate(chunks))`` up to
        rounding, in the chunks' dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from softmax_lib.decoding import online_logsumexp
    >>> round(float(online_logsumexp([[0.0, 1.0], [2.0], [3.0, 4.0]])), 6)
    4.451914
    >>> float(online_logsumexp([[-np.inf], [-np.inf, -np.inf]]))    # log 0
    -inf
    >>> online_logsumexp([np.float32([88.0, 89.0]), np.float32([90.0])])   # exp(90) overflows float32
    np.float32(90.40761)
    """
    acc = OnlineLogSumExp()
    for chunk in chunks:
        acc.update(chunk)
    return acc.value


def online_softmax(chunks: Iterable[ArrayLike]) -> np.ndarray:
    """Softmax of a stream: one pass for the normaliser, one pass for the outputs.

    Parameters
    ----------
    chunks : sequence of array_like
        The stream in pieces; it is read twice, so pass a list, not a generator.

    Returns
    -------
    ndarray
        ``exp(x - max) / total`` for the concatenated stream, with ``max``
        and ``total`` the final state of :class:`OnlineLogSumExp`; equal to
        ``softmax_lib.softmax(np.concatenate(chunks))`` up to rounding, with
        the same rules for ``-inf``, ``+inf`` and NaN.

    Notes
    -----
    The outputs use the two numbers of the state, not ``exp(x - lse)``:
    ``lse = max + log(total)`` loses ``log(total)`` to rounding when ``max``
    is large (``1e16 + log 3`` is ``1e16 + 2``), and the outputs would then
    not sum to 1.

    Examples
    --------
    >>> from softmax_lib.decoding import online_softmax
    >>> online_softmax([[2.0], [1.0, 0.1]]).round(4)
    array([0.659 , 0.2424, 0.0986])
    """
    chunks = [np.ravel(as_real_array(c, "chunk")) for c in chunks]
    if not chunks:
        raise ValueError("online_softmax needs at least one chunk")
    acc = OnlineLogSumExp()
    for chunk in chunks:
        acc.update(chunk)
    x = np.concatenate(chunks)
    dtype = np.result_type(x.dtype, np.float32)
    if acc._nan:
        return np.full(x.shape, np.nan, dtype=dtype)
    if acc._posinf:
        top = np.isposinf(x)
        return (top / top.sum()).astype(dtype)
    if acc.total == 0.0:  # only -inf: no token is allowed
        return np.full(x.shape, np.nan, dtype=dtype)
    # exp(x - max) / total from the float64 state, not exp(x - lse): lse = max +
    # log(total) rounds away log(total) when max is large (1e16 + log 3 is 1e16 + 2,
    # and float32 1e8 + log 2 is 1e8), and the outputs would no longer sum to 1
    with np.errstate(under="ignore", over="ignore", invalid="ignore"):
        out = np.exp(x.astype(np.float64) - acc.max) / acc.total
    return out.astype(dtype)
