"""What a test starts ends with it (``tests/processes.py``), a timed-out test included."""

from __future__ import annotations

import subprocess
import time
import uuid
from pathlib import Path

import psutil
import pytest

from tests.processes import CONTAINER_LABEL, remove_containers_of_test, run, spawner

# A child that makes its own session, as the supervisor and docker-compose do, and
# outlives a parent killed alone; each writes its pid where the test can find it.
ESCAPING = "setsid sh -c 'echo $$ > {pids}/escaped; exec sleep 600' & echo $$ > {pids}/parent; wait"


def pids_in(folder: Path, *names: str, timeout: float = 10) -> list[int]:
    deadline = time.monotonic() + timeout
    while not all((folder / name).is_file() and (folder / name).read_text() for name in names):
        assert time.monotonic() < deadline, f"{names} not written in {folder}"
        time.sleep(0.05)
    return [int((folder / name).read_text()) for name in names]


def gone(pids: list[int]) -> bool:
    _, alive = psutil.wait_procs([p for p in map(_process, pids) if p], timeout=10)
    return alive == []


def _process(pid: int) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None


def test_a_run_that_times_out_is_killed_with_what_it_started(tmp_path):
    with pytest.raises(subprocess.TimeoutExpired):
        run(["sh", "-c", ESCAPING.format(pids=tmp_path)], timeout=2)

    assert gone(pids_in(tmp_path, "parent", "escaped"))


def test_what_a_test_spawned_is_killed_when_it_ends_even_a_child_in_its_own_session(tmp_path):
    test = spawner(tmp_path)
    spawn = next(test)
    spawn(["sh", "-c", ESCAPING.format(pids=tmp_path)], cwd=tmp_path)
    pids = pids_in(tmp_path, "parent", "escaped")

    with pytest.raises(StopIteration):
        next(test)  # the end of the test

    assert gone(pids)


@pytest.mark.docker
def test_a_container_the_test_left_is_removed_and_others_are_not(tmp_path, image):
    def start(*options: str) -> str:
        name = f"spaceflights-processes-{uuid.uuid4().hex[:8]}"
        command = ["docker", "run", "-d", "--name", name, *options, image, "sleep", "600"]
        subprocess.run(command, capture_output=True, check=True)
        return name

    mounted = start("--entrypoint", "", f"--volume={tmp_path}:/mnt")
    labelled = start("--entrypoint", "", "--label", CONTAINER_LABEL)
    other = start("--entrypoint", "")
    try:
        remove_containers_of_test(tmp_path)
        names = subprocess.run(
            ["docker", "ps", "-a", "--format", "{{.Names}}"], capture_output=True, text=True
        ).stdout.split()
        assert mounted not in names
        assert labelled not in names
        assert other in names
    finally:
        subprocess.run(["docker", "rm", "-f", mounted, labelled, other], capture_output=True)
