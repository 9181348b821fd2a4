"""Data layer: the only code that opens data/.

Paths, codebook, reading and validation, loading, checks, reference tables.
"""

from jaarverslag.data.load import DataFout, TabelOntbreekt, beschikbaar, lees_jaren, lees_tabel, verslagjaren

__all__ = ["DataFout", "TabelOntbreekt", "beschikbaar", "lees_jaren", "lees_tabel", "verslagjaren"]
