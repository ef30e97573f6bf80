"""The linear model's ``model.json``: written as plain JSON, read back strictly, and each
malformed document refused with one sentence naming its key."""

import json

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from linear_regression import artifact
from linear_regression.model import fit_arrays
from tests.support import assert_one_sentence, make_training_frames


@pytest.fixture
def rows(features):
    X, y = make_training_frames(features)
    return X.to_numpy(), y["price"].to_numpy()


@pytest.fixture
def document(rows, features) -> dict:
    """A model.json document exactly as training writes it."""
    return fit_arrays(*rows, features)


def refused(raw: str | dict, key: str | None) -> artifact.ModelDocumentError:
    """Parse ``raw`` (text, or a document to dump) and return the one-sentence error."""
    text = raw if isinstance(raw, str) else json.dumps(raw)
    with pytest.raises(artifact.ModelDocumentError) as caught:
        artifact.parse_document(text)
    assert caught.value.key == key
    assert_one_sentence(str(caught.value), "model.json" if key is None else repr(key))
    return caught.value


def test_the_document_holds_exactly_the_format_keys(document, features):
    assert tuple(document) == artifact.DOCUMENT_KEYS
    assert tuple(document["hyperparameters"]) == artifact.HYPERPARAMETER_KEYS
    assert document["format"] == artifact.MODEL_FORMAT == "streamed-linear-regression/1"
    assert document["features"] == features
    assert document["hyperparameters"] == {"fit_intercept": True, "positive": False}


def test_document_round_trip_predicts_as_scikit_learn(rows, document):
    X, y = rows
    reference = LinearRegression().fit(X, y)

    reparsed = artifact.parse_document(json.dumps(document, allow_nan=False).encode())

    assert reparsed == document
    assert artifact.predict(reparsed, X) == pytest.approx(reference.predict(X), rel=1e-9)
    fitted = artifact.check_document(reparsed)
    np.testing.assert_allclose(fitted.coefficients, reference.coef_, rtol=1e-9)
    assert fitted.intercept == pytest.approx(reference.intercept_, rel=1e-9)


def test_foreign_documents_are_refused(document):
    error = refused({**document, "format": "pickle"}, "format")
    assert "'pickle'" in str(error)
    with pytest.raises(artifact.ModelDocumentError, match="format"):
        artifact.check_document({"format": "pickle", "features": [], "intercept": 0})


def with_literal(document: dict, literal: str, key: str, index: int | None = None) -> str:
    """model.json text with ``literal`` written verbatim at ``key`` (or ``key[index]``)."""
    slot = document[key] if index is not None else document
    slot[index if index is not None else key] = "<literal>"
    return json.dumps(document).replace('"<literal>"', literal)


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_naming_the_key(document, constant):
    refused(with_literal(dict(document), constant, "intercept"), "intercept")
    refused(with_literal(document, constant, "coefficients", 0), "coefficients[0]")


@pytest.mark.parametrize("literal", ["9" * 5000, "9" * 5000 + ".5", "-1e999"])
def test_numbers_beyond_float_range_are_refused_naming_the_key(document, literal):
    # 5,000 digits is past Python's int-string conversion limit (4,300 digits).
    error = refused(with_literal(document, literal, "intercept"), "intercept")
    assert "not a finite number" in str(error)


def test_python_ints_beyond_float_range_are_refused(document):
    with pytest.raises(artifact.ModelDocumentError, match="'intercept'"):
        artifact.check_document({**document, "intercept": 10**5000})


@pytest.mark.parametrize("value", ["1.5", {"value": 1.5}, True, None, [1.5]])
def test_coefficients_must_be_real_numbers(document, value):
    document["coefficients"][1] = value
    refused(document, "coefficients[1]")


def test_intercept_must_be_a_real_number(document):
    refused({**document, "intercept": False}, "intercept")


@pytest.mark.parametrize("key", artifact.DOCUMENT_KEYS)
def test_a_missing_key_is_named(document, key):
    del document[key]
    error = refused(document, key)
    assert "is missing" in str(error)


def test_an_extra_key_is_named(document):
    refused({**document, "weights": [1.0]}, "weights")
    document["hyperparameters"]["copy_X"] = True
    refused(document, "hyperparameters.copy_X")


def test_a_huge_extra_key_is_named_by_its_start(document):
    with pytest.raises(artifact.ModelDocumentError) as caught:
        artifact.parse_document(json.dumps({**document, "x" * 1_000_000: 1.0}))
    assert caught.value.key == "x" * 1_000_000
    assert_one_sentence(str(caught.value), "model.json key 'xxxxxxxxxx", "not part of")
    assert len(str(caught.value)) < 300


def test_a_key_given_twice_is_named(document):
    text = json.dumps(document).replace('"intercept":', '"intercept": 1.0, "intercept":')
    refused(text, "intercept")


def test_one_coefficient_per_feature(document):
    document["coefficients"].pop()
    refused(document, "coefficients")


@pytest.mark.parametrize(
    "names, key",
    [
        ([], "features"),
        ("engines", "features"),
        (["", "b"], "features[0]"),
        (["a", 3], "features[1]"),
        (["a", "a"], "features[1]"),
    ],
)
def test_features_are_unique_non_empty_strings(document, names, key):
    document["features"] = names
    document["coefficients"] = [1.0] * len(names)
    refused(document, key)


@pytest.mark.parametrize("value", ["true", 1, None])
def test_hyperparameters_are_booleans(document, value):
    document["hyperparameters"]["positive"] = value
    refused(document, "hyperparameters.positive")


@pytest.mark.parametrize("text", ["", "{", "[1.0]", '"model"', "[" * 100_000, b"\xff\xfe\xfd"])
def test_text_that_is_no_json_object_is_refused(text):
    with pytest.raises(artifact.ModelDocumentError) as caught:
        artifact.parse_document(text)
    assert_one_sentence(str(caught.value), "model.json")


def test_a_sentence_can_name_the_archive_it_came_from(document):
    del document["intercept"]
    with pytest.raises(artifact.ModelDocumentError) as caught:
        artifact.check_document(document)

    sentence = caught.value.sentence("s3://bucket/job/output/model.tar.gz")

    assert sentence == (
        "model.json key 'intercept' in s3://bucket/job/output/model.tar.gz is missing; "
        "retrain with the linear regression's image."
    )
