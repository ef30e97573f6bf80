"""Project hooks: refuse unfilled placeholders, one run per folder, SIGTERM ends a run cleanly."""

from __future__ import annotations

import signal
from pathlib import Path
from types import FrameType
from typing import Any

import psutil
from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl

from spaceflights.run_lock import RunLock

PLACEHOLDER = "REPLACE_ME"


class UnfilledConfigError(ValueError):
    """A value the user must fill in still holds the placeholder."""


class RequireFilledGlobals:
    """Stop before any data is written to a bucket named REPLACE_ME."""

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        unfilled = [
            key
            for key, value in context.config_loader["globals"].items()
            if PLACEHOLDER in str(value)
        ]
        if unfilled:
            raise UnfilledConfigError(
                f"conf/{context.env}/globals.yml still has {PLACEHOLDER} in "
                f"{', '.join(sorted(unfilled))}: fill those in first (README.md, 'AWS setup')."
            )


class OneRunPerProject:
    """Refuse a second run in a project folder while one is running (see ``run_lock``)."""

    def __init__(self) -> None:
        self._lock: RunLock | None = None

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
        self._lock = RunLock(Path(run_params["project_path"]))
        self._lock.acquire(env=str(run_params.get("env") or "local"))

    @hook_impl
    def after_pipeline_run(self) -> None:
        self._release()

    @hook_impl
    def on_pipeline_error(self) -> None:
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.release()


class StopOnTerminate:
    """SIGTERM (``kill``, a CI timeout, a stopped container) ends a run as Ctrl-C does.

    Python's default for SIGTERM is to die at once: the training subprocess ran on and its
    job folder stayed behind. Raised as KeyboardInterrupt instead, it goes through the
    same path as Ctrl-C: the job is stopped and its temporary folder removed. Child
    processes get the SIGINT a terminal would have sent them (docker-compose, for one,
    then stops its containers).
    """

    def __init__(self) -> None:
        self._previous: Any = None

    @hook_impl
    def before_pipeline_run(self) -> None:
        self._previous = signal.signal(signal.SIGTERM, _interrupt)

    @hook_impl
    def after_pipeline_run(self) -> None:
        self._restore()

    @hook_impl
    def on_pipeline_error(self) -> None:
        self._restore()

    def _restore(self) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)
            self._previous = None


def _interrupt(signum: int, frame: FrameType | None) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one stop is enough
    for child in psutil.Process().children():
        try:
            child.send_signal(signal.SIGINT)
        except psutil.Error:
            pass
    raise KeyboardInterrupt
