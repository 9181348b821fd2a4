"""Dutch sentences of the age-standardised use per gemeente (Zorgconsumptie page)."""

from __future__ import annotations

import math

from jaarverslag.data.landelijk import Referentie
from jaarverslag.models.standardisation import Spread, Standardisation
from jaarverslag.render import fmt, suppression
from jaarverslag.render import landelijk_text as lt
from jaarverslag.render.text import join_list

SMR_DECIMALS = 2
RATE_DECIMALS = 0  # help requests per 1,000, whole numbers as on the population page
PHI_DECIMALS = 1


def smr(v: float) -> str:
    """Format an SMR: '1,07'."""
    return fmt.getal(v, SMR_DECIMALS)


def rate(v: float) -> str:
    """Format a rate per 1,000: '247'."""
    return fmt.getal(v, RATE_DECIMALS)


def _interval(lo: float, hi: float) -> str:
    return f"{smr(lo)}–{smr(hi)}"


def resultaat_zin(s: Standardisation) -> str:
    """Return the sentences on the highest and lowest SMR and how many gemeenten lie clearly above or below 1."""
    t = s.per_gemeente.sort_values("smr", ascending=False)
    hi, lo = t.iloc[0], t.iloc[-1]
    level = fmt.getal(s.betrouwbaarheid)
    above = list(t.loc[t["smr_ondergrens"] > 1, "gemeente"])
    below = list(t.loc[t["smr_bovengrens"] < 1, "gemeente"])

    def pct(v: float) -> str:
        diff = fmt.round_half_up((v - 1) * 100, 0)
        return f"{fmt.getal(abs(diff))}% {'meer' if diff >= 0 else 'minder'}"

    text = (
        f"Rekening houdend met de leeftijdsopbouw deden de inwoners van {hi.gemeente} het meest een beroep op de "
        f"spoedposten: {fmt.getal(hi.waargenomen)} hulpvragen tegen {fmt.getal(hi.verwacht)} verwacht, een SMR van "
        f"{smr(hi.smr)} ({level}%-interval {_interval(hi.smr_ondergrens, hi.smr_bovengrens)}; {pct(hi.smr)} dan "
        f"verwacht). Het minst deden dat die van {lo.gemeente}: SMR {smr(lo.smr)} "
        f"({_interval(lo.smr_ondergrens, lo.smr_bovengrens)}; {pct(lo.smr)})."
    )
    parts = []
    if above:
        parts.append(f"duidelijk boven de regio liggen {join_list(above)}")
    if below:
        parts.append(f"duidelijk eronder {join_list(below)}")
    if parts:
        text += " Met een interval dat 1 niet bevat, " + "; ".join(parts) + "."
    return text


def leeftijd_zin(sp: Spread, zonder: tuple[str, ...]) -> str:
    """Return the sentence on how much of the spread between gemeenten age explains."""
    without = f" (zonder {join_list(list(zonder))})" if zonder else ""
    text = (
        f"Ruw lagen de gemeenten{without} tussen {rate(sp.ruw_min)} en {rate(sp.ruw_max)} hulpvragen per 1.000 "
        f"inwoners, na standaardisatie voor leeftijd tussen {rate(sp.gestandaardiseerd_min)} en "
        f"{rate(sp.gestandaardiseerd_max)}."
    )
    share = sp.verklaard
    if math.isnan(share):
        return text
    shown = fmt.round_half_up(abs(share) * 100, 0)
    if share > 0:
        text += (
            f" De variantie tussen de gemeenten is na standaardisatie {fmt.getal(shown)}% kleiner: zoveel van de "
            "verschillen in het ruwe gebruik komt door een verschillende leeftijdsopbouw, de rest niet."
        )
    else:
        text += (
            f" De variantie tussen de gemeenten is na standaardisatie {fmt.getal(shown)}% groter: de leeftijdsopbouw "
            "verklaart de verschillen niet, ze maskeert ze eerder."
        )
    return text


