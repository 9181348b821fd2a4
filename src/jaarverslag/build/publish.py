"""Publishing site/: assemble the new site beside the old one and swap it in at once."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from jaarverslag.data.paths import build_dir, is_draft, report_years
from jaarverslag.data.synthetic_marker import is_synthetic

SITE = "site"
RENAME_EXCHANGE = 2  # linux/fs.h
_NEW = "site.nieuw"
ROOT_PAGE = "book/index.html"  # the book's root page (_toc.yml: root), relative to a year's folder
FAVICON = "_static/favicon.svg"
_OLD = "site.oud"
BUILD_RECORD = "build.json"  # per published year: the banner, URL prefix and PDF its pages were built with
DRAFT_CLASS = "jv-concept"  # the draft banner (printed in the PDF too)
OLDER_CLASS = "jv-ouder"  # the older-year banner (screen only)
SYNTHETIC_CLASS = "jv-synthetisch"  # the synthetic-records notice (printed in the PDF too)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories atomically with renameat2(RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), RENAME_EXCHANGE)
    return result == 0


def recover(root: Path) -> None:
    """Recover from a build that was killed: restore a half-swapped site, drop half-built ones."""
    site, old = root / SITE, build_dir(root) / _OLD
    if not site.exists() and old.exists():
        old.rename(site)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(build_dir(root) / _NEW, ignore_errors=True)


def jaren_in_site(site: Path) -> list[int]:
    """Return the report years present in a site folder."""
    return sorted(int(p.name) for p in site.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name))


@dataclass(frozen=True)
class SiteYears:
    """The years the new site holds, which are drafts, and its URL prefix: what the banners, switcher and / follow."""

    years: tuple[int, ...]
    drafts: frozenset[int]
    basis: str
    synthetic: frozenset[int] = frozenset()  # years built from synthetic record files (data/synthetic.py)

    @classmethod
    def of_data(cls, root: Path, basis: str, years: list[int] | None = None) -> SiteYears:
        """Return the site of these years (default: every year in data/), drafts as marked in data/."""
        years = sorted(report_years(root) if years is None else years)
        drafts = frozenset(j for j in years if is_draft(j, root))
        return cls(tuple(years), drafts, basis, frozenset(j for j in years if is_synthetic(j, root)))

    @property
    def newest(self) -> int:
        """Return the newest year that is not a draft (the newest year if all are drafts): / leads there."""
        final = [j for j in self.years if j not in self.drafts]
        return max(final or self.years)

    def banner(self, jaar: int) -> str:
        """Return the Dutch banner on every page of a year: synthetic records first, then concept or older."""
        rest = self._year_banner(jaar)
        if jaar not in self.synthetic:
            return rest
        notice = (
            f'<span class="{SYNTHETIC_CLASS}">Synthetische gegevens: de cijfers over {jaar} komen uit '
            "kunstmatige testregistraties, niet uit de registraties van SHT.</span>"
        )
        return f"{notice} {rest}" if rest else notice

    def _year_banner(self, jaar: int) -> str:
        """Return the banner of a year as a draft or an older year ('' for the newest)."""
        newest = self.newest
        if jaar in self.drafts:
            link = (
                ""
                if newest in self.drafts
                else f' <a href="{self.basis}{newest}/">Naar het vastgestelde jaarverslag ({newest})</a>'
            )
            return (
                f'<span class="{DRAFT_CLASS}">Concept: dit verslag over {jaar} is nog niet vastgesteld; '
                f"cijfers en teksten kunnen nog veranderen.</span>{link}"
            )
        if jaar == newest:
            return ""
        return (
            f'<span class="{OLDER_CLASS}">U leest het jaarverslag over {jaar}.</span> '
            f'<a href="{self.basis}{newest}/">Naar het nieuwste jaarverslag ({newest})</a>'
        )

    def page_state(self, jaar: int) -> dict:
        """Return what a year's pages show of the site around them; a kept year whose state differs is rebuilt."""
        return {
            "jaar": jaar,
            "concept": jaar in self.drafts,
            "synthetisch": jaar in self.synthetic,
            "basis": self.basis,
            "banner": self.banner(jaar),
        }

    def switcher(self) -> list[dict]:
        """Return the version switcher entries, newest first; the newest final year marked preferred."""
        newest = self.newest
        entries = []
        for j in sorted(self.years, reverse=True):
            name = f"{j} (concept)" if j in self.drafts else f"{j} (nieuwste)" if j == newest else str(j)
            entries.append(
                {
                    "name": name,
                    "version": str(j),
                    "url": f"{self.basis}{j}/",
                    **({"preferred": True} if j == newest else {}),
                }
            )
        return entries


def published_state(site: Path, jaar: int) -> dict:
    """Return the build record of a published year (site/<jaar>/build.json), or {} when there is none."""
    try:
        return json.loads((site / str(jaar) / BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _redirect_html(title: str, target: str, icon: str, text: str) -> str:
    # A favicon link, or the browser asks the server root for /favicon.ico (a 404 on most hosts).
    return (
        f'<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f'<meta http-equiv="refresh" content="0; url={target}">\n<link rel="canonical" href="{target}">\n'
        f'<link rel="icon" href="{icon}">\n</head>\n<body>\n<p>{text} <a href="{target}">{target}</a>.</p>\n'
        "</body>\n</html>\n"
    )


def index_html(newest: int, basis: str) -> str:
    """Return the root page that sends the reader to the newest year."""
    return _redirect_html(
        "Jaarverslag SHT", f"{basis}{newest}/", f"{basis}{newest}/{FAVICON}", "Het nieuwste jaarverslag staat op"
    )


def jaar_index_html(jaar: int) -> str:
    """Return a year's entry page (replacing Jupyter Book's bare redirect): Dutch, with the book's icon."""
    return _redirect_html(f"Jaarverslag SHT {jaar}", ROOT_PAGE, FAVICON, f"Het jaarverslag {jaar} begint op")


def publish(root: Path, html: dict[int, Path], years: SiteYears) -> Path:
    """Assemble the new site (exactly these years: rebuilt ones new, the others from the old site) and swap it in."""
    site, new = root / SITE, build_dir(root) / _NEW
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir(parents=True)
    for jaar in years.years:  # a year no longer in data/ is not in years: it leaves the site
        shutil.copytree(html[jaar] if jaar in html else site / str(jaar), new / str(jaar))
    (new / "switcher.json").write_text(json.dumps(years.switcher(), indent=2) + "\n", encoding="utf-8")
    (new / "index.html").write_text(index_html(years.newest, years.basis), encoding="utf-8")
    if site.exists() and _exchange(new, site):
        shutil.rmtree(new)  # the old site, now at the new site's place
    else:
        old = build_dir(root) / _OLD
        if site.exists():
            site.rename(old)
        new.rename(site)
        shutil.rmtree(old, ignore_errors=True)
    return site
