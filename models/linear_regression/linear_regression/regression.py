"""Exact least squares from a stream of batches: scikit-learn's LinearRegression, in the
memory of one batch.

The first pass sums what an exact fit needs: the count, the means and the centred
cross-products of ``[X | y]`` (merged batch by batch, the pairwise update of Chan, Golub
and LeVeque, so large means cost no precision); a fit without an intercept adds the
means back for the raw cross-products. The solve is then on a (p+1)x(p+1) matrix,
whatever the rows:

- ``positive=False``: the minimum-norm least-squares solution, as ``scipy.linalg.lstsq``
  gives; columns are scaled to unit norm to find the rank, and the solution is then made
  minimum-norm in the original units, which is what scikit-learn returns for collinear data.
- ``positive=True``: non-negative least squares on a factor of the Gram matrix, the same
  problem scikit-learn hands to ``scipy.optimize.nnls``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Eigenvalues of the scaled Gram matrix below this share of the largest count as zero:
# they are X's singular values squared, so this is rank at about 1e-7 relative precision,
# the most the normal equations resolve.
RANK_TOLERANCE = 1e-14


@dataclass
class Moments:
    """Running sums over ``[X | y]``: enough to fit exactly without keeping any rows."""

    n_features: int
    count: int = 0
    mean: np.ndarray = field(init=False)
    centred: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        size = self.n_features + 1
        self.mean = np.zeros(size)
        self.centred = np.zeros((size, size))

    def add(self, X: np.ndarray, y: np.ndarray) -> None:
        """Fold one batch of rows in."""
        rows = len(y)
        if rows == 0:
            return
        p = self.n_features
        batch_mean = np.append(X.mean(axis=0), y.mean())
        X_dev, y_dev = X - batch_mean[:p], y - batch_mean[p]
        block = np.empty((p + 1, p + 1))
        block[:p, :p] = X_dev.T @ X_dev
        block[:p, p] = block[p, :p] = X_dev.T @ y_dev
        block[p, p] = y_dev @ y_dev
        delta = batch_mean - self.mean
        total = self.count + rows
        self.centred += block + np.outer(delta, delta) * (self.count * rows / total)
        self.mean += delta * (rows / total)
        self.count = total

    @property
    def raw(self) -> np.ndarray:
        """The uncentred cross-products ``[X | y]' [X | y]``, for a fit without an intercept.

        Adding the means back is no less accurate than summing ``Z'Z`` batch by batch
        (subtracting them, the other way round, is what loses precision).
        """
        return self.centred + self.count * np.outer(self.mean, self.mean)


@dataclass(frozen=True)
class Fit:
    """A fitted linear model: ``predict(X) = X @ coefficients + intercept``."""

    coefficients: np.ndarray
    intercept: float

    def predict(self, X: np.ndarray) -> np.ndarray:
        return X @ self.coefficients + self.intercept


def solve(moments: Moments, fit_intercept: bool = True, positive: bool = False) -> Fit:
    """The model LinearRegression(fit_intercept, positive) fits on the rows behind ``moments``."""
    p = moments.n_features
    gram = moments.centred if fit_intercept else moments.raw
    G, c = gram[:p, :p], gram[:p, p]
    weights = _nonnegative(G, c) if positive else _minimum_norm(G, c)
    intercept = moments.mean[p] - moments.mean[:p] @ weights if fit_intercept else 0.0
    return Fit(weights, float(intercept))


def _minimum_norm(G: np.ndarray, c: np.ndarray) -> np.ndarray:
    scale = np.sqrt(np.diag(G))
    scale[scale == 0] = 1.0
    values, vectors = np.linalg.eigh(G / np.outer(scale, scale))
    kept = values > RANK_TOLERANCE * max(values.max(), 0.0)
    # A solution in the scaled space, back in the original units...
    scaled = vectors[:, kept] @ ((vectors[:, kept].T @ (c / scale)) / values[kept])
    weights = scaled / scale
    # ...then made the shortest one, as lstsq's is: remove its part in G's null space.
    null = vectors[:, ~kept] / scale[:, None]
    if null.shape[1]:
        basis, _ = np.linalg.qr(null)
        weights = weights - basis @ (basis.T @ weights)
    return weights


def _nonnegative(G: np.ndarray, c: np.ndarray) -> np.ndarray:
    # ||Xw - y||² = w'Gw - 2c'w + const = ||Aw - b||² + const, with G = A'A and A'b = c.
    values, vectors = np.linalg.eigh(G)
    kept = values > RANK_TOLERANCE * max(values.max(), 0.0)
    root = np.sqrt(values[kept])
    A = root[:, None] * vectors[:, kept].T
    b = (vectors[:, kept].T @ c) / root
    from scipy.optimize import nnls  # imported when needed: scipy.optimize is slow to load

    weights, _ = nnls(A, b)
    return weights
