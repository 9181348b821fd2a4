"""The Vooruitblik's Dutch sentences and its parameter table, worded from a projection."""

from __future__ import annotations

import math

import pandas as pd

from jaarverslag.data.population import PER_THOUSAND
from jaarverslag.models.projection import (
    DEFAULTS,
    SCENARIOS,
    THRESHOLDS_PCT,
    ProjectionError,
    Vooruitblik,
    drempel,
    equilibrium,
    growth_per_year,
    non_default,
    uitstroom_per_year,
    waarde,
)
from jaarverslag.render import fmt
from jaarverslag.render.model_text import total_note

# Meaning of each parameter, in the words of the page (one place for the parameter table and the tests).
PARAMETER_MEANINGS = {
    "tot_jaar": "laatste jaar van de projectie",
    "ouderen_groei_pct": "groei van het aandeel 65-plussers tussen 2023 en 2040, in procent",
    "ouderen_groei_min_pct": "groei van het aandeel 65-plussers: ondergrens van de bandbreedte",
    "ouderen_groei_max_pct": "groei van het aandeel 65-plussers: bovengrens van de bandbreedte",
    "groei_onbekend_pct": "verandering van het aantal inwoners 2021–2035 voor gemeenten zonder prognose, in procent",
    "bevolking_marge_pct": "bandbreedte (±) rond een prognose zonder eigen interval, in procentpunten",
    "trend_leeftijd": "ook de verandering per inwoner uit het leeftijdsmodel doortrekken (ja of nee)",
    "trend_jaren": "aantal jaren dat die verandering doorgaat",
    "uitstroom_pct": "deel van de huisartsleden (praktijkhouders) dat binnen de uitstroomperiode stopt, in procent",
    "uitstroom_jaren": "de uitstroomperiode, in jaren",
    "uitstroom_min_pct": "uitstroom van de huisartsleden: ondergrens van de bandbreedte",
    "uitstroom_max_pct": "uitstroom van de huisartsleden: bovengrens van de bandbreedte",
    "uitstroom_overig_pct": "deel van de hidha's en waarnemers dat binnen de uitstroomperiode stopt, in procent",
    "uitstroom_overig_min_pct": "uitstroom van de hidha's en waarnemers: ondergrens van de bandbreedte",
    "uitstroom_overig_max_pct": "uitstroom van de hidha's en waarnemers: bovengrens van de bandbreedte",
    "opleidingsduur_jaren": "duur van de huisartsopleiding in jaren: elk jaar rondt dat deel van de AIOS af",
    "instroom_aandeel_pct": "deel van de afgestudeerde AIOS dat diensten gaat doen, in procent",
    "instroom_aandeel_min_pct": "deel van de AIOS dat diensten gaat doen: ondergrens van de bandbreedte",
    "instroom_aandeel_max_pct": "deel van de AIOS dat diensten gaat doen: bovengrens van de bandbreedte",
}
# The assumptions of the one-at-a-time sensitivity chart in the words of the page (projection.SENSITIVITY_FIELDS).
SENSITIVITY_NAMES = {
    "ouderen_groei_pct": "groei aandeel 65-plussers",
    "groei": "inwoners per gemeente",
    "trend": "verandering per inwoner (leeftijdsmodel)",
    "uitstroom_pct": "uitstroom huisartsleden",
    "uitstroom_overig_pct": "uitstroom hidha's en waarnemers",
    "instroom_aandeel_pct": "deel AIOS dat diensten gaat doen",
}


def error_message(fout: ProjectionError) -> str:
    """Word why the projection cannot run, for the page and the analyst."""
    d = fout.details
    if fout.reason == "period":
        return f"een periode van {d['jaren']} jaar kan geen jaarlijkse groei geven"
    if fout.reason == "no_growth":
        return f"geen groei van het aantal inwoners voor {', '.join(d['gemeenten'])}"
    if fout.reason == "all_elderly":
        return (
            f"met {fmt.getal(d['ouderen_groei_pct'], 1)}% groei zou in {d['jaar']} in {d['gemeente']} "
            "iedereen oudere zijn; kies een kleinere ouderen_groei_pct"
        )
    return str(fout)


def parameter_value(v) -> str:
    """Format a parameter value the Dutch way (33,3; True → ja)."""
    if isinstance(v, bool):
        return "ja" if v else "nee"
    if isinstance(v, float):
        return fmt.getal(v, 1)
    return str(v)


