"""Differential tests: rkeras_backend.Attention against keras.layers.Attention.

Both layers run side by side on the same random inputs with the same weights;
outputs, attention scores and gradients must agree. The module runs on
whatever KERAS_BACKEND is active (tensorflow by default);
tests/test_attention_backends.py re-runs it under jax and torch.

Shapes are small on purpose: every new shape costs a compile on TF/JAX.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from keras import backend as kbackend  # noqa: E402
from keras import ops  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
try:
    import rkeras_backend
except ImportError:  # not pip-installed: use the source tree
    sys.path.insert(0, str(REPO / "r-package" / "inst" / "python"))
    import rkeras_backend

from rkeras_backend import _compile, _forward  # noqa: E402
from rkeras_backend._concat import concat_scores  # noqa: E402

BACKEND = keras.backend.backend()
RTOL = 1e-5
ATOL = 1e-5

Arrays = list[np.ndarray]

# Concat scores take one of two paths by size (see SMALL_CONCAT_ELEMENTS):
# the reference's own operations for small inputs, the chunked kernel for
# large ones. The test inputs are small, so "concat_chunked" forces the kernel.
MODES = ["dot", "concat", "concat_chunked"]


def force_chunked_concat(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_forward, "SMALL_CONCAT_ELEMENTS", -1)
    # Compiled graphs traced on the other path must not be reused.
    monkeypatch.setattr(_compile, "_cache", type(_compile._cache)())


@pytest.fixture
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "concat_chunked":
        force_chunked_concat(monkeypatch)
        return "concat"
    return request.param


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def rand(rng: np.random.Generator, *shape: int, scale: float = 1.0) -> np.ndarray:
    return (scale * rng.standard_normal(shape)).astype("float32")


def np_(x: Any) -> np.ndarray:
    return np.asarray(ops.convert_to_numpy(x))


def pair(**kwargs: Any) -> tuple[Any, Any]:
    return keras.layers.Attention(**kwargs), rkeras_backend.Attention(**kwargs)


def build_same(ref: Any, ours: Any, inputs: list[np.ndarray], seed: int = 7) -> None:
    """Build both layers and give them the same non-trivial weights."""
    ref(inputs)
    ours(inputs)
    rng = np.random.default_rng(seed)
    values = [np.asarray(0.5 + rng.random(w.shape), dtype=w.dtype) for w in ref.trainable_weights]
    for layer in (ref, ours):
        for var, val in zip(layer.trainable_weights, values, strict=True):
            var.assign(val)


def close(a: Any, b: Any, rtol: float = RTOL, atol: float = ATOL) -> None:
    np.testing.assert_allclose(np_(a), np_(b), rtol=rtol, atol=atol)


def value_and_grads(
    layer: Any, inputs: list[np.ndarray], cot: np.ndarray, **call_kw: Any
) -> tuple[np.ndarray, Arrays]:
    """Output and d(sum(output * cot)) / d(inputs..., trainable weights...)."""
    n_in = len(inputs)
    if BACKEND == "tensorflow":
        import tensorflow as tf

        xs = [tf.constant(x) for x in inputs]
        with tf.GradientTape() as tape:
            tape.watch(xs)
            out = layer(xs, **call_kw)
            loss = tf.reduce_sum(out * cot)
        grads = tape.gradient(loss, [*xs, *layer.trainable_variables])
        return np_(out), [np_(g) for g in grads]
    if BACKEND == "jax":
        import jax

        trainable = [w.value for w in layer.trainable_variables]
        non_trainable = [w.value for w in layer.non_trainable_variables]

        def loss(tv: Any, xs: Any) -> Any:
            out, _ = layer.stateless_call(tv, non_trainable, list(xs), **call_kw)
            return (out * cot).sum(), out

        (_, out), (g_w, g_x) = jax.value_and_grad(loss, argnums=(0, 1), has_aux=True)(
            trainable, tuple(inputs)
        )
        return np_(out), [np_(g) for g in (*g_x, *g_w)]
    import torch

    xs = [torch.tensor(x, requires_grad=True) for x in inputs]
    for w in layer.trainable_variables:
        w.value.grad = None
    out = layer(xs, **call_kw)
    (out * torch.tensor(cot)).sum().backward()
    grads = [x.grad for x in xs] + [w.value.grad for w in layer.trainable_variables]
    assert len(grads) == n_in + len(layer.trainable_variables)
    return np_(out), [np_(g) for g in grads]


def masks(
    rng: np.random.Generator, b: int, tq: int, tv: int, empty_row: bool = True
) -> list[np.ndarray]:
    q_mask = rng.random((b, tq)) > 0.3
    v_mask = rng.random((b, tv)) > 0.3
    v_mask[:, 0] = True
    if empty_row:
        v_mask[0, :] = False  # a fully masked row: softmax must come out uniform
    return [q_mask, v_mask]


# --------------------------------------------------------------------------
# constructor, weights, config
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        (
            {"score_mode": "bahdanau"},
            r"score_mode.*'dot', 'concat'.*Received: score_mode='bahdanau'",
        ),
        ({"dropout": 1.0}, r"dropout.*\[0, 1\).*Received: dropout=1.0"),
        ({"dropout": -0.1}, r"dropout.*\[0, 1\).*Received: dropout=-0.1"),
        ({"dropout": "0.1"}, r"dropout.*Received: dropout='0.1'"),
        ({"dropout": True}, r"dropout.*Received: dropout=True"),
        ({"seed": 1.5}, r"seed.*int or None.*Received: seed=1.5"),
        ({"seed": "42"}, r"seed.*int or None.*Received: seed='42'"),
        ({"seed": True}, r"seed.*int or None.*Received: seed=True"),
        ({"use_scale": "yes"}, r"use_scale.*boolean.*Received: use_scale='yes'"),
    ],
)
def test_constructor_rejects_bad_values(kwargs: dict[str, Any], pattern: str) -> None:
    with pytest.raises(ValueError, match=pattern):
        rkeras_backend.Attention(**kwargs)


def test_constructor_accepts_layer_kwargs_and_numpy_seed() -> None:
    layer = rkeras_backend.Attention(
        seed=np.int64(3), dropout=np.float32(0.25), name="att", dtype="float32", trainable=False
    )
    assert layer.name == "att"
    assert layer.trainable is False
    assert layer.seed == 3 and type(layer.seed) is int
    json.dumps(layer.get_config())


@pytest.mark.parametrize("mode", MODES, indirect=True)
@pytest.mark.parametrize("use_scale", [False, True])
@pytest.mark.parametrize("dropout", [0.0, 0.2])
def test_weights_match_reference(mode: str, use_scale: bool, dropout: float) -> None:
    rng = np.random.default_rng(0)
    inputs = [rand(rng, 2, 3, 4), rand(rng, 2, 5, 4)]
    ref, ours = pair(score_mode=mode, use_scale=use_scale, dropout=dropout, seed=1)
    ref(inputs)
    ours(inputs)

    def describe(layer: Any) -> list[tuple[str, tuple[int, ...], bool, str]]:
        return [
            (w.path.split("/", 1)[1], tuple(w.shape), w.trainable, str(w.dtype))
            for w in layer.weights
        ]

    assert describe(ours) == describe(ref)
    for w in ours.trainable_weights:
        assert np_(w) == 1.0  # the "ones" initialiser
    cfg_ref, cfg_ours = ref.get_config(), ours.get_config()
    cfg_ref.pop("name")
    cfg_ours.pop("name")
    assert cfg_ours == cfg_ref


def test_from_config_roundtrip_and_reference_config() -> None:
    ref = keras.layers.Attention(use_scale=True, score_mode="concat", dropout=0.1, seed=5)
    ours = rkeras_backend.Attention.from_config(ref.get_config())
    assert ours.get_config() == ref.get_config()
    again = rkeras_backend.Attention.from_config(ours.get_config())
    assert again.get_config() == ours.get_config()
    # Unregistered, so files name it by its class (see the saving tests); the
    # name earlier versions wrote resolves to an alias that builds it.
    assert keras.saving.get_registered_name(rkeras_backend.Attention) == "Attention"
    alias = keras.saving.get_registered_object("rkeras>Attention")
    assert type(alias.from_config(ours.get_config())) is rkeras_backend.Attention


# --------------------------------------------------------------------------
# forward, differential
# --------------------------------------------------------------------------

B, TQ, TV, D, DV = 2, 5, 7, 8, 6


@pytest.mark.parametrize("mode", MODES, indirect=True)
@pytest.mark.parametrize("use_scale", [False, True])
@pytest.mark.parametrize("with_key", [False, True])
def test_forward_matches_reference(mode: str, use_scale: bool, with_key: bool) -> None:
    rng = np.random.default_rng(1)
    q = rand(rng, B, TQ, D)
    if with_key:  # value narrower than query/key
        inputs = [q, rand(rng, B, TV, DV), rand(rng, B, TV, D)]
    else:
        inputs = [q, rand(rng, B, TV, D)]
    ref, ours = pair(score_mode=mode, use_scale=use_scale)
    build_same(ref, ours, inputs)
    mask = masks(rng, B, TQ, TV)
    for kw in (
        {},
        {"mask": mask},
        {"use_causal_mask": True},
        {"mask": mask, "use_causal_mask": True},
    ):
        fused = ours(inputs, **kw)
        out_ref, scores_ref = ref(inputs, return_attention_scores=True, **kw)
        out, scores = ours(inputs, return_attention_scores=True, **kw)
        close(out, out_ref)
        close(scores, scores_ref)
        # The fused path (no scores) and the scores path agree.
        close(fused, out)
        assert tuple(fused.shape) == tuple(out_ref.shape)


def test_masking_semantics() -> None:
    rng = np.random.default_rng(2)
    inputs = [rand(rng, 2, 4, 3), rand(rng, 2, 6, 3)]
    q_mask = np.array([[True, False, True, True], [True, True, True, False]])
    v_mask = np.zeros((2, 6), bool)
    v_mask[1, :2] = True
    for mode in ("dot", "concat"):
        layer = rkeras_backend.Attention(score_mode=mode)
        out, scores = layer(inputs, mask=[q_mask, v_mask], return_attention_scores=True)
        out, scores = np_(out), np_(scores)
        np.testing.assert_allclose(scores[0], np.full((4, 6), 1 / 6), rtol=1e-6)
        np.testing.assert_allclose(scores[1, :, 2:], 0.0, atol=1e-30)
        assert (out[~q_mask] == 0).all()
        # Causal with Tq < Tv: row i sees columns 0..i (top-left aligned).
        _, causal = layer(inputs, use_causal_mask=True, return_attention_scores=True)
        assert (np.triu(np_(causal)[0], 1) == 0).all()
        assert (np_(causal)[0, 0, 1:] == 0).all()


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_causal_with_more_queries_than_values(mode: str) -> None:
    """Tq > Tv: rows past Tv see every value; the triangle starts top-left."""
    rng = np.random.default_rng(15)
    inputs = [rand(rng, B, TV, D), rand(rng, B, TQ, D)]  # Tq=7, Tv=5
    ref, ours = pair(score_mode=mode)
    build_same(ref, ours, inputs)
    v_mask = masks(rng, B, TQ, TQ)[1]
    for kw in ({"use_causal_mask": True}, {"use_causal_mask": True, "mask": [None, v_mask]}):
        out_ref, s_ref = ref(inputs, return_attention_scores=True, **kw)
        out, s = ours(inputs, return_attention_scores=True, **kw)
        close(out, out_ref)
        close(s, s_ref)
        close(ours(inputs, **kw), out_ref)


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_more_than_three_dims(mode: str) -> None:
    rng = np.random.default_rng(3)
    h = 3
    inputs = [rand(rng, B, h, TQ, D), rand(rng, B, h, TV, D)]
    ref, ours = pair(score_mode=mode, use_scale=True)
    build_same(ref, ours, inputs)
    v_mask = rng.random((B, h, TV)) > 0.3
    q_mask = rng.random((B, h, TQ)) > 0.3
    for kw in ({}, {"use_causal_mask": True, "mask": [q_mask, v_mask]}):
        out_ref, s_ref = ref(inputs, return_attention_scores=True, **kw)
        close(ours(inputs, **kw), out_ref)
        out, s = ours(inputs, return_attention_scores=True, **kw)
        close(out, out_ref)
        close(s, s_ref)


def test_concat_large_inputs_use_exact_tanh(monkeypatch: pytest.MonkeyPatch) -> None:
    """|q|, |k| past the fast path's bound: the tanh fallback must agree too."""
    force_chunked_concat(monkeypatch)
    rng = np.random.default_rng(4)
    inputs = [rand(rng, B, TQ, D, scale=30.0), rand(rng, B, TV, D, scale=30.0)]
    inputs[0][0, 0, 0] = 60.0
    ref, ours = pair(score_mode="concat", use_scale=True)
    build_same(ref, ours, inputs)
    cot = rand(rng, B, TQ, D)
    out_ref, g_ref = value_and_grads(ref, inputs, cot)
    out, g = value_and_grads(ours, inputs, cot)
    close(out, out_ref, rtol=1e-4, atol=1e-4)
    for a, b in zip(g, g_ref, strict=True):
        close(a, b, rtol=1e-4, atol=1e-4)


