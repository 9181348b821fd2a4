"""The pinned environment: one lock file, described identically for conda users."""

import sys
from pathlib import Path

import yaml

from jaarverslag.build.environment import PYTHON_VERSION, pins

ROOT = Path(__file__).resolve().parents[1]


def test_environment_yml_pins_exactly_the_lock_file():
    lock = set(pins((ROOT / "requirements.lock").read_text(encoding="utf-8")))
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    described = {p for p in pip_section if "==" in p}
    assert described == lock, (
        f"only in lock: {sorted(lock - described)}; only in environment.yml: {sorted(described - lock)}"
    )
    assert f"python={PYTHON_VERSION}" in env["dependencies"]


def test_every_lock_line_is_an_exact_pin():
    for line in pins((ROOT / "requirements.lock").read_text(encoding="utf-8")):
        assert "==" in line, line


def test_running_python_matches_the_described_one():
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == PYTHON_VERSION
