"""Project hooks: refuse unfilled placeholders, one run per folder, stop cleanly on signals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl

from spaceflights.run_lock import RunLock
from spaceflights.training import interruption

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


class StopCleanlyOnSignals:
    """SIGTERM and SIGINT end a run as Ctrl-C should: training stopped, nothing left behind.

    See ``spaceflights.training.interruption``.
    """

    def __init__(self) -> None:
        self._previous: dict[int, Any] | None = None

    @hook_impl
    def before_pipeline_run(self) -> None:
        self._previous = interruption.install()

    @hook_impl
    def after_pipeline_run(self) -> None:
        self._restore()

    @hook_impl
    def on_pipeline_error(self) -> None:
        interruption.wait_for_stopped_children()
        self._restore()

    def _restore(self) -> None:
        if self._previous is not None:
            interruption.restore(self._previous)
            self._previous = None
