"""The one function that runs a training job, and the exit code and failure file it leaves."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import channel, hyperparameters, model
from .environment import MODEL_FILE, TrainingEnvironment
from .errors import TrainingInputError

SUCCESS = 0
BAD_INPUT = 1
UNEXPECTED = 2

# SageMaker turns lines like "metric train_r2=0.512345" into CloudWatch metrics through
# the regexes in conf/sagemaker's metric_definitions; keep the two in step.
METRIC_LINE = "metric train_{name}={value:.6f}"


def train(env: TrainingEnvironment, argv: Sequence[str]) -> Path:
    """Train on the channel in ``env`` with the ``argv`` hyperparameters; return the model file."""
    params = hyperparameters.parse_args(argv)
    X, y = channel.read_channel(env.channel_dir, params.features)
    fitted = model.fit(X, y, params)
    for name, value in model.regression_metrics(y, fitted.predict(X)).items():
        print(METRIC_LINE.format(name=name, value=value), flush=True)
    return _write_atomically(env.model_dir / MODEL_FILE, model.to_document(fitted, params))


def main(argv: Sequence[str], environ: dict[str, str] | None = None) -> int:
    """Run ``train`` and turn its outcome into an exit code and, on failure, a failure file."""
    env = TrainingEnvironment.from_env(environ)
    try:
        model_file = train(env, argv)
    except TrainingInputError as exc:
        return _fail(env, str(exc), BAD_INPUT)
    except Exception as exc:  # noqa: BLE001 - any other failure still needs a readable reason
        return _fail(
            env,
            f"Training failed unexpectedly: {type(exc).__name__}: {exc}; see the job's log.",
            UNEXPECTED,
        )
    print(f"Model written to {model_file}", flush=True)
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
    env.output_dir.mkdir(parents=True, exist_ok=True)
    env.failure_file.write_text(reason + "\n")
    print(f"Training failed: {reason}", file=sys.stderr, flush=True)
    return code
