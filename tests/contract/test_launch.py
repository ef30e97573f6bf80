"""Before the toolkit starts: a job folder, an entry point it can reach, and host names that
resolve; or one sentence saying what to mount or set."""

from __future__ import annotations

import json
import sys

import pytest

from tests.contract import tiny_model
from tests.contract.jobs import HERE, TINY_TRAIN, add_code, lay_out_job, supervise
from tests.support import assert_one_sentence
from training_contract import launch
from training_contract.environment import CALLER_PATHS_ENV, TrainingEnvironment
from training_contract.failure import read_failure
from training_contract.hyperparameters import to_args
from training_contract.launch import HOST_WAIT_SECONDS, SKIP_HOST_WAIT_ENV, LaunchError, prepare

ARGV = ["train"]


def environ(job, **extra: str) -> dict[str, str]:
    return {"SAGEMAKER_BASE_DIR": str(job), **extra}


def prepared(job, **extra: str):
    said: list[str] = []
    return prepare(ARGV, environ(job, **extra), said.append), said


def refused(job, *fragments: str, **extra: str) -> str:
    with pytest.raises(LaunchError) as raised:
        prepared(job, **extra)
    assert_one_sentence(str(raised.value), *fragments)
    return str(raised.value)


def with_hosts(job, current: str, hosts: list[str]) -> None:
    path = job / "input" / "config" / "resourceconfig.json"
    path.write_text(json.dumps({"current_host": current, "hosts": hosts}))


@pytest.fixture
def resolved(monkeypatch) -> list[str]:
    """Host names resolve only if they are localhost; the list records every lookup."""
    lookups: list[str] = []

    def resolves(host: str) -> bool:
        lookups.append(host)
        return host == "localhost"

    monkeypatch.setattr(launch, "_resolves", resolves)
    return lookups


