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
CALCULATION_FOLDER = "notebooks"  # the calculation pages: <year>/notebooks/<naam>.html, part Verantwoording
EXECUTED_FOLDER = "uitgevoerd"  # executed notebooks published as files at <year>/uitgevoerd/
NOTEBOOK_REFERENCE = re.compile(r"\.\./notebooks/([\w-]+)\.ipynb")
# A build from a work tree with uncommitted changes: kept in the code version, shown as a banner, never in the footer.
UNCOMMITTED_MARK = " (met niet-vastgelegde wijzigingen)"
WORKTREE_CLASS = "jv-werkversie"
WORKTREE_NOTE = " (werkversie: gebouwd met wijzigingen die nog niet in git zijn vastgelegd)"


def data_fingerprint(root: Path, jaar: int) -> str:
    """Return a short sha256 over everything one year's book reads from data/ (year, reference tables, codebook)."""
    folders = [data_dir(root) / str(jaar), data_dir(root) / "referentie", data_dir(root) / "codebook"]
    files = [p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file()]
    return tree_hash(files, root)[:FINGERPRINT_LENGTH]


def code_version(root: Path) -> str:
    """Return the git commit of the code, marked (UNCOMMITTED_MARK) when the project had uncommitted changes.

    Only changes inside the project folder count (a copy of the project inside another work tree is clean).
    """
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "."], cwd=root, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "onbekend (geen git-werkmap)"
    return commit.stdout.strip() + (UNCOMMITTED_MARK if dirty.stdout.strip() else "")


def commit_of(versie: str) -> str:
    """Return the commit alone from a code version (what the footer shows)."""
    return versie.removesuffix(UNCOMMITTED_MARK)


def has_uncommitted(versie: str) -> bool:
    """Return whether a code version was built from a work tree with uncommitted changes (a werkversie)."""
    return versie.endswith(UNCOMMITTED_MARK)


def worktree_banner(versie: str) -> str:
    """Return the banner every page of a werkversie carries ('' for a build from committed code and data)."""
    if not has_uncommitted(versie):
        return ""
    return (
        f'<span class="{WORKTREE_CLASS}">Werkversie: gebouwd met wijzigingen in code of gegevens die nog niet '
        "in git zijn vastgelegd; niet voor publicatie.</span>"
    )


def build_date() -> str:
    """Return the build date; SOURCE_DATE_EPOCH fixes it for reproducible builds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    day = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch else dt.date.today()
    return day.isoformat()


def footer_html(jaar: int, vingerafdruk: str, versie: str, datum: str) -> str:
    """Return the footer shown on every page: year, data fingerprint, code version, build date."""
    return (
        f'<div class="jv-herkomst-voet" data-jaar="{jaar}" data-vingerafdruk="{vingerafdruk}" '
        f'data-code="{html.escape(commit_of(versie).split()[0])}">'
        f"Verslagjaar {jaar} · gegevens-vingerafdruk <code>{vingerafdruk}</code> · "
        f"code <code>{html.escape(commit_of(versie))}</code> · gebouwd op {datum} · "
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
            f'<li>Berekening: <a href="{ASSET_PREFIX}{CALCULATION_FOLDER}/{nb}.html">{nb}</a> (in de Verantwoording; '
            f'ook als <a href="{ASSET_PREFIX}{EXECUTED_FOLDER}/{nb}.ipynb">uitgevoerd notebook</a>)'
            f"{'; tabellen als CSV: ' + csvs if csvs else ''}</li>"
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
    commit = commit_of(versie).split()[0]
    return "\n".join(
        [
            "# Over dit verslag",
            "",
            "Deze versie van het jaarverslag is volledig opnieuw te maken uit de broncode en de gegevens.",
            "",
            f"- **Verslagjaar:** {jaar}",
            f"- **Gegevens-vingerafdruk:** `{vingerafdruk}` (sha256 over `data/{jaar}/`, `data/referentie/` en "
            "`data/codebook/`, eerste 12 tekens)",
            f"- **Codeversie (git):** `{commit_of(versie)}`" + (WORKTREE_NOTE if has_uncommitted(versie) else ""),
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
