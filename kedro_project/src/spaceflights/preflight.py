"""Run the training pre-flight on its own: ``python -m spaceflights.preflight [--env ENV]``.

From kedro_project/; ``make preflight KEDRO_ENV=...`` calls it. It loads the configuration
as ``kedro run --env ENV`` would, runs every check that needs no data, and the data checks
too when the training channel exists. Exit 0 when all pass, 1 with the sentences otherwise.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import pandas as pd

logging.disable(logging.INFO)  # importing Kedro's framework logs its logging setup
from spaceflights.hooks import UnfilledConfigError, refuse_unfilled  # noqa: E402
from spaceflights.settings import CONFIG_LOADER_ARGS, CONFIG_LOADER_CLASS  # noqa: E402
from spaceflights.training import preflight  # noqa: E402
from spaceflights.training.preflight.origin import ConfigOrigin  # noqa: E402

logging.disable(logging.NOTSET)
from training_contract.environment import FEATURES_FILE, TARGET_FILE  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default=CONFIG_LOADER_ARGS["default_run_env"])
    parser.add_argument("--conf-source", default="conf", type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    loader = CONFIG_LOADER_CLASS(
        str(args.conf_source), **{**CONFIG_LOADER_ARGS, "default_run_env": args.env}
    )
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
            origin=ConfigOrigin(args.conf_source, args.env),
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
