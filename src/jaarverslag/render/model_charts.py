"""Charts of the two model chapters: growth per leeftijdsgroep, per soort, funnel plot, trends, distance, diagnostics.

Each function returns (figure, alt text); the chapter saves it with render.charts.figuur_html.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import seaborn as sns

from jaarverslag.models.glm import Diagnostics
from jaarverslag.models.leeftijd import AgeModel
from jaarverslag.models.zorgconsumptie import DISTANCE_UNIT_KM, ConsumptionModel, Funnel
from jaarverslag.render import charts, fmt
from jaarverslag.render.model_text import INSIDE_LIMITS, change_text, funnel_verdict, rr_text
from jaarverslag.render.text import join_list

DIAGNOSTIC_TOP = 10  # influence chart shows the observations with the largest Cook's distance
LABEL_OFFSETS = (
    (6, 4, "left"),
    (6, -12, "left"),
    (-6, 4, "right"),
    (-6, -12, "right"),
    (6, 14, "left"),
    (6, -22, "left"),
    (-6, 14, "right"),
    (-6, -22, "right"),
)


def label_points(ax, xs, ys, namen, fontsize: int = 8) -> None:
    """Label scatter points, trying a few offsets per label so that no two labels overlap or leave the axes."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    axbox = ax.get_window_extent(renderer)
    placed = []
    for x, y, name in sorted(zip(xs, ys, namen), key=lambda t: -t[1]):
        for dx, dy, ha in LABEL_OFFSETS:
            text = ax.annotate(name, (x, y), textcoords="offset points", xytext=(dx, dy), ha=ha, fontsize=fontsize)
            box = text.get_window_extent(renderer)
            inside = axbox.x0 <= box.x0 and box.x1 <= axbox.x1 and axbox.y0 <= box.y0 and box.y1 <= axbox.y1
            if inside and not any(box.overlaps(b) for b in placed):
                placed.append(box)
                break
            text.remove()
        else:
            placed.append(
                ax.annotate(
                    name, (x, y), textcoords="offset points", xytext=(6, 4), fontsize=fontsize
                ).get_window_extent(renderer)
            )


def funnel_chart(f: Funnel, bron: str, pct_labels: tuple[float, ...] | None = None):
    """Return the funnel plot (rate per 1,000 against inhabitants) and its alt text (limits: the funnel's own).

    The lines use the regional weighting factor; each gemeente's own outer limits (its own factor) are
    drawn as short dashes at its size, and the verdict uses those.
    """
    pct_labels = pct_labels or f.limieten
    pal = sns.color_palette(charts.PALETTE)
    fig, ax = plt.subplots(figsize=(9, 5.5))
    g = f.grenzen
    styles = {pct_labels[0]: "--", pct_labels[-1]: "-"}
    for p in pct_labels:
        label = f"{fmt.percent(p * 100, 1 if p * 100 % 1 else 0)}-grens"
        ax.plot(g["inwoners"], g[f"boven_{p}"], color=pal[0], ls=styles.get(p, ":"), lw=1.2, label=label)
        ax.plot(g["inwoners"], g[f"onder_{p}"], color=pal[0], ls=styles.get(p, ":"), lw=1.2)
    ax.axhline(
        f.regionaal_per_1000, color=pal[3], lw=1.2, label=f"regio ({fmt.getal(f.regionaal_per_1000, 0)} per 1.000)"
    )
    p = f.punten
    for q in pct_labels:
        ax.scatter(p["inwoners"], p[f"boven_{q}"], marker="_", s=120, color=pal[0], zorder=2)
        ax.scatter(p["inwoners"], p[f"onder_{q}"], marker="_", s=120, color=pal[0], zorder=2)
    ax.scatter(p["inwoners"], p["per_1000"], color=pal[1], zorder=3, s=36)
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _p: fmt.getal(v)))
    ax.xaxis.set_minor_formatter(mticker.NullFormatter())
    ax.set_xticks([20000, 40000, 80000, 160000])
    ax.set_xlim(g["inwoners"].min(), g["inwoners"].max())
    ax.set_xlabel("Inwoners (noemer van het verslag, logschaal)")
    ax.set_ylabel("Consulteenheden per 1.000 inwoners")
    ax.set_title(f"Trechtergrafiek consulteenheden per gemeente, {f.jaar}")
    ax.legend(loc="lower right", fontsize=8)
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    label_points(ax, p["inwoners"], p["per_1000"], p["gemeente"])
    buiten = p[(funnel_verdict(f) != INSIDE_LIMITS).to_numpy()]
    alt = (
        f"Trechtergrafiek: consulteenheden per 1.000 inwoners per gemeente in {f.jaar} tegen het aantal inwoners, "
        f"met het regiogemiddelde {fmt.getal(f.regionaal_per_1000, 0)} en controlegrenzen "
        f"{join_list([fmt.percent(q * 100, 1) for q in pct_labels])}"
        + (
            f", verbreed met de spreiding tussen gemeenten (standaardafwijking "
            f"{fmt.getal(100 * f.tau_relatief, 1)}% van het regiogemiddelde)"
            if f.aangepast
            else ""
        )
        + ". "
        + (
            "Alle gemeenten liggen binnen de grenzen. "
            if buiten.empty
            else "Buiten de grenzen: "
            + ", ".join(f"{r.gemeente} ({fmt.getal(r.per_1000, 0)})" for r in buiten.itertuples())
            + ". "
        )
        + "Laagste: "
        + ", ".join(f"{r.gemeente} {fmt.getal(r.per_1000, 0)}" for r in p.sort_values("per_1000").head(2).itertuples())
        + "."
    )
    return fig, alt


