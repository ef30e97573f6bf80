"""Uploading the training channel to S3, named by its content.

The channel is written locally in every environment; where it must be in S3 (the sagemaker
environment's ``training.channel_upload``), it goes to ``<prefix>/<hash of its files>/``.
Runs with different data never overwrite each other's channel, and an unchanged channel
is not uploaded twice.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from urllib.parse import urlparse

import boto3
from botocore.exceptions import ClientError

from .uris import as_uri

logger = logging.getLogger(__name__)
HASH_LENGTH = 16


def content_hash(folder: Path, pattern: str = "*") -> str:
    """A hash of the relative path and bytes of every file matching ``pattern``, in a fixed
    order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob(pattern) if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        _hash_file(path, digest)
        digest.update(b"\0")
    return digest.hexdigest()[:HASH_LENGTH]


def file_sha256(path: Path) -> str:
    """The SHA-256 of one file's bytes, read a block at a time."""
    return _hash_file(path, hashlib.sha256()).hexdigest()


def _hash_file(path: Path, digest: hashlib._Hash) -> hashlib._Hash:
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest


def publish_channel(channel: str, upload_prefix: str | None, known_hash: str | None = None) -> str:
    """The URI the job reads the channel from, uploading it first when it must be in S3.

    ``known_hash`` is the channel's ``content_hash`` when the caller has it already.
    """
    if not upload_prefix:
        return as_uri(channel)
    folder = Path(channel)
    target = f"{upload_prefix.rstrip('/')}/{known_hash or content_hash(folder)}/"
    parsed = urlparse(target)
    bucket, prefix = parsed.netloc, parsed.path.lstrip("/")
    s3 = boto3.client("s3")
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    uploaded = 0
    for path in files:
        key = prefix + path.relative_to(folder).as_posix()
        if _has_object(s3, bucket, key, path.stat().st_size):
            continue
        s3.upload_file(str(path), bucket, key)
        uploaded += 1
    if uploaded:
        logger.info("Uploaded the training channel (%d files) to %s", uploaded, target)
    else:
        logger.info("The training channel is already at %s; nothing uploaded.", target)
    # The trailing slash matters: an S3 channel is a key prefix, and without it
    # channels/abc would also take in channels/abcd/.
    return target


def _has_object(s3, bucket: str, key: str, size: int) -> bool:
    try:
        return s3.head_object(Bucket=bucket, Key=key)["ContentLength"] == size
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
