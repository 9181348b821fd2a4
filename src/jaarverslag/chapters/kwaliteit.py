"""Kwaliteit: complaints, VIM reports and calamities, and G+HOK signalling, with last year where known."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from jaarverslag.render import fmt
from jaarverslag.data.codebook import categorieen
from jaarverslag.data.load import beschikbaar, lees_tabel
from jaarverslag.data.metrics import met_vorig_jaar, verandering_pct

ZEKER = "zeker"
ONTBREEKT = "ontbreekt"
# Singular and plural of each soort for Dutch sentences; an unknown soort falls back to its own name.
SOORT_NAMEN = {"Klacht": ("klacht", "klachten"), "VIM-melding": ("VIM-melding", "VIM-meldingen"),
               "Calamiteit": ("calamiteit", "calamiteiten")}
# The G+HOK indicator that counts children seen; the other indicators are signals about (child) safety.
KINDEREN = "Kinderen op de spoedposten"
# Signals expressed per this many children seen at the posts.
PER_KINDEREN = 1000
LABEL_WIDTH = 22  # characters per line of a category label in a chart (phone width)


@dataclass(frozen=True)
class Vergelijking:
    """A year's counts per category with last year's counts beside them, or nothing when the table is missing."""

    jaar: int
    frame: pd.DataFrame | None  # <sleutel>, aantal, status, aantal_vorig_jaar, status_vorig_jaar, verschil, verandering_pct
    vorig_jaar_beschikbaar: bool

    @property
    def beschikbaar(self) -> bool:
        return self.frame is not None


def _vergelijking(naam: str, jaar: int, sleutel: str, volgorde: list[str], root: Path | None) -> Vergelijking:
    """Return a table's counts for the year with last year, in codebook order (rows of this year only)."""
    if not beschikbaar(naam, jaar, root):
        return Vergelijking(jaar, None, False)
    frame, has_previous = met_vorig_jaar(naam, jaar, [sleutel], root=root)
    status = lees_tabel(naam, jaar, root)[[sleutel, "status"]]
    frame = status.merge(frame, on=sleutel, how="left")  # this year's rows, also those whose value is missing
    if has_previous:
        vorig = lees_tabel(naam, jaar - 1, root)[[sleutel, "status"]].rename(columns={"status": "status_vorig_jaar"})
        frame = frame.merge(vorig, on=sleutel, how="left")
    else:
        frame["status_vorig_jaar"] = pd.NA
    frame["verschil"] = (frame["aantal"] - frame["aantal_vorig_jaar"]).astype("Int64")
    changes = [verandering_pct(n, v) for n, v in zip(frame["aantal"], frame["aantal_vorig_jaar"])]
    frame["verandering_pct"] = pd.array(changes, dtype="Float64")
    rank = {name: i for i, name in enumerate(volgorde)}
    frame = frame.sort_values(sleutel, key=lambda s: s.map(lambda v: rank.get(v, len(rank)))).reset_index(drop=True)
    columns = [sleutel, "aantal", "status", "aantal_vorig_jaar", "status_vorig_jaar", "verschil", "verandering_pct"]
    return Vergelijking(jaar, frame[columns], has_previous)


def meldingen(jaar: int, root: Path | None = None) -> Vergelijking:
    """Return the printed numbers of complaints, VIM reports and calamities with last year's."""
    return _vergelijking("kwaliteitsmeldingen_totaal", jaar, "soort", categorieen(root)["soort_melding"], root)


def signalering(jaar: int, root: Path | None = None) -> Vergelijking:
    """Return the G+HOK indicators (abuse reports, 'niet pluis', domestic violence, children seen) with last year's."""
    return _vergelijking("signalering_ghok", jaar, "indicator", categorieen(root)["indicator_ghok"], root)


def classificaties(jaar: int, root: Path | None = None) -> pd.DataFrame | None:
    """Return complaints, VIM reports and calamities per classification with each one's share within its soort."""
    if not beschikbaar("kwaliteitsmeldingen", jaar, root):
        return None
    frame = lees_tabel("kwaliteitsmeldingen", jaar, root)[["soort", "classificatie", "aantal", "status"]]
    soort_rank = {s: i for i, s in enumerate(categorieen(root)["soort_melding"])}
    frame = frame.sort_values("soort", key=lambda s: s.map(soort_rank), kind="stable").reset_index(drop=True)
    som = frame.groupby("soort")["aantal"].transform("sum")
    frame["aandeel_pct"] = pd.array([None if pd.isna(n) or not t else float(n) / float(t) * 100
                                     for n, t in zip(frame["aantal"], som)], dtype="Float64")
    return frame


