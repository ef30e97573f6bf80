"""Time and peak memory of the XGBoost regressor at 1M and 10M rows, three ways, in one run.

For each size it writes the same channel as ``training_scale.py`` (N rows x 8 features,
parquet, as the pipeline writes it) and trains on it with the same hyperparameters:
  - in process, the usual way: pandas reads the channel and XGBoost trains on a DMatrix
    of the frame (the baseline every ratio is against);
  - through the contract: the local backend (LocalToolkitEstimator: the toolkit's train and
    the entry point in a subprocess, as `kedro run` trains), which streams the channel
    into a QuantileDMatrix;
  - in the image: `docker run IMAGE train` under `docker run --memory` caps (8g is an
    ml.m5.large), as SageMaker runs it.
In process and through the contract run --repeats times each, alternating; the table shows
the median of each. Peak memory is the training process's peak RSS (the supervisor logs it
for the contract and the image). Prints one table.

    .venv/bin/python benchmarks/xgboost_scale.py [--rows 1M,10M] [--caps 8g] [--image I]
        [--repeats 2] [--hyperparameters '{"num_boost_round": 100, "max_depth": 6}']
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kedro_sagemaker_byoc.backends.local_estimator import LocalToolkitEstimator
from training_scale import PEAK, _median, _redirect, parse_rows, write_channel

from training_contract.hyperparameters import to_sagemaker
from training_contract.job_folder import HOST, write_job_folder

REPO_ROOT = Path(__file__).resolve().parents[1]
ENTRY_POINT = REPO_ROOT / "models" / "xgboost_regressor" / "train.py"

IN_PROCESS = """
import json, resource, sys, time
import pandas as pd
import xgboost as xgb
from xgboost_regressor.model import HYPERPARAMETERS, booster_params
params = {spec.name: spec.default for spec in HYPERPARAMETERS} | json.loads(sys.argv[2])
started = time.perf_counter()
X = pd.read_parquet(sys.argv[1] + "/X_train.parquet")
y = pd.read_parquet(sys.argv[1] + "/y_train.parquet").iloc[:, 0]
xgb.train(booster_params(params), xgb.DMatrix(X, y), num_boost_round=params["num_boost_round"])
print(time.perf_counter() - started, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def in_process(channel: Path, hyperparameters: dict) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", IN_PROCESS, str(channel), json.dumps(hyperparameters)],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        return float("nan"), float("nan")
    seconds, peak = out.stdout.split()
    return float(seconds), float(peak)


def through_contract(channel: Path, work: Path, hyperparameters: dict) -> tuple[float, float]:
    stored = to_sagemaker(hyperparameters)
    estimator = LocalToolkitEstimator(str(ENTRY_POINT), str(work / "jobs"), stored)
    log = work / "contract.log"
    started = time.perf_counter()
    with log.open("w") as sink, _redirect(sink):
        estimator.fit({"train": str(channel)}, job_name="scale", logs=True)
    seconds = time.perf_counter() - started
    ok = estimator.latest_training_job.describe()["TrainingJobStatus"] == "Completed"
    peaks = PEAK.findall(log.read_text())
    return (seconds if ok else float("nan")), float(peaks[-1]) if peaks else float("nan")


def in_image(
    channel: Path, work: Path, image: str, cap: str, hyperparameters: dict
) -> tuple[float, float, str]:
    job = work / f"image-{cap}"
    write_job_folder(job, to_sagemaker(hyperparameters), ["train"])
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
    if run.returncode == 0:
        outcome = "ok"
    else:
        outcome = failure.read_text().strip()[:60] if failure.exists() else f"exit {run.returncode}"
    return seconds, float(peaks[-1]) if peaks else float("nan"), outcome


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1M,10M")
    parser.add_argument("--caps", default="8g")
    parser.add_argument("--image", default="training-xgboost-regressor:latest")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--hyperparameters", default="{}", help="a JSON object; {} = defaults")
    args = parser.parse_args()
    hyperparameters = json.loads(args.hyperparameters)
    print(f"hyperparameters: {hyperparameters or 'the model defaults'}")
    print("rows | raw X | in process (s, MiB) | contract (s, MiB, x time) | image (cap: s, MiB)")
    for size in args.rows.split(","):
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            raw_mib = write_channel(work / "channel", parse_rows(size)) / 2**20
            bases, contracts = [], []
            for _ in range(args.repeats):
                bases.append(in_process(work / "channel", hyperparameters))
                contracts.append(through_contract(work / "channel", work, hyperparameters))
            base, contract = _median(bases), _median(contracts)
            images = [
                (cap, *in_image(work / "channel", work, args.image, cap, hyperparameters))
                for cap in args.caps.split(",")
            ]
            image_text = "; ".join(f"{c}: {s:.1f} s, {m:.0f} MiB, {o}" for c, s, m, o in images)
            print(
                f"{size} | {raw_mib:.0f} MiB | {base[0]:.1f} s, {base[1]:.0f} MiB | "
                f"{contract[0]:.1f} s, {contract[1]:.0f} MiB ({contract[1] / raw_mib:.2f}x raw), "
                f"{contract[0] / base[0]:.2f}x | {image_text}",
                flush=True,
            )


if __name__ == "__main__":
    main()