class Clock:
    """time.monotonic and time.sleep for launch, without waiting."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(launch, "time", fake)
    return fake


# ---- the job folder and the toolkit's command --------------------------------------------


def test_a_sagemaker_job_runs_the_toolkit_unchanged(tmp_path, resolved):
    job = lay_out_job(tmp_path, None)

    started, _ = prepared(job)

    assert started.command == ARGV
    assert started.env["SAGEMAKER_BASE_DIR"] == str(job)
    assert CALLER_PATHS_ENV not in started.env


def test_a_channel_alone_gets_a_one_host_job_folder_for_localhost(tmp_path, channel_dir, resolved):
    (tmp_path / "input" / "data").mkdir(parents=True)
    (tmp_path / "input" / "data" / "train").symlink_to(channel_dir)
    add_code(tmp_path)

    started, said = prepared(tmp_path)

    resources = json.loads((tmp_path / "input/config/resourceconfig.json").read_text())
    assert resources["hosts"] == ["localhost"] and resources["current_host"] == "localhost"
    assert started.command == ARGV
    assert any("writing a one-host job configuration" in line for line in said)


def test_no_job_folder_and_no_channel_is_one_sentence_naming_both(tmp_path):
    sentence = refused(
        tmp_path,
        "No SageMaker job folder and no training channel",
        str(tmp_path / "input" / "config"),
        str(tmp_path / "input" / "data" / "train"),
        "or set SM_CHANNEL_TRAIN and SM_MODEL_DIR to mounted folders",
    )
    assert not (tmp_path / "input").exists(), sentence


@pytest.mark.parametrize(
    "text", ["", "{", "[]", '{"hosts": ["algo-1"]}', '{"current_host": "algo-1", "hosts": 3}']
)
def test_a_malformed_resource_config_is_one_sentence(tmp_path, text):
    job = lay_out_job(tmp_path, None)
    (job / "input" / "config" / "resourceconfig.json").write_text(text)

    refused(job, "resourceconfig.json is missing or malformed", '"current_host"')


# ---- caller's paths -----------------------------------------------------------------------


def test_the_callers_paths_are_kept_for_the_entry_point(tmp_path, channel_dir, resolved):
    add_code(tmp_path)
    caller = {
        "SM_CHANNEL_TRAIN": str(channel_dir),
        "SM_MODEL_DIR": str(tmp_path / "mine"),
        "SM_OUTPUT_DATA_DIR": str(tmp_path / "extra"),
    }

    started, _ = prepared(tmp_path, SM_OUTPUT_DIR="/elsewhere", **caller)

    assert json.loads(started.env[CALLER_PATHS_ENV]) == caller
    # What the toolkit sets, the kept paths override, and nothing else.
    toolkit_set = {
        **started.env,
        "SM_CHANNEL_TRAIN": str(tmp_path / "input/data/train"),
        "SM_MODEL_DIR": str(tmp_path / "model"),
        "SM_OUTPUT_DATA_DIR": str(tmp_path / "output/data"),
        "SM_OUTPUT_DIR": str(tmp_path / "output"),
    }
    env = TrainingEnvironment.from_env(toolkit_set)
    assert env.channel_dir("train") == channel_dir
    assert env.model_dir == tmp_path / "mine"
    assert env.output_data_dir == tmp_path / "extra"
    assert env.output_dir == tmp_path / "output"


def test_callers_channel_and_model_folder_are_honoured_through_the_toolkit(tmp_path, channel_dir):
    """``docker run -e SM_CHANNEL_TRAIN=/data -e SM_MODEL_DIR=/model ... IMAGE train``."""
    job = tmp_path / "job"
    add_code(job)  # the image's code; no job folder, no channel under it
    model_dir = tmp_path / "mine"
    model_dir.mkdir()

    code, output = supervise(job, SM_CHANNEL_TRAIN=str(channel_dir), SM_MODEL_DIR=str(model_dir))

    assert code == 0, output
    assert sorted(p.name for p in model_dir.iterdir()) == [tiny_model.MODEL_FILE]
    assert list((job / "model").iterdir()) == []
    assert "Reporting training SUCCESS" in output  # the toolkit ran, and reset SM_* itself


# ---- host names ---------------------------------------------------------------------------


def test_one_host_is_not_waited_for_even_if_its_name_does_not_resolve(tmp_path, resolved):
    job = lay_out_job(tmp_path, None, host="algo-1.invalid")

    started, _ = prepared(job)

    assert resolved == []
    assert started.env[SKIP_HOST_WAIT_ENV] == "true"  # nor does the toolkit wait


def test_one_unresolvable_host_trains_through_the_toolkit_without_a_wait(tmp_path, channel_dir):
    job = lay_out_job(tmp_path / "job", channel_dir, host="algo-1.invalid")

    code, output = supervise(job)

    assert code == 0, output
    assert "Bypass DNS check" in output


def test_many_hosts_that_resolve_start_at_once(tmp_path, resolved, clock):
    job = lay_out_job(tmp_path, None)
    with_hosts(job, "localhost", ["localhost", "localhost"])

    started, said = prepared(job)

    assert resolved == ["localhost", "localhost"]
    assert started.env[SKIP_HOST_WAIT_ENV] == "true"  # resolved: the toolkit need not wait
    assert said == []


def test_peers_that_resolve_late_are_waited_for_with_progress(tmp_path, monkeypatch, clock):
    job = lay_out_job(tmp_path, None)
    with_hosts(job, "algo-1", ["algo-1", "algo-2"])
    start = clock.now
    # algo-2 comes up after 45 s, as a peer's network does while a cluster boots.
    monkeypatch.setattr(launch, "_resolves", lambda host: clock.now - start >= 45)

    started, said = prepared(job)

    assert started.env[SKIP_HOST_WAIT_ENV] == "true"
    assert said == ["Waiting for host names to resolve: algo-1, algo-2"]


def test_peers_that_never_resolve_fail_after_the_wait_with_one_sentence(tmp_path, resolved, clock):
    job = lay_out_job(tmp_path, None)
    with_hosts(job, "localhost", ["localhost", "algo-2.invalid"])
    start = clock.now

    with pytest.raises(LaunchError) as raised:
        prepared(job)

    assert HOST_WAIT_SECONDS < clock.now - start <= HOST_WAIT_SECONDS + 1
    assert_one_sentence(
        str(raised.value),
        f"The job's hosts algo-2.invalid did not resolve within {HOST_WAIT_SECONDS:.0f} s",
        "docker run --hostname",
    )


# ---- a mount over /opt/ml hides the image's code ------------------------------------------


def test_a_hidden_program_runs_the_image_copy_with_the_toolkits_arguments(tmp_path, resolved):
    stored = {"features": '["width", "height"]', "scale": "2", "digits": 3, "flag": True}
    job = lay_out_job(tmp_path, None, stored, code=False)

    started, said = prepared(
        job, TRAINING_PROGRAM_HOME=str(HERE), SAGEMAKER_PROGRAM=TINY_TRAIN.name
    )

    assert started.command == [
        sys.executable,
        str(TINY_TRAIN),
        *to_args({"features": '["width", "height"]', "scale": "2", "digits": "3", "flag": "true"}),
    ]
    assert started.command[2:] == [
        "--digits", "3", "--features", "['width', 'height']", "--flag", "True", "--scale", "2",
    ]  # fmt: skip
    assert any("is hidden (a mount over /opt/ml?)" in line for line in said)


def test_a_hidden_program_trains_from_the_program_home(tmp_path, channel_dir, features):
    job = lay_out_job(tmp_path / "job", channel_dir, {"features": str(features[:1])}, code=False)

    code, output = supervise(
        job, TRAINING_PROGRAM_HOME=str(HERE), SAGEMAKER_PROGRAM=TINY_TRAIN.name
    )

    assert code == 0, output
    document = json.loads((job / "model" / tiny_model.MODEL_FILE).read_text())
    assert document["features"] == features[:1]
    assert f"running the image's own {TINY_TRAIN} directly" in output


def test_a_hidden_program_without_a_copy_is_one_sentence(tmp_path, resolved):
    job = lay_out_job(tmp_path, None, code=False)

    refused(
        job,
        f"No entry point at {job / 'code' / 'train.py'}",
        "mount the job's input/, model/ and output/ under /opt/ml one by one instead",
    )
    refused(job, "No entry point at", TRAINING_PROGRAM_HOME=str(tmp_path / "nowhere"))


def test_a_hidden_program_without_a_copy_fails_the_job_with_the_sentence(tmp_path, channel_dir):
    job = lay_out_job(tmp_path / "job", channel_dir, code=False)

    code, _ = supervise(job)

    assert code == 1
    assert_one_sentence(read_failure(job / "output"), "No entry point at")


@pytest.mark.parametrize("text", ["[1, 2]", "{", '"scale"'])
def test_hyperparameters_that_are_no_json_object_are_one_sentence(tmp_path, resolved, text):
    job = lay_out_job(tmp_path, None, code=False)
    (job / "input" / "config" / "hyperparameters.json").write_text(text)

    refused(
        job,
        "hyperparameters.json is not a JSON object of hyperparameters",
        TRAINING_PROGRAM_HOME=str(HERE),
        SAGEMAKER_PROGRAM=TINY_TRAIN.name,
    )
