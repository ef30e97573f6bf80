#!/usr/bin/env bash
# Train the spaceflights model in the training image on this machine, with Docker.
#
#   sagemaker mode: lay out a SageMaker-shaped job folder (input/config/*.json,
#                   input/data/train/, model/, output/) and run `docker run IMAGE train`,
#                   the command SageMaker runs: the toolkit reads the config and starts
#                   container/train.py with the hyperparameters as --name value arguments.
#   direct mode:    run `python /opt/ml/code/train.py --name value ...` in the image with
#                   the SM_* variables set, skipping the toolkit (to debug the entry point).
#
# Run with --help for the options.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
IMAGE="$("$REPO_ROOT/scripts/build_image.sh" --default-tag)"
MODE="sagemaker"
CHANNEL="$REPO_ROOT/kedro_project/data/05_model_input/train"
OUT=""
MEMORY=""
BUILD=0
# The same as model_options in kedro_project/conf/base/parameters_data_science.yml
# (features joined by commas, as the pipeline sends them); tests/test_image.py checks
# that the two agree.
HYPERPARAMETERS='{"features": "engines,passenger_capacity,crew,d_check_complete,moon_clearance_complete,iata_approved,company_rating,review_scores_rating", "fit_intercept": true, "positive": false}'

usage() {
  cat <<EOF
Usage: scripts/train_local.sh [options]

Train the spaceflights model in the training image with docker run, on a local channel.

Options:
  --mode MODE             sagemaker (default): SageMaker-shaped /opt/ml and 'docker run IMAGE train'
                          direct: 'python /opt/ml/code/train.py --name value ...' with SM_* variables
  --channel DIR           training channel holding X_train.parquet and y_train.parquet
                          (default: kedro_project/data/05_model_input/train, written by 'make run')
  --out DIR               new or empty folder for the job (default: a fresh folder under
                          kedro_project/data/06_models/train-local/)
  --hyperparameters JSON  hyperparameters as a JSON object (default: model_options from
                          kedro_project/conf/base/parameters_data_science.yml)
  --memory LIMIT          cap the container's memory as an instance's would be (docker run
                          --memory, e.g. 8g for ml.m5.large)
  --image NAME            image to run (default: $IMAGE); built if missing
  --build                 build the image even if it exists
  -h, --help              show this help

The model lands in OUT/model/model.json. On failure the job's reason (OUT/output/failure)
is printed and the script exits with the container's exit code (130 after Ctrl-C).
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
    --memory) MEMORY="${2:?--memory needs a limit such as 8g}"; shift 2 ;;
    --build) BUILD=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

[[ "$MODE" == sagemaker || "$MODE" == direct ]] || die "--mode must be sagemaker or direct, not '$MODE'"
command -v docker >/dev/null || die "docker is not installed"
command -v python3 >/dev/null || die "python3 is needed to read the hyperparameters JSON"
[[ -d "$CHANNEL" ]] || die "no training channel at $CHANNEL: run make run first or pass --channel DIR"
CHANNEL="$(cd "$CHANNEL" && pwd)"

# Check the hyperparameters JSON now, not halfway through a job.
python3 -c 'import json, sys; assert isinstance(json.loads(sys.argv[1]), dict)' "$HYPERPARAMETERS" 2>/dev/null \
  || die "--hyperparameters must be a JSON object, e.g. '{\"features\": \"engines,crew\", \"fit_intercept\": true}'"

if [[ -z "$OUT" ]]; then
  OUT="$REPO_ROOT/kedro_project/data/06_models/train-local/$(date -u +%Y%m%d-%H%M%S)-$MODE-$$"
elif [[ -e "$OUT" && -n "$(ls -A "$OUT")" ]]; then
  die "--out $OUT is not empty; give a new or empty folder"
fi
mkdir -p "$OUT/model" "$OUT/output"
OUT="$(cd "$OUT" && pwd)"

