"""Checks the built pkgdown site in a real browser: headless Debian Chromium.

    .venv/bin/python tools/check_site.py [--site r-package/docs] [--out build/site-check]

Every HTML page of the site is served from 127.0.0.1 and opened in Debian's
Chromium, headless, driven by Playwright (no browser download, no network).
After each page has loaded and its scripts have run, the rendered DOM is read
back and checked against the package sources:

* every Rd file in man/ has a reference page that loads (HTTP 200), has the
  Rd title as its heading, a description, and a section for each Rd section
  (Usage, Arguments, Value, custom sections such as Call Arguments, See also,
  Examples, ...);
* every exported function (NAMESPACE) has a reference page, is listed in the
  reference index and in the search index (search.json, fetched by the page);
* every page with examples shows their output (``#>`` lines), none of it an
  error; every page documenting an exported function has such examples;
* the reference index has one section per family, holding its pages, and
  the See also section of each family member links to every other member;
* no internal link, anchor, stylesheet, script or image is broken, and no
  page refers to the builder's file system (``file://``);
* every layer page (listed in the family sections that ``codegen generate``
  writes into _pkgdown.yml) has the sections of a layer page: Usage,
  Arguments, Value, Call Arguments, Output, See also, Examples;
* the layer_attention page carries every section of the reference page it
  reproduces (``SEED`` below).

A screenshot of the layer_attention page (the whole page) and a JSON report
go to --out. Exit status: 0 when all is well, 1 when a check failed (each
failure names the page and what is missing), 2 when the check could not run.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import re
import sys
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Request, Response, sync_playwright

from codegen.model import LayerSpec
from codegen.pipeline import load_spec_set
from codegen.pkgdown import IndexBlockError, generated_sections

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOT_TOPIC = "layer_attention"
PAGE_TIMEOUT_MS = 20_000
VIEWPORT = {"width": 1280, "height": 900}

# Playwright adds --headless; the rest keeps Debian's Chromium quiet and local.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Offline: every host but the local server fails at once instead of
    # waiting for DNS, so CDN assets cost nothing.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

# JavaScript errors that only mean a CDN script of pkgdown's template did not load
# (the check runs offline). Any other error on a page is a failure.
OFFLINE_JS_ERRORS = re.compile(
    r"\b(headroom|ClipboardJS|Fuse|autocomplete|Mark|mark|Toc|MathJax)\b"
)

# Rd sections and the heading pkgdown 2.0 gives them on a reference page.
# \description has no heading: it is the .ref-description block under the title.
RD_HEADINGS: Mapping[str, str] = {
    "usage": "Usage",
    "format": "Format",
    "source": "Source",
    "arguments": "Arguments",
    "value": "Value",
    "details": "Details",
    "references": "References",
    "note": "Note",
    "seealso": "See also",
    "examples": "Examples",
}


# --- the reference page the layer_attention page reproduces -------------------


@dataclass(frozen=True)
class SeedSection:
    heading: str  # "" for the description, which has no heading
    phrases: tuple[str, ...] = ()  # text the section must contain
    items: tuple[str, ...] = ()  # list items (or argument names) it must hold
    links: tuple[str, ...] = ()  # reference pages it must link to
    ordered: bool = True  # the items must come in this order


SEED: tuple[SeedSection, ...] = (
    SeedSection(
        "",
        phrases=("Inputs are a list with 2 or 3 elements", "The calculation follows the steps"),
        items=(
            "Calculate attention scores using query and key",
            "Use scores to calculate a softmax distribution",
            "Use the softmax distribution to create a linear combination of value",
        ),
    ),
    SeedSection(
        "Usage",
        phrases=(
            "layer_attention(",
            "object",
            "use_scale = FALSE",
            'score_mode = "dot"',
            "dropout = 0",
            "seed = NULL",
            "...",
        ),
    ),
    SeedSection("Arguments", items=("object", "use_scale", "score_mode", "dropout", "seed", "...")),
    SeedSection(
        "Value",
        phrases=("The return value depends on the value provided for the first argument",),
        items=("a keras_model_sequential()", "a keras_input()", "NULL or missing"),
        links=("keras_model_sequential", "keras_input"),
    ),
    SeedSection(
        "Call Arguments",
        items=(
            "inputs",
            "query",
            "value",
            "key",
            "mask",
            "query_mask",
            "value_mask",
            "training",
            "return_attention_scores",
            "use_causal_mask",
        ),
        ordered=False,  # the reference page lists them in another order than call()
    ),
    SeedSection(
        "Output",
        phrases=(
            "Attention outputs of shape (batch_size, Tq, dim)",
            "Attention scores after masking and softmax with shape (batch_size, Tq, Tv)",
        ),
    ),
    SeedSection(
        "See also",
        phrases=("https://keras.io/api/layers/attention_layers/attention#attention-class",),
    ),
    SeedSection("Examples", phrases=("layer_attention(",)),
)


# --- what the package sources say the site must hold ---------------------------


@dataclass(frozen=True)
class RdTopic:
    """One man/*.Rd file, as far as the site is concerned."""

    name: str  # file stem: the page is reference/<name>.html
    title: str
    aliases: tuple[str, ...]
    sections: tuple[str, ...]  # top-level Rd macros in file order: "usage", "section:Output", ...
    concepts: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    doc_type: str = ""

    @property
    def page(self) -> str:
        return f"reference/{self.name}.html"

    @property
    def internal(self) -> bool:
        return "internal" in self.keywords

    @property
    def has_examples(self) -> bool:
        return "examples" in self.sections

    @property
    def needs_examples(self) -> bool:
        """Every page of the reference index needs a runnable example."""
        return not self.internal and self.doc_type not in {"import", "package", "data"}

    def expected_headings(self) -> list[str]:
        """The h2 headings pkgdown gives this topic's page, in Rd order."""
        headings = []
        for section in self.sections:
            if section.startswith("section:"):
                headings.append(section.removeprefix("section:"))
            elif section in RD_HEADINGS:
                headings.append(RD_HEADINGS[section])
        return headings


def rd_to_text(rd: str) -> str:
    """Plain text of a short piece of Rd, such as a title: macros and braces dropped."""
    out: list[str] = []
    i = 0
    while i < len(rd):
        char = rd[i]
        if char == "\\":
            following = rd[i + 1 : i + 2]
            if following and not following.isalpha():  # \{ \} \% \\: the character itself
                out.append(following)
                i += 2
                continue
            i += 1
            while i < len(rd) and rd[i].isalpha():  # a macro name: dropped
                i += 1
            continue
        if char not in "{}":
            out.append(char)
        i += 1
    return normalize_space("".join(out))


def normalize_space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _braced(text: str, start: int) -> tuple[str, int]:
    """The content of the brace group opening at text[start] and the index after it."""
    if start >= len(text) or text[start] != "{":
        raise ValueError(f"expected '{{' at offset {start}")
    depth = 0
    i = start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "%":  # Rd comment: to the end of the line
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i], i + 1
        i += 1
    raise ValueError(f"unbalanced braces from offset {start}")


_TOP_LEVEL = re.compile(r"^\\([A-Za-z]+)(?=\{)", re.MULTILINE)


def parse_rd(path: Path) -> RdTopic:
    """Reads the top-level macros of an Rd file as roxygen2 writes them (one per line start)."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, list[str]] = {}
    sections: list[str] = []
    position = 0
    while True:
        match = _TOP_LEVEL.search(text, position)
        if match is None:
            break
        macro = match.group(1)
        try:
            body, position = _braced(text, match.end())
            if macro == "section":
                content_start = position
                _, position = _braced(text, content_start)
                sections.append(f"section:{rd_to_text(body)}")
                continue
        except ValueError as error:
            raise ValueError(f"{path}: cannot read \\{macro}: {error}") from error
        fields.setdefault(macro, []).append(body)
        if macro not in {"name", "alias", "title", "concept", "keyword", "docType", "encoding"}:
            sections.append(macro)
    names = fields.get("name", [path.stem])
    return RdTopic(
        name=path.stem,
        title=rd_to_text(fields.get("title", [""])[0]),
        aliases=tuple(normalize_space(a) for a in fields.get("alias", names)),
        sections=tuple(sections),
        concepts=tuple(normalize_space(c) for c in fields.get("concept", [])),
        keywords=tuple(normalize_space(k) for k in fields.get("keyword", [])),
        doc_type=normalize_space(fields.get("docType", [""])[0]),
    )


def parse_namespace(text: str) -> list[str]:
    """The names in export() directives of a NAMESPACE file, in order."""
    exports: list[str] = []
    for match in re.finditer(r"^\s*export\((.*)\)\s*$", text, re.MULTILINE):
        for name in match.group(1).split(","):
            name = name.strip().strip("\"'`")
            if name:
                exports.append(name)
    return exports


def read_families(config: str, topics: Sequence[RdTopic]) -> dict[str, str]:
    """Family concept -> reference index heading, from the sections ``codegen generate``
    writes into _pkgdown.yml: each lists its pages, whose Rd files carry the concept."""
    by_name = {alias: topic for topic in topics for alias in topic.aliases}
    families: dict[str, str] = {}
    for section in generated_sections(config):
        for name in section["contents"]:
            topic = by_name.get(str(name))
            for concept in topic.concepts if topic else ():
                families[concept] = str(section["title"])
    return families


def index_heading(concept: str, families: Mapping[str, str]) -> str:
    """The reference index heading of a concept: its pkgdown_title, else capitalised."""
    return families.get(concept) or concept[:1].upper() + concept[1:]


@dataclass(frozen=True)
class Package:
    topics: tuple[RdTopic, ...]
    exports: tuple[str, ...]
    families: Mapping[str, str]
    vignettes: tuple[str, ...]  # stems of vignettes/*.Rmd
    # The functions generated from layer specs (the others are optimizers,
    # losses, ...: pages without Call Arguments or Output).
    layer_functions: frozenset[str] = frozenset()

    @classmethod
    def read(cls, pkg: Path) -> Package:
        topics = tuple(parse_rd(path) for path in sorted((pkg / "man").glob("*.Rd")))
        exports = tuple(parse_namespace((pkg / "NAMESPACE").read_text(encoding="utf-8")))
        vignette_dir = pkg / "vignettes"
        vignettes = tuple(
            sorted(p.stem for p in vignette_dir.glob("*") if p.suffix.lower() in {".rmd", ".md"})
            if vignette_dir.is_dir()
            else ()
        )
        config = (pkg / "_pkgdown.yml").read_text(encoding="utf-8")
        families = read_families(config, topics)
        specs_dir = pkg.parent / "specs"
        if specs_dir.is_dir():
            specs = load_spec_set(specs_dir).specs
            layers = frozenset(spec.r_name for spec in specs if isinstance(spec, LayerSpec))
        else:
            # A package without specs beside it (a test site): every generated
            # page is taken for a layer's.
            layers = frozenset(
                alias
                for topic in topics
                if any(c in families for c in topic.concepts)
                for alias in topic.aliases
            )
        return cls(topics, exports, families, vignettes, layers)

    def topic_of(self, function: str) -> RdTopic | None:
        """The topic documenting a function: its \\alias, preferring a non-internal page."""
        candidates = [t for t in self.topics if function in t.aliases]
        candidates.sort(key=lambda t: (t.internal, t.doc_type == "import"))
        return candidates[0] if candidates else None

    def family_members(self) -> dict[str, list[RdTopic]]:
        members: dict[str, list[RdTopic]] = {}
        for topic in self.topics:
            for concept in topic.concepts:
                members.setdefault(concept, []).append(topic)
        return members


# --- what the browser saw ---------------------------------------------------------


@dataclass
class Section:
    heading: str
    id: str
    text: str
    links: list[str]  # resolved hrefs
    items: list[str]  # texts of <li> and <dt> elements, in document order
    outputs: int = 0  # example output lines (#>)
    errors: int = 0  # example output lines that are errors
    first_error: str = ""  # the first of them


@dataclass
class Page:
    """A rendered page: what the DOM held after the load event and the page's scripts."""

    path: str  # relative to the site root: "reference/layer_attention.html"
    status: int
    title: str = ""
    h1: str = ""
    description: Section | None = None
    sections: list[Section] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)  # a[href], resolved
    resources: list[str] = field(default_factory=list)  # link[href], script[src], img[src]
    index: list[tuple[str, str]] = field(default_factory=list)  # (h2 heading, dt link href)
    failed_requests: list[str] = field(default_factory=list)  # same-origin requests that failed
    js_errors: list[str] = field(default_factory=list)

    def section(self, heading: str) -> Section | None:
        for section in self.sections:
            if section.heading == heading:
                return section
        return None

    @classmethod
    def from_dom(cls, path: str, status: int, data: Mapping[str, Any]) -> Page:
        def section(raw: Mapping[str, Any]) -> Section:
            return Section(
                heading=normalize_space(str(raw.get("heading", ""))),
                id=str(raw.get("id", "")),
                text=normalize_space(str(raw.get("text", ""))),
                links=[str(x) for x in raw.get("links", [])],
                items=[normalize_space(str(x)) for x in raw.get("items", [])],
                outputs=int(raw.get("outputs", 0)),
                errors=int(raw.get("errors", 0)),
                first_error=normalize_space(str(raw.get("first_error") or "")),
            )

        description = data.get("description")
        return cls(
            path=path,
            status=status,
            title=normalize_space(str(data.get("title", ""))),
            h1=normalize_space(str(data.get("h1", ""))),
            description=section(description) if description else None,
            sections=[section(s) for s in data.get("sections", [])],
            ids={str(x) for x in data.get("ids", [])},
            links=[str(x) for x in data.get("links", [])],
            resources=[str(x) for x in data.get("resources", [])],
            index=[(normalize_space(str(h)), str(u)) for h, u in data.get("index", [])],
        )


# Runs in the page once it has loaded.
EXTRACT_JS = r"""
() => {
  const text = (el) => (el ? el.innerText || el.textContent || "" : "");
  const main = document.querySelector("main");
  const section = (h, box) => {
    const out = box.querySelectorAll(".r-out");
    return {
      heading: h ? text(h) : "",
      id: h ? h.id : "",
      text: text(box),
      links: [...box.querySelectorAll("a[href]")].map((a) => a.href),
      items: [...box.querySelectorAll("li, dt")].map((e) =>
        e.tagName === "LI" ? text(e).split("\n")[0] : text(e)),
      outputs: [...out].filter((e) => text(e).trimStart().startsWith("#>")).length,
      errors: box.querySelectorAll(".r-err").length,
      first_error: text(box.querySelector(".r-err")).replace(/^#>\s*/, ""),
    };
  };
  const sections = main
    ? [...main.querySelectorAll("h2")].map((h) =>
        section(h, h.closest(".section") || h.parentElement))
    : [];
  const descBox = main ? main.querySelector(".ref-description") : null;
  const index = [];
  if (main) {
    let heading = "";
    for (const el of main.querySelectorAll("h2, dt a[href]")) {
      if (el.tagName === "H2") heading = text(el);
      else index.push([heading, el.href]);
    }
  }
  const attr = (sel, name) => [...document.querySelectorAll(sel)]
    .filter((e) => (e.getAttribute(name) || "").trim() !== "")
    .map((e) => e[name]);
  return {
    title: document.title,
    h1: text(main ? main.querySelector("h1") : document.querySelector("h1")),
    description: descBox ? section(null, descBox) : null,
    sections,
    ids: [...document.querySelectorAll("[id]")].map((e) => e.id)
      .concat([...document.querySelectorAll("a[name]")].map((e) => e.name)),
    links: [...document.querySelectorAll("a[href]")].map((a) => a.href),
    resources: attr("link[href]", "href")
      .concat(attr("script[src]", "src"), attr("img[src]", "src")),
    index,
  };
}
"""


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serves the site directory on 127.0.0.1; yields the base URL ("http://127.0.0.1:N/")."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


# --- the checks: pure functions of the package and the rendered pages -------------------


@dataclass(frozen=True)
class Problem:
    page: str
    message: str

    def __str__(self) -> str:
        return f"{self.page}: {self.message}"


def site_path(url: str, base: str) -> tuple[str, str] | None:
    """(path relative to the site root, fragment) of a URL on the site, else None."""
    if not url.startswith(base):
        return None
    without_fragment, fragment = urldefrag(url)
    path = unquote(urlsplit(without_fragment).path)
    relative = path[len(urlsplit(base).path) :]
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    return relative, unquote(fragment)


def check_links(pages: Mapping[str, Page], base: str, site: Path) -> list[Problem]:
    """Internal links, anchors and assets resolve; nothing points at file://."""
    problems: list[Problem] = []
    for page in pages.values():
        broken: set[str] = set()
        for url in page.links + page.resources:
            if url.startswith("file:"):
                broken.add(f"refers to the builder's file system: {url}")
                continue
            target = site_path(url, base)
            if target is None:
                continue
            path, fragment = target
            if not (site / path).is_file():
                broken.add(f"broken link to {path} (no such file in the site)")
            elif fragment and path.endswith(".html"):
                target_page = pages.get(path)
                if target_page is not None and fragment not in target_page.ids:
                    broken.add(f"broken anchor #{fragment} in the link to {path}")
        for request in page.failed_requests:
            broken.add(f"failed to load {request}")
        problems.extend(Problem(page.path, message) for message in sorted(broken))
    return problems


