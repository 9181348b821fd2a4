"""Patiëntenpopulatie: inhabitants of the area and help requests per leeftijdsgroep, also per 1,000 inhabitants."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jaarverslag.render import fmt
from jaarverslag.data.codebook import categorieen
from jaarverslag.data.load import beschikbaar, lees_tabel
from jaarverslag.data.metrics import gedrukt_index, verandering_pct
from jaarverslag.data.population import bevolking_per_groep  # the CBS 5-year bands summed to the report's age groups

T_INWONERS = "inwoners"
T_NOEMER = "inwoners_gemeente"
T_TOTAAL = "hulpvragen_leeftijd_totaal"
T_SOORT = "hulpvragen_leeftijd"
T_BEVOLKING = "cbs_bevolking_leeftijd"
PER_DUIZEND = 1000  # help requests are expressed per this many inhabitants of the age group
DUIZENDTAL = 1000  # the report's own denominators per gemeente are in thousands
ONZEKER = "onzeker"
ZEKER = "zeker"
PER_1000_DECIMALEN = 0  # rates per 1,000 are shown in whole numbers (the report's own rates are too)
CBS_BRON = "CBS StatLine 83502NED, bevolking op 1 januari"
TOTAAL = "Totaal"
ALLE_LEEFTIJDEN = "Alle leeftijden"
# Shorter column heads for the types, so the table fits a phone; the codebook keeps the full names.
SOORT_KOP = {"Advies/telefonisch consult": "Advies of tel. consult"}


def groep_label(groep: str) -> str:
    """Return an age group as the report writes it ('0-10' becomes '0-10 jaar')."""
    return f"{groep} jaar"


def _groepen(root: Path | None) -> list[str]:
    return list(categorieen(root)["leeftijdsgroep_hulpvraag"])


# --- inhabitants --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inwoners:
    """The report's inhabitant count for the year and the year before, and the CBS count on 1 January."""

    jaar: int
    aantal: int | None
    aantal_vorig_jaar: int | None
    cbs: int | None  # CBS, eight gemeenten, 1 January of the year
    onzeker: bool

    @property
    def verandering_pct(self) -> float | None:
        return verandering_pct(self.aantal, self.aantal_vorig_jaar)


def _inwoners_waarde(jaar: int, root: Path | None) -> tuple[int | None, bool]:
    if not beschikbaar(T_INWONERS, jaar, root):
        return None, False
    row = lees_tabel(T_INWONERS, jaar, root).iloc[0]
    value = None if pd.isna(row["inwoners"]) else int(row["inwoners"])
    return value, isinstance(row["status"], str) and row["status"] == ONZEKER


def cbs_peildatum(jaar: int) -> str:
    """Return the CBS reference date used for a report year (1 January of that year), as stored in the table."""
    return f"{jaar}-01-01"


def cbs_per_gemeente(jaar: int, root: Path | None = None) -> pd.Series | None:
    """Return the CBS population per gemeente on 1 January of the year, or None when CBS has no count then."""
    if not beschikbaar(T_BEVOLKING, None, root):
        return None
    cbs = lees_tabel(T_BEVOLKING, None, root)
    cbs = cbs[cbs["peildatum"].astype(str) == cbs_peildatum(jaar)]
    if cbs.empty:
        return None
    return cbs.groupby("gemeente", sort=False)["inwoners"].sum().astype(int)


def inwoners(jaar: int, root: Path | None = None) -> Inwoners:
    """Return the report's inhabitant count with last year's and the CBS total of the eight gemeenten."""
    aantal, onzeker = _inwoners_waarde(jaar, root)
    vorig, _ = _inwoners_waarde(jaar - 1, root)
    cbs = cbs_per_gemeente(jaar, root)
    return Inwoners(jaar, aantal, vorig, None if cbs is None else int(cbs.sum()), onzeker)


def inwoners_zin(inw: Inwoners) -> str:
    """Return the sentence on the number of inhabitants, or say it is not available."""
    if inw.aantal is None:
        return f"Een aantal inwoners van het werkgebied voor {inw.jaar} is niet beschikbaar in data/{inw.jaar}/."
    zin = f"Het werkgebied van SHT telde in {inw.jaar} volgens het jaarverslag {fmt.getal(inw.aantal)} inwoners"
    if inw.aantal_vorig_jaar is None:
        zin += f"; een aantal voor {inw.jaar - 1} is niet beschikbaar."
    else:
        zin += (f", tegen {fmt.getal(inw.aantal_vorig_jaar)} in {inw.jaar - 1} "
                f"({fmt.verandering(inw.verandering_pct)}).")
    if inw.onzeker:
        zin += " Dit aantal is onzeker overgenomen (zie het codeboek)."
    return zin


