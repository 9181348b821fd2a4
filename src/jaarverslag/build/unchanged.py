"""The no-change rebuild: when nothing a build reads changed since the last successful build, site/ is current.

The key covers, broadly rather than precisely (a changed byte anywhere in these re-runs the full, cached build):
every file under book/, notebooks/ and data/, _config.yml, _toc.yml and requirements.lock, the package's own
source (src/jaarverslag/, the build engine included), the Python version, the code version (git commit and
uncommitted changes) and build date the pages print, and the build's settings (years, URL prefix, PDF,
scenario). It is stored after a successful publish together with the identity of the published site/
folder, so a replaced or removed site/ is rebuilt too. Nothing here imports pandas: the check is quick.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from jaarverslag.build.cache import PACKAGE_DIR
from jaarverslag.data.paths import build_dir

INPUT_FOLDERS = ("book", "notebooks", "data")
INPUT_FILES = ("_config.yml", "_toc.yml", "requirements.lock")
# The key of the build that published the current site/; in the cache folder, so deleting it forces a full build.
STAMP = Path("cache") / "site.sleutel"


def _files(root: Path) -> list[tuple[str, Path]]:
    found = [(f"project/{name}", root / name) for name in INPUT_FILES]
    for folder in INPUT_FOLDERS:
        found += [(f"project/{p.relative_to(root).as_posix()}", p) for p in (root / folder).rglob("*") if p.is_file()]
    found += [(f"package/{p.relative_to(PACKAGE_DIR).as_posix()}", p) for p in PACKAGE_DIR.rglob("*.py")]
    return sorted(found)


def inputs_key(root: Path, settings: dict) -> str:
    """Return one hash over every input of a build and its settings (json-serialisable, e.g. years, basis, pdf)."""
    digest = hashlib.sha256(json.dumps({**settings, "python": sys.version}, sort_keys=True, default=str).encode())
    for name, path in _files(root):
        digest.update(f"{name}\0{hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else '-'}\0".encode())
    return digest.hexdigest()


def _site_identity(site: Path) -> str:
    try:
        info = os.stat(site)
    except OSError:
        return ""
    return f"{info.st_ino}:{info.st_mtime_ns}"


def is_current(root: Path, site: Path, key: str) -> bool:
    """Return whether site/ is the one a build with exactly this key published."""
    try:
        recorded = json.loads((build_dir(root) / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    identity = _site_identity(site)
    return bool(identity) and recorded == {"sleutel": key, "site": identity}


def record(root: Path, site: Path, key: str) -> None:
    """Remember that site/ was published by a build with this key (after the swap succeeded)."""
    stamp = build_dir(root) / STAMP
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({"sleutel": key, "site": _site_identity(site)}) + "\n", encoding="utf-8")


def forget(root: Path) -> None:
    """Drop the record before a build changes anything (a failing build leaves no stale record)."""
    (build_dir(root) / STAMP).unlink(missing_ok=True)
