#!/usr/bin/env bash
# Runs NextFlex and the reference tools side by side, in one run, on the same files, and prints
# every figure with its ratio (NextFlex against the tool):
#   1. accuracy, 80/20 random split seed 42: NextFlex `evaluate` (shipped defaults), Surprise SVD
#      (defaults), Spark ALS (rank 10, 10 iterations, regParam 0.1, local[2]) on
#      ml-latest-small/ratings.csv and the-movies-dataset/ratings_small.csv;
#   2. fit speed on ml-latest-small, rank 10, 10 iterations;
#   3. content similarity over keywords.csv: NextFlex's content_keywords example against
#      scikit-learn's CountVectorizer + dense cosine_similarity (all movies only with --big: it
#      needs ~17 GB; otherwise the first 10,000 movies);
#   4. reading ratings_small.csv: pandas.read_csv against NextFlex's reader;
#   5. with --big: Spark ALS load and fit of the 26M-row synthetic ratings.csv (driver 16g), and
#      NextFlex `evaluate` on the same file; then the ranking model (iALS, 64 factors, 15
#      iterations) against implicit's CPU ALS at the same settings, each fitting every row;
#   6. top-10 ranking on the two rating files, one 80/20 split (numpy, seed 42) written to
#      train.csv/test.csv for everyone: NextFlex `evaluate --test` (ranking, ALS, popularity)
#      against popularity, EASE (numpy, λ chosen on a validation split), implicit ALS and BPR.
# Results go to $CACHE/compare-results.json, plots to docs/img/compare-*.png. The machine is
# noisy: only ratios from one run mean anything. Every step has a time limit; Spark listens on
# 127.0.0.1 only.
#
#     bash bench/compare.sh [--big]
set -euo pipefail
cd "$(dirname "$0")/.."

BIG=0
for arg in "$@"; do
  case "$arg" in
    --big) BIG=1 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $arg (usage: bash bench/compare.sh [--big])" >&2; exit 2 ;;
  esac
done

