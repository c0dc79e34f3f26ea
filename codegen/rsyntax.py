"""R's lexical rules: which names are syntactic, and how Python values are written as R literals.

Literals are ASCII-only (non-ASCII as ``\\u{...}`` escapes) so the generated
files read the same in every R locale.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

# From ?Reserved; ..1, ..2, ... are reserved too (matched by _DOT_DOT_N).
R_RESERVED_WORDS = frozenset(
    {
        "if", "else", "repeat", "while", "function", "for", "in", "next", "break",
        "TRUE", "FALSE", "NULL", "Inf", "NaN", "NA", "NA_integer_", "NA_real_",
        "NA_character_", "NA_complex_", "...",
    }
)  # fmt: skip
_DOT_DOT_N = re.compile(r"\.\.[0-9]+")
# ASCII letters only: R's notion of "letter" depends on the locale.
_SYNTACTIC_NAME = re.compile(r"(?:[A-Za-z]|\.(?![0-9]))[A-Za-z0-9._]*")
R_INTEGER_MAX = 2**31 - 1

_STRING_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def r_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be an R function or argument name, or None if it can."""
    if name in R_RESERVED_WORDS or _DOT_DOT_N.fullmatch(name):
        return f"'{name}' is a reserved word in R"
    if not _SYNTACTIC_NAME.fullmatch(name):
        return (
            f"'{name}' is not a syntactic R name "
            "(use ASCII letters, digits, '.' and '_', starting with a letter)"
        )
    return None


def r_string(text: str) -> str:
    out = []
    for char in text:
        if char in _STRING_ESCAPES:
            out.append(_STRING_ESCAPES[char])
        elif " " <= char <= "~":
            out.append(char)
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{{{ord(char):04x}}}")
        else:
            out.append(f"\\U{{{ord(char):x}}}")
    return '"' + "".join(out) + '"'


def r_logical(value: bool) -> str:
    return "TRUE" if value else "FALSE"


def r_integer(value: int) -> str:
    return f"{value}L"


def r_number(value: float) -> str:
    """A double literal; whole numbers print without a decimal point, as R prints them."""
    if not math.isfinite(value):
        raise ValueError(f"no R literal for non-finite {value!r}")
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def r_character_vector(values: tuple[str, ...]) -> str:
    """``"a"`` for one string, ``c("a", "b")`` for several (R has no scalar type)."""
    if len(values) == 1:
        return r_string(values[0])
    return "c(" + ", ".join(r_string(value) for value in values) + ")"


def r_call(function: str, arguments: list[str]) -> str:
    return f"{function}({', '.join(arguments)})"


def r_multiline_list(entries: list[str], indent: str) -> str:
    """``list(\\n<indent>  a,\\n<indent>  b\\n<indent>)``; ``list()`` when empty."""
    if not entries:
        return "list()"
    inner = indent + "  "
    return "list(\n" + ",\n".join(inner + entry for entry in entries) + "\n" + indent + ")"


def wrap_call_signature(head: str, parameters: list[str], width: int) -> list[str]:
    """Lines of ``head(p1, p2, ...) {`` packed to ``width``, continuation aligned after ``(``."""
    indent = " " * (len(head) + 1)
    lines: list[str] = []
    current = head + "("
    for index, parameter in enumerate(parameters):
        is_last = index == len(parameters) - 1
        piece = parameter + (") {" if is_last else ",")
        at_line_start = current in (head + "(", indent)
        candidate = current + ("" if at_line_start else " ") + piece
        if len(candidate) > width and not at_line_start:
            lines.append(current)
            candidate = indent + piece
        current = candidate
    lines.append(current)
    return lines


