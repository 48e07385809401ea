#!/usr/bin/env bash
# Parses one synthetic 26,024,289-row ratings.csv (the size of the full Kaggle file) with
# pandas.read_csv and with NextFlex's reader, back to back in one run on a warm page cache, and
# prints both times, the ratio and NextFlex's peak memory. The machine is noisy: only the ratio
# from one run means anything.
#
#     bash bench/ratings_parse.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS="${1:-26024289}"
CACHE="${NEXTFLEX_BENCH_CACHE:-$HOME/.cache/nextflex}"
VENV="$CACHE/bench-venv"
FILE="$CACHE/bench/ratings-$ROWS.csv"
mkdir -p "$CACHE/bench"

if ! "$VENV/bin/python" -c "import pandas, numpy" 2>/dev/null; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check pandas numpy
fi
if [ ! -f "$FILE" ]; then
  echo "generating $FILE"
  "$VENV/bin/python" bench/gen_ratings.py "$FILE" --rows "$ROWS"
fi

cargo build --quiet --release -p nextflex-data --example parse_ratings
BIN="${CARGO_TARGET_DIR:-target}/release/examples/parse_ratings"

cat "$FILE" > /dev/null # warm the page cache for both readers

pandas_s=$("$VENV/bin/python" - "$FILE" <<'PY'
import sys, time
import pandas as pd
t = time.perf_counter()
df = pd.read_csv(sys.argv[1])
print(f"{time.perf_counter() - t:.3f}")
assert len(df) > 0
PY
)
ours_json=$(/usr/bin/time -f "%M" -o "$CACHE/bench/parse.rss" "$BIN" "$FILE")
ours_s=$(echo "$ours_json" | sed -E 's/.*"seconds": ([0-9.]+).*/\1/')
rss_kb=$(cat "$CACHE/bench/parse.rss")

echo "file:    $FILE ($(du -m "$FILE" | cut -f1) MB, $(nproc) cores)"
echo "pandas:  ${pandas_s} s  (pandas.read_csv)"
echo "nextflex: ${ours_s} s  peak RSS $((rss_kb / 1024)) MB  $ours_json"
echo "ratio:   $(python3 -c "print(f'{$pandas_s / $ours_s:.1f}x faster than pandas')")"