def noemers(jaar: int, root: Path | None = None) -> pd.DataFrame | None:
    """Return the report's own inhabitants per gemeente (thousands) beside the CBS count on 1 January, or None."""
    if not beschikbaar(T_NOEMER, jaar, root):
        return None
    eigen = lees_tabel(T_NOEMER, jaar, root)[["gemeente", "inwoners_x1000", "status"]]
    cbs = cbs_per_gemeente(jaar, root)
    eigen["cbs_x1000"] = pd.array([None if cbs is None or g not in cbs.index else float(cbs[g]) / DUIZENDTAL
                                   for g in eigen["gemeente"]], dtype="Float64")
    return eigen.reset_index(drop=True)


def noemers_tabel(frame: pd.DataFrame, jaar: int) -> pd.DataFrame:
    """Return the denominator comparison with Dutch column names and a total row."""
    table = frame.drop(columns=["status"])
    total = pd.DataFrame({"gemeente": [TOTAAL], "inwoners_x1000": [table["inwoners_x1000"].sum(min_count=1)],
                          "cbs_x1000": [table["cbs_x1000"].sum(min_count=1)]})
    table = pd.concat([table, total], ignore_index=True).astype({"inwoners_x1000": "Int64", "cbs_x1000": "Float64"})
    return table.rename(columns={"gemeente": "Gemeente", "inwoners_x1000": "Verslag (× 1.000)",
                                 "cbs_x1000": f"CBS 1 januari {jaar} (× 1.000)"})


def noemers_onzeker(frame: pd.DataFrame) -> pd.Series:
    """Return the uncertainty marks for `noemers_tabel` (the total is marked when any part is)."""
    marks = frame["status"].eq(ONZEKER).fillna(False)
    return pd.concat([marks, pd.Series([bool(marks.any())])], ignore_index=True)


def noemers_opmaak(jaar: int) -> dict:
    """Return the number formats of the denominator table (CBS in thousands with one decimal)."""
    return {f"CBS 1 januari {jaar} (× 1.000)": lambda v: fmt.getal(v, 1)}


def grootste_afwijking_zin(frame: pd.DataFrame | None, jaar: int) -> str:
    """Return a sentence naming the gemeente where the report's denominator differs most from CBS."""
    if frame is None:
        return f"Voor {jaar} is die vergelijking niet te maken."
    known = frame[frame["inwoners_x1000"].notna() & frame["cbs_x1000"].notna()]
    if known.empty:
        return f"Een CBS-telling per gemeente op 1 januari {jaar} is niet beschikbaar, dus een vergelijking ontbreekt."
    verschil = (known["cbs_x1000"].astype(float) - known["inwoners_x1000"].astype(float))
    top = known.loc[verschil.idxmax()]
    return (f"Het grootste verschil is er bij {top['gemeente']}: het verslag rekent met "
            f"{fmt.getal(top['inwoners_x1000'])} duizend inwoners, CBS telt er "
            f"{fmt.getal(top['cbs_x1000'], 1)} duizend.")


# --- help requests per age group --------------------------------------------------------------------


@dataclass(frozen=True)
class Hulpvragen:
    """Help requests per leeftijdsgroep for one year, with last year, the types and the rates per 1,000."""

    jaar: int
    frame: pd.DataFrame | None
    # frame: leeftijdsgroep, aantal, aantal_vorig_jaar, index_pct, status, bevolking, per_1000,
    #        bevolking_vorig_jaar, per_1000_vorig_jaar, and one column per soort when the types are known
    soorten: list[str]
    vorig_jaar_beschikbaar: bool

    @property
    def beschikbaar(self) -> bool:
        return self.frame is not None

    @property
    def bevolking_beschikbaar(self) -> bool:
        return self.beschikbaar and bool(self.frame["per_1000"].notna().any())

    @property
    def bevolking_vorig_jaar_beschikbaar(self) -> bool:
        return self.beschikbaar and bool(self.frame["per_1000_vorig_jaar"].notna().any())

    @property
    def totaal(self) -> int:
        return int(self.frame["aantal"].sum())

    @property
    def totaal_vorig_jaar(self) -> int | None:
        value = self.frame["aantal_vorig_jaar"].sum(min_count=1)
        return None if pd.isna(value) else int(value)


