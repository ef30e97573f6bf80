"""What a pre-flight check reports: failures that stop the run, and warnings that do not."""

from __future__ import annotations

from dataclasses import dataclass, field


class PreflightError(ValueError):
    """The pre-flight found problems; the message lists each one as a sentence."""

    def __init__(self, failures: list[str]):
        self.failures = list(failures)
        if len(self.failures) == 1:
            message = f"Pre-flight check failed: {self.failures[0]}"
        else:
            listed = "\n".join(f"  {n}. {text}" for n, text in enumerate(self.failures, 1))
            message = f"Pre-flight check found {len(self.failures)} problems:\n{listed}"
        super().__init__(message)


@dataclass
class Findings:
    """Sentences collected by the checks; nothing is raised until all have run."""

    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def fail(self, sentence: str) -> None:
        # Two checks can meet one fault (a feature name is checked with the
        # hyperparameters and again with the data); the user reads it once.
        if sentence not in self.failures:
            self.failures.append(sentence)

    def warn(self, sentence: str) -> None:
        if sentence not in self.warnings:
            self.warnings.append(sentence)

    def extend(self, other: Findings) -> None:
        for sentence in other.failures:
            self.fail(sentence)
        for sentence in other.warnings:
            self.warn(sentence)

    def raise_if_failed(self) -> None:
        if self.failures:
            raise PreflightError(self.failures)
