"""Keras docstrings read as sections, and their text made fit for an R reference page.

Keras writes Google-style docstrings: a summary line, prose, then sections
headed ``Args:``, ``Call arguments:``, ``Input shape:``, ``Output shape:``,
``Returns:``, ``Example:``...  Only what ``codegen import`` needs is read;
text keeps Keras's words, with Python's ``True``/``False``/``None`` spelt as
R's ``TRUE``/``FALSE``/``NULL``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Some docstrings are glued together and keep their indentation: headings may be indented.
_HEADING = re.compile(r"^\s*([A-Z][A-Za-z ]*):\s*$")
_ARGS = ("Args", "Arguments")
_CALL_ARGS = ("Call arguments", "Call args")
_INPUT_SHAPE = ("Input shape",)
_OUTPUT_SHAPE = ("Output shape",)
_RETURNS = ("Returns",)
_EXAMPLES = ("Example", "Examples", "Usage in a Keras model", "For example")
_OTHER = ("Raises", "Reference", "References", "Attributes")
_KNOWN = _ARGS + _CALL_ARGS + _INPUT_SHAPE + _OUTPUT_SHAPE + _RETURNS + _EXAMPLES + _OTHER
_ENTRY = re.compile(r"^(\*{0,2}[A-Za-z_][A-Za-z0-9_]*)(?:\s*\([^)]*\))?:(?:\s+(.*))?$")
_PYTHON_WORDS = {"True": "TRUE", "False": "FALSE", "None": "NULL"}
# "None of the inputs ..." is English, not Python's None.
_PYTHON_WORD = re.compile(r"\b(True|False|None)\b(?! of\b)")


@dataclass(frozen=True)
class Docstring:
    title: str
    description: str
    args: dict[str, str] = field(default_factory=dict)
    call_args: dict[str, str] = field(default_factory=dict)
    input_shape: str | None = None
    output_shape: str | None = None
    returns: str | None = None
    examples: tuple[str, ...] = ()  # raw example sections, in order


def parse_docstring(doc: str) -> Docstring:
    preamble: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in doc.splitlines():
        heading = _HEADING.match(line)
        if heading and heading.group(1) in _KNOWN:
            sections.append((heading.group(1), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            preamble.append(line)
    title, description = _title_and_description(preamble)
    found: dict[str, list[str]] = {}
    examples: list[str] = []
    for heading, lines in sections:
        if heading in _EXAMPLES:
            examples.append("\n".join(lines))
        else:
            found.setdefault(heading, lines)

    def section(names: tuple[str, ...]) -> list[str] | None:
        return next((found[name] for name in names if name in found), None)

    return Docstring(
        title=title,
        description=description,
        args=_entries(section(_ARGS)),
        call_args=_entries(section(_CALL_ARGS)),
        input_shape=_block(section(_INPUT_SHAPE)),
        output_shape=_block(section(_OUTPUT_SHAPE)),
        returns=_block(section(_RETURNS)),
        examples=tuple(examples),
    )


def _title_and_description(lines: list[str]) -> tuple[str, str]:
    paragraphs = "\n".join(lines).strip().split("\n\n", 1)
    title = " ".join(paragraphs[0].split())
    rest = paragraphs[1] if len(paragraphs) > 1 else ""
    return r_words(title), markdown(rest.splitlines())


def _entries(lines: list[str] | None) -> dict[str, str]:
    """``name: text`` entries at the section's own indentation, continued by deeper lines."""
    if not lines:
        return {}
    indents = [_indent(line) for line in lines if line.strip()]
    if not indents:
        return {}
    base = indents[0]
    entries: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in lines:
        if line.strip() and _indent(line) < base:
            break  # a line further left ends the section (a note in Keras's prose)
        match = _ENTRY.match(line[base:]) if line.strip() and _indent(line) == base else None
        if match:
            current = entries.setdefault(match.group(1).lstrip("*"), [])
            current.append(" " * (base + 4) + (match.group(2) or ""))
        elif current is not None:
            current.append(line)
    return {name: markdown(text) for name, text in entries.items() if name not in ("kwargs",)}


def _block(lines: list[str] | None) -> str | None:
    if lines is None:
        return None
    text = markdown(lines)
    return text or None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def markdown(lines: list[str]) -> str:
    """Docstring lines as roxygen markdown: flush left, lists kept as lists, code kept as code.

    Keras indents continuation lines and nested lists freely; flush left,
    indented list items would otherwise read as code blocks.
    """
    out: list[str] = []
    fence_indent: int | None = None
    bullet_indent: int | None = None
    for raw in lines:
        line = raw.rstrip()
        stripped = line.strip()
        if fence_indent is not None:
            out.append(line[fence_indent:] if _indent(line) >= fence_indent else stripped)
            if stripped.startswith("```"):
                fence_indent = None
            continue
        if not stripped:
            if out and out[-1]:
                out.append("")
            continue
        if stripped.startswith("```"):
            fence_indent = _indent(line)
            bullet_indent = None
            out.append(stripped)
            continue
        if stripped.startswith(("- ", "* ")):
            bullet_indent = _indent(line)
            out.append("- " + r_words(stripped[2:]))
        elif bullet_indent is not None and _indent(line) > bullet_indent:
            out.append("  " + r_words(stripped))
        else:
            if bullet_indent is not None and out and out[-1]:
                out.append("")  # the list ends: the next line is a new paragraph
            bullet_indent = None
            out.append(r_words(stripped))
    return "\n".join(out).strip()


def r_words(text: str) -> str:
    """Python's True/False/None spelt as R's TRUE/FALSE/NULL."""
    return _PYTHON_WORD.sub(lambda match: _PYTHON_WORDS[match.group(1)], text)
