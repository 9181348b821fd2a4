"""Where the project's folders are."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT_ENV = "JAARVERSLAG_ROOT"
READS_ENV = "JAARVERSLAG_READS"  # file the loader appends the paths it reads to (the build's cache key)
YEAR_FOLDER_PATTERN = r"^\d{4}$"
# Figures and CSV tables a notebook writes beside itself; published at <year>/figuren/ and <year>/tabellen/.
FIGURE_FOLDER = "figuren"
TABLE_FOLDER = "tabellen"
# Pages sit one folder deep (book/, notebooks/); published assets sit at the year's root.
ASSET_PREFIX = "../"


def project_root(start: Path | None = None) -> Path:
    """Return the project root: $JAARVERSLAG_ROOT, else the first parent holding _toc.yml and data/."""
    if os.environ.get(ROOT_ENV):
        return Path(os.environ[ROOT_ENV]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "_toc.yml").is_file() and (folder / "data").is_dir():
            return folder
    raise FileNotFoundError(
        f"Projectmap niet gevonden vanaf {here}: geen map met _toc.yml en data/. "
        f"Zet {ROOT_ENV} of start vanuit de projectmap."
    )


def data_dir(root: Path | None = None) -> Path:
    """Return the data/ folder."""
    return (root or project_root()) / "data"


def build_dir(root: Path | None = None) -> Path:
    """Return the _build/ folder that holds every generated file except site/."""
    return (root or project_root()) / "_build"


def report_years(root: Path | None = None) -> list[int]:
    """Return the report years: the year folders in data/, sorted."""
    folder = data_dir(root)
    return sorted(int(p.name) for p in folder.iterdir() if p.is_dir() and re.match(YEAR_FOLDER_PATTERN, p.name))


# data/<jaar>/CONCEPT.md (empty, or a note on what is still missing): the year is a draft. Validation
# ignores .md files at a year's root, so the marker needs no codebook entry.
DRAFT_MARKER = "CONCEPT.md"


def is_draft(jaar: int, root: Path | None = None) -> bool:
    """Return whether a report year is marked as draft (data/<jaar>/CONCEPT.md exists)."""
    return (data_dir(root) / str(jaar) / DRAFT_MARKER).is_file()
