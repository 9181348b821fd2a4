"""The year's own texts (data/<jaar>/tekst/*.md): a safe subset of Markdown, checked before anything is built.

The texts are the analyst's prose and nothing more. They are parsed with the same MyST parser
(and the same extensions) the book uses, and every token must be in the allowed set below:
paragraphs, headings (### and ####, because the texts sit under a chapter's ## heading), lists,
emphasis, inline code (shown as literal text), links to http(s) pages or to a page of the book,
footnotes, glossary terms ({term}`...`) and comments. Everything else (directives such as
{include}, roles other than {term}, raw HTML, images, substitutions, math, tables, front matter)
can read files or emit markup, and is refused with the file and line. A text that is a symbolic
link, or that lies outside the project, is refused as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FOLDER = "tekst"  # data/<jaar>/tekst/
SUFFIX = ".md"
FILES = {
    "voorwoord": "het voorwoord",
    "samenwerking": "de samenwerking met partners",
    "hoogtepunten": "de hoogtepunten van het jaar",
}
# The MyST extensions of _config.yml: the texts must be parsed exactly as Sphinx will parse them.
MYST_EXTENSIONS = frozenset({"colon_fence", "deflist", "dollarmath", "substitution"})
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ONLY_COMMENTS = re.compile(r"\s*(<!--.*?-->\s*)+", re.DOTALL)
_EXTERNAL_LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_BOOK_LINK = re.compile(r"(?P<pagina>[a-z][a-z0-9_-]*)(\.md)?(#[A-Za-z0-9_-]+)?")
ALLOWED_ROLES = frozenset({"term"})  # a glossary term only links to the Begrippenlijst
HEADING_LEVELS = (3, 4)

_ALLOWED_BLOCKS = frozenset(
    {
        "paragraph_open",
        "paragraph_close",
        "heading_open",
        "heading_close",
        "inline",
        "bullet_list_open",
        "bullet_list_close",
        "ordered_list_open",
        "ordered_list_close",
        "list_item_open",
        "list_item_close",
        "footnote_reference_open",
        "footnote_reference_close",
        "footnote_block_open",
        "footnote_block_close",
        "footnote_open",
        "footnote_close",
        "footnote_anchor",
        "myst_line_comment",
    }
)
_ALLOWED_INLINE = frozenset(
    {
        "text",
        "softbreak",
        "hardbreak",
        "em_open",
        "em_close",
        "strong_open",
        "strong_close",
        "code_inline",
        "link_close",
        "footnote_ref",
        "footnote_anchor",
    }
)
# Dutch names for what an analyst may have typed, for the message.
_CONSTRUCTS = {
    "fence": "een directive of codeblok (```)",
    "colon_fence": "een directive (:::)",
    "html_block": "HTML",
    "html_inline": "HTML",
    "image": "een afbeelding",
    "code_block": "een ingesprongen codeblok",
    "substitution_inline": "een substitutie ({{ ... }})",
    "substitution_block": "een substitutie ({{ ... }})",
    "math_inline": "een formule ($...$)",
    "math_block": "een formule ($$...$$)",
    "table_open": "een tabel",
    "blockquote_open": "een citaatblok (>)",
    "hr": "een horizontale lijn",
    "front_matter": "front matter (---)",
    "myst_target": "een verwijzingsdoel ((naam)=)",
    "myst_block_break": "een blokscheiding (+++)",
    "dl_open": "een definitielijst",
    "myst_role": "een rol",
}
ALLOWED_TEXT = (
    "alinea's, tussenkoppen (### en ####), lijsten, *nadruk* en **vet**, `code`, "
    "links naar http(s)-pagina's of naar een pagina van dit boek, voetnoten, "
    "begrippen ({term}`...`) en commentaar (<!-- -->)"
)


@dataclass(frozen=True)
class TextProblem:
    """One construct in a narrative text that is not in the safe subset."""

    regel: int | None
    fout: str


@cache
def _parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)


def _construct(token) -> str:
    if token.type in ("fence", "colon_fence") and token.info.strip().startswith("{"):
        name = token.info.strip()[1:].split("}", 1)[0]
        return f"de directive {{{name}}}"
    if token.type == "myst_role":
        return f"de rol {{{token.meta.get('name', '?')}}}"
    return _CONSTRUCTS.get(token.type, f"de constructie '{token.type}'")


def _link_problem(href: str, book_pages: frozenset[str]) -> str | None:
    """Return why a link target is not allowed, or None."""
    if _EXTERNAL_LINK.fullmatch(href):
        return None
    book = _BOOK_LINK.fullmatch(href)
    if book and book.group("pagina") in book_pages:
        return None
    return (
        f"de link naar '{href}' is niet toegestaan: link alleen naar een http(s)-adres of naar een pagina "
        f"van dit boek ({', '.join(sorted(book_pages))})"
    )


def problems(text: str, book_pages: frozenset[str]) -> list[TextProblem]:
    """Return every construct of a narrative text outside the safe subset (empty when the text is safe)."""
    found: list[TextProblem] = []
    levels: list[int] = []
    skip_depth = 0  # inside a refused block (a table, a quote): its inner tokens add nothing to the message
    for token in _parser().parse(text):
        line = token.map[0] + 1 if token.map else None
        if skip_depth:
            skip_depth += token.nesting
            continue
        if token.type == "html_block" and _ONLY_COMMENTS.fullmatch(token.content):
            continue
        if token.type not in _ALLOWED_BLOCKS:
            found.append(TextProblem(line, f"{_construct(token)} is niet toegestaan"))
            skip_depth = max(token.nesting, 0)
            continue
        if token.type == "heading_open":
            level = int(token.tag[1])
            if level not in HEADING_LEVELS or (level == HEADING_LEVELS[1] and HEADING_LEVELS[0] not in levels):
                found.append(
                    TextProblem(
                        line,
                        f"een kop van niveau {level} ({'#' * level}) past hier niet: de tekst "
                        "staat onder een kop van het hoofdstuk; begin tussenkoppen met ###",
                    )
                )
            levels.append(level)
        offset = 0
        for child in token.children or []:
            child_line = None if line is None else line + offset
            if child.type in ("softbreak", "hardbreak"):
                offset += 1
            if child.type == "html_inline" and _ONLY_COMMENTS.fullmatch(child.content):
                continue
            if child.type == "link_open":
                problem = _link_problem(child.attrs.get("href", ""), book_pages)
                if problem:
                    found.append(TextProblem(child_line, problem))
            elif child.type == "myst_role" and child.meta.get("name") in ALLOWED_ROLES:
                continue
            elif child.type not in _ALLOWED_INLINE:
                found.append(TextProblem(child_line, f"{_construct(child)} is niet toegestaan"))
    return found


def book_pages(root: Path) -> frozenset[str]:
    """Return the names of the book's pages a text may link to (book/*.md and the generated pages)."""
    return frozenset({p.stem for p in (root / "book").glob("*.md")} | {"codeboek", "begrippenlijst", "over"})


def is_empty(text: str) -> bool:
    """True when a text holds nothing but comments (a template of make nieuw-jaar)."""
    return not HTML_COMMENT.sub("", text).strip()


def check_file(path: Path, root: Path) -> list[TextProblem]:
    """Return the problems of one narrative file: its place (inside the project, no link), encoding, constructs."""
    if path.is_symlink() or not path.resolve().is_relative_to(root.resolve()):
        return [
            TextProblem(
                None,
                "dit is een verwijzing (symbolische link) of ligt buiten de projectmap; "
                "zet de tekst zelf in het bestand",
            )
        ]
    if not path.is_file() or path.suffix != SUFFIX or path.stem not in FILES:
        return [
            TextProblem(
                None,
                f"dit tekstbestand wordt niet gebruikt; de teksten heten {', '.join(f'{n}{SUFFIX}' for n in FILES)}",
            )
        ]
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return [TextProblem(None, "het bestand is geen UTF-8; sla het op als UTF-8")]
    return problems(text, book_pages(root))


def folder(root: Path, jaar: int) -> Path:
    """Return data/<jaar>/tekst/."""
    return root / "data" / str(jaar) / FOLDER
