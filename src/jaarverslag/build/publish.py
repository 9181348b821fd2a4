"""Publishing site/: assemble the new site beside the old one and swap it in at once."""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from jaarverslag.build.errors import BuildError
from jaarverslag.data.paths import build_dir, is_draft, report_years
from jaarverslag.data.synthetic_marker import is_synthetic

SITE = "site"
RENAME_EXCHANGE = 2  # linux/fs.h
_NEW = "site.nieuw"
ROOT_PAGE = "book/index.html"  # the book's root page (_toc.yml: root), relative to a year's folder
STATIC = "_static"  # Sphinx's theme, CSS, JS and MathJax folder; shared by the years at site/_static/<bundle>/
FAVICON = f"{STATIC}/favicon.svg"
# The one file of a year's _static/ that differs per year (it names the version): it stays in <jaar>/_static/.
PER_YEAR_STATIC = ("documentation_options.js",)
# What of sphinx-mathjax-offline's full MathJax (24 MB) a page can load: the pages use tex-chtml.js, which
# loads its fonts, TeX extensions on demand (autoload), and from its menu the renderer switch (SVG),
# the accessibility explorer and its English speech rules. Other bundles, inputs and languages are never asked for.
MATHJAX_USED = (
    "mathjax/tex-chtml.js",
    "mathjax/output/chtml.js",
    "mathjax/output/chtml/",
    "mathjax/output/svg.js",
    "mathjax/output/svg/",
    "mathjax/input/tex/extensions/",
    "mathjax/ui/",
    "mathjax/a11y/",
    "mathjax/sre/mathmaps/base.json",
    "mathjax/sre/mathmaps/en.json",
    "mathjax/sre/mathmaps/nemeth.json",
)
# Never requested by a page: source maps (only a browser's developer tools ask) and the theme's Jinja templates.
NOT_SHIPPED_SUFFIXES = (".map",)
NOT_SHIPPED_NAMES = ("webpack-macros.html", "sbt-webpack-macros.html")
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


def site_bytes(folder: Path) -> int:
    """Return the apparent size of every file under folder, each path counted (as a copy or a tar of it holds them)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def site_sizes(site: Path) -> dict[str, int]:
    """Return the size of each year's own folder, of the shared assets (STATIC) and of the whole site."""
    sizes = {str(j): site_bytes(site / str(j)) for j in jaren_in_site(site)}
    sizes[STATIC] = site_bytes(site / STATIC) if (site / STATIC).is_dir() else 0
    sizes["totaal"] = site_bytes(site)
    return sizes


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


def index_html(newest: int, basis: str, icon: str | None = None) -> str:
    """Return the root page that sends the reader to the newest year (icon: its URL, default the year's own)."""
    return _redirect_html(
        "Jaarverslag SHT",
        f"{basis}{newest}/",
        icon or f"{basis}{newest}/{FAVICON}",
        "Het nieuwste jaarverslag staat op",
    )


def jaar_index_html(jaar: int) -> str:
    """Return a year's entry page (replacing Jupyter Book's bare redirect): Dutch, with the book's icon."""
    return _redirect_html(f"Jaarverslag SHT {jaar}", ROOT_PAGE, FAVICON, f"Het jaarverslag {jaar} begint op")


def shipped(relative: PurePosixPath) -> bool:
    """Whether a file of a year's _static/ (path relative to it) is published: what a page can request."""
    text = relative.as_posix()
    if relative.suffix in NOT_SHIPPED_SUFFIXES or relative.name in NOT_SHIPPED_NAMES:
        return False
    if relative.parts[0] == "mathjax":
        return any(text == used or (used.endswith("/") and text.startswith(used)) for used in MATHJAX_USED)
    return True


def static_bundle(html: Path) -> tuple[str, list[PurePosixPath]]:
    """Return the shared-asset bundle of a built year: its name (a hash of the files' names and contents) and files.

    Years built from the same theme, CSS and MathJax get the same name, so the site holds their assets once;
    a kept year built with other assets keeps its own bundle beside it.
    """
    folder = html / STATIC
    files = sorted(
        PurePosixPath(p.relative_to(folder).as_posix())
        for p in folder.rglob("*")
        if p.is_file() and p.name not in PER_YEAR_STATIC
    )
    files = [f for f in files if shipped(f)]
    digest = hashlib.sha256()
    for relative in files:
        digest.update(f"{relative}\0{hashlib.sha256((folder / relative).read_bytes()).hexdigest()}\0".encode())
    return digest.hexdigest()[:16], files


