"""The one interface between the contract and a model.

A model package gives the contract a ``Model``: its name, the hyperparameters it accepts
(with their types and defaults), and a ``train`` function. The contract does the rest:
it parses the hyperparameters from whatever client sent them, finds the channels, turns
stops and errors into exit codes and one failure sentence, prints the metrics as lines
SageMaker's metric definitions match, and moves the model into ``model/`` only once
``train`` has returned::

    MODEL = Model(
        name="my-model",
        hyperparameters=(Hyperparameter("max_depth", int, default=6, minimum=1),),
        train=train,   # def train(job: TrainingJob) -> dict[str, float]
    )

    # train.py, the image's SAGEMAKER_PROGRAM
    sys.exit(trainer.main(MODEL))

``train`` reads ``job.channel("train")``, writes its artifact into ``job.model_dir`` in
its library's own documented format (never a pickle: it crosses S3), and returns the
training metrics by name. For bad input it raises ``TrainingInputError`` with one sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import channel_errors
from .environment import TRAIN_CHANNEL, TrainingEnvironment
from .hyperparameters import Hyperparameter


@dataclass(frozen=True)
class TrainingJob:
    """What ``train`` gets: typed hyperparameters, the channels, and where to write."""

    hyperparameters: Mapping[str, Any]
    environment: TrainingEnvironment
    # A staging folder: the contract moves its content into model/ after train returns.
    model_dir: Path
    output_data_dir: Path

    def channel(self, name: str = TRAIN_CHANNEL) -> Path:
        """The folder of channel ``name``; one sentence if the job has none."""
        folder = self.environment.channel_dir(name)
        if not folder.is_dir():
            raise channel_errors.problem("channel_missing", name=name, folder=folder)
        return folder

    @staticmethod
    def log(message: str) -> None:
        """A line in the job's log (CloudWatch on SageMaker)."""
        print(message, flush=True)


@dataclass(frozen=True)
class Model:
    """A trainable model, as the contract sees it."""

    name: str
    hyperparameters: tuple[Hyperparameter, ...]
    train: Callable[[TrainingJob], Mapping[str, float]]
