"""Command line: ``python -m codegen {generate,check,validate,families,import,drift}``.

Only wiring: the stages live in their own modules.  Exit status: 0 success,
1 outputs stale (check), a foreign file in the way (generate) or no generated
block in the pkgdown config, 2 spec errors or bad usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from codegen.diagnostics import SpecErrors
from codegen.drift import add_drift_command
from codegen.importer import add_import_command
from codegen.outputs import OutputPlan, apply_plan, plan_outputs, unified_diff
from codegen.pipeline import SpecSet, build_outputs, load_spec_set
from codegen.pkgdown import IndexBlockError, plan_reference_index, reference_index

DEFAULT_SPECS = "specs"
DEFAULT_OUT = "r-package/R"
EXIT_OK, EXIT_STALE, EXIT_SPEC_ERRORS = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if not arguments.needs_spec_set:  # import drafts new specs; the others need valid ones
        return arguments.run(arguments)
    try:
        spec_set = load_spec_set(Path(arguments.specs))
    except SpecErrors as failure:
        return _report_spec_errors(failure, arguments.command)
    try:
        return arguments.run(arguments, spec_set)
    except IndexBlockError as error:  # raised while planning, before anything is written
        print(error, file=sys.stderr)
        return EXIT_STALE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m codegen",
        description="Generate rkeras's R layer wrappers from the YAML specs.",
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
