"""A strict reader for the UBJSON that XGBoost's ``Booster.save_model`` writes, in Python.

XGBoost's own loader trusts the tree structure it reads: a child index out of range
crashes the process that loads or predicts (checked with xgboost 3.2). So a model that
crossed S3 is decoded here first, and ``artifact`` checks it, before XGBoost sees a byte.

Only what XGBoost writes is read: objects, counted arrays (``[#`` and typed ``[$t#``),
strings, integers, floats, booleans and null, all big-endian as UBJSON specifies.
Anything else is refused by ``UBJSONError``, naming the byte offset.
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np

# Numbers and typed-array elements, by marker, as big-endian struct (and numpy) layouts.
_SCALARS = {b"i": ">b", b"U": ">B", b"I": ">h", b"l": ">i", b"L": ">q", b"d": ">f", b"D": ">d"}
_CONSTANTS = {b"T": True, b"F": False, b"Z": None}
# XGBoost nests about six levels deep, and writes a few dozen values per tree (each typed
# array is one); far more is not a model, and would only cost memory to decode.
MAX_DEPTH = 32
MAX_VALUES = 2_000_000


class UBJSONError(ValueError):
    """The bytes are not UBJSON as XGBoost writes it."""


def decode(raw: bytes) -> Any:
    """The one value ``raw`` holds (dicts, lists, str, int, float, bool, None, numpy arrays)."""
    reader = _Reader(memoryview(raw))
    value = reader.value(0)
    if reader.at != len(raw):
        raise UBJSONError(f"has {len(raw) - reader.at} bytes after its end (at byte {reader.at})")
    return value


class _Reader:
    def __init__(self, data: memoryview):
        self.data = data
        self.at = 0
        self.values = 0

    def take(self, size: int) -> memoryview:
        if size < 0 or self.at + size > len(self.data):
            raise UBJSONError(f"is cut off: {size} bytes wanted at byte {self.at}")
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk

    def marker(self) -> bytes:
        return bytes(self.take(1))

    def value(self, depth: int, marker: bytes | None = None) -> Any:
        if depth > MAX_DEPTH:
            raise UBJSONError(f"nests deeper than {MAX_DEPTH} levels (at byte {self.at})")
        self.values += 1
        if self.values > MAX_VALUES:
            raise UBJSONError(f"holds more than {MAX_VALUES} values (at byte {self.at})")
        start = self.at
        marker = marker or self.marker()
        if marker in _CONSTANTS:
            return _CONSTANTS[marker]
        if marker in _SCALARS:
            return self.scalar(marker)
        if marker == b"S":
            return self.string()
        if marker == b"[":
            return self.array(depth)
        if marker == b"{":
            return self.object(depth)
        raise UBJSONError(f"has the unexpected marker {marker!r} at byte {start}")

    def scalar(self, marker: bytes) -> int | float:
        layout = _SCALARS[marker]
        (number,) = struct.unpack(layout, self.take(struct.calcsize(layout)))
        return number

    def count(self) -> int:
        marker = self.marker()
        if marker not in _SCALARS or marker in (b"d", b"D"):
            raise UBJSONError(f"has a length that is not an integer at byte {self.at - 1}")
        size = self.scalar(marker)
        if size < 0 or size > len(self.data) - self.at:
            raise UBJSONError(f"claims {size} items at byte {self.at}, more than it holds")
        return size

    def string(self) -> str:
        start = self.at
        try:
            return str(self.take(self.count()), "utf-8")
        except UnicodeDecodeError as error:
            raise UBJSONError(f"has a string that is not UTF-8 at byte {start}") from error

    def array(self, depth: int) -> list[Any] | np.ndarray:
        marker = self.marker()
        if marker == b"$":
            kind = self.marker()
            if kind not in _SCALARS or self.marker() != b"#":
                raise UBJSONError(f"has a typed array XGBoost does not write at byte {self.at}")
            dtype = np.dtype(_SCALARS[kind])
            size = self.count()
            return np.frombuffer(self.take(size * dtype.itemsize), dtype=dtype).astype(
                dtype.newbyteorder("=")
            )
        if marker != b"#":
            raise UBJSONError(f"has an array without a count at byte {self.at - 1}")
        return [self.value(depth + 1) for _ in range(self.count())]

    def object(self, depth: int) -> dict[str, Any]:
        document: dict[str, Any] = {}
        while True:
            start = self.at
            marker = self.marker()
            if marker == b"}":
                return document
            self.at = start
            key = self.string()
            if key in document:
                raise UBJSONError(f"gives the key {key[:80]!r} twice (at byte {start})")
            document[key] = self.value(depth + 1)
