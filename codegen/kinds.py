"""The kinds of Keras object a spec may wrap: one table, read by every stage.

A spec says what it wraps with ``kind:``; the kind decides which Python paths
the spec gives, the formals that come before the spec's own arguments, the
hand-written runtime function the wrapper's body calls (``r-package/R``), and
the wrapper's Value section.  How each kind behaves lives in that runtime
function, never in the generator.  Layers keep their own record
(``LayerSpec``) and template; every other kind is an ``ObjectSpec``.
"""

from __future__ import annotations

from dataclasses import dataclass

LAYER_KIND = "layer"
REQUIRED, OPTIONAL, FORBIDDEN = "required", "optional", "forbidden"
_COMPILE = "[compile()][model-training]"
_FIT = "[fit()][model-training]"
# The runtime functions (r-package/R/keras-objects.R) behind the wrappers.
NEW_OBJECT = "new_keras_object"
CALL_FUNCTION = "call_keras_function"
OBJECT_OR_VALUES = "keras_object_or_values"


@dataclass(frozen=True)
class Kind:
    name: str
    # Whether a spec gives the class it builds (``py_class``) and the function
    # that computes values (``py_function``): REQUIRED, OPTIONAL or FORBIDDEN.
    py_class: str
    py_function: str
    # Formals before the spec's own arguments where there is a ``py_function``:
    # what it computes on (``y_true, y_pred`` of a loss, ``x`` of an activation).
    value_formals: tuple[str, ...]
    # Whether R integers among the value formals become doubles (Keras
    # computes activations in floating point; labels stay integers).
    float_values: bool = False
    # Value sections: the object alone, the values alone, or either.
    returns_object: str = ""
    returns_values: str = ""
    returns_either: str = ""
    # Arguments the runtime function acts on in R, never sent to Keras
    # (keras3's `zero_indexed` of random_categorical(): R counts from 1). A
    # spec argument so named reaches the runtime as `.<name>`; `drift` skips it.
    r_side_arguments: tuple[str, ...] = ()

    def runtime(self, has_class: bool, has_function: bool) -> str:
        """The runtime function a wrapper of this kind calls."""
        if has_class and has_function:
            return OBJECT_OR_VALUES
        return CALL_FUNCTION if has_function else NEW_OBJECT

    def returns(self, has_class: bool, has_function: bool) -> str:
        if has_class and has_function:
            return self.returns_either
        return self.returns_values if has_function else self.returns_object


def _built(name: str, returns: str) -> Kind:
    return Kind(name, REQUIRED, FORBIDDEN, (), returns_object=returns)


def _computed(name: str, what: str, argument: str) -> Kind:
    """Losses and metrics: an object for compile(), or values computed on the spot."""
    return Kind(
        name,
        OPTIONAL,
        OPTIONAL,
        ("y_true", "y_pred"),
        returns_object=f"A {what} object, for the `{argument}` argument of {_COMPILE}.",
        returns_values=(
            f"The {what} computed on `y_true` and `y_pred`: a tensor. The function\n"
            f"itself may be given in the `{argument}` argument of {_COMPILE}."
        ),
        returns_either=(
            f"With `y_true` and `y_pred`, the {what} computed on them: a tensor.\n"
            f"Without them, a {what} object for the `{argument}` argument of {_COMPILE}."
        ),
    )


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        _built("optimizer", f"An optimizer, for the `optimizer` argument of {_COMPILE}."),
        _built(
            "learning_rate_schedule",
            "A learning-rate schedule, for the `learning_rate` argument of an\n"
            "optimizer such as [optimizer_adam()].",
        ),
        _built("callback", f"A callback, for the `callbacks` argument of {_FIT}."),
        _built(
            "initializer",
            "An initializer, for a layer's `*_initializer` arguments, such as\n"
            "`kernel_initializer` of [layer_dense()].",
        ),
        _built(
            "regularizer",
            "A regularizer, for a layer's `*_regularizer` arguments, such as\n"
            "`kernel_regularizer` of [layer_dense()].",
        ),
        _built(
            "constraint",
            "A constraint, for a layer's `*_constraint` arguments, such as\n"
            "`kernel_constraint` of [layer_dense()].",
        ),
        _computed("loss", "loss", "loss"),
        _computed("metric", "metric", "metrics"),
        Kind(
            "activation",
            FORBIDDEN,
            REQUIRED,
            ("x",),
            float_values=True,
            returns_values=(
                "A tensor: the activation applied to `x`. The function itself may be\n"
                "given as a layer's `activation`, as in\n"
                "`layer_dense(units = 4, activation = activation_relu)`."
            ),
        ),
        # The static methods of keras.utils.FeatureSpace (`FeatureSpace.float`,
        # `FeatureSpace.cross`, ...): called with the spec's arguments alone.
        Kind(
            "feature",
            FORBIDDEN,
            REQUIRED,
            (),
            returns_values=(
                "What [layer_feature_space()] takes: a feature (from the `feature_*()`\n"
                "functions) for its `features`, or a feature cross (from\n"
                "[feature_cross()]) for its `crosses`."
            ),
        ),
        # The functions of keras.random (`keras.random.normal`, ...): called with
        # the spec's arguments alone; `zero_indexed` shifts the indices that
        # random_categorical() returns to count from 1, as R does.
        Kind(
            "random",
            FORBIDDEN,
            REQUIRED,
            (),
            returns_values=(
                "A tensor: the random values drawn, as described above. The same `seed`\n"
                "(a whole number) gives the same values; a [random_seed_generator()]\n"
                "gives new ones on each call."
            ),
            r_side_arguments=("zero_indexed",),
        ),
        _built(
            "seed_generator",
            "A seed generator (`keras.random.SeedGenerator`), for the `seed` argument\n"
            "of the `random_*()` functions, such as [random_normal()]: each call\n"
            "advances its state, so repeated calls draw new values, reproducibly.",
        ),
    )
}
KIND_NAMES = (LAYER_KIND, *KINDS)
