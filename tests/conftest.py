"""Shared fixtures: an isolated copy of the project, and one real build of it per test session.

The session build runs before collection when pytest runs its default testpaths, so that
nbval can collect the notebooks it executed (_build/test/project/_build/nb/<jaar>/*.ipynb).
With parallel test processes (pytest-xdist, `make test`) the session build is made once, under a
file lock, and read by every process; a test's own builds then use its share of the cores.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from jaarverslag.build.execute import WARM_ENV

ROOT = Path(__file__).resolve().parents[1]
SOURCE_ITEMS = ("book", "notebooks", "data", "_config.yml", "_toc.yml", "requirements.lock")
TEST_PROJECT = ROOT / "_build" / "test" / "project"
BUILD_LOG = ROOT / "_build" / "test" / "build.log"
NB_DIR = TEST_PROJECT / "_build" / "nb"  # the executed notebooks nbval checks
CACHED_OUTPUTS = ("cache", "nb")  # what copy_project(cache_from=...) takes over: the notebook runs

SESSION_STATE = ROOT / "_build" / "test" / "build.json"  # this run's session build, for every test process
SESSION_LOCK = ROOT / "_build" / "test" / "build.lock"
RUN_ENV = "JAARVERSLAG_TESTRUN"  # one id per pytest run; xdist's worker processes inherit it
XDIST_GROUP_OF = {  # modules that share one expensive session fixture run in the same test process
    "test_warm.py": "fresh_kernel_build",
    "test_incremental.py": "fresh_kernel_build",
    "test_incremental_book.py": "fresh_kernel_build",
    "test_voorbeeld.py": "voorbeeld",
    "test_registrations_privacy.py": "voorbeeld",
    "test_secties.py": "voorbeeld",
    "test_browser.py": "browser",  # one survey of the site (browser_survey.py) and one sub-path build
    "test_a11y.py": "browser",
    "test_phone.py": "browser",
    "test_links.py": "browser",
}

# Work units that take longest (pytest --durations), started first so that no long one starts last.
LONGEST_FIRST = ("fresh_kernel_build", "browser", "voorbeeld", "test_missing_tables.py", "test_errata.py")

_session_build: dict[str, object] = {}
_nbval_checked: set[str] = set()  # notebooks nbval ran a check cell of


def copy_project(target: Path, cache_from: Path | None = None) -> Path:
    """Copy the project's sources (not its outputs) into target and return it.

    cache_from: a built project whose notebook cache and executed notebooks the copy starts with, so its
    build runs only the notebooks the test's own changes touch (the cache decides, as in any build).
    """
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for item in SOURCE_ITEMS:
        src = ROOT / item
        if src.is_dir():
            shutil.copytree(src, target / item)
        else:
            shutil.copy2(src, target / item)
    if cache_from is not None:
        for folder in CACHED_OUTPUTS:
            shutil.copytree(cache_from / "_build" / folder, target / "_build" / folder)
    return target


def worker_args() -> list[str]:
    """`--workers N` for a build started by one of several parallel test processes: their builds share the cores."""
    processes = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    if processes <= 1:
        return []
    return ["--workers", str(max(1, (os.cpu_count() or 1) // processes))]


def run_build(project: Path, *args: str, pdf: bool = False) -> subprocess.CompletedProcess:
    """Run `python -m jaarverslag build` on a project copy, as `make book` does (PDF only when asked: it is slow)."""
    env = {**os.environ, "JAARVERSLAG_ROOT": str(project)}
    flags = ([] if pdf else ["--geen-pdf"]) + worker_args()
    return subprocess.run(
        [sys.executable, "-m", "jaarverslag", "build", *flags, *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def start_build(project: Path, *args: str, **popen) -> subprocess.Popen:
    """Start `python -m jaarverslag build --geen-pdf` on a project copy and return at once (stdout on a pipe)."""
    return subprocess.Popen(
        [sys.executable, "-m", "jaarverslag", "build", "--geen-pdf", *args],
        cwd=project,
        env={**os.environ, "JAARVERSLAG_ROOT": str(project)},
        stdout=subprocess.PIPE,
        text=True,
        **popen,
    )


def build_test_project() -> dict[str, object]:
    """Build the shared test project once per test run (whichever process comes first); return path, exit code, log."""
    if _session_build:
        return _session_build
    run = os.environ.setdefault(RUN_ENV, uuid.uuid4().hex)
    SESSION_LOCK.parent.mkdir(parents=True, exist_ok=True)
    with SESSION_LOCK.open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second process waits here for the first one's build
        state = json.loads(SESSION_STATE.read_text(encoding="utf-8")) if SESSION_STATE.is_file() else {}
        if state.get("run") != run:
            SESSION_STATE.unlink(missing_ok=True)
            start = time.monotonic()
            project = copy_project(TEST_PROJECT)
            result = run_build(project, pdf=shutil.which("chromium") is not None)
            BUILD_LOG.write_text(result.stdout + result.stderr, encoding="utf-8")
            state = {"run": run, "returncode": result.returncode, "seconds": round(time.monotonic() - start)}
            SESSION_STATE.write_text(json.dumps(state), encoding="utf-8")
    log = BUILD_LOG.read_text(encoding="utf-8")
    _session_build.update(project=TEST_PROJECT, returncode=state["returncode"], log=log, seconds=state.get("seconds"))
    return _session_build


def expected_notebooks(project: Path) -> int:
    """How many executed notebooks a build of project makes: report years x notebooks."""
    years = [p for p in (project / "data").iterdir() if p.is_dir() and p.name.isdigit()]
    return len(years) * len(list((project / "notebooks").glob("*.md")))


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault(RUN_ENV, uuid.uuid4().hex)  # before xdist starts its worker processes
    if os.environ.get(WARM_ENV, "1") != "0":
        _warm_nbval_kernels()


def _warm_nbval_kernels() -> None:
    """Let nbval fork its kernels from a pre-imported zygote, as the build does (same state: tests/test_warm.py).

    nbval executes every built notebook again; a fresh kernel would spend most of that importing libraries.
    JAARVERSLAG_WARM=0 gives nbval fresh kernels again.
    """
    import nbval.kernel

    from jaarverslag.build import execute, warm

    class NbvalKernels(warm.SyncWarmKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
            warm.start(execute.threads_per_worker(int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))))
            await super()._async_launch_kernel(kernel_cmd, **kw)

    nbval.kernel.KernelManager = NbvalKernels


def pytest_sessionstart(session: pytest.Session) -> None:
    if session.config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return
    build_test_project()
    if hasattr(session.config, "workerinput"):
        return  # an xdist worker: the controlling process counts the nbval checks of all workers
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


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Give each file to one test process, whole (module fixtures built once, a notebook's cells in one kernel).

    XDIST_GROUP_OF's modules share one process too. A scheduler of our own, since xdist 3.8's loadgroup
    cannot rename test ids under pytest 9.
    """
    from xdist.scheduler import LoadScopeScheduling

    class FileGroups(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return XDIST_GROUP_OF.get(Path(path).name, path)

    config.option.loadscopereorder = False  # units go out in collection order: LONGEST_FIRST (below) first
    return FileGroups(config, log)


def _work_unit(item: pytest.Item) -> str:
    name = Path(item.nodeid.split("::", 1)[0]).name
    return XDIST_GROUP_OF.get(name, name)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Put the longest work units first (a stable sort: the order within and after them stays)."""
    rank = {unit: i for i, unit in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(_work_unit(item), len(rank)))


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
    if _session_build.get("seconds") is not None:  # before any test ran; --durations lists the tests
        terminalreporter.write_line(f"sessiebouw (alle jaren, met PDF): {_session_build['seconds']} s")


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


@pytest.fixture
def cached_copy(tmp_path: Path, built_project: Path) -> Path:
    """A copy of the sources that starts with the session build's notebook runs (only changed inputs re-run)."""
    return copy_project(tmp_path / "project", cache_from=built_project)


@pytest.fixture(scope="session")
def fresh_kernel_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """One cold build of a copy with a fresh kernel per notebook, shared by two checks instead of two builds.

    tests/test_warm.py compares its executed notebooks with the (warm) session build; tests/test_incremental.py
    then rebuilds the same project after changing it, so the cold outputs are kept aside first ("nb").
    """
    base = tmp_path_factory.mktemp("koud")
    project = copy_project(base / "project")
    env = {**os.environ, "JAARVERSLAG_ROOT": str(project), WARM_ENV: "0"}
    result = subprocess.run(
        [sys.executable, "-m", "jaarverslag", "build", "--geen-pdf", *worker_args()],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    shutil.copytree(project / "_build" / "nb", base / "nb")
    return {"project": project, "nb": base / "nb", "result": result}