def test_concat_kernel_chunks_and_padding() -> None:
    """Tiny chunk budget: many chunks, last one padded; same as the naive sum."""
    rng = np.random.default_rng(5)
    q, k = rand(rng, 3, 7, 4), rand(rng, 3, 5, 4)
    s = np.float32(0.7)
    want = np.tanh(s * (q[:, :, None, :] + k[:, None, :, :])).sum(-1)
    for budget in (1, 11, 10**6):
        got = concat_scores(ops.convert_to_tensor(q), ops.convert_to_tensor(k), s, budget=budget)
        np.testing.assert_allclose(np_(got), want, rtol=1e-5, atol=1e-5)
    # float64 stays float64 (and exact to float64 rounding).
    q64, k64 = q.astype("float64"), k.astype("float64")
    if kbackend.standardize_dtype(ops.convert_to_tensor(q64).dtype) != "float64":
        return  # jax without jax_enable_x64 has no float64
    want64 = np.tanh(0.7 * (q64[:, :, None, :] + k64[:, None, :, :])).sum(-1)
    got64 = np_(concat_scores(ops.convert_to_tensor(q64), ops.convert_to_tensor(k64), 0.7))
    assert got64.dtype == np.float64
    np.testing.assert_allclose(got64, want64, rtol=1e-12, atol=1e-12)


