"""Load stage: YAML text to a tree of nodes that remember where they came from.

PyYAML's composer already records a mark for every node; we keep those marks
instead of letting the constructor throw them away, so every later error can
point at a line and column.  Duplicate keys, which PyYAML silently accepts
(the last one wins), are rejected here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import yaml

from codegen.diagnostics import ErrorLog, Position

# libyaml makes loading ~10x faster; marks are identical.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class YamlScalar:
    value: Scalar
    position: Position


@dataclass(frozen=True)
class YamlSeq:
    items: tuple[YamlNode, ...]
    position: Position


@dataclass(frozen=True)
class YamlEntry:
    key: str
    key_position: Position
    value: YamlNode


@dataclass(frozen=True)
class YamlMap:
    entries: tuple[YamlEntry, ...]
    position: Position

    def get(self, key: str) -> YamlEntry | None:
        return next((entry for entry in self.entries if entry.key == key), None)


YamlNode = YamlScalar | YamlSeq | YamlMap


def describe(node: YamlNode) -> str:
    """How a node reads in 'expected X, got Y' messages."""
    if isinstance(node, YamlMap):
        return "a mapping"
    if isinstance(node, YamlSeq):
        return "a list"
    value = node.value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean {'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"number {value!r}"
    if isinstance(value, str):
        return f"string {value!r}"
    return f"{type(value).__name__} {value!r}"


def load_yaml(text: str, path: str, errors: ErrorLog) -> YamlNode | None:
    """Parse one YAML document; record problems in ``errors`` and return None on failure."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            errors.add(Position(path, 1, 1), "file is empty")
            return None
        return _convert(root, path, loader, errors)
    except yaml.MarkedYAMLError as error:
        errors.add(_mark_position(error.problem_mark or error.context_mark, path), _syntax(error))
        return None
    finally:
        loader.dispose()


def _syntax(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or "invalid YAML"
    context = f" ({error.context})" if error.context else ""
    return f"YAML syntax error: {problem}{context}"


def _mark_position(mark: yaml.Mark | None, path: str) -> Position:
    if mark is None:
        return Position(path)
    return Position(path, mark.line + 1, mark.column + 1)


def _convert(node: yaml.Node, path: str, loader: yaml.BaseLoader, errors: ErrorLog) -> YamlNode:
    position = _mark_position(node.start_mark, path)
    if isinstance(node, yaml.MappingNode):
        return _convert_mapping(node, position, path, loader, errors)
    if isinstance(node, yaml.SequenceNode):
        items = tuple(_convert(item, path, loader, errors) for item in node.value)
        return YamlSeq(items, position)
    value = loader.construct_object(node)
    if isinstance(value, date | bytes):
        # Timestamps and binaries are YAML 1.1 surprises ("2024-01-01" is a date);
        # keep the source text so type errors show what the author wrote.
        value = node.value
    return YamlScalar(value, position)


def _convert_mapping(
    node: yaml.MappingNode,
    position: Position,
    path: str,
    loader: yaml.BaseLoader,
    errors: ErrorLog,
) -> YamlMap:
    entries: list[YamlEntry] = []
    first_seen: dict[str, Position] = {}
    for key_node, value_node in node.value:
        key_position = _mark_position(key_node.start_mark, path)
        key = _convert(key_node, path, loader, errors)
        if not isinstance(key, YamlScalar) or not isinstance(key.value, str):
            errors.add(key_position, f"mapping keys must be strings, got {describe(key)}")
            continue
        if key.value in first_seen:
            errors.add(
                key_position,
                f"duplicate key '{key.value}' (first at {_line_col(first_seen[key.value])})",
            )
            continue
        first_seen[key.value] = key_position
        entries.append(
            YamlEntry(key.value, key_position, _convert(value_node, path, loader, errors))
        )
    return YamlMap(tuple(entries), position)


def _line_col(position: Position) -> str:
    return f"{position.line}:{position.col}"
