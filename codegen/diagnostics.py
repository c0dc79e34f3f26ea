"""Positions in spec files and the errors reported against them.

Error text is a tested contract (tests/codegen_cases): every problem is one line
``path:line:col: error: message`` so editors and CI annotate it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Position:
    """A 1-based place in a spec file; line and col are None for whole-file problems."""

    path: str
    line: int | None = None
    col: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.path
        return f"{self.path}:{self.line}:{self.col}"


@dataclass(frozen=True)
class SpecError:
    position: Position
    message: str

    def __str__(self) -> str:
        return f"{self.position}: error: {self.message}"


@dataclass
class ErrorLog:
    """Collects every problem of a run so one invocation reports them all."""

    errors: list[SpecError] = field(default_factory=list)

    def add(self, position: Position, message: str) -> None:
        self.errors.append(SpecError(position, message))

    def __bool__(self) -> bool:
        return bool(self.errors)

    def sorted(self) -> list[SpecError]:
        # Sorting by position (not by discovery order) keeps output stable when
        # checks are reordered.
        return sorted(self.errors, key=lambda error: _sort_key(error.position))


def _sort_key(position: Position) -> tuple[str, int, int]:
    return (position.path, position.line or 0, position.col or 0)


class SpecErrors(Exception):
    """Raised by a stage that found problems; carries all of them."""

    def __init__(self, errors: Iterable[SpecError]) -> None:
        self.errors = sorted(errors, key=lambda error: _sort_key(error.position))
        super().__init__("\n".join(str(error) for error in self.errors))


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``word`` is most likely a misspelling of, if any is close."""
    matches = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A ``; did you mean 'x'?`` suffix for a misspelt word, or ''."""
    match = closest(word, candidates)
    return f"; did you mean '{match}'?" if match else ""