# --------------------------------------------------------------------------
# gradients
# --------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES, indirect=True)
@pytest.mark.parametrize("use_scale", [False, True])
def test_gradients_match_reference(mode: str, use_scale: bool) -> None:
    rng = np.random.default_rng(6)
    inputs = [rand(rng, B, TQ, D), rand(rng, B, TV, DV), rand(rng, B, TV, D)]
    ref, ours = pair(score_mode=mode, use_scale=use_scale)
    build_same(ref, ours, inputs)
    cot = rand(rng, B, TQ, DV)
    mask = masks(rng, B, TQ, TV)
    for kw in ({}, {"mask": mask, "use_causal_mask": True}):
        out_ref, g_ref = value_and_grads(ref, inputs, cot, **kw)
        out, g = value_and_grads(ours, inputs, cot, **kw)
        close(out, out_ref)
        assert len(g) == len(g_ref)
        for a, b in zip(g, g_ref, strict=True):
            close(a, b, rtol=1e-4, atol=1e-5)


# --------------------------------------------------------------------------
# dropout
# --------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_dropout_matches_reference_draws(mode: str) -> None:
    rng = np.random.default_rng(7)
    inputs = [rand(rng, B, TQ, D), rand(rng, B, TV, D)]
    ref, ours = pair(score_mode=mode, dropout=0.4, seed=123)
    build_same(ref, ours, inputs)
    # Inference: no dropout at all.
    close(ours(inputs), ref(inputs))
    close(ours(inputs, training=False), ref(inputs))
    # Training: the same draws, call after call (the seed state advances).
    for _ in range(2):
        out_ref, s_ref = ref(inputs, training=True, return_attention_scores=True)
        out, s = ours(inputs, training=True, return_attention_scores=True)
        close(out, out_ref)
        close(s, s_ref)
        assert (np_(s) == 0).any()
    close(ours(inputs, training=True), ref(inputs, training=True))
    # A fresh layer with the same seed repeats the first draw.
    a = rkeras_backend.Attention(score_mode=mode, dropout=0.4, seed=123)
    b = rkeras_backend.Attention(score_mode=mode, dropout=0.4, seed=123)
    build_same(a, b, inputs)
    close(a(inputs, training=True), b(inputs, training=True))


