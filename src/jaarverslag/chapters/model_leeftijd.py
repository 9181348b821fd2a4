"""Trendmodellen, age part: the values of notebooks/model_leeftijd.md (growth of help requests per leeftijdsgroep).

The notebook's parameters (referentiejaar, betrouwbaarheid in percent, familie, terugval) are this module's
keyword parameters; `model_run` fits the model once with them, for any chapter that needs the same model.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from IPython.display import HTML

from jaarverslag.data.load import MissingTableError
from jaarverslag.data.population import T_AGE_TYPE, AgeData, ModelError, load_age_data
from jaarverslag.data.registrations import disclosure
from jaarverslag.models import glm
from jaarverslag.models.leeftijd import (
    REFERENCE_PREVIOUS_YEAR,
    AgeModel,
    age_growth,
    growth_per_type,
    reference_year,
)
from jaarverslag.render import charts, fmt, suppression, tables
from jaarverslag.render import model_charts as mc
from jaarverslag.render import model_tables as mt
from jaarverslag.render import model_text as mx

SOURCE = "jaarverslag SHT (hulpvragen per leeftijdsgroep); CBS-bevolking per leeftijd op 1 januari"
EMPTY_HTML = HTML("")  # a second element of a section whose missing data is already said in one sentence


@dataclass(frozen=True)
class AgeModelRun:
    """The age model of one report year with the notebook's settings, or why there is none."""

    jaar: int
    ref: int  # the reference year the parameter stands for
    niveau: float  # betrouwbaarheid as a fraction
    gegevens: AgeData | None
    model: AgeModel | None
    reden: str | None  # Dutch, for the page, when model is None
    # Small registration counts per year (both years of the model): (leeftijdsgroep | TOTAL, soort | TOTAL) -> state.
    verborgen: dict[int, dict] = field(default_factory=dict)

    def group_state(self, groep: str) -> str | None:
        """Return how a group's total is hidden in either year of the model (None: shown in both)."""
        states = [s.get((str(groep), disclosure.TOTAL)) for s in self.verborgen.values()]
        return next((s for s in states if s == disclosure.PRIMARY), None) or next((s for s in states if s), None)

    def cell_state(self, groep: str, soort: str, jaren: tuple[int, ...]) -> str | None:
        """Return how a (group, soort) count is hidden in one of the given years (None: shown)."""
        states = [self.verborgen.get(j, {}).get((str(groep), soort)) for j in jaren]
        return next((s for s in states if s), None)

    def year_groups(self, jaar: int) -> dict:
        """Return the groups whose total is hidden in one year, keyed as suppression.hide wants them."""
        return {(g,): s for g, s in disclosure.row_totals(self.verborgen.get(jaar, {})).items()}

    @property
    def hidden_groups(self) -> dict:
        """Return the groups whose count is hidden in a year of the model, keyed as suppression.hide wants them."""
        return {(g,): s for g in {k[0] for v in self.verborgen.values() for k in v} if (s := self.group_state(g))}

    def shown_model(self) -> AgeModel | None:
        """Return the model as charts and sentences may use it: without the groups whose count is hidden."""
        if self.model is None or not self.hidden_groups:
            return self.model
        keep = [self.group_state(g) is None for g in self.model.per_groep["leeftijdsgroep"]]
        return replace(self.model, per_groep=self.model.per_groep[keep].reset_index(drop=True))


def model_run(
    jaar: int,
    root: Path | None = None,
    *,
    referentiejaar: int = REFERENCE_PREVIOUS_YEAR,
    betrouwbaarheid: int = 95,
    familie: str = "auto",
    terugval: str = "dichtstbijzijnde",
) -> AgeModelRun:
    """Load the age groups' help requests and population and fit the growth model with the given settings."""
    ref = reference_year(jaar, referentiejaar)
    niveau = betrouwbaarheid / 100
    try:
        gegevens, reden = load_age_data(jaar, ref, terugval, root), None
    except (ModelError, MissingTableError) as fout:
        gegevens, reden = None, str(fout)
    model = None
    if gegevens is not None and set(gegevens.jaren) == {ref, jaar}:
        model = age_growth(gegevens.tellingen, jaar, ref, familie, niveau)
    elif gegevens is not None:
        reden = f"Voor {ref} zijn geen hulpvragen per leeftijdsgroep beschikbaar; een vergelijking met {ref} kan niet."
    verborgen = {j: disclosure.hidden_cells(T_AGE_TYPE, j, root) for j in (ref, jaar)}
    return AgeModelRun(jaar, ref, niveau, gegevens, model, reden, verborgen)


