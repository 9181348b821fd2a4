"""`make bench`: time cold, no-change and one-table builds against Jupyter Book's own execution.

Runs on a copy of the project in _build/bench/ so the published site is not touched, and
writes the timings to _build/bench/resultaat.json.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import jupytext
import nbformat
import yaml
from papermill.parameterize import parameterize_notebook

from jaarverslag.build.execute import WARM_ENV
from jaarverslag.build.parameters import run_parameters, source_notebooks
from jaarverslag.build.publish import SITE, site_sizes
from jaarverslag.build.stage import jaar_config
from jaarverslag.data.load import report_years
from jaarverslag.data.paths import ROOT_ENV, build_dir, project_root
from jaarverslag.render.fmt import getal

SOURCE_ITEMS = ("book", "notebooks", "data", "_config.yml", "_toc.yml", "requirements.lock")
CHANGED_TABLE = "data/2021/verrichtingen.csv"
# Goals: cold at most a quarter of Jupyter Book's own execution, a one-table change a tenth of cold; the
# no-change rebuild is held to an absolute 2 s (NO_CHANGE_S).
TARGETS = {"koud / basislijn": 0.25, "één tabel / koud": 0.10}
NO_CHANGE_S = 2.0


def _copy(root: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for item in SOURCE_ITEMS:
        (shutil.copytree if (root / item).is_dir() else shutil.copy2)(root / item, target / item)
    return target


def _timed(command: list[str], project: Path, **env: str) -> float:
    # The copy lives inside the repository's work tree: without a ceiling git would report the repository's
    # commit and changes, and a commit made while the benchmark runs would rebuild every page of the copy.
    ceiling = {"GIT_CEILING_DIRECTORIES": str(project.parent)}
    start = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=project,
        env={**os.environ, ROOT_ENV: str(project), **ceiling, **env},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"Mislukt: {' '.join(command)}\n{result.stdout}\n{result.stderr}")
    return time.perf_counter() - start


def _baseline_book(project: Path, jaar: int) -> Path:
    """Lay out one year's book with unexecuted, parameterised notebooks for Jupyter Book to execute."""
    source = project / "_build" / "basislijn" / str(jaar)
    shutil.rmtree(source, ignore_errors=True)
    shutil.copytree(project / "book", source / "book")
    shutil.move(source / "book" / "_static", source / "_static")
    shutil.copy2(project / "_toc.yml", source / "_toc.yml")
    (source / "notebooks").mkdir()
    for path in source_notebooks(project):
        notebook = jupytext.read(path)
        for cell in notebook.cells:  # papermill expects every cell to carry a tags list
            cell.metadata.setdefault("tags", [])
        notebook.metadata.setdefault("papermill", {})
        notebook = parameterize_notebook(notebook, run_parameters(project, path, jaar))
        nbformat.write(notebook, source / "notebooks" / f"{path.stem}.ipynb")
    (source / "book" / "codeboek.md").write_text("# Codeboek\n", encoding="utf-8")
    config = jaar_config(project, jaar, "/")
    config["execute"] = {"execute_notebooks": "force", "timeout": 600}
    config["sphinx"]["config"].pop("html_extra_path", None)
    (source / "_config.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return source


def main() -> int:
    """Run the benchmark and print the ratios with their targets."""
    root = project_root()
    project = _copy(root, build_dir(root) / "bench" / "project")
    # Without the PDF: the baseline makes none, so like is compared with like.
    build = [sys.executable, "-m", "jaarverslag", "build", "--geen-pdf"]
    jupyter_book = str(Path(sys.executable).with_name("jupyter-book"))
    jaren = report_years(project)
    load_at_start = os.getloadavg()
    print(
        f"Benchmark op {os.cpu_count()} kernen, jaren {', '.join(map(str, jaren))}, "
        f"{len(source_notebooks(project))} notebook(s) per jaar; belasting (1/5/15 min) "
        + " / ".join(getal(x, 2) for x in load_at_start),
        flush=True,
    )

    times = {"koud": _timed(build, project)}
    print(f"  koude bouw: {getal(times['koud'], 1)} s", flush=True)
    sizes = site_sizes(project / SITE)
    print(
        "  site/ zonder PDF's: " + ", ".join(f"{name} {getal(size / 2**20, 1)} MB" for name, size in sizes.items()),
        flush=True,
    )
    times["geen wijziging"] = _timed(build, project)
    print(f"  zonder wijziging: {getal(times['geen wijziging'], 1)} s", flush=True)
    table = project / CHANGED_TABLE
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[-1] = lines[-1].rstrip("\n") + "benchmark\n"  # a note in the last row's toelichting: still valid
    table.write_text("".join(lines), encoding="utf-8")
    times["één tabel"] = _timed(build, project)
    print(f"  na wijziging van {CHANGED_TABLE}: {getal(times['één tabel'], 1)} s", flush=True)

    # Second baseline: the same cold build with a fresh kernel per notebook (no warm kernels).
    for generated in ("cache", "nb", "stage", "html"):
        shutil.rmtree(project / "_build" / generated, ignore_errors=True)
    times["koud, verse kernels"] = _timed(build, project, **{WARM_ENV: "0"})
    print(f"  koude bouw met een verse kernel per notebook: {getal(times['koud, verse kernels'], 1)} s", flush=True)

    baseline = 0.0
    for jaar in jaren:
        source = _baseline_book(project, jaar)
        baseline += _timed(
            [jupyter_book, "build", str(source), "--path-output", str(source / "uit"), "--quiet"], project
        )
    times["basislijn"] = baseline
    print(
        f"  basislijn (Jupyter Book voert zelf uit, execute_notebooks: force, één boek per jaar): "
        f"{getal(baseline, 1)} s",
        flush=True,
    )

    ratios = {
        "koud / basislijn": times["koud"] / baseline,
        "één tabel / koud": times["één tabel"] / times["koud"],
        "koud / koud met verse kernels": times["koud"] / times["koud, verse kernels"],
        "koud met verse kernels / basislijn": times["koud, verse kernels"] / baseline,
    }
    print("Verhoudingen (doel):")
    for name, value in ratios.items():
        goal = TARGETS.get(name)
        verdict = "" if goal is None else f" (≤ {getal(goal, 2)}) " + ("gehaald" if value <= goal else "NIET gehaald")
        print(f"  {name}: {getal(value, 2)}{verdict}")
    verdict = "gehaald" if times["geen wijziging"] <= NO_CHANGE_S else "NIET gehaald"
    print(f"  zonder wijziging: {getal(times['geen wijziging'], 1)} s (≤ {getal(NO_CHANGE_S, 0)} s) {verdict}")
    result = {
        "seconden": times,
        "site_bytes_zonder_pdf": sizes,
        "belasting_bij_start": load_at_start,
        "belasting_bij_einde": os.getloadavg(),
        "verhoudingen": ratios,
        "doelen": {**TARGETS, "geen wijziging (s)": NO_CHANGE_S},
        "kernen": os.cpu_count(),
        "jaren": jaren,
        "notebooks_per_jaar": len(source_notebooks(project)),
    }
    out = build_dir(root) / "bench" / "resultaat.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("Belasting aan het einde (1/5/15 min): " + " / ".join(getal(x, 2) for x in os.getloadavg()))
    print(f"Geschreven naar {out.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