if ((BUILD)) || ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "==> Building $IMAGE from $REPO_ROOT (a few minutes the first time)"
  "$REPO_ROOT/scripts/build_image.sh" --tag "$IMAGE"
fi

# Both modes run with no network, as the pipeline's data is all in the channel.
run_args=(--rm --network none --platform linux/amd64 --user "$(id -u):$(id -g)")
if [[ -n "$MEMORY" ]]; then
  run_args+=(--memory "$MEMORY" --memory-swap "$MEMORY")
fi

if [[ "$MODE" == direct ]]; then
  # The hyperparameters as the toolkit passes them: sorted --name value pairs, str() of each.
  mapfile -t hyperparameter_args < <(python3 - "$HYPERPARAMETERS" <<'PY'
import json
import sys

for name, value in sorted(json.loads(sys.argv[1]).items()):
    print(f"--{name}")
    print(value)
PY
  )
  echo "==> Training in $IMAGE (direct: train.py ${hyperparameter_args[*]})"
  status=0
  docker run "${run_args[@]}" \
    -v "$CHANNEL:/opt/ml/input/data/train:ro" \
    -v "$OUT/model:/opt/ml/model" \
    -v "$OUT/output:/opt/ml/output" \
    -e SM_CHANNEL_TRAIN=/opt/ml/input/data/train \
    -e SM_MODEL_DIR=/opt/ml/model \
    -e SM_OUTPUT_DIR=/opt/ml/output \
    "$IMAGE" python /opt/ml/code/train.py "${hyperparameter_args[@]}" || status=$?
else
  # The job folder as SageMaker lays it out in File mode: each hyperparameter value a
  # JSON-encoded string, one host (algo-1), the channel copied into input/data/train/.
  mkdir -p "$OUT/input/config" "$OUT/input/data"
  cp -R "$CHANNEL" "$OUT/input/data/train"
  PYTHONPATH="$REPO_ROOT/container" python3 - "$HYPERPARAMETERS" "$OUT" <<'PY'
import json
import sys
from pathlib import Path

from spaceflights_training.job_folder import write_job_folder

hyperparameters = {name: json.dumps(value) for name, value in json.loads(sys.argv[1]).items()}
write_job_folder(Path(sys.argv[2]), hyperparameters, ["train"])
PY
  echo "==> Training in $IMAGE (sagemaker: docker run IMAGE train, job folder $OUT)"
  # input/, model/ and output/ are mounted one by one, as SageMaker does: a mount over all
  # of /opt/ml would hide the image's /opt/ml/code/train.py.
  # With --network none Docker does not map the hostname in /etc/hosts, and the toolkit
  # would wait 15 minutes for algo-1 to resolve: --add-host maps it.
  status=0
  docker run "${run_args[@]}" --hostname algo-1 --add-host algo-1:127.0.0.1 \
    -v "$OUT/input:/opt/ml/input" \
    -v "$OUT/model:/opt/ml/model" \
    -v "$OUT/output:/opt/ml/output" \
    "$IMAGE" train || status=$?
fi

if ((status == 0)) && [[ ! -f "$OUT/model/model.json" ]]; then
  printf 'Training exited 0 but wrote no model (%s is missing); see the log above.\n' \
    "$OUT/model/model.json" >&2
  exit 1
fi
if ((status != 0)); then
  reason=""
  [[ -s "$OUT/output/failure" ]] && reason="$(cat "$OUT/output/failure")"
  if [[ -n "$reason" ]]; then
    printf 'Training failed (exit %s): %s\n' "$status" "$reason" >&2
  else
    printf 'Training failed (exit %s) and left no failure sentence; see the log above.\n' "$status" >&2
  fi
  # Docker reports a container the kernel killed for memory as 137 (128 + SIGKILL).
  if ((status == 137)) && [[ "$reason" != *"out of memory"* ]]; then
    printf 'The container was most likely killed for running out of memory: raise --memory, or train on less data.\n' >&2
  fi
  exit "$status"
fi
echo "Model: $OUT/model/model.json"
