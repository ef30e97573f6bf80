"""The one function that runs a model's training, and the exit code and failure file it leaves."""

from __future__ import annotations

import os
import shutil
import sys
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import hyperparameters
from .environment import STAGING_DIR, TrainingEnvironment
from .errors import TrainingInputError
from .failure import write_failure
from .model import Model, TrainingJob
from .stopping import TrainingStopped, hold_stop_signals, raise_on_stop_signals

SUCCESS = 0
BAD_INPUT = 1
UNEXPECTED = 2

# SageMaker turns lines like "metric train_r2=0.512345" into CloudWatch metrics through
# the regexes in the job's metric definitions; keep the two in step.
METRIC_LINE = "metric train_{name}={value:.6f}"
# The first line a job logs once it is training; tests and benchmarks that stop a job wait for it.
TRAINING_STARTED = "Training started:"


def log(message: str) -> None:
    print(message, flush=True)


def train(model: Model, env: TrainingEnvironment, argv: Sequence[str]) -> list[Path]:
    """Train ``model`` with the ``argv`` hyperparameters; return the files moved into model/.

    The model writes into a staging folder inside model/; only after it returned are its
    files moved into model/ itself, so model/ never holds half a model.
    """
    params = hyperparameters.parse(model.hyperparameters, argv)
    log(f"{TRAINING_STARTED} {model.name} with {_shown(params)}")
    staging = env.model_dir / STAGING_DIR
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        metrics = model.train(TrainingJob(params, env, staging, env.output_data_dir))
        for name, value in metrics.items():
            log(METRIC_LINE.format(name=name, value=value))
        written = sorted(staging.iterdir())
        if not written:
            raise TrainingInputError(
                f"The model {model.name!r} finished training but wrote nothing; its train "
                "function must write the model into job.model_dir."
            )
        moved: list[Path] = []
        try:
            # A stop that comes while the files move waits until they have moved, then
            # takes them out again: a stopped job leaves no model, even a finished one.
            with hold_stop_signals():
                moved += [_move(path, env.model_dir) for path in written]
        except TrainingStopped:
            for path in moved:
                shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
            raise
        return moved
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def main(
    model: Model, argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> int:
    """Run ``train`` and turn its outcome into an exit code and, on failure, a failure file."""
    env = TrainingEnvironment.from_env(environ)
    args = sys.argv[1:] if argv is None else argv
    try:
        with raise_on_stop_signals():
            written = train(model, env, args)
    except TrainingStopped as stop:
        return _fail(env, stop.reason, stop.exit_code)
    except TrainingInputError as exc:
        return _fail(env, str(exc), BAD_INPUT)
    except Exception as exc:  # noqa: BLE001 - any other failure still needs a readable reason
        # The traceback is for whoever debugs, in the job's log; the sentence is for the user.
        traceback.print_exc()
        return _fail(
            env,
            f"Unexpected {type(exc).__name__} while training: {exc}; see the job's log.",
            UNEXPECTED,
        )
    log(f"Model written to {env.model_dir}: {', '.join(p.name for p in written)}")
    return SUCCESS


def _move(path: Path, model_dir: Path) -> Path:
    target = model_dir / path.name
    if target.is_dir():
        shutil.rmtree(target)
    os.replace(path, target)
    return target


def _shown(params: Mapping[str, object]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in params.items()) or "no hyperparameters"


def _fail(env: TrainingEnvironment, reason: str, code: int) -> int:
    # Written before the toolkit reports, so its generic text does not replace ours.
    line = write_failure(env.output_dir, reason)
    print(f"Training failed: {line}", file=sys.stderr, flush=True)
    return code
