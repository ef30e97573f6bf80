"""The training image: it builds, trains as SageMaker runs it, and holds only what it should.

The image is built once per session (``checkout_image_tag("test")``) for the default model,
models/linear_regression; every test here needs a Docker engine. Jobs run as SageMaker runs
them: ``docker run IMAGE train`` with ``input/``, ``model/`` and ``output/`` mounted under
/opt/ml, hostname algo-1, no network; and as people run an image by hand (a mount over all
of /opt/ml, or the SM_* variables pointing at mounted folders). Every container a test
starts has a name, and is removed when the test ends, however it ends.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from tests.processes import CONTAINER_LABEL, run
from tests.support import (
    REPO_ROOT,
    TRAINING_STARTED,
    assert_one_sentence,
    build_image,
    checkout_image_tag,
    make_training_frames,
    write_big_channel,
)
from training_contract.environment import PROGRAM
from training_contract.hyperparameters import to_sagemaker
from training_contract.job_folder import HOST, write_job_folder

pytestmark = pytest.mark.docker

IMAGE = checkout_image_tag("test")  # what the session's `image` fixture builds
BASE_IMAGE = "python:3.11-slim-bookworm"
MODEL = "models/linear_regression"  # the model the image fixture builds (the default)
# A guard against a hang (a toolkit waiting 15 minutes for a host name), not a measure.
RUN_TIMEOUT = 300


def docker(*args: str, timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess:
    # A client that times out is killed; the label lets conftest.py remove its container.
    if args and args[0] == "run":
        args = ("run", "--label", CONTAINER_LABEL, *args[1:])
    return run(["docker", *args], timeout=timeout)


def docker_run(*args: str, timeout: float = RUN_TIMEOUT) -> subprocess.CompletedProcess:
    """``docker run --rm ARGS`` under a name of its own, removed however the run ends
    (a timeout kills only the docker client, not the container)."""
    name = f"training-test-{uuid.uuid4().hex[:12]}"
    try:
        return docker("run", "--rm", "--name", name, *args, timeout=timeout)
    finally:
        docker("rm", "-f", name)


def lay_out_job(job: Path, channel: Path | None, hyperparameters: dict[str, str]) -> Path:
    """A job folder as SageMaker writes it; ``hyperparameters`` are JSON-encoded strings."""
    write_job_folder(job, hyperparameters, ["train"])
    if channel is not None:
        shutil.copytree(channel, job / "input" / "data" / "train")
    return job


def run_train(image: str, job: Path) -> subprocess.CompletedProcess:
    """``docker run IMAGE train`` on the job folder, as SageMaker starts a training job."""
    mounts = [f"--volume={job / name}:/opt/ml/{name}" for name in ("input", "model", "output")]
    # With --network none Docker does not put the hostname in /etc/hosts; map it, or
    # the toolkit waits 15 minutes for algo-1 to resolve.
    sagemaker_like = f"--network none --hostname {HOST} --add-host {HOST}:127.0.0.1"
    return docker_run(*sagemaker_like.split(), *mounts, image, "train")


@pytest.fixture
def sagemaker_hyperparameters(features: list[str], model_options: dict) -> dict[str, str]:
    """The Estimator's hyperparameters as the pipeline builds them from conf/base:
    JSON-encoded strings such as '["engines", "crew", ...]' and 'true', as SageMaker
    stores them."""
    encoded = to_sagemaker({**model_options["hyperparameters"], "features": features})
    assert encoded["fit_intercept"] == "true" and encoded["features"].startswith('["engines",')
    return encoded


def test_image_builds_with_the_entry_point_and_labels(image):
    config = json.loads(docker("image", "inspect", image).stdout)[0]["Config"]
    env = dict(item.split("=", 1) for item in config["Env"])
    assert env["SAGEMAKER_PROGRAM"] == PROGRAM
    assert env["TRAINING_PROGRAM_HOME"] == "/opt/training/model"
    assert env["PYTHONUNBUFFERED"] == env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert env["PATH"].startswith("/opt/venv/bin:")
    # PID 1 (tini) passes signals on to the contract's supervisor.
    assert config["Entrypoint"] == [
        "/usr/bin/tini",
        "--",
        "/opt/venv/bin/python",
        "-m",
        "training_contract.supervisor",
    ]
    assert config["Cmd"] == ["train"]
    labels = config["Labels"]
    assert labels["org.opencontainers.image.title"] == MODEL
    assert labels["org.opencontainers.image.revision"] == "test-revision"
    assert labels["org.opencontainers.image.created"] == "2026-01-01T00:00:00Z"
    assert "org.opencontainers.image.source" in labels


def test_image_holds_the_contract_the_model_and_its_entry_point_twice(image):
    listing = run_python(
        image,
        "import json, os; print(json.dumps({p: sorted(os.listdir(p)) for p in "
        "('/opt/ml/code', '/opt/training', '/opt/training/model')}))",
    )
    assert json.loads(listing) == {
        "/opt/ml/code": ["train.py"],  # no requirements.txt: the toolkit runs no pip
        "/opt/training": ["image-check.json", "model", "training_contract"],
        # The model's folder as .dockerignore sends it: no caches, no egg-info.
        "/opt/training/model": [
            "linear_regression",
            "pyproject.toml",
            "requirements.txt",
            "train.py",
        ],
    }
    # The program home's copy (for a mount over /opt/ml) is the entry point itself.
    same = docker_run(
        "--network", "none", "--entrypoint", "cmp", image,
        "/opt/ml/code/train.py", "/opt/training/model/train.py",
    )  # fmt: skip
    assert same.returncode == 0, same.stdout + same.stderr
    entry_point = docker_run("--network", "none", image, "cat", "/opt/ml/code/train.py").stdout
    assert entry_point == (REPO_ROOT / MODEL / "train.py").read_text()


def test_image_keeps_the_builds_import_check(image):
    record = json.loads(run_python(image, "print(open('/opt/training/image-check.json').read())"))

    assert record == {
        "program": "/opt/ml/code/train.py",
        "model": "linear-regression",
        "hyperparameters": {
            "features": {"kind": "list", "default": []},
            "fit_intercept": {"kind": "bool", "default": True},
            "positive": {"kind": "bool", "default": False},
        },
        "python": record["python"],
        "imports": "ok",
    }
    assert record["python"].startswith("3.11.")


def test_train_on_a_sagemaker_job_writes_the_model(
    image, tmp_path, channel_dir, features, sagemaker_hyperparameters
):
    job = lay_out_job(tmp_path / "job", channel_dir, sagemaker_hyperparameters)

    result = run_train(image, job)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    document = json.loads((job / "model" / "model.json").read_text())
    assert document["features"] == features
    assert document["coefficients"] == pytest.approx(
        [10.0 * (i + 1) for i in range(len(features))], abs=0.1
    )
    assert (job / "output" / "success").exists()
    assert not (job / "output" / "failure").exists()
    assert "metric train_r2=" in result.stdout


@pytest.mark.parametrize("client", ["v3", "v2"])
def test_hyperparameters_arrive_as_sagemaker_passes_them(
    image, tmp_path, channel_dir, features, client
):
    values = {"features": features[:3], "fit_intercept": False}
    # SDK v3 (and the pipeline) store JSON; SDK v2 stores str(value): "['engines', ...]".
    stored = to_sagemaker(values) if client == "v3" else {k: str(v) for k, v in values.items()}
    job = lay_out_job(tmp_path / "job", channel_dir, stored)

    result = run_train(image, job)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    document = json.loads((job / "model" / "model.json").read_text())
    assert document["features"] == features[:3]
    assert document["intercept"] == 0.0
    assert document["hyperparameters"] == {"fit_intercept": False, "positive": False}


def corrupt(channel: Path) -> Path:
    (channel / "X_train.parquet").write_bytes(b"PAR1 this is not parquet")
    return channel


BAD_INPUTS = {
    "missing channel": (lambda channel: None, ["Training channel 'train' is missing"]),
    "corrupt parquet": (corrupt, ["X_train.parquet", "not a readable parquet file"]),
}


@pytest.mark.parametrize("case", BAD_INPUTS, ids=list(BAD_INPUTS))
def test_bad_input_fails_with_one_sentence_and_no_model(
    image, tmp_path, channel_dir, sagemaker_hyperparameters, case
):
    spoil, fragments = BAD_INPUTS[case]
    job = lay_out_job(tmp_path / "job", spoil(channel_dir), sagemaker_hyperparameters)

    result = run_train(image, job)

    assert result.returncode != 0
    assert_one_sentence((job / "output" / "failure").read_text(), *fragments)
    assert list((job / "model").iterdir()) == []


TRAIN_LOCAL = REPO_ROOT / "scripts" / "train_local.sh"


def train_local(*args: str) -> subprocess.CompletedProcess:
    return run([str(TRAIN_LOCAL), "--image", IMAGE, *args], timeout=RUN_TIMEOUT)


def test_train_local_refuses_an_out_folder_inside_the_channel(channel_dir):
    # The job folder would be copied into itself: a RecursionError before this check.
    result = train_local("--channel", str(channel_dir), "--out", str(channel_dir / "job"))

    assert result.returncode == 2
    assert f"--out {channel_dir / 'job'} is inside the channel" in result.stderr
    assert sorted(p.name for p in channel_dir.iterdir()) == ["X_train.parquet", "y_train.parquet"]


@pytest.mark.parametrize("mode", ["sagemaker", "direct"])
def test_train_local_script_trains_in_both_modes(image, tmp_path, mode, features):
    channel = tmp_path / "channel"
    channel.mkdir()
    X, y = make_training_frames(features)
    X.to_parquet(channel / "X_train.parquet")
    y.to_parquet(channel / "y_train.parquet")
    out = tmp_path / "out"

    result = train_local("--mode", mode, "--channel", str(channel), "--out", str(out))

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    model_file = out / "model" / "model.json"
    assert f"Model: {out / 'model'} (model.json)" in result.stdout
    assert json.loads(model_file.read_text())["features"] == features


@pytest.mark.parametrize("mode", ["sagemaker", "direct"])
def test_train_local_script_prints_the_failure_and_exits_non_zero(
    image, tmp_path, channel_dir, mode
):
    out = tmp_path / "out"

    result = train_local("--mode", mode, "--channel", str(corrupt(channel_dir)), "--out", str(out))

    assert result.returncode != 0
    assert "X_train.parquet in channel 'train' is not a readable parquet file" in result.stderr
    assert not (out / "model" / "model.json").exists()


def test_train_local_script_says_how_to_get_a_channel(tmp_path):
    result = train_local("--channel", str(tmp_path / "nowhere"))

    assert result.returncode != 0
    assert "run make run first or pass --channel DIR" in result.stderr


@pytest.mark.parametrize("mode", ["sagemaker", "direct"])
def test_docker_run_with_only_a_channel_and_a_model_folder_trains_the_default_model(
    image, tmp_path, channel_dir, mode, features
):
    """How people try an image by hand: no job configuration, no hyperparameters."""
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    mounts = [
        f"--volume={channel_dir}:/opt/ml/input/data/train",
        f"--volume={model_dir}:/opt/ml/model",
    ]
    command = ["train"] if mode == "sagemaker" else ["python", "/opt/ml/code/train.py"]

    result = docker_run("--network", "none", *mounts, image, *command)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert json.loads((model_dir / "model.json").read_text())["features"] == features


def test_the_aws_samples_mount_over_opt_ml_trains_with_the_images_own_entry_point(
    image, tmp_path, channel_dir, features, sagemaker_hyperparameters
):
    """AWS's sample test: ``docker run -v DIR:/opt/ml --rm IMAGE train``. The mount hides
    /opt/ml/code, no host name is given and the network is Docker's default."""
    job = lay_out_job(tmp_path / "job", channel_dir, sagemaker_hyperparameters)

    result = docker_run("-v", f"{job}:/opt/ml", image, "train")

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert json.loads((job / "model" / "model.json").read_text())["features"] == features
    assert "running the image's own /opt/training/model/train.py directly" in result.stderr
    assert not (job / "output" / "failure").exists()


