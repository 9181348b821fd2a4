"""Dutch sentences of the two model chapters: p-values, rate ratios, the family and test sentences, readings."""

from __future__ import annotations

import math

import pandas as pd

from jaarverslag.data import ledger
from jaarverslag.models.glm import Dispersion, InteractionTest
from jaarverslag.models.leeftijd import SENSITIVITY_PHI, AgeModel
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
        f"De spreidingscontrole geeft {phi_text(dispersie)} (Pearson-χ² gedeeld door de vrijheidsgraden; bij "
        f"zuiver Poisson-toeval is φ ongeveer 1, de drempel is {fmt.getal(dispersie.drempel, 1)})."
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
            "Een toets die ook overdispersie meerekent, is met deze gegevens niet te maken: met één getal per "
            "groep en jaar zou de spreiding geschat worden uit precies de verschillen die getoetst worden. Of het "
            "verschil blijvend is of een schommeling van één jaar, kan pas met meer jaren worden vastgesteld."
        )
    elif toets.familie != "poisson" and toets.p_familie is not None:
        naam = "F" if toets.familie == "quasipoisson" else "χ²"
        base += (
            f"Met de spreiding meegerekend ({FAMILY_NAMES[toets.familie]}): {naam} = "
            f"{fmt.getal(toets.statistiek_familie, 2)}, {p_text(toets.p_familie)}."
        )
    return base.strip()


def total_note(jaar: int, som: float, nu: float | None = None, root=None, disputed=False) -> str:
    """Return a sentence for after a total of a year's age groups or soorten when it is the disputed printed total.

    The book compares years with the sum of the posts; a table printed per age group or soort adds up to
    the printed SHT total instead. Empty when the year's total is not disputed or the sum is not that total.
    `disputed` (printed, sum of the posts) may be given by a caller that already read it from the ledger.
    """
    if disputed is False:
        disputed = ledger.disputed_sht_total(jaar, root)
    if disputed is None or ledger.differs(som, disputed[0]):
        return ""
    gedrukt, posten = disputed
    text = (
        f"Let op: {fmt.getal(gedrukt)} is het gedrukte totaal van {jaar}, waar de leeftijdsgroepen en soorten op "
        f"uitkomen; de rest van het boek vergelijkt {jaar} met {fmt.getal(posten)}, de som van de posten "
        f"({fmt.getal(gedrukt - posten)} minder, in het verslag niet verklaard; zie Methode en verantwoording)."
    )
    if nu is not None:
        text = text[:-1] + f". Tegen dat totaal is de verandering {fmt.verandering(100 * (nu / posten - 1))}."
    return text


def total_choice(jaren: list[int], root=None) -> str:
    """Explain, once, which of two printed totals the book uses for a year whose SHT total is disputed."""
    delen = []
    for jaar in jaren:
        disputed = ledger.disputed_sht_total(jaar, root)
        if disputed is None:
            continue
        gedrukt, posten = disputed
        delen.append(
            f"Voor {jaar} drukt het verslag twee totalen: {fmt.getal(gedrukt)} als totaal van SHT (daarop komen "
            f"ook de hulpvragen per leeftijdsgroep en per soort uit) en {fmt.getal(posten)} als som van de "
            f"posttotalen. Het verschil van {fmt.getal(gedrukt - posten)} wordt niet verklaard. Dit boek kiest "
            f"{fmt.getal(posten)}, omdat dat getal uit de gedrukte onderdelen volgt: elke vergelijking van het "
            f"totaal van {jaar} met een ander jaar gebruikt het. Waar een tabel per leeftijdsgroep of soort op "
            f"{fmt.getal(gedrukt)} uitkomt en zo'n vergelijking maakt (Patiëntenpopulatie, Trendmodellen, "
            "Vooruitblik), zegt een voetnoot dat, met de verandering tegen het gekozen totaal."
        )
    if not delen:
        return (
            f"Voor {jaren[-1]} en het jaar ervoor is geen verschil tussen een gedrukt totaal van SHT en de som "
            "van de posten vastgelegd; er is dus maar één totaal per jaar."
        )
    return " ".join(delen)


def phi_text(dispersie: Dispersion, betrouwbaarheid: float = 0.95) -> str:
    """Format phi with its chi-square interval: 'φ = 84,6 (95%-interval 33,0 tot 509,2; 5 vrijheidsgraden)'."""
    if not dispersie.estimable:
        return "φ niet te schatten (geen vrije vrijheidsgraden)"
    lo, hi = dispersie.phi_interval(betrouwbaarheid)
    pct = fmt.percent(betrouwbaarheid * 100, 0)
    return (
        f"φ = {fmt.getal(dispersie.phi, 1)} ({pct}-interval {fmt.getal(lo, 1)} tot {fmt.getal(hi, 1)}; "
        f"{dispersie.df} vrijheidsgraden)"
    )


