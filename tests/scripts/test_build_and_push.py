"""``scripts/build_and_push.sh`` against moto's ECR and a local registry standing in for it.

moto's ECR creates repositories and answers the API, but stores no layers, so the image
is pushed to the session's loopback registry (the ``registry`` fixture) by setting
REGISTRY_OVERRIDE: the script then swaps the host of the ECR repository URI for it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import boto3
import pytest
import yaml

from tests.local_aws import BUCKET, ROLE_ARN, fill_sagemaker_globals
from tests.preflight_support import create_execution_role
from tests.processes import run
from tests.support import REPO_ROOT, git

SCRIPT = Path("scripts/build_and_push.sh")
VENV_BIN = Path(sys.executable).parent
DIRTY_TAG = re.compile(r"^(?P<rev>[0-9a-f]{12})-dirty-\d{8}T\d{6}Z$")
# How the example makes its raw data; the script knows no project's data.
MAKE_RAW_DATA = "python -m spaceflights.raw_data data/01_raw"


def run_script(
    repo: Path, *args: str, env: dict[str, str], check: bool = False
) -> subprocess.CompletedProcess:
    # The whole route, a job included, takes minutes; a hang is killed with all it started.
    bash = shutil.which("bash") or "/bin/bash"
    result = run([bash, str(repo / SCRIPT), *args], timeout=1800, cwd=repo, env=env)
    if check:
        assert result.returncode == 0, result.stdout + result.stderr
    return result


def sandbox_path(tmp_path: Path, *tools: str) -> str:
    """A PATH holding only ``tools`` (plus this venv's python for the aws CLI's shebang)."""
    bin_dir = tmp_path / "sandbox-bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in tools:
        found = VENV_BIN / tool if (VENV_BIN / tool).exists() else shutil.which(tool)
        assert found, f"{tool} is needed for this test"
        (bin_dir / tool).symlink_to(found)
    return str(bin_dir)


def script_env(aws_env: dict[str, str], **extra: str) -> dict[str, str]:
    """aws_env with this venv's aws and kedro first on PATH."""
    return {
        **aws_env,
        "PATH": f"{VENV_BIN}{os.pathsep}{aws_env['PATH']}",
        "KEDRO": str(VENV_BIN / "kedro"),
        "AWS_EC2_METADATA_DISABLED": "true",
        **extra,
    }


def fill_globals(
    project: Path, bucket: str = BUCKET, role_arn: str = ROLE_ARN, create_role: bool = True
) -> None:
    """Fill conf/sagemaker/globals.yml as a user would; the script writes globals_image.yml.
    ``create_role=False`` when the account was provisioned with its role already."""
    fill_sagemaker_globals(project / "conf", bucket, role_arn)
    if create_role:  # the pre-flight checks that the role exists and trusts SageMaker
        create_execution_role()


def recorded_image(repo: Path, project: str = "kedro_project") -> str:
    record = repo / project / "conf/sagemaker/globals_image.yml"
    return yaml.safe_load(record.read_text())["training_image_uri"]


