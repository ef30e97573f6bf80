"""``model.tar.gz``: packing it as SageMaker does, and reading it back safely."""

from __future__ import annotations

import gzip
import os
import tarfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO, Any

import fsspec

from spaceflights_training import model
from spaceflights_training.environment import MODEL_FILE

# A model.json is kilobytes and the trainer writes nothing else; refuse anything that would
# fill memory or take long to read, packed or unpacked. The archive is read as a stream and
# the first cap crossed stops the reading, so a hostile archive costs little.
MAX_ARCHIVE_BYTES = 100 * 1024 * 1024
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_MODEL_FILE_BYTES = 10 * 1024 * 1024
UNPACKS_TO = "unpacks to more than"


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
    """Read ``model.json`` out of the ``model.tar.gz`` at ``uri`` (a path, file:// or s3://).

    The document is checked with the model format's own ``model.parse_document``.
    """
    try:
        with fsspec.open(uri, "rb", **(storage_options or {})) as stream:
            raw = _read_model_file(stream, uri)
    except FileNotFoundError as exc:
        raise ModelArtifactError(
            f"No model artifact at {uri}; the training job did not upload model.tar.gz there."
        ) from exc
    try:
        return model.parse_document(raw)
    except model.ModelDocumentError as exc:
        raise ModelArtifactError(exc.sentence(uri)) from exc


class _TooLarge(Exception):
    """A capped stream went past its cap; the message finishes the sentence."""


class _Capped:
    """A read-only stream that raises ``_TooLarge`` once more than ``cap`` bytes were read."""

    def __init__(self, stream: IO[bytes], cap: int, what: str) -> None:
        self._stream, self._cap, self._what, self._count = stream, cap, what, 0

    def read(self, size: int | None = -1) -> bytes:
        # Never ask for more than one byte past the cap, whatever the caller wants.
        left = self._cap - self._count + 1
        data = self._stream.read(left if size is None or size < 0 else min(size, left))
        self._count += len(data)
        if self._count > self._cap:
            raise _TooLarge(f"{self._what} {self._cap} bytes")
        return data


def _read_model_file(stream: IO[bytes], uri: str) -> bytes:
    packed = _Capped(stream, MAX_ARCHIVE_BYTES, "is larger than")
    unpacked = _Capped(gzip.GzipFile(fileobj=packed, mode="rb"), MAX_UNPACKED_BYTES, UNPACKS_TO)
    try:
        with tarfile.open(fileobj=unpacked, mode="r|") as tar:
            model_file = _scan(tar, uri)
        # Read to the end, so that gzip checks its length and CRC: a cut-off upload fails.
        while unpacked.read(64 * 1024):
            pass
    except _TooLarge as exc:
        raise ModelArtifactError(
            f"{uri} {exc}, more than a model of this project can be; refusing it."
        ) from exc
    except (tarfile.TarError, EOFError, OSError, zlib.error, RecursionError) as exc:
        raise ModelArtifactError(
            f"{uri} is not a complete gzip tar archive ({exc}); the upload may have been cut "
            "short, so rerun the training job."
        ) from exc
    return model_file


def _scan(tar: tarfile.TarFile, uri: str) -> bytes:
    # Check every entry, not just the one we read: an archive with links, paths that climb
    # out of its folder or two entries of one name is not one our trainer wrote, and
    # `tar -x` might unpack a different model.json from it than the one read here.
    seen: set[PurePosixPath] = set()
    unpacked = 0
    model_file: bytes | None = None
    for count, member in enumerate(tar, start=1):
        if count > MAX_ENTRIES:
            raise ModelArtifactError(
                f"{uri} holds more than {MAX_ENTRIES} entries, more than a model of this "
                "project has; refusing it."
            )
        path = PurePosixPath(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise ModelArtifactError(
                f"{uri} holds an unsafe entry {member.name!r} (absolute path, '..', link or "
                "special file); refusing to read it."
            )
        if path in seen:
            raise ModelArtifactError(
                f"{uri} holds {member.name!r} twice, so tools would disagree on which one "
                "to unpack; refusing it."
            )
        seen.add(path)
        unpacked += member.size if member.isfile() else 0
        if unpacked > MAX_UNPACKED_BYTES:
            # Stop at the header, before unpacking what it announces.
            raise _TooLarge(f"{UNPACKS_TO} {MAX_UNPACKED_BYTES} bytes")
        if path == PurePosixPath(MODEL_FILE):
            model_file = _read_member(tar, member, uri)
    if model_file is None:
        raise ModelArtifactError(
            f"{uri} has no {MODEL_FILE} at its top level; retrain with this project's "
            "training image."
        )
    return model_file


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo, uri: str) -> bytes:
    if not member.isfile():
        raise ModelArtifactError(f"{MODEL_FILE} in {uri} is not a regular file.")
    if member.size > MAX_MODEL_FILE_BYTES:
        raise ModelArtifactError(
            f"{MODEL_FILE} in {uri} unpacks to {member.size} bytes, more than a model of this "
            f"project can be ({MAX_MODEL_FILE_BYTES}); refusing it."
        )
    return tar.extractfile(member).read()
