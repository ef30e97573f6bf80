"""Error types whose message is the one sentence a user reads."""


class TrainingInputError(ValueError):
    """Bad channel data or hyperparameters.

    The message says what was wrong, where, and what to do, in the image's own words
    (channels, files, hyperparameters). The entry point writes it to ``output/failure``,
    where SageMaker reads its ``FailureReason``. ``hyperparameter`` names the one at fault,
    if any, so that a client can add which of its own settings sets it.
    """

    def __init__(self, message: str, hyperparameter: str | None = None):
        super().__init__(message)
        self.hyperparameter = hyperparameter


# SageMaker keeps 1,024 characters of FailureReason, so sentences name a few items only.
MAX_LISTED = 5
MAX_ECHOED = 100


def short_list(items: object, limit: int = MAX_LISTED) -> str:
    """``'a', 'b', 'c' and 4 more``: the first few items, quoted, and how many were left out."""
    items = list(items)
    shown = ", ".join(repr(str(item)) for item in items[:limit])
    return f"{shown} and {len(items) - limit} more" if len(items) > limit else shown


def short_value(value: object, limit: int = MAX_ECHOED) -> str:
    """``repr(value)``, cut to ``limit`` characters so a huge value cannot crowd out the reason."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
