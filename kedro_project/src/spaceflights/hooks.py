"""Project hooks: refuse to start a run whose configuration still has placeholders."""

from kedro.framework.context import KedroContext
from kedro.framework.hooks import hook_impl

PLACEHOLDER = "REPLACE_ME"


class UnfilledConfigError(ValueError):
    """A value the user must fill in still holds the placeholder."""


class RequireFilledGlobals:
    """Stop before any data is written to a bucket named REPLACE_ME."""

    @hook_impl
    def after_context_created(self, context: KedroContext) -> None:
        unfilled = [
            key
            for key, value in context.config_loader["globals"].items()
            if PLACEHOLDER in str(value)
        ]
        if unfilled:
            raise UnfilledConfigError(
                f"conf/{context.env}/globals.yml still has {PLACEHOLDER} in "
                f"{', '.join(sorted(unfilled))}: fill those in first (README.md, 'AWS setup')."
            )