CACHE="${NEXTFLEX_BENCH_CACHE:-$HOME/.cache/nextflex}"
VENV="$CACHE/compare-venv"
PY="$VENV/bin/python"
OUT="$CACHE/compare"
RESULTS="$CACHE/compare-results.json"
DATA="$(cd "${NEXTFLEX_DATA:-../shared/data}" && pwd)"
BIGFILE="$CACHE/bench/ratings-26024289.csv"
ML="$DATA/ml-latest-small/ratings.csv"
SMALL="$DATA/the-movies-dataset/ratings_small.csv"
KEYWORDS="$DATA/the-movies-dataset/keywords.csv"
HERE="$(pwd)"
mkdir -p "$CACHE/bench" "$OUT" docs/img
rm -f "$OUT"/*.json "$OUT"/*.log "$OUT"/*.time
export SPARK_LOCAL_IP=127.0.0.1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
started=$SECONDS
failed=()

say() { echo "[$((SECONDS - started))s] $*"; }

# step NAME SECONDS CMD...: runs CMD with a time limit, its output in $OUT/NAME.log; a failure
# is reported and the run goes on.
step() {
  local name="$1" limit="$2"
  shift 2
  say "$name"
  if ! timeout --kill-after=30 "$limit" "$@" < /dev/null > "$OUT/$name.log" 2>&1; then
    failed+=("$name (see $OUT/$name.log)")
    echo "  FAILED or timed out after ${limit}s: $name; last lines of $OUT/$name.log:" >&2
    tail -n 5 "$OUT/$name.log" | sed 's/^/    /' >&2
    return 1
  fi
}

# --- the virtualenv ------------------------------------------------------------------------
if ! "$PY" -c "import pyspark, sklearn, pandas, numpy, matplotlib" 2>/dev/null; then
  say "creating $VENV"
  python3 -m venv "$VENV"
  timeout 1200 "$VENV/bin/pip" install --quiet --upgrade pip
  timeout 1200 "$VENV/bin/pip" install --quiet "pyspark>=4,<5" scikit-learn pandas numpy matplotlib
fi
SURPRISE=1
if ! "$PY" -c "import surprise" 2>/dev/null; then
  say "installing scikit-surprise"
  timeout 1200 "$VENV/bin/pip" install --quiet scikit-surprise ||
    timeout 1200 "$VENV/bin/pip" install --quiet "numpy<2" scikit-surprise ||
    { timeout 600 "$VENV/bin/pip" install --quiet cython numpy &&
      timeout 1200 "$VENV/bin/pip" install --quiet --no-build-isolation scikit-surprise; } || true
  if ! "$PY" -c "import surprise" 2>/dev/null; then
    echo "scikit-surprise could not be installed: the Surprise figures are skipped" >&2
    SURPRISE=0
    failed+=("scikit-surprise install")
  fi
fi
IMPLICIT=1
if ! "$PY" -c "import implicit, scipy, threadpoolctl" 2>/dev/null; then
  say "installing implicit 0.7.2 (CPU) and scipy"
  timeout 1200 "$VENV/bin/pip" install --quiet numpy scipy threadpoolctl "implicit==0.7.2" || true
  if ! "$PY" -c "import implicit, scipy, threadpoolctl" 2>/dev/null; then
    echo "implicit could not be installed: the top-N figures are skipped" >&2
    IMPLICIT=0
    failed+=("implicit install")
  fi
fi
SPARK=1
if ! java -version > /dev/null 2>&1; then
  echo "no java on PATH: the Spark figures are skipped (pyspark 4 needs Java 17+)" >&2
  SPARK=0
  failed+=("java missing")
fi
"$PY" - <<'PY'
import importlib
for m in ("pyspark", "surprise", "sklearn", "pandas", "numpy", "scipy", "implicit", "matplotlib"):
    try:
        print(f"  {m} {importlib.import_module(m).__version__}")
    except ImportError:
        print(f"  {m} missing")
PY

# --- NextFlex --------------------------------------------------------------------------------
say "cargo build --release (nextflex, examples content_keywords and parse_ratings)"
timeout 1800 cargo build --quiet --release --bin nextflex
timeout 1800 cargo build --quiet --release -p nextflex-data --example content_keywords --example parse_ratings
TARGET="${CARGO_TARGET_DIR:-target}"
case "$TARGET" in /*) ;; *) TARGET="$HERE/$TARGET" ;; esac
NEXTFLEX="$TARGET/release/nextflex"
EXAMPLES="$TARGET/release/examples"
cd "$OUT" # the tools may leave files in their working directory (Spark, `var/`)

cat "$ML" "$SMALL" "$KEYWORDS" > /dev/null # warm the page cache for everyone

# evaluate TAG FILE [ARGS...]: NextFlex's evaluate, JSON to $OUT/nextflex-eval-TAG.json.
evaluate() {
  local tag="$1" file="$2"
  shift 2
  step "nextflex-eval-$tag" "${EVAL_LIMIT:-600}" /usr/bin/time -f "%e %M" -o "$OUT/eval-$tag.time" \
    "$NEXTFLEX" evaluate --ratings "$file" --split random:0.8:42 "$@" --json &&
    grep '^{' "$OUT/nextflex-eval-$tag.log" | tail -n 1 > "$OUT/nextflex-eval-$tag.json" &&
    "$PY" "$HERE/bench/compare.py" annotate "$OUT/nextflex-eval-$tag.json" "$OUT/eval-$tag.time"
}

# 1 and 2: accuracy and fit speed
evaluate ml "$ML" || true
evaluate small "$SMALL" || true
evaluate ml-r10 "$ML" --rank 10 --iterations 10 || true
if [ "$SURPRISE" = 1 ]; then
  step surprise-ml 900 "$PY" "$HERE/bench/compare.py" surprise "$ML" --speed --out "$OUT/surprise-ml.json" || true
  step surprise-small 900 "$PY" "$HERE/bench/compare.py" surprise "$SMALL" --out "$OUT/surprise-small.json" || true
fi
if [ "$SPARK" = 1 ]; then
  step spark 900 "$PY" "$HERE/bench/compare.py" spark "$ML" "$SMALL" --out "$OUT/spark.json" || true
fi

# 6 (run here, while the machine is as quiet as for 1): top-10 ranking on one shared split
if [ "$IMPLICIT" = 1 ]; then
  step topn-ml 900 "$PY" "$HERE/bench/compare.py" topn "$ML" --nextflex "$NEXTFLEX" \
    --work "$OUT/topn-ml" --out "$OUT/topn-ml.json" || true
  step topn-small 900 "$PY" "$HERE/bench/compare.py" topn "$SMALL" --nextflex "$NEXTFLEX" \
    --work "$OUT/topn-small" --out "$OUT/topn-small.json" || true
  # and on each user's latest 20 % (the peers tuned on each user's latest 20 % of the rest)
  step topn-ml-time 900 "$PY" "$HERE/bench/compare.py" topn "$ML" --nextflex "$NEXTFLEX" \
    --split time --work "$OUT/topn-ml-time" --out "$OUT/topn-ml-time.json" || true
  step topn-small-time 900 "$PY" "$HERE/bench/compare.py" topn "$SMALL" --nextflex "$NEXTFLEX" \
    --split time --work "$OUT/topn-small-time" --out "$OUT/topn-small-time.json" || true
fi

# 3: content similarity
content() { # content LABEL KEYWORDS_FILE [--movies N]
  local label="$1" file="$2"
  shift 2
  step "nextflex-content-$label" 600 /usr/bin/time -f "%e %M" -o "$OUT/nc-$label.time" \
    "$EXAMPLES/content_keywords" "$file" 50 &&
    grep '^{' "$OUT/nextflex-content-$label.log" | tail -n 1 > "$OUT/nextflex-content-$label.json" &&
    "$PY" "$HERE/bench/compare.py" annotate "$OUT/nextflex-content-$label.json" "$OUT/nc-$label.time" || true
  step "sklearn-content-$label" 900 /usr/bin/time -f "%e %M" -o "$OUT/sc-$label.time" \
    "$PY" "$HERE/bench/compare.py" content "$file" "$@" --out "$OUT/sklearn-content-$label.json" &&
    "$PY" "$HERE/bench/compare.py" annotate "$OUT/sklearn-content-$label.json" "$OUT/sc-$label.time" || true
}
SUBSET="$OUT/keywords-first-10000.csv"
"$PY" "$HERE/bench/compare.py" keywords-subset "$KEYWORDS" "$SUBSET" --movies 10000
content subset "$SUBSET"
if [ "$BIG" = 1 ]; then
  content all "$KEYWORDS"
else
  step nextflex-content-all 600 /usr/bin/time -f "%e %M" -o "$OUT/nc-all.time" \
    "$EXAMPLES/content_keywords" "$KEYWORDS" 50 &&
    grep '^{' "$OUT/nextflex-content-all.log" | tail -n 1 > "$OUT/nextflex-content-all.json" &&
    "$PY" "$HERE/bench/compare.py" annotate "$OUT/nextflex-content-all.json" "$OUT/nc-all.time" || true
  say "scikit-learn on all 45,432 movies skipped (needs ~17 GB, ~45 s): run with --big"
fi

# 4: reading ratings_small.csv
step pandas-read 300 "$PY" "$HERE/bench/compare.py" pandas-read "$SMALL" --repeat 7 --out "$OUT/pandas-read.json" || true
if step nextflex-read 300 bash -c "for i in 0 1 2 3 4 5 6 7; do '$EXAMPLES/parse_ratings' '$SMALL'; done"; then
  # the first run warms up, as pandas' does
  secs=$(sed -nE 's/.*"seconds": ([0-9.]+).*/\1/p' "$OUT/nextflex-read.log" | tail -n +2 | paste -sd, -)
  echo "{\"tool\": \"nextflex\", \"file\": \"$SMALL\", \"seconds\": [$secs]}" > "$OUT/nextflex-read.json"