def trend_chart(model: ConsumptionModel, bron: str):
    """Return a line chart of consulteenheden per 1,000 per gemeente over the years, and its alt text."""
    data = model.fitted
    fig, ax = plt.subplots(figsize=(9, 5.2))
    gemeenten = sorted(data["gemeente"].unique())
    pal = sns.color_palette(charts.PALETTE, len(gemeenten))
    markers = "osD^vP*X"
    for i, g in enumerate(gemeenten):
        d = data[data["gemeente"] == g].sort_values("jaar")
        ax.plot(d["jaar"], d["per_1000"], marker=markers[i % len(markers)], color=pal[i], lw=1.2, label=g)
    reg = model.regionaal
    ax.plot(reg["jaar"], reg["per_1000"], color="black", lw=2.5, label="Regio")
    ax.set_xticks(model.jaren, [str(j) for j in model.jaren])
    ax.set_ylabel("Consulteenheden per 1.000 inwoners")
    ax.set_xlabel("Jaar")
    ax.set_title("Consulteenheden per 1.000 inwoners per gemeente")
    ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=8, title="Gemeente")
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    r = reg.set_index("jaar")["per_1000"]
    ranked = model.fitted[model.fitted["jaar"] == model.jaar].sort_values("per_1000")
    alt = (
        f"Lijndiagram van de consulteenheden per 1.000 inwoners per gemeente in {', '.join(map(str, model.jaren))}. "
        f"De regio gaat van {fmt.getal(r.iloc[0], 0)} in {r.index[0]} naar {fmt.getal(r.iloc[-1], 0)} in "
        f"{r.index[-1]}. Hoogste in {model.jaar}: {ranked.iloc[-1].gemeente}; laagste: {ranked.iloc[0].gemeente}."
    )
    return fig, alt


