"""What a correct sagemaker configuration needs in the local AWS: an execution role that
SageMaker may assume, and the image in ECR at its digest with build_and_push.sh's record."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import boto3
import yaml

from tests import oci_images
from tests.local_aws import ROLE_ARN, fill_iam
from tests.support import REPO_ROOT

TRUST_POLICY = REPO_ROOT / "scripts/iam/sagemaker-execution-role-trust.json"
REPOSITORY = "spaceflights-training"
IMAGE_BYTES = 400 * 1024 * 1024


def create_execution_role(arn: str = ROLE_ARN, trust: dict | None = None) -> str:
    """The role the job runs as, trusting SageMaker as scripts/iam prescribes (or ``trust``)."""
    iam = boto3.client("iam")
    name = arn.rsplit("/", 1)[-1]
    document = trust or json.loads(TRUST_POLICY.read_text())
    try:
        iam.get_role(RoleName=name)
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(document))
    except iam.exceptions.NoSuchEntityException:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(document))
    # Its permissions, as scripts/iam/README.md attaches them: the pre-flight reads them.
    iam.put_role_policy(
        RoleName=name,
        PolicyName="spaceflights-training",
        PolicyDocument=fill_iam("sagemaker-execution-role-policy.json"),
    )
    return arn


def push_image(
    registry: str,
    region: str | None = None,
    repository: str = REPOSITORY,
    config: dict | None = None,
    platforms: list[str] | None = None,
) -> str:
    """A small real image in the session's registry (``config`` as the image's
    configuration, or an index of ``platforms``), which ECR's API then knows as a push to
    ECR would tell it; returns ``REPO_URI@sha256:DIGEST``."""
    ecr = boto3.client("ecr", region_name=region)
    try:
        uri = ecr.create_repository(repositoryName=repository)["repository"]["repositoryUri"]
    except ecr.exceptions.RepositoryAlreadyExistsException:
        [found] = ecr.describe_repositories(repositoryNames=[repository])["repositories"]
        uri = found["repositoryUri"]
    if platforms:
        index, digest, images = oci_images.push_index(registry, repository, platforms)
        pushed = [(body, each, oci_images.DOCKER_MANIFEST) for body, each in images]
        pushed.append((index, digest, oci_images.OCI_INDEX))
    else:
        manifest, digest = oci_images.push_image(registry, repository, config)
        pushed = [(manifest, digest, oci_images.DOCKER_MANIFEST)]
    for body, each, media_type in pushed:
        with contextlib.suppress(ecr.exceptions.ImageAlreadyExistsException):
            ecr.put_image(
                repositoryName=repository,
                imageManifest=body.decode(),
                imageManifestMediaType=media_type,
                imageDigest=each,
            )
    return f"{uri}@{digest}"


def image_record(image: str, **changes: object) -> dict:
    """globals_image.yml's ``training_image_checked`` for ``image``, as the script writes it."""
    return {
        "digest": image.split("@")[1],
        "platform": "linux/amd64",
        "train": "/opt/venv/bin/train",
        "train_shebang_crlf": False,
        "sagemaker_program": "train.py",
        "program_found": True,
        "unbuffered": True,
        "size_bytes": IMAGE_BYTES,
        "ecr_repository": image.split("@")[0],
        **changes,
    }


def write_image_record(project: Path, image: str) -> None:
    """conf/sagemaker/globals_image.yml as scripts/build_and_push.sh writes it."""
    record = {"training_image_uri": image, "training_image_checked": image_record(image)}
    (project / "conf/sagemaker/globals_image.yml").write_text(yaml.safe_dump(record))