def kerncijfers(run: AgeModelRun) -> str:
    """Return the key figures the notebook prints for nbval: family, dispersion, test and the ratios per group."""
    model = run.model
    if model is None:
        return f"{run.jaar}: geen leeftijdsmodel. {run.reden}"
    lo, hi = model.dispersie.phi_interval(run.niveau)
    phi = (
        f"phi gemeenschappelijke groei {model.dispersie.phi:.2f} ({lo:.1f}-{hi:.1f})"
        if model.dispersie.estimable
        else "phi niet te schatten (0 vrijheidsgraden)"
    )
    groepen = model.per_groep[["leeftijdsgroep", "aantal_ref", "aantal", "verhouding", "ondergrens", "bovengrens"]]
    groepen = groepen.round(4)
    for year, count in ((run.ref, "aantal_ref"), (run.jaar, "aantal")):
        groepen = suppression.hide(groepen, run.year_groups(year), ["leeftijdsgroep"], [count], GROUP_DERIVED)
    return (
        f"{run.jaar} t.o.v. {run.ref}: familie gemeenschappelijke groei {model.familie}, {phi}, "
        f"LR {model.toets.statistiek:.1f} (df {model.toets.df})\n" + groepen.to_string(index=False)
    )


GROUP_DERIVED = ["verhouding", "ondergrens", "bovengrens"]  # a group's ratio and interval give its counts back


def page_values(
    jaar: int,
    root: Path | None = None,
    *,
    referentiejaar: int = REFERENCE_PREVIOUS_YEAR,
    betrouwbaarheid: int = 95,
    familie: str = "auto",
    terugval: str = "dichtstbijzijnde",
) -> dict[str, object]:
    """Return every value the model_leeftijd page glues, for a year with data and a year without."""
    charts.apply_style()
    run = model_run(
        jaar, root, referentiejaar=referentiejaar, betrouwbaarheid=betrouwbaarheid, familie=familie, terugval=terugval
    )
    pct = f"{betrouwbaarheid}%"
    keuzes = mt.parameter_table(
        {
            "verslagjaar": (jaar, "het jaar van dit verslag"),
            "vergelijkingsjaar": (
                run.ref,
                "het jaar waartegen de verandering wordt gemeten"
                + (" (standaard: het jaar ervoor)" if referentiejaar == REFERENCE_PREVIOUS_YEAR else ""),
            ),
            "betrouwbaarheid (%)": (betrouwbaarheid, "betrouwbaarheid van de intervallen"),
            "modelfamilie": (
                mx.FAMILY_NAMES[familie],
                "alleen voor het interval van de groei over alle leeftijden samen; automatisch kiest quasi-Poisson "
                f"als φ boven {fmt.getal(glm.DISPERSION_THRESHOLD, 1)} ligt, anders Poisson. De intervallen per "
                "leeftijdsgroep zijn altijd Poisson, met een gevoeligheidstabel",
            ),
            "terugval bevolking": (
                terugval,
                "wat het model doet als de bevolking naar leeftijd voor een jaar ontbreekt",
            ),
        }
    )
    values: dict[str, object] = {
        "keuzes": tables.html(keuzes, "model_leeftijd_keuzes", bijschrift="Keuzes van het leeftijdsmodel"),
        "jaar": str(jaar),
        "referentiejaar": str(run.ref),
        "betrouwbaarheid": pct,
        "bevolking_zin": bevolking_zin(run),
    }
    values.update(_growth(run, familie, pct))
    values.update(_per_type(run, familie, pct))
    values.update(_methods(run))
    values["totaal_uitleg"] = mx.total_choice([run.ref, jaar], root)
    values["totaal_zin"] = _total_sentence(run, root)
    return values


def _total_sentence(run: AgeModelRun, root: Path | None) -> str:
    """Say, under the growth table, when a year's column adds up to the disputed printed total (else nothing)."""
    if run.model is None:
        return ""
    t = run.model.per_groep
    hidden = [(disclosure.TOTAL, disclosure.TOTAL) in run.verborgen.get(j, {}) for j in (run.ref, run.jaar)]
    if any(hidden):  # a change computed from a hidden total would give it back
        return mx.total_note(run.ref, float(t["aantal_ref"].sum()), None, root) if not hidden[0] else ""
    notes = [
        mx.total_note(run.ref, float(t["aantal_ref"].sum()), float(t["aantal"].sum()), root),
        mx.total_note(run.jaar, float(t["aantal"].sum()), None, root),
    ]
    return " ".join(n for n in notes if n)


