"""Scenario parameters: the parameters cell, the parameter file, -p, validation, merging and the cache key."""

from pathlib import Path

import pytest

from jaarverslag import cli
from jaarverslag.build import cache, execute, run
from jaarverslag.build import parameters as par
from jaarverslag.build.errors import BuildError
from jaarverslag.build.execute import Uitkomst
from jaarverslag.build.parameters import Parameter, Setting

from conftest import run_build

ROOT = Path(__file__).resolve().parents[1]
HEADER = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

# Proef

```{code-cell} ipython3
groei: float = 1.0  # not the parameters cell
```

"""
SCENARIO_CELL = """```{code-cell} ipython3
:tags: [parameters]

jaar: int = 2021  # verslagjaar
groei: float = 33.3  # procent
aantal: int = 5
naam: str = "auto"
trend: bool = False
lijst: list[int] = [1, 2]
los = 3
```
"""
YEAR_ONLY_CELL = """```{code-cell} ipython3
:tags: [parameters]

jaar: int = 2021  # verslagjaar
```
"""


def notebook(folder: Path, name: str, cell: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(HEADER + cell + "\n```{code-cell} ipython3\nprint(jaar)\n```\n", encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project with two notebooks: `scenario` (several parameters) and `kaal` (only jaar)."""
    notebook(tmp_path / "notebooks", "scenario", SCENARIO_CELL)
    notebook(tmp_path / "notebooks", "kaal", YEAR_ONLY_CELL)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def problem(root: Path, bestand: Path | None = None, opties: tuple[str, ...] = ()) -> str:
    with pytest.raises(BuildError) as err:
        par.scenario(root, bestand, opties)
    return str(err.value)


# The parameters cell


def test_parameters_cell_names_annotations_and_defaults(root):
    cell = par.parameters_cell(root / "notebooks" / "scenario.md")
    assert list(cell) == ["jaar", "groei", "aantal", "naam", "trend", "lijst", "los"]
    assert cell["groei"] == Parameter("float", "33.3")
    assert cell["naam"] == Parameter("str", "'auto'")
    assert cell["lijst"].annotatie == "list[int]"
    assert cell["los"] == Parameter(None, "3")


def test_notebook_without_parameters_cell_has_none(tmp_path):
    path = tmp_path / "leeg.md"
    path.write_text(HEADER, encoding="utf-8")
    assert par.parameters_cell(path) == {}


def test_parameters_cell_of_a_real_notebook():
    cell = par.parameters_cell(ROOT / "notebooks" / "model_leeftijd.md")
    assert list(cell) == ["jaar", "referentiejaar", "betrouwbaarheid", "familie", "terugval"]
    assert {n: p.annotatie for n, p in cell.items()} == {
        "jaar": "int",
        "referentiejaar": "int",
        "betrouwbaarheid": "int",
        "familie": "str",
        "terugval": "str",
    }


# The parameter file


def test_parameter_file_is_read_per_notebook(tmp_path):
    path = write(tmp_path / "scenario.yml", "scenario:\n  groei: 40\n  naam: tekst\nkaal: {}\n")
    assert par.read_parameter_file(path) == [
        Setting("scenario", "groei", 40, str(path)),
        Setting("scenario", "naam", "tekst", str(path)),
    ]


def test_empty_parameter_file_has_no_overrides(tmp_path):
    assert par.read_parameter_file(write(tmp_path / "leeg.yml", "# niets\n")) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, "parameterbestand niet gevonden"),
        ("scenario: [groei: 1\n", "geen geldige YAML"),
        ("- scenario\n- groei\n", "een lijst"),
        ("scenario:\ngroei: 40\n", 'notebook "scenario": verwacht daaronder ingesprongen'),
        ("scenario: 40\n", "een geheel getal"),
    ],
)
def test_unusable_parameter_file(root, text, expected):
    path = root / "scenario.yml"
    if text is not None:
        write(path, text)
    message = problem(root, path)
    assert str(path) in message and expected in message


# -p on the command line


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("scenario.groei=40", 40),
        ("scenario.groei=40.5", 40.5),
        ("scenario.trend=true", True),
        ("scenario.naam=tekst", "tekst"),
        ("scenario.naam='40'", "40"),
        ("scenario.naam=a: b", "a: b"),
    ],
)
def test_option_value_is_a_yaml_scalar(text, value):
    inst = par.read_parameter_option(text)
    assert (inst.notebook, inst.naam, inst.bron) == ("scenario", text.split("=")[0].split(".")[1], "-p")
    assert inst.waarde == value and type(inst.waarde) is type(value)