def parameter_table(p: dict) -> pd.DataFrame:
    """Return each assumption in words with the value used, its default and whether it was changed."""
    return pd.DataFrame(
        [
            {
                "Aanname": PARAMETER_MEANINGS[k],
                "Gebruikt": parameter_value(p[k]),
                "Standaard": parameter_value(s),
                "Gewijzigd": "gewijzigd" if p[k] != s else "",
            }
            for k, s in DEFAULTS.items()
        ]
    )


def afwijkend_zin(p: dict) -> str:
    """Say whether this page uses the default scenario or which parameters were changed."""
    anders = non_default(p)
    if not anders:
        return "Deze pagina gebruikt de standaardwaarden van alle aannames."
    return (
        "Let op: deze pagina is gebouwd met gewijzigde aannames: "
        + "; ".join(
            f"{PARAMETER_MEANINGS[k]}: {parameter_value(p[k])} (standaard {parameter_value(DEFAULTS[k])})"
            for k in anders
        )
        + "."
    )


def range_text(laag: float, mid: float, hoog: float, decimalen: int = 1, eenheid: str = "%") -> str:
    """Format a central value with its range: '33,3% (25,0% tot 40,0%)'; no range when the bounds equal it."""

    def f(x):
        return fmt.getal(x, decimalen) + eenheid

    return f(mid) if laag == mid == hoog else f"{f(mid)} ({f(laag)} tot {f(hoog)})"


def basis_zin(v: Vooruitblik) -> str:
    """Say what the projection starts from: the report year's help requests and the CBS population used."""
    b = v.basis
    return (
        f"De projectie begint bij de {fmt.getal(b.tarieven['hulpvragen'].sum())} hulpvragen van "
        f"{b.jaar} per leeftijdsgroep en de CBS-bevolking op 1 januari {b.bevolking_jaar} "
        f"({fmt.getal(b.bevolking['inwoners'].sum())} inwoners in de acht gemeenten). " + " ".join(b.opmerkingen)
    ).strip()


def gemeenten_zin(v: Vooruitblik) -> str:
    """Say the population change per gemeente used, and which values are filled in by a parameter."""
    jaren = f"{int(v.basis.prognose['van_jaar'].iloc[0])}–{int(v.basis.prognose['tot_jaar'].iloc[0])}"
    delen = [
        f"{r.gemeente} {fmt.verandering(r.midden)}" + ("" if r.uit_prognose else " (aanname)")
        for r in v.groei.itertuples()
    ]
    eigen = v.groei[v.groei["eigen_interval"]]["gemeente"].tolist()
    return (
        f"Verandering van het aantal inwoners {jaren}: "
        + "; ".join(delen)
        + ". "
        + (f"Alleen voor {', '.join(eigen)} geeft de prognose een interval; " if eigen else "")
        + f"voor de andere gemeenten is de bandbreedte ± {fmt.getal(v.parameters['bevolking_marge_pct'], 1)} "
        "procentpunt. Na het laatste prognosejaar loopt dezelfde jaarlijkse verandering door."
    )


def trend_zin(v: Vooruitblik) -> str:
    """Say whether the age-specific rates are held constant or follow the age model."""
    b, p = v.basis, v.parameters
    if b.groei_model is None:
        return f"Het aantal hulpvragen per inwoner blijft per leeftijdsgroep gelijk aan {b.jaar}. "
    jaren = b.jaar - b.groei_referentiejaar
    if not p["trend_leeftijd"]:
        return (
            f"Het aantal hulpvragen per inwoner blijft per leeftijdsgroep gelijk aan {b.jaar}. "
            f"Het leeftijdsmodel ({b.groei_referentiejaar}–{b.jaar}) is niet doorgetrokken: "
            f"die verandering meet {'één' if jaren == 1 else jaren} jaar, en de coronajaren maken die "
            "ongeschikt als trend."
        )
    delen = "; ".join(
        f"{r.leeftijdsgroep} jaar {fmt.getal(r.verhouding, 2)} ({fmt.getal(r.ondergrens, 2)} tot "
        f"{fmt.getal(r.bovengrens, 2)})"
        for r in growth_per_year(b).itertuples()
    )
    omgerekend = f", omgerekend van {jaren} jaar naar één jaar" if jaren != 1 else ""
    return (
        f"Het aantal hulpvragen per inwoner volgt {p['trend_jaren']} jaar lang de verandering per jaar uit het "
        f"leeftijdsmodel ({b.groei_referentiejaar}–{b.jaar}{omgerekend}): {delen}; daarna blijft het gelijk. "
        "Het laagste scenario neemt de ondergrens van het interval, het hoogste de bovengrens."
    )


