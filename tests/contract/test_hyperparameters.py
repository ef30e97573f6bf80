import pytest

from spaceflights_training.errors import TrainingInputError
from spaceflights_training.hyperparameters import (
    DEFAULT_FEATURES,
    Hyperparameters,
    parse_args,
    to_args,
    to_sagemaker,
)


def test_parses_the_toolkit_form_of_the_model_options():
    args = ["--features", "engines,crew", "--fit_intercept", "False", "--positive", "true"]
    assert parse_args(args) == Hyperparameters(
        features=("engines", "crew"), fit_intercept=False, positive=True
    )


def test_to_sagemaker_carries_features_and_options():
    assert to_sagemaker(["a", "b"], {"fit_intercept": True}) == {
        "features": '"a,b"',
        "fit_intercept": "true",
    }


def test_unknown_hyperparameter_is_named():
    with pytest.raises(TrainingInputError, match=r"Unknown hyperparameter 'alpha'"):
        parse_args(["--features", "a", "--alpha", "0.1"])


def test_malformed_boolean_is_named():
    with pytest.raises(TrainingInputError, match=r"'fit_intercept' must be true or false"):
        parse_args(["--features", "a", "--fit_intercept", "maybe"])


def test_dangling_flag_is_malformed():
    with pytest.raises(TrainingInputError, match=r"malformed at '--features'"):
        parse_args(["--features"])


def test_no_hyperparameters_train_the_tutorial_model():
    assert parse_args([]) == Hyperparameters(
        features=DEFAULT_FEATURES, fit_intercept=True, positive=False
    )


def test_the_image_defaults_are_conf_bases_model_options(model_options):
    defaults = Hyperparameters()
    assert tuple(model_options["features"]) == defaults.features
    assert model_options["hyperparameters"] == {
        "fit_intercept": defaults.fit_intercept,
        "positive": defaults.positive,
    }


def test_a_sentence_names_the_hyperparameter_not_a_client_setting():
    with pytest.raises(TrainingInputError) as raised:
        parse_args(["--positive", "maybe"])
    assert raised.value.hyperparameter == "positive"
    assert "model_options" not in str(raised.value)


def test_to_args_builds_what_the_toolkit_passes():
    stored = to_sagemaker(["a", "b"], {"fit_intercept": False})
    assert to_args(stored) == ["--features", "a,b", "--fit_intercept", "False"]
    assert parse_args(to_args(stored)) == Hyperparameters(features=("a", "b"), fit_intercept=False)


def test_a_repeated_hyperparameter_is_refused():
    with pytest.raises(TrainingInputError, match="'features' is given twice"):
        parse_args(["--features", "a", "--features", "b"])
