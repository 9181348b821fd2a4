"""`make book`: validate data/, execute every notebook per year with papermill, build one book per year, publish."""

from __future__ import annotations

import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from jaarverslag.build import cache, execute, lock, provenance, publish, unchanged
from jaarverslag.build.book import build_book
from jaarverslag.build.errors import BuildError
from jaarverslag.build.execute import Uitkomst
from jaarverslag.build.parameters import Overrides, check_upstream, scenario, scenario_lines
from jaarverslag.data.paths import build_dir, data_dir, project_root, report_years
from jaarverslag.render.fmt import getal

__all__ = ["BuildError", "bouw", "samenvatting", "validate_with_cache"]
VALIDATION_STAMP = "validatie.sha256"
VALIDATION_CODE = "from jaarverslag.data.report import valideer"  # what the validation stamp keys on


def samenvatting(uitkomsten: list[Uitkomst], boeken: dict[int, bool]) -> str:
    """Return the closing summary: what ran and why, what came from the cache, and any non-default parameters."""
    ran = [u for u in uitkomsten if u.reden is not None]
    lines = [
        f"Samenvatting: {len(ran)} notebook(s) uitgevoerd, {len(uitkomsten) - len(ran)} uit de cache; "
        f"{sum(boeken.values())} boek(en) gebouwd, {len(boeken) - sum(boeken.values())} ongewijzigd."
    ]
    for u in sorted(ran, key=lambda u: (u.taak.jaar, u.taak.notebook)):
        lines.append(f"  uitgevoerd {u.taak.jaar} {u.taak.notebook} ({getal(u.seconden, 1)} s): {u.reden}")
    lines += scenario_lines([u.taak for u in uitkomsten])
    return "\n".join(lines)


def validate_with_cache(root: Path, jaren: list[int]) -> bool:
    """Validate data/ unless exactly these files, codebook and package passed before; print the outcome."""
    key = (
        cache.tree_hash([p for p in data_dir(root).rglob("*") if p.is_file()], root)
        + cache.code_hash([VALIDATION_CODE])
        + ",".join(map(str, jaren))
    )
    stamp = build_dir(root) / VALIDATION_STAMP
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == key:
        print("Gegevens ongewijzigd sinds de laatste geslaagde controle.", flush=True)
        return True
    # pandas and pandera load only when data must be checked (VALIDATION_CODE)
    from jaarverslag.data.report import valideer

    rapport = valideer(jaren, root)
    if not rapport.ok:
        print(rapport.tekst(), file=sys.stderr)
        return False
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(key, encoding="utf-8")
    print("Gegevens gecontroleerd: geen problemen.", flush=True)
    return True


def site_plan(root: Path, jaren: list[int], basis: str) -> tuple[publish.SiteYears, list[int]]:
    """Return the new site's years and the years to build; print what changes in the site beyond the asked years.

    The new site holds the asked years and the published years still in data/ (a year removed from data/
    leaves it). A kept year whose banner or URL prefix would differ is built too, so no page names
    another newest year than the switcher and / do.
    """
    old = root / publish.SITE
    published = publish.jaren_in_site(old) if old.is_dir() else []
    alle = report_years(root)
    kept = [j for j in published if j in alle and j not in jaren]
    site = publish.SiteYears.of_data(root, basis, sorted({*jaren, *kept}))
    verdwenen = [j for j in published if j not in alle]
    if verdwenen:
        print(
            f"Niet meer in data/, dus bij deze bouw van de site gehaald: {', '.join(map(str, verdwenen))}.", flush=True
        )
    ontbrekend = [j for j in alle if j not in site.years]
    if ontbrekend:
        print(f"Nog niet gepubliceerd (bouw alle jaren met make book): {', '.join(map(str, ontbrekend))}.", flush=True)
    if site.drafts:
        print(
            f"Concept (met banner 'Concept', / wijst naar {site.newest}): {', '.join(map(str, sorted(site.drafts)))}.",
            flush=True,
        )
    extra = []
    for jaar in kept:
        expected = site.page_state(jaar)
        recorded = publish.published_state(old, jaar)
        if {k: recorded.get(k) for k in expected} != expected:
            if not recorded:
                reason = f"de gepubliceerde versie zegt niet waartegen ze is gebouwd ({publish.BUILD_RECORD} ontbreekt)"
            elif recorded.get("basis") != basis:
                reason = "het URL-voorvoegsel verandert"
            else:
                reason = "de banner bovenaan (nieuwste jaar of concept) verandert"
            print(f"{jaar} wordt ook opnieuw gebouwd: {reason}.", flush=True)
            extra.append(jaar)
    return site, sorted({*jaren, *extra})


