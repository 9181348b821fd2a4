"""Years and drafts on real builds: the site holds exactly the years in data/, a draft year, PDFs that are kept.

One chain of builds on one project copy (real builds are slow):
1. 2019 and 2020 with a PDF, while site/ still holds a year (2018) that is no longer in data/;
2. 2019 again without PDF, nothing changed: its PDF stays;
3. 2020 marked as draft (data/2020/CONCEPT.md, committed), built alone without PDF.
The copy is a git work tree whose builds run from committed files; the last test stages a year with an
uncommitted file (a werkversie) without building it.
The browser is a stand-in that writes a small PDF (one page and one bookmark per chapter title of the print
document it is given), so the test runs without Debian's chromium (test_pdf.py checks the real PDFs when
chromium is installed); the print documents themselves are real.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from jaarverslag.build.pdf import pdf_names
from jaarverslag.build.publish import jaren_in_site
from jaarverslag.data.paths import is_draft

from conftest import copy_project, run_build

DRAFT_BANNER = "Concept: dit verslag over 2020 is nog niet vastgesteld"
OLDER_BANNER = "Naar het nieuwste jaarverslag"
NO_PDF_YET = "De PDF-versie van dit verslag is nog niet beschikbaar"
FAKE_CHROMIUM = f"""#!{sys.executable}
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pypdf import PdfWriter

target = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("--print-to-pdf="))
document = Path(unquote(urlsplit(sys.argv[-1]).path)).read_text(encoding="utf-8")
writer = PdfWriter()
writer.add_blank_page(595, 842)  # the cover
for title in re.findall(r"<h1[^>]*>(.*?)</h1>", document, re.S):
    writer.add_blank_page(595, 842)
    writer.add_outline_item(re.sub(r"<[^>]+>", "", title), len(writer.pages) - 1)
