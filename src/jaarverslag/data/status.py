"""The codebook's status words: how sure a transcribed or computed value is (column `status`)."""

CERTAIN = "zeker"
UNCERTAIN = "onzeker"  # the source is unclear or contradicts itself; the book marks the value with †
MISSING = "ontbreekt"  # the source gives no value; the cell is empty
ALL = (CERTAIN, UNCERTAIN, MISSING)
