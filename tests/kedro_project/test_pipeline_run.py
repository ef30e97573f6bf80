"""The whole pipeline, run as a user runs it, in a temporary copy of the project."""

import json
import tarfile
from pathlib import Path
from urllib.parse import urlparse

import yaml

from tests.support import kedro


def test_kedro_run_trains_through_the_contract_and_saves_metrics(project: Path):
    result = kedro(project, "run")

    assert result.returncode == 0, result.stdout + result.stderr
    metrics = json.loads((project / "data/08_reporting/metrics.json").read_text())
    assert set(metrics) == {"r2", "mae", "max_error"}
    assert 0.3 < metrics["r2"] < 0.9
    job = json.loads((project / "data/06_models/training_job.json").read_text())
    archive = Path(urlparse(job["model_artifact"]).path)
    assert (
        archive
        == project.resolve() / f"data/06_models/training-jobs/{job['job_name']}/output/model.tar.gz"
    )
    with tarfile.open(archive) as tar:
        assert tar.getnames() == ["model.json"]
    channel = project / "data/05_model_input/train"
    assert sorted(p.name for p in channel.iterdir()) == ["X_train.parquet", "y_train.parquet"]
    assert "Reporting training SUCCESS" in result.stdout + result.stderr
    plot = project / "data/08_reporting/price_predictions.png"
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_a_bad_hyperparameter_stops_the_run_before_any_job(project: Path):
    parameters_file = project / "conf/base/parameters_data_science.yml"
    parameters = yaml.safe_load(parameters_file.read_text())
    parameters["model_hyperparameters"]["linear_regression"]["alpha"] = 0.5
    parameters_file.write_text(yaml.safe_dump(parameters))

    result = kedro(project, "run")

    assert result.returncode != 0
    output = " ".join((result.stdout + result.stderr).split())
    assert "Unknown hyperparameter 'alpha'" in output
    assert not (project / "data/06_models/training-jobs").exists()
    assert not (project / "data/06_models/training_job.json").exists()
