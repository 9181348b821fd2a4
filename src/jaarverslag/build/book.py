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
from jaarverslag.build.provenance import build_date
from jaarverslag.build.stage import stage, write_pdf_line
from jaarverslag.data.paths import ROOT_ENV, build_dir
from jaarverslag.render.fmt import getal

BOOK_STAMP = "bron.sha256"
SOURCE_LIST = "bron.lijst"  # the staged files of the last successful build: one gone means a fresh build


def _make_pdf(output: Path, html: Path, jaar: int, root: Path, draft: bool, versie: str) -> None:
    """Print both versions of the year's book to PDF into its HTML folder."""
    from jaarverslag.build.pdf import make_pdfs

    start = time.perf_counter()
    try:
        made = make_pdfs(html, output / "pdf", jaar, root, draft, versie, build_date())
    except (RuntimeError, OSError, subprocess.SubprocessError) as err:
        raise BuildError(f"De PDF van {jaar} kon niet worden gemaakt: {err}") from err
    for pdf in made:
        shutil.copy2(pdf, html / pdf.name)
    print(f"  pdf {jaar}: klaar in {getal(time.perf_counter() - start, 1)} s", flush=True)


def build_book(root: Path, jaar: int, site: publish.SiteYears, versie: str, pdf: bool) -> tuple[Path, bool]:
    """Build one year's Jupyter Book (and its PDFs) with warnings as errors.

    Return its HTML folder and whether it was rebuilt.

    The build is skipped when the staged sources (pages, executed notebooks, config) are
    byte-identical to those of the last successful build of that year. Without pdf, the
    published PDFs are kept when the book's printed content is unchanged (stage.content_key).
    """
    from jaarverslag.build.pdf import pdf_names

    source, content = stage(root, jaar, site, versie)
    names = pdf_names(jaar)
    published = root / publish.SITE / str(jaar)
    keep = (
        not pdf
        and all((published / name).is_file() for name in names)
        and publish.published_state(root / publish.SITE, jaar).get("pdf") == content
    )
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
        (output / SOURCE_LIST).write_text(_source_record(source), encoding="utf-8")
    else:
        print(f"  boek {jaar}: ongewijzigd", flush=True)
    if pdf and (rebuilt or not all((html / name).is_file() for name in names)):
        _make_pdf(output, html, jaar, root, jaar in site.drafts, versie)
    for name in names:
        if keep:
            shutil.copy2(published / name, html / name)
        elif not pdf:
            (html / name).unlink(missing_ok=True)
    stamp.write_text(key, encoding="utf-8")
    made = all((html / name).is_file() for name in names)
    record = {**site.page_state(jaar), "inhoud": content, "pdf": content if made else None}
    (html / publish.BUILD_RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return html, rebuilt


def _source_files(source: Path) -> list[str]:
    return sorted(p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file())


def _source_record(source: Path) -> str:
    """Return what the next build compares: the hash of the table of contents and every staged file's name.

    A page left out of the table of contents would keep its old HTML file in an incremental build.
    """
    return "\n".join([cache.file_hash(source / "_toc.yml"), *_source_files(source)]) + "\n"


def _build_html(root: Path, source: Path, output: Path, html: Path, jaar: int) -> None:
    """Run Jupyter Book on a staged year into output/.

    Incremental: Sphinx keeps its environment in output/ and re-reads only the pages whose staged
    sources (or the notebooks they glue from, sphinx_ext) changed. output/ starts empty when a staged
    file was removed or the table of contents changed since the last successful build (an old page or
    file would linger in the HTML), or when the last build failed.
    """
    previous = output / SOURCE_LIST
    known = previous.read_text(encoding="utf-8").splitlines() if previous.is_file() else []
    now = _source_record(source).splitlines()
    if not known or known[0] != now[0] or not set(known[1:]) <= set(now[1:]):
        shutil.rmtree(output, ignore_errors=True)
    previous.unlink(missing_ok=True)  # written again only after this build succeeded
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
        shutil.rmtree(output, ignore_errors=True)
        log = (result.stdout + result.stderr).strip().splitlines()
        raise BuildError(f"Jupyter Book kon het boek van {jaar} niet bouwen:\n" + "\n".join(log[-40:]))
    (html / "index.html").write_text(publish.jaar_index_html(jaar), encoding="utf-8")
    print(f"  boek {jaar}: klaar in {getal(time.perf_counter() - start, 1)} s", flush=True)