def remove_local_images(registry: str, repository: str) -> None:
    """The images a push to ``registry``/``repository`` left on this Docker engine."""
    images = subprocess.run(
        ["docker", "images", "--format", "{{.Repository}}:{{.Tag}}", f"{registry}/{repository}"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split()
    if images:
        subprocess.run(["docker", "rmi", *images], capture_output=True, check=False)


def registry_get(registry: str, path: str, accept: str | None = None) -> tuple[dict, dict]:
    request = urllib.request.Request(f"http://{registry}{path}")
    if accept:
        request.add_header("Accept", accept)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        return json.loads(response.read() or b"{}"), dict(response.headers)


@pytest.fixture
def repository_name(registry: str):
    """A fresh ECR repository name; its local images are removed afterwards."""
    name = f"spaceflights-test-{uuid.uuid4().hex[:10]}"
    yield name
    remove_local_images(registry, name)


def test_help_needs_neither_docker_nor_aws(tmp_path):
    env = {"PATH": sandbox_path(tmp_path, "dirname", "cat")}

    result = run_script(REPO_ROOT, "--help", env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: scripts/build_and_push.sh")
    for option in ("--project DIR", "--model DIR", "--repository NAME", "--before-run CMD"):
        assert option in result.stdout
    assert "--no-run" in result.stdout
    assert "REGISTRY_OVERRIDE" in result.stdout
    # The script serves any project: the example's name is not in it.
    assert "spaceflights" not in (REPO_ROOT / SCRIPT).read_text()


def test_a_missing_aws_cli_stops_at_once(tmp_path):
    env = {"PATH": sandbox_path(tmp_path, "dirname")}

    result = run_script(REPO_ROOT, "--no-run", env=env)

    assert result.returncode != 0
    assert result.stderr.splitlines() == [
        "build_and_push: the aws CLI is not installed (pip install awscli, or AWS CLI v2)"
    ]
    assert result.stdout == ""


@pytest.mark.aws
def test_missing_credentials_stop_at_once(aws_env, tmp_path):
    (tmp_path / "empty-credentials").write_text("")
    env = script_env(aws_env, AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "empty-credentials"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        env.pop(name, None)

    result = run_script(REPO_ROOT, "--no-run", env=env)

    assert result.returncode != 0
    [line] = result.stderr.splitlines()
    assert line.startswith("build_and_push: no usable AWS credentials")
    assert "Unable to locate credentials" in line
    assert result.stdout == ""


@pytest.mark.aws
def test_missing_docker_stops_before_anything_is_created(aws_env, tmp_path):
    tools = ("dirname", "aws", "python", "mktemp", "rm", "grep", "tail", "git")
    env = {**script_env(aws_env), "PATH": sandbox_path(tmp_path, *tools)}

    result = run_script(REPO_ROOT, "--no-run", "--repository", "never-created", env=env)

    assert result.returncode != 0
    assert result.stderr.splitlines() == ["build_and_push: docker is not installed"]
    names = [
        r["repositoryName"] for r in boto3.client("ecr").describe_repositories()["repositories"]
    ]
    assert "never-created" not in names


@pytest.mark.docker
@pytest.mark.aws
def test_build_push_record_and_rerun_the_pipeline_as_the_least_privileged_submitter(
    repo, registry, repository_name, iam_account, create_training_job_requests
):
    """The whole route, in the local SageMaker, with IAM checks on: the submitter holds
    only submitter-policy.json and the job runs as the execution role with its policy."""
    account = iam_account(REPOSITORY=repository_name)
    fill_globals(repo / "kedro_project", account["BUCKET"], account["ROLE_ARN"], create_role=False)
    raw_dir = repo / "kedro_project/data/01_raw"
    shutil.rmtree(raw_dir)  # a fresh clone has no data: --before-run makes it, as make run does
    submitter = {
        "AWS_ACCESS_KEY_ID": account["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": account["AWS_SECRET_ACCESS_KEY"],
    }
    env = script_env(os.environ, REGISTRY_OVERRIDE=registry, **submitter)

    result = run_script(
        repo,
        "--repository",
        repository_name,
        "--before-run",
        MAKE_RAW_DATA,
        "--",
        "--params",
        "training.reuse=false",
        env=env,
        check=True,
    )

    ecr = boto3.client("ecr", **lower_keys(submitter))
    [description] = ecr.describe_repositories(repositoryNames=[repository_name])["repositories"]
    assert description["imageScanningConfiguration"]["scanOnPush"] is True
    assert description["imageTagMutability"] == "IMMUTABLE"

    tag = git(repo, "rev-parse", "--short=12", "HEAD")
    tags, _ = registry_get(registry, f"/v2/{repository_name}/tags/list")
    assert tags["tags"] == [tag]
    _, headers = registry_get(
        registry,
        f"/v2/{repository_name}/manifests/{tag}",
        accept="application/vnd.docker.distribution.manifest.v2+json",
    )
    pushed = f"{registry}/{repository_name}@{headers['Docker-Content-Digest']}"
    assert recorded_image(repo) == pushed

    [request] = create_training_job_requests
    assert request["AlgorithmSpecification"]["TrainingImage"] == pushed
    job = boto3.client("sagemaker", **lower_keys(submitter)).describe_training_job(
        TrainingJobName=request["TrainingJobName"]
    )
    assert job["TrainingJobStatus"] == "Completed"
    assert job["AlgorithmSpecification"]["TrainingImage"] == pushed
    assert result.stdout.splitlines()[-1] == f"Image: {pushed}"
    assert f"==> In kedro_project: {MAKE_RAW_DATA}" in result.stdout
    # The model's parameter goes in front of the user's, which kedro would otherwise drop.
    assert (
        "==> Running in kedro_project: kedro run --env sagemaker "
        "--params model=linear_regression,training.reuse=false\n"
    ) in result.stdout
    assert "metric train_r2=" in result.stdout  # the container's log, streamed by the SDK
    metrics = json.loads((repo / "kedro_project/data/08_reporting/metrics.json").read_text())
    assert 0.3 < metrics["r2"] < 0.9
    assert sorted(p.name for p in raw_dir.iterdir()) == [
        "companies.csv",
        "reviews.csv",
        "shuttles.xlsx",
    ]
    assert git(repo, "status", "--porcelain", "--", ".", ":(exclude)kedro_project/conf") == ""


def lower_keys(keys: dict[str, str]) -> dict[str, str]:
    """AWS_ACCESS_KEY_ID=... as boto3.client(aws_access_key_id=...)."""
    return {name.lower(): value for name, value in keys.items()}


@pytest.mark.docker
@pytest.mark.aws
def test_a_dirty_tree_gets_its_own_tag_and_print_uri_prints_only_the_uri(
    repo, registry, repository_name, aws_env, tmp_path
):
    entry_point = repo / "models/linear_regression/train.py"
    entry_point.write_text(entry_point.read_text() + "\n# an uncommitted change\n")
    env = script_env(aws_env, REGISTRY_OVERRIDE=registry)
    uri_file = tmp_path / "image-uri.txt"

    result = run_script(
        repo,
        "--repository",
        repository_name,
        "--no-run",
        "--print-uri",
        "--uri-file",
        str(uri_file),
        env=env,
        check=True,
    )

    [tag] = registry_get(registry, f"/v2/{repository_name}/tags/list")[0]["tags"]
    match = DIRTY_TAG.match(tag)
    assert match, tag
    assert match["rev"] == git(repo, "rev-parse", "--short=12", "HEAD")
    uri = recorded_image(repo)
    assert uri.startswith(f"{registry}/{repository_name}@sha256:")
    assert result.stdout == f"{uri}\n"
    assert uri_file.read_text() == f"{uri}\n"
    assert f"==> Building {registry}/{repository_name}:{tag}" in result.stderr


@pytest.mark.docker
@pytest.mark.aws
def test_a_revision_already_in_ecr_is_reused_not_rebuilt(repo, aws_env):
    """Without the override the script reads ECR itself: the revision's tag is taken."""
    ecr = boto3.client("ecr")
    name = f"spaceflights-test-{uuid.uuid4().hex[:10]}"
    uri = ecr.create_repository(repositoryName=name)["repository"]["repositoryUri"]
    manifest = {
        "schemaVersion": 2,
        "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {
            "mediaType": "application/vnd.docker.container.image.v1+json",
            "size": 2,
            "digest": "sha256:" + "0" * 64,
        },
        "layers": [],
    }
    tag = git(repo, "rev-parse", "--short=12", "HEAD")
    image = ecr.put_image(repositoryName=name, imageManifest=json.dumps(manifest), imageTag=tag)
    digest = image["image"]["imageId"]["imageDigest"]

    result = run_script(repo, "--repository", name, "--no-run", env=script_env(aws_env))

    assert result.returncode == 0, result.stdout + result.stderr
    assert recorded_image(repo) == f"{uri}@{digest}"
    assert "already in ECR" in result.stdout
    assert "==> Building" not in result.stdout
    assert "==> Creating ECR repository" not in result.stdout


def test_an_unknown_option_is_refused(tmp_path):
    env = {"PATH": sandbox_path(tmp_path, "dirname")}

    result = run_script(REPO_ROOT, "--bogus", env=env)

    assert result.returncode != 0
    assert result.stderr.splitlines() == ["build_and_push: unknown option '--bogus' (see --help)"]


@pytest.mark.docker
@pytest.mark.aws
def test_unfilled_globals_stop_a_run_before_anything_is_built(repo, aws_env):
    name = f"spaceflights-test-{uuid.uuid4().hex[:10]}"

    result = run_script(repo, "--repository", name, env=script_env(aws_env))

    assert result.returncode != 0
    assert result.stderr.splitlines() == [
        "build_and_push: kedro_project/conf/sagemaker/globals.yml still has REPLACE_ME: "
        "fill it in, or pass --no-run"
    ]
    names = [
        r["repositoryName"] for r in boto3.client("ecr").describe_repositories()["repositories"]
    ]
    assert name not in names


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            ["--project", "/nonexistent/rockets"],
            "/nonexistent/rockets is not a folder; "
            "pass --project with your Kedro project's folder.",
        ),
        (
            ["--model", "models/random_forest"],
            "models/random_forest is not a model folder in {root} (it needs train.py and "
            "requirements.txt); pass --model models/NAME",
        ),
        (
            ["--before-run", "true", "--no-run"],
            "--before-run runs before 'kedro run', which --no-run skips",
        ),
    ],
    ids=["no-project", "no-model", "before-run-without-run"],
)
def test_bad_options_stop_before_aws_is_asked(tmp_path, args, sentence):
    env = {"PATH": sandbox_path(tmp_path, "dirname")}  # no aws CLI: it is never reached

    result = run_script(REPO_ROOT, *args, env=env)

    assert result.returncode != 0
    assert result.stderr.splitlines() == ["build_and_push: " + sentence.format(root=REPO_ROOT)]


def test_a_project_without_the_sagemaker_environment_is_refused(tmp_path):
    project = tmp_path / "rockets"
    project.mkdir()
    (project / "pyproject.toml").write_text('[tool.kedro]\npackage_name = "rockets"\n')
    env = {"PATH": sandbox_path(tmp_path, "dirname")}

    result = run_script(REPO_ROOT, "--project", str(project), env=env)

    assert result.returncode != 0
    assert result.stderr.splitlines() == [
        f"build_and_push: {project} has no conf/sagemaker folder: add the sagemaker environment "
        "(kedro_project/conf/sagemaker shows one) before pushing its image"
    ]


@pytest.mark.docker
@pytest.mark.aws
def test_another_project_pushes_to_its_own_repository_and_records_the_image_in_itself(
    repo, registry, aws_env
):
    """--project: the repository, its tag, the record and the messages are the project's."""
    package = f"rockets_{uuid.uuid4().hex[:8]}"
    project = repo / "rockets"
    (project / "conf/sagemaker").mkdir(parents=True)
    (project / "pyproject.toml").write_text(f'[tool.kedro]\npackage_name = "{package}"\n')
    (project / "conf/sagemaker/globals.yml").write_text("prefix: rockets\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a second project")
    repository = f"{package.replace('_', '-')}-linear-regression"
    env = script_env(aws_env, REGISTRY_OVERRIDE=registry)

    try:
        result = run_script(repo, "--project", "rockets", "--no-run", env=env, check=True)
    finally:
        remove_local_images(registry, repository)

    ecr = boto3.client("ecr")
    [description] = ecr.describe_repositories(repositoryNames=[repository])["repositories"]
    tags = ecr.list_tags_for_resource(resourceArn=description["repositoryArn"])["tags"]
    assert tags == [{"Key": "project", "Value": package}]
    tag = git(repo, "rev-parse", "--short=12", "HEAD")  # the tree is clean: no -dirty
    assert registry_get(registry, f"/v2/{repository}/tags/list")[0]["tags"] == [tag]
    uri = recorded_image(repo, "rockets")
    assert uri.startswith(f"{registry}/{repository}@sha256:")
    assert not (repo / "kedro_project/conf/sagemaker/globals_image.yml").exists()
    assert f"==> Recording {uri} in rockets/conf/sagemaker/globals_image.yml" in result.stdout
    assert "kedro_project" not in result.stdout + result.stderr
    assert git(repo, "status", "--porcelain") == ""  # the record is git-ignored
