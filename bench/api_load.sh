#!/usr/bin/env bash
# Load test of the HTTP API on loopback: starts the release server on the demo data in a fresh
# temporary folder (SQLite, local objects), registers 20 users who each rate five movies, and
# runs wrk against similar movies, the personalised list, the user's ratings and typeahead
# suggestions. Each request of a run takes the next of many: similar movies over the 500 most
# popular films, the personal routes over the 20 users (bench/rotate.lua); the one-film,
# one-user form of earlier benchmarks is measured too, for comparison. Bounded in time (wrk -d,
# then the server is stopped); needs wrk (Debian's package).
#
#     bash bench/api_load.sh [SECONDS] [CONNECTIONS]
#
# NEXTFLEX_BENCH_BIN=PATH runs that binary instead of building one (to compare two builds).
# The server trains once, untuned (NEXTFLEX_TUNING_BUDGET=0 unless set): a tuning training would
# otherwise run beside the measurement. NEXTFLEX_IALS_BLEND=W serves the blend of EASE and iALS
# at weight W (what tuning picks on data where the blend wins).
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH="${1:-15}"
CONNECTIONS="${2:-32}"
PORT="${NEXTFLEX_BENCH_PORT:-8077}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }

. bench/server.sh
bench_server model NEXTFLEX_TUNING_BUDGET="${NEXTFLEX_TUNING_BUDGET:-0}"
json='Content-Type: application/json'
TOKEN="$(bench_token)"
for m in 1 260 318 1196 2571; do
  curl -fs -X PUT -H "$json" -H "Authorization: Bearer $TOKEN" -d '{"rating":4.5}' \
    "$B/api/movies/$m/rating" >/dev/null
done
# 500 popular films, and 19 more users who each rate five of them.
for page in 1 2 3 4 5; do
  curl -fs "$B/api/movies?sort=popular&page_size=100&page=$page" | grep -o '"id":[0-9]*' | cut -d: -f2
done | awk '!seen[$0]++' | head -n 500 >"$WORK/films"
TOKENS=("$TOKEN")
for u in $(seq 2 20); do
  email="bench$u@example.com"
  curl -fs -H "$json" -d "{\"email\":\"$email\",\"password\":\"correct horse battery 9\",\"re_password\":\"correct horse battery 9\"}" \
    "$B/auth/users/" >/dev/null
  t="$(curl -fs -H "$json" -d "{\"email\":\"$email\",\"password\":\"correct horse battery 9\"}" \
    "$B/auth/jwt/create/" | sed 's/.*"access":"\([^"]*\)".*/\1/')"
  TOKENS+=("$t")
  for m in $(sed -n "$((u * 7)),$((u * 7 + 4))p" "$WORK/films"); do
    curl -fs -X PUT -H "$json" -H "Authorization: Bearer $t" -d '{"rating":4.5}' \
      "$B/api/movies/$m/rating" >/dev/null
  done
done
echo "films: $(wc -l <"$WORK/films"), users: ${#TOKENS[@]}"

run() { # NAME, then the lines of PATH [TOKEN] on stdin
  echo "== GET $1"
  cat >"$WORK/paths"
  WRK_PATHS="$WORK/paths" wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --latency \
    -s bench/rotate.lua "$B" | grep -E "Requests/sec|Non-2xx|Socket errors|^ +(50|99)%"
}
run "/api/movies/{500 popular films}/similar?k=10" < <(sed 's|.*|/api/movies/&/similar?k=10|' "$WORK/films")
run "/api/movies/1449/similar?k=10 (one film)" <<<"/api/movies/1449/similar?k=10"
run "/api/me/recommendations?k=10 (20 users)" < <(printf '/api/me/recommendations?k=10 %s\n' "${TOKENS[@]}")
run "/api/me/ratings (20 users)" < <(printf '/api/me/ratings %s\n' "${TOKENS[@]}")
run "/api/movies/suggest?q=star" <<<"/api/movies/suggest?q=star"
run "/api/movies/suggest?q=t" <<<"/api/movies/suggest?q=t"