def bevolking_zin(run: AgeModelRun) -> str:
    """Say which population is the denominator in each year, and whether a fallback was used."""
    if run.gegevens is None:
        return f"Er is geen noemer nodig: voor {run.jaar} zijn er geen hulpvragen per leeftijdsgroep."
    bron = run.gegevens.bevolking_bron
    delen = [f"{r.jaar}: {r.bron}" for r in bron.itertuples()]
    return (
        "Noemer per jaar — "
        + "; ".join(delen)
        + ". "
        + (
            "Voor minstens één jaar is een terugval gebruikt (zie hierboven). "
            if bron["terugval"].any()
            else "Er is geen terugval nodig: voor elk jaar is de bevolking naar leeftijd beschikbaar. "
        )
        + "De noemer is de CBS-bevolking van de acht gemeenten van het werkgebied; hulpvragen van "
        "patiënten van buiten het werkgebied tellen wel mee in de teller."
    )


def _growth(run: AgeModelRun, familie: str, pct: str) -> dict[str, object]:
    """The growth table and chart, the reading, the family and the test sentence."""
    jaar, ref, model, gegevens = run.jaar, run.ref, run.model, run.gegevens
    if model is None:
        tellingen = gegevens.tellingen if gegevens is not None else None
        heeft_niveau = (
            gegevens is not None
            and jaar in gegevens.jaren
            and tellingen.loc[tellingen["jaar"] == jaar, "bevolking"].notna().all()
        )
        # no comparison, but this year's level per 1,000 can be shown; else the reading says why there is no model
        tabel = (
            tables.html(
                suppression.hide(
                    mt.level_table(tellingen, jaar),
                    run.year_groups(jaar),
                    ["Leeftijd"],
                    [f"Aantal {jaar}"],
                    [f"Per 1.000 {jaar}"],
                ),
                "model_leeftijd_niveau",
                bijschrift=f"Hulpvragen per leeftijdsgroep en per 1.000 inwoners, {jaar}",
                formatters=mt.table_formatters({f"Per 1.000 {jaar}": 1}),
            )
            if heeft_niveau
            else EMPTY_HTML
        )
        return {
            "tabel_groei": tabel,
            "figuur_groei": EMPTY_HTML,
            "interpretatie": f"Het leeftijdsmodel is voor {jaar} niet berekend. {run.reden}"
            + (f" De tabel geeft daarom alleen het niveau per 1.000 inwoners in {jaar}." if heeft_niveau else ""),
            "familie_zin": "Geen model, dus geen spreidingscontrole.",
            "toets_zin": "Geen model, dus geen toets.",
            "gevoeligheid_zin": "Geen model, dus geen gevoeligheidstabel.",
            "tabel_gevoeligheid": EMPTY_HTML,
        }
    tabel = tables.html(
        _age_table(run),
        "model_leeftijd_groei",
        formatters=mt.age_table_formatters(model),
        bijschrift=f"Hulpvragen per leeftijdsgroep, {ref} en {jaar}, en de verhouding {jaar}/{ref} "
        f"per inwoner met {pct}-interval (Poisson: alleen toeval in de aantallen)",
    )
    shown = run.shown_model()  # charts and sentences leave out the groups whose count is hidden
    fig, alt = mc.age_chart(shown, SOURCE)
    figuur = charts.figure_html(
        fig,
        "model_leeftijd_groei",
        alt,
        bijschrift=f"Hulpvragen per 1.000 inwoners en verandering per leeftijdsgroep, {ref}–{jaar}.",
    )
    return {
        "tabel_groei": tabel,
        "figuur_groei": figuur,
        "interpretatie": mx.age_interpretation(shown) if len(shown.per_groep) else HIDDEN_GROUPS,
        "familie_zin": mx.age_dispersion_sentence(model),
        "toets_zin": mx.toets_zin(model.toets, run.niveau, "de groei", "leeftijdsgroepen"),
        "gevoeligheid_zin": mx.sensitivity_sentence(shown),
        "tabel_gevoeligheid": tables.html(
            _sensitivity_table(run),
            "model_leeftijd_gevoeligheid",
            bijschrift=f"Gevoeligheid: de verhouding {jaar}/{ref} per leeftijdsgroep met {pct}-interval bij "
            "Poisson-toeval en bij een aangenomen extra spreiding φ, en de φ tot waar 1 buiten het interval blijft",
        ),
    }


