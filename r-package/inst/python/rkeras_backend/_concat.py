"""Concat-mode attention scores without the (N, Tq, Tv, D) tensor.

    R[n, i, j] = sum_d tanh(s * (q[n, i, d] + k[n, j, d]))

keras.layers.Attention builds the whole broadcast sum before reducing it:
B=2, T=1024, D=256 is 2 GiB per intermediate and about 4 GiB at peak. Here the
work is cut into chunks of query rows (batch folded into the chunk index so the
working set does not grow with the batch), each chunk is reduced before the
next one starts, and the backward pass recomputes the chunk instead of keeping
it. Only (N, Tq, Tv)-sized tensors ever exist. (Inputs whose whole tensor
is smaller than one chunk do not come here: see SMALL_CONCAT_ELEMENTS in
_forward.py.)

Two ways to evaluate tanh(x + y), chosen at run time:

* fast: with u = exp(2x) * exp(2y) = exp(2(x + y)), tanh(x + y) = 1 - 2/(1+u),
  and d tanh/dz = 4 r (1 - r) with r = 1/(1+u). The exponentials are per row
  and per column, so each of the Tq*Tv*D elements costs a multiply, an add and
  a division instead of a full tanh. The product of two exponentials keeps
  full relative precision (no cancellation), so the result matches tanh to a
  few ulp. It is used only while every |s*q| and |s*k| stays below a bound at
  which neither factor can overflow or underflow.
* exact: tanh itself, for inputs outside that bound (or NaN/inf).

The sum over D is done as a matmul with a vector of ones: XLA compiles a
fused reduction over the minor axis into a serial add chain, while a matmul
keeps the vector units busy.
"""

from __future__ import annotations

import functools
from typing import Any

from keras import backend as kbackend
from keras import ops

from rkeras_backend._compile import backend, compiled, shape_key

Tensor = Any

# Elements (not bytes) of the largest per-chunk intermediate: 2**20 float32
# values are 4 MiB. Measured on a 2-core Zen 4 (2 MiB L2, 32 MiB L3): 2**16 to
# 2**20 run within noise of each other, 2**22 is 2-3x slower in the backward.
DEFAULT_CHUNK_ELEMENTS = 2**20

# |x| below which exp(2x) is a normal finite number: exp(2 * 43) = 2.3e37 for
# float32, exp(2 * 350) = 1e304 for float64.
_FAST_LIMIT = {"float32": 43.0, "float64": 350.0}


def _dtype(x: Tensor) -> str:
    return kbackend.standardize_dtype(x.dtype)


def _kernel_dtype(dtype: str) -> str:
    # float16/bfloat16 would overflow exp(2x) at |x| > 5.5 and lose the sum
    # over D; compute in float32 and round once at the end.
    return "float64" if dtype == "float64" else "float32"


