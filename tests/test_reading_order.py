"""Reading order on the session build: the board reads chapter to chapter; the calculation pages form part
Verantwoording, reachable from each chapter by a link but never its "Volgende"."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from jaarverslag.build.pdf import APPENDIX_PART, toc_parts

from conftest import ROOT

CALCULATION = "notebooks/"


def _next_page(page: Path) -> str | None:
    match = re.search(r'<a class="right-next"\s+href="([^"]+)"', page.read_text(encoding="utf-8"))
    return match.group(1) if match else None


def test_calculation_pages_are_only_in_part_verantwoording():
    parts = dict(toc_parts(ROOT / "_toc.yml"))
    assert list(parts)[-1] == APPENDIX_PART
    for caption, names in parts.items():
        calculations = [n for n in names if n.startswith(CALCULATION)]
        assert not calculations or caption == APPENDIX_PART, (caption, calculations)
    notebooks = {f"{CALCULATION}{p.stem}" for p in (ROOT / "notebooks").glob("*.md")}
    assert notebooks == {n for n in parts[APPENDIX_PART] if n.startswith(CALCULATION)}


def test_volgende_leads_from_chapter_to_chapter_and_each_chapter_links_its_calculation(built_project):
    book = built_project / "site" / "2021" / "book"
    toc = yaml.safe_load((built_project / "_toc.yml").read_text(encoding="utf-8"))
    chapters = [toc["root"], *(c["file"] for c in toc["parts"][0]["chapters"])]
    for current, following in zip(chapters, chapters[1:]):
        page = built_project / "site" / "2021" / f"{current}.html"
        assert _next_page(page) == f"{Path(following).name}.html", current
    # the last chapter leads on to the verantwoording, whose first page is not a calculation page
    assert not _next_page(built_project / "site" / "2021" / f"{chapters[-1]}.html").startswith("../notebooks/")
    for current in chapters:
        text = (built_project / "site" / "2021" / f"{current}.html").read_text(encoding="utf-8")
        source = ROOT / f"{current}.md"  # generated pages (the glossary) have no source in book/
        markdown = source.read_text(encoding="utf-8") if source.is_file() else ""
        glued = set(re.findall(r"\.\./notebooks/([\w-]+)\.ipynb", markdown))
        for notebook in glued:
            assert f'href="../notebooks/{notebook}.html"' in text, (current, notebook)
            assert (book.parent / "notebooks" / f"{notebook}.html").is_file()
