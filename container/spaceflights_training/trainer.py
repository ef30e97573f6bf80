"""The one function that runs a training job, and the exit code and failure file it leaves."""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import channel, hyperparameters, model, regression
from .environment import TrainingEnvironment
from .errors import TrainingInputError
from .failure import write_failure
from .stopping import TrainingStopped, raise_on_stop_signals

SUCCESS = 0
BAD_INPUT = 1
UNEXPECTED = 2

# SageMaker turns lines like "metric train_r2=0.512345" into CloudWatch metrics through
# the regexes in conf/sagemaker's metric_definitions; keep the two in step.
METRIC_LINE = "metric train_{name}={value:.6f}"
# The first line a job logs once it is training; tests and benchmarks that stop a job wait for it.
TRAINING_STARTED = "Reading the training channel"


def log(message: str) -> None:
    print(message, flush=True)


def train(env: TrainingEnvironment, argv: Sequence[str]) -> Path:
    """Train on the channel in ``env`` with the ``argv`` hyperparameters; return the model file.

    Two streamed passes over the channel: the first sums what an exact fit needs, the
    second measures the fit. Memory is bounded by a row group, not by the channel.
    """
    params = hyperparameters.parse_args(argv)
    log(f"{TRAINING_STARTED} {env.channel_dir}")
    data = channel.Channel(env.channel_dir, params.features)
    moments = regression.Moments(len(params.features))
    for X, y in data.checked_batches():
        moments.add(X, y)
    log(f"Fitting on {moments.count} rows and {len(params.features)} features")
    fitted = regression.solve(moments, params.fit_intercept, params.positive)
    scores = regression.Scores(target_mean=float(moments.mean[-1]))
    for X, y in data.batches():
        scores.add(y, fitted.predict(X))
    for name, value in scores.metrics().items():
        log(METRIC_LINE.format(name=name, value=value))
    return _write_atomically(env.model_file, model.document(params, fitted))


def main(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> int:
    """Run ``train`` and turn its outcome into an exit code and, on failure, a failure file."""
    env = TrainingEnvironment.from_env(environ)
    try:
        with raise_on_stop_signals():
            model_file = train(env, argv)
    except TrainingStopped as stop:
        # A stopped job leaves no model, even one finished as the signal came in.
        env.model_file.unlink(missing_ok=True)
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
    log(f"Model written to {model_file}")
    return SUCCESS


def _write_atomically(path: Path, document: dict) -> Path:
    # Write beside the target and rename, so model/ never holds half a model.
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(json.dumps(document, indent=2))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _fail(env: TrainingEnvironment, reason: str, code: int) -> int:
    # Written before the toolkit reports, so its generic text does not replace ours.
    line = write_failure(env.output_dir, reason)
    print(f"Training failed: {line}", file=sys.stderr, flush=True)
    return code
