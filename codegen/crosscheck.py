"""Checks that need several specs (or a spec and the family registry) at once.

They run over each spec's identity (its R name, family and example, read
straight from the YAML), so they report even for specs that have other
errors, and one run shows every problem.  Checks about one spec sit where its
records are made (``codegen.model``); R reserved words are one of those, since
a name is reserved or not on its own.  Two checks look outside the specs: at
the package's hand-written R code (a spec must not shadow it) and, for
``validate``, at R's own parser (every example must parse, all in one R process).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from codegen.diagnostics import ErrorLog, Position, did_you_mean
from codegen.header import is_generated
from codegen.rsyntax import RUnavailable, r_parse_problems, unbalanced_comment_brace
from codegen.yaml_source import YamlMap, YamlNode, YamlScalar

# NAME_MAX of Linux, macOS and Windows file systems, in bytes: <r_name>.R must fit.
FILE_NAME_MAX = 255
_EXPORT = re.compile(r"^export\((.+)\)\s*$")
_TOP_LEVEL_ASSIGNMENT = re.compile(r"^`?([A-Za-z.][A-Za-z0-9._]*)`?\s*(?:<-|=)", re.MULTILINE)


@dataclass(frozen=True)
class NamedValue:
    value: str
    position: Position


@dataclass(frozen=True)
class SpecIdentity:
    r_name: NamedValue | None
    family: NamedValue | None
    example: YamlScalar | None = None


def spec_identity(root: YamlNode) -> SpecIdentity:
    example = root.get("example") if isinstance(root, YamlMap) else None
    return SpecIdentity(
        _string_value(root, "r_name"),
        _string_value(root, "family"),
        example.value if example and isinstance(example.value, YamlScalar) else None,
    )


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
    *,
    package_dir: Path | None = None,
    parse_examples: bool = False,
) -> None:
    """``declared_families`` is None when the registry could not be read (already an error).

    ``package_dir`` is the R package whose hand-written names the specs must
    leave alone; ``parse_examples`` runs R's parser over every example.
    """
    r_names = [identity.r_name for identity in identities if identity.r_name]
    _check_unique_r_names(r_names, errors)
    _check_file_name_lengths(r_names, errors)
    if package_dir is not None:
        _check_shadowing(r_names, hand_written_names(package_dir), errors)
    if parse_examples:
        _check_examples([identity.example for identity in identities if identity.example], errors)
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


def _check_file_name_lengths(r_names: Sequence[NamedValue], errors: ErrorLog) -> None:
    for r_name in r_names:
        size = len(f"{r_name.value}.R".encode())
        if size > FILE_NAME_MAX:
            errors.add(
                r_name.position,
                f"R name is {len(r_name.value)} characters long: its file {r_name.value[:20]}...R "
                f"would pass the {FILE_NAME_MAX}-byte limit on file names",
            )


def hand_written_names(package_dir: Path) -> dict[str, str]:
    """Names the package defines or exports by hand -> where, as a message shows it.

    Top-level assignments in R files without the generated header, and the
    NAMESPACE exports (re-exports such as ``compile`` included) that no
    generated file defines; empty when ``package_dir`` is not a package.
    """
    names: dict[str, str] = {}
    generated: set[str] = set()
    r_dir = package_dir / "R"
    for path in sorted(r_dir.glob("*.R")) if r_dir.is_dir() else ():
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # not ours to judge; R CMD check reports it
        if is_generated(text):
            generated.add(path.stem)
            continue
        for match in _TOP_LEVEL_ASSIGNMENT.finditer(text):
            names.setdefault(match.group(1), path.as_posix())
    namespace = package_dir / "NAMESPACE"
    try:
        lines = namespace.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    for line in lines:
        match = _EXPORT.match(line)
        name = match.group(1).strip("\"'`") if match else None
        if name and name not in generated:
            names.setdefault(name, f"exported in {namespace.as_posix()}")
    return names


def _check_shadowing(
    r_names: Sequence[NamedValue], hand_written: Mapping[str, str], errors: ErrorLog
) -> None:
    for r_name in r_names:
        where = hand_written.get(r_name.value)
        if where is not None:
            errors.add(
                r_name.position,
                f"R name '{r_name.value}' would shadow the package's hand-written "
                f"'{r_name.value}' ({where}); choose another name",
            )


def _check_examples(examples: Sequence[YamlScalar], errors: ErrorLog) -> None:
    codes = [
        example.value.strip() if isinstance(example.value, str) else "" for example in examples
    ]
    try:
        problems = r_parse_problems(codes)
    except RUnavailable as error:
        errors.add(Position("Rscript"), f"cannot parse the examples: {error}")
        return
    for example, code, problem in zip(examples, codes, problems, strict=True):
        if problem is not None:
            line, col, message = problem
            errors.add(
                _line_in(example, code, line, col), f"'example' does not parse as R: {message}"
            )
            continue
        brace_line = unbalanced_comment_brace(code)
        if brace_line is not None:
            errors.add(
                _line_in(example, code, brace_line, 1),
                "'example' has a comment with an unbalanced brace, which roxygen cannot "
                "put in the Rd examples; balance it or reword the comment",
            )


def _line_in(example: YamlScalar, code: str, line: int, col: int) -> Position:
    """Where line ``line``, column ``col`` of ``code`` stands in the spec file.

    Found by looking for the code's lines, in order, as written in the file;
    where they are not there verbatim (escapes in a quoted string), the
    example's own position.
    """
    lines = code.split("\n")
    if not 0 < line <= len(lines) or not lines[line - 1].strip():
        return example.position
    cursor = None
    for text in lines[:line]:
        if not text.strip():
            continue
        index = example.find(text, cursor)
        if index < 0:
            return example.position
        cursor = index + len(text)
    return example.position_at(index + min(max(col, 1), len(lines[line - 1]) + 1) - 1)
