#!/usr/bin/env bash
# Build the training image: the one build command behind `make image`, train_local.sh and
# build_and_push.sh, so every build is for linux/amd64 and carries the same labels.
#
#   scripts/build_image.sh [--tag NAME] [--context DIR] [-- EXTRA_DOCKER_BUILD_ARGS...]
#   scripts/build_image.sh --default-tag      print the local image name and exit
#
# Labels: org.opencontainers.image.revision is the git commit (with -dirty when the
# tree has uncommitted changes), .created the UTC build time, .source the git remote
# without credentials (SOURCE_URL overrides it).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEFAULT_TAG="spaceflights-training:latest"
TAG="$DEFAULT_TAG"
CONTEXT="$REPO_ROOT"
EXTRA_ARGS=()

while (($#)); do
  case "$1" in
    --tag) TAG="${2:?--tag needs a name}"; shift 2 ;;
    --context) CONTEXT="${2:?--context needs a folder}"; shift 2 ;;
    --default-tag) echo "$DEFAULT_TAG"; exit 0 ;;
    -h | --help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; EXTRA_ARGS=("$@"); break ;;
    *) printf 'build_image: unknown option %s (see --help)\n' "$1" >&2; exit 2 ;;
  esac
done

command -v docker >/dev/null || { echo "build_image: docker is not installed" >&2; exit 1; }

revision="$(git -C "$REPO_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
if [[ "$revision" != unknown && -n "$(git -C "$REPO_ROOT" status --porcelain -- container Dockerfile .dockerignore 2>/dev/null)" ]]; then
  revision="$revision-dirty"
fi
source_url="${SOURCE_URL:-$(git -C "$REPO_ROOT" config --get remote.origin.url 2>/dev/null || true)}"
# Never put credentials from an https://user:token@host/... remote into a label.
source_url="$(printf '%s' "${source_url:-unknown}" | sed -E 's#^([a-z+]+://)[^/@]*@#\1#')"

docker build --network host --platform linux/amd64 \
  --build-arg VCS_REF="$revision" \
  --build-arg BUILD_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --build-arg SOURCE_URL="$source_url" \
  -t "$TAG" "${EXTRA_ARGS[@]}" "$CONTEXT"
