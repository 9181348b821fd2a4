"""Notebook parameters: the parameters cell, the scenario file and -p options, their checks, upstream settings."""

from __future__ import annotations

import ast
import difflib
import functools
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from jaarverslag.build.errors import BuildError

if TYPE_CHECKING:
    from jaarverslag.build.execute import Task

NOTEBOOK_SUFFIX = ".md"
PARAMETER = "jaar"
PARAMETERS_TAG = "parameters"  # the code cell papermill injects overrides after
# A parameters-cell name listing the notebooks whose settings this one receives (Ploomber style).
UPSTREAM = "upstream"
# Annotations a parameter may have to be set from a scenario, with what the analyst is told to give.
PARAMETER_TYPES = {
    "int": "een geheel getal (int)",
    "float": "een getal (float)",
    "str": "tekst (str)",
    "bool": "true of false (bool)",
}
# A parameter's allowed values, declared in the trailing comment of its line after the explanation, each part
# after a `;`: `keuze: auto, poisson` (one of these values) and `bereik: 50..99` (from..to, both included; one
# end may stay open, `bereik: 0..`). With both, a value is allowed when either admits it. Checked before anything runs.
CHOICE_KEY = "keuze"
RANGE_KEY = "bereik"
_DECLARATION = re.compile(rf"^({CHOICE_KEY}|{RANGE_KEY}):\s*(.*)$")
_RANGE = re.compile(r"^(-?\d+(?:\.\d+)?)?\s*\.\.\s*(-?\d+(?:\.\d+)?)?$")
NUMBER_TYPES = ("int", "float")
CLI_SOURCE = "-p"
CLI_FORM = "NOTEBOOK.NAAM=WAARDE"
Overrides = dict[str, dict[str, object]]  # notebook -> {parameter: value}, the analyst's scenario


def source_notebooks(root: Path) -> list[Path]:
    """Return the source notebooks (MyST text notebooks in notebooks/)."""
    return sorted((root / "notebooks").glob(f"*{NOTEBOOK_SUFFIX}"))


@dataclass(frozen=True)
class Parameter:
    """One name in a notebook's parameters cell."""

    annotatie: str | None  # as written (`int`, `float`, ...); None for a plain assignment
    standaard: str  # the default as written in the cell
    choices: tuple[str, ...] | None = None  # `keuze:` in the line's comment, as written
    bounds: tuple[float | None, float | None] | None = None  # `bereik:` in the line's comment (None: open end)


@dataclass(frozen=True)
class Setting:
    """One override as the analyst gave it, with where it came from (the parameter file, or -p)."""

    notebook: str
    naam: str
    waarde: object
    bron: str


def _line_comments(source: str) -> dict[int, str]:
    """Return the text of each line's comment (without `#`), by line number."""
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return {t.start[0]: t.string[1:].strip() for t in tokens if t.type == tokenize.COMMENT}


def _declarations(comment: str, annotatie: str, where: str) -> tuple[tuple[str, ...] | None, tuple | None]:
    """Read `keuze:` and `bereik:` from a parameter's comment; BuildFout when one is malformed."""
    choices = bounds = None
    for part in comment.split(";"):
        match = _DECLARATION.match(part.strip())
        if not match:
            continue
        key, text = match.groups()
        if key == CHOICE_KEY:
            choices = tuple(v.strip() for v in text.split(",") if v.strip())
            numbers = annotatie in NUMBER_TYPES and all(_RANGE.match(f"{v}..{v}") for v in choices)
            if not choices or (annotatie in NUMBER_TYPES and not numbers):
                raise BuildError(
                    f"{where}: `{CHOICE_KEY}: {text}` moet de toegestane waarden noemen, gescheiden door komma's"
                    + (" (getallen, want het type is " + annotatie + ")" if annotatie in NUMBER_TYPES else "")
                    + f", bijvoorbeeld `{CHOICE_KEY}: auto, poisson`"
                )
            continue
        found = _RANGE.match(text.strip())
        low, high = (None, None) if not found else (None if g is None else float(g) for g in found.groups())
        if annotatie not in NUMBER_TYPES or (low is None and high is None) or (None not in (low, high) and low > high):
            raise BuildError(
                f"{where}: `{RANGE_KEY}: {text}` moet van..tot zijn (van ≤ tot, voor een int of float), "
                f"bijvoorbeeld `{RANGE_KEY}: 50..99` of `{RANGE_KEY}: 0..`"
            )
        bounds = (low, high)
    return choices, bounds


def _number(value: float) -> str:
    return f"{value:g}"


