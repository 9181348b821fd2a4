"""Staging: lay out one year's book sources (pages, executed notebooks, texts, config) under _build/stage/<jaar>/."""

from __future__ import annotations

import copy
import filecmp
import hashlib
import json
import os
import re
import shutil
from pathlib import Path

import yaml

from jaarverslag.build import errata, provenance
from jaarverslag.build.errors import BuildError
from jaarverslag.build.parameters import source_notebooks
from jaarverslag.build.publish import SITE, SiteYears
from jaarverslag.data import narrative
from jaarverslag.data.paths import FIGURE_FOLDER, TABLE_FOLDER, build_dir

EXTRA_FOLDER = "extra"
PDF_LINE = Path("book") / narrative.FOLDER / "pdf.md"  # the landing page's PDF line, included by index.md
CONFIG = Path("_config.yml")
STATIC_FOLDER = "_static"  # book/_static/: the book's own CSS
ASSET_FOLDERS = (FIGURE_FOLDER, TABLE_FOLDER)


def jaar_config(
    root: Path, jaar: int, basis: str, footer: str = "", site: SiteYears | None = None, werkversie: str = ""
) -> dict:
    """Return the Jupyter Book config for one report year: the shared config plus year, switcher and banner.

    site: the years the published site will hold (default: every year in data/); the banner follows it.
    werkversie: the banner of a build with uncommitted changes (provenance.worktree_banner), shown first.
    """
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config = copy.deepcopy(config)
    config["title"] = f"{config['title']} {jaar}"
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx["version"] = str(jaar)
    sphinx["release"] = str(jaar)
    theme = sphinx.setdefault("html_theme_options", {})
    sphinx["html_extra_path"] = [EXTRA_FOLDER]
    theme["switcher"] = {"json_url": f"{basis}switcher.json", "version_match": str(jaar)}
    if footer:
        theme["extra_footer"] = footer
    banner = " ".join(b for b in (werkversie, (site or SiteYears.of_data(root, basis)).banner(jaar)) if b)
    if banner:  # the theme's own version banner is English only
        theme["announcement"] = banner
    return config


def _narrative(root: Path, jaar: int, target: Path) -> None:
    """Stage the year's own texts (data/<jaar>/tekst/*.md) for the pages to include; say so when one is missing.

    Each text is checked again here (validation already did), so no path to the book skips the safe subset.
    """
    folder = target / "book" / narrative.FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name, subject in narrative.FILES.items():
        source = narrative.folder(root, jaar) / f"{name}{narrative.SUFFIX}"
        shown = f"data/{jaar}/{narrative.FOLDER}/{name}{narrative.SUFFIX}"
        text = ""
        if source.is_file() or source.is_symlink():
            found = narrative.check_file(source, root)
            if found:
                raise BuildError(
                    f"{shown}: " + "; ".join(f"{f'regel {p.regel}: ' if p.regel else ''}{p.fout}" for p in found)
                )
            text = source.read_text(encoding="utf-8")
        if narrative.is_empty(text):  # a template holds only a comment on what to write
            text = f"*Voor {jaar} is geen tekst over {subject} aanwezig.*\n"  # the file name is for analysts
        (folder / f"{name}.md").write_text(text, encoding="utf-8")


def write_pdf_line(folder: Path, jaar: int, available: bool) -> None:
    """Write the landing page's PDF download line into a staged book (or say the PDF is not yet available)."""
    from jaarverslag.build.pdf import landing_line

    write_if_changed(folder / PDF_LINE, landing_line(jaar, available))


