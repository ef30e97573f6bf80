#!/usr/bin/env bash
# Train a model in its training image on this machine, with Docker.
#
#   sagemaker mode: a SageMaker-shaped job folder and `docker run IMAGE train`, the command
#                   SageMaker runs: the toolkit reads the folder and starts the entry point.
#   direct mode:    the entry point alone, `python <entry point> --name value ...`, with the
#                   SM_* variables set and no toolkit (to debug the entry point).
#
# The job folder, the docker run arguments and what an exit means come from the training
# package (python -m training_contract.local_job), so this script holds none of the
# SageMaker contract itself. Run with --help for the options.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IMAGE=""
MODEL="models/linear_regression"
MODE="sagemaker"
CHANNEL="$REPO_ROOT/kedro_project/data/05_model_input/train"
OUT=""
MEMORY=""
BUILD=0
HYPERPARAMETERS=""

usage() {
  cat <<EOF
Usage: scripts/train_local.sh [options]

Train a model in its training image with docker run, on a local channel.

Options:
  --mode MODE             sagemaker (default): a SageMaker job folder and 'docker run IMAGE train'
                          direct: the entry point alone with --name value arguments
  --channel DIR           training channel holding X_train.parquet and y_train.parquet
                          (default: kedro_project/data/05_model_input/train, written by 'make run')
  --out DIR               new or empty folder for the job (default: a fresh folder under
                          kedro_project/data/06_models/train-local/)
  --hyperparameters JSON  hyperparameters as a JSON object, e.g. '{"fit_intercept": false}'
                          (default: none, so the model's defaults)
  --memory LIMIT          cap the container's memory as an instance's would be (docker run
                          --memory, e.g. 8g for ml.m5.large)
  --model DIR             the model's folder (default: models/linear_regression)
  --image NAME            image to run (default: the model's, as scripts/build_image.sh
                          --model DIR --default-tag names it); built if missing
  --build                 build the image even if it exists
  -h, --help              show this help

The model lands in OUT/model/. On failure the job's reason is printed and the
script exits with the container's exit code (130 after Ctrl-C).
EOF
}

die() {
  printf 'train_local: %s\n' "$*" >&2
  exit 2
}

while (($#)); do
  case "$1" in
    --mode) MODE="${2:?--mode needs a value}"; shift 2 ;;
    --channel) CHANNEL="${2:?--channel needs a folder}"; shift 2 ;;
    --out) OUT="${2:?--out needs a folder}"; shift 2 ;;
    --hyperparameters) HYPERPARAMETERS="${2:?--hyperparameters needs a JSON object}"; shift 2 ;;
    --image) IMAGE="${2:?--image needs a name}"; shift 2 ;;
    --model) MODEL="${2:?--model needs a folder}"; shift 2 ;;
    --memory) MEMORY="${2:?--memory needs a limit such as 8g}"; shift 2 ;;
    --build) BUILD=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

IMAGE="${IMAGE:-$("$REPO_ROOT/scripts/build_image.sh" --model "$MODEL" --default-tag)}"
[[ "$MODE" == sagemaker || "$MODE" == direct ]] || die "--mode must be sagemaker or direct, not '$MODE'"
command -v docker >/dev/null || die "docker is not installed"
command -v python3 >/dev/null || die "python3 is needed to lay out the job folder"
[[ -d "$CHANNEL" ]] || die "no training channel at $CHANNEL: run make run first or pass --channel DIR"
CHANNEL="$(cd "$CHANNEL" && pwd -P)"
# A job folder inside its channel would be copied into itself (sagemaker mode) or written
# into the data (direct mode).
out_real="$(python3 -c 'import os, sys; print(os.path.realpath(sys.argv[1]))' "${OUT:-.}")"
if [[ -n "$OUT" && "$out_real/" == "$CHANNEL/"* ]]; then
  die "--out $OUT is inside the channel $CHANNEL; give a folder outside it"
fi

if [[ -z "$OUT" ]]; then
  OUT="$REPO_ROOT/kedro_project/data/06_models/train-local/$(date -u +%Y%m%d-%H%M%S)-$MODE-$$"
elif [[ -e "$OUT" && -n "$(ls -A "$OUT")" ]]; then
  die "--out $OUT is not empty; give a new or empty folder"
fi
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

local_job() { PYTHONPATH="$REPO_ROOT/contract" python3 -m training_contract.local_job "$@"; }
job_args=(--mode "$MODE" --job "$OUT" --channel "$CHANNEL")
if [[ -n "$HYPERPARAMETERS" ]]; then
  job_args+=(--hyperparameters "$HYPERPARAMETERS")
fi
# Check the hyperparameters and lay out the job now, not halfway through a docker run.
local_job write "${job_args[@]}" || exit 2
mapfile -d '' docker_options < <(local_job options "${job_args[@]}")
mapfile -d '' container_command < <(local_job command "${job_args[@]}")

if ((BUILD)) || ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "==> Building $IMAGE from $REPO_ROOT (a few minutes the first time)"
  "$REPO_ROOT/scripts/build_image.sh" --model "$MODEL" --tag "$IMAGE"
fi

# No network: all the job needs is in its channel, as under SageMaker's network isolation.
run_args=(--rm --network none --platform linux/amd64 --user "$(id -u):$(id -g)")
if [[ -n "$MEMORY" ]]; then
  run_args+=(--memory "$MEMORY" --memory-swap "$MEMORY")
fi

echo "==> Training in $IMAGE ($MODE: ${container_command[*]}; job folder $OUT)"
status=0
docker run "${run_args[@]}" "${docker_options[@]}" "$IMAGE" "${container_command[@]}" || status=$?
local_job report --job "$OUT" --exit-code "$status"
