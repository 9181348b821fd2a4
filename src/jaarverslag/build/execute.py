"""Notebook runs: one per year and notebook, executed with papermill in a worker pool unless the cache still holds."""

from __future__ import annotations

import compileall
import os
import shutil
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from jaarverslag.build import cache, warm
from jaarverslag.build.errors import BuildError
from jaarverslag.build.parameters import Overrides, run_parameters, source_notebooks
from jaarverslag.data.paths import READS_ENV, ROOT_ENV, build_dir
from jaarverslag.render.fmt import getal

READS_FILE = "gelezen.txt"
WARM_ENV = "JAARVERSLAG_WARM"  # "0": every kernel starts afresh (the baseline of make bench and tests/test_warm.py)
# A busy 2-core machine can take over a minute to start a kernel; papermill gives up after 60 s by default.
KERNEL_START_TIMEOUT_S = 300
KERNEL_START_ATTEMPTS = 3
KERNEL_START_FAILURES = ("Kernel died before replying to kernel_info", "Kernel didn't respond")
KERNEL_LOG = "kernels.log"


@dataclass(frozen=True)
class Task:
    """One notebook run: a source notebook for one report year, with its own output folder."""

    jaar: int
    notebook: str
    bron: Path
    map: Path  # _build/nb/<jaar>/<notebook>/: the executed notebook, its figures and tables
    # What papermill injects and the cache key hashes (parameters.run_parameters); not part of the run's identity.
    parameters: dict = field(compare=False, hash=False, repr=False)
    scenario: tuple[tuple[str, object], ...] = ()  # the analyst's overrides for this notebook, sorted by name

    @property
    def uit(self) -> Path:
        return self.map / f"{self.notebook}.ipynb"


@dataclass(frozen=True)
class Uitkomst:
    """What happened to one notebook in this build."""

    taak: Task
    seconden: float
    reden: str | None  # why it ran; None when it came from the cache
    fout: str | None = None


def tasks_for(jaren: list[int], root: Path, overrides: Overrides | None = None) -> list[Task]:
    """Return one run per year and notebook, each with its parameters (its overrides and its upstream settings)."""
    out_root, overrides = build_dir(root) / "nb", overrides or {}
    return [
        Task(
            j,
            nb.stem,
            nb,
            out_root / str(j) / nb.stem,
            run_parameters(root, nb, j, overrides),
            tuple(sorted(overrides.get(nb.stem, {}).items())),
        )
        for j in jaren
        for nb in source_notebooks(root)
    ]


def _open_log(log: Path) -> int:
    """Open the build's kernel log for appending; return the file descriptor."""
    return os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)


def kernel_log(root: Path) -> Path:
    """Return the build's kernel log: the workers' and the zygote's error output."""
    return build_dir(root) / KERNEL_LOG


def start_zygote(log: Path, threads: int) -> warm.Zygote:
    """Start a zygote whose error output (a failed import's traceback) is appended to log."""
    log_fd = _open_log(log)
    try:
        return warm.Zygote(threads, stderr=log_fd)
    finally:
        os.close(log_fd)


def _start_worker(log: str, threads: int, zygote: str | None) -> None:
    """Prepare a worker: stderr to a log file, maths threads capped, its kernels forked from the build's zygote."""
    os.dup2(_open_log(Path(log)), 2)
    for name in warm.THREADS_ENV:  # workers x threads never exceed the cores; kernels inherit the environment
        os.environ[name] = str(threads)
    if zygote is not None:
        warm.use(zygote)


