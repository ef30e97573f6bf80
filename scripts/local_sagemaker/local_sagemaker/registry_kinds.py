"""The two kinds of local registry (Debian's ``docker-registry`` process, or the registry
image in a container), each on a free 127.0.0.1 port, and how each is stopped."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

START_SECONDS = 30


class NoRegistry(RuntimeError):
    """No registry could be started here; the message says what is missing and what to do."""


@dataclass
class LocalRegistry:
    """A running registry: ``address`` is ``127.0.0.1:PORT`` (what ``docker push`` takes)."""

    address: str
    root: str
    pid: int | None = None
    container: str | None = None
    _process: subprocess.Popen | None = field(default=None, repr=False)

    def record(self) -> dict[str, str | int | None]:
        """What ``stop`` needs, for another process to stop it (the command line's stop)."""
        return {
            "address": self.address,
            "root": self.root,
            "pid": self.pid,
            "container": self.container,
        }

    def stop(self) -> None:
        """Stop the registry and remove what it stored."""
        if self.container:
            subprocess.run(["docker", "rm", "-f", self.container], capture_output=True, check=False)
        if self.pid:
            _end(self.pid, self._process)
        shutil.rmtree(self.root, ignore_errors=True)


def answers(address: str) -> bool:
    """Whether a registry answers ``GET /v2/`` on ``address``."""
    try:
        with urllib.request.urlopen(f"http://{address}/v2/", timeout=2):  # noqa: S310 - loopback
            return True
    except OSError:
        return False


def start_native(binary: str, folder: Path) -> LocalRegistry:
    # The port is free when chosen; another process may take it before the registry binds
    # it, so a registry that exits at once is started again on another port.
    for _ in range(3):
        address = f"127.0.0.1:{_free_port()}"
        config = folder / "config.yml"
        config.write_text(
            "version: 0.1\n"
            f"storage: {{filesystem: {{rootdirectory: {folder / 'data'}}}, "
            "delete: {enabled: true}}\n"
            f"http: {{addr: {address}}}\n"
        )
        with (folder / "registry.log").open("ab") as log:
            process = subprocess.Popen(
                [binary, "serve", str(config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # outlives `start` on the command line; one group to end
            )
        if _wait_until_up(address, process):
            return LocalRegistry(address, str(folder), pid=process.pid, _process=process)
        _end(process.pid, process)
    raise NoRegistry(
        f"docker-registry did not come up on 127.0.0.1; see {folder / 'registry.log'}."
    )


def start_container(image: str, folder: Path) -> LocalRegistry:
    name = f"local-registry-{uuid.uuid4().hex[:12]}"
    # Port 0 on the host side: Docker picks a free loopback port and says which.
    run = subprocess.run(
        ["docker", "run", "-d", "--rm", "--name", name, "-p", "127.0.0.1::5000", image],
        capture_output=True,
        text=True,
        check=False,
    )
    registry = LocalRegistry("", str(folder), container=name)
    if run.returncode != 0:
        registry.stop()
        raise NoRegistry(f"docker run {image} failed: {_last_line(run.stderr)}.")
    port = subprocess.run(
        ["docker", "port", name, "5000/tcp"], capture_output=True, text=True, check=False
    ).stdout.split()
    registry.address = port[0] if port else ""
    if not registry.address or not _wait_until_up(registry.address):
        registry.stop()
        raise NoRegistry(f"the {image} container did not answer on 127.0.0.1.")
    return registry


def pull_image(image: str) -> str | None:
    """None when the image is here or was pulled, else why not (Docker's last line)."""
    if shutil.which("docker") is None:
        return "docker is not installed"
    present = subprocess.run(
        ["docker", "image", "inspect", image], capture_output=True, check=False
    )
    if present.returncode == 0:
        return None
    try:
        pull = subprocess.run(
            ["docker", "pull", image], capture_output=True, text=True, check=False, timeout=300
        )
    except subprocess.TimeoutExpired:
        return "docker pull did not finish in 5 minutes"
    return None if pull.returncode == 0 else _last_line(pull.stderr) or "docker pull failed"


def _wait_until_up(address: str, process: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and (process is None or process.poll() is None):
        if answers(address):
            return True
        time.sleep(0.1)
    return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _end(pid: int, process: subprocess.Popen | None = None) -> None:
    """SIGTERM to the registry's process group, then SIGKILL if it is not gone in 5 s."""
    for stop_signal in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, stop_signal)
        if _gone(pid, process, seconds=5):
            return


def _gone(pid: int, process: subprocess.Popen | None, seconds: float) -> bool:
    if process is not None:  # our child: wait for it, which also reaps it
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            return False
        return True
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1].rstrip(".") if lines else ""