# ---------------------------------------------------------------- roxygen text
#
# Spec text reaches roxygen2 (7.2.3, markdown on) as comment lines, so it must
# stay data: no tag may start, no Rd markup may form, no code may run.
#
# - roxygen starts a tag where `@` follows "#' " directly, even as "@@"; a line
#   of text starting with `@` gets one more space, and every `@` is doubled
#   (roxygen's escape, undone when it reads the text).
# - Rd reads `\` and braces as markup outside code; markdown code spans and
#   code blocks are escaped by roxygen itself, so only prose is escaped here.
# - roxygen runs inline code `r ...` and fenced chunks ```{r} through knitr:
#   those are refused where the spec is read (``knitr_code``), not escaped.

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)
_INDENTED_CODE = re.compile(r"(?: {4}|\t)")
_RD_SPECIALS = {"\\": "\\\\", "{": "\\{", "}": "\\}"}
# `[x]` is a markdown link to the topic x for roxygen (`inputs[0]` would lose
# its brackets and link to a topic "0"). Only links to R functions
# (`[layer_dense()]`, `[pkg::topic]`) and to URLs (`[text](https://...)`) are
# meant as links; every other bracket is escaped.
_LINK = re.compile(r"\[[^\[\]\n]*(?:\(\)|::)[^\[\]\n]*\]|\[[^\[\]\n]*\]\(\s*[^()\s]+\s*\)")
# A link whose text holds code spans (`` [`x`](https://...) ``), matched
# before the code spans themselves, so that neither is cut from the other;
# or a code span (as _CODE_SPAN), left as written.
_SPAN_OR_CODE_LINK = re.compile(
    r"(?P<link>\[(?P<text>[^\[\]`\n]*(?:`[^`\n]+`[^\[\]`\n]*)+)\](?P<target>\(\s*[^()\s]+\s*\)))"
    r"|(?P<ticks>`+).+?(?<!`)(?P=ticks)(?!`)",
    re.DOTALL,
)


def roxygen_markdown(markdown: str) -> str:
    """Spec markdown as roxygen2 text that renders exactly as written."""
    pieces = [text if is_code else _escape_rd(text) for text, is_code in _markdown_runs(markdown)]
    return _escape_tags("\n".join(pieces))


def roxygen_code(code: str) -> str:
    """R code (an example) as roxygen2 text that Rd gives back exactly as written.

    roxygen escapes ``%`` and the backslashes inside strings itself; a backslash
    outside strings (in comments, or R's ``\\(x)`` lambda) would start Rd markup.
    """
    out = []
    for char, place in _r_code_places(code):
        if char == "\\" and place != "string":
            out.append("\\")
        out.append(char)
    return _escape_tags("".join(out))


def unbalanced_comment_brace(code: str) -> int | None:
    """The 1-based line of a comment brace roxygen cannot match, or None.

    roxygen counts braces in comments with the code's (escaped or not), so an
    unbalanced one in a comment breaks the examples section.
    """
    opened: list[int] = []
    line = 1
    for char, place in _r_code_places(code):
        if char == "\n":
            line += 1
        elif place == "comment" and char == "{":
            opened.append(line)
        elif place == "comment" and char == "}":
            if not opened:
                return line
            opened.pop()
    return opened[0] if opened else None


def _r_code_places(code: str) -> Iterator[tuple[str, str]]:
    """Each character with where it stands: "code", "string" or "comment".

    The same scan as roxygen's escapeExamples(), so both agree on what is a string.
    """
    quote = ""
    escaped = False
    in_comment = False
    for char in code:
        if in_comment:
            in_comment = char != "\n"
            yield char, "comment" if in_comment else "code"
        elif quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
                yield char, "string"
                continue
            yield char, "string"
        elif char == "#":
            in_comment = True
            yield char, "comment"
        elif char in "'\"`":
            quote = char
            yield char, "string"
        else:
            yield char, "code"


def _escape_tags(text: str) -> str:
    lines = text.replace("@", "@@").split("\n")
    return "\n".join(" " + line if line.startswith("@") else line for line in lines)


def _escape_rd(prose: str) -> str:
    return _escape_between(prose, _SPAN_OR_CODE_LINK, _escape_rd_characters, _kept_as_written)


def _kept_as_written(match: re.Match[str]) -> str:
    """A code span as written; a link with code in its text as link syntax."""
    if not match.group("link"):
        return match.group(0)
    text = _escape_between(match.group("text"), _CODE_SPAN, _escape_specials, _unchanged)
    return f"[{text}]{_escape_specials(match.group('target'))}"


def _escape_specials(text: str) -> str:
    return "".join(_RD_SPECIALS.get(char, char) for char in text)


def _escape_rd_characters(text: str) -> str:
    escaped = _escape_specials(text)
    return _escape_between(escaped, _LINK, _escape_brackets, _unchanged)


def _unchanged(match: re.Match[str]) -> str:
    return match.group(0)


