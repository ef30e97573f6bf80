import io
import json
import math
import tarfile

import pytest
import yaml
from kedro.io import DatasetError
from kedro_datasets.json import JSONDataset

from spaceflights.training import artifacts
from spaceflights.training.artifacts import ModelArtifactError, pack_model_dir, read_model_document
from spaceflights_training import model
from spaceflights_training.hyperparameters import Hyperparameters
from tests.support import PROJECT_DIR, REPO_ROOT, assert_one_sentence, make_training_frames


@pytest.fixture
def document(features) -> dict:
    """A model.json document exactly as the trainer writes it."""
    X, y = make_training_frames(features)
    params = Hyperparameters(features=tuple(features))
    return model.to_document(model.fit(X, y.iloc[:, 0], params), params)


def model_json(document: dict, literal: str | None = None, key: str = "intercept") -> bytes:
    """``document`` as model.json, with ``literal`` written verbatim at ``key`` if given."""
    if literal is None:
        return json.dumps(document).encode()
    return json.dumps({**document, key: "<literal>"}).replace('"<literal>"', literal).encode()


def write_archive(path, members: list[tuple[str, bytes]], symlink: str | None = None):
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        for name, payload in members:
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
        if symlink:
            info = tarfile.TarInfo(symlink)
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            tar.addfile(info)
    return path


def refused(archive, *fragments: str) -> str:
    """Read ``archive``; it must be refused in one sentence naming it and ``fragments``."""
    with pytest.raises(ModelArtifactError) as caught:
        read_model_document(str(archive))
    assert_one_sentence(str(caught.value), str(archive), *fragments)
    return str(caught.value)


def test_pack_then_read_round_trip(tmp_path, document):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "model.json").write_bytes(model_json(document))

    archive = pack_model_dir(model_dir, tmp_path / "out" / "model.tar.gz")

    assert read_model_document(archive.as_uri()) == document
    assert [p.name for p in archive.parent.iterdir()] == ["model.tar.gz"]


@pytest.mark.parametrize("name", ["../model.json", "/etc/model.json", "sub/../../x"])
def test_paths_that_climb_out_are_refused(tmp_path, document, name):
    archive = write_archive(
        tmp_path / "m.tar.gz", [("model.json", model_json(document)), (name, b"x")]
    )
    refused(archive, "unsafe entry")


def test_links_are_refused(tmp_path, document):
    archive = write_archive(
        tmp_path / "m.tar.gz", [("model.json", model_json(document))], symlink="evil"
    )
    refused(archive, "unsafe entry 'evil'")


def test_truncated_upload_is_not_taken_for_a_model(tmp_path, document):
    archive = write_archive(tmp_path / "m.tar.gz", [("model.json", model_json(document))])
    archive.write_bytes(archive.read_bytes()[:-40])
    refused(archive, "not a complete gzip tar archive")


def test_missing_model_json_and_missing_archive_are_named(tmp_path):
    archive = write_archive(tmp_path / "m.tar.gz", [("weights.bin", b"x")])
    refused(archive, "has no model.json")
    with pytest.raises(ModelArtifactError, match="No model artifact"):
        read_model_document(str(tmp_path / "absent.tar.gz"))


def test_a_model_json_that_unpacks_huge_is_refused(tmp_path):
    archive = write_archive(tmp_path / "m.tar.gz", [("model.json", b" " * (11 * 1024 * 1024))])
    refused(archive, "unpacks to")


def test_too_many_entries_are_refused_at_the_cap(tmp_path, document):
    # The reader stops at entry MAX_ENTRIES + 1 (1,001), so an archive just over the cap
    # proves the cap; benchmarks/hostile_archive.py times the 1,000,000-entry archive.
    assert artifacts.MAX_ENTRIES == 1000
    names = [(f"empty/{index:07d}", b"") for index in range(artifacts.MAX_ENTRIES)]
    archive = write_archive(tmp_path / "m.tar.gz", [("model.json", model_json(document)), *names])
    refused(archive, "more than 1000 entries")


