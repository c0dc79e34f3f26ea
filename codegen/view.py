"""View stage: everything a wrapper template needs, already formatted.

The decisions live here (which coercer a type uses, how a default is spelt in
R, how the signature wraps), so the template only lays text out.  The
coercer names are the contract with the hand-written runtime in
``r-package/R`` (``arg_flag()``, ``arg_integer()``, ... and ``compose_layer()``).
"""

from __future__ import annotations

from dataclasses import dataclass

from codegen.argtypes import (
    ArgType,
    Axis,
    Choice,
    Flag,
    Integer,
    Integers,
    Number,
    Passthrough,
    Shape,
    String,
    Tensor,
    Tensors,
    Value,
)
from codegen.families import Family
from codegen.header import generated_header
from codegen.model import DEFAULT_INPUT_DTYPE, OBJECT_PARAMETER, Argument, LayerSpec
from codegen.rsyntax import (
    r_call,
    r_character_vector,
    r_integer,
    r_logical,
    r_multiline_list,
    r_number,
    r_string,
    wrap_call_signature,
)

SIGNATURE_WIDTH = 90
_ARGS_INDENT = "    "  # entries of compose_layer(...)'s lists sit one level inside it
# The reference page's text for `object`, used where a spec has no `object_doc`.
DEFAULT_OBJECT_DOC = "Object to compose the layer with. A tensor, array, or sequential\nmodel."

COERCERS: dict[type[ArgType], str] = {
    Flag: "arg_flag",
    Integer: "arg_integer",
    Number: "arg_number",
    Choice: "arg_choice",
    String: "arg_string",
    Shape: "arg_shape",
    Integers: "arg_integers",
    Axis: "arg_axis",
    Tensor: "arg_tensor",
    Tensors: "arg_tensors",
}


@dataclass(frozen=True)
class WrapperView:
    header: str
    title: str
    description: str
    params: tuple[str, ...]  # roxygen "@param name doc" texts, in signature order, object first
    call_arguments_section: str
    output: str
    family_title: str
    see_also: tuple[str, ...]
    example: str
    signature: str
    py_class: str
    args: str
    call_args: str
    inputs: str
    input_dtype: str | None  # an R string for compose_layer(); None leaves its default


def wrapper_view(spec: LayerSpec, family: Family, spec_source: str) -> WrapperView:
    parameters = [OBJECT_PARAMETER, *(_formal(argument) for argument in spec.arguments), "..."]
    signature = wrap_call_signature(f"{spec.r_name} <- function", parameters, SIGNATURE_WIDTH)
    return WrapperView(
        header=generated_header(spec_source),
        title=roxygen_text(spec.title),
        description=roxygen_text(spec.description),
        params=(
            _tagged("@param " + OBJECT_PARAMETER, spec.object_doc or DEFAULT_OBJECT_DOC),
            *(_tagged("@param " + argument.name, argument.doc) for argument in spec.arguments),
        ),
        call_arguments_section=_call_arguments_section(spec),
        output=roxygen_text(spec.output),
        family_title=family.title,
        see_also=tuple(f"<{url}>" for url in spec.see_also),
        example=spec.example,
        signature="\n".join(signature),
        py_class=r_string(spec.py_class),
        args=_constructor_args(spec),
        call_args=r_multiline_list(
            [
                f"{argument.name} = {COERCERS[type(argument.type)]}"
                for argument in spec.call_arguments
            ],
            _ARGS_INDENT,
        ),
        inputs=r_character_vector(tuple(call_input.name for call_input in spec.call_inputs)),
        input_dtype=(
            None if spec.input_dtype == DEFAULT_INPUT_DTYPE else r_string(spec.input_dtype)
        ),
    )


def _constructor_args(spec: LayerSpec) -> str:
    """The coerced constructor arguments, as ``compose_layer(args = )`` takes them.

    Where every argument has a default, a call that sets none of them (only
    ``object``, or nothing) sends none: the spec's defaults are Keras's
    (``tests/test_codegen_keras_signatures.py``), so there is nothing to check
    or convert. ``nargs()`` counts what the call spelt out, so an argument
    passed on from a caller's own default still counts as set.
    """
    coerced_list = r_multiline_list(
        [f"{argument.name} = {coerced(argument)}" for argument in spec.arguments], _ARGS_INDENT
    )
    if not spec.arguments or any(argument.default is None for argument in spec.arguments):
        return coerced_list
    return f"if (nargs() > !missing({OBJECT_PARAMETER})) {coerced_list}"


def roxygen_text(markdown: str) -> str:
    """Spec markdown made safe for a roxygen block: a bare @ would start a tag."""
    return markdown.replace("@", "@@")


def _tagged(tag: str, markdown: str) -> str:
    first, *rest = roxygen_text(markdown).split("\n")
    return "\n".join([f"{tag} {first}", *(_indent(line) for line in rest)])


def _indent(line: str) -> str:
    return "  " + line if line else line


def _call_arguments_section(spec: LayerSpec) -> str:
    items = [*spec.call_inputs, *spec.call_arguments]
    return "\n".join(_tagged(f"- `{item.name}`:", item.doc) for item in items)


def _formal(argument: Argument) -> str:
    if argument.default is None:
        return argument.name
    return f"{argument.name} = {r_default(argument.type, argument.default.value)}"


def coerced(argument: Argument) -> str:
    """The R expression handing ``argument`` to Python: its value through its type's coercer."""
    if isinstance(argument.type, Passthrough):
        return argument.name
    extra: list[str] = []
    match argument.type:
        case Integer(min=low, max=high):
            extra = _bounds(low, high)
        case Number(min=low, max=high, min_open=low_open, max_open=high_open):
            extra = _bounds(low, high)
            extra += [
                f"{key} = TRUE"
                for key, on in (("min_open", low_open), ("max_open", high_open))
                if on
            ]
        case Choice(options=options):
            extra = [r_character_vector(options)]
    if argument.nullable:
        extra.append("nullable = TRUE")
    return r_call(COERCERS[type(argument.type)], [argument.name, r_string(argument.name), *extra])


def _bounds(low: float | None, high: float | None) -> list[str]:
    return [
        f"{key} = {r_number(bound)}"
        for key, bound in (("min", low), ("max", high))
        if bound is not None
    ]


def r_default(arg_type: ArgType, value: Value) -> str:
    """A default as an R literal; its type decides between e.g. ``1L`` and ``1``."""
    if value is None:
        return "NULL"
    match arg_type:
        case Number():
            return r_number(value)
        case Shape():
            if not value:
                return "integer()"
            return (
                "c(" + ", ".join("NA" if item is None else r_integer(item) for item in value) + ")"
            )
        case Integers() | Axis() if isinstance(value, tuple):
            return "c(" + ", ".join(r_integer(item) for item in value) + ")"
        case _:
            return r_literal(value)


def r_literal(value: Value) -> str:
    """An R literal for a value of no declared type: YAML ints stay integers, lists become lists."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return r_logical(value)
    if isinstance(value, int):
        return r_integer(value)
    if isinstance(value, float):
        return r_number(value)
    if isinstance(value, str):
        return r_string(value)
    return "list(" + ", ".join(r_literal(item) for item in value) + ")"
