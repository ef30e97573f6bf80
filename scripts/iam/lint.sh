#!/usr/bin/env bash
# make lint: lint the IAM policies with parliament (an IAM policy linter), after filling
# their placeholders with example values, since placeholders are not valid ARNs.
# The trust policy is left out: parliament lints identity policies, and a trust policy
# has a Principal and no Resource by design (tests/scripts/test_iam_policies.py checks it).
set -euo pipefail
IAM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PARLIAMENT="${PARLIAMENT:-parliament}"
status=0
for policy in "$IAM_DIR"/*-policy.json; do
  filled="$(sed -e 's/ACCOUNT_ID/123456789012/g' -e 's/REGION/eu-west-1/g' \
    -e 's/BUCKET/example-bucket/g' -e 's/PREFIX/example-project/g' \
    -e 's/REPOSITORY/example-project-model/g' -e 's/ROLE_NAME/example-project-training/g' \
    -e 's/JOB_NAME/example-project/g' "$policy")"
  # </dev/null: parliament refuses to run when stdin is not a terminal and no file is piped.
  if ! findings="$("$PARLIAMENT" --string "$filled" </dev/null 2>&1)" || [[ -n "$findings" ]]; then
    printf 'parliament: %s:\n%s\n' "${policy#"$IAM_DIR/"}" "$findings" >&2
    status=1
  fi
done
exit "$status"
