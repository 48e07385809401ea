#!/usr/bin/env python3
"""The reference-tool side of bench/compare.sh, one subcommand per figure; each writes one JSON
object to --out. `report` merges them with NextFlex's figures, prints the comparison tables and
draws the plots.

    python bench/compare.py surprise RATINGS.csv --out F.json [--speed]
    python bench/compare.py spark RATINGS.csv... --out F.json
    python bench/compare.py spark-big RATINGS.csv --out F.json
    python bench/compare.py keywords-subset KEYWORDS.csv OUT.csv --movies N
    python bench/compare.py content KEYWORDS.csv --out F.json [--movies N] [--k 50]
    python bench/compare.py topn RATINGS.csv --out F.json --work DIR [--nextflex BIN]
    python bench/compare.py rmse RATINGS.csv --out F.json --work DIR [--nextflex BIN] [--split time]
    python bench/compare.py ials-big RATINGS.csv --out F.json [--factors 64 --iterations 15]
    python bench/compare.py pandas-read RATINGS.csv --out F.json [--repeat 5]
    python bench/compare.py annotate F.json TIME_OUTPUT
    python bench/compare.py report DIR --results F.json --img DIR
"""
import argparse
import json
import os
import resource
import sys
import time


def write(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1)
        f.write("\n")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------------------------------------
# Surprise SVD: its own train_test_split(test_size=0.2, random_state=42).


def cmd_surprise(args):
    import pandas as pd
    import surprise
    from surprise import SVD, Dataset, Reader, accuracy
    from surprise.model_selection import train_test_split

    df = pd.read_csv(args.ratings, usecols=["userId", "movieId", "rating"])
    data = Dataset.load_from_df(df[["userId", "movieId", "rating"]], Reader(rating_scale=(0.5, 5.0)))
    train, test = train_test_split(data, test_size=0.2, random_state=42)
    out = {"tool": "surprise", "version": surprise.__version__, "file": args.ratings,
           "train_pairs": train.n_ratings, "test_pairs": len(test)}

    # Default parameters (100 factors, 20 epochs, lr 0.005, reg 0.02); random_state only fixes
    # the initial factors so that the run is repeatable.
    algo = SVD(random_state=42)
    t = time.perf_counter()
    algo.fit(train)
    out["fit_seconds"] = time.perf_counter() - t
    pred = algo.test(test)
    out["rmse"] = accuracy.rmse(pred, verbose=False)
    out["mae"] = accuracy.mae(pred, verbose=False)
    out["params"] = "SVD() defaults: n_factors 100, n_epochs 20"

    if args.speed:
        algo = SVD(n_factors=10, n_epochs=10, random_state=42)
        t = time.perf_counter()
        algo.fit(train)
        out["speed_fit_seconds"] = time.perf_counter() - t
        out["speed_rmse"] = accuracy.rmse(algo.test(test), verbose=False)
        out["speed_params"] = "SVD(n_factors=10, n_epochs=10)"
    write(args.out, out)


# ---------------------------------------------------------------------------------------------
# Spark ALS, local[2], loopback only, no UI.

SCHEMA = "userId INT, movieId INT, rating FLOAT, timestamp LONG"


