"""``python -m codegen drift``: specs against the installed Keras.

The real specs are checked in this process (Keras imported once); the CLI
runs once as a subprocess, on a copy of the specs edited to drift in every
way drift reports, and its output is compared as exact text.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.argtypes import Axis, Flag, NestedIntegers
from codegen.cli import main
from codegen.drift import check_drift, python_default, resolve_path, same_default
from codegen.importer import accept_guesses, draft_spec
from codegen.model import Argument, Default
from codegen.pipeline import load_spec_set

REPO = Path(__file__).resolve().parent.parent
NEWLINE = "\n"  # f-string expressions take no backslash before Python 3.12


def test_python_defaults_account_for_r_axes() -> None:
    def axis(value: object) -> object:
        return python_default(Argument("axis", Axis(), "doc", Default(value)))

    assert axis(-1) == -1
    assert axis(2) == 1
    assert axis((1, -1)) == [0, -1]
    assert python_default(Argument("on", Flag(), "doc", Default(True))) is True
    nested = Argument("cropping", NestedIntegers(), "doc", Default(((0, 0), (1, 2))))
    assert python_default(nested) == [[0, 0], [1, 2]]


def test_same_default_compares_as_python_does() -> None:
    assert same_default(0, 0.0)
    assert same_default([1, 1], (1, 1))
    assert same_default([[0, 0], [1, 1]], ((0, 0), (1, 1)))
    assert not same_default(1, True)
    assert not same_default([1, 2], (1, 2, 3))
    assert not same_default("zeros", None)
    assert not same_default(0.5, 0.2)


def test_the_real_specs_do_not_drift(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("keras")
    assert main(["drift", "--specs", str(REPO / "specs")]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    count = len(load_spec_set(REPO / "specs").specs)
    assert out.startswith(f"codegen drift: {count} specs agree with Keras 3.15.1; ")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new))


def _argument_block(text: str, name: str) -> str:
    """An argument's lines, up to the next argument or top-level key."""
    start = text.index(f"  - name: {name}\n")
    ends = [text.find(marker, start + 1) for marker in ("\n  - name: ", "\ncall_inputs:")]
    return text[start : min(end for end in ends if end != -1) + 1]


def _line(path: Path, text: str) -> int:
    """The line of the one place ``text`` starts in the file."""
    content = path.read_text()
    assert content.count(text) == 1, text
    return content[: content.index(text)].count("\n") + 1