def test_the_aws_samples_mount_of_an_empty_folder_ends_non_zero_with_one_sentence(image, tmp_path):
    folder = tmp_path / "ml"
    folder.mkdir()

    result = docker_run("-v", f"{folder}:/opt/ml", image, "train")

    assert result.returncode != 0
    fragment = "No SageMaker job folder and no training channel"
    assert_one_sentence((folder / "output" / "failure").read_text(), fragment, "SM_CHANNEL_TRAIN")
    assert fragment in result.stderr


def test_the_callers_sm_paths_take_the_channel_and_write_the_model(
    image, tmp_path, channel_dir, features
):
    """The design card's command: ``docker run -e SM_CHANNEL_TRAIN=/data -e
    SM_MODEL_DIR=/model -v ...:/data -v ...:/model IMAGE train``."""
    model_dir = tmp_path / "model"
    model_dir.mkdir()

    result = docker_run(
        "--network", "none",
        "-e", "SM_CHANNEL_TRAIN=/data", "-e", "SM_MODEL_DIR=/model",
        "-v", f"{channel_dir}:/data", "-v", f"{model_dir}:/model",
        image, "train",
    )  # fmt: skip

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert sorted(p.name for p in model_dir.iterdir()) == ["model.json"]
    assert json.loads((model_dir / "model.json").read_text())["features"] == features
    assert "Reporting training SUCCESS" in result.stdout + result.stderr  # through the toolkit


