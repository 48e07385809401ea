#!/usr/bin/env python3
"""Train Spark ML's ALS on a NextFlex ratings dataset and save the ALSModel.

The input is what `nextflex import` stores, `datasets/<name>/ratings.parquet`, with columns
user_id INT32, source_movie_id INT32 (the dataset's movie id), movie_id INT32 nullable (the
catalogue's id, null for a movie the catalogue lacks), rating FLOAT, timestamp INT64. By default
the model's items are catalogue ids (`--item-col movie_id`, rows without one are dropped);
`--item-col source_movie_id` keeps the dataset's own ids. A MovieLens `ratings.csv`
(userId,movieId,rating,timestamp) is read too (a path ending in .csv, or `--format csv`).

The model is trained with userCol "user", itemCol "item", explicit feedback and
coldStartStrategy "nan", then saved with `model.write().overwrite().save(out)`: the directory
that `nextflex_data::spark::read_spark_als` reads. `nextflex model import-spark OUT` makes it
the explicit model of a new version (the predicted stars).

With --implicit the model is trained with implicitPrefs=true (Hu, Koren & Volinsky's
confidence-weighted ALS, confidence 1 + alpha * rating) for ranking; `nextflex model
import-spark OUT --implicit --alpha A --reg-param L` (the values given here: Spark's saved model
does not record them) makes it the ranking model of the "For you" lists. The script prints that
command.

Examples:

  python spark/train_als.py --ratings /data/datasets/ml-latest-small/ratings.parquet \\
      --out /tmp/als-model
  python spark/train_als.py --ratings data/demo/ml-latest-small/ratings.csv.gz \\
      --out /tmp/als-model --rank 10 --iterations 10 --reg 0.1 --seed 42
  python spark/train_als.py --ratings /data/datasets/ml-latest-small/ratings.parquet \\
      --out /tmp/ials-model --implicit --alpha 1.0 --rank 64 --iterations 15

Reading from S3 (or MinIO): pass an s3a:// URL. Spark needs the hadoop-aws connector matching its
Hadoop (3.4.1 for Spark 4.0.x), which this script adds with spark.jars.packages
(org.apache.hadoop:hadoop-aws:<--hadoop-aws-version>, fetched from Maven at start-up; or put the
jars in place yourself and pass --hadoop-aws-version ""). Credentials come from the usual AWS
chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, a profile, instance
roles). For MinIO or another S3-compatible store pass --s3-endpoint http://host:9000 (path-style
access is then turned on). The output may be an s3a:// URL too.

  AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... python spark/train_als.py \\
      --ratings s3a://nextflex/datasets/ml-latest-small/ratings.parquet \\
      --out s3a://nextflex/models/spark-als --s3-endpoint http://localhost:9000
"""

from __future__ import annotations

import argparse
import os
import sys
import time

DEFAULT_HADOOP_AWS = "3.4.1"


def build_parser(description: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=description or __doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_training_args(parser)
    add_spark_args(parser)
    return parser


def add_training_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ratings", required=True,
                        help="ratings.parquet (file or folder), a MovieLens ratings.csv, or an s3a:// URL")
    parser.add_argument("--out", required=True, help="the model directory (overwritten)")
    parser.add_argument("--format", choices=["auto", "parquet", "csv"], default="auto",
                        help="input format (auto: csv when the path ends in .csv)")
    parser.add_argument("--item-col", choices=["movie_id", "source_movie_id"], default="movie_id",
                        help="which movie id of ratings.parquet the model's items are (default: "
                             "movie_id, the catalogue's; rows without one are dropped)")
    parser.add_argument("--rank", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=10, help="ALS maxIter")
    parser.add_argument("--reg", type=float, default=0.1, help="ALS regParam")
    parser.add_argument("--seed", type=int, default=42)
    add_implicit_args(parser)


def add_implicit_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--implicit", action="store_true",
                        help="implicitPrefs=true: a ranking model (confidence 1 + alpha * rating)")
    parser.add_argument("--alpha", type=float, default=1.0,
                        help="with --implicit: ALS alpha (default 1.0, Spark's)")


def add_spark_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--driver-memory", default="1g")
    parser.add_argument("--shuffle-partitions", type=int, default=4,
                        help="spark.sql.shuffle.partitions (and ALS's numBlocks)")
    parser.add_argument("--s3-endpoint", default=None,
                        help="S3-compatible endpoint for s3a:// URLs, e.g. http://localhost:9000 "
                             "(turns on path-style access)")
    parser.add_argument("--hadoop-aws-version", default=DEFAULT_HADOOP_AWS,
                        help="hadoop-aws package added for s3a:// URLs ('' to add none)")
    parser.add_argument("--verbose", action="store_true", help="Spark's INFO logs")


LOG4J2_QUIET = """\
rootLogger.level = {level}
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{{yy/MM/dd HH:mm:ss}} %p %c{{1}}: %m%n%ex
"""