writer.add_metadata({{"/Title": "stand-in " + Path(target).name}})
writer.write(target)
"""


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _switcher(project: Path) -> list[dict]:
    return json.loads(_text(project / "site" / "switcher.json"))


def _pages(year_folder: Path) -> list[Path]:
    """Every book page of a published year (not the entry redirect index.html, not the theme's _static/)."""
    pages = [
        p
        for p in year_folder.rglob("*.html")
        if p.relative_to(year_folder) != Path("index.html") and "_static" not in p.relative_to(year_folder).parts
    ]
    assert len(pages) > 10, pages
    return pages


def _git(project: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=True).stdout.strip()


def _commit(project: Path, message: str) -> None:
    _git(project, "add", "-A")
    _git(project, "-c", "user.name=test", "-c", "user.email=test@example.org", "commit", "-q", "-m", message)


def _built(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_draft_marker_is_a_file_in_the_year_folder(project):
    assert not is_draft(2021, project)
    (project / "data" / "2021" / "CONCEPT.md").write_text("", encoding="utf-8")
    assert is_draft(2021, project) and not is_draft(2020, project)


def test_a_site_of_drafts_only_still_has_a_newest_year():
    from jaarverslag.build.publish import SiteYears

    site = SiteYears((2022, 2023), frozenset({2022, 2023}), "/")
    assert site.newest == 2023
    assert "Concept: dit verslag over 2022" in site.banner(2022) and "href" not in site.banner(2022)
    assert [e["name"] for e in site.switcher()] == ["2023 (concept)", "2022 (concept)"]


@pytest.fixture(scope="module")
def chain(tmp_path_factory, built_project) -> dict:
    """The project copy and the output of each build so far (later fixtures add builds).

    The copy starts with the session build's notebook runs: these tests are about the site, not execution.
    """
    base = tmp_path_factory.mktemp("jaren")
    bin_dir = base / "bin"
    bin_dir.mkdir()
    browser = bin_dir / "chromium"
    browser.write_text(FAKE_CHROMIUM, encoding="utf-8")
    browser.chmod(browser.stat().st_mode | stat.S_IEXEC)
    project = copy_project(base / "project", cache_from=built_project)
    removed = project / "site" / "2018"  # published once, its folder since removed from data/
    removed.mkdir(parents=True)
    (removed / "index.html").write_text("verslag 2018", encoding="utf-8")
    (project / ".gitignore").write_text("/_build/\n/site\n/site.*\n", encoding="utf-8")
    _git(project, "init", "-q")
    _commit(project, "begin")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
        first = _built(run_build(project, "--jaar", "2019", "--jaar", "2020", pdf=True))
    pdfs_2019 = {name: (project / "site" / "2019" / name).read_bytes() for name in pdf_names(2019)}
    return {"project": project, "first": first, "pdf_2019": pdfs_2019}


@pytest.fixture(scope="module")
def without_pdf(chain) -> dict:
    chain["without_pdf"] = _built(run_build(chain["project"], "--jaar", "2019"))
    return chain


@pytest.fixture(scope="module")
def drafted(without_pdf) -> dict:
    project = without_pdf["project"]
    (project / "data" / "2020" / "CONCEPT.md").write_text("Nog niet vastgesteld.\n", encoding="utf-8")
    _commit(project, "2020 is een concept")
    without_pdf["drafted"] = _built(run_build(project, "--jaar", "2020"))
    return without_pdf


def test_a_year_removed_from_data_leaves_the_site_and_the_switcher(chain):
    project = chain["project"]
    assert jaren_in_site(project / "site") == [2019, 2020]
    assert [e["version"] for e in _switcher(project)] == ["2020", "2019"]
    assert "2018" in chain["first"].stdout  # the build says it took the year off the site
    assert 'url=/2020/"' in _text(project / "site" / "index.html")
    assert OLDER_BANNER + " (2020)" in _text(project / "site" / "2019" / "book" / "index.html")


def _pdfs(site: Path, jaar: int) -> dict[str, bytes]:
    return {
        name: (site / str(jaar) / name).read_bytes() for name in pdf_names(jaar) if (site / str(jaar) / name).exists()
    }


def test_a_build_with_pdf_makes_both_versions_and_links_them(chain):
    site = chain["project"] / "site"
    for jaar in (2019, 2020):
        landing = _text(site / str(jaar) / "book" / "index.html")
        assert (
            set(_pdfs(site, jaar))
            == set(pdf_names(jaar))
            == {f"jaarverslag-{jaar}.pdf", f"jaarverslag-{jaar}-volledig.pdf"}
        )
        for name in pdf_names(jaar):
            assert f'href="../{name}"' in landing
    assert len(set(chain["pdf_2019"].values())) == 2  # two different documents


def test_a_build_without_pdf_keeps_the_unchanged_years_pdf(without_pdf):
    site = without_pdf["project"] / "site"
    assert _pdfs(site, 2019) == without_pdf["pdf_2019"]
    assert 'href="../jaarverslag-2019.pdf"' in _text(site / "2019" / "book" / "index.html")
    assert 'href="../jaarverslag-2019-volledig.pdf"' in _text(site / "2019" / "book" / "index.html")
    assert set(_pdfs(site, 2020)) == set(pdf_names(2020))  # kept with its year, not rebuilt


def test_a_draft_year_carries_the_concept_banner_on_every_page(drafted):
    project = drafted["project"]
    for page in _pages(project / "site" / "2020"):
        assert DRAFT_BANNER in _text(page), page
    entries = {e["version"]: e for e in _switcher(project)}
    assert entries["2020"]["name"] == "2020 (concept)"
    assert entries["2019"]["name"] == "2019 (nieuwste)"


def test_root_and_the_older_years_banners_stay_on_the_newest_final_year(drafted):
    project = drafted["project"]
    assert 'url=/2019/"' in _text(project / "site" / "index.html")
    assert [e["version"] for e in _switcher(project) if e.get("preferred")] == ["2019"]
    assert re.search(r"2019 .*opnieuw", drafted["drafted"].stdout), drafted["drafted"].stdout
    for page in _pages(project / "site" / "2019"):
        assert OLDER_BANNER not in _text(page), page  # 2019 is now the newest final year
    assert 'href="/2019/"' in _text(project / "site" / "2020" / "book" / "index.html")


def test_a_changed_book_without_pdf_says_the_pdf_is_not_yet_available(drafted):
    site = drafted["project"] / "site"
    assert _pdfs(site, 2020) == {}
    landing = _text(site / "2020" / "book" / "index.html")
    assert NO_PDF_YET in landing and "jaarverslag-2020" not in landing
    # 2019 became the newest final year: its Meerjarenoverzicht now shows the overview instead of pointing to
    # 2020, a printed change, so its PDFs go too (a build without PDF never keeps a stale one). A year whose
    # printed content is unchanged keeps its PDFs: test_a_build_without_pdf_keeps_the_unchanged_years_pdf.
    assert _pdfs(site, 2019) == {}
    assert NO_PDF_YET in _text(site / "2019" / "book" / "index.html")


def test_a_build_from_committed_files_shows_the_commit_and_no_werkversie(drafted):
    project = drafted["project"]
    head = _git(project, "rev-parse", "HEAD")
    for page in _pages(project / "site" / "2019"):
        text = _text(page)
        assert f'data-code="{head}"' in text, page
        assert "niet-vastgelegde" not in text and "Werkversie" not in text, page


def test_uncommitted_changes_mark_the_book_as_werkversie_in_a_banner_not_in_the_footer(drafted):
    import yaml

    from jaarverslag.build import provenance
    from jaarverslag.build.publish import SiteYears
    from jaarverslag.build.stage import stage

    project = drafted["project"]
    head = _git(project, "rev-parse", "HEAD")
    site = SiteYears.of_data(project, "/")
    assert provenance.code_version(project) == head
    _, clean_key = stage(project, 2019, site, head)
    (project / "notitie.txt").write_text("nog niet vastgelegd\n", encoding="utf-8")
    versie = provenance.code_version(project)
    assert versie != head and provenance.has_uncommitted(versie) and provenance.commit_of(versie) == head
    folder, dirty_key = stage(project, 2019, site, versie)
    theme = yaml.safe_load(_text(folder / "_config.yml"))["sphinx"]["config"]["html_theme_options"]
    assert "Werkversie" in theme["announcement"] and provenance.WORKTREE_CLASS in theme["announcement"]
    assert f"<code>{head}</code>" in theme["extra_footer"] and "niet-vastgelegde" not in theme["extra_footer"]
    assert dirty_key != clean_key  # a PDF made from committed files is not kept for a werkversie, nor the reverse
