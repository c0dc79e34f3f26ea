"""R's lexical rules: which names are syntactic, and how Python values are written as R literals.

Literals are ASCII-only (non-ASCII as ``\\u{...}`` escapes) so the generated
files read the same in every R locale.
"""

from __future__ import annotations

import math
import re

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
