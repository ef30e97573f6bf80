"""Typed hyperparameters: every client's spelling of a value parses to the declared type,
and every malformed value or unknown name is one sentence naming the hyperparameter."""

from __future__ import annotations

import json

import pytest

from tests.support import assert_one_sentence
from training_contract.errors import TrainingInputError
from training_contract.hyperparameters import Hyperparameter, parse, to_args, to_sagemaker

DECLARED = (
    Hyperparameter("columns", list, default=()),
    Hyperparameter("depth", int, default=6, minimum=1, maximum=12),
    Hyperparameter("rate", float, default=0.3, minimum=0.0, maximum=1.0),
    Hyperparameter("shuffle", bool, default=True),
    Hyperparameter("label", str, default="run"),
)
DEFAULTS = {"columns": (), "depth": 6, "rate": 0.3, "shuffle": True, "label": "run"}


def one(name: str, raw: str):
    """The parsed value of ``--name raw``, the others taking their defaults."""
    return parse(DECLARED, [f"--{name}", raw])[name]


def refused(name: str, raw: str, *fragments: str) -> TrainingInputError:
    with pytest.raises(TrainingInputError) as raised:
        parse(DECLARED, [f"--{name}", raw])
    assert raised.value.hyperparameter == name
    assert_one_sentence(str(raised.value), repr(name), *fragments)
    return raised.value


def test_nothing_given_is_every_default():
    assert parse(DECLARED, []) == DEFAULTS


def test_parses_the_toolkit_form_of_every_kind():
    args = ["--columns", "a,b", "--depth", "3", "--rate", "0.5", "--shuffle", "False"]
    args += ["--label", "x y"]

    assert parse(DECLARED, args) == {
        "columns": ("a", "b"),
        "depth": 3,
        "rate": 0.5,
        "shuffle": False,
        "label": "x y",
    }


# ---- lists: one value, every client's spelling --------------------------------------------

LIST_SPELLINGS = {
    # SDK v2's Estimator stores str(value); the toolkit cannot decode it and passes it on.
    "v2 str(list)": str(["a", "b c", "d"]),
    # SDK v3 and the AWS CLI store JSON; the toolkit decodes it, then str()s the list.
    "v3 JSON decoded then str()": str(json.loads('["a", "b c", "d"]')),
    # JSON itself, as someone passes it to the entry point by hand.
    "JSON": '["a", "b c", "d"]',
    "comma string": "a,b c,d",
    "comma string with spaces": " a , b c ,d ",
}


@pytest.mark.parametrize("raw", LIST_SPELLINGS.values(), ids=list(LIST_SPELLINGS))
def test_a_list_arrives_the_same_from_every_client(raw):
    assert one("columns", raw) == ("a", "b c", "d")


def test_a_list_with_quotes_in_its_names_survives_str():
    names = ["o'brien", 'say "hi"']
    assert one("columns", str(names)) == tuple(names)
    assert one("columns", json.dumps(names)) == tuple(names)


def test_one_name_is_a_list_of_one():
    assert one("columns", "width") == ("width",)


@pytest.mark.parametrize("raw", ["", "[]", "[1, 2]", "['a', 3]", '["a", ', "[a, b]", "[['a']]"])
def test_a_malformed_list_is_named(raw):
    refused("columns", raw, "must be a list of names", 'a JSON list such as ["a", "b"]')


# ---- numbers: int and float, malformed values and bounds ----------------------------------


@pytest.mark.parametrize(("raw", "value"), [("3", 3), (" 7 ", 7), ("6.0", 6), ("1e1", 10)])
def test_an_int_accepts_whole_numbers_as_text_or_json_floats(raw, value):
    parsed = one("depth", raw)
    assert parsed == value and type(parsed) is int


@pytest.mark.parametrize("raw", ["6.5", "six", "", "True", "nan", "inf", "1e400", "[6]"])
def test_a_malformed_int_is_named(raw):
    refused("depth", raw, "must be a whole number", "such as 6")


@pytest.mark.parametrize(("raw", "value"), [("0.25", 0.25), ("1e-3", 0.001), ("1", 1.0)])
def test_a_float_accepts_numbers(raw, value):
    parsed = one("rate", raw)
    assert parsed == value and type(parsed) is float


@pytest.mark.parametrize("raw", ["fast", "", "NaN", "Infinity", "-inf", "1e400", "0,5"])
def test_a_malformed_or_non_finite_float_is_named(raw):
    refused("rate", raw, "must be a number", "such as 0.3")


