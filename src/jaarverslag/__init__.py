"""Loading, checks, metrics and charts for the SHT jaarverslag book."""

from jaarverslag.data.load import beschikbaar, lees_tabel
from jaarverslag.data.paths import project_root

__all__ = ["beschikbaar", "lees_tabel", "project_root"]
