"""Allow `python -m jaarverslag`."""

import sys

from jaarverslag.cli import main

sys.exit(main())