def _per_1000(aantal, bevolking) -> float | None:
    if pd.isna(aantal) or pd.isna(bevolking) or not bevolking:
        return None
    return float(aantal) / float(bevolking) * PER_DUIZEND


def _bevolking(jaar: int, groepen: list[str], root: Path | None) -> pd.Series:
    """Return the CBS population per report age group on 1 January of the year (empty when CBS lacks the year)."""
    if not beschikbaar(T_BEVOLKING, None, root):
        return pd.Series(dtype=float)
    pop = bevolking_per_groep(groepen, root)
    return pop[pop["jaar"] == jaar].set_index("leeftijdsgroep")["bevolking"]


def hulpvragen(jaar: int, root: Path | None = None) -> Hulpvragen:
    """Return help requests per leeftijdsgroep (printed totals) with last year, the growth index and rates per 1,000.

    The growth index is this year as a whole percentage of last year, rounded half up, as the report prints it.
    Rates use the CBS population on 1 January of the same year (1 January 2021 for 2021).
    """
    if not beschikbaar(T_TOTAAL, jaar, root):
        return Hulpvragen(jaar, None, [], False)
    groepen = _groepen(root)
    frame = lees_tabel(T_TOTAAL, jaar, root)[["leeftijdsgroep", "aantal", "status"]]
    has_previous = beschikbaar(T_TOTAAL, jaar - 1, root)
    if has_previous:
        vorig = lees_tabel(T_TOTAAL, jaar - 1, root)[["leeftijdsgroep", "aantal", "status"]]
        vorig = vorig.rename(columns={"aantal": "aantal_vorig_jaar", "status": "status_vorig_jaar"})
        frame = frame.merge(vorig, on="leeftijdsgroep", how="left")
    else:
        frame["aantal_vorig_jaar"] = pd.array([pd.NA] * len(frame), dtype="Int64")
        frame["status_vorig_jaar"] = pd.NA
    either = frame["status"].eq(ONZEKER).fillna(False) | frame["status_vorig_jaar"].eq(ONZEKER).fillna(False)
    frame["status"] = frame["status"].mask(either, ONZEKER)
    frame = frame.drop(columns=["status_vorig_jaar"])
    frame["index_pct"] = pd.array([gedrukt_index(n, v) for n, v in zip(frame["aantal"], frame["aantal_vorig_jaar"])],
                                  dtype="Int64")
    for suffix, year in (("", jaar), ("_vorig_jaar", jaar - 1)):
        pop = _bevolking(year, groepen, root)
        frame[f"bevolking{suffix}"] = pd.array([pop.get(g) for g in frame["leeftijdsgroep"]], dtype="Float64")
        frame[f"per_1000{suffix}"] = pd.array([_per_1000(n, b) for n, b in
                                               zip(frame[f"aantal{suffix}"], frame[f"bevolking{suffix}"])],
                                              dtype="Float64")
    soorten: list[str] = []
    if beschikbaar(T_SOORT, jaar, root):
        types = lees_tabel(T_SOORT, jaar, root)
        soorten = [s for s in categorieen(root)["soort_contact"] if s in set(types["soort"])]
        wide = types.pivot(index="leeftijdsgroep", columns="soort", values="aantal")[soorten].reset_index()
        frame = frame.merge(wide, on="leeftijdsgroep", how="left")
        onzeker_types = set(types.loc[types["status"] == ONZEKER, "leeftijdsgroep"])
        frame.loc[frame["leeftijdsgroep"].isin(onzeker_types), "status"] = ONZEKER
    rank = {g: i for i, g in enumerate(groepen)}
    frame = frame.sort_values("leeftijdsgroep", key=lambda s: s.map(rank)).reset_index(drop=True)
    return Hulpvragen(jaar, frame, soorten, has_previous)


def _index_kolom(jaar: int) -> str:
    return f"% t.o.v. {jaar - 1}"


def tabel_aantallen(h: Hulpvragen) -> pd.DataFrame:
    """Return the counts table: per age group the types (if known), the totals and the growth index, with a total row."""
    jaar = h.jaar
    groups = [groep_label(g) for g in h.frame["leeftijdsgroep"]]
    table = pd.DataFrame({"Leeftijdsgroep": groups + [TOTAAL]})
    columns = [(SOORT_KOP.get(s, s), s) for s in h.soorten] + [(f"Totaal {jaar}", "aantal")]
    if h.vorig_jaar_beschikbaar:
        columns.append((f"Totaal {jaar - 1}", "aantal_vorig_jaar"))
    for title, column in columns:
        values = h.frame[column]
        table[title] = pd.array([*values, values.sum(min_count=1)], dtype="Int64")
    if h.vorig_jaar_beschikbaar:
        table[_index_kolom(jaar)] = pd.array(
            [*h.frame["index_pct"], gedrukt_index(h.totaal, h.totaal_vorig_jaar)], dtype="Int64")
    return table


