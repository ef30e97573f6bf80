"""Where the entry point reads channels and writes the model: SageMaker's paths, the
caller's own SM_* paths, and what counts as a written model."""

from __future__ import annotations

import json
from pathlib import Path

from training_contract.environment import (
    CALLER_PATHS_ENV,
    ML_ROOT,
    TrainingEnvironment,
    caller_paths,
)


def test_the_job_folder_layout_under_the_base_dir(tmp_path):
    env = TrainingEnvironment.from_env({"SAGEMAKER_BASE_DIR": str(tmp_path)})

    assert env.root == tmp_path
    assert env.model_dir == tmp_path / "model"
    assert env.output_dir == tmp_path / "output"
    assert env.output_data_dir == tmp_path / "output" / "data"
    assert env.channel_dir("train") == env.channel_dir() == tmp_path / "input" / "data" / "train"
    assert env.channel_dir("validation") == tmp_path / "input" / "data" / "validation"


def test_a_real_container_uses_opt_ml():
    env = TrainingEnvironment.from_env({})

    assert (env.root, env.model_dir) == (ML_ROOT, Path("/opt/ml/model"))


def test_sm_variables_name_the_paths_and_every_channel():
    env = TrainingEnvironment.from_env(
        {
            "SM_CHANNEL_TRAIN": "/data/train",
            "SM_CHANNEL_VALIDATION": "/data/validation",
            "SM_MODEL_DIR": "/model",
            "SM_OUTPUT_DIR": "/out",
            "SM_OUTPUT_DATA_DIR": "/out/extra",
        }
    )

    assert env.channel_dir("train") == Path("/data/train")
    assert env.channel_dir("validation") == Path("/data/validation")
    assert (env.model_dir, env.output_dir, env.output_data_dir) == (
        Path("/model"),
        Path("/out"),
        Path("/out/extra"),
    )


def test_the_callers_paths_win_over_those_the_toolkit_set():
    toolkit = {"SM_CHANNEL_TRAIN": "/opt/ml/input/data/train", "SM_MODEL_DIR": "/opt/ml/model"}
    caller = {"SM_CHANNEL_TRAIN": "/data", "SM_MODEL_DIR": "/model"}

    env = TrainingEnvironment.from_env({**toolkit, CALLER_PATHS_ENV: json.dumps(caller)})

    assert env.channel_dir() == Path("/data")
    assert env.model_dir == Path("/model")


def test_only_channels_model_and_output_data_are_the_callers_paths():
    environ = {
        "SM_CHANNEL_TRAIN": "/data",
        "SM_MODEL_DIR": "/model",
        "SM_OUTPUT_DATA_DIR": "/extra",
        "SM_OUTPUT_DIR": "/out",  # the failure file goes where SageMaker reads it
        "SM_HPS": "{}",
        "HOME": "/root",
    }

    assert caller_paths(environ) == {
        "SM_CHANNEL_TRAIN": "/data",
        "SM_MODEL_DIR": "/model",
        "SM_OUTPUT_DATA_DIR": "/extra",
    }


def test_a_model_is_written_when_model_dir_holds_more_than_the_staging_folder(tmp_path):
    env = TrainingEnvironment.from_env({"SM_MODEL_DIR": str(tmp_path / "model")})
    assert not env.model_written()  # no folder

    env.model_dir.mkdir()
    assert not env.model_written()  # empty

    (env.model_dir / ".partial-model").mkdir()
    (env.model_dir / ".partial-model" / "model.json").write_text("{}")
    assert not env.model_written()  # only the contract's staging folder

    (env.model_dir / "weights.bin").write_bytes(b"\0")
    assert env.model_written()
