#!/usr/bin/env bash
# A code-only rebuild of the training image against a full build, and whether it needs
# the network. Builds the image from scratch (--no-cache), then changes one line of the
# training package in a copy of the build context and builds again with the cache, with
# the build's network switched off (--network none). Prints both times and their ratio;
# the target is a ratio of at most 0.05. Exits 1 when the rebuild fails (it needed the
# network) or the ratio is above MAX_RATIO.
#
#   benchmarks/rebuild.sh                 MAX_RATIO=0.05 by default
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MAX_RATIO="${MAX_RATIO:-0.05}"
TAG="spaceflights-training:rebuild-benchmark"
CONTEXT="$(mktemp -d)"
trap 'rm -rf "$CONTEXT"; docker rmi "$TAG" >/dev/null 2>&1 || true' EXIT

now() { date +%s.%N; }

start="$(now)"
"$REPO_ROOT/scripts/build_image.sh" --tag "$TAG" -- --no-cache >/dev/null
full="$(echo "$(now) - $start" | bc)"

cp -R "$REPO_ROOT/contract" "$REPO_ROOT/models" "$REPO_ROOT/Dockerfile" "$REPO_ROOT/.dockerignore" "$CONTEXT/"
mkdir -p "$CONTEXT/scripts" && cp "$REPO_ROOT/scripts/build_image.sh" "$CONTEXT/scripts/"
echo "# a code-only change" >>"$CONTEXT/models/linear_regression/linear_regression/model.py"

start="$(now)"
# build_image.sh builds with --network host; a later --network none wins, so nothing in
# this build can reach a package index.
if ! "$REPO_ROOT/scripts/build_image.sh" --tag "$TAG" --context "$CONTEXT" -- --network none >/dev/null; then
  echo "code-only rebuild failed without the network" >&2
  exit 1
fi
code_only="$(echo "$(now) - $start" | bc)"

ratio="$(echo "scale=4; $code_only / $full" | bc)"
printf 'full build %.1f s, code-only rebuild %.1f s (no network): ratio %.3f (target <= %s)\n' \
  "$full" "$code_only" "$ratio" "$MAX_RATIO"
(($(echo "$ratio <= $MAX_RATIO" | bc)))
