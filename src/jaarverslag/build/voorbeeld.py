"""`make voorbeeld`: a copy of the project whose year is fed by synthetic registrations, built and published.

The copy lives in _build/voorbeeld/ (sources refreshed, its own _build/ cache kept); the year's typed
tables that the registrations feed are removed there, the synthetic record files written in their place
(from the real project's typed tables), and the copy is built as `make book` builds: its site is
_build/voorbeeld/site/. The real project's data/ and site/ are never touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from jaarverslag.data.paths import ROOT_ENV, build_dir, project_root
from jaarverslag.data.synthetic import DEFAULT_SEED, second_sources, write_year

SOURCE_ITEMS = ("book", "notebooks", "data", "_config.yml", "_toc.yml", "requirements.lock")
FOLDER = "voorbeeld"
DEFAULT_JAAR = 2021


def prepare(root: Path, target: Path, jaar: int, seed: int = DEFAULT_SEED) -> list[Path]:
    """Refresh the copy's sources, write the synthetic records and remove the typed tables they replace.

    Return the removed typed tables (paths in the copy).
    """
    target.mkdir(parents=True, exist_ok=True)
    for item in SOURCE_ITEMS:
        destination = target / item
        if destination.is_dir():
            shutil.rmtree(destination)
        elif destination.exists():
            destination.unlink()
        (shutil.copytree if (root / item).is_dir() else shutil.copy2)(root / item, destination)
    # Any record files of the real project are not copied: the copy shows the synthetic ones only.
    shutil.rmtree(target / "data" / str(jaar) / "registraties", ignore_errors=True)
    write_year(jaar, target, root, seed)
    removed = second_sources(jaar, target)
    for path in removed:
        path.unlink()
    return removed


def build(target: Path, jaar: int, extra: list[str]) -> subprocess.CompletedProcess:
    """Build the copy as `make book JAAR=<jaar>` would, output shown as it comes."""
    env = {**os.environ, ROOT_ENV: str(target)}
    command = [sys.executable, "-m", "jaarverslag", "build", "--jaar", str(jaar), *extra]
    return subprocess.run(command, cwd=target, env=env, check=False)


def main(argv: list[str] | None = None) -> int:
    """Build and publish the registrations-fed copy of the project in _build/voorbeeld/."""
    parser = argparse.ArgumentParser(prog="make voorbeeld", description=main.__doc__)
    parser.add_argument("--jaar", type=int, default=DEFAULT_JAAR)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args, extra = parser.parse_known_args(argv)
    root = project_root()
    target = build_dir(root) / FOLDER
    removed = prepare(root, target, args.jaar, args.seed)
    print(
        f"Voorbeeld in {target.relative_to(root)}: {args.jaar} gevoed door synthetische registraties "
        f"(seed {args.seed}); vervangen getypte tabellen: {', '.join(p.stem for p in removed)}.",
        flush=True,
    )
    result = build(target, args.jaar, extra)
    if result.returncode == 0:
        print(f"Voorbeeldsite: {(target / 'site').relative_to(root)}/ (python -m http.server -d {target / 'site'})")
    return result.returncode


if __name__ == "__main__":
    raise SystemExit(main())
