"""The attention computation, written once in keras.ops.

Every path of the layer runs this code: eagerly when attention scores or
dropout are wanted (so the dropout draws come from the same call sequence as
the reference's), compiled as one graph otherwise. The masking arithmetic
mirrors keras.layers.Attention operation for operation, down to the broadcast
quirks for inputs of rank > 3, so that results agree with it bit for bit where
the operations are the same and to float rounding elsewhere.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

from keras import backend as kbackend
from keras import ops

from rkeras_backend._compile import backend, compiled, shape_key
from rkeras_backend._concat import concat_scores

Tensor = Any


def _static_shape(x: Tensor) -> tuple[int | None, ...]:
    return tuple(None if d is None else int(d) for d in x.shape)


def _as_rank3(x: Tensor, lead: tuple[int | None, ...]) -> Tensor:
    """(*lead, T, D) -> (prod(lead), T, D), broadcasting x's leading dims first."""
    if _static_shape(x)[:-2] != lead and None not in lead:
        x = ops.broadcast_to(x, (*lead, *ops.shape(x)[-2:]))
    t, d = ops.shape(x)[-2:]
    return ops.reshape(x, (-1, t, d))


def _lead_shape(q: Tensor, k: Tensor) -> tuple[int | None, ...]:
    lq, lk = _static_shape(q)[:-2], _static_shape(k)[:-2]
    if lq == lk or None in lq or None in lk:
        return lq
    # Static broadcast of the batch dims, as ops.matmul would do.
    n = max(len(lq), len(lk))
    lq = (1,) * (n - len(lq)) + lq
    lk = (1,) * (n - len(lk)) + lk
    return tuple(a if b == 1 else b for a, b in zip(lq, lk, strict=True))


# Concat scores whose (*batch, Tq, Tv, D) tensor has at most this many
# elements (4 MiB of float32, the kernel's chunk size) are computed the
# way the reference computes them. At that size the tensor costs little
# memory, and the chunked kernel would cost an XLA compilation (about 0.4 s)
# for every new input shape, which an eager user pays on the first call.
# These are also the reference's own operations, so small inputs get the
# reference's results bit for bit, and its second-order gradients.
SMALL_CONCAT_ELEMENTS = 2**20


def _concat_by_reference(q: Tensor, k: Tensor) -> bool:
    """Whether concat scores take the reference's operations, not the kernel."""
    q_shape, k_shape = _static_shape(q), _static_shape(k)
    lead_q, lead_k = q_shape[:-2], k_shape[:-2]
    if lead_q != lead_k and (None in lead_q or None in lead_k):
        # A batch broadcast against an unknown batch size (a (1, Tq, D) query
        # for a (None, Tv, D) key): the kernel folds batches with static
        # reshapes and cannot do it; the reference's broadcasting sum can.
        return True
    if None in q_shape or None in k_shape:
        return False
    elements = math.prod(_lead_shape(q, k)) * q_shape[-2] * k_shape[-2]
    elements *= max(q_shape[-1], k_shape[-1])
    # The kernel cannot chunk an empty axis; the reference's sum is empty.
    return elements == 0 or elements <= SMALL_CONCAT_ELEMENTS


def _concat_scores_small(q: Tensor, k: Tensor, scale: Tensor | None, weight: Tensor) -> Tensor:
    x = ops.add(ops.expand_dims(q, axis=-2), ops.expand_dims(k, axis=-3))
    if scale is not None:
        x = ops.multiply(scale, x)
    return ops.multiply(weight, ops.sum(ops.tanh(x), axis=-1))


def scores(q: Tensor, k: Tensor, scale: Tensor | None, weight: Tensor | None, mode: str) -> Tensor:
    """Raw attention scores, shape (*batch, Tq, Tv)."""
    if mode == "dot":
        out = ops.matmul(q, ops.swapaxes(k, -2, -1))
        if scale is not None:
            out = ops.multiply(out, scale)
        return out
    if _concat_by_reference(q, k):
        return _concat_scores_small(q, k, scale, weight)
    lead = _lead_shape(q, k)
    s = scale if scale is not None else ops.ones((), dtype=q.dtype)
    q3, k3 = _as_rank3(q, lead), _as_rank3(k, lead)
    # A width of 1 broadcasts against the other's, as in the reference's sum.
    if q3.shape[-1] == 1 and k3.shape[-1] != 1:
        q3 = ops.broadcast_to(q3, (*ops.shape(q3)[:-1], ops.shape(k3)[-1]))
    elif k3.shape[-1] == 1 and q3.shape[-1] != 1:
        k3 = ops.broadcast_to(k3, (*ops.shape(k3)[:-1], ops.shape(q3)[-1]))
    r = concat_scores(q3, k3, s)
    if None in lead:
        lead_dims: Any = ops.shape(q)[:-2]
    else:
        lead_dims = lead
    r = ops.reshape(r, (*lead_dims, ops.shape(r)[-2], ops.shape(r)[-1]))
    return ops.multiply(weight, r)


def _score_mask(scores_: Tensor, v_mask: Tensor | None, causal: bool) -> Tensor | None:
    if not causal:
        return v_mask
    tq, tv = ops.shape(scores_)[-2], ops.shape(scores_)[-1]
    # Lower triangle aligned at the top-left corner, also when Tq != Tv.
    causal_mask = ops.expand_dims(
        ops.greater_equal(ops.arange(tq)[:, None], ops.arange(tv)[None, :]), 0
    )
    if v_mask is None:
        return causal_mask
    return ops.logical_and(ops.expand_dims(v_mask, axis=-2), causal_mask)


