#!/usr/bin/env bash
# Similar movies as a fan sees them, through the API: starts the release server on the demo data
# in a fresh temporary folder and, over the 300 most popular films (`/api/movies?sort=popular`)
# and their top 10 (`/api/movies/{id}/similar?k=10`), prints the share of neighbours sharing no
# genre with their film (the wince rate), the share that are among the 20 most popular films,
# the films found in most lists, and the lists of a few well-known films. Bounded: 300 requests,
# then the server is stopped.
#
#     bash bench/similar_fan.sh
#
# NEXTFLEX_BENCH_BIN=PATH runs that binary instead of building one (to compare two builds).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT="${NEXTFLEX_BENCH_PORT:-8079}"
. bench/server.sh
bench_server model
python3 - "$B" <<'PY'
import collections, json, sys, urllib.parse, urllib.request

base = sys.argv[1]
get = lambda path: json.load(urllib.request.urlopen(base + path))
films = []
for page in range(1, 4):
    films += get(f"/api/movies?sort=popular&page_size=100&page={page}")["results"]
films = films[:300]
top20 = {f["id"] for f in films[:20]}
pairs = judged = winces = popular = 0
seen = collections.Counter()
names = {}
for f in films:
    for n in get(f"/api/movies/{f['id']}/similar?k=10")["results"]:
        pairs += 1
        names[n["id"]] = n["title"]
        seen[n["id"]] += 1
        popular += n["id"] in top20
        if f["genres"] and n["genres"]:
            judged += 1
            winces += not set(f["genres"]) & set(n["genres"])
print(f"lists: {len(films)}, neighbours: {pairs}")
print(f"wince rate (no shared genre): {winces / judged:.1%}")
print(f"among the 20 most popular: {popular / pairs:.1%}")
print("most repeated:", ", ".join(f"{names[i]} {c}" for i, c in seen.most_common(5)))
for title in ["Get Out", "The Exorcist", "Amélie", "Up", "Notting Hill", "Mean Girls", "Toy Story",
              "Finding Nemo", "American Beauty", "Deadpool"]:
    found = [m for m in get("/api/movies?q=" + urllib.parse.quote(title) + "&page_size=5")["results"]
             if m["title"] == title]
    if found:
        similar = get(f"/api/movies/{found[0]['id']}/similar?k=8")["results"]
        print(f"- {title} → " + ", ".join(s["title"] for s in similar))
PY
