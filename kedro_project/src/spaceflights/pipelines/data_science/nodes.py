"""Nodes that split the data, train through a training job, and evaluate and plot the model."""

import logging
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from spaceflights.training import artifacts, job_reuse, jobs, preflight
from spaceflights.training.channel_upload import publish_channel
from spaceflights.training.job_address import JobAddress, job_address
from spaceflights_training import model
from spaceflights_training.environment import TRAIN_CHANNEL

logger = logging.getLogger(__name__)


def split_data(data: pd.DataFrame, model_options: dict[str, Any]) -> tuple:
    """Split the model input table into training and test features and prices.

    Returns X_train, X_test, y_train, y_test; the targets are one-column frames so that
    they can be written as parquet. The model options are checked first, so a mistake in
    them is one sentence naming the key rather than a pandas or scikit-learn error.
    """
    preflight.check_model_options(model_options)
    train, test = _shuffle_split(
        len(data), model_options["test_size"], model_options["random_state"]
    )
    X = data[model_options["features"]]
    y = data[["price"]]
    return X.iloc[train], X.iloc[test], y.iloc[train], y.iloc[test]


def train_model(
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    model_options: dict[str, Any],
    training: dict[str, Any],
) -> dict[str, Any]:
    """Train in a training job on the channel that X_train and y_train were written to.

    The pre-flight runs first: the configuration, the hyperparameters and the data (with the
    trainer's own checks) and, where configured, AWS. Then, unless ``training.reuse`` is
    false, a job with the same content address (``job_address``) is looked for: a Completed
    one is reused, one still InProgress is waited for. Only when a new job is needed is the
    channel uploaded (``training.channel_upload``) and the job started. Returns what
    identifies the job and its ``model.tar.gz``.
    """
    checked = preflight.check(training, model_options, X_train, y_train)
    address = job_address(training, checked.hyperparameters)
    estimator_spec = job_reuse.tagged(training["estimator"], address.value)
    earlier = _earlier_job(address, estimator_spec, training.get("reuse", True))
    if earlier is not None and earlier.completed:
        description = earlier.description
    else:
        estimator = jobs.make_estimator(estimator_spec, checked.hyperparameters)
        if earlier is not None:
            description = jobs.attach_training_job(estimator, earlier.name)
        else:
            channel = publish_channel(
                training["channel"], training.get("channel_upload"), address.channel_hash
            )
            description = jobs.run_training_job(
                estimator, {TRAIN_CHANNEL: channel}, checked.job_name
            )
        job_reuse.remember(address.value, description, estimator_spec)
    return {
        "job_name": description["TrainingJobName"],
        "model_artifact": jobs.model_artifact(description),
        "training_image": training["estimator"].get("image_uri"),
        "job_address": address.value,
        "reused": earlier is not None and earlier.completed,
    }


def _earlier_job(
    address: JobAddress, estimator_spec: dict[str, Any], reuse: bool
) -> job_reuse.EarlierJob | None:
    """A job that already has this run's address, if reuse is on; the run says which."""
    if not reuse:
        logger.info("training.reuse is false: starting a new training job.")
        return None
    if address.value is None:
        logger.info("Not looking for an earlier training job: %s.", address.unaddressable)
        return None
    earlier = job_reuse.find(address.value, estimator_spec)
    if earlier is None:
        logger.info("No earlier training job has this address (%s).", address.value[:12])
    else:
        logger.info("%s", earlier.sentence())
    return earlier


def unpack_model(training_job: dict[str, Any]) -> dict[str, Any]:
    """Read the model document out of the job's ``model.tar.gz``."""
    document = artifacts.read_model_document(training_job["model_artifact"])
    # read_model_document has already checked it with model.parse_document.
    return document


def evaluate_model(
    model_document: dict[str, Any], X_test: pd.DataFrame, y_test: pd.DataFrame
) -> dict[str, float]:
    """Score the trained model on the test split: R², mean absolute error and max error."""
    metrics = model.regression_metrics(y_test.iloc[:, 0], _predict(model_document, X_test))
    logger.info(
        "Model has a coefficient R^2 of %.3f on test data (MAE %.1f, max error %.1f).",
        metrics["r2"],
        metrics["mae"],
        metrics["max_error"],
    )
    return metrics


def plot_predictions(
    model_document: dict[str, Any], X_test: pd.DataFrame, y_test: pd.DataFrame
) -> Figure:
    """Predicted against actual price on the test split, with the line a perfect model follows."""
    actual = y_test.iloc[:, 0].to_numpy()
    predicted = _predict(model_document, X_test)
    figure = Figure(figsize=(6, 6), layout="constrained")
    axes = figure.subplots()
    axes.scatter(actual, predicted, s=4, alpha=0.3)
    low, high = float(min(actual.min(), predicted.min())), float(max(actual.max(), predicted.max()))
    axes.plot([low, high], [low, high], color="black", linewidth=1, label="predicted = actual")
    axes.set(
        xlabel="actual price",
        ylabel="predicted price",
        title=f"Test split: R² {model.regression_metrics(actual, predicted)['r2']:.3f}",
    )
    axes.legend(loc="upper left")
    return figure


def _predict(model_document: dict[str, Any], X_test: pd.DataFrame) -> np.ndarray:
    return model.predict(model_document, X_test[model_document["features"]].to_numpy("float64"))


def _shuffle_split(rows: int, test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The row positions scikit-learn's train_test_split picks (a test checks that they are
    the same), without importing scikit-learn: it, and the scipy.stats it loads, took
    about a second of every run's start."""
    n_test = int(np.ceil(test_size * rows))
    permutation = np.random.RandomState(seed).permutation(rows)
    return permutation[n_test:], permutation[:n_test]
