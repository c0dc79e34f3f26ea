"""Write stage: bring an output directory in line with the rendered files.

A plan is computed first and applied only when it is safe, so a refused run
writes nothing.  Only files carrying the generated header are ours: they are
rewritten when they changed and removed when their spec is gone; any other
file in the way stops the run.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from codegen.header import GENERATED_MARKER, is_generated

OUTPUT_SUFFIX = ".R"


@dataclass(frozen=True)
class FileChange:
    path: Path
    old: str | None  # None: the file does not exist yet
    new: str | None  # None: the file is to be removed

    @property
    def verb(self) -> str:
        return "removed" if self.new is None else "wrote"


@dataclass(frozen=True)
class OutputPlan:
    changes: tuple[FileChange, ...]
    unchanged: tuple[Path, ...]
    # Files that would be overwritten but were not written by us.
    foreign: tuple[Path, ...]


def plan_outputs(out_dir: Path, rendered: Mapping[str, str]) -> OutputPlan:
    changes: list[FileChange] = []
    unchanged: list[Path] = []
    foreign: list[Path] = []
    for name in sorted(rendered):
        path = out_dir / name
        old = _read(path)
        if old is not None and not is_generated(old):
            foreign.append(path)
        elif old == rendered[name]:
            unchanged.append(path)
        else:
            changes.append(FileChange(path, old, rendered[name]))
    for path in _generated_files(out_dir):
        if path.name not in rendered:
            changes.append(FileChange(path, _read(path), None))
    return OutputPlan(tuple(changes), tuple(unchanged), tuple(foreign))


def apply_plan(plan: OutputPlan) -> None:
    if plan.foreign:
        raise ValueError("refusing to apply a plan that overwrites files we did not generate")
    for change in plan.changes:
        if change.new is None:
            change.path.unlink()
        else:
            _write_atomically(change.path, change.new)


def unified_diff(plan: OutputPlan) -> str:
    chunks = []
    for change in plan.changes:
        name = change.path.as_posix()
        chunks.extend(
            difflib.unified_diff(
                (change.old or "").splitlines(keepends=True),
                (change.new or "").splitlines(keepends=True),
                fromfile="/dev/null" if change.old is None else f"a/{name}",
                tofile="/dev/null" if change.new is None else f"b/{name}",
            )
        )
    return "".join(chunks)


def _generated_files(out_dir: Path) -> list[Path]:
    if not out_dir.is_dir():
        return []
    return sorted(
        path
        for path in out_dir.iterdir()
        if path.suffix == OUTPUT_SUFFIX and path.is_file() and _first_line_is_marker(path)
    )


def _first_line_is_marker(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace") as file:
        return is_generated(file.readline(len(GENERATED_MARKER)))


def _read(path: Path) -> str | None:
    try:
        # A hand-written file in another encoding is still recognisably not ours.
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None


def _write_atomically(path: Path, text: str) -> None:
    # A crash mid-write must not leave a truncated file that still carries the header.
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.chmod(temporary, _mode_for_new_files())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for_new_files() -> int:
    # mkstemp creates 0600; give the file the mode open() would have.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
