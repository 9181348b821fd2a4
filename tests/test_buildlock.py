"""One build at a time: a second build stops at once, and the first one still publishes a complete site."""

import json
import os
import subprocess
import sys
import time

from jaarverslag.build import lock
from jaarverslag.build.publish import jaren_in_site

from conftest import run_build, start_build

BUSY = "Er loopt al een bouw van dit jaarverslag"


def test_a_second_build_stops_at_once_while_the_lock_is_held(project):
    with lock.one_build(project):
        started = time.monotonic()
        result = run_build(project, "--jaar", "2019")
        assert time.monotonic() - started < 60
    assert result.returncode == 3
    assert BUSY in result.stderr and f"proces {os.getpid()}" in result.stderr
    assert not (project / "site").exists()


def test_the_lock_is_released_when_its_holder_dies(project):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from jaarverslag.build.lock import one_build\n"
            "with one_build(Path(sys.argv[1])):\n    print('vast', flush=True); time.sleep(600)",
            str(project),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "vast"
    holder.kill()
    holder.wait()
    with lock.one_build(project):  # kill -9 left no stale lock
        pass


def test_concurrent_builds_one_failing_leave_a_complete_site(cached_copy):
    project = cached_copy  # the session build's notebook runs: the first build is the book and the site
    first = start_build(project, "--jaar", "2019", stderr=subprocess.PIPE)
    holder = project / "_build" / lock.HOLDER_FILE
    deadline = time.monotonic() + 120
    while not (holder.is_file() and f"proces {first.pid}" in holder.read_text(encoding="utf-8")):
        assert first.poll() is None and time.monotonic() < deadline, first.communicate()
        time.sleep(0.2)
    second = run_build(project, "--jaar", "2099")  # fails, and may not touch the first one's folders
    out, err = first.communicate(timeout=900)
    assert second.returncode == 3 and BUSY in second.stderr
    assert first.returncode == 0, err
    site = project / "site"
    assert jaren_in_site(site) == [2019]
    assert (site / "2019" / "book" / "index.html").is_file()
    assert [e["version"] for e in json.loads((site / "switcher.json").read_text(encoding="utf-8"))] == ["2019"]
    assert "Gepubliceerd in site/: 2019." in out
