"""The model adapter: the one route from the pipeline to a model's code.

``training.model_adapter`` names a class by its import path. The plugin instantiates it
and asks it, and nothing else, about the model: the hyperparameters the model accepts
(checked before any job), and how to read the files of ``model.tar.gz``, predict and score.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import pandas as pd

from training_contract.hyperparameters import Hyperparameter

from .jobs import import_dotted

REQUIRED = ("hyperparameters", "load", "predict", "metrics")


@runtime_checkable
class ModelAdapter(Protocol):
    """What a model gives a client: a model package ships one beside its training code."""

    hyperparameters: Sequence[Hyperparameter]

    def load(self, files: Mapping[str, bytes], where: str) -> Any:
        """A model from the artifact's files; ValueError with one sentence if they are not one."""

    def predict(self, model: Any, X: pd.DataFrame) -> np.ndarray:
        """Predictions for the rows of ``X``."""

    def metrics(self, actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
        """Scores of ``predicted`` against ``actual``, by name."""


class ModelAdapterError(ValueError):
    """``training.model_adapter`` does not name a usable adapter."""


@functools.cache
def load_adapter(path: str) -> ModelAdapter:
    """An instance of the adapter class at ``path``; ModelAdapterError with one sentence."""
    try:
        adapter = import_dotted(path)()
    except (ImportError, AttributeError, ValueError, TypeError) as exc:
        raise ModelAdapterError(
            f"training.model_adapter {path!r} cannot be loaded ({type(exc).__name__}: {exc}); "
            "name the model's adapter class by its import path and install the model's "
            "package in this environment."
        ) from exc
    missing = [name for name in REQUIRED if not hasattr(adapter, name)]
    if missing:
        raise ModelAdapterError(
            f"training.model_adapter {path!r} lacks {', '.join(missing)}; an adapter gives "
            "hyperparameters, load, predict and metrics."
        )
    return adapter
