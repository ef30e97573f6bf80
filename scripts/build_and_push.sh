#!/usr/bin/env bash
# Build a model's training image, push it to ECR, record its digest for a Kedro project's
# sagemaker environment, and rerun the project's pipeline there:
#
#   1. region and account from the AWS configuration
#   2. the ECR repository, created if missing (scan on push, immutable tags, tagged with
#      the project's name)
#   3. docker login, then build the model (--model) with the repository's Dockerfile for
#      linux/amd64, tagged with the git revision (plus -dirty-<UTC time> when the working
#      tree has changes)
#   4. push, and read back the pushed digest
#   5. check the image as SageMaker will run it (linux/amd64, `train` on PATH, SAGEMAKER_PROGRAM,
#      PYTHONUNBUFFERED) and write PROJECT/conf/sagemaker/globals_image.yml:
#      training_image_uri: REPO@sha256:... and training_image_checked: {what was found}
#   6. cd PROJECT, run the --before-run command if one was given, then
#      kedro run --env sagemaker --params model=MODEL [args after --]   (unless --no-run)
#
# Run with --help for the options and the environment variables it reads.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT_DIR="$REPO_ROOT/kedro_project"
MODEL="models/linear_regression"
REPOSITORY="" # default: the project's image name for the model (see --help)
BEFORE_RUN=""
RUN_PIPELINE=1
PRINT_URI=0
URI_FILE=""
KEDRO_ARGS=()

usage() {
  cat <<EOF
Usage: scripts/build_and_push.sh [options] [-- KEDRO_RUN_ARGS...]

Build a model's training image, push it to Amazon ECR, record REPO@sha256:DIGEST in
PROJECT/conf/sagemaker/globals_image.yml, then run 'kedro run --env sagemaker' in PROJECT.

Options:
  --project DIR      the Kedro project (default: kedro_project next to scripts/; a relative
                     path is from the current folder)
  --model DIR        the model's folder in this repository (default: models/linear_regression);
                     the run trains it: kedro run gets --params model=<its folder name>
  --repository NAME  ECR repository, created if missing (default: the project's image name for
                     the model, <package name>-<model folder name>, as
                     scripts/build_image.sh --project DIR --model DIR --default-tag prints it
                     without :latest)
  --before-run CMD   a shell command to run in PROJECT before 'kedro run' (e.g. one that
                     makes the raw data), with kedro's Python first on PATH
  --no-run           stop after recording the image; do not run the pipeline
  --print-uri        send all progress to stderr and print only REPO@sha256:DIGEST on stdout
  --uri-file PATH    also write REPO@sha256:DIGEST to PATH
  -h, --help         show this help
Arguments after -- go to 'kedro run', e.g. -- --to-nodes train_model_node

Environment:
  AWS_REGION, AWS_DEFAULT_REGION  region (else 'aws configure get region')
  AWS_PROFILE, AWS_*              credentials, as for any aws command
  AWS_ENDPOINT_URL                another AWS endpoint (recent aws CLIs and boto3 read it)
  KEDRO                           kedro to run (default: .venv/bin/kedro, else kedro on PATH)
  SOURCE_URL                      image source label (default: the git remote, without credentials)
  REGISTRY_OVERRIDE               HOST[:PORT] to push to instead of the ECR repository's host,
                                  without logging in (for tests against a local registry)

The tag is the short git revision. Uncommitted changes (outside PROJECT/conf, which never
reaches the image) make it REV-dirty-YYYYmmddTHHMMSSZ, because ECR tags are immutable. A
clean revision already in ECR is not rebuilt: its digest is reused. The repository is
tagged project=<package name> ([tool.kedro] package_name in PROJECT/pyproject.toml).
EOF
}

die() {
  printf 'build_and_push: %s\n' "$*" >&2
  exit 1
}

step() { printf '==> %s\n' "$*"; }

