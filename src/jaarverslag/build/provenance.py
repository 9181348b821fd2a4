"""Provenance: which data, code and environment produced a page, shown on every page of the book."""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from jaarverslag.build.cache import tree_hash
from jaarverslag.data.paths import ASSET_PREFIX, TABLE_FOLDER, data_dir

FINGERPRINT_LENGTH = 12
EXECUTED_FOLDER = "uitgevoerd"  # executed notebooks published as files at <year>/uitgevoerd/
NOTEBOOK_REFERENCE = re.compile(r"\.\./notebooks/([\w-]+)\.ipynb")


def data_fingerprint(root: Path, jaar: int) -> str:
    """Return a short sha256 over everything one year's book reads from data/ (year, reference tables, codebook)."""
    folders = [data_dir(root) / str(jaar), data_dir(root) / "referentie", data_dir(root) / "codebook"]
    files = [p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file()]
    return tree_hash(files, root)[:FINGERPRINT_LENGTH]


def code_version(root: Path) -> str:
    """Return the git commit of the code, marked when the work tree had uncommitted changes."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "onbekend (geen git-werkmap)"
    return commit.stdout.strip() + (" (met niet-vastgelegde wijzigingen)" if dirty.stdout.strip() else "")


def build_date() -> str:
    """Return the build date; SOURCE_DATE_EPOCH fixes it for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    day = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch else dt.date.today()
    return day.isoformat()


def footer_html(jaar: int, vingerafdruk: str, versie: str, datum: str) -> str:
    """Return the footer shown on every page: year, data fingerprint, code version, build date."""
    return (
        f'<div class="jv-herkomst-voet" data-jaar="{jaar}" data-vingerafdruk="{vingerafdruk}" '
        f'data-code="{html.escape(versie.split()[0])}">'
        f"Verslagjaar {jaar} · gegevens-vingerafdruk <code>{vingerafdruk}</code> · "
        f"code <code>{html.escape(versie)}</code> · gebouwd op {datum} · "
        f'<a href="{ASSET_PREFIX}book/over.html">Over dit verslag</a></div>'
    )


def page_block(page: str, tabellen: dict[str, list[str]]) -> str:
    """Return the provenance block for a chapter page: its notebooks and their CSV tables, as links."""
    notebooks = sorted(set(NOTEBOOK_REFERENCE.findall(page)))
    if not notebooks:
        return ""
    items = []
    for nb in notebooks:
        csvs = ", ".join(
            f'<a href="{ASSET_PREFIX}{TABLE_FOLDER}/{html.escape(c)}">{html.escape(c)}</a>'
            for c in tabellen.get(nb, [])
        )
        items.append(
            f'<li>Berekening: <a href="{ASSET_PREFIX}{EXECUTED_FOLDER}/{nb}.ipynb">{nb}.ipynb</a> '
            f"(uitgevoerd notebook){'; tabellen als CSV: ' + csvs if csvs else ''}</li>"
        )
    return (
        '\n\n<div class="jv-herkomst" role="note" aria-label="Herkomst van deze pagina">'
        "<p><strong>Herkomst van deze pagina</strong></p><ul>" + "".join(items) + "</ul></div>\n"
    )


def _pins(root: Path) -> list[tuple[str, str]]:
    lines = (root / "requirements.lock").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("==", 1)) for line in lines if "==" in line and not line.startswith("#")]


def about_page(root: Path, jaar: int, vingerafdruk: str, versie: str, datum: str) -> str:
    """Return the 'Over dit verslag' page: how this version was made and how to rebuild it exactly."""
    rows = []
    for name, pinned in _pins(root):
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "niet geïnstalleerd"
        rows.append(f"| {name} | {pinned} | {installed} |")
    commit = versie.split()[0]
    return "\n".join(
        [
            "# Over dit verslag",
            "",
            "Deze versie van het jaarverslag is volledig opnieuw te maken uit de broncode en de gegevens.",
            "",
            f"- **Verslagjaar:** {jaar}",
            f"- **Gegevens-vingerafdruk:** `{vingerafdruk}` (sha256 over `data/{jaar}/`, `data/referentie/` en "
            "`data/codebook/`, eerste 12 tekens)",
            f"- **Codeversie (git):** `{versie}`",
            f"- **Gebouwd op:** {datum}",
            f"- **Python:** {sys.version.split()[0]}",
            "",
            "## Deze versie opnieuw bouwen",
            "",
            "```sh",
            "git clone <repository> jaarverslag && cd jaarverslag",
            f"git checkout {commit}",
            f"make book JAAR={jaar}",
            "```",
            "",
            "`make book` maakt zelf een virtuele omgeving uit `requirements.lock`, controleert de gegevens, voert "
            "de notebooks uit met papermill en bouwt het boek. Dezelfde gegevens en code geven dezelfde tabellen en "
            "getallen.",
            "",
            "## Omgeving",
            "",
            "```{table} Pakketten: vastgelegde versie (requirements.lock) en de versie waarmee gebouwd is",
            ":name: tbl-omgeving",
            "",
            "| Pakket | Vastgelegd | Gebruikt |",
            "| :--- | :--- | :--- |",
            *rows,
            "```",
            "",
        ]
    )
