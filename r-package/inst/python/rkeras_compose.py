"""The Python half of rkeras's compose_layer(): one crossing from R per wrapper call.

Building the layer, recognising a Sequential model and calling the layer happen
here in one call rather than in three from R. The layer class travels as its
dotted path. Exceptions are raised as they are, so reticulate hands them to R
as errors; R turns each into one classed condition (see errors.R). A failure
while calling an already built layer is re-raised as ``LayerCallError``, so R
can say that the inputs, not the arguments, were refused.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

import keras
import numpy as np

_CLASSES: dict[str, type] = {}


class LayerCallError(Exception):
    """Calling the layer on its inputs failed; the message starts with the original type."""


def layer_class(path: str) -> type:
    """The class at a dotted path such as ``keras.layers.Dense``, cached."""
    cls = _CLASSES.get(path)
    if cls is None:
        module, *attributes = path.split(".")
        found: Any = importlib.import_module(module)
        for attribute in attributes:
            found = getattr(found, attribute)
        cls = _CLASSES[path] = found
    return cls


def class_paths(paths: list[str]) -> list[str]:
    """Where each public class path really lives (``module.name``), as R sees its class."""
    return [f"{cls.__module__}.{cls.__name__}" for cls in map(layer_class, paths)]


def identifiers(kind: str) -> list[str]:
    """The names ``keras.<kind>.get()`` resolves, e.g. for kind ``"initializers"``."""
    module = importlib.import_module(f"keras.src.{kind}")
    return sorted(module.ALL_OBJECTS_DICT)


def compose(path, kwargs, obj=None, call_kwargs=None, input_names=None):
    """Build the layer at ``path`` with ``kwargs`` and compose it with ``obj``.

    Returns the layer when ``obj`` is None, None when ``obj`` is a Sequential
    model (the layer is added in place; R already holds the model), and
    otherwise the layer's output on ``obj`` (see ``call_layer``).
    """
    # R's empty list() arrives as [], not {}.
    layer = layer_class(path)(**(kwargs or {}))
    if obj is None:
        return layer
    if isinstance(obj, keras.Sequential):
        obj.add(layer)
        return None
    return call_layer(layer, obj, call_kwargs, input_names)


def call_layer(layer, obj, call_kwargs=None, input_names=None):
    """Call ``layer`` on ``obj``.

    With several ``input_names`` (query, value, key), a list ``obj`` is spread
    over those call parameters, and a dict by name.
    """
    call_kwargs = call_kwargs or {}
    try:
        if input_names is not None and isinstance(obj, list | tuple):
            return layer(*obj, **call_kwargs)
        if input_names is not None and isinstance(obj, dict):
            # Keras wants the first input positionally; the rest may be named.
            named = dict(obj)
            first = named.pop(input_names[0])
            return layer(first, **named, **call_kwargs)
        return layer(obj, **call_kwargs)
    except Exception as error:
        raise LayerCallError(f"{type(error).__name__}: {error}") from None


def tensor_values(x):
    """A tensor's values as a NumPy array; strings as text (R characters), not bytes."""
    values = keras.ops.convert_to_numpy(x)
    if keras.backend.standardize_dtype(x.dtype) == "string":
        values = np.char.decode(values.astype(np.bytes_), "utf-8")
    return values


def string_data(values):
    """R strings as model data: a string tensor, as Keras's data adapters refuse NumPy text."""
    import tensorflow as tf  # the text layers compute with TensorFlow on every backend

    return tf.constant(np.asarray(values, dtype=str))


def parameter_names(function) -> list[str]:
    """The names a Python function takes, such as a layer's ``adapt``."""
    return list(inspect.signature(function).parameters)