def test_drift_reports_each_kind_of_difference(tmp_path: Path) -> None:
    pytest.importorskip("keras")
    specs = tmp_path / "specs"
    shutil.copytree(REPO / "specs", specs)
    dense = specs / "layer_dense.yaml"
    # A changed default: Keras's use_bias is True.
    _edit(
        dense,
        "  - name: use_bias\n    type: flag\n    default: true",
        "  - name: use_bias\n    type: flag\n    default: false",
    )
    # A new argument in Keras: the spec lacks lora_alpha.
    _edit(dense, _argument_block(dense.read_text(), "lora_alpha"), "")
    # An argument Keras removed: the spec has one Keras does not.
    _edit(
        dense,
        "  - name: quantization_config\n",
        "  - name: kernel_size\n    type: integer\n    default: 3\n    doc: Gone from Keras.\n"
        "  - name: quantization_config\n",
    )
    # Arguments out of Keras's order: groups moved after bias_constraint.
    conv = specs / "layer_conv_1d.yaml"
    groups = _argument_block(conv.read_text(), "groups")
    _edit(conv, groups, "")
    _edit(conv, "call_inputs:\n", groups + "call_inputs:\n")
    # A wrong default for a parameter the constructor passes on through
    # **kwargs (ConvLSTM1D -> RNN's unroll).
    conv_lstm = specs / "layer_conv_lstm_1d.yaml"
    _edit(
        conv_lstm,
        "  - name: unroll\n    type: flag\n    default: false",
        "  - name: unroll\n    type: flag\n    default: true",
    )
    # keras3's order without `keras3_order` saying why: Keras's order is expected.
    conv_3d_transpose = specs / "layer_conv_3d_transpose.yaml"
    _edit(conv_3d_transpose, re.search(r"keras3_order: .*\n", conv_3d_transpose.read_text())[0], "")
    # A changed docstring.
    dropout = specs / "layer_dropout.yaml"
    dropout.write_text(
        re.sub(
            r"keras_doc_hash: \S+", "keras_doc_hash: sha256:0123456789abcdef", dropout.read_text()
        )
    )
    # Call arguments: one Keras lacks, one Keras has but the spec does not route.
    lstm = specs / "layer_lstm.yaml"
    _edit(lstm, "  - name: initial_state\n", "  - name: initial_states\n")
    # The listing: a specced class listed, an unknown class, and a class left
    # out (its spec deleted: every public class has one).
    listing = specs / "not_yet_wrapped.yaml"
    _edit(listing, "later: []\n", "later:\n  - keras.layers.Dense\n  - keras.layers.Nope\n")
    left_out = "keras.layers.Identity"
    (specs / "layer_identity.yaml").unlink()
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "drift", "--specs", "specs"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO), "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    errors = [line for line in result.stderr.splitlines() if line.startswith(("specs/", "codegen"))]
    keras_order = (
        "filters, kernel_size, strides, padding, data_format, dilation_rate, groups, activation, "
        "use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer, "
        "activity_regularizer, kernel_constraint, bias_constraint"
    )
    assert errors == [
        f"specs/layer_conv_1d.yaml:{_line(conv, '  - name: activation')}:5: error: argument "
        f"'activation' is out of order: keras.layers.Conv1D() has 'groups' here (its order: "
        f"{keras_order})",
        f"specs/layer_conv_3d_transpose.yaml:{_line(conv_3d_transpose, '  - name: output_padding')}"
        ":5: error: argument 'output_padding' is out of order: keras.layers.Conv3DTranspose() has "
        "'data_format' here (its order: filters, kernel_size, strides, padding, data_format, "
        "output_padding, dilation_rate, activation, use_bias, kernel_initializer, "
        "bias_initializer, kernel_regularizer, bias_regularizer, activity_regularizer, "
        "kernel_constraint, bias_constraint)",
        f"specs/layer_conv_lstm_1d.yaml:{_line(conv_lstm, '  - name: unroll') + 2}:14: error: "
        "default of argument 'unroll' is True in Python terms, keras.layers.ConvLSTM1D() has False",
        f"specs/layer_dense.yaml:{_line(dense, NEWLINE + 'arguments:') + 1}:1: error: "
        "keras.layers.Dense() has parameter 'lora_alpha' (default None), missing from the "
        "spec's arguments",
        f"specs/layer_dense.yaml:{_line(dense, 'default: false')}:14: error: default of argument "
        "'use_bias' is False in Python terms, keras.layers.Dense() has True",
        f"specs/layer_dense.yaml:{_line(dense, '  - name: kernel_size')}:5: error: argument "
        "'kernel_size' is not a parameter of keras.layers.Dense()",
        "specs/layer_dropout.yaml:3:17: error: the docstring of keras.layers.Dropout changed "
        "since the spec was drafted (now sha256:22103b9538513b77): review the spec against it, "
        "then set keras_doc_hash: sha256:22103b9538513b77",
        f"specs/layer_lstm.yaml:{_line(lstm, NEWLINE + 'call_arguments:') + 1}:1: error: "
        "keras.layers.LSTM.call() has parameter 'initial_state', missing from the spec's "
        "call_arguments",
        f"specs/layer_lstm.yaml:{_line(lstm, '  - name: initial_states')}:5: error: call "
        "argument 'initial_states' is not a parameter of keras.layers.LSTM.call()",
        f"specs/not_yet_wrapped.yaml: error: {left_out} has no spec and is not "
        f"listed here: draft one with python -m codegen import {left_out}, or list "
        "it under the issue that will wrap it",
        f"specs/not_yet_wrapped.yaml:{_line(listing, '  - keras.layers.Dense')}:5: error: "
        "keras.layers.Dense is listed as not yet wrapped, but specs/layer_dense.yaml wraps it: "
        "remove it from this list",
        f"specs/not_yet_wrapped.yaml:{_line(listing, '  - keras.layers.Nope')}:5: error: "
        "'keras.layers.Nope' is not a public layer class of keras.layers in Keras 3.15.1",
        "codegen drift: 12 problems against Keras 3.15.1",
    ]
    assert result.returncode == 1
    assert result.stdout == ""


