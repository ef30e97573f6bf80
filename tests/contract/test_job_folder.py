import json

from training_contract.job_folder import HOST, write_job_folder


def test_writes_the_config_files_and_folders_sagemaker_creates(tmp_path):
    write_job_folder(tmp_path, {"columns": '["a", "b"]'}, ["train"])

    config = tmp_path / "input" / "config"
    assert json.loads((config / "hyperparameters.json").read_text()) == {"columns": '["a", "b"]'}
    assert json.loads((config / "inputdataconfig.json").read_text())["train"] == {
        "TrainingInputMode": "File",
        "S3DistributionType": "FullyReplicated",
        "RecordWrapperType": "None",
    }
    resources = json.loads((config / "resourceconfig.json").read_text())
    assert (resources["current_host"], resources["hosts"]) == (HOST, [HOST])
    for folder in ("input/data", "model", "output"):
        assert (tmp_path / folder).is_dir()


def test_a_host_name_can_be_given_for_a_job_off_sagemaker(tmp_path):
    write_job_folder(tmp_path, {}, ["train"], host="localhost", instance_type="ml.m5.large")

    resources = json.loads((tmp_path / "input" / "config" / "resourceconfig.json").read_text())
    assert (resources["current_host"], resources["hosts"]) == ("localhost", ["localhost"])
    assert resources["instance_groups"][0]["hosts"] == ["localhost"]
    assert resources["current_instance_type"] == "ml.m5.large"
