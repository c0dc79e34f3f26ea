"""``python -m codegen import``: draft a spec from a live Keras class.

The draft takes every constructor argument from the signature (in order, with
its default), the prose from the docstring (``codegen.docstring``), and a
type for each argument inferred from its name, its default and the first
words of its doc.  Whatever the importer is not sure of carries a
``review:`` note, which ``validate`` refuses until a person has checked the
guess and deleted the note: no guessed type reaches the package unreviewed.
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import re
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from codegen.diagnostics import ErrorLog, did_you_mean
from codegen.docstring import Docstring, parse_docstring
from codegen.families import FAMILIES_FILE, declared_family_ids
from codegen.keras_introspect import (
    BACKEND_MODULE,
    LAYERS_MODULE,
    REQUIRED,
    KerasClass,
    Parameter,
    doc_hash,
    family_for,
    find_class,
    keras_version,
    public_layer_classes,
    r_name_for,
)
from codegen.model import EXAMPLE_WIDTH, REVIEW_KEY
from codegen.rsyntax import r_name_problem
from codegen.yaml_source import YamlMap, YamlScalar, load_yaml

EXIT_OK, EXIT_USAGE = 0, 2
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Arguments that take one whole number per spatial dimension.
_TUPLE_NAMES = frozenset(
    {
        "kernel_size",
        "strides",
        "pool_size",
        "dilation_rate",
        "size",
        "cropping",
        "padding",
        "output_padding",
        "output_size",
        "tile_grid_size",
    }
)
# Optional call parameters that are inputs: the key of the attention layers.
_OPTIONAL_INPUTS = frozenset({"key"})
# Families whose layers compute in floating point: R integer arrays become doubles.
_FLOAT_FAMILIES = frozenset(
    {"convolution", "pooling", "normalization", "merging", "attention", "recurrent", "activation"}
)
_KERAS_IO = "https://keras.io/api/layers/"
_KERAS_IO_SECTIONS = {
    "core": "core_layers",
    "convolution": "convolution_layers",
    "pooling": "pooling_layers",
    "recurrent": "recurrent_layers",
    "attention": "attention_layers",
    "merging": "merging_layers",
    "normalization": "normalization_layers",
    "regularization": "regularization_layers",
    "activation": "activation_layers",
    "reshaping": "reshaping_layers",
    "preprocessing": "preprocessing_layers",
}
AXIS_NOTE = (
    "In rkeras, axes count from 1, as in R; negative values count from the end (`-1` is the last)."
)


@dataclass(frozen=True)
class Guess:
    """An argument's inferred type (as YAML) and, when unsure, why a person must look."""

    type: str
    note: str | None = None


def guess_type(name: str, default: object, doc: str) -> Guess:
    """A type of codegen/argtypes.py for a constructor argument, sure or marked."""
    lead = doc.lower().split("\n\n", 1)[0][:160]
    if isinstance(default, bool):
        return Guess("flag")
    if name == "activation" or name.endswith("_activation"):
        return Guess("activation")
    for kind in ("initializer", "regularizer", "constraint"):
        if name.endswith(kind):
            return Guess(kind)
    if name == "dtype" or name.endswith("_dtype"):
        return Guess("dtype")
    if name == "data_format":
        return Guess("{choice: [channels_last, channels_first]}")
    if name == "seed":
        return Guess("integer")
    if name == "axis" or name.endswith("_axis"):
        return Guess("axis")
    if name == "axes":
        return Guess("axis", "axis type from the name 'axes'")
    if name == "weights":
        return Guess("arrays")
    if name == "name":
        return Guess("string")
    if name == "function":
        return Guess("r_function")
    if name == "layer" or name.endswith("_layer"):
        return Guess("layer", None if "layer" in lead else "a layer by its name")
    if name in ("layers", "cells"):
        return Guess("layers")
    if name == "cell":
        return Guess("layers" if re.search(r"\blist\b", lead) else "layer")
    if name.endswith("_fn") or re.search(r"\bcallable\b", lead):
        return Guess("r_function", "a function by its name or docstring")
    if name == "use_cudnn" or default == "auto":
        return Guess("flag_or_auto", None if name == "use_cudnn" else "'auto' by the default")
    if isinstance(default, tuple | list):
        return _guess_from_sequence(name, tuple(default), lead)
    if isinstance(default, int):
        return _guess_from_int(name, lead)
    if isinstance(default, float):
        if "between 0 and 1" in lead:
            return Guess("{number: {min: 0, max: 1}}", "range read from the docstring")
        return Guess("number")
    if isinstance(default, str):
        options = quoted_options(doc)
        if default in options and len(options) > 1:
            return Guess(_choice(options), "options read from the docstring")
        return Guess("string", "a string by its default; is it one of a fixed set?")
    return _guess_from_doc(name, doc, lead)


