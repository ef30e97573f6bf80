"""How long the training image takes to end after SageMaker's stop signal.

Starts ``docker run IMAGE train`` on a SageMaker-shaped job whose channel is big enough
to train for seconds, waits for the entry point's "Reading the training channel" line,
then sends the stop (``docker stop -t 120``, SageMaker's grace, and ``docker kill -s
INT``) and times it until the container has exited. Prints the seconds, the exit code
and the failure sentence for each; the contract is well under 10 seconds, non-zero, with
an empty model/.

    .venv/bin/python benchmarks/stop_latency.py [--image IMAGE] [--rows N]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from training_contract.hyperparameters import to_sagemaker
from training_contract.job_folder import HOST, write_job_folder
from training_contract.trainer import TRAINING_STARTED

FEATURES = ["engines", "passenger_capacity", "crew", "company_rating"]
STOPS = {"SIGTERM (docker stop -t 120)": ["stop", "-t", "120"], "SIGINT": ["kill", "-s", "INT"]}


def lay_out(job: Path, rows: int) -> None:
    write_job_folder(job, to_sagemaker({"features": FEATURES, "fit_intercept": True}), ["train"])
    channel = job / "input/data/train"
    channel.mkdir(parents=True)
    rng = np.random.default_rng(0)
    X = pd.DataFrame({name: rng.random(rows) for name in FEATURES})
    y = pd.DataFrame({"price": X.to_numpy() @ np.arange(1.0, len(FEATURES) + 1)})
    X.to_parquet(channel / "X_train.parquet")
    y.to_parquet(channel / "y_train.parquet")


def measure(image: str, job: Path, stop: list[str]) -> tuple[float, int, str, list[str]]:
    for folder in ("model", "output"):
        subprocess.run(["rm", "-rf", str(job / folder)], check=True)
        (job / folder).mkdir()
    name = f"stop-latency-{uuid.uuid4().hex[:8]}"
    mounts = [f"--volume={job / f}:/opt/ml/{f}" for f in ("input", "model", "output")]
    subprocess.run(
        ["docker", "run", "-d", "--name", name, "--network", "none", "--hostname", HOST,
         "--add-host", f"{HOST}:127.0.0.1", *mounts, image],
        check=True, capture_output=True,
    )  # fmt: skip
    logs = subprocess.Popen(
        ["docker", "logs", "-f", name], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    for line in logs.stdout:
        if TRAINING_STARTED in line:
            break
    started = time.monotonic()
    subprocess.run(["docker", *stop, name], check=True, capture_output=True)
    code = int(subprocess.run(["docker", "wait", name], capture_output=True, text=True).stdout)
    seconds = time.monotonic() - started
    logs.kill()
    subprocess.run(["docker", "rm", "-f", name], capture_output=True)
    failure = job / "output/failure"
    reason = failure.read_text().strip() if failure.exists() else "(no failure file)"
    return seconds, code, reason, sorted(p.name for p in (job / "model").iterdir())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", default="spaceflights-training:latest")
    parser.add_argument("--rows", type=int, default=3_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        job = Path(folder) / "job"
        lay_out(job, args.rows)
        for label, stop in STOPS.items():
            seconds, code, reason, model = measure(args.image, job, stop)
            print(f"{label}: exited {code} after {seconds:.2f} s; model/ holds {model}")
            print(f"  {reason}")


if __name__ == "__main__":
    main()
