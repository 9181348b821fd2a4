"""Loading, checks, metrics and charts for the SHT jaarverslag book."""

__all__ = ["is_available", "load_table", "project_root"]


def __getattr__(name: str):
    # Loaded on first use: pandas and pandera (~0.7 s) only when a table is read, not for every `python -m jaarverslag`.
    if name == "project_root":
        from jaarverslag.data.paths import project_root

        return project_root
    if name in ("is_available", "load_table"):
        from jaarverslag.data.load import is_available, load_table

        return {"is_available": is_available, "load_table": load_table}[name]
    raise AttributeError(f"module 'jaarverslag' has no attribute {name!r}")
