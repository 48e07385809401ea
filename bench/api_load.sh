#!/usr/bin/env bash
# Load test of the HTTP API on loopback: starts the release server on the demo data in a fresh
# temporary folder (SQLite, local objects), registers a user, rates five movies, and runs wrk
# against similar movies, the personalised list, the user's ratings and typeahead suggestions.
# Bounded in time (wrk -d, then the server is stopped); needs wrk (Debian's package).
#
#     bash bench/api_load.sh [SECONDS] [CONNECTIONS]
#
# NEXTFLEX_BENCH_BIN=PATH runs that binary instead of building one (to compare two builds).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH="${1:-15}"
CONNECTIONS="${2:-32}"
PORT="${NEXTFLEX_BENCH_PORT:-8077}"
B="http://127.0.0.1:$PORT"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

BIN="${NEXTFLEX_BENCH_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build --quiet --release -p nextflex
  BIN="${CARGO_TARGET_DIR:-target}/release/nextflex"
fi
WORK="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

NEXTFLEX_AUTH_RATE_LIMIT=0 NEXTFLEX_LOG=warn "$BIN" serve --addr "127.0.0.1:$PORT" \
  --database-url "sqlite://$WORK/nextflex.db" --storage-url "file://$WORK/objects" \
  --data-dir "$WORK" >"$WORK/server.log" 2>&1 &
SERVER=$!
# Ready once the first model is trained and served (at most two minutes).
ready=0
for _ in $(seq 600); do
  if curl -fs "$B/readyz" 2>/dev/null | grep -q '"model":"ok"'; then ready=1; break; fi
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.2
done
[ "$ready" = 1 ] || { echo "the server was not ready within two minutes" >&2; cat "$WORK/server.log" >&2; exit 1; }

json='Content-Type: application/json'
curl -fs -H "$json" -d '{"email":"bench@example.com","password":"correct horse battery 9","re_password":"correct horse battery 9","first_name":"B","last_name":"M"}' \
  "$B/auth/users/" >/dev/null
TOKEN="$(curl -fs -H "$json" -d '{"email":"bench@example.com","password":"correct horse battery 9"}' \
  "$B/auth/jwt/create/" | sed 's/.*"access":"\([^"]*\)".*/\1/')"
for m in 1 260 318 1196 2571; do
  curl -fs -X PUT -H "$json" -H "Authorization: Bearer $TOKEN" -d '{"rating":4.5}' \
    "$B/api/movies/$m/rating" >/dev/null
done

for path in "/api/movies/1449/similar?k=10" "/api/me/recommendations?k=10" "/api/me/ratings" \
  "/api/movies/suggest?q=star" "/api/movies/suggest?q=t"; do
  echo "== GET $path"
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency -H "Authorization: Bearer $TOKEN" \
    "$B$path" | grep -E "Requests/sec|Non-2xx|Socket errors|^ +(50|99)%"
done
