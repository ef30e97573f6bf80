"""The strict UBJSON reader: XGBoost's own output decodes exactly; anything else is refused."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest
import xgboost as xgb

from xgboost_regressor import ubjson


def plain(value):
    """Decoded UBJSON as JSON would hold it (typed arrays as lists)."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def test_decodes_a_booster_exactly_as_xgboosts_own_json(model_bytes: bytes):
    booster = xgb.Booster()
    booster.load_model(bytearray(model_bytes))
    as_json = json.loads(booster.save_raw("json"))

    decoded = ubjson.decode(model_bytes)

    # XGBoost's JSON prints float32 values with fewer digits; compare them as float32.
    floats = {"base_weights", "loss_changes", "split_conditions", "sum_hessian"}
    for ours, theirs in zip(
        decoded["learner"]["gradient_booster"]["model"]["trees"],
        as_json["learner"]["gradient_booster"]["model"]["trees"],
        strict=True,
    ):
        for name in floats:
            assert np.array_equal(ours.pop(name), np.float32(theirs.pop(name)))
    assert plain(decoded) == as_json


def key(name: str) -> bytes:
    return b"L" + struct.pack(">q", len(name)) + name.encode()


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        (b"", "is cut off"),
        (b"N", "unexpected marker b'N'"),
        (b"H", "unexpected marker b'H'"),
        (b"{" + key("a") + b"i\x01" + key("a") + b"i\x02}", "gives the key 'a' twice"),
        (b"[i\x01]", "has an array without a count"),
        (b"[$d#L" + struct.pack(">q", 10**12), "claims 1000000000000 items"),
        (b"SL" + struct.pack(">q", -1), "claims -1 items"),
        (b"Sd\x00\x00\x00\x00", "has a length that is not an integer"),
        (b"Si\x02\xff\xfe", "has a string that is not UTF-8"),
        (b"[$C#i\x01a", "has a typed array XGBoost does not write"),
        (b"[#i\x01" * 40 + b"Z", "nests deeper than 32 levels"),
        (b"ZZ", "has 1 bytes after its end"),
        # A few bytes a value, millions of them: refused before they cost memory.
        (b"[#L" + struct.pack(">q", 2_000_001) + b"Z" * 2_000_001, "more than 2000000 values"),
    ],
)
def test_anything_xgboost_does_not_write_is_refused(raw: bytes, fragment: str):
    with pytest.raises(ubjson.UBJSONError) as error:
        ubjson.decode(raw)

    assert fragment in str(error.value)


def test_scalars_and_containers_decode_to_python_values():
    raw = b"{" + key("n") + b"D" + struct.pack(">d", 1.5) + key("t") + b"T" + key("z") + b"Z"
    raw += (
        key("l")
        + b"[#U\x02I\x01\x00SU\x01x"
        + key("a")
        + b"[$l#U\x02\x00\x00\x00\x07\xff\xff\xff\xff}"
    )

    decoded = ubjson.decode(raw)

    assert plain(decoded) == {"n": 1.5, "t": True, "z": None, "l": [256, "x"], "a": [7, -1]}
    assert decoded["a"].dtype == np.int32