def run_python(image: str, code: str) -> str:
    result = docker_run("--network", "none", image, "python", "-c", code)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_runtime_image_holds_no_compiler_sdk_kedro_or_pip_cache(image):
    code = (
        "import importlib.util as u, json, os, shutil; print(json.dumps({"
        "'compilers': [c for c in ('gcc', 'cc', 'c++', 'x86_64-linux-gnu-gcc') if shutil.which(c)],"
        "'kedro': bool(u.find_spec('kedro')), 'sagemaker': bool(u.find_spec('sagemaker')),"
        "'toolkit': bool(u.find_spec('sagemaker_training')),"
        "'contract': bool(u.find_spec('training_contract')),"
        "'model': bool(u.find_spec('linear_regression')),"
        "'unused': [m for m in ('pandas', 'sklearn', 'spaceflights', 'spaceflights_training')"
        " if u.find_spec(m)],"
        "'caches': [p for p in (os.path.expanduser('~/.cache/pip'), '/root/.cache', '/build',"
        " '/opt/package') if os.path.exists(p)]}))"
    )
    found = json.loads(run_python(image, code))
    assert found == {
        "compilers": [],
        "kedro": False,
        "sagemaker": False,
        "toolkit": True,
        "contract": True,
        "model": True,
        "unused": [],
        "caches": [],
    }