HIDDEN_GROUPS = "Per leeftijdsgroep is de verandering afgeschermd: het gaat om kleine aantallen."


def _age_table(run: AgeModelRun) -> object:
    """Return the growth table with the counts of hidden groups labelled, and their rates and ratios as "×"."""
    model = run.model
    table = mt.age_table(model)
    ratio = [c for c in table.columns if c not in ("Leeftijd",) and not c.startswith(("Aantal", "Per 1.000"))]
    for year in (model.referentiejaar, model.jaar):
        rates = [c for c in (f"Per 1.000 {year}",) if c in table.columns]
        table = suppression.hide(table, run.year_groups(year), ["Leeftijd"], [f"Aantal {year}"], [*rates, *ratio])
    return table


def _sensitivity_table(run: AgeModelRun) -> object:
    """Return the sensitivity table with every figure of a group whose count is hidden as "×"."""
    table = mt.sensitivity_table(run.model)
    return suppression.hide(table, run.hidden_groups, ["Leeftijd"], derived=[c for c in table.columns[1:]])


def _per_type(run: AgeModelRun, familie: str, pct: str) -> dict[str, object]:
    """Help requests per 1,000 by age group and soort (descriptive: per soort there is often one year only)."""
    jaar, ref, gegevens = run.jaar, run.ref, run.gegevens
    per_soort = gegevens.per_soort if gegevens is not None else None
    heeft_soort = (
        gegevens is not None
        and len(per_soort)
        and per_soort.loc[per_soort["jaar"] == jaar, "bevolking"].notna().all()
        and (per_soort["jaar"] == jaar).any()
    )
    if not heeft_soort:  # soort_zin says why
        return {
            "tabel_soort": EMPTY_HTML,
            "figuur_soort": EMPTY_HTML,
            "tabel_groei_soort": EMPTY_HTML,
            "soort_zin": f"Voor {jaar} zijn er geen hulpvragen per leeftijdsgroep en soort (met bevolking) "
            "beschikbaar.",
        }
    soort_tabel = mt.per_type_table(per_soort, jaar)
    cellen = {c: c for c in soort_tabel.columns[1:]}  # a rate per soort column: "×" where its count is hidden
    gepubliceerd = suppression.hide_cells(soort_tabel, run.verborgen.get(jaar, {}), ["Leeftijdsgroep"], cellen, True)
    values: dict[str, object] = {
        "tabel_soort": tables.html(
            gepubliceerd,
            "model_leeftijd_soort",
            bijschrift=f"Hulpvragen per 1.000 inwoners naar leeftijdsgroep en soort, {jaar}",
            formatters=mt.table_formatters({c: 1 for c in soort_tabel.columns[1:]}),
        )
    }
    # no bar for a hidden rate
    fig, alt = mc.per_type_chart(gepubliceerd.map(lambda v: np.nan if suppression.is_label(v) else v), jaar, SOURCE)
    values["figuur_soort"] = charts.figure_html(
        fig, "model_leeftijd_soort", alt, bijschrift=f"Hulpvragen per 1.000 inwoners naar soort, {jaar}."
    )
    groei_soort = growth_per_type(per_soort, jaar, ref, familie, run.niveau)
    if len(groei_soort):
        tabel_gs = groei_soort.rename(
            columns={
                "soort": "Soort",
                "leeftijdsgroep": "Leeftijdsgroep",
                "verhouding": "Verhouding",
                "ondergrens": f"{pct}-interval van",
                "bovengrens": "tot",
            }
        )[["Soort", "Leeftijdsgroep", "Verhouding", f"{pct}-interval van", "tot"]]
        states = {
            (g, soort): state
            for g, soort in zip(tabel_gs["Leeftijdsgroep"], tabel_gs["Soort"])
            if (state := run.cell_state(g, soort, (ref, jaar)))
        }
        tabel_gs = suppression.hide(tabel_gs, states, ["Leeftijdsgroep", "Soort"], derived=list(tabel_gs.columns[2:]))
        values["tabel_groei_soort"] = tables.html(
            tabel_gs,
            "model_leeftijd_groei_soort",
            bijschrift=f"Verhouding {jaar}/{ref} per inwoner naar soort en leeftijdsgroep",
            formatters=mt.table_formatters({c: 2 for c in tabel_gs.columns[2:]}),
        )
        values["soort_zin"] = (
            "Per soort zijn er cijfers voor beide jaren; de verhoudingen per soort staan in de tabel hieronder."
        )
    else:
        values["tabel_groei_soort"] = EMPTY_HTML  # soort_zin says why
        values["soort_zin"] = (
            f"Het verslag splitst de hulpvragen per leeftijdsgroep alleen voor {jaar} naar soort; "
            f"voor {ref} staat alleen het totaal. Een groeimodel per soort is daarom niet mogelijk; "
            f"de tabel geeft de niveaus per 1.000 inwoners in {jaar}."
        )
    return values


