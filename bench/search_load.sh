#!/usr/bin/env bash
# Search by meaning under load, on loopback: starts the release server with the text model on a
# copy of FOLDER (a catalogue trained with the model: its nextflex.db and objects/, e.g. after
# `nextflex train --text-model DIR`), then runs wrk against a description search (each request
# one query embedded and a scan of every film's vector), a title search and the typeahead, at 1
# and at CONNECTIONS connections, and prints the server's peak memory. Bounded in time; needs
# wrk and NEXTFLEX_TEXT_MODEL.
#
#     NEXTFLEX_TEXT_MODEL=DIR bash bench/search_load.sh FOLDER [SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
FOLDER="${1:?usage: search_load.sh FOLDER [SECONDS] [CONNECTIONS]}"
SECONDS_EACH="${2:-10}"
CONNECTIONS="${3:-32}"
PORT="${NEXTFLEX_BENCH_PORT:-8078}"
: "${NEXTFLEX_TEXT_MODEL:?set NEXTFLEX_TEXT_MODEL to the text model folder}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
bin="${NEXTFLEX_BENCH_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --quiet --release -p nextflex
  bin="${CARGO_TARGET_DIR:-target}/release/nextflex"
fi
WORK="$(mktemp -d)"
cp -r "$FOLDER/nextflex.db" "$FOLDER/objects" "$WORK/"
B="http://127.0.0.1:$PORT"
NEXTFLEX_LOG=warn "$bin" serve --addr "127.0.0.1:$PORT" --no-demo \
  --database-url "sqlite://$WORK/nextflex.db" --storage-url "file://$WORK/objects" \
  --data-dir "$WORK" >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 600); do
  curl -fs "$B/readyz" 2>/dev/null | grep -q '"search":"meaning"' && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.2
done
curl -fs "$B/readyz" | grep -q '"search":"meaning"' || { echo "search by meaning never came on" >&2; exit 1; }
echo "idle RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$SERVER/status)"
run() {
  local label="$1" url="$2" c="$3"
  printf '%-44s c=%-3s ' "$label" "$c"
  wrk -t"$(( c < 2 ? 1 : 2 ))" -c"$c" -d"${SECONDS_EACH}s" --latency "$url" |
    awk '/Requests\/sec/ {r=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%9s req/s  p50 %8s  p99 %8s\n", r, p50, p99}'
}
describe="$B/api/movies?q=a%20robot%20alone%20on%20an%20empty%20earth&page_size=24"
for c in 1 "$CONNECTIONS"; do
  run "description: a robot alone on an empty earth" "$describe" "$c"
done
run "title: the dark knight" "$B/api/movies?q=the%20dark%20knight&page_size=24" "$CONNECTIONS"
run "typeahead: star" "$B/api/movies/suggest?q=star" "$CONNECTIONS"
run "similar movies (no search)" "$B/api/movies/1/similar?k=10" "$CONNECTIONS"
echo "peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER/status)"