def test_padding_beyond_the_unpacked_cap_is_refused(tmp_path, document):
    # Padding one byte over MAX_UNPACKED_BYTES (32 MiB); the 1 GB case is in the benchmark.
    padding = bytes(artifacts.MAX_UNPACKED_BYTES + 1)
    archive = write_archive(
        tmp_path / "m.tar.gz", [("model.json", model_json(document)), ("padding", padding)]
    )
    refused(archive, f"unpacks to more than {artifacts.MAX_UNPACKED_BYTES} bytes")


@pytest.mark.parametrize("second", ["model.json", "./model.json"])
def test_two_model_json_entries_are_refused(tmp_path, document, second):
    other = model_json({**document, "intercept": 0.0})
    archive = write_archive(
        tmp_path / "m.tar.gz", [("model.json", model_json(document)), (second, other)]
    )
    refused(archive, f"holds {second!r} twice")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_naming_the_key(tmp_path, document, constant):
    archive = write_archive(tmp_path / "m.tar.gz", [("model.json", model_json(document, constant))])
    refused(archive, "key 'intercept'", "not a finite number")
    coefficients = ", ".join([constant, *map(str, document["coefficients"][1:])])
    payload = model_json(document, f"[{coefficients}]", "coefficients")
    archive = write_archive(tmp_path / "m.tar.gz", [("model.json", payload)])
    refused(archive, "key 'coefficients[0]'", "not a finite number")


@pytest.mark.parametrize("literal", ['"1.5"', '{"value": 1.5}', "true"])
def test_coefficients_that_are_not_numbers_are_refused(tmp_path, document, literal):
    coefficients = ", ".join([literal, *map(str, document["coefficients"][1:])])
    payload = model_json(document, f"[{coefficients}]", "coefficients")
    archive = write_archive(tmp_path / "m.tar.gz", [("model.json", payload)])
    refused(archive, "key 'coefficients[0]'", "must be a number")


def test_a_missing_key_is_named(tmp_path, document):
    del document["intercept"]
    archive = write_archive(tmp_path / "m.tar.gz", [("model.json", model_json(document))])
    refused(archive, "key 'intercept'", "is missing")


def test_an_extra_key_is_named(tmp_path, document):
    payload = model_json({**document, "pickle": "gASV"})
    archive = write_archive(tmp_path / "m.tar.gz", [("model.json", payload)])
    refused(archive, "key 'pickle'", "not part of the model format")


def test_a_5000_digit_number_is_refused_naming_the_key(tmp_path, document):
    payload = model_json(document, "9" * 5000)
    archive = write_archive(tmp_path / "m.tar.gz", [("model.json", payload)])
    refused(archive, "key 'intercept'", "not a finite number")


def test_the_unpacked_model_is_saved_as_standard_json_only(tmp_path):
    # unpack_model refuses NaN before saving; the catalog's allow_nan: false is a second guard.
    # conf/base's entry is the one every environment uses.
    for catalog in PROJECT_DIR.glob("conf/*/catalog.yml"):
        if catalog.parent.name != "base":
            assert "model" not in (yaml.safe_load(catalog.read_text()) or {}), catalog
    entry = yaml.safe_load((PROJECT_DIR / "conf/base/catalog.yml").read_text())["model"]
    dataset = JSONDataset(filepath=str(tmp_path / "model.json"), save_args=entry["save_args"])
    with pytest.raises(DatasetError, match="not JSON compliant"):
        dataset.save({"intercept": math.nan})


def test_the_readme_states_the_caps_in_force():
    readme = (REPO_ROOT / "README.md").read_text()
    mib = 1024 * 1024
    assert f"more than {artifacts.MAX_ENTRIES:,} entries" in readme
    assert f"over {artifacts.MAX_ARCHIVE_BYTES // mib} MiB packed" in readme
    assert f"{artifacts.MAX_UNPACKED_BYTES // mib} MiB unpacked" in readme
    assert f"over {artifacts.MAX_MODEL_FILE_BYTES // mib} MiB" in readme
