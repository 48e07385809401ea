#!/usr/bin/env bash
# What a logged-in user's home page costs the API: starts the release server on the demo data in
# a fresh temporary folder, gives a user 500 ratings (a plain movieId,rating CSV through
# POST /api/me/imports: 500 demo movies drawn at random, ratings 0.5-5) and a watchlist of 5, then
# times, one request after another, every call the home page makes (its rows, the three charts,
# and the caller's watchlist, dismissed list and ratings for the buttons on the cards), ROUNDS
# times; prints each route's median and the median total. Bounded: ROUNDS rounds, then the
# server is stopped.
#
#     bash bench/home_rows.sh [ROUNDS]
#
# NEXTFLEX_BENCH_BIN=PATH runs that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS="${1:-30}"
PORT="${NEXTFLEX_BENCH_PORT:-8078}"
. bench/server.sh
bench_server model
TOKEN="$(bench_token)"
auth="Authorization: Bearer $TOKEN"
# 500 of the demo's rated movies, drawn with a fixed seed.
python3 - "$WORK/ratings.csv" <<'PY'
import csv, gzip, random, sys
rng = random.Random(7)
with gzip.open("data/demo/ml-latest-small/ratings.csv.gz", "rt") as f:
    movies = sorted({int(r["movieId"]) for r in csv.DictReader(f)})
with open(sys.argv[1], "w") as out:
    out.write("movieId,rating\n")
    for m in rng.sample(movies, 500):
        out.write(f"{m},{rng.randint(1, 10) / 2}\n")
PY
curl -fs -H "$auth" -F "file=@$WORK/ratings.csv" "$B/api/me/imports" |
  python3 -c 'import json, sys; r = json.load(sys.stdin); print("imported:", r["rated"], "ratings,", r["unmatched"], "unmatched")'
for m in 2 3 5 7 11; do curl -fs -X PUT -H "$auth" "$B/api/me/watchlist/$m" >/dev/null; done

PATHS=(/api/me/rows "/api/charts/popular?limit=40" "/api/charts/latest?limit=40"
  "/api/charts/top-rated?limit=40" /api/me/watchlist /api/me/dismissed /api/me/ratings)
python3 - "$B" "$TOKEN" "$ROUNDS" "${PATHS[@]}" <<'PY'
import statistics, sys, time, urllib.request
base, token, rounds, paths = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
times = {p: [] for p in paths}
totals = []
for _ in range(rounds):
    total = 0.0
    for p in paths:
        req = urllib.request.Request(base + p, headers={"Authorization": f"Bearer {token}"})
        t = time.perf_counter()
        with urllib.request.urlopen(req) as r:
            r.read()
        dt = (time.perf_counter() - t) * 1000
        times[p].append(dt)
        total += dt
    totals.append(total)
for p in paths:
    print(f"{p:36} median {statistics.median(times[p]):7.1f} ms  max {max(times[p]):7.1f} ms")
print(f"{'the whole home page':36} median {statistics.median(totals):7.1f} ms  max {max(totals):7.1f} ms")
PY
