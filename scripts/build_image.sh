#!/usr/bin/env bash
# Build the training image: the one build command behind `make image`, train_local.sh and
# build_and_push.sh, so every build is for linux/amd64 and carries the same labels.
#
#   scripts/build_image.sh [--project DIR] [--model DIR] [--tag NAME] [--context DIR] [-- EXTRA_DOCKER_BUILD_ARGS...]
#   scripts/build_image.sh [--project DIR] [--model DIR] --default-tag   print the local image name and exit
#
# --model is the model's folder under the context (default models/linear_regression).
# --project is the Kedro project the image is for (default kedro_project next to scripts/;
# a relative path is from the current folder). The default tag is
# <package name>-<model folder name>:latest, e.g. spaceflights-linear-regression:latest,
# with the package name from the project's pyproject.toml ([tool.kedro] package_name), so
# two projects on one machine never build over each other's image. The build fails, with
# one sentence, when the model's entry point cannot import what it needs in the built image.
#
# Labels: org.opencontainers.image.revision is the git commit (with -dirty when the
# tree has uncommitted changes), .created the UTC build time, .source the git remote
# without credentials (SOURCE_URL overrides it).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODEL="models/linear_regression"
PROJECT="$REPO_ROOT/kedro_project"
PROJECT_GIVEN=0
TAG=""
CONTEXT="$REPO_ROOT"
EXTRA_ARGS=()
PRINT_DEFAULT_TAG=0

while (($#)); do
  case "$1" in
    --model) MODEL="${2:?--model needs a folder}"; MODEL="${MODEL%/}"; shift 2 ;;
    --project) PROJECT="${2:?--project needs a folder}"; PROJECT_GIVEN=1; shift 2 ;;
    --tag) TAG="${2:?--tag needs a name}"; shift 2 ;;
    --context) CONTEXT="${2:?--context needs a folder}"; shift 2 ;;
    --default-tag) PRINT_DEFAULT_TAG=1; shift ;;
    -h | --help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --) shift; EXTRA_ARGS=("$@"); break ;;
    *) printf 'build_image: unknown option %s (see --help)\n' "$1" >&2; exit 2 ;;
  esac
done

# The project only names the image, so it is read when a name is needed or it was given.
if ((PRINT_DEFAULT_TAG || PROJECT_GIVEN)) || [[ -z "$TAG" ]]; then
  # pyproject.toml needs Python 3.11+ (tomllib): the repository's venv, else python3.
  python_bin="$REPO_ROOT/.venv/bin/python"
  [[ -x "$python_bin" ]] || python_bin=python3
  command -v "$python_bin" >/dev/null \
    || { echo "build_image: python3 is needed to read the project's pyproject.toml" >&2; exit 2; }
  image_name="$("$python_bin" "$REPO_ROOT/scripts/kedro_project.py" --prog build_image \
    image-name "$PROJECT" "$MODEL")" || exit 2
  DEFAULT_TAG="$image_name:latest"
  if ((PRINT_DEFAULT_TAG)); then echo "$DEFAULT_TAG"; exit 0; fi
  TAG="${TAG:-$DEFAULT_TAG}"
fi
if [[ ! -f "$CONTEXT/$MODEL/train.py" || ! -f "$CONTEXT/$MODEL/requirements.txt" ]]; then
  printf 'build_image: %s is not a model folder (it needs train.py and requirements.txt); pass --model models/NAME.\n' "$CONTEXT/$MODEL" >&2
  exit 2
fi

command -v docker >/dev/null || { echo "build_image: docker is not installed" >&2; exit 1; }

revision="$(git -C "$REPO_ROOT" rev-parse HEAD 2>/dev/null || echo unknown)"
if [[ "$revision" != unknown && -n "$(git -C "$REPO_ROOT" status --porcelain -- contract "$MODEL" Dockerfile .dockerignore 2>/dev/null)" ]]; then
  revision="$revision-dirty"
fi
source_url="${SOURCE_URL:-$(git -C "$REPO_ROOT" config --get remote.origin.url 2>/dev/null || true)}"
# Never put credentials from an https://user:token@host/... remote into a label.
source_url="$(printf '%s' "${source_url:-unknown}" | sed -E 's#^([a-z+]+://)[^/@]*@#\1#')"

docker build --network host --platform linux/amd64 \
  --build-arg VCS_REF="$revision" \
  --build-arg BUILD_DATE="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
  --build-arg SOURCE_URL="$source_url" \
  --build-arg MODEL="$MODEL" \
  -t "$TAG" "${EXTRA_ARGS[@]}" "$CONTEXT"