def check_reference_page(topic: RdTopic, page: Page | None, base: str) -> list[Problem]:
    """The page renders with its title, description, sections and examples' output."""
    where = topic.page
    if page is None:
        return [Problem(where, f"missing: man/{topic.name}.Rd has no reference page")]
    if page.status != 200:
        return [Problem(where, f"did not load (HTTP {page.status})")]
    problems: list[Problem] = []
    if page.h1 != topic.title:
        problems.append(
            Problem(where, f"heading is {page.h1!r}, expected the Rd title {topic.title!r}")
        )
    if topic.doc_type not in {"import", "package"} and (
        page.description is None or not page.description.text
    ):
        problems.append(Problem(where, "has no description under its title"))
    headings = [s.heading for s in page.sections]
    for heading in topic.expected_headings():
        if heading not in headings:
            problems.append(Problem(where, f"has no '{heading}' section"))
        else:
            section = page.section(heading)
            if section is not None and not section.text[len(heading) :].strip():
                problems.append(Problem(where, f"'{heading}' section is empty"))
    if topic.needs_examples and not topic.has_examples:
        problems.append(Problem(where, f"has no examples (add @examples to {topic.name})"))
    examples = page.section("Examples")
    if topic.has_examples and examples is not None:
        if examples.errors:
            problems.append(
                Problem(
                    where,
                    f"an example raised an error ({examples.errors} error lines shown, "
                    f"the first: {examples.first_error[:200]!r})",
                )
            )
        elif examples.outputs == 0:
            problems.append(
                Problem(
                    where,
                    "the examples show no output (no '#>' lines): they were not run "
                    "(\\dontrun, a false @examplesIf) or print nothing",
                )
            )
    return problems


