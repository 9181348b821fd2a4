"""Shared fixtures: an isolated copy of the project, and one real build of it per test session.

The session build runs before collection when pytest runs its default testpaths, so that
nbval can collect the notebooks it executed (_build/test/project/_build/nb/<jaar>/*.ipynb).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ITEMS = ("book", "notebooks", "data", "_config.yml", "_toc.yml", "requirements.lock")
TEST_PROJECT = ROOT / "_build" / "test" / "project"
BUILD_LOG = ROOT / "_build" / "test" / "build.log"
NB_DIR = TEST_PROJECT / "_build" / "nb"  # the executed notebooks nbval checks

_session_build: dict[str, object] = {}
_nbval_checked: set[str] = set()  # notebooks nbval ran a check cell of


def copy_project(target: Path) -> Path:
    """Copy the project's sources (not its outputs) into target and return it."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for item in SOURCE_ITEMS:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, target / item)
        else:
            shutil.copy2(src, target / item)
    return target


def run_build(project: Path, *args: str, pdf: bool = False) -> subprocess.CompletedProcess:
    """Run `python -m jaarverslag build` on a project copy, as `make book` does (PDF only when asked: it is slow)."""
    env = {**os.environ, "JAARVERSLAG_ROOT": str(project)}
    flags = [] if pdf else ["--geen-pdf"]
    return subprocess.run(
        [sys.executable, "-m", "jaarverslag", "build", *flags, *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def build_test_project() -> dict[str, object]:
    """Build the shared test project once; return its path, exit code and log."""
    if not _session_build:
        project = copy_project(TEST_PROJECT)
        result = run_build(project, pdf=shutil.which("chromium") is not None)
        BUILD_LOG.write_text(result.stdout + result.stderr, encoding="utf-8")
        _session_build.update(project=project, returncode=result.returncode, log=result.stdout + result.stderr)
    return _session_build


def expected_notebooks(project: Path) -> int:
    """How many executed notebooks a build of project makes: report years x notebooks."""
    years = [p for p in (project / "data").iterdir() if p.is_dir() and p.name.isdigit()]
    return len(years) * len(list((project / "notebooks").glob("*.md")))


def pytest_sessionstart(session: pytest.Session) -> None:
    if session.config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return
    build_test_project()
    session.config._nbval_expected = expected_notebooks(TEST_PROJECT)
    session.config.pluginmanager.register(_NbvalCounter(), "nbval-counter")
    # pytest resolved testpaths before this build existed: on a fresh clone it dropped NB_DIR, so add it back.
    if NB_DIR.is_dir() and not any(Path(a).resolve() == NB_DIR.resolve() for a in session.config.args):
        session.config.args.append(str(NB_DIR))


class _NbvalCounter:
    """Counts the notebooks nbval ran a cell of; a plugin, since this conftest's own hooks see tests/ only."""

    @staticmethod
    def pytest_runtest_logreport(report: pytest.TestReport) -> None:
        path = report.nodeid.split("::")[0]
        if report.when == "call" and path.endswith(".ipynb"):
            _nbval_checked.add(path)


def nbval_shortfall(checked: int, expected: int) -> str | None:
    """The Dutch message when nbval checked fewer notebooks than the build executed, else None."""
    if checked >= expected:
        return None
    return f"nbval controleerde {checked} van de {expected} notebooks (jaren x notebooks); de rest niet."


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    expected = getattr(session.config, "_nbval_expected", None)
    if expected is None:
        return
    message = nbval_shortfall(len(_nbval_checked), expected)
    if message:
        print("\n" + message, file=sys.stderr)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    expected = getattr(config, "_nbval_expected", None)
    if expected is not None:
        terminalreporter.write_line(f"nbval: {len(_nbval_checked)} van {expected} uitgevoerde notebooks gecontroleerd")


@pytest.fixture(scope="session")
def built_project() -> Path:
    """The shared test project after a real `make book`-equivalent build; fails with the build log."""
    build = build_test_project()
    assert build["returncode"] == 0, f"build failed:\n{build['log']}"
    return build["project"]  # type: ignore[return-value]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh, unbuilt copy of the project's sources."""
    return copy_project(tmp_path / "project")