def tabel_aantallen_opmaak(jaar: int) -> dict:
    """Return the formats of the counts table (the index in whole percent)."""
    return {_index_kolom(jaar): lambda v: fmt.procent(v, 0)}


def tabel_per_1000(h: Hulpvragen) -> pd.DataFrame:
    """Return the rates table: per age group the CBS population and help requests per 1,000, per year known.

    The last row covers all ages: all help requests over the whole CBS population of the eight gemeenten.
    """
    table = pd.DataFrame({"Leeftijdsgroep": [groep_label(g) for g in h.frame["leeftijdsgroep"]] + [ALLE_LEEFTIJDEN]})
    for suffix, year in (("_vorig_jaar", h.jaar - 1), ("", h.jaar)):
        if h.frame[f"per_1000{suffix}"].notna().any():
            bevolking, aantal = h.frame[f"bevolking{suffix}"], h.frame[f"aantal{suffix}"]
            table[f"Inwoners {year} (CBS)"] = pd.array([*bevolking, bevolking.sum()], dtype="Float64")
            table[f"Per 1.000 inwoners {year}"] = pd.array(
                [*h.frame[f"per_1000{suffix}"], _per_1000(aantal.sum(), bevolking.sum())], dtype="Float64")
    return table


def tabel_per_1000_opmaak(h: Hulpvragen) -> dict:
    """Return the formats of the rates table (rates in whole numbers)."""
    return {f"Per 1.000 inwoners {year}": lambda v: fmt.getal(v, PER_1000_DECIMALEN)
            for year in (h.jaar - 1, h.jaar)}


def onzeker(h: Hulpvragen) -> pd.Series:
    """Return which age groups hold an uncertain value."""
    return h.frame["status"].eq(ONZEKER).fillna(False)


def tabel_onzeker(h: Hulpvragen) -> pd.Series:
    """Return the uncertainty marks for the tables with a total row (the total is marked when any part is)."""
    marks = onzeker(h)
    return pd.concat([marks, pd.Series([bool(marks.any())])], ignore_index=True)


def _opsomming(delen: list[str]) -> str:
    return delen[0] if len(delen) == 1 else ", ".join(delen[:-1]) + " en " + delen[-1]


def totaal_zin(h: Hulpvragen) -> str:
    """Return the sentence with the total number of help requests and last year's."""
    if not h.beschikbaar:
        return f"Voor {h.jaar} zijn geen hulpvragen per leeftijdsgroep beschikbaar in data/{h.jaar}/."
    zin = f"In {h.jaar} kwamen er bij SHT {fmt.getal(h.totaal)} hulpvragen binnen"
    if h.totaal_vorig_jaar is not None:
        zin += (f", tegen {fmt.getal(h.totaal_vorig_jaar)} in {h.jaar - 1} "
                f"({fmt.verandering(verandering_pct(h.totaal, h.totaal_vorig_jaar))})")
    return zin + "."


def groei_zin(h: Hulpvragen) -> str:
    """Return the sentence naming the age groups that grew and shrank most against last year."""
    if not h.beschikbaar:
        return f"Voor {h.jaar} zijn geen hulpvragen per leeftijdsgroep beschikbaar, dus ook geen vergelijking."
    if not h.vorig_jaar_beschikbaar:
        return (f"Hulpvragen per leeftijdsgroep over {h.jaar - 1} zijn niet beschikbaar in data/, "
                f"dus een vergelijking met het vorige jaar kan niet worden gemaakt.")
    known = h.frame[h.frame["index_pct"].notna()]
    vorig = h.jaar - 1
    zinnen = []
    up = known[known["index_pct"] > 100]
    if not up.empty:
        top = up.loc[up["index_pct"].astype(int).idxmax()]
        zinnen.append(f"Vergeleken met {vorig} groeide het aantal hulpvragen het sterkst bij "
                      f"{groep_label(top['leeftijdsgroep'])}: {fmt.getal(top['aantal'])} tegen "
                      f"{fmt.getal(top['aantal_vorig_jaar'])}, {fmt.procent(top['index_pct'], 0)} van het jaar ervoor.")
    down = known[known["index_pct"] < 100]
    if not down.empty:
        low = down.loc[down["index_pct"].astype(int).idxmin()]
        zinnen.append(f"De grootste daling was er bij {groep_label(low['leeftijdsgroep'])}: "
                      f"{fmt.getal(low['aantal'])} tegen {fmt.getal(low['aantal_vorig_jaar'])} "
                      f"({fmt.procent(low['index_pct'], 0)}).")
        if len(down) > 1:
            zinnen.append(f"Minder hulpvragen dan in {vorig} kwamen er van "
                          f"{_opsomming([groep_label(g) for g in down['leeftijdsgroep']])}.")
    return " ".join(zinnen) or f"In geen enkele leeftijdsgroep veranderde het aantal hulpvragen ten opzichte van {vorig}."