fi

# 5: the 26M-row file
if [ "$BIG" = 1 ]; then
  if [ ! -f "$BIGFILE" ]; then
    say "generating $BIGFILE"
    timeout 1800 "$PY" "$HERE/bench/gen_ratings.py" "$BIGFILE.tmp" && mv "$BIGFILE.tmp" "$BIGFILE"
  fi
  cat "$BIGFILE" > /dev/null
  step spark-big 2400 /usr/bin/time -f "%e %M" -o "$OUT/spark-big.time" \
    "$PY" "$HERE/bench/compare.py" spark-big "$BIGFILE" --out "$OUT/spark-big.json" &&
    "$PY" "$HERE/bench/compare.py" annotate "$OUT/spark-big.json" "$OUT/spark-big.time" || true
  EVAL_LIMIT=1200 evaluate big "$BIGFILE" --rank 10 --iterations 10 || true
  # 5b: the ranking model against implicit's ALS, both on every row, back to back. NextFlex
  # trains on the whole file and is scored on a small independent synthetic file (only the fit
  # time and the memory matter here).
  BIGTEST="$CACHE/bench/ratings-test-50000.csv"
  [ -f "$BIGTEST" ] || "$PY" "$HERE/bench/gen_ratings.py" "$BIGTEST" --rows 50000 --seed 7
  step nextflex-ials-big 2400 /usr/bin/time -f "%e %M" -o "$OUT/nib.time" \
    "$NEXTFLEX" evaluate --ratings "$BIGFILE" --test "$BIGTEST" --model ials --json &&
    grep '^{' "$OUT/nextflex-ials-big.log" | tail -n 1 > "$OUT/nextflex-ials-big.json" &&
    "$PY" "$HERE/bench/compare.py" annotate "$OUT/nextflex-ials-big.json" "$OUT/nib.time" || true
  if [ "$IMPLICIT" = 1 ]; then
    step implicit-big 2400 "$PY" "$HERE/bench/compare.py" ials-big "$BIGFILE" \
      --out "$OUT/implicit-big.json" || true
  fi
fi

# --- report ------------------------------------------------------------------------------------
cd "$HERE"
echo
REVISION="$(git describe --always --dirty 2>/dev/null || echo unknown)"
export REVISION
echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), NextFlex $REVISION, $(nproc) cores, $(free -g | awk '/^Mem/ {print $2}') GiB; bash bench/compare.sh $*"
"$PY" bench/compare.py report "$OUT" --results "$RESULTS" --img docs/img
echo
echo "results: $RESULTS; plots: docs/img/compare-rmse.png, docs/img/compare-speed.png, docs/img/compare-topn.png; logs: $OUT"
say "done"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'failed: %s\n' "${failed[@]}" >&2
  exit 1
fi
