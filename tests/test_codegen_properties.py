"""Properties over every valid spec (hypothesis draws them from the spec model).

* Round trip: model -> YAML -> load -> model is the identity, and the loader
  accepts every model the strategy considers valid.
* Rendering: every drawn spec renders R that parses, whose function has the
  spec's formals, and whose defaults evaluate to the spec's values (so the
  R literal writer is right about escapes, integers and NA).  All drawn
  outputs are checked by ONE Rscript process.
"""

from __future__ import annotations

import keyword
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codegen.argtypes import (
    CALL_TYPES,
    TYPES,
    ArgType,
    Axis,
    Choice,
    ChoiceOrFunction,
    Flag,
    FlagOrAuto,
    Integer,
    Integers,
    NestedIntegers,
    Number,
    Numbers,
    Seed,
    Shape,
    String,
    Token,
)
from codegen.diagnostics import ErrorLog
from codegen.families import Family
from codegen.header import generated_header
from codegen.model import (
    FIRST_ARGUMENTS,
    INPUT_DTYPES,
    NO_FIRST_ARGUMENT,
    NOWHERE,
    Argument,
    CallArgument,
    CallInput,
    Default,
    LayerSpec,
    parse_layer_spec,
)
from codegen.render import render_layer_calls, render_wrapper
from codegen.rsyntax import R_INTEGER_MAX, r_name_problem
from codegen.view import layer_call_view, wrapper_view
from codegen.yaml_source import load_yaml

FAMILY = Family("testing", "testing layers", "Testing layers", position=NOWHERE)

# ---------------------------------------------------------------- strategies

names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True).filter(
    lambda name: (
        r_name_problem(name) is None and not keyword.iskeyword(name) and name not in FIRST_ARGUMENTS
    )
)
# Printable text of any script; the loader refuses control characters.
characters = st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
single_line = st.text(characters, min_size=1, max_size=30).map(str.strip).filter(bool)
multi_line = (
    st.lists(st.text(characters, max_size=25), min_size=1, max_size=4)
    .map(lambda lines: "\n".join(lines).strip())
    .filter(bool)
)
r_ints = st.integers(-R_INTEGER_MAX, R_INTEGER_MAX)
axes = r_ints.filter(lambda axis: axis != 0)  # R counts axes from 1, and from -1 at the end
finite_floats = st.floats(allow_nan=False, allow_infinity=False, width=64)


@st.composite
def integer_types(draw: st.DrawFn) -> Integer:
    low, high = draw(st.none() | r_ints), draw(st.none() | r_ints)
    if low is not None and high is not None and low > high:
        low, high = high, low
    return Integer(low, high)


@st.composite
def number_types(draw: st.DrawFn) -> Number:
    low = draw(st.none() | st.integers(-1000, 1000) | st.floats(-1e6, 1e6))
    high = draw(st.none() | st.integers(-1000, 1000) | st.floats(-1e6, 1e6))
    if low is not None and high is not None and low >= high:
        low, high = (high, low) if low > high else (low, None)
    return Number(
        low,
        high,
        min_open=low is not None and draw(st.booleans()),
        max_open=high is not None and draw(st.booleans()),
    )


choice_types = st.lists(single_line, min_size=1, max_size=4, unique=True).map(
    lambda options: Choice(tuple(options))
)
choice_or_function_types = st.lists(single_line, min_size=1, max_size=4, unique=True).map(
    lambda options: ChoiceOrFunction(tuple(options))
)
# Every type of the table: the parameterised ones drawn with their parameters.
_PARAMETERISED = {
    "integer": integer_types(),
    "number": number_types(),
    "choice": choice_types,
    "choice_or_function": choice_or_function_types,
}
arg_types = st.one_of(
    *(
        _PARAMETERISED[name] if name in _PARAMETERISED else st.just(cls())
        for name, cls in TYPES.items()
    )
)


