"""Execution cache: a notebook run is reused only when nothing it depends on has changed.

The key covers the notebook source, its parameters, the package modules the notebook can
import (followed recursively, through subpackages, with the SQL files of those packages), the
Python version, the lock file, the codebook, and every data file the run read (recorded by the
loader while it ran; for a table derived from registrations, the record files that feed it). A file
that was looked for but absent is recorded too, so adding it later re-runs the notebook.
When the cache cannot tell (no entry, unreadable entry), the notebook runs.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "jaarverslag"
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/jaarverslag/
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


def _module_file(name: str, package_dir: Path) -> Path | None:
    """Return the file of a dotted module name inside the package, or None when it is not one of ours."""
    parts = name.split(".")
    if parts[0] != PACKAGE:
        return None
    base = package_dir.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py") if len(parts) > 1 else None, base / "__init__.py"):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def _module_name(path: Path, package_dir: Path) -> str:
    parts = list(path.relative_to(package_dir).with_suffix("").parts)
    return ".".join([PACKAGE, *(parts[:-1] if parts[-1] == "__init__" else parts)])


def _imported_names(source: str, current: str, is_package: bool) -> set[str]:
    """Return every module name an import statement in the source could load (anywhere, also inside functions)."""
    return set(_imported_names_memo(source, current, is_package))


@functools.lru_cache(maxsize=1024)
def _imported_names_memo(source: str, current: str, is_package: bool) -> frozenset[str]:
    # Keyed on the source text itself: one build asks for the same modules once per notebook and year.
    names: set[str] = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return names
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = current.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)  # `from pkg import module`
    return frozenset(names)


def imported_modules(sources: list[str], package_dir: Path | None = None) -> list[Path]:
    """Return the package's module files these sources can import, followed recursively (with parent __init__s)."""
    package_dir = package_dir or PACKAGE_DIR
    key = (tuple(sources), package_dir)
    known = _closures.get(key)
    # A closure stays valid while every module in it reads the same: only their import statements decide it.
    if known is not None and all(_read(path) == text for path, text in known.items()):
        return sorted(known)
    found: dict[Path, str] = {}
    resolved: dict[str, Path | None] = {}
    todo = [name for source in sources for name in _imported_names(source, PACKAGE, True)]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ first
            prefix = ".".join(parts[:depth])
            if prefix not in resolved:
                resolved[prefix] = _module_file(prefix, package_dir)
            path = resolved[prefix]
            if path is None or path in found:
                continue
            found[path] = _read(path)
            todo += _imported_names(found[path], _module_name(path, package_dir), path.name == "__init__.py")
    _closures[key] = found
    return sorted(found)


_closures: dict[tuple[tuple[str, ...], Path], dict[Path, str | None]] = {}


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None


def notebook_code(notebook: Path) -> list[str]:
    """Return the code cells of a source notebook."""
    return list(_notebook_code(notebook.suffix, notebook.read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=256)
def _notebook_code(suffix: str, text: str) -> tuple[str, ...]:
    import jupytext  # parsing a MyST notebook takes ~25 ms: once per source text, not once per year

    return tuple(
        cell.source for cell in jupytext.reads(text, fmt={"extension": suffix}).cells if cell.cell_type == "code"
    )


# Non-Python files a package reads as code (the registrations' SQL queries): part of the package's hash.
CODE_DATA_GLOBS = ("sql/*.sql",)


def code_hash(sources: list[str], package_dir: Path | None = None) -> str:
    """Return one hash over the package modules the sources can import, with the SQL files their packages run."""
    package_dir = package_dir or PACKAGE_DIR
    modules = imported_modules(sources, package_dir)
    data = [f for m in modules if m.name == "__init__.py" for g in CODE_DATA_GLOBS for f in m.parent.glob(g)]
    return tree_hash(modules + data, package_dir)


@dataclass(frozen=True)
class Key:
    """What a run depends on apart from the data it reads, as named hashes."""

    delen: dict[str, str]

    @staticmethod
    def for_notebook(root: Path, notebook: Path, parameters: dict) -> Key:
        return Key(
            {
                "notebook": file_hash(notebook),
                "parameters": hashlib.sha256(json.dumps(parameters, sort_keys=True).encode()).hexdigest(),
                "pakket": code_hash(notebook_code(notebook)),
                "python": sys.version,
                "omgeving": file_hash(root / "requirements.lock"),
                "codeboek": tree_hash(sorted((root / "data" / "codebook").glob("*.yml")), root),
            }
        )


REASONS = {
    "notebook": "notebook gewijzigd",
    "parameters": "parameters gewijzigd",
    "pakket": "pakketcode gewijzigd",
    "python": "Python-versie gewijzigd",
    "omgeving": "omgeving (requirements.lock) gewijzigd",
    "codeboek": "codeboek gewijzigd",
}


def entry_path(cache_dir: Path, jaar: int, notebook: str) -> Path:
    return cache_dir / str(jaar) / f"{notebook}.json"


def reason_to_run(entry: Path, sleutel: Key, output: Path, root: Path) -> str | None:
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


def recorded_seconds(entry: Path) -> float | None:
    """Return how long the notebook's last recorded run took (for longest-first scheduling), or None."""
    try:
        return float(json.loads(entry.read_text(encoding="utf-8"))["seconden"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_entry(entry: Path, sleutel: Key, reads_file: Path, root: Path, seconds: float | None = None) -> None:
    """Store the key, the hashes of every file the run read and the run's duration; written atomically."""
    reads = sorted(
        {Path(line) for line in reads_file.read_text(encoding="utf-8").splitlines() if line}
        if reads_file.is_file()
        else set()
    )
    gelezen = {str(p.resolve().relative_to(root)): file_hash(p) for p in reads}
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = entry.with_suffix(".tmp")
    record = {"sleutel": sleutel.delen, "gelezen": gelezen, "seconden": seconds}
    tmp.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, entry)
