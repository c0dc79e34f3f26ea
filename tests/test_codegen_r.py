"""The generated R is valid R and valid roxygen, checked by R itself.

One Rscript process for everything: parse every generated file and every
example, roxygenise a scratch package holding them (any roxygen warning fails),
and run ``tools::checkRd`` on the resulting Rd files.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from codegen.model import LayerSpec
from codegen.pipeline import build_outputs, load_spec_set

REPO = Path(__file__).resolve().parent.parent
SPEC_DIRS = (
    REPO / "specs",
    REPO / "tests" / "codegen_golden" / "specs",
    REPO / "tests" / "codegen_golden" / "object_specs",
)
# The real families whose wrappers the scratch package roxygenises: a layer
# family (attention, whose page the reference page describes) and one family
# of each other runtime form.
ROXYGENISED_FAMILIES = frozenset({"attention", "losses", "optimizers", "activations"})

pytestmark = pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed")

DESCRIPTION = """\
Package: rkerasgenerated
Version: 0.0.0.9000
Title: Scratch Package Holding Generated Wrappers
Description: Lets roxygen2 check the generated wrappers.
License: MIT + file LICENSE
Encoding: UTF-8
Roxygen: list(markdown = TRUE)
Authors@R: person("Generated", "Code", email = "codegen@example.org", role = c("aut", "cre"))
"""

R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
pkg <- args[[1]]
problems <- character()
note <- function(...) problems <<- c(problems, paste0(...))
parse_all <- function(dir) {
  for (file in list.files(dir, full.names = TRUE)) {
    tryCatch(
      parse(file, encoding = "UTF-8", keep.source = FALSE),
      error = function(e) note("parse ", basename(file), ": ", conditionMessage(e))
    )
  }
}
parse_all(file.path(pkg, "R"))
parse_all(file.path(pkg, "examples"))
withCallingHandlers(
  roxygen2::roxygenise(pkg, roclets = c("rd", "namespace")),
  warning = function(w) {
    note("roxygen warning: ", conditionMessage(w))
    invokeRestart("muffleWarning")
  },
  message = function(m) invokeRestart("muffleMessage")
)
for (rd in list.files(file.path(pkg, "man"), full.names = TRUE)) {
  found <- tools::checkRd(rd, encoding = "UTF-8", def_enc = TRUE)
  if (length(found)) note("checkRd ", basename(rd), ": ", paste(found, collapse = "; "))
}
writeLines(problems)
"""


@pytest.fixture(scope="module")
def roxygenised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    package = tmp_path_factory.mktemp("rpkg")
    (package / "R").mkdir()
    (package / "examples").mkdir()
    (package / "DESCRIPTION").write_text(DESCRIPTION, encoding="utf-8")
    (package / "LICENSE").write_text("YEAR: 2025\nCOPYRIGHT HOLDER: rkeras\n", encoding="utf-8")
    for spec_dir in SPEC_DIRS:
        spec_set = load_spec_set(spec_dir)
        outputs = build_outputs(spec_set)
        # Every example is parsed; roxygen runs over the fixtures and one real
        # family of each kind (make check-docs roxygenises the whole package).
        sampled = {
            f"{spec.r_name}.R"
            for spec in spec_set.specs
            if spec_dir != SPEC_DIRS[0] or spec.family in ROXYGENISED_FAMILIES
        }
        for name in sampled:
            (package / "R" / name).write_text(outputs[name], encoding="utf-8")
        for spec in spec_set.specs:
            (package / "examples" / f"{spec.r_name}.R").write_text(spec.example, encoding="utf-8")
    result = subprocess.run(
        ["Rscript", "--vanilla", "-e", R_SCRIPT, str(package)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0 and "there is no package called" in result.stderr:
        pytest.skip("roxygen2 is not installed")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", result.stdout
    return package


def test_generated_r_parses_and_roxygen_is_silent(roxygenised: Path) -> None:
    assert sorted(path.name for path in (roxygenised / "man").glob("*.Rd"))


def test_attention_rd_has_every_section_of_the_reference_page(roxygenised: Path) -> None:
    rd = (roxygenised / "man" / "layer_attention.Rd").read_text(encoding="utf-8")
    assert r"\title{Dot-product attention layer, a.k.a. Luong-style attention.}" in rd
    description = _section(rd, "description")
    assert "The calculation follows the steps:" in description
    assert description.count(r"\item ") == 6  # three inputs, three calculation steps
    usage = " ".join(_section(rd, "usage").split())
    assert usage == (
        'layer_attention( object, use_scale = FALSE, score_mode = "dot", dropout = 0, '
        "seed = NULL, ... )"
    )
    arguments = _section(rd, "arguments")
    items = re.findall(r"\\item\{([^}]*)\}", arguments)
    assert items == ["object", "use_scale", "score_mode", "dropout", "seed", "..."]
    assert "For forward/backward compatability." in arguments
    value = _section(rd, "value")
    assert r"\link[=keras_model_sequential]{keras_model_sequential()}" in value
    assert r"\link[=keras_input]{keras_input()}" in value
    assert "a \\code{Layer} instance is returned" in value
    call_arguments = _section(rd, "section{Call Arguments}")
    # In the reference page's order, nested lists (query, ..., query_mask, ...) in place.
    assert re.findall(r"\\item \\code\{([^}]*)\}:", call_arguments) == [
        *("inputs", "query", "value", "key"),
        *("mask", "query_mask", "value_mask"),
        *("return_attention_scores", "training", "use_causal_mask"),
    ]
    assert r"\item \code{query_mask}:" in call_arguments  # nested list survives
    assert "Attention outputs of shape" in _section(rd, "section{Output}")
    see_also = _section(rd, "seealso")
    assert (
        r"\url{https://keras.io/api/layers/attention_layers/attention#attention-class}" in see_also
    )
    others = [
        spec.r_name for spec in _specs_in_family("attention") if spec.r_name != "layer_attention"
    ]
    if others:  # roxygen lists a family only once it has other members
        assert "Other attention layers:" in see_also
    for other in others:
        assert rf"\code{{\link{{{other}}}()}}" in see_also
    assert r"\concept{attention layers}" in rd
    assert "rkeras::is_keras_available()" in _section(rd, "examples")
    namespace = (roxygenised / "NAMESPACE").read_text(encoding="utf-8")
    assert "export(layer_attention)" in namespace


def _specs_in_family(family: str) -> list[LayerSpec]:
    return [spec for spec in load_spec_set(REPO / "specs").specs if spec.family == family]


def _section(rd: str, name: str) -> str:
    """The body of ``\\name{...}`` (or ``\\section{Title}{...}``), braces balanced."""
    start = rd.index("\\" + name + "{") + len(name) + 2
    depth = 1
    for index in range(start, len(rd)):
        if rd[index] == "{" and rd[index - 1] != "\\":
            depth += 1
        elif rd[index] == "}" and rd[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return rd[start:index]
    raise AssertionError(f"unbalanced section {name}")
