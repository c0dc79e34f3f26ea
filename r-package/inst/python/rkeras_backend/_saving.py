"""Saved files name rkeras_backend's layers by the Keras class they reproduce.

A `.keras` file must load wherever Keras does, also where rkeras_backend was
never installed (plain Python Keras, keras3 in R). Each layer here has the
reference's config and weights, so the file can name the reference class:
module "keras.layers", class name "Attention".

Keras writes an unregistered class's `__module__` and `__name__` into the
file, with its class name as registered name (see
`keras.saving.serialize_keras_object`). So the class says it lives in
`keras.layers`, and stays unregistered: the file then names
`keras.layers.Attention`, which every Keras resolves to its own layer (a
registered name equal to the class name is accepted for built-ins). The
model itself is saved, with its optimizer state, loss and metrics; nothing
in Keras is changed.

`load_model()` below gives rkeras's layers back in place of the references,
for files rkeras wrote and files plain Keras wrote alike. A `.keras` file is a
zip whose `config.json` holds the documented config format (module,
class_name, registered_name): the load reads a copy in which each reference
entry carries the registered name "rkeras>Attention", which Keras's public
registry resolves to an alias of the class. That name is also what earlier
rkeras versions wrote, so their files still load, in any process that has
imported rkeras_backend.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import keras

_PACKAGE = "rkeras"
_CONFIG_FILE = "config.json"

T = TypeVar("T", bound=type)

# (module, class name) of a public Keras class -> the registered name of the
# alias that loads as the rkeras_backend class reproducing it.
_ALIASES: dict[tuple[str, str], str] = {}


def saved_as(path: str) -> Callable[[T], T]:
    """Class decorator: files name the class as the public Keras class at `path`.

    The class must subclass that class, have its name, and not be registered
    with Keras (a registered name would be written instead).
    """
    module, _, name = path.rpartition(".")
    reference = getattr(importlib.import_module(module), name, None)

    def decorate(cls: T) -> T:
        if not (isinstance(reference, type) and issubclass(cls, reference)):
            raise TypeError(f"{cls.__qualname__} does not subclass the public Keras class {path}.")
        if cls.__name__ != name:
            raise TypeError(f"{cls.__qualname__} must be named {name} to be saved as {path}.")
        if keras.saving.get_registered_name(cls) != name:
            raise TypeError(f"{cls.__qualname__} is registered with Keras: saved under that name.")
        # What keras.saving writes as the module, and what pickle and
        # reticulate's class vector see: see the module docstring.
        cls.__module__ = module
        _ALIASES[(module, name)] = _register_alias(cls)
        return cls

    return decorate


def _register_alias(cls: type) -> str:
    # A registered class is saved under its registered name, so the name is
    # given to a subclass that only loads: its from_config builds `cls`.
    def from_config(_alias: type, config: dict[str, Any]) -> Any:
        return cls.from_config(config)  # type: ignore[attr-defined]

    alias = type(
        f"Registered{cls.__name__}",
        (cls,),
        {"from_config": classmethod(from_config), "__module__": __name__},
    )
    keras.saving.register_keras_serializable(package=_PACKAGE, name=cls.__name__)(alias)
    registered: str = keras.saving.get_registered_name(alias)
    return registered


def _name_rkeras_classes(config: Any) -> bool:
    """Give each reference entry in `config` its alias's registered name; whether any changed."""
    changed = False
    if isinstance(config, dict):
        alias = _ALIASES.get((config.get("module"), config.get("class_name")))
        # Keras writes null or the class name here for its own classes;
        # anything else is some other class, left alone.
        if alias is not None and config.get("registered_name") in (None, config["class_name"]):
            config["registered_name"] = alias
            changed = True
        for value in config.values():
            changed = _name_rkeras_classes(value) or changed
    elif isinstance(config, list):
        for value in config:
            changed = _name_rkeras_classes(value) or changed
    return changed


def _config_naming_rkeras_classes(filepath: str | os.PathLike[str]) -> Any | None:
    """The archive's config with rkeras's classes named, or None if it names none."""
    if not (str(filepath).endswith(".keras") and zipfile.is_zipfile(filepath)):
        return None  # not a .keras archive: Keras reads (or refuses) it as it is
    with zipfile.ZipFile(filepath) as archive:
        if _CONFIG_FILE not in archive.namelist():
            return None
        config = json.loads(archive.read(_CONFIG_FILE))
    return config if _name_rkeras_classes(config) else None


@contextlib.contextmanager
def _with_rkeras_classes(filepath: str | os.PathLike[str]) -> Iterator[str | os.PathLike[str]]:
    """The file to load: `filepath`, or a copy naming rkeras's classes, removed afterwards."""
    config = _config_naming_rkeras_classes(filepath)
    if config is None:
        yield filepath
        return
    with tempfile.TemporaryDirectory(prefix="rkeras-load-") as directory:
        copy = os.path.join(directory, "model.keras")
        with zipfile.ZipFile(filepath) as source, zipfile.ZipFile(copy, "w") as target:
            for item in source.infolist():
                if item.filename == _CONFIG_FILE:
                    target.writestr(item, json.dumps(config))
                    continue
                # Streamed: the weights need not fit in memory twice.
                with source.open(item) as reader, target.open(item, "w") as writer:
                    shutil.copyfileobj(reader, writer)
        yield copy


def load_model(
    filepath: str | os.PathLike[str],
    custom_objects: dict[str, Any] | None = None,
    compile: bool = True,
    safe_mode: bool = True,
) -> Any:
    """`keras.saving.load_model`, with rkeras_backend's layers for the ones they reproduce.

    A file that names `keras.layers.Attention` (whether written by rkeras or
    by plain Keras) loads with `rkeras_backend.Attention` in its place: same
    config, same weights, same outputs. Optimizer state, loss and metrics
    load as Keras loads them.
    """
    with _with_rkeras_classes(filepath) as path:
        return keras.saving.load_model(
            path, custom_objects=custom_objects, compile=compile, safe_mode=safe_mode
        )
