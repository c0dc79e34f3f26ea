"""The Python half of rkeras's compose_layer(): one crossing from R per wrapper call.

Each crossing between R and Python costs tens of microseconds, so building the
layer, recognising a Sequential model and calling the layer happen here in one
call rather than in three from R. The layer class travels as its dotted path:
a string crosses from R far more cheaply than a Python object.
"""

import functools
import importlib

import keras

_SEQUENTIAL = keras.Sequential
_CLASSES = {}


def layer_class(path):
    """The class at a dotted path such as ``keras.layers.Dense``, cached."""
    cls = _CLASSES.get(path)
    if cls is None:
        module, *attributes = path.split(".")
        cls = importlib.import_module(module)
        for attribute in attributes:
            cls = getattr(cls, attribute)
        _CLASSES[path] = cls
    return cls


class Failure:
    """An exception from composing, returned to R rather than raised.

    R then reports it as one clean message without unwinding through
    reticulate, which costs a handler on every call and hands R the exception
    only as text to parse.
    """

    def __init__(self, error):
        self.type = type(error).__name__
        self.message = str(error)


def returning_failures(function):
    """Wraps ``function`` so that an exception comes back as a ``Failure``."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception as error:  # every failure goes back to R as a value
            return Failure(error)

    return wrapper


@returning_failures
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
    if isinstance(obj, _SEQUENTIAL):
        obj.add(layer)
        return None
    return _call(layer, obj, call_kwargs, input_names)


@returning_failures
def call_layer(layer, obj, call_kwargs=None, input_names=None):
    """Call ``layer`` on ``obj``, as a layer instance does when R calls it."""
    return _call(layer, obj, call_kwargs, input_names)


def _call(layer, obj, call_kwargs=None, input_names=None):
    """Call ``layer`` on ``obj``.

    With several ``input_names`` (query, value, key), a list ``obj`` is spread
    over those call parameters, and a dict by name.
    """
    call_kwargs = call_kwargs or {}
    if input_names is not None and isinstance(obj, list | tuple):
        return layer(*obj, **call_kwargs)
    if input_names is not None and isinstance(obj, dict):
        # Keras wants the first input positionally; the rest may be named.
        named = dict(obj)
        first = named.pop(input_names[0])
        return layer(first, **named, **call_kwargs)
    return layer(obj, **call_kwargs)


def identity(obj):
    """Returns ``obj``: R checks with it how Python objects cross cheaply."""
    return obj
