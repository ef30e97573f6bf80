#!/usr/bin/env bash
# The training image's size next to its floor: the base image plus the installed Python
# packages (the venv at /opt/venv, measured inside the image with du). Whatever the image
# holds beyond that floor is overhead: a compiler, caches, build leftovers, files copied
# twice. Exits 1 when the ratio is above MAX_RATIO (default 1.2).
#
#   benchmarks/image_size.sh [IMAGE]        IMAGE defaults to spaceflights-linear-regression:latest
#   BASE_IMAGE=... MAX_RATIO=... benchmarks/image_size.sh
set -euo pipefail

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
IMAGE="${1:-spaceflights-linear-regression:latest}"
BASE_IMAGE="${BASE_IMAGE:-python:3.11-slim-bookworm}"
MAX_RATIO="${MAX_RATIO:-1.2}"

for name in "$IMAGE" "$BASE_IMAGE"; do
  docker image inspect "$name" >/dev/null 2>&1 \
    || { echo "image_size: no image $name here (build it with scripts/build_image.sh)" >&2; exit 2; }
done

image_bytes="$(docker image inspect -f '{{.Size}}' "$IMAGE")"
base_bytes="$(docker image inspect -f '{{.Size}}' "$BASE_IMAGE")"
venv_bytes="$(docker run --rm --network none --entrypoint du "$IMAGE" -sb /opt/venv | cut -f1)"

awk -v image="$image_bytes" -v base="$base_bytes" -v venv="$venv_bytes" -v max="$MAX_RATIO" \
  -v name="$IMAGE" -v base_name="$BASE_IMAGE" 'BEGIN {
    mb = 1000 * 1000
    floor = base + venv
    ratio = image / floor
    printf "%-34s %8.1f MB\n", "base image (" base_name ")", base / mb
    printf "%-34s %8.1f MB\n", "installed packages (/opt/venv)", venv / mb
    printf "%-34s %8.1f MB\n", "floor (base + packages)", floor / mb
    printf "%-34s %8.1f MB\n", "image (" name ")", image / mb
    printf "%-34s %8.2fx (target <= %.2fx)\n", "ratio image / floor", ratio, max
    exit (ratio > max) ? 1 : 0
  }'
