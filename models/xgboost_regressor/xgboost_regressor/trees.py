"""The tree ensemble in a decoded ``model.ubj``: what XGBoost would trust without a check.

XGBoost walks each tree by its child indices and reads the feature each split names; a
bad index crashes the process (xgboost 3.2 does not check them on load). So every tree
must be one binary tree: arrays of one length and type, each split's two children after
it in the arrays and pointing back to it, every node but the root a child of exactly one
split, and every split on a feature of the model.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .document import ModelDocumentError, keys, same, whole_numbers

# Each array of a tree, with the element type XGBoost writes.
TREE_ARRAYS = {
    "base_weights": "f4",
    "default_left": "u1",
    "left_children": "i4",
    "loss_changes": "f4",
    "parents": "i4",
    "right_children": "i4",
    "split_conditions": "f4",
    "split_indices": "i4",
    "split_type": "u1",
    "sum_hessian": "f4",
}
# Categorical splits: this model trains on numbers only, so these stay empty.
CATEGORY_ARRAYS = ("categories", "categories_nodes", "categories_segments", "categories_sizes")
# XGBoost marks the root's parent with the largest int32.
NO_PARENT = 2**31 - 1
ENSEMBLE = "learner.gradient_booster.model"


def check_ensemble(model: Any, n_features: int) -> None:
    """Refuse, naming the key, an ensemble that is not single-target trees over the features."""
    keys(model, ENSEMBLE, ("cats", "gbtree_model_param", "iteration_indptr", "tree_info", "trees"))
    trees = model["trees"]
    if not isinstance(trees, list) or not trees:
        raise ModelDocumentError(f"{ENSEMBLE}.trees", "must be a non-empty list of trees")
    counts = {"num_parallel_tree": "1", "num_trees": str(len(trees))}
    if not same(model["gbtree_model_param"], counts):
        raise ModelDocumentError(f"{ENSEMBLE}.gbtree_model_param", f"must be {counts}")
    info = whole_numbers(model["tree_info"], f"{ENSEMBLE}.tree_info")
    if info.shape != (len(trees),) or info.any():
        raise ModelDocumentError(f"{ENSEMBLE}.tree_info", "must give every tree the one target")
    bounds = whole_numbers(model["iteration_indptr"], f"{ENSEMBLE}.iteration_indptr")
    if (
        not (bounds.size >= 2 and bounds[0] == 0 and bounds[-1] == len(trees))
        or (np.diff(bounds) <= 0).any()
    ):
        raise ModelDocumentError(f"{ENSEMBLE}.iteration_indptr", "must split the trees in rounds")
    keys(model["cats"], f"{ENSEMBLE}.cats", ("enc", "feature_segments", "sorted_idx"))
    for name, value in model["cats"].items():
        if not isinstance(value, list | np.ndarray) or len(value):
            raise ModelDocumentError(f"{ENSEMBLE}.cats.{name}", "must be empty")
    for index, tree in enumerate(trees):
        check_tree(tree, f"{ENSEMBLE}.trees[{index}]", index, n_features)


def check_tree(tree: Any, where: str, index: int, n_features: int) -> None:
    """Refuse, naming the key, a tree XGBoost could not walk safely."""
    keys(tree, where, ("id", "tree_param", *TREE_ARRAYS, *CATEGORY_ARRAYS))
    if not same(tree["id"], index):
        raise ModelDocumentError(f"{where}.id", f"must be {index}")
    nodes = tree["tree_param"].get("num_nodes") if isinstance(tree["tree_param"], dict) else None
    n = int(nodes) if isinstance(nodes, str) and nodes.isdigit() and len(nodes) < 10 else 0
    param = {
        "num_deleted": "0",
        "num_feature": str(n_features),
        "num_nodes": str(n),
        "size_leaf_vector": "1",
    }
    if n < 1 or not same(tree["tree_param"], param):
        raise ModelDocumentError(f"{where}.tree_param", f"must be {param}, with nodes")
    for name, dtype in TREE_ARRAYS.items():
        array = tree[name]
        if not (isinstance(array, np.ndarray) and array.dtype == dtype and array.shape == (n,)):
            raise ModelDocumentError(f"{where}.{name}", f"must be a typed array of {n} {dtype}")
    for name in CATEGORY_ARRAYS:
        if not isinstance(tree[name], np.ndarray) or tree[name].size:
            raise ModelDocumentError(f"{where}.{name}", "must be empty (no categorical splits)")
    left, right, parents = (
        tree[name].astype(np.int64) for name in ("left_children", "right_children", "parents")
    )
    split = left != -1
    node = np.flatnonzero(split)
    children = np.concatenate([left[split], right[split]])
    # Children after their split and in range, so a walk ends; n - 1 of them, each naming its
    # one split as parent, so every node but the root is reached exactly once.
    if (
        not np.array_equal(split, right != -1)
        or (left[split] <= node).any()
        or (right[split] <= node).any()
        or (children >= n).any()
        or children.size != n - 1
        or parents[0] != NO_PARENT
        or not np.array_equal(parents[children], np.concatenate([node, node]))
    ):
        raise ModelDocumentError(
            f"{where}.left_children", "with right_children and parents is not one binary tree"
        )
    features = tree["split_indices"][split]
    if (features < 0).any() or (features >= n_features).any() or tree["split_type"].any():
        raise ModelDocumentError(f"{where}.split_indices", "must name features of the model")
    if not np.isfinite(tree["split_conditions"]).all():
        raise ModelDocumentError(f"{where}.split_conditions", "must be finite numbers")
