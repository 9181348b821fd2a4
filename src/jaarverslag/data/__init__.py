"""Data layer: the only code that opens data/.

Paths, codebook, reading and validation, loading, checks, reference tables.
"""

__all__ = ["DataError", "MissingTableError", "is_available", "load_years", "load_table", "report_years"]


def __getattr__(name: str):
    # Loaded on first use (pandas, pandera): importing data.paths or data.codebook stays light.
    if name in __all__:
        from jaarverslag.data import load

        return getattr(load, name)
    raise AttributeError(f"module 'jaarverslag.data' has no attribute {name!r}")
