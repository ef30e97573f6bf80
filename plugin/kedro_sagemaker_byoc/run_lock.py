"""One ``kedro run`` at a time per project folder.

Two runs in one folder write the same channel, model and metrics files, and each would
report the other's numbers. The lock is an OS file lock (``flock``), so it goes away with
the process that held it: a crashed or killed run leaves no lock behind, only the file
that names it, which the next run simply takes over.
"""

from __future__ import annotations

import fcntl
import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

LOCK_FILE = Path("data/.kedro-run.lock")


class ProjectBusyError(RuntimeError):
    """Another run holds this project folder."""


class RunLock:
    """The lock on one project folder, held from the pipeline's start to its end."""

    def __init__(self, project_path: Path):
        self.path = project_path / LOCK_FILE
        self._file: IO[str] | None = None

    def acquire(self, env: str) -> None:
        """Take the folder, or raise ``ProjectBusyError`` naming the run that has it."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_file = self.path.open("a+")
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock_file.seek(0)
            holder = _describe_holder(lock_file.read())
            lock_file.close()
            raise ProjectBusyError(
                f"Another kedro run ({holder}) is using this project folder "
                f"({self.path.parent.parent}); wait for it to finish or stop it, then run "
                "again, or run from a separate copy of the project."
            ) from None
        lock_file.seek(0)
        lock_file.truncate()
        started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        lock_file.write(json.dumps({"pid": os.getpid(), "started": started, "env": env}))
        lock_file.flush()
        self._file = lock_file

    def release(self) -> None:
        """Let the next run in; closing the file drops the OS lock."""
        if self._file is not None:
            self._file.close()
            self._file = None


def _describe_holder(text: str) -> str:
    try:
        holder = json.loads(text)
        return f"PID {holder['pid']}, started {holder['started']}, env {holder['env']}"
    except (ValueError, KeyError, TypeError):
        return "it is just starting"
