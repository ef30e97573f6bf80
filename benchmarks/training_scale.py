"""Time and peak memory of training at 1M, 10M and 50M rows, three ways, in one run.

For each size it writes a channel of N rows x 8 features (parquet, as the pipeline writes
it) and trains on it:
  - in process: pandas reads the channel, scikit-learn's LinearRegression fits it (the
    baseline every ratio is against);
  - through the contract: the local backend (LocalToolkitEstimator: the toolkit's train and
    the entry point in a subprocess, as `kedro run` trains);
  - in the image: `docker run IMAGE train` under `docker run --memory` caps (8g is an
    ml.m5.large), as SageMaker runs it.
In process and through the contract run --repeats times each, alternating, and the table
shows the median of each (the first run of either is no colder than the other's). Peak
memory is the training process's peak RSS (the supervisor logs it). Prints one table; the
linear model's sizing table in docs/aws.md is made from it.

    .venv/bin/python benchmarks/training_scale.py [--rows 1M,2M,5M,10M,50M] [--caps 8g]
        [--image I] [--repeats 3]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from kedro_sagemaker_byoc.backends.local_estimator import LocalToolkitEstimator

from training_contract.hyperparameters import to_sagemaker
from training_contract.job_folder import HOST, write_job_folder

REPO_ROOT = Path(__file__).resolve().parents[1]
ENTRY_POINT = REPO_ROOT / "models" / "linear_regression" / "train.py"
DEFAULT_FEATURES = (
    "engines",
    "passenger_capacity",
    "crew",
    "d_check_complete",
    "moon_clearance_complete",
    "iata_approved",
    "company_rating",
    "review_scores_rating",
)
CHUNK = 1_000_000
PEAK = re.compile(r"peak memory of training: (\d+) MiB")

IN_PROCESS = """
import resource, sys, time
import pandas as pd
from sklearn.linear_model import LinearRegression
started = time.perf_counter()
X = pd.read_parquet(sys.argv[1] + "/X_train.parquet")
y = pd.read_parquet(sys.argv[1] + "/y_train.parquet").iloc[:, 0]
LinearRegression().fit(X, y)
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def parse_rows(text: str) -> int:
    return int(float(text[:-1]) * 1_000_000) if text.endswith("M") else int(text)


def write_channel(channel: Path, rows: int) -> int:
    """N rows in 1M-row pieces, so writing 50M rows needs no more memory than 1M."""
    channel.mkdir(parents=True)
    rng = np.random.default_rng(0)
    weights = np.arange(1, len(DEFAULT_FEATURES) + 1, dtype=float)
    writers = {}
    for start in range(0, rows, CHUNK):
        n = min(CHUNK, rows - start)
        X = rng.integers(0, 20, (n, len(DEFAULT_FEATURES))).astype(float)
        y = X @ weights + rng.normal(0, 1, n)
        tables = {
            "X_train": pa.table(dict(zip(DEFAULT_FEATURES, X.T, strict=True))),
            "y_train": pa.table({"price": y}),
        }
        for name, table in tables.items():
            if name not in writers:
                path = channel / f"{name}.parquet"
                writers[name] = pq.ParquetWriter(path, table.schema, compression="zstd")
            writers[name].write_table(table)
    for writer in writers.values():
        writer.close()
    return rows * len(DEFAULT_FEATURES) * 8  # raw feature bytes


def in_process(channel: Path) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, str(channel)], capture_output=True, text=True
    )
    if out.returncode:
        return float("nan"), float("nan")
    seconds, peak = out.stdout.split()
    return float(seconds), float(peak)


def through_contract(channel: Path, work: Path) -> tuple[float, float]:
    estimator = LocalToolkitEstimator(str(ENTRY_POINT), str(work / "jobs"), {})
    log = work / "contract.log"
    started = time.perf_counter()
    with log.open("w") as sink, _redirect(sink):
        estimator.fit({"train": str(channel)}, job_name="scale", logs=True)
    seconds = time.perf_counter() - started
    ok = estimator.latest_training_job.describe()["TrainingJobStatus"] == "Completed"
    peaks = PEAK.findall(log.read_text())
    return (seconds if ok else float("nan")), float(peaks[-1]) if peaks else float("nan")


def in_image(channel: Path, work: Path, image: str, cap: str) -> tuple[float, float, str]:
    job = work / f"image-{cap}"
    write_job_folder(job, to_sagemaker({"features": list(DEFAULT_FEATURES)}), ["train"])
    mounts = [f"--volume={channel}:/opt/ml/input/data/train:ro"] + [
        f"--volume={job / f}:/opt/ml/{f}" for f in ("input/config", "model", "output")
    ]
    started = time.perf_counter()
    run = subprocess.run(
        ["docker", "run", "--rm", "--network", "none", f"--hostname={HOST}",
         f"--add-host={HOST}:127.0.0.1", f"--memory={cap}", f"--memory-swap={cap}",
         *mounts, image, "train"],
        capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    peaks = PEAK.findall(run.stdout + run.stderr)
    failure = job / "output/failure"
    outcome = (
        "ok"
        if run.returncode == 0
        else failure.read_text().strip()[:60]
        if failure.exists()
        else f"exit {run.returncode}"
    )
    return seconds, float(peaks[-1]) if peaks else float("nan"), outcome


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The median of the runs, or NaN if any failed: a failure must not hide in a median."""
    if not runs or any(seconds != seconds for seconds, _ in runs):
        return float("nan"), float("nan")
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


@contextlib.contextmanager
def _redirect(sink) -> Iterator[None]:
    """Send this process's stdout and stderr, and so its children's, to ``sink`` for a while."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    os.dup2(sink.fileno(), 1)
    os.dup2(sink.fileno(), 2)
    try:
        yield
    finally:
        for fd, old in zip((1, 2), saved, strict=True):
            os.dup2(old, fd)
            os.close(old)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1M,2M,5M,10M,50M")
    parser.add_argument("--caps", default="8g")
    parser.add_argument("--image", default="spaceflights-training:latest")
    parser.add_argument("--skip-in-process-above", default="50M")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    limit = parse_rows(args.skip_in_process_above)
    print("rows | raw X | in process (s, MiB) | contract (s, MiB, x time) | image (cap: s, MiB)")
    for size in args.rows.split(","):
        rows = parse_rows(size)
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            raw = write_channel(work / "channel", rows)
            bases, contracts = [], []
            for _ in range(args.repeats):
                if rows <= limit:
                    bases.append(in_process(work / "channel"))
                contracts.append(through_contract(work / "channel", work))
            base = _median(bases)
            contract = _median(contracts)
            images = [
                (cap, *in_image(work / "channel", work, args.image, cap))
                for cap in args.caps.split(",")
            ]
            ratio = contract[0] / base[0] if base[0] == base[0] else float("nan")
            image_text = "; ".join(f"{c}: {s:.1f} s, {m:.0f} MiB, {o}" for c, s, m, o in images)
            raw_mib = raw / 2**20
            print(
                f"{size} | {raw_mib:.0f} MiB | {base[0]:.1f} s, {base[1]:.0f} MiB | "
                f"{contract[0]:.1f} s, {contract[1]:.0f} MiB ({contract[1] / raw_mib:.2f}x raw), "
                f"{ratio:.2f}x | {image_text}",
                flush=True,
            )


if __name__ == "__main__":
    main()
