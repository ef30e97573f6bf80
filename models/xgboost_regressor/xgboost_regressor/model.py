"""Gradient-boosted trees (XGBoost, ``hist``), as the training contract trains them.

The channel is streamed twice: once into XGBoost's quantized matrix (``channel_matrix``),
once to score the fitted model on the rows it learnt from. The model is saved in
XGBoost's own UBJSON format (``artifact``).
"""

from __future__ import annotations

import xgboost as xgb

from training_contract.channel import Channel
from training_contract.hyperparameters import Hyperparameter
from training_contract.model import Model, TrainingJob
from training_contract.scores import Scores

from . import artifact
from .channel_matrix import quantile_matrix

# XGBoost's own defaults, except num_boost_round (xgboost.train's default of 10 is a demo).
# eta and subsample are in (0, 1]; the contract's bounds include their ends, so the lowest
# allowed value stands for "above 0".
HYPERPARAMETERS = (
    Hyperparameter(
        "features", list, default=(), help="the feature columns, in order; all by default"
    ),
    Hyperparameter("num_boost_round", int, default=100, minimum=1, help="boosting rounds"),
    Hyperparameter("max_depth", int, default=6, minimum=1, help="deepest split of a tree"),
    Hyperparameter("eta", float, default=0.3, minimum=1e-6, maximum=1.0, help="learning rate"),
    Hyperparameter(
        "subsample", float, default=1.0, minimum=1e-6, maximum=1.0, help="rows per tree"
    ),
    Hyperparameter(
        "min_child_weight", float, default=1.0, minimum=0.0, help="least hessian in a leaf"
    ),
    Hyperparameter("reg_lambda", float, default=1.0, minimum=0.0, help="L2 on leaf weights"),
    Hyperparameter("seed", int, default=0, minimum=0, maximum=2**31 - 1, help="random seed"),
)


def booster_params(hyperparameters: dict) -> dict:
    """XGBoost's training parameters for the model's hyperparameters."""
    return {
        "objective": artifact.OBJECTIVE,
        "tree_method": "hist",
        "max_depth": hyperparameters["max_depth"],
        "eta": hyperparameters["eta"],
        "subsample": hyperparameters["subsample"],
        "min_child_weight": hyperparameters["min_child_weight"],
        "lambda": hyperparameters["reg_lambda"],
        "seed": hyperparameters["seed"],
    }


def train(job: TrainingJob) -> dict[str, float]:
    """Fit on the ``train`` channel; write ``model.ubj``; return R², MAE and max error."""
    params = dict(job.hyperparameters)
    data = Channel(job.channel(), params["features"])
    matrix, target_mean = quantile_matrix(data)
    job.log(
        f"Boosting {params['num_boost_round']} rounds on {data.rows} rows and "
        f"{len(data.features)} features"
    )
    booster = xgb.train(booster_params(params), matrix, num_boost_round=params["num_boost_round"])
    scores = Scores(target_mean=target_mean)
    for X, y in data.batches():
        scores.add(y, booster.inplace_predict(X).astype("float64"))
    artifact.write(booster, job.model_dir, params)
    return scores.metrics()


MODEL = Model(name="xgboost-regressor", hyperparameters=HYPERPARAMETERS, train=train)