def _guess_from_sequence(name: str, default: tuple[object, ...], lead: str) -> Guess:
    flat_whole = all(_is_whole(item) for item in default)
    nested_whole = all(
        _is_whole(item) or (isinstance(item, tuple | list) and item and all(map(_is_whole, item)))
        for item in default
    )
    if flat_whole and "shape" in name:
        return Guess("shape")
    if nested_whole and (not flat_whole or _NESTED_DOC.search(lead)):
        return Guess("nested_integers", None if name in _TUPLE_NAMES else "nested by the default")
    if flat_whole and name in _TUPLE_NAMES:
        return Guess("integers")
    if flat_whole and "float" not in lead:
        return Guess("integers", "whole numbers by the default")
    if default and all(_is_number(item) for item in default):
        return Guess("numbers", None if "float" in lead else "numbers by the default")
    return Guess(
        "keras_object", f"no type of the vocabulary fits the default {_python_repr(default)}"
    )


# "tuple of 2 tuples of 2 ints": Keras's cropping and padding of 2D and 3D.
_NESTED_DOC = re.compile(r"\btuples? of (\d+ |two |three )?tuples\b")


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (_is_whole(value) or isinstance(value, float)) and math.isfinite(value)


def _guess_from_int(name: str, lead: str) -> Guess:
    if name in _TUPLE_NAMES and _NESTED_DOC.search(lead):
        return Guess("nested_integers")
    if name in _TUPLE_NAMES:
        return Guess("integers")
    if "tuple" in lead or re.search(r"\blist of\b", lead):
        return Guess("integers", "several whole numbers by the docstring")
    if re.search(r"\bfloat\b", lead):
        return Guess("number", "a float by the docstring, a whole number by the default")
    sure = re.search(r"\b(int|integer)\b", lead)
    return _integer_with_bounds(lead, None if sure else "a whole number by its default")


def _integer_with_bounds(lead: str, note: str | None) -> Guess:
    if re.search(r"\bpositive (int|integer)\b", lead):
        return Guess("{integer: {min: 1}}", "range read from the docstring")
    if re.search(r"\bnon-negative (int|integer)\b", lead):
        return Guess("{integer: {min: 0}}", "range read from the docstring")
    return Guess("integer", note)


def _guess_from_doc(name: str, doc: str, lead: str) -> Guess:
    """No default to go by (required, or None): the doc's first words decide, always marked."""
    if _NESTED_DOC.search(lead):
        return Guess("nested_integers", "nested whole numbers by the docstring")
    several = "tuple" in lead or re.search(r"\blist of", lead)
    if several and re.search(r"\bfloats?\b", lead):
        return Guess("numbers", "several numbers by the docstring")
    if name in _TUPLE_NAMES or "tuple" in lead or re.search(r"\blist of int", lead):
        return Guess("integers", "several whole numbers by the docstring")
    if "shape" in name:
        return Guess("shape", "a shape by its name")
    if re.search(r"\b(int|integer)\b", lead[:60]):
        return _integer_with_bounds(lead, "a whole number by the docstring")
    if re.search(r"\bfloat\b", lead[:60]):
        return Guess("number", "a number by the docstring")
    if re.match(r"(a |optional )?(bool|boolean)\b", lead):
        return Guess("flag", "a flag by the docstring")
    if re.search(r"\b(str|string)\b", lead[:60]):
        options = quoted_options(doc)
        if len(options) > 1:
            return Guess(_choice(options), "options read from the docstring")
        return Guess("string", "a string by the docstring")
    if re.search(r"\btensor\b", lead[:60]):
        return Guess("tensor", "a tensor by the docstring")
    return Guess("keras_object", "no evidence of a narrower type")


