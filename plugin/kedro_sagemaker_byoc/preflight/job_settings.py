"""The job's own settings, checked offline: role, image, locations, keys, network, stopping."""

from __future__ import annotations

import re
from pathlib import Path

from training_contract.errors import short_value

from ..job_address import DIGEST_MARK
from .findings import Findings
from .limits import KMS_KEY, MAX_IMAGE_URI, MAX_RUN_LIMIT, ROLE_ARN
from .origin import ConfigOrigin
from .schema import Training

E = "training.estimator"
# Instance types with local NVMe storage ignore volume_size (ml.m5d, ml.g4dn, ml.p4d...).
NVME_TYPE = re.compile(r"^ml\.[a-z]+\d+[a-z]*d[a-z]*\.")


def check_settings(training: Training, origin: ConfigOrigin, findings: Findings) -> None:
    estimator = training.estimator
    aws = training.preflight.aws
    if estimator.role is not None and not ROLE_ARN.fullmatch(estimator.role):
        findings.fail(
            f"{origin.where(f'{E}.role')} is {short_value(estimator.role)}, not a full role ARN; "
            "copy the role's ARN, e.g. arn:aws:iam::123456789012:role/service-role/NAME."
        )
    if "image_uri" in estimator.model_fields_set and not estimator.image_uri:
        findings.fail(
            f"{origin.where(f'{E}.image_uri')} is empty: push the image and set it "
            "to REPOSITORY@sha256:DIGEST."
        )
    elif estimator.image_uri and len(estimator.image_uri) > MAX_IMAGE_URI:
        findings.fail(
            f"{origin.where(f'{E}.image_uri')} is longer than {MAX_IMAGE_URI} characters; "
            "use a shorter repository name."
        )
    elif aws and estimator.image_uri and DIGEST_MARK not in estimator.image_uri:
        findings.fail(
            f"{origin.where(f'{E}.image_uri')} is {short_value(estimator.image_uri)}, not "
            "pinned by digest; name it REPOSITORY@sha256:DIGEST, as pushed to ECR."
        )
    if aws:
        for key, uri in training.s3_locations().items():
            if uri is not None and not uri.startswith("s3://"):
                findings.fail(
                    f"{origin.where(key)} is {short_value(uri)}, not an s3:// URI; SageMaker "
                    "reads and writes S3 only, so give s3://BUCKET/PREFIX."
                )
        if training.channel_upload is None:
            findings.fail(
                f"{origin.where('training.channel_upload')} is not set, so the job would have "
                "no S3 channel; set it to s3://BUCKET/PREFIX/channels."
            )
    for key in ("volume_kms_key", "output_kms_key"):
        value = getattr(estimator, key)
        if value is not None and not KMS_KEY.fullmatch(value):
            findings.fail(
                f"{origin.where(f'{E}.{key}')} is {short_value(value)}, not a KMS key ID or "
                "ARN; copy the key's ID or ARN from the KMS console."
            )
    if (estimator.subnets is None) != (estimator.security_group_ids is None):
        findings.fail(
            f"{origin.where(f'{E}.subnets')} and {E}.security_group_ids must be set together; "
            "give both lists to run in your VPC, or set both to null."
        )
    _check_stopping(training, origin, findings)
    _check_source_dir(training, origin, findings)
    if estimator.instance_type and NVME_TYPE.match(estimator.instance_type):
        findings.warn(
            f"{origin.where(f'{E}.instance_type')} is {estimator.instance_type}, which has "
            "local NVMe storage: SageMaker ignores volume_size and the instance's disk decides."
        )


def _check_stopping(training: Training, origin: ConfigOrigin, findings: Findings) -> None:
    estimator = training.estimator
    if training.preflight.aws and estimator.max_run is None:
        findings.fail(
            f"{origin.where(f'{E}.max_run')} is not set; give the seconds after which SageMaker "
            f"stops the job (at most {MAX_RUN_LIMIT:,}), so a stuck job cannot run for a day."
        )
    if estimator.max_run is not None and estimator.max_run > MAX_RUN_LIMIT:
        findings.fail(
            f"{origin.where(f'{E}.max_run')} is {estimator.max_run:,} seconds, more than "
            f"SageMaker's 28 days ({MAX_RUN_LIMIT:,}); lower it."
        )
    spot = bool(estimator.use_spot_instances)
    if estimator.max_wait is not None and not spot:
        findings.fail(
            f"{origin.where(f'{E}.max_wait')} is set without use_spot_instances: true; "
            "SageMaker accepts max_wait only for spot training, so set it to null or enable spot."
        )
    if spot and estimator.max_wait is None:
        findings.fail(
            f"{origin.where(f'{E}.max_wait')} is not set, but spot training needs it; give the "
            "seconds to wait for spot capacity plus the run, at least max_run."
        )
    run = estimator.max_run or 86_400  # SageMaker's default when max_run is not given
    if spot and estimator.max_wait is not None and estimator.max_wait < run:
        findings.fail(
            f"{origin.where(f'{E}.max_wait')} is {estimator.max_wait:,} seconds, less than "
            f"max_run ({run:,}); SageMaker needs max_wait >= max_run, so raise it."
        )
    if spot and not estimator.checkpoint_s3_uri:
        findings.fail(
            f"{origin.where(f'{E}.checkpoint_s3_uri')} is not set, but spot training may be "
            "interrupted; give an S3 prefix the execution role may write, so a job can resume."
        )


def _check_source_dir(training: Training, origin: ConfigOrigin, findings: Findings) -> None:
    estimator = training.estimator
    if not (estimator.source_dir and estimator.enable_network_isolation):
        return
    if (Path(estimator.source_dir) / "requirements.txt").is_file():
        findings.fail(
            f"{origin.where(f'{E}.source_dir')} holds a requirements.txt, which the toolkit "
            "would pip-install at job start, and network isolation blocks that; bake the "
            "dependencies into the image instead."
        )
