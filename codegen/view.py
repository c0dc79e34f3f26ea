"""View stage: everything a wrapper template needs, already formatted.

The decisions live here (the order of the signature, how it wraps, which
text each section gets), so templates only lay text out.  What a type means
in R (its coercer, how its default is spelt) comes from the type table in
``codegen.argtypes``; the coercers and ``compose_layer()`` are the
hand-written runtime in ``r-package/R``.
"""

from __future__ import annotations

from dataclasses import dataclass

from codegen.argtypes import ArgType, Value
from codegen.families import Family
from codegen.header import generated_header
from codegen.model import DEFAULT_INPUT_DTYPE, NO_FIRST_ARGUMENT, Argument, LayerSpec, ObjectSpec
from codegen.rsyntax import (
    r_call,
    r_character_vector,
    r_string,
    roxygen_code,
    roxygen_markdown,
    wrap_call_signature,
)

SIGNATURE_WIDTH = 90
# The reference page's text for `object`, used where a spec has no `object_doc`.
DEFAULT_OBJECT_DOC = "Object to compose the layer with. A tensor, array, or sequential\nmodel."
DOTS_DOC = "For forward/backward compatability."
# The reference page's Value section, for a layer that composes with its first argument.
COMPOSING_RETURNS = """The return value depends on the value provided for the first argument.
If `{first}` is:
- a [`keras_model_sequential()`][keras_model_sequential()], then the layer is
  added to the sequential model (which is modified in place). To enable
  piping, the sequential model is also returned, invisibly.
- a [`keras_input()`][keras_input()], then the output tensor from calling
  `layer(input)` is returned.
- `NULL` or missing, then a `Layer` instance is returned."""
BUILT_ONLY_RETURNS = """A `Layer` instance: a cell to give to [`layer_rnn()`][layer_rnn()]
or [`rnn_cells_stack()`][rnn_cells_stack()], or to call on a step's inputs and states."""
VARIADIC_DOTS_DOC = (
    "Further inputs, merged with the first (`layer_add(a, b)`), and layer\n"
    "keyword arguments such as `name`."
)


@dataclass(frozen=True)
class WrapperView:
    header: str
    title: str
    description: str
    returns: str  # the Value section
    params: tuple[str, ...]  # roxygen "@param name doc" texts, in signature order
    call_arguments_section: str
    output: str
    family_title: str
    see_also: tuple[str, ...]
    example: str
    signature: str
    py_class: str
    coerced_args: tuple[str, ...]  # "name = coercer(name, ...)", one per argument


def wrapper_view(spec: LayerSpec, family: Family, spec_source: str) -> WrapperView:
    formals = [_formal(argument) for argument in spec.arguments]
    composes = spec.first_argument != NO_FIRST_ARGUMENT
    first = [spec.first_argument] if composes else []
    parameters = [*first, "...", *formals] if spec.variadic_inputs else [*first, *formals, "..."]
    signature = wrap_call_signature(f"{spec.r_name} <- function", parameters, SIGNATURE_WIDTH)
    params = [_tagged("@param " + argument.name, argument.doc) for argument in spec.arguments]
    dots = _tagged("@param ...", VARIADIC_DOTS_DOC if spec.variadic_inputs else DOTS_DOC)
    return WrapperView(
        header=generated_header(spec_source),
        title=roxygen_text(spec.title),
        description=roxygen_text(spec.description),
        params=(
            *(
                [_tagged("@param " + spec.first_argument, spec.object_doc or DEFAULT_OBJECT_DOC)]
                if composes
                else []
            ),
            *([dots, *params] if spec.variadic_inputs else [*params, dots]),
        ),
        returns=_returns(spec.first_argument) if composes else BUILT_ONLY_RETURNS,
        call_arguments_section=_call_arguments_section(spec),
        output=roxygen_text(spec.output),
        family_title=family.title,
        see_also=tuple(f"<{url}>" for url in spec.see_also),
        example=roxygen_code(spec.example),
        signature="\n".join(signature),
        py_class=r_string(spec.py_class),
        coerced_args=tuple(f"{argument.name} = {coerced(argument)}" for argument in spec.arguments),
    )


# The doc of the value formals of losses, metrics and activations.
VALUE_FORMAL_DOCS = {
    "y_true": "Tensor or R array of true targets.",
    "y_pred": "Tensor or R array of predicted targets.",
    "x": "Input tensor or R array.",
}
OBJECT_DOTS_DOC = "Further keyword arguments for Keras, for forward compatibility."


@dataclass(frozen=True)
class ObjectView:
    """What the template of a non-layer wrapper (keras_object.R.jinja) lays out."""

    header: str
    r_name: str
    title: str
    description: str
    returns: str
    params: tuple[str, ...]
    family_title: str
    see_also: tuple[str, ...]
    example: str
    signature: str
    runtime: str  # the runtime function of the kind (r-package/R/keras-objects.R)
    runtime_args: tuple[str, ...]
    py_function: str  # an R string, or "" where there is no function


