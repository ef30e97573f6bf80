"""Project settings: only what differs from Kedro's defaults.

The training plugin (kedro-sagemaker-byoc) registers its hooks itself.
"""

from kedro_sagemaker_byoc.config_loader import RuntimeParamsLastConfigLoader

# OmegaConfigLoader, except that a dotted --params changes only its own key in every
# environment (the plugin's config_loader says why Kedro's own does not).
CONFIG_LOADER_CLASS = RuntimeParamsLastConfigLoader
CONFIG_LOADER_ARGS = {
    "base_env": "base",
    "default_run_env": "local",
    # scripts/build_and_push.sh records the pushed image in globals_image.yml.
    "config_patterns": {"globals": ["globals*.yml"]},
}
