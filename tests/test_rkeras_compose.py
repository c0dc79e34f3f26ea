"""The Python half of the R package's compose_layer(), bundled in inst/python."""

import importlib.util
from pathlib import Path

import keras
import numpy as np
import pytest

_PATH = Path(__file__).resolve().parents[1] / "r-package" / "inst" / "python" / "rkeras_compose.py"
_SPEC = importlib.util.spec_from_file_location("rkeras_compose", _PATH)
rkeras_compose = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(rkeras_compose)


def test_layer_class_resolves_dotted_paths_once():
    assert rkeras_compose.layer_class("keras.layers.Dense") is keras.layers.Dense
    assert rkeras_compose._CLASSES["keras.layers.Dense"] is keras.layers.Dense
    assert rkeras_compose.layer_class("rkeras_backend.Attention").__name__ == "Attention"


def test_compose_without_object_returns_the_built_layer():
    layer = rkeras_compose.compose("keras.layers.Dense", {"units": 3, "name": "plain"})
    assert isinstance(layer, keras.layers.Dense)
    assert layer.units == 3 and layer.name == "plain"
    # R's empty list() arrives as a Python list.
    assert isinstance(rkeras_compose.compose("keras.layers.Add", []), keras.layers.Add)


def test_compose_with_a_sequential_model_adds_the_layer_and_returns_none():
    model = keras.Sequential([keras.Input((4,))])
    assert rkeras_compose.compose("keras.layers.Dense", {"units": 2}, model) is None
    assert [type(layer).__name__ for layer in model.layers] == ["Dense"]


def test_compose_with_tensors_calls_the_layer_and_spreads_several_inputs():
    query = keras.Input((6, 8))
    value = keras.Input((9, 8))
    out = rkeras_compose.compose("keras.layers.Dense", {"units": 2}, query)
    assert out.shape == (None, 6, 2)
    kwargs = {"num_heads": 2, "key_dim": 4}
    names = ["query", "value", "key"]
    spread = rkeras_compose.compose(
        "keras.layers.MultiHeadAttention", kwargs, [query, value], {}, names
    )
    assert spread.shape == (None, 6, 8)
    by_name = rkeras_compose.compose(
        "keras.layers.MultiHeadAttention", kwargs, {"value": value, "query": query}, [], names
    )
    assert by_name.shape == (None, 6, 8)


def test_call_layer_passes_call_arguments():
    layer = rkeras_compose.compose("rkeras_backend.Attention", {})
    query = np.random.default_rng(0).normal(size=(1, 3, 2)).astype("float32")
    out, scores = rkeras_compose.call_layer(
        layer, [query, query], {"use_causal_mask": True, "return_attention_scores": True}
    )
    assert out.shape == (1, 3, 2)
    np.testing.assert_array_equal(np.asarray(scores)[0, 0, 1:], [0.0, 0.0])


def test_building_failures_are_raised_as_they_are():
    with pytest.raises(ValueError, match="units"):
        rkeras_compose.compose("keras.layers.Dense", {"units": -1})
    with pytest.raises(AttributeError, match="NoSuchLayer"):
        rkeras_compose.compose("keras.layers.NoSuchLayer", {})


def test_call_failures_are_raised_as_layer_call_errors_naming_the_original_type():
    with pytest.raises(rkeras_compose.LayerCallError, match=r"^TypeError: .*nonsense"):
        rkeras_compose.call_layer(keras.layers.Dense(2), keras.Input((3,)), {"nonsense": 1})
    with pytest.raises(rkeras_compose.LayerCallError, match=r"^ValueError: "):
        rkeras_compose.compose("keras.layers.Add", {}, [np.ones((2, 3)), np.ones((2, 4))])


def test_class_paths_and_identifiers_answer_what_r_asks():
    assert rkeras_compose.class_paths(["keras.layers.Dense"]) == [
        f"{keras.layers.Dense.__module__}.Dense"
    ]
    assert "glorot_uniform" in rkeras_compose.identifiers("initializers")
    assert "relu" in rkeras_compose.identifiers("activations")