@pytest.mark.parametrize("text", ["scenario", "scenario=1", "scenario.=1", ".groei=1", "scenario.groei"])
def test_malformed_option(text):
    with pytest.raises(BuildError, match="verwacht NOTEBOOK.NAAM=WAARDE"):
        par.read_parameter_option(text)


# Merging


def test_command_line_wins_over_the_file(root):
    path = write(root / "scenario.yml", "scenario:\n  groei: 40\n  aantal: 7\n")
    combine = par.scenario(root, path, ["scenario.aantal=8", "scenario.naam=poisson", "scenario.aantal=9"])
    assert combine == {"scenario": {"groei": 40.0, "aantal": 9, "naam": "poisson"}}
    assert type(combine["scenario"]["groei"]) is float  # an int for a float is stored as the float it means


def test_no_overrides_is_an_empty_scenario(root):
    assert par.scenario(root) == {}
    assert par.scenario(root, write(root / "leeg.yml", "")) == {}


# Validation: every message names where, notebook, parameter, value and the problem


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("vooruitblik.groei=40", "onbekend notebook; kies uit: kaal, scenario"),
        ("scenario.groeii=40", "onbekende parameter; kies uit: groei, aantal, naam, trend, lijst, los"),
        ("kaal.groei=40", "onbekende parameter; dit notebook heeft alleen de parameter jaar"),
        ("scenario.jaar=2020", "--jaar"),
        ("scenario.aantal=true", "verwacht een geheel getal (int), maar de waarde is true of false (bool)"),
        ("scenario.aantal=5.5", "verwacht een geheel getal (int), maar de waarde is een getal (float)"),
        ("scenario.aantal='5'", "verwacht een geheel getal (int), maar de waarde is tekst (str)"),
        ("scenario.groei=false", "verwacht een getal (float), maar de waarde is true of false (bool)"),
        ("scenario.groei=veel", "verwacht een getal (float), maar de waarde is tekst (str)"),
        ("scenario.naam=40", "verwacht tekst (str), maar de waarde is een geheel getal (int)"),
        ("scenario.naam=no", "zet tekst tussen aanhalingstekens"),
        ("scenario.trend=1", "verwacht true of false (bool), maar de waarde is een geheel getal (int)"),
        ("scenario.naam=", "de waarde is leeg"),
        ("scenario.lijst=1", "de parameters-cel geeft als type list[int]"),
        ("scenario.los=1", "de parameters-cel geeft als type niets"),
    ],
)
def test_invalid_option_is_refused(root, option, expected):
    notebook_name, rest = option.split(".", 1)
    name, value = rest.split("=", 1)
    message = problem(root, opties=(option,))
    assert f'-p: notebook "{notebook_name}", parameter "{name}", waarde ' in message
    assert expected in message


def test_file_problems_name_the_file_and_all_are_listed(root):
    path = write(root / "scenario.yml", "scenario:\n  groei: hoog\n  jaar: 2020\nvooruitblik:\n  x: 1\n")
    message = problem(root, path, ("scenario.aantal=1.5",))
    assert f'{path}: notebook "scenario", parameter "groei", waarde \'hoog\': verwacht een getal (float)' in message
    assert f'{path}: notebook "scenario", parameter "jaar"' in message
    assert f'{path}: notebook "vooruitblik", parameter "x"' in message
    assert '-p: notebook "scenario", parameter "aantal", waarde 1.5' in message


# Runs, the cache key and the summary


def test_taak_parameters_merge_the_overrides(root):
    taken = execute.tasks_for([2020, 2021], root, {"scenario": {"groei": 40.0, "trend": True}})
    by_name = {(t.jaar, t.notebook): t for t in taken}
    assert by_name[2021, "scenario"].parameters == {"jaar": 2021, "groei": 40.0, "trend": True}
    assert by_name[2020, "scenario"].parameters == {"jaar": 2020, "groei": 40.0, "trend": True}
    assert by_name[2021, "kaal"].parameters == {"jaar": 2021}
    assert len({*taken}) == len(taken)  # runs stay hashable: the build keys its work by them


def reasons(root: Path, overrides: dict | None) -> dict[str, str | None]:
    """Why each 2021 run would run now, as the build decides it."""
    cache_dir = root / "_build" / "cache"
    return {
        t.notebook: cache.reason_to_run(
            cache.entry_path(cache_dir, t.jaar, t.notebook),
            cache.Key.for_notebook(root, t.bron, t.parameters),
            t.uit,
            root,
        )
        for t in execute.tasks_for([2021], root, overrides)
    }