# --------------------------------------------------------------------------
# symbolic use, shapes, masks propagation, mixed precision
# --------------------------------------------------------------------------


def test_symbolic_call_and_no_leak_of_return_attention_scores() -> None:
    q_in = keras.Input((TQ, D))
    v_in = keras.Input((TV, DV))
    k_in = keras.Input((TV, D))
    layer = rkeras_backend.Attention(score_mode="concat", use_scale=True)
    out, scores = layer([q_in, v_in, k_in], return_attention_scores=True)
    assert tuple(out.shape) == (None, TQ, DV)
    assert tuple(scores.shape) == (None, TQ, TV)
    plain = layer([q_in, v_in, k_in])
    assert not isinstance(plain, tuple)
    assert tuple(plain.shape) == (None, TQ, DV)
    model = keras.Model([q_in, v_in, k_in], [out, scores, plain])
    rng = np.random.default_rng(8)
    xs = [rand(rng, 2, TQ, D), rand(rng, 2, TV, DV), rand(rng, 2, TV, D)]
    o, s, p = model(xs)
    close(o, p)
    assert tuple(s.shape) == (2, TQ, TV)
    assert not isinstance(layer(xs), tuple)
    assert layer.compute_output_shape([(2, TQ, D), (2, TV, DV)]) == (2, TQ, DV)


def test_compute_mask_and_keras_mask_propagation() -> None:
    layer = rkeras_backend.Attention()
    rng = np.random.default_rng(9)
    q, v = rand(rng, 2, 3, 4), rand(rng, 2, 5, 4)
    assert layer.compute_mask([q, v]) is None
    assert layer.compute_mask([q, v], mask=[None, None]) is None
    m = np.array([[True, False, True], [True, True, False]])
    np.testing.assert_array_equal(np_(layer.compute_mask([q, v], mask=[m, None])), m)
    # Masks carried by Embedding outputs reach call() as a list of three.
    tokens_q = keras.Input((None,), dtype="int32")
    tokens_v = keras.Input((None,), dtype="int32")
    emb = keras.layers.Embedding(10, 4, mask_zero=True)
    eq, ev = emb(tokens_q), emb(tokens_v)
    ref_model = keras.Model([tokens_q, tokens_v], keras.layers.Attention()([eq, ev, ev]))
    ours_model = keras.Model([tokens_q, tokens_v], rkeras_backend.Attention()([eq, ev, ev]))
    ours_model.set_weights(ref_model.get_weights())
    xq = np.array([[1, 2, 0], [3, 0, 0]], "int32")
    xv = np.array([[4, 5, 6, 0], [7, 8, 0, 0]], "int32")
    close(ours_model([xq, xv]), ref_model([xq, xv]))


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_mixed_float16(mode: str) -> None:
    rng = np.random.default_rng(10)
    inputs = [rand(rng, B, TQ, D), rand(rng, B, TV, D)]
    ref, ours = pair(score_mode=mode, use_scale=True, dtype="mixed_float16")
    build_same(ref, ours, inputs)
    # On torch the reference compares torch.float16 with the string "float16",
    # gets False and subtracts 1e9, which overflows float16 to -inf: a fully
    # masked row becomes NaN there. Ours subtracts 65504 as documented and
    # stays uniform; compare on rows the reference gets right, check ours alone.
    mask = masks(rng, B, TQ, TV, empty_row=BACKEND != "torch")
    for kw in ({}, {"mask": mask, "use_causal_mask": True}):
        out_ref, s_ref = ref(inputs, return_attention_scores=True, **kw)
        out, s = ours(inputs, return_attention_scores=True, **kw)
        assert ops.convert_to_numpy(out).dtype == np.float16
        assert ops.convert_to_numpy(s).dtype == np.float16
        close(out, out_ref, rtol=2e-2, atol=2e-2)
        close(s, s_ref, rtol=2e-2, atol=2e-2)
        close(ours(inputs, **kw), out_ref, rtol=2e-2, atol=2e-2)
    empty = masks(rng, B, TQ, TV)
    _, s = ours(inputs, mask=empty, return_attention_scores=True)
    np.testing.assert_allclose(np_(s)[0].astype("float32"), 1 / TV, rtol=1e-3)


# --------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------


