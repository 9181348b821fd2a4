"""The glue contract between notebooks and pages, checked without Sphinx.

Every `{glue}`/`{glue:text}` key a page in book/ uses must be among the values the notebook's
chapter function(s) return, for every report year (with and without data; as the session build's
executed notebooks glued them) and for an empty template year; the notebooks glue those values in
one loop (render.page.glue_all) and nothing else.
"""

import ast
import importlib
import re
from pathlib import Path

import jupytext
import pytest

from jaarverslag.build.errata import glued_values
from jaarverslag.data.new_year import make_year

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.md"))
ROLE = re.compile(r"\{glue(?::\w+)?\}`\.\./notebooks/(?P<nb>[\w-]+)\.ipynb::(?P<key>[\w-]+)")
DIRECTIVE = re.compile(r"```\{glue(?::\w+)?\}\s+(?P<key>[\w-]+)\s*\n:doc:\s*\.\./notebooks/(?P<nb>[\w-]+)\.ipynb")
CHAPTER_IMPORT = re.compile(r"^from jaarverslag\.chapters import (.+)$", re.MULTILINE)
TEMPLATE_YEAR = 2030


def _page_keys() -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for page in sorted((ROOT / "book").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for match in [*ROLE.finditer(text), *DIRECTIVE.finditer(text)]:
            keys.setdefault(match["nb"], set()).add(match["key"])
    return keys


def _code(notebook: Path) -> list[tuple[list[str], str]]:
    return [(c.metadata.get("tags", []), c.source) for c in jupytext.read(notebook).cells if c.cell_type == "code"]


def _defaults(notebook: Path) -> dict[str, object]:
    """The parameters cell's values; `upstream` (a list of notebooks) becomes those notebooks' defaults."""
    cell = next(src for tags, src in _code(notebook) if "parameters" in tags)
    values = {}
    for node in ast.parse(cell).body:
        target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
        values[target.id] = ast.literal_eval(node.value)
    if isinstance(values.get("upstream"), list):
        values["upstream"] = {
            name: {k: v for k, v in _defaults(ROOT / "notebooks" / f"{name}.md").items() if k != "jaar"}
            for name in values["upstream"]
        }
    return values


def _chapters(notebook: Path) -> list:
    code = "\n".join(src for _, src in _code(notebook))
    names = [n.strip().split(" as ")[0] for line in CHAPTER_IMPORT.findall(code) for n in line.split(",")]
    return [importlib.import_module(f"jaarverslag.chapters.{n}") for n in names]


@pytest.fixture(scope="module")
def template_project(tmp_path_factory) -> Path:
    """A copy of data/, book/ and the configs with an extra, empty template year (make nieuw-jaar)."""
    from conftest import copy_project

    project = copy_project(tmp_path_factory.mktemp("glue") / "project")
    make_year(TEMPLATE_YEAR, project)
    return project


def test_every_page_key_names_an_existing_notebook():
    assert set(_page_keys()) <= {nb.stem for nb in NOTEBOOKS}


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_notebook_glues_only_through_its_chapter_functions(notebook):
    code = "\n".join(src for _, src in _code(notebook))
    assert _chapters(notebook), f"{notebook.name} imports no chapter module"
    assert "glue_all(" in code
    assert "glue(" not in code.replace("glue_all(", ""), f"{notebook.name} glues outside glue_all"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_key_a_page_uses_is_returned_for_every_year(
    notebook, built_project, template_project, tmp_path, monkeypatch
):
    """The report years as the session build's notebooks glued them; the template year computed here."""
    monkeypatch.chdir(tmp_path)  # figures and CSV tables are written beside the (here: imaginary) notebook
    wanted = _page_keys().get(notebook.stem, set())
    years = sorted(int(p.name) for p in (built_project / "_build" / "nb").iterdir() if p.name.isdigit())
    assert years == [2019, 2020, 2021]
    found = {
        jaar: set(glued_values(built_project / "_build" / "nb" / str(jaar) / notebook.stem / f"{notebook.stem}.ipynb"))
        for jaar in years
    }
    parameters = {k: v for k, v in _defaults(notebook).items() if k != "jaar"}
    found[TEMPLATE_YEAR] = set()
    for chapter in _chapters(notebook):
        found[TEMPLATE_YEAR] |= set(chapter.page_values(TEMPLATE_YEAR, root=template_project, **parameters))
    for jaar, keys in found.items():
        missing = wanted - keys
        assert not missing, f"{notebook.stem} {jaar}: the pages use keys the chapter does not return: {sorted(missing)}"
