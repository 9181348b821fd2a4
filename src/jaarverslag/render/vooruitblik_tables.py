"""The Vooruitblik's tables: the scenarios every few years, the threshold years and the worked example."""

from __future__ import annotations

import pandas as pd

from jaarverslag.models.projection import SCENARIOS, THRESHOLDS_PCT, Vooruitblik, drempel, uitstroom_per_year, waarde
from jaarverslag.render import fmt

TABLE_YEAR_STEP = 5  # the projection table shows the base year and every fifth year
SCENARIO_NAMES = {"laag": "laag (minste druk)", "midden": "midden", "hoog": "hoog (meeste druk)"}


def projection_table(v: Vooruitblik) -> pd.DataFrame:
    """Return the table of the three scenarios for the base year and every TABEL_JAREN_STAP years."""
    eind = v.parameters["tot_jaar"]
    jaren = sorted({v.basis.jaar, eind} | {j for j in range(v.basis.jaar + 1, eind) if j % TABLE_YEAR_STEP == 0})
    t = v.projectie[v.projectie["jaar"].isin(jaren)].copy()
    t["volgorde"] = t["scenario"].map({n: i for i, n in enumerate(SCENARIOS)})
    t = t.sort_values(["jaar", "volgorde"], kind="stable")
    t["jaar"] = t["jaar"].astype(str)  # a year, not a quantity: no thousands separator
    t["ouderen_aandeel"] = 100 * t["ouderen_aandeel"]
    kolommen = {
        "jaar": "Jaar",
        "scenario": "Scenario",
        "ouderen_aandeel": "Aandeel 65+ (%)",
        "hulpvragen": "Hulpvragen",
        "consulteenheden": "Consulteenheden",
        "huisartsen": "Huisartsen",
        "druk_index": f"Druk (index {v.basis.jaar} = 100)",
    }
    if t["consulteenheden"].isna().all():
        kolommen.pop("consulteenheden")
    return t[list(kolommen)].rename(columns=kolommen).reset_index(drop=True)


def projection_formatters(tabel: pd.DataFrame) -> dict:
    """Return the Dutch formatting of the projection table's columns."""
    een_decimaal = {c for c in tabel.columns if c.startswith(("Aandeel", "Druk", "Huisartsen"))}
    return {
        c: (lambda x: fmt.getal(x, 1)) if c in een_decimaal else (lambda x: fmt.getal(x))
        for c in tabel.columns
        if c not in ("Jaar", "Scenario")
    }


def threshold_table(v: Vooruitblik) -> pd.DataFrame:
    """Return per scenario the first year pressure is 10% and 25% above the base year (or 'niet vóór ...')."""
    eind = v.parameters["tot_jaar"]
    rijen = []
    for s in SCENARIOS:
        rij = {"Scenario": SCENARIO_NAMES[s]}
        for d in THRESHOLDS_PCT:
            j = drempel(v, s, d)
            rij[f"Druk {d}% hoger in"] = f"niet vóór {eind + 1}" if pd.isna(j) else str(int(j))
        rijen.append(rij)
    return pd.DataFrame(rijen)


def worked_example(v: Vooruitblik) -> pd.DataFrame:
    """Return the first projected year of the central scenario worked out step by step (for the methods chapter)."""
    b, p = v.basis, v.parameters
    j0, j1 = b.jaar, b.jaar + 1
    a = v.aannames["midden"]
    u = uitstroom_per_year(a.uitstroom_pct, p["uitstroom_jaren"])
    w = uitstroom_per_year(a.uitstroom_overig_pct, p["uitstroom_jaren"])
    pool0, pool1 = waarde(v, "midden", j0, "huisartsen"), waarde(v, "midden", j1, "huisartsen")
    leden1, overig1 = waarde(v, "midden", j1, "leden"), waarde(v, "midden", j1, "overig")
    h0, h1 = waarde(v, "midden", j0, "hulpvragen"), waarde(v, "midden", j1, "hulpvragen")
    d1 = waarde(v, "midden", j1, "druk_index")
    rijen = [
        (
            "Uitstroom huisartsleden per jaar (%)",
            f"1 − (1 − {fmt.getal(a.uitstroom_pct, 1)}%)^(1/{p['uitstroom_jaren']})",
            fmt.getal(100 * u, 2),
        ),
        (
            "Uitstroom hidha's en waarnemers per jaar (%)",
            f"1 − (1 − {fmt.getal(a.uitstroom_overig_pct, 1)}%)^(1/{p['uitstroom_jaren']})",
            fmt.getal(100 * w, 2),
        ),
        (
            "Instroom per jaar",
            f"{b.aios} AIOS / {p['opleidingsduur_jaren']} jaar × {fmt.getal(a.instroom_aandeel_pct, 0)}%",
            fmt.getal(v.instroom["midden"], 2),
        ),
        (
            f"Huisartsleden {j1}",
            f"{fmt.getal(b.leden)} × (1 − {fmt.percent(100 * u, 2)}) + {fmt.getal(v.instroom['midden'], 2)}",
            fmt.getal(leden1, 1),
        ),
        (
            f"Hidha's en waarnemers {j1}",
            f"{fmt.getal(b.overig)} × (1 − {fmt.percent(100 * w, 2)})",
            fmt.getal(overig1, 1),
        ),
        (
            f"Huisartsen die diensten doen {j1}",
            f"{fmt.getal(leden1, 1)} + {fmt.getal(overig1, 1)}",
            fmt.getal(pool1, 1),
        ),
        (
            f"Hulpvragen {j1}",
            f"som over de leeftijdsgroepen van hulpvragen {j0} × inwoners {j1} / inwoners {j0}",
            fmt.getal(h1, 0),
        ),
        (
            f"Druk {j1}",
            f"({fmt.getal(h1, 0)} / {fmt.getal(pool1, 1)}) / ({fmt.getal(h0, 0)} / {fmt.getal(pool0)}) × 100",
            fmt.getal(d1, 1),
        ),
    ]
    return pd.DataFrame(rijen, columns=["Stap", "Berekening", "Uitkomst"])


def backcast_table(v: Vooruitblik) -> pd.DataFrame:
    """Return the backcast (the rules run from last year) against what really happened in the report year."""
    t = v.terugblik
    rijen = [("Hulpvragen", t.hulpvragen_start, t.hulpvragen_voorspeld, t.hulpvragen_werkelijk)]
    if t.huisartsen_voorspeld is not None:
        rijen += [
            ("Huisartsen die diensten doen", t.huisartsen_start, t.huisartsen_voorspeld, t.huisartsen_werkelijk),
            ("Druk (index)", 100.0, t.druk_voorspeld, t.druk_werkelijk),
        ]
    return pd.DataFrame(
        [
            {
                "Grootheid": naam,
                str(t.van): fmt.getal(start, 0),
                f"{t.naar} volgens de rekenregels": fmt.getal(voorspeld, 1 if naam != "Hulpvragen" else 0),
                f"{t.naar} werkelijk": fmt.getal(werkelijk, 1 if naam == "Druk (index)" else 0),
                "Verschil (%)": fmt.verandering(100 * (voorspeld / werkelijk - 1)),
            }
            for naam, start, voorspeld, werkelijk in rijen
        ]
    )
