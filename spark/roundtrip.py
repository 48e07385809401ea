#!/usr/bin/env python3
"""Spark side of the ALSModel round trip with nextflex_data::spark.

check: load a model directory (written by `write_spark_als`, or any ALSModel) with
`ALSModel.load`, transform a CSV of (user, item, expected) pairs, and compare Spark's predictions
with the expected ones. An expected NaN (an unknown user or item) must come back NaN. Exits 1 if
any prediction is off by more than --tolerance (default 1e-4), printing the worst difference.

  python spark/roundtrip.py check MODEL_DIR PAIRS_CSV

train: train a model with train_als.py's logic (by default on ml-latest-small's ratings.csv),
save it to OUT, and write OUT.predictions.csv (user,item,prediction: Spark's own transform for a
sample of pairs plus unknown ids, NaN there) for the Rust side to reproduce (with --implicit
--alpha A, Spark's implicit ALS, whose users the Rust side folds in from their ratings):

  python spark/roundtrip.py train --out /tmp/spark-trained
  NEXTFLEX_SPARK_MODEL=/tmp/spark-trained \\
      cargo test -p nextflex-data --test spark loads_a_model_spark_trained -- --ignored
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import train_als  # noqa: E402

# MovieLens latest-small as the repository's demo dataset carries it (Spark reads the gzip).
ML_LATEST_SMALL = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "data", "demo", "ml-latest-small",
    "ratings.csv.gz",
)


def read_pairs(path: str) -> list[tuple[int, int, float]]:
    """(user, item, expected) from a CSV with a header; the first three columns are used."""
    pairs = []
    with open(path, newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        for n, row in enumerate(reader, start=2):
            if not row:
                continue
            try:
                expected = float(row[2]) if row[2].strip() else math.nan
                pairs.append((int(row[0]), int(row[1]), expected))
            except (ValueError, IndexError) as e:
                raise SystemExit(f"{path}: line {n}: {e}")
    if not pairs:
        raise SystemExit(f"{path}: no pairs")
    return pairs


def check(args: argparse.Namespace) -> int:
    from pyspark.ml.recommendation import ALSModel
    from pyspark.sql.types import IntegerType, StructField, StructType

    pairs = read_pairs(args.pairs)
    started = time.monotonic()
    spark = train_als.spark_session(args, "nextflex-als-roundtrip")
    try:
        model = ALSModel.load(args.model)
        user_col, item_col = model.getUserCol(), model.getItemCol()
        prediction_col = model.getPredictionCol()
        print(
            f"loaded {args.model}: rank {model.rank}, {model.userFactors.count()} users, "
            f"{model.itemFactors.count()} items, userCol {user_col!r}, itemCol {item_col!r}, "
            f"coldStartStrategy {model.getColdStartStrategy()!r}"
        )
        schema = StructType([
            StructField(user_col, IntegerType(), False),
            StructField(item_col, IntegerType(), False),
        ])
        frame = spark.createDataFrame([(u, i) for u, i, _ in pairs], schema)
        rows = model.transform(frame).collect()
    finally:
        spark.stop()

    got = {(r[user_col], r[item_col]): r[prediction_col] for r in rows}
    worst, worst_pair, failures = 0.0, None, []
    for user, item, expected in pairs:
        prediction = got.get((user, item))
        if prediction is None:
            failures.append(f"({user}, {item}): no prediction")
            continue
        if math.isnan(expected) or math.isnan(prediction):
            if not (math.isnan(expected) and math.isnan(prediction)):
                failures.append(f"({user}, {item}): expected {expected}, Spark {prediction}")
            continue
        diff = abs(prediction - expected)
        if diff > worst:
            worst, worst_pair = diff, (user, item, expected, prediction)
        if diff > args.tolerance:
            failures.append(f"({user}, {item}): expected {expected}, Spark {prediction}, off by {diff:.3g}")
    nans = sum(1 for _, _, e in pairs if math.isnan(e))
    print(f"{len(pairs)} pairs ({nans} expected NaN) in {time.monotonic() - started:.1f} s; "
          f"worst difference {worst:.3g}" + (f" at {worst_pair}" if worst_pair else ""))
    if failures:
        for line in failures[:20]:
            print("MISMATCH " + line, file=sys.stderr)
        print(f"FAILED: {len(failures)} of {len(pairs)} pairs off by more than {args.tolerance}",
              file=sys.stderr)
        return 1
    print(f"OK: every prediction within {args.tolerance}")
    return 0


def train(args: argparse.Namespace) -> int:
    from pyspark.sql import functions as F

    started = time.monotonic()
    spark = train_als.spark_session(args, "nextflex-als-train-small",
                                    args.ratings.startswith("s3a://"))
    try:
        ratings = train_als.read_ratings(spark, args.ratings, args.format, args.item_col).cache()
        model = train_als.train(ratings, args)
        model.write().overwrite().save(args.out)
        # Pairs: a sample of rated pairs, some unrated ones, and unknown ids (NaN).
        rated = ratings.select("user", "item").sample(fraction=0.01, seed=args.seed).limit(args.pairs)
        users = ratings.select("user").distinct().orderBy("user").limit(20)
        items = ratings.select("item").distinct().orderBy(F.desc("item")).limit(20)
        unknown = spark.createDataFrame([(1, 2_000_000_000), (2_000_000_000, 1)], ["user", "item"])
        pairs = rated.union(users.crossJoin(items)).union(unknown)
        rows = model.transform(pairs).select("user", "item", "prediction").collect()
    finally:
        spark.stop()
    with open(args.out.rstrip("/") + ".predictions.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["user", "item", "prediction"])
        for r in sorted(rows, key=lambda r: (r["user"], r["item"])):
            writer.writerow([r["user"], r["item"], repr(r["prediction"])])
    print(f"trained {'implicit ' if args.implicit else ''}rank {args.rank} in {time.monotonic() - started:.1f} s; saved {args.out} and "
          f"{args.out.rstrip('/')}.predictions.csv ({len(rows)} pairs)")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("check", help="load a model with ALSModel.load and compare predictions")
    p.add_argument("model", help="the model directory")
    p.add_argument("pairs", help="CSV with a header: user,item,expected (NaN or empty: unknown)")
    p.add_argument("--tolerance", type=float, default=1e-4)
    train_als.add_spark_args(p)

    p = sub.add_parser("train", help="train a small model with train_als.py's logic and save it")
    p.add_argument("--ratings", default=os.path.normpath(ML_LATEST_SMALL),
                   help="default: data/demo/ml-latest-small/ratings.csv.gz of this repository")
    p.add_argument("--out", required=True)
    p.add_argument("--format", choices=["auto", "parquet", "csv"], default="auto")
    p.add_argument("--item-col", choices=["movie_id", "source_movie_id"], default="movie_id")
    p.add_argument("--rank", type=int, default=10)
    p.add_argument("--iterations", type=int, default=10)
    p.add_argument("--reg", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--pairs", type=int, default=500, help="rated pairs to predict (at most)")
    train_als.add_implicit_args(p)
    train_als.add_spark_args(p)

    args = parser.parse_args(argv)
    return check(args) if args.command == "check" else train(args)


if __name__ == "__main__":
    sys.exit(main())
