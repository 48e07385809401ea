#!/usr/bin/env bash
# End-to-end import of a synthetic 26,024,289-row ratings.csv (the size of the full Kaggle file)
# with the release binary, on top of the demo catalogue: wall time and peak memory.
#
#     bash bench/import_26m.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CACHE="${NEXTFLEX_BENCH_CACHE:-$HOME/.cache/nextflex}"
ROWS=26024289
FILE="$CACHE/bench/ratings-$ROWS.csv"
if [ ! -f "$FILE" ]; then
  bash bench/ratings_parse.sh "$ROWS" >/dev/null # generates the file (and its virtualenv)
fi
DATASET="$CACHE/bench/kaggle-26m"
mkdir -p "$DATASET"
ln -sf "$FILE" "$DATASET/ratings.csv"

cargo build --quiet --release --bin nextflex
BIN="${CARGO_TARGET_DIR:-$(pwd)/target}/release/nextflex"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
"$BIN" import "$OLDPWD/data/demo" --json >/dev/null 2>&1
cat "$FILE" >/dev/null # warm the page cache
/usr/bin/time -f "wall %e s, peak RSS %M KB" -o time.txt "$BIN" import "$DATASET" --json 2>/dev/null
echo "$(cat time.txt)  ($(nproc) cores, $(du -m "$FILE" | cut -f1) MB input)"