def check_exports(
    package: Package, pages: Mapping[str, Page], search: Sequence[Mapping[str, Any]] | None
) -> list[Problem]:
    """Every export has a page with runnable examples, in the index and the search index."""
    problems: list[Problem] = []
    index = pages.get("reference/index.html")
    indexed = {site_relative(url) for _, url in index.index} if index else set()
    by_page: dict[str, list[Mapping[str, Any]]] = {}
    for entry in search or ():
        path = str(entry.get("path", ""))
        key = path[path.find("reference/") :] if "reference/" in path else path.lstrip("/")
        by_page.setdefault(key, []).append(entry)
    for function in package.exports:
        topic = package.topic_of(function)
        if topic is None:
            problems.append(
                Problem(
                    "NAMESPACE",
                    f"exported function {function}() has no reference page "
                    f"(no \\alias{{{function}}} in man/)",
                )
            )
            continue
        if topic.page not in pages:
            problems.append(Problem(topic.page, f"missing: the page of exported {function}()"))
            continue
        if topic.doc_type != "import" and topic.internal and not topic.has_examples:
            problems.append(
                Problem(topic.page, f"documents exported {function}() but has no examples")
            )
        if index is not None and topic.page not in indexed:
            problems.append(
                Problem("reference/index.html", f"does not list {topic.page} ({function}())")
            )
        if search is not None:
            entries = by_page.get(topic.page, [])
            words = " ".join(
                f"{e.get('title', '')} {e.get('what', '')} {e.get('text', '')} {e.get('code', '')}"
                for e in entries
            )
            if not entries:
                problems.append(
                    Problem("search.json", f"has no entry for {topic.page} ({function}())")
                )
            elif not re.search(rf"(?<![\w.]){re.escape(function)}(?![\w])", words):
                problems.append(
                    Problem(
                        "search.json",
                        f"exported {function}() is not in the entries of {topic.page}",
                    )
                )
    return problems


