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
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

. bench/server.sh
bench_server model
json='Content-Type: application/json'
TOKEN="$(bench_token)"
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
