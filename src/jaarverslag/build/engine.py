"""`make book`: validate data/, execute every notebook per year with papermill, build one book per year, publish."""

from __future__ import annotations

import ast
import copy
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import yaml
from tqdm import tqdm

from jaarverslag.build import cache, lock, provenance, publish
from jaarverslag.data import narrative
from jaarverslag.render.fmt import getal
from jaarverslag.data.paths import FIGURE_FOLDER, ROOT_ENV, TABLE_FOLDER, build_dir, data_dir, project_root, verslagjaren

NOTEBOOK_SUFFIX = ".md"
PARAMETER = "jaar"
PARAMETERS_TAG = "parameters"  # the code cell papermill injects overrides after
# Annotations a parameter may have to be set from a scenario, with what the analyst is told to give.
PARAMETER_TYPES = {"int": "een geheel getal (int)", "float": "een getal (float)", "str": "tekst (str)",
                   "bool": "true of false (bool)"}
CLI_SOURCE = "-p"
CLI_FORM = "NOTEBOOK.NAAM=WAARDE"
Overrides = dict[str, dict[str, object]]  # notebook -> {parameter: value}, the analyst's scenario
READS_FILE = "gelezen.txt"
# A busy 2-core machine can take over a minute to start a kernel; papermill gives up after 60 s by default.
KERNEL_START_TIMEOUT_S = 300
KERNEL_START_ATTEMPTS = 3
KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond")
BOOK_STAMP = "bron.sha256"
VALIDATION_STAMP = "validatie.sha256"
VALIDATION_CODE = "from jaarverslag.data.report import valideer"  # what the validation stamp keys on
EXTRA_FOLDER = "extra"
PDF_LINK_FILE = "pdf.md"
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
    scenario: tuple[tuple[str, object], ...] = ()  # the analyst's overrides for this notebook, sorted by name

    @property
    def uit(self) -> Path:
        return self.map / f"{self.notebook}.ipynb"

    @property
    def parameters(self) -> dict:
        return {PARAMETER: self.jaar, **dict(self.scenario)}


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


@dataclass(frozen=True)
class Parameter:
    """One name in a notebook's parameters cell."""

    annotatie: str | None  # as written (`int`, `float`, ...); None for a plain assignment
    standaard: str  # the default as written in the cell


@dataclass(frozen=True)
class Instelling:
    """One override as the analyst gave it, with where it came from (the parameter file, or -p)."""

    notebook: str
    naam: str
    waarde: object
    bron: str


def parameters_cel(bron: Path) -> dict[str, Parameter]:
    """Return the names assigned in the notebook's `parameters` cell, with annotation and default, parsed with ast."""
    import jupytext

    for cell in jupytext.read(bron).cells:
        if cell.cell_type == "code" and PARAMETERS_TAG in cell.metadata.get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError as err:
                raise BuildFout(f"De parameters-cel van {bron.name} is geen geldige Python: {err}") from err
            found: dict[str, Parameter] = {}
            for node in tree.body:
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    found[node.target.id] = Parameter(ast.unparse(node.annotation),
                                                      ast.unparse(node.value) if node.value else "")
                elif isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            found[target.id] = Parameter(None, ast.unparse(node.value))
            return found
    return {}


