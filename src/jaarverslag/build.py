"""`make book`: validate data/, execute every notebook per year with papermill, build one book per year, publish."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import yaml
from tqdm import tqdm

from jaarverslag import cache, herkomst, publish
from jaarverslag.fmt import getal
from jaarverslag.paths import FIGURE_FOLDER, ROOT_ENV, TABLE_FOLDER, build_dir, data_dir, project_root, verslagjaren

NOTEBOOK_SUFFIX = ".md"
PARAMETER = "jaar"
READS_FILE = "gelezen.txt"
# A busy 2-core machine can take over a minute to start a kernel; papermill gives up after 60 s by default.
KERNEL_START_TIMEOUT_S = 300
KERNEL_START_ATTEMPTS = 3
KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond")
BOOK_STAMP = "bron.sha256"
VALIDATION_STAMP = "validatie.sha256"
EXTRA_FOLDER = "extra"
PDF_LINK_FILE = "pdf.md"
HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
NARRATIVE_FOLDER = "tekst"  # data/<jaar>/tekst/: the year's own texts, written by the analyst
NARRATIVE_FILES = {"voorwoord": "het voorwoord", "samenwerking": "de samenwerking met partners",
                   "hoogtepunten": "de hoogtepunten van het jaar"}
STATIC_FOLDER = "_static"  # book/_static/: the book's own CSS
ASSET_FOLDERS = (FIGURE_FOLDER, TABLE_FOLDER)


class BuildFout(RuntimeError):
    """The build stopped; the published site was not changed."""


@dataclass(frozen=True)
class Taak:
    """One notebook run: a source notebook for one report year, with its own output folder."""

    jaar: int
    notebook: str
    bron: Path
    map: Path  # _build/nb/<jaar>/<notebook>/: the executed notebook, its figures and tables

    @property
    def uit(self) -> Path:
        return self.map / f"{self.notebook}.ipynb"

    @property
    def parameters(self) -> dict:
        return {PARAMETER: self.jaar}


@dataclass(frozen=True)
class Uitkomst:
    """What happened to one notebook in this build."""

    taak: Taak
    seconden: float
    reden: str | None  # why it ran; None when it came from the cache
    fout: str | None = None


def bronnotebooks(root: Path) -> list[Path]:
    """Return the source notebooks (MyST text notebooks in notebooks/)."""
    return sorted((root / "notebooks").glob(f"*{NOTEBOOK_SUFFIX}"))


def _quiet_worker(log: str) -> None:
    """Send a worker's stderr (and its kernels' start-up chatter) to a log file."""
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(fd, 2)


def _run_notebook(taak: Taak, root: str) -> tuple[float, str | None]:
    """Execute one notebook with papermill in this worker; return (seconds, error text or None).

    The run writes into a fresh temporary folder that replaces the old output only on success,
    so an interrupted run never leaves a half-written notebook where the cache would trust it.
    """
    import jupytext
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    work = taak.map.with_name(taak.map.name + ".bezig")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.environ[ROOT_ENV] = root
    os.environ[cache.READS_ENV] = str(work / READS_FILE)
    try:
        notebook = jupytext.read(taak.bron)
        for attempt in range(KERNEL_START_ATTEMPTS):
            try:
                papermill.execute_notebook(notebook, str(work / taak.uit.name), parameters=taak.parameters,
                                           cwd=str(work), kernel_name="python3",
                                           progress_bar=False, log_output=False, report_mode=False,
                                           start_timeout=KERNEL_START_TIMEOUT_S)
                break
            except RuntimeError as err:
                # Two kernels starting at once can race for a TCP port; nothing ran yet, so starting again is safe.
                if attempt + 1 == KERNEL_START_ATTEMPTS or not str(err).startswith(KERNEL_START_FAILURES):
                    raise
    except PapermillExecutionError as err:
        return time.perf_counter() - start, f"cel {err.exec_count}: {err.ename}: {err.evalue}"
    except Exception as err:  # noqa: BLE001 - any failure stops the build with its message
        return time.perf_counter() - start, f"{type(err).__name__}: {err}"
    finally:
        os.environ.pop(cache.READS_ENV, None)
    shutil.rmtree(taak.map, ignore_errors=True)
    work.rename(taak.map)
    return time.perf_counter() - start, None


def voer_notebooks_uit(jaren: list[int], root: Path, workers: int) -> list[Uitkomst]:
    """Execute every notebook whose inputs changed, in a pool of long-lived workers; stop at the first failure."""
    out_root, cache_dir = build_dir(root) / "nb", build_dir(root) / "cache"
    taken = [Taak(j, nb.stem, nb, out_root / str(j) / nb.stem) for j in jaren for nb in bronnotebooks(root)]
    uitkomsten: list[Uitkomst] = []
    te_draaien: dict[Taak, tuple[str, cache.Sleutel]] = {}
    for taak in taken:
        sleutel = cache.Sleutel.voor(root, taak.bron, taak.parameters)
        reden = cache.reden_om_te_draaien(cache.entry_path(cache_dir, taak.jaar, taak.notebook), sleutel, taak.uit, root)
        if reden is None:
            uitkomsten.append(Uitkomst(taak, 0.0, None))
        else:
            te_draaien[taak] = (reden, sleutel)
    print(f"Notebooks: {len(taken)} ({len(jaren)} jaar × {len(bronnotebooks(root))}); "
          f"{len(te_draaien)} uit te voeren, {len(taken) - len(te_draaien)} uit de cache; "
          f"{min(workers, max(len(te_draaien), 1))} tegelijk", flush=True)
    if not te_draaien:
        return uitkomsten
    log = build_dir(root) / "kernels.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    bar = tqdm(total=len(te_draaien), unit="notebook", desc="Uitvoeren", disable=None, leave=False)
    with ProcessPoolExecutor(max_workers=min(workers, len(te_draaien)), initializer=_quiet_worker,
                             initargs=(str(log),)) as pool:
        futures = {pool.submit(_run_notebook, t, str(root)): t for t in te_draaien}
        for future in as_completed(futures):
            taak = futures[future]
            reden, sleutel = te_draaien[taak]
            seconds, error = future.result()
            bar.update()
            status = "klaar" if error is None else "MISLUKT"
            bar.write(f"  {taak.jaar} {taak.notebook}: {status} in {getal(seconds, 1)} s ({reden})")
            if error is not None:
                for f in futures:
                    f.cancel()
                bar.close()
                raise BuildFout(f"Notebook mislukt — jaar {taak.jaar}, notebook {taak.notebook}.ipynb, {error}\n"
                                f"Het uitgevoerde notebook staat in "
                                f"{taak.map.with_name(taak.map.name + '.bezig').relative_to(root)}.")
            cache.schrijf_entry(cache.entry_path(cache_dir, taak.jaar, taak.notebook), sleutel,
                                taak.map / READS_FILE, root)
            uitkomsten.append(Uitkomst(taak, seconds, reden))
    bar.close()
    return uitkomsten


def samenvatting(uitkomsten: list[Uitkomst], boeken: dict[int, bool]) -> str:
    """Return the closing summary: what ran and why, what came from the cache."""
    ran = [u for u in uitkomsten if u.reden is not None]
    lines = [f"Samenvatting: {len(ran)} notebook(s) uitgevoerd, {len(uitkomsten) - len(ran)} uit de cache; "
             f"{sum(boeken.values())} boek(en) gebouwd, {len(boeken) - sum(boeken.values())} ongewijzigd."]
    for u in sorted(ran, key=lambda u: (u.taak.jaar, u.taak.notebook)):
        lines.append(f"  uitgevoerd {u.taak.jaar} {u.taak.notebook} ({getal(u.seconden, 1)} s): {u.reden}")
    return "\n".join(lines)


def jaar_config(root: Path, jaar: int, basis: str, footer: str = "") -> dict:
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
    if footer:
        theme["extra_footer"] = footer
    newest = max(verslagjaren(root))
    if jaar != newest:  # the theme's own version banner is English only
        theme["announcement"] = (f"U leest het jaarverslag over {jaar}. "
                                 f'<a href="{basis}{newest}/">Naar het nieuwste jaarverslag ({newest})</a>')
    return config


def _narrative(root: Path, jaar: int, target: Path) -> None:
    """Stage the year's own texts (data/<jaar>/tekst/*.md) for the pages to include; say so when one is missing."""
    folder = target / "book" / NARRATIVE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name, subject in NARRATIVE_FILES.items():
        source = root / "data" / str(jaar) / NARRATIVE_FOLDER / f"{name}.md"
        text = source.read_text(encoding="utf-8") if source.is_file() else ""
        if not HTML_COMMENT.sub("", text).strip():  # a template holds only a comment on what to write
            text = f"*Voor {jaar} is geen tekst over {subject} aanwezig (data/{jaar}/{NARRATIVE_FOLDER}/{name}.md).*\n"
        (folder / f"{name}.md").write_text(text, encoding="utf-8")


