"""How a synthetic record file marks itself, and how the build tells (without importing pandas)."""

from __future__ import annotations

from pathlib import Path

from jaarverslag.data.paths import data_dir

REGISTRATIONS_FOLDER = "registraties"
# Parquet key-value metadata every synthetic record file carries; its value says what the file is.
SYNTHETIC_KEY = "jaarverslag_synthetisch"
SYNTHETIC_VALUE = "Synthetische testgegevens (make voorbeeld-registraties), geen registraties van SHT"


def registrations_dir(jaar: int, root: Path | None = None) -> Path:
    """Return data/<jaar>/registraties/."""
    return data_dir(root) / str(jaar) / REGISTRATIONS_FOLDER


def is_synthetic_file(path: Path) -> bool:
    """Say whether a record file is marked synthetic (Parquet key-value metadata written by synthetic.write_parquet)."""
    if path.suffix != ".parquet" or not path.is_file():
        return False
    import duckdb  # only when a year has Parquet records

    con = duckdb.connect()
    try:
        keys = con.execute("SELECT decode(key) FROM parquet_kv_metadata(?)", [str(path)]).fetchall()
    except duckdb.Error:
        return False  # not readable Parquet: the record checks report that; it is no synthetic file
    finally:
        con.close()
    return any(k[0] == SYNTHETIC_KEY for k in keys)


def is_synthetic(jaar: int, root: Path | None = None) -> bool:
    """Say whether any record file of a year is synthetic: then every page of that year says so."""
    folder = registrations_dir(jaar, root)
    return folder.is_dir() and any(is_synthetic_file(p) for p in sorted(folder.glob("*.parquet")))