def age_dispersion_sentence(model: AgeModel) -> str:
    """Say what the age model's phi measures, its interval, and why the groups' intervals do not use it."""
    if not model.dispersie.estimable:
        return "Het model met één gemeenschappelijke groei heeft geen vrije vrijheidsgraden; φ is niet te schatten."
    pct = int(round(model.betrouwbaarheid * 100))
    c = model.gemeenschappelijk
    text = (
        f"In het model met één gemeenschappelijke groei is {phi_text(model.dispersie, model.betrouwbaarheid)}. "
        "Met één aantal per leeftijdsgroep en jaar meet die φ niet het toeval in de aantallen, maar hoeveel de "
        "groei tussen de leeftijdsgroepen verschilt: het is dezelfde afwijking die de toets hieronder onderzoekt. "
        "Daarom gebruikt het boek deze φ niet voor de intervallen per leeftijdsgroep; die zijn Poisson-intervallen "
        "(alleen het toeval in de aantallen). "
    )
    if model.familie != "poisson":
        text += (
            f"Alleen het interval van de gemeenschappelijke groei ({FAMILY_NAMES[model.familie]}) rekent de "
            f"verschillen tussen de groepen mee: {rr_text(c['verhouding'], c['ondergrens'], c['bovengrens'], pct)}."
        )
    return text.strip()


def sensitivity_sentence(model: AgeModel) -> str:
    """Say which overdispersion the sensitivity band assumes and up to which phi each change stays clear of 1."""
    t = model.per_groep
    waarden = join_list([fmt.getal(v, 0) for v in SENSITIVITY_PHI])
    delen = [
        f"{r.leeftijdsgroep} jaar tot φ ≈ {fmt.getal(r.phi_kritiek, 1)}"
        for r in t.itertuples()
        if r.ondergrens > 1 or r.bovengrens < 1
    ]
    text = (
        "De aantallen kunnen meer schommelen dan Poisson-toeval, bijvoorbeeld door griepgolven of herhaalde "
        "contacten van dezelfde patiënt. Een gepubliceerde waarde voor die extra spreiding bij jaartotalen van "
        "een huisartsenpost is er niet; met twee jaren is hij ook niet uit deze gegevens te schatten. De tabel "
        f"hieronder toont daarom hoe de intervallen breder worden bij een aangenomen φ van {waarden} (elk "
        "interval √φ keer zo breed op logschaal), en tot welke φ een verandering van 1 te onderscheiden blijft"
    )
    text += ": " + join_list(delen) + "." if delen else "; bij geen enkele groep sluit al het Poisson-interval 1 uit."
    return text


def age_interpretation(model: AgeModel) -> str:
    """Return the plain-Dutch reading of the age model for the board."""
    t = model.per_groep.sort_values("verhouding")
    up, down = t.iloc[-1], t.iloc[0]
    maat = "per inwoner" if model.met_bevolking else "in aantallen"
    common = model.gemeenschappelijk
    pct = int(round(model.betrouwbaarheid * 100))
    hoger = [r.leeftijdsgroep for r in model.per_groep.itertuples() if r.ondergrens > 1]
    lager = [r.leeftijdsgroep for r in model.per_groep.itertuples() if r.bovengrens < 1]
    text = (
        f"Gemeten {maat} nam het aantal hulpvragen van {model.referentiejaar} op {model.jaar} het meest toe bij "
        f"{up.leeftijdsgroep} jaar ({change_text(up.verhouding)}) en nam het het meest af bij "
        f"{down.leeftijdsgroep} jaar ({change_text(down.verhouding)}). Over alle leeftijden samen, "
        f"gecorrigeerd voor de leeftijdsopbouw, was de verandering {change_text(common['verhouding'])} "
        f"(verhouding {rr_text(common['verhouding'], common['ondergrens'], common['bovengrens'], pct)}). "
        "De intervallen per leeftijdsgroep houden alleen rekening met toeval in de aantallen (Poisson). "
    )
    parts = ([f"meer hulpvragen {maat} bij {join_list(hoger)} jaar"] if hoger else []) + (
        [f"minder bij {join_list(lager)} jaar"] if lager else []
    )
    if parts:
        text += (
            f"Daarmee gemeten waren er in {model.jaar} {join_list(parts)} dan in {model.referentiejaar}. "
            "Hoeveel extra schommeling die conclusies verdragen, staat hieronder. "
        )
    else:
        text += "Bij geen enkele leeftijdsgroep sluit het interval een verhouding van 1 uit. "
    text += "Of een verandering blijft, zeggen twee jaren niet; dat moeten volgende jaren uitwijzen."
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
    e = model.funnel.punten.sort_values("verhouding")
    text += (
        f"Het verschil tussen gemeenten is groot: van {fmt.getal(e.iloc[0].verhouding * 100, 0)}% van het "
        f"regiogemiddelde in {e.iloc[0].gemeente} tot {fmt.getal(e.iloc[-1].verhouding * 100, 0)}% in "
        f"{e.iloc[-1].gemeente}. "
    )
    if model.afstand is not None:
        a = model.afstand
        if a.per_eenheid["bovengrens"] < 1:
            r = a.verandering_bereik
            text += (
                f"Dat verschil hangt samen met de afstand tot de spoedpost: tussen de dichtstbijzijnde en de verste "
                f"gemeente ({fmt.getal(a.bereik_km[0], 1)} en {fmt.getal(a.bereik_km[1], 1)} km) is het gebruik "
                f"volgens het model {fmt.getal((1 - r['verhouding']) * 100, 0)}% lager. "
            )
        else:
            text += "Een verband met de afstand tot de spoedpost is met deze gegevens niet aan te tonen. "
    buiten = model.funnel.punten["gemeente"][(funnel_verdict(model.funnel) != INSIDE_LIMITS).to_numpy()].tolist()
    if model.funnel.aangepast:
        text += (
            "In de trechtergrafiek wijkt geen gemeente meer af dan de gemeenten van deze regio onderling doen."
            if not buiten
            else f"In de trechtergrafiek wijken {join_list(buiten)} meer af dan de gemeenten onderling doen."
        )
    return text.strip()


