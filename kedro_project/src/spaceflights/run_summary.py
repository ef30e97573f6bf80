"""Print where the last run's model and metrics went: ``python -m spaceflights.run_summary``."""

import json
import sys
from pathlib import Path

TRAINING_JOB = Path("data/06_models/training_job.json")
MODEL = Path("data/06_models/model.json")
METRICS = Path("data/08_reporting/metrics.json")


def main() -> int:
    if not (TRAINING_JOB.is_file() and METRICS.is_file()):
        print("No finished run found: run 'make run' first.", file=sys.stderr)
        return 1
    job = json.loads(TRAINING_JOB.read_text())
    metrics = json.loads(METRICS.read_text())
    here = Path.cwd()
    print()
    print(f"Training job:   {job['job_name']}")
    print(f"model.tar.gz:   {job['model_artifact']}")
    print(f"Unpacked model: {here / MODEL}")
    print(f"Metrics:        {here / METRICS}")
    print(
        f"Test R² {metrics['r2']:.3f}, MAE {metrics['mae']:.1f}, "
        f"max error {metrics['max_error']:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
