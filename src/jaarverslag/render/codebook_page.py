"""The data dictionary appendix: the codebook rendered as a book page."""

from __future__ import annotations

import re
from pathlib import Path

from jaarverslag.data import status
from jaarverslag.data.codebook import codebook
from jaarverslag.data.registrations.records import ALTERNATIVES, RECORD_FORMAT
from jaarverslag.render import fmt
from jaarverslag.render.tables import escape

INTRO = """\
# Codeboek (gegevenswoordenboek)

Dit codeboek beschrijft elke tabel in `data/`: wat één rij is, wat elke kolom betekent, welk
type en welke eenheid die heeft, welke waarden zijn toegestaan en waar de cijfers vandaan komen.
Het is ook de handleiding voor wie een nieuw jaar invult: `make validate` controleert elk bestand
tegen precies deze beschrijving.

De controle gebruikt [pandera](https://pandera.readthedocs.io) als schemabibliotheek: het schema
van elke tabel wordt uit dit codeboek opgebouwd (type, toegestane waarden, grenzen, unieke
sleutel, verplichte cellen), pandera verzamelt alle overtredingen in één keer, en die worden
vertaald naar Nederlandse meldingen met bestand, regel, kolom en waarde. Pandera werkt rechtstreeks
op de pandas-tabellen die de notebooks ook gebruiken, zodat er één definitie is voor laden en
controleren.

Schrijfwijze in de CSV-bestanden: UTF-8, komma als scheidingsteken, getallen zonder
duizendtalscheiding en met een punt als decimaalteken (`10862`, `3.19`). Een getal als `10.862`
of `3,19` wordt geweigerd met een melding hoe het wel moet, zodat er nooit stilzwijgend een
verkeerd getal wordt gelezen.

Elk getal heeft grenzen waar het domein die geeft: percentages liggen tussen 0 en 100, aantallen
zijn nooit negatief en hebben een ruime bovengrens per jaar (bijvoorbeeld: geen gemeente heeft een
miljoen inwoners). Bij elke kolom met grenzen staat waarom ze daar liggen; een waarde erbuiten wordt
geweigerd met bestand, regel, kolom, waarde en grens. Een lege waarde mag alleen met status
`ontbreekt`: leeg met status `zeker` of `onzeker` wordt geweigerd.

Bij elke tabel staat de SHA-256 van elk brondocument dat de bron noemt (het pad in de map met
brondocumenten naast het project, `seeds/` en `reference/`). Wie het document heeft, kan zo nagaan
dat een cijfer uit precies dat document komt: `sha256sum seeds/000_4b7b462fe0c6bb31.txt` moet
dezelfde waarde geven.
"""

DOCUMENTS_LABEL = "SHA-256 van de brondocumenten"
TYPE_NAMES = {
    "geheel": "geheel getal",
    "decimaal": "getal",
    "tekst": "tekst",
    "datum": "datum (JJJJ-MM-DD)",
    "tijdstip": "datum en tijd (JJJJ-MM-DD UU:MM:SS)",
    "categorie": "categorie",
}


def _limit(value: float) -> str:
    """Return a limit the Dutch way, with as many decimals as the codebook gives (500.000; 50,7)."""
    return fmt.getal(value, len(f"{value:g}".partition(".")[2]))


def _allowed(kolom, value_column: bool) -> str:
    parts = []
    if kolom.waarden is not None:
        parts.append(", ".join(escape(w) for w in kolom.waarden))
    if kolom.min is not None:
        parts.append(f"≥ {_limit(kolom.min)}")
    if kolom.max is not None:
        parts.append(f"≤ {_limit(kolom.max)}")
    if not kolom.verplicht:
        parts.append(f"mag leeg met status {status.MISSING}" if value_column else "mag leeg")
    return "; ".join(parts) or "–"


def _meaning(kolom) -> str:
    reason = f" *Grenzen:* {escape(kolom.limit_reason)}" if kolom.limit_reason else ""
    return escape(kolom.beschrijving) + reason