def _notebooks_and_books(
    root: Path,
    plan: execute.Plan,
    workers: execute.Workers | None,
    site: publish.SiteYears,
    versie: str,
    pdf: bool,
    cores: int,
) -> tuple[list[Uitkomst], dict[int, tuple[Path, bool]]]:
    """Run the notebooks; build each year's book as soon as its notebooks are done, while the next year's run.

    Each book builds in its own process; a failing notebook or book stops the build (books not yet started
    are cancelled).
    """
    books: dict[int, Future] = {}
    with ThreadPoolExecutor(max_workers=cores) as builders:

        def year_done(jaar: int) -> None:
            if not books:
                print("Boeken bouwen:", flush=True)
            books[jaar] = builders.submit(build_book, root, jaar, site, versie, pdf)

        try:
            uitkomsten = execute.run_notebooks(plan, workers, year_done=year_done)
            built = {jaar: books[jaar].result() for jaar in plan.jaren}
        except BaseException:
            builders.shutdown(cancel_futures=True)
            raise
    return uitkomsten, built


def bouw(
    jaren: list[int] | None = None,
    basis: str = "/",
    workers: int | None = None,
    pdf: bool | None = None,
    parameterbestand: Path | None = None,
    parameters: list[str] | None = None,
) -> int:
    """Run the whole build; return a process exit code.

    parameterbestand (--parameters) and parameters (-p, applied after it) override notebook parameters.
    """
    root = project_root()
    basis = "/" + basis.strip("/") + "/" if basis.strip("/") else "/"
    try:
        overrides = scenario(root, parameterbestand, parameters or ())  # reads only: before the lock
        check_upstream(root)
    except BuildError as err:
        print(f"{err}\n\nEr is niets gebouwd; de gepubliceerde site is ongewijzigd.", file=sys.stderr)
        return 2
    try:
        with lock.one_build(root):
            return _build_locked(root, jaren, basis, workers, pdf, overrides)
    except lock.BuildBusy as err:
        print(f"{err}\nEr is niets gebouwd; de gepubliceerde site is ongewijzigd.", file=sys.stderr)
        return 3


def _build_locked(
    root: Path, jaren: list[int] | None, basis: str, workers: int | None, pdf: bool | None, overrides: Overrides
) -> int:
    """The build itself, run while holding the project's build lock."""
    publish.recover(root)
    alle = report_years(root)
    jaren = jaren if jaren else alle
    onbekend = [j for j in jaren if j not in alle]
    if onbekend:
        print(f"Geen map data/{onbekend[0]}/: kies uit {', '.join(map(str, alle))}.", file=sys.stderr)
        return 2
    site, jaren = site_plan(root, jaren, basis)
    if pdf is None:
        from jaarverslag.build.pdf import chromium

        pdf = chromium() is not None
        if not pdf:
            print(
                "Let op: Debian's chromium ontbreekt, dus er wordt geen PDF gemaakt (apt-get install chromium); "
                "een gepubliceerde PDF blijft staan zolang het boek van dat jaar niet verandert."
            )
    print(f"Jaarverslag bouwen voor {', '.join(map(str, jaren))} (URL-voorvoegsel {basis})", flush=True)
    if overrides:
        print(f"Afwijkende parameters voor: {', '.join(sorted(overrides))} (zie de samenvatting)", flush=True)
    versie = provenance.code_version(root)
    settings = {"jaren": jaren, "site": site.years, "basis": basis, "pdf": pdf, "parameters": overrides}
    sleutel = unchanged.inputs_key(root, {**settings, "versie": versie, "datum": provenance.build_date()})
    if unchanged.is_current(root, root / publish.SITE, sleutel):
        from jaarverslag.build.parameters import source_notebooks

        aantal = len(jaren) * len(source_notebooks(root))
        print(
            "Niets gewijzigd sinds de vorige geslaagde bouw (gegevens, notebooks, pagina's, code en instellingen):\n"
            f"Samenvatting: 0 notebook(s) uitgevoerd, {aantal} uit de cache; 0 boek(en) gebouwd, "
            f"{len(jaren)} ongewijzigd.\nsite/ is actueel.",
            flush=True,
        )
        return 0
    unchanged.forget(root)

    plan = execute.plan_runs(jaren, root, overrides)
    try:
        # The workers start (and import) while the data are checked; they stop unused if the check fails.
        workers = workers or os.cpu_count() or 1
        with execute.worker_pool(plan, workers) as notebook_workers:
            if not validate_with_cache(root, jaren):
                if notebook_workers is not None:
                    notebook_workers.stop_unused()
                print("\nEr is niets gebouwd; de gepubliceerde site is ongewijzigd.", file=sys.stderr)
                return 1
            uitkomsten, built = _notebooks_and_books(root, plan, notebook_workers, site, versie, pdf, workers)
        published = publish.publish(root, {j: h for j, (h, _) in built.items()}, site)
    except BuildError as err:
        print(f"\n{err}\n\nDe gepubliceerde site is ongewijzigd.", file=sys.stderr)
        return 1
    unchanged.record(root, published, sleutel)
    print(samenvatting(uitkomsten, {j: rebuilt for j, (_, rebuilt) in built.items()}), flush=True)
    print(
        f"Gepubliceerd in {published.relative_to(root)}/: {', '.join(map(str, publish.jaren_in_site(published)))}. "
        f"Bekijk met: python -m http.server -d site",
        flush=True,
    )
    return 0
