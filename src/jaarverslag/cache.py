"""Execution cache: a notebook run is reused only when nothing it depends on has changed.

The key covers the notebook source, its parameters, the package code, the lock file, the
codebook, and every data file the run read (recorded by the loader while it ran). A file
that was looked for but absent is recorded too, so adding it later re-runs the notebook.
When the cache cannot tell (no entry, unreadable entry), the notebook runs.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

READS_ENV = "JAARVERSLAG_READS"  # file the loader appends the paths it reads to
ABSENT = "afwezig"


def file_hash(path: Path) -> str:
    """Return the sha256 of a file, or a marker when it does not exist."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ABSENT


def tree_hash(paths: list[Path], root: Path) -> str:
    """Return one hash over several files' relative names and contents."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(file_hash(path).encode())
    return digest.hexdigest()


def record_read(path: Path) -> None:
    """Note that the running notebook read (or looked for) this file."""
    target = os.environ.get(READS_ENV)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(f"{path}\n")


@dataclass(frozen=True)
class Sleutel:
    """What a run depends on apart from the data it reads, as named hashes."""

    delen: dict[str, str]

    @staticmethod
    def voor(root: Path, notebook: Path, parameters: dict) -> "Sleutel":
        package = Path(__file__).resolve().parent
        return Sleutel({
            "notebook": file_hash(notebook),
            "parameters": hashlib.sha256(json.dumps(parameters, sort_keys=True).encode()).hexdigest(),
            "pakket": tree_hash(sorted(package.glob("*.py")), package),
            "omgeving": file_hash(root / "requirements.lock"),
            "codeboek": tree_hash(sorted((root / "data" / "codebook").glob("*.yml")), root),
        })


REASONS = {"notebook": "notebook gewijzigd", "parameters": "parameters gewijzigd", "pakket": "pakketcode gewijzigd",
           "omgeving": "omgeving (requirements.lock) gewijzigd", "codeboek": "codeboek gewijzigd"}


def entry_path(cache_dir: Path, jaar: int, notebook: str) -> Path:
    return cache_dir / str(jaar) / f"{notebook}.json"


def reden_om_te_draaien(entry: Path, sleutel: Sleutel, output: Path, root: Path) -> str | None:
    """Return why the notebook must run, or None when its cached output is still valid."""
    if not entry.is_file() or not output.is_file():
        return "geen eerdere uitvoering"
    try:
        saved = json.loads(entry.read_text(encoding="utf-8"))
        changed = [REASONS[k] for k, v in sleutel.delen.items() if saved["sleutel"].get(k) != v]
        if changed:
            return ", ".join(changed)
        changed_files = [rel for rel, digest in saved["gelezen"].items() if file_hash(root / rel) != digest]
    except (ValueError, KeyError, TypeError):
        return "cache onleesbaar"
    if changed_files:
        return "data gewijzigd: " + ", ".join(sorted(changed_files))
    return None


def schrijf_entry(entry: Path, sleutel: Sleutel, reads_file: Path, root: Path) -> None:
    """Store the key and the hashes of every file the run read; written atomically."""
    reads = sorted({Path(line) for line in reads_file.read_text(encoding="utf-8").splitlines() if line}
                   if reads_file.is_file() else set())
    gelezen = {str(p.resolve().relative_to(root)): file_hash(p) for p in reads}
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = entry.with_suffix(".tmp")
    tmp.write_text(json.dumps({"sleutel": sleutel.delen, "gelezen": gelezen}, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, entry)
