"""Reading one YAML mapping as a record: unknown, missing and mistyped keys become errors.

Every model object is built from a ``Fields`` view of its mapping, so the
shape checks (and their wording) are the same for specs, arguments and families.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from codegen.diagnostics import ErrorLog, Position, closest
from codegen.rsyntax import knitr_code
from codegen.yaml_source import YamlMap, YamlNode, YamlScalar, YamlSeq, describe

# \n separates lines; anything else that moves the cursor or is not a character
# (lone surrogates) would garble a roxygen comment or an R string.
_ALLOWED_CONTROLS = {"\n", "\t"}
_FORBIDDEN_CATEGORIES = {"Cc", "Cs", "Zl", "Zp"}
# What roxygen would run instead of showing: text in a spec is data.
_KNITR_ADVICE = {
    "inline R code": "write its result instead",
    "a code chunk": "use a plain ``` fence",
}


class Fields:
    """The entries of one mapping, checked against the keys a record may have."""

    def __init__(self, mapping: YamlMap, errors: ErrorLog) -> None:
        self.mapping = mapping
        self.errors = errors

    @classmethod
    def read(
        cls,
        node: YamlNode,
        what: str,
        *,
        required: Iterable[str],
        optional: Iterable[str] = (),
        errors: ErrorLog,
    ) -> Fields | None:
        if not isinstance(node, YamlMap):
            errors.add(node.position, f"{what} must be a mapping, got {describe(node)}")
            return None
        required = tuple(required)
        known = set(required) | set(optional)
        suggested: set[str] = set()
        for entry in node.entries:
            if entry.key not in known:
                suggestion = closest(entry.key, known)
                hint = f"; did you mean '{suggestion}'?" if suggestion else ""
                errors.add(entry.key_position, f"unknown key '{entry.key}' in {what}{hint}")
                suggested.add(suggestion)
        for key in required:
            # A misspelt key was reported above with its fix; "missing" would say it twice.
            if node.get(key) is None and key not in suggested:
                errors.add(node.position, f"{what} is missing required key '{key}'")
        return cls(node, errors)

    @property
    def position(self) -> Position:
        return self.mapping.position

    def node(self, key: str) -> YamlNode | None:
        entry = self.mapping.get(key)
        return entry.value if entry else None

    def has(self, key: str) -> bool:
        return self.mapping.get(key) is not None

    def text(self, key: str, *, single_line: bool = False) -> str | None:
        """A non-empty string with surrounding whitespace removed."""
        node = self.node(key)
        if node is None:
            return None
        return read_text(node, f"'{key}'", self.errors, single_line=single_line)

    def flag(self, key: str, default: bool) -> bool:
        node = self.node(key)
        if node is None:
            return default
        if isinstance(node, YamlScalar) and isinstance(node.value, bool):
            return node.value
        self.errors.add(node.position, f"'{key}' must be true or false, got {describe(node)}")
        return default

    def items(self, key: str) -> tuple[YamlNode, ...] | None:
        node = self.node(key)
        if node is None:
            return None
        if not isinstance(node, YamlSeq):
            self.errors.add(node.position, f"'{key}' must be a list, got {describe(node)}")
            return None
        return node.items


def read_text(
    node: YamlNode, what: str, errors: ErrorLog, *, single_line: bool = False
) -> str | None:
    if not isinstance(node, YamlScalar) or not isinstance(node.value, str):
        errors.add(node.position, f"{what} must be a string, got {describe(node)}")
        return None
    text = node.value.strip()
    if not text:
        errors.add(node.position, f"{what} must not be empty")
        return None
    for char in text:
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) in _FORBIDDEN_CATEGORIES:
            errors.add(node.position, f"{what} contains control character U+{ord(char):04X}")
            return None
    if single_line and "\n" in text:
        errors.add(node.position, f"{what} must be a single line")
        return None
    runnable = knitr_code(text)
    if runnable is not None:
        snippet, kind = runnable
        shown = snippet if len(snippet) <= 40 else snippet[:37] + "..."
        errors.add(
            node.locate(snippet),
            f"{what} contains {kind} {shown!r}, which roxygen would run when the docs "
            f"are built; {_KNITR_ADVICE[kind]}",
        )
        return None
    return text
