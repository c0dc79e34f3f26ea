"""Model stage: one layer spec as typed, frozen records.

Each ``parse_*`` function builds one record from its YAML node and runs the
checks that belong to that record right there, reporting every problem it
finds (not just the first).  Checks spanning several specs live in
``codegen.crosscheck``.  ``to_spec`` is the inverse of parsing, so a model can
be written back as YAML without loss (tested property).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from codegen.argtypes import ArgType, Flag, Value, parse_type, show_value, type_to_spec
from codegen.diagnostics import ErrorLog, Position, did_you_mean
from codegen.fields import Fields, read_text
from codegen.kinds import FORBIDDEN, KIND_NAMES, KINDS, LAYER_KIND, REQUIRED, Kind
from codegen.rsyntax import r_name_problem
from codegen.yaml_source import YamlMap, YamlNode, YamlScalar, YamlSeq, describe

NOWHERE = Position("<memory>")
RecordT = TypeVar("RecordT")
_PY_DOTTED_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_URL = re.compile(r"https?://[^\s<>]+")
# The wrapper's own first parameter; an argument of that name would shadow it.
OBJECT_PARAMETER = "object"
# A note `python -m codegen import` leaves on a guess; a spec keeping one is refused.
REVIEW_KEY = "review"
_DOC_HASH = re.compile(r"sha256:[0-9a-f]{16}")
# R CMD check notes example lines wider than this (the PDF manual cuts them).
EXAMPLE_WIDTH = 100

SPEC_KEYS_REQUIRED = (
    "r_name",
    "py_class",
    "family",
    "title",
    "description",
    "call_inputs",
    "output",
    "see_also",
    "example",
)
SPEC_KEYS_OPTIONAL = (
    "object_doc",
    "arguments",
    "input_dtype",
    "call_arguments",
    "keras_doc_hash",
    REVIEW_KEY,
    "first_argument",
    "variadic_inputs",
    "named_inputs",
    "keras3_order",
)
# The name of the wrapper's first parameter, keras3's for the layer; "none"
# for a layer that is only ever built, never composed (RNN cells: keras3's
# `rnn_cell_lstm(units, ...)`).
NO_FIRST_ARGUMENT = "none"
FIRST_ARGUMENTS = ("object", "inputs", NO_FIRST_ARGUMENT)
# What compose_layer() makes of R arrays in ``object`` before the call:
# "any" hands them over as they are, "float" turns integer arrays into doubles.
INPUT_DTYPES = ("any", "float", "string")
DEFAULT_INPUT_DTYPE = "any"


@dataclass(frozen=True)
class Default:
    """An argument's default value; ``Default(None)`` is R's NULL.

    A required argument has no ``Default`` at all (``Argument.default is None``).
    """

    value: Value


@dataclass(frozen=True)
class Argument:
    """A constructor argument: a parameter of the R wrapper, passed to the Python class.

    ``name`` is the R formal; ``py_name``, when set, is the keyword Python
    receives instead (Keras's ``function``, a reserved word in R, is ``f``).
    """

    name: str
    type: ArgType
    doc: str
    default: Default | None = None
    nullable: bool = False
    py_name: str | None = None
    position: Position = field(default=NOWHERE, compare=False)

    @property
    def keras_name(self) -> str:
        """The keyword the Keras class takes this argument by."""
        return self.py_name or self.name

    def to_spec(self) -> dict[str, object]:
        spec: dict[str, object] = {"name": self.name}
        if self.py_name is not None:
            spec["py_name"] = self.py_name
        spec["type"] = type_to_spec(self.type)
        if self.default is not None:
            spec["default"] = _value_to_spec(self.default.value)
        if self.nullable:
            spec["nullable"] = True
        spec["doc"] = self.doc
        return spec


@dataclass(frozen=True)
class CallInput:
    """A parameter of the layer's call that receives (part of) the wrapper's ``object``."""

    name: str
    doc: str
    position: Position = field(default=NOWHERE, compare=False)

    def to_spec(self) -> dict[str, object]:
        return {"name": self.name, "doc": self.doc}


@dataclass(frozen=True)
class CallArgument:
    """A parameter of the layer's call that users pass through the wrapper's ``...``.

    ``instance_only``: a wrapper's formal (a constructor argument) has this
    name or one it prefixes, so R would bind it there; the argument is then
    taken only by a call of the layer instance, ``layer(x, name = ...)``.
    """

    name: str
    type: ArgType
    doc: str
    instance_only: bool = False
    position: Position = field(default=NOWHERE, compare=False)

    def to_spec(self) -> dict[str, object]:
        spec: dict[str, object] = {"name": self.name, "type": type_to_spec(self.type)}
        if self.instance_only:
            spec["instance_only"] = True
        spec["doc"] = self.doc
        return spec


@dataclass(frozen=True)
class LayerSpec:
    r_name: str
    py_class: str
    family: str
    title: str
    description: str
    arguments: tuple[Argument, ...]
    call_inputs: tuple[CallInput, ...]
    call_arguments: tuple[CallArgument, ...]
    output: str
    see_also: tuple[str, ...]
    example: str
    # The doc of the wrapper's ``object``; None keeps the template's standard text.
    object_doc: str | None = None
    input_dtype: str = DEFAULT_INPUT_DTYPE
    first_argument: str = OBJECT_PARAMETER
    # Merging layers: `...` comes right after the first argument, and its
    # unnamed entries are further inputs (`layer_add(a, b)`), as in keras3.
    variadic_inputs: bool = False
    # Inputs a caller may also give by name (`query =`, `value =`, `key =`),
    # which the layer takes as one list in this order.
    named_inputs: tuple[str, ...] = ()
    # Hash of the Keras docstring the spec was last checked against (codegen drift).
    keras_doc_hash: str | None = None
    # Why the arguments follow keras3's order where it differs from Keras's
    # (codegen drift then leaves their order alone); None: Keras's order.
    keras3_order: str | None = None
    position: Position = field(default=NOWHERE, compare=False)

    def to_spec(self) -> dict[str, object]:
        spec: dict[str, object] = {
            "r_name": self.r_name,
            "py_class": self.py_class,
        }
        if self.keras_doc_hash is not None:
            spec["keras_doc_hash"] = self.keras_doc_hash
        spec |= {
            "family": self.family,
            "title": self.title,
            "description": self.description,
        }
        if self.first_argument != OBJECT_PARAMETER:
            spec["first_argument"] = self.first_argument
        if self.variadic_inputs:
            spec["variadic_inputs"] = True
        if self.named_inputs:
            spec["named_inputs"] = list(self.named_inputs)
        if self.object_doc is not None:
            spec["object_doc"] = self.object_doc
        if self.keras3_order is not None:
            spec["keras3_order"] = self.keras3_order
        spec["arguments"] = [argument.to_spec() for argument in self.arguments]
        spec["call_inputs"] = [call_input.to_spec() for call_input in self.call_inputs]
        if self.input_dtype != DEFAULT_INPUT_DTYPE:
            spec["input_dtype"] = self.input_dtype
        spec["call_arguments"] = [argument.to_spec() for argument in self.call_arguments]
        spec["output"] = self.output
        spec["see_also"] = list(self.see_also)
        spec["example"] = self.example
        return spec


OBJECT_KEYS_REQUIRED = ("r_name", "kind", "family", "title", "description", "see_also", "example")
OBJECT_KEYS_OPTIONAL = (
    "py_class",
    "py_function",
    "function_arguments",
    "function_only_arguments",
    "dots_before",
    "arguments",
    "keras_doc_hash",
    REVIEW_KEY,
)


@dataclass(frozen=True)
class ObjectSpec:
    """A Keras object other than a layer: an optimizer, a loss, an activation...

    ``kind`` (``codegen.kinds``) says which of ``py_class`` (the class the
    wrapper builds) and ``py_function`` (the function computing values on the
    kind's value formals) it has.  ``function_arguments`` are the arguments
    the function takes as well as the class; ``dots_before`` the argument
    that `...` precedes in the signature (keras3's order), None for last.
    """

    r_name: str
    kind: Kind
    family: str
    title: str
    description: str
    arguments: tuple[Argument, ...]
    see_also: tuple[str, ...]
    example: str
    py_class: str | None = None
    py_function: str | None = None
    function_arguments: tuple[str, ...] = ()
    function_only_arguments: tuple[str, ...] = ()
    dots_before: str | None = None
    keras_doc_hash: str | None = None
    position: Position = field(default=NOWHERE, compare=False)

    @property
    def value_formals(self) -> tuple[str, ...]:
        return self.kind.value_formals if self.py_function is not None else ()

    @property
    def r_side_arguments(self) -> tuple[str, ...]:
        """The spec's arguments the runtime acts on in R, never sent to Keras."""
        return tuple(a.name for a in self.arguments if a.name in self.kind.r_side_arguments)

    def to_spec(self) -> dict[str, object]:
        spec: dict[str, object] = {"r_name": self.r_name, "kind": self.kind.name}
        if self.py_class is not None:
            spec["py_class"] = self.py_class
        if self.py_function is not None:
            spec["py_function"] = self.py_function
        if self.function_arguments:
            spec["function_arguments"] = list(self.function_arguments)
        if self.function_only_arguments:
            spec["function_only_arguments"] = list(self.function_only_arguments)
        if self.keras_doc_hash is not None:
            spec["keras_doc_hash"] = self.keras_doc_hash
        spec |= {"family": self.family, "title": self.title, "description": self.description}
        if self.dots_before is not None:
            spec["dots_before"] = self.dots_before
        spec["arguments"] = [argument.to_spec() for argument in self.arguments]
        spec |= {"see_also": list(self.see_also), "example": self.example}
        return spec


def parse_object_spec(root: YamlNode, kind: Kind, errors: ErrorLog) -> ObjectSpec | None:
    count_before = len(errors.errors)
    what = f"{kind.name} spec"
    fields = Fields.read(
        root, what, required=OBJECT_KEYS_REQUIRED, optional=OBJECT_KEYS_OPTIONAL, errors=errors
    )
    if fields is None:
        return None
    r_name = _identifier(fields, "r_name", errors)
    py_class = _py_path(fields, "py_class", kind.py_class, kind, errors)
    py_function = _py_path(fields, "py_function", kind.py_function, kind, errors)
    if not (fields.has("py_class") or fields.has("py_function")) and REQUIRED not in (
        kind.py_class,
        kind.py_function,
    ):
        errors.add(
            fields.position, f"a spec of kind '{kind.name}' needs 'py_class', 'py_function' or both"
        )
    keras_doc_hash = _doc_hash(fields, errors)
    _refuse_review_mark(fields, "the spec", errors)
    family = fields.text("family", single_line=True)
    title = fields.text("title", single_line=True)
    description = fields.text("description")
    arguments = _records(fields, "arguments", _parse_argument, errors)
    names = [argument.name for argument in arguments]
    function_arguments = _argument_names(fields, "function_arguments", names, errors)
    if function_arguments and (py_class is None or py_function is None):
        errors.add(
            fields.node("function_arguments").position,
            "'function_arguments' name the arguments the function takes besides the "
            "class; it needs both 'py_class' and 'py_function'",
        )
    function_only = _argument_names(fields, "function_only_arguments", names, errors)
    for name in function_only:
        if name not in function_arguments:
            errors.add(
                fields.node("function_only_arguments").position,
                f"'function_only_arguments' entry {name!r} must be one of the function_arguments",
            )
    dots_before = _argument_names(fields, "dots_before", names, errors, single=True)
    see_also = _urls(fields, errors)
    example = _example(fields, errors)
    value_formals = kind.value_formals if py_function is not None else ()
    _check_parameter_names(arguments, (), (), errors, first_argument=OBJECT_PARAMETER)
    for argument in arguments:
        if argument.name in value_formals:
            errors.add(
                argument.position,
                f"argument name '{argument.name}' is taken by the {kind.name}'s value formals "
                f"{', '.join(value_formals)}",
            )
    for argument in arguments:
        if argument.name in kind.r_side_arguments and argument.type != Flag():
            errors.add(
                argument.position,
                f"argument '{argument.name}' stays in R, where the {kind.name} runtime takes "
                f"TRUE or FALSE: its type must be flag, got {argument.type.name}",
            )
    if len(errors.errors) > count_before:
        return None
    return ObjectSpec(
        r_name=r_name,
        kind=kind,
        family=family,
        title=title,
        description=description,
        arguments=arguments,
        see_also=see_also,
        example=example,
        py_class=py_class,
        py_function=py_function,
        function_arguments=function_arguments,
        function_only_arguments=function_only,
        dots_before=dots_before[0] if dots_before else None,
        keras_doc_hash=keras_doc_hash,
        position=fields.position,
    )


def _py_path(fields: Fields, key: str, rule: str, kind: Kind, errors: ErrorLog) -> str | None:
    if not fields.has(key):
        if rule == REQUIRED:
            errors.add(fields.position, f"a spec of kind '{kind.name}' needs '{key}'")
        return None
    if rule == FORBIDDEN:
        errors.add(fields.node(key).position, f"a spec of kind '{kind.name}' takes no '{key}'")
        return None
    path = fields.text(key, single_line=True)
    if path is not None and not _PY_DOTTED_PATH.fullmatch(path):
        errors.add(
            fields.node(key).position,
            f"'{key}' must be a dotted Python path such as keras.losses.Huber, got {path!r}",
        )
        return None
    return path


def _doc_hash(fields: Fields, errors: ErrorLog) -> str | None:
    keras_doc_hash = fields.text("keras_doc_hash", single_line=True)
    if keras_doc_hash is not None and not _DOC_HASH.fullmatch(keras_doc_hash):
        errors.add(
            fields.node("keras_doc_hash").position,
            f"'keras_doc_hash' must be 'sha256:' and 16 hex digits, got {keras_doc_hash!r}",
        )
    return keras_doc_hash


def _argument_names(
    fields: Fields, key: str, known: list[str], errors: ErrorLog, *, single: bool = False
) -> tuple[str, ...]:
    """Names of the spec's own arguments: a list of them, or one (``single``)."""
    node = fields.node(key)
    if node is None:
        return ()
    nodes = (node,) if single else fields.items(key) or ()
    names = []
    for item in nodes:
        name = read_text(item, f"'{key}'" if single else f"'{key}' entry", errors, single_line=True)
        if name is None:
            continue
        if name not in known:
            errors.add(
                item.position,
                f"'{key}' must name an argument of the spec, got {name!r}"
                + did_you_mean(name, known),
            )
        else:
            names.append(name)
    return tuple(names)


def _value_to_spec(value: Value) -> object:
    return [_value_to_spec(item) for item in value] if isinstance(value, tuple) else value


def parse_spec(root: YamlNode, errors: ErrorLog) -> LayerSpec | ObjectSpec | None:
    """A spec of any kind: its ``kind`` (``layer`` when absent) picks the record."""
    kind = _kind(root, errors)
    if kind is None:
        return None
    if kind == LAYER_KIND:
        return parse_layer_spec(root, errors)
    return parse_object_spec(root, KINDS[kind], errors)


def _kind(root: YamlNode, errors: ErrorLog) -> str | None:
    entry = root.get("kind") if isinstance(root, YamlMap) else None
    if entry is None:
        return LAYER_KIND
    value = entry.value.value if isinstance(entry.value, YamlScalar) else None
    if value not in KIND_NAMES:
        listed = ", ".join(KIND_NAMES)
        shown = value if isinstance(value, str) else describe(entry.value)
        errors.add(
            entry.value.position,
            f"'kind' must be one of {listed}, got {shown!r}"
            + (did_you_mean(value, KIND_NAMES) if isinstance(value, str) else ""),
        )
        return None
    return value


def parse_layer_spec(root: YamlNode, errors: ErrorLog) -> LayerSpec | None:
    count_before = len(errors.errors)
    fields = Fields.read(
        root,
        "layer spec",
        required=SPEC_KEYS_REQUIRED,
        optional=(*SPEC_KEYS_OPTIONAL, "kind"),
        errors=errors,
    )
    if fields is None:
        return None
    r_name = _identifier(fields, "r_name", errors)
    py_class = fields.text("py_class", single_line=True)
    if py_class is not None and not _PY_DOTTED_PATH.fullmatch(py_class):
        errors.add(
            fields.node("py_class").position,
            f"'py_class' must be a dotted Python path such as keras.layers.Dense, got {py_class!r}",
        )
    keras_doc_hash = fields.text("keras_doc_hash", single_line=True)
    if keras_doc_hash is not None and not _DOC_HASH.fullmatch(keras_doc_hash):
        errors.add(
            fields.node("keras_doc_hash").position,
            f"'keras_doc_hash' must be 'sha256:' and 16 hex digits, got {keras_doc_hash!r}",
        )
    _refuse_review_mark(fields, "the spec", errors)
    family = fields.text("family", single_line=True)
    title = fields.text("title", single_line=True)
    description = fields.text("description")
    object_doc = fields.text("object_doc")
    keras3_order = fields.text("keras3_order", single_line=True)
    first_argument = _first_argument(fields, errors)
    variadic_inputs = fields.flag("variadic_inputs", False)
    named_inputs = _named_inputs(fields, errors)
    arguments = _records(fields, "arguments", _parse_argument, errors)
    call_inputs = _records(fields, "call_inputs", _parse_call_input, errors)
    input_dtype = _input_dtype(fields, errors)
    call_arguments = _records(fields, "call_arguments", _parse_call_argument, errors)
    if fields.has("call_inputs") and call_inputs == ():
        errors.add(
            fields.node("call_inputs").position, "'call_inputs' must name at least one input"
        )
    output = fields.text("output")
    see_also = _urls(fields, errors)
    example = _example(fields, errors)
    _check_parameter_names(arguments, call_inputs, call_arguments, errors, first_argument)
    if len(errors.errors) > count_before:
        return None
    return LayerSpec(
        r_name=r_name,
        py_class=py_class,
        family=family,
        title=title,
        description=description,
        arguments=arguments,
        call_inputs=call_inputs,
        call_arguments=call_arguments,
        output=output,
        see_also=see_also,
        example=example,
        object_doc=object_doc,
        input_dtype=input_dtype,
        first_argument=first_argument,
        variadic_inputs=variadic_inputs,
        named_inputs=named_inputs,
        keras_doc_hash=keras_doc_hash,
        keras3_order=keras3_order,
        position=fields.position,
    )


def _example(fields: Fields, errors: ErrorLog) -> str | None:
    example = fields.text("example")
    node = fields.node("example")
    for line in (example or "").split("\n"):
        if len(line) > EXAMPLE_WIDTH and isinstance(node, YamlScalar):
            errors.add(
                node.locate(line),
                f"'example' has a line of {len(line)} characters; R CMD check wants at most "
                f"{EXAMPLE_WIDTH}: break it",
            )
    return example


def _refuse_review_mark(fields: Fields, what: str, errors: ErrorLog) -> int:
    """A draft's guess stays out of the package until a person has checked it.

    Returns the number of errors added: the marked record is still built, so
    checks over the records (at least one call input) do not cascade.
    """
    node = fields.node(REVIEW_KEY)
    if node is None:
        return 0
    note = node.value if isinstance(node, YamlScalar) else None
    about = f": {note}" if isinstance(note, str) and note.strip() else ""
    errors.add(
        node.position,
        f"unresolved review mark on {what}{about} (check the draft, then delete '{REVIEW_KEY}')",
    )
    return 1


def _named_inputs(fields: Fields, errors: ErrorLog) -> tuple[str, ...]:
    names = []
    for node in fields.items("named_inputs") or ():
        name = read_text(node, "'named_inputs' entry", errors, single_line=True)
        if name is not None and (r_name_problem(name) or not name.isidentifier()):
            errors.add(node.position, f"'named_inputs' entry must be a name, got {name!r}")
        elif name is not None:
            names.append(name)
    return tuple(names)


def _first_argument(fields: Fields, errors: ErrorLog) -> str:
    value = fields.text("first_argument", single_line=True)
    if value is None:
        return OBJECT_PARAMETER
    if value not in FIRST_ARGUMENTS:
        listed = ", ".join(repr(name) for name in FIRST_ARGUMENTS)
        errors.add(
            fields.node("first_argument").position,
            f"'first_argument' must be one of {listed}, got {value!r}"
            + did_you_mean(value, FIRST_ARGUMENTS),
        )
        return OBJECT_PARAMETER
    return value


def _input_dtype(fields: Fields, errors: ErrorLog) -> str:
    value = fields.text("input_dtype", single_line=True)
    if value is None:
        return DEFAULT_INPUT_DTYPE
    if value not in INPUT_DTYPES:
        listed = ", ".join(repr(dtype) for dtype in INPUT_DTYPES)
        errors.add(
            fields.node("input_dtype").position,
            f"'input_dtype' must be one of {listed}, got {value!r}"
            + did_you_mean(value, INPUT_DTYPES),
        )
        return DEFAULT_INPUT_DTYPE
    return value


def _records(
    fields: Fields,
    key: str,
    parse: Callable[[YamlNode, ErrorLog], RecordT | None],
    errors: ErrorLog,
) -> tuple[RecordT, ...]:
    items = fields.items(key)
    if items is None:
        return ()
    records = tuple(parse(item, errors) for item in items)
    return tuple(record for record in records if record is not None)


def _named(node: YamlNode, kind: str) -> str:
    """``argument 'seed'`` when the record's name is readable, so messages say which one."""
    if isinstance(node, YamlMap):
        name = node.get("name")
        if name and isinstance(name.value, YamlScalar) and isinstance(name.value.value, str):
            return f"{kind} '{name.value.value}'"
    return kind


def _parse_argument(node: YamlNode, errors: ErrorLog) -> Argument | None:
    what = _named(node, "argument")
    count_before = len(errors.errors)
    fields = Fields.read(
        node,
        what,
        required=("name", "type", "doc"),
        optional=("py_name", "default", "nullable", REVIEW_KEY),
        errors=errors,
    )
    if fields is None:
        return None
    count_before += _refuse_review_mark(fields, what, errors)
    py_name = _py_name(fields, errors)
    # With a py_name, the name is only an R formal: it need not be a Python keyword.
    name = _identifier(
        fields,
        "name",
        errors,
        python_keyword=not fields.has("py_name"),
        hint=(
            ""
            if fields.has("py_name")
            else "; name the R formal otherwise (keras3's name, "
            "such as 'f' for 'function') and give Keras's name as 'py_name'"
        ),
    )
    if name is not None and py_name is not None and py_name == name:
        errors.add(
            fields.node("py_name").position,
            f"'py_name' is the argument's own name '{name}': delete it",
        )
    arg_type = parse_type(fields.node("type"), errors) if fields.has("type") else None
    doc = fields.text("doc")
    nullable = fields.flag("nullable", False)
    default = _default(fields, errors)
    if default is not None and arg_type is not None and name is not None:
        _check_default(name, arg_type, nullable, default, fields.node("default").position, errors)
    if len(errors.errors) > count_before:
        return None
    return Argument(name, arg_type, doc, default, nullable, py_name, fields.position)


def _py_name(fields: Fields, errors: ErrorLog) -> str | None:
    """The Keras keyword of an argument whose R formal differs (``f`` for ``function``)."""
    py_name = fields.text("py_name", single_line=True)
    if py_name is None:
        return None
    if not py_name.isidentifier() or keyword.iskeyword(py_name):
        errors.add(
            fields.node("py_name").position,
            f"'py_name' must be a Python keyword argument name, got {py_name!r}",
        )
        return None
    return py_name


def _default(fields: Fields, errors: ErrorLog) -> Default | None:
    node = fields.node("default")
    if node is None:
        return None
    value = _plain_value(node, errors)
    return None if value is _NOT_A_VALUE else Default(value)


_NOT_A_VALUE = object()


def _plain_value(node: YamlNode, errors: ErrorLog) -> Value | object:
    if isinstance(node, YamlScalar):
        return node.value
    if isinstance(node, YamlSeq):
        items = tuple(_plain_value(item, errors) for item in node.items)
        return _NOT_A_VALUE if _NOT_A_VALUE in items else items
    errors.add(
        node.position, f"'default' must be a value or a list of values, got {describe(node)}"
    )
    return _NOT_A_VALUE


def _check_default(
    name: str,
    arg_type: ArgType,
    nullable: bool,
    default: Default,
    position: Position,
    errors: ErrorLog,
) -> None:
    if default.value is None:
        if not nullable:
            errors.add(position, f"default null of argument '{name}' needs 'nullable: true'")
        return
    problem = arg_type.value_problem(default.value)
    if problem is not None:
        errors.add(position, f"default {show_value(default.value)} of argument '{name}' {problem}")


def _parse_call_input(node: YamlNode, errors: ErrorLog) -> CallInput | None:
    count_before = len(errors.errors)
    what = _named(node, "call input")
    fields = Fields.read(
        node, what, required=("name", "doc"), optional=(REVIEW_KEY,), errors=errors
    )
    if fields is None:
        return None
    count_before += _refuse_review_mark(fields, what, errors)
    name = _identifier(fields, "name", errors, python_keyword=True)
    doc = fields.text("doc")
    if len(errors.errors) > count_before:
        return None
    return CallInput(name, doc, fields.position)


def _parse_call_argument(node: YamlNode, errors: ErrorLog) -> CallArgument | None:
    count_before = len(errors.errors)
    what = _named(node, "call argument")
    fields = Fields.read(
        node,
        what,
        required=("name", "type", "doc"),
        optional=("instance_only", REVIEW_KEY),
        errors=errors,
    )
    if fields is None:
        return None
    count_before += _refuse_review_mark(fields, what, errors)
    name = _identifier(fields, "name", errors, python_keyword=True)
    arg_type = (
        parse_type(fields.node("type"), errors, for_call=True) if fields.has("type") else None
    )
    instance_only = fields.flag("instance_only", False)
    doc = fields.text("doc")
    if len(errors.errors) > count_before:
        return None
    return CallArgument(name, arg_type, doc, instance_only, fields.position)


def _identifier(
    fields: Fields, key: str, errors: ErrorLog, *, python_keyword: bool = False, hint: str = ""
) -> str | None:
    """A name usable in R and, for parameters passed on to Python, as a Python keyword argument.

    ``hint`` follows the problem where the name would do as the other
    language's, e.g. an argument's name that is a reserved word in R.
    """
    name = fields.text(key, single_line=True)
    if name is None:
        return None
    position = fields.node(key).position
    problem = r_name_problem(name)
    if problem is None and python_keyword and (not name.isidentifier() or keyword.iskeyword(name)):
        problem = f"'{name}' cannot be a Python keyword argument name"
    elif problem is not None and name.isidentifier() and not keyword.iskeyword(name):
        problem += hint
    if problem is not None:
        errors.add(position, problem)
        return None
    return name


def _urls(fields: Fields, errors: ErrorLog) -> tuple[str, ...]:
    urls = []
    for node in fields.items("see_also") or ():
        url = read_text(node, "'see_also' entry", errors, single_line=True)
        if url is not None and not _URL.fullmatch(url):
            errors.add(node.position, f"'see_also' entry must be an http(s) URL, got {url!r}")
        elif url is not None:
            urls.append(url)
    return tuple(urls)


def _check_parameter_names(
    arguments: tuple[Argument, ...],
    call_inputs: tuple[CallInput, ...],
    call_arguments: tuple[CallArgument, ...],
    errors: ErrorLog,
    first_argument: str = OBJECT_PARAMETER,
) -> None:
    """Names must be unique across the wrapper's parameters and the routed call parameters.

    A call argument reaches the layer call only through ``...``; one named like a
    formal of the wrapper (its first parameter or a constructor argument) would
    be captured by that formal, and R matches a formal by any prefix of its
    name, so a call argument that is a prefix of one is refused too (a call
    argument that merely starts with a formal's name, ``steps_taken`` beside
    ``steps``, is safe: R never matches a longer name to a shorter formal).
    A call argument marked ``instance_only`` is never routed through the
    wrapper's ``...`` (only a layer instance's call takes it), so it may, and
    must, clash with a constructor argument.  Call inputs are exempt: they
    arrive inside the first argument, never by name through ``...``.  The
    Python keywords of the arguments (``py_name`` or the name) are unique too.
    """
    for argument in arguments:
        if argument.name == first_argument:
            errors.add(
                argument.position,
                f"argument name '{first_argument}' is taken by the wrapper's first parameter",
            )
    routed = [record for record in call_arguments if not record.instance_only]
    seen = _check_unique(
        [("argument", record) for record in arguments]
        + [("call input", record) for record in call_inputs]
        + [("call argument", record) for record in routed],
        errors,
    )
    # An instance-only call argument shares its name with an argument, but
    # not with a call input or another call argument.
    for record in call_arguments:
        first = seen.get(record.name)
        if not record.instance_only:
            continue
        if first is not None and first[0] != "argument":
            errors.add(
                record.position,
                f"call argument '{record.name}' clashes with {first[0]} '{record.name}' "
                f"at line {first[1].line}",
            )
        else:
            seen[record.name] = ("call argument", record.position)
    keywords: dict[str, Argument] = {}
    for argument in arguments:
        first = keywords.setdefault(argument.keras_name, argument)
        if first is not argument:
            errors.add(
                argument.position,
                f"argument '{argument.name}' passes '{argument.keras_name}' to Python, as does "
                f"argument '{first.name}' at line {first.position.line}",
            )
    formals = [(f"the wrapper's first parameter '{first_argument}'", first_argument)]
    constructor = [
        (f"argument '{argument.name}' at line {argument.position.line}", argument.name)
        for argument in arguments
    ]
    for call_argument in call_arguments:
        name = call_argument.name
        if name == first_argument:
            errors.add(
                call_argument.position,
                f"call argument name '{name}' is taken by the wrapper's first parameter",
            )
            continue
        _check_prefixes(call_argument, formals, errors, "rename one")
        if not call_argument.instance_only:
            _check_prefixes(
                call_argument,
                constructor,
                errors,
                "rename one, or mark the call argument 'instance_only: true'",
            )
        elif not any(_prefixed(name, formal) for _, formal in constructor):
            errors.add(
                call_argument.position,
                f"call argument '{name}' is marked instance_only, but no argument has its "
                "name, a name it prefixes or a name that prefixes it: delete 'instance_only'",
            )


def _prefixed(one: str, other: str) -> bool:
    """Whether R could match ``one`` to ``other`` or the other way round (equal included)."""
    return one.startswith(other) or other.startswith(one)


def _check_unique(
    labelled: list[tuple[str, Argument | CallInput | CallArgument]], errors: ErrorLog
) -> dict[str, tuple[str, Position]]:
    """Each name once; returns where each name was first seen, and as what."""
    seen: dict[str, tuple[str, Position]] = {}
    for kind, record in labelled:
        if record.name in seen:
            first_kind, first_position = seen[record.name]
            hint = (
                " (mark the call argument 'instance_only: true' if only a layer instance's "
                "call should take it)"
                if (first_kind, kind) == ("argument", "call argument")
                else ""
            )
            errors.add(
                record.position,
                f"{kind} '{record.name}' clashes with {first_kind} '{record.name}' "
                f"at line {first_position.line}{hint}",
            )
        else:
            seen[record.name] = (kind, record.position)
    return seen


def _check_prefixes(
    call_argument: CallArgument, formals: list[tuple[str, str]], errors: ErrorLog, fix: str
) -> None:
    name = call_argument.name
    for label, formal in formals:
        if formal != name and formal.startswith(name):
            errors.add(
                call_argument.position,
                f"call argument '{name}' is a prefix of {label}: R would match "
                f"'{name} = ' to '{formal}' partially; {fix}",
            )
        elif formal != name and name.startswith(formal):
            errors.add(
                call_argument.position,
                f"{label} is a prefix of call argument '{name}': '{formal} = ' "
                f"would take a shortened '{name}'; {fix}",
            )
