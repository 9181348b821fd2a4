"""The board's PDF: Jupyter Book's single-page HTML build printed by Debian's chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

from jaarverslag.build.provenance import EXECUTED_FOLDER
from jaarverslag.build.publish import ROOT_PAGE
from jaarverslag.data.paths import ASSET_PREFIX, FIGURE_FOLDER, ROOT_ENV, TABLE_FOLDER

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-pdf-header-footer",
    "--virtual-time-budget=10000",
]
CHROMIUM_TIMEOUT_S = 180


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def chromium() -> str | None:
    """Return Debian's chromium binary, or None when it is not installed."""
    return shutil.which("chromium")


def pdf_name(jaar: int) -> str:
    return f"jaarverslag-{jaar}.pdf"


def make_pdf(source: Path, output: Path, jaar: int, root: Path) -> Path:
    """Build the single-page HTML of a staged book and print it to PDF; return the PDF path."""
    browser = chromium()
    if browser is None:
        raise FileNotFoundError("chromium ontbreekt (apt-get install chromium)")
    single = output / "enkel"
    shutil.rmtree(single, ignore_errors=True)
    command = [
        str(Path(sys.executable).with_name("jupyter-book")),
        "build",
        str(source),
        "--builder",
        "singlehtml",
        "--path-output",
        str(single),
        "--quiet",
    ]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, ROOT_ENV: str(root)})
    built = single / "_build" / "singlehtml" / ROOT_PAGE
    if result.returncode != 0 or not built.is_file():
        raise RuntimeError("single-page build mislukt:\n" + (result.stdout + result.stderr)[-3000:])
    # The single page is written at book/index.html but links _static/ as if it sat at the root,
    # while its figures use the chapter pages' "../": put it at the root and drop the "../".
    text = built.read_text(encoding="utf-8")
    for folder in (FIGURE_FOLDER, TABLE_FOLDER, EXECUTED_FOLDER, "book"):
        text = text.replace(f'"{ASSET_PREFIX}{folder}/', f'"{folder}/')
    page = single / "_build" / "singlehtml" / "index.html"
    page.write_text(text, encoding="utf-8")
    target = output / pdf_name(jaar)
    # Served over loopback: file:// URLs break on the "?v=<hash>" suffix of Sphinx's CSS links.
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(page.parent))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        subprocess.run(
            [
                browser,
                *CHROMIUM_FLAGS,
                f"--print-to-pdf={target}",
                f"http://127.0.0.1:{server.server_address[1]}/index.html",
            ],
            capture_output=True,
            text=True,
            timeout=CHROMIUM_TIMEOUT_S,
            env={**os.environ, "HOME": str(output)},
        )
    finally:
        server.shutdown()
    if not target.is_file() or target.stat().st_size == 0:
        raise RuntimeError(f"chromium maakte geen PDF van {page}")
    return target
