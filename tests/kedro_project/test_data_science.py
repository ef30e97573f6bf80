import json

import pandas as pd
import pyarrow.parquet as pq
import pytest
from kedro_sagemaker_byoc.jobs import TrainingJobError
from kedro_sagemaker_byoc.nodes import (
    evaluate_model,
    plot_predictions,
    split_data,
    train_model,
    unpack_model,
)

from linear_regression.model import fit_arrays
from tests.support import ENTRY_POINT, make_training_frames

LINEAR = {"model_adapter": "linear_regression.adapter.LinearRegressionAdapter"}


@pytest.fixture
def training(tmp_path, channel_dir):
    return {
        **LINEAR,
        "job_name_prefix": "unit",
        "channel": str(channel_dir),
        "estimator": {
            "class": "kedro_sagemaker_byoc.backends.local_estimator.LocalToolkitEstimator",
            "entry_point": str(ENTRY_POINT),
            "output_path": str(tmp_path / "jobs"),
        },
    }


def test_split_data_follows_the_model_options(model_options, features):
    X, y = make_training_frames(features, rows=100)
    X_train, X_test, y_train, y_test = split_data(X.assign(price=y["price"]), model_options)
    assert (len(X_train), len(X_test)) == (80, 20)
    assert list(X_train.columns) == features
    assert list(y_train.columns) == ["price"]


def test_the_channel_is_saved_with_no_index_column(tmp_path, model_options, features):
    # A table whose index is not 0..n-1, as any filtered or joined table's is: pandas would
    # save such an index as a column, and y_train would no longer be the target alone.
    X, y = make_training_frames(features, rows=100)
    table = X.assign(price=y["price"]).set_axis(range(1000, 1100))
    X_train, _, y_train, _ = split_data(table, model_options)
    X_train.to_parquet(tmp_path / "X_train.parquet")  # ParquetDataset's default save_args
    y_train.to_parquet(tmp_path / "y_train.parquet")
    assert pq.read_schema(tmp_path / "X_train.parquet").names == features
    assert pq.read_schema(tmp_path / "y_train.parquet").names == ["price"]


def test_train_unpack_evaluate(training, model_options, channel_dir):
    X = pd.read_parquet(channel_dir / "X_train.parquet")
    y = pd.read_parquet(channel_dir / "y_train.parquet")

    job = train_model(X, y, model_options, training)
    files = unpack_model(job, training)
    metrics = evaluate_model(files, X, y, training)

    assert job["job_name"].startswith("unit-")
    assert job["model_artifact"].endswith(f"/jobs/{job['job_name']}/output/model.tar.gz")
    assert metrics["r2"] > 0.99


def test_train_model_checks_hyperparameters_before_starting_a_job(
    training, model_options, channel_dir, tmp_path
):
    X = pd.read_parquet(channel_dir / "X_train.parquet")
    y = pd.read_parquet(channel_dir / "y_train.parquet")
    options = {**model_options, "hyperparameters": {"fit_intercpt": True}}

    with pytest.raises(ValueError, match="Unknown hyperparameter 'fit_intercpt'"):
        train_model(X, y, options, training)
    assert not (tmp_path / "jobs").exists()


def test_train_model_checks_the_data_before_starting_a_job(
    training, model_options, channel_dir, tmp_path
):
    X = pd.read_parquet(channel_dir / "X_train.parquet").drop(columns="crew")
    y = pd.read_parquet(channel_dir / "y_train.parquet")

    with pytest.raises(ValueError, match="lacks the feature column 'crew'"):
        train_model(X, y, model_options, training)
    assert not (tmp_path / "jobs").exists()


def test_a_failed_job_raises_quoting_the_failure_file(
    training, model_options, channel_dir, tmp_path
):
    (channel_dir / "X_train.parquet").write_bytes(b"not parquet")
    X, y = make_training_frames(model_options["features"])

    with pytest.raises(TrainingJobError) as raised:
        train_model(X, y, model_options, training)

    assert "X_train.parquet in channel 'train' is not a readable parquet file" in str(raised.value)
    assert "ended Failed" in str(raised.value)
    assert not list((tmp_path / "jobs").rglob("model.tar.gz"))


def model_files(X, y, features) -> dict[str, bytes]:
    """The files of a linear model.tar.gz, fitted on ``X`` and ``y``."""
    document = fit_arrays(X.to_numpy(), y["price"].to_numpy(), features)
    return {"model.json": json.dumps(document).encode()}


def test_evaluate_model_reports_r2_mae_and_max_error(features):
    X, y = make_training_frames(features)
    files = model_files(X, y, features)
    metrics = evaluate_model(files, X, y, LINEAR)
    assert set(metrics) == {"r2", "mae", "max_error"}
    assert metrics["r2"] == pytest.approx(1.0, abs=1e-3)  # noise of 1 on prices in the hundreds


def test_plot_predictions_draws_each_test_row_against_its_price(features, tmp_path):
    X, y = make_training_frames(features)
    figure = plot_predictions(model_files(X, y, features), X, y, LINEAR)

    [axes] = figure.axes
    [points] = axes.collections
    offsets = points.get_offsets()
    assert len(offsets) == len(y)
    assert list(offsets[:, 0]) == pytest.approx(list(y["price"]))
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("actual", "predicted")
    assert axes.get_title() == "Test split: R² 1.000"  # noise of 1 on prices in the hundreds
    figure.savefig(tmp_path / "plot.png")  # what the catalog's MatplotlibDataset does
    assert (tmp_path / "plot.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("rows", "test_size", "seed"), [(15_500, 0.2, 3), (101, 0.5, 0), (7, 0.3, 42)]
)
def test_split_data_picks_the_rows_scikit_learns_train_test_split_picks(rows, test_size, seed):
    from sklearn.model_selection import train_test_split

    data = pd.DataFrame({"engines": range(rows), "price": range(rows)})
    options = {
        "target": "price",
        "features": ["engines"],
        "test_size": test_size,
        "random_state": seed,
    }
    options |= {"hyperparameters": {"fit_intercept": True, "positive": False}}

    ours = split_data(data, options)

    X_train, X_test, y_train, y_test = train_test_split(
        data[["engines"]], data[["price"]], test_size=test_size, random_state=seed
    )
    # The training pair is the channel, saved without the table's index (split_data).
    theirs = [X_train.reset_index(drop=True), X_test, y_train.reset_index(drop=True), y_test]
    for mine, reference in zip(ours, theirs, strict=True):
        pd.testing.assert_frame_equal(mine, reference)
