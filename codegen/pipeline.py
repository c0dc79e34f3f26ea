"""The load -> model -> view -> render stages over a directory of specs, as one call.

``build_outputs`` is what ``generate`` writes and what ``check`` compares; it
raises ``SpecErrors`` with every problem of every spec, so nothing is written
unless all specs are valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from codegen.crosscheck import SpecIdentity, check_across_specs, spec_identity
from codegen.diagnostics import ErrorLog, Position, SpecError, SpecErrors
from codegen.families import FAMILIES_FILE, Family, declared_family_ids, parse_families
from codegen.header import generated_header
from codegen.model import LayerSpec, ObjectSpec, parse_spec
from codegen.render import TEMPLATES_DIR, render_layer_calls, render_wrapper
from codegen.view import layer_call_view, object_view, wrapper_view
from codegen.yaml_source import YamlNode, load_yaml_file

SPEC_SUFFIX = ".yaml"
# The one output made from every spec together: how each layer is called.
LAYER_CALLS_OUTPUT = "layer_calls.R"
# YAML files beside the specs that are no specs: the family registry, and
# the Keras classes not wrapped yet (read by codegen drift).
NOT_YET_WRAPPED_FILE = "not_yet_wrapped.yaml"
NOT_SPEC_FILES = frozenset({FAMILIES_FILE, NOT_YET_WRAPPED_FILE})


@dataclass(frozen=True)
class SpecSet:
    # Sorted by file name, whatever order the directory lists.
    specs: tuple[LayerSpec | ObjectSpec, ...]
    families: Mapping[str, Family]
    # What each spec's generated header calls it: "specs/layer_attention.yaml",
    # independent of where the directory sits, so output is the same in every clone.
    sources: Mapping[str, str]
    families_source: str  # "specs/families.yaml", likewise


def output_name(spec: LayerSpec | ObjectSpec) -> str:
    return f"{spec.r_name}.R"


def load_spec_set(
    specs_dir: Path, *, package_dir: Path | None = None, parse_examples: bool = False
) -> SpecSet:
    """``package_dir``: the R package whose hand-written names specs must not take;
    ``parse_examples``: run R's parser over every example (``validate``)."""
    errors = ErrorLog()
    if not specs_dir.is_dir():
        raise SpecErrors([SpecError(Position(specs_dir.as_posix()), "specs directory not found")])
    families_path = specs_dir / FAMILIES_FILE
    families_root = _load_file(families_path, errors)
    families = parse_families(families_root, errors) if families_root is not None else {}
    declared_families = declared_family_ids(families_root) if families_root is not None else None
    spec_paths = sorted(
        (
            path
            for path in specs_dir.iterdir()
            if path.suffix == SPEC_SUFFIX and path.name not in NOT_SPEC_FILES
        ),
        key=lambda path: path.name,
    )
    if not spec_paths:
        errors.add(Position(specs_dir.as_posix()), f"no spec files (*{SPEC_SUFFIX}) found")
    specs: list[LayerSpec | ObjectSpec] = []
    identities: list[SpecIdentity] = []
    sources: dict[str, str] = {}
    for path in spec_paths:
        root = _load_file(path, errors)
        if root is None:
            continue
        identities.append(spec_identity(root))
        spec = parse_spec(root, errors)
        if spec is not None:
            specs.append(spec)
            sources[spec.r_name] = f"{specs_dir.resolve().name}/{path.name}"
    check_across_specs(
        identities,
        declared_families,
        families_path.as_posix(),
        errors,
        package_dir=package_dir,
        parse_examples=parse_examples,
    )
    if errors:
        raise SpecErrors(errors.errors)
    families_source = f"{specs_dir.resolve().name}/{FAMILIES_FILE}"
    return SpecSet(tuple(specs), families, sources, families_source)


def build_outputs(spec_set: SpecSet, templates_dir: Path = TEMPLATES_DIR) -> dict[str, str]:
    """File name -> content of every generated file."""
    outputs = {
        output_name(spec): render_wrapper(
            (wrapper_view if isinstance(spec, LayerSpec) else object_view)(
                spec, spec_set.families[spec.family], spec_set.sources[spec.r_name]
            ),
            templates_dir,
        )
        for spec in spec_set.specs
    }
    specs_dir = spec_set.families_source.split("/")[0]
    outputs[LAYER_CALLS_OUTPUT] = render_layer_calls(
        generated_header(f"{specs_dir}/*{SPEC_SUFFIX}"),
        tuple(layer_call_view(spec) for spec in spec_set.specs if isinstance(spec, LayerSpec)),
        templates_dir,
    )
    return outputs


def _load_file(path: Path, errors: ErrorLog) -> YamlNode | None:
    return load_yaml_file(path, errors)