def values_of(arg_type: ArgType) -> st.SearchStrategy:
    """Default values valid for ``arg_type`` (not null: that depends on nullable)."""
    match arg_type:
        case Flag():
            return st.booleans()
        case Integer(min=low, max=high):
            return st.integers(
                -R_INTEGER_MAX if low is None else low, R_INTEGER_MAX if high is None else high
            )
        case Number(min=low, max=high, min_open=low_open, max_open=high_open):
            return st.floats(
                low, high, exclude_min=low_open, exclude_max=high_open, allow_nan=False
            ).filter(lambda value: value == value and abs(value) != float("inf"))
        case Choice(options=options) | ChoiceOrFunction(options=options):
            return st.sampled_from(options)
        case Token():
            return single_line | r_ints
        case Seed():
            return r_ints
        case String():
            return single_line
        case Shape():
            return st.lists(st.none() | st.integers(0, R_INTEGER_MAX), max_size=4).map(tuple)
        case Integers():
            return r_ints | st.lists(r_ints, min_size=1, max_size=4).map(tuple)
        case NestedIntegers():
            vectors = st.lists(r_ints, min_size=1, max_size=3).map(tuple)
            return (
                r_ints
                | vectors
                | st.lists(r_ints | vectors, min_size=1, max_size=3).map(tuple)
            )
        case Numbers():
            numbers = st.integers(-1000, 1000) | finite_floats
            return numbers | st.lists(numbers, min_size=1, max_size=4).map(tuple)
        case Axis():
            return axes | st.lists(axes, min_size=1, max_size=4).map(tuple)
        case FlagOrAuto():
            return st.booleans() | st.just("auto")
        case _ if arg_type.value_problem("relu") is None:
            return single_line  # a name Keras also takes: activation, initializer, dtype, ...
        case _:
            return st.nothing()  # tensors and Python objects default to null only


@st.composite
def arguments(draw: st.DrawFn, name: str) -> Argument:
    arg_type = draw(arg_types)
    nullable = draw(st.booleans())
    default = draw(
        st.none()
        | values_of(arg_type).map(Default)
        | (st.just(Default(None)) if nullable else st.nothing())
    )
    # A Python keyword of its own: upper case, so unlike every drawn R name.
    py_name = draw(st.none() | st.just(name.upper()))
    return Argument(name, arg_type, draw(multi_line), default, nullable, py_name)


call_types = st.sampled_from([TYPES[name]() for name in CALL_TYPES])


@st.composite
def layer_specs(draw: st.DrawFn) -> LayerSpec:
    all_names = draw(st.lists(names, min_size=1, max_size=9, unique=True))
    input_count = draw(st.integers(1, min(3, len(all_names))))
    argument_count = draw(st.integers(0, len(all_names) - input_count))
    input_names = all_names[:input_count]
    first_argument = draw(st.sampled_from(FIRST_ARGUMENTS))
    argument_names = [
        name
        for name in all_names[input_count : input_count + argument_count]
        if name != first_argument
    ]
    # A call argument naming, prefixing or prefixed by a formal is refused (R's partial matching),
    # unless it is instance-only: then it must clash with an argument (not the first parameter).
    formals = [first_argument, *argument_names]
    call_argument_names = [
        name
        for name in all_names[input_count + argument_count :]
        if not any(_prefixed(name, formal) for formal in formals)
    ]
    instance_only: list[str] = []
    clashing = draw(st.lists(st.sampled_from(argument_names), max_size=2)) if argument_names else []
    for formal in clashing:
        name = formal[: draw(st.integers(1, len(formal)))]  # the formal's name, or a prefix of it
        if (
            r_name_problem(name) is None
            and not keyword.iskeyword(name)
            and not _prefixed(name, first_argument)
            and name not in [*input_names, *call_argument_names, *instance_only]
        ):
            instance_only.append(name)
    call_arguments = [
        CallArgument(name, draw(call_types), draw(multi_line)) for name in call_argument_names
    ] + [CallArgument(name, draw(call_types), draw(multi_line), True) for name in instance_only]
    return LayerSpec(
        r_name="layer_" + draw(names),
        py_class=draw(
            st.from_regex(r"[a-z_]{1,8}(\.[A-Za-z_][A-Za-z0-9_]{0,8}){1,3}", fullmatch=True)
        ),
        family=FAMILY.id,
        title=draw(single_line),
        description=draw(multi_line),
        arguments=tuple(draw(arguments(name)) for name in argument_names),
        call_inputs=tuple(CallInput(name, draw(multi_line)) for name in input_names),
        call_arguments=tuple(draw(st.permutations(call_arguments))),
        output=draw(multi_line),
        see_also=tuple(
            draw(
                st.lists(
                    st.from_regex(r"https://[a-z]{1,8}\.org/[a-z0-9/#_-]{0,12}", fullmatch=True),
                    min_size=1,
                    max_size=2,
                )
            )
        ),
        example=draw(multi_line),
        object_doc=draw(st.none() | multi_line),
        keras3_order=draw(st.none() | single_line),
        input_dtype=draw(st.sampled_from(INPUT_DTYPES)),
        first_argument=first_argument,
        variadic_inputs=draw(st.booleans()),
    )


