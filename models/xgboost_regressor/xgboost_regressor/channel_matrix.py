"""The training channel as XGBoost's quantized matrix, built a batch at a time.

``QuantileDMatrix`` pulls batches through a ``DataIter`` and keeps only each value's bin
(a byte for up to 256 bins), never the float rows: memory grows by about 13 bytes a row
for 8 features, where arrays of the channel would take 36 (float32) or 72 (float64).

XGBoost calls ``next`` from C through ctypes. An ``Exception`` raised there XGBoost keeps
and raises again once the matrix is built; any other (the contract's ``TrainingStopped``,
``KeyboardInterrupt``) ctypes prints and drops, which would end the pass early and train
on part of the channel with the stop lost. So while the matrix is built a stop is only
noted, the pass ends at the next batch, and the stop is raised once XGBoost has returned.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from types import FrameType

import numpy as np
import xgboost as xgb

from training_contract.channel import Channel
from training_contract.stopping import STOP_SIGNALS, TrainingStopped


class ChannelBatches(xgb.DataIter):
    """The channel's checked batches (float32, as XGBoost stores them), one pass per reset."""

    def __init__(self, channel: Channel):
        super().__init__(release_data=True)
        self._channel = channel
        self._batches: Iterator[tuple[np.ndarray, np.ndarray]] | None = None
        self.stop_signal: int | None = None
        # The target's sum over a whole pass, in float64, for exact scores after training.
        self.target_sum = 0.0
        self._pass_sum = 0.0

    def reset(self) -> None:
        self._batches = None
        self._pass_sum = 0.0

    def next(self, input_data: Callable) -> bool:
        if self.stop_signal is not None:
            return False
        if self._batches is None:
            self._batches = self._channel.checked_batches()
        batch = next(self._batches, None)
        if batch is None:
            self.target_sum = self._pass_sum
            return False
        X, y = batch
        self._pass_sum += float(y.sum())
        input_data(data=X.astype(np.float32), label=y, feature_names=self._channel.features)
        return True

    def note_stop(self, signum: int, frame: FrameType | None) -> None:
        if self.stop_signal is None:
            self.stop_signal = signum


def quantile_matrix(channel: Channel) -> tuple[xgb.QuantileDMatrix, float]:
    """The channel as a ``QuantileDMatrix``, and its target's mean; ``TrainingStopped`` if a
    stop came meanwhile."""
    batches = ChannelBatches(channel)
    previous = {stop: signal.signal(stop, batches.note_stop) for stop in STOP_SIGNALS}
    try:
        matrix = xgb.QuantileDMatrix(batches)
        return matrix, batches.target_sum / channel.rows
    finally:
        if batches.stop_signal is None:
            for stop, handler in previous.items():
                signal.signal(stop, handler)
        else:
            # As the contract's own handler does: later stops cannot cut the failure short.
            for stop in STOP_SIGNALS:
                signal.signal(stop, signal.SIG_IGN)
            raise TrainingStopped(batches.stop_signal)
