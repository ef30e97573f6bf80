"""Print where the last run's model and metrics went.

``python -m kedro_sagemaker_byoc.summary [--env ENV]``, from a Kedro project's folder. It
reads the catalog entries ``training_job``, ``model`` and ``metrics`` (and the plot's, if
the catalog has ``predictions_plot``).
"""

import argparse
import json
import sys
from pathlib import Path

from kedro_sagemaker_byoc.project import config_loader


def catalog_location(dataset: str, env: str | None) -> str:
    """Where the catalog of ``env`` keeps ``dataset``: a path here, or a URI."""
    location = config_loader(env)["catalog"][dataset]["filepath"]
    return location if "://" in location else str(Path(location).resolve())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default=None)
    env = parser.parse_args(argv).env
    catalog = config_loader(env)["catalog"]
    job_file = Path(catalog_location("training_job", env))
    metrics_file = Path(catalog_location("metrics", env))
    if not (job_file.is_file() and metrics_file.is_file()):
        print("No finished run found: run 'kedro run' first.", file=sys.stderr)
        return 1
    job = json.loads(job_file.read_text())
    metrics = json.loads(metrics_file.read_text())
    print()
    reused = " (reused: an earlier run's job, same address)" if job.get("reused") else ""
    print(f"Training job:   {job['job_name']}{reused}")
    print(f"model.tar.gz:   {job['model_artifact']}")
    print(f"Unpacked model: {catalog_location('model', env)}")
    print(f"Metrics:        {metrics_file.resolve()}")
    if "predictions_plot" in catalog:
        print(f"Plot:           {catalog_location('predictions_plot', env)}")
    print("Test " + ", ".join(_score(name, value) for name, value in metrics.items()))
    return 0


def _score(name: str, value: float) -> str:
    label, digits = {"r2": ("R²", 3), "mae": ("MAE", 1), "max_error": ("max error", 1)}.get(
        name, (name, 3)
    )
    return f"{label} {value:.{digits}f}"


if __name__ == "__main__":
    sys.exit(main())