_QUOTED = re.compile(r'`"([A-Za-z0-9_]+)"`|"([A-Za-z0-9_]+)"')


def quoted_options(doc: str) -> tuple[str, ...]:
    """The quoted words of the doc's first paragraph, in order: the options it lists."""
    options: list[str] = []
    for match in _QUOTED.finditer(doc.split("\n\n", 1)[0]):
        word = match.group(1) or match.group(2)
        if word not in options:
            options.append(word)
    return tuple(options)


def _choice(options: Sequence[str]) -> str:
    return "{choice: [" + ", ".join(_flow_string(option) for option in options) + "]}"


def _flow_string(text: str) -> str:
    return (
        text
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", text) and _plain_ok(text)
        else (json.dumps(text, ensure_ascii=False))
    )


# ---- the draft ----


@dataclass(frozen=True)
class Draft:
    r_name: str
    text: str

    def marks(self) -> tuple[tuple[int, str], ...]:
        """(line, note) of every review mark, for the report after writing."""
        return tuple(
            (number, line.split(f"{REVIEW_KEY}: ", 1)[1])
            for number, line in enumerate(self.text.splitlines(), start=1)
            if _REVIEW_LINE.match(line)
        )


_REVIEW_LINE = re.compile(rf"^\s*{REVIEW_KEY}: ")


def accept_guesses(text: str) -> str:
    """The draft with every review mark deleted: what a person does after checking each guess."""
    return "".join(line for line in text.splitlines(keepends=True) if not _REVIEW_LINE.match(line))


def draft_spec(
    keras_class: KerasClass, r_name: str | None = None, family: str | None = None
) -> Draft:
    r_name = r_name or r_name_for(keras_class.name, keras_class.module)
    family = family or family_for(keras_class.module)
    doc = parse_docstring(keras_class.doc)
    spec_notes: list[str] = []
    out = [
        f"# Drafted by `python -m codegen import {keras_class.path}` from Keras {keras_version()}.",
        f"# Check every '{REVIEW_KEY}' note, then delete it: validate refuses a spec that has one.",
        f"r_name: {r_name}",
        f"py_class: {keras_class.path}",
        f"keras_doc_hash: {doc_hash(keras_class.doc)}",
        f"family: {family}",
    ]
    out += _text_field("title", doc.title or keras_class.name, 0)
    out += _text_field("description", doc.description or doc.title or keras_class.name, 0)
    parameters = keras_class.constructor_parameters()
    guesses = {p.name: guess_type(p.name, p.default, doc.args.get(p.name, "")) for p in parameters}
    call_inputs, call_arguments = _split_call(keras_class.call_parameters())
    if not call_inputs:
        call_inputs = (Parameter("inputs", REQUIRED),)
        spec_notes.append("Keras's call() takes *args: name its inputs")
    # A call argument reaches the layer through `...`: named like a constructor
    # argument, or a prefix of one (or the other way round), R would bind it
    # to the wrapper's formal instead, so only a layer instance's call takes it.
    taken = [r_formal(p.name) for p in parameters]
    clashing = {p.name for p in call_arguments if any(_prefixes(p.name, name) for name in taken)}
    if family == "merging":  # keras3: layer_add(inputs, ...), further inputs in `...`
        out += ["first_argument: inputs", "variadic_inputs: true"]
    if len(call_inputs) > 1 or family == "merging":
        out += _text_field("object_doc", _object_doc(call_inputs), 0)
    if parameters:
        out.append("arguments:")
        for parameter in parameters:
            out += _argument(parameter, guesses[parameter.name], doc.args.get(parameter.name))
    out.append("call_inputs:")
    for parameter in call_inputs:
        out += _call_input(parameter, doc, single=len(call_inputs) == 1)
    if family in _FLOAT_FAMILIES:
        out.append("input_dtype: float")
    if call_arguments:
        out.append("call_arguments:")
        for parameter in call_arguments:
            out += _call_argument(
                parameter, doc.call_args.get(parameter.name), parameter.name in clashing
            )
    output = doc.output_shape or doc.returns
    if output is None:
        spec_notes.append("Keras's docstring has no output shape: describe the output")
    out += _text_field("output", output or "The layer's output.", 0)
    out.append("see_also:")
    section = _KERAS_IO_SECTIONS.get(family)
    out.append(f"  - {_KERAS_IO}{section}/" if section else f"  - {_KERAS_IO}")
    example, example_note = r_example(keras_class, r_name, doc, parameters, guesses)
    if example_note:
        spec_notes.append(example_note)
    out += _text_field("example", example, 0, block=True)
    if spec_notes:
        out.insert(6, f"{REVIEW_KEY}: {_scalar('; '.join(spec_notes))}")
    return Draft(r_name, "\n".join(out) + "\n")