# Certificates, keys, credentials and build artefacts: none may be added by the build,
# except files that an installed package ships (listed in its RECORD, e.g. botocore's
# public CA bundle).
FIND_SENSITIVE = (
    r"find / -xdev \( -path /proc -o -path /sys -o -path /dev \) -prune -o \( "
    r"-name '*.pem' -o -name '*.crt' -o -name '*.key' -o -name '*.p12' -o -path '*/.aws/*' "
    r"-o -name credentials -o -name '*.whl' -o -name '*.tar.gz' \) -print"
)
PACKAGED_FILES = (
    "import pathlib, sys\n"
    "for record in pathlib.Path(sys.prefix).glob('lib/python*/site-packages/*.dist-info/RECORD'):\n"
    "    site = record.parent.parent\n"
    "    for line in record.read_text().splitlines():\n"
    "        print((site / line.rsplit(',', 2)[0]).resolve())\n"
)


def files_added_by_build(image: str) -> set[str]:
    def sensitive(name: str) -> set[str]:
        result = docker_run("--entrypoint", "sh", name, "-c", FIND_SENSITIVE)
        return set(result.stdout.split())

    packaged = set(run_python(image, PACKAGED_FILES).split())
    return sensitive(image) - sensitive(BASE_IMAGE) - packaged


def test_runtime_image_adds_no_certificate_credential_or_build_artefact(image):
    assert files_added_by_build(image) == set()


def self_signed_pem(tmp_path: Path) -> str:
    key, cert = tmp_path / "ca.key", tmp_path / "ca.pem"
    command = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=test-proxy-ca"
    subprocess.run(
        [*command.split(), "-keyout", key, "-out", cert], check=True, capture_output=True
    )
    return cert.read_text()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl to make a test CA")
def test_extra_ca_reaches_pip_in_the_builder_but_never_the_runtime_image(image, tmp_path):
    pem = self_signed_pem(tmp_path)
    marker = pem.splitlines()[1]  # a line of the certificate's base64 body
    tags = [checkout_image_tag("extra-ca"), checkout_image_tag("extra-ca-builder")]
    try:
        build_image(REPO_ROOT, tags[0], "--build-arg", f"EXTRA_CA_CERT={pem}")
        build_image(
            REPO_ROOT, tags[1], "--build-arg", f"EXTRA_CA_CERT={pem}", "--target", "builder"
        )
        bundle = docker_run(tags[1], "cat", "/build/pip-ca.pem").stdout
        assert marker in bundle and "BEGIN CERTIFICATE" in bundle.split(marker)[0]

        assert files_added_by_build(tags[0]) == set()
        history = docker("history", "--no-trunc", tags[0]).stdout
        inspect = docker("image", "inspect", tags[0]).stdout
        assert marker not in history and marker not in inspect
        places = ["/etc", "/opt", "/root", "/usr/local", "/tmp"]
        grep = docker_run("--entrypoint", "grep", tags[0], "-rlF", marker, *places)
        assert grep.stdout == ""
    finally:
        docker("rmi", *tags)


