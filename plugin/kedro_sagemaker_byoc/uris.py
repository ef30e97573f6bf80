"""Locations as the estimators want them: a channel or output is a URI."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse


def as_uri(location: str) -> str:
    """Leave ``s3://`` and ``file://`` URIs alone; turn a local path into a ``file://`` URI."""
    if "://" in location:
        return location
    return Path(location).resolve().as_uri()


def local_path(location: str) -> Path:
    """The local path behind a plain path or a ``file://`` URI."""
    parsed = urlparse(location)
    if parsed.scheme in ("", "file"):
        return Path(unquote(parsed.path) if parsed.scheme else location)
    raise ValueError(
        f"{location} is not on this machine; the local backend reads channels from local "
        "paths only. Use the sagemaker environment for S3 channels."
    )