def pool_zin(v: Vooruitblik) -> str:
    """Say how many GPs take shifts in the base year and how in- and outflow are set per group."""
    b, p = v.basis, v.parameters
    u = {s: 100 * uitstroom_per_year(a.uitstroom_pct, p["uitstroom_jaren"]) for s, a in v.aannames.items()}
    w = {s: 100 * uitstroom_per_year(a.uitstroom_overig_pct, p["uitstroom_jaren"]) for s, a in v.aannames.items()}
    onzeker = "; deze aantallen zijn onzeker, zie het hoofdstuk Huisartsen en medewerkers" if b.pool_onzeker else ""
    return (
        f"In {b.jaar} deden {fmt.getal(b.pool)} huisartsen zelfstandig diensten: {fmt.getal(b.leden)} "
        f"huisartsleden en {fmt.getal(b.overig)} hidha's of waarnemers{onzeker}. "
        f"Van de huisartsleden, de praktijkhouders waarover de bron spreekt, stopt "
        f"{range_text(p['uitstroom_min_pct'], p['uitstroom_pct'], p['uitstroom_max_pct'])} binnen "
        f"{p['uitstroom_jaren']} jaar: {range_text(u['laag'], u['midden'], u['hoog'], 2)} per jaar; de bron noemt "
        "alleen het middelste getal, de grenzen zijn een eigen keuze. Over de hidha's en waarnemers zegt de bron "
        f"niets; aangenomen is dat van hen "
        f"{range_text(p['uitstroom_overig_min_pct'], p['uitstroom_overig_pct'], p['uitstroom_overig_max_pct'])} "
        f"binnen dezelfde periode stopt ({range_text(w['laag'], w['midden'], w['hoog'], 2)} per jaar). Er waren "
        f"{fmt.getal(b.aios)} AIOS; bij een opleiding van {p['opleidingsduur_jaren']} jaar ronden er elk jaar "
        f"{fmt.getal(b.aios / p['opleidingsduur_jaren'], 1)} af, en van hen gaat "
        f"{range_text(p['instroom_aandeel_min_pct'], p['instroom_aandeel_pct'], p['instroom_aandeel_max_pct'], 0)} "
        f"diensten doen: {range_text(v.instroom['hoog'], v.instroom['midden'], v.instroom['laag'], 1, '')} "
        "nieuwe huisartsen per jaar, geteld bij de huisartsleden."
    )


def vraag_zin(v: Vooruitblik) -> str:
    """Say where demand growth comes from: the rate of the oldest group, the population and the units."""
    b, eind = v.basis, v.parameters["tot_jaar"]
    t = b.tarieven
    per_1000 = PER_THOUSAND * t["hulpvragen"] / t["bevolking"]
    oudste, gemiddeld = per_1000.iloc[-1], PER_THOUSAND * t["hulpvragen"].sum() / t["bevolking"].sum()
    bev0, bev1 = waarde(v, "midden", b.jaar, "bevolking"), waarde(v, "midden", eind, "bevolking")
    oud0, oud1 = waarde(v, "midden", b.jaar, "ouderen_aandeel"), waarde(v, "midden", eind, "ouderen_aandeel")
    tekst = (
        f"In {b.jaar} deden inwoners van {t['leeftijdsgroep'].iloc[-1]} jaar {fmt.getal(oudste)} hulpvragen "
        f"per 1.000, tegen {fmt.getal(gemiddeld)} per 1.000 voor alle leeftijden samen "
        f"({fmt.getal(oudste / gemiddeld, 1)} keer zo veel). In het middenscenario gaat het aandeel 65-plussers "
        f"van {fmt.percent(100 * oud0)} naar {fmt.percent(100 * oud1)}, terwijl het aantal inwoners "
        f"{fmt.verandering(100 * (bev1 / bev0 - 1))} verandert."
    )
    if not math.isnan(waarde(v, "midden", b.jaar, "consulteenheden")):
        h = waarde(v, "midden", eind, "hulpvragen") / waarde(v, "midden", b.jaar, "hulpvragen") - 1
        e = waarde(v, "midden", eind, "consulteenheden") / waarde(v, "midden", b.jaar, "consulteenheden") - 1
        tekst += (
            f" De consulteenheden, die een visite zwaarder wegen dan een telefonisch advies, veranderen "
            f"{fmt.verandering(100 * e)} tegen {fmt.verandering(100 * h)} voor de hulpvragen."
        )
    return tekst