def log4j2_config(verbose: bool) -> str:
    """A log4j2 configuration file: errors only, unless verbose."""
    import tempfile

    fd, path = tempfile.mkstemp(prefix="nextflex-log4j2-", suffix=".properties")
    with os.fdopen(fd, "w") as f:
        f.write(LOG4J2_QUIET.format(level="info" if verbose else "error"))
    return path


def spark_session(args: argparse.Namespace, app: str, uses_s3: bool = False):
    """A local-mode SparkSession: small shuffles, no UI, quiet logs."""
    if args.master.startswith("local"):
        # Local mode binds to loopback; saves a warning on hosts whose name resolves there.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    log_config = log4j2_config(args.verbose)
    builder = (
        SparkSession.builder.appName(app)
        .master(args.master)
        .config("spark.driver.memory", args.driver_memory)
        .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log_config}")
        .config("spark.sql.shuffle.partitions", str(args.shuffle_partitions))
        .config("spark.default.parallelism", str(args.shuffle_partitions))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
    )
    if uses_s3:
        if args.hadoop_aws_version:
            builder = builder.config(
                "spark.jars.packages", f"org.apache.hadoop:hadoop-aws:{args.hadoop_aws_version}"
            )
        builder = builder.config(
            "spark.hadoop.fs.s3a.aws.credentials.provider",
            "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider",
        )
        if args.s3_endpoint:
            builder = (
                builder.config("spark.hadoop.fs.s3a.endpoint", args.s3_endpoint)
                .config("spark.hadoop.fs.s3a.path.style.access", "true")
                .config("spark.hadoop.fs.s3a.connection.ssl.enabled",
                        str(args.s3_endpoint.startswith("https")).lower())
            )
    try:
        spark = builder.getOrCreate()
    finally:
        # Read once, when the JVM starts.
        os.unlink(log_config)
    spark.sparkContext.setLogLevel("INFO" if args.verbose else "ERROR")
    return spark


def read_ratings(spark, path: str, fmt: str = "auto", item_col: str = "movie_id"):
    """The ratings as a DataFrame of user INT, item INT, rating FLOAT."""
    from pyspark.sql import functions as F

    if fmt == "auto":
        name = path.rstrip("/").lower()
        fmt = "csv" if name.endswith((".csv", ".csv.gz")) else "parquet"
    if fmt == "csv":
        raw = spark.read.option("header", "true").csv(path)
        user, item = "userId", "movieId"
    else:
        raw = spark.read.parquet(path)
        user, item = "user_id", item_col
    missing = [c for c in (user, item, "rating") if c not in raw.columns]
    if missing:
        raise SystemExit(f"{path}: no column {', '.join(missing)} (columns: {', '.join(raw.columns)})")
    return (
        raw.where(F.col(item).isNotNull())
        .select(
            F.col(user).cast("int").alias("user"),
            F.col(item).cast("int").alias("item"),
            F.col("rating").cast("float").alias("rating"),
        )
    )


def train(ratings, args: argparse.Namespace):
    """pyspark.ml ALS, explicit feedback (or implicit with --implicit), NaN for unknown ids."""
    from pyspark.ml.recommendation import ALS

    if args.implicit and args.alpha <= 0:
        raise SystemExit(f"--alpha must be positive, not {args.alpha}")

    als = ALS(
        userCol="user",
        itemCol="item",
        ratingCol="rating",
        rank=args.rank,
        maxIter=args.iterations,
        regParam=args.reg,
        seed=args.seed,
        implicitPrefs=bool(args.implicit),
        alpha=args.alpha,
        coldStartStrategy="nan",
        numUserBlocks=args.shuffle_partitions,
        numItemBlocks=args.shuffle_partitions,
    )
    return als.fit(ratings)


def import_command(args: argparse.Namespace) -> str:
    """The nextflex command that imports the saved model."""
    command = f"nextflex model import-spark {args.out}"
    if args.implicit:
        command += f" --implicit --alpha {args.alpha!r} --reg-param {args.reg!r}"
    return command


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    uses_s3 = any(p.startswith("s3a://") for p in (args.ratings, args.out))
    started = time.monotonic()
    spark = spark_session(args, "nextflex-train-als", uses_s3)
    try:
        ratings = read_ratings(spark, args.ratings, args.format, args.item_col).cache()
        rows = ratings.count()
        if rows == 0:
            raise SystemExit(f"{args.ratings}: no ratings")
        model = train(ratings, args)
        model.write().overwrite().save(args.out)
        kind = "implicit ALS" if args.implicit else "ALS"
        print(
            f"trained {kind} rank {model.rank} on {rows} ratings: "
            f"{model.userFactors.count()} users, {model.itemFactors.count()} items; "
            f"saved to {args.out} in {time.monotonic() - started:.1f} s\n"
            f"import it with: {import_command(args)}"
        )
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