def site_relative(url: str) -> str:
    """The path of a page URL below the site root, for URLs taken from the same site."""
    path = urlsplit(urldefrag(url)[0]).path
    for marker in ("/reference/", "/articles/"):
        if marker in path:
            return path[path.rfind(marker) + 1 :]
    return path.rsplit("/", 1)[-1]


def check_families(package: Package, pages: Mapping[str, Page]) -> list[Problem]:
    """Each family is a section of the reference index, and its members link to each other."""
    problems: list[Problem] = []
    index = pages.get("reference/index.html")
    sections: dict[str, set[str]] = {}
    if index is not None:
        for heading, url in index.index:
            sections.setdefault(heading, set()).add(site_relative(url))
    for concept, members in sorted(package.family_members().items()):
        heading = index_heading(concept, package.families)
        listed = sections.get(heading)
        public = [m for m in members if not m.internal]
        if index is not None and public:
            if listed is None:
                problems.append(
                    Problem(
                        "reference/index.html",
                        f"has no section '{heading}' for the family '{concept}'",
                    )
                )
            else:
                for member in public:
                    if member.page not in listed:
                        problems.append(
                            Problem(
                                "reference/index.html",
                                f"section '{heading}' does not list {member.page}",
                            )
                        )
        for member in members:
            page = pages.get(member.page)
            if page is None or len(members) < 2:
                continue
            see_also = page.section("See also")
            linked = {site_relative(u) for u in see_also.links} if see_also else set()
            for other in members:
                if other is not member and other.page not in linked:
                    problems.append(
                        Problem(
                            member.page,
                            f"See also does not link to {other.page} (family '{concept}')",
                        )
                    )
    return problems


