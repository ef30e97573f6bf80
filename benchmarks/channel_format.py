"""Bytes, write time and read time of the training channel's parquet, by format.

Writes the same frames with and without the pandas index, compressed with snappy
(pandas' default), zstd and nothing, and prints each; conf/base/catalog.yml writes the
channel in the winner's format. The frames are the tutorial's channel when `make run`
has written it, and a synthetic 1M x 8 table of small integers either way.

    .venv/bin/python benchmarks/channel_format.py [--rows N]
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

import numpy as np
import pandas as pd

CHANNEL = Path(__file__).resolve().parents[1] / "kedro_project/data/05_model_input/train"


def frames(rows: int) -> dict[str, pd.DataFrame]:
    found = {}
    for name in ("X_train", "y_train"):
        path = CHANNEL / f"{name}.parquet"
        if path.exists():
            found[f"tutorial {name}"] = pd.read_parquet(path)
    rng = np.random.default_rng(0)
    columns = {f"feature_{i}": rng.integers(0, 20, rows).astype(float) for i in range(8)}
    # A shuffled index, as train_test_split leaves it.
    found[f"{rows:,} x 8"] = pd.DataFrame(columns, index=rng.permutation(rows))
    return found


def measure(frame: pd.DataFrame, index: bool, compression: str) -> tuple[int, float, float]:
    buffer = io.BytesIO()
    started = time.perf_counter()
    frame.to_parquet(buffer, index=index, compression=compression)
    written = time.perf_counter() - started
    started = time.perf_counter()
    pd.read_parquet(io.BytesIO(buffer.getvalue()))
    return len(buffer.getvalue()), written, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    for name, frame in frames(args.rows).items():
        baseline = None
        for index in (True, False):
            for compression in ("snappy", "zstd", "none"):
                size, written, read = measure(frame, index, compression)
                baseline = baseline or size
                print(
                    f"{name:18} index={index!s:5} {compression:6} {size / 1024:9.1f} KiB "
                    f"({size / baseline:4.2f}x)  write {written * 1e3:6.1f} ms  "
                    f"read {read * 1e3:6.1f} ms"
                )


if __name__ == "__main__":
    main()