def onzekerheid_zin(s: Standardisation) -> str:
    """Return what the intervals cover and what the dispersion between gemeenten says."""
    level = fmt.getal(s.betrouwbaarheid)
    text = (
        f"Het {level}%-interval is het exacte Poisson-interval van het waargenomen aantal, gedeeld door het "
        "verwachte aantal. Het dekt alleen de toevalsvariatie van het aantal hulpvragen bij de gegeven bevolking; "
        "niet de onzekerheid in de bevolkingscijfers (CBS rondt af op vijftallen), in de woongemeente van de "
        "patiënt of in het verschil tussen jaren."
    )
    if not math.isnan(s.dispersie):
        text += (
            f" De gemeenten liggen samen {fmt.getal(s.dispersie, PHI_DECIMALS)} keer zo ver uit elkaar als "
            f"toeval alleen zou geven (Pearson-dispersie φ over {s.vrijheidsgraden} vrijheidsgraden)"
        )
        text += (
            ": de verschillen tussen de gemeenten zijn dus echt en niet alleen toeval. φ beschrijft die verschillen "
            "zelf en wordt daarom niet op het interval van een gemeente toegepast."
            if s.dispersie > 2
            else "."
        )
    return text


def kanttekeningen_zin(
    s: Standardisation, onbekend: int, bevolking_jaar: int, deels: str, onbekend_verborgen: str | None = None
) -> str:
    """Return the caveats: age only (no sex), the unknown gemeente, the partly served gemeente, the CBS year.

    onbekend_verborgen: how the count without gemeente is hidden (render.suppression), or None when shown.
    """
    unknown_share = onbekend / (onbekend + s.per_gemeente["waargenomen"].sum()) * 100
    unknown = (
        f"{fmt.getal(onbekend)} hulpvragen ({fmt.percent(unknown_share, 1)})"
        if onbekend_verborgen is None
        else f"{suppression.words(onbekend_verborgen, '')} hulpvragen"
    )
    return (
        "De standaardisatie corrigeert alleen voor leeftijd, niet voor geslacht: de CBS-bevolking die het boek "
        "zonder internet heeft, is niet naar geslacht uitgesplitst. De verwachte aantallen gebruiken de "
        f"CBS-bevolking op 1 januari {bevolking_jaar}, per gemeente in de leeftijdsgroepen van het verslag. "
        f"{unknown[0].upper()}{unknown[1:]} hebben geen bekende woongemeente: "
        "ze tellen mee in de leeftijdscijfers van de regio maar bij geen enkele gemeente, zodat de SMR's samen "
        f"iets onder 1 uitkomen. {deels} telt met de hele CBS-bevolking mee, terwijl SHT maar een deel van die "
        "gemeente bedient; haar cijfers zijn daardoor te laag en ze telt niet mee in de spreiding hierboven."
    )


def niet_beschikbaar_zin(jaar: int) -> str:
    """Return the sentence shown when the year cannot be standardised."""
    return (
        f"Voor {jaar} kan het gebruik per gemeente niet voor leeftijd worden gestandaardiseerd: daarvoor zijn de "
        "hulpvragen per gemeente en per leeftijdsgroep van hetzelfde jaar nodig."
    )


def regio_zin(s: Standardisation, ref: Referentie | None) -> str:
    """Return the region's crude rate (the standard) beside the national contacts per 1,000, with the note."""
    text = (
        f"De regio als geheel, de maat waartegen elke gemeente hier wordt afgezet, telde {rate(s.regio_per_1000)} "
        "hulpvragen per 1.000 inwoners"
    )
    if ref is None:
        return text + "."
    return (
        f"{text}; landelijk waren het {lt.waarde(ref).replace(' per', ' contacten per', 1)} in {ref.jaar} "
        f"({lt.bron(ref)}). {lt.later_zin(ref)}{ref.verhouding_sht}"
    )
