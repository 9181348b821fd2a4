"""Warm kernels: a build forks its notebook kernels from one process that imported the libraries once.

A fresh kernel spends most of a notebook run importing pandas, seaborn and statsmodels. Here a build
starts one *zygote* (this file run as a script) that imports them and then waits; its workers share it.
For every notebook run papermill asks for a kernel as always; `WarmKernelManager` has the zygote fork a
child that becomes that kernel (`ipykernel_launcher -f <connection file>`), with the run's working folder
and environment. The child starts from the zygote's state, which is a fresh interpreter plus imported
modules (their objects kept out of the garbage collector's passes, gc.freeze): no notebook code ever ran in
the zygote. To match a fresh kernel the child also reseeds the random generators from the OS.
`tests/test_warm.py` proves the outputs are the same as with a fresh kernel and checks the state each run
starts with.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import gc
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
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
# The zygote is handed its listening socket as an open file descriptor (its number follows the command).
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
    """The pre-imported process, started by one process and shared by any that know its address (`spawn`).

    It listens on a Unix socket in a folder of its own (mode 0700: only this user can ask it to fork). The
    socket is bound before the zygote starts, so a worker can ask at once: the request waits until the
    imports are done. The zygote ends when its starter closes it or dies (even mid-import).
    """

    def __init__(self, threads: int = 1, stderr: int | None = None) -> None:
        env = {**os.environ, **{name: str(threads) for name in THREADS_ENV}}
        self._folder = tempfile.mkdtemp(prefix="jaarverslag-kernels-")
        self.address = os.path.join(self._folder, "zygote")
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            listener.bind(self.address)
            listener.listen(64)
            self.process = subprocess.Popen(
                [sys.executable, "-c", ZYGOTE_COMMAND.format(path=str(Path(__file__))), str(listener.fileno())],
                stdin=subprocess.PIPE,
                stderr=stderr,
                env=env,
                pass_fds=(listener.fileno(),),
            )
        finally:
            listener.close()  # the zygote holds its own copy

    def close(self) -> None:
        """Stop the zygote (its end of input) and remove its socket; kernels it forked run on to their shutdown."""
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self._folder, ignore_errors=True)

    def kill(self) -> None:
        """Stop the zygote at once, even mid-import (a build that stops before running anything)."""
        self.process.kill()
        self.process.wait()
        self.close()


class ZygoteStopped(RuntimeError):
    """The zygote is gone (its imports failed, or its build stopped it): no kernel can be forked from it."""


def spawn(address: str, argv: list[str], env: dict[str, str], cwd: str | None) -> int:
    """Have the zygote at address fork a kernel running argv (an ipykernel_launcher command) in cwd; return its pid."""
    request = json.dumps({"argv": argv, "env": env, "cwd": cwd}) + "\n"
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.connect(address)
            connection.sendall(request.encode())
            with connection.makefile("r", encoding="utf-8") as reply:
                answer = reply.readline()
    except OSError as err:
        raise ZygoteStopped(f"De voorbereide kernel is gestopt ({err}).") from err
    if not answer:
        raise ZygoteStopped("De voorbereide kernel is gestopt.")
    return int(answer)


_address: str | None = None  # the zygote this process's kernels fork from
_own: Zygote | None = None


def start(threads: int = 1) -> None:
    """Start a zygote of this process's own and fork its kernels from it (once; nbval, tests)."""
    global _own
    if _own is None:
        _own = Zygote(threads)
        atexit.register(_own.close)  # its socket folder; the zygote itself dies with this process anyway
        use(_own.address)


def use(address: str) -> None:
    """Fork this process's kernels from the zygote at address (a build's workers share the build's zygote)."""
    global _address
    _address = address