def capaciteit_zin(v: Vooruitblik) -> str:
    """Say where the pool settles: the level at which yearly outflow equals inflow, in the central scenario."""
    p = v.parameters
    a = v.aannames["midden"]
    u = uitstroom_per_year(a.uitstroom_pct, p["uitstroom_jaren"])
    eind = p["tot_jaar"]
    overig = (
        f"De hidha's en waarnemers blijven in het middenscenario {fmt.getal(v.basis.overig)}"
        if a.uitstroom_overig_pct == 0
        else f"De hidha's en waarnemers gaan in het middenscenario naar "
        f"{fmt.getal(waarde(v, 'midden', eind, 'overig'))}"
    )
    if u == 0:
        return f"Zonder uitstroom groeit de groep huisartsleden elk jaar met de instroom. {overig}."
    niveau = equilibrium(v.instroom["midden"], u)
    richting = "krimpt" if niveau < v.basis.leden else "groeit"
    return (
        f"In het middenscenario {richting} de groep huisartsleden naar een evenwicht van ongeveer "
        f"{fmt.getal(niveau)}, het aantal waarbij elk jaar evenveel huisartsen stoppen als er bijkomen "
        f"({fmt.getal(v.instroom['midden'], 1)} per jaar); in {eind} zijn het er "
        f"{fmt.getal(waarde(v, 'midden', eind, 'leden'))}. {overig}; samen "
        f"{fmt.getal(waarde(v, 'midden', eind, 'huisartsen'))} huisartsen die diensten doen."
    )


def drempel_zin(v: Vooruitblik) -> str:
    """Return one sentence on when pressure passes the thresholds in the central scenario."""
    eind, basisjaar = v.parameters["tot_jaar"], v.basis.jaar
    delen = []
    for d in THRESHOLDS_PCT:
        jaren = {s: drempel(v, s, d) for s in SCENARIOS}
        mid = jaren["midden"]
        tekst = f"{d}% boven het niveau van {basisjaar} komt de druk in het middenscenario " + (
            f"in {int(mid)}" if pd.notna(mid) else f"niet vóór {eind + 1}"
        )
        snel, traag = jaren["hoog"], jaren["laag"]
        tekst += (
            " (bandbreedte: "
            + (f"vanaf {int(snel)}" if pd.notna(snel) else f"niet vóór {eind + 1}")
            + " tot "
            + (f"{int(traag)}" if pd.notna(traag) else f"niet vóór {eind + 1}")
            + ")"
        )
        delen.append(tekst)
    return "; ".join(delen).capitalize() + "."


def oudsten_zin(v: Vooruitblik) -> str:
    """State the frozen 80-plus share within the elderly and what it does to demand."""
    b, eind = v.basis.jaar, v.parameters["tot_jaar"]
    a0 = waarde(v, "midden", b, "oudsten_aandeel_ouderen")
    a1 = waarde(v, "midden", eind, "oudsten_aandeel_ouderen")
    return (
        f"Binnen de 65-plussers blijft per gemeente de verdeling over de leeftijden gelijk aan die van {b}: het "
        f"aandeel 80-plussers onder de 65-plussers is {fmt.percent(100 * a0, 1)} in {b} en "
        f"{fmt.percent(100 * a1, 1)} in {eind} (het verschil komt alleen van de verschuiving tussen gemeenten). "
        "Stijgt in werkelijkheid het aandeel 80-plussers binnen de 65-plussers, dan is de zorgvraag hier te laag "
        "geschat, omdat 80-plussers per inwoner het meest hulp vragen; daalt het, dan te hoog. Een prognose naar "
        "leeftijd per gemeente om dat te bepalen, is er niet."
    )


def gevoeligheid_zin(v: Vooruitblik) -> str:
    """Say which assumption moves the last year's pressure index most when varied alone."""
    g = v.gevoeligheid
    eind = v.parameters["tot_jaar"]
    if g is None or g.empty:
        return "Er is geen aanname met een bandbreedte, dus geen gevoeligheid te tonen."
    g = g.assign(breedte=(g["hoog"] - g["laag"]).abs()).sort_values("breedte", ascending=False)
    top = g.iloc[0]
    mid = waarde(v, "midden", eind, "druk_index")
    return (
        f"De grafiek hieronder zet telkens één aanname op haar onder- of bovengrens en laat de rest in het "
        f"midden. De druk in {eind} (middenscenario {fmt.getal(mid)}) hangt het meest af van deze aanname: "
        f"{SENSITIVITY_NAMES[top.aanname]} ({fmt.getal(top.laag)} tot {fmt.getal(top.hoog)}). Daarna volgen "
        + ", ".join(
            f"{SENSITIVITY_NAMES[r.aanname]} ({fmt.getal(r.laag)} tot {fmt.getal(r.hoog)})"
            for r in g.iloc[1:].itertuples()
        )
        + ". De bandbreedte van de scenario's zet alle aannames tegelijk op de ongunstige of gunstige kant en is "
        "daarom breder dan elke balk afzonderlijk."
    )


