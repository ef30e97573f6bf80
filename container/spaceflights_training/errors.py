"""Error types whose message is the one sentence a user reads."""


class TrainingInputError(ValueError):
    """Bad channel data or hyperparameters.

    The message says what was wrong, where, and what to do. The entry point writes it
    to ``output/failure``, where SageMaker reads its ``FailureReason``.
    """
