"""One build at a time per project: an exclusive lock on the project folder for the whole build."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jaarverslag.data.paths import build_dir

HOLDER_FILE = "bouw.pid"  # _build/bouw.pid: who holds the lock, for the message only


class BuildBusy(RuntimeError):
    """Another build of this project is running."""


@contextmanager
def one_build(root: Path) -> Iterator[None]:
    """Hold the project's build lock; raise BuildBusy at once when another build holds it.

    The lock is flock() on the project folder itself: the kernel releases it when the process
    ends in any way (even kill -9), so a stale lock cannot exist, and `make clean` cannot remove it.
    """
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    holder = build_dir(root) / HOLDER_FILE
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            wie = holder.read_text(encoding="utf-8").strip() if holder.is_file() else "onbekend proces"
            raise BuildBusy(
                f"Er loopt al een bouw van dit jaarverslag ({wie}). Wacht tot die klaar is en start dan opnieuw."
            ) from None
        holder.parent.mkdir(parents=True, exist_ok=True)
        holder.write_text(f"proces {os.getpid()}, gestart om {time.strftime('%H:%M:%S')}\n", encoding="utf-8")
        yield
    finally:
        os.close(fd)
