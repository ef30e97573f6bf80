"""The local AWS for tests: a registry, the local SageMaker (moto's server on 127.0.0.1,
whose training jobs really run in Docker), a bucket, the execution role, and the image.

The server and the registry are the project's own ``scripts/local_sagemaker``, as ``make
rehearse`` uses them; tests shorten the stop grace period so that stopping a job takes
seconds, not 120.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import boto3
import pytest
from moto.sagemaker.models import sagemaker_backends
from moto.sagemaker.responses import SageMakerResponse

from local_sagemaker import registry as local_registry
from local_sagemaker.account import provision
from local_sagemaker.server import LocalSageMaker, start
from local_sagemaker.settings import Settings
from tests.support import REPO_ROOT

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default account
BUCKET = "spaceflights-test"
ROLE_NAME = "spaceflights-training"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/{ROLE_NAME}"
STOP_GRACE_SECONDS = 3
IAM_DIR = REPO_ROOT / "scripts/iam"
IAM_VALUES = {
    "ACCOUNT_ID": ACCOUNT,
    "REGION": REGION,
    "BUCKET": BUCKET,
    "PREFIX": "spaceflights",
    "REPOSITORY": "spaceflights-training",
    "ROLE_NAME": ROLE_NAME,
    "JOB_NAME": "spaceflights",  # job_name_prefix in conf/sagemaker
}


def fill_sagemaker_globals(conf: Path, bucket: str = BUCKET, role_arn: str = ROLE_ARN) -> None:
    """Fill the REPLACE_ME values of ``conf``/sagemaker/globals.yml as a user would."""
    globals_file = conf / "sagemaker/globals.yml"
    text = globals_file.read_text().replace("bucket: REPLACE_ME", f"bucket: {bucket}")
    globals_file.write_text(text.replace("arn:aws:iam::REPLACE_ME:role/REPLACE_ME", role_arn))


def fill_iam(name: str, values: dict[str, str] | None = None) -> str:
    """An IAM document of scripts/iam with its placeholders filled, as the README's sed does."""
    text = (IAM_DIR / name).read_text()
    for placeholder, value in (values or IAM_VALUES).items():
        text = text.replace(placeholder, value)
    return text


MANIFEST_TYPE = "application/vnd.docker.distribution.manifest.v2+json"


@pytest.fixture(scope="session")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``127.0.0.1:PORT`` of a registry this session starts, and removes at its end. A
    machine that cannot start one skips what needs it, naming what is missing; CI fails."""
    try:
        running = local_registry.start(tmp_path_factory.mktemp("registry"))
    except local_registry.NoRegistry as error:
        if os.environ.get("CI"):
            pytest.fail(str(error))
        pytest.skip(str(error))
    yield running.address
    running.stop()


@pytest.fixture(scope="session")
def local_sagemaker(
    tmp_path_factory: pytest.TempPathFactory, registry: str
) -> Iterator[LocalSageMaker]:
    settings = Settings(
        registry=registry,
        stop_grace_seconds=STOP_GRACE_SECONDS,
        work_dir=tmp_path_factory.mktemp("local-sagemaker"),
    )
    server = start(settings)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def moto_endpoint(local_sagemaker: LocalSageMaker) -> str:
    return local_sagemaker.endpoint


def client(endpoint: str, service: str):
    """A client for the local AWS with test keys, whatever the environment says."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


