#!/usr/bin/env python3
"""Builds data/demo, the demo dataset `make run` imports on first start, from ../shared/data
(or the folder given with --from): MovieLens latest-small whole (with its README.txt, whose
licence travels with it), plus for those movies their keywords from The Movies Dataset, their
TMDB 5000 metadata and credits, and The Movies Dataset's metadata and credits from the part of it
../shared/data holds (its first rows: overviews, runtimes, languages and poster paths for about
2,350 demo films). Credits are cut to the top 10 cast and the directing and writing crew, and
the large files are gzip-compressed, to keep the demo small (NextFlex reads .gz).

Reproducible: the same input gives byte-identical output (gzip mtime is fixed).

    python3 scripts/make_demo.py [--from ../shared/data] [--to data/demo]
"""
import argparse
import csv
import gzip
import io
import json
import os
import shutil

CAST = 10
CREW_DEPARTMENTS = {"Directing", "Writing"}


def write_gz(path, text):
    with open(path, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            gz.write(text.encode("utf-8"))


def csv_text(header, rows):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--from", dest="src", default=os.path.join(here, "..", "..", "shared", "data"))
    ap.add_argument("--to", dest="dst", default=os.path.join(here, "..", "data", "demo"))
    args = ap.parse_args()
    src, dst = args.src, args.dst
    csv.field_size_limit(1 << 30)

    ml_src = os.path.join(src, "ml-latest-small")
    ml_dst = os.path.join(dst, "ml-latest-small")
    os.makedirs(ml_dst, exist_ok=True)
    for name in ["README.txt", "movies.csv", "links.csv", "tags.csv"]:
        shutil.copyfile(os.path.join(ml_src, name), os.path.join(ml_dst, name))
    with open(os.path.join(ml_src, "ratings.csv"), encoding="utf-8") as f:
        write_gz(os.path.join(ml_dst, "ratings.csv.gz"), f.read())

    tmdb_ids = set()
    with open(os.path.join(ml_src, "links.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["tmdbId"].strip():
                tmdb_ids.add(int(float(row["tmdbId"])))

    kd = os.path.join(dst, "the-movies-dataset")
    os.makedirs(kd, exist_ok=True)
    with open(os.path.join(src, "the-movies-dataset", "keywords.csv"), encoding="utf-8") as f:
        rows = [r for r in csv.reader(f)]
    header, body = rows[0], rows[1:]
    kept = [r for r in body if r[0].isdigit() and int(r[0]) in tmdb_ids]
    write_gz(os.path.join(kd, "keywords.csv.gz"), csv_text(header, kept))
    # The genuine first rows of The Movies Dataset's metadata and credits (what ../shared/data
    # has of them): overview, tagline, runtime, language, release date and poster path for the
    # demo films they cover, which TMDB 5000 (films up to 2017, mostly recent) largely does not.
    partial = os.path.join(src, "the-movies-dataset", "partial")
    for name, out, id_name in [
        ("movies_metadata.first2996rows.csv", "movies_metadata.csv.gz", "id"),
        ("credits.first35rows.csv", "credits.csv.gz", "id"),
    ]:
        with open(os.path.join(partial, name), encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        id_col = header.index(id_name)
        kept = [
            r for r in body
            if len(r) == len(header) and r[id_col].isdigit() and int(r[id_col]) in tmdb_ids
        ]
        write_gz(os.path.join(kd, out), csv_text(header, kept))

    td = os.path.join(dst, "tmdb-5000")
    os.makedirs(td, exist_ok=True)
    with open(os.path.join(src, "tmdb-5000", "tmdb_5000_movies.csv"), encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    id_col = header.index("id")
    kept = [r for r in body if int(r[id_col]) in tmdb_ids]
    write_gz(os.path.join(td, "tmdb_5000_movies.csv.gz"), csv_text(header, kept))

    with open(os.path.join(src, "tmdb-5000", "tmdb_5000_credits.csv"), encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    id_col, cast_col, crew_col = header.index("movie_id"), header.index("cast"), header.index("crew")
    kept = []
    for r in body:
        if int(r[id_col]) not in tmdb_ids:
            continue
        cast = sorted(json.loads(r[cast_col]), key=lambda c: c.get("order", 0))[:CAST]
        crew = [c for c in json.loads(r[crew_col]) if c.get("department") in CREW_DEPARTMENTS]
        r = list(r)
        r[cast_col] = json.dumps(cast, ensure_ascii=False)
        r[crew_col] = json.dumps(crew, ensure_ascii=False)
        kept.append(r)
    write_gz(os.path.join(td, "tmdb_5000_credits.csv.gz"), csv_text(header, kept))

    with open(os.path.join(dst, "README.md"), "w", encoding="utf-8") as f:
        f.write(DEMO_README)
    total = sum(os.path.getsize(os.path.join(d, n)) for d, _, ns in os.walk(dst) for n in ns)
    print(f"wrote {dst}: {total / 1e6:.1f} MB")


DEMO_README = """# Demo dataset

What `make run` (`nextflex serve`) imports on first start, made by `python3 scripts/make_demo.py`
from the datasets in ../shared/data:

- `ml-latest-small/`: MovieLens latest-small, unchanged but for gzip (9,742 movies, 100,836
  ratings by 610 users). GroupLens, University of Minnesota; see its README.txt, which must stay
  beside it: non-commercial use, cite F. Maxwell Harper and Joseph A. Konstan. 2015. The
  MovieLens Datasets: History and Context. ACM TiiS 5, 4, Article 19.
- `the-movies-dataset/`: from Kaggle's "The Movies Dataset" (Rounak Banik, CC0), the keywords of
  those movies, and for those among the file's first 2,996 rows (the part ../shared/data holds)
  their metadata (overview, tagline, runtime, language, release date, poster path) and, for the
  first 35, their credits.
- `tmdb-5000/`: Kaggle's "TMDB 5000" metadata and credits of those movies, credits cut to the
  top 10 cast and the directing and writing crew. Data from TMDB: this product uses the TMDB API
  but is not endorsed or certified by TMDB.
"""

if __name__ == "__main__":
    main()
