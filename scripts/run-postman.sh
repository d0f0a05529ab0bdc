#!/usr/bin/env bash
# Runs the Postman collection against a running tasknest server with newman (a devDependency).
#   scripts/run-postman.sh [baseUrl]      default http://localhost:3000
# The Reuse folder expects the server to run with REFRESH_REUSE_GRACE=1s (as in CI); against the
# default 10 s grace, add: --env-var reuseWaitMs=11000 (extra arguments are passed to newman).
set -euo pipefail

BASE_URL="${1:-http://localhost:3000}"
shift || true

cd "$(dirname "${BASH_SOURCE[0]}")/.."

npx --no-install newman run openapi/tasknest.postman_collection.json \
  -e openapi/tasknest.postman_environment.json \
  --env-var "baseUrl=${BASE_URL}" \
  --bail failure \
  --reporters cli \
  "$@"