def test_bad_inputs_raise_value_error() -> None:
    rng = np.random.default_rng(11)
    q, v = rand(rng, 2, 3, 4), rand(rng, 2, 5, 4)
    layer = rkeras_backend.Attention()
    with pytest.raises(ValueError, match=r"list of inputs.*Received: inputs="):
        layer(q)
    with pytest.raises(ValueError, match=r"length 2 or 3.*Received length: 1"):
        layer([q])
    with pytest.raises(ValueError, match=r"length 2 or 3.*Received length: 4"):
        layer([q, v, v, v])
    with pytest.raises(ValueError, match=r"mask must be a list.*Received: mask="):
        layer([q, v], mask=np.ones((2, 3), bool))
    with pytest.raises(ValueError, match=r"mask list of length 2 or 3.*Received length: 1"):
        layer([q, v], mask=[np.ones((2, 3), bool)])
    with pytest.raises(ValueError, match=r"same last dimension.*query.shape=\(2, 3, 4\).*key"):
        layer([q, v, rand(rng, 2, 5, 6)])
    with pytest.raises(ValueError, match=r"same number of timesteps.*key.shape=\(2, 4, 4\)"):
        layer([q, v, rand(rng, 2, 4, 4)])
    with pytest.raises(ValueError, match=r"same last dimension"):
        rkeras_backend.Attention()([keras.Input((3, 4)), keras.Input((5, 6)), keras.Input((5, 5))])
    expected = r"same batch dimensions.*query.shape=\(2, 3, 4\), value.shape=\(3, 5, 4\)"
    with pytest.raises(ValueError, match=expected):
        layer([q, rand(rng, 3, 5, 4)])
    # A batch of 1 broadcasts, as in the reference.
    assert tuple(layer([q[:1], v]).shape) == (2, 3, 4)


# --------------------------------------------------------------------------
# saving
# --------------------------------------------------------------------------


def _model(layer_cls: Any, mode: str) -> Any:
    q_in, v_in = keras.Input((TQ, D)), keras.Input((TV, D))
    out = layer_cls(score_mode=mode, use_scale=True)([q_in, v_in], use_causal_mask=True)
    return keras.Model([q_in, v_in], out)


def test_weights_file_interchanges_with_reference(tmp_path: Path) -> None:
    rng = np.random.default_rng(12)
    xs = [rand(rng, 2, TQ, D), rand(rng, 2, TV, D)]
    for mode in ("dot", "concat"):
        ref, ours = _model(keras.layers.Attention, mode), _model(rkeras_backend.Attention, mode)
        ref.set_weights([w * 1.7 for w in ref.get_weights()])
        path = tmp_path / f"{mode}.weights.h5"
        ref.save_weights(path)
        ours.load_weights(path)
        close(ours(xs), ref(xs))


def _saving_model() -> Any:
    q_in, v_in = keras.Input((TQ, D)), keras.Input((TV, D))
    a = rkeras_backend.Attention(score_mode="concat", use_scale=True, dropout=0.1, seed=3)
    b = rkeras_backend.Attention(score_mode="dot", use_scale=True)
    out = b([a([q_in, v_in], use_causal_mask=True), v_in])
    model = keras.Model([q_in, v_in], out)
    model.set_weights([w * 1.3 for w in model.get_weights()])
    return model


REFERENCE_CLASS = "keras.src.layers.attention.attention.Attention"


def _attention_kinds(model: Any) -> list[str]:
    """Which attention layers a model holds: "rkeras", or Keras's own by its class path."""
    return sorted(
        "rkeras"
        if type(layer) is rkeras_backend.Attention
        else type(layer).__module__ + "." + type(layer).__name__
        for layer in model.layers
        if isinstance(layer, keras.layers.Attention)
    )


def test_serializes_as_the_reference_class() -> None:
    """A saved file names keras.layers.Attention, as Keras writes its own layer."""
    kwargs = {"use_scale": True, "score_mode": "concat", "dropout": 0.1, "seed": 5}
    ref, ours = pair(**kwargs)
    want, got = (keras.saving.serialize_keras_object(x) for x in (ref, ours))
    for config in (want, got):
        config["config"].pop("name")
    # Keras writes no registered name for its own class and the class name for
    # an unregistered one; it accepts both for a built-in.
    assert got.pop("registered_name") == "Attention"
    assert want.pop("registered_name") is None
    assert got == want
    assert (got["module"], got["class_name"]) == ("keras.layers", "Attention")
    # Plain Keras deserialization in this process gives the reference.
    got["registered_name"] = "Attention"
    assert type(keras.layers.deserialize(got)) is keras.layers.Attention


def test_the_layer_pickles_with_its_weights_and_seed_state() -> None:
    """pickle finds classes by __module__, which now names keras.layers."""
    layer = rkeras_backend.Attention(score_mode="concat", use_scale=True, dropout=0.3, seed=2)
    xs = [rand(np.random.default_rng(3), 2, TQ, D), rand(np.random.default_rng(4), 2, TV, D)]
    layer(xs)
    layer.scale.assign(1.7)
    again = pickle.loads(pickle.dumps(layer))
    assert type(again) is rkeras_backend.Attention
    assert again.get_config() == layer.get_config()
    np.testing.assert_array_equal(np_(again(xs, training=True)), np_(layer(xs, training=True)))
    unbuilt = pickle.loads(pickle.dumps(rkeras_backend.Attention(use_scale=True)))
    assert type(unbuilt) is rkeras_backend.Attention
    assert not unbuilt.built