def threads_per_worker(workers: int, cores: int | None = None) -> int:
    """Return how many maths-library threads each worker's kernels may use."""
    return max(1, (cores or os.cpu_count() or 1) // max(workers, 1))


def _run_notebook(taak: Task, root: str, warm_kernels: bool = False) -> tuple[float, str | None]:
    """Execute one notebook with papermill in this worker; return (seconds, error text or None).

    The run writes into a fresh temporary folder that replaces the old output only on success,
    so an interrupted run never leaves a half-written notebook where the cache would trust it.
    """
    import jupytext
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    start = time.perf_counter()
    work = taak.map.with_name(taak.map.name + ".bezig")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    os.environ[ROOT_ENV] = root
    os.environ[READS_ENV] = str(work / READS_FILE)
    try:
        notebook = jupytext.read(taak.bron)
        for attempt in range(KERNEL_START_ATTEMPTS):
            try:
                executed = papermill.execute_notebook(
                    notebook,
                    str(work / taak.uit.name),
                    parameters=taak.parameters,
                    cwd=str(work),
                    kernel_name="python3",
                    progress_bar=False,
                    log_output=False,
                    report_mode=False,
                    request_save_on_cell_execute=False,  # papermill would serialise the notebook twice a cell
                    start_timeout=KERNEL_START_TIMEOUT_S,
                    **({"kernel_manager_class": warm.WarmKernelManager} if warm_kernels else {}),
                )
                break
            except RuntimeError as err:
                # Two kernels starting at once can race for a TCP port; nothing ran yet, so starting again is safe.
                if attempt + 1 == KERNEL_START_ATTEMPTS or not str(err).startswith(KERNEL_START_FAILURES):
                    raise
    except PapermillExecutionError as err:
        return time.perf_counter() - start, f"cel {err.exec_count}: {err.ename}: {err.evalue}"
    except warm.ZygoteStopped as err:  # its traceback went to the log, not to this worker
        log = kernel_log(Path(root)).relative_to(root)
        return time.perf_counter() - start, f"{err} De oorzaak staat in {log}."
    except Exception as err:  # noqa: BLE001 - any failure stops the build with its message
        return time.perf_counter() - start, f"{type(err).__name__}: {err}"
    finally:
        os.environ.pop(READS_ENV, None)
    _coalesce_streams(executed)
    nbformat.write(executed, work / taak.uit.name)
    shutil.rmtree(taak.map, ignore_errors=True)
    work.rename(taak.map)
    return time.perf_counter() - start, None


def _coalesce_streams(notebook) -> None:
    """Join a cell's consecutive outputs of one stream: where the kernel splits printed text depends on timing.

    Without this the same run can be stored as one or as two stdout outputs, and two builds differ in bytes.
    """
    for cell in notebook.cells:
        merged = []
        for output in cell.get("outputs", []):
            last = merged[-1] if merged else None
            if output.output_type == "stream" and last and last.output_type == "stream" and last.name == output.name:
                last.text += output.text
            else:
                merged.append(output)
        if "outputs" in cell:
            cell.outputs = merged


@dataclass
class Plan:
    """The runs a build needs (each with why it runs and its cache key) and those the cache still holds."""

    jaren: list[int]
    root: Path
    taken: list[Task]
    cached: list[Uitkomst]
    te_draaien: dict[Task, tuple[str, cache.Key]]


def plan_runs(jaren: list[int], root: Path, overrides: Overrides | None = None) -> Plan:
    """Decide from the cache which notebook runs must execute (it only reads files: it may precede validation)."""
    cache_dir = build_dir(root) / "cache"
    taken = tasks_for(jaren, root, overrides)
    cached: list[Uitkomst] = []
    te_draaien: dict[Task, tuple[str, cache.Key]] = {}
    for taak in taken:
        sleutel = cache.Key.for_notebook(root, taak.bron, taak.parameters)
        reden = cache.reason_to_run(cache.entry_path(cache_dir, taak.jaar, taak.notebook), sleutel, taak.uit, root)
        if reden is None:
            cached.append(Uitkomst(taak, 0.0, None))
        else:
            te_draaien[taak] = (reden, sleutel)
    return Plan(jaren, root, taken, cached, te_draaien)


def _ready() -> None:
    """A no-op: submitted once per worker, so that the workers start (and import) before the first run."""


@dataclass(frozen=True)
class Workers:
    """A build's pool of long-lived worker processes and the zygote their kernels fork from (None: fresh kernels)."""

    pool: ProcessPoolExecutor
    count: int
    zygote: warm.Zygote | None

    @property
    def warm_kernels(self) -> bool:
        return self.zygote is not None

    def stop_unused(self) -> None:
        """Kill the workers and the zygote when they will run nothing (the data check failed), even mid-import.

        Shutting the pool down would first wait for the workers' imports.
        """
        for process in list(self.pool._processes.values()):  # no public way before Python 3.14's kill_workers()
            process.kill()
        if self.zygote is not None:
            self.zygote.kill()


def compile_package() -> None:
    """Write the package's bytecode where it is missing or stale: every kernel imports the package afresh.

    Python writes bytecode on import unless PYTHONDONTWRITEBYTECODE is set; then each of a build's kernels
    would compile the chapters, models and renderers again (about 0,06 s each). An unwritable package (an
    installed, already compiled one) is left as it is.
    """
    compileall.compile_dir(cache.PACKAGE_DIR, quiet=2)  # reports a file it cannot write as failed, never raises


@contextmanager
def worker_pool(plan: Plan, workers: int, warm_kernels: bool | None = None) -> Iterator[Workers | None]:
    """Start the plan's long-lived workers now, so their imports overlap what the build does before running them.

    Yields None when nothing must run. With warm_kernels (default: WARM_ENV not "0") the workers fork their
    kernels from one pre-imported process (build/warm.py) that the build starts now and shares between them.
    """
    if not plan.te_draaien:
        yield None
        return
    if warm_kernels is None:
        warm_kernels = os.environ.get(WARM_ENV, "1") != "0"
    compile_package()
    log = kernel_log(plan.root)
    log.parent.mkdir(parents=True, exist_ok=True)
    workers = min(workers, len(plan.te_draaien))
    threads = threads_per_worker(workers)
    # its kernels' chatter goes to the log, as the workers' own does
    zygote = start_zygote(log, threads) if warm_kernels else None
    try:
        pool = ProcessPoolExecutor(
            max_workers=workers,
            initializer=_start_worker,
            initargs=(str(log), threads, zygote.address if zygote else None),
        )
        try:
            for _ in range(workers):
                pool.submit(_ready)
            yield Workers(pool, workers, zygote)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    finally:
        if zygote is not None:  # after the workers: they hold its input open too
            zygote.close()


def run_notebooks(
    plan: Plan, workers: Workers | None, year_done: Callable[[int], None] | None = None
) -> list[Uitkomst]:
    """Execute the plan's runs in the pool (worker_pool); stop at the first failure.

    Years run one after another, newest first, and within a year the longest runs start first (as recorded by
    the cache; a run without a record is expected to take as long as the same notebook did for a newer year in
    this build): year_done(jaar) is called as soon as a year's notebooks are all there, so that its book can be
    built while the next year's notebooks run (the oldest year, with the smallest book, comes last). A run
    starts when a worker is free, so that the order can use what this build has learnt.
    """
    root, te_draaien = plan.root, plan.te_draaien
    cache_dir = build_dir(root) / "cache"
    uitkomsten = list(plan.cached)
    print(
        f"Notebooks: {len(plan.taken)} ({len(plan.jaren)} jaar × {len(source_notebooks(root))}); "
        f"{len(te_draaien)} uit te voeren, {len(plan.cached)} uit de cache; "
        f"{workers.count if workers else 1} tegelijk",
        flush=True,
    )
    remaining = {j: sum(t.jaar == j for t in te_draaien) for j in plan.jaren}
    for jaar in sorted(plan.jaren, reverse=True):
        if not remaining[jaar] and year_done is not None:
            year_done(jaar)
    if not te_draaien:
        return uitkomsten
    bar = tqdm(total=len(te_draaien), unit="notebook", desc="Uitvoeren", disable=None, leave=False)
    pending = list(te_draaien)  # in a fixed order (year, notebook) for equal keys
    seen: dict[str, float] = {}  # this build's run time of a notebook, for the same notebook in an older year
    running: dict[Future, Task] = {}

    def start_next() -> None:
        """Start the newest year's longest run: by earlier runs' durations, else by this build's run of the
        same notebook for another year, else first (an unknown run may be long)."""

        def expected(t: Task) -> float:
            recorded = cache.recorded_seconds(cache.entry_path(cache_dir, t.jaar, t.notebook))
            return recorded if recorded is not None else seen.get(t.notebook, float("inf"))

        taak = min(pending, key=lambda t: (-t.jaar, -expected(t)))
        pending.remove(taak)
        running[workers.pool.submit(_run_notebook, taak, str(root), workers.warm_kernels)] = taak

    for _ in range(min(workers.count, len(pending))):
        start_next()
    while running:
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            taak = running.pop(future)
            reden, sleutel = te_draaien[taak]
            seconds, error = future.result()
            bar.update()
            status = "klaar" if error is None else "MISLUKT"
            bar.write(f"  {taak.jaar} {taak.notebook}: {status} in {getal(seconds, 1)} s ({reden})")
            if error is not None:
                bar.close()
                raise BuildError(
                    f"Notebook mislukt — jaar {taak.jaar}, notebook {taak.notebook}.ipynb, {error}\n"
                    f"Het uitgevoerde notebook staat in "
                    f"{taak.map.with_name(taak.map.name + '.bezig').relative_to(root)}."
                )
            seen[taak.notebook] = seconds
            if pending:
                start_next()
            cache.write_entry(
                cache.entry_path(cache_dir, taak.jaar, taak.notebook), sleutel, taak.map / READS_FILE, root, seconds
            )
            uitkomsten.append(Uitkomst(taak, seconds, reden))
            remaining[taak.jaar] -= 1
            if not remaining[taak.jaar] and year_done is not None:
                year_done(taak.jaar)
    bar.close()
    return uitkomsten
