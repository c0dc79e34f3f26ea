"""Write stage: bring an output directory in line with the rendered files.

A plan is computed first and applied only when it is safe, so a refused run
writes nothing.  Only files carrying the generated header are ours: they are
rewritten when they changed and removed when their spec is gone; any other
file in the way stops the run.

Applying a plan is all or nothing: every new file is first written in full
to a temporary file beside its target (where a full disk or a refused
permission shows up), and only then renamed into place, each replaced or
removed file kept as a hard link until all renames succeeded.  When anything
fails, the temporaries are deleted and the replaced files restored, so the
outputs are exactly as they were and ``OutputError`` says which file failed.
"""

from __future__ import annotations

import difflib
import errno
import os
import secrets
import tempfile
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from codegen.header import GENERATED_MARKER, is_generated

OUTPUT_SUFFIX = ".R"
# Temporary and backup files: short names (a long output name stays within
# NAME_MAX), hidden, and not *.R, so no run mistakes them for outputs.
_SCRATCH_PREFIX = ".codegen-"
# Where hard links are not supported, a backup is made by renaming instead.
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS}
T = TypeVar("T")


class OutputError(Exception):
    """The file system refused to read or write an output; nothing was changed."""

    def __init__(self, path: Path, action: str, error: OSError) -> None:
        self.path = path
        self.error = error
        reason = error.strerror or str(error)
        super().__init__(f"{path.as_posix()}: error: cannot {action}: {reason}")


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
    """Write every change or none; raises ``OutputError`` with the outputs untouched."""
    if plan.foreign:
        raise ValueError("refusing to apply a plan that overwrites files we did not generate")
    made_directories: list[Path] = []
    staged: list[tuple[Path, Path]] = []  # (temporary, target)
    try:
        for change in plan.changes:
            if change.new is not None:
                directory = change.path.parent
                made_directories += _attempt(directory, "create", _make_directories, directory)
                staged.append(
                    (_attempt(change.path, "write", _stage, change.path, change.new), change.path)
                )
        _commit(staged, [change.path for change in plan.changes if change.new is None])
    except OutputError:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for directory in reversed(made_directories):
            with suppress(OSError):
                directory.rmdir()
        raise


def _attempt(path: Path, action: str, operation: Callable[..., T], *arguments: object) -> T:
    try:
        return operation(*arguments)
    except OSError as error:
        raise OutputError(path, action, error) from error


def _make_directories(directory: Path) -> list[Path]:
    """Create ``directory`` and its missing parents; the ones created, outermost first."""
    missing: list[Path] = []
    while not directory.exists() and directory != directory.parent:
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir()
    return missing[::-1]


def _stage(path: Path, text: str) -> Path:
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=_SCRATCH_PREFIX, suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
        os.chmod(temporary, _mode_for_new_files())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def _commit(staged: list[tuple[Path, Path]], removals: list[Path]) -> None:
    """Rename the staged files into place and remove ``removals``; on failure, undo."""
    done: list[tuple[Path, Path | None]] = []  # (target, backup of what it held)
    try:
        for temporary, target in staged:
            backup = _attempt(target, "write", _backup, target)
            done.append((target, backup))
            _attempt(target, "write", os.replace, temporary, target)
        for target in removals:
            done.append((target, _attempt(target, "remove", _backup, target)))
            _attempt(target, "remove", target.unlink, True)
    except OutputError:
        for target, backup in reversed(done):
            with suppress(OSError):
                if backup is None:
                    target.unlink(missing_ok=True)
                else:
                    os.replace(backup, target)
        raise
    for _, backup in done:
        if backup is not None:
            with suppress(OSError):
                backup.unlink()


def _backup(path: Path) -> Path | None:
    """A second name for ``path``'s current content, or None if there is no such file."""
    if not os.path.lexists(path):
        return None
    while True:
        backup = path.with_name(f"{_SCRATCH_PREFIX}{secrets.token_hex(6)}.bak")
        try:
            os.link(path, backup, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError as error:
            if error.errno not in _NO_HARD_LINKS:
                raise
            os.rename(path, backup)
        return backup


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
    names = _attempt(out_dir, "list the directory", os.listdir, out_dir)
    return sorted(
        path
        for path in (out_dir / name for name in names)
        if path.suffix == OUTPUT_SUFFIX and path.is_file() and _first_line_is_marker(path)
    )


def _first_line_is_marker(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as file:
            return is_generated(file.readline(len(GENERATED_MARKER)))
    except OSError as error:
        raise OutputError(path, "read", error) from error


def _read(path: Path) -> str | None:
    try:
        # A hand-written file in another encoding is still recognisably not ours.
        return path.read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except IsADirectoryError:
        return ""  # something that is not ours stands where the file goes
    except OSError as error:
        raise OutputError(path, "read", error) from error


def _mode_for_new_files() -> int:
    # mkstemp creates 0600; give the file the mode open() would have.
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
