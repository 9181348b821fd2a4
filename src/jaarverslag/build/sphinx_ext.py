"""Sphinx extension for the book: keep every page self-contained, accessible, and incremental builds correct.

Jupyter Book 1 always loads sphinx-thebe, which puts an unpkg.com URL and its loader on every
page; the book runs no live code, so those scripts are dropped from each page. The sidebar's
fold-out toggles get a name, and the footer's links are made relative to each page's own folder.

A page that glues values from a notebook (myst-nb's `{glue:text}` with `notebook::key`) depends on
that notebook, which myst-nb does not tell Sphinx: the dependency is noted here, so an incremental
build re-reads and rewrites the page whenever the notebook changed (build/book.py keeps the environment).
"""

from __future__ import annotations

import html
import re

from jaarverslag.data.paths import ASSET_PREFIX

REMOTE_MARKERS = ("thebe", "THEBE")
# A chapter in the sidebar: its link, then the <details> whose <summary> (a bare chevron) folds its sections.
_TOGGLE = re.compile(
    r'(<a class="[^"]*reference internal[^"]*" href="[^"]*">((?:(?!</a>).)*)</a>\s*<details[^>]*>\s*)<summary>', re.S
)
_TAG = re.compile(r"<[^>]+>")


def _is_remote_or_thebe(script) -> bool:
    body = getattr(script, "attributes", {}).get("body", "") or ""
    filename = getattr(script, "filename", None) or str(script)
    return any(m in filename or m in body for m in REMOTE_MARKERS) or filename.startswith(("http://", "https://"))


def _drop_scripts(app, pagename, templatename, context, doctree) -> None:
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not _is_remote_or_thebe(s)]


def _note_glued_notebooks(app, doctree) -> None:
    from myst_nb.ext.glue.utils import PendingGlueReference

    for node in doctree.findall(PendingGlueReference):
        app.env.note_dependency(str(app.env.doc2path(node.refdoc)))


def name_toggles(toctree: str) -> str:
    """Give each sidebar toggle a Dutch name after its chapter (axe: summary-name; a bare icon says nothing)."""

    def named(match: re.Match) -> str:
        title = html.unescape(_TAG.sub("", match.group(2))).replace("\u00ad", "").strip()
        return f'{match.group(1)}<summary aria-label="Onderdelen van {html.escape(title)}">'

    return _TOGGLE.sub(named, toctree)


def _name_toggles(app, pagename, templatename, context, doctree) -> None:
    generate = context.get("generate_toctree_html")
    if generate is not None:
        context["generate_toctree_html"] = lambda *args, **kwargs: name_toggles(str(generate(*args, **kwargs)))


def footer_for(footer: str, pagename: str) -> str:
    """Return the footer with its ASSET_PREFIX links (written for a page in book/) relative to this page's folder."""
    to_root = "../" * pagename.count("/")
    return footer.replace(f'href="{ASSET_PREFIX}', f'href="{to_root}')


def _relative_footer(app, pagename, templatename, context, doctree) -> None:
    if context.get("theme_extra_footer"):
        context["theme_extra_footer"] = footer_for(context["theme_extra_footer"], pagename)


def setup(app):
    """Register the page hooks and the glue dependencies."""
    app.connect("html-page-context", _drop_scripts, priority=900)
    app.connect("html-page-context", _name_toggles, priority=900)  # after the theme adds the function
    app.connect("html-page-context", _relative_footer)
    app.connect("doctree-read", _note_glued_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
