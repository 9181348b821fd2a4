"""Warm kernels: each worker forks its notebook kernels from one process that imported the libraries once.

A fresh kernel spends most of a notebook run importing pandas, seaborn and statsmodels. Here a worker
starts one *zygote* (this file run as a script) that imports them and then waits. For every
notebook run papermill asks for a kernel as always; `WarmKernelManager` has the zygote fork a child
that becomes that kernel (`ipykernel_launcher -f <connection file>`), with the run's working folder
and environment. The child starts from the zygote's state, which is a fresh interpreter plus imported
modules: no notebook code ever ran in the zygote. To match a fresh kernel the child also reseeds the
random generators from the OS. `tests/test_warm.py` proves the outputs are the same as with a fresh
kernel and checks the state each run starts with.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.blocking import BlockingKernelClient
from jupyter_client.manager import AsyncKernelManager, KernelManager
from jupyter_core.utils import ensure_async, run_sync
from traitlets import Type

# What the zygote imports: the libraries the notebooks use, never the project's own package (that may change
# between builds, and the cache keys on it).
PRELOAD = (
    "numpy",
    "pandas",
    "scipy.stats",
    "statsmodels.api",
    "matplotlib",
    "matplotlib.pyplot",
    "seaborn",
    "IPython",
    "ipykernel.kernelapp",
    "ipykernel.debugger",  # imported by every kernel as it starts
    "myst_nb.ext.glue",
    "yaml",
    "pandera.pandas",  # the tables' schemas (data/validate.py): about 0,3 s per kernel otherwise
    "pandera.backends.pandas.register",  # and what its first validation imports: about 0,1 s per kernel
    "pandera.backends.pandas.builtin_checks",
    "pandera.backends.pandas.builtin_hypotheses",
    "pandera.api.geopandas",
    "jupytext",  # upstream settings are read from the source notebooks (chapters/upstream.py)
)
# Run this file as a script, not as `-m jaarverslag.build.warm`: the package itself must not be imported in the
# zygote (a kernel imports it afresh, with the run's environment), and neither its folder nor the cwd on sys.path.
ZYGOTE_COMMAND = "import runpy, sys; sys.path.pop(0); runpy.run_path({path!r}, run_name='__main__')"
THREADS_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")


class ForkedKernel:
    """A Popen-like handle on a kernel the zygote forked (it is the zygote's child, so it is polled by pid)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)  # the zygote ignores SIGCHLD, so a finished kernel leaves no zombie
            except ProcessLookupError:
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.02)
        return self.returncode  # type: ignore[return-value]

    def send_signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Zygote:
    """The pre-imported process of one worker; `spawn` forks a kernel from it."""

    def __init__(self, threads: int = 1) -> None:
        env = {**os.environ, **{name: str(threads) for name in THREADS_ENV}}
        self._lock = threading.Lock()
        self.process = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE_COMMAND.format(path=str(Path(__file__)))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )
        ready = self.process.stdout.readline()
        if ready.strip() != "klaar":
            raise RuntimeError(f"De voorbereide kernel start niet: {ready!r}")

    def spawn(self, argv: list[str], env: dict[str, str], cwd: str | None) -> int:
        """Fork a kernel running argv (an ipykernel_launcher command) in cwd with env; return its pid."""
        with self._lock:
            self.process.stdin.write(json.dumps({"argv": argv, "env": env, "cwd": cwd}) + "\n")
            self.process.stdin.flush()
            answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError("De voorbereide kernel is gestopt.")
        return int(answer)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=10)


_zygote: Zygote | None = None


def start(threads: int = 1) -> None:
    """Start this process's zygote (once per worker)."""
    global _zygote
    if _zygote is None:
        _zygote = Zygote(threads)


