"""The training image: what scripts/build_and_push.sh found in it when it was built, and
where in ECR it is. Docker is only needed at build time; this trusts the record."""

from __future__ import annotations

import re
from dataclasses import dataclass

from training_contract.errors import short_value

from .findings import Findings
from .origin import ConfigOrigin
from .schema import ImageRecord, Training

ECR_URI = re.compile(
    r"^(?P<account>\d{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(?:\.cn)?"
    r"/(?P<repository>[^@:]+)(?:@(?P<digest>sha256:[0-9a-f]{64})|:[\w.-]+)?$"
)
REBUILD = "run scripts/build_and_push.sh, which checks the image it builds and records the result"


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
        if training.estimator.model_extra.get("training_repository_access_mode") == "Vpc":
            return None  # a private registry reached through the VPC: nothing to look up
        findings.fail(
            f"{key} is {short_value(uri)}, which is not an ECR image; SageMaker pulls training "
            "images from ECR (a private registry needs training_repository_access_mode: Vpc "
            f"and subnets), so {REBUILD}."
        )
        return None
    return EcrImage(match["account"], match["region"], match["repository"], match["digest"])


def check_record(training: Training, origin: ConfigOrigin, findings: Findings) -> None:
    """The build-time checks of the image the job will run: linux/amd64, ``train`` on PATH
    and runnable, SAGEMAKER_PROGRAM set and present, unbuffered output."""
    record: ImageRecord | None = training.preflight.image_record
    uri = training.estimator.image_uri or ""
    key = origin.where("training.preflight.image_record")
    if record is None:
        findings.fail(f"{key} is empty: nothing says the image was checked; {REBUILD}.")
        return
    if not uri.endswith("@" + record.digest):
        findings.fail(
            f"{key} describes {record.digest}, not the image in training.estimator.image_uri "
            f"({short_value(uri)}); {REBUILD}."
        )
        return
    problems = []
    if record.platform != "linux/amd64":
        problems.append(f"it is built for {record.platform}, not linux/amd64")
    if not record.train:
        problems.append("'train' is not an executable on its PATH")
    elif record.train_shebang_crlf:
        problems.append(f"{record.train} has a Windows line ending in its #! line")
    if not record.sagemaker_program:
        problems.append("SAGEMAKER_PROGRAM is not set")
    elif not record.program_found:
        problems.append(f"/opt/ml/code/{record.sagemaker_program} is missing")
    if not record.unbuffered:
        problems.append("PYTHONUNBUFFERED=1 is not set, so log lines may be lost")
    if problems:
        findings.fail(
            f"The image {record.digest[:19]}… cannot run as a SageMaker training job: "
            f"{'; '.join(problems)}; fix the Dockerfile and {REBUILD}."
        )