@pytest.mark.parametrize(
    ("name", "raw", "shown"),
    [("depth", "0", "is 0"), ("depth", "13", "is 13"), ("rate", "-0.5", "is -0.5")],
)
def test_a_number_out_of_bounds_names_both_bounds(name, raw, shown):
    bounds = {"depth": "at least 1 and at most 12", "rate": "at least 0 and at most 1"}[name]
    refused(name, raw, shown, f"must be {bounds}", "change it in the job's hyperparameters")


def test_bounds_include_both_ends():
    assert (one("depth", "1"), one("depth", "12"), one("rate", "0"), one("rate", "1")) == (
        1,
        12,
        0.0,
        1.0,
    )


def test_one_bound_alone_is_named_alone():
    declared = (Hyperparameter("trees", int, default=10, minimum=1),)
    with pytest.raises(TrainingInputError) as raised:
        parse(declared, ["--trees", "0"])
    assert "must be at least 1;" in str(raised.value)
    assert "at most" not in str(raised.value)


# ---- booleans and text --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "value"),
    [("True", True), ("true", True), ("1", True), ("yes", True), (" TRUE ", True)]
    + [("False", False), ("false", False), ("0", False), ("no", False)],
)
def test_booleans_in_every_spelling(raw, value):
    assert one("shuffle", raw) is value


@pytest.mark.parametrize("raw", ["maybe", "", "2", "on"])
def test_a_malformed_boolean_is_named(raw):
    refused("shuffle", raw, "must be true or false")


def test_text_is_kept_as_given():
    assert one("label", " two  words ") == " two  words "


# ---- names and arguments ------------------------------------------------------------------


def test_an_unknown_hyperparameter_is_named_with_what_the_model_accepts():
    with pytest.raises(TrainingInputError) as raised:
        parse(DECLARED, ["--depth", "3", "--alpha", "0.1"])

    assert raised.value.hyperparameter == "alpha"
    assert_one_sentence(
        str(raised.value),
        "Unknown hyperparameter 'alpha': this model accepts columns, depth, rate, shuffle, label",
        "remove it from the job's hyperparameters",
    )


def test_a_required_hyperparameter_that_is_missing_is_named():
    declared = (Hyperparameter("target", str), *DECLARED)
    with pytest.raises(TrainingInputError) as raised:
        parse(declared, ["--depth", "3"])
    assert raised.value.hyperparameter == "target"
    assert_one_sentence(str(raised.value), "'target' is required and was not given")


def test_a_repeated_hyperparameter_is_refused():
    with pytest.raises(TrainingInputError, match="'depth' is given twice"):
        parse(DECLARED, ["--depth", "3", "--depth", "4"])


@pytest.mark.parametrize("args", [["--depth"], ["depth", "3"], ["--depth", "3", "--rate"]])
def test_arguments_that_are_not_name_value_pairs_are_malformed(args):
    with pytest.raises(TrainingInputError) as raised:
        parse(DECLARED, args)
    assert_one_sentence(str(raised.value), "malformed at", "expected '--name value' pairs")


def test_a_sentence_names_the_hyperparameter_not_a_client_setting():
    error = refused("shuffle", "maybe")
    assert "model_options" not in str(error)


def test_a_kind_the_contract_cannot_parse_is_refused_when_declared():
    with pytest.raises(TypeError, match="'weights'"):
        Hyperparameter("weights", dict)


# ---- the trip from a client through SageMaker and the toolkit ----------------------------

VALUES = {"columns": ("a", "b c"), "depth": 3, "rate": 0.125, "shuffle": False, "label": "x,y"}


def test_to_sagemaker_json_encodes_every_value():
    assert to_sagemaker(VALUES) == {
        "columns": '["a", "b c"]',
        "depth": "3",
        "rate": "0.125",
        "shuffle": "false",
        "label": '"x,y"',
    }


def test_to_args_builds_what_the_toolkit_passes():
    stored = {**to_sagemaker(VALUES), "sagemaker_program": '"train.py"', "plain": "a,b"}

    assert to_args(stored) == [
        "--columns",
        "['a', 'b c']",
        "--depth",
        "3",
        "--label",
        "x,y",
        "--plain",
        "a,b",
        "--rate",
        "0.125",
        "--shuffle",
        "False",
    ]


def test_every_kind_survives_the_trip_from_a_v3_client():
    assert parse(DECLARED, to_args(to_sagemaker(VALUES))) == VALUES


def test_every_kind_survives_the_trip_from_a_v2_client():
    # SDK v2 stores str(value) for each hyperparameter.
    stored = {name: str(list(v) if isinstance(v, tuple) else v) for name, v in VALUES.items()}
    assert stored["columns"] == "['a', 'b c']" and stored["shuffle"] == "False"

    assert parse(DECLARED, to_args(stored)) == VALUES
