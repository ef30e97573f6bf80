import json

from spaceflights_training.job_folder import HOST, write_job_folder


def test_writes_the_config_files_and_folders_sagemaker_creates(tmp_path):
    write_job_folder(tmp_path, {"features": '"a,b"'}, ["train"])

    config = tmp_path / "input" / "config"
    assert json.loads((config / "hyperparameters.json").read_text()) == {"features": '"a,b"'}
    assert json.loads((config / "inputdataconfig.json").read_text())["train"] == {
        "TrainingInputMode": "File",
        "S3DistributionType": "FullyReplicated",
        "RecordWrapperType": "None",
    }
    resources = json.loads((config / "resourceconfig.json").read_text())
    assert (resources["current_host"], resources["hosts"]) == (HOST, [HOST])
    for folder in ("input/data", "model", "output"):
        assert (tmp_path / folder).is_dir()
