#!/usr/bin/env bash
# Runs the browser end-to-end test (run.mjs) against a real `nextflex serve` on the demo data:
# a fresh database and object store in a temporary folder, an admin account, a free loopback
# port. The server is stopped and the folder removed however the test ends.
#
#   NEXTFLEX_BIN       the binary (default: $CARGO_TARGET_DIR or target, /debug/nextflex)
#   CHROMIUM_PATH      the browser (default: /usr/bin/chromium)
#   NEXTFLEX_E2E_SHOTS where screenshots and the server log go (default: web/e2e/shots)
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${NEXTFLEX_BIN:-${CARGO_TARGET_DIR:-$ROOT/target}/debug/nextflex}
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
export NEXTFLEX_E2E_SHOTS=${NEXTFLEX_E2E_SHOTS:-$ROOT/web/e2e/shots}

if [ ! -x "$CHROMIUM_PATH" ]; then
  if [ -n "${CI:-}" ]; then
    echo "e2e: no browser at $CHROMIUM_PATH" >&2
    exit 1
  fi
  echo "e2e skipped: no browser at $CHROMIUM_PATH (apt-get install chromium, or set CHROMIUM_PATH)"
  exit 0
fi
[ -x "$BIN" ] || { echo "e2e: no nextflex binary at $BIN" >&2; exit 1; }

WORK=$(mktemp -d)
mkdir -p "$NEXTFLEX_E2E_SHOTS"
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export NEXTFLEX_E2E_URL="http://127.0.0.1:$PORT"
export NEXTFLEX_E2E_ADMIN_EMAIL=admin@example.com
export NEXTFLEX_E2E_ADMIN_PASSWORD="$(python3 -c "import secrets; print(secrets.token_urlsafe(18))")"
cd "$WORK"
printf '%s\n' "$NEXTFLEX_E2E_ADMIN_PASSWORD" |
  "$BIN" users create --admin --email "$NEXTFLEX_E2E_ADMIN_EMAIL" --password-stdin --first-name Ada --last-name Admin
# Without the text model: embedding the demo catalogue takes minutes, which the integration tests
# (tests/it/search.rs) spend once; this test walks the pages.
env -u NEXTFLEX_TEXT_MODEL "$BIN" serve --addr "127.0.0.1:$PORT" --demo-path "$ROOT/data/demo" >"$NEXTFLEX_E2E_SHOTS/serve.log" 2>&1 &
SERVER_PID=$!

# Ready, and past warming up: the first full model is trained (its time depends on how busy the
# machine is; the steps below test the steady state, not the first minute after a start).
model_ok() { curl -sf "$NEXTFLEX_E2E_URL/readyz" 2>/dev/null | grep -q '"model":"ok"'; }
for _ in $(seq 1 480); do
  model_ok && break
  kill -0 "$SERVER_PID" 2>/dev/null || { echo "e2e: the server exited; see $NEXTFLEX_E2E_SHOTS/serve.log" >&2; exit 1; }
  sleep 0.5
done
model_ok || { echo "e2e: the server did not become ready in 4 minutes" >&2; exit 1; }

cd "$ROOT/web"
timeout 600 node e2e/run.mjs