def lees_parameterbestand(pad: Path) -> list[Instelling]:
    """Read a scenario file (YAML: notebook -> {parameter: value}) into overrides; BuildFout when it is unusable."""
    if not pad.is_file():
        raise BuildFout(f"{pad}: parameterbestand niet gevonden.")
    try:
        inhoud = yaml.safe_load(pad.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise BuildFout(f"{pad}: geen geldige YAML: {err}") from err
    if inhoud is None:
        return []
    if not isinstance(inhoud, dict):
        raise BuildFout(f"{pad}: verwacht per notebook een blok `notebook:` met daaronder ingesprongen "
                        f"`parameter: waarde`-regels, maar het bestand is {_soort(inhoud)}.")
    instellingen = []
    for notebook, waarden in inhoud.items():
        if not isinstance(waarden, dict):
            raise BuildFout(f"{pad}: notebook \"{notebook}\": verwacht daaronder ingesprongen "
                            f"`parameter: waarde`-regels, maar de waarde is {_soort(waarden)}.")
        instellingen += [Instelling(str(notebook), str(naam), waarde, str(pad)) for naam, waarde in waarden.items()]
    return instellingen


def lees_parameteroptie(tekst: str) -> Instelling:
    """Parse one `-p NOTEBOOK.NAAM=WAARDE` (the value as a YAML scalar: 40, 40.5, true, tekst); BuildFout when malformed."""
    sleutel, is_teken, waarde = tekst.partition("=")
    notebook, punt, naam = sleutel.strip().partition(".")
    if not (is_teken and punt and notebook and naam):
        raise BuildFout(f"{CLI_SOURCE} {tekst!r}: verwacht {CLI_FORM}, bijvoorbeeld "
                        f"{CLI_SOURCE} model_leeftijd.betrouwbaarheid=90.")
    try:
        gelezen = yaml.safe_load(waarde)
    except yaml.YAMLError:
        gelezen = waarde  # e.g. `a: b` with an unbalanced quote: take the text as written
    if isinstance(gelezen, (dict, list)):
        gelezen = waarde  # `-p nb.naam=a: b` means the text, not a mapping
    return Instelling(notebook, naam.strip(), gelezen, CLI_SOURCE)


def _soort(waarde: object) -> str:
    """Describe a value's type to an analyst."""
    if waarde is None:
        return "leeg"
    soorten = {bool: "bool", int: "int", float: "float", str: "str"}
    if type(waarde) in soorten:
        return PARAMETER_TYPES[soorten[type(waarde)]]
    return {dict: "een mapping (blok met sleutels)", list: "een lijst"}.get(type(waarde), type(waarde).__name__)


def _controleer(inst: Instelling, cellen: dict[str, dict[str, Parameter]]) -> tuple[object, str | None]:
    """Check one override against the notebooks' parameters cells; return (value to use, problem or None)."""
    if inst.notebook not in cellen:
        return None, f"onbekend notebook; kies uit: {', '.join(sorted(cellen))}"
    cel = cellen[inst.notebook]
    if inst.naam == PARAMETER:
        return None, "het verslagjaar stel je in met --jaar (make book JAAR=...), niet als parameter"
    if inst.naam not in cel:
        andere = [n for n in cel if n != PARAMETER]
        toegestaan = f"kies uit: {', '.join(andere)}" if andere else f"dit notebook heeft alleen de parameter {PARAMETER}"
        return None, f"onbekende parameter; {toegestaan}"
    annotatie, waarde = cel[inst.naam].annotatie, inst.waarde
    if annotatie not in PARAMETER_TYPES:
        return None, (f"kan niet worden ingesteld: de parameters-cel geeft als type {annotatie or 'niets'}; "
                      f"alleen {', '.join(PARAMETER_TYPES)} kunnen worden ingesteld")
    past = {"bool": isinstance(waarde, bool),
            "int": isinstance(waarde, int) and not isinstance(waarde, bool),
            "float": isinstance(waarde, (int, float)) and not isinstance(waarde, bool),
            "str": isinstance(waarde, str)}[annotatie]
    if not past:
        hint = " (zet tekst tussen aanhalingstekens)" if annotatie == "str" else ""
        return None, f"verwacht {PARAMETER_TYPES[annotatie]}, maar de waarde is {_soort(waarde)}{hint}"
    return (float(waarde) if annotatie == "float" else waarde), None


def scenario(root: Path, bestand: Path | None = None, opties: list[str] | tuple[str, ...] = ()) -> Overrides:
    """Read, check and merge the overrides: the file first, then each -p (the command line wins).

    Returns notebook -> {parameter: value} for the notebooks with overrides only; raises one
    BuildFout listing every problem before anything runs.
    """
    problemen: list[str] = []
    instellingen: list[Instelling] = []
    if bestand is not None:
        try:
            instellingen += lees_parameterbestand(Path(bestand))
        except BuildFout as err:
            problemen.append(str(err))
    for optie in opties:
        try:
            instellingen.append(lees_parameteroptie(optie))
        except BuildFout as err:
            problemen.append(str(err))
    cellen = {nb.stem: parameters_cel(nb) for nb in bronnotebooks(root)} if instellingen else {}
    samen: dict[str, dict[str, object]] = {}
    for inst in instellingen:
        waarde, probleem = _controleer(inst, cellen)
        if probleem:
            problemen.append(f"{inst.bron}: notebook \"{inst.notebook}\", parameter \"{inst.naam}\", "
                             f"waarde {inst.waarde!r}: {probleem}.")
        else:
            samen.setdefault(inst.notebook, {})[inst.naam] = waarde
    if problemen:
        raise BuildFout("De parameters kloppen niet:\n" + "\n".join(f"  - {p}" for p in problemen))
    return samen


def scenario_regels(taken: list[Taak]) -> list[str]:
    """Return one summary line per notebook that ran with overrides: each value and the notebook's default."""
    regels = []
    for notebook, taak in sorted({t.notebook: t for t in taken if t.scenario}.items()):
        cel = parameters_cel(taak.bron)
        waarden = ", ".join(f"{naam} = {waarde!r} (standaard {cel[naam].standaard if naam in cel else '?'})"
                            for naam, waarde in taak.scenario)
        regels.append(f"  scenario {notebook}: {waarden}")
    return regels


def taken_voor(jaren: list[int], root: Path, overrides: Overrides | None = None) -> list[Taak]:
    """Return one run per year and notebook, each with its notebook's overrides."""
    out_root, overrides = build_dir(root) / "nb", overrides or {}
    return [Taak(j, nb.stem, nb, out_root / str(j) / nb.stem, tuple(sorted(overrides.get(nb.stem, {}).items())))
            for j in jaren for nb in bronnotebooks(root)]


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


def voer_notebooks_uit(jaren: list[int], root: Path, workers: int, overrides: Overrides | None = None) -> list[Uitkomst]:
    """Execute every notebook whose inputs changed, in a pool of long-lived workers; stop at the first failure."""
    cache_dir = build_dir(root) / "cache"
    taken = taken_voor(jaren, root, overrides)
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
    """Return the closing summary: what ran and why, what came from the cache, and any non-default parameters."""
    ran = [u for u in uitkomsten if u.reden is not None]
    lines = [f"Samenvatting: {len(ran)} notebook(s) uitgevoerd, {len(uitkomsten) - len(ran)} uit de cache; "
             f"{sum(boeken.values())} boek(en) gebouwd, {len(boeken) - sum(boeken.values())} ongewijzigd."]
    for u in sorted(ran, key=lambda u: (u.taak.jaar, u.taak.notebook)):
        lines.append(f"  uitgevoerd {u.taak.jaar} {u.taak.notebook} ({getal(u.seconden, 1)} s): {u.reden}")
    lines += scenario_regels([u.taak for u in uitkomsten])
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
    """Stage the year's own texts (data/<jaar>/tekst/*.md) for the pages to include; say so when one is missing.

    Each text is checked again here (validation already did), so no path to the book skips the safe subset.
    """
    folder = target / "book" / narrative.FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name, subject in narrative.FILES.items():
        source = narrative.folder(root, jaar) / f"{name}{narrative.SUFFIX}"
        shown = f"data/{jaar}/{narrative.FOLDER}/{name}{narrative.SUFFIX}"
        text = ""
        if source.is_file() or source.is_symlink():
            found = narrative.check_file(source, root)
            if found:
                raise BuildFout(f"{shown}: " + "; ".join(
                    f"{f'regel {p.regel}: ' if p.regel else ''}{p.fout}" for p in found))
            text = source.read_text(encoding="utf-8")
        if narrative.is_empty(text):  # a template holds only a comment on what to write
            text = f"*Voor {jaar} is geen tekst over {subject} aanwezig ({shown}).*\n"
        (folder / f"{name}.md").write_text(text, encoding="utf-8")


def _pdf_link(jaar: int, pdf: bool) -> str:
    """Return the landing page's PDF download line (or why there is none)."""
    from jaarverslag.build.pdf import pdf_naam

    if not pdf:
        return "*Bij deze bouw is geen PDF-versie gemaakt (Debian's chromium ontbreekt of `--geen-pdf`).*\n"
    return (f'<p class="jv-pdf"><a href="../{pdf_naam(jaar)}" download>Download het jaarverslag {jaar} als PDF</a> '
            "(voor het archief van het bestuur)</p>\n")


def stage(root: Path, jaar: int, basis: str, versie: str, pdf: bool = False) -> Path:
    """Lay out the book source for one year under _build/stage/<jaar>/ (pages, executed notebooks, config)."""
    from jaarverslag.render.codebook_page import begrippen_pagina  # imports pandas: only when staging
    from jaarverslag.render.codebook_page import pagina as codeboek_pagina

    target = build_dir(root) / "stage" / str(jaar)
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(root / "book", target / "book")
    shutil.copy2(root / "_toc.yml", target / "_toc.yml")
    shutil.move(target / "book" / STATIC_FOLDER, target / STATIC_FOLDER)
    (target / "notebooks").mkdir()
    (target / EXTRA_FOLDER / provenance.EXECUTED_FOLDER).mkdir(parents=True)
    tables: dict[str, list[str]] = {}
    for source in bronnotebooks(root):
        executed = build_dir(root) / "nb" / str(jaar) / source.stem
        notebook = executed / f"{source.stem}.ipynb"
        shutil.copy2(notebook, target / "notebooks" / notebook.name)
        shutil.copy2(notebook, target / EXTRA_FOLDER / provenance.EXECUTED_FOLDER / notebook.name)
        tables[source.stem] = sorted(p.name for p in (executed / TABLE_FOLDER).glob("*.csv"))
        # Figures and CSV tables are published as files at the year's root (html_extra_path).
        for folder in ASSET_FOLDERS:
            if (executed / folder).is_dir():
                shutil.copytree(executed / folder, target / EXTRA_FOLDER / folder, dirs_exist_ok=True)
    _narrative(root, jaar, target)
    (target / "book" / narrative.FOLDER / PDF_LINK_FILE).write_text(_pdf_link(jaar, pdf), encoding="utf-8")
    for page in (target / "book").glob("*.md"):
        text = page.read_text(encoding="utf-8")
        page.write_text(text + provenance.pagina_blok(text, tables), encoding="utf-8")
    vingerafdruk, datum = provenance.data_vingerafdruk(root, jaar), provenance.bouwdatum()
    (target / "book" / "codeboek.md").write_text(codeboek_pagina(root), encoding="utf-8")
    (target / "book" / "begrippenlijst.md").write_text(begrippen_pagina(root), encoding="utf-8")
    (target / "book" / "over.md").write_text(provenance.over_pagina(root, jaar, vingerafdruk, versie, datum),
                                             encoding="utf-8")
    footer = provenance.footer_html(jaar, vingerafdruk, versie, datum)
    (target / "_config.yml").write_text(yaml.safe_dump(jaar_config(root, jaar, basis, footer), allow_unicode=True,
                                                       sort_keys=False), encoding="utf-8")
    return target


def _make_pdf(source: Path, output: Path, html: Path, jaar: int, root: Path) -> None:
    """Print the year's book to PDF into its HTML folder."""
    from jaarverslag.build.pdf import maak_pdf, pdf_naam

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
    from jaarverslag.build.pdf import pdf_naam

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
    key = (cache.tree_hash([p for p in data_dir(root).rglob("*") if p.is_file()], root)
           + cache.code_hash([VALIDATION_CODE]) + ",".join(map(str, jaren)))
    stamp = build_dir(root) / VALIDATION_STAMP
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        print("Gegevens ongewijzigd sinds de laatste geslaagde controle.", flush=True)
        return True
    from jaarverslag.data.report import valideer  # pandas and pandera load only when data must be checked (VALIDATION_CODE)

    rapport = valideer(jaren, root)
    if not rapport.ok:
        print(rapport.tekst(), file=sys.stderr)
        return False
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key, encoding="utf-8")
    print("Gegevens gecontroleerd: geen problemen.", flush=True)
    return True


