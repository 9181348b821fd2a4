"""Dutch sentences of the two model chapters: p-values, rate ratios, the family and test sentences, readings."""

from __future__ import annotations

import math

import pandas as pd

from jaarverslag.models.glm import Dispersion, InteractionTest
from jaarverslag.models.leeftijd import AgeModel
from jaarverslag.models.zorgconsumptie import DISTANCE_UNIT_KM, ConsumptionModel, Funnel
from jaarverslag.render import fmt
from jaarverslag.render.text import join_list

# The literature value the distance sentence compares with; the page cites the study in full
# (book/trendmodellen.md, "Afstand tot de spoedpost"). It stays in this sentence because it is read
# against the fitted halving distance, which only the model knows.
RAKNES_HALF_DISTANCE_KM = 43
INSIDE_LIMITS = "binnen de grenzen"  # the funnel verdict of a gemeente within every limit
FAMILY_NAMES = {
    "poisson": "Poisson",
    "quasipoisson": "quasi-Poisson",
    "negbin": "negatief-binomiaal",
    "auto": "automatisch (volgens de spreidingscontrole)",
}


def p_text(p: float) -> str:
    """Format a p-value the Dutch way: 'p < 0,001' or 'p = 0,04'."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "p niet te berekenen"
    return "p < 0,001" if p < 0.001 else f"p = {fmt.getal(p, 3)}"


def rr_text(verhouding: float, onder: float, boven: float, pct: int) -> str:
    """Format a rate ratio with its interval: '1,22 (95%-interval 1,19 tot 1,25)'."""
    return f"{fmt.getal(verhouding, 2)} ({pct}%-interval {fmt.getal(onder, 2)} tot {fmt.getal(boven, 2)})"


def change_text(verhouding: float) -> str:
    """Format a rate ratio as a percentage change: '+22,1%'."""
    return fmt.verandering((verhouding - 1) * 100, 1)


def familie_zin(familie_gevraagd: str, familie: str, dispersie: Dispersion, model: str) -> str:
    """Say which family was used and why."""
    if not dispersie.estimable:
        return (
            f"Het {model} heeft geen vrije vrijheidsgraden, dus de spreiding is niet te schatten; "
            f"het rekent met de {FAMILY_NAMES[familie]}-aanname."
        )
    check = (
        f"De spreidingscontrole geeft φ = {fmt.getal(dispersie.phi, 1)} (Pearson-χ² gedeeld door "
        f"{dispersie.df} vrijheidsgraden; bij zuiver Poisson-toeval is φ ongeveer 1, de drempel is "
        f"{fmt.getal(dispersie.drempel, 1)})."
    )
    if familie_gevraagd == "auto":
        keuze = (
            "Er is dus overdispersie en het model rekent quasi-Poisson: alle intervallen worden "
            f"√φ = {fmt.getal(math.sqrt(dispersie.phi), 1)} keer zo breed als bij Poisson."
            if familie == "quasipoisson"
            else "Er is geen overdispersie van betekenis; het model rekent Poisson."
        )
    else:
        keuze = f"De modelfamilie is vast gekozen: {FAMILY_NAMES[familie]}."
    return f"{check} {keuze}"


def toets_zin(toets: InteractionTest | None, betrouwbaarheid: float, wat: str, groepen: str) -> str:
    """Say in plain Dutch whether the change differs between groups, with the test's caveats."""
    if toets is None:
        return f"Met één jaar is niet te toetsen of {wat} verschilt tussen {groepen}."
    pct = fmt.percent(betrouwbaarheid * 100, 0)
    base = (
        f"Toets of {wat} verschilt tussen {groepen} (likelihood-ratio-toets van de interactie, "
        f"Poisson): χ² = {fmt.getal(toets.statistiek, 1)} bij {toets.df} vrijheidsgraden, "
        f"{p_text(toets.p_waarde)}. "
    )
    if toets.significant(betrouwbaarheid):
        base += (
            f"Bij zuiver toeval zou zo'n verschil vrijwel nooit voorkomen; die conclusie blijft staan zolang de "
            f"werkelijke spreiding minder dan {fmt.getal(toets.phi_kritiek, 1)} keer de Poisson-spreiding is "
            f"(kritieke φ bij {pct} betrouwbaarheid). "
        )
    else:
        base += "Het verschil is met deze gegevens niet van toeval te onderscheiden. "
    if toets.familie != "poisson" and not toets.identificeerbaar:
        base += (
            "In het gekozen model met overdispersie is de toets niet uit te voeren: met één getal per groep en "
            "jaar wordt de spreiding geschat uit precies de verschillen die getoetst worden. Of het verschil "
            "blijvend is of een schommeling van één jaar, kan pas met meer jaren worden vastgesteld."
        )
    elif toets.familie != "poisson" and toets.p_familie is not None:
        naam = "F" if toets.familie == "quasipoisson" else "χ²"
        base += (
            f"Met de spreiding meegerekend ({FAMILY_NAMES[toets.familie]}): {naam} = "
            f"{fmt.getal(toets.statistiek_familie, 2)}, {p_text(toets.p_familie)}."
        )
    return base.strip()


