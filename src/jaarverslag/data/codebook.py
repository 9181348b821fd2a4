"""The codebook: one YAML file per table in data/codebook/, the single definition of each table."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from jaarverslag.data.paths import data_dir

TYPES = ("geheel", "decimaal", "tekst", "datum", "categorie")
REFERENCE_FOLDER = "referentie"
CATEGORIES_FILE = "_categorieen.yml"


@dataclass(frozen=True)
class Kolom:
    """One column of a table as the codebook describes it."""

    naam: str
    type: str
    beschrijving: str
    eenheid: str | None = None
    waarden: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    verplicht: bool = True


@dataclass(frozen=True)
class TabelSpec:
    """One table: file, key, columns and provenance."""

    naam: str
    titel: str
    bestand: str
    per_jaar: bool
    rij: str
    sleutel: tuple[str, ...]
    bron: str
    licentie: str
    vastgelegd: str
    notities: str
    kolommen: tuple[Kolom, ...]
    formaat: str = "csv"
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def pad(self, jaar: int | None, root: Path | None = None) -> Path:
        """Return the file path of this table for a report year (reference tables ignore jaar)."""
        folder = str(jaar) if self.per_jaar else REFERENCE_FOLDER
        return data_dir(root) / folder / self.bestand

    @property
    def kolomnamen(self) -> list[str]:
        return [k.naam for k in self.kolommen]


def _categories(folder: Path) -> dict[str, list[str]]:
    path = folder / CATEGORIES_FILE
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {} if path.exists() else {}


def _kolom(raw: dict, categories: dict[str, list[str]], where: str) -> Kolom:
    if raw.get("type") not in TYPES:
        raise ValueError(f"{where}: kolom {raw.get('naam')!r} heeft onbekend type {raw.get('type')!r}; kies uit {TYPES}")
    waarden = raw.get("waarden")
    if isinstance(waarden, str) and waarden.startswith("@"):
        ref = waarden[1:]
        if ref not in categories:
            raise ValueError(f"{where}: kolom {raw['naam']!r} verwijst naar onbekende lijst {waarden!r} in {CATEGORIES_FILE}")
        waarden = categories[ref]
    return Kolom(
        naam=raw["naam"],
        type=raw["type"],
        beschrijving=str(raw.get("beschrijving", "")).strip(),
        eenheid=raw.get("eenheid"),
        waarden=tuple(str(w) for w in waarden) if waarden is not None else None,
        min=raw.get("min"),
        max=raw.get("max"),
        verplicht=bool(raw.get("verplicht", True)),
    )


def _spec(path: Path, categories: dict[str, list[str]]) -> TabelSpec:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    known = {"naam", "titel", "bestand", "per_jaar", "rij", "sleutel", "bron", "licentie",
             "vastgelegd", "notities", "kolommen", "formaat"}
    return TabelSpec(
        naam=raw["naam"],
        titel=raw["titel"],
        bestand=raw["bestand"],
        per_jaar=bool(raw["per_jaar"]),
        rij=str(raw["rij"]).strip(),
        sleutel=tuple(raw.get("sleutel") or ()),
        bron=str(raw["bron"]).strip(),
        licentie=str(raw.get("licentie", "")).strip(),
        vastgelegd=str(raw.get("vastgelegd", "")),
        notities=str(raw.get("notities") or "").strip(),
        kolommen=tuple(_kolom(k, categories, path.name) for k in raw.get("kolommen", [])),
        formaat=raw.get("formaat", "csv"),
        extra={k: v for k, v in raw.items() if k not in known},
    )


@cache
def _load(folder: Path) -> dict[str, TabelSpec]:
    categories = _categories(folder)
    specs = {}
    for path in sorted(folder.glob("*.yml")):
        if path.name.startswith("_"):
            continue
        spec = _spec(path, categories)
        if spec.naam != path.stem:
            raise ValueError(f"{path}: naam {spec.naam!r} moet gelijk zijn aan de bestandsnaam {path.stem!r}")
        specs[spec.naam] = spec
    return specs


def codebook(root: Path | None = None) -> dict[str, TabelSpec]:
    """Return every table spec by name."""
    return _load(data_dir(root) / "codebook")


def categorieen(root: Path | None = None) -> dict[str, list[str]]:
    """Return the shared lists of allowed values."""
    return _categories(data_dir(root) / "codebook")


def spec(naam: str, root: Path | None = None) -> TabelSpec:
    """Return the spec of one table; a clear error names the known tables."""
    specs = codebook(root)
    if naam not in specs:
        raise KeyError(f"Onbekende tabel {naam!r}; het codeboek kent: {', '.join(sorted(specs))}")
    return specs[naam]