@pytest.fixture
def aws_env(local_sagemaker, tmp_path, monkeypatch) -> Iterator[dict[str, str]]:
    """Environment for a process that must talk to the local AWS and nothing else. Jobs
    still running when the test ends (its run timed out or was killed) are stopped."""
    moto_endpoint = local_sagemaker.endpoint
    settings = {
        "AWS_ENDPOINT_URL": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    # The server lives for the session, but every test starts with no training jobs: a
    # Completed job left by one test would be reused by the next (same image, data and
    # settings give the same address), which would then start no job of its own.
    sagemaker_backends[ACCOUNT][REGION].reset()
    yield {**os.environ, **settings}
    local_sagemaker.jobs.stop_all()
    local_sagemaker.jobs.runs.clear()


@pytest.fixture
def bucket(aws_env) -> str:
    s3 = boto3.client("s3")
    if BUCKET not in [b["Name"] for b in s3.list_buckets()["Buckets"]]:
        s3.create_bucket(Bucket=BUCKET)
    return BUCKET


@pytest.fixture
def execution_role(aws_env) -> str:
    """The execution role of scripts/iam (trust and policy), which jobs run as."""
    iam = boto3.client("iam")
    try:
        iam.get_role(RoleName=ROLE_NAME)
    except iam.exceptions.NoSuchEntityException:
        iam.create_role(
            RoleName=ROLE_NAME,
            AssumeRolePolicyDocument=fill_iam("sagemaker-execution-role-trust.json"),
        )
    iam.put_role_policy(
        RoleName=ROLE_NAME,
        PolicyName="spaceflights-training",
        PolicyDocument=fill_iam("sagemaker-execution-role-policy.json"),
    )
    return ROLE_ARN


@pytest.fixture
def iam_account(local_sagemaker, aws_env, tmp_path) -> Iterator[Callable[..., dict[str, str]]]:
    """``iam_account(without=[sid, ...], **values)``: a throwaway bucket, execution role and
    submitter with scripts/iam's documents (less the statements named), then IAM checks on
    (off again after the test). Returns the values, the role ARN and the submitter's keys."""
    suffix = uuid.uuid4().hex[:8]

    def provision_without(without: tuple[str, ...] = (), **values: str) -> dict[str, str]:
        filled = {
            **IAM_VALUES,
            "BUCKET": f"spaceflights-iam-{suffix}",
            "ROLE_NAME": f"spaceflights-iam-{suffix}",
            **values,
        }
        documents = tmp_path / "iam"
        documents.mkdir()
        for path in sorted(IAM_DIR.glob("*.json")):
            document = json.loads(path.read_text())
            document["Statement"] = [
                s for s in document["Statement"] if s.get("Sid") not in without
            ]
            (documents / path.name).write_text(json.dumps(document))
        submitter = f"submitter-{suffix}"
        created = provision(local_sagemaker.endpoint, documents, filled, submitter)
        local_sagemaker.enforce_iam()
        return {**filled, **created, "SUBMITTER": submitter}

    yield provision_without
    local_sagemaker.enforce_iam(False)


@pytest.fixture(scope="session")
def pushed_image(moto_endpoint: str, registry: str, image: str) -> str:
    """The session's training image, pushed to the local registry and named as ECR names
    it (``<account>.dkr.ecr.<region>.amazonaws.com/<repository>@sha256:...``)."""
    tag = image
    # The repository the IAM documents name; the tag keeps checkouts apart.
    repository = IAM_VALUES["REPOSITORY"]
    ecr = client(moto_endpoint, "ecr")
    try:
        uri = ecr.create_repository(repositoryName=repository)["repository"]["repositoryUri"]
    except ecr.exceptions.RepositoryAlreadyExistsException:
        [found] = ecr.describe_repositories(repositoryNames=[repository])["repositories"]
        uri = found["repositoryUri"]
    local = f"{registry}/{repository}:{tag.partition(':')[2]}"
    for command in (["tag", tag, local], ["push", local]):
        result = subprocess.run(["docker", *command], capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr
    digest = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{json .RepoDigests}}", local],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    [pushed] = [d for d in json.loads(digest) if d.startswith(f"{registry}/{repository}@")]
    image_digest = pushed.split("@")[1]
    # ECR's API must know the digest too, as it does after a real push: the pre-flight asks
    # DescribeImages for it. The manifest is the registry's own, so the digests agree.
    request = urllib.request.Request(
        f"http://{registry}/v2/{repository}/manifests/{image_digest}",
        headers={"Accept": MANIFEST_TYPE},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
        manifest = response.read().decode()
    try:
        ecr.put_image(
            repositoryName=repository,
            imageManifest=manifest,
            imageManifestMediaType=MANIFEST_TYPE,
            imageDigest=image_digest,
        )
    except ecr.exceptions.ImageAlreadyExistsException:
        pass
    return f"{uri}@{image_digest}"


@pytest.fixture
def create_training_job_requests(monkeypatch) -> list[dict]:
    """The CreateTrainingJob request bodies as the server received them."""
    requests: list[dict] = []
    original = SageMakerResponse.create_training_job

    def recording(self):
        requests.append(copy.deepcopy(json.loads(self.body)))
        return original(self)

    monkeypatch.setattr(SageMakerResponse, "create_training_job", recording)
    return requests


def log_messages(job_name: str) -> list[str]:
    """Every CloudWatch Logs message of the job's streams, in order (none before the first
    job of the session has made the log group)."""
    logs = boto3.client("logs")
    try:
        streams = logs.describe_log_streams(
            logGroupName="/aws/sagemaker/TrainingJobs", logStreamNamePrefix=f"{job_name}/"
        )["logStreams"]
    except logs.exceptions.ResourceNotFoundException:
        return []
    return [
        event["message"]
        for stream in streams
        for event in logs.get_log_events(
            logGroupName="/aws/sagemaker/TrainingJobs",
            logStreamName=stream["logStreamName"],
            startFromHead=True,
        )["events"]
    ]


def wait_for_job(job_name: str, until: tuple[str, ...] = ("Completed", "Failed", "Stopped")):
    """DescribeTrainingJob until the job's status is one of ``until`` (at most 10 minutes)."""
    sagemaker = boto3.client("sagemaker")
    for _ in range(1200):
        description = sagemaker.describe_training_job(TrainingJobName=job_name)
        if description["TrainingJobStatus"] in until:
            return description
        time.sleep(0.5)
    raise AssertionError(f"{job_name} is still {description['TrainingJobStatus']}")