def _naam(soort: str, aantal) -> str:
    singular, plural = SOORT_NAMEN.get(soort, (soort, soort))
    return singular if aantal == 1 else plural


def _aantal_met_naam(soort: str, aantal, status: str) -> str:
    if pd.isna(aantal):
        return f"een onbekend aantal {_naam(soort, 2)} (ontbreekt in de bron)"
    text = f"{fmt.getal(aantal)} {_naam(soort, aantal)}"
    return text if status == ZEKER else f"{text} (onzeker)"


def verschil_tekst(value) -> str:
    """Format a difference in counts with its sign: '+10', '−30', '±0'."""
    if pd.isna(value):
        return fmt.MISSING_TEXT
    return ("+" if value > 0 else "−" if value < 0 else "±") + fmt.getal(abs(value))


def _opsomming(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]


def _geen_vorig_jaar(jaar: int) -> str:
    return (f"Cijfers over {jaar - 1} zijn niet beschikbaar in data/, dus een vergelijking met het vorige jaar "
            f"kan niet worden gemaakt.")


def meldingen_zin(vergelijking: Vergelijking) -> str:
    """Return the sentences with the year's complaints, VIM reports and calamities and the change since last year."""
    jaar = vergelijking.jaar
    if not vergelijking.beschikbaar:
        return f"Voor {jaar} zijn geen aantallen klachten, VIM-meldingen en calamiteiten beschikbaar in data/{jaar}/."
    frame = vergelijking.frame
    now = _opsomming([_aantal_met_naam(r.soort, r.aantal, r.status) for r in frame.itertuples(index=False)])
    text = f"In {jaar} registreerde SHT {now}."
    if not vergelijking.vorig_jaar_beschikbaar:
        return f"{text} {_geen_vorig_jaar(jaar)}"
    changes = []
    for row in frame.itertuples(index=False):
        if pd.isna(row.verschil):
            changes.append(f"voor de {_naam(row.soort, 2)} is geen vergelijking mogelijk")
        elif row.verschil == 0:
            changes.append(f"evenveel {_naam(row.soort, 2)} ({fmt.getal(row.aantal_vorig_jaar)})")
        else:
            richting = "meer" if row.verschil > 0 else "minder"
            changes.append(f"{fmt.getal(abs(row.verschil))} {_naam(row.soort, abs(row.verschil))} {richting} "
                           f"({fmt.getal(row.aantal_vorig_jaar)} in {jaar - 1}, {fmt.verandering(row.verandering_pct)})")
    return f"{text} Vergeleken met {jaar - 1} zijn dat {_opsomming(changes)}."


def som_controle_zin(jaar: int, root: Path | None = None) -> str:
    """Return whether the classifications add up to the printed number per soort (the reconstruction's check)."""
    frame = classificaties(jaar, root)
    if frame is None or not beschikbaar("kwaliteitsmeldingen_totaal", jaar, root):
        return "Daarom valt er ook niets na te tellen."
    som = frame.groupby("soort")["aantal"].sum()
    printed = lees_tabel("kwaliteitsmeldingen_totaal", jaar, root).set_index("soort")["aantal"]
    differ = [f"{_naam(s, 2)}: classificaties samen {fmt.getal(som.get(s, 0))}, gedrukt {fmt.getal(p)}"
              for s, p in printed.items() if pd.notna(p) and som.get(s, 0) != p]
    if differ:
        return "Let op: de classificaties tellen niet op tot het gedrukte aantal (" + "; ".join(differ) + ")."
    return "De classificaties tellen per soort precies op tot het gedrukte aantal."


def grootste_classificatie_zin(frame: pd.DataFrame | None, jaar: int) -> str:
    """Return one sentence naming the largest classification of each soort with its share."""
    if frame is None:
        return f"Voor {jaar} is de verdeling naar classificatie niet beschikbaar in data/{jaar}/."
    parts = []
    for soort, group in frame.dropna(subset=["aantal"]).groupby("soort", sort=False):
        top = group.sort_values("aantal", ascending=False, kind="stable").iloc[0]
        parts.append(f"bij de {_naam(soort, 2)} “{top['classificatie'].lower()}” ({fmt.getal(top['aantal'])}, "
                     f"{fmt.procent(top['aandeel_pct'], 0)})")
    return "De grootste groep was " + _opsomming(parts) + "."


