"""The type vocabulary of spec arguments: one table, read by every stage.

A type says what values an argument accepts.  Each type class carries, as
class attributes, everything the other stages need: its YAML ``name``, the R
coercer in ``r-package/R/args.R`` that checks and converts a value
(``r_coercer``), whether a call argument may have it (``call_argument``), and
``doc``, one line for the spec-format docs.  ``value_problem`` checks a
spec's default, ``r_default`` spells it in R, and ``coercer_parameters``
gives the coercer's parameters.  ``TYPES`` lists them all: adding a type
touches that list, its R coercer (and ``arg_coercers`` in args.R when call
arguments may have it), the format doc (specs/README.md, made by
``types_markdown()``) and the property tests' value strategy.

In YAML a type is its bare name (``flag``) or a one-key mapping carrying its
parameters (``{number: {min: 0, max: 1, max_open: true}}``, ``{choice: [a, b]}``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from codegen.diagnostics import ErrorLog, did_you_mean
from codegen.fields import Fields
from codegen.rsyntax import (
    R_INTEGER_MAX,
    r_character_vector,
    r_integer,
    r_logical,
    r_number,
    r_string,
)
from codegen.yaml_source import YamlMap, YamlNode, YamlScalar, YamlSeq, describe

Value = str | int | float | bool | None | tuple["Value", ...]
TypeSpec = str | dict[str, object]


def show_value(value: Value) -> str:
    """A value as YAML would spell it, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(show_value(item) for item in value) + "]"
    return repr(value)


