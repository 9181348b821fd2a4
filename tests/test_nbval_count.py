"""The nbval guard: a full test run fails when nbval checked fewer notebooks than the build executed."""

from conftest import expected_notebooks, nbval_shortfall


def test_expected_is_years_times_notebooks(tmp_path):
    for name in ("2020", "2021", "codebook"):  # codebook is not a year
        (tmp_path / "data" / name).mkdir(parents=True)
    (tmp_path / "notebooks").mkdir()
    for stem in ("a", "b", "c"):
        (tmp_path / "notebooks" / f"{stem}.md").write_text("")
    assert expected_notebooks(tmp_path) == 6


def test_one_unchecked_notebook_is_a_failure_with_a_dutch_message():
    assert nbval_shortfall(39, 39) is None
    message = nbval_shortfall(38, 39)
    assert "38 van de 39" in message and "de rest niet" in message
