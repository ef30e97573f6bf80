#!/usr/bin/env bash
# Brings up what the Docker tests need on a machine that has only the docker client:
# an engine, docker-compose for the SageMaker SDK's local mode, Debian's docker-registry
# (the tests and make rehearse start their own registry with it on a free loopback port:
# scripts/local_sagemaker/local_sagemaker/registry.py), and (when the public base image
# cannot be pulled) a stand-in base image of the same name built from Debian bookworm.
# Idempotent: each step is skipped when what it provides is already there.
set -euo pipefail

BASE_IMAGE="${BASE_IMAGE:-python:3.11-slim-bookworm}"
STATE_DIR="${CI_STATE_DIR:-/tmp/spaceflights-ci}"
mkdir -p "$STATE_DIR"

log() { printf '[docker-env] %s\n' "$*"; }

need_packages=()
command -v dockerd >/dev/null || need_packages+=(docker.io)
command -v docker-compose >/dev/null || need_packages+=(docker-compose)
command -v docker-registry >/dev/null || need_packages+=(docker-registry)
command -v debootstrap >/dev/null || need_packages+=(debootstrap)
if ((${#need_packages[@]})); then
  log "installing ${need_packages[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd (log: $STATE_DIR/dockerd.log)"
  nohup dockerd >"$STATE_DIR/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { log "dockerd did not come up; see $STATE_DIR/dockerd.log"; exit 1; }
fi
log "docker engine is up"

if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  log "base image $BASE_IMAGE is present"
elif timeout 60 docker pull --platform linux/amd64 "$BASE_IMAGE" >/dev/null 2>&1; then
  log "pulled $BASE_IMAGE"
else
  # No registry is reachable here, so build an image of the same name from Debian's
  # bookworm packages (its python3 is 3.11, as in the public image). The Dockerfile
  # is not told: it sees an ordinary local image.
  log "cannot pull $BASE_IMAGE; building a stand-in from Debian bookworm (about a minute)"
  rootfs="$STATE_DIR/standin-rootfs"
  rm -rf "$rootfs"
  debootstrap --variant=minbase \
    --include=python3,python3-venv,python3-pip,python3-dev,python-is-python3,ca-certificates \
    bookworm "$rootfs" >"$STATE_DIR/debootstrap.log" 2>&1 \
    || { log "debootstrap failed; see $STATE_DIR/debootstrap.log"; exit 1; }
  rm -f "$rootfs"/usr/lib/python3*/EXTERNALLY-MANAGED
  # The machine's proxy is trusted only through this bundle; the stand-in needs it for pip.
  cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import \
    --change 'ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["python3"]' - "$BASE_IMAGE" >/dev/null
  rm -rf "$rootfs"
  log "built stand-in $BASE_IMAGE"
fi