def write_if_changed(path: Path, text: str) -> None:
    """Write a text file unless it already holds exactly this text (its modification time tells Sphinx it changed)."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.write_text(text, encoding="utf-8")


def sync_folder(new: Path, target: Path) -> None:
    """Make target hold exactly new's files, then remove new.

    A file whose bytes did not change keeps its old copy and modification time, so an incremental
    Sphinx build re-reads only the pages whose sources (or glued notebooks) changed; a changed file
    gets the current time, whatever time its source carried.
    """
    fresh = {p.relative_to(new) for p in new.rglob("*") if p.is_file()}
    if target.is_dir():
        for path in sorted(target.rglob("*"), reverse=True):  # children before their folders
            relative = path.relative_to(target)
            if path.is_dir():
                if not any(path.iterdir()):
                    path.rmdir()
            elif relative not in fresh:
                path.unlink()
    for relative in sorted(fresh):
        source, destination = new / relative, target / relative
        if destination.is_file() and filecmp.cmp(source, destination, shallow=False):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        os.replace(source, destination)
        os.utime(destination)
    shutil.rmtree(new)


def content_key(
    folder: Path, config: dict, volatile: list[str], draft: bool, werkversie: bool = False, synthetic: bool = False
) -> str:
    """Return a hash of what a year's PDF prints, so a build without PDF can tell whether the published one is current.

    Left out: the PDF line, the banner (the older-year one is not printed; the draft and werkversie marks follow
    from draft and werkversie), and the build date and code version (they change with every build and commit).
    """
    config = copy.deepcopy(config)
    config["sphinx"]["config"]["html_theme_options"].pop("announcement", None)
    parts = [
        (Path("_config.yml"), json.dumps(config, sort_keys=True).encode()),
        (Path("concept"), str(draft).encode()),
        (Path("werkversie"), str(werkversie).encode()),
    ]
    if synthetic:  # the synthetic-records notice is printed too (only added when set: other keys stay as they were)
        parts.append((Path("synthetisch"), b"True"))
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.relative_to(folder) not in (PDF_LINE, CONFIG))
    parts += [(p.relative_to(folder), p.read_bytes()) for p in files]
    digest = hashlib.sha256()
    for relative, data in parts:
        for text in volatile:
            data = data.replace(text.encode(), b"")
        digest.update(f"{relative}\0{hashlib.sha256(data).hexdigest()}\0".encode())
    return digest.hexdigest()


def stage(root: Path, jaar: int, site: SiteYears, versie: str) -> tuple[Path, str]:
    """Lay out the book source for one year under _build/stage/<jaar>/ (pages, executed notebooks, config).

    Return the folder and its content key; the PDF line is left to the caller (write_pdf_line).
    """
    from jaarverslag.render.codebook_page import glossary_page  # imports pandas: only when staging
    from jaarverslag.render.codebook_page import pagina as codeboek_pagina

    final = build_dir(root) / "stage" / str(jaar)
    target = final.with_name(f"{jaar}.nieuw")  # laid out afresh, then synced into final (sync_folder)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(root / "book", target / "book")
    shutil.copy2(root / "_toc.yml", target / "_toc.yml")
    shutil.move(target / "book" / STATIC_FOLDER, target / STATIC_FOLDER)
    (target / "notebooks").mkdir()
    (target / EXTRA_FOLDER / provenance.EXECUTED_FOLDER).mkdir(parents=True)
    tables: dict[str, list[str]] = {}
    for source in source_notebooks(root):
        executed = build_dir(root) / "nb" / str(jaar) / source.stem
        notebook = executed / f"{source.stem}.ipynb"
        shutil.copy2(notebook, target / "notebooks" / notebook.name)
        shutil.copy2(notebook, target / EXTRA_FOLDER / provenance.EXECUTED_FOLDER / notebook.name)
        tables[source.stem] = sorted(p.name for p in (executed / TABLE_FOLDER).glob("*.csv"))
        # Figures and CSV tables are published as files at the year's root (html_extra_path).
        for folder in ASSET_FOLDERS:
            if (executed / folder).is_dir():
                shutil.copytree(executed / folder, target / EXTRA_FOLDER / folder, dirs_exist_ok=True)
    _narrative(root, jaar, target)
    write_pdf_line(target, jaar, False)  # the caller decides; included by index.md, so it must exist
    for page in (target / "book").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text + provenance.page_block(text, tables), encoding="utf-8")
    vingerafdruk, datum = provenance.data_fingerprint(root, jaar), provenance.build_date()
    errata.record(target, jaar, root / SITE / str(jaar), datum, jaar in site.drafts, EXTRA_FOLDER)
    (target / "book" / "codeboek.md").write_text(codeboek_pagina(root), encoding="utf-8")
    (target / "book" / "begrippenlijst.md").write_text(glossary_page(root), encoding="utf-8")
    (target / "book" / "over.md").write_text(
        provenance.about_page(root, jaar, vingerafdruk, versie, datum), encoding="utf-8"
    )
    footer = provenance.footer_html(jaar, vingerafdruk, versie, datum)
    config = jaar_config(root, jaar, site.basis, footer, site, provenance.worktree_banner(versie))
    (target / CONFIG).write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    commit = provenance.commit_of(versie).split()[0]
    volatile = [datum, versie, *([commit] if re.fullmatch(r"[0-9a-f]{7,40}", commit) else [])]
    content = content_key(
        target, config, volatile, jaar in site.drafts, provenance.has_uncommitted(versie), jaar in site.synthetic
    )
    sync_folder(target, final)
    return final, content
