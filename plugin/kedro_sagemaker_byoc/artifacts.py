"""``model.tar.gz``: packing it as SageMaker does, and reading its files back safely.

The reader knows no model format: it returns the archive's regular files by name, and the
model's adapter (``training.model_adapter``) makes a model of them.
"""

from __future__ import annotations

import gzip
import os
import tarfile
import zlib
from pathlib import Path, PurePosixPath
from typing import IO, Any

import fsspec

from .preflight.schema import ArtifactLimits

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


def read_model_files(
    uri: str,
    limits: ArtifactLimits | None = None,
    storage_options: dict[str, Any] | None = None,
) -> dict[str, bytes]:
    """The regular files of the ``model.tar.gz`` at ``uri`` (a path, file:// or s3://), by
    their names in the archive; ModelArtifactError with one sentence if it is unsafe."""
    try:
        with fsspec.open(uri, "rb", **(storage_options or {})) as stream:
            return _read_files(stream, uri, limits or ArtifactLimits())
    except FileNotFoundError as exc:
        raise ModelArtifactError(
            f"No model artifact at {uri}; the training job did not upload model.tar.gz there."
        ) from exc


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


def _read_files(stream: IO[bytes], uri: str, limits: ArtifactLimits) -> dict[str, bytes]:
    packed = _Capped(stream, limits.max_archive_bytes, "is larger than")
    unpacked = _Capped(
        gzip.GzipFile(fileobj=packed, mode="rb"), limits.max_unpacked_bytes, UNPACKS_TO
    )
    try:
        with tarfile.open(fileobj=unpacked, mode="r|") as tar:
            files = _scan(tar, uri, limits)
        # Read to the end, so that gzip checks its length and CRC: a cut-off upload fails.
        while unpacked.read(64 * 1024):
            pass
    except _TooLarge as exc:
        raise ModelArtifactError(
            f"{uri} {exc}, past training.artifact_limits; refusing it (raise the limit if "
            "the model is really this large)."
        ) from exc
    except (tarfile.TarError, EOFError, OSError, zlib.error, RecursionError) as exc:
        raise ModelArtifactError(
            f"{uri} is not a complete gzip tar archive ({exc}); the upload may have been cut "
            "short, so rerun the training job."
        ) from exc
    return files


def _scan(tar: tarfile.TarFile, uri: str, limits: ArtifactLimits) -> dict[str, bytes]:
    # Check every entry, not just the one we read: an archive with links, paths that climb
    # out of its folder or two entries of one name is not one a trainer wrote, and
    # `tar -x` might unpack different files from it than the ones read here.
    seen: set[PurePosixPath] = set()
    unpacked = 0
    files: dict[str, bytes] = {}
    for count, member in enumerate(tar, start=1):
        if count > limits.max_entries:
            raise ModelArtifactError(
                f"{uri} holds more than {limits.max_entries:,} entries, past "
                "training.artifact_limits.max_entries; refusing it."
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
        if unpacked > limits.max_unpacked_bytes:
            # Stop at the header, before unpacking what it announces.
            raise _TooLarge(f"{UNPACKS_TO} {limits.max_unpacked_bytes} bytes")
        if member.isfile():
            if member.size > limits.max_file_bytes:
                raise ModelArtifactError(
                    f"{member.name!r} in {uri} unpacks to {member.size} bytes, past "
                    f"training.artifact_limits.max_file_bytes ({limits.max_file_bytes}); "
                    "refusing it."
                )
            files[path.as_posix()] = tar.extractfile(member).read()
    return files