def spark_session(driver_memory):
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ["PYSPARK_PYTHON"] = sys.executable
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .appName("nextflex-compare")
        .config("spark.driver.memory", driver_memory)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def jvm_peak_rss_mb(spark):
    """Peak RSS (VmHWM) of Spark's JVM and its descendants: /usr/bin/time sees only Python."""
    try:
        root = spark.sparkContext._gateway.proc.pid
    except AttributeError:
        return None
    parent = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    parent[int(d)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    family, grew = {root}, True
    while grew:
        more = {p for p, pp in parent.items() if pp in family} - family
        family |= more
        grew = bool(more)
    peak = 0
    for p in family:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
    return peak / 1024 or None


def als(ALS):
    return ALS(rank=10, maxIter=10, regParam=0.1, userCol="userId", itemCol="movieId",
               ratingCol="rating", coldStartStrategy="drop", seed=42)


def cmd_spark(args):
    import pyspark
    from pyspark.ml.evaluation import RegressionEvaluator
    from pyspark.ml.recommendation import ALS

    spark = spark_session("4g")
    results = []
    for path in args.ratings:
        t = time.perf_counter()
        df = spark.read.csv(path, header=True, schema=SCHEMA).cache()
        rows = df.count()
        load = time.perf_counter() - t
        train, test = df.randomSplit([0.8, 0.2], seed=42)
        train, test = train.cache(), test.cache()
        n_train, n_test = train.count(), test.count()
        # Two fits of the same model: the first one pays for the JVM's warm-up.
        fits = []
        for _ in range(2):
            t = time.perf_counter()
            model = als(ALS).fit(train)
            fits.append(time.perf_counter() - t)
        pred = model.transform(test).cache()
        scored = pred.count()
        ev = RegressionEvaluator(labelCol="rating", predictionCol="prediction")
        results.append({
            "tool": "spark", "version": pyspark.__version__, "file": path, "rows": rows,
            "load_seconds": load, "train_pairs": n_train, "test_pairs": n_test,
            "scored_pairs": scored, "dropped_fraction": 1 - scored / n_test,
            "rmse": ev.setMetricName("rmse").evaluate(pred),
            "mae": ev.setMetricName("mae").evaluate(pred),
            "fit_seconds_first": fits[0], "fit_seconds": fits[1],
            "jvm_peak_rss_mb": jvm_peak_rss_mb(spark),
            "params": "ALS rank 10, maxIter 10, regParam 0.1, coldStartStrategy drop, local[2]",
        })
        for d in (pred, train, test, df):
            d.unpersist()
    spark.stop()
    write(args.out, results)


def cmd_spark_big(args):
    import pyspark
    from pyspark.ml.recommendation import ALS

    spark = spark_session("16g")
    t = time.perf_counter()
    df = spark.read.csv(args.ratings, header=True, schema=SCHEMA).select(
        "userId", "movieId", "rating").cache()
    rows = df.count()
    load = time.perf_counter() - t
    t = time.perf_counter()
    model = als(ALS).fit(df)
    model.userFactors.count()  # the factors are computed by now; make sure
    fit = time.perf_counter() - t
    jvm = jvm_peak_rss_mb(spark)
    spark.stop()
    write(args.out, {"tool": "spark", "version": pyspark.__version__, "file": args.ratings,
                     "rows": rows, "load_seconds": load, "fit_seconds": fit, "jvm_peak_rss_mb": jvm,
                     "params": "ALS rank 10, maxIter 10, regParam 0.1, local[2], driver 16g, all rows"})


# ---------------------------------------------------------------------------------------------
# Content similarity: scikit-learn's CountVectorizer + dense cosine_similarity over the same soup
# NextFlex builds from keywords.csv (each keyword lower-cased, white space removed; first row of
# a duplicated id kept).


def read_keywords(path, movies=None):
    import ast
    import csv

    csv.field_size_limit(1 << 30)
    ids, soups, seen = [], [], set()
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        for row in reader:
            try:
                i = int(row["id"])
                value = ast.literal_eval(row["keywords"])
            except (ValueError, SyntaxError):
                continue
            if i in seen:
                continue
            if movies is not None and len(ids) >= movies:
                break
            seen.add(i)
            words = ("".join(k["name"].split()).lower() for k in value if k.get("name", "").strip())
            ids.append(i)
            soups.append(" ".join(words))
    return ids, soups


def cmd_keywords_subset(args):
    """The rows of the first N distinct movies, written unchanged, for NextFlex's side."""
    import csv

    csv.field_size_limit(1 << 30)
    seen = set()
    with open(args.keywords, newline="", encoding="utf-8") as f, \
            open(args.out, "w", newline="", encoding="utf-8") as g:
        reader, writer = csv.reader(f), csv.writer(g, lineterminator="\n")
        writer.writerow(next(reader))
        for row in reader:
            if row[0] not in seen:
                if len(seen) >= args.movies:
                    break
                seen.add(row[0])
            writer.writerow(row)


def cmd_content(args):
    import numpy as np
    import sklearn
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.metrics.pairwise import cosine_similarity

    t = time.perf_counter()
    ids, soups = read_keywords(args.keywords, args.movies)
    read = time.perf_counter() - t

    t = time.perf_counter()
    X = CountVectorizer(token_pattern=r"\S+", lowercase=False).fit_transform(soups)
    vectorise = time.perf_counter() - t
    t = time.perf_counter()
    sim = cosine_similarity(X)  # dense N×N float64
    cosine = time.perf_counter() - t
    t = time.perf_counter()
    n, k = len(ids), args.k
    top = np.empty((n, k), dtype=np.int32)
    for start in range(0, n, 500):
        block = sim[start:start + 500]
        rows = np.arange(block.shape[0])
        block[rows, start + rows] = -np.inf  # never the movie itself
        part = np.argpartition(-block, k - 1, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(block, part, axis=1), axis=1, kind="stable")
        top[start:start + 500] = np.take_along_axis(part, order, axis=1)
    topk = time.perf_counter() - t
    write(args.out, {
        "tool": "sklearn", "version": sklearn.__version__, "file": args.keywords,
        "movies": n, "k": k, "vocabulary": X.shape[1], "read_seconds": read,
        "vectorise_seconds": vectorise, "cosine_seconds": cosine, "topk_seconds": topk,
        "index_seconds": vectorise + cosine + topk, "matrix_mb": sim.nbytes / 2**20,
        "peak_rss_mb": peak_rss_mb(),
    })


# ---------------------------------------------------------------------------------------------
# Top-10 ranking: one seeded 80/20 split of the rows (numpy, seed 42) written to train.csv and
# test.csv, so that NextFlex (`evaluate --ratings train.csv --test test.csv`) and the Python
# models are scored on the very same pairs, by the protocol of `nextflex evaluate`: relevant =
# test ratings >= 4; candidates = every movie of the training part the user has not rated in
# it; metrics averaged over the users with a training rating and a relevant test item (a
# sample of at most 2,000 of them, drawn as NextFlex draws it); coverage = distinct movies in
# all the lists / movies in the training part.

TOPN_K = 10
TOPN_RELEVANT_FROM = 4.0
TOPN_MAX_USERS = 2000
EASE_LAMBDAS = (5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)
TOPN_MODELS = [  # (key, label) in the order of the tables
    ("nextflex-ranking", "NextFlex as shipped (self-tuned: EASE, + iALS where the blend wins)"),
    ("nextflex-ease", "NextFlex EASE alone (self-tuned)"),
    ("nextflex-ials", "NextFlex iALS (defaults)"),
    ("nextflex-als", "NextFlex ALS (explicit, self-tuned)"),
    ("nextflex-popularity", "NextFlex popularity"),
    ("popularity", "popularity (most rated first)"),
    ("ease", "EASE (numpy, tuned)"),
    ("rp3beta", "RP3β (numpy, tuned)"),
    ("implicit-als", "implicit ALS (tuned, 15 it.)"),
    ("implicit-bpr", "implicit BPR (64 f., 100 it., 1 thread)"),
]


def random_split(n, fraction, seed):
    """Row indices of a seeded random split (each part in file order)."""
    import numpy as np

    perm = np.random.default_rng(seed).permutation(n)
    cut = int(round(n * fraction))
    return np.sort(perm[:cut]), np.sort(perm[cut:])


def time_split(df, fraction):
    """Row indices of each user's earliest `fraction` of ratings (by timestamp, then row) and
    the rest, at least one of each for a user with two or more, as NextFlex's
    `--split time:F` makes them (each part in file order)."""
    import numpy as np

    order = df.assign(_row=np.arange(len(df))).sort_values(["userId", "timestamp", "_row"])
    train, test = [], []
    for _, rows in order.groupby("userId", sort=False)["_row"]:
        rows = rows.to_numpy()
        n = len(rows)
        keep = int(round(n * fraction))
        keep = min(max(keep, 1), n - 1) if n >= 2 else n
        train.extend(rows[:keep])
        test.extend(rows[keep:])
    return np.sort(np.array(train, dtype=np.int64)), np.sort(np.array(test, dtype=np.int64))


MIN_GAIN = 0.001  # a move must gain this share of the validation score, as in NextFlex


def coordinate_search(axes, score):
    """NextFlex's search (crates/app/src/recommender/tuning.rs): from the defaults, each axis
    `(name, grid, default)` in turn moves a grid step while the score gains MIN_GAIN of itself,
    in the first direction that gains; passes repeat until none moves. Returns the best point,
    the number of scores taken, and (default score, best score)."""
    grids = [sorted(set(grid) | {default}) for _, grid, default in axes]
    at = [grid.index(default) for grid, (_, _, default) in zip(grids, axes)]
    point = lambda idx: {name: grid[i] for (name, _, _), grid, i in zip(axes, grids, idx)}
    best = score(point(at))
    default, trials, tried = best, 1, {tuple(at)}
    while True:
        moved = False
        for a in range(len(axes)):
            for step in (1, -1):
                went = False
                while 0 <= at[a] + step < len(grids[a]):
                    cand = list(at)
                    cand[a] += step
                    if tuple(cand) in tried:
                        break
                    tried.add(tuple(cand))
                    trials += 1
                    s = score(point(cand))
                    if s - best > MIN_GAIN * abs(best):
                        best, at, went = s, cand, True
                    else:
                        break
                if went:
                    moved = True
                    break
        if not moved:
            return point(at), trials, (default, best)


def rp3_fit(x, alpha, beta):
    """RP3β's dense item × item weights from the binary user × item matrix `x`."""
    import numpy as np
    import scipy.sparse as sps

    x = sps.csr_matrix(x, dtype=np.float32)
    user_deg = np.asarray(x.sum(axis=1)).ravel()
    item_deg = np.asarray(x.sum(axis=0)).ravel()
    inv = lambda d: np.divide(1.0, d, out=np.zeros_like(d, dtype=np.float32), where=d > 0)
    p_ui = sps.diags(inv(user_deg)) @ x  # user → item
    p_iu = sps.diags(inv(item_deg)) @ x.T.tocsr()  # item → user
    p_ui.data **= alpha
    p_iu.data **= alpha
    w = (p_iu @ p_ui).toarray().astype(np.float32)
    pop = np.power(np.maximum(item_deg, 1.0), beta, dtype=np.float64).astype(np.float32)
    w /= pop[None, :]
    np.fill_diagonal(w, 0.0)
    return w


def splitmix_sample(users, m, seed=7):
    """At most m of the sorted `users`, drawn as NextFlex's evaluate draws them (SplitMix64(7),
    Fisher–Yates from the end, truncate, sort)."""
    users = sorted(users)
    if len(users) <= m:
        return users
    mask = (1 << 64) - 1
    state = seed

    def below(n):
        nonlocal state
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        z ^= z >> 31
        u = ((z >> 11) + 0.5) / float(1 << 53)
        return int(u * n) % max(n, 1)

    for i in range(len(users) - 1, 0, -1):
        j = below(i + 1)
        users[i], users[j] = users[j], users[i]
    return sorted(users[:m])


class TopnData:
    """A training part as a binary user × movie CSR matrix (columns: the training part's movies,
    by id) and a test part as each user's set of relevant movies."""

    def __init__(self, train, test, max_users):
        import numpy as np
        import scipy.sparse as sps

        self.items = np.unique(train["movieId"].to_numpy())
        self.users = np.unique(train["userId"].to_numpy())
        rows = np.searchsorted(self.users, train["userId"].to_numpy())
        cols = np.searchsorted(self.items, train["movieId"].to_numpy())
        x = sps.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                           shape=(len(self.users), len(self.items)))
        x.sum_duplicates()
        x.data[:] = 1.0  # binary: a movie rated twice is one positive
        self.x = x
        self.counts = np.bincount(cols, minlength=len(self.items))  # rows per movie, as NextFlex
        known = set(self.users.tolist())
        rel = test[test["rating"] >= TOPN_RELEVANT_FROM]
        self.relevant = {}
        for u, m in zip(rel["userId"].tolist(), rel["movieId"].tolist()):
            if u in known:
                self.relevant.setdefault(u, set()).add(m)
        self.ranked = splitmix_sample(self.relevant, max_users)
        self.rows = np.searchsorted(self.users, self.ranked)  # matrix rows of the ranked users