def _escape_between(
    text: str,
    kept: re.Pattern[str],
    escape: Callable[[str], str],
    keep: Callable[[re.Match[str]], str],
) -> str:
    """``text`` with ``escape`` applied between the matches of ``kept``, which ``keep`` gives."""
    out = []
    position = 0
    for match in kept.finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(keep(match))
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def _escape_brackets(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def _markdown_runs(markdown: str) -> list[tuple[str, bool]]:
    """The lines cut into runs of prose and of code blocks: (lines joined, is_code)."""
    runs: list[tuple[list[str], bool]] = []

    def add(lines: list[str], is_code: bool) -> None:
        if runs and not is_code and not runs[-1][1]:
            runs[-1][0].extend(lines)  # prose stays together: a code span may cross lines
        else:
            runs.append((lines, is_code))

    lines = markdown.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        after_blank = index == 0 or not lines[index - 1].strip()
        fence = _FENCE.match(line)
        if fence:
            marker = fence.group(1)
            closing = re.compile(rf" {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$")
            end = index + 1
            while end < len(lines) and not closing.match(lines[end]):
                end += 1
            end = min(end + 1, len(lines))
        elif after_blank and line.strip() and _INDENTED_CODE.match(line):
            end = index
            while end < len(lines) and (not lines[end].strip() or _INDENTED_CODE.match(lines[end])):
                end += 1
        else:
            add([line], False)
            index += 1
            continue
        add(lines[index:end], True)
        index = end
    return [("\n".join(lines), is_code) for lines, is_code in runs]


def knitr_code(text: str) -> tuple[str, str] | None:
    """The first piece of ``text`` that roxygen would run: (snippet, what it is), or None.

    roxygen2 7.2.3 evaluates a code span whose text starts with "r " and a
    fenced block whose info string starts with ``{`` and a letter.
    """
    for piece, is_code in _markdown_runs(text):
        fence = _FENCE.match(piece) if is_code else None
        if fence and piece[fence.end() :].lstrip().startswith("{"):
            return piece.split("\n")[0].strip(), "a code chunk"
        if is_code:
            continue
        for match in _CODE_SPAN.finditer(piece):
            content = match.group(2).replace("\n", " ")
            if content.startswith(" ") and content.endswith(" ") and content.strip():
                content = content[1:-1]
            if content.startswith("r "):
                return match.group(0).split("\n")[0], "inline R code"
    return None


# ---------------------------------------------------------------- R's parser

# One R process parses every snippet: one line out per file, empty when it parses.
_R_PARSE_SCRIPT = r"""
for (path in commandArgs(trailingOnly = TRUE)) {
  problem <- tryCatch({
    parse(text = readLines(path, encoding = "UTF-8", warn = FALSE), keep.source = FALSE)
    ""
  }, error = function(e) conditionMessage(e))
  cat(gsub("\n", " ", problem, fixed = TRUE), "\n", sep = "")
}
"""
_R_PARSE_MESSAGE = re.compile(r"<text>:(\d+):(\d+): (.*?)(?: \d+: |$)")


class RUnavailable(Exception):
    """Rscript is missing or failed, so the snippets could not be parsed."""


def r_parse_problems(snippets: Sequence[str]) -> list[tuple[int, int, str] | None]:
    """R's parser on each snippet: None where it parses, else (line, col, message).

    Lines and columns count from 1 within the snippet; raises ``RUnavailable``
    when there is no Rscript to ask.
    """
    if not snippets:
        return []
    rscript = shutil.which("Rscript")
    if rscript is None:
        raise RUnavailable("Rscript not found on PATH")
    with tempfile.TemporaryDirectory(prefix="codegen-r-parse-") as directory:
        paths = []
        for index, snippet in enumerate(snippets):
            path = Path(directory) / f"{index}.R"
            path.write_text(snippet + "\n", encoding="utf-8")
            paths.append(str(path))
        # A UTF-8 locale, so R reads non-ASCII strings in examples as UTF-8 everywhere.
        environment = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
        try:
            result = subprocess.run(
                [rscript, "--vanilla", "-e", _R_PARSE_SCRIPT, *paths],
                capture_output=True,
                text=True,
                encoding="utf-8",
                errors="replace",
                env=environment,
                timeout=120,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise RUnavailable(f"Rscript failed: {error}") from error
    lines = result.stdout.split("\n")
    if result.returncode != 0 or len(lines) < len(snippets):
        raise RUnavailable(f"Rscript failed: {result.stderr.strip()[-300:]}")
    return [_parse_problem(line) for line in lines[: len(snippets)]]


def _parse_problem(line: str) -> tuple[int, int, str] | None:
    if not line.strip():
        return None
    match = _R_PARSE_MESSAGE.match(line)
    if match is None:
        return (1, 1, line.strip())
    return (int(match.group(1)), int(match.group(2)), match.group(3).strip())
