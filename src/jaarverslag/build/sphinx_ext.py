"""Sphinx extension for the book: keep every page self-contained.

Jupyter Book 1 always loads sphinx-thebe, which puts an unpkg.com URL and its loader on every
page; the book runs no live code, so those scripts are dropped from each page.
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


def setup(app):
    """Register the page hook."""
    app.connect("html-page-context", _drop_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
