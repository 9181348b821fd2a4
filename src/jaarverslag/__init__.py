"""Loading, checks, metrics and charts for the SHT jaarverslag book."""

from jaarverslag.data.load import is_available, load_table
from jaarverslag.data.paths import project_root

__all__ = ["is_available", "load_table", "project_root"]