def per_1000_zin(h: Hulpvragen) -> str:
    """Return the sentence naming the age groups with the highest and lowest help requests per 1,000."""
    if not h.beschikbaar:
        return f"Zonder hulpvragen per leeftijdsgroep zijn er voor {h.jaar} ook geen cijfers per 1.000 inwoners."
    if not h.bevolking_beschikbaar:
        return (f"Voor {h.jaar} is geen CBS-bevolking naar leeftijd beschikbaar, dus hulpvragen per 1.000 inwoners "
                f"zijn niet te berekenen.")
    rates = h.frame.set_index("leeftijdsgroep")["per_1000"].dropna().astype(float)
    hoog, laag = rates.idxmax(), rates.idxmin()
    zin = (f"Per 1.000 inwoners van de eigen leeftijdsgroep vroegen in {h.jaar} de inwoners van {groep_label(hoog)} "
           f"het vaakst hulp ({fmt.getal(rates[hoog], PER_1000_DECIMALEN)}) en die van {groep_label(laag)} het minst vaak "
           f"({fmt.getal(rates[laag], PER_1000_DECIMALEN)}).")
    if h.bevolking_vorig_jaar_beschikbaar:
        vorig = h.frame.set_index("leeftijdsgroep")["per_1000_vorig_jaar"].astype(float)
        change = (rates - vorig.reindex(rates.index)).dropna()
        if not change.empty:
            g = change.abs().idxmax()
            richting = "steeg" if change[g] > 0 else "daalde"
            zin += (f" Het cijfer {richting} het meest bij {groep_label(g)}: van "
                    f"{fmt.getal(vorig[g], PER_1000_DECIMALEN)} in {h.jaar - 1} naar "
                    f"{fmt.getal(rates[g], PER_1000_DECIMALEN)} in {h.jaar}.")
    return zin


def bevolking_zin(h: Hulpvragen, inw: Inwoners) -> str:
    """Return the sentence saying which population the rates use and how it differs from the report's count."""
    if not h.beschikbaar:
        return f"Voor {h.jaar} is geen bevolking als noemer gebruikt."
    if not h.bevolking_beschikbaar:
        return (f"Voor {h.jaar} is geen noemer gebruikt: een CBS-telling naar leeftijd op 1 januari {h.jaar} "
                f"ontbreekt in data/referentie/.")
    zin = (f"De noemer is de bevolking van de acht gemeenten van het werkgebied volgens CBS op 1 januari {h.jaar} "
           f"({fmt.getal(h.frame['bevolking'].sum())} inwoners), per leeftijdsgroep opgeteld uit groepen van vijf jaar")
    if h.bevolking_vorig_jaar_beschikbaar:
        zin += f"; voor {h.jaar - 1} is dat de telling op 1 januari {h.jaar - 1}"
    zin += "."
    if inw.aantal is not None:
        zin += (f" Het jaarverslag zelf noemt {fmt.getal(inw.aantal)} inwoners: iets minder, omdat SHT maar een deel "
                f"van Hof van Twente bedient terwijl CBS de hele gemeente telt. Ook rondt CBS de aantallen per postcode "
                f"af op vijftallen. De cijfers per 1.000 inwoners zijn daardoor eerder iets te laag dan te hoog.")
    return zin


def index_uitleg(h: Hulpvragen) -> str:
    """Return the sentence explaining the percentage column, or an empty string when the table has none."""
    if not h.beschikbaar or not h.vorig_jaar_beschikbaar:
        return ""
    return (f"De laatste kolom geeft het aantal van {h.jaar} als percentage van {h.jaar - 1}, afgerond op een heel "
            f"procent zoals in het jaarverslag: boven 100% is groei, eronder daling.")