def _range_text(bounds: tuple[float | None, float | None]) -> str:
    low, high = bounds
    if low is None:
        return f"hoogstens {_number(high)}"
    if high is None:
        return f"minstens {_number(low)}"
    return f"van {_number(low)} tot en met {_number(high)}"


def niet_toegestaan(parameter: Parameter, waarde: object) -> str | None:
    """Return why a value of the right type is not among the parameter's `keuze` or in its `bereik`, or None."""
    if parameter.choices is None and parameter.bounds is None:
        return None
    if parameter.choices is not None:
        if parameter.annotatie in NUMBER_TYPES:
            if any(float(v) == waarde for v in parameter.choices):
                return None
        elif str(waarde) in parameter.choices:
            return None
    if parameter.bounds is not None and isinstance(waarde, (int, float)) and not isinstance(waarde, bool):
        low, high = parameter.bounds
        if (low is None or waarde >= low) and (high is None or waarde <= high):
            return None
    if parameter.bounds is None:
        guess = difflib.get_close_matches(str(waarde), parameter.choices, n=1)
        hint = f" (bedoel je {guess[0]!r}?)" if guess else ""
        return f"geen toegestane waarde; kies uit: {', '.join(parameter.choices)}{hint}"
    if parameter.choices is None:
        return f"buiten het toegestane bereik: {_range_text(parameter.bounds)}"
    return f"niet toegestaan: kies {' of '.join(parameter.choices)}, of een waarde {_range_text(parameter.bounds)}"


def parameters_cell(bron: Path) -> dict[str, Parameter]:
    """Return the names assigned in the notebook's `parameters` cell, with annotation, default and allowed values."""
    return dict(_parameters_cell(bron, bron.read_text(encoding="utf-8")))


@functools.lru_cache(maxsize=256)
def _parameters_cell(bron: Path, text: str) -> dict[str, Parameter]:
    # Keyed on the text: a build asks once per notebook and year, and parsing a MyST notebook takes ~25 ms.
    import jupytext

    for cell in jupytext.reads(text, fmt={"extension": bron.suffix}).cells:
        if cell.cell_type == "code" and PARAMETERS_TAG in cell.metadata.get("tags", []):
            try:
                tree = ast.parse(cell.source)
            except SyntaxError as err:
                raise BuildError(f"De parameters-cel van {bron.name} is geen geldige Python: {err}") from err
            comments = _line_comments(cell.source)
            found: dict[str, Parameter] = {}
            for node in tree.body:
                if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                    annotatie = ast.unparse(node.annotation)
                    where = f'{bron.parent.name}/{bron.name}, parameter "{node.target.id}"'
                    choices, bounds = _declarations(comments.get(node.end_lineno, ""), annotatie, where)
                    found[node.target.id] = Parameter(
                        annotatie, ast.unparse(node.value) if node.value else "", choices, bounds
                    )
                elif isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            found[target.id] = Parameter(None, ast.unparse(node.value))
            return found
    return {}