while (($#)); do
  case "$1" in
    --project) PROJECT_DIR="${2:?--project needs a folder}"; shift 2 ;;
    --model) MODEL="${2:?--model needs a folder}"; MODEL="${MODEL%/}"; shift 2 ;;
    --repository) REPOSITORY="${2:?--repository needs a name}"; shift 2 ;;
    --before-run) BEFORE_RUN="${2:?--before-run needs a command}"; shift 2 ;;
    --no-run) RUN_PIPELINE=0; shift ;;
    --print-uri) PRINT_URI=1; shift ;;
    --uri-file) URI_FILE="${2:?--uri-file needs a path}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    --) shift; KEDRO_ARGS=("$@"); break ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

if ((!RUN_PIPELINE && ${#KEDRO_ARGS[@]})); then
  die "arguments after -- are for 'kedro run', which --no-run skips"
fi
if ((!RUN_PIPELINE)) && [[ -n "$BEFORE_RUN" ]]; then
  die "--before-run runs before 'kedro run', which --no-run skips"
fi

# ---- the project and the model: bad input stops here, before anything is asked of AWS ------
[[ -f "$REPO_ROOT/$MODEL/train.py" && -f "$REPO_ROOT/$MODEL/requirements.txt" ]] \
  || die "$MODEL is not a model folder in $REPO_ROOT (it needs train.py and requirements.txt); pass --model models/NAME"
# pyproject.toml needs Python 3.11+ (tomllib): the repository's venv, else python3.
python_bin="$REPO_ROOT/.venv/bin/python"
[[ -x "$python_bin" ]] || python_bin=python3
command -v "$python_bin" >/dev/null || die "python3 is needed to read the project's pyproject.toml"
project_tool() { "$python_bin" "$REPO_ROOT/scripts/kedro_project.py" --prog build_and_push "$@"; }
PROJECT_NAME="$(project_tool package-name "$PROJECT_DIR")" || exit 2
PROJECT_DIR="$(cd "$PROJECT_DIR" && pwd)"
# Messages name the project as the user knows it: from the repository's root when it is in
# it (kedro_project/conf/..., or ./conf/... for a project at the root), else by its full path.
if [[ "$PROJECT_DIR" == "$REPO_ROOT" ]]; then PROJECT_SHOWN=.; else PROJECT_SHOWN="${PROJECT_DIR#"$REPO_ROOT/"}"; fi
[[ -d "$PROJECT_DIR/conf/sagemaker" ]] \
  || die "$PROJECT_SHOWN has no conf/sagemaker folder: add the sagemaker environment (kedro_project/conf/sagemaker shows one) before pushing its image"
IMAGE_RECORD="$PROJECT_DIR/conf/sagemaker/globals_image.yml"
REPOSITORY="${REPOSITORY:-$(project_tool image-name "$PROJECT_DIR" "$MODEL")}" || exit 2
# The project's configuration picks the model's adapter by this name (conf/base/globals.yml
# `models`), so the run reads the model's files as this image writes them.
MODEL_PARAM="model=${MODEL##*/}"

if ((PRINT_URI)); then
  # Keep fd 3 for the URI; everything else, docker and kedro included, goes to stderr.
  exec 3>&1 1>&2
fi

# ---- prerequisites: each missing one stops the script here, with one line -------------
command -v aws >/dev/null || die "the aws CLI is not installed (pip install awscli, or AWS CLI v2)"
REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-$(aws configure get region 2>/dev/null || true)}}"
[[ -n "$REGION" ]] || die "no AWS region: set AWS_REGION or run 'aws configure set region REGION'"
export AWS_DEFAULT_REGION="$REGION" # the same region for kedro's boto3 as for the aws CLI
awsr() { aws --region "$REGION" "$@"; }

TMP_DIR="$(mktemp -d)"
trap 'rm -rf "$TMP_DIR"' EXIT

if ! ACCOUNT="$(awsr sts get-caller-identity --query Account --output text 2>"$TMP_DIR/sts.err")"; then
  die "no usable AWS credentials ('aws sts get-caller-identity' said: $(grep -v '^[[:space:]]*$' "$TMP_DIR/sts.err" | tail -n 1))"
fi
command -v docker >/dev/null || die "docker is not installed"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer ('docker info' failed): start it first"
command -v git >/dev/null || die "git is not installed (the image is tagged with the git revision)"
git -C "$REPO_ROOT" rev-parse --verify -q HEAD >/dev/null \
  || die "$REPO_ROOT has no git commit to tag the image with"

if ((RUN_PIPELINE)); then
  if [[ -n "${KEDRO:-}" ]]; then
    :
  elif [[ -x "$REPO_ROOT/.venv/bin/kedro" ]]; then
    KEDRO="$REPO_ROOT/.venv/bin/kedro"
  else
    KEDRO="$(command -v kedro || true)"
  fi
  [[ -n "$KEDRO" ]] || die "kedro not found: run 'make setup', set KEDRO, or pass --no-run"
  [[ "$KEDRO" != */* || "$KEDRO" == /* ]] || KEDRO="$PWD/$KEDRO" # it runs in the project
  # The run would stop on this anyway, but only after the build and push.
  if grep -qE '^[^#]*REPLACE_ME' "$PROJECT_DIR/conf/sagemaker/globals.yml"; then
    die "$PROJECT_SHOWN/conf/sagemaker/globals.yml still has REPLACE_ME: fill it in, or pass --no-run"
  fi
fi

# ---- 1. where ------------------------------------------------------------------------
step "AWS account $ACCOUNT, region $REGION"

# ---- 2. the repository ---------------------------------------------------------------
step "ECR repository $REPOSITORY"
if ! REPOSITORY_URI="$(awsr ecr describe-repositories --repository-names "$REPOSITORY" \
  --query 'repositories[0].repositoryUri' --output text 2>"$TMP_DIR/describe.err")"; then
  grep -q RepositoryNotFoundException "$TMP_DIR/describe.err" \
    || die "cannot look up ECR repository $REPOSITORY: $(tail -n 1 "$TMP_DIR/describe.err")"
  step "Creating ECR repository $REPOSITORY (scan on push, immutable tags)"
  REPOSITORY_URI="$(awsr ecr create-repository --repository-name "$REPOSITORY" \
    --image-scanning-configuration scanOnPush=true --image-tag-mutability IMMUTABLE \
    --tags "Key=project,Value=$PROJECT_NAME" \
    --query 'repository.repositoryUri' --output text)"
fi
if [[ -n "${REGISTRY_OVERRIDE:-}" ]]; then
  IMAGE_REPO="$REGISTRY_OVERRIDE/${REPOSITORY_URI#*/}"
else
  IMAGE_REPO="$REPOSITORY_URI"
fi

# ---- 3. tag, log in, build -------------------------------------------------------------
TAG="$(git -C "$REPO_ROOT" rev-parse --short=12 HEAD)"
# An immutable tag must only ever name one image, so a build of uncommitted changes gets
# its own tag instead of the revision's. The project's conf does not count: it never
# reaches the image, and filling in conf/sagemaker/globals.yml is expected.
dirty_paths=(.)
if [[ "$PROJECT_SHOWN" != /* ]]; then dirty_paths+=(":(exclude)$PROJECT_SHOWN/conf"); fi
if [[ -n "$(git -C "$REPO_ROOT" status --porcelain -- "${dirty_paths[@]}")" ]]; then
  TAG="$TAG-dirty-$(date -u +%Y%m%dT%H%M%SZ)"
fi
IMAGE="$IMAGE_REPO:$TAG"

DIGEST=""
if [[ -z "${REGISTRY_OVERRIDE:-}" && "$TAG" != *-dirty-* ]]; then
  # This revision was pushed before: its tag cannot be pushed again, and need not be.
  DIGEST="$(awsr ecr describe-images --repository-name "$REPOSITORY" \
    --image-ids imageTag="$TAG" --query 'imageDetails[0].imageDigest' --output text \
    2>/dev/null || true)"
  [[ "$DIGEST" == sha256:* ]] || DIGEST=""
fi

if [[ -n "$DIGEST" ]]; then
  step "$IMAGE is already in ECR (tags are immutable): reusing $DIGEST"
else
  if [[ -n "${REGISTRY_OVERRIDE:-}" ]]; then
    step "Registry override: pushing to $REGISTRY_OVERRIDE, not logging in"
  else
    step "Logging in to ${REPOSITORY_URI%%/*}"
    awsr ecr get-login-password \
      | docker login --username AWS --password-stdin "${REPOSITORY_URI%%/*}"
  fi

  step "Building $IMAGE for linux/amd64"
  "$REPO_ROOT/scripts/build_image.sh" --project "$PROJECT_DIR" --model "$MODEL" --tag "$IMAGE"

  # ---- 4. push and read the digest back ------------------------------------------------
  step "Pushing $IMAGE"
  docker push "$IMAGE" | tee "$TMP_DIR/push.log"
  # The push reports "TAG: digest: sha256:... size: N"; the image's RepoDigests is the fallback.
  DIGEST="$(sed -nE 's/.*digest: (sha256:[0-9a-f]{64}).*/\1/p' "$TMP_DIR/push.log" | tail -n 1)"
  if [[ -z "$DIGEST" ]]; then
    DIGEST="$(docker image inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' "$IMAGE" \
      | sed -n "s#^${IMAGE_REPO}@##p" | tail -n 1)"
  fi
fi
[[ "$DIGEST" =~ ^sha256:[0-9a-f]{64}$ ]] || die "could not read the digest of $IMAGE after the push"
if [[ -n "${REGISTRY_OVERRIDE:-}" ]] && ! awsr ecr describe-images --repository-name "$REPOSITORY" \
  --image-ids imageDigest="$DIGEST" >/dev/null 2>&1; then
  # The stand-in registry is not ECR: register the pushed manifest with ECR's API, as a push
  # to ECR would, so that the pre-flight's DescribeImages finds the digest.
  manifest="$(curl -fsS -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REGISTRY_OVERRIDE/v2/${REPOSITORY_URI#*/}/manifests/$DIGEST")" \
    || die "cannot read the manifest of $IMAGE back from $REGISTRY_OVERRIDE"
  awsr ecr put-image --repository-name "$REPOSITORY" --image-tag "$TAG" \
    --image-manifest "$manifest" --image-digest "$DIGEST" >/dev/null
fi
IMAGE_URI="$IMAGE_REPO@$DIGEST"

# ---- 5. check the image and record it for the sagemaker environment -----------------------
# What SageMaker needs of the image, checked here once, where Docker is. The pre-flight
# reads the image's configuration from ECR itself; this record adds what only running the
# image shows (`train` on PATH, its #! line, the program file), for the digest it names.
step "Checking $IMAGE as SageMaker will run it"
checked=1
if ! docker image inspect "$IMAGE" >/dev/null 2>&1; then
  # Reused from ECR, so not built here: pull it to check it.
  if [[ -z "${REGISTRY_OVERRIDE:-}" ]]; then
    awsr ecr get-login-password 2>/dev/null \
      | docker login --username AWS --password-stdin "${REPOSITORY_URI%%/*}" >/dev/null 2>&1 || true
  fi
  docker pull "$IMAGE" >/dev/null 2>&1 || checked=0
fi
check_block=""
if ((checked)); then
  platform="$(docker image inspect -f '{{.Os}}/{{.Architecture}}' "$IMAGE")"
  size_bytes="$(docker image inspect -f '{{.Size}}' "$IMAGE")"
  image_env="$(docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE")"
  program="$(sed -n 's/^SAGEMAKER_PROGRAM=//p' <<<"$image_env" | tail -n 1)"
  unbuffered=false
  if grep -qE '^PYTHONUNBUFFERED=.+' <<<"$image_env"; then unbuffered=true; fi
  # `train` as SageMaker starts it: on PATH, executable, without a CRLF #! line; and the program.
  # shellcheck disable=SC2016 # expanded inside the container
  probe='t="$(command -v train)" || t=""; printf "%s\n" "$t"
if [ -n "$t" ] && head -n 1 "$t" | grep -q "$(printf "\r")"; then echo crlf; else echo lf; fi
if [ -n "$SAGEMAKER_PROGRAM" ] && [ -f "/opt/ml/code/$SAGEMAKER_PROGRAM" ]; then echo found; else echo missing; fi'
  probed="$(docker run --rm --network none --entrypoint sh "$IMAGE" -c "$probe")" \
    || die "cannot start $IMAGE with sh to check it"
  train_path="$(sed -n 1p <<<"$probed")"
  crlf=false
  if [[ "$(sed -n 2p <<<"$probed")" == crlf ]]; then crlf=true; fi
  program_found=false
  if [[ "$(sed -n 3p <<<"$probed")" == found ]]; then program_found=true; fi
  if [[ "$platform" != linux/amd64 || -z "$train_path" || "$crlf" == true || "$program_found" != true ]]; then
    printf 'build_and_push: warning: SageMaker cannot run %s (%s, train: %s, SAGEMAKER_PROGRAM: %s); the pre-flight will refuse it\n' \
      "$IMAGE" "$platform" "${train_path:-missing}" "${program:-unset}" >&2
  fi
  check_block="# What the script found in that image; the pre-flight trusts it for this digest.
training_image_checked:
  digest: $DIGEST
  platform: $platform
  train: \"$train_path\"
  train_shebang_crlf: $crlf
  sagemaker_program: \"$program\"
  program_found: $program_found
  unbuffered: $unbuffered
  size_bytes: $size_bytes
  ecr_repository: $REPOSITORY_URI"
else
  printf 'build_and_push: warning: cannot pull %s to check it; the pre-flight checks only what ECR shows of it\n' "$IMAGE" >&2
fi

step "Recording $IMAGE_URI in ${IMAGE_RECORD#"$REPO_ROOT/"}"
record="$(mktemp "$IMAGE_RECORD.XXXXXX")"
chmod 644 "$record"
cat >"$record" <<EOF
# Written by scripts/build_and_push.sh: the image of $MODEL pushed as $IMAGE.
# Not committed (.gitignore); run the script again to replace it.
training_image_uri: $IMAGE_URI
$check_block
EOF
mv -f "$record" "$IMAGE_RECORD"
if [[ -n "$URI_FILE" ]]; then
  printf '%s\n' "$IMAGE_URI" >"$URI_FILE"
fi

# ---- 6. rerun the pipeline with it -----------------------------------------------------
if ((RUN_PIPELINE)); then
  if [[ -n "$BEFORE_RUN" ]]; then
    step "In $PROJECT_SHOWN: $BEFORE_RUN"
    # kedro's bin folder first, so that `python` is the Python that runs the pipeline.
    (cd "$PROJECT_DIR" && PATH="$(dirname "$KEDRO"):$PATH" bash -c "$BEFORE_RUN") \
      || die "--before-run '$BEFORE_RUN' failed in $PROJECT_SHOWN (exit status $?); the pipeline was not run"
  fi
  # A --params after -- would replace this one (kedro keeps the last), so the model's is
  # put in front of the user's.
  run_args=()
  params_merged=0
  for ((i = 0; i < ${#KEDRO_ARGS[@]}; i++)); do
    arg="${KEDRO_ARGS[i]}"
    if [[ "$arg" == --params && $((i + 1)) -lt ${#KEDRO_ARGS[@]} ]]; then
      run_args+=(--params "$MODEL_PARAM,${KEDRO_ARGS[i + 1]}")
      params_merged=1
      i=$((i + 1))
    elif [[ "$arg" == --params=* ]]; then
      run_args+=("--params=$MODEL_PARAM,${arg#--params=}")
      params_merged=1
    else
      run_args+=("$arg")
    fi
  done
  if ((!params_merged)); then run_args=(--params "$MODEL_PARAM" "${run_args[@]}"); fi
  step "Running in $PROJECT_SHOWN: kedro run --env sagemaker ${run_args[*]}"
  (cd "$PROJECT_DIR" && "$KEDRO" run --env sagemaker "${run_args[@]}")
fi

echo "Image: $IMAGE_URI"
if ((PRINT_URI)); then
  printf '%s\n' "$IMAGE_URI" >&3
fi