def attend(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    scale: Tensor | None,
    weight: Tensor | None,
    q_mask: Tensor | None,
    v_mask: Tensor | None,
    *,
    mode: str,
    causal: bool,
    dropout: Callable[[Tensor], Tensor] | None = None,
) -> tuple[Tensor, Tensor]:
    """Output and attention weights; the steps of keras.layers.Attention."""
    s = scores(q, k, scale, weight, mode)
    mask = _score_mask(s, v_mask, causal)
    if mask is not None:
        padding = ops.logical_not(mask)
        # Subtract rather than replace: a fully masked row stays a softmax of
        # (scores - big) and comes out uniform, as in the reference.
        big = 65504.0 if kbackend.standardize_dtype(s.dtype) == "float16" else 1.0e9
        if len(padding.shape) == 2:
            padding = ops.expand_dims(padding, axis=-2)
        s = ops.where(padding, s - big, s)
    weights = ops.softmax(s, axis=-1)
    if dropout is not None:
        weights = dropout(weights)
    out = ops.matmul(weights, v)
    if q_mask is not None:
        out = ops.where(ops.expand_dims(q_mask, axis=-1), out, 0)
    return out, weights


def _attend_output(*args: Tensor, mode: str, causal: bool) -> Tensor:
    return attend(*args, mode=mode, causal=causal)[0]


def attend_fused(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    scale: Tensor | None,
    weight: Tensor | None,
    q_mask: Tensor | None,
    v_mask: Tensor | None,
    *,
    mode: str,
    causal: bool,
) -> Tensor:
    """Output only, no dropout: one compiled graph per configuration.

    On TensorFlow the graph is a plain tf.function (oneDNN matmuls, Grappler
    folds the key transpose into the matmul); the chunked concat score kernel
    inside it is XLA-compiled on its own, and small concat scores are plain
    ops of the graph. On JAX dot mode is one jax.jit and concat mode runs
    eagerly, calling the jitted kernel for large inputs. On torch, dot mode
    goes to keras.ops.dot_product_attention (PyTorch's fused
    scaled_dot_product_attention); concat runs eagerly.
    """
    args = (q, k, v, scale, weight, q_mask, v_mask)
    name = backend()
    if name == "torch" and mode == "dot":
        return _torch_dot(*args, causal=causal)
    if name == "torch" or (name == "jax" and mode == "concat"):
        # jax: the chunked concat kernel is jitted on its own, once per
        # shape; a jit around it would recompile it for every mask/causal
        # variant, and the ops around it are a handful of cheap elementwise
        # ones.
        return _attend_output(*args, mode=mode, causal=causal)
    fn = compiled(
        ("attend", mode, causal, shape_key(*args)),
        lambda: functools.partial(_attend_output, mode=mode, causal=causal),
        xla=False,
    )
    if name == "tensorflow" and mode == "dot":
        with _tf_single_threaded_executor():
            return fn(*args)
    return fn(*args)


def _tf_single_threaded_executor() -> Any:
    """Run the graph's ops one after another on the calling thread.

    TF's default graph executor hands every op to its inter-op thread pool;
    for a chain of five dependent ops that is pure overhead. Measured on the
    benchmark's dot cases: 1-3% faster. The ops still use the intra-op
    threads (oneDNN/Eigen). Only the forward call is affected; the gradient
    function runs under TF's default executor. Not used for concat mode,
    whose graph calls an XLA cluster.
    """
    from tensorflow.python.eager import context

    return context.function_executor_type("SINGLE_THREADED_EXECUTOR")


def _torch_dot(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    scale: Tensor | None,
    weight: Tensor | None,
    q_mask: Tensor | None,
    v_mask: Tensor | None,
    *,
    causal: bool,
) -> Tensor:
    del weight
    # An unbatched value mask, shape (Tv,), broadcasts over the batch in the
    # reference; the bias below puts the heads axis after the batch axis, so
    # it would land on the wrong axis.
    unbatched_mask = v_mask is not None and len(v_mask.shape) < 2
    if len(q.shape) != 3 or len(k.shape) != 3 or len(v.shape) != 3 or unbatched_mask:
        return _attend_output(q, k, v, scale, None, q_mask, v_mask, mode="dot", causal=causal)
    if scale is not None:
        # A trainable scale must stay a tensor for autograd, and
        # scaled_dot_product_attention takes a Python float.
        q = ops.multiply(q, scale)
    bias = None
    mask = _score_mask(ops.zeros((1, q.shape[1], k.shape[1]), dtype="bool"), v_mask, causal)
    if mask is not None:
        if len(mask.shape) == 2:
            mask = ops.expand_dims(mask, axis=-2)
        big = 65504.0 if kbackend.standardize_dtype(q.dtype) == "float16" else 1.0e9
        # An additive bias reproduces the reference's "scores - big" exactly;
        # a boolean mask would become -inf and make empty rows NaN.
        bias = ops.expand_dims(ops.where(mask, 0.0, -big), axis=1)
        bias = ops.cast(bias, q.dtype)
    out = ops.dot_product_attention(
        q[:, :, None, :], k[:, :, None, :], v[:, :, None, :], bias=bias, scale=1.0
    )[:, :, 0, :]
    if q_mask is not None:
        out = ops.where(ops.expand_dims(q_mask, axis=-1), out, 0)
    return out
