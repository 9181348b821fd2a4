"""The codebook: one YAML file per table in data/codebook/, the single definition of each table."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from jaarverslag.data.paths import data_dir

TYPES = ("geheel", "decimaal", "tekst", "datum", "categorie", "tijdstip")
NUMERIC_TYPES = ("geheel", "decimaal")
# The keys a column may have in the YAML; any other key (a typo such as `maximum`) is refused, so no limit is lost.
COLUMN_KEYS = (
    "naam",
    "type",
    "beschrijving",
    "eenheid",
    "waarden",
    "verplicht",
    "min",
    "max",
    "grens_reden",
    "leeg_toegestaan",
)
REFERENCE_FOLDER = "referentie"
CATEGORIES_FILE = "_categorieen.yml"
# The SHA-256 of every source document an entry cites, by its path in the shared documents folder
# (../shared/ beside the project: seeds/..., reference/...), so a reader can check the exact document.
SOURCE_HASHES = "bron_sha256"
_DOCUMENT = r"(?:seeds|reference)/[\w.-]+\.\w+"
_CITED_PATH = re.compile(rf"(?:shared/)?({_DOCUMENT})")
_CITED_SEED = re.compile(r"\bseed (\d{3})\b")  # "seed 001": seeds/001_<id>.txt
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class Column:
    """One column of a table as the codebook describes it."""

    naam: str
    type: str
    beschrijving: str
    eenheid: str | None = None
    waarden: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    verplicht: bool = True
    limit_reason: str | None = None  # `grens_reden`: why min and max lie where they do (the domain, a source)
    empty_allowed: bool = False  # `leeg_toegestaan`: the cell may be empty whatever the status (not a missing value)


@dataclass(frozen=True)
class TableSpec:
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
    kolommen: tuple[Column, ...]
    formaat: str = "csv"
    bron_sha256: tuple[tuple[str, str], ...] = ()  # (cited document, its SHA-256), sorted by document
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def pad(self, jaar: int | None, root: Path | None = None) -> Path:
        """Return the file path of this table for a report year (reference tables ignore jaar)."""
        folder = str(jaar) if self.per_jaar else REFERENCE_FOLDER
        return data_dir(root) / folder / self.bestand

    @property
    def column_names(self) -> list[str]:
        return [k.naam for k in self.kolommen]

    @property
    def value_columns(self) -> list[Column]:
        """Return the columns whose empty cell means "the source gives no value", so the status must be ontbreekt.

        These are the optional numbers outside the key of a table with a status column, unless the column is
        `leeg_toegestaan` (empty by nature, such as an interval the source gives for one row only).
        """
        if "status" not in self.column_names:
            return []
        return [
            k
            for k in self.kolommen
            if k.type in NUMERIC_TYPES and not k.verplicht and not k.empty_allowed and k.naam not in self.sleutel
        ]


_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's where PyYAML has it: same result, 8x faster


def _read_yaml(path: Path):
    """Parse one codebook file with the safe loader."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)


def _categories(folder: Path) -> dict[str, list[str]]:
    path = folder / CATEGORIES_FILE
    return _read_yaml(path) or {} if path.exists() else {}


