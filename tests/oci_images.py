"""Small but real images written straight into a registry over its HTTP API (no Docker):
a config blob, one layer and a manifest, or an index of such manifests. The pre-flight
reads what another pipeline pushed through ECR; these let tests push any configuration."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
import urllib.request

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"

# What the project's Dockerfile sets, as `docker image inspect` shows it.
TRAINING_CONFIG = {
    "Entrypoint": [
        "/usr/bin/tini",
        "--",
        "/opt/venv/bin/python",
        "-m",
        "training_contract.supervisor",
    ],
    "Cmd": ["train"],
    "Env": [
        "PATH=/opt/venv/bin:/usr/local/bin:/usr/bin:/bin",
        "PYTHONUNBUFFERED=1",
        "SAGEMAKER_PROGRAM=train.py",
    ],
}


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def push_blob(registry: str, repository: str, data: bytes) -> str:
    """Upload ``data`` as a blob of ``repository`` (one POST, one PUT); return its digest."""
    digest = digest_of(data)
    start = urllib.request.Request(
        f"http://{registry}/v2/{repository}/blobs/uploads/", method="POST"
    )
    with urllib.request.urlopen(start, timeout=10) as response:  # noqa: S310 - loopback
        location = response.headers["Location"]
    if location.startswith("/"):
        location = f"http://{registry}{location}"
    separator = "&" if "?" in location else "?"
    put = urllib.request.Request(f"{location}{separator}digest={digest}", data=data, method="PUT")
    put.add_header("Content-Type", "application/octet-stream")
    urllib.request.urlopen(put, timeout=10).close()  # noqa: S310 - loopback
    return digest


def push_manifest(registry: str, repository: str, manifest: bytes, media_type: str) -> str:
    """Store ``manifest`` under its digest in ``repository``; return the digest."""
    digest = digest_of(manifest)
    put = urllib.request.Request(
        f"http://{registry}/v2/{repository}/manifests/{digest}", data=manifest, method="PUT"
    )
    put.add_header("Content-Type", media_type)
    urllib.request.urlopen(put, timeout=10).close()  # noqa: S310 - loopback
    return digest


def push_image(
    registry: str, repository: str, config: dict | None = None, platform: str = "linux/amd64"
) -> tuple[bytes, str]:
    """An image of one small layer whose config is ``config`` (``TRAINING_CONFIG`` when
    None) for ``platform``; returns its manifest and the manifest's digest."""
    layer = _layer()
    os_name, _, architecture = platform.partition("/")
    image_config = {
        "architecture": architecture,
        "os": os_name,
        "config": TRAINING_CONFIG if config is None else config,
        "rootfs": {"type": "layers", "diff_ids": [digest_of(gzip.decompress(layer))]},
    }
    config_blob = json.dumps(image_config).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": DOCKER_MANIFEST,
        "config": {
            "mediaType": DOCKER_CONFIG,
            "size": len(config_blob),
            "digest": push_blob(registry, repository, config_blob),
        },
        "layers": [
            {
                "mediaType": DOCKER_LAYER,
                "size": len(layer),
                "digest": push_blob(registry, repository, layer),
            }
        ],
    }
    body = json.dumps(manifest).encode()
    return body, push_manifest(registry, repository, body, DOCKER_MANIFEST)


def push_index(
    registry: str, repository: str, platforms: list[str]
) -> tuple[bytes, str, list[tuple[bytes, str]]]:
    """An OCI index of one image per platform (``unknown/unknown`` is an attestation, as
    buildx pushes one next to each image); returns the index, its digest, and each
    image's manifest and digest."""
    entries, images = [], []
    for platform in platforms:
        manifest, digest = push_image(registry, repository, platform=platform)
        images.append((manifest, digest))
        os_name, _, architecture = platform.partition("/")
        entries.append(
            {
                "mediaType": DOCKER_MANIFEST,
                "digest": digest,
                "size": len(manifest),
                "platform": {"os": os_name, "architecture": architecture},
            }
        )
    body = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}).encode()
    return body, push_manifest(registry, repository, body, OCI_INDEX), images


def _layer() -> bytes:
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w") as tar:
        content = b"#!/bin/sh\n"
        info = tarfile.TarInfo("opt/venv/bin/train")
        info.size, info.mode = len(content), 0o755
        tar.addfile(info, io.BytesIO(content))
    return gzip.compress(archive.getvalue(), mtime=0)