def test_drift_matches_py_names_nested_defaults_and_calls_taking_args(tmp_path: Path) -> None:
    """Accepted drafts of the catalogue's harder classes agree with Keras; edits drift."""
    keras_introspect = pytest.importorskip("codegen.keras_introspect")
    shutil.copy(REPO / "specs" / "families.yaml", tmp_path)
    paths = {}
    for name in ("Lambda", "Cropping2D", "ReversibleEmbedding", "TorchModuleWrapper"):
        draft = draft_spec(keras_introspect.find_class(f"keras.layers.{name}"))
        paths[name] = tmp_path / f"{draft.r_name}.yaml"
        paths[name].write_text(accept_guesses(draft.text))
    listing = (tmp_path / "not_yet_wrapped.yaml").as_posix()

    def drifted() -> list[str]:
        errors = check_drift(load_spec_set(tmp_path), {}, listing)
        return [str(error) for error in errors if error.position.path != listing]

    assert drifted() == []
    lambda_spec, cropping = paths["Lambda"], paths["Cropping2D"]
    _edit(lambda_spec, "    py_name: function\n", "    py_name: func\n")
    _edit(cropping, "default: [[0, 0], [0, 0]]", "default: [[0, 0], [0, 1]]")
    where = f"{lambda_spec.as_posix()}:{_line(lambda_spec, NEWLINE + 'arguments:') + 1}:1"
    assert drifted() == [
        f"{cropping.as_posix()}:{_line(cropping, 'default: [[0, 0], [0, 1]]')}:14: error: "
        "default of argument 'cropping' is [[0, 0], [0, 1]] in Python terms, "
        "keras.layers.Cropping2D() has [[0, 0], [0, 0]]",
        f"{where}: error: keras.layers.Lambda() has parameter 'function' (default none "
        "(required)), missing from the spec's arguments",
        f"{lambda_spec.as_posix()}:{_line(lambda_spec, '  - name: f' + NEWLINE)}:5: error: "
        "argument 'f' (Python's 'func') is not a parameter of keras.layers.Lambda()",
    ]


def test_drift_checks_features_against_featurespace_static_methods(tmp_path: Path) -> None:
    """A `feature` spec names a method of a class; a method without a docstring has its class's."""
    keras = pytest.importorskip("keras")
    assert resolve_path("keras.utils.FeatureSpace.float") == keras.utils.FeatureSpace.float
    assert resolve_path("keras.losses.huber") is keras.losses.huber
    assert resolve_path("keras.utils.FeatureSpace.no_such_method") is None
    assert resolve_path("no_such_module.f") is None
    for name in ("families.yaml", "feature_float_rescaled.yaml", "feature_string_hashed.yaml"):
        shutil.copy(REPO / "specs" / name, tmp_path)
    listing = (tmp_path / "not_yet_wrapped.yaml").as_posix()

    def drifted() -> list[str]:
        errors = check_drift(load_spec_set(tmp_path), {}, listing)
        return [str(error) for error in errors if error.position.path != listing]

    assert drifted() == []
    rescaled = tmp_path / "feature_float_rescaled.yaml"
    hashed = tmp_path / "feature_string_hashed.yaml"
    _edit(rescaled, "    default: 1.0\n", "    default: 2.0\n")
    _edit(hashed, "FeatureSpace.string_hashed", "FeatureSpace.string_hash")
    assert drifted() == [
        f"{rescaled.as_posix()}:{_line(rescaled, 'default: 2.0')}:14: error: default of "
        "argument 'scale' is 2.0 in Python terms, keras.utils.FeatureSpace.float_rescaled() "
        "has 1.0",
        f"{hashed.as_posix()}:{_line(hashed, 'py_function:')}:14: error: no "
        "'keras.utils.FeatureSpace.string_hash' in Keras 3.15.1",
    ]
