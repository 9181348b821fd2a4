"""The atomic publish: a build killed with SIGKILL in any phase leaves the published site as it was (not timed).

Its own module, apart from tests/test_incremental.py, so that a parallel test process can take it while another
runs the fresh-kernel build those tests share.
"""

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import copy_project, run_build, start_build


def tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("marker", ["Notebooks:", "Boeken bouwen:"])
def test_kill_9_mid_build_leaves_the_site_and_the_next_build_recovers(tmp_path, marker, built_project):
    project = copy_project(tmp_path / "project", cache_from=built_project)  # the changed table's readers re-run
    assert run_build(project, "--jaar", "2021").returncode == 0
    before = tree_digest(project / "site")
    path = project / "data" / "2021" / "verrichtingen.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Visite,3550,zeker,", "Visite,3550,zeker,x"), encoding="utf-8"
    )
    process = start_build(project, "--jaar", "2021", stderr=subprocess.DEVNULL, start_new_session=True)
    for line in process.stdout:  # kill while the build is in the given phase
        if line.startswith(marker):
            break
    time.sleep(0.5)
    assert process.poll() is None, "the build ended before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert tree_digest(project / "site") == before
    result = run_build(project, "--jaar", "2021")
    assert result.returncode == 0, result.stderr
    assert (project / "site" / "2021" / "book" / "verrichtingen.html").is_file()
    assert not (project / "_build" / "site.nieuw").exists()
