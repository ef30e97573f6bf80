"""SageMaker's stop contract: what SIGTERM and SIGINT mean for a training job.

SageMaker sends SIGTERM on StopTrainingJob, on a spot interruption and at MaxRuntime, then
SIGKILL 120 seconds later. SIGINT is Ctrl-C when the image runs on a laptop. Either way
the job must end quickly, non-zero, with no model and a failure sentence saying why.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class TrainingStopped(BaseException):
    """A stop signal arrived before training finished.

    A BaseException, like KeyboardInterrupt, so that no library's ``except Exception``
    swallows the stop on its way out.
    """

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return exit_code(self.signum)

    @property
    def reason(self) -> str:
        return stop_reason(self.signum)


def exit_code(signum: int) -> int:
    """The shell's convention for a process ended by ``signum``: 128 + its number."""
    return 128 + signum


def stop_reason(signum: int) -> str:
    """The failure sentence for a job ended by ``signum``."""
    if signum == signal.SIGINT:
        return (
            "Training was interrupted (SIGINT, Ctrl-C) before it finished, so no model was "
            "written; start the job again to train."
        )
    return (
        f"Training was stopped ({signal.Signals(signum).name}: StopTrainingJob, a spot "
        "interruption or MaxRuntime) before it finished, so no model was written; start the "
        "job again, with a larger max_run if it ran out of time."
    )


# While stops are held (``hold_stop_signals``), the signal that came in, if one did.
_held: list[int] | None = None


@contextmanager
def raise_on_stop_signals() -> Iterator[None]:
    """Within the block, the first SIGTERM or SIGINT raises ``TrainingStopped``.

    Later ones are ignored, so a second signal cannot cut short the failure file that the
    first one is writing. The previous handlers come back when the block ends.
    """
    previous = {stop_signal: signal.getsignal(stop_signal) for stop_signal in STOP_SIGNALS}

    def handler(signum: int, frame: FrameType | None) -> None:
        for stop_signal in STOP_SIGNALS:
            signal.signal(stop_signal, signal.SIG_IGN)
        if _held is not None:
            _held.append(signum)  # raised when the held block ends
            return
        raise TrainingStopped(signum)

    for stop_signal in STOP_SIGNALS:
        signal.signal(stop_signal, handler)
    try:
        yield
    finally:
        for stop_signal, handler_before in previous.items():
            signal.signal(stop_signal, handler_before)


@contextmanager
def hold_stop_signals() -> Iterator[None]:
    """Within the block a stop is noted, not raised; it is raised when the block ends.

    A flag rather than a signal mask: a mask holds only the calling thread, and a stop sent
    to the process may reach any thread a library started (pyarrow's, OpenMP's).
    """
    global _held
    _held = []
    try:
        yield
    finally:
        held, _held = _held, None
    if held:
        raise TrainingStopped(held[0])
