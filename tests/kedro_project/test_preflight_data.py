"""Pre-flight checks of the data and feature names (the image's own checks, run first)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.kedro_project.conftest import stopped

pytestmark = pytest.mark.aws


def test_infinite_feature_values(run, create_training_job_requests):
    run["X"].loc[3, "crew"] = np.inf
    assert "Column 'crew' in X_train.parquet has 1 infinite values" in stopped(
        run, create_training_job_requests
    )


def test_infinite_target_values(run, create_training_job_requests):
    run["y"].loc[5, "price"] = -np.inf
    assert "The target 'price' in y_train.parquet has 1 infinite values (first at row 5)" in (
        stopped(run, create_training_job_requests)
    )


@pytest.mark.parametrize(
    ("feature", "problem"),
    [
        ("crew,engines", "contain a comma"),
        ("engines", "are listed twice"),
        ("", "are empty"),
    ],
)
def test_feature_names(run, create_training_job_requests, feature, problem):
    run["params"]["model_options"]["features"].append(feature)
    sentence = stopped(run, create_training_job_requests)
    assert f"Feature names {feature!r} {problem} (the 'features' hyperparameter)" in sentence
    assert "it is set by model_options.features in conf/base/parameters_data_science.yml" in (
        sentence
    )


def test_a_feature_name_with_a_space_is_a_column_the_channel_lacks(
    run, create_training_job_requests
):
    # Spaces travel in every client's spelling of a list now; the channel decides.
    run["params"]["model_options"]["features"].append(" crew")
    sentence = stopped(run, create_training_job_requests)
    assert "X_train.parquet lacks the feature column ' crew'" in sentence
    assert "it is set by model_options.features in conf/base/parameters_data_science.yml" in (
        sentence
    )


def test_several_problems_are_reported_at_once(run, create_training_job_requests):
    run["X"].loc[0, "crew"] = np.inf
    run["params"]["training"]["estimator"]["max_run"] = 3_000_000
    message = stopped(run, create_training_job_requests)
    assert message.startswith("Pre-flight check found 2 problems:")
    assert "infinite values" in message and "more than SageMaker's 28 days" in message


def test_a_bad_feature_name_is_reported_once(run, create_training_job_requests):
    # The hyperparameters and the data both check feature names; the user reads it once.
    run["params"]["model_options"]["features"].append("crew,engines")
    assert stopped(run, create_training_job_requests).count("contain a comma") == 1
