# The spaceflights training image ("bring your own container" for SageMaker training).
#
# It holds the sagemaker-training toolkit (its `train` command is what SageMaker runs),
# the pinned training dependencies from container/requirements.txt, the spaceflights_training
# package, and container/train.py as the entry point (SAGEMAKER_PROGRAM). No Kedro, no
# SageMaker SDK, no compiler, no build leftovers.
#
#   scripts/build_image.sh    # the one build command: linux/amd64, with labels
#   scripts/train_local.sh    # runs it as SageMaker does: `docker run IMAGE train`
# Mount a job's input/, model/ and output/ under /opt/ml one by one: a mount over all of
# /opt/ml would hide /opt/ml/code/train.py.
#
# Behind a TLS-intercepting proxy, give pip its CA (public PEM text, not a secret):
#   docker build --build-arg EXTRA_CA_CERT="$(cat corporate-ca.pem)" ...
# It is used in the builder stages only and never reaches the runtime image.

ARG BASE_IMAGE=python:3.11-slim-bookworm

# ---- builder: a compiler and pip, to fill /opt/venv with the pinned dependencies -------
FROM --platform=linux/amd64 ${BASE_IMAGE} AS builder

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
COPY container/requirements.txt /build/requirements.txt
RUN if [ -n "$EXTRA_CA_CERT" ]; then export PIP_CERT=/build/pip-ca.pem; fi \
 && python3 -m pip --python /opt/venv/bin/python install --no-cache-dir \
      -r /build/requirements.txt

# Our own package is plain Python with nothing to build: the venv finds it in
# /opt/spaceflights through a .pth file made here, once. A code change is then one COPY
# in the runtime stage, with no pip and no network (benchmarks/rebuild.sh measures it).
RUN echo /opt/spaceflights \
      > "$(/opt/venv/bin/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/spaceflights.pth"

# ---- runtime: the base image plus the venv, the package and the entry point --------------
FROM --platform=linux/amd64 ${BASE_IMAGE} AS runtime

ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    SAGEMAKER_PROGRAM=train.py

# Dependencies (large, rarely change), then the package and the entry point (small, often).
COPY --from=builder /usr/bin/tini /usr/bin/tini
COPY --from=builder /opt/venv /opt/venv
COPY container/spaceflights_training /opt/spaceflights/spaceflights_training
COPY container/train.py /opt/ml/code/train.py

# SageMaker runs `docker run IMAGE train`; plain `docker run IMAGE` does the same.
# tini, as PID 1, passes SIGTERM and SIGINT on and reaps orphans; the supervisor runs the
# toolkit's `train` so that a stop, a missing job folder or a missing model ends the job
# non-zero with one sentence in output/failure. Other commands run unchanged.
ENTRYPOINT ["/usr/bin/tini", "--", "/opt/venv/bin/python", "-m", "spaceflights_training.supervisor"]
CMD ["train"]

# Last, so a new revision or date does not invalidate any layer above.
ARG SOURCE_URL=unknown
ARG VCS_REF=unknown
ARG BUILD_DATE=unknown
LABEL org.opencontainers.image.title="spaceflights-training" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.revision="${VCS_REF}" \
      org.opencontainers.image.created="${BUILD_DATE}"
