"""The Python half of rkeras's compose_layer(): one crossing from R per wrapper call.

Each crossing between R and Python costs tens of microseconds, so building the
layer, recognising a Sequential model and calling the layer happen here in one
call rather than in three from R.
"""

import keras

_SEQUENTIAL = keras.Sequential


def compose(layer_class, kwargs, obj, call_kwargs, input_names):
    """Build ``layer_class(**kwargs)`` and compose it with ``obj``.

    Returns the layer when ``obj`` is None, None when ``obj`` is a Sequential
    model (the layer is added in place; R already holds the model), and
    otherwise the layer's output on ``obj``. With several ``input_names``, a
    list ``obj`` is spread over those call parameters (query, value, key).
    """
    # R's empty list() arrives as [], not {}.
    kwargs = kwargs or {}
    call_kwargs = call_kwargs or {}
    layer = layer_class(**kwargs)
    if obj is None:
        return layer
    if isinstance(obj, _SEQUENTIAL):
        obj.add(layer)
        return None
    if input_names is not None and isinstance(obj, list | tuple):
        return layer(*obj, **call_kwargs)
    if input_names is not None and isinstance(obj, dict):
        # Keras wants the first input positionally; the rest may be named.
        named = dict(obj)
        first = named.pop(input_names[0])
        return layer(first, **named, **call_kwargs)
    return layer(obj, **call_kwargs)