def _split_call(
    parameters: tuple[Parameter, ...],
) -> tuple[tuple[Parameter, ...], tuple[Parameter, ...]]:
    """Leading parameters without a default are the call's inputs; the rest are call arguments."""
    count = 0
    while count < len(parameters) and (
        parameters[count].default is REQUIRED or parameters[count].name in _OPTIONAL_INPUTS
    ):
        count += 1
    return parameters[:count], parameters[count:]


def _prefixes(one: str, other: str) -> bool:
    return one.startswith(other) or other.startswith(one)


def _object_doc(call_inputs: tuple[Parameter, ...]) -> str:
    if len(call_inputs) == 1:
        return (
            "The inputs to merge: a list of tensors or arrays (more may follow in `...`), "
            "a sequential model, or `NULL`."
        )
    names = [f"`{p.name}`" for p in call_inputs]
    listed = ", ".join(names[:-1]) + f" and {names[-1]}"
    return (
        f"Object to compose the layer with: `list({', '.join(p.name for p in call_inputs)})` "
        f"of tensors or arrays, spread over the layer's {listed} call inputs; a sequential "
        "model; or `NULL`."
    )


# keras3's R names of Keras parameters that R cannot take as they are.
_R_FORMALS = {"function": "f"}


def r_formal(name: str) -> str:
    """The wrapper's formal for Keras's parameter ``name``: keras3's name where R reserves it."""
    if name in _R_FORMALS:
        return _R_FORMALS[name]
    return name if r_name_problem(name) is None else f"{name}_"


def _argument(parameter: Parameter, guess: Guess, doc: str | None) -> list[str]:
    formal = r_formal(parameter.name)
    lines = [f"  - name: {formal}"]
    note = guess.note
    if formal != parameter.name:
        lines.append(f"    py_name: {parameter.name}")
        if parameter.name not in _R_FORMALS:
            note = "; ".join(filter(None, [note, f"'{parameter.name}' is reserved in R"]))
    lines.append(f"    type: {guess.type}")
    if parameter.default is not REQUIRED:
        value = parameter.default
        if guess.type == "axis":
            value = _r_axis(value)
        lines.append(f"    default: {_yaml_value(value)}")
        if parameter.default is None:
            lines.append("    nullable: true")
    if doc is None:
        note = "; ".join(filter(None, [note, "Keras's docstring does not document it"]))
        doc = "Not documented in Keras's docstring."
    elif guess.type == "axis":
        doc = f"{doc}\n\n{AXIS_NOTE}"
    if note:
        lines.append(f"    {REVIEW_KEY}: {_scalar(note)}")
    return lines + _text_field("doc", doc, 4)


