"""A tiny model of the contract tests' own: the mean of the target, written as ``tiny.json``.

It is no real model and shares no code with one. Its hyperparameters cover every kind the
contract types (a list, a float and an int with bounds, a bool, text), and ``behaviour``
makes it end in each way the contract must report: bad input, a crash, no model written,
a kill, or waiting for a stop after it wrote its file.
"""

from __future__ import annotations

import json
import os
import signal

from training_contract.channel import Channel
from training_contract.errors import TrainingInputError
from training_contract.hyperparameters import Hyperparameter
from training_contract.model import Model, TrainingJob

MODEL_FILE = "tiny.json"
# Logged once the model file is in the staging folder and the model waits for a stop.
HOLDING = "tiny model holding"
BAD_INPUT_SENTENCE = "The tiny model refuses this channel; give it another."

HYPERPARAMETERS = (
    Hyperparameter("features", list, default=(), help="the feature columns; all by default"),
    Hyperparameter("scale", float, default=1.0, minimum=0.0, maximum=1000.0),
    Hyperparameter("digits", int, default=6, minimum=0, maximum=12),
    Hyperparameter("per_feature", bool, default=False),
    Hyperparameter("behaviour", str, default="train"),
)


def train(job: TrainingJob) -> dict[str, float]:
    """Write the scaled, rounded mean of the target (and of each feature, if asked)."""
    params = job.hyperparameters
    behaviour = params["behaviour"]
    if behaviour == "bad-input":
        raise TrainingInputError(BAD_INPUT_SENTENCE)
    if behaviour == "killed":
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's OOM killer ends a process
    data = Channel(job.channel(), params["features"])
    rows, total, feature_totals = 0, 0.0, [0.0] * len(data.features)
    for X, y in data.checked_batches():
        rows += len(y)
        total += float(y.sum())
        feature_totals = [t + float(s) for t, s in zip(feature_totals, X.sum(axis=0), strict=True)]
    mean = round(params["scale"] * total / rows, params["digits"])
    document = {"features": data.features, "rows": rows, "mean": mean}
    if params["per_feature"]:
        document["feature_means"] = [t / rows for t in feature_totals]
    if behaviour != "write-nothing":
        (job.model_dir / MODEL_FILE).write_text(json.dumps(document))
    if behaviour == "crash":
        raise RuntimeError("the tiny model crashed after writing its file")
    if behaviour == "hold":
        job.log(HOLDING)
        while True:  # until a stop signal raises out of here
            signal.pause()
    return {"rows": float(rows), "mean": mean}


MODEL = Model(name="tiny", hyperparameters=HYPERPARAMETERS, train=train)
