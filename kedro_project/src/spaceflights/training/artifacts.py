"""``model.tar.gz``: packing it as SageMaker does, and reading it back safely."""

from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path, PurePosixPath
from typing import Any

import fsspec

from spaceflights_training.environment import MODEL_FILE

# A model.json is kilobytes; refuse anything that would fill memory, packed or unpacked.
MAX_ARCHIVE_BYTES = 100 * 1024 * 1024
MAX_MODEL_FILE_BYTES = 10 * 1024 * 1024


class ModelArtifactError(ValueError):
    """``model.tar.gz`` is missing, unsafe or not a model this project trained."""


def pack_model_dir(model_dir: Path, archive: Path) -> Path:
    """Tar and gzip the files of ``model_dir`` at the archive's top level, atomically."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    partial = archive.with_name(f".{archive.name}.partial")
    try:
        with tarfile.open(partial, "w:gz") as tar:
            for path in sorted(model_dir.rglob("*")):
                tar.add(path, arcname=path.relative_to(model_dir).as_posix(), recursive=False)
        os.replace(partial, archive)
    finally:
        partial.unlink(missing_ok=True)
    return archive


def read_model_document(uri: str, storage_options: dict[str, Any] | None = None) -> dict:
    """Read ``model.json`` out of the ``model.tar.gz`` at ``uri`` (a path, file:// or s3://)."""
    try:
        with fsspec.open(uri, "rb", **(storage_options or {})) as stream:
            payload = stream.read(MAX_ARCHIVE_BYTES + 1)
    except FileNotFoundError as exc:
        raise ModelArtifactError(
            f"No model artifact at {uri}; the training job did not upload model.tar.gz there."
        ) from exc
    if len(payload) > MAX_ARCHIVE_BYTES:
        raise ModelArtifactError(f"{uri} is larger than {MAX_ARCHIVE_BYTES} bytes; refusing it.")
    try:
        with tarfile.open(fileobj=io.BytesIO(payload), mode="r:gz") as tar:
            member = _model_member(tar, uri)
            document = json.loads(tar.extractfile(member).read())
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise ModelArtifactError(
            f"{uri} is not a complete gzip tar archive ({exc}); the upload may have been cut "
            "short, so rerun the training job."
        ) from exc
    except json.JSONDecodeError as exc:
        raise ModelArtifactError(f"{MODEL_FILE} in {uri} is not valid JSON ({exc}).") from exc
    return document


def _model_member(tar: tarfile.TarFile, uri: str) -> tarfile.TarInfo:
    # Check every member, not just the one we read: an archive with links or paths that
    # climb out of its folder is not one our trainer wrote.
    for member in tar.getmembers():
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise ModelArtifactError(
                f"{uri} holds an unsafe entry {member.name!r} (absolute path, '..' or link); "
                "refusing to read it."
            )
    member = next(
        (m for m in tar.getmembers() if PurePosixPath(m.name) == PurePosixPath(MODEL_FILE)), None
    )
    if member is None:
        raise ModelArtifactError(
            f"{uri} has no {MODEL_FILE} at its top level; was it trained by this project's image?"
        )
    if not member.isfile():
        raise ModelArtifactError(f"{MODEL_FILE} in {uri} is not a regular file.")
    if member.size > MAX_MODEL_FILE_BYTES:
        raise ModelArtifactError(
            f"{MODEL_FILE} in {uri} unpacks to {member.size} bytes, more than a model of this "
            f"project can be ({MAX_MODEL_FILE_BYTES}); refusing it."
        )
    return member
