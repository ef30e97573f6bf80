# The two commands a new user needs: `make run` and `make test`.
# Both create .venv with the pinned dependencies first, so a fresh clone needs only
# Python 3.11+ and a C compiler (the sagemaker-training toolkit ships as source).

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed-stamp
KEDRO_ENV ?=
# MODEL=NAME: one of kedro_project/conf/base/globals.yml's `models`, for `run` (as
# --params model=NAME), `image` and `rehearse`; empty: the configuration's own `model`.
MODEL ?=

.PHONY: setup run test lint image rehearse clean preflight setup-v3 test-v3

setup: $(STAMP)

$(STAMP): requirements.in requirements.lock contract/pyproject.toml models/*/pyproject.toml \
		plugin/pyproject.toml \
		kedro_project/pyproject.toml \
		scripts/local_sagemaker/pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; set PYTHON=python3.11")'
	@echo "==> Creating $(VENV) and installing pinned dependencies (a few minutes the first time)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c requirements.lock pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -r requirements.in
	@touch $@

run: setup $(if $(filter docker,$(KEDRO_ENV)),image)
	@cd kedro_project && $(BIN)/python -m spaceflights.raw_data data/01_raw
	cd kedro_project && $(BIN)/kedro run $(if $(KEDRO_ENV),--env $(KEDRO_ENV)) $(if $(MODEL),--params model=$(MODEL))
	@cd kedro_project && $(BIN)/python -m kedro_sagemaker_byoc.summary $(if $(KEDRO_ENV),--env $(KEDRO_ENV))

# Every check the training step runs before it uploads the channel or starts a job.
preflight: setup
	cd kedro_project && $(BIN)/python -m kedro_sagemaker_byoc.preflight $(if $(KEDRO_ENV),--env $(KEDRO_ENV))

# Both SDK lines: v2 in .venv, v3 in .venv-v3 (they cannot share one environment).
test: setup setup-v3
	$(BIN)/pytest
	$(CURDIR)/$(VENV3)/bin/pytest tests_v3

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/shellcheck $(shell git ls-files "*.sh") .ci/run
	$(if $(wildcard Dockerfile),$(BIN)/hadolint Dockerfile)
	PARLIAMENT=$(BIN)/parliament bash scripts/iam/lint.sh

# The training image that `kedro run --env docker` runs (rebuilt from cache in seconds): the
# model and image the project's configuration names (models.<MODEL>.image), read through
# Kedro, so a renamed image in globals.yml is the one built.
image: setup
	@configured="$$($(BIN)/python scripts/kedro_project.py --prog make \
		configured-image kedro_project $(if $(MODEL),--model $(MODEL)))" && set -- $$configured && \
	echo "scripts/build_image.sh --project kedro_project --model models/$$1 --tag $$2" && \
	scripts/build_image.sh --project kedro_project --model "models/$$1" --tag "$$2"

# The whole AWS route offline (needs Docker; it starts and removes its own registry): docs/aws.md.
# The example's raw data is generated in the rehearsal's copy, as `make run` does here.
rehearse: setup
	bash scripts/rehearse.sh --project kedro_project $(if $(MODEL),--model models/$(MODEL)) \
		--before-run 'python -m spaceflights.raw_data data/01_raw'

# SageMaker SDK v3 (ModelTrainer) cannot share a venv with v2: .venv-v3 holds it, pinned by
# requirements-v3.lock, with the plugin's [v3] extra instead of [v2] (docs/sdk.md).
# `make test-v3` runs tests_v3/ there.
VENV3 := .venv-v3
STAMP3 := $(VENV3)/.installed-stamp

setup-v3: $(STAMP3)

$(STAMP3): requirements-v3.in requirements-v3.lock contract/pyproject.toml models/*/pyproject.toml \
		plugin/pyproject.toml \
		kedro_project/pyproject.toml scripts/local_sagemaker/pyproject.toml
	$(PYTHON) -m venv $(VENV3)
	$(VENV3)/bin/python -m pip install --quiet -c requirements-v3.lock pip
	$(VENV3)/bin/python -m pip install --quiet -c requirements-v3.lock -r requirements-v3.in
	@touch $@

test-v3: setup-v3
	$(CURDIR)/$(VENV3)/bin/pytest tests_v3

clean:
	rm -rf $(VENV) $(VENV3)