def terugblik_zin(v: Vooruitblik) -> str:
    """Compare the rules run from last year with what really happened in the report year."""
    t = v.terugblik
    if t is None:
        return (
            f"Een terugblik op {v.basis.jaar} kan niet: voor {v.basis.jaar - 1} ontbreken hulpvragen of bevolking "
            "per leeftijdsgroep."
        )
    fout = 100 * (t.hulpvragen_voorspeld / t.hulpvragen_werkelijk - 1)
    echt = t.hulpvragen_werkelijk - t.hulpvragen_start
    deel = 100 * (t.hulpvragen_voorspeld - t.hulpvragen_start) / echt if echt else math.nan
    text = (
        f"Als controle zijn dezelfde rekenregels toegepast op {t.van}, met de echte bevolking van {t.naar}: dat "
        f"geeft {fmt.getal(t.hulpvragen_voorspeld)} hulpvragen in {t.naar}, tegen {fmt.getal(t.hulpvragen_werkelijk)} "
        f"werkelijk ({fmt.verandering(fout)}). Vanaf de {fmt.getal(t.hulpvragen_start)} hulpvragen van {t.van} "
        f"(de som van de leeftijdsgroepen) verklaart de verandering van de bevolking {fmt.percent(deel, 0)} van de "
        "werkelijke verandering; de rest is verandering in het gebruik per inwoner, en die houdt de vooruitblik "
        f"constant. {total_note(t.van, t.hulpvragen_start, disputed=v.basis.totaal_vorig_betwist)} "
    ).replace("  ", " ")
    if t.huisartsen_voorspeld is not None:
        text += (
            f"Voor de huisartsen geven een jaar uitstroom en instroom vanaf {fmt.getal(t.huisartsen_start)} in "
            f"{t.van} er {fmt.getal(t.huisartsen_voorspeld)} in {t.naar}, tegen {fmt.getal(t.huisartsen_werkelijk)} "
            f"werkelijk (de aantallen van {t.van} zijn onzeker). De druk zou volgens de regels op index "
            f"{fmt.getal(t.druk_voorspeld)} komen ({t.van} = 100), werkelijk was het {fmt.getal(t.druk_werkelijk)}. "
        )
    return text + "Eén jaar zegt weinig over twintig, maar laat zien hoe groot de afwijking van één jaar al kan zijn."


def samenvatting(v: Vooruitblik) -> str:
    """Return the chapter's opening sentences: demand, pool and pressure in the last year of the central scenario."""
    b, eind = v.basis.jaar, v.parameters["tot_jaar"]
    h0, h1 = waarde(v, "midden", b, "hulpvragen"), waarde(v, "midden", eind, "hulpvragen")
    lo, hi = waarde(v, "laag", eind, "hulpvragen"), waarde(v, "hoog", eind, "hulpvragen")
    p0, p1 = waarde(v, "midden", b, "huisartsen"), waarde(v, "midden", eind, "huisartsen")
    d1 = waarde(v, "midden", eind, "druk_index")
    dlo, dhi = waarde(v, "laag", eind, "druk_index"), waarde(v, "hoog", eind, "druk_index")
    # The base count is not printed here: the landing page names that count verrichtingen (one word per count).
    return (
        f"In het middenscenario neemt de zorgvraag van {b} tot {eind} toe met "
        f"{fmt.verandering(100 * (h1 / h0 - 1))} (bandbreedte {fmt.verandering(100 * (lo / h0 - 1))} tot "
        f"{fmt.verandering(100 * (hi / h0 - 1))}). De groep huisartsen die diensten doet, gaat van {fmt.getal(p0)} "
        f"naar ongeveer {fmt.getal(p1)}. Per huisarts komt de druk in {eind} daarmee op index {fmt.getal(d1)} "
        f"({b} = 100; bandbreedte {fmt.getal(dlo)} tot {fmt.getal(dhi)})."
    )
