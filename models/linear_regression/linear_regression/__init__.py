"""The linear regression model: exact least squares streamed over a tabular channel.

``model`` is what the training contract runs (its hyperparameters and ``train``),
``artifact`` is its ``model.json`` format, and ``adapter`` is how a client (the Kedro
plugin) reads that artifact back, predicts and scores.
"""
