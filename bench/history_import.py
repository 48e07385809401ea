"""Times `POST /api/me/imports` with a 2,000-row Letterboxd ratings file made from the demo's
TMDB 5000 movies (titles and years as TMDB gives them, as Letterboxd does), and checks every
match against the TMDB id the row was made from.

    python3 bench/history_import.py http://127.0.0.1:8091 [rows]

Prints the server time of the import, the share of rows matched, and the rows matched to the
wrong movie (which must be none). Needs a server on the demo data with
NEXTFLEX_AUTH_RATE_LIMIT=0; only loopback addresses are accepted.
"""

import csv
import gzip
import io
import json
import random
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

BASE = sys.argv[1].rstrip("/")
ROWS = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
if urllib.parse.urlparse(BASE).hostname not in ("127.0.0.1", "localhost", "::1"):
    sys.exit("only loopback addresses")
MOVIES = Path(__file__).resolve().parent.parent / "data/demo/tmdb-5000/tmdb_5000_movies.csv.gz"


def call(method, path, body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def main():
    films = []
    with gzip.open(MOVIES, "rt", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["release_date"][:4].isdigit():
                films.append((int(row["vote_count"] or 0), row["title"], row["release_date"][:4], int(row["id"])))
    films.sort(reverse=True)
    films = films[:ROWS]
    rng = random.Random(7)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(["Date", "Name", "Year", "Letterboxd URI", "Rating"])
    for _, title, year, _ in films:
        w.writerow(["2024-01-01", title, year, "https://boxd.it/x", rng.choice([1, 2, 2.5, 3, 3.5, 4, 4.5, 5])])
    path = Path("/tmp/nextflex-history-import.csv")
    path.write_text("\ufeff" + out.getvalue(), encoding="utf-8")

    email = f"bench{int(time.time())}@example.com"
    password = "Quiet-Harbour-Lantern-42"
    call("POST", "/auth/users/", {"email": email, "password": password, "re_password": password})
    token = call("POST", "/auth/jwt/create/", {"email": email, "password": password})["access"]
    report = None
    for attempt in range(3):
        started = time.perf_counter()
        res = subprocess.run(
            ["curl", "-s", "-w", "\n%{time_total}", "-H", f"Authorization: Bearer {token}",
             "-F", f"file=@{path}", "-F", "existing=keep", BASE + "/api/me/imports"],
            capture_output=True, text=True, check=True)
        body, total = res.stdout.rsplit("\n", 1)
        report = json.loads(body)
        print(f"import {attempt + 1}: {float(total) * 1000:.0f} ms (curl total), rated {report['rated']}, "
              f"already rated {report['already_rated']}")
    tmdb_of = {}
    wrong = 0
    for m in report["matches"]:
        detail = call("GET", f"/api/movies/{m['movie_id']}")
        tmdb_of[m["line"]] = detail.get("tmdb_id")
    for line, (_, title, year, tmdb) in enumerate(films, start=2):
        if line in tmdb_of and tmdb_of[line] != tmdb:
            wrong += 1
            print(f"  mismatched line {line}: {title} ({year}) → tmdb {tmdb_of[line]}, not {tmdb}")
    print(f"rows {report['rows']}, matched {report['matched']} ({100 * report['matched'] / report['rows']:.1f} %), "
          f"unmatched {report['unmatched']}, duplicates {report['duplicates']}, mismatched {wrong}")
    for u in report["unmatched_rows"][:10]:
        print(f"  unmatched line {u['line']}: {u['title']} ({u['year']})")


main()
