"""``python -m codegen drift``: every spec against the installed Keras.

Reports, as ``file:line:col: error:`` diagnostics, constructor arguments
missing, extra or out of order (matched by the Keras keyword: an argument's
``py_name``, else its name; a parameter a base class takes through the
constructor's ``**kwargs`` may be declared too); defaults that differ in Python terms (an
``axis`` default counts from 1 in the spec); call inputs and call arguments
that differ from the layer's ``call``; a Keras docstring that changed since
the spec was drafted (``keras_doc_hash``); and public layer classes that
have no spec and are not listed in ``specs/not_yet_wrapped.yaml``.
Exit 0 clean, 1 drift, 2 bad specs or bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from codegen.argtypes import Axis
from codegen.diagnostics import ErrorLog, Position, SpecError
from codegen.keras_introspect import (
    BACKEND_MODULE,
    LAYERS_MODULE,
    REQUIRED,
    KerasClass,
    Parameter,
    doc_hash,
    keras_version,
    public_layer_classes,
    reference_class,
)
from codegen.model import Argument, LayerSpec, ObjectSpec
from codegen.pipeline import NOT_YET_WRAPPED_FILE, SpecSet
from codegen.yaml_source import YamlMap, YamlNode, YamlScalar, YamlSeq, describe, load_yaml

EXIT_OK, EXIT_DRIFT, EXIT_USAGE = 0, 1, 2
_GROUP = re.compile(r"issue [1-9][0-9]*|later")


def add_drift_command(commands: argparse._SubParsersAction, default_specs: str) -> None:
    help_text = "exit 1 where a spec differs from the installed Keras"
    command = commands.add_parser("drift", help=help_text, description=help_text)
    command.add_argument(
        "--specs", default=default_specs, help=f"spec directory (default: {default_specs})"
    )
    command.set_defaults(run=run_drift, needs_spec_set=True)


def run_drift(arguments: argparse.Namespace, spec_set: SpecSet) -> int:
    specs_dir = Path(arguments.specs)
    listing_errors = ErrorLog()
    listed = read_not_yet_wrapped(specs_dir / NOT_YET_WRAPPED_FILE, listing_errors)
    if listing_errors:
        for error in listing_errors.sorted():
            print(error, file=sys.stderr)
        return EXIT_USAGE
    errors = check_drift(spec_set, listed, (specs_dir / NOT_YET_WRAPPED_FILE).as_posix())
    version = keras_version()
    for error in errors:
        print(error, file=sys.stderr)
    if errors:
        count = len(errors)
        print(
            f"codegen drift: {count} problem{'s' if count != 1 else ''} against Keras {version}",
            file=sys.stderr,
        )
        return EXIT_DRIFT
    print(
        f"codegen drift: {len(spec_set.specs)} specs agree with Keras {version}; "
        f"{len(listed)} public layer classes listed as not yet wrapped"
    )
    return EXIT_OK


@dataclass(frozen=True)
class Listed:
    """A class in not_yet_wrapped.yaml and the issue that will wrap it."""

    path: str
    group: str  # "issue 16" or "later"
    position: Position


def read_not_yet_wrapped(path: Path, errors: ErrorLog) -> dict[str, Listed]:
    """The listing: a mapping of ``issue N`` (or ``later``) to a list of class paths."""
    display = path.as_posix()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        errors.add(Position(display), f"cannot read the file ({error.__class__.__name__})")
        return {}
    root = load_yaml(text, display, errors)
    if root is None:
        return {}
    if not isinstance(root, YamlMap):
        errors.add(root.position, f"must map 'issue N' or 'later' to classes, got {describe(root)}")
        return {}
    listed: dict[str, Listed] = {}
    for entry in root.entries:
        if not _GROUP.fullmatch(entry.key):
            errors.add(entry.key_position, f"'{entry.key}' must be 'issue N' or 'later'")
            continue
        if not isinstance(entry.value, YamlSeq):
            errors.add(
                entry.value.position,
                f"'{entry.key}' must list classes, got {describe(entry.value)}",
            )
            continue
        for item in entry.value.items:
            _add_listed(item, entry.key, listed, errors)
    return listed


def _add_listed(item: YamlNode, group: str, listed: dict[str, Listed], errors: ErrorLog) -> None:
    if not isinstance(item, YamlScalar) or not isinstance(item.value, str):
        errors.add(item.position, f"a listed class must be a dotted path, got {describe(item)}")
    elif item.value in listed:
        first = listed[item.value].position
        errors.add(item.position, f"'{item.value}' is listed twice (first at line {first.line})")
    else:
        listed[item.value] = Listed(item.value, group, item.position)


def check_drift(spec_set: SpecSet, listed: dict[str, Listed], listing_file: str) -> list[SpecError]:
    errors = ErrorLog()
    covered: dict[type, LayerSpec] = {}
    for spec in spec_set.specs:
        if isinstance(spec, ObjectSpec):
            _check_object_spec(spec, errors)
            continue
        keras_class = _check_spec(spec, errors)
        if keras_class is not None:
            covered[keras_class.cls] = spec
    _check_listing(covered, listed, listing_file, errors)
    return errors.sorted()


def _check_spec(spec: LayerSpec, errors: ErrorLog) -> KerasClass | None:
    nodes = _SpecNodes.read(spec.position.path)
    try:
        keras_class = reference_class(spec.py_class)
    except LookupError as error:
        errors.add(nodes.position("py_class", spec.position), f"{error} in Keras {keras_version()}")
        return None
    classes = [keras_class, *_backend_class(spec.py_class)]
    for checked in classes:
        _check_constructor(spec, checked, nodes, errors)
        _check_call(spec, checked, nodes, errors)
    _check_doc_hash(spec, keras_class, nodes, errors)
    return keras_class


def _backend_class(py_class: str) -> list[KerasClass]:
    """The bundled class too, once importable: it must keep Keras's signature."""
    module_name, _, name = py_class.rpartition(".")
    if module_name != BACKEND_MODULE:
        return []
    try:
        cls = getattr(importlib.import_module(BACKEND_MODULE), name)
    except (ImportError, AttributeError):
        return []
    return [KerasClass(py_class, cls)]


