#!/usr/bin/env bash
# Search by meaning under load, on loopback: starts the release server with the text model on a
# copy of FOLDER (a catalogue trained with the model: its nextflex.db and objects/, e.g. after
# `nextflex train --text-model DIR`), then runs wrk against description searches (each new one
# embedded, then a scan of every film's vector; one asked again is not embedded again), titles
# as typed into Browse and the typeahead, at 1 and at CONNECTIONS connections, and prints the
# server's peak memory. Bounded in time; needs wrk, python3 and NEXTFLEX_TEXT_MODEL.
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
run() { # LABEL CONNECTIONS, then the lines of PATH on stdin (each request takes the next)
  local label="$1" c="$2"
  cat >"$WORK/paths"
  printf '%-46s c=%-3s ' "$label" "$c"
  WRK_PATHS="$WORK/paths" wrk -t"$(( c < 2 ? 1 : 2 ))" -c"$c" -d"${SECONDS_EACH}s" --latency \
    -s bench/rotate.lua "$B" |
    awk '/Requests\/sec/ {r=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2} END {printf "%9s req/s  p50 %8s  p99 %8s\n", r, p50, p99}'
}
# Descriptions nobody asked before (each one embedded), 1,980 for each run: the first half of
# one hand-written description with the second half of another (then the other way round); and
# one asked again and again (its embedding kept after the first time).
descriptions() { # FIRST: 0 or 1
  python3 - "$1" crates/server/tests/fixtures/search-descriptions.csv <<'PY'
import csv, sys, urllib.parse
swap, qs = sys.argv[1] == "1", [r["query"].split() for r in csv.DictReader(open(sys.argv[2]))]
for i, a in enumerate(qs):
    for j, b in enumerate(qs):
        if i != j:
            head, tail = (b, a) if swap else (a, b)
            q = " ".join(head[len(head) // 2 :] + tail[: len(tail) // 2]) if swap else \
                " ".join(head[: len(head) // 2] + tail[len(tail) // 2 :])
            print("/api/movies?page_size=24&q=" + urllib.parse.quote(q))
PY
}
run "descriptions, each new" 1 < <(descriptions 0)
run "descriptions, each new" "$CONNECTIONS" < <(descriptions 1)
run "description, asked again" "$CONNECTIONS" <<<"/api/movies?q=a%20robot%20alone%20on%20an%20empty%20earth&page_size=24"
# Titles as typed into Browse: the 500 most popular films'.
for page in 1 2 3 4 5; do
  curl -fs "$B/api/movies?sort=popular&page_size=100&page=$page"
  echo
done | python3 -c 'import json, sys, urllib.parse
for line in filter(str.strip, sys.stdin):
    for m in json.loads(line)["results"]:
        print("/api/movies?page_size=24&q=" + urllib.parse.quote(m["title"]))' >"$WORK/titles"
run "titles of the 500 most popular films" "$CONNECTIONS" <"$WORK/titles"
run "typeahead: star" "$CONNECTIONS" <<<"/api/movies/suggest?q=star"
run "similar movies (no search)" "$CONNECTIONS" <<<"/api/movies/1/similar?k=10"
echo "peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$SERVER/status)"
