"""Nodes that split the data, train through a training job, and evaluate and plot the model."""

import logging
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.model_selection import train_test_split

from spaceflights.training import artifacts, jobs
from spaceflights_training import channel, hyperparameters, model

logger = logging.getLogger(__name__)


def split_data(data: pd.DataFrame, model_options: dict[str, Any]) -> tuple:
    """Split the model input table into training and test features and prices.

    Returns X_train, X_test, y_train, y_test; the targets are one-column frames so that
    they can be written as parquet.
    """
    X = data[model_options["features"]]
    y = data[["price"]]
    return train_test_split(
        X, y, test_size=model_options["test_size"], random_state=model_options["random_state"]
    )


def train_model(
    X_train: pd.DataFrame,
    y_train: pd.DataFrame,
    model_options: dict[str, Any],
    training: dict[str, Any],
) -> dict[str, Any]:
    """Train in a training job on the channel that X_train and y_train were written to.

    The hyperparameters and data are checked here with the trainer's own checks, so bad
    input fails before a job is paid for. Returns what identifies the job and its ``model.tar.gz``.
    """
    stored = hyperparameters.to_sagemaker(
        model_options["features"], model_options["hyperparameters"]
    )
    hyperparameters.parse_args(hyperparameters.to_args(stored))
    channel.validate_training_data(X_train, y_train, model_options["features"])
    estimator = jobs.make_estimator(training["estimator"], stored)
    job_name = jobs.unique_job_name(training["job_name_prefix"])
    description = jobs.run_training_job(estimator, {"train": training["channel"]}, job_name)
    return {
        "job_name": job_name,
        "model_artifact": jobs.model_artifact(description),
        "training_image": training["estimator"].get("image_uri"),
    }


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
    regressor = model.from_document(model_document)
    return regressor.predict(X_test[list(regressor.feature_names_in_)].astype("float64"))
