"""Expected errors end a run with their sentence, not a code traceback.

A failed ``kedro run`` re-raises the node's exception, and Python's excepthook (rich's,
once Kedro has set up logging) prints it with many frames of framework code around the
one sentence a user needs. For the error types below the sentence is the whole story,
so the hook prints it alone, with where the full log is, and writes the traceback to that
log for whoever debugs. Any other error keeps its traceback on the console.
"""

from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path
from types import TracebackType

from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl

from kedro_sagemaker_byoc.artifacts import ModelArtifactError
from kedro_sagemaker_byoc.hooks import UnfilledConfigError
from kedro_sagemaker_byoc.jobs import TrainingJobError
from kedro_sagemaker_byoc.preflight import PreflightError
from kedro_sagemaker_byoc.run_lock import ProjectBusyError
from training_contract.errors import TrainingInputError

EXPECTED = (
    PreflightError,
    TrainingJobError,
    UnfilledConfigError,
    ModelArtifactError,
    ProjectBusyError,
)
# The image's own checks, raised in a node before any job (their sentence names the fix).
EXPECTED_FROM_IMAGE = (TrainingInputError,)


def is_expected(error: BaseException) -> bool:
    return isinstance(error, EXPECTED + EXPECTED_FROM_IMAGE)


def log_file() -> Path | None:
    """The file the logging configuration writes the run's log to, if any."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    return None


def report(
    error_type: type, error: BaseException, tb: TracebackType | None, log: Path | None
) -> None:
    """Print an expected error as its sentence; keep the traceback in the log file."""
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as stream:
            traceback.print_exception(error_type, error, tb, file=stream)
    where = f" (full log: {log})" if log is not None else ""
    print(f"\nError: {error}{where}", file=sys.stderr)


def install() -> None:
    """Wrap the current excepthook, unless it is already wrapped."""
    previous = sys.excepthook
    if getattr(previous, "_tidies_expected_errors", False):
        return
    log = log_file()

    def excepthook(error_type, error, tb):
        if is_expected(error):
            report(error_type, error, tb, log)
        else:
            previous(error_type, error, tb)

    excepthook._tidies_expected_errors = True  # type: ignore[attr-defined]
    sys.excepthook = excepthook


class TidyExpectedErrors:
    """Install the excepthook once Kedro has configured logging (which installs rich's), and
    again when a pipeline fails: a library imported during the run may have replaced it."""

    @hook_impl(tryfirst=True)
    def after_context_created(self, context: KedroContext) -> None:
        install()

    @hook_impl
    def on_pipeline_error(self, error: Exception) -> None:
        install()


tidy_expected_errors = TidyExpectedErrors()
