"""Load stage: YAML text to a tree of nodes that remember where they came from.

The tree is built straight from the parser's events, not through PyYAML's
composer, so every node keeps its line and column and the YAML features a
spec has no use for are refused where they stand instead of being obeyed:

- anchors and aliases (``&a``, ``*a``): a "billion laughs" file expands
  exponentially; refusing them keeps loading linear in the file's size;
- tags (``!!python/object``, ``!!str``, ``!anything``): they would be silently
  dropped or change a value's type behind the reader's back;
- nesting deeper than ``MAX_DEPTH``: no spec needs it, and the refusal comes
  before anything deep is built.

Duplicate keys, which PyYAML silently accepts (the last one wins), are
rejected here too.  ``load_yaml_file`` adds the file system's failures: a file
that cannot be read, a directory in its place, bytes that are not UTF-8.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from codegen.diagnostics import ErrorLog, Position

# libyaml makes loading ~10x faster; marks are identical.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A spec nests about six levels (spec > arguments > argument > type > number > min);
# anything near this limit is a mistake or an attack.
MAX_DEPTH = 32

Scalar = str | int | float | bool | None

_CORE_TAG = "tag:yaml.org,2002:"
# Implicit tags whose values we take as typed; anything else resolves to its text
# (timestamps stay strings: "2024-01-01" is a YAML 1.1 date, a surprise in a spec).
_TYPED_TAGS = {_CORE_TAG + name for name in ("null", "bool", "int", "float")}


@dataclass(frozen=True)
class YamlScalar:
    value: Scalar
    position: Position
    # Where the scalar's text lies in the source, so a check can point at a
    # place inside a long block of text (``locate``).
    source: str = field(default="", repr=False, compare=False)
    span: tuple[int, int] = field(default=(0, 0), repr=False, compare=False)

    def locate(self, snippet: str) -> Position:
        """The position of ``snippet`` as written in the source, or the scalar's own."""
        index = self.find(snippet)
        return self.position if index < 0 else self.position_at(index)

    def find(self, snippet: str, after: int | None = None) -> int:
        """Where ``snippet`` starts in the source, within this scalar (-1: not verbatim)."""
        start, end = self.span
        if self.position.line is None:
            return -1
        return self.source.find(snippet, start if after is None else after, end)

    def position_at(self, index: int) -> Position:
        return _position_at(self.source, index, self.position.path)


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


def load_yaml_file(path: Path, errors: ErrorLog) -> YamlNode | None:
    """Read and parse one spec file; every failure becomes an error at the file (or byte)."""
    display = path.as_posix()
    data = _read_bytes(path, display, errors)
    if data is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        errors.add(_byte_position(data, error.start, display), _not_utf8(data, error))
        return None
    return load_yaml(text, display, errors)


def _read_bytes(path: Path, display: str, errors: ErrorLog) -> bytes | None:
    # O_NONBLOCK: a FIFO in a spec's place must not hang the run; it is refused below.
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        errors.add(Position(display), _unreadable(error))
        return None
    try:
        mode = os.fstat(descriptor).st_mode
        if stat.S_ISDIR(mode):
            errors.add(Position(display), "is a directory, not a spec file")
            return None
        if not stat.S_ISREG(mode):
            errors.add(Position(display), "is not a regular file")
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as file:
            return file.read()
    except OSError as error:
        errors.add(Position(display), _unreadable(error))
        return None
    finally:
        os.close(descriptor)


def _unreadable(error: OSError) -> str:
    if error.errno == errno.ENOENT:
        return "file not found"
    return f"cannot read the file: {error.strerror or error}"


def _byte_position(data: bytes, index: int, path: str) -> Position:
    line_start = data.rfind(b"\n", 0, index) + 1
    # Everything before the bad byte decoded, so the column counts characters.
    column = len(data[line_start:index].decode("utf-8")) + 1
    return Position(path, data.count(b"\n", 0, index) + 1, column)


def _not_utf8(data: bytes, error: UnicodeDecodeError) -> str:
    return f"file is not valid UTF-8: byte 0x{data[error.start]:02x} ({error.reason})"


def load_yaml(text: str, path: str, errors: ErrorLog) -> YamlNode | None:
    """Parse one YAML document; record problems in ``errors`` and return None on failure."""
    loader = _Loader(text)
    try:
        return _Builder(text, path, loader, errors).document()
    except _Abandoned:
        return None
    except yaml.MarkedYAMLError as error:
        errors.add(_mark_position(error.problem_mark or error.context_mark, path), _syntax(error))
        return None
    except yaml.reader.ReaderError as error:
        errors.add(
            _position_at(text, error.position, path),
            f"YAML syntax error: unacceptable character #x{error.character:04x} ({error.reason})",
        )
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


def _position_at(text: str, index: int, path: str) -> Position:
    line_start = text.rfind("\n", 0, index) + 1
    return Position(path, text.count("\n", 0, index) + 1, index - line_start + 1)