CODE_CHANGES = {
    "model": (f"{MODEL}/linear_regression/model.py", "COPY ${MODEL} /opt/training/model"),
    "contract": (
        "contract/training_contract/trainer.py",
        "COPY contract/training_contract /opt/training/training_contract",
    ),
}


@pytest.mark.parametrize("changed", CODE_CHANGES, ids=list(CODE_CHANGES))
def test_code_change_rebuilds_without_reinstalling_dependencies(image, tmp_path, changed):
    context = tmp_path / "context"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for folder in ("contract", "models"):
        shutil.copytree(REPO_ROOT / folder, context / folder, ignore=ignore)
    for name in ("Dockerfile", ".dockerignore"):
        shutil.copy2(REPO_ROOT / name, context / name)
    source, copy_step = CODE_CHANGES[changed]
    with (context / source).open("a") as module:
        module.write("\n# a code-only change\n")
    tag = checkout_image_tag(f"code-change-{changed}")
    try:
        output = build_image(context, tag).stdout
    finally:
        docker("rmi", tag)

    steps = re.split(r"^Step \d+/\d+ : ", output, flags=re.M)
    cached = {step.splitlines()[0]: "Using cache" in step for step in steps[1:]}
    requirements_step = next(s for s in cached if "-r /build/requirements.txt" in s)
    assert cached[requirements_step], output
    assert cached["COPY --from=builder /opt/venv /opt/venv"], output
    assert not cached[copy_step], output
    # The build's import check runs again, on the changed code.
    assert not cached[
        "RUN python -m training_contract.check_image > /opt/training/image-check.json"
    ]
    assert not any("pip" in step for step, hit in cached.items() if not hit), output


