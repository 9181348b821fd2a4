"""The year's own texts: only a safe subset of Markdown reaches the book; nothing outside the project is read."""

import shutil

import pytest

from jaarverslag.build import stage
from jaarverslag.build.errors import BuildError
from jaarverslag.data import narrative
from jaarverslag.data.report import valideer

from conftest import run_build

PAGES = frozenset({"index", "verrichtingen"})
SECRET = "GEHEIM-BUITEN-HET-PROJECT"

HOSTILE = {
    "include": "```{include} ../../../../geheim.txt\n```\n",
    "literalinclude": "```{literalinclude} /etc/passwd\n```\n",
    "colon include": ":::{include} /etc/passwd\n:::\n",
    "eval-rst": "```{eval-rst}\n.. include:: /etc/passwd\n```\n",
    "raw directive": "```{raw} html\n<script>alert(1)</script>\n```\n",
    "raw role": "Tekst {raw}`html <b>vet</b>` tekst.\n",
    "other role": "Zie {download}`/etc/passwd`.\n",
    "script": "<script>alert(1)</script>\n",
    "inline html": "Tekst <img src=x onerror=alert(1)> tekst.\n",
    "image": "![plaatje](/etc/passwd)\n",
    "relative link out": "[lees](../../../../geheim.txt)\n",
    "substitution": "Waarde {{ 7 * 7 }}.\n",
    "math": "Formule $x^2$.\n",
    "table": "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "code block": "```\ncode\n```\n",
    "top-level heading": "# Nieuwe titel\n",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_hostile_constructs_are_refused_with_their_line(kind):
    text = "Een gewone eerste regel.\n\n" + HOSTILE[kind]
    found = narrative.problems(text, PAGES)
    assert found, kind
    assert all(p.regel == 3 for p in found), found
    assert all("niet" in p.fout for p in found)


def test_the_safe_subset_passes():
    text = (
        "Een alinea met *nadruk*, **vet**, `code` en een {term}`ROAZ`.\n\n"
        "### Tussenkop\n\n#### Kleiner\n\n- punt een\n- punt [twee](https://www.sht.nl/)\n\n"
        "1. genummerd, zie [verrichtingen](verrichtingen.md)[^1]\n\n"
        "<!-- commentaar dat niet in het boek komt -->\n\n[^1]: Een voetnoot.\n"
    )
    assert narrative.problems(text, PAGES) == []


def test_front_matter_is_refused():
    assert narrative.problems("---\ntitle: x\n---\nTekst.\n", PAGES) == [
        narrative.TextProblem(1, "front matter (---) is niet toegestaan")
    ]


def test_a_link_to_an_unknown_page_or_scheme_is_refused_or_stays_text():
    for target in ("onbekend.md", "/etc/passwd", "mailto:a@b.nl", "../x.md"):
        assert narrative.problems(f"[x]({target})\n", PAGES), target
    for target in ("file:///etc/passwd", "javascript:alert(1)"):  # the parser makes no link of these at all
        text = f"[x]({target})\n"
        assert narrative.problems(text, PAGES) == [] and "href" not in narrative._parser().render(text), target


def test_validation_names_file_and_line(project):
    path = narrative.folder(project, 2021) / "voorwoord.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n" + HOSTILE["include"], encoding="utf-8")
    line = path.read_text(encoding="utf-8").count("\n") - 1
    rapport = valideer([2021], project)
    texts = [p.tekst() for p in rapport.problemen]
    assert any(t.startswith(f"data/2021/tekst/voorwoord.md, regel {line}: de directive {{include}}") for t in texts), (
        texts
    )


def test_a_symbolic_link_to_an_outside_file_is_refused(project, tmp_path):
    secret = tmp_path / "geheim.md"
    secret.write_text(SECRET, encoding="utf-8")
    path = narrative.folder(project, 2021) / "voorwoord.md"
    path.unlink()
    path.symlink_to(secret)
    assert any("symbolische link" in p.fout for p in valideer([2021], project).problemen)
    with pytest.raises(BuildError, match="voorwoord.md"):
        stage._narrative(project, 2021, tmp_path / "stage")


def test_staging_checks_again_even_when_validation_was_skipped(project, tmp_path):
    (narrative.folder(project, 2021) / "hoogtepunten.md").write_text(HOSTILE["script"], encoding="utf-8")
    with pytest.raises(BuildError, match="hoogtepunten.md: regel 1: HTML is niet toegestaan"):
        stage._narrative(project, 2021, tmp_path / "stage")


def test_a_hostile_text_stops_the_build_and_no_outside_content_is_published(project):
    (project.parent / "geheim.txt").write_text(SECRET, encoding="utf-8")
    site = project / "site" / "2021"
    site.mkdir(parents=True)
    (site / "index.html").write_text("oude site", encoding="utf-8")
    texts = narrative.folder(project, 2021)
    (texts / "voorwoord.md").write_text("Voorwoord.\n\n" + HOSTILE["include"], encoding="utf-8")
    (texts / "samenwerking.md").write_text("[lees](../../../../geheim.txt)\n", encoding="utf-8")
    result = run_build(project, "--jaar", "2021")
    assert result.returncode == 1
    assert "data/2021/tekst/voorwoord.md (1 probleem):\n  - regel 3: de directive {include} is niet toegestaan" in (
        result.stderr
    )
    assert "data/2021/tekst/samenwerking.md (1 probleem):\n  - regel 1: de link naar" in result.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "oude site"
    for folder in (project / "site", project / "_build"):
        for path in folder.rglob("*"):
            assert not path.is_file() or SECRET.encode() not in path.read_bytes(), path
    shutil.rmtree(project.parent / "geheim.txt", ignore_errors=True)
