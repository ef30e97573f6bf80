"""Ctrl-C and SIGTERM during a run: pass the stop on to child processes, and remember it.

Python's default for SIGTERM is to die at once, so the training subprocess ran on and its
job folder stayed behind. Here both signals raise KeyboardInterrupt, which the training
node turns into a stopped job, and child processes get the SIGINT a terminal would have
sent them (docker-compose then stops its containers; the local backend's supervisor stops
the entry point).

The flag is needed as well as the exception: the SageMaker SDK's local mode swallows
KeyboardInterrupt (its telemetry wrapper returns from a ``finally`` block), so a job
also asks ``requested()`` when its estimator returns.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

import psutil

from training_contract.stopping import STOP_SIGNALS

# How long a run waits, on its way out, for the children it passed a stop on to.
CHILD_STOP_TIMEOUT = 30
_requested = threading.Event()
_stopped_children: list[psutil.Process] = []


def requested() -> bool:
    """Whether this run was asked to stop."""
    return _requested.is_set()


def install() -> dict[int, Any]:
    """Handle SIGTERM and SIGINT as described above; return the handlers they replace."""
    _requested.clear()
    return {stop_signal: signal.signal(stop_signal, _stop) for stop_signal in STOP_SIGNALS}


def restore(previous: dict[int, Callable | int | None]) -> None:
    """Put back the handlers that ``install`` replaced."""
    for stop_signal, handler in previous.items():
        signal.signal(stop_signal, handler if handler is not None else signal.SIG_DFL)


def wait_for_stopped_children() -> None:
    """Wait until the children told to stop have gone, so the run leaves nothing running."""
    if _stopped_children:
        psutil.wait_procs(_stopped_children, timeout=CHILD_STOP_TIMEOUT)
        _stopped_children.clear()


def _stop(signum: int, frame: FrameType | None) -> None:
    first = not _requested.is_set()
    _requested.set()
    if first:
        for child in psutil.Process().children():
            try:
                child.send_signal(signal.SIGINT)
                _stopped_children.append(child)
            except psutil.Error:
                pass
    raise KeyboardInterrupt
