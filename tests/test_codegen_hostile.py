"""The contract against hostile input, checked from outside.

Every case runs ``python -m codegen`` as a new process in a scratch copy of a
project and expects an exact ``path:line:col: error:`` (or ``path: error:``)
message, a documented exit status (2 bad specs or usage, 3 the file system
refused an output), no traceback, and nothing written: output trees are
hashed before and after.  The file-system cases are real: a permission the
kernel refuses (root runs them with its DAC override capabilities dropped),
a tmpfs that fills up, a name past NAME_MAX.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from codegen.rsyntax import roxygen_markdown

REPO = Path(__file__).resolve().parent.parent
FIXTURE_SPECS = REPO / "tests" / "codegen_golden" / "specs"
EXIT_STALE, EXIT_SPEC_ERRORS, EXIT_OUTPUT_ERROR = 1, 2, 3
SETPRIV = shutil.which("setpriv")
RSCRIPT = shutil.which("Rscript")
IS_ROOT = os.geteuid() == 0

TINY = """\
r_name: layer_tiny
py_class: keras.layers.Tiny
family: testing
title: A tiny layer.
description: Does little.
arguments:
  - name: rate
    type: {number: {min: 0, max: 1}}
    default: 0.5
    doc: A rate.
  - name: training_mode
    type: flag
    default: false
    doc: A flag.
call_inputs:
  - name: inputs
    doc: A tensor.
call_arguments:
  - name: mask
    type: tensor
    doc: A mask.
output: A tensor.
see_also:
  - https://keras.io/api/layers/
example: |
  layer <- layer_tiny(rate = 0.1)
  layer