def distance_chart(model: ConsumptionModel, bron: str):
    """Return a scatter of the report year's rate against distance with the fitted decay curve, and alt text."""
    a = model.afstand
    d = model.fitted[model.fitted["jaar"] == model.jaar].merge(a.afstanden, on="gemeente")
    pal = sns.color_palette(charts.PALETTE)
    fig, ax = plt.subplots(figsize=(9, 5))
    ax.scatter(d["afstand_km"], d["per_1000"], color=pal[0], s=40, zorder=3, label=f"gemeente, {model.jaar}")
    beta = math.log(a.per_eenheid["verhouding"]) / DISTANCE_UNIT_KM
    # Curve through the rate-weighted centre of the report year: log-linear decay with the fitted slope,
    # drawn over the observed distances only (nothing is measured beyond them).
    centre = np.log(d["per_1000"]).mean() - beta * d["afstand_km"].mean()
    grid = np.linspace(a.bereik_km[0], a.bereik_km[1], 100)
    ax.plot(
        grid,
        np.exp(centre + beta * grid),
        color=pal[1],
        lw=1.5,
        label=f"model: {change_text(a.per_eenheid['verhouding'])} per {DISTANCE_UNIT_KM} km",
    )
    ax.set_xlabel("Hemelsbrede afstand van het zwaartepunt van de gemeente tot de dichtstbijzijnde spoedpost (km)")
    ax.xaxis.set_major_locator(mticker.MultipleLocator(5))
    charts.dutch_thousands(ax.xaxis)
    ax.set_ylabel("Consulteenheden per 1.000 inwoners")
    ax.set_title(f"Gebruik en afstand tot de spoedpost, {model.jaar}")
    ax.legend(loc="upper right", fontsize=8)
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    label_points(ax, d["afstand_km"], d["per_1000"], d["gemeente"])
    pct = int(round(model.betrouwbaarheid * 100))
    alt = (
        f"Spreidingsdiagram van consulteenheden per 1.000 inwoners tegen de afstand tot de spoedpost per gemeente "
        f"in {model.jaar}, met de modellijn. Per {DISTANCE_UNIT_KM} km is de verhouding "
        f"{rr_text(a.per_eenheid['verhouding'], a.per_eenheid['ondergrens'], a.per_eenheid['bovengrens'], pct)}. "
        f"Dichtbij: Hengelo en Enschede; het verst: "
        f"{d.sort_values('afstand_km').iloc[-1].gemeente} ({fmt.getal(d['afstand_km'].max(), 0)} km)."
    )
    return fig, alt


def age_chart(model: AgeModel, bron: str):
    """Return a two-panel chart (rates per 1,000 in both years; rate ratios with intervals) and its alt text."""
    t = model.per_groep
    pal = sns.color_palette(charts.PALETTE)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.8), gridspec_kw={"width_ratios": [1.2, 1]})
    x = np.arange(len(t))
    if model.met_bevolking:
        ax1.bar(x - 0.2, t["per_1000_ref"], 0.4, label=str(model.referentiejaar), color=pal[0])
        ax1.bar(x + 0.2, t["per_1000"], 0.4, label=str(model.jaar), color=pal[1])
        ax1.set_ylabel("Hulpvragen per 1.000 inwoners")
        ax1.set_title("Hulpvragen per 1.000 inwoners")
    else:
        ax1.bar(x - 0.2, t["aantal_ref"], 0.4, label=str(model.referentiejaar), color=pal[0])
        ax1.bar(x + 0.2, t["aantal"], 0.4, label=str(model.jaar), color=pal[1])
        ax1.set_ylabel("Aantal hulpvragen")
        ax1.set_title("Hulpvragen (aantallen)")
    ax1.set_xticks(x, t["leeftijdsgroep"])
    ax1.set_xlabel("Leeftijd (jaar)")
    charts.dutch_thousands(ax1.yaxis)
    ax1.legend(title="Jaar", loc="upper center")
    y = np.arange(len(t))[::-1]
    ax2.errorbar(
        t["verhouding"],
        y,
        xerr=[t["verhouding"] - t["ondergrens"], t["bovengrens"] - t["verhouding"]],
        fmt="o",
        color=pal[2],
        capsize=4,
        label="per leeftijdsgroep",
    )
    ax2.axvline(1, color="#444444", lw=1)
    ax2.axvline(model.gemeenschappelijk["verhouding"], color=pal[3], ls="--", lw=1.2, label="alle leeftijden samen")
    ax2.set_yticks(y, t["leeftijdsgroep"])
    ax2.set_xlabel(
        f"Verhouding {model.jaar} / {model.referentiejaar} ({fmt.percent(model.betrouwbaarheid * 100, 0)}-interval)"
    )
    ax2.set_title("Verandering per leeftijdsgroep")
    ax2.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _p: fmt.getal(v, 2)))
    ax2.legend(loc="lower right", fontsize=8)
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    parts = "; ".join(
        f"{r.leeftijdsgroep} jaar {fmt.getal(r.verhouding, 2)} ({fmt.getal(r.ondergrens, 2)} tot "
        f"{fmt.getal(r.bovengrens, 2)})"
        for r in t.itertuples()
    )
    alt = (
        f"Links staafdiagram van de hulpvragen {'per 1.000 inwoners' if model.met_bevolking else ''} per "
        f"leeftijdsgroep in {model.referentiejaar} en {model.jaar}; rechts de verhouding {model.jaar} ten opzichte "
        f"van {model.referentiejaar} per leeftijdsgroep met interval: {parts}. Alle leeftijden samen: "
        f"{fmt.getal(model.gemeenschappelijk['verhouding'], 2)}."
    )
    return fig, alt


