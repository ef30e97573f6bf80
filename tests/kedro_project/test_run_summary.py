import json
import os
import subprocess
import sys


def test_summary_names_the_model_and_metrics_of_the_environment(project):
    (project / "data/06_models").mkdir(parents=True, exist_ok=True)
    (project / "data/08_reporting").mkdir(parents=True, exist_ok=True)
    job = {"job_name": "spaceflights-1", "model_artifact": "s3://b/p/job/output/model.tar.gz"}
    (project / "data/06_models/training_job.json").write_text(json.dumps(job))
    metrics = {"r2": 0.5, "mae": 1.0, "max_error": 2.0}
    (project / "data/08_reporting/metrics.json").write_text(json.dumps(metrics))
    globals_file = project / "conf/sagemaker/globals.yml"
    globals_file.write_text(globals_file.read_text().replace("bucket: REPLACE_ME", "bucket: b"))

    def summary(*args):
        command = [sys.executable, "-m", "kedro_sagemaker_byoc.summary", *args]
        env = {**os.environ, "PYTHONPATH": str(project / "src")}
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)

    local, on_aws = summary(), summary("--env", "sagemaker")

    # The unpacked model is per run, in the project folder, in every environment.
    for summary_output in (local.stdout, on_aws.stdout):
        assert f"Unpacked model: {project.resolve()}/data/06_models/model" in summary_output
    assert "model.tar.gz:   s3://b/p/job/output/model.tar.gz" in on_aws.stdout
    assert "Test R² 0.500, MAE 1.0, max error 2.0" in on_aws.stdout
    assert f"Plot:           {project.resolve()}/data/08_reporting/price_predictions.png" in (
        local.stdout
    )
    assert "model.tar.gz:   s3://b/p/job/output/model.tar.gz" in local.stdout
