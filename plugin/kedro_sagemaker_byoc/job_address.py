"""A training job's content address: what it trains on, with what, and at what cost.

Two jobs with one address train the same model on the same resources, so a run that finds
a Completed job with its address can take that job's ``model.tar.gz`` instead of paying
again (``job_reuse``). The address covers:

- the image, by its digest; without an image (the default environment), the entry point
  (a ``train.py``, or the program run for a ``Model``: ``backends.entry_point``) and every
  ``.py`` file of the packages it imports (the model's and the contract), found where
  Python would find them when it runs the entry point;
- the content of each channel (``channel_upload.content_hash``);
- the hyperparameters as SageMaker stores them;
- the estimator class and the settings that change the result or the bill (below).

It leaves out what only names or files a job: its name, tags, output path, role and
metric definitions.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from training_contract.environment import TRAIN_CHANNEL

from .backends.entry_point import EntryPoint, EntryPointError, resolve
from .channel_upload import content_hash

if TYPE_CHECKING:  # the pre-flight imports this module: no cycle at run time
    from .preflight.schema import Estimator, Training

# Bump when what goes into an address changes, so no old address matches by accident.
ADDRESS_FORMAT = "training-job-address/2"
DIGEST_MARK = "@sha256:"
# Estimator settings that change what a job computes or what it costs.
RESOURCE_SETTINGS = (
    "instance_type",
    "instance_count",
    "volume_size",
    "max_run",
    "use_spot_instances",
    "max_wait",
    "checkpoint_s3_uri",
    "volume_kms_key",
    "output_kms_key",
    "subnets",
    "security_group_ids",
    "enable_network_isolation",
    "input_mode",
    "environment",
    "container_entry_point",
    "container_arguments",
)


@dataclass(frozen=True)
class JobAddress:
    """The address, or why this job cannot have one (then nothing is reused)."""

    value: str | None
    unaddressable: str = ""
    # The channel's content hash, so the upload that follows need not read it again.
    channel_hash: str | None = None


def job_address(settings: Training, hyperparameters: Mapping[str, str]) -> JobAddress:
    """The content address of the job that the checked ``settings`` describe."""
    estimator = settings.estimator
    image, unaddressable = _image_identity(estimator)
    if image is None:
        return JobAddress(None, unaddressable)
    channel_hash = content_hash(Path(settings.channel))
    document = {
        "format": ADDRESS_FORMAT,
        "estimator": estimator.class_,
        "image": image,
        "channels": {TRAIN_CHANNEL: channel_hash},
        "hyperparameters": dict(hyperparameters),
        "resources": {key: getattr(estimator, key, None) for key in RESOURCE_SETTINGS},
    }
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return JobAddress(hashlib.sha256(canonical.encode()).hexdigest(), channel_hash=channel_hash)


def _image_identity(estimator: Estimator) -> tuple[str | None, str]:
    """What the job runs, by content; or None and the reason it is not known by content."""
    image = estimator.image_uri
    if image:
        if DIGEST_MARK in image:
            return image[image.index(DIGEST_MARK) + 1 :], ""
        return None, (
            f"the image {image} is named by a tag, which can point at other code by now; "
            "name it by digest (repository@sha256:...) to reuse jobs"
        )
    entry_point = estimator.entry_point
    if not entry_point:
        return None, "the estimator names neither an image nor an entry point"
    try:
        program = resolve(str(entry_point))
    except (OSError, EntryPointError) as error:
        # The job itself stops with this error's sentence; here it only rules out reuse.
        return None, f"its entry point cannot be run ({type(error).__name__})"
    return "code:" + code_hash(program), ""


def code_hash(entry_point: EntryPoint) -> str:
    """The entry point and the sources of the packages it imports, hashed together.

    Only ``.py`` files count, so compiled caches written by a run do not change it. A
    package beside the entry point wins over an installed one, as when Python runs it.
    """
    parts = {"entry_point": hashlib.sha256(entry_point.source).hexdigest()}
    for name in sorted(_imported_packages(entry_point)):
        folder = entry_point.folder / name if entry_point.folder else None
        if folder is None or not folder.is_dir():
            spec = importlib.util.find_spec(name)
            locations = list(spec.submodule_search_locations or []) if spec else []
            if not locations:
                continue  # a module of the standard library or a single file: not ours
            folder = Path(locations[0])
        parts[name] = content_hash(folder, "*.py")
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _imported_packages(entry_point: EntryPoint) -> set[str]:
    tree = ast.parse(entry_point.source, filename=entry_point.name)
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names