def bouw(jaren: list[int] | None = None, basis: str = "/", workers: int | None = None, pdf: bool | None = None,
         parameterbestand: Path | None = None, parameters: list[str] | None = None) -> int:
    """Run the whole build; return a process exit code.

    parameterbestand (--parameters) and parameters (-p, applied after it) override notebook parameters.
    """
    root = project_root()
    basis = "/" + basis.strip("/") + "/" if basis.strip("/") else "/"
    try:
        overrides = scenario(root, parameterbestand, parameters or ())  # reads only: before the lock
    except BuildFout as err:
        print(f"{err}\n\nEr is niets gebouwd; de gepubliceerde site is ongewijzigd.", file=sys.stderr)
        return 2
    try:
        with lock.one_build(root):
            return _bouw(root, jaren, basis, workers, pdf, overrides)
    except lock.BuildBusy as err:
        print(f"{err}\nEr is niets gebouwd; de gepubliceerde site is ongewijzigd.", file=sys.stderr)
        return 3


def _bouw(root: Path, jaren: list[int] | None, basis: str, workers: int | None, pdf: bool | None,
          overrides: Overrides) -> int:
    """The build itself, run while holding the project's build lock."""
    publish.herstel(root)
    alle = verslagjaren(root)
    jaren = alle if not jaren else jaren
    onbekend = [j for j in jaren if j not in alle]
    if onbekend:
        print(f"Geen map data/{onbekend[0]}/: kies uit {', '.join(map(str, alle))}.", file=sys.stderr)
        return 2
    if pdf is None:
        from jaarverslag.build.pdf import chromium

        pdf = chromium() is not None
        if not pdf:
            print("Let op: Debian's chromium ontbreekt, dus er wordt geen PDF gemaakt (apt-get install chromium).")
    print(f"Jaarverslag bouwen voor {', '.join(map(str, jaren))} (URL-voorvoegsel {basis})", flush=True)
    if overrides:
        print(f"Afwijkende parameters voor: {', '.join(sorted(overrides))} (zie de samenvatting)", flush=True)

    if not valideer_met_cache(root, jaren):
        print("\nEr is niets gebouwd; de gepubliceerde site is ongewijzigd.", file=sys.stderr)
        return 1

    try:
        workers = workers or os.cpu_count() or 1
        uitkomsten = voer_notebooks_uit(jaren, root, workers, overrides)
        print("Boeken bouwen:", flush=True)
        with ThreadPoolExecutor(max_workers=workers) as pool:  # each book builds in its own process
            versie = provenance.code_versie(root)
            built = dict(zip(jaren, pool.map(lambda j: bouw_boek(root, j, basis, versie, pdf), jaren)))
        site = publish.publiceer(root, {j: h for j, (h, _) in built.items()}, basis)
    except BuildFout as err:
        print(f"\n{err}\n\nDe gepubliceerde site is ongewijzigd.", file=sys.stderr)
        return 1
    print(samenvatting(uitkomsten, {j: rebuilt for j, (_, rebuilt) in built.items()}), flush=True)
    print(f"Gepubliceerd in {site.relative_to(root)}/: {', '.join(map(str, publish.jaren_in_site(site)))}. "
          f"Bekijk met: python -m http.server -d site", flush=True)
    return 0
