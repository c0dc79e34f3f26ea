"""Render stage: views through the jinja2 templates in ``templates/``.

Strict and whitespace-exact: an undefined name is an error (not an empty
string), block tags leave no stray lines, and files end with a newline.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from codegen.view import LayerCallView, ObjectView, WrapperView

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
WRAPPER_TEMPLATE = "layer_wrapper.R.jinja"
OBJECT_TEMPLATE = "keras_object.R.jinja"
LAYER_CALLS_TEMPLATE = "layer_calls.R.jinja"


def roxygen_lines(text: str) -> str:
    """Prefix every line with ``#'``; blank lines get no trailing space."""
    return "\n".join(f"#' {line}".rstrip() for line in text.split("\n"))


@cache
def _environment(templates_dir: Path) -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # R source, not HTML
    )
    environment.filters["roxygen"] = roxygen_lines
    return environment


def render_wrapper(view: WrapperView | ObjectView, templates_dir: Path = TEMPLATES_DIR) -> str:
    name = OBJECT_TEMPLATE if isinstance(view, ObjectView) else WRAPPER_TEMPLATE
    return _environment(templates_dir).get_template(name).render(vars(view))


def render_layer_calls(
    header: str, layers: tuple[LayerCallView, ...], templates_dir: Path = TEMPLATES_DIR
) -> str:
    template = _environment(templates_dir).get_template(LAYER_CALLS_TEMPLATE)
    return template.render(header=header, layers=layers)