def _indicator_tekst(row, jaar_vorig: int) -> str:
    """Return one indicator's count with last year in words."""
    value = "ontbreekt in de bron" if pd.isna(row.aantal) else fmt.getal(row.aantal)
    if row.status != ZEKER and pd.notna(row.aantal):
        value += " (onzeker)"
    if pd.isna(row.verschil):
        return value
    if row.verschil == 0:
        return f"{value}, evenveel als in {jaar_vorig}"
    richting = "meer" if row.verschil > 0 else "minder"
    return f"{value}, {fmt.getal(abs(row.verschil))} {richting} dan de {fmt.getal(row.aantal_vorig_jaar)} van {jaar_vorig}"


# Sentence templates per G+HOK indicator; {} receives the count with last year. Unknown indicators get a plain line.
GHOK_ZINNEN = {
    "Meldingen kindermishandeling": "Meldingen van kindermishandeling: {}.",
    "Niet pluis": "“Niet pluis” (zorg over de veiligheid van een kind): {}.",
    "Huiselijk geweld vastgesteld": "Vastgesteld huiselijk geweld: {}.",
    KINDEREN: "Kinderen op de spoedposten: {}.",
}
# Signals that concern children only, and so can be put per 1.000 children seen (domestic violence concerns adults too).
PER_KIND_NAMEN = {"Meldingen kindermishandeling": "meldingen van kindermishandeling", "Niet pluis": "“niet pluis”"}


def signalering_zin(vergelijking: Vergelijking) -> str:
    """Return the G+HOK figures as short sentences (signals first, children seen last), with last year where known."""
    jaar = vergelijking.jaar
    if not vergelijking.beschikbaar:
        return (f"Voor {jaar} zijn geen cijfers over het signaleren van kindermishandeling en huiselijk geweld "
                f"beschikbaar in data/{jaar}/.")
    frame = vergelijking.frame.sort_values("indicator", key=lambda s: s.eq(KINDEREN), kind="stable")
    lines = [GHOK_ZINNEN.get(r.indicator, r.indicator + ": {}.").format(_indicator_tekst(r, jaar - 1))
             for r in frame.itertuples(index=False)]
    if not vergelijking.vorig_jaar_beschikbaar:
        lines.append(_geen_vorig_jaar(jaar))
    return " ".join(lines)


def per_kinderen(vergelijking: Vergelijking) -> pd.DataFrame | None:
    """Return each signal per 1.000 children seen at the posts, this year and last year (unrounded)."""
    if not vergelijking.beschikbaar or KINDEREN not in set(vergelijking.frame["indicator"]):
        return None
    frame = vergelijking.frame.set_index("indicator")
    kinderen, kinderen_vorig = frame.loc[KINDEREN, "aantal"], frame.loc[KINDEREN, "aantal_vorig_jaar"]
    signals = frame.drop(index=KINDEREN)

    def rate(n, d):
        return None if pd.isna(n) or pd.isna(d) or d == 0 else float(n) / float(d) * PER_KINDEREN

    return pd.DataFrame({
        "indicator": signals.index,
        "per_1000": pd.array([rate(n, kinderen) for n in signals["aantal"]], dtype="Float64"),
        "per_1000_vorig_jaar": pd.array([rate(n, kinderen_vorig) for n in signals["aantal_vorig_jaar"]], dtype="Float64"),
    }).reset_index(drop=True)


def per_kinderen_zin(vergelijking: Vergelijking) -> str:
    """Return one sentence relating reports and 'niet pluis' to the number of children seen."""
    jaar = vergelijking.jaar
    rates = per_kinderen(vergelijking)
    if rates is None or rates["per_1000"].isna().all():
        return f"Voor {jaar} is niet te berekenen hoe vaak er per {fmt.getal(PER_KINDEREN)} kinderen een signaal was."
    parts = []
    for row in rates.dropna(subset=["per_1000"]).itertuples(index=False):
        if row.indicator not in PER_KIND_NAMEN:
            continue
        text = f"{PER_KIND_NAMEN[row.indicator]} {fmt.getal(row.per_1000, 1)}"
        if pd.notna(row.per_1000_vorig_jaar):
            text += f" (in {jaar - 1}: {fmt.getal(row.per_1000_vorig_jaar, 1)})"
        parts.append(text)
    return (f"Omgerekend per {fmt.getal(PER_KINDEREN)} kinderen die de posten bezochten: " + _opsomming(parts) + ".")


