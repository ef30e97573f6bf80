"""The throwaway registry that tests and ``make rehearse`` start
(``scripts/local_sagemaker/local_sagemaker/registry.py``): a free loopback port, a real
registry behind it, nothing left once it is stopped, one sentence when none can start."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_sagemaker import registry as local_registry
from tests import oci_images
from tests.support import checkout_image_tag

NATIVE = shutil.which("docker-registry")
needs_native = pytest.mark.skipif(
    NATIVE is None and not os.environ.get("CI"),
    reason="Debian's docker-registry is not installed (CI installs it: .ci/docker-env.sh)",
)


def push_blob(address: str, data: bytes) -> str:
    return oci_images.push_blob(address, "probe", data)


def read_blob(address: str, digest: str) -> bytes:
    url = f"http://{address}/v2/probe/blobs/{digest}"
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
        return response.read()


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def started(tmp_path: Path) -> Iterator[list[local_registry.LocalRegistry]]:
    """Registries a test starts; whatever the test does, they are stopped after it."""
    registries: list[local_registry.LocalRegistry] = []
    yield registries
    for registry in registries:
        registry.stop()


@needs_native
def test_two_registries_get_their_own_free_ports_and_store_for_real(tmp_path, started):
    started += [local_registry.start(tmp_path / "a"), local_registry.start(tmp_path / "b")]
    first, second = (registry.address for registry in started)

    assert first != second
    assert all(address.startswith("127.0.0.1:") for address in (first, second))
    digest = push_blob(first, b"a layer")
    assert read_blob(first, digest) == b"a layer"


@needs_native
def test_stopping_ends_the_process_and_removes_what_it_stored(tmp_path, started):
    registry = local_registry.start(tmp_path / "registry")
    started.append(registry)
    push_blob(registry.address, b"a layer")

    registry.stop()

    assert not local_registry.answers(registry.address)
    assert not process_exists(registry.pid)
    assert not Path(registry.root).exists()


@needs_native
def test_the_command_line_starts_one_and_stops_it_from_another_process(tmp_path):
    command = [sys.executable, "-m", "local_sagemaker.registry"]
    state = ["--state-dir", str(tmp_path)]
    start = subprocess.run([*command, "start", *state], capture_output=True, text=True, timeout=60)
    address = start.stdout.strip()
    try:
        assert start.returncode == 0, start.stderr
        assert local_registry.answers(address)
    finally:
        stop = subprocess.run([*command, "stop", *state], capture_output=True, timeout=60)

    assert stop.returncode == 0
    assert not local_registry.answers(address)
    assert not (tmp_path / "registry.json").exists()


def test_without_docker_registry_or_docker_it_says_so_in_one_sentence(tmp_path):
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {**os.environ, "PATH": str(empty_bin)}
    result = subprocess.run(
        [sys.executable, "-m", "local_sagemaker.registry", "start", "--state-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "No local registry can be started: Debian's docker-registry is not installed and the "
        "registry:2 image is not available (docker is not installed); install docker-registry "
        "(apt-get install docker-registry) or let Docker pull registry:2."
    ]


@pytest.fixture(scope="module")
def registry_image() -> Iterator[str]:
    """An image that serves a registry on port 5000 as registry:2 does, made from Debian's
    docker-registry, since registry:2 cannot be pulled on every machine that runs this."""
    if NATIVE is None:
        pytest.skip("Debian's docker-registry is not installed; it is the image's content")
    tag = checkout_image_tag("registry-stand-in")
    config = b"version: 0.1\nstorage: {filesystem: {rootdirectory: /var/lib/registry}}\n"
    config += b"http: {addr: ':5000'}\n"
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w", dereference=True) as tar:
        for path in (NATIVE, *_shared_libraries(NATIVE)):
            tar.add(path, arcname=path.lstrip("/"))
        info = tarfile.TarInfo("etc/docker/registry/config.yml")
        info.size = len(config)
        tar.addfile(info, io.BytesIO(config))
    entrypoint = f'ENTRYPOINT ["{NATIVE}", "serve", "/etc/docker/registry/config.yml"]'
    subprocess.run(
        ["docker", "import", "--change", entrypoint, "-", tag],
        input=archive.getvalue(),
        capture_output=True,
        check=True,
    )
    yield tag
    subprocess.run(["docker", "rmi", tag], capture_output=True, check=False)


def _shared_libraries(binary: str) -> list[str]:
    listing = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    paths = [part for line in listing.splitlines() for part in line.split() if part.startswith("/")]
    return sorted(set(paths))  # each stored with its content: the tar dereferences links


@pytest.mark.docker
def test_without_docker_registry_the_image_runs_on_a_port_docker_picks(
    tmp_path, started, registry_image, monkeypatch
):
    monkeypatch.setenv("LOCAL_REGISTRY_IMAGE", registry_image)

    registry = local_registry.start(tmp_path / "registry", prefer_container=True)
    started.append(registry)
    digest = push_blob(registry.address, b"a layer")
    assert read_blob(registry.address, digest) == b"a layer"
    registry.stop()

    assert not local_registry.answers(registry.address)
    names = subprocess.run(
        ["docker", "ps", "-a", "--format", "{{.Names}}"], capture_output=True, text=True
    ).stdout.split()
    assert registry.container not in names
