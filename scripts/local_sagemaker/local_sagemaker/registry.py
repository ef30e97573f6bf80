"""A throwaway OCI registry on a free loopback port, standing in for ECR's storage.

Tests and ``make rehearse`` start one here instead of assuming one answers on a fixed
port. Debian's ``docker-registry`` (Docker's distribution) is used where it is installed,
since it needs no image; otherwise the ``registry:2`` image, where Docker can pull it (or
already has it; LOCAL_REGISTRY_IMAGE names another). ``python -m local_sagemaker.registry
start|stop --state-dir DIR`` is the command-line form: ``start`` prints ``127.0.0.1:PORT``
and leaves the registry running until ``stop``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from .registry_kinds import (
    LocalRegistry,
    NoRegistry,
    answers,
    pull_image,
    start_container,
    start_native,
)

__all__ = ["LocalRegistry", "NoRegistry", "answers", "start"]

DEFAULT_IMAGE = "registry:2"
STATE_FILE = "registry.json"


def start(root: Path | None = None, prefer_container: bool = False) -> LocalRegistry:
    """Start a registry storing under ``root`` (a new temporary folder when None)."""
    folder = Path(root or tempfile.mkdtemp(prefix="local-registry-"))
    folder.mkdir(parents=True, exist_ok=True)
    native = shutil.which("docker-registry")
    if native and not prefer_container:
        return start_native(native, folder)
    image = os.environ.get("LOCAL_REGISTRY_IMAGE", DEFAULT_IMAGE)
    why_not_image = pull_image(image)
    if why_not_image is None:
        return start_container(image, folder)
    raise NoRegistry(
        "No local registry can be started: Debian's docker-registry is not installed "
        f"and the {image} image is not available ({why_not_image}); install docker-registry "
        f"(apt-get install docker-registry) or let Docker pull {image}."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local_sagemaker.registry",
        description="Start or stop a throwaway registry on a free 127.0.0.1 port.",
    )
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--state-dir", required=True, type=Path, help="its data and its record")
    args = parser.parse_args(argv)
    state = args.state_dir / STATE_FILE
    if args.action == "stop":
        if state.exists():
            LocalRegistry(**json.loads(state.read_text())).stop()
            state.unlink(missing_ok=True)
        return 0
    try:
        registry = start(args.state_dir / "registry")
    except NoRegistry as error:
        print(error, file=sys.stderr)
        return 1
    state.write_text(json.dumps(registry.record()))
    print(registry.address)
    return 0


if __name__ == "__main__":
    sys.exit(main())
