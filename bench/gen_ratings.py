#!/usr/bin/env python3
"""Writes a synthetic ratings.csv in the Kaggle "The Movies Dataset" format
(userId,movieId,rating,timestamp), skewed like the real file: a few users rate thousands of
movies and most rate a handful; movie popularity follows a power law; rating values follow the
real distribution (4.0 and 3.0 most common). Rows are grouped by user, as in the real file.

Default size: 26,024,289 rows, 270,896 users, 45,115 movies: the full Kaggle ratings.csv.

    python bench/gen_ratings.py OUT.csv [--rows N] [--seed S]
"""
import argparse

import numpy as np

VALUES = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0])
# Shares of each value in the real 26M-row file.
WEIGHTS = np.array([1.6, 3.3, 1.6, 7.0, 4.8, 20.1, 11.9, 26.6, 8.5, 14.6])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--rows", type=int, default=26_024_289)
    ap.add_argument("--users", type=int, default=270_896)
    ap.add_argument("--movies", type=int, default=45_115)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    n = args.rows

    activity = rng.lognormal(0.0, 1.3, args.users)
    counts = np.floor(activity / activity.sum() * n).astype(np.int64)
    counts[: n - counts.sum()] += 1
    users = np.repeat(np.arange(1, args.users + 1, dtype=np.int64), counts)

    ids = np.sort(rng.choice(np.arange(1, 176_276), size=args.movies, replace=False))
    popularity = 1.0 / np.power(np.arange(1, args.movies + 1) + 5.0, 1.1)
    popularity /= popularity.sum()
    movies = rng.permutation(ids)[rng.choice(args.movies, size=n, p=popularity)]

    ratings = rng.choice(VALUES, size=n, p=WEIGHTS / WEIGHTS.sum())
    stamps = rng.integers(789_652_009, 1_501_829_870, size=n)

    with open(args.out, "w", newline="\n") as f:
        f.write("userId,movieId,rating,timestamp\n")
        step = 1_000_000
        for start in range(0, n, step):
            end = min(n, start + step)
            lines = [
                f"{u},{m},{r:.1f},{t}\n"
                for u, m, r, t in zip(
                    users[start:end].tolist(),
                    movies[start:end].tolist(),
                    ratings[start:end].tolist(),
                    stamps[start:end].tolist(),
                )
            ]
            f.write("".join(lines))


if __name__ == "__main__":
    main()
