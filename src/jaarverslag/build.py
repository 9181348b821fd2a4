"""`make book`: validate data/, execute every notebook per year with papermill, build one book per year, publish."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import yaml

from jaarverslag import publish
from jaarverslag.charts import FIGURE_FOLDER
from jaarverslag.tabellen import TABLE_FOLDER
from jaarverslag.data import verslagjaren
from jaarverslag.fmt import getal
from jaarverslag.paths import ROOT_ENV, build_dir, project_root
from jaarverslag.rapport import valideer
from jaarverslag.woordenboek import pagina as codeboek_pagina

NOTEBOOK_SUFFIX = ".md"
PARAMETER = "jaar"
EXTRA_FOLDER = "extra"
STATIC_FOLDER = "_static"  # book/_static/: the book's own CSS
ASSET_FOLDERS = (FIGURE_FOLDER, TABLE_FOLDER)


class BuildFout(RuntimeError):
    """The build stopped; the published site was not changed."""


@dataclass(frozen=True)
class Taak:
    """One notebook run: a source notebook for one report year."""

    jaar: int
    notebook: str
    bron: Path
    uit: Path


def bronnotebooks(root: Path) -> list[Path]:
    """Return the source notebooks (MyST text notebooks in notebooks/)."""
    return sorted((root / "notebooks").glob(f"*{NOTEBOOK_SUFFIX}"))


def _run_notebook(taak: Taak, root: str) -> tuple[Taak, float, str | None]:
    """Execute one notebook with papermill in this worker; return (task, seconds, error text or None)."""
    import jupytext
    import papermill
    from papermill.exceptions import PapermillExecutionError

    os.environ[ROOT_ENV] = root
    start = time.perf_counter()
    taak.uit.parent.mkdir(parents=True, exist_ok=True)
    try:
        notebook = jupytext.read(taak.bron)
        papermill.execute_notebook(notebook, str(taak.uit), parameters={PARAMETER: taak.jaar},
                                   cwd=str(taak.uit.parent), kernel_name="python3",
                                   progress_bar=False, log_output=False, report_mode=False)
    except PapermillExecutionError as err:
        return taak, time.perf_counter() - start, f"cel {err.exec_count}: {err.ename}: {err.evalue}"
    except Exception as err:  # noqa: BLE001 - any failure stops the build with its message
        return taak, time.perf_counter() - start, f"{type(err).__name__}: {err}"
    return taak, time.perf_counter() - start, None


def voer_notebooks_uit(jaren: list[int], root: Path, workers: int) -> None:
    """Execute every notebook for every year in a pool of worker processes; stop at the first failure."""
    out_root = build_dir(root) / "nb"
    taken = [Taak(j, nb.stem, nb, out_root / str(j) / f"{nb.stem}.ipynb") for j in jaren for nb in bronnotebooks(root)]
    for jaar in jaren:
        shutil.rmtree(out_root / str(jaar), ignore_errors=True)
    print(f"Notebooks uitvoeren: {len(taken)} ({len(jaren)} jaar × {len(taken) // max(len(jaren), 1)}), "
          f"{workers} tegelijk", flush=True)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_run_notebook, t, str(root)) for t in taken]
        for done, future in enumerate(as_completed(futures), start=1):
            taak, seconds, error = future.result()
            status = "klaar" if error is None else "MISLUKT"
            print(f"  [{done}/{len(taken)}] {taak.jaar} {taak.notebook}: {status} in {getal(seconds, 1)} s", flush=True)
            if error is not None:
                for f in futures:
                    f.cancel()
                raise BuildFout(f"Notebook mislukt — jaar {taak.jaar}, notebook {taak.notebook}.ipynb, {error}\n"
                                f"Het uitgevoerde notebook staat in {taak.uit.relative_to(root)}.")


def jaar_config(root: Path, jaar: int, basis: str) -> dict:
    """Return the Jupyter Book config for one report year: the shared config plus year and switcher."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config = copy.deepcopy(config)
    config["title"] = f"{config['title']} {jaar}"
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx["version"] = str(jaar)
    sphinx["release"] = str(jaar)
    theme = sphinx.setdefault("html_theme_options", {})
    sphinx["html_extra_path"] = [EXTRA_FOLDER]
    theme["switcher"] = {"json_url": f"{basis}switcher.json", "version_match": str(jaar)}
    return config


