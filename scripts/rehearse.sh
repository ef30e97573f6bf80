#!/usr/bin/env bash
# make rehearse: the whole AWS route, offline, against the local SageMaker.
#
#   scripts/rehearse.sh [--project DIR] [--model DIR] [--repository NAME] [--before-run CMD]
#
# --project (default kedro_project), --model (default models/linear_regression),
# --repository (default <package name>-<model folder name>) and --before-run (a command
# run in the project before `kedro run`, e.g. one that makes its raw data) are passed on
# to scripts/build_and_push.sh; the project must be inside this repository's working tree.
#
#   1. checks that Docker answers (it does not start it)
#   2. starts a throwaway registry on a free 127.0.0.1 port (python -m local_sagemaker.registry:
#      Debian's docker-registry where installed, else the registry:2 image) and the local
#      AWS: python -m local_sagemaker (moto's server; jobs run in Docker); both are removed
#      when the script ends, however it ends
#   3. copies the working tree (tracked and untracked files, nothing git ignores) to a
#      throwaway folder, so your conf/sagemaker/globals.yml and globals_image.yml are
#      never touched, and fills the copy's globals.yml with a throwaway bucket and role
#   4. creates that bucket, the execution role with scripts/iam's trust and policy, and a
#      submitter holding only scripts/iam/submitter-policy.json, their placeholders filled
#      from the options and the project's conf/sagemaker; turns IAM checks on
#   5. runs scripts/build_and_push.sh in the copy as the submitter: build, push to the
#      local registry, record the digest, one kedro run --env sagemaker
#   6. prints the run's summary, and what a rehearsal cannot prove
#
# Environment: KEEP_REHEARSAL=1 keeps the copy.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="$REPO_ROOT/.venv/bin"
REGION="us-east-1"
# Throwaway names in a throwaway account: nothing of them reaches the project.
BUCKET="rehearsal-training-data"
ROLE_NAME="rehearsal-training-role"
PROJECT_DIR="$REPO_ROOT/kedro_project"
MODEL="models/linear_regression"
REPOSITORY=""
BEFORE_RUN=""

die() {
  printf 'rehearse: %s\n' "$*" >&2
  exit 1
}
step() { printf '==> %s\n' "$*"; }

while (($#)); do
  case "$1" in
    --project) PROJECT_DIR="${2:?--project needs a folder}"; shift 2 ;;
    --model) MODEL="${2:?--model needs a folder}"; MODEL="${MODEL%/}"; shift 2 ;;
    --repository) REPOSITORY="${2:?--repository needs a name}"; shift 2 ;;
    --before-run) BEFORE_RUN="${2:?--before-run needs a command}"; shift 2 ;;
    -h | --help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

[[ -x "$BIN/python" ]] || die "no .venv here: run 'make setup' first"
# Bad options stop here, before a registry or the local AWS is started.
"$BIN/python" "$REPO_ROOT/scripts/kedro_project.py" --prog rehearse package-name "$PROJECT_DIR" >/dev/null \
  || exit 2
PROJECT_DIR="$(cd "$PROJECT_DIR" && pwd)"
# The rehearsal runs in a copy of this working tree, so the project must be part of it.
case "$PROJECT_DIR/" in
  "$REPO_ROOT/"*) PROJECT_REL="${PROJECT_DIR#"$REPO_ROOT"}"; PROJECT_REL="${PROJECT_REL#/}"; PROJECT_REL="${PROJECT_REL:-.}" ;;
  *) die "--project $PROJECT_DIR is outside $REPO_ROOT; the rehearsal copies only this working tree, so put the project in it" ;;
esac
[[ -f "$PROJECT_DIR/conf/sagemaker/globals.yml" ]] \
  || die "$PROJECT_REL has no conf/sagemaker/globals.yml: add the sagemaker environment (kedro_project/conf/sagemaker shows one) first"
[[ -f "$REPO_ROOT/$MODEL/train.py" ]] \
  || die "$MODEL is not a model folder in $REPO_ROOT (it has no train.py); pass --model models/NAME"
if [[ -z "$REPOSITORY" ]]; then
  REPOSITORY="$("$BIN/python" "$REPO_ROOT/scripts/kedro_project.py" --prog rehearse \
    image-name "$PROJECT_DIR" "$MODEL")" || exit 2
fi
command -v docker >/dev/null || die "docker is not installed; the rehearsal builds and runs the image"
docker info >/dev/null 2>&1 \
  || die "the Docker engine does not answer: start it (CI starts one with bash .ci/docker-env.sh)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/rehearsal.XXXXXX")"
SERVER_PID=""
cleanup() {
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  "$BIN/python" -m local_sagemaker.registry stop --state-dir "$WORK" || true
  if [[ -n "${KEEP_REHEARSAL:-}" ]]; then
    echo "rehearse: kept $WORK" >&2
  else
    rm -rf "$WORK" 2>/dev/null || true
  fi
}
trap cleanup EXIT
# A signal ends the script through its EXIT trap, so nothing it started is left running.
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- 2. a registry and the local AWS -------------------------------------------------------
# Its own registry, on whatever loopback port is free; it says what is missing if it cannot.
REGISTRY="$("$BIN/python" -m local_sagemaker.registry start --state-dir "$WORK" 2>"$WORK/registry.err")" \
  || die "$(tail -n 1 "$WORK/registry.err")"
