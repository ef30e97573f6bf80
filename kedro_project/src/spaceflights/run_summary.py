"""Print where the last run's model and metrics went.

``python -m spaceflights.run_summary [--env ENV]``, from kedro_project/; ``make run`` calls it.
"""

import argparse
import json
import logging
import sys
from pathlib import Path

# Importing the settings imports Kedro's framework, which logs its logging setup: noise
# under a run that already printed it.
logging.disable(logging.INFO)
from spaceflights.settings import CONFIG_LOADER_ARGS, CONFIG_LOADER_CLASS  # noqa: E402

logging.disable(logging.NOTSET)

TRAINING_JOB = Path("data/06_models/training_job.json")
METRICS = Path("data/08_reporting/metrics.json")


def catalog_location(dataset: str, env: str) -> str:
    """Where the catalog of ``env`` keeps ``dataset``: a path here, or a URI."""
    loader = CONFIG_LOADER_CLASS("conf", **{**CONFIG_LOADER_ARGS, "default_run_env": env})
    location = loader["catalog"][dataset]["filepath"]
    return location if "://" in location else str(Path(location).resolve())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default=CONFIG_LOADER_ARGS["default_run_env"])
    env = parser.parse_args(argv).env
    if not (TRAINING_JOB.is_file() and METRICS.is_file()):
        print("No finished run found: run 'make run' first.", file=sys.stderr)
        return 1
    job = json.loads(TRAINING_JOB.read_text())
    metrics = json.loads(METRICS.read_text())
    print()
    reused = " (reused: an earlier run's job, same address)" if job.get("reused") else ""
    print(f"Training job:   {job['job_name']}{reused}")
    print(f"model.tar.gz:   {job['model_artifact']}")
    print(f"Unpacked model: {catalog_location('model', env)}")
    print(f"Metrics:        {METRICS.resolve()}")
    print(f"Plot:           {catalog_location('price_predictions_plot', env)}")
    print(
        f"Test R² {metrics['r2']:.3f}, MAE {metrics['mae']:.1f}, "
        f"max error {metrics['max_error']:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