def age_interpretation(model: AgeModel) -> str:
    """Return the plain-Dutch reading of the age model for the board."""
    t = model.per_groep.sort_values("verhouding")
    up, down = t.iloc[-1], t.iloc[0]
    maat = "per inwoner" if model.met_bevolking else "in aantallen"
    common = model.gemeenschappelijk
    pct = int(round(model.betrouwbaarheid * 100))
    zeker = [r.leeftijdsgroep for r in t.itertuples() if r.ondergrens > 1]
    lager = [r.leeftijdsgroep for r in t.itertuples() if r.bovengrens < 1]
    text = (
        f"Gemeten {maat} nam het aantal hulpvragen van {model.referentiejaar} op {model.jaar} het meest toe bij "
        f"{up.leeftijdsgroep} jaar ({change_text(up.verhouding)}) en nam het het meest af bij "
        f"{down.leeftijdsgroep} jaar ({change_text(down.verhouding)}). Over alle leeftijden samen, "
        f"gecorrigeerd voor de leeftijdsopbouw, was de verandering {change_text(common['verhouding'])} "
        f"(verhouding {rr_text(common['verhouding'], common['ondergrens'], common['bovengrens'], pct)}). "
    )
    if model.familie == "poisson":
        text += "De intervallen houden alleen rekening met toeval in de aantallen. "
    else:
        text += (
            "De intervallen zijn bewust ruim: ze rekenen de jaarlijkse schommelingen tussen leeftijdsgroepen mee "
            "als onzekerheid. "
        )
    if zeker:
        text += f"Ook met die onzekerheid is de stijging duidelijk bij {', '.join(zeker)} jaar. "
    if lager:
        text += f"Een duidelijke daling is er bij {', '.join(lager)} jaar. "
    if not zeker and not lager:
        text += (
            "Met die onzekerheid is bij geen enkele leeftijdsgroep met zekerheid te zeggen dat het gebruik "
            "per inwoner structureel steeg of daalde; twee jaren zijn daarvoor te weinig. "
        )
    if model.familie != "poisson":
        up_p = [r.leeftijdsgroep for r in t.itertuples() if r.ondergrens_poisson > 1]
        down_p = [r.leeftijdsgroep for r in t.itertuples() if r.bovengrens_poisson < 1]
        if up_p or down_p:
            parts = ([f"de stijging bij {', '.join(up_p)} jaar"] if up_p else []) + (
                [f"de daling bij {', '.join(down_p)} jaar"] if down_p else []
            )
            text += (
                f"Telt men alleen het toeval in de aantallen (Poisson), dan zijn {join_list(parts)} wel "
                "duidelijk: in dit jaar is het echt gebeurd, maar of het blijft, moeten volgende jaren uitwijzen."
            )
    return text.strip()


def funnel_verdict(f: Funnel) -> pd.Series:
    """Return per funnel point the verdict shown on the page: inside, or the widest limit crossed and the side."""

    def oordeel(z: float, buiten: float) -> str:
        if math.isnan(buiten):
            return INSIDE_LIMITS
        decimalen = 1 if buiten == f.limieten[-1] else 0
        return f"buiten {fmt.percent(buiten * 100, decimalen)}-grens ({'hoger' if z > 0 else 'lager'})"

    return pd.Series(
        [oordeel(z, b) for z, b in zip(f.punten["z"], f.punten["buiten"])], index=f.punten.index, name="oordeel"
    )