def _chunk_rows(rows: Any, rows_other: Any, width: Any, budget: int) -> int:
    """Rows per chunk so that one chunk's (c, T_other, D) block fits `budget`."""
    try:
        per_row = int(rows_other) * int(width)
    except TypeError:  # a dynamic dimension inside a traced graph
        return 8
    c = max(1, budget // max(per_row, 1))
    try:
        # No point padding a short sequence up to a long chunk.
        return min(c, max(int(rows), 1))
    except TypeError:
        return c


def _fold(x: Tensor, c: int) -> tuple[Tensor, Any, Any]:
    """(N, T, F) -> (N * n, c, F) with T zero-padded to n * c; also n and T."""
    n_batch, t, f = ops.shape(x)
    n = (t + c - 1) // c
    x = ops.pad(x, ((0, 0), (0, n * c - t), (0, 0)))
    return ops.reshape(x, (n_batch * n, c, f)), n, t


def _unfold(y: Tensor, n_batch: Any, n: Any, c: int, t: Any) -> Tensor:
    """(N * n, c, F) -> (N, T, F): inverse of `_fold`, padding dropped."""
    y = ops.reshape(y, (n_batch, n * c, ops.shape(y)[-1]))
    return y[:, :t]


def _batch_index(n_batch: Any, n: Any) -> Tensor:
    return ops.floor_divide(ops.arange(n_batch * n, dtype="int32"), n)


def _fast_ok(q: Tensor, k: Tensor, s: Tensor, dtype: str) -> Tensor:
    limit = _FAST_LIMIT[dtype]
    # NaN makes both comparisons false, which routes it to tanh, like the
    # reference.
    return ops.logical_and(ops.all(ops.abs(s * q) <= limit), ops.all(ops.abs(s * k) <= limit))


def _row_sum(t: Tensor) -> Tensor:
    """Sum over the last axis as a matmul (see module docstring)."""
    if backend() == "torch":
        # No XLA there to serialise the reduction, and keras' torch matmul
        # computes float64 in float32.
        return ops.sum(t, axis=-1)
    ones = ops.ones((ops.shape(t)[-1], 1), dtype=t.dtype)
    return ops.matmul(t, ones)[..., 0]


def _scores_forward(q: Tensor, k: Tensor, s: Tensor, budget: int) -> Tensor:
    n_batch = ops.shape(q)[0]
    c = _chunk_rows(q.shape[1], k.shape[1], k.shape[2], budget)

    def fast() -> Tensor:
        e_q, n, t = _fold(ops.exp(2.0 * (s * q)), c)
        e_k = ops.exp(2.0 * (s * k))

        def body(xs: tuple[Tensor, Tensor]) -> Tensor:
            eq_c, b = xs
            u = eq_c[:, None, :] * ops.take(e_k, b, axis=0)[None, :, :]
            return _row_sum(1.0 - 2.0 / (1.0 + u))

        out = ops.map(body, (e_q, _batch_index(n_batch, n)))
        return _unfold(out, n_batch, n, c, t)

    def exact() -> Tensor:
        q_f, n, t = _fold(q, c)

        def body(xs: tuple[Tensor, Tensor]) -> Tensor:
            q_c, b = xs
            # Same association as the reference: add first, then scale.
            x = s * (q_c[:, None, :] + ops.take(k, b, axis=0)[None, :, :])
            return _row_sum(ops.tanh(x))

        out = ops.map(body, (q_f, _batch_index(n_batch, n)))
        return _unfold(out, n_batch, n, c, t)

    return ops.cond(_fast_ok(q, k, s, _dtype(q)), fast, exact)


def _contract(rows: Tensor, cols: Tensor, g: Tensor, s: Tensor, budget: int, fast: bool) -> Tensor:
    """sum_j g[n, i, j] * (1 - tanh^2(s * (rows[n, i] + cols[n, j]))), per d.

    With fast=True, `rows` and `cols` hold exp(2 s x) instead of x.
    Returns (N, T_rows, D).
    """
    n_batch = ops.shape(rows)[0]
    c = _chunk_rows(rows.shape[1], cols.shape[1], cols.shape[2], budget)
    r_f, n, t = _fold(rows, c)
    g_f, _, _ = _fold(g, c)

    def body(xs: tuple[Tensor, Tensor, Tensor]) -> Tensor:
        r_c, g_c, b = xs
        col = ops.take(cols, b, axis=0)[None, :, :]
        if fast:
            r = 1.0 / (1.0 + r_c[:, None, :] * col)
            m = 4.0 * r * (1.0 - r)
        else:
            th = ops.tanh(s * (r_c[:, None, :] + col))
            m = 1.0 - th * th
        # Reduce over j, a major axis, so the vector lanes run along d. (The
        # same contraction written as a batched (1, Tv) @ (Tv, D) matmul is
        # 4x slower under XLA: it becomes a GEMV per row.)
        return ops.sum(g_c[:, :, None] * m, axis=1)

    out = ops.map(body, (r_f, g_f, _batch_index(n_batch, n)))
    return _unfold(out, n_batch, n, c, t)


def _scores_backward(
    q: Tensor, k: Tensor, s: Tensor, g: Tensor, budget: int
) -> tuple[Tensor, Tensor, Tensor]:
    g_t = ops.transpose(g, (0, 2, 1))

    def run(fast: bool) -> tuple[Tensor, Tensor]:
        if fast:
            rows, cols = ops.exp(2.0 * (s * q)), ops.exp(2.0 * (s * k))
        else:
            rows, cols = q, k
        # Two passes, one per reduction axis, each recomputing the chunk: a
        # single pass would have to accumulate a (Tv, D) block per row.
        a = _contract(rows, cols, g, s, budget, fast)
        b = _contract(cols, rows, g_t, s, budget, fast)
        return a, b

    a, b = ops.cond(
        _fast_ok(q, k, s, _dtype(q)),
        lambda: run(True),
        lambda: run(False),
    )
    ds = ops.sum(q * a) + ops.sum(k * b)
    return s * a, s * b, ds


def concat_scores(
    q: Tensor, k: Tensor, scale: Tensor, *, budget: int = DEFAULT_CHUNK_ELEMENTS
) -> Tensor:
    """sum_d tanh(scale * (q[..., i, None, d] + k[..., None, j, d])).

    q: (N, Tq, D), k: (N, Tv, D), scale: scalar. Returns (N, Tq, Tv) in q's
    dtype (float32 for integer inputs, as tanh gives); differentiable in all
    three arguments.
    """
    in_dtype = _dtype(q)
    out_dtype = in_dtype if "float" in in_dtype else kbackend.result_type(in_dtype, float)
    kd = _kernel_dtype(in_dtype)
    q32 = ops.cast(q, kd)
    k32 = ops.cast(k, kd)
    # convert, not cast: a Python float must not pass through float32 first.
    s32 = ops.convert_to_tensor(scale, dtype=kd)
    key = (shape_key(q32, k32), budget)
    fwd = compiled(
        ("concat_fwd", key),
        lambda: functools.partial(_scores_forward, budget=budget),
        xla=True,
    )

    @ops.custom_gradient
    def scores(q_: Tensor, k_: Tensor, s_: Tensor) -> tuple[Tensor, Any]:
        # stop_gradient keeps TF's tape from recording the compiled call and
        # asking it for intermediates; the gradient is ours below.
        out = fwd(ops.stop_gradient(q_), ops.stop_gradient(k_), ops.stop_gradient(s_))

        def grad(*args: Tensor, upstream: Tensor | None = None) -> tuple[Tensor, ...]:
            g = upstream if upstream is not None else args[0]
            g = ops.cast(g, kd)
            bwd = compiled(
                ("concat_bwd", key, shape_key(g)),
                lambda: functools.partial(_scores_backward, budget=budget),
                xla=True,
            )
            return tuple(bwd(q_, k_, s_, g))

        return out, grad

    return ops.cast(scores(q32, k32, s32), out_dtype)