# The sections every layer page has, like the layer_attention page (the
# description, which has no heading, is checked for every page), and those of
# every other generated page (optimizers, losses, ...).
LAYER_SECTIONS = ("Usage", "Arguments", "Value", "Call Arguments", "Output", "See also", "Examples")
OBJECT_SECTIONS = ("Usage", "Arguments", "Value", "See also", "Examples")


def check_layer_pages(package: Package, pages: Mapping[str, Page]) -> list[Problem]:
    """Every page of a generated family (the generated index) has the sections of its kind."""
    problems: list[Problem] = []
    for topic in package.topics:
        if not any(c in package.families for c in topic.concepts):
            continue
        page = pages.get(topic.page)
        if page is None or page.status != 200:
            continue  # reported by check_reference_page
        layer = bool(package.layer_functions & set(topic.aliases))
        what = "layer page" if layer else "page of a generated function"
        headings = [s.heading for s in page.sections]
        for heading in LAYER_SECTIONS if layer else OBJECT_SECTIONS:
            if heading not in headings:
                problems.append(
                    Problem(topic.page, f"{what} has no '{heading}' section (every one has)")
                )
    return problems


def check_seed(page: Page | None, topic: str = SCREENSHOT_TOPIC) -> list[Problem]:
    """The layer_attention page carries every section of the reference page, in order."""
    where = f"reference/{topic}.html"
    if page is None:
        return [Problem(where, "missing: the layer_attention page is required")]
    problems: list[Problem] = []
    order: list[int] = []
    for seed in SEED:
        label = seed.heading or "description"
        section = page.description if not seed.heading else page.section(seed.heading)
        if section is None:
            problems.append(Problem(where, f"has no '{label}' section"))
            continue
        if seed.heading:
            order.append(page.sections.index(section))
        for phrase in seed.phrases:
            if normalize_space(phrase) not in section.text:
                problems.append(Problem(where, f"'{label}' section lacks {phrase!r}"))
        problems.extend(
            Problem(
                where, f"'{label}' section lacks the item {item!r}{' (in order)' * seed.ordered}"
            )
            for item in missing_items(section.items, seed.items, ordered=seed.ordered)
        )
        linked = {site_relative(u) for u in section.links}
        for target in seed.links:
            if f"reference/{target}.html" not in linked:
                problems.append(Problem(where, f"'{label}' section does not link to {target}()"))
    if order != sorted(order):
        problems.append(
            Problem(
                where,
                "sections are not in the order of the reference page: "
                + ", ".join(s.heading for s in SEED if s.heading),
            )
        )
    examples = page.section("Examples")
    if examples is not None and examples.outputs == 0:
        problems.append(Problem(where, "'Examples' shows no printed output"))
    return problems