class _ForkedLaunch:
    """Launch a kernel by having this process's zygote fork it, instead of starting a new interpreter."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        if _zygote is None:
            raise RuntimeError("Geen voorbereide kernel in dit proces (warm.start is niet aangeroepen).")
        provisioner = self.provisioner
        env = {k: str(v) for k, v in (kw.get("env") or os.environ).items()}
        # papermill chdirs this process rather than passing cwd: the kernel starts where a launched one would
        pid = _zygote.spawn(list(kernel_cmd), env, kw.get("cwd") or os.getcwd())
        provisioner.process = ForkedKernel(pid)
        provisioner.pid = pid
        provisioner.pgid = pid  # the child calls setsid(): its own process group, as launch_kernel makes
        self._reconcile_connection_info(provisioner.connection_info)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        """Wait for the kernel to exit after its shutdown request, looking every 10 ms (jupyter_client: 0,1 s)."""
        while await self._async_is_alive():
            await asyncio.sleep(0.01)


async def _wait_for_ready(client, timeout: float | None = None) -> None:
    """jupyter_client's readiness check (a kernel_info reply; IOPub connected), ending when the kernel reports idle.

    jupyter_client waits until IOPub has been quiet for 0,2 s; the exchange is over when the kernel's idle
    status for our kernel_info request arrives, so that is where this stops (the same protocol, no idle wait).
    The error texts are jupyter_client's: execute.KERNEL_START_FAILURES retries a start on them.
    """
    deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
    while True:
        request = client.kernel_info()
        try:
            reply = await ensure_async(client.shell_channel.get_msg(timeout=1))
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply" and await _idle_seen(client, request):
            client._handle_kernel_info_reply(reply)
            return
        if not await client._async_is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")


async def _idle_seen(client, request: str) -> bool:
    """Read IOPub until the kernel's idle status for request (True); False when IOPub stays silent 0,2 s."""
    while True:
        try:
            message = await ensure_async(client.iopub_channel.get_msg(timeout=0.2))
        except Empty:
            return False  # not connected yet (or lost the messages): ask again, as jupyter_client does
        if (
            message["msg_type"] == "status"
            and message["content"].get("execution_state") == "idle"
            and message["parent_header"].get("msg_id") == request
        ):
            return True


class _ReadyAsyncClient(AsyncKernelClient):
    wait_for_ready = _wait_for_ready


class _ReadyBlockingClient(BlockingKernelClient):
    wait_for_ready = run_sync(_wait_for_ready)


class WarmKernelManager(_ForkedLaunch, AsyncKernelManager):
    """A kernel manager whose kernels are forked from the worker's zygote instead of started afresh (papermill)."""

    client_factory = Type(klass=_ReadyAsyncClient)  # its wait_for_ready


class SyncWarmKernelManager(_ForkedLaunch, KernelManager):
    """The same for a synchronous client (nbval, when the tests re-execute the built notebooks)."""

    client_factory = Type(klass=_ReadyBlockingClient)


def _child(request: dict) -> None:
    """Become the kernel: the fresh-kernel state a new process would have, then ipykernel's launcher."""
    os.setsid()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel's own subprocesses must be waitable again
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)  # the pipe to the worker belongs to the zygote
    os.environ.clear()
    os.environ.update(request["env"])
    if request["cwd"]:
        os.chdir(request["cwd"])
    import random

    import numpy as np

    random.seed()  # a fresh process seeds from the OS; a fork would share the zygote's state
    np.random.seed()
    argv = request["argv"]
    module = argv.index("-m") + 1 if "-m" in argv else None
    sys.argv = [argv[module] if module else argv[0], *argv[(module or 0) + 1 :]]
    from ipykernel import kernelapp

    try:
        kernelapp.launch_new_instance()
    finally:
        os._exit(0)


def _die_with_parent() -> None:
    """Have Linux kill this process when the process that started it ends (a worker stopped mid-import)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def main() -> None:
    """The zygote: import, say ready, then fork one kernel per request line until stdin closes."""
    import importlib

    parent = os.getppid()
    _die_with_parent()  # a forked kernel does not inherit this: it runs on until its shutdown request
    if os.getppid() != parent:
        return  # the parent ended before the line above took effect

    # matplotlib reads its backend at import; a kernel sets this before the notebook imports it (ipykernel's
    # init_gui_pylab), so the zygote does the same, and the forked kernel's rcParams are a fresh kernel's.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in PRELOAD:
        importlib.import_module(name)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel, never zombies
    print("klaar", flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
