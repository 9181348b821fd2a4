"""Warm kernels (build/warm.py): the same outputs as fresh kernels, and every run starts from a fresh kernel's state."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jaarverslag.build import execute, warm
from jaarverslag.build.execute import Task

PROBE = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---

```{code-cell} ipython3
:tags: [parameters]

jaar: int = 2021
```

```{code-cell} ipython3
import hashlib, json, os, random
import matplotlib, numpy as np
state = {
    "globals": sorted(k for k in globals() if not k.startswith("_")),
    "modules": sorted(m for m in __import__("sys").modules if m.startswith(("jaarverslag", "__main__"))),
    "rc": hashlib.sha256(repr(sorted(matplotlib.rcParams.items())).encode()).hexdigest(),
    "cwd": os.getcwd(),
    "path": __import__("sys").path,
    "env": {k: v for k, v in os.environ.items() if not k.startswith(("JPY_", "PYDEVD"))},
    "np_random": int(np.random.get_state()[1][:4].sum()),
    "random": random.random(),
}
open("toestand.json", "w").write(json.dumps(state))
random.seed(1)  # a later run must not see this
np.random.seed(1)
```
"""


def _probe(tmp_path: Path, name: str, warm_kernels: bool) -> dict:
    source = tmp_path / "probe.md"
    source.write_text(PROBE, encoding="utf-8")
    task = Task(2021, "probe", source, tmp_path / name / "probe", {"jaar": 2021})
    seconds, error = execute._run_notebook(task, str(tmp_path), warm_kernels)
    assert error is None, error
    state = json.loads((task.map / "toestand.json").read_text())
    state["cwd"] = state["cwd"].replace(f"{name}/probe.bezig", "RUN")
    state["path"] = [p.replace(f"{name}/probe.bezig", "RUN") for p in state["path"]]
    state["env"] = {k: v.replace(f"{name}/probe.bezig", "RUN") for k, v in state["env"].items()}
    return state


def test_each_warm_run_starts_with_a_fresh_kernels_state(tmp_path, monkeypatch):
    monkeypatch.setenv("JAARVERSLAG_ROOT", str(tmp_path))
    warm.start(1)
    first = _probe(tmp_path, "warm1", True)
    second = _probe(tmp_path, "warm2", True)  # the first run's seeds and globals must not leak
    fresh = _probe(tmp_path, "fresh", False)
    for key in ("globals", "modules", "rc", "cwd", "path", "env"):
        assert first[key] == fresh[key] == second[key], key
    assert first["cwd"].endswith("RUN")
    # Random state as a fresh process has it: seeded from the OS, so different in every run, never the zygote's.
    assert len({first["np_random"], second["np_random"], fresh["np_random"]}) == 3
    assert len({first["random"], second["random"], fresh["random"]}) == 3


def _outputs(project: Path, folder: Path | None = None) -> dict[str, bytes]:
    """Every file of a build's executed notebooks (folder: default its _build/nb), without what differs between runs.

    Removed: papermill's timing metadata, the random cell ids jupytext gives each read, and the project's own path
    (the two builds run in different folders; gelezen.txt lists absolute paths).
    """
    folder, out = folder or project / "_build" / "nb", {}
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".ipynb":
            nb = json.loads(data)
            nb["metadata"].pop("papermill", None)
            for cell in nb["cells"]:
                cell.pop("id", None)
                cell["metadata"].pop("papermill", None)
                cell["metadata"].pop("execution", None)
            data = json.dumps(nb, sort_keys=True).encode()
        out[str(path.relative_to(folder))] = data.replace(str(project).encode(), b"<project>")
    return out


def test_every_notebook_of_every_year_gives_the_same_outputs_warm_and_fresh(built_project, fresh_kernel_build):
    """The session build ran warm (the default); a cold build of a copy with fresh kernels must give the same bytes."""
    fresh = fresh_kernel_build["project"]
    warm_out, fresh_out = _outputs(built_project), _outputs(fresh, fresh_kernel_build["nb"])
    assert warm_out.keys() == fresh_out.keys()
    assert len([k for k in warm_out if k.endswith(".ipynb")]) == len(
        execute.tasks_for(sorted(int(p.name) for p in (fresh / "data").iterdir() if p.name.isdigit()), fresh)
    )
    different = [k for k in warm_out if warm_out[k] != fresh_out[k]]
    assert not different, different


@pytest.mark.parametrize(("workers", "cores", "threads"), [(2, 2, 1), (1, 2, 2), (4, 2, 1), (3, 8, 2)])
def test_workers_times_threads_never_exceed_the_cores(workers, cores, threads):
    assert execute.threads_per_worker(workers, cores) == threads
    assert workers * threads <= max(cores, workers)


def _probe_state(manager_class, cwd: Path) -> dict:
    """Start a kernel with this manager class in cwd, run the probe's code cell in it, return the state it saw."""
    code = PROBE.split("```{code-cell} ipython3\n")[2].split("```")[0]
    manager = manager_class(kernel_name="python3")
    manager.start_kernel(cwd=str(cwd))
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=300)
        reply = client.execute_interactive(code, timeout=300, output_hook=lambda msg: None)
        assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return json.loads((cwd / "toestand.json").read_text())


