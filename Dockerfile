# A training image for one model ("bring your own container" for SageMaker training).
#
# It holds the sagemaker-training toolkit (its `train` command is what SageMaker runs),
# the model's pinned dependencies (MODEL/requirements.txt), the training contract
# (contract/training_contract), the model's package, and MODEL/train.py as the entry
# point (SAGEMAKER_PROGRAM). No Kedro, no SageMaker SDK, no compiler, no build leftovers.
# MODEL is the model's folder: models/linear_regression (the default) or another.
#
#   scripts/build_image.sh [--model models/NAME]   # the one build command: linux/amd64, labels
#   scripts/train_local.sh    # runs it as SageMaker does: `docker run IMAGE train`
# A mount over all of /opt/ml (as AWS's sample test does) hides /opt/ml/code/train.py; the
# supervisor then runs the image's own copy in /opt/training/model.
#
# Behind a TLS-intercepting proxy, give pip its CA (public PEM text, not a secret):
#   docker build --build-arg EXTRA_CA_CERT="$(cat corporate-ca.pem)" ...
# It is used in the builder stages only and never reaches the runtime image.

ARG BASE_IMAGE=python:3.11-slim-bookworm
ARG MODEL=models/linear_regression

# ---- builder: a compiler and pip, to fill /opt/venv with the pinned dependencies -------
FROM --platform=linux/amd64 ${BASE_IMAGE} AS builder
ARG MODEL

# sagemaker-training is published as source only and compiles a small C extension.
# tini is the runtime's PID 1 (copied from here, so the runtime stage needs no apt).
# Apt versions are not pinned: see .hadolint.yaml.
RUN apt-get update \
 && apt-get install -y --no-install-recommends gcc libc6-dev tini \
 && rm -rf /var/lib/apt/lists/*

ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# An extra CA for pip, appended to the bundle pip already trusts.
ARG EXTRA_CA_CERT=""
RUN mkdir -p /build \
 && if [ -n "$EXTRA_CA_CERT" ]; then \
      { cat "${PIP_CERT:-$(python3 -c 'from pip._vendor import certifi; print(certifi.where())')}"; \
        printf '%s\n' "$EXTRA_CA_CERT"; } > /build/pip-ca.pem; \
    fi

# The venv is made without pip or setuptools; the base image's pip installs into it
# (--python), so no build tooling is left in it. (pip itself does arrive, because the
# toolkit declares it as a dependency; the toolkit runs it only for a requirements.txt
# or setup.py in /opt/ml/code, and this image puts neither there.)
RUN python3 -m venv --without-pip /opt/venv

# Third-party dependencies first, on their own, so a code change reuses this layer.
COPY ${MODEL}/requirements.txt /build/requirements.txt
RUN if [ -n "$EXTRA_CA_CERT" ]; then export PIP_CERT=/build/pip-ca.pem; fi \
 && python3 -m pip --python /opt/venv/bin/python install --no-cache-dir \
      -r /build/requirements.txt

# The contract and the model are plain Python with nothing to build: the venv finds them
# in /opt/training and /opt/training/model through a .pth file made here, once. A code
# change is then one COPY in the runtime stage, with no pip and no network
# (benchmarks/rebuild.sh measures it).
RUN printf '%s\n' /opt/training /opt/training/model \
      > "$(/opt/venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/training.pth"

# ---- runtime: the base image plus the venv, the package and the entry point --------------
FROM --platform=linux/amd64 ${BASE_IMAGE} AS runtime
ARG MODEL

ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SAGEMAKER_PROGRAM=train.py \
    TRAINING_PROGRAM_HOME=/opt/training/model

# Dependencies (large, rarely change), then the package and the entry point (small, often).
COPY --from=builder /usr/bin/tini /usr/bin/tini
COPY --from=builder /opt/venv /opt/venv
COPY contract/training_contract /opt/training/training_contract
COPY ${MODEL} /opt/training/model
COPY ${MODEL}/train.py /opt/ml/code/train.py

# The build's own check: the entry point imports the model and all it needs, here, in
# this image. A missing dependency fails the build instead of a paid job, and the record
# stays in the image (docker run IMAGE cat /opt/training/image-check.json).
RUN python -m training_contract.check_image > /opt/training/image-check.json

# SageMaker runs `docker run IMAGE train`; plain `docker run IMAGE` does the same.
# tini, as PID 1, passes SIGTERM and SIGINT on and reaps orphans; the supervisor runs the
# toolkit's `train` so that a stop, a missing job folder or a missing model ends the job
# non-zero with one sentence in output/failure. Other commands run unchanged.
ENTRYPOINT ["/usr/bin/tini", "--", "/opt/venv/bin/python", "-m", "training_contract.supervisor"]
CMD ["train"]

# Last, so a new revision or date does not invalidate any layer above.
ARG SOURCE_URL=unknown
ARG VCS_REF=unknown
ARG BUILD_DATE=unknown
LABEL org.opencontainers.image.title="${MODEL}" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.revision="${VCS_REF}" \
      org.opencontainers.image.created="${BUILD_DATE}"
