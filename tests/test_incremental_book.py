"""The incremental book step: Sphinx re-reads only what changed, and a page glued from a changed notebook follows it."""

from __future__ import annotations

from pathlib import Path

from jaarverslag.render.vooruitblik_text import PARAMETER_MEANINGS

from conftest import run_build

PAGE = Path("book") / "vooruitblik.html"  # glues from notebooks/vooruitblik.ipynb
OTHER = Path("book") / "kwaliteit.html"  # glues from notebooks that do not change here
CHANGED = f"{PARAMETER_MEANINGS['ouderen_groei_pct']}: 40,0"  # the page's sentence naming the changed assumption


def test_a_changed_notebook_updates_the_page_that_glues_from_it_and_nothing_else(fresh_kernel_build):
    project = fresh_kernel_build["project"]  # built before (tests/test_incremental.py may have rebuilt it)
    assert run_build(project, "--jaar", "2021").returncode == 0
    html = project / "_build" / "html" / "2021" / "_build" / "html"
    before = {page: (html / page).stat().st_mtime_ns for page in (PAGE, OTHER)}
    assert CHANGED not in (html / PAGE).read_text(encoding="utf-8")

    result = run_build(project, "--jaar", "2021", "-p", "vooruitblik.ouderen_groei_pct=40")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "uitgevoerd 2021 vooruitblik" in result.stdout
    # The staged page did not change, only the notebook it glues from: the page must still show the new value.
    assert CHANGED in (html / PAGE).read_text(encoding="utf-8")
    assert CHANGED in (project / "site" / "2021" / PAGE).read_text(encoding="utf-8")
    assert (html / PAGE).stat().st_mtime_ns != before[PAGE]
    assert (html / OTHER).stat().st_mtime_ns == before[OTHER], "an unchanged page was written again"