def _methods(run: AgeModelRun) -> dict[str, object]:
    """Diagnostics and the worked example for the chapter Methode en verantwoording."""
    jaar, ref, model = run.jaar, run.ref, run.model
    if model is None:
        onderwerp = f"hulpvragen per leeftijdsgroep in {ref} en {jaar}"
        return {
            "diagnostiek": tables.unavailable(onderwerp, jaar),
            "voorbeeld": tables.unavailable(onderwerp, jaar),
            "voorbeeld_zin": f"Voor {jaar} is er geen rekenvoorbeeld: {run.reden}",
            "dispersie_phi": "geen φ (er is geen model)",
        }
    data = run.gegevens.tellingen
    exposure = data["bevolking"] if model.met_bevolking else [1.0] * len(data)
    X0 = glm.main_effects_design(data, "leeftijdsgroep", list(model.per_groep["leeftijdsgroep"]), "jaar", ref)
    labels = [f"{g} jaar, {j}" for g, j in zip(data["leeftijdsgroep"], data["jaar"])]
    diagnostiek = glm.diagnostiek(data["aantal"], X0, exposure)
    # A hidden count's fitted value and residual give it back: those observations are not drawn.
    keep = np.array([(str(g),) not in run.year_groups(int(j)) for g, j in zip(data["leeftijdsgroep"], data["jaar"])])
    diagnostiek = replace(
        diagnostiek, verwacht=diagnostiek.verwacht[keep], residu=diagnostiek.residu[keep], cook=diagnostiek.cook[keep]
    )
    labels = [label for label, k in zip(labels, keep) if k]
    fig, alt = mc.diagnostics_chart(
        diagnostiek,
        labels,
        f"Diagnostiek: model met gemeenschappelijke groei, {ref}–{jaar}",
        SOURCE,
    )
    values: dict[str, object] = {
        "diagnostiek": charts.figure_html(
            fig,
            "model_leeftijd_diagnostiek",
            alt,
            bijschrift="Residuen en invloedrijke waarnemingen van het leeftijdsmodel zonder interactie (het model "
            "waarop de spreidingscontrole rust).",
        )
    }
    shown = run.shown_model()  # the worked example never takes a group whose count is hidden
    groep = shown.per_groep.sort_values("verhouding").iloc[-1]["leeftijdsgroep"] if len(shown.per_groep) else None
    if groep is None:
        values["voorbeeld"] = tables.sentence_html(HIDDEN_GROUPS)
        values["voorbeeld_zin"] = HIDDEN_GROUPS
    elif model.met_bevolking:
        values["voorbeeld"] = tables.html(
            mt.age_example(model, groep),
            "model_leeftijd_voorbeeld",
            bijschrift=f"Rekenvoorbeeld: de verhouding {jaar}/{ref} voor {groep} jaar met de hand",
        )
        values["voorbeeld_zin"] = (
            f"Het voorbeeld neemt de leeftijdsgroep met de grootste verandering ({groep} "
            "jaar); de uitkomst is gelijk aan die in de tabel van het hoofdstuk Trendmodellen."
        )
    else:
        values["voorbeeld"] = tables.unavailable("bevolking naar leeftijd", jaar)
        values["voorbeeld_zin"] = "Zonder bevolking is de verhouding een verhouding van aantallen."
    values["dispersie_phi"] = mx.phi_text(model.dispersie, run.niveau)
    return values
