"""``python -m codegen import``: drafts from the installed Keras, as exact text.

Golden drafts cover a dense layer, a convolution, a recurrent layer, a
preprocessing layer and a merging layer; refresh them with
``UPDATE_GOLDEN=1 pytest tests/test_codegen_import.py`` and review the diff.
Keras is imported once, in this process.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from codegen.cli import main
from codegen.diagnostics import SpecErrors
from codegen.docstring import parse_docstring, r_words
from codegen.drift import check_drift
from codegen.importer import (
    Guess,
    accept_guesses,
    draft_spec,
    guess_type,
    quoted_options,
    r_formal,
)
from codegen.keras_introspect import REQUIRED as REQUIRED_DEFAULT
from codegen.keras_introspect import r_name_for
from codegen.pipeline import load_spec_set

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "codegen_golden" / "import"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
GOLDEN_CLASSES = (
    "Dense",
    "Conv2D",
    "LSTM",
    "CategoryEncoding",
    "Dot",
    # nested_integers; r_function under an R name of its own (py_name) and an
    # instance-only call argument; a call argument prefixing a constructor
    # argument; layer and arrays.
    "Cropping2D",
    "Lambda",
    "ReversibleEmbedding",
    "Bidirectional",
)
# Classes whose drafts the type vocabulary cannot express yet, with the one
# error each gets once its guesses are accepted.  An entry that starts to
# validate fails the test: delete it then.  None is left: every public class
# of keras.layers drafts a valid spec.
NOT_YET_EXPRESSIBLE: dict[str, str] = {}

keras_introspect = pytest.importorskip("codegen.keras_introspect")
pytest.importorskip("keras")


@pytest.mark.parametrize("name", GOLDEN_CLASSES)
def test_draft_matches_golden(name: str) -> None:
    draft = draft_spec(keras_introspect.find_class(f"keras.layers.{name}"))
    golden = GOLDEN / f"{draft.r_name}.yaml"
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(draft.text, encoding="utf-8", newline="\n")
    assert golden.exists(), f"no golden draft {golden}; run with UPDATE_GOLDEN=1"
    assert draft.text == golden.read_text(encoding="utf-8")


def test_every_golden_draft_has_a_case() -> None:
    names = {
        r_name_for(name, keras_introspect.find_class(f"keras.layers.{name}").module)
        for name in GOLDEN_CLASSES
    }
    assert {path.stem for path in GOLDEN.glob("*.yaml")} == names


def test_every_public_class_drafts_a_valid_spec_once_its_guesses_are_accepted(
    tmp_path: Path,
) -> None:
    shutil.copy(REPO / "specs" / "families.yaml", tmp_path)
    classes = keras_introspect.public_layer_classes()
    for keras_class in classes:
        draft = draft_spec(keras_class)
        (tmp_path / f"{draft.r_name}.yaml").write_text(accept_guesses(draft.text))
    assert len(list(tmp_path.glob("*.yaml"))) == len(classes) + 1  # one file per class
    try:
        spec_set = load_spec_set(tmp_path)
    except SpecErrors as failure:
        errors = {
            str(error.position).removeprefix(f"{tmp_path.as_posix()}/"): error.message
            for error in failure.errors
        }
    else:
        errors = {}
    assert errors == NOT_YET_EXPRESSIBLE
    # ... and agrees with Keras: drift finds nothing but the (absent) listing.
    drifted = [
        str(error)
        for error in check_drift(spec_set, {}, (tmp_path / "not_yet_wrapped.yaml").as_posix())
    ]
    assert drifted == []


def test_validate_refuses_every_review_mark_with_its_line(tmp_path: Path) -> None:
    shutil.copy(REPO / "specs" / "families.yaml", tmp_path)
    draft = draft_spec(keras_introspect.find_class("keras.layers.Dot"))
    path = tmp_path / f"{draft.r_name}.yaml"
    path.write_text(draft.text)
    with pytest.raises(SpecErrors) as failure:
        load_spec_set(tmp_path)
    marks = draft.marks()
    assert [error.position.line for error in failure.value.errors] == [line for line, _ in marks]
    assert [str(error) for error in failure.value.errors][:2] == [
        f"{path.as_posix()}:7:9: error: unresolved review mark on the spec: example: Keras's "
        "example does not translate mechanically; this one only constructs the layer, with "
        "placeholder values for its required arguments (check the draft, then delete 'review')",
        f"{path.as_posix()}:26:13: error: unresolved review mark on argument 'axes': axis type "
        "from the name 'axes' (check the draft, then delete 'review')",
    ]


def test_import_writes_the_draft_and_refuses_to_overwrite_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(REPO / "specs" / "families.yaml", tmp_path)
    specs = tmp_path.as_posix()
    assert main(["import", "keras.layers.Conv2D", "--specs", specs]) == 0
    out = capsys.readouterr().out
    written = tmp_path / "layer_conv_2d.yaml"
    assert written.read_text() == (GOLDEN / "layer_conv_2d.yaml").read_text()
    assert out.splitlines()[-1] == (
        f"codegen: drafted {written.as_posix()} from keras.layers.Conv2D; 4 to review"
    )
    assert out.splitlines()[0].startswith(f"{written.as_posix()}:")

    assert main(["import", "keras.layers.Conv2D", "--specs", specs]) == 2
    assert capsys.readouterr().err == (
        f"{written.as_posix()}: error: a spec exists here; refusing to overwrite it "
        "(move it away to redraft)\n"
    )
    assert main(["import", "keras.layers.Conv2D", "--r-name", "layer_conv_2d", "--specs", specs])
    assert "refusing to overwrite" in capsys.readouterr().err
    assert written.read_text() == (GOLDEN / "layer_conv_2d.yaml").read_text()
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "families.yaml",
        "layer_conv_2d.yaml",
    ]


def test_import_bad_usage_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(REPO / "specs" / "families.yaml", tmp_path)
    specs = tmp_path.as_posix()
    cases = [
        (["keras.layers.Nope"], "keras.layers.Nope: error: 'keras.layers' has no class 'Nope'\n"),
        (["keras.ops.add"], "keras.ops.add: error: 'keras.ops' has no class 'add'\n"),
        (
            ["keras.layers.Dense", "--family", "cores"],
            f"{specs}/families.yaml: error: unknown family 'cores'; did you mean 'core'?\n",
        ),
        (
            ["keras.layers.Dense", "--r-name", "if"],
            "--r-name: error: 'if' is a reserved word in R\n",
        ),
    ]
    for arguments, expected in cases:
        assert main(["import", *arguments, "--specs", specs]) == 2
        assert capsys.readouterr().err == expected
    assert main(["import", "keras.layers.Dense", "--specs", f"{specs}/nowhere"]) == 2
    assert capsys.readouterr().err == f"{specs}/nowhere: error: specs directory not found\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["families.yaml"]


def test_import_missing_lists_classes_without_a_spec(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Two specs of the repository, so the catalogue's progress changes nothing here.
    for name in ("families.yaml", "layer_dense.yaml", "layer_attention.yaml"):
        shutil.copy(REPO / "specs" / name, tmp_path)
    assert main(["import", "--missing", "keras.layers", "--specs", str(tmp_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = {line.split()[0]: line.split()[1:] for line in lines[:-1]}
    assert rows["keras.layers.Conv2D"] == ["layer_conv_2d", "convolution"]
    assert rows["keras.layers.LSTMCell"] == ["rnn_cell_lstm", "recurrent"]
    assert rows["keras.layers.PReLU"] == ["layer_activation_parametric_relu", "activation"]
    assert "keras.layers.Dense" not in rows  # specced
    assert "keras.layers.Attention" not in rows  # specced as rkeras_backend.Attention
    assert "keras.layers.AvgPool2D" not in rows  # an alias of AveragePooling2D
    assert "keras.layers.Layer" not in rows  # a base class
    assert lines[-1].startswith(f"codegen: {len(rows)} of ")


@pytest.mark.parametrize(
    ("class_name", "module", "r_name"),
    [
        ("LayerNormalization", "", "layer_layer_normalization"),
        ("Normalization", "", "layer_normalization"),
        ("Conv2D", "", "layer_conv_2d"),
        ("Conv1DTranspose", "", "layer_conv_1d_transpose"),
        ("ConvLSTM2D", "", "layer_conv_lstm_2d"),
        ("UpSampling2D", "", "layer_upsampling_2d"),
        ("ZeroPadding2D", "", "layer_zero_padding_2d"),
        ("GlobalAveragePooling2D", "", "layer_global_average_pooling_2d"),
        ("LSTMCell", "", "rnn_cell_lstm"),
        ("GRUCell", "", "rnn_cell_gru"),
        ("SimpleRNNCell", "", "rnn_cell_simple"),
        ("StackedRNNCells", "", "rnn_cells_stack"),
        ("TFSMLayer", "", "layer_tfsm"),
        ("MultiHeadAttention", "", "layer_multi_head_attention"),
        ("STFTSpectrogram", "", "layer_stft_spectrogram"),
        ("PReLU", "keras.src.layers.activations.prelu", "layer_activation_parametric_relu"),
        ("ReLU", "keras.src.layers.activations.relu", "layer_activation_relu"),
        ("ELU", "keras.src.layers.activations.elu", "layer_activation_elu"),
        ("LeakyReLU", "keras.src.layers.activations.leaky_relu", "layer_activation_leaky_relu"),
        ("Softmax", "keras.src.layers.activations.softmax", "layer_activation_softmax"),
        ("Activation", "keras.src.layers.activations.activation", "layer_activation"),
    ],
)
def test_r_names_follow_keras3(class_name: str, module: str, r_name: str) -> None:
    assert r_name_for(class_name, module) == r_name


def test_docs_speak_r_and_guesses_are_marked() -> None:
    assert r_words("If `True`, None, False. None of the inputs") == (
        "If `TRUE`, NULL, FALSE. None of the inputs"
    )
    doc = parse_docstring("Title line.\n\nArgs:\n    rate: Float between 0 and 1.\n")
    assert (doc.title, doc.description, doc.args) == (
        "Title line.",
        "",
        {"rate": "Float between 0 and 1."},
    )
    assert guess_type("use_bias", True, "").note is None
    assert guess_type("units", None, "Positive integer, the size.").type == "{integer: {min: 1}}"
    assert guess_type("units", None, "Positive integer, the size.").note is not None
    assert guess_type("padding", "valid", '`"valid"` or `"same"`.').type == (
        "{choice: [valid, same]}"
    )
    assert guess_type("thing", None, "Some object.").type == "keras_object"
    assert quoted_options('One of `"a"`, `"b"` or "c".\n\nNot `"d"`.') == ("a", "b", "c")


@pytest.mark.parametrize(
    ("name", "default", "doc", "guessed"),
    [
        (
            "cropping",
            ((0, 0), (0, 0)),
            "Int, or tuple of 2 ints, or tuple of 2 tuples of 2 ints.",
            "nested_integers",
        ),
        (
            "padding",
            (1, 1),
            "Int, or tuple of 2 ints, or tuple of 2 tuples of 2 ints.",
            "nested_integers",
        ),
        (
            "padding",
            1,
            "Int, or tuple of 3 ints, or tuple of 3 tuples of 2 ints.",
            "nested_integers",
        ),
        ("cropping", (1, 1), "Int, or tuple of int (length 2).", "integers"),
        (
            "value_range",
            (0, 255),
            "Optional list/tuple of 2 floats specifying the range.",
            "numbers",
        ),
        ("scale", (0.02, 0.33), "A tuple of two floats representing the aspect ratio.", "numbers"),
        ("weights", None, "Optional floating-point matrix.", "arrays"),
        ("layer", REQUIRED_DEFAULT, "`keras.layers.RNN` instance, such as LSTM.", "layer"),
        ("backward_layer", None, "Optional `keras.layers.RNN`.", "layer"),
        ("cells", REQUIRED_DEFAULT, "List of RNN cell instances.", "layers"),
        (
            "cell",
            REQUIRED_DEFAULT,
            "A RNN cell instance or a list of RNN cell instances.",
            "layers",
        ),
        ("function", REQUIRED_DEFAULT, "The function to be evaluated.", "r_function"),
        ("name", None, "Not documented in Keras's docstring.", "string"),
    ],
)
def test_the_catalogue_types_are_guessed_without_review(
    name: str, default: object, doc: str, guessed: str
) -> None:
    assert guess_type(name, default, doc) == Guess(guessed)


def test_guesses_of_the_catalogue_types_from_less_evidence_are_marked() -> None:
    assert guess_type("factor", REQUIRED_DEFAULT, "Float or a list/tuple of 2 floats.") == Guess(
        "numbers", "several numbers by the docstring"
    )
    assert guess_type("margins", ((1, 1), (2, 2)), "Margins.") == Guess(
        "nested_integers", "nested by the default"
    )
    assert guess_type("init_fn", None, "The function to initialize.") == Guess(
        "r_function", "a function by its name or docstring"
    )
    assert guess_type("mask", None, "Either None or a callable.").type == "r_function"
    assert guess_type("inner_layer", None, "Something.") == Guess("layer", "a layer by its name")


def test_r_formals_follow_keras3_where_r_reserves_the_name() -> None:
    assert r_formal("function") == "f"
    assert r_formal("repeat") == "repeat_"
    assert r_formal("units") == "units"


def test_a_call_argument_a_constructor_argument_takes_is_instance_only() -> None:
    lambda_draft = draft_spec(keras_introspect.find_class("keras.layers.Lambda")).text
    assert "  - name: f\n    py_name: function\n    type: r_function\n" in lambda_draft
    assert "layer <- layer_lambda(f = function(x) x)" in lambda_draft
    calls = lambda_draft[lambda_draft.index("call_arguments:") :]
    assert calls.startswith(
        "call_arguments:\n  - name: mask\n    type: tensor\n    instance_only: true\n"
    )
    embedding = draft_spec(keras_introspect.find_class("keras.layers.ReversibleEmbedding")).text
    assert "  - name: reverse\n    type: flag\n    instance_only: true\n" in embedding
    assert "left out" not in embedding


def test_wrap_r_line_breaks_only_after_commas_inside_brackets_outside_strings() -> None:
    from codegen.importer import wrap_r_line

    assert wrap_r_line("x <- 1") == "x <- 1"
    line = "  y <- f(" + ", ".join(f'"{i}, {i}"' for i in range(20)) + ")"
    wrapped = wrap_r_line(line, width=40)
    pieces = wrapped.split("\n")
    assert all(len(piece) <= 40 for piece in pieces)
    assert all(piece.startswith("    ") for piece in pieces[1:])
    # Joined back, only the breaks' whitespace differs: no string was cut.
    assert " ".join(piece.strip() for piece in pieces) == line.strip()
    # Nothing to break at: left as it is.
    assert wrap_r_line("z <- " + "a" * 120) == "z <- " + "a" * 120
