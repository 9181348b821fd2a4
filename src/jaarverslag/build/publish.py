"""Publishing site/: assemble the new site beside the old one and swap it in at once."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import re
import shutil
from pathlib import Path

from jaarverslag.data.paths import build_dir

SITE = "site"
RENAME_EXCHANGE = 2  # linux/fs.h
_NEW = "site.nieuw"
ROOT_PAGE = "book/index.html"  # the book's root page (_toc.yml: root), relative to a year's folder
FAVICON = "_static/favicon.svg"
_OLD = "site.oud"


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


def herstel(root: Path) -> None:
    """Recover from a build that was killed: restore a half-swapped site, drop half-built ones."""
    site, old = root / SITE, build_dir(root) / _OLD
    if not site.exists() and old.exists():
        old.rename(site)
    shutil.rmtree(old, ignore_errors=True)
    shutil.rmtree(build_dir(root) / _NEW, ignore_errors=True)


def jaren_in_site(site: Path) -> list[int]:
    """Return the report years present in a site folder."""
    return sorted(int(p.name) for p in site.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name))


def switcher(jaren: list[int], basis: str) -> list[dict]:
    """Return the version switcher entries, newest first and marked preferred."""
    newest = max(jaren)
    return [
        {
            "name": f"{j} (nieuwste)" if j == newest else str(j),
            "version": str(j),
            "url": f"{basis}{j}/",
            **({"preferred": True} if j == newest else {}),
        }
        for j in sorted(jaren, reverse=True)
    ]


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


def publiceer(root: Path, html: dict[int, Path], basis: str) -> Path:
    """Assemble the new site (kept years from the old one, rebuilt years new) and swap it in."""
    site, new = root / SITE, build_dir(root) / _NEW
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir(parents=True)
    if site.is_dir():
        for jaar in jaren_in_site(site):
            if jaar not in html:
                shutil.copytree(site / str(jaar), new / str(jaar))
    for jaar, folder in html.items():
        shutil.copytree(folder, new / str(jaar))
    jaren = jaren_in_site(new)
    (new / "switcher.json").write_text(json.dumps(switcher(jaren, basis), indent=2) + "\n", encoding="utf-8")
    (new / "index.html").write_text(index_html(max(jaren), basis), encoding="utf-8")
    if site.exists() and _exchange(new, site):
        shutil.rmtree(new)  # the old site, now at the new site's place
    else:
        old = build_dir(root) / _OLD
        if site.exists():
            site.rename(old)
        new.rename(site)
        shutil.rmtree(old, ignore_errors=True)
    return site