def read_parameter_file(pad: Path) -> list[Setting]:
    """Read a scenario file (YAML: notebook -> {parameter: value}) into overrides; BuildFout when it is unusable."""
    if not pad.is_file():
        raise BuildError(f"{pad}: parameterbestand niet gevonden.")
    try:
        inhoud = yaml.safe_load(pad.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise BuildError(f"{pad}: geen geldige YAML: {err}") from err
    if inhoud is None:
        return []
    if not isinstance(inhoud, dict):
        raise BuildError(
            f"{pad}: verwacht per notebook een blok `notebook:` met daaronder ingesprongen "
            f"`parameter: waarde`-regels, maar het bestand is {_describe_type(inhoud)}."
        )
    instellingen = []
    for notebook, waarden in inhoud.items():
        if not isinstance(waarden, dict):
            raise BuildError(
                f'{pad}: notebook "{notebook}": verwacht daaronder ingesprongen '
                f"`parameter: waarde`-regels, maar de waarde is {_describe_type(waarden)}."
            )
        instellingen += [Setting(str(notebook), str(naam), waarde, str(pad)) for naam, waarde in waarden.items()]
    return instellingen


def read_parameter_option(tekst: str) -> Setting:
    """Parse one `-p NOTEBOOK.NAAM=WAARDE` (the value a YAML scalar: 40, 40.5, true, tekst); BuildFout if malformed."""
    sleutel, is_teken, waarde = tekst.partition("=")
    notebook, punt, naam = sleutel.strip().partition(".")
    if not (is_teken and punt and notebook and naam):
        raise BuildError(
            f"{CLI_SOURCE} {tekst!r}: verwacht {CLI_FORM}, bijvoorbeeld {CLI_SOURCE} model_leeftijd.betrouwbaarheid=90."
        )
    try:
        gelezen = yaml.safe_load(waarde)
    except yaml.YAMLError:
        gelezen = waarde  # e.g. `a: b` with an unbalanced quote: take the text as written
    if isinstance(gelezen, (dict, list)):
        gelezen = waarde  # `-p nb.naam=a: b` means the text, not a mapping
    return Setting(notebook, naam.strip(), gelezen, CLI_SOURCE)


def _describe_type(waarde: object) -> str:
    """Describe a value's type to an analyst."""
    if waarde is None:
        return "leeg"
    soorten = {bool: "bool", int: "int", float: "float", str: "str"}
    if type(waarde) in soorten:
        return PARAMETER_TYPES[soorten[type(waarde)]]
    return {dict: "een mapping (blok met sleutels)", list: "een lijst"}.get(type(waarde), type(waarde).__name__)


def _check_setting(inst: Setting, cellen: dict[str, dict[str, Parameter]]) -> tuple[object, str | None]:
    """Check one override against the notebooks' parameters cells; return (value to use, problem or None)."""
    if inst.notebook not in cellen:
        return None, f"onbekend notebook; kies uit: {', '.join(sorted(cellen))}"
    cell = cellen[inst.notebook]
    if inst.naam == PARAMETER:
        return None, "het verslagjaar stel je in met --jaar (make book JAAR=...), niet als parameter"
    if inst.naam not in cell:
        andere = [n for n in cell if n not in (PARAMETER, UPSTREAM)]
        toegestaan = (
            f"kies uit: {', '.join(andere)}" if andere else f"dit notebook heeft alleen de parameter {PARAMETER}"
        )
        return None, f"onbekende parameter; {toegestaan}"
    # `upstream = [...]` has no annotation, so it is refused here like any plain assignment.
    annotatie, waarde = cell[inst.naam].annotatie, inst.waarde
    if annotatie not in PARAMETER_TYPES:
        return None, (
            f"kan niet worden ingesteld: de parameters-cel geeft als type {annotatie or 'niets'}; "
            f"alleen {', '.join(PARAMETER_TYPES)} kunnen worden ingesteld"
        )
    past = {
        "bool": isinstance(waarde, bool),
        "int": isinstance(waarde, int) and not isinstance(waarde, bool),
        "float": isinstance(waarde, (int, float)) and not isinstance(waarde, bool),
        "str": isinstance(waarde, str),
    }[annotatie]
    if not past:
        hint = " (zet tekst tussen aanhalingstekens)" if annotatie == "str" else ""
        return None, f"verwacht {PARAMETER_TYPES[annotatie]}, maar de waarde is {_describe_type(waarde)}{hint}"
    waarde = float(waarde) if annotatie == "float" else waarde
    probleem = niet_toegestaan(cell[inst.naam], waarde)
    return (None, probleem) if probleem else (waarde, None)


def _default_problems(cellen: dict[str, dict[str, Parameter]]) -> list[str]:
    """Every default the cell declares allowed values for must itself be allowed."""
    problemen = []
    for notebook, cell in sorted(cellen.items()):
        for naam, parameter in cell.items():
            try:
                standaard = ast.literal_eval(parameter.standaard)
            except (ValueError, SyntaxError):
                continue  # not a plain value: the cell's own check (tests/test_notebooks_source.py) says so
            probleem = niet_toegestaan(parameter, standaard)
            if probleem:
                problemen.append(
                    f'notebooks/{notebook}{NOTEBOOK_SUFFIX}: parameter "{naam}", standaardwaarde '
                    f"{parameter.standaard}: {probleem}."
                )
    return problemen


def scenario(root: Path, bestand: Path | None = None, opties: list[str] | tuple[str, ...] = ()) -> Overrides:
    """Read, check and merge the overrides: the file first, then each -p (the command line wins).

    Returns notebook -> {parameter: value} for the notebooks with overrides only; raises one
    BuildFout listing every problem before anything runs.
    """
    problemen: list[str] = []
    instellingen: list[Setting] = []
    if bestand is not None:
        try:
            instellingen += read_parameter_file(Path(bestand))
        except BuildError as err:
            problemen.append(str(err))
    for optie in opties:
        try:
            instellingen.append(read_parameter_option(optie))
        except BuildError as err:
            problemen.append(str(err))
    cellen: dict[str, dict[str, Parameter]] = {}
    for nb in source_notebooks(root):  # every cell, also without overrides: its declarations must hold its defaults
        try:
            cellen[nb.stem] = parameters_cell(nb)
        except BuildError as err:
            problemen.append(str(err))
    problemen += _default_problems(cellen)
    combine: dict[str, dict[str, object]] = {}
    for inst in instellingen:
        waarde, probleem = _check_setting(inst, cellen)
        if probleem:
            problemen.append(
                f'{inst.bron}: notebook "{inst.notebook}", parameter "{inst.naam}", waarde {inst.waarde!r}: {probleem}.'
            )
        else:
            combine.setdefault(inst.notebook, {})[inst.naam] = waarde
    if problemen:
        raise BuildError("De parameters kloppen niet:\n" + "\n".join(f"  - {p}" for p in problemen))
    return combine


def upstream_names(bron: Path) -> list[str]:
    """Return the notebooks a parameters cell names in `upstream = [...]`; none when it has no such line."""
    cell = parameters_cell(bron)
    if UPSTREAM not in cell:
        return []
    try:
        namen = ast.literal_eval(cell[UPSTREAM].standaard)
    except (ValueError, SyntaxError):
        namen = None
    if not isinstance(namen, list) or not all(isinstance(n, str) for n in namen):
        raise BuildError(
            f'notebook "{bron.stem}": {UPSTREAM} moet een lijst met notebooknamen zijn, '
            f'bijvoorbeeld {UPSTREAM} = ["model_leeftijd"]; er staat {cell[UPSTREAM].standaard}.'
        )
    return namen


def default_values(bron: Path) -> dict[str, object]:
    """Return a notebook's parameter defaults as values (other than jaar and upstream), as its cell writes them."""
    waarden = {}
    for naam, parameter in parameters_cell(bron).items():
        if naam in (PARAMETER, UPSTREAM):
            continue
        try:
            waarden[naam] = ast.literal_eval(parameter.standaard)
        except (ValueError, SyntaxError) as err:
            raise BuildError(
                f'notebook "{bron.stem}", parameter "{naam}": de standaardwaarde '
                f"{parameter.standaard or '(geen)'} is geen vaste waarde, dus een ander notebook "
                f"kan haar niet als {UPSTREAM} krijgen."
            ) from err
    return waarden


def run_parameters(root: Path, notebook: Path, jaar: int, overrides: Overrides | None = None) -> dict:
    """Return the parameters papermill injects into one run: jaar, the notebook's overrides, and its upstream settings.

    When the parameters cell declares `upstream = ["other", ...]`, the run also gets
    `upstream = {"other": {parameter: value}}`: every parameter of that notebook except jaar,
    its default from the cell overridden by the scenario, so both notebooks use the same settings.
    """
    overrides = overrides or {}
    gegeven = {PARAMETER: jaar, **dict(sorted(overrides.get(notebook.stem, {}).items()))}
    namen = upstream_names(notebook)
    if not namen:
        return gegeven
    bekend = {nb.stem: nb for nb in source_notebooks(root)}
    for naam in namen:
        if naam == notebook.stem:
            raise BuildError(f'notebook "{naam}": een notebook kan niet zijn eigen {UPSTREAM} zijn.')
        if naam not in bekend:
            raise BuildError(
                f'notebook "{notebook.stem}": {UPSTREAM}-notebook "{naam}" bestaat niet; '
                f"kies uit: {', '.join(n for n in bekend if n != notebook.stem)}."
            )
    gegeven[UPSTREAM] = {naam: {**default_values(bekend[naam]), **overrides.get(naam, {})} for naam in namen}
    return gegeven


def check_upstream(root: Path) -> None:
    """Check every notebook's upstream declaration before anything runs; one BuildFout listing every problem."""
    problemen = []
    for nb in source_notebooks(root):
        try:
            run_parameters(root, nb, 0)
        except BuildError as err:
            problemen.append(str(err))
    if problemen:
        raise BuildError("De upstream-notebooks kloppen niet:\n" + "\n".join(f"  - {p}" for p in problemen))


def scenario_lines(taken: list[Task]) -> list[str]:
    """Return one summary line per notebook that ran with overrides: each value and the notebook's default."""
    regels = []
    for notebook, taak in sorted({t.notebook: t for t in taken if t.scenario}.items()):
        cell = parameters_cell(taak.bron)
        waarden = ", ".join(
            f"{naam} = {waarde!r} (standaard {cell[naam].standaard if naam in cell else '?'})"
            for naam, waarde in taak.scenario
        )
        regels.append(f"  scenario {notebook}: {waarden}")
    return regels
