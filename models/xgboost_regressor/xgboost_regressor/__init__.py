"""The XGBoost regressor: gradient-boosted trees over a tabular channel.

``model`` is what the training contract runs (its hyperparameters and ``train``), and
``channel_matrix`` streams the channel into XGBoost. ``artifact`` is its ``model.ubj``
(XGBoost's UBJSON), read back through a strict decoder (``ubjson``) and checked
(``document``, ``trees``) before XGBoost loads it. ``adapter`` is how a client (the Kedro
plugin) reads that artifact back, predicts and scores.
"""