def object_view(spec: ObjectSpec, family: Family, spec_source: str) -> ObjectView:
    has_class, has_function = spec.py_class is not None, spec.py_function is not None
    formals = [*spec.value_formals, *(_formal(argument) for argument in spec.arguments)]
    docs = [
        *(_tagged("@param " + name, VALUE_FORMAL_DOCS[name]) for name in spec.value_formals),
        *(_tagged("@param " + argument.name, argument.doc) for argument in spec.arguments),
    ]
    dots_at = (
        len(spec.value_formals)
        + [argument.name for argument in spec.arguments].index(spec.dots_before)
        if spec.dots_before is not None
        else len(formals)
    )
    formals.insert(dots_at, "...")
    docs.insert(dots_at, _tagged("@param ...", OBJECT_DOTS_DOC))
    signature = wrap_call_signature(f"{spec.r_name} <- function", formals, SIGNATURE_WIDTH)
    paths = [r_string(path) for path in (spec.py_class, spec.py_function) if path is not None]
    if has_class and has_function:
        paths.append(r_character_vector(spec.function_arguments))
        paths.append(r_character_vector(spec.function_only_arguments))
    return ObjectView(
        header=generated_header(spec_source),
        r_name=spec.r_name,
        title=roxygen_text(spec.title),
        description=roxygen_text(spec.description),
        # The generator's own text, not a spec's: its links stay links.
        returns=spec.kind.returns(has_class, has_function),
        params=tuple(docs),
        family_title=family.title,
        see_also=tuple(f"<{url}>" for url in spec.see_also),
        example=roxygen_code(spec.example),
        signature="\n".join(signature),
        runtime=spec.kind.runtime(has_class, has_function),
        runtime_args=(
            *paths,
            *(
                f"{name} = arg_tensor({name}, {r_string(name)}"
                + (", float = TRUE)" if spec.kind.float_values else ")")
                for name in spec.value_formals
            ),
            *(
                f"{'.' if argument.name in spec.r_side_arguments else ''}{argument.name} = "
                + coerced(argument)
                for argument in spec.arguments
            ),
        ),
        py_function=r_string(spec.py_function) if has_function else "",
    )


@dataclass(frozen=True)
class LayerCallView:
    """One entry of the generated `layer_calls` table: how a layer's call is checked."""

    py_class: str
    inputs: str
    input_dtype: str
    variadic: str
    named_inputs: str
    call_args: str
    # Entries only some layers have, "key = value": `instance_only` (call
    # arguments the wrapper's `...` does not take), `py_names` (the Python
    # keyword of each argument whose R formal differs) and `composes = FALSE`
    # (a wrapper with no first argument: it only builds the layer).
    extras: tuple[str, ...] = ()


def layer_call_view(spec: LayerSpec) -> LayerCallView:
    call_args = ", ".join(
        f"{argument.name} = {r_string(argument.type.name)}" for argument in spec.call_arguments
    )
    extras = []
    instance_only = tuple(a.name for a in spec.call_arguments if a.instance_only)
    if instance_only:
        extras.append(f"instance_only = {r_character_vector(instance_only)}")
    renamed = [a for a in spec.arguments if a.py_name is not None]
    if renamed:
        pairs = ", ".join(f"{a.name} = {r_string(a.py_name)}" for a in renamed)
        extras.append(f"py_names = c({pairs})")
    if spec.first_argument == NO_FIRST_ARGUMENT:
        extras.append("composes = FALSE")
    return LayerCallView(
        py_class=r_string(spec.py_class),
        inputs=r_character_vector(tuple(call_input.name for call_input in spec.call_inputs)),
        input_dtype=r_string(spec.input_dtype or DEFAULT_INPUT_DTYPE),
        variadic="TRUE" if spec.variadic_inputs else "FALSE",
        named_inputs=r_character_vector(
            spec.named_inputs
            or (tuple(i.name for i in spec.call_inputs) if len(spec.call_inputs) > 1 else ())
        ),
        call_args=f"list({call_args})",
        extras=tuple(extras),
    )


def _returns(first_argument: str) -> str:
    return COMPOSING_RETURNS.format(first=first_argument)


def roxygen_text(markdown: str) -> str:
    return roxygen_markdown(markdown)  # escapes tags and Rd markup (codegen.rsyntax)


def _tagged(tag: str, markdown: str) -> str:
    first, *rest = roxygen_text(markdown).split("\n")
    return "\n".join([f"{tag} {first}", *(_indent(line) for line in rest)])


def _indent(line: str) -> str:
    return "  " + line if line else line


def _call_arguments_section(spec: LayerSpec) -> str:
    items = [(item.name, item.doc) for item in spec.call_inputs]
    for argument in spec.call_arguments:
        doc = argument.doc
        if argument.instance_only:
            doc = f"{doc}\n\n{_instance_only_note(spec, argument.name)}"
        items.append((argument.name, doc))
    return "\n".join(_tagged(f"- `{name}`:", doc) for name, doc in items)


def _instance_only_note(spec: LayerSpec, name: str) -> str:
    """Where an instance-only call argument goes: the instance's call, not the wrapper."""
    formal = next(
        argument.name
        for argument in spec.arguments
        if argument.name.startswith(name) or name.startswith(argument.name)
    )
    return (
        f"Only in a call of the layer instance, `layer(x, {name} = ...)`:\n"
        f"in `{spec.r_name}()`, `{name} =` goes to the argument `{formal}`."
    )


def _formal(argument: Argument) -> str:
    if argument.default is None:
        return argument.name
    return f"{argument.name} = {r_default(argument.type, argument.default.value)}"


def coerced(argument: Argument) -> str:
    """The R expression handing ``argument`` to Python: its value through its type's coercer."""
    extra = argument.type.coercer_parameters()
    if argument.nullable:
        extra.append("nullable = TRUE")
    return r_call(argument.type.r_coercer, [argument.name, r_string(argument.name), *extra])


def r_default(arg_type: ArgType, value: Value) -> str:
    """A default as an R literal; its type decides between e.g. ``1L`` and ``1``."""
    if value is None:
        return "NULL"
    return arg_type.r_default(value)
