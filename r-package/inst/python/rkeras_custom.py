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

import itertools
import keyword
import types
import weakref

import keras

PACKAGE = "rkeras_custom"

# Every class defined in this session, under a path unique to its definition,
# so compose's path cache never hands back an older class of the same name.
defined = types.SimpleNamespace()
_count = 0

# Each instance's `private` environment lives in R, under an id the instance
# carries. When an instance is collected, its id is queued here (never a call
# into R from Python's collector, which may run on any thread); R drops the
# environments of queued ids the next time it makes one.
_private_ids = itertools.count()
_collected_private_ids: list[str] = []


def private_id(instance) -> str:
    """The id of ``instance``'s R ``private`` environment, made on first use.

    Stored with the instance's ``id()``, so that a copy (``copy.deepcopy``)
    gets an environment of its own instead of sharing the original's.
    """
    found = instance.__dict__.get("_rkeras_private_id")
    if found is None or found[1] != id(instance):
        found = (f"private{next(_private_ids)}", id(instance))
        # Past Keras's attribute tracking: the id is R's business only.
        object.__setattr__(instance, "_rkeras_private_id", found)
        weakref.finalize(instance, _collected_private_ids.append, found[0])
    return found[0]


def collected_private_ids() -> list[str]:
    """The ids of instances collected since the last call."""
    ids = _collected_private_ids[:]
    del _collected_private_ids[: len(ids)]
    return ids


class RSuper:
    """``super`` as R methods see it; ``super$initialize(...)`` is ``__init__``."""

    __slots__ = ("_super",)

    def __init__(self, cls, obj):
        object.__setattr__(self, "_super", super(cls, obj))

    def __getattr__(self, name):
        return getattr(self._super, "__init__" if name == "initialize" else name)


class _Missing:
    """The default of an argument whose R default is not a constant: left out of
    the call, so R evaluates its own default."""

    def __repr__(self):
        return "<R default>"


_MISSING = _Missing()


def _invoke(r_function, cls, self, names, values, args=(), kwargs=None):
    pairs = zip(names, values, strict=True)
    named = {name: value for name, value in pairs if value is not _MISSING}
    return r_function(self, RSuper(cls, self), *args, **named, **(kwargs or {}))


def _method(cell, name, r_function, params):
    """A Python function with the R method's own parameters.

    ``params`` holds ``[name, kind, has_default, default, constant]`` for each R
    formal, kind ``"dots"`` for R's ``...`` (``*args, **kwargs``). Keras reads
    these signatures: ``training`` and ``mask`` in ``call``, the shapes a
    ``build`` takes. A constant R default (``NULL``, ``TRUE``, a number or a
    string) is the Python default, which Keras may pass on; any other default,
    and a parameter after a defaulted one, is left out of the call unless given.
    """
    if name == "__init__":
        # An R initialize returns its last value; Python's must return None.
        def method(self, *args, **kwargs):
            r_function(self, RSuper(cell[0], self), *args, **kwargs)

        return method
    if keyword.iskeyword(name):
        raise ValueError(f"`{name}` is a Python keyword; it cannot name a method.")
    parameters = ["self"]
    names = []
    scope = {"_invoke": _invoke, "_r": r_function, "_cell": cell, "_MISSING": _MISSING}
    dots = defaulted = False
    for index, (param, kind, has_default, default, constant) in enumerate(params):
        if kind == "dots":
            dots = True
            parameters.append("*args")
            continue
        reserved = param in ("self", "args", "kwargs")
        if not param.isidentifier() or keyword.iskeyword(param) or reserved:
            raise ValueError(
                f"`{param}`, an argument of the R method `{name}`, "
                "cannot be a Python argument name."
            )
        if has_default or defaulted or dots:
            defaulted = defaulted or not dots
            scope[f"_d{index}"] = default if has_default and constant else _MISSING
            parameters.append(f"{param}=_d{index}")
        else:
            parameters.append(param)
        names.append(param)
    if dots:
        parameters.append("**kwargs")
    values = "".join(f"{param}, " for param in names)
    rest = ", args, kwargs" if dots else ""
    source = (
        f"def {name}({', '.join(parameters)}):\n"
        f"    return _invoke(_r, _cell[0], self, {tuple(names)!r}, ({values}){rest})\n"
    )
    exec(source, scope)
    return scope[name]


