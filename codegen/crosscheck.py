"""Checks that need several specs (or a spec and the family registry) at once.

They run over each spec's identity (its R name and family, read straight from
the YAML), so they report even for specs that have other errors, and one run
shows every problem.  Checks about one spec sit where its records are made
(``codegen.model``); R reserved words are one of those, since a name is
reserved or not on its own.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from codegen.diagnostics import ErrorLog, Position, did_you_mean
from codegen.yaml_source import YamlMap, YamlNode, YamlScalar


@dataclass(frozen=True)
class NamedValue:
    value: str
    position: Position


@dataclass(frozen=True)
class SpecIdentity:
    r_name: NamedValue | None
    family: NamedValue | None


def spec_identity(root: YamlNode) -> SpecIdentity:
    return SpecIdentity(_string_value(root, "r_name"), _string_value(root, "family"))


def _string_value(root: YamlNode, key: str) -> NamedValue | None:
    entry = root.get(key) if isinstance(root, YamlMap) else None
    if entry is None or not isinstance(entry.value, YamlScalar):
        return None
    value = entry.value.value
    return NamedValue(value.strip(), entry.value.position) if isinstance(value, str) else None


def check_across_specs(
    identities: Sequence[SpecIdentity],
    declared_families: Collection[str] | None,
    families_file: str,
    errors: ErrorLog,
) -> None:
    """``declared_families`` is None when the registry could not be read (already an error)."""
    r_names = [identity.r_name for identity in identities if identity.r_name]
    _check_unique_r_names(r_names, errors)
    if declared_families is not None:
        family_ids = [identity.family for identity in identities if identity.family]
        _check_known_families(family_ids, declared_families, families_file, errors)


def _check_unique_r_names(r_names: Sequence[NamedValue], errors: ErrorLog) -> None:
    first: dict[str, Position] = {}
    # Specs arrive sorted by path, so "first" is the same on every run.
    for r_name in r_names:
        if r_name.value in first:
            errors.add(
                r_name.position,
                f"duplicate R name '{r_name.value}'; first defined at {first[r_name.value]}",
            )
        else:
            first[r_name.value] = r_name.position


def _check_known_families(
    family_ids: Sequence[NamedValue],
    declared_families: Collection[str],
    families_file: str,
    errors: ErrorLog,
) -> None:
    for family_id in family_ids:
        if family_id.value not in declared_families:
            hint = did_you_mean(family_id.value, declared_families)
            errors.add(
                family_id.position,
                f"unknown family '{family_id.value}'{hint} "
                f"(families are declared in {families_file})",
            )