@dataclass(frozen=True)
class _SpecNodes:
    """Positions the model does not keep: top-level keys and each argument's default."""

    root: YamlMap | None

    @classmethod
    def read(cls, path: str) -> _SpecNodes:
        errors = ErrorLog()
        try:
            root = load_yaml(Path(path).read_text(encoding="utf-8"), path, errors)
        except (OSError, UnicodeDecodeError):
            root = None
        return cls(root if isinstance(root, YamlMap) else None)

    def position(self, key: str, fallback: Position) -> Position:
        entry = self.root.get(key) if self.root else None
        return entry.value.position if entry else fallback

    def key_position(self, key: str, fallback: Position) -> Position:
        entry = self.root.get(key) if self.root else None
        return entry.key_position if entry else fallback

    def default_position(self, argument: Argument) -> Position:
        entry = self.root.get("arguments") if self.root else None
        if entry is None or not isinstance(entry.value, YamlSeq):
            return argument.position
        for item in entry.value.items:
            name = item.get("name") if isinstance(item, YamlMap) else None
            if name and isinstance(name.value, YamlScalar) and name.value.value == argument.name:
                default = item.get("default")
                return default.value.position if default else argument.position
        return argument.position


def _check_object_spec(spec: ObjectSpec, errors: ErrorLog) -> None:
    """An optimizer, loss, activation...: its arguments against the class or the function.

    With a class, the arguments are the constructor's, in its order, with its
    defaults; the function (if any) must start with the kind's value formals
    and take the ``function_arguments`` after them.  With only a function,
    the arguments are the function's after the value formals.
    """
    nodes = _SpecNodes.read(spec.position.path)
    documented = None
    if spec.py_class is not None:
        cls = _resolve(spec.py_class, "py_class", spec, nodes, errors)
        if cls is None:
            return
        if not inspect.isclass(cls):
            errors.add(
                nodes.position("py_class", spec.position), f"'{spec.py_class}' is not a class"
            )
            return
        keras_class = KerasClass(spec.py_class, cls)
        _check_parameters(
            spec,
            _named_parameters(cls.__init__)[1:],
            f"{spec.py_class}()",
            nodes,
            errors,
            skipped=(*spec.function_only_arguments, *spec.r_side_arguments),
        )
        documented = keras_class.doc
    if spec.py_function is not None:
        function = _resolve(spec.py_function, "py_function", spec, nodes, errors)
        if function is None:
            return
        where = f"{spec.py_function}()"
        parameters = _named_parameters(function)
        leading = tuple(p.name for p in parameters[: len(spec.value_formals)])
        if leading != spec.value_formals:
            errors.add(
                nodes.position("py_function", spec.position),
                f"{where} must start with ({', '.join(spec.value_formals)}), "
                f"the values a {spec.kind.name} computes on; it starts ({', '.join(leading)})",
            )
            return
        rest = parameters[len(spec.value_formals) :]
        if spec.py_class is None:
            _check_parameters(spec, rest, where, nodes, errors, skipped=spec.r_side_arguments)
        elif {p.name for p in rest} != set(spec.function_arguments):
            errors.add(
                nodes.key_position("function_arguments", spec.position),
                f"function_arguments must be the parameters of {where} after "
                f"{', '.join(spec.value_formals)}: ({', '.join(p.name for p in rest)})",
            )
        else:
            by_name = {p.name: p for p in rest}
            for argument in spec.arguments:
                if argument.name in spec.function_only_arguments:
                    _check_default(argument, by_name[argument.name], where, nodes, errors)
        if documented is None:
            documented = _function_doc(function)
    _check_hash(spec, spec.py_class or spec.py_function or "", documented or "", nodes, errors)


