"""Golden files: the exact R text generated from a few specs.

A deliberate change to the generator shows up here as a diff to review.
Refresh the expected files with ``UPDATE_GOLDEN=1 pytest tests/test_codegen_golden.py``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codegen.pipeline import build_outputs, load_spec_set

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "codegen_golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

# (spec directory, generated file): fixtures covering every type, inputs
# spread over query/value/key, merged inputs, the table of layer calls, and
# the three runtime forms of the other kinds (an object; values; either), and
# a function without value formals (a FeatureSpace static method), and a
# random function whose R-side argument stays in R.
CASES = [
    (GOLDEN / "specs", "layer_every_type.R"),
    (GOLDEN / "specs", "layer_spread_inputs.R"),
    (GOLDEN / "specs", "layer_merge_inputs.R"),
    (GOLDEN / "specs", "layer_calls.R"),
    (GOLDEN / "object_specs", "optimizer_object_only.R"),
    (GOLDEN / "object_specs", "activation_function_only.R"),
    (GOLDEN / "object_specs", "loss_either_form.R"),
    (GOLDEN / "object_specs", "feature_static_method.R"),
    (GOLDEN / "object_specs", "random_r_side_argument.R"),
]


@pytest.mark.parametrize(("spec_dir", "name"), CASES, ids=[name for _, name in CASES])
def test_generated_file_matches_golden(spec_dir: Path, name: str) -> None:
    generated = build_outputs(load_spec_set(spec_dir))[name]
    golden = GOLDEN / "expected" / name
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(generated, encoding="utf-8", newline="\n")
    assert golden.exists(), f"no golden file {golden}; run with UPDATE_GOLDEN=1"
    assert generated == golden.read_text(encoding="utf-8")


def test_every_golden_file_has_a_case() -> None:
    expected = {name for _, name in CASES}
    assert {path.name for path in (GOLDEN / "expected").glob("*.R")} == expected


def test_real_specs_declare_input_dtype_and_object_doc_where_they_matter() -> None:
    """Token ids stay integers; multi-input layers say how `object` is spread."""
    spec_set = load_spec_set(REPO / "specs")
    specs = {spec.r_name: spec for spec in spec_set.specs}
    outputs = build_outputs(spec_set)
    assert specs["layer_embedding"].input_dtype == "any"
    assert 'input_dtype = "any"' in outputs["layer_calls.R"].split('"keras.layers.Embedding"')[1]
    assert specs["layer_attention"].input_dtype == "float"
    # The reference page's text for `object` is the default, kept by layer_attention.
    assert specs["layer_attention"].object_doc is None
    assert (
        "#' @param object Object to compose the layer with. A tensor, array, or sequential\n"
        "#'   model.\n" in outputs["layer_attention.R"]
    )
    for name, first in (
        ("layer_multi_head_attention", "inputs"),
        ("layer_group_query_attention", "object"),
    ):
        param = outputs[f"{name}.R"].split(f"#' @param {first} ", 1)[1].split("#' @param ", 1)[0]
        assert "`list(query, value, key)`" in param and "`NULL`" in param
