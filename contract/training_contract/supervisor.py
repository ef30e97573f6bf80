"""The image's entry point: runs the toolkit's ``train`` and makes every ending truthful.

``docker run IMAGE train`` reaches here through tini (PID 1, which forwards signals to
us). The toolkit alone gets three endings wrong: it dies on SIGTERM before our entry
point can say why, it turns SIGINT into exit 0, and it reports success without a job
folder or a model. So this wrapper

- asks ``launch.prepare`` for a job folder, an entry point and host names that resolve,
  or one sentence saying what to mount or set;
- runs ``train`` in its own process group with SIGTERM and SIGINT ignored, so the
  toolkit outlives the entry point (which handles both itself) and reports its exit;
- forwards a stop signal to that group, and kills the group if it is not gone within
  ``STOP_DEADLINE`` seconds, far inside SageMaker's 120-second grace;
- exits 0 only when model/ is not empty, and names a kill for memory as such.

Any other command (``docker run IMAGE python ...``) runs unchanged. Standard library
only, so it starts in milliseconds.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Sequence
from types import FrameType

from . import memory
from .environment import STAGING_DIR, TOOLKIT_COMMAND, TrainingEnvironment
from .failure import read_failure, write_failure
from .launch import LaunchError, prepare
from .stopping import STOP_SIGNALS, exit_code, stop_reason

STOP_DEADLINE = 10.0
NO_JOB_FOLDER = 1


def log(message: str) -> None:
    print(f"[supervisor] {message}", file=sys.stderr, flush=True)


def _ignore_stop_signals() -> None:
    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, signal.SIG_IGN)


class Supervised:
    """One run of ``train``: the child process and the stop signal it was sent, if any."""

    def __init__(self, argv: Sequence[str], env: dict[str, str]):
        self.stop_signal: int | None = None
        self.child: subprocess.Popen | None = None
        # Handlers first, so a stop that comes while the child starts is not lost.
        for stop_signal in STOP_SIGNALS:
            signal.signal(stop_signal, self._forward)
        self.child = subprocess.Popen(
            list(argv), env=env, process_group=0, preexec_fn=_ignore_stop_signals
        )
        if self.stop_signal is not None:
            self._signal_group(self.stop_signal)

    def _forward(self, signum: int, frame: FrameType | None) -> None:
        if self.stop_signal is not None:
            return
        self.stop_signal = signum
        log(f"{signal.Signals(signum).name} received: stopping training")
        self._signal_group(signum)
        signal.signal(signal.SIGALRM, self._kill_overdue)
        signal.setitimer(signal.ITIMER_REAL, STOP_DEADLINE)

    def _kill_overdue(self, signum: int, frame: FrameType | None) -> None:
        if self.child is None or self.child.returncode is not None:
            return  # it ended as the timer fired
        log(f"training did not stop within {STOP_DEADLINE:.0f} s: killing it")
        self._signal_group(signal.SIGKILL)

    def _signal_group(self, signum: int) -> None:
        if self.child is None:
            return  # not started yet: __init__ passes the stop on once it has
        try:
            os.killpg(self.child.pid, signum)
        except ProcessLookupError:
            pass

    def wait(self) -> int:
        """Wait for the child. A blocking wait returns the moment it exits (polling would
        add up to 50 ms to every job); the signal handlers above run while it waits."""
        assert self.child is not None
        code = self.child.wait()
        # Cancel the deadline. A stop that comes after this arms one that finds the child
        # gone and does nothing.
        signal.setitimer(signal.ITIMER_REAL, 0)
        return code


def supervise(argv: Sequence[str]) -> int:
    """Run the toolkit's ``train`` (``argv``) and return the exit code the job should end with."""
    env = TrainingEnvironment.from_env()
    try:
        launch = prepare(argv, os.environ, log)
    except LaunchError as error:
        log(write_failure(env.output_dir, str(error)))
        return NO_JOB_FOLDER

    kills_before = memory.oom_kills()
    run = Supervised(launch.command, launch.env)
    code = run.wait()
    # A training process that was killed never cleared its staging folder: do it here, so
    # model/ holds nothing SageMaker would upload as a model.
    shutil.rmtree(env.model_dir / STAGING_DIR, ignore_errors=True)
    log(memory.peak_report())
    if run.stop_signal is not None and not (code == 0 and env.model_written()):
        if "stopped" not in read_failure(env.output_dir).lower():
            write_failure(env.output_dir, stop_reason(run.stop_signal))
        return exit_code(run.stop_signal)
    if code == 0:
        if env.model_written():
            return 0
        reason = (
            f"Training reported success but {env.model_dir} is empty; the entry point must "
            "write the model before it exits 0."
        )
        log(write_failure(env.output_dir, reason))
        return 1
    if _killed_for_memory(code, kills_before, read_failure(env.output_dir)):
        log(write_failure(env.output_dir, memory.out_of_memory_reason(memory.limit_bytes())))
    elif failure := read_failure(env.output_dir):
        write_failure(env.output_dir, failure)  # the toolkit's own text may span lines
    return code if code > 0 else exit_code(-code)


def _killed_for_memory(code: int, kills_before: int | None, failure: str) -> bool:
    # The OOM killer sends SIGKILL; the cgroup's counter says whether it did.
    kills_after = memory.oom_kills()
    counted = None not in (kills_before, kills_after) and kills_after > kills_before
    return counted or code in (-9, 137) or bool(memory.KILLED_PATTERN.search(failure))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv) or [TOOLKIT_COMMAND]
    if os.path.basename(args[0]) != TOOLKIT_COMMAND:
        os.execvp(args[0], args)
    return supervise(args)


if __name__ == "__main__":
    sys.exit(main())