def _limits(raw: dict, where: str) -> tuple[float | None, float | None, str | None]:
    """Read min, max and grens_reden of a column: numbers on a numeric column, min <= max, and always a reason."""
    name = f"{where}: kolom {raw.get('naam')!r}"
    low, high = raw.get("min"), raw.get("max")
    reason = str(raw.get("grens_reden") or "").strip() or None
    for key, value in (("min", low), ("max", high)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ValueError(f"{name}: {key} moet een getal zijn, niet {value!r}")
    if (low is not None or high is not None) and raw.get("type") not in NUMERIC_TYPES:
        raise ValueError(f"{name}: min en max gelden alleen voor een getal (type geheel of decimaal)")
    if low is not None and high is not None and low > high:
        raise ValueError(f"{name}: min ({low}) is groter dan max ({high})")
    if (low is not None or high is not None) and reason is None:
        raise ValueError(f"{name}: bij min of max hoort grens_reden: waarom de grens daar ligt (het domein, een bron)")
    if reason is not None and low is None and high is None:
        raise ValueError(f"{name}: grens_reden zonder min of max")
    return low, high, reason


def _column(raw: dict, categories: dict[str, list[str]], where: str) -> Column:
    if raw.get("type") not in TYPES:
        raise ValueError(
            f"{where}: kolom {raw.get('naam')!r} heeft onbekend type {raw.get('type')!r}; kies uit {TYPES}"
        )
    unknown = sorted(str(k) for k in raw if k not in COLUMN_KEYS)
    if unknown:
        raise ValueError(
            f"{where}: kolom {raw.get('naam')!r} heeft onbekende sleutel {', '.join(unknown)}; "
            f"kies uit {', '.join(COLUMN_KEYS)}"
        )
    low, high, reason = _limits(raw, where)
    waarden = raw.get("waarden")
    if isinstance(waarden, str) and waarden.startswith("@"):
        ref = waarden[1:]
        if ref not in categories:
            raise ValueError(
                f"{where}: kolom {raw['naam']!r} verwijst naar onbekende lijst {waarden!r} in {CATEGORIES_FILE}"
            )
        waarden = categories[ref]
    return Column(
        naam=raw["naam"],
        type=raw["type"],
        beschrijving=str(raw.get("beschrijving", "")).strip(),
        eenheid=raw.get("eenheid"),
        waarden=tuple(str(w) for w in waarden) if waarden is not None else None,
        min=low,
        max=high,
        verplicht=bool(raw.get("verplicht", True)),
        limit_reason=reason,
        empty_allowed=bool(raw.get("leeg_toegestaan", False)),
    )


def cited_documents(*texts: str) -> tuple[set[str], set[str]]:
    """Return the source documents the texts cite: (paths such as seeds/000_x.txt, seed numbers such as 001)."""
    joined = " ".join(texts)
    return set(_CITED_PATH.findall(joined)), set(_CITED_SEED.findall(joined))


def _source_hashes(raw: dict, where: str) -> tuple[tuple[str, str], ...]:
    """Read bron_sha256 and check it: exactly the documents bron and notities cite, each with a 64-hex SHA-256."""
    given = raw.get(SOURCE_HASHES) or {}
    if not isinstance(given, dict):
        raise ValueError(f"{where}: {SOURCE_HASHES} moet per brondocument een regel `pad: sha256` zijn")
    given = {str(k): v for k, v in given.items()}
    odd = sorted(k for k in given if not re.fullmatch(_DOCUMENT, k))
    if odd:
        raise ValueError(
            f"{where}: {SOURCE_HASHES} noemt {', '.join(odd)}; verwacht seeds/<bestand> of reference/<bestand>"
        )
    paths, seeds = cited_documents(str(raw.get("bron", "")), str(raw.get("notities") or ""))
    missing = sorted(p for p in paths if p not in given)
    missing += [f"seeds/{n}_…" for n in sorted(seeds) if not any(k.startswith(f"seeds/{n}_") for k in given)]
    if missing:
        raise ValueError(
            f"{where}: {SOURCE_HASHES} mist de SHA-256 van {', '.join(missing)} (genoemd in bron of notities)"
        )
    uncited = sorted(k for k in given if k not in paths and not any(k.startswith(f"seeds/{n}_") for n in seeds))
    if uncited:
        raise ValueError(f"{where}: {SOURCE_HASHES} noemt {', '.join(uncited)}, maar bron en notities citeren dat niet")
    wrong = sorted(k for k, v in given.items() if not (isinstance(v, str) and _SHA256.fullmatch(v)))
    if wrong:
        raise ValueError(f"{where}: {SOURCE_HASHES} van {', '.join(wrong)} is geen SHA-256 (64 tekens 0-9, a-f)")
    return tuple(sorted(given.items()))


def _spec(path: Path, categories: dict[str, list[str]]) -> TableSpec:
    raw = _read_yaml(path)
    known = {
        "naam",
        "titel",
        "bestand",
        "per_jaar",
        "rij",
        "sleutel",
        "bron",
        "licentie",
        "vastgelegd",
        "notities",
        "kolommen",
        "formaat",
        SOURCE_HASHES,
    }
    return TableSpec(
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
        kolommen=tuple(_column(k, categories, path.name) for k in raw.get("kolommen", [])),
        formaat=raw.get("formaat", "csv"),
        bron_sha256=_source_hashes(raw, path.name),
        extra={k: v for k, v in raw.items() if k not in known},
    )


@cache
def _load(folder: Path) -> dict[str, TableSpec]:
    categories = _categories(folder)
    specs = {}
    for path in sorted(folder.glob("*.yml")):
        if path.name.startswith("_"):
            continue
        spec = _spec(path, categories)
        if spec.naam != path.stem:
            raise ValueError(f"{path}: naam {spec.naam!r} moet gelijk zijn aan de bestandsnaam {path.stem!r}")
        specs[spec.naam] = spec
    hashes: dict[str, set[str]] = {}
    for spec in specs.values():
        for document, digest in spec.bron_sha256:
            hashes.setdefault(document, set()).add(digest)
    differ = sorted(d for d, found in hashes.items() if len(found) > 1)
    if differ:  # one document has one content: entries that disagree cite different versions
        raise ValueError(f"{folder}: {SOURCE_HASHES} verschilt tussen de tabellen voor {', '.join(differ)}")
    return specs


def codebook(root: Path | None = None) -> dict[str, TableSpec]:
    """Return every table spec by name."""
    return _load(data_dir(root) / "codebook")


def categories(root: Path | None = None) -> dict[str, list[str]]:
    """Return the shared lists of allowed values."""
    return _categories(data_dir(root) / "codebook")


def spec(naam: str, root: Path | None = None) -> TableSpec:
    """Return the spec of one table; a clear error names the known tables."""
    specs = codebook(root)
    if naam not in specs:
        raise KeyError(f"Onbekende tabel {naam!r}; het codeboek kent: {', '.join(sorted(specs))}")
    return specs[naam]
