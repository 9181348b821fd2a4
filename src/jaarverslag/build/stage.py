"""Staging: lay out one year's book sources (pages, executed notebooks, texts, config) under _build/stage/<jaar>/."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import yaml

from jaarverslag.build import provenance
from jaarverslag.build.errors import BuildFout
from jaarverslag.build.parameters import bronnotebooks
from jaarverslag.data import narrative
from jaarverslag.data.paths import FIGURE_FOLDER, TABLE_FOLDER, build_dir, verslagjaren

EXTRA_FOLDER = "extra"
PDF_LINK_FILE = "pdf.md"
STATIC_FOLDER = "_static"  # book/_static/: the book's own CSS
ASSET_FOLDERS = (FIGURE_FOLDER, TABLE_FOLDER)


def jaar_config(root: Path, jaar: int, basis: str, footer: str = "") -> dict:
    """Return the Jupyter Book config for one report year: the shared config plus year and switcher."""
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
    newest = max(verslagjaren(root))
    if jaar != newest:  # the theme's own version banner is English only
        theme["announcement"] = (
            f"U leest het jaarverslag over {jaar}. "
            f'<a href="{basis}{newest}/">Naar het nieuwste jaarverslag ({newest})</a>'
        )
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
                raise BuildFout(
                    f"{shown}: " + "; ".join(f"{f'regel {p.regel}: ' if p.regel else ''}{p.fout}" for p in found)
                )
            text = source.read_text(encoding="utf-8")
        if narrative.is_empty(text):  # a template holds only a comment on what to write
            text = f"*Voor {jaar} is geen tekst over {subject} aanwezig ({shown}).*\n"
        (folder / f"{name}.md").write_text(text, encoding="utf-8")


def _pdf_link(jaar: int, pdf: bool) -> str:
    """Return the landing page's PDF download line (or why there is none)."""
    from jaarverslag.build.pdf import pdf_naam

    if not pdf:
        return "*Bij deze bouw is geen PDF-versie gemaakt (Debian's chromium ontbreekt of `--geen-pdf`).*\n"
    return (
        f'<p class="jv-pdf"><a href="../{pdf_naam(jaar)}" download>Download het jaarverslag {jaar} als PDF</a> '
        "(voor het archief van het bestuur)</p>\n"
    )


def stage(root: Path, jaar: int, basis: str, versie: str, pdf: bool = False) -> Path:
    """Lay out the book source for one year under _build/stage/<jaar>/ (pages, executed notebooks, config)."""
    from jaarverslag.render.codebook_page import begrippen_pagina  # imports pandas: only when staging
    from jaarverslag.render.codebook_page import pagina as codeboek_pagina

    target = build_dir(root) / "stage" / str(jaar)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(root / "book", target / "book")
    shutil.copy2(root / "_toc.yml", target / "_toc.yml")
    shutil.move(target / "book" / STATIC_FOLDER, target / STATIC_FOLDER)
    (target / "notebooks").mkdir()
    (target / EXTRA_FOLDER / provenance.EXECUTED_FOLDER).mkdir(parents=True)
    tables: dict[str, list[str]] = {}
    for source in bronnotebooks(root):
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
    (target / "book" / narrative.FOLDER / PDF_LINK_FILE).write_text(_pdf_link(jaar, pdf), encoding="utf-8")
    for page in (target / "book").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text + provenance.pagina_blok(text, tables), encoding="utf-8")
    vingerafdruk, datum = provenance.data_vingerafdruk(root, jaar), provenance.bouwdatum()
    (target / "book" / "codeboek.md").write_text(codeboek_pagina(root), encoding="utf-8")
    (target / "book" / "begrippenlijst.md").write_text(begrippen_pagina(root), encoding="utf-8")
    (target / "book" / "over.md").write_text(
        provenance.over_pagina(root, jaar, vingerafdruk, versie, datum), encoding="utf-8"
    )
    footer = provenance.footer_html(jaar, vingerafdruk, versie, datum)
    (target / "_config.yml").write_text(
        yaml.safe_dump(jaar_config(root, jaar, basis, footer), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return target