def top_k(scores, x_rows, k=TOPN_K):
    """Column indices of the k best unseen columns of each row of dense `scores` (ties: smaller
    column, that is smaller movie id, first)."""
    import numpy as np

    scores = np.array(scores, dtype=np.float64, copy=True)
    seen = x_rows.tocoo()
    scores[seen.row, seen.col] = -np.inf
    k = min(k, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    # the k-th score may be tied with columns left out of `part`: take them all, then sort
    kth = np.take_along_axis(scores, part, axis=1).min(axis=1)
    out = []
    for i in range(scores.shape[0]):
        cand = np.flatnonzero(scores[i] >= kth[i])
        cand = cand[np.isfinite(scores[i, cand])]
        order = np.lexsort((cand, -scores[i, cand]))
        out.append(cand[order[:k]])
    return out


def rank_metrics(lists, relevant, users, catalogue, k=TOPN_K):
    """Mean P@k, recall@k, NDCG@k (binary) over `users`, and catalogue coverage, as
    nextflex_engine::metrics computes them. `lists[u]` are movie ids, best first."""
    import math

    p = r = n = 0.0
    shown = set()
    for u in users:
        top = list(lists[u])[:k]
        rel = relevant[u]
        hits = [m in rel for m in top]
        dcg = sum(1 / math.log2(i + 2) for i, h in enumerate(hits) if h)
        ideal = sum(1 / math.log2(i + 2) for i in range(min(len(rel), k)))
        p += sum(hits) / k
        r += sum(hits) / len(rel)
        n += dcg / ideal
        shown.update(top)
    c = len(users) or 1
    return {"precision_at_10": p / c, "recall_at_10": r / c, "ndcg_at_10": n / c,
            "coverage": len(shown) / catalogue if catalogue else 0.0}


def score_lists(data, list_cols):
    """Metrics of per-user column lists (`list_cols[i]` for `data.ranked[i]`)."""
    import numpy as np

    lists = {u: data.items[np.asarray(cols, dtype=np.int64)].tolist()
             for u, cols in zip(data.ranked, list_cols)}
    return rank_metrics(lists, data.relevant, data.ranked, len(data.items))


def dense_lists(data, score_rows, batch=256):
    """Top-k lists of the ranked users from `score_rows(row_indices)` (dense scores)."""
    out = []
    for start in range(0, len(data.rows), batch):
        rows = data.rows[start:start + batch]
        out.extend(top_k(score_rows(rows), data.x[rows]))
    return out


def ease_fit(x, lam):
    """EASE (Steck 2019): B = I - P·diag(1/diag(P)) with P = (XᵀX + λI)⁻¹, diag(B) = 0."""
    import numpy as np
    from scipy.linalg import lapack

    g = (x.T @ x).toarray().astype(np.float64)
    g[np.diag_indices_from(g)] += lam
    # G is symmetric positive definite: its inverse through Cholesky (potrf, potri) costs about
    # half of a general inverse; potri fills the upper triangle only.
    c, info = lapack.dpotrf(g, lower=False, clean=False, overwrite_a=True)
    if info != 0:
        raise RuntimeError(f"dpotrf failed ({info})")
    p, info = lapack.dpotri(c, lower=False, overwrite_c=True)
    if info != 0:
        raise RuntimeError(f"dpotri failed ({info})")
    del g, c
    p = np.triu(p)
    p += np.triu(p, 1).T
    p /= -np.diag(p)[None, :]
    p[np.diag_indices_from(p)] = 0.0
    return p


def write_split(args):
    """The ratings of `args.ratings` and one split of them (a seeded random 80/20 of the rows,
    or each user's latest 20 % with `--split time`), written to train.csv and test.csv in
    `args.work` for NextFlex and every peer: (all, train, test, train.csv, test.csv)."""
    import pandas as pd

    os.makedirs(args.work, exist_ok=True)
    df = pd.read_csv(args.ratings)
    if "timestamp" not in df:
        df["timestamp"] = 0
    df = df[["userId", "movieId", "rating", "timestamp"]]
    tr, te = time_split(df, 0.8) if args.split == "time" else random_split(len(df), 0.8, args.seed)
    train, test = df.iloc[tr].reset_index(drop=True), df.iloc[te].reset_index(drop=True)
    train_csv, test_csv = os.path.join(args.work, "train.csv"), os.path.join(args.work, "test.csv")
    train.to_csv(train_csv, index=False)
    test.to_csv(test_csv, index=False)
    return df, train, test, train_csv, test_csv


def cmd_topn(args):
    import subprocess

    import implicit
    import numpy as np
    import scipy
    from threadpoolctl import threadpool_limits

    df, train, test, train_csv, test_csv = write_split(args)
    out = {"tool": "topn", "file": args.ratings, "rows": len(df), "train_pairs": len(train),
           "test_pairs": len(test), "split": (
               "each user's latest 20 % test (by timestamp)" if args.split == "time" else
               f"numpy default_rng({args.seed}).permutation, first 80 % train"), "versions": {"numpy": np.__version__, "scipy": scipy.__version__,
                                            "implicit": implicit.__version__},
           "models": {}}

    # NextFlex first, on the files just written.
    if args.nextflex:
        import hashlib

        with open(args.nextflex, "rb") as f:  # which build: the binary may change between runs
            out["nextflex_binary"] = {
                "path": args.nextflex, "sha256": hashlib.sha256(f.read()).hexdigest()[:16],
                "modified": time.strftime("%Y-%m-%d %H:%M:%S UTC",
                                          time.gmtime(os.path.getmtime(args.nextflex)))}
        # NextFlex tunes itself on a validation part of train.csv (each user's latest tenth on a
        # time split), as every training does.
        cmd = [args.nextflex, "evaluate", "--ratings", train_csv, "--test", test_csv,
               "--ranking-users", str(args.max_users), "--json"]
        if args.split == "time":
            cmd += ["--split", "time:0.9"]
        t = time.perf_counter()
        with open(os.path.join(args.work, "nextflex.log"), "w") as log:
            run = subprocess.run(cmd, cwd=args.work, stdout=subprocess.PIPE, stderr=log,
                                 text=True, timeout=args.nextflex_timeout)
        wall = time.perf_counter() - t
        lines = [l for l in run.stdout.splitlines() if l.startswith("{")]
        if run.returncode != 0 or not lines:
            print(f"nextflex evaluate failed (exit {run.returncode}), see "
                  f"{os.path.join(args.work, 'nextflex.log')}", file=sys.stderr)
        else:
            nf = json.loads(lines[-1])
            out["nextflex"] = nf
            out["nextflex_wall_seconds"] = wall
            for m in nf.get("models", []):
                out["models"][f"nextflex-{m['model']}"] = {
                    k: m.get(k) for k in ("precision_at_10", "recall_at_10", "ndcg_at_10",
                                          "coverage", "fit_seconds")}

    data = TopnData(train, test, args.max_users)
    out.update(users=len(data.users), catalogue=len(data.items), ranked_users=len(data.ranked),
               relevant_pairs=sum(len(v) for v in data.relevant.values()))
    if out.get("nextflex") and out["nextflex"].get("ranked_users") not in (None, len(data.ranked)):
        print(f"warning: NextFlex ranked {out['nextflex']['ranked_users']} users, Python "
              f"{len(data.ranked)}", file=sys.stderr)

    def record(key, metrics, fit_seconds, **extra):
        out["models"][key] = dict(metrics, fit_seconds=fit_seconds, **extra)
        print(f"  {key}: NDCG@10 {metrics['ndcg_at_10']:.4f}, fit {fit_seconds:.2f} s",
              file=sys.stderr, flush=True)

    # 1. Popularity: rows per movie in the training part, ties by smaller movie id.
    t = time.perf_counter()
    counts = data.counts.astype(np.float64)
    fit = time.perf_counter() - t
    record("popularity", score_lists(data, dense_lists(
        data, lambda rows: np.broadcast_to(counts, (len(rows), len(counts))))), fit)

    # Every peer is tuned as NextFlex tunes itself: coordinate search on log-scale grids from
    # its defaults, a move kept when it gains 0.1 % of validation NDCG@10, on a validation part
    # carved from the training part only (80/20 seed 43, or each user's latest 20 % on a time
    # split); then fitted on the whole training part with the winners.
    if args.split == "time":
        vtr, vte = time_split(train, 0.8)
    else:
        vtr, vte = random_split(len(train), 0.8, args.seed + 1)
    inner = TopnData(train.iloc[vtr], train.iloc[vte], args.max_users)

    def tuned(key, axes, fit_lists, **extra):
        """Searches `axes` on the validation part, fits the winner on the training part, and
        records both."""
        t = time.perf_counter()
        best, trials, default = coordinate_search(
            axes, lambda point: score_lists(inner, fit_lists(inner, point))["ndcg_at_10"])
        select = time.perf_counter() - t
        print(f"  {key}: chose {best} after {trials} fits ({select:.1f} s)", file=sys.stderr,
              flush=True)
        t = time.perf_counter()
        lists = fit_lists(data, best)
        fit = time.perf_counter() - t
        record(key, score_lists(data, lists), fit, chosen=best, trials=trials,
               validation_default=default[0], validation_best=default[1],
               selection_seconds=select, **extra)

    # 2. EASE on the binary matrix of every rating: λ.
    def ease_lists(d, point):
        b = ease_fit(d.x, point["lambda"])
        lists = dense_lists(d, lambda rows: d.x[rows] @ b)
        del b
        return lists

    tuned("ease", [("lambda", EASE_LAMBDAS, 100.0)], ease_lists)

    # 3. RP3β (Paudel et al. 2017; the strong neighbourhood baseline of Ferrari Dacrema et al.):
    # item-to-item weights of a three-step random walk, each step's probabilities to the power
    # α, divided by the target's popularity to the power β.
    def rp3_lists(d, point):
        w = rp3_fit(d.x, point["alpha"], point["beta"])
        lists = dense_lists(d, lambda rows: d.x[rows] @ w)
        del w
        return lists

    tuned("rp3beta", [("alpha", (0.25, 0.5, 0.75, 1.0, 1.25, 1.5), 1.0),
                      ("beta", (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8), 0.5)], rp3_lists)

    # 4 and 5: implicit's ALS (tuned) and BPR (its defaults) on the binary matrix, BLAS
    # single-threaded as it asks.
    from implicit.als import AlternatingLeastSquares
    from implicit.bpr import BayesianPersonalizedRanking

    def implicit_lists(d, model):
        ids, _ = model.recommend(d.rows, d.x[d.rows], N=TOPN_K, filter_already_liked_items=True)
        return [row[row >= 0] for row in np.asarray(ids)]

    def als_lists(d, point):
        model = AlternatingLeastSquares(
            factors=int(point["factors"]), regularization=point["regularization"],
            alpha=point["alpha"], iterations=15, random_state=42, use_gpu=False)
        model.fit(d.x, show_progress=False)
        return implicit_lists(d, model)

    with threadpool_limits(1, "blas"):
        tuned("implicit-als", [("factors", (16, 32, 64, 128, 256), 64),
                               ("regularization", (0.005, 0.01, 0.05, 0.1, 0.5, 1.0), 0.05),
                               ("alpha", (0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0), 1.0)],
              als_lists)
        # one thread: BPR's parallel SGD is not repeatable, even with random_state
        model = BayesianPersonalizedRanking(factors=64, iterations=100, random_state=42,
                                            use_gpu=False, num_threads=1)
        t = time.perf_counter()
        model.fit(data.x, show_progress=False)
        fit = time.perf_counter() - t
        record("implicit-bpr", score_lists(data, implicit_lists(data, model)), fit)

    out["popularity_check"] = popularity_check(out["models"])
    write(args.out, out)
    print(topn_markdown([(os.path.basename(args.ratings), out)]))


def popularity_check(models):
    """Largest difference between NextFlex's and Python's popularity metrics (same protocol,
    same split: should be ~0)."""
    a, b = models.get("nextflex-popularity"), models.get("popularity")
    if not a or not b:
        return None
    return max(abs(a[k] - b[k]) for k in ("precision_at_10", "recall_at_10", "ndcg_at_10",
                                          "coverage"))


def shipped_key(result):
    """The NextFlex row its "For you" lists would use on this split (evaluate's
    `lists_model`: the shipped ranking model's row)."""
    return "nextflex-" + ((result.get("nextflex") or {}).get("lists_model") or "ease")


def topn_markdown(results):
    """The top-N table of (name, topn result) pairs; in brackets NextFlex ranking's figure
    divided by the model's (above 1: NextFlex's ranking model does better)."""
    rows = []
    for name, r in results:
        models = r["models"]
        shipped = shipped_key(r)
        ours = models.get(shipped)
        for key, label in TOPN_MODELS:
            m = models.get(key)
            if not m:
                continue
            if key == shipped:
                label = label.replace("(self-tuned)", "(self-tuned, shipped)")

            def cell(metric):
                v = m[metric]
                if key == shipped or not ours or not v:
                    return f"{v:.4f}"
                return f"{v:.4f} ({ours[metric] / v:.2f}×)"

            note = ""
            if m.get("chosen"):
                chosen = ", ".join(f"{k} {v:g}" for k, v in m["chosen"].items())
                note = (f"{chosen} (validation, {m['trials']} fits, "
                        f"{m['selection_seconds']:.1f} s)")
            rows.append([name, label, cell("ndcg_at_10"), cell("precision_at_10"),
                         cell("recall_at_10"), cell("coverage"), f"{m['fit_seconds']:.2f} s",
                         note])
    lines = [table(["file", "model", "NDCG@10", "P@10", "recall@10", "coverage", "fit", "note"],
                   rows)]
    for name, r in results:
        lines.append(f"\n{name}: {r['train_pairs']:,} training / {r['test_pairs']:,} test "
                     f"pairs, {r['catalogue']:,} candidate movies, {r['ranked_users']:,} users "
                     "ranked.")
        if r.get("nextflex_binary"):
            b = r["nextflex_binary"]
            lines[-1] += f" NextFlex binary sha256 {b['sha256']}… (built {b['modified']})."
        d = r.get("popularity_check")
        if d is not None:
            a, b = r["models"]["nextflex-popularity"], r["models"]["popularity"]
            verdict = "agree" if d < 5e-4 else "DISAGREE: the protocols differ"
            lines[-1] += (f" Popularity check: NextFlex NDCG@10 {a['ndcg_at_10']:.4f} P@10 "
                          f"{a['precision_at_10']:.4f} recall@10 {a['recall_at_10']:.4f} "
                          f"coverage {a['coverage']:.4f}, Python {b['ndcg_at_10']:.4f} "
                          f"{b['precision_at_10']:.4f} {b['recall_at_10']:.4f} "
                          f"{b['coverage']:.4f}: largest difference {d:.1e}, {verdict}.")
    builds = {r["nextflex_binary"]["sha256"] for _, r in results if r.get("nextflex_binary")}
    if len(builds) > 1:
        lines.append("\nWARNING: the files were run with different NextFlex binaries (rebuilt in "
                     "between): NextFlex's rows of one file do not compare with the other's.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------


# ---------------------------------------------------------------------------------------------
# Predicted stars against tuned peers: one split written to train.csv / test.csv for everyone;
# NextFlex's explicit ALS tunes itself on a validation part of train.csv (`evaluate --test`);
# Surprise SVD and Spark ALS get NextFlex's search (coordinate search on log-scale grids from
# their defaults, a move kept when it lowers validation RMSE by 0.1 %) on a validation part
# carved from train.csv the same way (80/20 seed 43, or each user's latest 20 % on a time
# split), then are fitted on all of train.csv. RMSE over every test pair: a pair a model cannot
# predict (Spark: a user or film absent from training) gets the training mean, as NextFlex's
# model falls back to its biases.


def cmd_rmse(args):
    import subprocess

    import numpy as np

    _, train, test, train_csv, test_csv = write_split(args)
    if args.split == "time":
        vtr, vte = time_split(train, 0.8)
    else:
        vtr, vte = random_split(len(train), 0.8, args.seed + 1)
    inner_train, inner_val = train.iloc[vtr], train.iloc[vte]
    out = {"tool": "rmse", "file": args.ratings, "split": args.split, "train_pairs": len(train),
           "test_pairs": len(test), "models": {}}

    def rmse(pred, truth):
        return float(np.sqrt(np.mean((np.asarray(pred) - np.asarray(truth)) ** 2)))

    def tuned(key, axes, predict):
        """Searches `axes` on the validation part, then fits the winner on train.csv."""
        t = time.perf_counter()
        best, trials, (default, won) = coordinate_search(
            axes, lambda point: -rmse(predict(inner_train, inner_val, point), inner_val.rating))
        select = time.perf_counter() - t
        t = time.perf_counter()
        score = rmse(predict(train, test, best), test.rating)
        out["models"][key] = {"rmse": score, "chosen": best, "trials": trials,
                              "validation_default": -default, "validation_best": -won,
                              "selection_seconds": select, "fit_and_predict_seconds":
                              time.perf_counter() - t}
        print(f"  {key}: RMSE {score:.4f}, chose {best} in {trials} fits ({select:.0f} s)",
              file=sys.stderr, flush=True)

    if args.nextflex:
        cmd = [args.nextflex, "evaluate", "--ratings", train_csv, "--test", test_csv,
               "--model", "als", "--json"]
        if args.split == "time":
            cmd += ["--split", "time:0.9"]
        with open(os.path.join(args.work, "nextflex.log"), "w") as log:
            run = subprocess.run(cmd, cwd=args.work, stdout=subprocess.PIPE, stderr=log,
                                 text=True, timeout=900)
        nf = json.loads([l for l in run.stdout.splitlines() if l.startswith("{")][-1])
        als = next((m for m in nf["tuning"]["models"] if m["model"] == "als"), {})
        out["models"]["nextflex-als"] = {
            "rmse": nf["rmse"], "chosen": als.get("chosen"), "trials": als.get("trials"),
            "validation_default": als.get("default_score"),
            "validation_best": als.get("best_score"), "scored_pairs": nf.get("scored_pairs")}
        print(f"  nextflex-als: RMSE {nf['rmse']:.4f}, chose {als.get('chosen')}",
              file=sys.stderr, flush=True)

    # Surprise SVD: factors, epochs, learning rate and regularisation, from its defaults.
    import surprise
    from surprise import SVD, Dataset, Reader

    def svd_predict(fit_on, score_on, point):
        data = Dataset.load_from_df(fit_on[["userId", "movieId", "rating"]],
                                    Reader(rating_scale=(0.5, 5.0)))
        algo = SVD(n_factors=int(point["n_factors"]), n_epochs=int(point["n_epochs"]),
                   lr_all=point["lr_all"], reg_all=point["reg_all"], random_state=42)
        algo.fit(data.build_full_trainset())
        return [algo.predict(u, m).est for u, m in zip(score_on.userId, score_on.movieId)]

    out["versions"] = {"surprise": surprise.__version__}
    tuned("surprise-svd", [("n_factors", [10, 20, 50, 100, 200], 100),
                           ("n_epochs", [10, 20, 40, 80], 20),
                           ("lr_all", [0.002, 0.005, 0.01, 0.02], 0.005),
                           ("reg_all", [0.005, 0.01, 0.02, 0.05, 0.1, 0.2], 0.02)], svd_predict)

    # Spark ALS (local[2], loopback): rank, regParam and iterations, from compare.sh's settings.
    import pyspark
    from pyspark.ml.recommendation import ALS

    spark = spark_session("4g")
    # ALS truncates its lineage at checkpoints (every 10 iterations); without a checkpoint
    # folder 20 iterations overflow the JVM's stack.
    spark.sparkContext.setCheckpointDir(os.path.join(os.path.abspath(args.work), "checkpoints"))
    out["versions"]["pyspark"] = pyspark.__version__
    schema = "userId INT, movieId INT, rating FLOAT"

    def spark_predict(fit_on, score_on, point):
        f = spark.createDataFrame(fit_on[["userId", "movieId", "rating"]].astype(
            {"userId": "int32", "movieId": "int32", "rating": "float32"}), schema=schema)
        s = spark.createDataFrame(score_on[["userId", "movieId", "rating"]].astype(
            {"userId": "int32", "movieId": "int32", "rating": "float32"}), schema=schema)
        model = ALS(rank=int(point["rank"]), maxIter=int(point["maxIter"]),
                    regParam=point["regParam"], userCol="userId", itemCol="movieId",
                    ratingCol="rating", coldStartStrategy="nan", seed=42).fit(f)
        got = model.transform(s).toPandas()
        got = score_on[["userId", "movieId"]].merge(got[["userId", "movieId", "prediction"]],
                                                    on=["userId", "movieId"], how="left")
        return got.prediction.fillna(float(fit_on.rating.mean())).to_numpy()

    tuned("spark-als", [("rank", [5, 10, 20, 40], 10), ("regParam", [0.01, 0.03, 0.1, 0.3, 1.0], 0.1),
                        ("maxIter", [5, 10, 20], 10)], spark_predict)
    spark.stop()
    write(args.out, out)


def cmd_ials_big(args):
    """implicit's CPU ALS (conjugate gradient, 3 steps, as NextFlex's iALS) fitted on every row
    of a ratings file, each rating a positive: the fit time against NextFlex's `evaluate
    --model ials` on the same file, same factors and iterations."""
    import implicit
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp
    from implicit.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    t = time.perf_counter()
    df = pd.read_csv(args.ratings, usecols=["userId", "movieId"],
                     dtype={"userId": np.int32, "movieId": np.int32})
    users, user_idx = np.unique(df["userId"].to_numpy(), return_inverse=True)
    items, item_idx = np.unique(df["movieId"].to_numpy(), return_inverse=True)
    rows = len(df)
    del df
    x = sp.csr_matrix((np.ones(rows, dtype=np.float32), (user_idx, item_idx)),
                      shape=(len(users), len(items)))
    x.sum_duplicates()
    del user_idx, item_idx
    load = time.perf_counter() - t
    model = AlternatingLeastSquares(factors=args.factors, iterations=args.iterations,
                                    regularization=0.01, alpha=1.0, use_cg=True,
                                    random_state=42, use_gpu=False)
    with threadpool_limits(1, "blas"):  # implicit's advice: its own threads, BLAS single
        t = time.perf_counter()
        model.fit(x, show_progress=False)
        fit = time.perf_counter() - t
    write(args.out, {"tool": "implicit", "version": implicit.__version__, "file": args.ratings,
                     "rows": rows, "users": len(users), "items": len(items),
                     "load_seconds": load, "fit_seconds": fit, "peak_rss_mb": peak_rss_mb(),
                     "params": f"AlternatingLeastSquares factors {args.factors}, iterations "
                               f"{args.iterations}, conjugate gradient (3 steps), float32, "
                               "all cores"})
    print(f"implicit ALS: {rows} rows, fit {fit:.1f} s, peak RSS {peak_rss_mb():.0f} MB")


def cmd_pandas_read(args):
    import pandas as pd

    pd.read_csv(args.ratings)  # warm-up
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        df = pd.read_csv(args.ratings)
        times.append(time.perf_counter() - t)
    write(args.out, {"tool": "pandas", "version": pd.__version__, "file": args.ratings,
                     "rows": len(df), "seconds": sorted(times)})


def cmd_annotate(args):
    """Adds `/usr/bin/time -f "%e %M"` figures (wall seconds, peak KiB) to a JSON result."""
    with open(args.json) as f:
        obj = json.load(f)
    with open(args.time) as f:
        wall, kib = f.read().split()[-2:]
    obj["wall_seconds"] = float(wall)
    obj.setdefault("peak_rss_mb", int(kib) / 1024)
    write(args.json, obj)


# ---------------------------------------------------------------------------------------------
# Report: one table per figure, ratios always "how NextFlex compares".


def load(directory, name):
    path = os.path.join(directory, name)
    if not os.path.exists(path):
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except ValueError:
        return None


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def vs(theirs, ours):
    """How a tool's time compares with NextFlex's."""
    if not ours or not theirs:
        return "—"
    if theirs >= ours:
        return f"{theirs / ours:.1f}× slower than NextFlex"
    return f"{ours / theirs:.1f}× faster than NextFlex"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(lines)


def cmd_report(args):
    d = args.dir
    datasets = [("ml-latest-small", "ml"), ("ratings_small", "small")]
    out = {"date": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "cores": os.cpu_count(),
           "revision": os.environ.get("REVISION", "unknown"),
           "versions": {}, "missing": []}
    md = []

    def need(name):
        v = load(d, name)
        if v is None:
            out["missing"].append(name)
        return v

    nf = {tag: need(f"nextflex-eval-{tag}.json") for _, tag in datasets}
    sp = need("spark.json") or []
    sp = {("ml" if "ml-latest-small" in r["file"] else "small"): r for r in sp}
    su = {tag: need(f"surprise-{tag}.json") for _, tag in datasets}
    for v in list(sp.values()) + list(su.values()):
        if v:
            out["versions"][v["tool"]] = v["version"]

    # 1. Accuracy
    rows, acc = [], {}
    for name, tag in datasets:
        n, s, p = nf.get(tag), su.get(tag), sp.get(tag)
        acc[name] = {"nextflex": n and n["rmse"], "surprise": s and s["rmse"],
                     "spark": p and p["rmse"]}
        def cell(v, ratio=True):
            if v is None:
                return "—"
            if not ratio or not n:
                return f"{v:.4f}"
            return f"{v:.4f} ({n['rmse'] / v:.3f}×)"
        rows.append([name, cell(n and n["rmse"], False), cell(s and s["rmse"]),
                     cell(p and p["rmse"]),
                     f"{p['dropped_fraction'] * 100:.1f} %" if p else "—",
                     n and n["test_pairs"] or "—", s and s["test_pairs"] or "—",
                     p and p["test_pairs"] or "—"])
    out["accuracy"] = {"nextflex": nf, "surprise": su, "spark": sp}
    md.append("### 1. Accuracy (RMSE; 80/20 random split, seed 42; in brackets NextFlex's RMSE "
              "divided by the tool's: below 1 means NextFlex is more accurate)\n")
    md.append(table(["file", "NextFlex (defaults)", "Surprise SVD (defaults)",
                     "Spark ALS (rank 10, 10 it., reg 0.1)", "Spark dropped",
                     "test pairs NextFlex", "Surprise", "Spark"], rows))
    md.append("\nEach tool draws its own seeded 80/20 split of the same file (NextFlex "
              "random:0.8:42, Surprise train_test_split(test_size=0.2, random_state=42), Spark "
              "randomSplit([0.8, 0.2], seed=42)), so the test sets differ; Spark's RMSE is over "
              "the pairs left after coldStartStrategy=\"drop\".")

    # 2. Fit speed on ml-latest-small
    speed = {}
    n10 = need("nextflex-eval-ml-r10.json")
    s, p = su.get("ml"), sp.get("ml")
    if n10:
        speed["NextFlex ALS"] = n10["fit_seconds"]
    if p:
        speed["Spark ALS"] = p["fit_seconds"]
    if s and "speed_fit_seconds" in s:
        speed["Surprise SVD"] = s["speed_fit_seconds"]
    rows = []
    for tool, secs in speed.items():
        extra = ""
        if tool == "Spark ALS":
            extra = f"second fit; first fit {p['fit_seconds_first']:.2f} s (JVM warm-up)"
            if p.get("jvm_peak_rss_mb"):
                extra += f"; JVM peak RSS {p['jvm_peak_rss_mb']:.0f} MB"
        if tool == "NextFlex ALS":
            extra = f"RMSE {n10['rmse']:.4f}; peak RSS of the whole evaluate {n10['peak_rss_mb']:.0f} MB"
        if tool == "Surprise SVD":
            extra = f"SGD, RMSE {s['speed_rmse']:.4f}"
        ratio = "1" if tool == "NextFlex ALS" else vs(secs, n10 and n10["fit_seconds"])
        rows.append([tool, f"{secs:.3f} s", ratio, extra])
    if s:
        rows.append(["Surprise SVD, defaults (100 factors, 20 epochs)", f"{s['fit_seconds']:.2f} s",
                     vs(s["fit_seconds"], n10 and n10["fit_seconds"]),
                     f"RMSE {s['rmse']:.4f}"])
    if nf.get("ml"):
        rows.append(["NextFlex ALS, defaults (rank 20, 15 it.)", f"{nf['ml']['fit_seconds']:.3f} s",
                     "—", f"RMSE {nf['ml']['rmse']:.4f}"])
    out["speed"] = speed
    md.append("\n### 2. Fit speed, ml-latest-small (80 % of 100,836 ratings), rank 10, "
              f"10 iterations, {os.cpu_count()} cores (Spark local[2])\n")
    md.append(table(["tool", "fit", "vs NextFlex", "note"], rows))

    # 3. Content
    rows = []
    content = {}
    for label, nfile, sfile in (("subset", "nextflex-content-subset.json",
                                 "sklearn-content-subset.json"),
                                ("all", "nextflex-content-all.json", "sklearn-content-all.json")):
        n, s = load(d, nfile), load(d, sfile)
        if n is None and s is None:
            continue
        content[label] = {"nextflex": n, "sklearn": s}
        if s:
            out["versions"]["sklearn"] = s["version"]
        movies = (n or s)["movies"]
        if n:
            rows.append([f"{movies:,}", "NextFlex (inverted index, exact top-50)",
                         f"{n['build_seconds']:.2f} s", f"{n['wall_seconds']:.2f} s",
                         f"{n['peak_rss_mb']:.0f} MB", "1"])
        if s:
            ratio = (f"{s['index_seconds'] / n['build_seconds']:.0f}× the time, "
                     f"{s['peak_rss_mb'] / n['peak_rss_mb']:.0f}× the memory") if n else "—"
            rows.append([f"{s['movies']:,}",
                         "scikit-learn CountVectorizer + dense cosine_similarity + top-50",
                         f"{s['index_seconds']:.2f} s (cosine {s['cosine_seconds']:.2f} s)",
                         f"{s['wall_seconds']:.2f} s", f"{s['peak_rss_mb']:.0f} MB", ratio])
        elif n and label == "all":
            rows.append([f"{movies:,}", "scikit-learn dense", "not run (only with --big)",
                         "", "", ""])
    out["content"] = content
    md.append("\n### 3. Content similarity, keywords.csv (keywords only), top-50 neighbours of "
              "every movie\n")
    md.append(table(["movies", "tool", "index (vectors + similarity + top-k)",
                     "wall (incl. reading the file)", "peak RSS", "vs NextFlex"], rows))
    if "subset" in content:
        md.append("\nThe subset is the first 10,000 distinct movies of keywords.csv (both tools "
                  "on the same rows); the full scikit-learn run needs about 17 GB and runs only "
                  "with --big.")

    # 4. Reading ratings_small.csv
    pr, nr = load(d, "pandas-read.json"), load(d, "nextflex-read.json")
    if pr and nr:
        out["read"] = {"pandas": pr, "nextflex": nr}
        pm, nm = median(pr["seconds"]), median(nr["seconds"])
        md.append(f"\n### 4. Reading ratings_small.csv ({pr['rows']:,} rows), median of "
                  f"{len(pr['seconds'])} warm runs\n")
        md.append(table(["tool", "seconds", "vs NextFlex"],
                        [["pandas.read_csv", f"{pm * 1000:.1f} ms", vs(pm, nm)],
                         ["NextFlex (nextflex_data::ratings)", f"{nm * 1000:.1f} ms", "1"]]))

    # 5. Big
    b, nb = load(d, "spark-big.json"), load(d, "nextflex-eval-big.json")
    if b or nb:
        out["big"] = {"spark": b, "nextflex": nb}
        rows = []
        if b:
            rows.append(["Spark ALS, all rows", f"{b['rows']:,}", f"{b['load_seconds']:.1f} s",
                         f"{b['fit_seconds']:.1f} s",
                         f"{b['jvm_peak_rss_mb']:.0f} MB (JVM, -Xmx16g)" if b.get("jvm_peak_rss_mb")
                         else "—"])
        if nb:
            rows.append(["NextFlex evaluate, 80 % of rows", f"{nb['train_pairs']:,}", "—",
                         f"{nb['fit_seconds']:.1f} s", f"{nb['peak_rss_mb']:.0f} MB (whole evaluate)"])
        md.append("\n### 5. ALS on the synthetic 26,024,289-row ratings.csv, rank 10, "
                  "10 iterations\n")
        md.append(table(["tool", "training rows", "load", "fit", "peak RSS"], rows))
        if b and nb:
            md.append(f"\nSpark fits all rows, NextFlex 80 % of them (then scores the other "
                      f"20 %); per training row NextFlex's fit is about "
                      f"{(b['fit_seconds'] / b['rows']) / (nb['fit_seconds'] / nb['train_pairs']):.0f}× "
                      "faster (fit times exclude reading the file). The file is synthetic: its "
                      "ratings are drawn independently, so no RMSE is worth quoting on it.")

    # 5b. The ranking model (iALS) against implicit on the big file
    ib, nib = load(d, "implicit-big.json"), load(d, "nextflex-ials-big.json")
    if ib or nib:
        out["ials_big"] = {"implicit": ib, "nextflex": nib}
        rows = []
        nf_fit = None
        if nib:
            m = next((m for m in nib.get("models", []) if m["model"] == "ials"), None)
            nf_fit = m and m["fit_seconds"]
        if ib:
            rows.append([f"implicit {ib['version']} ALS (CG, float32)", f"{ib['rows']:,}",
                         f"{ib['fit_seconds']:.1f} s", vs(ib["fit_seconds"], nf_fit) if nf_fit
                         else "—", f"{ib['peak_rss_mb']:.0f} MB (whole script)"])
        if nf_fit:
            rows.append(["NextFlex iALS (CG, f32 passes)", f"{nib['train_pairs']:,}",
                         f"{nf_fit:.1f} s", "1", f"{nib['peak_rss_mb']:.0f} MB (whole evaluate)"])
        md.append("\n### 5b. The ranking model (iALS) on the synthetic 26,024,289-row "
                  "ratings.csv, 64 factors, 15 iterations, every row\n")
        md.append(table(["tool", "training rows", "fit", "vs NextFlex", "peak RSS"], rows))

    # 6. Top-10 ranking
    topn = {f"{name}{label}": need(f"topn-{tag}{suffix}.json") for name, tag in datasets
            for label, suffix in (("", ""), (" (time)", "-time"))}
    topn = {name: r for name, r in topn.items() if r}
    if topn:
        out["topn"] = topn
        out["versions"]["implicit"] = next(iter(topn.values()))["versions"]["implicit"]
        md.append("\n### 6. Top-10 ranking (one 80/20 random split of the rows, numpy seed 42, "
                  "shared by all; relevant = test rating ≥ 4; candidates = every training movie "
                  "the user has not rated; in brackets NextFlex ranking's figure divided by the "
                  "model's: above 1 means NextFlex's ranking model does better)\n")
        md.append(topn_markdown(list(topn.items())))
        md.append("\nNextFlex runs `evaluate --ratings train.csv --test test.csv` (shipped "
                  "defaults) on the split the Python side wrote; NextFlex's popularity row and "
                  "Python's must agree (same protocol). EASE's λ is the best NDCG@10 of "
                  f"{', '.join(map(str, EASE_LAMBDAS))} on an 80/20 split (seed 43) of the "
                  "training part, refitted on all of it; its fit is the refit, its selection the "
                  "five validation fits. implicit's models see the binary matrix of the training "
                  "part (BLAS single-threaded, as implicit asks).")

    out["markdown"] = "\n".join(md)
    write(args.results, out)
    print("\n".join(md))
    if out["missing"]:
        print(f"\nmissing results: {', '.join(out['missing'])}")
    plot(args.img, acc, speed, content)
    if topn:
        plot_topn(args.img, topn)


def plot_topn(img, topn):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(img, exist_ok=True)
    colors = {"nextflex-ease": "#2b6cb0", "nextflex-ials": "#3182ce", "nextflex-als": "#63b3ed",
              "nextflex-popularity": "#a0aec0", "popularity": "#4a5568", "ease": "#dd6b20",
              "implicit-als": "#38a169", "implicit-bpr": "#805ad5"}
    keys = [k for k, _ in TOPN_MODELS
            if k != "nextflex-popularity" and any(k in r["models"] for r in topn.values())]
    labels = dict(TOPN_MODELS)
    names = list(topn)
    width = 0.8 / max(len(keys), 1)
    fig, ax = plt.subplots(figsize=(8, 4.4), dpi=120)
    top = 0.0
    for j, key in enumerate(keys):
        xs = [i + (j - (len(keys) - 1) / 2) * width for i in range(len(names))]
        ys = [(topn[n]["models"].get(key) or {}).get("ndcg_at_10") or 0 for n in names]
        top = max([top] + ys)
        ax.bar(xs, ys, width, label=labels[key], color=colors[key])
        for x, y in zip(xs, ys):
            if y:
                ax.text(x, y + 0.003, f"{y:.3f}", ha="center", va="bottom", fontsize=7)
    ax.set_xticks(range(len(names)), [f"{n}\n({topn[n]['ranked_users']} users ranked)"
                                      for n in names])
    ax.set_ylabel("NDCG@10 (higher is better)")
    ax.set_ylim(0, top * 1.35 or 1)
    ax.set_title("Top-10 lists on one shared 80/20 split (relevant: test rating ≥ 4)")
    ax.legend(loc="upper left", fontsize=7, ncol=3, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(img, "compare-topn.png"))
    plt.close(fig)


def plot(img, acc, speed, content):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    os.makedirs(img, exist_ok=True)
    colors = {"nextflex": "#2b6cb0", "surprise": "#dd6b20", "spark": "#38a169", "sklearn": "#805ad5"}
    labels = {"nextflex": "NextFlex ALS (defaults)", "surprise": "Surprise SVD (defaults)",
              "spark": "Spark ALS (rank 10)"}

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=120)
    names = list(acc)
    width = 0.26
    for j, tool in enumerate(("nextflex", "surprise", "spark")):
        xs = [i + (j - 1) * width for i in range(len(names))]
        ys = [acc[n][tool] or 0 for n in names]
        bars = ax.bar(xs, ys, width, label=labels[tool], color=colors[tool])
        for x, y in zip(xs, ys):
            if y:
                ax.text(x, y + 0.003, f"{y:.3f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(names)), [f"{n}\n(80/20 split, seed 42)" for n in names])
    ax.set_ylabel("RMSE (lower is better)")
    ax.set_ylim(0.8, 0.95)
    ax.set_title("Rating prediction error on held-out 20 %")
    ax.legend(loc="upper left", fontsize=8, ncol=3, frameon=False)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(img, "compare-rmse.png"))
    plt.close(fig)

    fit = [(k.replace(" ", "\n", 1), v,
            colors["nextflex" if "NextFlex" in k else "spark" if "Spark" in k else "surprise"])
           for k, v in speed.items()]
    build = []
    for label, c in content.items():
        n, s = c["nextflex"], c["sklearn"]
        tag = f"{(n or s)['movies']:,} movies"
        if n:
            build.append((f"NextFlex\n{tag}", n["build_seconds"], colors["nextflex"]))
        if s:
            build.append((f"scikit-learn\n{tag}", s["index_seconds"], colors["sklearn"]))
    panels = [(t, b) for t, b in (
        ("ALS / SVD fit, ml-latest-small (80 %)\nrank 10, 10 iterations", fit),
        ("Content index, keywords.csv\ntop-50 neighbours of every movie", build)) if b]
    if not panels:
        return
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 4.4), dpi=120,
                             squeeze=False)
    for ax, (title, bars) in zip(axes[0], panels):
        xs = range(len(bars))
        ax.bar(xs, [b[1] for b in bars], color=[b[2] for b in bars], width=0.6)
        for x, b in zip(xs, bars):
            ax.text(x, b[1] * 1.1, f"{b[1]:.3g} s", ha="center", va="bottom", fontsize=8)
        ax.set_yscale("log")
        ax.set_xticks(list(xs), [b[0] for b in bars], fontsize=8)
        ax.set_ylim(min(b[1] for b in bars) / 3, max(b[1] for b in bars) * 5)
        ax.set_title(title, fontsize=10)
        ax.grid(axis="y", alpha=0.3, which="both")
    axes[0][0].set_ylabel("seconds (log scale, lower is better)")
    fig.suptitle(f"Fit and index build time, {os.cpu_count()} cores", fontsize=11)
    fig.tight_layout()
    fig.savefig(os.path.join(img, "compare-speed.png"))
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("surprise")
    p.add_argument("ratings")
    p.add_argument("--out", required=True)
    p.add_argument("--speed", action="store_true")
    p = sub.add_parser("spark")
    p.add_argument("ratings", nargs="+")
    p.add_argument("--out", required=True)
    p = sub.add_parser("spark-big")
    p.add_argument("ratings")
    p.add_argument("--out", required=True)
    p = sub.add_parser("keywords-subset")
    p.add_argument("keywords")
    p.add_argument("out")
    p.add_argument("--movies", type=int, required=True)
    p = sub.add_parser("content")
    p.add_argument("keywords")
    p.add_argument("--out", required=True)
    p.add_argument("--movies", type=int)
    p.add_argument("--k", type=int, default=50)
    p = sub.add_parser("topn")
    p.add_argument("ratings")
    p.add_argument("--out", required=True)
    p.add_argument("--work", required=True, help="folder for train.csv, test.csv and logs")
    p.add_argument("--nextflex", help="the nextflex binary (omitted: Python models only)")
    p.add_argument("--nextflex-timeout", type=float, default=900)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--split", choices=("random", "time"), default="random",
                   help="random 80/20 rows, or each user's latest 20 %% as the test part")
    p.add_argument("--max-users", type=int, default=TOPN_MAX_USERS)
    p = sub.add_parser("rmse")
    p.add_argument("ratings")
    p.add_argument("--out", required=True)
    p.add_argument("--work", required=True, help="folder for train.csv, test.csv and logs")
    p.add_argument("--nextflex", help="the nextflex binary (omitted: the peers only)")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--split", choices=("random", "time"), default="random")
    p = sub.add_parser("ials-big")
    p.add_argument("ratings")
    p.add_argument("--out", required=True)
    p.add_argument("--factors", type=int, default=64)
    p.add_argument("--iterations", type=int, default=15)
    p = sub.add_parser("pandas-read")
    p.add_argument("ratings")
    p.add_argument("--out", required=True)
    p.add_argument("--repeat", type=int, default=5)
    p = sub.add_parser("annotate")
    p.add_argument("json")
    p.add_argument("time")
    p = sub.add_parser("report")
    p.add_argument("dir")
    p.add_argument("--results", required=True)
    p.add_argument("--img", required=True)
    args = ap.parse_args()
    globals()["cmd_" + args.cmd.replace("-", "_")](args)


if __name__ == "__main__":
    main()