def _r_axis(value: object) -> object:
    """Keras's 0-based axis as the spec writes it, counted from 1 (negative ones unchanged)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value + 1 if value >= 0 else value
    if isinstance(value, tuple | list):
        return tuple(_r_axis(item) for item in value)
    return value


def _call_input(parameter: Parameter, doc: Docstring, *, single: bool) -> list[str]:
    text = doc.call_args.get(parameter.name)
    if single and doc.input_shape:
        text = f"{text}\n\nInput shape: {doc.input_shape}" if text else doc.input_shape
    lines = [f"  - name: {parameter.name}"]
    if text is None:
        lines.append(
            f"    {REVIEW_KEY}: {_scalar('Keras documents neither this input nor the input shape')}"
        )
        text = "Input tensor."
    return lines + _text_field("doc", text, 4)


def _call_argument(parameter: Parameter, doc: str | None, instance_only: bool) -> list[str]:
    name = parameter.name
    note: str | None = None
    if name == "training" or isinstance(parameter.default, bool):
        arg_type = "flag"
    elif "mask" in name:
        arg_type = "tensors" if doc and re.search(r"\blist\b", doc.lower()) else "tensor"
        note = "mask type guessed from the name"
    else:
        arg_type = "tensor"
        note = "a tensor by default: no better evidence"
    if doc is None:
        note = "; ".join(filter(None, [note, "Keras's docstring does not document it"]))
        doc = "Not documented in Keras's docstring."
    lines = [f"  - name: {name}", f"    type: {arg_type}"]
    if instance_only:
        lines.append("    instance_only: true")
    if note:
        lines.append(f"    {REVIEW_KEY}: {_scalar(note)}")
    return lines + _text_field("doc", doc, 4)


# ---- YAML text ----


def _plain_ok(text: str) -> bool:
    """Whether ``text`` reads back as itself when written unquoted after ``key: ``."""
    if not text or text != text.strip() or "\n" in text:
        return False
    try:
        return yaml.load(f"k: {text}", Loader=_Loader) == {"k": text}
    except yaml.YAMLError:
        return False


def _scalar(text: str) -> str:
    return text if _plain_ok(text) else json.dumps(text, ensure_ascii=False)


def _text_field(key: str, text: str, indent: int, *, block: bool = False) -> list[str]:
    pad = " " * indent
    if "\n" not in text and not block:
        return [f"{pad}{key}: {_scalar(text)}"]
    body = [f"{pad}  {line}" if line.strip() else "" for line in text.split("\n")]
    return [f"{pad}{key}: |", *body]


def _yaml_value(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _yaml_float(value)
    if isinstance(value, str):
        return _flow_string(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_yaml_value(item) for item in value) + "]"
    return json.dumps(repr(value))


def _yaml_float(value: float) -> str:
    """A float YAML 1.1 reads back as a float: 1e-05 alone would be a string."""
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    if math.isnan(value):
        return ".nan"
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        mantissa += "" if "." in mantissa else ".0"
        exponent = exponent if exponent[0] in "+-" else "+" + exponent
        return f"{mantissa}e{exponent}"
    return text


def _python_repr(value: object) -> str:
    return repr(list(value) if isinstance(value, tuple) else value)


# ---- the example ----


class _Untranslatable(Exception):
    pass


_DOCTEST = re.compile(r"^\s*(>>>|\.\.\.)( |$)(.*)$")


def r_example(
    keras_class: KerasClass,
    r_name: str,
    doc: Docstring,
    parameters: tuple[Parameter, ...],
    guesses: dict[str, Guess],
) -> tuple[str, str | None]:
    """The first docstring example that translates mechanically, else one constructing the layer."""
    for example in doc.examples:
        translated = _translate_doctest(example, keras_class, r_name, parameters)
        if translated is not None:
            text, complete = translated
            text = "\n".join(wrap_r_line(line) for line in text.split("\n"))
            note = (
                None
                if complete
                else (
                    "example: Keras's example translated up to its first statement that does not "
                    "translate mechanically"
                )
            )
            return text, note
    placeholders = {
        r_formal(p.name): _placeholder(guesses[p.name]) for p in parameters if p.default is REQUIRED
    }
    call = ", ".join(f"{name} = {value}" for name, value in placeholders.items())
    note = (
        "example: Keras's example does not translate mechanically; this one only constructs "
        "the layer, with placeholder values for its required arguments"
        if placeholders
        else None
    )
    return wrap_r_line(f"layer <- {r_name}({call})") + "\nlayer", note


def wrap_r_line(line: str, width: int = EXAMPLE_WIDTH) -> str:
    """A line of R code broken after commas inside brackets, so no piece is wider than ``width``.

    R reads on past a line end while a bracket is open, so such a break never
    changes the code; commas inside strings are left alone.
    """
    if len(line) <= width:
        return line
    indent = " " * (len(line) - len(line.lstrip()) + 2)
    breaks: list[int] = []  # indices just after ", " at bracket depth > 0, outside strings
    depth, quote = 0, ""
    for index, char in enumerate(line):
        if quote:
            if char == quote and line[index - 1] != "\\":
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth > 0 and line[index + 1 : index + 2] == " ":
            breaks.append(index + 1)
    pieces: list[str] = []
    start, prefix = 0, ""
    while len(prefix) + len(line) - start > width:
        fitting = [b for b in breaks if start < b and len(prefix) + b - start <= width]
        if not fitting:
            break
        pieces.append(
            prefix + line[start : fitting[-1]].strip(" ") if pieces else line[: fitting[-1]]
        )
        start, prefix = fitting[-1], indent
    pieces.append(prefix + line[start:].lstrip())
    return "\n".join(piece.rstrip() for piece in pieces)


def _placeholder(guess: Guess) -> str:
    match = re.match(r"\{?([a-z_]+)", guess.type)
    name = match.group(1) if match else guess.type
    if name == "choice":
        return json.dumps(re.findall(r"\[([^,\]]+)", guess.type)[0].strip().strip('"'))
    return {
        "integer": "2",
        "integers": "3",
        "nested_integers": "1",
        "number": "0.5",
        "numbers": "0.5",
        "flag": "TRUE",
        "string": '"a"',
        "shape": "c(2)",
        "axis": "-1",
        "layer": "layer_lstm(units = 2)",
        "layers": "list(layer_dense(units = 2))",
        "r_function": "function(x) x",
    }.get(name, "NULL")


def _translate_doctest(
    example: str, keras_class: KerasClass, r_name: str, parameters: tuple[Parameter, ...]
) -> tuple[str, bool] | None:
    """The example in R and whether all of it translated; None if nothing with the layer did."""
    statements: list[tuple[str, list[str]]] = []  # (source, shown output)
    for line in example.splitlines():
        match = _DOCTEST.match(line)
        if match and match.group(1) == ">>>":
            statements.append((match.group(3), []))
        elif match and statements:
            statements[-1] = (statements[-1][0] + "\n" + match.group(3), statements[-1][1])
        elif statements and line.strip():
            statements[-1][1].append(line.strip())
    translator = _Translator(keras_class, r_name, [p.name for p in parameters])
    lines: list[str] = []
    used_layer = False
    for source, output in statements:
        try:
            lines.append(translator.statement(source, output))
        except _Untranslatable:
            break
        used_layer = translator.used_layer
    else:
        return ("\n".join(lines), True) if used_layer else None
    while lines and lines[-1].startswith("#"):
        lines.pop()  # a comment introducing what could not be translated
    return ("\n".join(lines), False) if used_layer else None


class _Translator:
    """Python doctest statements to R, for the few forms Keras's examples use."""

    def __init__(self, keras_class: KerasClass, r_name: str, parameter_names: list[str]) -> None:
        self.class_names = {keras_class.name, keras_class.cls.__name__}
        self.r_name = r_name
        self.parameter_names = parameter_names
        self.names: set[str] = set()
        self.used_layer = False

    def statement(self, source: str, output: list[str]) -> str:
        if source.strip().startswith("#"):
            return source.strip()
        try:
            tree = ast.parse(source)
        except SyntaxError:
            raise _Untranslatable from None
        if len(tree.body) != 1:
            raise _Untranslatable
        node = tree.body[0]
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if not isinstance(target, ast.Name) or r_name_problem(target.id) is not None:
                raise _Untranslatable
            value = self.expression(node.value)
            self.names.add(target.id)
            return f"{target.id} <- {value}"
        if isinstance(node, ast.Expr):
            return self.shown(node.value, output)
        raise _Untranslatable

    def shown(self, node: ast.expr, output: list[str]) -> str:
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "print"
            and len(node.args) == 1
            and isinstance(node.args[0], ast.Attribute)
            and node.args[0].attr == "shape"
        ):
            dims = self.expression(node.args[0].value)
            shape = re.fullmatch(r"\(([0-9, None]*)\)", " ".join(output)) if output else None
            if shape is None:
                return f"dim({dims})"
            sizes = [size.strip() for size in shape.group(1).split(",") if size.strip()]
            return f"dim({dims}) # " + " ".join("NA" if s == "None" else s for s in sizes)
        return self.expression(node)

    def expression(self, node: ast.expr) -> str:
        if isinstance(node, ast.Constant):
            return _r_constant(node.value)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return "-" + self.expression(node.operand)
        if isinstance(node, ast.Name) and node.id in self.names:
            return node.id
        if isinstance(node, ast.Tuple | ast.List):
            if not all(isinstance(item, ast.Constant | ast.UnaryOp) for item in node.elts):
                raise _Untranslatable
            return "c(" + ", ".join(self.expression(item) for item in node.elts) + ")"
        if isinstance(node, ast.Call):
            return self.call(node)
        raise _Untranslatable

    def call(self, node: ast.Call) -> str:
        func = _dotted(node.func)
        if func is not None and self._is_layer(func):
            self.used_layer = True
            return f"{self.r_name}({self._constructor_arguments(node)})"
        if isinstance(node.func, ast.Call) and self._is_layer(_dotted(node.func.func) or ""):
            self.used_layer = True
            inputs = [self.expression(arg) for arg in node.args]
            if len(inputs) != 1 or node.keywords:
                raise _Untranslatable
            arguments = self._constructor_arguments(node.func)
            return f"{self.r_name}({', '.join(filter(None, [inputs[0], arguments]))})"
        if func in ("keras.Input", "keras.layers.Input"):
            return "keras_input(" + self._keywords(node, positional=("shape",)) + ")"
        if func in ("np.random.rand", "np.random.random", "np.ones", "np.zeros"):
            return _r_array(func, [self.expression(arg) for arg in node.args], node)
        if func in self.names:
            arguments = [self.expression(arg) for arg in node.args]
            arguments += [
                f"{kw.arg} = {self.expression(kw.value)}" for kw in node.keywords if kw.arg
            ]
            return f"{func}({', '.join(arguments)})"
        raise _Untranslatable

    def _is_layer(self, dotted: str) -> bool:
        module, _, name = dotted.rpartition(".")
        return module in ("keras.layers", "layers") and name in self.class_names

    def _constructor_arguments(self, node: ast.Call) -> str:
        if len(node.args) > len(self.parameter_names):
            raise _Untranslatable
        return self._keywords(node, positional=tuple(self.parameter_names), rename=r_formal)

    def _keywords(
        self,
        node: ast.Call,
        *,
        positional: tuple[str, ...],
        rename: Callable[[str], str] = str,
    ) -> str:
        if len(node.args) > len(positional) or any(kw.arg is None for kw in node.keywords):
            raise _Untranslatable
        named = list(zip(positional, node.args, strict=False))
        named += [(kw.arg, kw.value) for kw in node.keywords if kw.arg is not None]
        return ", ".join(f"{rename(name)} = {self.expression(value)}" for name, value in named)


