"""The Patiëntenpopulatie chapter's Dutch sentences, worded from the chapter's Inwoners and Hulpvragen.

`inw` and `h` are chapters.populatie's Inwoners and Hulpvragen; only their attributes are used
(render never imports a chapter).
"""

from __future__ import annotations

import pandas as pd

from jaarverslag.data.metrics import verandering_pct
from jaarverslag.render import fmt, suppression
from jaarverslag.render.model_text import total_note
from jaarverslag.render.text import join_list

PER_1000_DECIMALS = 0  # rates per 1,000 are shown in whole numbers (the report's own rates are too)


def group_label(groep: str) -> str:
    """Return an age group as the report writes it ('0-10' becomes '0-10 jaar')."""
    return f"{groep} jaar"


def inwoners_zin(inw) -> str:
    """Return the sentence on the number of inhabitants, or say it is not available."""
    if inw.aantal is None:
        return f"Een aantal inwoners van het werkgebied voor {inw.jaar} is niet beschikbaar."
    zin = f"Het werkgebied van SHT telde in {inw.jaar} volgens het jaarverslag {fmt.getal(inw.aantal)} inwoners"
    if inw.aantal_vorig_jaar is None:
        zin += f"; een aantal voor {inw.jaar - 1} is niet beschikbaar."
    else:
        zin += f", tegen {fmt.getal(inw.aantal_vorig_jaar)} in {inw.jaar - 1} ({fmt.verandering(inw.verandering_pct)})."
    if inw.onzeker:
        zin += " Dit aantal is onzeker overgenomen (zie het codeboek)."
    return zin


def largest_difference_sentence(frame: pd.DataFrame | None, jaar: int) -> str:
    """Return a sentence naming the gemeente where the report's denominator differs most from CBS."""
    if frame is None:
        return f"Voor {jaar} is die vergelijking niet te maken."
    known = frame[frame["inwoners_x1000"].notna() & frame["cbs_x1000"].notna()]
    if known.empty:
        return f"Een CBS-telling per gemeente op 1 januari {jaar} is niet beschikbaar, dus een vergelijking ontbreekt."
    verschil = known["cbs_x1000"].astype(float) - known["inwoners_x1000"].astype(float)
    top = known.loc[verschil.idxmax()]
    return (
        f"Het grootste verschil is er bij {top['gemeente']}: het verslag rekent met "
        f"{fmt.getal(top['inwoners_x1000'])} duizend inwoners, CBS telt er "
        f"{fmt.getal(top['cbs_x1000'], 1)} duizend."
    )


def total_sentence(h, root=None) -> str:
    """Return the sentence with the total number of help requests and last year's."""
    if not h.is_available:
        return f"Voor {h.jaar} zijn geen hulpvragen per leeftijdsgroep beschikbaar."
    nu, vorig = h.state(), h.state(vorig=True)
    zin = f"In {h.jaar} kwamen er bij SHT {suppression.words(nu, fmt.getal(h.totaal))} hulpvragen binnen"
    if h.totaal_vorig_jaar is not None and (nu or vorig):  # no change computed from a hidden total
        return zin + f", tegen {suppression.words(vorig, fmt.getal(h.totaal_vorig_jaar))} in {h.jaar - 1}."
    if h.totaal_vorig_jaar is not None:
        zin += (
            f", tegen {fmt.getal(h.totaal_vorig_jaar)} in {h.jaar - 1} "
            f"({fmt.verandering(verandering_pct(h.totaal, h.totaal_vorig_jaar))})"
        )
        note = total_note(h.jaar - 1, h.totaal_vorig_jaar, h.totaal, root)  # the book's one 2020 total, said once
        return f"{zin}. {note}" if note else zin + "."
    return zin + "."


def growth_sentence(h) -> str:
    """Return the sentence naming the age groups that grew and shrank most against last year."""
    if not h.is_available:
        return f"Voor {h.jaar} zijn geen hulpvragen per leeftijdsgroep beschikbaar, dus ook geen vergelijking."
    if not h.vorig_jaar_beschikbaar:
        return (
            f"Hulpvragen per leeftijdsgroep over {h.jaar - 1} zijn niet beschikbaar, "
            f"dus een vergelijking met het vorige jaar kan niet worden gemaakt."
        )
    known = h.shown[h.shown["index_pct"].notna()]  # groups with a hidden count are not compared
    vorig = h.jaar - 1
    zinnen = []
    up = known[known["index_pct"] > 100]
    if not up.empty:
        top = up.loc[up["index_pct"].astype(int).idxmax()]
        zinnen.append(
            f"Vergeleken met {vorig} groeide het aantal hulpvragen het sterkst bij "
            f"{group_label(top['leeftijdsgroep'])}: {fmt.getal(top['aantal'])} tegen "
            f"{fmt.getal(top['aantal_vorig_jaar'])} "
            f"({fmt.verandering(verandering_pct(top['aantal'], top['aantal_vorig_jaar']))})."
        )
    down = known[known["index_pct"] < 100]
    if not down.empty:
        low = down.loc[down["index_pct"].astype(int).idxmin()]
        zinnen.append(
            f"De grootste daling was er bij {group_label(low['leeftijdsgroep'])}: "
            f"{fmt.getal(low['aantal'])} tegen {fmt.getal(low['aantal_vorig_jaar'])} "
            f"({fmt.verandering(verandering_pct(low['aantal'], low['aantal_vorig_jaar']))})."
        )
        if len(down) > 1:
            zinnen.append(
                f"Minder hulpvragen dan in {vorig} kwamen er van "
                f"{join_list([group_label(g) for g in down['leeftijdsgroep']])}."
            )
    if not zinnen and h.shown["index_pct"].isna().sum() > h.frame["index_pct"].isna().sum():
        return f"Per leeftijdsgroep is de vergelijking met {vorig} afgeschermd: het gaat om kleine aantallen."
    return " ".join(zinnen) or (
        f"In geen enkele leeftijdsgroep veranderde het aantal hulpvragen ten opzichte van {vorig}."
    )


