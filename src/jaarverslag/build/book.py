"""The book step: build one year's Jupyter Book (warnings as errors) and its PDF, skipped when nothing changed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from jaarverslag.build import cache, publish, sphinx_ext
from jaarverslag.build.errors import BuildError
from jaarverslag.build.stage import stage, write_pdf_line
from jaarverslag.data.paths import ROOT_ENV, build_dir
from jaarverslag.render.fmt import getal

BOOK_STAMP = "bron.sha256"


def _make_pdf(source: Path, output: Path, html: Path, jaar: int, root: Path) -> None:
    """Print the year's book to PDF into its HTML folder."""
    from jaarverslag.build.pdf import make_pdf, pdf_name

    start = time.perf_counter()
    try:
        made = make_pdf(source, output / "pdf", jaar, root)
    except (RuntimeError, OSError, subprocess.SubprocessError) as err:
        raise BuildError(f"De PDF van {jaar} kon niet worden gemaakt: {err}") from err
    shutil.copy2(made, html / pdf_name(jaar))
    print(f"  pdf {jaar}: klaar in {getal(time.perf_counter() - start, 1)} s", flush=True)


def build_book(root: Path, jaar: int, site: publish.SiteYears, versie: str, pdf: bool) -> tuple[Path, bool]:
    """Build one year's Jupyter Book (and its PDF) with warnings as errors.

    Return its HTML folder and whether it was rebuilt.

    The build is skipped when the staged sources (pages, executed notebooks, config) are
    byte-identical to those of the last successful build of that year. Without pdf, the
    published PDF is kept when the book's printed content is unchanged (stage.content_key).
    """
    from jaarverslag.build.pdf import pdf_name

    source, content = stage(root, jaar, site, versie)
    published = root / publish.SITE / str(jaar) / pdf_name(jaar)
    keep = not pdf and published.is_file() and publish.published_state(root / publish.SITE, jaar).get("pdf") == content
    write_pdf_line(source, jaar, pdf or keep)
    output = build_dir(root) / "html" / str(jaar)
    html = output / "_build" / "html"
    stamp = output / BOOK_STAMP
    key = cache.tree_hash([p for p in source.rglob("*") if p.is_file()], source)
    # The book's own Sphinx extension shapes every page too: a change to it rebuilds the book.
    key += ":" + hashlib.sha256(Path(sphinx_ext.__file__).read_bytes()).hexdigest()
    rebuilt = not (stamp.is_file() and stamp.read_text(encoding="utf-8") == key and (html / "index.html").is_file())
    if rebuilt:
        _build_html(root, source, output, html, jaar)
    else:
        print(f"  boek {jaar}: ongewijzigd", flush=True)
    if pdf and (rebuilt or not (html / pdf_name(jaar)).is_file()):
        _make_pdf(source, output, html, jaar, root)
    elif keep:
        shutil.copy2(published, html / pdf_name(jaar))
    elif not pdf:
        (html / pdf_name(jaar)).unlink(missing_ok=True)
    stamp.write_text(key, encoding="utf-8")
    record = {**site.page_state(jaar), "inhoud": content, "pdf": content if (html / pdf_name(jaar)).is_file() else None}
    (html / publish.BUILD_RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return html, rebuilt


def _build_html(root: Path, source: Path, output: Path, html: Path, jaar: int) -> None:
    """Run Jupyter Book on a staged year into output/ (emptied first)."""
    shutil.rmtree(output, ignore_errors=True)
    command = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(source),
        "--path-output",
        str(output),
        "--warningiserror",
        "--keep-going",
        "--quiet",
    ]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, ROOT_ENV: str(root)})
    if result.returncode != 0 or not (html / "index.html").exists():
        log = (result.stdout + result.stderr).strip().splitlines()
        raise BuildError(f"Jupyter Book kon het boek van {jaar} niet bouwen:\n" + "\n".join(log[-40:]))
    (html / "index.html").write_text(publish.jaar_index_html(jaar), encoding="utf-8")
    print(f"  boek {jaar}: klaar in {getal(time.perf_counter() - start, 1)} s", flush=True)