def _function_doc(function: object) -> str:
    """A function's docstring; a class method without one is documented by its class.

    (``FeatureSpace``'s docstring documents ``FeatureSpace.float`` and the
    other static constructors, which have none of their own.)
    """
    doc = inspect.cleandoc(getattr(function, "__doc__", None) or "")
    owner = getattr(function, "__self__", None)
    if not doc and inspect.isclass(owner):
        doc = inspect.cleandoc(owner.__doc__ or "")
    return doc


def _resolve(
    path: str, key: str, spec: ObjectSpec, nodes: _SpecNodes, errors: ErrorLog
) -> object | None:
    found = resolve_path(path)
    if found is None:
        errors.add(nodes.position(key, spec.position), f"no '{path}' in Keras {keras_version()}")
    return found


def resolve_path(path: str) -> object | None:
    """The object at a dotted path, through modules and then attributes.

    The longest importable prefix is the module: ``keras.losses.huber`` is a
    function of ``keras.losses``, ``keras.utils.FeatureSpace.float`` a method
    of a class of ``keras.utils``.  None where there is no such object.
    """
    parts = path.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for attribute in parts[split:]:
                found = getattr(found, attribute)
        except AttributeError:
            return None
        return found
    return None


def _named_parameters(function: object) -> tuple[Parameter, ...]:
    variadic = (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
    return tuple(
        Parameter(p.name, REQUIRED if p.default is inspect.Parameter.empty else p.default)
        for p in inspect.signature(function).parameters.values()
        if p.kind not in variadic
    )


def _check_constructor(
    spec: LayerSpec, keras_class: KerasClass, nodes: _SpecNodes, errors: ErrorLog
) -> None:
    _check_parameters(
        spec,
        keras_class.constructor_parameters(),
        f"{keras_class.path}()",
        nodes,
        errors,
        forwarded=keras_class.forwarded_parameters(),
    )


def _check_parameters(
    spec: LayerSpec | ObjectSpec,
    keras_parameters: tuple[Parameter, ...],
    where: str,
    nodes: _SpecNodes,
    errors: ErrorLog,
    skipped: tuple[str, ...] = (),
    forwarded: tuple[Parameter, ...] = (),
) -> None:
    """``skipped``: arguments that are not this callable's (the function's only).

    ``forwarded``: parameters of a base class the constructor passes on
    through ``**kwargs``. A spec may declare them (keras3 does, e.g.
    ``unroll`` of the ConvLSTM layers); their defaults are checked, their
    place is not, and none is required.
    """
    parameters = {p.name: p for p in keras_parameters}
    passed_on = {p.name: p for p in forwarded}
    checked = [a for a in spec.arguments if a.name not in skipped]
    # Matched by the keyword Keras takes: an argument's py_name, else its name.
    arguments = {a.keras_name: a for a in checked}
    for argument in checked:
        if argument.keras_name in passed_on:
            _check_default(argument, passed_on[argument.keras_name], where, nodes, errors)
        elif argument.keras_name not in parameters:
            errors.add(argument.position, f"{_label(argument)} is not a parameter of {where}")
    for name, parameter in parameters.items():
        if name not in arguments:
            errors.add(
                nodes.key_position("arguments", spec.position),
                f"{where} has parameter '{name}' (default {_show(parameter.default)}), "
                "missing from the spec's arguments",
            )
    keras_order = [name for name in parameters if name in arguments]
    spec_order = [a for a in checked if a.keras_name in parameters]
    # keras3 orders its optimizers, losses... its own way (`name` before the
    # arguments Keras added since), and a few layers too (`keras3_order`);
    # a keras3 user's positional call is what counts.
    follows_keras = isinstance(spec, LayerSpec) and spec.keras3_order is None
    checked_order = spec_order if follows_keras else []
    for argument, expected in zip(checked_order, keras_order[: len(checked_order)], strict=True):
        if argument.keras_name != expected:
            errors.add(
                argument.position,
                f"{_label(argument)} is out of order: {where} has '{expected}' here "
                f"(its order: {', '.join(keras_order)})",
            )
            break
    for argument in spec_order:
        _check_default(argument, parameters[argument.keras_name], where, nodes, errors)


def _label(argument: Argument) -> str:
    """``argument 'units'``, or ``argument 'f' (Python's 'function')`` for a renamed one."""
    if argument.py_name is None:
        return f"argument '{argument.name}'"
    return f"argument '{argument.name}' (Python's '{argument.py_name}')"


def _check_default(
    argument: Argument, parameter: Parameter, where: str, nodes: _SpecNodes, errors: ErrorLog
) -> None:
    position = nodes.default_position(argument)
    if argument.default is None and parameter.default is REQUIRED:
        return
    if argument.default is None:
        errors.add(
            position,
            f"{_label(argument)} has no default, {where} has {_show(parameter.default)}",
        )
        return
    value = python_default(argument)
    if parameter.default is REQUIRED:
        errors.add(
            position,
            f"{_label(argument)} has default {_show(value)}, but {where} requires it",
        )
    elif not same_default(value, parameter.default):
        errors.add(
            position,
            f"default of {_label(argument)} is {_show(value)} in Python terms, "
            f"{where} has {_show(parameter.default)}",
        )


def python_default(argument: Argument) -> object:
    """The default as Python receives it; an axis counts from 1 in the spec, as in R."""
    assert argument.default is not None
    value = argument.default.value
    if isinstance(argument.type, Axis) and value is not None:
        if isinstance(value, tuple):
            return [axis - 1 if axis > 0 else axis for axis in value]
        return value - 1 if value > 0 else value
    return _lists(value)


def _lists(value: object) -> object:
    """Tuples, nested ones too, as the lists ``same_default`` compares."""
    return [_lists(item) for item in value] if isinstance(value, tuple) else value


def same_default(spec_value: object, python_value: object) -> bool:
    """Equal as Python sees them, except that 1 is not True and (1, 2) is [1, 2]."""
    if isinstance(python_value, tuple | list):
        if not isinstance(spec_value, list) or len(spec_value) != len(python_value):
            return False
        return all(same_default(a, b) for a, b in zip(spec_value, python_value, strict=True))
    if isinstance(spec_value, bool) or isinstance(python_value, bool):
        return spec_value is python_value
    both_numbers = isinstance(spec_value, int | float) and isinstance(python_value, int | float)
    comparable = both_numbers or type(spec_value) is type(python_value)
    return comparable and spec_value == python_value


def _show(value: object) -> str:
    if value is REQUIRED:
        return "none (required)"
    return repr(_lists(value))


def _check_call(
    spec: LayerSpec, keras_class: KerasClass, nodes: _SpecNodes, errors: ErrorLog
) -> None:
    where = f"{keras_class.path}.call()"
    parameters = keras_class.call_parameters()
    names = [p.name for p in parameters]
    inputs = [c.name for c in spec.call_inputs]
    if keras_class.call_takes_args() and not set(inputs) & set(names):
        inputs = []  # the inputs arrive in *args, under the names the spec gives them
    elif names[: len(inputs)] != inputs:
        errors.add(
            spec.call_inputs[0].position,
            f"call inputs ({', '.join(inputs)}) are not the leading parameters of {where}, "
            f"which starts ({', '.join(names[: len(inputs)])})",
        )
        return
    routed = {c.name: c for c in spec.call_arguments}
    rest = parameters[len(inputs) :]
    for argument in spec.call_arguments:
        if argument.name not in names[len(inputs) :]:
            errors.add(
                argument.position, f"call argument '{argument.name}' is not a parameter of {where}"
            )
    for parameter in rest:
        if parameter.default is REQUIRED:
            errors.add(
                nodes.key_position("call_inputs", spec.position),
                f"{where} requires '{parameter.name}', which must be a call input",
            )
        elif parameter.name not in routed:
            errors.add(
                nodes.key_position("call_arguments", spec.position),
                f"{where} has parameter '{parameter.name}', missing from the spec's call_arguments",
            )


def _check_doc_hash(
    spec: LayerSpec, keras_class: KerasClass, nodes: _SpecNodes, errors: ErrorLog
) -> None:
    _check_hash(spec, keras_class.path, keras_class.doc, nodes, errors)


def _check_hash(
    spec: LayerSpec | ObjectSpec, path: str, doc: str, nodes: _SpecNodes, errors: ErrorLog
) -> None:
    current = doc_hash(doc)
    if spec.keras_doc_hash is None:
        errors.add(
            spec.position,
            f"no keras_doc_hash: once the spec agrees with the docstring of {path}, "
            f"add keras_doc_hash: {current}",
        )
    elif spec.keras_doc_hash != current:
        errors.add(
            nodes.position("keras_doc_hash", spec.position),
            f"the docstring of {path} changed since the spec was drafted "
            f"(now {current}): review the spec against it, then set keras_doc_hash: {current}",
        )


def _check_listing(
    covered: dict[type, LayerSpec],
    listed: dict[str, Listed],
    listing_file: str,
    errors: ErrorLog,
) -> None:
    public = {keras_class.path: keras_class for keras_class in public_layer_classes()}
    for path, entry in listed.items():
        keras_class = public.get(path)
        if keras_class is None:
            errors.add(
                entry.position,
                f"'{path}' is not a public layer class of {LAYERS_MODULE} "
                f"in Keras {keras_version()}",
            )
        elif keras_class.cls in covered:
            spec_file = covered[keras_class.cls].position.path
            errors.add(
                entry.position,
                f"{path} is listed as not yet wrapped, but {spec_file} wraps it: "
                "remove it from this list",
            )
    for path, keras_class in public.items():
        if keras_class.cls not in covered and path not in listed:
            errors.add(
                Position(listing_file),
                f"{path} has no spec and is not listed here: draft one with "
                f"python -m codegen import {path}, or list it under the issue that will wrap it",
            )
