"""The training image: where in ECR it is, and whether SageMaker can run it.

What the image is comes from ECR itself (``image_config``), however it was built and
pushed. What scripts/build_and_push.sh found when it built the image (globals_image.yml)
adds what only running it shows: ``train`` on its PATH and runnable, and the program file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from training_contract.errors import short_value

from . import image_config
from .aws_calls import AwsCalls
from .findings import Findings
from .origin import ConfigOrigin
from .schema import ImageRecord, Training

ECR_URI = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?"
    r"/(?P<repository>[^@:]+)(?:@(?P<digest>sha256:[0-9a-f]{64})|:[\w.-]+)?$"
)
REBUILD = "build and push the image again, so its manifest and config can be read from ECR"
FIX = "fix its Dockerfile and push it again"


@dataclass(frozen=True)
class EcrImage:
    account: str
    region: str
    repository: str
    digest: str | None


def ecr_image(training: Training, origin: ConfigOrigin, findings: Findings) -> EcrImage | None:
    """The ECR repository and digest the job will pull, or None with a sentence why not."""
    uri = training.estimator.image_uri or ""
    key = origin.where("training.estimator.image_uri")
    record = training.preflight.image_record
    match = ECR_URI.match(uri)
    if match is None and record is not None:
        # A registry that stands in for ECR (REGISTRY_OVERRIDE in build_and_push.sh) holds
        # the image under the same repository path; the record names the ECR repository.
        stand_in = ECR_URI.match(record.ecr_repository + "@" + record.digest)
        if stand_in and uri.partition("/")[2].split("@")[0] == stand_in["repository"]:
            match = stand_in
    if match is None:
        if private_registry(training):
            return None  # reached through the VPC: nothing to look up in ECR
        findings.fail(
            f"{key} is {short_value(uri)}, which is not an ECR image; SageMaker pulls training "
            "images from ECR (a private registry needs training_repository_access_mode: Vpc "
            f"and subnets), so {REBUILD}."
        )
        return None
    return EcrImage(match["account"], match["region"], match["repository"], match["digest"])


def private_registry(training: Training) -> bool:
    """Whether the job pulls its image from a private registry in the VPC, not from ECR."""
    return training.estimator.model_extra.get("training_repository_access_mode") == "Vpc"


def check_contents(
    training: Training, ecr: EcrImage | None, aws: AwsCalls, origin: ConfigOrigin
) -> None:
    """linux/amd64, an exec-form ENTRYPOINT, SAGEMAKER_PROGRAM and PYTHONUNBUFFERED from the
    image in ECR; ``train`` and the program file from the build record when it has one."""
    findings = aws.findings
    record = _record_for(training, origin, findings)
    config = None
    if ecr is not None and ecr.digest is not None:
        config = image_config.read(aws, ecr.account, ecr.repository, ecr.digest)
    digest = (ecr.digest if ecr else None) or (record.digest if record else "")
    name = f"The image {digest[:19]}…" if digest else "The image"
    problems = []
    if isinstance(config, image_config.ImageConfig):
        problems += image_config.problems(config, training.estimator.environment)
        bare_start = image_config.bare_start_warning(config)
        if bare_start:
            findings.warn(bare_start)
    else:
        if isinstance(config, str):
            findings.warn(
                f"{name} in ECR could not be checked: {config}; SageMaker may refuse it after "
                "the upload."
            )
        elif ecr is None and record is None:
            findings.warn(
                "The image is not in ECR, so the pre-flight cannot read it and nothing "
                f"recorded a check of it; {REBUILD}, or check it by hand."
            )
        if record is not None:
            problems += _recorded_contract(record)
    if record is not None:
        problems += _recorded_run(record)
    if problems:
        findings.fail(
            f"{name} cannot run as a SageMaker training job: {'; '.join(problems)}; {FIX}."
        )


def _record_for(training: Training, origin: ConfigOrigin, findings: Findings) -> ImageRecord | None:
    """The build record, if it describes the image the job will run."""
    record = training.preflight.image_record
    uri = training.estimator.image_uri or ""
    if record is None or uri.endswith("@" + record.digest):
        return record
    findings.warn(
        f"{origin.where('training.preflight.image_record')} describes {record.digest[:19]}…, "
        f"not the image in training.estimator.image_uri ({short_value(uri)}); its build-time "
        "checks are left out."
    )
    return None


def _recorded_contract(record: ImageRecord) -> list[str]:
    """What ECR would have said of the image, as the build found it."""
    config = image_config.ImageConfig(
        platform=record.platform,
        env={
            "SAGEMAKER_PROGRAM": record.sagemaker_program,
            "PYTHONUNBUFFERED": "1" if record.unbuffered else "",
        },
    )
    return image_config.problems(config, None)


def _recorded_run(record: ImageRecord) -> list[str]:
    """What only running the image shows, as the build found it."""
    problems = []
    if not record.train:
        problems.append("'train' is not an executable on its PATH")
    elif record.train_shebang_crlf:
        problems.append(f"{record.train} has a Windows line ending in its #! line")
    if record.sagemaker_program and not record.program_found:
        problems.append(f"/opt/ml/code/{record.sagemaker_program} is missing")
    return problems