step "Local registry on $REGISTRY (removed at the end)"
step "Starting the local AWS with the local SageMaker (log: $WORK/local-sagemaker.log)"
LOCAL_SAGEMAKER_REGISTRY="$REGISTRY" LOCAL_SAGEMAKER_WORK_DIR="$WORK" \
  "$BIN/python" -m local_sagemaker --endpoint-file "$WORK/endpoint" \
  >"$WORK/local-sagemaker.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  [[ -s "$WORK/endpoint" ]] && break
  kill -0 "$SERVER_PID" 2>/dev/null || die "the local AWS did not start; see $WORK/local-sagemaker.log"
  sleep 0.2
done
[[ -s "$WORK/endpoint" ]] || die "the local AWS did not start in 20 s; see $WORK/local-sagemaker.log"
ENDPOINT="$(cat "$WORK/endpoint")"
step "Local AWS on $ENDPOINT"

# ---- 3. a throwaway copy of the working tree -------------------------------------------
COPY="$WORK/repo"
step "Copying the working tree to $COPY"
mkdir -p "$COPY"
# --ignore-failed-read: files deleted but not yet committed are simply left out.
git -C "$REPO_ROOT" ls-files -z --cached --others --exclude-standard \
  | tar -C "$REPO_ROOT" --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -C "$COPY" -xf -
if [[ -d "$PROJECT_DIR/data/01_raw" ]]; then
  # Your raw data (Kedro's raw layer, which git ignores), so the R² is comparable with make run's.
  mkdir -p "$COPY/$PROJECT_REL/data"
  cp -R "$PROJECT_DIR/data/01_raw" "$COPY/$PROJECT_REL/data/"
fi
git -C "$COPY" init -q
git -C "$COPY" add -A
git -C "$COPY" -c user.name=rehearsal -c user.email=rehearsal@localhost commit -q -m rehearsal

COPY_PROJECT="$COPY/$PROJECT_REL"
PROJECT_GLOBALS="$COPY_PROJECT/conf/sagemaker/globals.yml"
# The IAM documents' S3 prefix and job names, as the project's sagemaker environment sets
# them (its own config loader): jobs are named <job_name_prefix, cleaned>-<time>-<random>,
# and their ARNs are in lower case.
# shellcheck disable=SC2016 # Python, not shell
names="$(cd "$COPY_PROJECT" && "$BIN/python" -c '
from kedro_sagemaker_byoc.jobs import unique_job_name
from kedro_sagemaker_byoc.project import config_loader
conf = config_loader("sagemaker")
job_name = unique_job_name(conf["parameters"]["training"]["job_name_prefix"])
print(conf["globals"]["prefix"], job_name.rsplit("-", 3)[0].lower())
')" || die "cannot read $PROJECT_REL's sagemaker configuration (prefix in globals.yml, training.job_name_prefix)"
read -r PREFIX JOB_NAME <<<"$names"

# ---- 4. bucket, role, submitter; then IAM checks on ---------------------------------------
step "Creating bucket $BUCKET, role $ROLE_NAME and a submitter with scripts/iam's policies"
"$BIN/python" -m local_sagemaker.account --endpoint "$ENDPOINT" --iam-dir "$COPY/scripts/iam" \
  --region "$REGION" --bucket "$BUCKET" --prefix "$PREFIX" --repository "$REPOSITORY" \
  --job-name "$JOB_NAME" --role-name "$ROLE_NAME" --env-file "$WORK/submitter.env" --enforce-iam
# shellcheck disable=SC1091 # written just above
source "$WORK/submitter.env"
sed -i.orig -E -e "s|^bucket:[^#]*|bucket: $BUCKET   |" -e "s|^role_arn:[^#]*|role_arn: $ROLE_ARN   |" \
  "$PROJECT_GLOBALS"
rm -f "$PROJECT_GLOBALS.orig"
step "IAM checks are on: every call below is checked against scripts/iam's policies"

# ---- 5. build, push, record, run, as the submitter -------------------------------------
touch "$WORK/no-aws-config"
env -u AWS_PROFILE -u AWS_SESSION_TOKEN AWS_ENDPOINT_URL="$ENDPOINT" AWS_REGION="$REGION" AWS_DEFAULT_REGION="$REGION" \
  AWS_ACCESS_KEY_ID="$AWS_ACCESS_KEY_ID" AWS_SECRET_ACCESS_KEY="$AWS_SECRET_ACCESS_KEY" \
  AWS_CONFIG_FILE="$WORK/no-aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/no-aws-config" \
  AWS_EC2_METADATA_DISABLED=true \
  REGISTRY_OVERRIDE="$REGISTRY" KEDRO="$BIN/kedro" PATH="$BIN:$PATH" \
  bash "$COPY/scripts/build_and_push.sh" --project "$COPY_PROJECT" --model "$MODEL" \
  --repository "$REPOSITORY" ${BEFORE_RUN:+--before-run "$BEFORE_RUN"}

# ---- 6. the summary a real run prints, and the limits ------------------------------------
(cd "$COPY_PROJECT" && "$BIN/python" -m kedro_sagemaker_byoc.summary --env sagemaker)
cat <<'EOF'

Rehearsal passed (the throwaway copy above is removed now; KEEP_REHEARSAL=1 keeps it).
What it cannot prove (a real account checks these on the first run):
  - IAM beyond actions and resources: policy conditions (s3:prefix, iam:PassedToService,
    cloudwatch:namespace), permissions boundaries and resource policies, and AWS's policy
    simulation (the pre-flight read the execution role offline instead, and said so);
  - ECR: pushes and pulls go to the local registry, so neither the submitter's push grants,
    the execution role's ecr:* grants, nor SageMaker's own pull are exercised;
  - service quotas, and the instance type being offered in the region;
  - VPC routes, subnets and security groups, and KMS keys.
EOF
