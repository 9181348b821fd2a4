"""Sphinx extension for the book: keep every page self-contained, and incremental builds correct.

Jupyter Book 1 always loads sphinx-thebe, which puts an unpkg.com URL and its loader on every
page; the book runs no live code, so those scripts are dropped from each page.

A page that glues values from a notebook (myst-nb's `{glue:text}` with `notebook::key`) depends on
that notebook, which myst-nb does not tell Sphinx: the dependency is noted here, so an incremental
build re-reads and rewrites the page whenever the notebook changed (build/book.py keeps the environment).
"""

from __future__ import annotations

REMOTE_MARKERS = ("thebe", "THEBE")


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


def setup(app):
    """Register the page hook and the glue dependencies."""
    app.connect("html-page-context", _drop_scripts, priority=900)
    app.connect("doctree-read", _note_glued_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
