"""What each SageMaker SDK costs a run in imports: the v2 route against the v3 route.

Each module is imported in a fresh interpreter under ``python -X importtime``; the time is
the sum of the cumulative times of the top-level imports the statement made (the
interpreter's own start-up imports are left out), the median of ``--repeats`` runs after
one warm-up run that writes the bytecode caches. The v2 route imports ``sagemaker`` (the
pre-flight imports ``sagemaker.estimator.Estimator`` by name); the v3 route imports
``kedro_sagemaker_byoc.backends.model_trainer`` with the run and the SDK only when a job starts:
sagemaker-core's resources for a SageMaker job, ModelTrainer for local container mode.

    .venv/bin/python benchmarks/sdk_import_time.py [--v2 .venv/bin/python]
        [--v3 .venv-v3/bin/python] [--repeats 5]

Measured here with --repeats 7, interleaved (2 cores, shared with other test runs, load
average about 5, so the wall times are inflated and the CPU seconds are the steadier
figure; SDK v2 2.257.7, sagemaker-train 1.27.0, sagemaker-core 2.27.0):

    venv  module                                  wall (importtime)      CPU
    v2    sagemaker                                          3.05 s   1.62 s
    v2    sagemaker.estimator                                2.61 s   1.63 s
    v3    kedro_sagemaker_byoc.backends.model_trainer                0.49 s   0.26 s
    v3    sagemaker.core.resources                           2.95 s   1.48 s
    v3    sagemaker.train.model_trainer                      3.78 s   1.82 s

So SDK v3 costs a SageMaker job about what v2 costs (sagemaker-core's resources and shapes
are most of it), and local container mode a little more (ModelTrainer also loads its
recipe, JumpStart and pipeline modules). The backend module itself loads no SDK: the
pre-flight and the default environment pay neither, and the SDK is imported when a job
starts.

Neither SDK is on the other's path: a v2 run never imports the v3 backend, and the v3
environment has no v2 ``sagemaker`` package at all (tests_v3/test_environment.py).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
from pathlib import Path

ROUTES = {
    "v2": ["sagemaker", "sagemaker.estimator"],
    "v3": [
        "kedro_sagemaker_byoc.backends.model_trainer",
        "sagemaker.core.resources",
        "sagemaker.train.model_trainer",
    ],
}


# One interpreter per measurement: -X importtime reports the import's wall time, and the
# statement prints the CPU seconds it took, which other load on the machine disturbs less.
MEASURE = (
    "import os; before = os.times(); import {module}; after = os.times(); "
    "print(after.user + after.system - before.user - before.system)"
)


def measure(python: str, module: str, start_up: set[str]) -> tuple[float, float]:
    """Wall seconds (``-X importtime``) and CPU seconds of importing ``module``."""
    result = subprocess.run(
        [python, "-X", "importtime", "-c", MEASURE.format(module=module)],
        capture_output=True,
        text=True,
        check=True,
    )
    imports = top_level(result.stderr)
    wall = sum(us for name, us in imports.items() if name not in start_up) / 1e6
    return wall, float(result.stdout.split()[-1])


def top_level(report: str) -> dict[str, int]:
    """The top-level imports in an ``-X importtime`` report, with cumulative microseconds;
    nested imports are indented under the module that made them."""
    times = {}
    for line in report.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3:
            continue
        cumulative, name = parts[1].strip(), parts[2]
        if cumulative.isdigit() and name[1:2] != " ":
            times[name.strip()] = int(cumulative)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--v2", default=".venv/bin/python", help="the v2 venv's python")
    parser.add_argument("--v3", default=".venv-v3/bin/python", help="the v3 venv's python")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    cases = []
    for route, python in (("v2", args.v2), ("v3", args.v3)):
        if not Path(python).exists():
            print(f"{python} is missing: make setup (v2) or make setup-v3 (v3)")
            continue
        start_up = set(top_level(_report(python)))
        for module in ROUTES[route]:
            measure(python, module, start_up)  # warm-up: bytecode caches
            cases.append((route, python, module, start_up))
    runs: dict[str, list[tuple[float, float]]] = {module: [] for _, _, module, _ in cases}
    for _ in range(args.repeats):  # interleaved, so a busy spell weighs on every case alike
        for _, python, module, start_up in cases:
            runs[module].append(measure(python, module, start_up))
    print(f"{'venv':5} {'module':38} {'wall (importtime)':>18} {'CPU':>8}")
    for route, _, module, _ in cases:
        wall = statistics.median(w for w, _ in runs[module])
        cpu = statistics.median(c for _, c in runs[module])
        print(f"{route:5} {module:38} {wall:16.2f} s {cpu:6.2f} s")


def _report(python: str) -> str:
    return subprocess.run(
        [python, "-X", "importtime", "-c", "import os"], capture_output=True, text=True, check=True
    ).stderr


if __name__ == "__main__":
    main()