def _run_plain_keras(script: str) -> dict[str, Any]:
    """Run `script` in a fresh Python where rkeras_backend cannot be imported.

    None in sys.modules makes every import of it fail, also through an
    editable install, and inst/python leaves the path. The script's last line
    of output is JSON, returned.
    """
    script = "import sys\nsys.modules['rkeras_backend'] = None\n" + textwrap.dedent(script)
    script += textwrap.dedent(
        """
        assert not [n for n, m in sys.modules.items() if n.startswith("rkeras") and m is not None]
        """
    )
    env = dict(os.environ, KERAS_BACKEND=BACKEND)
    inst_python = str(REPO / "r-package" / "inst" / "python")
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and p != inst_python
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_saved_files_travel_both_ways_in_fresh_processes(tmp_path: Path) -> None:
    """rkeras's file loads in plain Keras without rkeras_backend, and plain Keras's in rkeras."""
    rng = np.random.default_rng(13)
    model = _saving_model()
    xs = [rand(rng, 2, TQ, D), rand(rng, 2, TV, D)]
    want = np_(model(xs))
    ours_path = tmp_path / "rkeras.keras"
    model.save(ours_path)
    with zipfile.ZipFile(ours_path) as archive:
        saved = json.loads(archive.read("config.json"))
    named = [
        (layer["module"], layer["class_name"], layer["registered_name"])
        for layer in saved["config"]["layers"]
        if layer["class_name"] == "Attention"
    ]
    assert named == [("keras.layers", "Attention", "Attention")] * 2
    np.save(tmp_path / "q.npy", xs[0])
    np.save(tmp_path / "v.npy", xs[1])
    plain_path = tmp_path / "plain.keras"
    report = _run_plain_keras(
        f"""
        import json, numpy as np, keras
        m = keras.saving.load_model({str(ours_path)!r})
        kinds = sorted(type(l).__module__ + "." + type(l).__name__ for l in m.layers
                       if isinstance(l, keras.layers.Attention))
        q = np.load({str(tmp_path / "q.npy")!r}); v = np.load({str(tmp_path / "v.npy")!r})
        np.save({str(tmp_path / "got.npy")!r}, keras.ops.convert_to_numpy(m([q, v])))
        q_in, v_in = keras.Input(({TQ}, {D})), keras.Input(({TV}, {D}))
        plain = keras.Model([q_in, v_in], keras.layers.Attention(use_scale=True)([q_in, v_in]))
        plain.set_weights([w * 1.7 for w in plain.get_weights()])
        plain.save({str(plain_path)!r})
        np.save({str(tmp_path / "plain.npy")!r}, keras.ops.convert_to_numpy(plain([q, v])))
        print(json.dumps({{"kinds": kinds}}))
        """
    )
    assert report["kinds"] == [REFERENCE_CLASS] * 2
    np.testing.assert_array_equal(np.load(tmp_path / "got.npy"), want)

    # Both files load back here as rkeras_backend's layer, with the same outputs.
    for path, model_kinds, expected in (
        (ours_path, 2, want),
        (plain_path, 1, np.load(tmp_path / "plain.npy")),
    ):
        loaded = rkeras_backend.load_model(path)
        assert _attention_kinds(loaded) == ["rkeras"] * model_kinds
        np.testing.assert_array_equal(np_(loaded(xs)), expected)
    # Plain Keras loading is unchanged in a process that imported rkeras_backend.
    assert _attention_kinds(keras.saving.load_model(ours_path)) == [REFERENCE_CLASS] * 2


def test_compiled_state_survives_save_and_load(tmp_path: Path) -> None:
    """Optimizer state, loss and metrics travel: the model itself is saved, not a copy."""
    rng = np.random.default_rng(15)
    q_in, v_in = keras.Input((TQ, D)), keras.Input((TV, D))
    att = rkeras_backend.Attention(score_mode="concat", use_scale=True)
    model = keras.Model([q_in, v_in], keras.layers.Dense(1)(att([q_in, v_in])))
    model.compile(
        optimizer=keras.optimizers.Adam(0.01), loss="mae", metrics=["mse", "mean_absolute_error"]
    )
    xs = [rand(rng, 4, TQ, D), rand(rng, 4, TV, D)]
    ys = rand(rng, 4, TQ, 1)
    model.fit(xs, ys, epochs=2, batch_size=2, verbose=0)
    path = tmp_path / "trained.keras"
    model.save(path)
    want_optimizer = [np_(v) for v in model.optimizer.variables]
    assert int(want_optimizer[0]) == 4  # iterations: two epochs of two steps
    want_eval = model.evaluate(xs, ys, verbose=0, return_dict=True)
    np.save(tmp_path / "q.npy", xs[0])
    np.save(tmp_path / "v.npy", xs[1])
    np.save(tmp_path / "y.npy", ys)

    def check(optimizer: list[np.ndarray], evaluated: dict[str, float]) -> None:
        assert len(optimizer) == len(want_optimizer)
        for got, want in zip(optimizer, want_optimizer, strict=True):
            np.testing.assert_array_equal(got, want)
        # Loss and metrics as compiled; a metric's running mean may differ in
        # the last bit between processes.
        assert evaluated == pytest.approx(want_eval, rel=1e-6)

    loaded = rkeras_backend.load_model(path)
    assert _attention_kinds(loaded) == ["rkeras"]
    assert type(loaded.optimizer) is keras.optimizers.Adam
    check(
        [np_(v) for v in loaded.optimizer.variables],
        loaded.evaluate(xs, ys, verbose=0, return_dict=True),
    )
    # Trained on, it goes on from where it stopped, as the original does.
    model.fit(xs, ys, epochs=1, batch_size=2, verbose=0, shuffle=False)
    loaded.fit(xs, ys, epochs=1, batch_size=2, verbose=0, shuffle=False)
    for got, want in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(got, want)

    report = _run_plain_keras(
        f"""
        import json, numpy as np, keras
        d = {str(tmp_path)!r}
        m = keras.saving.load_model(d + "/trained.keras")
        xs, ys = [np.load(d + "/q.npy"), np.load(d + "/v.npy")], np.load(d + "/y.npy")
        state = [keras.ops.convert_to_numpy(v) for v in m.optimizer.variables]
        np.savez(d + "/optimizer.npz", *state)
        print(json.dumps({{"eval": m.evaluate(xs, ys, verbose=0, return_dict=True),
                          "optimizer": type(m.optimizer).__name__}}))
        """
    )
    with np.load(tmp_path / "optimizer.npz") as stored:
        optimizer = [stored[f"arr_{i}"] for i in range(len(stored.files))]
    check(optimizer, report["eval"])
    assert report["optimizer"] == "Adam"