def _base_class(base, root, what):
    """``base``, checked to be ``root`` or a subclass of it; ``root`` when None."""
    if base is None:
        return root
    if not (isinstance(base, type) and issubclass(base, root)):
        raise TypeError(f"`inherit` must be a {what} class, not {base!r}.")
    return base


def define_layer(classname, methods, fields=None, base=None):
    """Create and register a ``keras.layers.Layer`` subclass; returns its dotted path.

    ``methods`` maps R method names to ``[r_function, params]``; ``initialize``
    becomes ``__init__``. ``fields`` become class attributes. ``base`` is the
    class to extend (a Keras layer class, or one R defined), by default
    ``keras.layers.Layer``.
    """
    global _count
    base = _base_class(base, keras.layers.Layer, "Keras layer")
    cell = []
    namespace = {"__module__": __name__, "__qualname__": classname}
    namespace.update(fields or {})
    for name, (r_function, params) in (methods or {}).items():
        if name == "initialize":
            namespace["__init__"] = _method(cell, "__init__", r_function, None)
        else:
            namespace[name] = _method(cell, name, r_function, params)
    cls = type(classname, (base,), namespace)
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


# Callback(): Keras callbacks whose methods are R functions.
#
# Keras calls a callback's hooks with an index (the epoch or the batch,
# counted from 0) and the logs, or with the logs alone. keras3 counts the
# index from 1, as R does and as rkeras's fit() counts `initial_epoch`, so the
# hooks hand R `index + 1`. A hook's R return value is ignored.

# The hooks Keras calls as ``hook(index, logs=None)``.
INDEXED_HOOKS = frozenset(
    {
        "on_epoch_begin",
        "on_epoch_end",
        "on_batch_begin",
        "on_batch_end",
        "on_train_batch_begin",
        "on_train_batch_end",
        "on_test_batch_begin",
        "on_test_batch_end",
        "on_predict_batch_begin",
        "on_predict_batch_end",
    }
)
# The hooks Keras calls as ``hook(logs=None)``.
LOGS_HOOKS = frozenset(
    {
        "on_train_begin",
        "on_train_end",
        "on_test_begin",
        "on_test_end",
        "on_predict_begin",
        "on_predict_end",
    }
)


def _indexed_hook(cell, r_function):
    def hook(self, index, logs=None):
        r_function(self, RSuper(cell[0], self), index + 1, logs)

    return hook


def _logs_hook(cell, r_function):
    def hook(self, logs=None):
        r_function(self, RSuper(cell[0], self), logs)

    return hook


def _set_callback_model(self, value):
    # R writes `self$model$stop_training <- TRUE` as `tmp <- self$model`,
    # `tmp$stop_training <- TRUE`, `self$model <- tmp`: the last step sets the
    # same model back, which Keras's read-only property would refuse.
    if value is self._model or value is keras.callbacks.Callback.model.fget(self):
        return
    self.set_model(value)


def define_callback(classname, methods, fields=None, base=None):
    """Create a ``keras.callbacks.Callback`` subclass; returns the class.

    ``methods`` maps R method names to ``[r_function, params]`` as for
    ``define_layer``: the hooks (``on_epoch_end``...) are called with the
    index counted from 1 and the logs, ``initialize`` becomes ``__init__``,
    and any other method keeps its R signature. ``fields`` become class
    attributes. ``base`` is the class to extend, by default
    ``keras.callbacks.Callback``.
    """
    base = _base_class(base, keras.callbacks.Callback, "Keras callback")
    cell = []
    namespace = {"__module__": __name__, "__qualname__": classname}
    namespace.update(fields or {})
    for name, (r_function, params) in (methods or {}).items():
        if name == "initialize":
            namespace["__init__"] = _method(cell, "__init__", r_function, None)
        elif name in INDEXED_HOOKS:
            namespace[name] = _indexed_hook(cell, r_function)
        elif name in LOGS_HOOKS:
            namespace[name] = _logs_hook(cell, r_function)
        else:
            namespace[name] = _method(cell, name, r_function, params)
    namespace["model"] = property(keras.callbacks.Callback.model.fget, _set_callback_model)
    cls = type(classname, (base,), namespace)
    cell.append(cls)
    return cls
