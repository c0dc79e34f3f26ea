"""The registry of layer families (``specs/families.yaml``).

A family groups wrappers on the docs site: roxygen's ``@family`` links the
members to each other ("Other attention layers:") and the pkgdown reference
index gets one section per family.  Keeping them in a registry lets a
misspelt family in a spec be an error instead of a new, lonely family.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from codegen.diagnostics import ErrorLog, Position
from codegen.fields import Fields
from codegen.yaml_source import YamlMap, YamlNode, describe

FAMILIES_FILE = "families.yaml"


@dataclass(frozen=True)
class Family:
    id: str
    title: str  # roxygen @family text: "attention layers"
    pkgdown_title: str  # reference index heading: "Attention layers"
    position: Position = field(compare=False)


def declared_family_ids(root: YamlNode) -> frozenset[str]:
    """Every id the registry names, valid entry or not: a spec naming one is not misspelt."""
    return (
        frozenset(entry.key for entry in root.entries) if isinstance(root, YamlMap) else frozenset()
    )


def parse_families(root: YamlNode, errors: ErrorLog) -> dict[str, Family]:
    if not isinstance(root, YamlMap):
        errors.add(
            root.position,
            f"families registry must be a mapping of id to family, got {describe(root)}",
        )
        return {}
    families: dict[str, Family] = {}
    for entry in root.entries:
        family = _parse_family(entry.key, entry.value, errors)
        if family is not None:
            families[family.id] = family
    return families


def _parse_family(family_id: str, node: YamlNode, errors: ErrorLog) -> Family | None:
    fields = Fields.read(
        node, f"family '{family_id}'", required=("title", "pkgdown_title"), errors=errors
    )
    if fields is None:
        return None
    title = fields.text("title", single_line=True)
    pkgdown_title = fields.text("pkgdown_title", single_line=True)
    if title is None or pkgdown_title is None:
        return None
    return Family(family_id, title, pkgdown_title, fields.position)