def _page_prefix(page: PurePosixPath) -> str:
    return "../" * (len(page.parts) - 1)


def shared_references(text: str, page: PurePosixPath, bundle: str) -> str:
    """Point a page at the shared bundle: <up>_static/x becomes <up>../_static/<bundle>/x (per-year files stay)."""
    up = _page_prefix(page)
    keep = "|".join(re.escape(name) for name in PER_YEAR_STATIC)
    pattern = re.compile(rf"""(?<=["'(]){re.escape(up)}{STATIC}/(?!(?:{keep})["'?#)])""")
    return pattern.sub(f"{up}../{STATIC}/{bundle}/", text)


def _link_or_copy(source: str, target: str) -> None:
    # Both sides are files the build only ever replaces, never rewrites in place: a hard link is a safe copy.
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _place_built_year(html: Path, target: Path, shared: Path) -> str:
    """Copy a built year into the new site with its assets in the shared bundle; return the bundle's name."""
    bundle, files = static_bundle(html)
    if not (shared / bundle).is_dir():
        for relative in files:
            (shared / bundle / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(html / STATIC / relative, shared / bundle / relative)
    for path in sorted(html.rglob("*")):
        relative = PurePosixPath(path.relative_to(html).as_posix())
        if path.is_dir() or (relative.parts[0] == STATIC and relative.name not in PER_YEAR_STATIC):
            continue
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        if path.suffix == ".html":
            text = shared_references(path.read_text(encoding="utf-8"), relative, bundle)
            (target / relative).write_text(text, encoding="utf-8")
            shutil.copystat(path, target / relative)
        else:
            shutil.copy2(path, target / relative)
    record = published_state(target.parent, int(target.name))
    (target / BUILD_RECORD).write_text(json.dumps({**record, "static": bundle}, indent=2) + "\n", encoding="utf-8")
    return bundle


def _place_kept_year(site: Path, jaar: int, new: Path) -> str | None:
    """Take a year unchanged from the old site, with the shared bundle its pages use (None: it has its own assets)."""
    shutil.copytree(site / str(jaar), new / str(jaar), copy_function=_link_or_copy)
    bundle = published_state(site, jaar).get("static")
    if bundle is None:  # published before the years shared their assets: self-contained
        return None
    if not (site / STATIC / bundle).is_dir():
        raise BuildError(
            f"De gepubliceerde site mist de gedeelde bestanden van {jaar} ({STATIC}/{bundle}/): bouw alle jaren "
            "opnieuw met make book."
        )
    if not (new / STATIC / bundle).is_dir():
        shutil.copytree(site / STATIC / bundle, new / STATIC / bundle, copy_function=_link_or_copy)
    return bundle


def publish(root: Path, html: dict[int, Path], years: SiteYears) -> Path:
    """Assemble the new site (exactly these years: rebuilt ones new, the others from the old site) and swap it in.

    The years share one copy of their theme and MathJax files (site/_static/<bundle>/, STATIC): each year's
    pages are pointed there, and only the bundles the published years use are in the new site.
    """
    site, new = root / SITE, build_dir(root) / _NEW
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir(parents=True)
    bundles: dict[int, str | None] = {}
    for jaar in years.years:  # a year no longer in data/ is not in years: it leaves the site
        if jaar in html:
            bundles[jaar] = _place_built_year(html[jaar], new / str(jaar), new / STATIC)
        else:
            bundles[jaar] = _place_kept_year(site, jaar, new)
    (new / "switcher.json").write_text(json.dumps(years.switcher(), indent=2) + "\n", encoding="utf-8")
    newest = bundles[years.newest]
    icon = f"{years.basis}{STATIC}/{newest}/favicon.svg" if newest else None
    (new / "index.html").write_text(index_html(years.newest, years.basis, icon), encoding="utf-8")
    if site.exists() and _exchange(new, site):
        shutil.rmtree(new)  # the old site, now at the new site's place
    else:
        old = build_dir(root) / _OLD
        if site.exists():
            site.rename(old)
        new.rename(site)
        shutil.rmtree(old, ignore_errors=True)
    return site
