"""Data layer: the only code that opens data/.

Paths, codebook, reading and validation, loading, checks, reference tables.
"""

from jaarverslag.data.load import DataError, MissingTableError, is_available, load_table, load_years, report_years

__all__ = ["DataError", "MissingTableError", "is_available", "load_years", "load_table", "report_years"]
