"""Saved files name rkeras_backend's layers by the Keras class they reproduce.

A `.keras` file must load wherever Keras does, also where rkeras_backend was
never installed (plain Python Keras, keras3 in R). Each layer here has the
reference's config and weights, so the file can name the reference class:
`keras.layers.Attention`, with no registered name, byte for byte what Keras
writes for its own layer.

Keras's serializer names a class by the public path it was exported under,
which it reads from the table `keras.src.api_export` keeps (the one
`keras_export` fills). Keras has no public hook for that name, so the class
is entered into the object-to-name half of that table only; the name-to-object
half still gives the reference, and plain `keras.saving.load_model` is
unchanged in every process. `load_model()` below maps the names to these
classes for the length of one load, so rkeras gets its own layers back.

The classes stay registered as "rkeras>Attention" too, so files written by
earlier versions, which name them that way, still load.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from typing import Any

import keras
from keras.src import api_export

# Public Keras path -> rkeras_backend class that reproduces it.
_REFERENCES: dict[str, type] = {}
_LOAD_LOCK = threading.Lock()


def save_as_reference(path: str) -> Any:
    """Class decorator: serialize the class as the Keras class at `path`."""

    def decorate(cls: type) -> type:
        if api_export.get_symbol_from_name(path) is None:
            raise ValueError(f"{path} is not a public Keras class; cannot save {cls} as it.")
        api_export.REGISTERED_OBJS_TO_NAMES[cls] = path
        _REFERENCES[path] = cls
        return cls

    return decorate


@contextlib.contextmanager
def _references_resolve_to_rkeras() -> Iterator[None]:
    # The lock keeps two loads in different threads from restoring each
    # other's entries out of order.
    with _LOAD_LOCK:
        saved = {path: api_export.REGISTERED_NAMES_TO_OBJS.get(path) for path in _REFERENCES}
        api_export.REGISTERED_NAMES_TO_OBJS.update(_REFERENCES)
        try:
            yield
        finally:
            for path, obj in saved.items():
                api_export.REGISTERED_NAMES_TO_OBJS[path] = obj


def load_model(
    filepath: str | os.PathLike[str],
    custom_objects: dict[str, Any] | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> Any:
    """`keras.saving.load_model`, with rkeras_backend's layers for the ones they reproduce.

    A file that names `keras.layers.Attention` (whether written by rkeras or
    by plain Keras) loads with `rkeras_backend.Attention` in its place: same
    config, same weights, same outputs.
    """
    with _references_resolve_to_rkeras():
        return keras.saving.load_model(
            filepath, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
        )
