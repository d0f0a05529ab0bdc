#!/usr/bin/env bash
# The reference web client (examples/web) in chromium, on its own origin, against the built API:
#   scripts/ci-web-example.sh          (run `npm run build` first)
# Installs the example's own dependencies (npm ci in examples/web), builds it for the API's URL,
# serves it with `vite preview` on one port and the API (embedded database, JWT_ACCESS_TTL=3s) on
# another, runs test/browser/web-example.ts, and always stops both servers. Screenshots and timings:
# test-results/web-example/. Needs chromium at /usr/bin/chromium (or CHROMIUM_PATH).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

WORK_DIR="$(mktemp -d)"
PIDS=()
stop_servers() {
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK_DIR"
}
trap stop_servers EXIT

free_port() { node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'; }
wait_for() {
  local url="$1" pid="$2" log="$3"
  for _ in $(seq 1 240); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    sleep 0.5
  done
  echo "$url did not come up; its log:"
  cat "$log"
  return 1
}

API_PORT="$(free_port)"
WEB_PORT="$(free_port)"
while [[ "$WEB_PORT" == "$API_PORT" ]]; do WEB_PORT="$(free_port)"; done
API_URL="http://127.0.0.1:$API_PORT"
WEB_URL="http://127.0.0.1:$WEB_PORT"

# Two origins: the API allows exactly the example's. Access tokens live 3 s so the journey sees them
# expire; bcrypt cost 4 because this is about the client, not hashing. 40 attempts a minute per auth
# route: the journey's few logins and refreshes stay well below, its run of wrong passwords reaches it.
env -u DATABASE_URL -u REDIS_URL \
  NODE_ENV=development HOST=127.0.0.1 PORT="$API_PORT" DATA_DIR="$WORK_DIR/data" CORS_ORIGINS="$WEB_URL" \
  JWT_ACCESS_TTL=3s BCRYPT_COST=4 RATE_LIMIT_AUTH_PER_MIN=40 RATE_LIMIT_PER_MIN=100000 LOG_LEVEL=warn \
  node dist/src/main.js >"$WORK_DIR/api.log" 2>&1 &
PIDS+=($!)
API_PID=$!

printf -- '--- examples/web: npm ci and build for %s (%ss)\n' "$API_URL" "$SECONDS"
(cd examples/web && npm ci --no-audit --no-fund && VITE_API_URL="$API_URL" npm run build)

(cd examples/web && exec node_modules/.bin/vite preview --host 127.0.0.1 --port "$WEB_PORT" --strictPort) >"$WORK_DIR/web.log" 2>&1 &
PIDS+=($!)
WEB_PID=$!

wait_for "$API_URL/health/ready" "$API_PID" "$WORK_DIR/api.log"
wait_for "$WEB_URL/" "$WEB_PID" "$WORK_DIR/web.log"
printf -- '--- API on %s, example on %s (%ss)\n' "$API_URL" "$WEB_URL" "$SECONDS"

status=0
node --import @swc-node/register/esm-register test/browser/web-example.ts "$WEB_URL" "$API_URL" || status=$?
if [[ -s "$WORK_DIR/api.log" ]]; then
  echo "API log (LOG_LEVEL=warn):"
  tail -n 30 "$WORK_DIR/api.log"
fi
exit "$status"