def _show_tag(tag: str) -> str:
    return "!!" + tag.removeprefix(_CORE_TAG) if tag.startswith(_CORE_TAG) else tag


@dataclass
class _Collection:
    """A mapping or list being built; items arrive one event at a time."""

    position: Position
    is_mapping: bool
    items: list[YamlNode] = field(default_factory=list)


class _Builder:
    """Builds the node tree from parser events with an explicit stack: no recursion,
    so depth costs nothing until ``MAX_DEPTH`` refuses it."""

    def __init__(self, text: str, path: str, loader: yaml.BaseLoader, errors: ErrorLog) -> None:
        self.text = text
        self.path = path
        self.loader = loader
        self.errors = errors
        # Anchors, aliases and depth make the whole file unusable; tags and
        # duplicate keys leave the rest worth checking.
        self.refused = False
        self.anchors: set[str] = set()

    def document(self) -> YamlNode | None:
        loader = self.loader
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            self.errors.add(Position(self.path, 1, 1), "file is empty")
            return None
        start = loader.get_event()  # DocumentStart
        root = self._node()
        loader.get_event()  # DocumentEnd
        if loader.check_event(yaml.DocumentStartEvent):
            extra = loader.get_event()
            raise yaml.composer.ComposerError(
                "expected a single document in the stream",
                start.start_mark,
                "but found another document",
                extra.start_mark,
            )
        return None if self.refused else root

    def _node(self) -> YamlNode | None:
        stack: list[_Collection] = []
        while True:
            event = self.loader.get_event()
            if isinstance(event, yaml.CollectionEndEvent):
                done = stack.pop()
                node = self._finish(done)
            elif isinstance(event, yaml.CollectionStartEvent):
                self._check_properties(event)
                if len(stack) == MAX_DEPTH:
                    self.errors.add(
                        self._position(event.start_mark),
                        f"nesting deeper than {MAX_DEPTH} levels; a spec needs a handful",
                    )
                    self.refused = True
                    # Nothing deeper is read: the refusal costs no more than the depth allowed.
                    raise _Abandoned
                stack.append(
                    _Collection(
                        self._position(event.start_mark),
                        isinstance(event, yaml.MappingStartEvent),
                    )
                )
                continue
            elif isinstance(event, yaml.AliasEvent):
                # An alias of a refused anchor adds nothing: a "billion laughs" file
                # gets one error per anchor, not one per alias.
                if event.anchor not in self.anchors:
                    self.errors.add(
                        self._position(event.start_mark),
                        f"YAML alias '*{event.anchor}' is not allowed in specs "
                        "(anchors and aliases are refused: write the value out)",
                    )
                self.refused = True
                node = YamlScalar(None, self._position(event.start_mark))
            else:
                self._check_properties(event)
                node = self._scalar(event)
            if not stack:
                return node
            stack[-1].items.append(node)

    def _check_properties(self, event: yaml.NodeEvent) -> None:
        position = self._position(event.start_mark)
        if event.anchor is not None:
            self.anchors.add(event.anchor)
            self.errors.add(
                position,
                f"YAML anchor '&{event.anchor}' is not allowed in specs "
                "(anchors and aliases are refused: write the value out)",
            )
            self.refused = True
        if event.tag is not None:
            self.errors.add(
                position,
                f"YAML tag '{_show_tag(event.tag)}' is not allowed in specs "
                "(write the plain value; quote it to make it a string)",
            )

    def _scalar(self, event: yaml.ScalarEvent) -> YamlScalar:
        position = self._position(event.start_mark)
        span = (event.start_mark.index, event.end_mark.index)
        value: Scalar = event.value
        if event.tag is None and event.implicit[0]:
            tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag in _TYPED_TAGS:
                node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark)
                value = self.loader.construct_object(node)
        return YamlScalar(value, position, self.text, span)

    def _finish(self, collection: _Collection) -> YamlNode:
        if not collection.is_mapping:
            return YamlSeq(tuple(collection.items), collection.position)
        entries: list[YamlEntry] = []
        first_seen: dict[str, Position] = {}
        items = collection.items
        for key, value in zip(items[::2], items[1::2], strict=True):
            if not isinstance(key, YamlScalar) or not isinstance(key.value, str):
                self.errors.add(key.position, f"mapping keys must be strings, got {describe(key)}")
                continue
            if key.value in first_seen:
                self.errors.add(
                    key.position,
                    f"duplicate key '{key.value}' (first at {_line_col(first_seen[key.value])})",
                )
                continue
            first_seen[key.value] = key.position
            entries.append(YamlEntry(key.value, key.position, value))
        return YamlMap(tuple(entries), collection.position)

    def _position(self, mark: yaml.Mark) -> Position:
        return _mark_position(mark, self.path)


class _Abandoned(Exception):
    """Stops building a file whose refusal is already recorded."""


def _line_col(position: Position) -> str:
    return f"{position.line}:{position.col}"
