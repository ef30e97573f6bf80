"""Project settings: only what differs from Kedro's defaults."""

from spaceflights.config_loader import RuntimeParamsLastConfigLoader
from spaceflights.expected_errors import TidyExpectedErrors
from spaceflights.hooks import GuardTheRun, RequireFilledGlobals
from spaceflights.training.preflight.origin import RecordConfigOrigin

HOOKS = (
    RequireFilledGlobals(),
    RecordConfigOrigin(),
    TidyExpectedErrors(),
    GuardTheRun(),
)

# OmegaConfigLoader, except that a dotted --params changes only its own key in every
# environment (config_loader.py says why Kedro's own does not).
CONFIG_LOADER_CLASS = RuntimeParamsLastConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # scripts/build_and_push.sh records the pushed image in globals_image.yml.
    "config_patterns": {"globals": ["globals*.yml"]},
}