def tabel_meldingen(vergelijking: Vergelijking) -> pd.DataFrame:
    """Return the table of complaints, VIM reports and calamities with Dutch column names."""
    jaar = vergelijking.jaar
    frame = vergelijking.frame
    table = pd.DataFrame({"Soort": frame["soort"].astype(str)})
    if vergelijking.vorig_jaar_beschikbaar:
        table[str(jaar - 1)] = frame["aantal_vorig_jaar"]
    table[str(jaar)] = frame["aantal"]
    if vergelijking.vorig_jaar_beschikbaar:
        table["Verschil"] = frame["verschil"]
        table["Verandering"] = frame["verandering_pct"]
    return table


def tabel_signalering(vergelijking: Vergelijking) -> pd.DataFrame:
    """Return the G+HOK table with Dutch column names."""
    table = tabel_meldingen(Vergelijking(vergelijking.jaar, vergelijking.frame.rename(columns={"indicator": "soort"}),
                                         vergelijking.vorig_jaar_beschikbaar))
    return table.rename(columns={"Soort": "Indicator"})


def tabel_classificaties(frame: pd.DataFrame) -> pd.DataFrame:
    """Return the classification table with Dutch column names."""
    return pd.DataFrame({"Soort": frame["soort"].astype(str), "Classificatie": frame["classificatie"].astype(str),
                         "Aantal": frame["aantal"], "Aandeel binnen de soort": frame["aandeel_pct"]})


def onzeker(frame: pd.DataFrame, *kolommen: str) -> pd.Series:
    """Return which rows hold a value that is not certain in any of the given status columns."""
    mask = pd.Series(False, index=frame.index)
    for column in kolommen:
        mask |= frame[column].notna() & frame[column].ne(ZEKER)
    return mask


def onzeker_zin(jaar: int, *frames: pd.DataFrame | None) -> str:
    """Return a sentence on uncertain or missing values in the chapter's tables, or that all values are certain."""
    if all(frame is None for frame in frames):
        return f"Voor {jaar} staan er in dit hoofdstuk geen getallen, dus ook geen onzekere."
    counts = {"onzeker": 0, ONTBREEKT: 0}
    for frame in frames:
        if frame is None:
            continue
        for column in [c for c in frame.columns if c.startswith("status")]:
            for status, n in frame[column].value_counts().items():
                if status in counts:
                    counts[status] += int(n)
    if not any(counts.values()):
        return "Alle getallen in dit hoofdstuk zijn eenduidig uit het jaarverslag overgenomen."
    return (f"{fmt.getal(counts['onzeker'])} waarde(n) zijn onzeker (gemarkeerd met †) en "
            f"{fmt.getal(counts[ONTBREEKT])} ontbreken in de bron; zie de toelichting in het codeboek.")


def opmaak_vergelijking() -> dict:
    """Return the cell formatters of the comparison tables (difference with sign, change in percent)."""
    return {"Verschil": verschil_tekst, "Verandering": fmt.verandering}


def opmaak_classificaties() -> dict:
    """Return the cell formatters of the classification table."""
    return {"Aandeel binnen de soort": lambda v: fmt.procent(v, 0)}


# --- charts ------------------------------------------------------------------------------------------


def _label(value: str) -> str:
    """Return a chart label: the plural of a soort with a capital ('Klachten'), other values unchanged."""
    if value not in SOORT_NAMEN:
        return value
    plural = SOORT_NAMEN[value][1]
    return plural[0].upper() + plural[1:]


def _wrap(label: str) -> str:
    return "\n".join(textwrap.wrap(label, LABEL_WIDTH)) or label


