"""Backend plumbing: compile a keras.ops function once per static configuration.

The kernels in this package are plain keras.ops code. What differs between
backends is only how (and whether) a function can be compiled, so that lives
here and nowhere else.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import keras

# Bounded: an eager loop over ever-new sequence lengths must not keep every
# compiled executable alive.
_MAX_ENTRIES = 128
_lock = threading.Lock()
_cache: OrderedDict[tuple[Hashable, ...], Callable[..., Any]] = OrderedDict()


def backend() -> str:
    return keras.backend.backend()


def compiled(
    key: Hashable, build: Callable[[], Callable[..., Any]], *, xla: bool
) -> Callable[..., Any]:
    """Return `build()` compiled for the active backend, cached under `key`.

    One compiled object per key (the key includes the input shapes on
    TensorFlow) keeps tf.function from retracing, and from warning about it,
    when a model calls the layer with several shapes.

    `xla` asks for XLA on TensorFlow. It pays off for the elementwise-heavy
    concat kernels; for matmul-bound code TF's own graph mode with oneDNN
    matmuls is faster on CPU than XLA's dot emitter, so callers choose.
    """
    name = backend()
    full_key = (name, xla, key)
    with _lock:
        fn = _cache.get(full_key)
        if fn is not None:
            _cache.move_to_end(full_key)
            return fn
    raw = build()
    if name == "tensorflow":
        import tensorflow as tf

        fn = tf.function(raw, jit_compile=xla, autograph=False)
    elif name == "jax":
        import jax

        fn = jax.jit(raw)
    else:
        # torch.compile costs tens of seconds per shape on CPU and its
        # eager kernels are already vectorised; run eagerly.
        fn = raw
    with _lock:
        fn = _cache.setdefault(full_key, fn)
        while len(_cache) > _MAX_ENTRIES:
            _cache.popitem(last=False)
        return fn


def shape_key(*tensors: Any) -> tuple[Hashable, ...]:
    """Static shapes and dtypes, the part of a call that forces a retrace."""
    out: list[Hashable] = []
    for t in tensors:
        if t is None:
            out.append(None)
            continue
        shape = getattr(t, "shape", ())
        out.append((tuple(_dim(d) for d in shape), str(getattr(t, "dtype", ""))))
    return tuple(out)


def _dim(d: Any) -> int | None:
    if d is None:
        return None
    try:
        return int(d)
    except TypeError:
        return None
