"""The landing page's headline figures: taken from each chapter's computation, linked to that chapter."""

from pathlib import Path

from jaarverslag.chapters import kerncijfers as kc
from jaarverslag.render import fmt

ROOT = Path(__file__).resolve().parents[1]


def _by_subject(jaar: int) -> dict[str, kc.Kerncijfer]:
    return {c.onderwerp.split(" (")[0]: c for c in kc.kerncijfers(jaar)}


def test_2021_headline_figures_match_the_printed_report():
    # Printed in the 2021 jaarverslag (seeds/000_4b7b462fe0c6bb31.txt): sections Verrichtingen,
    # Patiëntenpopulatie, Kwaliteit (klachten, calamiteiten), Medewerkers (ziekteverzuim), Huisartsen.
    cijfers = _by_subject(2021)
    assert cijfers["Verrichtingen SHT"].waarde == "100.036"
    assert cijfers["Verrichtingen Hengelo"].waarde == "46.040"
    assert cijfers["Verrichtingen Enschede"].waarde == "53.023"
    assert cijfers["Verrichtingen Coronapost"].waarde == "973"
    assert (cijfers["Inwoners werkgebied"].waarde, cijfers["Inwoners werkgebied"].vorig) == ("401.830", "400.695")
    assert (cijfers["Klachten"].waarde, cijfers["Klachten"].vorig) == ("52", "42")
    assert (cijfers["Calamiteiten"].waarde, cijfers["Calamiteiten"].vorig) == ("6", "7")
    assert cijfers["Ziekteverzuim"].waarde == "3,04%" and cijfers["Ziekteverzuim"].vorig == "3,19%"
    assert cijfers["Huisartsleden"].waarde == "180" and cijfers["Huisartsleden"].onzeker


def test_every_figure_links_to_an_existing_chapter_page():
    for jaar in (2019, 2020, 2021):
        for cijfer in kc.kerncijfers(jaar):
            assert (ROOT / "book" / f"{cijfer.hoofdstuk}.md").is_file(), cijfer


def test_a_year_with_little_data_says_what_is_missing_and_never_prints_nan():
    cijfers = kc.kerncijfers(2019)
    assert any(c.waarde == fmt.MISSING_TEXT for c in cijfers)
    for cijfer in cijfers:
        for text in (cijfer.waarde, cijfer.vorig, cijfer.verandering):
            assert text and "nan" not in text.lower() and "None" not in text


def test_table_html_escapes_and_has_caption_and_header_cells(tmp_path):
    block = kc.html(kc.kerncijfers(2021), 2021, map=tmp_path).data
    assert "<caption>" in block and '<th scope="col">' in block and '<th scope="row">' in block
    assert 'href="verrichtingen.html"' in block
    assert (tmp_path / "tabellen" / "kerncijfers.csv").is_file()


def test_sick_leave_change_is_signed_in_percentage_points():
    # 3,04% in 2021 against 3,19% in 2020: 0,15 percentage point lower, with the Dutch minus sign.
    assert _by_subject(2021)["Ziekteverzuim"].verandering == "−0,15 procentpunt"


def test_page_values_glue_the_summary_and_the_table(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the CSV table is written beside the notebook
    for jaar in (2019, 2021):
        values = kc.page_values(jaar, root=ROOT)
        assert set(values) == {"samenvatting", "tabel", "landelijk_zin", "landelijk_tabel"}
        assert values["samenvatting"] == kc.samenvatting(kc.kerncijfers(jaar, ROOT), jaar)
        assert f"<caption>Kerncijfers {jaar}" in values["tabel"].data
    assert "100.036 verrichtingen" in kc.page_values(2021, root=ROOT)["samenvatting"]
    assert (tmp_path / "tabellen" / "kerncijfers.csv").is_file()
