"""The Python half of rkeras's Layer(): Keras layer classes whose methods are R functions.

R hands over each method as a callable (reticulate turns an R function into a
Python function) together with the names and kinds of its R formals. Each
becomes a Python method that calls the R function with the layer and a
``super`` proxy first; R binds them to ``self`` and ``super`` in the method's
environment.

Keras reads the signatures of ``call`` (for ``training`` and ``mask``) and of
``build`` (to record the build shapes a saved model is rebuilt with), so those
methods carry their R signature. ``__init__`` keeps ``(self, *args, **kwargs)``:
R always passes the constructor arguments by name, so Keras's automatic config
holds exactly the arguments the user gave, and a reloaded layer gets them back
while R's own defaults fill in the rest.

Classes are registered with ``keras.saving.register_keras_serializable`` under
the package ``rkeras_custom`` and the R class name, which is what a saved model
names and what ``load_model`` looks up.
"""

from __future__ import annotations

import inspect
import types

import keras

PACKAGE = "rkeras_custom"

# Every class defined in this session, under a path unique to its definition,
# so compose's path cache never hands back an older class of the same name.
defined = types.SimpleNamespace()
_count = 0

_KINDS = {
    "positional": inspect.Parameter.POSITIONAL_OR_KEYWORD,
    "keyword": inspect.Parameter.KEYWORD_ONLY,
}


class RSuper:
    """``super`` as R methods see it; ``super$initialize(...)`` is ``__init__``."""

    __slots__ = ("_super",)

    def __init__(self, cls, obj):
        object.__setattr__(self, "_super", super(cls, obj))

    def __getattr__(self, name):
        return getattr(self._super, "__init__" if name == "initialize" else name)


def _signature(params):
    """An ``inspect.Signature`` from R formals: ``[name, kind, has_default]`` each.

    R's ``...`` (kind ``"dots"``) is ``*args, **kwargs``. A parameter after one
    with a default gets ``None`` as default too, as Python requires; the
    wrapper never passes signature defaults on, so R's own defaults apply.
    """
    parameters = [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    defaulted = False
    dots = False
    for name, kind, has_default in params:
        if kind == "dots":
            dots = True
            parameters.append(inspect.Parameter("args", inspect.Parameter.VAR_POSITIONAL))
            continue
        kind = _KINDS["keyword" if dots else kind]
        defaulted = defaulted or bool(has_default)
        default = None if defaulted or kind is inspect.Parameter.KEYWORD_ONLY and has_default else inspect.Parameter.empty
        parameters.append(inspect.Parameter(name, kind, default=default))
    if dots:
        parameters.append(inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD))
    return inspect.Signature(parameters)


def _method(cell, name, r_function, params):
    def method(self, *args, **kwargs):
        return r_function(self, RSuper(cell[0], self), *args, **kwargs)

    if name == "__init__":
        # An R initialize returns its last value; Python's must return None.
        def method(self, *args, **kwargs):
            r_function(self, RSuper(cell[0], self), *args, **kwargs)

    method.__name__ = method.__qualname__ = name
    if params is not None:
        method.__signature__ = _signature(params)
    return method


def define_layer(classname, methods, fields=None):
    """Create and register a ``keras.layers.Layer`` subclass; returns its dotted path.

    ``methods`` maps R method names to ``[r_function, params]``; ``initialize``
    becomes ``__init__``. ``fields`` become class attributes.
    """
    global _count
    cell = []
    namespace = {"__module__": __name__, "__qualname__": classname}
    namespace.update(fields or {})
    for name, (r_function, params) in (methods or {}).items():
        if name == "initialize":
            namespace["__init__"] = _method(cell, "__init__", r_function, None)
        else:
            namespace[name] = _method(cell, name, r_function, params)
    cls = type(classname, (keras.layers.Layer,), namespace)
    cell.append(cls)
    keras.saving.register_keras_serializable(package=PACKAGE, name=classname)(cls)
    _count += 1
    attribute = f"{classname}_{_count}"
    setattr(defined, attribute, cls)
    return f"{__name__}.defined.{attribute}"


def _is_r_function(value):
    return callable(value) and str(getattr(value, "__module__", "")).startswith("rpytools")


def r_functions(model):
    """``[layer name, attribute]`` for each R function a layer of ``model`` holds.

    Keras cannot serialize an R function: a Lambda layer's fails to pickle, and
    an activation would be saved as a name no process can load.
    """
    found = []
    seen = set()

    def visit(layer):
        if id(layer) in seen:
            return
        seen.add(id(layer))
        for attribute, value in vars(layer).items():
            values = value if isinstance(value, list | tuple) else [value]
            for item in values:
                if _is_r_function(item):
                    found.append([layer.name, attribute.lstrip("_")])
                elif isinstance(item, keras.layers.Layer):
                    visit(item)

    visit(model)
    return found
