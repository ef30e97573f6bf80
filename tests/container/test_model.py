import pytest

from spaceflights_training import model
from spaceflights_training.hyperparameters import Hyperparameters
from tests.support import make_training_frames


def test_document_round_trip_predicts_the_same(features):
    X, y = make_training_frames(features)
    fitted = model.fit(X, y.iloc[:, 0], Hyperparameters(features=tuple(features)))

    rebuilt = model.from_document(model.to_document(fitted, Hyperparameters(tuple(features))))

    assert rebuilt.predict(X) == pytest.approx(fitted.predict(X))


def test_foreign_documents_are_refused():
    with pytest.raises(ValueError, match="format"):
        model.from_document(
            {"format": "pickle", "features": [], "coefficients": [], "intercept": 0}
        )


def test_regression_metrics_of_a_perfect_prediction():
    metrics = model.regression_metrics([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])
    assert metrics == {"r2": 1.0, "mae": 0.0, "max_error": 0.0}