def _pdf_link(jaar: int, pdf: bool) -> str:
    """Return the landing page's PDF download line (or why there is none)."""
    from jaarverslag.pdf import pdf_naam

    if not pdf:
        return "*Bij deze bouw is geen PDF-versie gemaakt (Debian's chromium ontbreekt of `--geen-pdf`).*\n"
    return (f'<p class="jv-pdf"><a href="../{pdf_naam(jaar)}" download>Download het jaarverslag {jaar} als PDF</a> '
            "(voor het archief van het bestuur)</p>\n")


def stage(root: Path, jaar: int, basis: str, versie: str, pdf: bool = False) -> Path:
    """Lay out the book source for one year under _build/stage/<jaar>/ (pages, executed notebooks, config)."""
    from jaarverslag.woordenboek import begrippen_pagina  # imports pandas: only when staging
    from jaarverslag.woordenboek import pagina as codeboek_pagina

    target = build_dir(root) / "stage" / str(jaar)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(root / "book", target / "book")
    shutil.copy2(root / "_toc.yml", target / "_toc.yml")
    shutil.move(target / "book" / STATIC_FOLDER, target / STATIC_FOLDER)
    (target / "notebooks").mkdir()
    (target / EXTRA_FOLDER / herkomst.EXECUTED_FOLDER).mkdir(parents=True)
    tables: dict[str, list[str]] = {}
    for source in bronnotebooks(root):
        executed = build_dir(root) / "nb" / str(jaar) / source.stem
        notebook = executed / f"{source.stem}.ipynb"
        shutil.copy2(notebook, target / "notebooks" / notebook.name)
        shutil.copy2(notebook, target / EXTRA_FOLDER / herkomst.EXECUTED_FOLDER / notebook.name)
        tables[source.stem] = sorted(p.name for p in (executed / TABLE_FOLDER).glob("*.csv"))
        # Figures and CSV tables are published as files at the year's root (html_extra_path).
        for folder in ASSET_FOLDERS:
            if (executed / folder).is_dir():
                shutil.copytree(executed / folder, target / EXTRA_FOLDER / folder, dirs_exist_ok=True)
    _narrative(root, jaar, target)
    (target / "book" / NARRATIVE_FOLDER / PDF_LINK_FILE).write_text(_pdf_link(jaar, pdf), encoding="utf-8")
    for page in (target / "book").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text + herkomst.pagina_blok(text, tables), encoding="utf-8")
    vingerafdruk, datum = herkomst.data_vingerafdruk(root, jaar), herkomst.bouwdatum()
    (target / "book" / "codeboek.md").write_text(codeboek_pagina(root), encoding="utf-8")
    (target / "book" / "begrippenlijst.md").write_text(begrippen_pagina(root), encoding="utf-8")
    (target / "book" / "over.md").write_text(herkomst.over_pagina(root, jaar, vingerafdruk, versie, datum),
                                             encoding="utf-8")
    footer = herkomst.footer_html(jaar, vingerafdruk, versie, datum)
    (target / "_config.yml").write_text(yaml.safe_dump(jaar_config(root, jaar, basis, footer), allow_unicode=True,
                                                       sort_keys=False), encoding="utf-8")
    return target