def per_type_chart(tabel: pd.DataFrame, jaar: int, bron: str):
    """Return a grouped bar chart of help requests per 1,000 by age group and type, and its alt text."""
    long = tabel.melt(id_vars="Leeftijdsgroep", var_name="Soort", value_name="per_1000")
    fig, ax = plt.subplots(figsize=(9, 4.5))
    sns.barplot(data=long, x="Leeftijdsgroep", y="per_1000", hue="Soort", ax=ax)
    ax.set_ylabel("Hulpvragen per 1.000 inwoners")
    ax.set_xlabel("Leeftijd (jaar)")
    ax.set_title(f"Hulpvragen per 1.000 inwoners naar soort, {jaar}")
    charts.dutch_thousands(ax.yaxis)
    ax.legend(title="Soort", loc="upper center")
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    top_visit = tabel.set_index("Leeftijdsgroep")["Visite"] if "Visite" in tabel else None
    alt = f"Staafdiagram van de hulpvragen per 1.000 inwoners in {jaar} per leeftijdsgroep en soort. " + (
        f"Visites per 1.000 inwoners lopen op van {fmt.getal(top_visit.iloc[0], 1)} bij {top_visit.index[0]} "
        f"jaar tot {fmt.getal(top_visit.iloc[-1], 1)} bij {top_visit.index[-1]} jaar."
        if top_visit is not None
        else ""
    )
    return fig, alt


def diagnostics_chart(d: Diagnostics, labels: list[str], titel: str, bron: str):
    """Return a residual and influence chart of a Poisson main-effects model, and its alt text."""
    resid, cooks, phi = d.residu, d.cook, d.phi
    pal = sns.color_palette(charts.PALETTE)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2))
    fitted = d.verwacht
    ax1.scatter(fitted, resid, color=pal[0])
    ax1.axhline(0, color="#444444", lw=1)
    for v in (-2, 2):
        ax1.axhline(v, color="#888888", lw=0.8, ls=":")
    ax1.set_xscale("log")
    ax1.set_xlabel("Verwacht aantal volgens het model (logschaal)")
    ax1.set_ylabel("Pearson-residu" + (" / √φ" if phi > 1 else ""))
    ax1.set_title("Residuen")
    ticks = [m * 10**k for k in range(0, 8) for m in (1, 2, 5) if fitted.min() * 0.8 <= m * 10**k <= fitted.max() * 1.2]
    ax1.set_xticks(ticks)
    ax1.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _p: fmt.getal(v)))
    ax1.xaxis.set_minor_formatter(mticker.NullFormatter())
    ax1.yaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _p: fmt.getal(v, 0)))
    order = np.argsort(cooks)[::-1][:DIAGNOSTIC_TOP]
    ax2.barh(np.arange(len(order)), cooks[order][::-1], color=pal[1])
    ax2.set_yticks(np.arange(len(order)), [labels[i] for i in order][::-1], fontsize=8)
    ax2.xaxis.set_major_formatter(mticker.FuncFormatter(lambda v, _p: fmt.getal(v, 1)))
    ax2.set_xlabel("Cook's afstand" + (" / φ" if phi > 1 else ""))
    ax2.set_title(f"Invloed: de {len(order)} grootste")
    fig.suptitle(titel, fontweight="bold")
    charts.bron(fig, bron)
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    top = order[0]
    alt = (
        f"{titel}. Links de Pearson-residuen tegen het verwachte aantal; de grootste absolute waarde is "
        f"{fmt.getal(np.max(np.abs(resid)), 1)}. Rechts Cook's afstand per waarneming; de meest invloedrijke "
        f"waarneming is {labels[top]} ({fmt.getal(cooks[top], 2)})."
    )
    return fig, alt