class _ForkedLaunch:
    """Launch a kernel by having the zygote fork it, instead of starting a new interpreter."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        if _address is None:
            raise RuntimeError("Geen voorbereide kernel voor dit proces (warm.start of warm.use is niet aangeroepen).")
        provisioner = self.provisioner
        env = {k: str(v) for k, v in (kw.get("env") or os.environ).items()}
        # papermill chdirs this process rather than passing cwd: the kernel starts where a launched one would
        pid = spawn(_address, list(kernel_cmd), env, kw.get("cwd") or os.getcwd())
        provisioner.process = ForkedKernel(pid)
        provisioner.pid = pid
        provisioner.pgid = pid  # the child calls setsid(): its own process group, as launch_kernel makes
        self._reconcile_connection_info(provisioner.connection_info)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        """Wait for the kernel to exit after its shutdown request, looking every 10 ms (jupyter_client: 0,1 s)."""
        while await self._async_is_alive():
            await asyncio.sleep(0.01)


IOPUB_WAIT_S = 0.02  # how long a kernel_info's idle status may take before asking again (a re-ask is cheap)


async def _wait_for_ready(client, timeout: float | None = None) -> None:
    """jupyter_client's readiness check (a kernel_info reply; IOPub connected), ending when the kernel reports idle.

    jupyter_client waits until IOPub has been quiet for 0,2 s; the exchange is over when the kernel's idle
    status for one of our kernel_info requests arrives, so that is where this stops (the same protocol, no idle
    wait). IOPub drops what the kernel publishes before the subscription is connected, so a request whose idle
    status does not come within IOPUB_WAIT_S is asked again, instead of waiting out a quiet period.
    The error texts are jupyter_client's: execute.KERNEL_START_FAILURES retries a start on them.
    """
    deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
    requests: set[str] = set()
    while True:
        requests.add(client.kernel_info())
        try:
            reply = await ensure_async(client.shell_channel.get_msg(timeout=1))
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply" and await _idle_seen(client, requests):
            client._handle_kernel_info_reply(reply)
            return
        if not await client._async_is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")


async def _idle_seen(client, requests: set[str]) -> bool:
    """Read IOPub until the kernel's idle status for one of requests (True); False when IOPub stays silent."""
    while True:
        try:
            message = await ensure_async(client.iopub_channel.get_msg(timeout=IOPUB_WAIT_S))
        except Empty:
            return False  # not connected yet (or the status is late): ask again; an earlier request's idle counts
        if (
            message["msg_type"] == "status"
            and message["content"].get("execution_state") == "idle"
            and message["parent_header"].get("msg_id") in requests
        ):
            return True


class _ReadyAsyncClient(AsyncKernelClient):
    wait_for_ready = _wait_for_ready


class _ReadyBlockingClient(BlockingKernelClient):
    wait_for_ready = run_sync(_wait_for_ready)


class WarmKernelManager(_ForkedLaunch, AsyncKernelManager):
    """A kernel manager whose kernels are forked from the zygote instead of started afresh (papermill)."""

    client_factory = Type(klass=_ReadyAsyncClient)  # its wait_for_ready


class SyncWarmKernelManager(_ForkedLaunch, KernelManager):
    """The same for a synchronous client (nbval, when the tests re-execute the built notebooks)."""

    client_factory = Type(klass=_ReadyBlockingClient)


def _child(request: dict, listener: socket.socket, connection: socket.socket) -> None:
    """Become the kernel: the fresh-kernel state a new process would have, then ipykernel's launcher."""
    listener.close()  # the zygote's, not the kernel's
    connection.close()
    os.setsid()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel's own subprocesses must be waitable again
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(devnull, 1)
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
    """Have Linux kill this process when the process that started it ends (a build stopped mid-import)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def main() -> None:
    """The zygote: import, then fork one kernel per request on its socket until its input closes."""
    import importlib

    parent = os.getppid()
    _die_with_parent()  # a forked kernel does not inherit this: it runs on until its shutdown request
    if os.getppid() != parent:
        return  # the parent ended before the line above took effect
    listener = socket.socket(fileno=int(sys.argv[1]))

    # matplotlib reads its backend at import; a kernel sets this before the notebook imports it (ipykernel's
    # init_gui_pylab), so the zygote does the same, and the forked kernel's rcParams are a fresh kernel's.
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    for name in PRELOAD:
        importlib.import_module(name)
    # The imports' objects live as long as any kernel: frozen, the collector stops walking them again in every
    # kernel's collections (about 9 % of a notebook run's CPU), and forked kernels share their pages longer.
    gc.freeze()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel, never zombies
    while True:
        ready, _, _ = select.select([listener, sys.stdin], [], [])
        if sys.stdin in ready and not sys.stdin.buffer.read1(1):
            return  # the starter closed its end: no more kernels
        if listener not in ready:
            continue
        connection, _ = listener.accept()
        with connection:
            with connection.makefile("r", encoding="utf-8") as request:
                line = request.readline()
            if not line:
                continue
            pid = os.fork()
            if pid == 0:
                _child(json.loads(line), listener, connection)
            connection.sendall(f"{pid}\n".encode())


if __name__ == "__main__":
    main()