def _prefixed(one: str, other: str) -> bool:
    return one.startswith(other) or other.startswith(one)


# ---------------------------------------------------------------- round trip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layer_specs())
def test_model_to_yaml_to_model_is_lossless(spec: LayerSpec) -> None:
    text = yaml.safe_dump(spec.to_spec(), sort_keys=False, allow_unicode=True)
    errors = ErrorLog()
    root = load_yaml(text, "drawn.yaml", errors)
    reloaded = parse_layer_spec(root, errors) if root is not None else None
    assert [str(error) for error in errors.sorted()] == []
    assert reloaded == spec
    assert reloaded.to_spec() == spec.to_spec()


@given(st.one_of(r_ints, st.lists(r_ints, max_size=4).map(tuple)))
def test_axis_defaults_are_non_empty_and_never_axis_zero(value: int | tuple[int, ...]) -> None:
    items = value if isinstance(value, tuple) else (value,)
    accepted = Axis().value_problem(value) is None
    assert accepted == (bool(items) and 0 not in items)


@given(st.one_of(st.booleans(), finite_floats, single_line, st.none()))
def test_axis_defaults_are_whole_numbers(value: object) -> None:
    assert Axis().value_problem(value) is not None
    assert Axis().value_problem((1, value)) is not None


# ---------------------------------------------------------------- R validity

R_CHECK_SCRIPT = r"""
ser <- function(v) {
  if (is.null(v)) return("NULL")
  if (is.list(v)) return(paste0("list(", paste(vapply(v, ser, ""), collapse = ";"), ")"))
  items <- if (is.character(v)) {
    vapply(v, function(s) paste(as.character(charToRaw(enc2utf8(s))), collapse = ""), "")
  } else if (is.double(v)) sprintf("%.17g", v) else as.character(v)
  items[is.na(v)] <- "NA"
  paste0(typeof(v), ":", paste(items, collapse = ","))
}
for (file in commandArgs(trailingOnly = TRUE)) {
  cat("FILE", basename(file), "\n")
  env <- new.env(parent = baseenv())
  ok <- tryCatch({ sys.source(file, envir = env, keep.source = FALSE); TRUE },
                 error = function(e) { cat("ERROR", conditionMessage(e), "\n"); FALSE })
  if (!ok) next
  functions <- Filter(function(n) is.function(env[[n]]), ls(env))
  cat("FUNCTIONS", functions, "\n")
  defaults <- formals(env[[functions[[1]]]])
  for (name in names(defaults)) {
    # The empty symbol (no default) cannot be bound to a variable, so test it in place.
    no_default <- is.symbol(defaults[[name]]) && as.character(defaults[[name]]) == ""
    value <- if (no_default) "MISSING" else ser(eval(defaults[[name]], baseenv()))
    cat("FORMAL", name, value, "\n")
  }
}
"""


