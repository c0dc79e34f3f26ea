"""rkeras_backend.Attention: keras.layers.Attention, same results, less waste."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import keras
from keras import ops

from rkeras_backend import _forward
from rkeras_backend._saving import saved_as

Tensor = Any

_SCORE_MODES = ("dot", "concat")


def _check_constructor_args(use_scale: Any, score_mode: Any, dropout: Any, seed: Any) -> None:
    if not isinstance(use_scale, bool) and type(use_scale).__name__ != "bool_":
        raise ValueError(
            "Invalid value for argument use_scale. Expected a boolean (True or "
            f"False). Received: use_scale={use_scale!r}"
        )
    if score_mode not in _SCORE_MODES:
        raise ValueError(
            "Invalid value for argument score_mode. Expected one of "
            f"{{'dot', 'concat'}}. Received: score_mode={score_mode!r}"
        )
    if (
        isinstance(dropout, bool)
        or not isinstance(dropout, numbers.Real)
        or not 0.0 <= float(dropout) < 1.0
    ):
        raise ValueError(
            "Invalid value for argument dropout. Expected a number in [0, 1). "
            f"Received: dropout={dropout!r}"
        )
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, numbers.Integral)):
        raise ValueError(
            "Invalid value for argument seed. Expected an int or None. "
            f"Received: seed={seed!r} of type {type(seed).__name__}"
        )


def _broadcastable(*shapes: tuple[Any, ...]) -> bool:
    """Whether static shapes broadcast together, aligned at their last axis."""
    for dims in zip(*(reversed(shape) for shape in shapes), strict=False):
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            return False
    return True


# A subclass of the reference, so that isinstance() checks and R class
# vectors written for keras.layers.Attention hold for it too; every method the
# computation uses is overridden below. Saved files name the reference (see
# _saving.py), so they load without rkeras_backend.
@saved_as("keras.layers.Attention")
class Attention(keras.layers.Attention):
    """Dot-product (Luong-style) attention; a drop-in for keras.layers.Attention.

    Same constructor, weights, call signature, masks, config and results as
    keras.layers.Attention (Keras 3). The differences are internal:

    * concat scores over more than 4 MiB are computed in chunks of query rows
      by a compiled kernel, never as the (batch, Tq, Tv, dim) tensor, and the
      backward pass recomputes each chunk instead of storing it; smaller ones
      run the reference's own operations, with no compilation per shape;
    * when neither attention scores nor dropout are requested, the whole
      computation runs as one compiled graph.

    Args:
        use_scale: If True, create a scalar weight `scale` that multiplies the
            scores (dot) or the tanh argument (concat).
        score_mode: "dot" or "concat".
        dropout: Fraction in [0, 1) of attention weights dropped in training.
        seed: int or None, seed of the dropout.
        **kwargs: Layer arguments (name, dtype, trainable, ...).
    """

    def __init__(
        self,
        use_scale: bool = False,
        score_mode: str = "dot",
        dropout: float = 0.0,
        seed: int | None = None,
        **kwargs: Any,
    ) -> None:
        _check_constructor_args(use_scale, score_mode, dropout, seed)
        super().__init__(**kwargs)
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        # Plain float/int so the config stays JSON-serialisable (numpy
        # scalars are not).
        # An int stays an int, as the reference keeps it in its config; NumPy
        # scalars become Python numbers so the config serialises to JSON.
        self.dropout = int(dropout) if isinstance(dropout, numbers.Integral) else float(dropout)
        self.seed = None if seed is None else int(seed)
        if self.dropout > 0:
            # Created here, and only here, like the reference: its state is a
            # layer variable, so existence and order matter for saved files
            # and for drawing the same dropout masks from the same seed.
            self.seed_generator = keras.random.SeedGenerator(seed=self.seed)

    def build(self, input_shape: Sequence[Any]) -> None:
        self._validate_inputs(input_shape)
        self._validate_shapes(input_shape)
        self.scale = None
        self.concat_score_weight = None
        # Names, shapes, initialisers and creation order as in the reference,
        # so weights and saved files interchange.
        if self.use_scale:
            self.scale = self.add_weight(
                name="scale", shape=(), initializer="ones", dtype=self.dtype, trainable=True
            )
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(
                name="concat_score_weight",
                shape=(),
                initializer="ones",
                dtype=self.dtype,
                trainable=True,
            )

    def call(
        self,
        inputs: list[Tensor],
        mask: list[Tensor | None] | None = None,
        training: bool | None = False,
        return_attention_scores: bool = False,
        use_causal_mask: bool = False,
    ) -> Tensor | tuple[Tensor, Tensor]:
        self._validate_inputs(inputs, mask)
        self._validate_shapes([getattr(x, "shape", None) for x in inputs])
        self._validate_mask_shapes(inputs, mask)
        q = inputs[0]
        v = inputs[1]
        k = inputs[2] if len(inputs) > 2 else v
        q_mask = mask[0] if mask else None
        v_mask = mask[1] if mask else None
        if q_mask is not None:
            q_mask = ops.cast(q_mask, "bool")
        if v_mask is not None:
            v_mask = ops.cast(v_mask, "bool")
        # A cast reads the variable into a plain tensor in the compute dtype
        # (what autocasting gives the reference); on TensorFlow
        # convert_to_tensor would hand back the variable object itself, which
        # a compiled function cannot take as an argument in graph mode.
        scale = None if self.scale is None else ops.cast(self.scale, self.compute_dtype)
        weight = (
            None
            if self.concat_score_weight is None
            else ops.cast(self.concat_score_weight, self.compute_dtype)
        )
        causal = bool(use_causal_mask)
        use_dropout = bool(training) and self.dropout > 0
        if not return_attention_scores and not use_dropout:
            return _forward.attend_fused(
                q, k, v, scale, weight, q_mask, v_mask, mode=self.score_mode, causal=causal
            )
        out, weights = _forward.attend(
            q,
            k,
            v,
            scale,
            weight,
            q_mask,
            v_mask,
            mode=self.score_mode,
            causal=causal,
            dropout=self._drop if use_dropout else None,
        )
        if return_attention_scores:
            return out, weights
        return out

    def _drop(self, weights: Tensor) -> Tensor:
        # Same call as the reference, on the same tensor, with the same seed
        # generator: the same seed gives the same mask.
        return keras.random.dropout(weights, self.dropout, seed=self.seed_generator)

    def compute_mask(
        self, inputs: list[Tensor], mask: list[Tensor | None] | None = None
    ) -> Tensor | None:
        self._validate_inputs(inputs=inputs, mask=mask)
        if mask is None or mask[0] is None:
            return None
        return ops.convert_to_tensor(mask[0])

    def compute_output_shape(self, input_shape: Sequence[Any]) -> tuple[Any, ...]:
        query_shape = input_shape[0]
        value_shape = input_shape[1]
        return (*query_shape[:-1], value_shape[-1])

    def compute_output_spec(
        self,
        inputs: list[Any],
        mask: list[Any] | None = None,
        return_attention_scores: bool = False,
        training: bool | None = None,
        use_causal_mask: bool = False,
    ) -> Any:
        self._validate_inputs(inputs, mask)
        self._validate_shapes([x.shape for x in inputs])
        query = inputs[0]
        value = inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        output_shape = self.compute_output_shape([query.shape, value.shape, key.shape])
        output_spec = keras.KerasTensor(output_shape, dtype=self.compute_dtype)
        if return_attention_scores:
            scores_shape = (*query.shape[:-1], key.shape[-2])
            return output_spec, keras.KerasTensor(scores_shape, dtype=self.compute_dtype)
        return output_spec

    def _validate_inputs(self, inputs: Any, mask: Any = None) -> None:
        name = self.__class__.__name__
        if not isinstance(inputs, list):
            raise ValueError(
                f"{name} layer must be called on a list of inputs, namely "
                f"[query, value] or [query, value, key]. Received: inputs={inputs}."
            )
        if len(inputs) < 2 or len(inputs) > 3:
            raise ValueError(
                f"{name} layer accepts inputs list of length 2 or 3, namely "
                f"[query, value] or [query, value, key]. Received length: {len(inputs)}."
            )
        if mask is not None:
            if not isinstance(mask, list):
                raise ValueError(
                    f"{name} layer mask must be a list, namely [query_mask, "
                    f"value_mask]. Received: mask={mask}."
                )
            # Three is allowed because Keras passes one mask per input, key
            # included, when the inputs carry masks.
            if len(mask) < 2 or len(mask) > 3:
                raise ValueError(
                    f"{name} layer accepts mask list of length 2 or 3, namely "
                    f"[query_mask, value_mask]. Received length: {len(mask)}."
                )

    def _validate_shapes(self, shapes: Sequence[Any]) -> None:
        """Reject a query/key width or key/value length mismatch up front.

        The reference fails later with a backend-specific broadcasting error;
        a ValueError naming both shapes is easier to act on.
        """
        dims = [None if s is None else tuple(s) for s in shapes]
        q_shape, v_shape = dims[0], dims[1]
        k_shape = dims[2] if len(dims) > 2 else v_shape
        if q_shape is None or k_shape is None or v_shape is None:
            return
        name = self.__class__.__name__
        for label, shape in (("query", q_shape), ("value", v_shape), ("key", k_shape)):
            if len(shape) < 2:
                raise ValueError(
                    f"{name} layer expects {label} of rank >= 2, shape "
                    f"(batch..., time, dim). Received: {label}.shape={shape}."
                )
        # Concat scores sum tanh(query + key), in which a width of 1 broadcasts.
        widths_broadcast = self.score_mode == "concat" and 1 in (q_shape[-1], k_shape[-1])
        if (
            None not in (q_shape[-1], k_shape[-1])
            and q_shape[-1] != k_shape[-1]
            and not widths_broadcast
        ):
            raise ValueError(
                f"{name} layer expects query and key with the same last dimension. "
                f"Received: query.shape={q_shape}, key.shape={k_shape}."
            )
        if not _broadcastable(q_shape[:-2], k_shape[:-2], v_shape[:-2]):
            raise ValueError(
                f"{name} layer expects query, value and key with the same batch "
                "dimensions (all but the last two), or 1 where one broadcasts. "
                f"Received: query.shape={q_shape}, value.shape={v_shape}, key.shape={k_shape}."
            )
        if None not in (k_shape[-2], v_shape[-2]) and k_shape[-2] != v_shape[-2]:
            raise ValueError(
                f"{name} layer expects key and value with the same number of "
                f"timesteps (axis -2). Received: key.shape={k_shape}, "
                f"value.shape={v_shape}."
            )

    def _validate_mask_shapes(self, inputs: Sequence[Any], mask: Any) -> None:
        """Reject a mask whose time axis cannot line up with its input.

        The reference fails deep inside the backend ("Dimensions must be
        equal ... SelectV2"). Masks broadcast there, so only a time axis that
        is neither the input's nor 1 is refused here.
        """
        if not mask:
            return
        name = self.__class__.__name__
        for label, index, tensor in (("query_mask", 0, inputs[0]), ("value_mask", 1, inputs[1])):
            m = mask[index]
            if m is None or getattr(m, "shape", None) is None or tensor.shape is None:
                continue
            m_shape, t_shape = tuple(m.shape), tuple(tensor.shape)
            batched = len(m_shape) == 2 and len(t_shape) == 3
            if batched and not _broadcastable(m_shape[:1], t_shape[:1]):
                raise ValueError(
                    f"{name} layer expects {label} with the batch size of "
                    f"{label.split('_')[0]}.shape={t_shape}. Received: {label}.shape={m_shape}."
                )
            steps = t_shape[-2]
            if not m_shape or None in (m_shape[-1], steps) or m_shape[-1] in (steps, 1):
                continue
            raise ValueError(
                f"{name} layer expects {label} of shape (batch..., {steps}) to match "
                f"{label.split('_')[0]}.shape={t_shape}. Received: {label}.shape={m_shape}."
            )

    def get_config(self) -> dict[str, Any]:
        base_config = super().get_config()
        config = {
            "use_scale": self.use_scale,
            "score_mode": self.score_mode,
            "dropout": self.dropout,
            "seed": self.seed,
        }
        return {**base_config, **config}

    def __reduce__(self) -> tuple[Any, ...]:
        # pickle finds a class through its __module__, which names
        # keras.layers (see _saving.py) where another class lives; so the
        # layer is rebuilt by a function of this module, from its config and
        # (variables: weights and dropout seed state). Serialized as in a saved
        # file: Keras tracks the build config's lists, and they do not pickle.
        build_config = keras.saving.serialize_keras_object(self.get_build_config())
        variables = [ops.convert_to_numpy(v) for v in self.variables]
        return (_unpickle, (self.get_config(), build_config, variables))


def _unpickle(
    config: dict[str, Any], build_config: dict[str, Any] | None, variables: list[Any]
) -> Attention:
    layer = Attention.from_config(config)
    if build_config is not None:
        layer.build_from_config(keras.saving.deserialize_keras_object(build_config))
    for variable, value in zip(layer.variables, variables, strict=True):
        variable.assign(value)
    return layer
