"""Running the tiny model as SageMaker runs an image's entry point, on this machine.

A job folder (``SAGEMAKER_BASE_DIR``) with the tiny entry point in its code folder, the
image's supervisor around the toolkit's real ``train`` command, and processes that are
killed, with everything they started, whatever way a test ends.
"""

from __future__ import annotations

import contextlib
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import psutil

from training_contract.environment import (
    BASE_DIR_ENV,
    CALLER_PATHS_ENV,
    CODE_DIR,
    DATA_DIR,
    HOST,
    PROGRAM,
    PROGRAM_ENV,
    PROGRAM_HOME_ENV,
    TRAIN_CHANNEL,
)
from training_contract.job_folder import write_job_folder

HERE = Path(__file__).resolve().parent
TINY_TRAIN = HERE / "tiny_train.py"
TINY_MODEL = HERE / "tiny_model.py"
TOOLKIT_TRAIN = Path(sys.executable).parent / "train"
SUPERVISOR = [sys.executable, "-m", "training_contract.supervisor"]
# A guard, not a measure: no process in these tests should come near it.
GUARD_SECONDS = 120


def lay_out_job(
    base: Path,
    channel: Path | None,
    hyperparameters: Mapping[str, str] | None = None,
    code: bool = True,
    host: str = HOST,
) -> Path:
    """A SageMaker job folder at ``base``: config, ``channel`` copied in (File mode), and
    the tiny entry point as ``code/train.py`` with its model beside it."""
    write_job_folder(base, dict(hyperparameters or {}), [TRAIN_CHANNEL], host=host)
    if channel is not None:
        shutil.copytree(channel, base / DATA_DIR / TRAIN_CHANNEL)
    if code:
        add_code(base)
    return base


def add_code(base: Path) -> None:
    (base / CODE_DIR).mkdir(parents=True, exist_ok=True)
    shutil.copy2(TINY_TRAIN, base / CODE_DIR / PROGRAM)
    shutil.copy2(TINY_MODEL, base / CODE_DIR / TINY_MODEL.name)


def job_env(base: Path, **extra: str) -> dict[str, str]:
    """This environment without any SageMaker or contract variable, pointed at ``base``."""
    inherited = (PROGRAM_ENV, PROGRAM_HOME_ENV, CALLER_PATHS_ENV, "SM_STUDIO_LOCAL_MODE")
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("SM_") and name not in inherited
    }
    env.update({BASE_DIR_ENV: str(base), PROGRAM_ENV: PROGRAM, "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


class Watched:
    """A process whose output (stdout and stderr, merged) is read as it comes."""

    def __init__(self, command: list[str], env: Mapping[str, str], cwd: Path | None = None):
        self.process = subprocess.Popen(
            command,
            env=dict(env),
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.seen: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    @property
    def output(self) -> str:
        return "".join(self.seen)

    def wait_for(self, marker: str) -> None:
        """Read until a line holds ``marker``; fail if the process ends (or hangs) first."""
        while True:
            try:
                line = self._lines.get(timeout=GUARD_SECONDS)
            except queue.Empty:
                raise AssertionError(f"{marker!r} never logged:\n{self.output[-4000:]}") from None
            if line is None:
                self._lines.put(None)
                raise AssertionError(f"ended without logging {marker!r}:\n{self.output[-4000:]}")
            self.seen.append(line)
            if marker in line:
                return

    def finish(self) -> tuple[int, str]:
        """Wait for the process to end; its exit code and all it printed."""
        code = self.process.wait(timeout=GUARD_SECONDS)
        self._reader.join(timeout=GUARD_SECONDS)
        while not self._lines.empty():
            line = self._lines.get_nowait()
            if line is not None:
                self.seen.append(line)
        return code, self.output

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def kill_all(self) -> None:
        """Kill the process and every process it started (the supervisor gives training a
        process group of its own, so its group alone is not enough)."""
        with contextlib.suppress(psutil.NoSuchProcess):
            family = psutil.Process(self.process.pid).children(recursive=True)
            for member in family:
                with contextlib.suppress(psutil.NoSuchProcess):
                    member.kill()
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


@contextlib.contextmanager
def watched(
    command: list[str], env: Mapping[str, str], cwd: Path | None = None
) -> Iterator[Watched]:
    """``Watched(command)``, killed with all it started when the block ends."""
    process = Watched(command, env, cwd)
    try:
        yield process
    finally:
        process.kill_all()


def run(command: list[str], env: Mapping[str, str], cwd: Path | None = None) -> tuple[int, str]:
    """Run ``command`` to its end: its exit code and output."""
    with watched(command, env, cwd) as process:
        return process.finish()


def supervise(base: Path, *args: str, **extra_env: str) -> tuple[int, str]:
    """``python -m training_contract.supervisor train`` on the job at ``base``, as the image
    runs it, with the toolkit's real ``train`` command."""
    command = [*SUPERVISOR, *(args or [str(TOOLKIT_TRAIN)])]
    return run(command, job_env(base, **extra_env), cwd=base)
