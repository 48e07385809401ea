#!/usr/bin/env bash
# Does a large history import hold up everyone else? Starts the release server on the demo data in
# a fresh temporary folder, and while CONCURRENT users each import a ROWS-row Letterboxd file of
# titles the catalogue does not have, asks /healthz and a similar-movies list every 50 ms. Prints
# the imports' wall time, the server's CPU time during them (per import), and the latencies of the
# other requests (p50, p99, max). Loopback only,
# bounded in time (each request times out after 30 s; the server is stopped at the end).
#
#     bash bench/import_stall.sh [CONCURRENT] [ROWS]
#
# NEXTFLEX_BENCH_BIN=PATH runs that binary instead of building one (to compare two builds).
set -euo pipefail
cd "$(dirname "$0")/.."

CONCURRENT="${1:-2}"
ROWS="${2:-5000}"
PORT="${NEXTFLEX_BENCH_PORT:-8078}"
. bench/server.sh
bench_server model

python3 - "$B" "$CONCURRENT" "$ROWS" "$SERVER" <<'PY'
import json, os, statistics, sys, threading, time, urllib.request, uuid

base, concurrent, rows, server = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

def cpu_seconds():
    """The server's user and system CPU time so far (Linux /proc)."""
    with open(f"/proc/{server}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
assert base.startswith("http://127.0.0.1:")

def call(path, body=None, token=None, ctype="application/json", timeout=30):
    req = urllib.request.Request(base + path, data=body, method="POST" if body else "GET")
    if body:
        req.add_header("Content-Type", ctype)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read()

def token(n):
    email, pw = f"stall{n}@example.com", "correct horse battery 9"
    call("/auth/users/", json.dumps({"email": email, "password": pw, "re_password": pw}).encode())
    return json.loads(call("/auth/jwt/create/", json.dumps({"email": email, "password": pw}).encode()))["access"]

tokens = [token(n) for n in range(concurrent)]
csv = "Date,Name,Year,Letterboxd URI,Rating\n" + "".join(
    f"2024-01-01,Zzqx Unknown Film {i},{1990 + i % 30},u,4\n" for i in range(rows))
boundary = uuid.uuid4().hex
form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"u.csv\"\r\n"
        f"Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n").encode()

done, took = threading.Event(), []
def importer(t):
    start = time.monotonic()
    call("/api/me/imports", form, t, f"multipart/form-data; boundary={boundary}", timeout=300)
    took.append(time.monotonic() - start)

threads = [threading.Thread(target=importer, args=(t,)) for t in tokens]
cpu_before = cpu_seconds()
for th in threads:
    th.start()
lat = {"/healthz": [], "/api/movies/1/similar?k=10": []}
while any(th.is_alive() for th in threads):
    for path in lat:
        start = time.monotonic()
        try:
            call(path, timeout=30)
            lat[path].append(time.monotonic() - start)
        except Exception:
            lat[path].append(30.0)
    time.sleep(0.05)
for th in threads:
    th.join()
cpu = cpu_seconds() - cpu_before
print(f"{concurrent} imports of {rows} unknown titles: wall {max(took):.2f} s, "
      f"server CPU {cpu:.2f} s ({cpu / concurrent:.2f} s per import, the probes included)")
for path, xs in lat.items():
    xs = sorted(xs)
    p99 = xs[min(len(xs) - 1, int(len(xs) * 0.99))]
    print(f"  {path:<30} n={len(xs):<4} p50 {statistics.median(xs)*1000:7.1f} ms  "
          f"p99 {p99*1000:7.1f} ms  max {xs[-1]*1000:7.1f} ms")
PY