def tool(name: str) -> str:
    """A linter installed beside this Python (the dev venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"{name} is not installed; run make setup"
    return found


def test_dockerfile_is_hadolint_clean():
    result = subprocess.run(
        [tool("hadolint"), "Dockerfile"], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_shell_scripts_are_shellcheck_clean():
    scripts = sorted(
        str(path.relative_to(REPO_ROOT))
        for pattern in ("scripts/*.sh", "benchmarks/*.sh", ".ci/*")
        for path in REPO_ROOT.glob(pattern)
    )
    assert "scripts/train_local.sh" in scripts
    result = subprocess.run(
        [tool("shellcheck"), *scripts], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ---- every way a job can end: stops, interrupts, no job folder, memory ---------------------


@pytest.fixture(scope="session")
def big_channel(tmp_path_factory, model_options) -> Path:
    channel = tmp_path_factory.mktemp("big") / "channel"
    return write_big_channel(channel, list(model_options["features"]))


def start_train(image: str, job: Path, container: str, *extra: str) -> None:
    """``docker run -d`` as in ``run_train`` (with the image's default command, ``train``),
    under a name the test can signal."""
    mounts = [f"--volume={job / name}:/opt/ml/{name}" for name in ("input", "model", "output")]
    sagemaker_like = f"--network none --hostname {HOST} --add-host {HOST}:127.0.0.1"
    started = docker(
        "run", "-d", "--name", container, *sagemaker_like.split(), *extra, *mounts, image
    )
    assert started.returncode == 0, started.stderr


def wait_for_log(container: str, marker: str, timeout: float = RUN_TIMEOUT) -> None:
    follow = subprocess.Popen(
        ["docker", "logs", "-f", container], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    guard = threading.Timer(timeout, follow.kill)  # a container that hangs ends the follow
    guard.start()
    try:
        for line in follow.stdout:
            if marker.encode() in line:
                return
        raise AssertionError(f"{container} ended (or hung) without logging {marker!r}")
    finally:
        guard.cancel()
        follow.kill()
        follow.wait()


def finish(container: str) -> tuple[int, str]:
    """Wait for the container to end; return its exit code and log, and remove it."""
    code = int(docker("wait", container).stdout.strip())
    logs = docker("logs", container)
    docker("rm", "-f", container)
    return code, logs.stdout + logs.stderr


@pytest.fixture
def container_name(request) -> str:
    name = f"spaceflights-test-{request.node.name}-{uuid.uuid4().hex[:6]}"
    name = re.sub(r"[^a-zA-Z0-9_.-]", "-", name)
    yield name
    docker("rm", "-f", name)


@pytest.mark.parametrize(
    ("stop", "code", "fragments"),
    [
        (("stop", "-t", "30"), 143, ["Training was stopped (SIGTERM", "StopTrainingJob"]),
        (("kill", "-s", "INT"), 130, ["Training was interrupted (SIGINT"]),
    ],
    ids=["docker-stop", "sigint"],
)
def test_a_stop_during_training_ends_non_zero_with_its_sentence_and_no_model(
    image, tmp_path, big_channel, sagemaker_hyperparameters, container_name, stop, code, fragments
):
    job = lay_out_job(tmp_path / "job", big_channel, sagemaker_hyperparameters)
    start_train(image, job, container_name)
    wait_for_log(container_name, TRAINING_STARTED)

    docker(*stop, container_name)
    exit_code, logs = finish(container_name)

    assert exit_code == code, logs[-3000:]
    assert_one_sentence((job / "output" / "failure").read_text(), *fragments)
    assert list((job / "model").iterdir()) == []
    assert not (job / "output" / "success").exists()
    assert "Reporting training SUCCESS" not in logs


def test_a_start_without_a_job_folder_is_non_zero_with_one_sentence(image, tmp_path):
    output = tmp_path / "output"
    output.mkdir()

    result = docker_run("--network", "none", f"--volume={output}:/opt/ml/output", image)

    assert result.returncode != 0
    fragments = ["No SageMaker job folder and no training channel", "SM_MODEL_DIR"]
    assert_one_sentence((output / "failure").read_text(), *fragments)
    assert fragments[0] in result.stderr


# Well under what training the big channel needs in the container (about 280 MiB: it is
# one row group), so the kernel's OOM killer always steps in; a cap near the peak made the
# test a coin toss. The job reaches training from about 80 MiB; under that the kill comes
# while it starts, which the supervisor names the same way.
MEMORY_CAP = "100m"


def test_a_memory_kill_is_named_in_the_failure_file(
    image, tmp_path, big_channel, sagemaker_hyperparameters, container_name
):
    job = lay_out_job(tmp_path / "job", big_channel, sagemaker_hyperparameters)
    start_train(image, job, container_name, "--memory", MEMORY_CAP, "--memory-swap", MEMORY_CAP)

    exit_code, logs = finish(container_name)

    assert exit_code != 0, logs[-3000:]
    assert_one_sentence(
        (job / "output" / "failure").read_text(),
        "Training was killed for running out of memory",
        "use an instance type with more memory, or train on less data",
    )
    # No model: a kill leaves at most the contract's staging folder, which is none (see
    # tests/contract/test_supervisor.py for the folder itself).
    assert [p.name for p in (job / "model").iterdir()] == []


def test_train_local_script_passes_ctrl_c_through_as_exit_130(image, tmp_path, big_channel, spawn):
    out = tmp_path / "out"
    # A session of its own, so the Ctrl-C below reaches the script and docker as a
    # terminal's would, and nothing else.
    script = spawn(
        [str(TRAIN_LOCAL), "--image", IMAGE, "--channel", str(big_channel), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    guard = threading.Timer(RUN_TIMEOUT, os.killpg, (script.pid, signal.SIGKILL))
    guard.start()
    try:
        seen = []
        for line in script.stdout:
            seen.append(line)
            if TRAINING_STARTED in line:
                break
        os.killpg(script.pid, signal.SIGINT)
        output = "".join(seen) + script.communicate(timeout=RUN_TIMEOUT)[0]
    finally:
        guard.cancel()
        if script.poll() is None:
            # The container then ends by itself once it has trained, and --rm removes it.
            os.killpg(script.pid, signal.SIGKILL)
            script.wait()

    assert script.returncode == 130, output[-3000:]
    assert "Training failed (exit 130): Training was interrupted (SIGINT" in output
    assert "Model:" not in output
    assert not (out / "model" / "model.json").exists()


def test_train_local_script_names_a_memory_kill(image, tmp_path, big_channel):
    out = tmp_path / "out"

    result = train_local("--channel", str(big_channel), "--out", str(out), "--memory", MEMORY_CAP)

    assert result.returncode != 0
    assert "Training was killed for running out of memory" in result.stderr
    assert "Model:" not in result.stdout
