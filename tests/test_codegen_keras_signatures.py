"""Every spec agrees with the Python class it wraps (the only codegen test importing keras).

Constructor arguments: same names, same order, same defaults as
``__init__`` (``**kwargs`` aside).  Call: the spec's call inputs are the
leading parameters of ``call`` and, with the call arguments, cover all of them.
A spec of ``rkeras_backend.X`` is checked against ``keras.layers.X``, whose
signature the backend promises to keep, and against the backend class too once
it is importable.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

from codegen.argtypes import Axis
from codegen.model import Argument, LayerSpec
from codegen.pipeline import load_spec_set

REPO = Path(__file__).resolve().parent.parent
SPECS = load_spec_set(REPO / "specs").specs
BACKEND_MODULE = "rkeras_backend"

keras = pytest.importorskip("keras")


def reference_classes(spec: LayerSpec) -> list[type]:
    module_name, _, class_name = spec.py_class.rpartition(".")
    if module_name != BACKEND_MODULE:
        return [_resolve(spec.py_class)]
    classes = [getattr(keras.layers, class_name)]
    try:
        classes.append(getattr(importlib.import_module(BACKEND_MODULE), class_name))
    except (ImportError, AttributeError):
        pass  # the backend class is not written yet; keras.layers still binds the spec
    return classes


def _resolve(dotted: str) -> type:
    module_name, _, attribute = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def _parameters(function) -> list[inspect.Parameter]:
    return [
        parameter
        for name, parameter in inspect.signature(function).parameters.items()
        if name != "self" and parameter.kind is not inspect.Parameter.VAR_KEYWORD
    ]


def _python_default(argument: Argument) -> object:
    """The default as Python receives it; an axis counts from 1 in the spec, as in R."""
    if argument.default is None:
        return inspect.Parameter.empty
    value = argument.default.value
    if isinstance(argument.type, Axis) and value is not None:
        if isinstance(value, tuple):
            return [axis - 1 if axis > 0 else axis for axis in value]
        return value - 1 if value > 0 else value
    return list(value) if isinstance(value, tuple) else value


@pytest.mark.parametrize("spec", SPECS, ids=[spec.r_name for spec in SPECS])
def test_constructor_arguments_match_python_signature(spec: LayerSpec) -> None:
    for cls in reference_classes(spec):
        parameters = _parameters(cls.__init__)
        assert [argument.name for argument in spec.arguments] == [p.name for p in parameters], cls
        for argument, parameter in zip(spec.arguments, parameters, strict=True):
            actual = _python_default(argument)
            assert _same_default(actual, parameter.default), (
                f"{spec.r_name}: default of {argument.name} is {actual!r}, "
                f"{cls.__module__}.{cls.__name__} has {parameter.default!r}"
            )


def _same_default(spec_value: object, python_value: object) -> bool:
    """Equal as Python sees them, except that 1 is not True and (1, 2) is [1, 2]."""
    if isinstance(python_value, tuple):
        python_value = list(python_value)
    if isinstance(spec_value, bool) or isinstance(python_value, bool):
        return spec_value is python_value
    both_numbers = isinstance(spec_value, int | float) and isinstance(python_value, int | float)
    comparable = both_numbers or type(spec_value) is type(python_value)
    return comparable and spec_value == python_value


@pytest.mark.parametrize("spec", SPECS, ids=[spec.r_name for spec in SPECS])
def test_call_parameters_match_python_signature(spec: LayerSpec) -> None:
    for cls in reference_classes(spec):
        names = [parameter.name for parameter in _parameters(cls.call)]
        inputs = [call_input.name for call_input in spec.call_inputs]
        assert names[: len(inputs)] == inputs, cls
        routed = sorted(argument.name for argument in spec.call_arguments)
        assert routed == sorted(names[len(inputs) :]), cls
