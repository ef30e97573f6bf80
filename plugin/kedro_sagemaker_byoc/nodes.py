"""The training nodes: split a table, train in a training job, unpack, evaluate and plot.

They are plain functions over frames and dicts; ``pipeline.create_pipeline`` wires them.
Every setting comes from ``params:model_options`` and ``params:training``.
"""

import logging
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from kedro_sagemaker_byoc import artifacts, job_reuse, jobs, preflight
from kedro_sagemaker_byoc.channel_upload import publish_channel
from kedro_sagemaker_byoc.job_address import JobAddress, job_address
from kedro_sagemaker_byoc.model_adapter import load_adapter
from kedro_sagemaker_byoc.preflight.schema import ArtifactLimits
from training_contract.environment import TRAIN_CHANNEL

logger = logging.getLogger(__name__)


def split_data(data: pd.DataFrame, model_options: dict[str, Any]) -> tuple:
    """Split a table into training and test features and targets.

    Returns X_train, X_test, y_train, y_test; the targets are one-column frames so that
    they can be written as parquet. The training pair has a fresh 0..n-1 index: it becomes
    the channel, and pandas would save any other index as one more parquet column, which
    the image refuses in y_train. The test pair keeps the table's index. The model options
    are checked first, so a mistake in them is one sentence naming the key rather than a
    pandas error.
    """
    options = preflight.check_model_options(model_options, columns=list(data.columns))
    train, test = _shuffle_split(len(data), options.test_size, options.random_state)
    X = data[options.features]
    y = data[[options.target]]
    X_train = X.iloc[train].reset_index(drop=True)
    y_train = y.iloc[train].reset_index(drop=True)
    return X_train, X.iloc[test], y_train, y.iloc[test]


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
    settings = checked.settings
    address = job_address(settings, checked.hyperparameters)
    # The estimator's own spec, as configured: instantiate builds its nested classes from it.
    estimator_spec = job_reuse.tagged(training["estimator"], address.value)
    earlier = _earlier_job(address, estimator_spec, settings.reuse)
    if earlier is not None and earlier.completed:
        description = earlier.description
    else:
        estimator = jobs.make_estimator(estimator_spec, checked.hyperparameters)
        if earlier is not None:
            description = jobs.attach_training_job(estimator, earlier.name)
        else:
            channel = publish_channel(
                settings.channel, settings.channel_upload, address.channel_hash
            )
            description = jobs.run_training_job(
                estimator, {TRAIN_CHANNEL: channel}, checked.job_name
            )
        job_reuse.remember(address.value, description, estimator_spec)
    return {
        "job_name": description["TrainingJobName"],
        "model_artifact": jobs.model_artifact(description),
        "training_image": settings.estimator.image_uri,
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


def unpack_model(training_job: dict[str, Any], training: dict[str, Any]) -> dict[str, bytes]:
    """The files of the job's ``model.tar.gz``, read safely and checked by the model's adapter."""
    uri = training_job["model_artifact"]
    limits = ArtifactLimits.model_validate(training.get("artifact_limits") or {})
    files = artifacts.read_model_files(uri, limits)
    try:
        load_adapter(training["model_adapter"]).load(files, uri)
    except ValueError as error:
        raise artifacts.ModelArtifactError(str(error)) from error
    return files


def evaluate_model(
    model_files: dict[str, bytes],
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    training: dict[str, Any],
) -> dict[str, float]:
    """Score the trained model on the test split, with the scores its adapter computes."""
    adapter, actual, predicted = _test_predictions(model_files, X_test, y_test, training)
    metrics = adapter.metrics(actual, predicted)
    logger.info(
        "Model scores on test data: %s.",
        ", ".join(f"{name} {value:.3f}" for name, value in metrics.items()),
    )
    return metrics


def plot_predictions(
    model_files: dict[str, bytes],
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    training: dict[str, Any],
) -> Figure:
    """Predicted against actual target on the test split, with the line a perfect model follows."""
    adapter, actual, predicted = _test_predictions(model_files, X_test, y_test, training)
    figure = Figure(figsize=(6, 6), layout="constrained")
    axes = figure.subplots()
    axes.scatter(actual, predicted, s=4, alpha=0.3)
    low, high = float(min(actual.min(), predicted.min())), float(max(actual.max(), predicted.max()))
    axes.plot([low, high], [low, high], color="black", linewidth=1, label="predicted = actual")
    scores = adapter.metrics(actual, predicted)
    title = f"Test split: R² {scores['r2']:.3f}" if "r2" in scores else "Test split"
    axes.set(xlabel="actual", ylabel="predicted", title=title)
    axes.legend(loc="upper left")
    return figure


def _test_predictions(
    model_files: dict[str, bytes],
    X_test: pd.DataFrame,
    y_test: pd.DataFrame,
    training: dict[str, Any],
) -> tuple[Any, np.ndarray, np.ndarray]:
    """The model's adapter, the test targets and the model's predictions for them."""
    adapter = load_adapter(training["model_adapter"])
    actual = y_test.iloc[:, 0].to_numpy("float64")
    return adapter, actual, adapter.predict(adapter.load(model_files, "the unpacked model"), X_test)


def _shuffle_split(rows: int, test_size: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The row positions scikit-learn's train_test_split picks (a test checks that they are
    the same), without importing scikit-learn: it, and the scipy.stats it loads, took
    about a second of every run's start."""
    n_test = int(np.ceil(test_size * rows))
    permutation = np.random.RandomState(seed).permutation(rows)
    return permutation[n_test:], permutation[:n_test]
