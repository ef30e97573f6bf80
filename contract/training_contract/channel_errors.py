"""The sentences a bad training channel gets: what is wrong, where, and what to do.

They become the job's FailureReason, so they name columns and counts, never data values.
``problem(kind, **values)`` fills one in; names and lists are shortened first (see
``errors.short_value`` and ``short_list``), so no value can crowd out the advice.
"""

from __future__ import annotations

from .environment import FEATURES_FILE, TARGET_FILE, TRAIN_CHANNEL
from .errors import TrainingInputError, short_list, short_value

_CHANNEL = f"Training channel '{TRAIN_CHANNEL}'"
SENTENCES = {
    "channel_missing": "Training channel '{name}' is missing: no folder at {folder}; give the "
    "job a '{name}' channel (or set SM_CHANNEL_{upper} to its folder).",
    "file_missing": f"{_CHANNEL} has no {{file}} (looked in {{folder}}); write {FEATURES_FILE} "
    f"and {TARGET_FILE} into the channel before starting the job.",
    "unreadable": f"{{file}} in channel '{TRAIN_CHANNEL}' is not a readable parquet file "
    "({error}); rewrite it with pandas.DataFrame.to_parquet.",
    "no_rows": f"{{file}} in channel '{TRAIN_CHANNEL}' has no rows; check the split that wrote it.",
    "parts_differ": f"{{file}} in channel '{TRAIN_CHANNEL}' has parts with different target "
    "columns ({part} differs from {first}); write every part with one schema.",
    "duplicated_columns": f"{FEATURES_FILE} has the columns {{columns}} more than once; give "
    "each column a unique name in the data processing pipeline.",
    "missing_feature": f"{FEATURES_FILE} lacks the feature column {{column}} (it has "
    "{columns}); add it to the channel or drop it from the 'features' hyperparameter.",
    "non_numeric_column": f"Column {{column}} in {FEATURES_FILE} holds non-numeric values "
    "(dtype {dtype}); convert it to numbers in the data processing pipeline.",
    "missing_values": f"Column {{column}} in {FEATURES_FILE} has {{count}} missing values; drop "
    "or fill them before training.",
    "infinite_values": f"Column {{column}} in {FEATURES_FILE} has {{count}} infinite values; "
    "drop them or replace them with finite numbers before training.",
    "not_one_target": f"{TARGET_FILE} must hold exactly one column, the target; it has "
    "{columns}.",
    "non_numeric_target": f"The target {{column}} in {TARGET_FILE} holds non-numeric values; "
    "convert it to numbers before training.",
    "target_nan": f"The target {{column}} in {TARGET_FILE} has {{count}} NaN values (first at "
    "row {first}); drop or fill them before training.",
    "target_infinite": f"The target {{column}} in {TARGET_FILE} has {{count}} infinite values "
    "(first at row {first}); drop them before training.",
    "row_counts_differ": f"{FEATURES_FILE} has {{features_rows}} rows but {TARGET_FILE} has "
    "{target_rows}; write both from the same split.",
}
# A missing feature is fixed in the hyperparameters; the client adds where it sets them.
_HYPERPARAMETER = {"missing_feature": "features"}


def problem(kind: str, **values: object) -> TrainingInputError:
    """The error for ``kind``, its sentence filled with ``values``: a ``column`` is quoted
    and shortened, and ``columns`` is listed, a few at most."""
    if "column" in values:
        values["column"] = short_value(values["column"])
    if "name" in values:
        values["upper"] = str(values["name"]).upper()
    if "columns" in values:
        values["columns"] = short_list(values["columns"])
    return TrainingInputError(
        SENTENCES[kind].format(**values), hyperparameter=_HYPERPARAMETER.get(kind)
    )
