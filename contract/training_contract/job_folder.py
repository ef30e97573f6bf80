"""The job folder SageMaker lays out before it starts a training container (File mode).

Anything that runs the entry point as SageMaker would (the local backend, the
``train_local.sh`` script, the image tests) writes the folder through this module, so
there is one description of it. Standard library only: it also runs outside the venv.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from .environment import CONFIG_DIR, DATA_DIR, HOST, MODEL_DIR, OUTPUT_DIR

INSTANCE_GROUP = "homogeneousCluster"


def write_job_folder(
    base_dir: Path,
    hyperparameters: Mapping[str, str],
    channels: Iterable[str],
    host: str = HOST,
    instance_type: str = "local",
) -> Path:
    """Create ``input/config/*.json``, ``input/data/``, ``model/`` and ``output/``.

    ``hyperparameters`` are the stored strings (SageMaker keeps every value as a string);
    ``instance_type`` is the job's (``ml.m5.large``), or ``local`` off SageMaker.
    Copying the channel data into ``input/data/<channel>/`` is left to the caller.
    """
    config = base_dir / CONFIG_DIR
    for folder in (config, base_dir / DATA_DIR, base_dir / MODEL_DIR, base_dir / OUTPUT_DIR):
        folder.mkdir(parents=True, exist_ok=True)
    data_config = {
        channel: {
            "TrainingInputMode": "File",
            "S3DistributionType": "FullyReplicated",
            "RecordWrapperType": "None",
        }
        for channel in channels
    }
    resource_config = {
        "current_host": host,
        "current_instance_type": instance_type,
        "current_group_name": INSTANCE_GROUP,
        "hosts": [host],
        "instance_groups": [
            {"instance_group_name": INSTANCE_GROUP, "instance_type": instance_type, "hosts": [host]}
        ],
        "network_interface_name": "eth0",
    }
    for name, document in (
        ("hyperparameters.json", dict(hyperparameters)),
        ("inputdataconfig.json", data_config),
        ("resourceconfig.json", resource_config),
    ):
        (config / name).write_text(json.dumps(document, indent=2))
    return base_dir
