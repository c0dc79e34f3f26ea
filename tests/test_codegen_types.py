"""The type table is the one source of the types: the spec-format docs show it as it is."""

from __future__ import annotations

from pathlib import Path

from codegen.argtypes import CALL_TYPES, TYPES, types_markdown
from codegen.pipeline import load_spec_set

REPO = Path(__file__).resolve().parent.parent
README = REPO / "specs" / "README.md"
COERCERS = REPO / "r-package" / "R" / "args.R"


def test_spec_format_docs_show_the_type_table() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- types:")
    block = text[text.index("\n", start) + 1 : text.index("<!-- end of types -->")]
    assert block == types_markdown()


def test_every_coercer_exists_in_the_runtime_and_call_types_are_in_arg_coercers() -> None:
    runtime = COERCERS.read_text(encoding="utf-8")
    for cls in TYPES.values():
        assert f"\n{cls.r_coercer} <- function(" in runtime, cls.r_coercer
    table = runtime[runtime.index("arg_coercers <- list(") :]
    for name in CALL_TYPES:
        assert f"  {name} = {TYPES[name].r_coercer}" in table, name


def test_the_golden_fixture_has_an_argument_of_every_type() -> None:
    """tests/codegen_golden/specs/layer_every_type.yaml pins how each type renders."""
    fixture = REPO / "tests" / "codegen_golden" / "specs"
    spec = next(spec for spec in load_spec_set(fixture).specs if spec.r_name == "layer_every_type")
    assert {argument.type.name for argument in spec.arguments} == set(TYPES)
    assert any(argument.py_name for argument in spec.arguments)
    assert any(argument.instance_only for argument in spec.call_arguments)
