"""Reading the installed Keras: its public layer classes, their signatures and docstrings.

Shared by ``import`` (which drafts specs from it) and ``drift`` (which checks
specs against it).  Keras is imported on first use, once per process: it
costs seconds, and the other commands never need it.  Naming and family
rules are plain string functions, so they need no Keras at all.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import os
import re
from dataclasses import dataclass
from types import ModuleType

LAYERS_MODULE = "keras.layers"
# Public classes of keras.layers that are no layers to wrap:
EXCLUDED_CLASSES = {
    # the base class: R users subclass it with Layer(), a hand-written function
    "Layer": "base class; custom layers are written with Layer()",
    # keras_input() makes input tensors; the layer itself is Keras's business
    "InputLayer": "made by keras_input()",
    # the abstract base of Bidirectional and TimeDistributed
    "Wrapper": "abstract base class of the wrapper layers",
}
# A spec of rkeras_backend.X is bound to keras.layers.X, whose signature the
# backend promises to keep.
BACKEND_MODULE = "rkeras_backend"


class NoDefault:
    """The default of a required parameter (a type, so ``is`` checks read well)."""

    def __repr__(self) -> str:
        return "<required>"


REQUIRED = NoDefault()


@dataclass(frozen=True)
class Parameter:
    name: str
    default: object  # REQUIRED for a parameter without default


@dataclass(frozen=True)
class KerasClass:
    """One public layer class, under the name Keras exports it by."""

    path: str  # keras.layers.Conv2D
    cls: type

    @property
    def name(self) -> str:
        return self.path.rpartition(".")[2]

    @property
    def module(self) -> str:
        """Where the class is defined: keras.src.layers.convolutional.conv2d."""
        return self.cls.__module__

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.cls.__doc__ or "")

    def constructor_parameters(self) -> tuple[Parameter, ...]:
        return _parameters(self.cls.__init__)

    def forwarded_parameters(self) -> tuple[Parameter, ...]:
        """Parameters the constructor passes on through ``**kwargs``.

        Those of the base classes' constructors, walking the MRO while each
        constructor takes ``**kwargs`` (``unroll`` of ``ConvLSTM1D`` is
        ``keras.layers.RNN``'s), without the class's own.
        """
        own = {p.name for p in self.constructor_parameters()}
        found: dict[str, Parameter] = {}
        takes_kwargs = _takes_kwargs(self.cls.__init__)
        for base in self.cls.__mro__[1:]:
            if not takes_kwargs:
                break
            init = base.__dict__.get("__init__")
            if init is None:
                continue
            for parameter in _parameters(init):
                if parameter.name not in own:
                    found.setdefault(parameter.name, parameter)
            takes_kwargs = _takes_kwargs(init)
        return tuple(found.values())

    def call_parameters(self) -> tuple[Parameter, ...]:
        return _parameters(self.cls.call)

    def call_takes_args(self) -> bool:
        """Whether ``call`` takes ``*args``: its inputs then have no names of their own."""
        return any(
            parameter.kind is inspect.Parameter.VAR_POSITIONAL
            for parameter in inspect.signature(self.cls.call).parameters.values()
        )


def _takes_kwargs(function: object) -> bool:
    return any(
        parameter.kind is inspect.Parameter.VAR_KEYWORD
        for parameter in inspect.signature(function).parameters.values()
    )


def _parameters(function: object) -> tuple[Parameter, ...]:
    """Named parameters, ``self`` and ``*args``/``**kwargs`` aside."""
    parameters = list(inspect.signature(function).parameters.values())[1:]
    variadic = (inspect.Parameter.VAR_KEYWORD, inspect.Parameter.VAR_POSITIONAL)
    return tuple(
        Parameter(p.name, REQUIRED if p.default is inspect.Parameter.empty else p.default)
        for p in parameters
        if p.kind not in variadic
    )


def doc_hash(doc: str) -> str:
    """What a spec stores as ``keras_doc_hash``: enough of a SHA-256 to notice any change."""
    return "sha256:" + hashlib.sha256(doc.encode("utf-8")).hexdigest()[:16]


def keras_module() -> ModuleType:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return importlib.import_module("keras")


def keras_version() -> str:
    return str(keras_module().__version__)


def find_class(path: str) -> KerasClass:
    """The class at a dotted path; LookupError says why there is none."""
    module_name, _, attribute = path.rpartition(".")
    if not module_name:
        raise LookupError(f"'{path}' is not a dotted path such as keras.layers.Dense")
    keras = keras_module()
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise LookupError(f"no module '{module_name}'") from None
    cls = getattr(module, attribute, None)
    if not inspect.isclass(cls):
        raise LookupError(f"'{module_name}' has no class '{attribute}'")
    if not issubclass(cls, keras.layers.Layer):
        raise LookupError(f"'{path}' is not a Keras layer class")
    return KerasClass(path, cls)


def reference_class(py_class: str) -> KerasClass:
    """The Keras class a spec's ``py_class`` is checked against."""
    module_name, _, name = py_class.rpartition(".")
    if module_name == BACKEND_MODULE:
        return find_class(f"{LAYERS_MODULE}.{name}")
    return find_class(py_class)


def public_layer_classes(module_name: str = LAYERS_MODULE) -> tuple[KerasClass, ...]:
    """Every layer class the module exports, once each, by its own name, base classes aside.

    Aliases (``AvgPool2D`` for ``AveragePooling2D``) are the same class object;
    the exported name equal to the class's ``__name__`` is the one kept.
    """
    keras = keras_module()
    module = importlib.import_module(module_name)
    found: dict[type, KerasClass] = {}
    for name in sorted(dir(module)):
        cls = getattr(module, name)
        if not inspect.isclass(cls) or not issubclass(cls, keras.layers.Layer):
            continue
        if name.startswith("_") or name in EXCLUDED_CLASSES:
            continue
        known = found.get(cls)
        if known is None or (name == cls.__name__ and known.name != cls.__name__):
            found[cls] = KerasClass(f"{module_name}.{name}", cls)
    return tuple(sorted(found.values(), key=lambda keras_class: keras_class.path))


# ---- keras3's naming rules (tools/utils.R make_r_name() in rstudio/keras3) ----

# Names keras3 sets by hand rather than by rule.
_R_NAME_OVERRIDES = {
    "LayerNormalization": "layer_layer_normalization",
    "StackedRNNCells": "rnn_cells_stack",
    "SimpleRNNCell": "rnn_cell_simple",
    "InputLayer": "layer_input",
    "JaxLayer": "layer_jax_model_wrapper",
    "FlaxLayer": "layer_flax_module_wrapper",
    "TorchModuleWrapper": "layer_torch_module_wrapper",
}
_CAMEL_BOUNDARY = re.compile(
    r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])|(?<=[A-Z])(?=[A-Z][a-z])"
)
_ACTIVATION_MODULE = re.compile(r"\.activations?\.")