def _is_whole(value: Value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_real(value: Value) -> bool:
    return (_is_whole(value) or isinstance(value, float)) and math.isfinite(value)


def _fits_r_integer(value: int) -> bool:
    return -R_INTEGER_MAX <= value <= R_INTEGER_MAX


@dataclass(frozen=True)
class ArgTypeBase:
    """What every type shares; subclasses set the class attributes."""

    name: ClassVar[str]
    r_coercer: ClassVar[str]
    doc: ClassVar[str]
    call_argument: ClassVar[bool] = True

    def value_problem(self, value: Value) -> str | None:
        raise NotImplementedError

    def r_default(self, value: Value) -> str:
        """The default as an R literal in the wrapper's usage."""
        return r_literal(value)

    def coercer_parameters(self) -> list[str]:
        """The type's own parameters, as R arguments of its coercer."""
        return []


def r_literal(value: Value) -> str:
    """An R literal: YAML ints stay integers, lists become vectors."""
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
    return "c(" + ", ".join(r_literal(item) for item in value) + ")"


def _bounds(low: float | None, high: float | None) -> list[str]:
    return [
        f"{key} = {r_number(bound)}"
        for key, bound in (("min", low), ("max", high))
        if bound is not None
    ]


@dataclass(frozen=True)
class Flag(ArgTypeBase):
    name: ClassVar[str] = "flag"
    r_coercer: ClassVar[str] = "arg_flag"
    doc: ClassVar[str] = "`TRUE` or `FALSE` (never `NA`)"

    def value_problem(self, value: Value) -> str | None:
        if isinstance(value, bool):
            return None
        return "does not match type flag (expected true or false)"


@dataclass(frozen=True)
class Integer(ArgTypeBase):
    name: ClassVar[str] = "integer"
    r_coercer: ClassVar[str] = "arg_integer"
    doc: ClassVar[str] = "a whole number (R doubles accepted), optionally within `{min, max}`"
    min: int | None = None
    max: int | None = None

    def coercer_parameters(self) -> list[str]:
        return _bounds(self.min, self.max)

    def value_problem(self, value: Value) -> str | None:
        if not _is_whole(value) or not _fits_r_integer(value):
            return "does not match type integer (expected a whole number within R's integer range)"
        if (self.min is not None and value < self.min) or (
            self.max is not None and value > self.max
        ):
            return f"is outside its range {format_range(self.min, self.max, False, False)}"
        return None


@dataclass(frozen=True)
class Number(ArgTypeBase):
    name: ClassVar[str] = "number"
    r_coercer: ClassVar[str] = "arg_number"
    doc: ClassVar[str] = "a finite number, optionally within `{min, max, min_open, max_open}`"
    min: int | float | None = None
    max: int | float | None = None
    min_open: bool = False
    max_open: bool = False

    def r_default(self, value: Value) -> str:
        return r_number(value)

    def coercer_parameters(self) -> list[str]:
        flags = [
            f"{key} = TRUE"
            for key, on in (("min_open", self.min_open), ("max_open", self.max_open))
            if on
        ]
        return _bounds(self.min, self.max) + flags

    def value_problem(self, value: Value) -> str | None:
        if not _is_real(value):
            return "does not match type number (expected a finite number)"
        below = self.min is not None and (value <= self.min if self.min_open else value < self.min)
        above = self.max is not None and (value >= self.max if self.max_open else value > self.max)
        if below or above:
            range_text = format_range(self.min, self.max, self.min_open, self.max_open)
            return f"is outside its range {range_text}"
        return None


@dataclass(frozen=True)
class _Options(ArgTypeBase):
    """A type with a list of named options (its YAML parameters)."""

    options: tuple[str, ...]

    def coercer_parameters(self) -> list[str]:
        return [r_character_vector(self.options)]

    def value_problem(self, value: Value) -> str | None:
        if isinstance(value, str) and value in self.options:
            return None
        listed = ", ".join(repr(option) for option in self.options)
        hint = did_you_mean(value, self.options) if isinstance(value, str) else ""
        return f"is not one of {listed}{hint}"


@dataclass(frozen=True)
class Choice(_Options):
    name: ClassVar[str] = "choice"
    r_coercer: ClassVar[str] = "arg_choice"
    doc: ClassVar[str] = "one of the listed strings: `{choice: [a, b]}`"
    # The runtime calls a call argument's coercer as f(x, arg): no options fit.
    call_argument: ClassVar[bool] = False


@dataclass(frozen=True)
class String(ArgTypeBase):
    name: ClassVar[str] = "string"
    r_coercer: ClassVar[str] = "arg_string"
    doc: ClassVar[str] = "a single string"

    def value_problem(self, value: Value) -> str | None:
        return None if isinstance(value, str) else "does not match type string (expected a string)"


@dataclass(frozen=True)
class Shape(ArgTypeBase):
    """A tensor shape: whole numbers, null for an unknown dimension."""

    name: ClassVar[str] = "shape"
    r_coercer: ClassVar[str] = "arg_shape"
    doc: ClassVar[str] = "a tensor shape: whole numbers, `NA` for an unknown dimension"

    def value_problem(self, value: Value) -> str | None:
        if isinstance(value, tuple) and all(
            item is None or (_is_whole(item) and 0 <= item <= R_INTEGER_MAX) for item in value
        ):
            return None
        return "does not match type shape (expected a list of non-negative whole numbers or nulls)"

    def r_default(self, value: Value) -> str:
        if not value:
            return "integer()"
        return "c(" + ", ".join("NA" if item is None else r_integer(item) for item in value) + ")"


@dataclass(frozen=True)
class Integers(ArgTypeBase):
    """One whole number or several, e.g. a kernel size given per dimension."""

    name: ClassVar[str] = "integers"
    r_coercer: ClassVar[str] = "arg_integers"
    doc: ClassVar[str] = "one whole number or a vector of them, e.g. `kernel_size = c(3, 3)`"

    def value_problem(self, value: Value) -> str | None:
        items = value if isinstance(value, tuple) else (value,)
        if items and all(_is_whole(item) and _fits_r_integer(item) for item in items):
            return None
        return "does not match type integers (expected a whole number or a list of them)"


@dataclass(frozen=True)
class IntegerTuple(ArgTypeBase):
    """Whole numbers Keras takes only as a tuple, even one (`Reshape`'s target shape)."""

    name: ClassVar[str] = "integer_tuple"
    r_coercer: ClassVar[str] = "arg_integer_tuple"
    doc: ClassVar[str] = "one or more whole numbers, always sent as a tuple (`-1` allowed)"
    call_argument: ClassVar[bool] = False

    def value_problem(self, value: Value) -> str | None:
        items = value if isinstance(value, tuple) else (value,)
        if items and all(_is_whole(item) and _fits_r_integer(item) for item in items):
            return None
        return "does not match type integer_tuple (expected a list of whole numbers)"


@dataclass(frozen=True)
class NestedIntegers(ArgTypeBase):
    """Whole numbers nested one level: ``cropping = list(c(1, 1), c(2, 2))``.

    One number, a vector of them, or a list of such vectors (one per
    dimension), as keras3 takes Keras's "int, tuple of ints or tuple of tuples
    of ints".  Python receives an int, a tuple, or a tuple of them.
    """

    name: ClassVar[str] = "nested_integers"
    r_coercer: ClassVar[str] = "arg_nested_integers"
    doc: ClassVar[str] = (
        "a whole number, a vector of them, or a list of such vectors, "
        "e.g. `cropping = list(c(1, 1), c(2, 2))`"
    )

    def value_problem(self, value: Value) -> str | None:
        items = value if isinstance(value, tuple) else (value,)
        if items and all(_is_whole_item(item) or _is_whole_vector(item) for item in items):
            return None
        return (
            "does not match type nested_integers "
            "(expected a whole number, a list of them, or a list of such lists)"
        )

    def r_default(self, value: Value) -> str:
        if isinstance(value, tuple) and any(isinstance(item, tuple) for item in value):
            return "list(" + ", ".join(r_literal(item) for item in value) + ")"
        return r_literal(value)


def _is_whole_item(value: Value) -> bool:
    return _is_whole(value) and _fits_r_integer(value)


def _is_whole_vector(value: Value) -> bool:
    return isinstance(value, tuple) and bool(value) and all(_is_whole_item(v) for v in value)


@dataclass(frozen=True)
class Numbers(ArgTypeBase):
    """One finite number or several, such as a value range ``c(0, 255)``."""

    name: ClassVar[str] = "numbers"
    r_coercer: ClassVar[str] = "arg_numbers"
    doc: ClassVar[str] = (
        "one finite number or a vector of them (several reach Python as a tuple of floats), "
        "e.g. `value_range = c(0, 255)`"
    )

    def value_problem(self, value: Value) -> str | None:
        items = value if isinstance(value, tuple) else (value,)
        if items and all(_is_real(item) for item in items):
            return None
        return "does not match type numbers (expected a finite number or a list of them)"

    def r_default(self, value: Value) -> str:
        if isinstance(value, tuple):
            return "c(" + ", ".join(r_number(item) for item in value) + ")"
        return r_number(value)


@dataclass(frozen=True)
class Axis(ArgTypeBase):
    """One axis or several, counted as R users count them (keras3's convention).

    Axes count from 1; negative ones count from the end (-1 is the last) and
    reach Python unchanged, positive ones one lower.  0 is no axis.
    """

    name: ClassVar[str] = "axis"
    r_coercer: ClassVar[str] = "arg_axis"
    doc: ClassVar[str] = "one axis or several, counted from 1 (negative: from the end)"

    def value_problem(self, value: Value) -> str | None:
        items = value if isinstance(value, tuple) else (value,)
        if not items or not all(_is_whole(item) and _fits_r_integer(item) for item in items):
            return "does not match type axis (expected a non-zero whole number or a list of them)"
        if 0 in items:
            return "names axis 0, but axes count from 1 as in R (-1 is the last)"
        return None


@dataclass(frozen=True)
class Axes(Axis):
    """Axes Keras takes only as a list, even one (an initializer's fan axes)."""

    name: ClassVar[str] = "axes"
    r_coercer: ClassVar[str] = "arg_axes"
    doc: ClassVar[str] = (
        "one or more axes, counted from 1 (negative: from the end), always sent as a tuple"
    )
    call_argument: ClassVar[bool] = False


@dataclass(frozen=True)
class _ObjectOnly(ArgTypeBase):
    """A type whose values are R or Python objects: no default but null."""

    def value_problem(self, value: Value) -> str | None:
        return f"cannot be the default of type {self.name} (only null can)"


@dataclass(frozen=True)
class Tensor(_ObjectOnly):
    name: ClassVar[str] = "tensor"
    r_coercer: ClassVar[str] = "arg_tensor"
    doc: ClassVar[str] = "a tensor or an R array"


@dataclass(frozen=True)
class Tensors(_ObjectOnly):
    name: ClassVar[str] = "tensors"
    r_coercer: ClassVar[str] = "arg_tensors"
    doc: ClassVar[str] = "a list of tensors or R arrays (entries may be `NULL`)"


@dataclass(frozen=True)
class Arrays(_ObjectOnly):
    """Initial weights and the like: a list of arrays (one array is a list of one)."""

    name: ClassVar[str] = "arrays"
    r_coercer: ClassVar[str] = "arg_arrays"
    doc: ClassVar[str] = (
        "a list of R arrays or tensors, such as initial `weights` (one array is a list of one)"
    )


@dataclass(frozen=True)
class Layer(_ObjectOnly):
    name: ClassVar[str] = "layer"
    r_coercer: ClassVar[str] = "arg_layer"
    doc: ClassVar[str] = (
        "a Keras layer, such as a layer function returns without `object`: `layer_lstm(units = 4)`"
    )
    call_argument: ClassVar[bool] = False


@dataclass(frozen=True)
class Layers(_ObjectOnly):
    name: ClassVar[str] = "layers"
    r_coercer: ClassVar[str] = "arg_layers"
    doc: ClassVar[str] = "a list of Keras layers or RNN cells (one layer is passed as it is)"
    call_argument: ClassVar[bool] = False


@dataclass(frozen=True)
class RFunction(_ObjectOnly):
    name: ClassVar[str] = "r_function"
    r_coercer: ClassVar[str] = "arg_r_function"
    doc: ClassVar[str] = "an R function (Python calls it through reticulate) or a Python callable"
    call_argument: ClassVar[bool] = False


@dataclass(frozen=True)
class EpochFunction(_ObjectOnly):
    """A callback hook in R: epochs and batches count from 1, as in keras3."""

    name: ClassVar[str] = "epoch_function"
    r_coercer: ClassVar[str] = "arg_epoch_function"
    doc: ClassVar[str] = (
        "an R function called as `f(epoch, logs)` or `f(batch, logs)` (counted from 1) "
        "or `f(logs)`, with `logs` a named list"
    )
    call_argument: ClassVar[bool] = False


@dataclass(frozen=True)
class FlagOrAuto(ArgTypeBase):
    """Keras's `use_cudnn`: TRUE, FALSE or "auto"."""

    name: ClassVar[str] = "flag_or_auto"
    r_coercer: ClassVar[str] = "arg_flag_or_auto"
    doc: ClassVar[str] = '`TRUE`, `FALSE` or `"auto"`'
    call_argument: ClassVar[bool] = False

    def value_problem(self, value: Value) -> str | None:
        if isinstance(value, bool) or value == "auto":
            return None
        return "does not match type flag_or_auto (expected true, false or 'auto')"


@dataclass(frozen=True)
class _Named(ArgTypeBase):
    """A value Keras also takes by name: the default, if any, is that name."""

    call_argument: ClassVar[bool] = False

    def value_problem(self, value: Value) -> str | None:
        if isinstance(value, str) and value:
            return None
        return f"does not match type {self.name} (expected a name as a string, or null)"


@dataclass(frozen=True)
class Activation(_Named):
    name: ClassVar[str] = "activation"
    r_coercer: ClassVar[str] = "arg_activation"
    doc: ClassVar[str] = "a Keras activation name, a Keras activation, or an R function"


@dataclass(frozen=True)
class Initializer(_Named):
    name: ClassVar[str] = "initializer"
    r_coercer: ClassVar[str] = "arg_initializer"
    doc: ClassVar[str] = "a Keras initializer name, a Keras initializer, or an R function"


@dataclass(frozen=True)
class Regularizer(_Named):
    name: ClassVar[str] = "regularizer"
    r_coercer: ClassVar[str] = "arg_regularizer"
    doc: ClassVar[str] = "a Keras regularizer name, a Keras regularizer, or an R function"


@dataclass(frozen=True)
class Constraint(_Named):
    name: ClassVar[str] = "constraint"
    r_coercer: ClassVar[str] = "arg_constraint"
    doc: ClassVar[str] = "a Keras constraint name, a Keras constraint, or an R function"


@dataclass(frozen=True)
class Dtype(_Named):
    name: ClassVar[str] = "dtype"
    r_coercer: ClassVar[str] = "arg_dtype"
    doc: ClassVar[str] = 'a dtype name such as `"float32"`, or a Keras dtype policy'


@dataclass(frozen=True)
class KerasObject(ArgTypeBase):
    """A Python object handed over as it is, such as a quantization config."""

    name: ClassVar[str] = "keras_object"
    r_coercer: ClassVar[str] = "arg_py_object"
    doc: ClassVar[str] = "a Python (Keras) object, such as a quantization config"
    call_argument: ClassVar[bool] = False

    def value_problem(self, value: Value) -> str | None:
        return "cannot have a default other than null"


@dataclass(frozen=True)
class LearningRate(ArgTypeBase):
    """An optimizer's `learning_rate`: a number, or a schedule computing it per step."""

    name: ClassVar[str] = "learning_rate"
    r_coercer: ClassVar[str] = "arg_learning_rate"
    doc: ClassVar[str] = (
        "a finite number >= 0, or a learning-rate schedule such as "
        "`learning_rate_schedule_cosine_decay()` returns"
    )
    call_argument: ClassVar[bool] = False

    def r_default(self, value: Value) -> str:
        return r_number(value)

    def value_problem(self, value: Value) -> str | None:
        if _is_real(value) and value >= 0:
            return None
        return "does not match type learning_rate (expected a finite number >= 0)"


@dataclass(frozen=True)
class Frequency(ArgTypeBase):
    """How often a callback acts: each `"epoch"`, or every so many batches.

    ``batch``: `"batch"` (every batch) is allowed too, where Keras takes it.
    """

    name: ClassVar[str] = "frequency"
    r_coercer: ClassVar[str] = "arg_frequency"
    doc: ClassVar[str] = (
        '`"epoch"` or a whole number of batches >= 1 (`{frequency: {batch: true}}`: also `"batch"`)'
    )
    call_argument: ClassVar[bool] = False
    batch: bool = False

    def r_default(self, value: Value) -> str:
        return r_integer(value) if _is_whole(value) else r_string(str(value))

    def coercer_parameters(self) -> list[str]:
        return ["batch = TRUE"] if self.batch else []

    def value_problem(self, value: Value) -> str | None:
        words = ("epoch", "batch") if self.batch else ("epoch",)
        if value in words or (_is_whole(value) and value >= 1):
            return None
        expected = " or ".join(map(repr, words))
        return f"does not match type frequency (expected {expected} or a whole number >= 1)"


@dataclass(frozen=True)
class NumberList(ArgTypeBase):
    """Numbers Keras takes only as a list, even one (a schedule's boundaries)."""

    name: ClassVar[str] = "number_list"
    r_coercer: ClassVar[str] = "arg_number_list"
    doc: ClassVar[str] = "one or more finite numbers, always sent as a list"
    call_argument: ClassVar[bool] = False

    def r_default(self, value: Value) -> str:
        items = value if isinstance(value, tuple) else (value,)
        return "c(" + ", ".join(r_number(item) for item in items) + ")"

    def value_problem(self, value: Value) -> str | None:
        items = value if isinstance(value, tuple) else (value,)
        if items and all(_is_real(item) for item in items):
            return None
        return "does not match type number_list (expected a list of finite numbers)"


@dataclass(frozen=True)
class Strings(ArgTypeBase):
    """Names Keras takes as a list, such as the layers an optimizer leaves out."""

    name: ClassVar[str] = "strings"
    r_coercer: ClassVar[str] = "arg_strings"
    doc: ClassVar[str] = "a character vector, always sent as a list of strings"
    call_argument: ClassVar[bool] = False

    def r_default(self, value: Value) -> str:
        items = value if isinstance(value, tuple) else (value,)
        return "c(" + ", ".join(r_string(str(item)) for item in items) + ")"

    def value_problem(self, value: Value) -> str | None:
        items = value if isinstance(value, tuple) else (value,)
        if all(isinstance(item, str) for item in items):
            return None
        return "does not match type strings (expected a list of strings)"


@dataclass(frozen=True)
class NamedList(ArgTypeBase):
    """A Python dict from R: HTTP headers, options by name."""

    name: ClassVar[str] = "named_list"
    r_coercer: ClassVar[str] = "arg_named_list"
    doc: ClassVar[str] = "a named list or named vector, sent as a Python dict"
    call_argument: ClassVar[bool] = False

    def value_problem(self, value: Value) -> str | None:
        return "cannot have a default other than null"



@dataclass(frozen=True)
class ChoiceOrFunction(_Options):
    """One of Keras's named behaviours, or a function of the user's own.

    ``TextVectorization``'s ``standardize`` and ``split``: a listed string, an
    R function or a Python callable.
    """

    name: ClassVar[str] = "choice_or_function"
    r_coercer: ClassVar[str] = "arg_choice_or_function"
    doc: ClassVar[str] = "one of the listed strings, an R function or a Python callable"
    call_argument: ClassVar[bool] = False


@dataclass(frozen=True)
class Token(ArgTypeBase):
    """One token of a lookup or hashing layer's input: a string or a whole number."""

    name: ClassVar[str] = "token"
    r_coercer: ClassVar[str] = "arg_token"
    doc: ClassVar[str] = "a single string or a whole number, such as a mask token"
    call_argument: ClassVar[bool] = False

    def value_problem(self, value: Value) -> str | None:
        if isinstance(value, str) or (_is_whole(value) and _fits_r_integer(value)):
            return None
        return "does not match type token (expected a string or a whole number)"


@dataclass(frozen=True)
class Seed(ArgTypeBase):
    """A seed of keras.random: a whole number, or a SeedGenerator whose state advances."""

    name: ClassVar[str] = "seed"
    r_coercer: ClassVar[str] = "arg_seed"
    doc: ClassVar[str] = (
        "a whole number, or a seed generator such as `random_seed_generator()` returns"
    )
    call_argument: ClassVar[bool] = False

    def value_problem(self, value: Value) -> str | None:
        if _is_whole(value) and _fits_r_integer(value):
            return None
        return "does not match type seed (expected a whole number)"


@dataclass(frozen=True)
class Vocabulary(_ObjectOnly):
    """A lookup layer's vocabulary: tokens, or the path of a file of them."""

    name: ClassVar[str] = "vocabulary"
    r_coercer: ClassVar[str] = "arg_vocabulary"
    doc: ClassVar[str] = (
        "a character vector or whole numbers (sent as a list), one string naming a file "
        "of tokens, or a tensor"
    )
    call_argument: ClassVar[bool] = False


@dataclass(frozen=True)
class FeatureCrosses(_ObjectOnly):
    """The crosses of a FeatureSpace: groups of feature names, or Keras's cross objects."""

    name: ClassVar[str] = "feature_crosses"
    r_coercer: ClassVar[str] = "arg_feature_crosses"
    doc: ClassVar[str] = (
        "a list of feature crosses: character vectors of feature names (each sent as a "
        "tuple) or what `feature_cross()` returns"
    )
    call_argument: ClassVar[bool] = False


ArgType = ArgTypeBase

TYPES: dict[str, type[ArgType]] = {
    cls.name: cls
    for cls in (
        Flag,
        Integer,
        Number,
        Choice,
        String,
        Shape,
        Integers,
        IntegerTuple,
        NestedIntegers,
        Numbers,
        Axis,
        Axes,
        Tensor,
        Tensors,
        Arrays,
        Layer,
        Layers,
        RFunction,
        EpochFunction,
        FlagOrAuto,
        Activation,
        Initializer,
        Regularizer,
        Constraint,
        Dtype,
        KerasObject,
        LearningRate,
        Frequency,
        NumberList,
        Strings,
        NamedList,
        ChoiceOrFunction,
        Token,
        Seed,
        Vocabulary,
        FeatureCrosses,
    )
}
# Where each parameterised type's parameters are spelt, for the docs.
_PARAMETER_EXAMPLES = {
    "integer": "`{integer: {min: 1, max: 10}}` (each optional)",
    "number": "`{number: {min: 0, max: 1, min_open: false, max_open: true}}` (each optional)",
    "choice": "`{choice: [dot, concat]}` (required)",
    "frequency": "`{frequency: {batch: true}}` (optional)",
    "choice_or_function": "`{choice_or_function: [lower, strip_punctuation]}` (required)",
}


def types_markdown() -> str:
    """The table of types in specs/README.md, made from ``TYPES`` (a test keeps them equal)."""
    rows = [
        "| type | parameters | R coercer | call argument | accepts |",
        "|------|------------|-----------|---------------|---------|",
    ]
    for name, cls in TYPES.items():
        parameters = _PARAMETER_EXAMPLES.get(name, "-")
        call = "yes" if cls.call_argument else "no"
        rows.append(f"| `{name}` | {parameters} | `{cls.r_coercer}()` | {call} | {cls.doc} |")
    return "\n".join(rows) + "\n"


_PARAMETERIZED = {"integer", "number", "choice", "frequency", "choice_or_function"}
_NEEDS_OPTIONS = {"choice", "choice_or_function"}
CALL_TYPES = tuple(name for name, cls in TYPES.items() if cls.call_argument)


def format_range(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    left = "(" if low_open or low is None else "["
    right = ")" if high_open or high is None else "]"
    low_text = "-inf" if low is None else show_value(low)
    high_text = "inf" if high is None else show_value(high)
    return f"{left}{low_text}, {high_text}{right}"


def parse_type(node: YamlNode, errors: ErrorLog, *, for_call: bool = False) -> ArgType | None:
    if isinstance(node, YamlScalar) and isinstance(node.value, str):
        name, parameters = node.value, None
    elif isinstance(node, YamlMap) and len(node.entries) == 1:
        name, parameters = node.entries[0].key, node.entries[0].value
    else:
        got = (
            f"a mapping with {len(node.entries)} keys"
            if isinstance(node, YamlMap)
            else describe(node)
        )
        errors.add(
            node.position,
            f"type must be a type name or a one-key mapping of name to parameters, got {got}",
        )
        return None
    allowed = CALL_TYPES if for_call else tuple(TYPES)
    if name not in allowed:
        if name in TYPES:
            errors.add(node.position, f"type '{name}' is not available for call arguments")
        else:
            hint = did_you_mean(name, allowed) or f"; expected one of {', '.join(allowed)}"
            errors.add(node.position, f"unknown type '{name}'{hint}")
        return None
    if parameters is None:
        if name in _NEEDS_OPTIONS:
            errors.add(node.position, f"type '{name}' needs its options, e.g. {{{name}: [a, b]}}")
            return None
        return TYPES[name]()
    if for_call:
        errors.add(
            node.position,
            "call argument types take no parameters (the runtime calls them as f(x, arg))",
        )
        return None
    if name not in _PARAMETERIZED:
        errors.add(node.position, f"type '{name}' takes no parameters")
        return None
    return _PARAMETER_PARSERS[name](parameters, errors)


def _parse_integer(node: YamlNode, errors: ErrorLog) -> Integer | None:
    fields = Fields.read(node, "integer type", required=(), optional=("min", "max"), errors=errors)
    if fields is None:
        return None
    bounds = [_bound(fields, key, _is_whole, "a whole number", errors) for key in ("min", "max")]
    if any(bound is _INVALID for bound in bounds):
        return None
    low, high = bounds
    if not _ordered(fields, low, high, errors):
        return None
    return Integer(low, high)


def _parse_number(node: YamlNode, errors: ErrorLog) -> Number | None:
    fields = Fields.read(
        node,
        "number type",
        required=(),
        optional=("min", "max", "min_open", "max_open"),
        errors=errors,
    )
    if fields is None:
        return None
    count_before = len(errors.errors)
    low = _bound(fields, "min", _is_real, "a finite number", errors)
    high = _bound(fields, "max", _is_real, "a finite number", errors)
    low_open = fields.flag("min_open", False)
    high_open = fields.flag("max_open", False)
    for open_key, bound_key, bound in (("min_open", "min", low), ("max_open", "max", high)):
        if fields.has(open_key) and bound is None:
            errors.add(fields.node(open_key).position, f"'{open_key}' needs '{bound_key}'")
    if len(errors.errors) > count_before or not _ordered(fields, low, high, errors):
        return None
    return Number(low, high, low_open, high_open)


_INVALID = object()


def _bound(
    fields: Fields, key: str, accepts: Callable[[Value], bool], expected: str, errors: ErrorLog
) -> Value | object:
    node = fields.node(key)
    if node is None:
        return None
    if isinstance(node, YamlScalar) and accepts(node.value):
        return node.value
    errors.add(node.position, f"'{key}' must be {expected}, got {describe(node)}")
    return _INVALID


def _ordered(fields: Fields, low: float | None, high: float | None, errors: ErrorLog) -> bool:
    if low is not None and high is not None and low > high:
        errors.add(fields.node("min").position, f"'min' {low!r} is greater than 'max' {high!r}")
        return False
    return True


def _parse_choice(node: YamlNode, errors: ErrorLog) -> Choice | None:
    options = _parse_options(node, "choice", errors)
    return Choice(options) if options is not None else None


def _parse_choice_or_function(node: YamlNode, errors: ErrorLog) -> ChoiceOrFunction | None:
    options = _parse_options(node, "choice_or_function", errors)
    return ChoiceOrFunction(options) if options is not None else None


def _parse_options(node: YamlNode, type_name: str, errors: ErrorLog) -> tuple[str, ...] | None:
    """The listed strings of a choice-like type, each non-empty and listed once."""
    if not isinstance(node, YamlSeq) or not node.items:
        errors.add(
            node.position, f"{type_name} options must be a non-empty list, got {describe(node)}"
        )
        return None
    options: list[str] = []
    ok = True
    for item in node.items:
        if not isinstance(item, YamlScalar) or not isinstance(item.value, str) or not item.value:
            quotable = isinstance(item, YamlScalar) and isinstance(item.value, bool | int | float)
            hint = " (quote it)" if quotable else ""
            errors.add(
                item.position,
                f"{type_name} option must be a non-empty string, got {describe(item)}{hint}",
            )
            ok = False
        elif item.value in options:
            errors.add(item.position, f"{type_name} option '{item.value}' is listed twice")
            ok = False
        else:
            options.append(item.value)
    return tuple(options) if ok else None


def _parse_frequency(node: YamlNode, errors: ErrorLog) -> Frequency | None:
    fields = Fields.read(node, "frequency type", required=(), optional=("batch",), errors=errors)
    if fields is None:
        return None
    return Frequency(batch=fields.flag("batch", False))


_PARAMETER_PARSERS = {
    "integer": _parse_integer,
    "number": _parse_number,
    "choice": _parse_choice,
    "frequency": _parse_frequency,
    "choice_or_function": _parse_choice_or_function,
}


def type_to_spec(arg_type: ArgType) -> TypeSpec:
    """The canonical YAML form of a type (inverse of ``parse_type``)."""
    match arg_type:
        case Integer(min=None, max=None) | Number(min=None, max=None):
            return arg_type.name
        case Integer(min=low, max=high):
            return {"integer": _without_none({"min": low, "max": high})}
        case Number(min=low, max=high, min_open=low_open, max_open=high_open):
            parameters = _without_none({"min": low, "max": high})
            parameters.update(
                {key: True for key, on in (("min_open", low_open), ("max_open", high_open)) if on}
            )
            return {"number": parameters}
        case Choice(options=options):
            return {"choice": list(options)}
        case ChoiceOrFunction(options=options):
            return {"choice_or_function": list(options)}
        case _:
            return arg_type.name


def _without_none(mapping: dict[str, object]) -> dict[str, object]:
    return {key: value for key, value in mapping.items() if value is not None}
