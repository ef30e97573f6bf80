"""The training image as ECR holds it, whoever built and pushed it: its manifest
(``ecr:BatchGetImage``) and its configuration blob (``ecr:GetDownloadUrlForLayer``), and
what SageMaker needs of that configuration (rows 23, 24, 33 and 37 of the failure list)."""

from __future__ import annotations

import hashlib
import json
import posixpath
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .aws_calls import AwsCalls

MANIFESTS = (
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
)
INDEXES = (
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.index.v1+json",
)
PLATFORM = "linux/amd64"
CONFIG_LIMIT = 4 * 1024 * 1024  # configurations are a few KiB; a bigger blob is not one
SHELLS = {"sh", "bash", "ash", "dash", "zsh"}


@dataclass(frozen=True)
class ImageConfig:
    """What SageMaker depends on in an image's configuration. Without ``env`` only the
    platforms are known: an index that lists no linux/amd64 image."""

    platform: str
    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    env: dict[str, str] | None = None


def read(aws: AwsCalls, account: str, repository: str, digest: str) -> ImageConfig | str | None:
    """The image's configuration; or why it could not be read, for the caller to warn
    with; or None when a call was denied (already a warning naming the permission)."""
    ids = {"registryId": account, "repositoryName": repository}
    manifest = _manifest(aws, ids, digest)
    if not isinstance(manifest, dict):
        return manifest
    if manifest.get("mediaType") in INDEXES or "manifests" in manifest:
        listed = {
            _platform(entry.get("platform", {})): entry["digest"]
            for entry in manifest.get("manifests", [])
        }
        if PLATFORM not in listed:
            return ImageConfig(" and ".join(sorted(listed)) or "no platform")
        manifest = _manifest(aws, ids, listed[PLATFORM])
        if not isinstance(manifest, dict):
            return manifest
    config_digest = manifest.get("config", {}).get("digest", "")
    located, code = aws.call("ecr", "get_download_url_for_layer", **ids, layerDigest=config_digest)
    if located is None:
        return code and f"ECR did not give its configuration blob ({code})"
    try:
        blob = _download(located["downloadUrl"])
        if "sha256:" + hashlib.sha256(blob).hexdigest() != config_digest:
            return f"the configuration blob ECR served does not match its digest {config_digest}"
        return _parse(json.loads(blob))
    except (OSError, ValueError) as error:
        return f"its configuration blob could not be read ({error})"


def problems(config: ImageConfig, job_environment: Mapping[str, str] | None) -> list[str]:
    """What stops SageMaker from running the image as a training job, one clause each."""
    if config.platform != PLATFORM:
        return [f"it is built for {config.platform}, not {PLATFORM}"]
    found = []
    entry = config.entrypoint
    if len(entry) > 1 and posixpath.basename(entry[0]) in SHELLS and entry[1] == "-c":
        found.append(
            f"its ENTRYPOINT is in shell form ({' '.join(entry)[:80]}), so the 'train' argument "
            "SageMaker passes is dropped and SIGTERM never reaches training (use the exec "
            'form, ENTRYPOINT ["program", "arg"])'
        )
    environment = {**(config.env or {}), **(job_environment or {})}
    if not environment.get("SAGEMAKER_PROGRAM"):
        found.append("SAGEMAKER_PROGRAM is not set")
    if not environment.get("PYTHONUNBUFFERED"):
        found.append("PYTHONUNBUFFERED=1 is not set, so log lines may be lost")
    return found


def bare_start_warning(config: ImageConfig) -> str | None:
    """SageMaker runs ``IMAGE train``, but SDK v3's local mode and a bare ``docker run``
    give no command: without an ENTRYPOINT that is CMD, which had better be ``train``."""
    if config.env is None or config.entrypoint or config.cmd[-1:] == ["train"]:
        return None
    what = " ".join(config.cmd) or "nothing (Docker refuses to start it)"
    return (
        f"Started without a command, as SageMaker SDK v3's local mode and a plain docker run "
        f'start it, the image runs {what}, not train; add CMD ["train"] to its Dockerfile.'
    )


def _manifest(aws: AwsCalls, ids: dict[str, str], digest: str) -> dict[str, Any] | str | None:
    found, code = aws.call(
        "ecr",
        "batch_get_image",
        **ids,
        imageIds=[{"imageDigest": digest}],
        acceptedMediaTypes=[*MANIFESTS, *INDEXES],
    )
    if found is None:
        return code and f"ECR did not give its manifest ({code})"
    if not found.get("images"):
        failures = [f.get("failureCode", "?") for f in found.get("failures", [])]
        return f"ECR did not give its manifest ({', '.join(failures) or 'no image'})"
    return json.loads(found["images"][0]["imageManifest"])


def _download(url: str) -> bytes:
    # A presigned URL needs no credentials; the local registry is plain HTTP on loopback.
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - ECR's own URL
        blob = response.read(CONFIG_LIMIT + 1)
    if len(blob) > CONFIG_LIMIT:
        raise ValueError(f"it is over {CONFIG_LIMIT // 1024 // 1024} MiB")
    return blob


def _parse(blob: dict[str, Any]) -> ImageConfig:
    settings = blob.get("config") or {}
    env = dict(item.partition("=")[::2] for item in settings.get("Env") or [])
    return ImageConfig(
        platform=_platform(blob),
        entrypoint=list(settings.get("Entrypoint") or []),
        cmd=list(settings.get("Cmd") or []),
        env=env,
    )


def _platform(described: Mapping[str, Any]) -> str:
    return f"{described.get('os', 'unknown')}/{described.get('architecture', 'unknown')}"
