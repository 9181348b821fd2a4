"""`make voorbeeld` end to end: a copy fed by synthetic registrations equals the typed build, cell for cell.

One extra build: the copy of build/voorbeeld.prepare (2021's typed tables that the registrations feed
removed, synthetic records in their place), built for 2021. The typed side is the session build of
conftest.py. Every glued value and every CSV table of 2021 must be equal, except exactly:
- the cells the small-cell rule hides (data/registrations/disclosure.hidden_cells of the copy), which show
  a hidden-cell label or sentence there and the count in the typed build;
- the readings the typed tables mark uncertain that records settle or cannot give (test_synthetic.py lists
  them per cell): the ICPC rows marked onzeker (their status), and the branchenormen rows marked onzeker or
  ontbreekt, with the branchenormen sentences and the key figure that count the certain norms;
- the sections only registrations give (Bereikbaarheid en aanrijtijden, Drukte en urgentie): one sentence
  each in the typed build, their figures and tables (only there) in the copy; and the branchenormen sentence
  saying where the results come from.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from jaarverslag.build.voorbeeld import prepare
from jaarverslag.data.load import load_table
from jaarverslag.data.registrations import fed_tables
from jaarverslag.data.registrations.disclosure import STRUCTURE, hidden_cells
from jaarverslag.data.synthetic_marker import is_synthetic
from jaarverslag.render.suppression import CAPTION_NOTE, IN_SENTENCE, LABELS

from conftest import CACHED_OUTPUTS, ROOT, run_build

JAAR = 2021
NOTICE = "Synthetische gegevens: de cijfers over 2021 komen uit kunstmatige testregistraties"
MARKERS = (*LABELS.values(), *IN_SENTENCE.values(), CAPTION_NOTE.strip())
# Outputs that count or list the certain branch norms (their number changes when records settle them).
NORM_SUMMARIES = {"branchenormen": {"samenvatting", "gemist", "vorig_jaar", "zeker"}}
KEY_FIGURE_NORMS = "Branchenormen gehaald (SHT)"
# Sections only registrations can give (issue 14): the typed build says they need registrations, the copy
# shows them; and the branchenormen sentence that says where the year's results come from.
REGISTRATION_ONLY = ("bereikbaarheid", "drukte")
NEEDS_REGISTRATIONS = "alleen uit de registraties te berekenen"


_built: dict = {}  # one build per test session, also for modules that import the fixture


@pytest.fixture(scope="session")
def voorbeeld(built_project) -> dict:
    """The registrations-fed copy (make voorbeeld's preparation) built for 2021 without PDF, once per session.

    It starts with the session build's notebook runs: the cache re-runs every run that reads what changed.
    """
    if not _built:
        target = ROOT / "_build" / "test" / "voorbeeld"
        shutil.rmtree(target, ignore_errors=True)
        removed = prepare(ROOT, target, JAAR)
        for folder in CACHED_OUTPUTS:
            shutil.copytree(built_project / "_build" / folder, target / "_build" / folder)
        result = run_build(target, "--jaar", str(JAAR))
        _built.update(project=target, removed=removed, log=result.stdout + result.stderr, rc=result.returncode)
    assert _built["rc"] == 0, _built["log"]
    return _built


def _outputs(project: Path) -> dict[tuple, object]:
    """Every CSV line of 2021 (keyed by file and first field) and every glued value (keyed by notebook and name)."""
    found: dict[tuple, object] = {}
    nb_root = project / "_build" / "nb" / str(JAAR)
    for path in sorted(nb_root.rglob("tabellen/*.csv")):
        rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
        found[("csv", path.name, "kop")] = rows[0]
        seen: dict[str, int] = {}
        for row in rows[1:]:  # keyed by the row's label and how often that label came before
            seen[row[0]] = seen.get(row[0], -1) + 1
            found[("csv", path.name, row[0], seen[row[0]])] = [row]
    for notebook in sorted(nb_root.rglob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                data = output.get("data", {})
                name = output.get("metadata", {}).get("scrapbook", {}).get("name")
                for mime, value in data.items():
                    if mime.startswith("application/papermill.record"):
                        found[("glue", notebook.stem, name, mime)] = value
    return found


def _has_marker(value) -> bool:
    text = json.dumps(value, ensure_ascii=False)
    return any(m in text for m in MARKERS)


def test_the_copy_is_fed_by_synthetic_records(voorbeeld):
    project = voorbeeld["project"]
    assert is_synthetic(JAAR, project)
    fed = fed_tables(JAAR, project)
    assert [p.stem for p in voorbeeld["removed"]] == fed and "verrichtingen" in fed and "branchenormen" in fed
    assert not any((project / "data" / str(JAAR) / f"{naam}.csv").exists() for naam in fed)
    assert (ROOT / "data" / str(JAAR) / "verrichtingen.csv").is_file()  # the real project keeps its tables


def test_every_page_of_the_copy_says_the_figures_are_synthetic(voorbeeld, built_project):
    pages = [
        p
        for p in (voorbeeld["project"] / "site" / str(JAAR)).rglob("*.html")
        if "_static" not in p.parts and p.parent.name != str(JAAR)  # the year's entry page only redirects
    ]
    assert len(pages) > 20
    for page in pages:
        assert NOTICE in page.read_text(encoding="utf-8"), page
    typed = built_project / "site" / str(JAAR) / "book" / "verrichtingen.html"
    assert NOTICE not in typed.read_text(encoding="utf-8")


def test_the_copy_shows_the_printed_headline_figures(voorbeeld):
    text = (voorbeeld["project"] / "site" / str(JAAR) / "book" / "verrichtingen.html").read_text(encoding="utf-8")
    for figure in ("100.036", "46.040", "53.023"):
        assert figure in text


def test_every_glued_value_and_csv_cell_equals_the_typed_build_except_the_explained_ones(voorbeeld, built_project):
    project = voorbeeld["project"]
    typed, fed = _outputs(built_project), _outputs(project)
    # Counts the small-cell rule looks at (tables with an `aantal` per cell); only binnenlopers has small ones.
    hidden = {naam: hidden_cells(naam, JAAR, project) for naam in STRUCTURE}
    assert {naam for naam, cells in hidden.items() if cells} == {"binnenlopers"}, hidden
    hidden_posts = {key[0] for key in hidden["binnenlopers"]}
    assert hidden_posts, "binnenlopers Coronapost 2021 (1 walk-in) must be hidden"
    norms = load_table("branchenormen", JAAR, ROOT)
    uncertain_norms = set(norms.loc[norms["status"].ne("zeker"), "norm_id"])
    norm_names = {
        naam
        for naam, norm in zip(*load_table("normen", None, ROOT)[["onderwerp", "norm_id"]].T.values)
        if norm in uncertain_norms
    }
    icpc = load_table("icpc_top", JAAR, ROOT)
    uncertain_icpc = set(icpc.loc[icpc["status"].ne("zeker"), "diagnose"])

    uncertain_names = (*norm_names, *_short_names(uncertain_norms))

    def uncertain_norm_row(key) -> bool:
        return key[0] == "csv" and key[1].startswith("branchenormen") and any(n in str(key[2]) for n in uncertain_names)

    def registration_only(key) -> bool:
        return key[0] == "csv" and key[1].startswith(REGISTRATION_ONLY)

    # A row only one build has: a branch norm the typed table reads uncertainly (its explanation row), or a
    # table of a section only registrations give (the copy has it, the typed build does not).
    assert [k for k in typed.keys() ^ fed.keys() if not uncertain_norm_row(k) and not registration_only(k)] == []
    assert [k for k in typed.keys() - fed.keys() if registration_only(k)] == []
    assert any(registration_only(k) for k in fed.keys() - typed.keys())

    def reason(key, was, now) -> str | None:
        """Why an output differs: a hidden cell, an uncertain typed reading, or None (unexplained)."""
        kind, where, name = key[0], key[1], key[2]
        if kind == "glue" and where in REGISTRATION_ONLY:
            # the typed build: the sentence that these figures need registrations, or nothing; the copy: figures
            before, after = json.dumps(was, ensure_ascii=False), json.dumps(now, ensure_ascii=False)
            sentence_or_nothing = NEEDS_REGISTRATIONS in before or "<figure" not in before
            return "registraties" if sentence_or_nothing and NEEDS_REGISTRATIONS not in after else None
        if kind == "glue" and (where, name) == ("branchenormen", "herkomst"):
            return "registraties" if "berekend uit de registraties" in json.dumps(now, ensure_ascii=False) else None
        hidden_row = kind == "csv" and "binnenlopers" in where and name in hidden_posts | {"SHT"}
        if (hidden_row or (kind == "glue" and where == "binnenlopers_icpc")) and _has_marker(now):
            return "verborgen"
        if kind == "csv" and "icpc" in where and any(r[1] in uncertain_icpc for r in was):
            # only the status column may differ, from onzeker to zeker
            return "onzeker" if [r[:-1] for r in was] == [r[:-1] for r in now] else None
        certain_norm_counts = kind == "glue" and where == "branchenormen" and name in NORM_SUMMARIES["branchenormen"]
        # the key figure of norms met, on the landing page and in the Meerjarenoverzicht (same figure)
        key_figure = kind == "csv" and where in ("kerncijfers.csv", "meerjaren.csv") and name == KEY_FIGURE_NORMS
        uncertain_label = kind == "glue" and name == "icpc_zin"  # names the counts whose label is uncertain
        if uncertain_norm_row(key) or certain_norm_counts or key_figure or uncertain_label:
            return "onzeker"
        return None

    unexplained, explained = [], {"verborgen": 0, "onzeker": 0, "registraties": 0}
    for key in typed.keys() & fed.keys():
        if typed[key] != fed[key]:
            why = reason(key, typed[key], fed[key])
            if why is None:
                unexplained.append((key, typed[key], fed[key]))
            else:
                explained[why] += 1
    assert not unexplained, "\n".join(str(u)[:400] for u in unexplained)
    assert explained["verborgen"] > 0 and explained["onzeker"] > 0 and explained["registraties"] > 0, explained


def _short_names(norm_ids: set[str]) -> list[str]:
    """The names the branchenormen tables give these norms."""
    from jaarverslag.chapters.branchenormen_numbers import normen

    frame = normen(ROOT)
    return list(frame.loc[frame["norm_id"].isin(norm_ids), "naam"])
