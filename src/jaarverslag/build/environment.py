"""The conda description of the locked environment: environment.yml is generated from requirements.lock."""

from __future__ import annotations

from pathlib import Path

PYTHON_VERSION = "3.11"
HEADER = "# Generated from requirements.lock by `make lock`; a test fails when the two disagree.\n"


def pins(lock_text: str) -> list[str]:
    """Return the 'name==version' lines of a pip lock file."""
    return [line.strip() for line in lock_text.splitlines() if line.strip() and not line.startswith("#")]


def environment_yml(lock_text: str) -> str:
    """Return environment.yml content: conda's Python and pip, everything else pinned via pip."""
    lines = [
        HEADER,
        "name: jaarverslag\n",
        "channels:\n  - conda-forge\n",
        "dependencies:\n",
        f"  - python={PYTHON_VERSION}\n",
        "  - pip\n",
        "  - pip:\n",
    ]
    lines += [f"      - {pin}\n" for pin in pins(lock_text)]
    lines.append("      - -e .\n")
    return "".join(lines)


def schrijf(root: Path) -> None:
    """Write environment.yml from requirements.lock."""
    lock = (root / "requirements.lock").read_text(encoding="utf-8")
    (root / "environment.yml").write_text(environment_yml(lock), encoding="utf-8")
