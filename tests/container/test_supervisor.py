"""The supervisor around the toolkit's ``train``: a stop that training ignores ends in a kill."""

import contextlib
import os
import signal
import subprocess
import sys
import time

from spaceflights_training.failure import read_failure
from spaceflights_training.job_folder import write_job_folder
from spaceflights_training.supervisor import STOP_DEADLINE


def test_training_that_ignores_a_stop_is_killed_after_the_deadline(tmp_path, spawn):
    job = tmp_path / "job"
    write_job_folder(job, {}, ["train"])
    started = tmp_path / "started"
    # Named `train`, so the supervisor supervises it. It inherits the supervisor's
    # ignored SIGTERM and, unlike the entry point, never handles it.
    train = tmp_path / "bin" / "train"
    train.parent.mkdir()
    train.write_text(f"#!/bin/sh\necho $$ > {started}\nexec sleep 600\n")
    train.chmod(0o755)
    supervisor = spawn(
        [sys.executable, "-m", "spaceflights_training.supervisor", str(train)],
        env={**os.environ, "SAGEMAKER_BASE_DIR": str(job)},
        stderr=subprocess.PIPE,
        text=True,
    )
    train_pid = None
    try:
        train_pid = _pid_once_written(started)
        supervisor.send_signal(signal.SIGTERM)
        _, stderr = supervisor.communicate(timeout=STOP_DEADLINE + 20)
    finally:
        supervisor.kill()
        if train_pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(train_pid, signal.SIGKILL)  # the supervisor gave it its own group

    assert supervisor.returncode == 128 + signal.SIGTERM
    assert "did not stop within" in stderr
    assert "stopped" in read_failure(job / "output").lower()


def _pid_once_written(path, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"the fake train command never wrote {path}")