def _make_pdf(source: Path, output: Path, html: Path, jaar: int, root: Path) -> None:
    """Print the year's book to PDF into its HTML folder."""
    from jaarverslag.pdf import maak_pdf, pdf_naam

    start = time.perf_counter()
    try:
        made = maak_pdf(source, output / "pdf", jaar, root)
    except (RuntimeError, OSError, subprocess.SubprocessError) as err:
        raise BuildFout(f"De PDF van {jaar} kon niet worden gemaakt: {err}") from err
    shutil.copy2(made, html / pdf_naam(jaar))
    print(f"  pdf {jaar}: klaar in {getal(time.perf_counter() - start, 1)} s", flush=True)


def bouw_boek(root: Path, jaar: int, basis: str, versie: str, pdf: bool) -> tuple[Path, bool]:
    """Build one year's Jupyter Book (and its PDF) with warnings as errors; return its HTML folder and whether it was rebuilt.

    The build is skipped when the staged sources (pages, executed notebooks, config) are
    byte-identical to those of the last successful build of that year.
    """
    from jaarverslag.pdf import pdf_naam

    source = stage(root, jaar, basis, versie, pdf)
    output = build_dir(root) / "html" / str(jaar)
    html = output / "_build" / "html"
    stamp = output / BOOK_STAMP
    key = cache.tree_hash([p for p in source.rglob("*") if p.is_file()], source)
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == key and (html / "index.html").is_file():
        print(f"  boek {jaar}: ongewijzigd", flush=True)
        if pdf and not (html / pdf_naam(jaar)).is_file():
            _make_pdf(source, output, html, jaar, root)
        return html, False
    shutil.rmtree(output, ignore_errors=True)
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(source), "--path-output", str(output),
               "--warningiserror", "--keep-going", "--quiet"]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, ROOT_ENV: str(root)})
    if result.returncode != 0 or not (html / "index.html").exists():
        log = (result.stdout + result.stderr).strip().splitlines()
        raise BuildFout(f"Jupyter Book kon het boek van {jaar} niet bouwen:\n" + "\n".join(log[-40:]))
    (html / "index.html").write_text(publish.jaar_index_html(jaar), encoding="utf-8")
    print(f"  boek {jaar}: klaar in {getal(time.perf_counter() - start, 1)} s", flush=True)
    if pdf:
        _make_pdf(source, output, html, jaar, root)
    stamp.write_text(key, encoding="utf-8")
    return html, True