"""


def project(tmp_path: Path, tiny: str | None = TINY) -> Path:
    """A scratch project: the fixture specs (plus ``tiny`` as specs/layer_tiny.yaml)."""
    shutil.copytree(FIXTURE_SPECS, tmp_path / "specs")
    if tiny is not None:
        (tmp_path / "specs" / "layer_tiny.yaml").write_text(tiny, encoding="utf-8")
    return tmp_path


def codegen(
    cwd: Path,
    *arguments: str,
    environment: dict[str, str] | None = None,
    drop_dac_override: bool = False,
    preexec: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "codegen", *arguments]
    if drop_dac_override and IS_ROOT:
        # Root reads and writes through any permission bits; without these two
        # capabilities the kernel checks them for root too.
        command = [SETPRIV, "--bounding-set=-dac_override,-dac_read_search", *command]
    result = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO), **(environment or {})},
        capture_output=True,
        text=True,
        # What the console would show: a Latin-1 console decodes Latin-1.
        encoding=(environment or {}).get("PYTHONIOENCODING", "utf-8"),
        errors="strict",
        timeout=300,
        preexec_fn=preexec,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def tree_hash(directory: Path) -> dict[str, str]:
    """Every file under ``directory`` (hidden ones too) -> the sha256 of its bytes."""
    if not directory.exists():
        return {}
    return {
        path.relative_to(directory).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def assert_refused(
    result: subprocess.CompletedProcess[str], *error_lines: str, generate: bool = True
) -> None:
    """Exit 2 with exactly these errors and the summary line, nothing on stdout."""
    count = len(error_lines)
    summary = f"codegen: found {count} error{'s' if count != 1 else ''}"
    summary += "; nothing was written" if generate else ""
    assert (result.returncode, result.stdout) == (EXIT_SPEC_ERRORS, ""), result.stderr
    assert result.stderr == "".join(line + "\n" for line in (*error_lines, summary))


# ---------------------------------------------------------------- malicious YAML

BILLION_LAUGHS = "\n".join(
    [
        'lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
        *(
            f"lol{level}: &lol{level} [{', '.join([f'*lol{level - 1}'] * 9)}]"
            for level in range(1, 12)
        ),
        "",
    ]
)


def _limit_memory() -> None:
    # 9**12 strings would need terabytes; the loader must never try.
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def test_alias_bomb_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    project(tmp_path, TINY + BILLION_LAUGHS)
    result = codegen(tmp_path, "generate", "--out", "out", preexec=_limit_memory)
    assert_refused(
        result,
        *(
            f"specs/layer_tiny.yaml:{28 + level}:{7 if level < 10 else 8}: error: YAML anchor "
            f"'&lol{level}' is not allowed in specs (anchors and aliases are refused: "
            "write the value out)"
            for level in range(12)
        ),
    )
    assert not (tmp_path / "out").exists()


def test_an_alias_alone_is_refused_where_it_stands(tmp_path: Path) -> None:
    project(tmp_path, TINY.replace("output: A tensor.", "output: *elsewhere"))
    assert_refused(
        codegen(tmp_path, "generate", "--out", "out"),
        "specs/layer_tiny.yaml:22:9: error: YAML alias '*elsewhere' is not allowed in specs "
        "(anchors and aliases are refused: write the value out)",
    )
    assert not (tmp_path / "out").exists()


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    depth = 100_000
    project(tmp_path, TINY.replace("output: A tensor.", "output: " + "[" * depth + "]" * depth))
    assert_refused(
        codegen(tmp_path, "generate", "--out", "out", preexec=_limit_memory),
        "specs/layer_tiny.yaml:22:40: error: nesting deeper than 32 levels; a spec needs a handful",
    )
    assert not (tmp_path / "out").exists()


def test_tags_are_refused_where_they_stand_and_never_run(tmp_path: Path) -> None:
    tiny = (
        TINY.replace("title: A tiny layer.", "title: !!str A tiny layer.")
        .replace(
            "description: Does little.",
            "description: !!python/object/apply:os.system [touch hacked]",
        )
        .replace("output: A tensor.", "output: !custom {a: 1}")
    )
    project(tmp_path, tiny)
    assert_refused(
        codegen(tmp_path, "generate", "--out", "out"),
        "specs/layer_tiny.yaml:4:8: error: YAML tag '!!str' is not allowed in specs "
        "(write the plain value; quote it to make it a string)",
        "specs/layer_tiny.yaml:5:14: error: YAML tag '!!python/object/apply:os.system' is not "
        "allowed in specs (write the plain value; quote it to make it a string)",
        "specs/layer_tiny.yaml:5:14: error: 'description' must be a string, got a list",
        "specs/layer_tiny.yaml:22:9: error: YAML tag '!custom' is not allowed in specs "
        "(write the plain value; quote it to make it a string)",
        "specs/layer_tiny.yaml:22:9: error: 'output' must be a string, got a mapping",
    )
    assert not (tmp_path / "hacked").exists()
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- the file system


@pytest.mark.skipif(IS_ROOT and SETPRIV is None, reason="root without setpriv reads any file")
def test_unreadable_spec(tmp_path: Path) -> None:
    spec = project(tmp_path) / "specs" / "layer_tiny.yaml"
    spec.chmod(0)
    assert_refused(
        codegen(tmp_path, "generate", "--out", "out", drop_dac_override=True),
        "specs/layer_tiny.yaml: error: cannot read the file: Permission denied",
    )
    assert not (tmp_path / "out").exists()


def test_directory_or_fifo_in_place_of_a_spec(tmp_path: Path) -> None:
    project(tmp_path, None)
    (tmp_path / "specs" / "layer_dir.yaml").mkdir()
    os.mkfifo(tmp_path / "specs" / "layer_fifo.yaml")  # reading it would wait forever
    assert_refused(
        codegen(tmp_path, "generate", "--out", "out"),
        "specs/layer_dir.yaml: error: is a directory, not a spec file",
        "specs/layer_fifo.yaml: error: is not a regular file",
    )
    assert not (tmp_path / "out").exists()


def test_bytes_that_are_not_utf8_are_reported_with_line_and_column(tmp_path: Path) -> None:
    spec = project(tmp_path) / "specs" / "layer_tiny.yaml"
    spec.write_bytes(
        TINY.replace("Does little.", "Does λ\udcff little.").encode("utf-8", "surrogateescape")
    )
    assert_refused(
        codegen(tmp_path, "generate", "--out", "out"),
        "specs/layer_tiny.yaml:5:20: error: file is not valid UTF-8: byte 0xff "
        "(invalid start byte)",
    )
    assert not (tmp_path / "out").exists()


def test_specs_directory_empty_or_missing(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    shutil.copy(FIXTURE_SPECS / "families.yaml", tmp_path / "empty")
    assert_refused(
        codegen(tmp_path, "generate", "--specs", "empty", "--out", "out"),
        "empty: error: no spec files (*.yaml) found",
    )
    assert_refused(
        codegen(tmp_path, "generate", "--specs", "missing", "--out", "out"),
        "missing: error: specs directory not found",
    )
    assert not (tmp_path / "out").exists()


def test_out_that_is_a_file(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / "out").write_text("not a directory\n")
    for command in ("generate", "check"):
        result = codegen(tmp_path, command, "--out", "out")
        assert (result.returncode, result.stdout, result.stderr) == (
            EXIT_SPEC_ERRORS,
            "",
            "out: error: --out must be a directory, not a file\n",
        )
    assert (tmp_path / "out").read_text() == "not a directory\n"


@pytest.mark.skipif(IS_ROOT and SETPRIV is None, reason="root without setpriv writes anywhere")
def test_out_that_is_not_writable(tmp_path: Path) -> None:
    project(tmp_path)
    assert codegen(tmp_path, "generate", "--out", "out").returncode == 0
    spec = tmp_path / "specs" / "layer_tiny.yaml"
    spec.write_text(TINY.replace("Does little.", "Does less."))
    (tmp_path / "out").chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    before = tree_hash(tmp_path / "out")

    result = codegen(tmp_path, "generate", "--out", "out", drop_dac_override=True)

    assert (result.returncode, result.stdout, result.stderr) == (
        EXIT_OUTPUT_ERROR,
        "",
        "out/layer_tiny.R: error: cannot write: Permission denied\ncodegen: nothing was written\n",
    )
    assert tree_hash(tmp_path / "out") == before


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A real 64 KiB file system (tmpfs), so writes fail with ENOSPC part-way."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    yield mount_point
    subprocess.run(["umount", str(mount_point)], check=True)


def test_disk_full_part_way_leaves_every_output_as_it_was(tmp_path: Path, tiny_disk: Path) -> None:
    project(tmp_path)
    out = tiny_disk / "R"
    assert codegen(tmp_path, "generate", "--out", str(out)).returncode == 0
    # Two files change: the first (in name order) fits, the second cannot.
    every_type = tmp_path / "specs" / "layer_every_type.yaml"
    every_type.write_text(every_type.read_text().replace("A layer", "A changed layer", 1))
    tiny = tmp_path / "specs" / "layer_tiny.yaml"
    tiny.write_text(TINY.replace("Does little.", "Does little. " + "Much text. " * 10_000))
    before = tree_hash(out)

    result = codegen(tmp_path, "generate", "--out", str(out))

    assert (result.returncode, result.stdout, result.stderr) == (
        EXIT_OUTPUT_ERROR,
        "",
        f"{out}/layer_tiny.R: error: cannot write: No space left on device\n"
        "codegen: nothing was written\n",
    )
    assert tree_hash(out) == before  # no change, and no temporary file left behind


def test_name_longer_than_file_systems_allow(tmp_path: Path) -> None:
    long_name = "layer_" + "x" * 294
    project(tmp_path, TINY.replace("r_name: layer_tiny", f"r_name: {long_name}"))
    assert_refused(
        codegen(tmp_path, "generate", "--out", "out"),
        "specs/layer_tiny.yaml:1:9: error: R name is 300 characters long: its file "
        "layer_xxxxxxxxxxxxxx...R would pass the 255-byte limit on file names",
    )
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- all or nothing


def test_hand_written_file_stops_the_run_and_is_never_overwritten(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / "out").mkdir()
    hand_written = tmp_path / "out" / "layer_tiny.R"
    hand_written.write_text("layer_tiny <- function(...) 'mine'\n")
    before = tree_hash(tmp_path / "out")

    result = codegen(tmp_path, "generate", "--out", "out")

    assert (result.returncode, result.stdout) == (EXIT_STALE, "")
    assert result.stderr == (
        "out/layer_tiny.R: error: file exists but was not generated (no generated header); "
        "refusing to overwrite it: move it away or delete it\n"
        "codegen: nothing was written\n"
    )
    assert tree_hash(tmp_path / "out") == before


# ---------------------------------------------------------------- console encodings

LATIN1_CONSOLE = {"PYTHONIOENCODING": "latin-1", "LANG": "C", "LC_ALL": "C"}


def test_diff_and_errors_print_on_a_latin1_console(tmp_path: Path) -> None:
    project(tmp_path, TINY.replace("Does little.", "Does little; λ → 漢, café."))
    assert codegen(tmp_path, "generate", "--out", "out").returncode == 0
    (tmp_path / "specs" / "layer_tiny.yaml").write_text(TINY.replace("Does little.", "Does λ."))

    check = codegen(tmp_path, "check", "--out", "out", environment=LATIN1_CONSOLE)

    assert check.returncode == EXIT_STALE
    assert "-#' Does little; \\u03bb \\u2192 \\u6f22, café.\n+#' Does \\u03bb.\n" in check.stdout

    (tmp_path / "specs" / "layer_tiny.yaml").write_text(TINY + "λ_key: 1\n")
    validate = codegen(tmp_path, "validate", environment=LATIN1_CONSOLE)
    assert_refused(
        validate,
        "specs/layer_tiny.yaml:28:1: error: unknown key '\\u03bb_key' in layer spec",
        generate=False,
    )


# ---------------------------------------------------------------- text is data


def test_knitr_code_in_spec_text_is_refused_where_it_stands(tmp_path: Path) -> None:
    tiny = TINY.replace(
        "description: Does little.",
        'description: |\n  Does little.\n  Costs `r file.create("hacked")` cents.',
    ).replace(
        "output: A tensor.", "output: |\n  A tensor.\n\n  ```{r}\n  file.create('hacked')\n  ```"
    )
    project(tmp_path, tiny)
    assert_refused(
        codegen(tmp_path, "generate", "--out", "out"),
        "specs/layer_tiny.yaml:7:9: error: 'description' contains inline R code "
        "'`r file.create(\"hacked\")`', which roxygen would run when the docs are built; "
        "write its result instead",
        "specs/layer_tiny.yaml:27:3: error: 'output' contains a code chunk '```{r}', which "
        "roxygen would run when the docs are built; use a plain ``` fence",
    )
    assert not (tmp_path / "out").exists()


HOSTILE_DOC = (
    "Braces { and } alone, a \\ backslash, \\emph{not markup}, 50% and \\%.\n"
    "@export stays text, as does @@.\n"
    "Indexing stays: inputs[0] - inputs[1], x[[i]].\n"
    "A link of code: [`x{1}`](https://a.org).\n"
    "\n"
    "```python\n"
    "@decorator\n"
    "def f(): return {}\n"
    "```"
)
HOSTILE_EXAMPLE = (
    'x <- "a { b \\\\ c % d @@ e"\nf <- \\(v) v  # a \\ backslash, 100% {balanced}\nf(x)'
)
ROXYGEN_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
options(warn = 2)  # a roxygen warning (mismatched braces, unknown tag) fails the test
suppressMessages(roxygen2::roxygenise(args[[1]], roclets = "rd", load_code = roxygen2::load_source))
rd <- file.path(args[[1]], "man", "layer_tiny.Rd")
writeLines(capture.output(tools::Rd2txt(rd, options = list(underline_titles = FALSE))), args[[2]])
writeLines(capture.output(tools::Rd2ex(rd)), args[[3]])
"""