def test_files_saved_under_the_old_registered_name_still_load(tmp_path: Path) -> None:
    """Earlier versions wrote module rkeras_backend.attention, name rkeras>Attention."""
    model = _saving_model()
    path = tmp_path / "new.keras"
    model.save(path)
    old = tmp_path / "old.keras"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(old, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "config.json":
                config = json.loads(data)
                for layer in config["config"]["layers"]:
                    if layer["class_name"] == "Attention":
                        layer["module"] = "rkeras_backend.attention"
                        layer["registered_name"] = "rkeras>Attention"
                data = json.dumps(config).encode()
            dst.writestr(item, data)
    rng = np.random.default_rng(14)
    xs = [rand(rng, 2, TQ, D), rand(rng, 2, TV, D)]
    for loaded in (keras.saving.load_model(old), rkeras_backend.load_model(old)):
        assert _attention_kinds(loaded) == ["rkeras"] * 2
        np.testing.assert_array_equal(np_(loaded(xs)), np_(model(xs)))


def test_load_leaves_other_classes_named_attention_alone(tmp_path: Path) -> None:
    """Only Keras's own class is swapped: a user's unregistered Attention stays theirs."""
    module = tmp_path / "user_layers.py"
    module.write_text(
        textwrap.dedent(
            """
            import keras

            class Attention(keras.layers.Layer):
                def call(self, x):
                    return x * 2.0
            """
        )
    )
    sys.path.insert(0, str(tmp_path))
    try:
        import user_layers  # type: ignore[import-not-found]

        q_in, v_in = keras.Input((TQ, D)), keras.Input((TV, D))
        out = user_layers.Attention()(rkeras_backend.Attention()([q_in, v_in]))
        path = tmp_path / "user.keras"
        keras.Model([q_in, v_in], out).save(path)
        # Keras loads an unregistered class only through custom_objects, by
        # its class name; the swap must not take Keras's Attention there.
        loaded = rkeras_backend.load_model(
            path, custom_objects={"Attention": user_layers.Attention}
        )
        assert sorted(type(layer).__module__ for layer in loaded.layers[2:]) == [
            "keras.layers",
            "user_layers",
        ]
        assert _attention_kinds(loaded) == ["rkeras"]
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("user_layers", None)


# --------------------------------------------------------------------------
# training inside a compiled step, dynamic shapes
# --------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES, indirect=True)
@pytest.mark.parametrize("jit", [False, True] if BACKEND == "tensorflow" else ["auto"])
def test_fit_and_predict_with_dynamic_time_axis(mode: str, jit: Any) -> None:
    """Inside Keras' compiled train/predict steps, with None time dimensions."""
    q_in, v_in = keras.Input((None, D)), keras.Input((None, D))
    att = rkeras_backend.Attention(score_mode=mode, use_scale=True, dropout=0.1, seed=0)
    v_mask = keras.ops.ones_like(v_in[..., 0], dtype="bool")
    out = att([q_in, v_in], mask=[None, v_mask], use_causal_mask=True)
    model = keras.Model([q_in, v_in], keras.layers.Dense(1)(out))
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse", jit_compile=jit)
    rng = np.random.default_rng(14)
    xs = [rand(rng, 4, TQ, D), rand(rng, 4, TV, D)]
    before = [np_(w) for w in att.trainable_weights]
    history = model.fit(xs, rand(rng, 4, TQ, 1), epochs=2, batch_size=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    after = [np_(w) for w in att.trainable_weights]
    assert any((a != b).any() for a, b in zip(before, after, strict=True))
    close(model.predict(xs, verbose=0), model(xs))


def test_config_keeps_dropout_as_given() -> None:
    ours = rkeras_backend.Attention(dropout=0).get_config()
    reference = keras.layers.Attention(dropout=0).get_config()
    assert ours["dropout"] == reference["dropout"]
    assert type(ours["dropout"]) is type(reference["dropout"])


def test_mask_with_wrong_time_axis_is_a_value_error_naming_it() -> None:
    layer = rkeras_backend.Attention()
    query = np.ones((2, 3, 4), "float32")
    value = np.ones((2, 5, 4), "float32")
    expected = r"query_mask of shape \(batch\.\.\., 3\).*Received: query_mask\.shape=\(2, 4\)"
    with pytest.raises(ValueError, match=expected):
        layer([query, value], mask=[np.ones((2, 4), bool), None])
    with pytest.raises(ValueError, match=r"value_mask of shape \(batch\.\.\., 5\)"):
        layer([query, value], mask=[None, np.ones((2, 3), bool)])
    expected = r"query_mask with the batch size of query.shape=\(2, 3, 4\)"
    with pytest.raises(ValueError, match=expected):
        layer([query, value], mask=[np.ones((3, 3), bool), None])
    # Masks broadcast in the reference; a time axis of 1 stays accepted.
    out = layer([query, value], mask=[np.ones((2, 1), bool), np.ones((1, 5), bool)])
    assert tuple(out.shape) == (2, 3, 4)


# --------------------------------------------------------------------------
# concat: the two paths
# --------------------------------------------------------------------------


def test_small_concat_is_the_reference_bit_for_bit() -> None:
    rng = np.random.default_rng(20)
    inputs = [rand(rng, B, TQ, D), rand(rng, B, TV, D)]
    ref, ours = pair(score_mode="concat", use_scale=True)
    build_same(ref, ours, inputs)
    out_ref, s_ref = ref(inputs, return_attention_scores=True)
    out, s = ours(inputs, return_attention_scores=True)
    np.testing.assert_array_equal(np_(out), np_(out_ref))
    np.testing.assert_array_equal(np_(s), np_(s_ref))
    np.testing.assert_array_equal(np_(ours(inputs)), np_(out_ref))


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_concat_of_integer_inputs_is_float(mode: str) -> None:
    """Integer inputs (NumPy int32, as reticulate passes R integers) are not truncated."""
    rng = np.random.default_rng(21)
    inputs = [rng.integers(-3, 3, shape).astype("int32") for shape in ((B, TQ, D), (B, TV, D))]
    ref, ours = pair(score_mode=mode)
    if mode == "dot" and BACKEND != "jax":
        # TF's matmul and torch's softmax take no int32 inputs: both layers fail.
        for layer in (ref, ours):
            with pytest.raises(Exception, match=r"int32|Int"):
                layer(inputs, return_attention_scores=True)
        return
    out_ref, s_ref = ref(inputs, return_attention_scores=True)
    out, s = ours(inputs, return_attention_scores=True)
    assert np_(s).dtype == np_(s_ref).dtype == np.float32
    close(s, s_ref)
    close(out, out_ref)
    close(ours(inputs), out_ref)


@pytest.mark.parametrize("mode", ["concat", "concat_chunked"], indirect=True)
def test_concat_empty_and_broadcast_widths(mode: str) -> None:
    """Empty axes (which never reach the kernel) and a query or key of width 1."""
    rng = np.random.default_rng(22)
    ref, ours = pair(score_mode=mode)
    for q, v in (
        (np.zeros((0, 4, 3), "float32"), np.zeros((0, 4, 3), "float32")),
        (np.zeros((2, 0, 3), "float32"), rand(rng, 2, 4, 3)),
        (rand(rng, 2, 3, 1), rand(rng, 2, 5, 4)),
        (rand(rng, 2, 3, 4), rand(rng, 2, 5, 1)),
    ):
        out_ref = ref([q, v])
        out = ours([q, v])
        assert tuple(out.shape) == tuple(out_ref.shape)
        close(out, out_ref)


def test_small_concat_has_second_order_gradients() -> None:
    if BACKEND != "tensorflow":
        pytest.skip("nested GradientTape is TensorFlow's API")
    import tensorflow as tf

    rng = np.random.default_rng(23)
    q, v = tf.constant(rand(rng, B, TQ, D)), tf.constant(rand(rng, B, TV, D))
    results = []
    for layer in pair(score_mode="concat"):
        with tf.GradientTape() as outer:
            outer.watch(q)
            with tf.GradientTape() as inner:
                inner.watch(v)
                loss = tf.reduce_sum(layer([q, v]) ** 2)
            penalty = tf.reduce_sum(inner.gradient(loss, v) ** 2)
        results.append(outer.gradient(penalty, q))
    close(results[1], results[0], rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("mode", MODES, indirect=True)
def test_unbatched_value_mask_broadcasts_over_the_batch(mode: str) -> None:
    rng = np.random.default_rng(24)
    for tq in (TV, TQ):
        inputs = [rand(rng, B, tq, D), rand(rng, B, TV, D)]
        ref, ours = pair(score_mode=mode)
        v_mask = np.arange(TV) < 3
        out_ref = ref(inputs, mask=[None, v_mask])
        close(ours(inputs, mask=[None, v_mask]), out_ref)
        close(ours(inputs, mask=[None, v_mask], return_attention_scores=True)[0], out_ref)


@pytest.mark.parametrize("mode", ["concat", "concat_chunked"], indirect=True)
def test_concat_query_batch_broadcasts_over_an_unknown_key_batch(mode: str) -> None:
    if BACKEND != "tensorflow":
        pytest.skip("an unknown batch size inside a traced graph: tf.function")
    import tensorflow as tf

    rng = np.random.default_rng(25)
    query = rand(rng, 1, TQ, D)
    value = rand(rng, 3, TV, D)
    spec = tf.TensorSpec((None, TV, D), tf.float32)
    outputs = []
    for layer in pair(score_mode=mode):
        fn = tf.function(lambda v, layer=layer: layer([query, v]), input_signature=[spec])
        outputs.append(fn(value))
    assert tuple(outputs[1].shape) == (3, TQ, D)
    close(outputs[1], outputs[0])