def hulpvragen_zin(h: Hulpvragen) -> str:
    """Return the section's paragraph: total, growth per age group, how to read the table and its certainty."""
    if not h.beschikbaar:
        return (f"Voor {h.jaar} zijn geen hulpvragen per leeftijdsgroep beschikbaar in data/{h.jaar}/, dus ook geen "
                f"vergelijking met {h.jaar - 1}.")
    return " ".join(z for z in (totaal_zin(h), groei_zin(h), index_uitleg(h), onzeker_zin(h)) if z)


def onzeker_zin(h: Hulpvragen) -> str:
    """Return a sentence on uncertain values in the help request tables (the reason comes from the data)."""
    if not h.beschikbaar:
        return f"Er zijn voor {h.jaar} geen hulpvragen per leeftijdsgroep om te beoordelen."
    if not onzeker(h).any():
        return "Alle aantallen hulpvragen per leeftijdsgroep staan eenduidig in het jaarverslag en zijn zeker overgenomen."
    groepen = [groep_label(g) for g in h.frame.loc[onzeker(h), "leeftijdsgroep"]]
    return f"De aantallen van {_opsomming(groepen)} zijn onzeker (†); de reden staat in het codeboek."


# --- chart ---------------------------------------------------------------------------------------------


def grafiek(h: Hulpvragen):
    """Return a dot plot of help requests per 1,000 inhabitants per age group (last year and this year) and its alt text."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    from jaarverslag.render import charts

    frame = h.frame.iloc[::-1].reset_index(drop=True)  # youngest group on top
    y = list(range(len(frame)))
    colours = sns.color_palette(charts.PALETTE, 2)
    series = [("per_1000_vorig_jaar", h.jaar - 1, "o", colours[0], -15),
              ("per_1000", h.jaar, "D", colours[1], 7)]
    series = [s for s in series if frame[s[0]].notna().any()]
    fig, ax = plt.subplots(figsize=(6, 4.6))
    if len(series) == 2:
        for yi, a, b in zip(y, frame[series[0][0]], frame[series[1][0]]):
            if pd.notna(a) and pd.notna(b):
                ax.plot([a, b], [yi, yi], color="#999999", linewidth=1.5, zorder=1)
    for column, year, marker, colour, offset in series:
        values = frame[column].astype(float)
        ax.scatter(values, y, marker=marker, s=70, color=colour, label=str(year), zorder=3,
                   edgecolor="black", linewidth=0.6)
        for yi, v in zip(y, values):
            if pd.notna(v):
                ax.annotate(fmt.getal(v, PER_1000_DECIMALEN), (v, yi), textcoords="offset points",
                            xytext=(0, offset), ha="center", fontsize=10)
    ax.set_yticks(y, [groep_label(g) for g in frame["leeftijdsgroep"]])
    ax.set_ylim(-0.7, len(frame) - 0.4)
    high = max(frame[c].astype(float).max() for c, *_ in series)
    ax.set_xlim(0, high * 1.12)
    ax.set_xlabel("Hulpvragen per 1.000 inwoners van die leeftijd")
    ax.set_ylabel("")
    ax.set_title("Hulpvragen naar leeftijd", pad=30)
    charts.dutch_thousands(ax.xaxis)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False, fontsize=11)
    charts.bron(fig, f"jaarverslag SHT (hulpvragen); {CBS_BRON} (noemer)")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    rates = h.frame.set_index("leeftijdsgroep")["per_1000"].astype(float)
    parts = [f"{groep_label(g)} {fmt.getal(v, PER_1000_DECIMALEN)}" for g, v in rates.items()]
    alt = (f"Stippengrafiek van het aantal hulpvragen per 1.000 inwoners per leeftijdsgroep in {h.jaar}"
           + (f", met {h.jaar - 1} ernaast" if len(series) == 2 else "") + f". Cijfers {h.jaar}: "
           + _opsomming(parts) + ".")
    if len(series) == 2:
        vorig = h.frame.set_index("leeftijdsgroep")["per_1000_vorig_jaar"].astype(float)
        alt += f" Cijfers {h.jaar - 1}: " + _opsomming(
            [f"{groep_label(g)} {fmt.getal(v, PER_1000_DECIMALEN)}" for g, v in vorig.items()]) + "."
    return fig, alt