def _dotted(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _r_constant(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str) and value.isprintable():
        return json.dumps(value)
    raise _Untranslatable


def _r_array(func: str, arguments: list[str], node: ast.Call) -> str:
    if node.keywords or not arguments:
        raise _Untranslatable
    if func in ("np.ones", "np.zeros", "np.random.random"):
        if len(arguments) != 1 or not arguments[0].startswith("c("):
            raise _Untranslatable
        dims = arguments[0][2:-1].split(", ")
    else:
        dims = arguments
    fill = {"np.ones": "1", "np.zeros": "0"}.get(func, "runif(" + " * ".join(dims) + ")")
    return f"array({fill}, dim = c({', '.join(dims)}))"


# ---- the command ----


def add_import_command(commands: argparse._SubParsersAction, default_specs: str) -> None:
    help_text = "draft a spec from a Keras layer class (or list the classes with no spec)"
    command = commands.add_parser("import", help=help_text, description=help_text)
    command.add_argument("target", help="a class (keras.layers.Conv2D), or with --missing a module")
    command.add_argument("--family", help="family id (default: proposed from Keras's module)")
    command.add_argument("--r-name", help="R function name (default: keras3's naming rules)")
    command.add_argument(
        "--missing", action="store_true", help="list the public layer classes with no spec"
    )
    command.add_argument(
        "--specs", default=default_specs, help=f"spec directory (default: {default_specs})"
    )
    command.set_defaults(run=run_import, needs_spec_set=False)


def run_import(arguments: argparse.Namespace) -> int:
    specs = Path(arguments.specs)
    if not specs.is_dir():
        return _fail(specs.as_posix(), "specs directory not found")
    if arguments.missing:
        if arguments.family or arguments.r_name:
            return _fail(
                "python -m codegen import", "--missing takes neither --family nor --r-name"
            )
        return _list_missing(arguments.target, specs)
    if arguments.r_name is not None:
        problem = r_name_problem(arguments.r_name)
        if problem is not None:
            return _fail("--r-name", problem)
        if (specs / f"{arguments.r_name}.yaml").exists():
            return _refuse_overwrite(specs / f"{arguments.r_name}.yaml")
    if arguments.family is not None:
        families = _family_ids(specs)
        if arguments.family not in families:
            return _fail(
                (specs / FAMILIES_FILE).as_posix(),
                f"unknown family '{arguments.family}'{did_you_mean(arguments.family, families)}",
            )
    try:
        keras_class = find_class(arguments.target)
    except LookupError as error:
        return _fail(arguments.target, str(error))
    draft = draft_spec(keras_class, arguments.r_name, arguments.family)
    path = specs / f"{draft.r_name}.yaml"
    if not _write_new(path, draft.text):
        return _refuse_overwrite(path)
    marks = draft.marks()
    for line, note in marks:
        print(f"{path.as_posix()}:{line}: review: {note}")
    print(f"codegen: drafted {path.as_posix()} from {keras_class.path}; {len(marks)} to review")
    return EXIT_OK


def _fail(where: str, message: str) -> int:
    print(f"{where}: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _refuse_overwrite(path: Path) -> int:
    return _fail(
        path.as_posix(), "a spec exists here; refusing to overwrite it (move it away to redraft)"
    )


def _family_ids(specs: Path) -> frozenset[str]:
    errors = ErrorLog()
    try:
        root = load_yaml((specs / FAMILIES_FILE).read_text(encoding="utf-8"), "", errors)
    except OSError:
        return frozenset()
    return declared_family_ids(root) if root is not None else frozenset()


def _write_new(path: Path, text: str) -> bool:
    """Write ``path`` whole or not at all, and never over an existing file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.link(temporary, path)  # fails if path exists: no check-then-write race
    except FileExistsError:
        return False
    finally:
        os.unlink(temporary)
    return True


def spec_classes(specs: Path) -> dict[str, str]:
    """py_class -> spec file of every spec, read loosely so drafts under review count too."""
    found: dict[str, str] = {}
    for path in sorted(specs.glob("*.yaml")):
        errors = ErrorLog()
        try:
            root = load_yaml(path.read_text(encoding="utf-8"), path.as_posix(), errors)
        except (OSError, UnicodeDecodeError):
            continue
        entry = root.get("py_class") if isinstance(root, YamlMap) else None
        if entry is not None and isinstance(entry.value, YamlScalar):
            value = entry.value.value
            if isinstance(value, str):
                found[value.strip()] = path.as_posix()
    return found


def covered_paths(specs: Path) -> dict[str, str]:
    """Public class path (keras.layers.X) -> spec file, aliases and backend classes resolved."""
    covered: dict[str, str] = {}
    by_class = {kc.cls: kc.path for kc in public_layer_classes()}
    for py_class, spec in spec_classes(specs).items():
        module, _, name = py_class.rpartition(".")
        target = f"{LAYERS_MODULE}.{name}" if module == BACKEND_MODULE else py_class
        try:
            keras_class = find_class(target)
        except LookupError:
            continue
        if keras_class.cls in by_class:
            covered[by_class[keras_class.cls]] = spec
    return covered


def _list_missing(module: str, specs: Path) -> int:
    try:
        classes = public_layer_classes(module)
    except ImportError:
        return _fail(module, "no such module")
    covered = covered_paths(specs)
    missing = [kc for kc in classes if kc.path not in covered]
    for keras_class in missing:
        r_name = r_name_for(keras_class.name, keras_class.module)
        print(f"{keras_class.path:<56} {r_name:<44} {family_for(keras_class.module)}")
    print(
        f"codegen: {len(missing)} of {len(classes)} public layer classes in {module} "
        f"have no spec (Keras {keras_version()})"
    )
    return EXIT_OK