def grafiek_classificaties(frame: pd.DataFrame, jaar: int):
    """Return horizontal bars per classification, one panel per soort on one scale, with value labels, and alt text."""
    import matplotlib.pyplot as plt

    from jaarverslag.render import charts

    frame = frame.dropna(subset=["aantal"])
    groups = [(s, g) for s, g in frame.groupby("soort", sort=False)]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    fig, axes = plt.subplots(len(groups), 1, figsize=(7, 1.0 + 0.42 * len(frame) + 0.5 * len(groups)), sharex=True,
                             gridspec_kw={"height_ratios": [len(g) for _, g in groups]}, squeeze=False)
    largest = float(frame["aantal"].max())
    for ax, (colour, (soort, group)) in zip(axes[:, 0], zip(colours, groups)):
        group = group.sort_values("aantal", ascending=True, kind="stable")
        labels = [_wrap(c) for c in group["classificatie"]]
        ax.barh(labels, group["aantal"].astype(float), color=colour)
        for y, (n, share, status) in enumerate(zip(group["aantal"], group["aandeel_pct"], group["status"])):
            mark = " †" if status != ZEKER else ""
            ax.text(float(n) + largest * 0.01, y, f"{fmt.getal(n)} ({fmt.procent(share, 0)}){mark}",
                    va="center", ha="left", fontsize=9)
        total = int(group["aantal"].sum())
        name = _naam(soort, 2)
        ax.set_title(f"{name[0].upper()}{name[1:]} ({fmt.getal(total)})", loc="left", fontsize=11)
        ax.set_ylabel("")
        ax.tick_params(axis="y", labelsize=9)
    axes[-1, 0].set_xlim(0, largest * 1.3)
    axes[-1, 0].set_xlabel("Aantal meldingen", fontsize=10)
    axes[-1, 0].tick_params(axis="x", labelsize=9)
    charts.dutch_thousands(axes[-1, 0].xaxis)
    fig.suptitle(f"Meldingen naar classificatie, {jaar}", fontweight="bold", fontsize=12, x=0.01, ha="left")
    charts.bron(fig, f"jaarverslag SHT, data/{jaar}/kwaliteitsmeldingen.csv")
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    tops = []
    for soort, group in groups:
        top = group.sort_values("aantal", ascending=False, kind="stable").iloc[0]
        tops.append(f"{_label(soort)}: {fmt.getal(group['aantal'].sum())}, vooral {top['classificatie'].lower()} "
                    f"({fmt.getal(top['aantal'])})")
    alt = (f"Liggende staafdiagrammen van het aantal meldingen per classificatie in {jaar}, één blok per soort, "
           f"met het aantal en het aandeel bij elke staaf. " + "; ".join(tops) + ".")
    return fig, alt


def grafiek_vergelijking(vergelijking: Vergelijking, titel: str, eenheid: str, bestand: str,
                         weglaten: tuple[str, ...] = ()):
    """Return horizontal bars of this year against last year per category (last year hatched), labelled, and alt text."""
    import matplotlib.pyplot as plt
    import numpy as np

    from jaarverslag.render import charts

    jaar = vergelijking.jaar
    frame = vergelijking.frame
    frame = frame[~frame.iloc[:, 0].isin(weglaten)].reset_index(drop=True)
    key = frame.columns[0]
    series = [(str(jaar), "aantal", None)]
    if vergelijking.vorig_jaar_beschikbaar:
        series = [(str(jaar - 1), "aantal_vorig_jaar", "///"), *series]
    colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    height = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(7, 1.4 + 0.75 * len(frame)))
    y = np.arange(len(frame))[::-1]
    largest = float(pd.concat([frame[c] for _, c, _ in series]).astype("Float64").max())
    for i, (label, column, hatch) in enumerate(series):
        offset = (i - (len(series) - 1) / 2) * height
        values = frame[column].astype("Float64").fillna(0).astype(float)
        ax.barh(y - offset, values, height=height * 0.95, label=label, color=colours[i] if hatch is None else "white",
                edgecolor=colours[i], hatch=hatch, linewidth=1.2)
        for yy, value in zip(y - offset, frame[column]):
            text = "ontbreekt" if pd.isna(value) else fmt.getal(value)
            ax.text((0 if pd.isna(value) else float(value)) + largest * 0.01, yy, f"{text} ({label})", va="center",
                    ha="left", fontsize=9)
    ax.set_yticks(y, [_wrap(_label(str(v))) for v in frame[key]], fontsize=10)
    ax.tick_params(axis="x", labelsize=9)
    ax.set_xlim(0, largest * 1.35)
    ax.set_xlabel(eenheid, fontsize=10)
    charts.dutch_thousands(ax.xaxis)
    ax.set_title(titel, loc="left", fontsize=11)
    # No legend: every bar's label names its year, so neither colour nor hatching has to be decoded.
    charts.bron(fig, f"jaarverslag SHT, data/{jaar}/{bestand}" +
                (f" en data/{jaar - 1}/{bestand}" if vergelijking.vorig_jaar_beschikbaar else ""))
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    parts = []
    for row in frame.itertuples(index=False):
        text = f"{_label(str(getattr(row, key)))}: {fmt.getal(row.aantal)} in {jaar}"
        if vergelijking.vorig_jaar_beschikbaar:
            text += f" tegen {fmt.getal(row.aantal_vorig_jaar)} in {jaar - 1}"
        parts.append(text)
    alt = (f"Liggend staafdiagram „{titel}”" +
           (f", {jaar} naast {jaar - 1} (gearceerd)" if vergelijking.vorig_jaar_beschikbaar else "") +
           ", met het aantal bij elke staaf. " + "; ".join(parts) + ".")
    return fig, alt
