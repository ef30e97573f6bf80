"""AWS checks of where the job reads and writes: buckets, KMS keys, and the disk."""

from __future__ import annotations

from urllib.parse import urlparse

from .aws_calls import AwsCalls
from .origin import ConfigOrigin
from .schema import Training

GIB = 1024**3
DEFAULT_VOLUME_GB = 30
# The image is unpacked on the volume next to the File-mode channel, and the model and
# checkpoints are written there too; keep a margin for them.
MARGIN_BYTES = 1 * GIB


def check_buckets(training: Training, aws: AwsCalls, origin: ConfigOrigin) -> None:
    """Every S3 location exists and is in the job's region."""
    regions: dict[str, str | None] = {}
    for key, uri in training.s3_locations().items():
        if not uri or not uri.startswith("s3://"):
            continue  # the scheme is checked offline
        bucket = urlparse(uri).netloc
        if bucket not in regions:
            response, code = aws.call("s3", "get_bucket_location", Bucket=bucket)
            if code == "NoSuchBucket":
                aws.findings.fail(
                    f"{origin.where(key)} is in the bucket {bucket!r}, which does not exist; "
                    "create it or fix the bucket name."
                )
            # An empty LocationConstraint means us-east-1, and "EU" is eu-west-1.
            constraint = response.get("LocationConstraint") if response else None
            regions[bucket] = (
                None
                if response is None
                else {None: "us-east-1", "EU": "eu-west-1"}.get(constraint or None, constraint)
            )
        region = regions[bucket]
        if region is not None and region != aws.region:
            aws.findings.fail(
                f"{origin.where(key)} is in the bucket {bucket!r} in {region}, but the job runs "
                f"in {aws.region}; use a bucket in {aws.region} or run the job in {region}."
            )


def check_kms_keys(training: Training, aws: AwsCalls, origin: ConfigOrigin) -> None:
    """Each configured KMS key exists in the job's region and is enabled."""
    for name in ("volume_kms_key", "output_kms_key"):
        key_id = getattr(training.estimator, name)
        if not key_id:
            continue
        key = origin.where(f"training.estimator.{name}")
        if key_id.startswith("arn:") and key_id.split(":")[3] != aws.region:
            aws.findings.fail(
                f"{key} is a key in {key_id.split(':')[3]}, but the job runs in {aws.region}; "
                f"use a key in {aws.region}."
            )
            continue
        response, code = aws.call("kms", "describe_key", KeyId=key_id)
        if code == "NotFoundException":
            aws.findings.fail(
                f"{key} is {key_id}, which is not a KMS key in {aws.region}; give the ID or "
                f"ARN of a key in {aws.region}."
            )
        elif response is not None and not response["KeyMetadata"].get("Enabled", False):
            state = response["KeyMetadata"].get("KeyState", "disabled")
            aws.findings.fail(
                f"{key} is {key_id}, a KMS key that is {state}; enable it or give another key."
            )


def check_volume(
    training: Training, image_bytes: int | None, channel_bytes: int, origin: ConfigOrigin, aws
) -> None:
    """The image, the File-mode channel and a margin fit on the training volume."""
    if image_bytes is None:
        return
    if training.estimator.input_mode == "FastFile":
        channel_bytes = 0  # read from S3 as training goes, never copied onto the volume
    record = training.preflight.image_record
    if record and not (training.estimator.image_uri or "").endswith("@" + record.digest):
        record = None  # a record of another image (the image check warns of it)
    # ECR reports the compressed size; the build-time record has the unpacked size.
    unpacked = max(image_bytes, record.size_bytes if record else 0)
    volume_gb = training.estimator.volume_size or DEFAULT_VOLUME_GB
    needed = unpacked + channel_bytes + MARGIN_BYTES
    if needed > volume_gb * GIB:
        aws.findings.fail(
            f"{origin.where('training.estimator.volume_size')} is {volume_gb} GB, but the image "
            f"({unpacked / GIB:.1f} GiB), the channel ({channel_bytes / GIB:.1f} GiB) and a "
            f"1 GiB margin need {needed / GIB:.1f} GiB; raise volume_size to at least "
            f"{-(-needed // GIB)}."
        )
