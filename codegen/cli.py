"""Command line: ``python -m codegen {generate,check,validate,families,import,drift}``.

Only wiring: the stages live in their own modules.  Exit statuses are listed
in ``EXIT_STATUS_HELP`` (shown by ``--help``) and in specs/README.md.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from codegen.diagnostics import SpecErrors
from codegen.drift import add_drift_command
from codegen.importer import add_import_command
from codegen.outputs import OutputError, OutputPlan, apply_plan, plan_outputs, unified_diff
from codegen.pipeline import SpecSet, build_outputs, load_spec_set
from codegen.pkgdown import IndexBlockError, plan_reference_index, reference_index

DEFAULT_SPECS = "specs"
DEFAULT_OUT = "r-package/R"
EXIT_OK, EXIT_STALE, EXIT_SPEC_ERRORS, EXIT_OUTPUT_ERROR = 0, 1, 2, 3
EXIT_STATUS_HELP = """\
exit status:
  0  success
  1  check: generated files are stale (a diff is printed); generate: a file
     without the generated header is in the way, or the pkgdown config has no
     generated block; nothing was written; drift: a spec differs from the
     installed Keras
  2  bad specs or bad usage: every problem is printed as
     path:line:col: error: ... (or path: error: ...); nothing was written
  3  the file system refused to read or write an output (permission denied,
     disk full, name too long); the outputs are exactly as they were
"""


def main(argv: Sequence[str] | None = None) -> int:
    _escape_unencodable_output()
    arguments = _parser().parse_args(argv)
    if not arguments.needs_spec_set:  # import drafts new specs; the others need valid ones
        return arguments.run(arguments)
    # validate also asks R whether every example parses (one R process for all).
    parse_examples = arguments.command == "validate" and shutil.which("Rscript") is not None
    if arguments.command == "validate" and not parse_examples:
        print("codegen: note: Rscript not found; examples were not parsed", file=sys.stderr)
    try:
        spec_set = load_spec_set(
            Path(arguments.specs),
            # The package the wrappers go into: specs must not shadow its hand-written names.
            package_dir=Path(getattr(arguments, "out", DEFAULT_OUT)).parent,
            parse_examples=parse_examples,
        )
    except SpecErrors as failure:
        return _report_spec_errors(failure, arguments.command)
    except OSError as error:  # the directory itself (files inside are reported as spec errors)
        print(f"{error.filename}: error: cannot read: {error.strerror}", file=sys.stderr)
        return EXIT_SPEC_ERRORS
    try:
        return arguments.run(arguments, spec_set)
    except IndexBlockError as error:  # raised while planning, before anything is written
        print(error, file=sys.stderr)
        return EXIT_STALE
    except _BadUsage as error:
        print(error, file=sys.stderr)
        return EXIT_SPEC_ERRORS
    except OutputError as error:
        print(error, file=sys.stderr)
        if arguments.command == "generate":
            print("codegen: nothing was written", file=sys.stderr)
        return EXIT_OUTPUT_ERROR
    except OSError as error:  # a file beside the outputs, such as the pkgdown config
        print(f"{error.filename}: error: {error.strerror}", file=sys.stderr)
        return EXIT_OUTPUT_ERROR


class _BadUsage(Exception):
    """A command-line value that cannot work, found after parsing."""


def _escape_unencodable_output() -> None:
    # A Latin-1 (or ASCII) console cannot show every character of a spec; escape
    # what it cannot encode rather than fail with a UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m codegen",
        description="Generate rkeras's R layer wrappers from the YAML specs.",
        epilog=EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, run, help_text, writes in (
        (
            "generate",
            _generate,
            "write the R wrappers and the reference index of ../_pkgdown.yml "
            "(only files that changed)",
            True,
        ),
        ("check", _check, "exit 1 with a diff if the generated files on disk are stale", True),
        ("validate", _validate, "only validate the specs", False),
        ("families", _families, "print the pkgdown reference index grouped by family", False),
    ):
        command = commands.add_parser(name, help=help_text, description=help_text)
        command.add_argument(
            "--specs", default=DEFAULT_SPECS, help=f"spec directory (default: {DEFAULT_SPECS})"
        )
        if writes:
            command.add_argument(
                "--out", default=DEFAULT_OUT, help=f"output directory (default: {DEFAULT_OUT})"
            )
        command.set_defaults(run=run, needs_spec_set=True)
    add_import_command(commands, DEFAULT_SPECS)
    add_drift_command(commands, DEFAULT_SPECS)
    return parser


def _report_spec_errors(failure: SpecErrors, command: str) -> int:
    for error in failure.errors:
        print(error, file=sys.stderr)
    count = len(failure.errors)
    consequence = "; nothing was written" if command == "generate" else ""
    print(f"codegen: found {count} error{'s' if count != 1 else ''}{consequence}", file=sys.stderr)
    return EXIT_SPEC_ERRORS


def _plan(arguments: argparse.Namespace, spec_set: SpecSet) -> OutputPlan:
    out_dir = Path(arguments.out)
    if out_dir.exists() and not out_dir.is_dir():
        raise _BadUsage(f"{out_dir.as_posix()}: error: --out must be a directory, not a file")
    return plan_reference_index(plan_outputs(out_dir, build_outputs(spec_set)), out_dir, spec_set)


def _generate(arguments: argparse.Namespace, spec_set: SpecSet) -> int:
    plan = _plan(arguments, spec_set)
    if plan.foreign:
        _report_foreign(plan.foreign, sys.stderr)
        print("codegen: nothing was written", file=sys.stderr)
        return EXIT_STALE
    apply_plan(plan)
    for change in plan.changes:
        print(f"{change.verb} {change.path.as_posix()}")
    written = sum(change.new is not None for change in plan.changes)
    removed = len(plan.changes) - written
    print(f"codegen: {written} written, {removed} removed, {len(plan.unchanged)} unchanged")
    return EXIT_OK


def _check(arguments: argparse.Namespace, spec_set: SpecSet) -> int:
    plan = _plan(arguments, spec_set)
    if not plan.changes and not plan.foreign:
        count = len(plan.unchanged)
        print(f"codegen: {count} generated file{'s' if count != 1 else ''} up to date")
        return EXIT_OK
    sys.stdout.write(unified_diff(plan))
    _report_foreign(plan.foreign, sys.stderr)
    stale = len(plan.changes) + len(plan.foreign)
    print(
        f"codegen: {stale} generated file{'s' if stale != 1 else ''} out of date; "
        f"run: {_generate_command(arguments)}",
        file=sys.stderr,
    )
    return EXIT_STALE


def _validate(arguments: argparse.Namespace, spec_set: SpecSet) -> int:
    print(f"codegen: {len(spec_set.specs)} specs valid")
    return EXIT_OK


def _families(arguments: argparse.Namespace, spec_set: SpecSet) -> int:
    sys.stdout.write(reference_index(spec_set))
    return EXIT_OK


def _report_foreign(paths: Sequence[Path], stream: TextIO) -> None:
    for path in paths:
        print(
            f"{path.as_posix()}: error: file exists but was not generated (no generated header); "
            "refusing to overwrite it: move it away or delete it",
            file=stream,
        )


def _generate_command(arguments: argparse.Namespace) -> str:
    command = "python -m codegen generate"
    if arguments.specs != DEFAULT_SPECS:
        command += f" --specs {arguments.specs}"
    if arguments.out != DEFAULT_OUT:
        command += f" --out {arguments.out}"
    return command