def run_all(root: Path, overrides: dict | None) -> None:
    """Record every 2021 run in the cache as the build does after a successful run."""
    for t in execute.tasks_for([2021], root, overrides):
        t.map.mkdir(parents=True, exist_ok=True)
        t.uit.write_text("{}", encoding="utf-8")
        cache.write_entry(
            cache.entry_path(root / "_build" / "cache", t.jaar, t.notebook),
            cache.Key.for_notebook(root, t.bron, t.parameters),
            t.map / execute.READS_FILE,
            root,
        )


def test_a_changed_override_reruns_exactly_that_notebook(root):
    run_all(root, None)
    assert reasons(root, None) == {"kaal": None, "scenario": None}
    scenario = {"scenario": {"groei": 40.0}}
    assert reasons(root, scenario) == {"kaal": None, "scenario": "parameters gewijzigd"}
    run_all(root, scenario)
    assert reasons(root, scenario) == {"kaal": None, "scenario": None}
    assert reasons(root, {"scenario": {"groei": 41.0}}) == {"kaal": None, "scenario": "parameters gewijzigd"}
    assert reasons(root, None) == {"kaal": None, "scenario": "parameters gewijzigd"}  # back to the defaults


def test_summary_lists_the_overrides_in_use(root):
    taken = execute.tasks_for([2020, 2021], root, {"scenario": {"groei": 40.0, "naam": "poisson"}})
    text = run.samenvatting([Uitkomst(t, 0.0, None) for t in taken], {2020: False, 2021: False})
    lines = [line for line in text.splitlines() if line.startswith("  scenario")]
    assert lines == ["  scenario scenario: groei = 40.0 (standaard 33.3), naam = 'poisson' (standaard 'auto')"]
    plain = run.samenvatting([Uitkomst(t, 0.0, None) for t in execute.tasks_for([2021], root)], {2021: False})
    assert "scenario" not in plain


# The command line and the build's entry


def test_cli_passes_file_and_options_in_order(monkeypatch):
    seen = {}

    def bouw(*args):
        seen["args"] = args
        return 0

    monkeypatch.setattr(run, "bouw", bouw)
    cli.main(["build", "--parameters", "scenario.yml", "-p", "a.x=1", "--parameter", "a.y=2", "-p", "a.x=3"])
    assert seen["args"][4:] == (Path("scenario.yml"), ["a.x=1", "a.y=2", "a.x=3"])
    cli.main(["build"])
    assert seen["args"][4:] == (None, [])


def test_bad_parameters_stop_the_build_before_anything(root, monkeypatch, capsys):
    (root / "site").mkdir()
    write(root / "site" / "index.html", "oud")
    monkeypatch.setenv("JAARVERSLAG_ROOT", str(root))
    assert run.bouw([2021], parameters=["scenario.groei=veel"]) == 2
    err = capsys.readouterr().err
    assert '-p: notebook "scenario", parameter "groei", waarde \'veel\'' in err
    assert "de gepubliceerde site is ongewijzigd" in err
    assert (root / "site" / "index.html").read_text(encoding="utf-8") == "oud"
    assert not (root / "_build").exists()


# Allowed values: `keuze:` and `bereik:` in a parameter's comment, checked before anything runs

DECLARED_CELL = """```{code-cell} ipython3
:tags: [parameters]

jaar: int = 2021  # verslagjaar
familie: str = "auto"  # modelfamilie; keuze: auto, poisson, negbin
betrouwbaarheid: int = 95  # in procenten; bereik: 50..99
marge: float = 4.0  # procentpunt; bereik: 0..
referentiejaar: int = 0  # 0 is het jaar ervoor; keuze: 0; bereik: 2000..2100
```
"""


@pytest.fixture
def declared(tmp_path: Path) -> Path:
    """A project with one notebook whose parameters declare their allowed values."""
    notebook(tmp_path / "notebooks", "model", DECLARED_CELL)
    return tmp_path


def test_allowed_values_are_read_from_the_comment(declared):
    cell = par.parameters_cell(declared / "notebooks" / "model.md")
    assert cell["familie"] == Parameter("str", "'auto'", ("auto", "poisson", "negbin"), None)
    assert cell["betrouwbaarheid"].bounds == (50.0, 99.0)
    assert cell["marge"].bounds == (0.0, None)
    assert (cell["referentiejaar"].choices, cell["referentiejaar"].bounds) == (("0",), (2000.0, 2100.0))
    assert cell["jaar"] == Parameter("int", "2021")
    taken = ["model.familie=negbin", "model.betrouwbaarheid=50", "model.marge=1000", "model.referentiejaar=2019"]
    assert par.scenario(declared, opties=taken) == {
        "model": {"familie": "negbin", "betrouwbaarheid": 50, "marge": 1000.0, "referentiejaar": 2019}
    }


