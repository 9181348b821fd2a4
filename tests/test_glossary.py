"""The Begrippenlijst covers every abbreviation and domain term the chapter pages of every year use."""

from __future__ import annotations

import re

import pytest

from jaarverslag.data.load import load_table
from test_reader_text import CHAPTER_PAGES, page_text

# A word with two or more capitals (NZa, ROAZ, G+HOK, CoV) is an abbreviation the reader may not know.
ABBREVIATION = re.compile(r"\b[A-Z][A-Za-z0-9+]*\b")
MIN_CAPITALS = 2
# Names with two capitals that are not abbreviations (an author, a publisher in a source line).
NOT_ABBREVIATIONS = frozenset({"McCullagh", "BioMed"})
# Domain words a board member may not know: glossary term -> how the pages write it (any inflection).
DOMAIN_TERMS = {
    "fiatteren": r"\b(?:ge)?fiatte\w*",
    "code zwart": r"\bcode zwart\b",
    "consulteenheid": r"\bconsulteenhe\w*",
    "hidha": r"\bhidha\w*",
    "triagist": r"\btriagist\w*",
    "triage": r"\btriage\b",
    "binnenloper": r"\bbinnenloper\w*",
    "verrichting": r"\bverrichting\w*",
    "branchenorm": r"\bbranchenorm\w*",
    "spoedpost": r"\bspoedpost\w*",
    "coronapost": r"\bcoronapost\w*",
    "waarnemer": r"\bwaarnemer\w*",
    "huisartslid": r"\bhuisarts(?:lid|leden)\b",
    "kindcheck": r"\bkindcheck\w*",
    "niet pluis": r"\bniet pluis\b",
    "calamiteit": r"\bcalamiteit\w*",
    "visite": r"\bvisite\w*",
    "spoedlijn": r"\bspoedlijn\w*",
    "patiëntenlijn": r"\bpatiëntenlijn\w*",
    "beeldbellen": r"\bbeeldbel\w*",
    "dossierinzage": r"\bdossierinzage\b",
    "werkgebied": r"\bwerkgebied\w*",
    "procentpunt": r"\bprocentpunt\w*",
    "fte": r"\bfte'?s?\b",
    "overdispersie": r"\boverdispersie\b",
    "Poisson-model": r"\bpoisson\w*",
    "U1, U2": r"\bU[12]\b",
}


def glossary_terms(frame) -> set[str]:
    """Return what the glossary defines, lower case: each term and each abbreviation inside a term."""
    terms = set()
    for term in frame["afkorting"]:
        terms.add(term.lower())
        terms.update(t.lower() for t in ABBREVIATION.findall(term))
        terms.update(t.strip().lower() for t in re.split(r"[,/]", term))
    return terms


def undefined_abbreviations(text: str, terms: set[str]) -> set[str]:
    """Return the abbreviations in a text that the glossary does not define."""
    return {
        word
        for word in ABBREVIATION.findall(text)
        if sum(c.isupper() for c in word) >= MIN_CAPITALS
        and word.lower() not in terms
        and word not in NOT_ABBREVIATIONS
    }


def undefined_domain_terms(text: str, terms: set[str]) -> set[str]:
    """Return the domain terms a text uses that the glossary does not define."""
    return {
        term
        for term, pattern in DOMAIN_TERMS.items()
        if term.lower() not in terms and re.search(pattern, text, re.IGNORECASE)
    }


@pytest.fixture(scope="module")
def terms() -> set[str]:
    return glossary_terms(load_table("begrippen", None))


def test_the_check_names_an_undefined_abbreviation_and_term():
    terms = {"sht", "vim"}
    text = "SHT ontving 90 VIM-meldingen; de NZa-norm en code zwart, gefiatteerd door de huisarts."
    assert undefined_abbreviations(text, terms) == {"NZa"}
    assert undefined_domain_terms(text, terms) == {"code zwart", "fiatteren"}


def test_abbreviations_inside_a_term_and_variants_count_as_defined(terms):
    assert not undefined_abbreviations("NEN 7510, HAROP en HaROP/GHOR, SARS-CoV-2 (COVID-19), G+HOK, UTF-8", terms)


def test_every_row_names_its_source():
    frame = load_table("begrippen", None)
    missing = frame.loc[frame["verwijzing"].isna() | frame["verwijzing"].astype(str).str.strip().eq(""), "afkorting"]
    assert missing.empty, f"begrippen.csv: geen verwijzing bij {sorted(missing)}"
    assert not frame["verwijzing"].str.contains(r"seeds/|\.txt|\.md\b").any()  # sources in words, not file names


@pytest.mark.parametrize("pagina", CHAPTER_PAGES)
def test_the_glossary_defines_every_abbreviation_and_term_the_page_uses(built_project, pagina, terms):
    site = built_project / "site"
    years = sorted(p.name for p in site.iterdir() if p.is_dir() and p.name.isdigit())
    assert len(years) >= 3, years
    problems = []
    for jaar in years:
        text = page_text((site / jaar / "book" / f"{pagina}.html").read_text(encoding="utf-8"))
        for word in sorted(undefined_abbreviations(text, terms) | undefined_domain_terms(text, terms)):
            problems.append(f"{jaar}/{pagina}: {word}")
    assert not problems, "Niet in de begrippenlijst (data/referentie/begrippen.csv):\n" + "\n".join(problems)