def pagina(root: Path | None = None) -> str:
    """Return the data dictionary as a MyST page."""
    out = [INTRO]
    for spec in sorted(codebook(root).values(), key=lambda s: (not s.per_jaar, s.naam)):
        where = f"data/<jaar>/{spec.bestand}" if spec.per_jaar else f"data/referentie/{spec.bestand}"
        if spec.formaat == RECORD_FORMAT:  # a record file: Parquet or CSV, and the book tables derived from it
            where = f"{where}.parquet` of `{where}.csv"
        out.append(f"## {escape(spec.titel)}\n")
        out.append(f"- **Bestand:** `{where}`")
        if spec.extra.get("voedt"):
            out.append(f"- **Voedt de tabellen:** {', '.join(escape(str(t)) for t in spec.extra['voedt'])}")
        for group in spec.extra.get(ALTERNATIVES) or ():
            out.append(f"- **Precies één van de kolommen:** {' of '.join(escape(str(c)) for c in group)}")
        out.append(f"- **Eén rij is:** {escape(spec.rij)}")
        if spec.sleutel:
            out.append(f"- **Unieke sleutel:** {', '.join(escape(s) for s in spec.sleutel)}")
        out.append(f"- **Bron:** {escape(spec.bron)}")
        if spec.bron_sha256:
            out.append(
                f"- **{DOCUMENTS_LABEL}:** "
                + "; ".join(f"`{document}`: `{digest}`" for document, digest in spec.bron_sha256)
            )
        if spec.licentie:
            out.append(f"- **Licentie:** {escape(spec.licentie)}")
        if spec.vastgelegd:
            out.append(f"- **Vastgelegd op:** {escape(spec.vastgelegd)}")
        if spec.notities:
            out.append(f"- **Notities bij het overnemen:** {escape(spec.notities)}")
        out.append("")
        out.append(f"```{{table}} Kolommen van {escape(spec.naam)}\n:name: codeboek-{spec.naam}\n")
        out.append("| Kolom | Type | Eenheid | Toegestaan | Betekenis |")
        out.append("| :--- | :--- | :--- | :--- | :--- |")
        values = {k.naam for k in spec.value_columns}
        for k in spec.kolommen:
            out.append(
                f"| {escape(k.naam)} | {TYPE_NAMES[k.type]} | {escape(k.eenheid or '–')} | "
                f"{_allowed(k, k.naam in values)} | {_meaning(k)} |"
            )
        out.append("```\n")
    return "\n".join(out)


GLOSSARY_INTRO = """\
# Begrippenlijst

Afkortingen en begrippen die in dit jaarverslag voorkomen, met hun betekenis in eigen woorden.
In de hoofdstukken verwijst een afkorting met een link naar haar uitleg hier. Achter elk begrip
staat waar de betekenis vandaan komt: het jaarverslag zelf of een andere openbare bron.

"""
_MYST_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>&:~^$%=])")


def myst_escape(text) -> str:
    """Escape data text for MyST so that it shows literally: no markup, no HTML, no roles."""
    return _MYST_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def glossary_page(root: Path | None = None) -> str:
    """Return the glossary page (a Jupyter Book glossary) from data/referentie/begrippen.csv."""
    from jaarverslag.data.load import is_available, load_table

    if not is_available("begrippen", None, root):
        return GLOSSARY_INTRO + "*De begrippenlijst (data/referentie/begrippen.csv) is niet beschikbaar.*\n"
    terms = load_table("begrippen", None, root).sort_values("afkorting", key=lambda s: s.str.lower())
    lines = [GLOSSARY_INTRO, "```{glossary}"]
    for row in terms.itertuples(index=False):
        lines.append(row.afkorting)  # a term line is a label, not markup; the codebook keeps it plain text
        explanation = (
            f"{myst_escape(row.betekenis)}"
            + (f". {myst_escape(row.uitleg)}" if isinstance(row.uitleg, str) else "")
            + (f" \\(Bron: {myst_escape(row.verwijzing)}\\)" if isinstance(row.verwijzing, str) else "")
        )
        lines.append(f"  {explanation}")
        lines.append("")
    lines.append("```")
    return "\n".join(lines) + "\n"