@pytest.mark.parametrize(
    ("option", "expected"),
    [
        ("model.familie=poison", "geen toegestane waarde; kies uit: auto, poisson, negbin (bedoel je 'poisson'?)"),
        ("model.betrouwbaarheid=150", "buiten het toegestane bereik: van 50 tot en met 99"),
        ("model.betrouwbaarheid=49", "buiten het toegestane bereik: van 50 tot en met 99"),
        ("model.marge=-1", "buiten het toegestane bereik: minstens 0"),
        ("model.referentiejaar=5", "niet toegestaan: kies 0, of een waarde van 2000 tot en met 2100"),
    ],
)
def test_a_value_outside_its_choices_or_range_is_refused(declared, option, expected):
    name, value = option.split(".", 1)[1].split("=", 1)
    message = problem(declared, opties=(option,))
    assert f'-p: notebook "model", parameter "{name}", waarde ' in message
    assert expected in message


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("betrouwbaarheid: int = 95  # bereik: 50-99", "`bereik: 50-99` moet van..tot zijn"),
        ("betrouwbaarheid: int = 95  # bereik: 99..50", "`bereik: 99..50` moet van..tot zijn"),
        ('familie: str = "auto"  # bereik: 1..2', "`bereik: 1..2` moet van..tot zijn (van ≤ tot, voor een int"),
        ("betrouwbaarheid: int = 95  # keuze: negentig", "`keuze: negentig` moet de toegestane waarden noemen"),
        ("betrouwbaarheid: int = 150  # bereik: 50..99", "standaardwaarde 150: buiten het toegestane bereik"),
        ('familie: str = "poison"  # keuze: auto, poisson', "standaardwaarde 'poison': geen toegestane waarde"),
    ],
)
def test_a_malformed_declaration_or_a_default_outside_it_stops_every_build(tmp_path, line, expected):
    cell = f"```{{code-cell}} ipython3\n:tags: [parameters]\n\njaar: int = 2021\n{line}\n```\n"
    notebook(tmp_path / "notebooks", "model", cell)
    message = problem(tmp_path)  # no overrides at all: the cell itself is wrong
    assert "notebooks/model.md" in message and expected in message


def test_the_real_cells_declare_what_the_models_accept():
    """The scenario check and the models agree on the families and fallbacks (the build may not import models)."""
    from jaarverslag.data.population import FALLBACKS
    from jaarverslag.models.glm import FAMILIES

    for name in ("model_leeftijd", "model_zorgconsumptie"):
        cell = par.parameters_cell(ROOT / "notebooks" / f"{name}.md")
        assert cell["familie"].choices == FAMILIES, name
        assert cell["betrouwbaarheid"].bounds == (50.0, 99.0), name
    assert par.parameters_cell(ROOT / "notebooks" / "model_leeftijd.md")["terugval"].choices == FALLBACKS
    declared = {
        (nb.stem, naam)
        for nb in par.source_notebooks(ROOT)
        for naam, p in par.parameters_cell(nb).items()
        if p.choices is not None or p.bounds is not None
    }
    settable = {
        (nb.stem, naam)
        for nb in par.source_notebooks(ROOT)
        for naam, p in par.parameters_cell(nb).items()
        if naam != par.PARAMETER and p.annotatie in ("int", "float", "str")
    }
    assert settable <= declared, sorted(settable - declared)  # every number or text a scenario sets is limited
    assert par.scenario(ROOT) == {}  # and every default lies within its own declaration


def test_the_reported_scenario_stops_before_anything_runs(project):
    """`familie: poison` and `betrouwbaarheid: 150` (issue 18): a real build stops up front, the site untouched."""
    (project / "site").mkdir()
    write(project / "site" / "index.html", "oud")
    scenario_file = write(
        project / "scenario.yml", "model_leeftijd:\n  familie: poison\nmodel_zorgconsumptie:\n  betrouwbaarheid: 150\n"
    )
    result = run_build(project, "--jaar", "2021", "--parameters", str(scenario_file))
    assert result.returncode == 2, result.stdout + result.stderr
    assert (
        f'{scenario_file}: notebook "model_leeftijd", parameter "familie", waarde \'poison\': geen toegestane '
        "waarde; kies uit: auto, poisson, quasipoisson, negbin (bedoel je 'poisson'?)." in result.stderr
    )
    assert (
        f'{scenario_file}: notebook "model_zorgconsumptie", parameter "betrouwbaarheid", waarde 150: buiten het '
        "toegestane bereik: van 50 tot en met 99." in result.stderr
    )
    assert "de gepubliceerde site is ongewijzigd" in result.stderr
    assert (project / "site" / "index.html").read_text(encoding="utf-8") == "oud"
    assert not (project / "_build").exists()
