"""Processes and containers a test starts end with the test, however it ends: a timeout,
a failed assertion or Ctrl-C. ``spawn`` (a fixture in tests/conftest.py) and ``run`` start
processes in sessions of their own so that all they start can be found and killed."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import psutil

# Put on the containers the tests start with plain `docker run`; one value per session.
CONTAINER_LABEL = f"spaceflights.tests={os.getpid()}-{uuid.uuid4().hex[:8]}"


def run(command: Sequence[str], *, timeout: float, **popen: object) -> subprocess.CompletedProcess:
    """``subprocess.run`` with text output captured, in a session of its own. If it times out
    (or the test is interrupted), it is killed with all it started before the error is raised;
    ``subprocess.run`` would kill only the process itself and leave its children running."""
    stdin = popen.pop("input", None)
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE if stdin is not None else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        **popen,
    )
    try:
        stdout, stderr = process.communicate(stdin, timeout=timeout)
    except BaseException:
        kill_tree(process)
        raise
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def kill_tree(
    process: subprocess.Popen, folder: Path | None = None, group: bool = True, reap: bool = True
) -> None:
    """SIGKILL what is left of ``process``: itself, its descendants, its process group when
    it leads one, and any process working in ``folder`` (children that made their own
    group and outlived their parent are found there). ``reap=False`` leaves its output
    pipes to a thread that is reading them."""
    victims: list[psutil.Process] = []
    if process.poll() is None:  # once reaped, its pid may belong to another process
        with contextlib.suppress(psutil.Error):
            root = psutil.Process(process.pid)
            victims = [root, *root.children(recursive=True)]
    if folder is not None:
        victims += processes_in(folder)
    if group:  # a group outlives its leader while any member lives, and keeps its id
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
    for victim in victims:
        with contextlib.suppress(psutil.Error):
            victim.kill()
    psutil.wait_procs(victims, timeout=10)
    if reap:
        with contextlib.suppress(subprocess.TimeoutExpired, ValueError, OSError):
            process.communicate(timeout=10)  # reaps it and closes its pipes


def processes_in(folder: Path) -> list[psutil.Process]:
    """Processes other than this one and its parents working in ``folder`` (a job's folder
    is its working directory)."""
    own = {os.getpid(), *(p.pid for p in psutil.Process().parents())}
    found = []
    for process in psutil.process_iter():
        try:
            if process.pid not in own and Path(process.cwd()).is_relative_to(folder):
                found.append(process)
        except (psutil.Error, OSError):
            continue
    return found


def containers_of_test(folder: Path, *, running_only: bool = False) -> list[str]:
    """The containers that mount something under ``folder`` or carry this session's
    ``CONTAINER_LABEL``. Never by image: another checkout on the same engine may build an
    image with the same ID and run it."""
    listed = subprocess.run(
        [
            "docker",
            "ps",
            *([] if running_only else ["-a"]),
            "--no-trunc",
            "--format",
            "{{.ID}}|{{.Mounts}}|{{.Labels}}",
        ],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    ours = []
    for line in listed:
        container, mounts, labels = (line.split("|", 2) + ["", ""])[:3]
        sources = [Path(source) for source in mounts.split(",") if source.startswith("/")]
        if CONTAINER_LABEL in labels.split(",") or any(
            source.is_relative_to(folder) for source in sources
        ):
            ours.append(container)
    return ours


def remove_containers_of_test(folder: Path) -> None:
    """Remove the containers a test left (``containers_of_test``)."""
    ours = containers_of_test(folder)
    if ours:
        subprocess.run(["docker", "rm", "-f", *ours], capture_output=True, check=False)


def spawner(folder: Path) -> Iterator[Callable[..., subprocess.Popen]]:
    """``spawn(command, **popen)``: ``subprocess.Popen`` in a session of its own; when the
    test ends, each process is killed with all it started (``kill_tree``, ``folder`` being
    the test's tmp_path)."""
    started: list[tuple[subprocess.Popen, bool]] = []

    def spawn(command: Sequence[str], **popen: object) -> subprocess.Popen:
        popen.setdefault("start_new_session", True)
        process = subprocess.Popen(command, **popen)
        started.append((process, bool(popen["start_new_session"])))
        return process

    yield spawn
    for process, group in started:
        kill_tree(process, folder, group)