def consumption_interpretation(model: ConsumptionModel) -> str:
    """Return the plain-Dutch reading of the consumption model for the board."""
    pct = int(round(model.betrouwbaarheid * 100))
    reg = model.regionaal.set_index("jaar")["per_1000"]
    text = f"In {model.jaar} gebruikte de regio {fmt.getal(reg[model.jaar], 0)} consulteenheden per 1.000 inwoners"
    if len(model.jaareffect):
        e = model.jaareffect.set_index("jaar").loc[model.jaar]
        richting = "minder" if e.verhouding < 1 else "meer"
        text += (
            f", {fmt.getal(abs(e.verhouding - 1) * 100, 1)}% {richting} dan in {model.basisjaar} "
            f"(gecorrigeerd voor verschillen tussen gemeenten: verhouding "
            f"{rr_text(e.verhouding, e.ondergrens, e.bovengrens, pct)})"
        )
    text += ". "
    e = model.gemeente_effect.sort_values("verhouding")
    text += (
        f"Het verschil tussen gemeenten is groot: van {fmt.getal(e.iloc[0].verhouding * 100, 0)}% van het "
        f"regiogemiddelde in {e.iloc[0].gemeente} tot {fmt.getal(e.iloc[-1].verhouding * 100, 0)}% in "
        f"{e.iloc[-1].gemeente}. "
    )
    if model.afstand is not None:
        a = model.afstand.per_eenheid
        if a["bovengrens"] < 1:
            text += (
                f"Dat verschil hangt samen met de afstand tot de spoedpost: per {DISTANCE_UNIT_KM} km "
                f"verder weg is het gebruik {fmt.getal((1 - a['verhouding']) * 100, 0)}% lager. "
            )
        else:
            text += "Een verband met de afstand tot de spoedpost is met deze gegevens niet aan te tonen. "
    if model.funnel.aangepast:
        text += (
            "De trechtergrafiek laat zien dat geen gemeente meer afwijkt dan de verschillen tussen de gemeenten "
            "onderling doen verwachten; het gaat om een geleidelijk patroon, niet om één uitschieter."
            if (funnel_verdict(model.funnel) == INSIDE_LIMITS).all()
            else "De trechtergrafiek toont welke gemeenten ook na correctie voor de onderlinge spreiding afwijken."
        )
    return text.strip()


def afstand_zin(model: ConsumptionModel) -> str:
    """Say what the distance model finds, compared with the literature."""
    a = model.afstand
    if a is None:
        return "Het afstandsmodel is niet berekend: de afstanden ontbreken."
    pct = int(round(model.betrouwbaarheid * 100))
    e = a.per_eenheid
    text = (
        f"Per {DISTANCE_UNIT_KM} km hemelsbrede afstand tot de dichtstbijzijnde spoedpost is de verhouding "
        f"{rr_text(e['verhouding'], e['ondergrens'], e['bovengrens'], pct)}, {p_text(e['p_waarde'])} "
        f"({FAMILY_NAMES[a.familie]}, φ = {fmt.getal(a.dispersie.phi, 1)}). "
    )
    if math.isfinite(a.halvering_km):
        text += (
            f"Doorgetrokken halveert het gebruik bij ongeveer {fmt.getal(a.halvering_km, 0)} km extra afstand; "
            f"Raknes en anderen (2013) vonden in Noorwegen een halvering van de consulten op de post bij "
            f"{RAKNES_HALF_DISTANCE_KM} km. "
        )
    if a.rest_toets is not None and a.rest_toets.p_familie is not None:
        naam = "F" if a.rest_toets.familie == "quasipoisson" else "χ²"
        rest = (
            f"Verklaart de afstand alle verschillen tussen gemeenten? Vergelijking met een model met een eigen "
            f"niveau per gemeente: {naam} = {fmt.getal(a.rest_toets.statistiek_familie, 2)}, "
            f"{p_text(a.rest_toets.p_familie)}"
        )
        rest += (
            ": nee, er blijven verschillen over die afstand niet verklaart (bijvoorbeeld leeftijdsopbouw, "
            "huisartsenzorg overdag, of het deel van Hof van Twente dat SHT bedient)."
            if a.rest_toets.p_familie < 1 - model.betrouwbaarheid
            else ": de overblijvende verschillen zijn niet van toeval te onderscheiden."
        )
        text += rest
    return text.strip()