def expected_value(arg_type: ArgType, default: Default | None) -> str:
    """How ``R_CHECK_SCRIPT`` serialises the default R should see for this argument."""
    if default is None:
        return "MISSING"
    value = default.value
    if value is None:
        return "NULL"
    match arg_type:
        case Number():
            return f"double:{_c_double(value)}"
        case Shape():
            if value and all(item is None for item in value):
                return "logical:" + ",".join("NA" for _ in value)  # c(NA) is logical in R
            return "integer:" + ",".join("NA" if item is None else str(item) for item in value)
        case Integers() | Axis():
            items = value if isinstance(value, tuple) else (value,)
            return "integer:" + ",".join(str(item) for item in items)
        case NestedIntegers() if isinstance(value, tuple) and any(
            isinstance(item, tuple) for item in value
        ):
            return "list(" + ";".join(expected_value(arg_type, Default(v)) for v in value) + ")"
        case NestedIntegers():
            items = value if isinstance(value, tuple) else (value,)
            return "integer:" + ",".join(str(item) for item in items)
        case Numbers():
            items = value if isinstance(value, tuple) else (value,)
            return "double:" + ",".join(_c_double(item) for item in items)
        case _:
            return untyped_value(value)


def untyped_value(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "logical:" + ("TRUE" if value else "FALSE")
    if isinstance(value, int):
        return f"integer:{value}"
    if isinstance(value, float):
        return f"double:{_c_double(value)}"
    if isinstance(value, str):
        return "character:" + value.encode().hex()
    return "list(" + ";".join(untyped_value(item) for item in value) + ")"


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")
def test_every_valid_spec_renders_r_that_parses_with_the_spec_defaults(tmp_path: Path) -> None:
    drawn: dict[str, LayerSpec] = {}

    @settings(max_examples=120, deadline=None, database=None)
    @given(layer_specs())
    def render_one(spec: LayerSpec) -> None:
        text = render_wrapper(wrapper_view(spec, FAMILY, "specs/drawn.yaml"))
        assert text.endswith("}\n") and "\r" not in text
        # Each argument goes through its type's coercer, named for its error messages.
        for argument in spec.arguments:
            coercer = f"{argument.name} = {argument.type.r_coercer}({argument.name}, "
            assert coercer in text
        # The layer's call table entry says what the spec says of its call.
        entry = render_layer_calls(generated_header("specs/*.yaml"), (layer_call_view(spec),))
        assert f'input_dtype = "{spec.input_dtype}"' in entry
        assert ("variadic = TRUE" in entry) == spec.variadic_inputs
        # ... and which R formals Python knows by other names, and which call
        # arguments only a layer instance's call takes.
        renamed = [f'{a.name} = "{a.py_name}"' for a in spec.arguments if a.py_name]
        assert ("py_names = c(" + ", ".join(renamed) + ")" in entry) == bool(renamed)
        assert ("instance_only = " in entry) == any(a.instance_only for a in spec.call_arguments)
        name = f"spec_{len(drawn):04d}.R"
        (tmp_path / name).write_text(text, encoding="utf-8")
        drawn[name] = spec

    render_one()
    result = subprocess.run(
        [
            "Rscript",
            "--vanilla",
            "-e",
            R_CHECK_SCRIPT,
            *sorted(str(tmp_path / name) for name in drawn),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    reports = _split_reports(result.stdout)
    assert sorted(reports) == sorted(drawn)
    for name, spec in drawn.items():
        formals = [
            f"FORMAL {argument.name} {expected_value(argument.type, argument.default)}"
            for argument in spec.arguments
        ]
        dots = ["FORMAL ... MISSING"]
        expected = [f"FUNCTIONS {spec.r_name}"]
        if spec.first_argument != NO_FIRST_ARGUMENT:
            expected.append(f"FORMAL {spec.first_argument} MISSING")
        expected += dots + formals if spec.variadic_inputs else formals + dots
        assert reports[name] == expected, (spec, (tmp_path / name).read_text())


def _split_reports(stdout: str) -> dict[str, list[str]]:
    reports: dict[str, list[str]] = {}
    current: list[str] = []
    for line in stdout.splitlines():
        if line.startswith("FILE "):
            current = reports.setdefault(line.split()[1], [])
        else:
            current.append(line.rstrip())
    return reports


def _c_double(value: float) -> str:
    """R's sprintf("%.17g") of a double."""
    return format(float(value), ".17g")
