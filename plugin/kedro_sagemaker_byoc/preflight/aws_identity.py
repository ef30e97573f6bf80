"""AWS checks of who runs the job and what it runs: the execution role, the image in ECR,
and the job name."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

from .aws_calls import AwsCalls
from .image import REBUILD, EcrImage
from .origin import ConfigOrigin
from .schema import Training

SAGEMAKER_SERVICE = "sagemaker.amazonaws.com"


def check_role(training: Training, aws: AwsCalls, origin: ConfigOrigin) -> None:
    """The execution role exists and lets SageMaker assume it."""
    arn = training.estimator.role
    if not arn or ":role/" not in arn:
        return  # the ARN's form is checked offline
    key = origin.where("training.estimator.role")
    name = arn.rsplit("/", 1)[-1]
    response, code = aws.call("iam", "get_role", RoleName=name)
    if code == "NoSuchEntity":
        aws.findings.fail(
            f"{key} names the role {name!r}, which does not exist in this account; create it "
            "or copy the ARN of an existing one."
        )
        return
    if response is None:
        return
    role = response["Role"]
    if role["Arn"] != arn:
        aws.findings.fail(
            f"{key} is {arn}, but the role {name!r} has the ARN {role['Arn']}; copy the ARN "
            "exactly, including any path such as service-role/."
        )
    if not _trusts_sagemaker(role.get("AssumeRolePolicyDocument")):
        aws.findings.fail(
            f"The role in {key} does not let {SAGEMAKER_SERVICE} assume it, so the job could "
            "not start; add sagemaker.amazonaws.com as a principal that may sts:AssumeRole "
            "to its trust policy."
        )


def _trusts_sagemaker(document: Any) -> bool:
    if isinstance(document, str):
        document = json.loads(unquote(document))
    statements = (document or {}).get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        actions = statement.get("Action", [])
        actions = [actions] if isinstance(actions, str) else actions
        services = statement.get("Principal", {}).get("Service", [])
        services = [services] if isinstance(services, str) else services
        if (
            statement.get("Effect") == "Allow"
            and {"sts:AssumeRole", "sts:*", "*"} & set(actions)
            and SAGEMAKER_SERVICE in services
        ):
            return True
    return False


def check_image(image: EcrImage, aws: AwsCalls, origin: ConfigOrigin) -> tuple[bool, int | None]:
    """The image is in ECR, at its digest, in the job's region: ``(False, None)`` when it
    is not (a failure says why), else ``(True, its size in bytes if ECR said)``."""
    key = origin.where("training.estimator.image_uri")
    if image.region != aws.region:
        aws.findings.fail(
            f"{key} is in ECR in {image.region}, but the job runs in {aws.region}; SageMaker "
            f"pulls from its own region only, so push the image to {aws.region} ({REBUILD})."
        )
        return False, None
    if image.digest is None:
        return False, None  # a tag, not a digest: refused offline
    response, code = aws.call(
        "ecr",
        "describe_images",
        registryId=image.account,
        repositoryName=image.repository,
        imageIds=[{"imageDigest": image.digest}],
    )
    if code in ("ImageNotFoundException", "RepositoryNotFoundException"):
        where = "is not" if code == "ImageNotFoundException" else "has no repository"
        aws.findings.fail(
            f"{key} names {image.repository}@{image.digest[:19]}…, which {where} in ECR "
            f"(account {image.account}, {image.region}); the job would fail with 'Cannot find "
            f"the requested image', so {REBUILD}."
        )
        return False, None
    if response is None or not response.get("imageDetails"):
        return True, None
    return True, response["imageDetails"][0].get("imageSizeInBytes")


def check_job_name(job_name: str, aws: AwsCalls, origin: ConfigOrigin) -> None:
    """No job of that name exists (SageMaker would refuse it as ResourceInUse)."""
    response, _code = aws.call("sagemaker", "describe_training_job", TrainingJobName=job_name)
    if response is not None:
        aws.findings.fail(
            f"A training job named {job_name} already exists; change "
            f"{origin.where('training.job_name_prefix')} or run again for a new time stamp."
        )
