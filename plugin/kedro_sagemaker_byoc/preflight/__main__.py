"""The training pre-flight on its own, from a Kedro project's folder.

``python -m kedro_sagemaker_byoc.preflight [--env ENV]`` loads the configuration as
``kedro run --env ENV`` would, runs every check that needs no data, and the data checks
too when the training channel exists. Exit 0 when all pass, 1 with the sentences otherwise.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import pandas as pd

from kedro_sagemaker_byoc import preflight
from kedro_sagemaker_byoc.hooks import UnfilledConfigError, refuse_unfilled
from kedro_sagemaker_byoc.preflight.origin import ConfigOrigin, run_env
from kedro_sagemaker_byoc.project import config_loader
from training_contract.environment import FEATURES_FILE, TARGET_FILE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default=None)
    parser.add_argument("--conf-source", default="conf", type=Path)
    args = parser.parse_args(argv)
    loader = config_loader(args.env, args.conf_source)
    args.env = run_env(loader)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    unfilled = ""
    try:
        refuse_unfilled(loader["globals"], args.env)  # kedro run refuses these at its start
    except UnfilledConfigError as error:
        unfilled = str(error)
    parameters = loader["parameters"]
    training = parameters.get("training", {})
    channel = Path(str(training.get("channel", "")))
    X = y = None
    if (channel / FEATURES_FILE).is_file() and (channel / TARGET_FILE).is_file():
        X, y = pd.read_parquet(channel / FEATURES_FILE), pd.read_parquet(channel / TARGET_FILE)
    else:
        print(f"No training channel at {channel} yet: the data checks are left for the run.")
    try:
        preflight.check(
            training,
            parameters.get("model_options", {}),
            X,
            y,
            origin=ConfigOrigin.of(loader),
        )
    except preflight.PreflightError as error:
        print("\n".join(filter(None, (unfilled, str(error)))), file=sys.stderr)
        return 1
    if unfilled:
        print(unfilled, file=sys.stderr)
        return 1
    print(f"Pre-flight passed for the {args.env} environment.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
