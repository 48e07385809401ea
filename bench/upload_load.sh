#!/usr/bin/env bash
# Memory under an upload burst, on loopback: starts the release server on an empty catalogue in
# a fresh temporary folder, then sends N concurrent posts (default 40), each with the same
# 40-megapixel JPEG (made once with Pillow in a venv under ~/.cache/nextflex), and reports the
# statuses and the server's peak resident memory (VmHWM). Bounded: each upload has a 120 s
# timeout, then the server is stopped.
#
#     bash bench/upload_load.sh [UPLOADS]
#
# NEXTFLEX_BENCH_BIN=PATH runs that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."

UPLOADS="${1:-40}"
PORT="${NEXTFLEX_BENCH_PORT:-8078}"
CACHE="${NEXTFLEX_CI_CACHE:-$HOME/.cache/nextflex}"

VENV="$CACHE/bench-venv"
"$VENV/bin/python" -c "import PIL" 2>/dev/null || {
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check pillow
}
IMAGE="$CACHE/bench/40mp.jpg"
if [ ! -f "$IMAGE" ]; then
  mkdir -p "$(dirname "$IMAGE")"
  "$VENV/bin/python" - "$IMAGE" <<'PY'
import sys
from PIL import Image
w, h = 7300, 5479  # 40.0 megapixels, the largest accepted
# A smooth picture (like most photos) compresses to a megabyte or two.
img = Image.linear_gradient("L").resize((w, h)).convert("RGB")
img.save(sys.argv[1], quality=90)
PY
fi

. bench/server.sh
bench_server up NEXTFLEX_NO_DEMO=true NEXTFLEX_UPLOAD_RATE_LIMIT=0
TOKEN="$(bench_token)"
rss() { awk -v k="$1:" '$1 == k {print int($2 / 1024)}' "/proc/$SERVER/status"; }
echo "image: $(stat -c %s "$IMAGE") bytes, 7300 x 5479; server RSS before: $(rss VmRSS) MiB"

start=$(date +%s.%N)
pids=()
for i in $(seq "$UPLOADS"); do
  curl -s -o /dev/null -w '%{http_code}\n' --max-time 120 -H "Authorization: Bearer $TOKEN" \
    -F title="burst $i" -F content="x" -F "image=@$IMAGE;type=image/jpeg" "$B/api/posts" \
    >>"$WORK/statuses" &
  pids+=($!)
done
wait "${pids[@]}" || true
end=$(date +%s.%N)
echo "$UPLOADS concurrent uploads in $(echo "$end - $start" | bc) s; statuses:"
sort "$WORK/statuses" | uniq -c
echo "server peak RSS (VmHWM): $(rss VmHWM) MiB; RSS after: $(rss VmRSS) MiB"
