"""S3 in and out of a job folder, as the execution role: channels, model, checkpoints."""

from __future__ import annotations

import tarfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from botocore.exceptions import ClientError


class TransferFailed(Exception):
    """An S3 call the job needed was refused; the message is SageMaker's FailureReason."""


def split_uri(uri: str) -> tuple[str, str]:
    parsed = urlparse(uri)
    return parsed.netloc, parsed.path.lstrip("/")


def download_channel(s3: Any, role_arn: str, uri: str, target: Path) -> int:
    """Copy every object under the ``uri`` prefix into ``target``; return how many."""
    bucket, prefix = split_uri(uri)
    target.mkdir(parents=True, exist_ok=True)
    count = 0
    try:
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        keys = [item["Key"] for page in pages for item in page.get("Contents", [])]
    except ClientError as error:
        raise _failed("Data download failed", "s3:ListBucket", role_arn, uri, error) from error
    if not keys:
        raise TransferFailed(
            f"ClientError: Data download failed: no objects found under {uri}. "
            "Please ensure that the S3 prefix exists and is not empty."
        )
    for key in keys:
        relative = key[len(prefix) :].lstrip("/") or Path(key).name
        destination = target / relative
        if key.endswith("/"):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            s3.download_file(bucket, key, str(destination))
        except ClientError as error:
            raise _failed(
                "Data download failed", "s3:GetObject", role_arn, f"s3://{bucket}/{key}", error
            ) from error
        count += 1
    return count


def upload_model(s3: Any, role_arn: str, model_dir: Path, archive: Path, uri: str) -> None:
    """Pack ``model_dir`` into ``model.tar.gz`` (members relative to it) and upload it."""
    with tarfile.open(archive, "w:gz") as tar:
        for path in sorted(model_dir.rglob("*")):
            tar.add(path, arcname=path.relative_to(model_dir).as_posix(), recursive=False)
    upload_file(s3, role_arn, archive, uri, "Artifact upload failed")


def upload_file(s3: Any, role_arn: str, path: Path, uri: str, what: str) -> None:
    bucket, key = split_uri(uri)
    try:
        s3.upload_file(str(path), bucket, key)
    except ClientError as error:
        raise _failed(what, "s3:PutObject", role_arn, uri, error) from error


def sync_down(s3: Any, role_arn: str, uri: str, target: Path) -> None:
    """Bring existing checkpoints in before the container starts (none is fine)."""
    bucket, prefix = split_uri(uri)
    target.mkdir(parents=True, exist_ok=True)
    try:
        pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for item in (i for page in pages for i in page.get("Contents", [])):
            destination = target / item["Key"][len(prefix) :].lstrip("/")
            destination.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(bucket, item["Key"], str(destination))
    except ClientError as error:
        raise _failed("Checkpoint download failed", "s3:GetObject", role_arn, uri, error) from error


def sync_up(s3: Any, role_arn: str, source: Path, uri: str) -> None:
    """Upload every file the container left in its checkpoint folder."""
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        key_uri = uri.rstrip("/") + "/" + str(path.relative_to(source))
        upload_file(s3, role_arn, path, key_uri, "Checkpoint upload failed")


def _failed(what: str, action: str, role_arn: str, uri: str, error: ClientError) -> TransferFailed:
    code = error.response.get("Error", {}).get("Code", "Error")
    return TransferFailed(
        f"ClientError: {what}: the execution role {role_arn} was refused {action} on {uri} "
        f"({code}). Check the role's policy."
    )
