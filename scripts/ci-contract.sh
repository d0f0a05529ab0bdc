#!/usr/bin/env bash
# The contract as a product, checked end to end against the built server (run `npm run build` first):
# OpenAPI lint (Redocly, OWASP), Postman coverage, newman, the typed client and Swagger UI in chromium.
#   scripts/ci-contract.sh
# Starts dist/src/main.js on a free port with an embedded database in a temporary DATA_DIR, runs
# every check even when one fails, always stops the server, and exits 1 when any check failed.
# Needs chromium at /usr/bin/chromium (or CHROMIUM_PATH) for the Swagger UI check.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

DATA_DIR="$(mktemp -d)"
SERVER_LOG="$DATA_DIR/server.log"
SERVER_PID=""
FAILED=()

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA_DIR"
}
trap stop_server EXIT

check() {
  local name="$1"
  shift
  printf '\n--- %s (%ss)\n' "$name" "$SECONDS"
  if "$@"; then
    printf -- '--- ok: %s\n' "$name"
  else
    printf -- '--- FAILED: %s\n' "$name"
    FAILED+=("$name")
  fi
}

PORT="$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')"
BASE_URL="http://127.0.0.1:$PORT"

# Generous rate limits and a 1 s refresh-reuse grace (the Postman Reuse folder waits it out); bcrypt
# cost 4 because these checks are about the contract, not password hashing speed.
env -u DATABASE_URL -u REDIS_URL \
  NODE_ENV=development HOST=127.0.0.1 PORT="$PORT" DATA_DIR="$DATA_DIR" \
  REFRESH_REUSE_GRACE=1s RATE_LIMIT_AUTH_PER_MIN=1000 RATE_LIMIT_PER_MIN=100000 BCRYPT_COST=4 LOG_LEVEL=warn \
  node dist/src/main.js >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

# The lints need no server: they run while the embedded database starts.
check "OpenAPI lint (Redocly)" npm run -s openapi:lint
check "OpenAPI OWASP lint (Spectral; warnings listed in test-results/spectral-owasp.txt)" \
  bash -c 'mkdir -p test-results && npm run -s openapi:owasp -- -o test-results/spectral-owasp.txt; status=$?; tail -n 1 test-results/spectral-owasp.txt; exit $status'
check "every operation has a Postman request" node scripts/check-postman-coverage.mjs

printf '\n--- waiting for %s/health/ready (%ss)\n' "$BASE_URL" "$SECONDS"
ready=0
for _ in $(seq 1 120); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
  if curl -fsS -o /dev/null "$BASE_URL/health/ready" 2>/dev/null; then ready=1; break; fi
  sleep 0.5
done
if [[ "$ready" != 1 ]]; then
  echo "the server did not become ready; its log:"
  cat "$SERVER_LOG"
  exit 1
fi
echo "ready ($SECONDS s)"

check "newman (Postman collection)" env POSTMAN_ONLY_DOCUMENTED=1 bash scripts/run-postman.sh "$BASE_URL" --reporter-cli-no-success-assertions
check "typed client (openapi-typescript + openapi-fetch)" node scripts/client-check.mjs "$BASE_URL"
check "Swagger UI in chromium" npm run -s test:swagger-ui -- "$BASE_URL"

printf '\n=== contract checks done in %ss\n' "$SECONDS"
if [[ -s "$SERVER_LOG" ]]; then
  echo "server log (LOG_LEVEL=warn):"
  tail -n 50 "$SERVER_LOG"
fi
if (( ${#FAILED[@]} > 0 )); then
  printf 'FAILED: %s\n' "${FAILED[@]}"
  exit 1
fi
echo "all contract checks passed"
