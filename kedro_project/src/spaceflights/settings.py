"""Project settings: only what differs from Kedro's defaults."""

from kedro.config import OmegaConfigLoader

from spaceflights.expected_errors import TidyExpectedErrors
from spaceflights.hooks import GuardTheRun, RequireFilledGlobals
from spaceflights.training.preflight.origin import RecordConfigOrigin

HOOKS = (
    RequireFilledGlobals(),
    RecordConfigOrigin(),
    TidyExpectedErrors(),
    GuardTheRun(),
)

CONFIG_LOADER_CLASS = OmegaConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # scripts/build_and_push.sh records the pushed image in globals_image.yml.
    "config_patterns": {"globals": ["globals*.yml"]},
}