def afstand_zin(model: ConsumptionModel, advies_aandeel_pct: float | None = None) -> str:
    """Say what the distance model finds within the observed distances, and how it compares with the literature."""
    a = model.afstand
    if a is None:
        return "Het afstandsmodel is niet berekend: de afstanden ontbreken."
    pct = int(round(model.betrouwbaarheid * 100))
    e = a.per_eenheid
    r = a.verandering_bereik
    text = (
        f"Per {DISTANCE_UNIT_KM} km hemelsbrede afstand tot de dichtstbijzijnde spoedpost is de verhouding "
        f"{rr_text(e['verhouding'], e['ondergrens'], e['bovengrens'], pct)}, {p_text(e['p_waarde'])}. Het "
        f"interval is robuust per gemeente geclusterd: de {len(model.jaren)} jaren van één gemeente tellen niet "
        f"als losse waarnemingen, dus er zijn {a.clusters} onafhankelijke eenheden (t-verdeling met "
        f"{a.clusters - 1} vrijheidsgraden). De afstanden lopen van {fmt.getal(a.bereik_km[0], 1)} tot "
        f"{fmt.getal(a.bereik_km[1], 1)} km; over dat bereik is het gebruik volgens het model "
        f"{fmt.getal((1 - r['verhouding']) * 100, 0)}% lager (interval {fmt.getal((1 - r['bovengrens']) * 100, 0)}% "
        f"tot {fmt.getal((1 - r['ondergrens']) * 100, 0)}%). Verder weg is niets gemeten. "
    )
    if a.zonder_post is not None:
        z = a.zonder_post
        text += (
            f"Zonder de twee gemeenten met een eigen post ({int(z['clusters'])} gemeenten) is de verhouding per "
            f"{DISTANCE_UNIT_KM} km {rr_text(z['verhouding'], z['ondergrens'], z['bovengrens'], pct)}"
            + (
                ": het verband rust dan vooral op het verschil tussen gemeenten met en zonder post. "
                if z["ondergrens"] <= 1 <= z["bovengrens"]
                else ". "
            )
        )
    if math.isfinite(a.halvering_km):
        lo, hi = a.halvering_interval
        hoog = f"{fmt.getal(hi, 0)} km" if math.isfinite(hi) else "onbegrensd (het interval van de helling raakt 1)"
        advies = (
            f" ({fmt.getal(advies_aandeel_pct, 0)}% van de hulpvragen in {model.jaar})"
            if advies_aandeel_pct is not None
            else ""
        )
        text += (
            f"Ter vergelijking met de literatuur: bij deze helling hoort een halvering van het gebruik bij "
            f"{fmt.getal(a.halvering_km, 0)} km (interval {fmt.getal(lo, 0)} km tot {hoog}), ver buiten de "
            "gemeten afstanden: een doorgetrokken getal, geen waarneming. Raknes en anderen (2013) vonden in "
            f"Noorwegen een halvering bij {RAKNES_HALF_DISTANCE_KM} km, maar voor consulten op de post; hier "
            f"tellen ook de telefonische adviezen mee{advies}, en de consulteenheden wegen die maar half. De twee "
            "getallen zijn daarom niet één op één te vergelijken. "
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