def to_snake_case(name: str) -> str:
    """``Conv2DTranspose`` -> ``conv_2_d_transpose``, ``TFSMLayer`` -> ``tfsm_layer``."""
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def r_name_for(class_name: str, module: str = "") -> str:
    """keras3's R name of a layer class; ``module`` (where it is defined) marks activations."""
    if class_name in _R_NAME_OVERRIDES:
        return _R_NAME_OVERRIDES[class_name]
    name = re.sub(r"ReLU$", "Relu", class_name)
    snake = to_snake_case(name)
    snake = re.sub(r"_([0-9])_d(_|$)", r"_\1d\2", snake)  # conv_2_d -> conv_2d
    words: list[str] = []
    for word in ["layer", *snake.split("_")]:
        if word and word not in words:  # keras3 drops repeated words: tfsm_layer -> layer_tfsm
            words.append(word)
    r_name = "_".join(words)
    r_name = re.sub(r"^layer_up_sampling_", "layer_upsampling_", r_name)
    if _ACTIVATION_MODULE.search(module) and r_name != "layer_activation":
        r_name = re.sub(r"^layer_", "layer_activation_", r_name)
    if r_name == "layer_activation_p_relu":
        r_name = "layer_activation_parametric_relu"
    return re.sub(r"^layer_(.*)_cell$", r"rnn_cell_\1", r_name)


# keras.src.layers.<package> -> family id in specs/families.yaml
_FAMILIES = {
    "activations": "activation",
    "attention": "attention",
    "convolutional": "convolution",
    "core": "core",
    "merging": "merging",
    "normalization": "normalization",
    "pooling": "pooling",
    "preprocessing": "preprocessing",
    "regularization": "regularization",
    "reshaping": "reshaping",
    "rnn": "recurrent",
}
DEFAULT_FAMILY = "core"


def family_for(module: str) -> str:
    """The family id proposed for a class defined in ``module``; core outside keras.src.layers."""
    match = re.match(r"keras\.src\.layers\.([a-z_]+)", module)
    return _FAMILIES.get(match.group(1), DEFAULT_FAMILY) if match else DEFAULT_FAMILY