def item_matches(text: str, item: str) -> bool:
    """Whether a list item starts with `item` as a whole word: "value" is not "value_mask"."""
    if not text.startswith(item):
        return False
    rest = text[len(item) :]
    return not rest or not (rest[0].isalnum() or rest[0] == "_")


def missing_items(texts: Sequence[str], wanted: Sequence[str], *, ordered: bool) -> list[str]:
    """The wanted items that no list item matches (after the previous match, when ordered)."""
    missing: list[str] = []
    position = 0
    for item in wanted:
        start = position if ordered else 0
        found = next((i for i in range(start, len(texts)) if item_matches(texts[i], item)), None)
        if found is None:
            missing.append(item)
        else:
            position = found + 1
    return missing


def check_articles(package: Package, pages: Mapping[str, Page]) -> list[Problem]:
    problems: list[Problem] = []
    for stem in package.vignettes:
        path = f"articles/{stem}.html"
        page = pages.get(path)
        if page is None:
            problems.append(Problem(path, f"missing: vignettes/{stem} has no article page"))
        elif page.status != 200 or not page.h1:
            problems.append(Problem(path, "article did not render a title"))
    return problems


def check_all(
    package: Package,
    pages: Mapping[str, Page],
    search: Sequence[Mapping[str, Any]] | None,
    base: str,
    site: Path,
) -> list[Problem]:
    problems: list[Problem] = []
    for topic in package.topics:
        problems.extend(check_reference_page(topic, pages.get(topic.page), base))
    problems.extend(check_exports(package, pages, search))
    problems.extend(check_families(package, pages))
    problems.extend(check_layer_pages(package, pages))
    problems.extend(check_seed(pages.get(f"reference/{SCREENSHOT_TOPIC}.html")))
    problems.extend(check_articles(package, pages))
    problems.extend(check_links(pages, base, site))
    for page in pages.values():
        if page.status != 200:
            problems.append(Problem(page.path, f"did not load (HTTP {page.status})"))
        elif page.path not in {"index.html", "404.html"} and not page.h1:
            problems.append(Problem(page.path, "rendered without a heading (no <h1>)"))
    for page in pages.values():
        for error in dict.fromkeys(page.js_errors):
            if not OFFLINE_JS_ERRORS.search(error):
                problems.append(Problem(page.path, f"JavaScript error: {error}"))
    if search is None:
        problems.append(Problem("search.json", "missing or not readable by the browser"))
    # One message per problem, in a stable order.
    return sorted(set(problems), key=lambda p: (p.page, p.message))


