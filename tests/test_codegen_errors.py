"""The error corpus: bad specs and the exact text ``validate`` prints for them.

Each directory in tests/codegen_cases holds a ``specs/`` tree and
``expected.txt`` (stderr, byte for byte); exit status is always 2.  The real
``specs/families.yaml`` is added to every case that does not bring its own,
except cases holding a ``NO_FAMILIES_REGISTRY`` file.  After a deliberate
wording change, rewrite the expectations with ``UPDATE_GOLDEN=1`` and review
the diff: the text is a contract.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from codegen.cli import EXIT_SPEC_ERRORS, main

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "codegen_cases"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _case_names() -> list[str]:
    return sorted(path.name for path in CASES.iterdir() if path.is_dir())


@pytest.mark.parametrize("case", _case_names())
def test_validate_reports_exactly(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = CASES / case
    shutil.copytree(source / "specs", tmp_path / "specs")
    registry = tmp_path / "specs" / "families.yaml"
    if not registry.exists() and not (source / "NO_FAMILIES_REGISTRY").exists():
        shutil.copy(REPO / "specs" / "families.yaml", registry)
    monkeypatch.chdir(tmp_path)

    status = main(["validate"])

    captured = capsys.readouterr()
    expected_file = source / "expected.txt"
    if UPDATE:
        expected_file.write_text(captured.err, encoding="utf-8", newline="\n")
    assert status == EXIT_SPEC_ERRORS
    assert captured.out == ""
    assert captured.err == expected_file.read_text(encoding="utf-8")


def test_generate_reports_the_same_errors_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = CASES / "errors_in_several_specs"
    shutil.copytree(source / "specs", tmp_path / "specs")
    shutil.copy(REPO / "specs" / "families.yaml", tmp_path / "specs")
    monkeypatch.chdir(tmp_path)

    status = main(["generate", "--out", "out"])

    expected = (source / "expected.txt").read_text(encoding="utf-8")
    assert status == EXIT_SPEC_ERRORS
    assert capsys.readouterr().err == expected.replace(
        "found 4 errors\n", "found 4 errors; nothing was written\n"
    )
    assert not (tmp_path / "out").exists()