def per_1000_zin(h) -> str:
    """Return the sentence naming the age groups with the highest and lowest help requests per 1,000."""
    if not h.is_available:
        return f"Zonder hulpvragen per leeftijdsgroep zijn er voor {h.jaar} ook geen cijfers per 1.000 inwoners."
    if not h.bevolking_available:
        return (
            f"Voor {h.jaar} is geen CBS-bevolking naar leeftijd beschikbaar, dus hulpvragen per 1.000 inwoners "
            f"zijn niet te berekenen."
        )
    rates = h.shown.set_index("leeftijdsgroep")["per_1000"].dropna().astype(float)
    if rates.empty:
        return f"De hulpvragen per 1.000 inwoners per leeftijdsgroep zijn voor {h.jaar} afgeschermd (kleine aantallen)."

    hoog, laag = rates.idxmax(), rates.idxmin()
    zin = (
        f"Per 1.000 inwoners van de eigen leeftijdsgroep vroegen in {h.jaar} de inwoners van {group_label(hoog)} "
        f"het vaakst hulp ({fmt.getal(rates[hoog], PER_1000_DECIMALS)}) en die van {group_label(laag)} "
        "het minst vaak "
        f"({fmt.getal(rates[laag], PER_1000_DECIMALS)})."
    )
    if h.bevolking_previous_year_available:
        vorig = h.shown.set_index("leeftijdsgroep")["per_1000_vorig_jaar"].astype(float)
        change = (rates - vorig.reindex(rates.index)).dropna()
        if not change.empty:
            g = change.abs().idxmax()
            richting = "steeg" if change[g] > 0 else "daalde"
            zin += (
                f" Het cijfer {richting} het meest bij {group_label(g)}: van "
                f"{fmt.getal(vorig[g], PER_1000_DECIMALS)} in {h.jaar - 1} naar "
                f"{fmt.getal(rates[g], PER_1000_DECIMALS)} in {h.jaar}."
            )
    return zin


def bevolking_zin(h, inw) -> str:
    """Return the sentence saying which population the rates use and how it differs from the report's count."""
    if not h.is_available:
        return f"Voor {h.jaar} is geen bevolking als noemer gebruikt."
    if not h.bevolking_available:
        return f"Voor {h.jaar} is geen noemer gebruikt: een CBS-telling naar leeftijd op 1 januari {h.jaar} ontbreekt."
    zin = (
        f"De noemer is de bevolking van de acht gemeenten van het werkgebied volgens CBS op 1 januari {h.jaar} "
        f"({fmt.getal(h.frame['bevolking'].sum())} inwoners), per leeftijdsgroep opgeteld uit groepen van vijf jaar"
    )
    if h.bevolking_previous_year_available:
        zin += f"; voor {h.jaar - 1} is dat de telling op 1 januari {h.jaar - 1}"
    zin += "."
    if inw.aantal is not None:
        zin += (
            f" Het jaarverslag zelf noemt {fmt.getal(inw.aantal)} inwoners: iets minder, omdat SHT maar een deel "
            f"van Hof van Twente bedient terwijl CBS de hele gemeente telt. Ook rondt CBS de aantallen per "
            "postcode "
            f"af op vijftallen. Twee dingen werken tegen elkaar in: de noemer telt heel Hof van Twente mee (cijfers "
            "per 1.000 te laag), en in de teller tellen ook patiënten van buiten het werkgebied mee (te hoog). "
            "Welke kant het per saldo op gaat, is niet bekend."
        )
    return zin


def index_explanation(h) -> str:
    """Return the sentence explaining the percentage column, or an empty string when the table has none."""
    if not h.is_available or not h.vorig_jaar_beschikbaar:
        return ""
    return (
        f"De laatste kolom geeft het aantal van {h.jaar} als percentage van {h.jaar - 1}, afgerond op een heel "
        f"procent zoals in het jaarverslag: boven 100% is groei, eronder daling."
    )


def hulpvragen_zin(h, root=None) -> str:
    """Return the section's paragraph: total, growth per age group, how to read the table and its certainty."""
    if not h.is_available:
        return (
            f"Voor {h.jaar} zijn geen hulpvragen per leeftijdsgroep beschikbaar, dus ook geen "
            f"vergelijking met {h.jaar - 1}."
        )
    return " ".join(z for z in (total_sentence(h, root), growth_sentence(h), index_explanation(h), onzeker_zin(h)) if z)


def onzeker_zin(h) -> str:
    """Return a sentence on uncertain values in the help request tables (the reason comes from the data)."""
    if not h.is_available:
        return f"Er zijn voor {h.jaar} geen hulpvragen per leeftijdsgroep om te beoordelen."
    if not h.uncertain.any():
        return (
            "Alle aantallen hulpvragen per leeftijdsgroep staan eenduidig in het jaarverslag en zijn zeker overgenomen."
        )
    groepen = [group_label(g) for g in h.frame.loc[h.uncertain, "leeftijdsgroep"]]
    return f"De aantallen van {join_list(groepen)} zijn onzeker (†); de reden staat in het codeboek."