# --- driver ------------------------------------------------------------------------------


def html_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))


def render_site(
    site: Path, chromium: str, out: Path, screenshot_page: str
) -> tuple[dict[str, Page], list[dict[str, Any]] | None, str, Path | None]:
    """Opens every page of the site in one tab; returns the pages, search.json as the
    browser fetched it, the base URL and the screenshot's path."""
    pages: dict[str, Page] = {}
    search: list[dict[str, Any]] | None = None
    shot: Path | None = None
    failed: list[str] = []  # same-origin requests of the page being loaded
    errors: list[str] = []  # its uncaught JavaScript errors
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport=VIEWPORT)
        tab.set_default_timeout(PAGE_TIMEOUT_MS)

        def on_response(response: Response) -> None:
            if response.url.startswith(base) and response.status >= 400:
                failed.append(f"{response.url} (HTTP {response.status})")

        def on_request_failed(request: Request) -> None:
            # ERR_ABORTED: cancelled, or the end of an error response reported above.
            if request.url.startswith(base) and request.failure != "net::ERR_ABORTED":
                failed.append(f"{request.url} ({request.failure})")

        tab.on("response", on_response)
        tab.on("requestfailed", on_request_failed)
        tab.on("pageerror", lambda error: errors.append(f"{error.name}: {error.message}"))
        for path in html_pages(site):
            failed.clear()
            errors.clear()
            try:
                response = tab.goto(base + path, wait_until="load")
            except PlaywrightError as error:
                message = error.message.splitlines()[0]
                pages[path] = Page(path, 0, failed_requests=[f"{base + path} ({message})"])
                continue
            data = tab.evaluate(EXTRACT_JS)
            page = Page.from_dom(path, response.status if response else 0, data)
            page.failed_requests = list(failed)
            page.js_errors = [error.splitlines()[0] for error in errors]
            pages[path] = page
            if path == screenshot_page and page.status == 200:
                shot = out / f"{Path(path).stem}.png"
                tab.screenshot(path=shot, full_page=True)
                (out / f"{Path(path).stem}.dom.json").write_text(json.dumps(data, indent=1))
        if (site / "search.json").is_file():
            loaded = tab.evaluate(
                "url => fetch(url).then(r => (r.ok ? r.json() : null))", base + "search.json"
            )
            search = loaded if isinstance(loaded, list) else None
        browser.close()
    return pages, search, base, shot


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--site", type=Path, default=ROOT / "r-package" / "docs")
    parser.add_argument("--pkg", type=Path, default=ROOT / "r-package")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site-check")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="%(default)s")
    args = parser.parse_args(argv)

    started = time.monotonic()
    if not (args.site / "index.html").is_file():
        print(f"check_site: error: no site in {args.site}: run make docs", file=sys.stderr)
        return 2
    if not Path(args.chromium).is_file():
        print(f"check_site: error: no {args.chromium}: apt-get install chromium", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        package = Package.read(args.pkg)
    except (OSError, ValueError, IndexBlockError) as error:
        print(f"check_site: error: reading {args.pkg}: {error}", file=sys.stderr)
        return 2
    screenshot_page = f"reference/{SCREENSHOT_TOPIC}.html"
    try:
        pages, search, base, shot = render_site(args.site, args.chromium, args.out, screenshot_page)
    except PlaywrightError as error:
        print(f"check_site: error: the browser failed: {error.message}", file=sys.stderr)
        return 2
    problems = check_all(package, pages, search, base, args.site)
    elapsed = time.monotonic() - started

    js_errors = sorted(
        {
            f"{p.path}: {e}"
            for p in pages.values()
            for e in p.js_errors
            if OFFLINE_JS_ERRORS.search(e)
        }
    )
    report = {
        "site": str(args.site),
        "pages": len(pages),
        "reference_pages": sum(1 for p in pages if p.startswith("reference/")),
        "exports": len(package.exports),
        "seconds": round(elapsed, 1),
        "screenshot": str(shot) if shot else None,
        "problems": [str(p) for p in problems],
        "javascript_errors": js_errors,
    }
    (args.out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    for problem in problems:
        print(f"check_site: FAIL {problem}", file=sys.stderr)
    external = len({u for p in pages.values() for u in p.links if not u.startswith(base)})
    summary = (
        f"{len(pages)} pages rendered in Chromium ({report['reference_pages']} reference), "
        f"{len(package.exports)} exports, {external} external links not followed (offline), "
        f"{elapsed:.1f} s"
    )
    if shot:
        summary += f"; screenshot: {shot}"
    if js_errors:
        print(
            f"check_site: note: {len(js_errors)} JavaScript error(s) from CDN scripts that "
            f"cannot load offline, not failures: see "
            f"{args.out / 'report.json'}"
        )
    if problems:
        print(f"check_site: {len(problems)} problem(s); {summary}", file=sys.stderr)
        return 1
    print(f"check_site: ok: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