def valideer_met_cache(root: Path, jaren: list[int]) -> bool:
    """Validate data/ unless exactly these files, codebook and package passed before; print the outcome."""
    package = Path(__file__).resolve().parent
    key = cache.tree_hash([p for p in data_dir(root).rglob("*") if p.is_file()], root) + cache.tree_hash(
        sorted(package.glob("*.py")), package) + ",".join(map(str, jaren))
    stamp = build_dir(root) / VALIDATION_STAMP
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        print("Gegevens ongewijzigd sinds de laatste geslaagde controle.", flush=True)
        return True
    from jaarverslag.rapport import valideer  # pandas and pandera load only when data must be checked

    rapport = valideer(jaren, root)
    if not rapport.ok:
        print(rapport.tekst(), file=sys.stderr)
        return False
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key, encoding="utf-8")
    print("Gegevens gecontroleerd: geen problemen.", flush=True)
    return True


def bouw(jaren: list[int] | None = None, basis: str = "/", workers: int | None = None, pdf: bool | None = None) -> int:
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
    if pdf is None:
        from jaarverslag.pdf import chromium

        pdf = chromium() is not None
        if not pdf:
            print("Let op: Debian's chromium ontbreekt, dus er wordt geen PDF gemaakt (apt-get install chromium).")
    print(f"Jaarverslag bouwen voor {', '.join(map(str, jaren))} (URL-voorvoegsel {basis})", flush=True)

    if not valideer_met_cache(root, jaren):
        print("\nEr is niets gebouwd; de gepubliceerde site is ongewijzigd.", file=sys.stderr)
        return 1

    try:
        workers = workers or os.cpu_count() or 1
        uitkomsten = voer_notebooks_uit(jaren, root, workers)
        print("Boeken bouwen:", flush=True)
        with ThreadPoolExecutor(max_workers=workers) as pool:  # each book builds in its own process
            versie = herkomst.code_versie(root)
            built = dict(zip(jaren, pool.map(lambda j: bouw_boek(root, j, basis, versie, pdf), jaren)))
        site = publish.publiceer(root, {j: h for j, (h, _) in built.items()}, basis)
    except BuildFout as err:
        print(f"\n{err}\n\nDe gepubliceerde site is ongewijzigd.", file=sys.stderr)
        return 1
    print(samenvatting(uitkomsten, {j: rebuilt for j, (_, rebuilt) in built.items()}), flush=True)
    print(f"Gepubliceerd in {site.relative_to(root)}/: {', '.join(map(str, publish.jaren_in_site(site)))}. "
          f"Bekijk met: python -m http.server -d site", flush=True)
    return 0
