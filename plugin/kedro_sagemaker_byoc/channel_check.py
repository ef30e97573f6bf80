"""Before a run: the datasets the training node reads are the files of ``training.channel``.

A training job reads its channel from files, never from this process's memory. A project
that leaves ``X_train`` or ``y_train`` in memory (as Kedro's starter does), or saves them
somewhere other than ``training.channel``, would pass every other check, start a job, and
then fail on "Training channel 'train' is missing". This check stops the run first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kedro.framework.hooks import hook_impl
from kedro.io import DataCatalog
from kedro.pipeline import Pipeline

from training_contract.environment import FEATURES_FILE, TARGET_FILE

from .preflight.findings import Findings
from .preflight.origin import current


def check_channel(pipeline: Pipeline, catalog: DataCatalog, project_path: Path) -> Findings:
    """One sentence per training input that is not the file its channel needs."""
    from .nodes import train_model

    findings = Findings()
    for node in pipeline.nodes:
        if node.func is not train_model:
            continue
        features, target, _, training_param = node.inputs
        training: dict[str, Any] = catalog.load(training_param) if training_param in catalog else {}
        channel = training.get("channel")
        if not channel:
            continue  # the pre-flight names the missing setting
        for name, file in ((features, FEATURES_FILE), (target, TARGET_FILE)):
            expected = (project_path / channel / file).resolve()
            where = current().where("training.channel")
            found = _filepath(catalog, name)
            if found is None:
                findings.fail(
                    f"{name!r} is kept in memory, but a training job reads its channel from "
                    f"files; add a catalog entry for {name!r} (pandas.ParquetDataset) with "
                    f"filepath {channel}/{file}, in the folder {where} names."
                )
            elif (project_path / found).resolve() != expected:
                findings.fail(
                    f"The catalog saves {name!r} to {found}, but the training channel is "
                    f"{channel} ({where}); set its filepath to {channel}/{file}."
                )
    return findings


def _filepath(catalog: DataCatalog, name: str) -> str | None:
    if name not in catalog:
        return None
    description = catalog[name]._describe()  # noqa: SLF001 - what every dataset reports
    location = description.get("filepath") or description.get("path")
    return str(location) if location else None


class CheckTrainingChannel:
    """Stop a run whose training inputs are not the files of its channel, before any node."""

    @hook_impl
    def before_pipeline_run(
        self, run_params: dict[str, Any], pipeline: Pipeline, catalog: DataCatalog
    ) -> None:
        check_channel(pipeline, catalog, Path(run_params["project_path"])).raise_if_failed()


check_training_channel = CheckTrainingChannel()
