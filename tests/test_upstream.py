"""Upstream notebooks: a notebook declaring `upstream = [...]` receives those notebooks' settings, scenario included."""

import re
import shutil
from pathlib import Path

import jupytext
import pytest
from papermill.parameterize import parameterize_notebook

from jaarverslag.build import cache, execute, run
from jaarverslag.build.errors import BuildError
from jaarverslag.build.parameters import check_upstream, run_parameters, scenario

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

```{{code-cell}} ipython3
:tags: [parameters]

jaar: int = 2021  # verslagjaar
{cell}
```

```{{code-cell}} ipython3
print(jaar)
```
"""
MODEL = 'familie: str = "auto"  # modelfamilie\nbetrouwbaarheid: int = 95\nmarge: float = 2.5'
DOWNSTREAM = 'upstream = ["model"]  # uses the model\'s settings\ntot_jaar: int = 2040'


def notebook(root: Path, name: str, cell: str) -> Path:
    path = root / "notebooks" / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER.format(cell=cell), encoding="utf-8")
    return path


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A project with `model` (settings), `vooruit` (upstream: model) and `kaal` (only jaar)."""
    notebook(tmp_path, "model", MODEL)
    notebook(tmp_path, "vooruit", DOWNSTREAM)
    notebook(tmp_path, "kaal", "")
    return tmp_path


def test_without_upstream_the_run_gets_jaar_and_its_own_overrides(root):
    assert run_parameters(root, root / "notebooks" / "kaal.md", 2020) == {"jaar": 2020}
    model = root / "notebooks" / "model.md"
    assert run_parameters(root, model, 2021, {"model": {"marge": 3.0, "familie": "poisson"}, "kaal": {"x": 1}}) == {
        "jaar": 2021,
        "familie": "poisson",
        "marge": 3.0,
    }


def test_upstream_gets_every_default_but_jaar(root):
    assert run_parameters(root, root / "notebooks" / "vooruit.md", 2021) == {
        "jaar": 2021,
        "upstream": {"model": {"familie": "auto", "betrouwbaarheid": 95, "marge": 2.5}},
    }


def test_the_upstream_scenario_flows_through(root):
    overrides = scenario(root, opties=["model.familie=poisson", "vooruit.tot_jaar=2035", "model.marge=3"])
    got = run_parameters(root, root / "notebooks" / "vooruit.md", 2020, overrides)
    assert got == {
        "jaar": 2020,
        "tot_jaar": 2035,
        "upstream": {"model": {"familie": "poisson", "betrouwbaarheid": 95, "marge": 3.0}},
    }
    model = run_parameters(root, root / "notebooks" / "model.md", 2020, overrides)
    defaults = run_parameters(root, root / "notebooks" / "vooruit.md", 2020)["upstream"]["model"]
    assert got["upstream"]["model"] == {**defaults, **{k: v for k, v in model.items() if k != "jaar"}}  # the same


def test_the_run_papermill_gets_carries_the_upstream(root):
    taak = next(t for t in execute.tasks_for([2021], root, {"model": {"familie": "negbin"}}) if t.notebook == "vooruit")
    assert taak.parameters["upstream"]["model"]["familie"] == "negbin"
    nb = jupytext.read(taak.bron)
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    injected = next(
        c.source for c in parameterize_notebook(nb, taak.parameters).cells if "injected-parameters" in c.metadata.tags
    )
    assert re.search(r'upstream = \{"model": \{"familie": "negbin"', injected)


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


def record(root: Path, overrides: dict | None) -> None:
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


def test_an_upstream_scenario_reruns_the_downstream_notebook_too(root):
    record(root, None)
    assert reasons(root, None) == {"kaal": None, "model": None, "vooruit": None}
    poisson = {"model": {"familie": "poisson"}}
    assert reasons(root, poisson) == {"kaal": None, "model": "parameters gewijzigd", "vooruit": "parameters gewijzigd"}
    record(root, poisson)
    assert reasons(root, {**poisson, "vooruit": {"tot_jaar": 2030}}) == {
        "kaal": None,
        "model": None,
        "vooruit": "parameters gewijzigd",
    }  # downstream settings leave the model alone


def test_editing_the_upstream_default_reruns_the_downstream_notebook(root):
    record(root, None)
    notebook(root, "model", MODEL.replace("95", "90"))
    assert reasons(root, None)["vooruit"] == "parameters gewijzigd"


def test_an_unknown_upstream_stops_the_build_before_anything(root, monkeypatch, capsys):
    notebook(root, "vooruit", DOWNSTREAM.replace('"model"', '"model", "modell"'))
    with pytest.raises(
        BuildError, match='notebook "vooruit": upstream-notebook "modell" bestaat niet; kies uit: kaal, model'
    ):
        check_upstream(root)
    with pytest.raises(BuildError, match="modell"):
        run_parameters(root, root / "notebooks" / "vooruit.md", 2021)
    monkeypatch.setenv("JAARVERSLAG_ROOT", str(root))
    assert run.bouw([2021]) == 2
    assert 'upstream-notebook "modell" bestaat niet' in capsys.readouterr().err
    assert not (root / "_build").exists()


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('upstream = "model"', "upstream moet een lijst met notebooknamen zijn"),
        ("upstream = [model]", "upstream moet een lijst met notebooknamen zijn"),
        ('upstream = ["vooruit"]', "kan niet zijn eigen upstream zijn"),
    ],
)
def test_a_malformed_upstream_is_refused(root, cell, expected):
    notebook(root, "vooruit", cell)
    with pytest.raises(BuildError, match=expected):
        check_upstream(root)


def test_an_upstream_default_must_be_a_plain_value(root):
    notebook(root, "model", "familie: str = 'auto'\ngrens: int = jaar - 1")
    with pytest.raises(BuildError, match='notebook "model", parameter "grens": de standaardwaarde jaar - 1 is geen'):
        run_parameters(root, root / "notebooks" / "vooruit.md", 2021)


def test_upstream_cannot_be_set_from_a_scenario(root):
    with pytest.raises(BuildError, match='parameter "upstream".*kan niet worden ingesteld'):
        scenario(root, opties=['vooruit.upstream=["kaal"]'])
    with pytest.raises(BuildError, match="onbekende parameter; kies uit: tot_jaar\\."):
        scenario(root, opties=["vooruit.x=1"])  # upstream is not offered as a choice


def test_the_vooruitblik_receives_the_age_model_settings(tmp_path):
    """On a copy of the real notebooks, with the upstream line the Vooruitblik declares."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    path = tmp_path / "notebooks" / "vooruitblik.md"
    text = path.read_text(encoding="utf-8")
    if 'upstream = ["model_leeftijd"]' not in text:
        text = text.replace(
            "jaar: int = 2021  # verslagjaar\n", 'jaar: int = 2021  # verslagjaar\nupstream = ["model_leeftijd"]\n', 1
        )
        path.write_text(text, encoding="utf-8")
    check_upstream(tmp_path)
    got = run_parameters(tmp_path, path, 2021, scenario(tmp_path, opties=["model_leeftijd.familie=poisson"]))
    assert got["upstream"] == {
        "model_leeftijd": {
            "referentiejaar": 0,
            "betrouwbaarheid": 95,
            "familie": "poisson",
            "terugval": "dichtstbijzijnde",
        }
    }