def stage(root: Path, jaar: int, basis: str) -> Path:
    """Lay out the book source for one year under _build/stage/<jaar>/ (pages, executed notebooks, config)."""
    target = build_dir(root) / "stage" / str(jaar)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(root / "book", target / "book")
    shutil.copy2(root / "_toc.yml", target / "_toc.yml")
    shutil.move(target / "book" / STATIC_FOLDER, target / STATIC_FOLDER)
    executed = build_dir(root) / "nb" / str(jaar)
    (target / "notebooks").mkdir()
    for notebook in executed.glob("*.ipynb"):
        shutil.copy2(notebook, target / "notebooks" / notebook.name)
    # Figures and CSV tables are published as files at the year's root (html_extra_path).
    for folder in ASSET_FOLDERS:
        if (executed / folder).is_dir():
            shutil.copytree(executed / folder, target / EXTRA_FOLDER / folder)
    (target / EXTRA_FOLDER).mkdir(exist_ok=True)
    (target / "book" / "codeboek.md").write_text(codeboek_pagina(root), encoding="utf-8")
    (target / "_config.yml").write_text(yaml.safe_dump(jaar_config(root, jaar, basis), allow_unicode=True,
                                                       sort_keys=False), encoding="utf-8")
    return target


def bouw_boek(root: Path, jaar: int, basis: str) -> Path:
    """Build one year's Jupyter Book with warnings as errors; return its HTML folder."""
    source = stage(root, jaar, basis)
    output = build_dir(root) / "html" / str(jaar)
    shutil.rmtree(output, ignore_errors=True)
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(source), "--path-output", str(output),
               "--warningiserror", "--keep-going", "--quiet"]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, ROOT_ENV: str(root)})
    html = output / "_build" / "html"
    if result.returncode != 0 or not (html / "index.html").exists():
        log = (result.stdout + result.stderr).strip().splitlines()
        raise BuildFout(f"Jupyter Book kon het boek van {jaar} niet bouwen:\n" + "\n".join(log[-40:]))
    print(f"  boek {jaar}: klaar in {getal(time.perf_counter() - start, 1)} s", flush=True)
    return html


def bouw(jaren: list[int] | None = None, basis: str = "/", workers: int | None = None) -> int:
    """Run the whole build; return a process exit code."""
    root = project_root()
    basis = "/" + basis.strip("/") + "/" if basis.strip("/") else "/"
    publish.herstel(root)
    alle = verslagjaren(root)
    jaren = alle if not jaren else jaren
    onbekend = [j for j in jaren if j not in alle]
    if onbekend:
        print(f"Geen map data/{onbekend[0]}/: kies uit {', '.join(map(str, alle))}.", file=sys.stderr)
        return 2
    print(f"Jaarverslag bouwen voor {', '.join(map(str, jaren))} (URL-voorvoegsel {basis})", flush=True)

    rapport = valideer(jaren, root)
    if not rapport.ok:
        print(rapport.tekst(), file=sys.stderr)
        print("\nEr is niets gebouwd; de gepubliceerde site is ongewijzigd.", file=sys.stderr)
        return 1
    print("Gegevens gecontroleerd: geen problemen.", flush=True)

    try:
        voer_notebooks_uit(jaren, root, workers or os.cpu_count() or 1)
        print("Boeken bouwen:", flush=True)
        html = {jaar: bouw_boek(root, jaar, basis) for jaar in jaren}
        site = publish.publiceer(root, html, basis)
    except BuildFout as err:
        print(f"\n{err}\n\nDe gepubliceerde site is ongewijzigd.", file=sys.stderr)
        return 1
    print(f"Gepubliceerd in {site.relative_to(root)}/: {', '.join(map(str, publish.jaren_in_site(site)))}. "
          f"Bekijk met: python -m http.server -d site", flush=True)
    return 0
