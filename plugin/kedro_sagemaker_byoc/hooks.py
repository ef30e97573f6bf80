"""The plugin's hooks: refuse unfilled placeholders, one run per folder, stop cleanly on signals.

Kedro registers them from the ``kedro.hooks`` entry point of this package, so a project's
settings.py need not list them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl

from kedro_sagemaker_byoc import interruption
from kedro_sagemaker_byoc.run_lock import RunLock

PLACEHOLDER = "REPLACE_ME"


class UnfilledConfigError(ValueError):
    """A value the user must fill in still holds the placeholder."""


class RequireFilledGlobals:
    """Stop before any data is written to a bucket named REPLACE_ME."""

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        refuse_unfilled(context.config_loader["globals"], context.env)


def refuse_unfilled(globals_: dict[str, Any], env: str) -> None:
    """Raise ``UnfilledConfigError`` naming every global still holding the placeholder."""
    unfilled = [key for key, value in globals_.items() if PLACEHOLDER in str(value)]
    if unfilled:
        raise UnfilledConfigError(
            f"conf/{env}/globals.yml still has {PLACEHOLDER} in "
            f"{', '.join(sorted(unfilled))}: fill those in first."
        )


class GuardTheRun:
    """While the pipeline runs: hold the project folder (``run_lock``) and stop cleanly on
    SIGTERM and SIGINT (``training.interruption``); on the way out, in this order, wait for
    children told to stop, put the signal handlers back and let the next run in."""

    def __init__(self) -> None:
        self._lock: RunLock | None = None
        self._previous_handlers: dict[int, Any] | None = None

    @hook_impl
    def before_pipeline_run(self, run_params: dict[str, Any]) -> None:
        self._lock = RunLock(Path(run_params["project_path"]))
        self._lock.acquire(env=str(run_params.get("env") or "local"))
        self._previous_handlers = interruption.install()

    @hook_impl
    def after_pipeline_run(self) -> None:
        self._end()

    @hook_impl
    def on_pipeline_error(self) -> None:
        self._end()

    def _end(self) -> None:
        interruption.wait_for_stopped_children()
        if self._previous_handlers is not None:
            interruption.restore(self._previous_handlers)
            self._previous_handlers = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None


require_filled_globals = RequireFilledGlobals()
guard_the_run = GuardTheRun()
