"""How fast, and in how much memory, ``read_model_files`` refuses hostile ``model.tar.gz``.

Builds two archives in a temporary folder and reads each back:
  - 1,000,000 empty entries (about 2 MB packed, 512 MB of tar headers unpacked);
  - a good model.json next to 1 GB of zero padding (about 1 MB packed).
Prints, for each, its packed size, the time to refusal, the peak memory the read allocated
(tracemalloc, in a second read) and the sentence. Both should be refused within a second.

    .venv/bin/python benchmarks/hostile_archive.py [--entries N] [--padding-bytes N]
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import tarfile
import tempfile
import time
import tracemalloc
from pathlib import Path

from kedro_sagemaker_byoc.artifacts import ModelArtifactError, read_model_files

from linear_regression.artifact import MODEL_FORMAT

BLOCK = tarfile.BLOCKSIZE
DOCUMENT = {
    "format": MODEL_FORMAT,
    "features": ["engines"],
    "coefficients": [1.0],
    "intercept": 0.0,
    "hyperparameters": {"fit_intercept": True, "positive": False},
}


class Zeros(io.RawIOBase):
    """``size`` zero bytes, produced as they are read rather than held in memory."""

    def __init__(self, size: int) -> None:
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.left)
        buffer[:count] = bytes(count)
        self.left -= count
        return count


def many_entries(path: Path, entries: int) -> Path:
    """An archive of ``entries`` empty files with distinct names, after a good model.json.

    The headers are written by hand from one template (only the name and checksum change),
    which is ~20 times faster than tarfile.addfile for a million entries.
    """
    payload = json.dumps(DOCUMENT).encode()
    info = tarfile.TarInfo("model.json")
    info.size = len(payload)
    template = bytearray(tarfile.TarInfo("e/0000000").tobuf(tarfile.USTAR_FORMAT))
    with gzip.open(path, "wb", compresslevel=9) as stream:
        stream.write(info.tobuf(tarfile.USTAR_FORMAT))
        stream.write(payload.ljust(-(-len(payload) // BLOCK) * BLOCK, b"\0"))
        batch = bytearray()
        for index in range(entries):
            template[0:9] = b"e/%07d" % index
            template[148:156] = b" " * 8  # the checksum counts its own field as spaces
            template[148:155] = b"%06o\0" % sum(template)
            batch += template
            if len(batch) >= 1 << 20:
                stream.write(batch)
                batch.clear()
        stream.write(batch + bytes(2 * BLOCK))  # two zero blocks end a tar archive
    return path


def padded(path: Path, padding_bytes: int) -> Path:
    """A good model.json next to ``padding_bytes`` of zeros."""
    with tarfile.open(path, "w:gz", compresslevel=9) as tar:
        _add(tar, "model.json", json.dumps(DOCUMENT).encode())
        info = tarfile.TarInfo("padding")
        info.size = padding_bytes
        tar.addfile(info, io.BufferedReader(Zeros(padding_bytes), 1 << 20))
    return path


def _add(tar: tarfile.TarFile, name: str, payload: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(payload)
    tar.addfile(info, io.BytesIO(payload))


def refuse(archive: Path) -> tuple[float, int, str]:
    """Seconds to refusal, peak bytes allocated while refusing, and the sentence."""
    start = time.perf_counter()
    sentence = _read(archive)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    _read(archive)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak, sentence


def _read(archive: Path) -> str:
    try:
        read_model_files(str(archive))
    except ModelArtifactError as exc:
        return str(exc)
    raise SystemExit(f"{archive} was accepted; it should have been refused")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--padding-bytes", type=int, default=1_000_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cases = [
            (f"{args.entries:,} empty entries", many_entries, args.entries),
            (f"{args.padding_bytes:,} bytes of padding", padded, args.padding_bytes),
        ]
        for label, build, size in cases:
            start = time.perf_counter()
            archive = build(Path(folder) / "model.tar.gz", size)
            built = time.perf_counter() - start
            seconds, peak, sentence = refuse(archive)
            print(
                f"{label}: {archive.stat().st_size / 1e6:.1f} MB packed (built in {built:.0f} s); "
                f"refused in {seconds:.3f} s, peak {peak / 1e6:.2f} MB allocated while reading"
            )
            print(f"  {sentence}")


if __name__ == "__main__":
    main()