def test_nbval_forks_its_kernels_and_each_starts_with_a_fresh_kernels_state(tmp_path):
    """nbval re-executes every built notebook in kernels from the zygote (conftest); they start as fresh ones do."""
    import nbval.kernel
    from jupyter_client.manager import KernelManager

    if os.environ.get(execute.WARM_ENV, "1") == "0":  # fresh kernels asked for: nbval keeps its own
        assert nbval.kernel.KernelManager is KernelManager
    else:
        assert issubclass(nbval.kernel.KernelManager, warm.SyncWarmKernelManager)
    states = {}
    for name, manager_class in (("nbval1", nbval.kernel.KernelManager), ("nbval2", nbval.kernel.KernelManager)):
        (tmp_path / name).mkdir()
        states[name] = _probe_state(manager_class, tmp_path / name)
    (tmp_path / "vers").mkdir()
    states["vers"] = _probe_state(KernelManager, tmp_path / "vers")
    for state in states.values():
        state["cwd"] = Path(state["cwd"]).name
        state["path"] = [p.replace(str(tmp_path), "") for p in state["path"]]
    for key in ("globals", "modules", "rc", "path", "env"):
        assert states["nbval1"][key] == states["nbval2"][key] == states["vers"][key], key
    assert len({s["np_random"] for s in states.values()}) == len({s["random"] for s in states.values()}) == 3


def test_a_print_split_by_the_kernel_is_stored_as_one_output():
    """How the kernel splits printed text depends on timing; the stored notebook must not (byte-identical runs)."""
    import nbformat

    out = nbformat.v4.new_output
    cell = nbformat.v4.new_code_cell(
        outputs=[
            out("stream", name="stdout", text="a\n"),
            out("stream", name="stdout", text="b\n"),
            out("stream", name="stderr", text="c\n"),
            out("display_data", data={"text/plain": "d"}),
            out("stream", name="stdout", text="e\n"),
        ]
    )
    notebook = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_markdown_cell("tekst")])
    execute._coalesce_streams(notebook)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in cell.outputs] == [
        ("stream", "stdout", "a\nb\n"),
        ("stream", "stderr", "c\n"),
        ("display_data", None, None),
        ("stream", "stdout", "e\n"),
    ]
    assert "outputs" not in notebook.cells[1]


def _running(pid: int) -> bool:
    """Whether pid is a live process (a zombie, killed but not yet reaped, counts as ended)."""
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def test_a_zygote_dies_with_the_build_that_started_it_even_mid_import(tmp_path):
    """A build that is killed takes its zygote along, and one that stops early kills it (Workers.stop_unused).

    The zygote here hangs in its first import (a numpy that never finishes), so only dying with its parent
    can end the first one: it never reads its input. The second is killed by its build, mid-import too.
    """
    (tmp_path / "numpy.py").write_text("import time\ntime.sleep(600)\n", encoding="utf-8")
    build_code = (
        "from jaarverslag.build import warm; z = warm.Zygote(); print(z.process.pid, flush=True); "
        "input(); z.kill(); print('gestopt', flush=True); input()"
    )
    zygotes = []
    for _ in range(2):
        build = subprocess.Popen(
            [sys.executable, "-c", build_code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(tmp_path)},
        )
        zygotes.append((build, int(build.stdout.readline())))
    time.sleep(1)  # well into the hanging import
    assert all(_running(zygote) for _, zygote in zygotes)
    killed, stopped = zygotes
    killed[0].kill()
    killed[0].wait()
    stopped[0].stdin.write("\n")
    stopped[0].stdin.flush()
    assert stopped[0].stdout.readline() == "gestopt\n"
    deadline = time.monotonic() + 10
    while any(_running(z) for _, z in zygotes) and time.monotonic() < deadline:
        time.sleep(0.05)
    running = [z for _, z in zygotes if _running(z)]
    for zygote in running:
        os.kill(zygote, 9)
    stopped[0].kill()
    stopped[0].wait()
    assert not running


def test_a_zygote_whose_imports_fail_stops_the_run_and_points_to_the_kernel_log(tmp_path, monkeypatch):
    """A broken library shows as a failed run that names _build/kernels.log, where the zygote's traceback is."""
    broken = tmp_path / "kapot"
    broken.mkdir()
    (broken / "numpy.py").write_text("raise ImportError('numpy kapot voor de test')\n", encoding="utf-8")
    log = execute.kernel_log(tmp_path)
    log.parent.mkdir()
    monkeypatch.setenv("PYTHONPATH", str(broken))
    monkeypatch.setenv("JAARVERSLAG_ROOT", str(tmp_path))  # _run_notebook sets it for its worker: undone after
    zygote = execute.start_zygote(log, threads=1)
    monkeypatch.setattr(warm, "_address", zygote.address)
    try:
        source = tmp_path / "probe.md"
        source.write_text(PROBE, encoding="utf-8")
        task = Task(2021, "probe", source, tmp_path / "nb" / "probe", {"jaar": 2021})
        _, error = execute._run_notebook(task, str(tmp_path), warm_kernels=True)
    finally:
        zygote.close()
    assert error is not None and error.startswith("De voorbereide kernel is gestopt"), error
    assert error.endswith(f"De oorzaak staat in {Path('_build', execute.KERNEL_LOG)}."), error
    assert "numpy kapot voor de test" in log.read_text(encoding="utf-8")
    assert not task.uit.exists()