def test_brackets_are_escaped_except_in_links_to_functions_and_urls() -> None:
    links = "see [layer_dense()], [pkg::fn], [a](https://a.org)"
    assert roxygen_markdown(f"x[[i]] and inputs[0], {links}") == (
        f"x\\[\\[i\\]\\] and inputs\\[0\\], {links}"
    )


def test_a_link_whose_text_is_code_stays_a_link() -> None:
    # The code span inside the link text is neither cut from the link nor
    # escaped; braces outside it are; a code span with brackets is no link.
    assert roxygen_markdown("[`x{1}`](https://a.org), [a `b` {c}](https://b.org)") == (
        "[`x{1}`](https://a.org), [a `b` \\{c\\}](https://b.org)"
    )
    code = "`[y]`(z) and `a[1]`, then [t](u)"
    assert roxygen_markdown(code) == code


@pytest.mark.skipif(RSCRIPT is None, reason="needs R with roxygen2")
def test_braces_backslashes_and_at_signs_render_as_written_through_roxygen(
    tmp_path: Path,
) -> None:
    def block(text: str) -> str:
        return "|\n" + "".join(f"  {line}\n" if line else "\n" for line in text.split("\n"))

    tiny = (
        TINY.replace("description: Does little.\n", f"description: {block(HOSTILE_DOC)}")
        .replace("    doc: A mask.\n", "    doc: " + block(HOSTILE_DOC).replace("\n  ", "\n      "))
        .replace("example: |\n  layer <- layer_tiny(rate = 0.1)\n  layer\n", "")
        + f"example: {block(HOSTILE_EXAMPLE)}"
    )
    project(tmp_path, tiny)
    assert codegen(tmp_path, "validate").returncode == 0
    package = tmp_path / "pkg"
    assert codegen(tmp_path, "generate", "--out", str(package / "R")).returncode == 0
    (package / "DESCRIPTION").write_text(
        "Package: tinypkg\nVersion: 0.0.1\nTitle: Tiny\nDescription: Tiny.\nLicense: MIT\n"
        "Encoding: UTF-8\nRoxygen: list(markdown = TRUE)\n"
    )
    for name in os.listdir(package / "R"):
        if name != "layer_tiny.R":
            (package / "R" / name).unlink()
    text, examples = tmp_path / "text.txt", tmp_path / "examples.R"

    roxygen = subprocess.run(
        [RSCRIPT, "-e", ROXYGEN_SCRIPT, str(package), str(text), str(examples)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert roxygen.returncode == 0, roxygen.stderr
    rendered = " ".join(text.read_text(encoding="utf-8").split())
    for paragraph in (
        "Braces { and } alone, a \\ backslash, \\emph{not markup}, 50% and \\%.",
        "@export stays text, as does @@.",
        "Indexing stays: inputs[0] - inputs[1], x[[i]].",
        "A link of code: x{1}.",  # a link, its text code
        "def f(): return {}",
    ):
        assert rendered.count(" ".join(paragraph.split())) == 2, paragraph  # description, doc
    assert rendered.count("@decorator") == 2
    assert HOSTILE_EXAMPLE in examples.read_text(encoding="utf-8")


@pytest.mark.skipif(RSCRIPT is None, reason="needs Rscript")
def test_validate_parses_every_example_with_r(tmp_path: Path) -> None:
    project(
        tmp_path,
        TINY.replace("  layer\n", "  layer layer\n  # an { unbalanced comment\n"),
    )
    second = TINY.replace("layer_tiny", "layer_tiny_two").replace(
        "  layer\n", "  layer\n  # an { unbalanced comment\n"
    )
    (tmp_path / "specs" / "layer_tiny_two.yaml").write_text(second)
    assert_refused(
        codegen(tmp_path, "validate"),
        "specs/layer_tiny.yaml:27:9: error: 'example' does not parse as R: unexpected symbol",
        "specs/layer_tiny_two.yaml:28:3: error: 'example' has a comment with an unbalanced "
        "brace, which roxygen cannot put in the Rd examples; balance it or reword the comment",
        generate=False,
    )


# ---------------------------------------------------------------- spec-level mistakes


def test_call_argument_named_like_or_prefixing_a_wrapper_formal(tmp_path: Path) -> None:
    tiny = TINY.replace(
        "  - name: mask\n    type: tensor\n    doc: A mask.\n",
        "  - name: object\n    type: tensor\n    doc: Taken.\n"
        "  - name: training\n    type: flag\n    doc: Prefix of training_mode.\n"
        "  - name: obj\n    type: flag\n    doc: Prefix of object.\n"
        "  - name: training_mode_now\n    type: flag\n    doc: training_mode is its prefix.\n",
    )
    project(tmp_path, tiny)
    assert_refused(
        codegen(tmp_path, "generate", "--out", "out"),
        "specs/layer_tiny.yaml:19:5: error: call argument name 'object' is taken by the "
        "wrapper's first parameter",
        "specs/layer_tiny.yaml:22:5: error: call argument 'training' is a prefix of argument "
        "'training_mode' at line 11: R would match 'training = ' to 'training_mode' partially; "
        "rename one, or mark the call argument 'instance_only: true'",
        "specs/layer_tiny.yaml:25:5: error: call argument 'obj' is a prefix of the wrapper's "
        "first parameter 'object': R would match 'obj = ' to 'object' partially; rename one",
        "specs/layer_tiny.yaml:28:5: error: argument 'training_mode' at line 11 is a prefix of "
        "call argument 'training_mode_now': 'training_mode = ' would take a shortened "
        "'training_mode_now'; rename one, or mark the call argument 'instance_only: true'",
    )
    assert not (tmp_path / "out").exists()


def test_r_name_shadowing_a_hand_written_name_of_the_package(tmp_path: Path) -> None:
    project(tmp_path, TINY.replace("r_name: layer_tiny", "r_name: keras_model"))
    (tmp_path / "specs" / "compile.yaml").write_text(
        TINY.replace("r_name: layer_tiny", "r_name: compile")
    )
    package = tmp_path / "r-package"
    shutil.copytree(REPO / "r-package" / "R", package / "R")
    shutil.copy(REPO / "r-package" / "NAMESPACE", package / "NAMESPACE")
    before = tree_hash(package)

    result = codegen(tmp_path, "generate")

    models = "r-package/R/models.R"
    assert_refused(
        result,
        "specs/compile.yaml:1:9: error: R name 'compile' would shadow the package's "
        "hand-written 'compile' (exported in r-package/NAMESPACE); choose another name",
        f"specs/layer_tiny.yaml:1:9: error: R name 'keras_model' would shadow the package's "
        f"hand-written 'keras_model' ({models}); choose another name",
    )
    assert tree_hash(package) == before
