#!/usr/bin/env python3
"""Cuts the small dataset fixtures of crates/server/tests/fixtures from ../shared/data, and adds
the malformed rows the import tests expect. Reproducible; run from the repository root:

    python3 scripts/make_fixtures.py [--from ../shared/data]
"""
import argparse
import csv
import gzip
import io
import os
import shutil

OUT = os.path.join("crates", "server", "tests", "fixtures")
ML_MOVIES = 40          # the first 40 MovieLens movies
KAGGLE_ROWS = 40        # the first 40 rows of movies_metadata
TMDB_IDS = {155, 272, 49026, 862, 19995}  # The Dark Knight, Batman Begins, …Rises, Toy Story, Avatar


def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write(path, header, body, gz=False):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(body)
    data = buf.getvalue().encode("utf-8")
    if gz:
        with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
            f.write(data)
    else:
        with open(path, "wb") as f:
            f.write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="src", default=os.path.join("..", "shared", "data"))
    src = ap.parse_args().src
    csv.field_size_limit(1 << 30)

    # MovieLens: movies, links, gzipped ratings of the first 40 movies.
    d = os.path.join(OUT, "ml-mini")
    os.makedirs(d, exist_ok=True)
    ml = os.path.join(src, "ml-latest-small")
    shutil.copyfile(os.path.join(ml, "README.txt"), os.path.join(d, "README.txt"))
    movies = rows(os.path.join(ml, "movies.csv"))
    write(os.path.join(d, "movies.csv"), movies[0], movies[1 : ML_MOVIES + 1])
    ids = {r[0] for r in movies[1 : ML_MOVIES + 1]}
    links = rows(os.path.join(ml, "links.csv"))
    write(os.path.join(d, "links.csv"), links[0], [r for r in links[1:] if r[0] in ids])
    ratings = rows(os.path.join(ml, "ratings.csv"))
    kept = [r for r in ratings[1:] if r[1] in ids][:600]
    # Two bad rows the import must skip and count.
    kept += [["1", "1", "7.5", "964982703"], ["x", "1", "4.0", "964982703"]]
    write(os.path.join(d, "ratings.csv.gz"), ratings[0], kept, gz=True)

    # The Movies Dataset: the first metadata rows plus four malformed ones, credits, keywords.
    d = os.path.join(OUT, "kaggle-mini")
    os.makedirs(d, exist_ok=True)
    td = os.path.join(src, "the-movies-dataset")
    meta = rows(os.path.join(td, "partial", "movies_metadata.first2996rows.csv"))
    header, body = meta[0], meta[1 : KAGGLE_ROWS + 1]
    col = {name: i for i, name in enumerate(header)}
    bad_id = list(body[0]); bad_id[col["id"]] = "1997-08-20"
    dup_id = list(body[1])
    bad_date = list(body[2]); bad_date[col["id"]] = "999001"; bad_date[col["release_date"]] = "2015-13-45"
    bad_lit = list(body[3]); bad_lit[col["id"]] = "999002"; bad_lit[col["genres"]] = "[{'id': 16, 'name': 'Animation'"
    write(os.path.join(d, "movies_metadata.csv"), header, body + [bad_id, dup_id, bad_date, bad_lit])
    tmdb = {r[col["id"]] for r in body}
    credits = rows(os.path.join(td, "partial", "credits.first35rows.csv"))
    write(os.path.join(d, "credits.csv"), credits[0], credits[1:11])
    kw = rows(os.path.join(td, "keywords.csv"))
    write(os.path.join(d, "keywords.csv"), kw[0], [r for r in kw[1:] if r[0] in tmdb])
    ls = rows(os.path.join(td, "links_small.csv"))
    write(os.path.join(d, "links_small.csv"), ls[0], [r for r in ls[1:] if r[2] in tmdb])

    # TMDB 5000: five well-known movies with full credits.
    d = os.path.join(OUT, "tmdb-mini")
    os.makedirs(d, exist_ok=True)
    t = os.path.join(src, "tmdb-5000")
    m = rows(os.path.join(t, "tmdb_5000_movies.csv"))
    i = m[0].index("id")
    write(os.path.join(d, "tmdb_5000_movies.csv"), m[0], [r for r in m[1:] if int(r[i]) in TMDB_IDS])
    c = rows(os.path.join(t, "tmdb_5000_credits.csv"))
    write(os.path.join(d, "tmdb_5000_credits.csv"), c[0], [r for r in c[1:] if int(r[0]) in TMDB_IDS])

    # MovieLens 100k and 1M layouts (hand-written rows in their formats; Latin-1 like the originals).
    d = os.path.join(OUT, "ml-100k-mini")
    os.makedirs(d, exist_ok=True)
    flags = lambda *on: "|".join("1" if k in on else "0" for k in range(19))
    items = [
        f"1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)|{flags(3, 4, 5)}",
        f"2|GoldenEye (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?GoldenEye%20(1995)|{flags(1, 2, 16)}",
        f"3|Caf\u00e9 au Lait (1994)|01-Jan-1994||http://us.imdb.com/|{flags(5)}",
    ]
    with open(os.path.join(d, "u.item"), "wb") as f:
        f.write(("\n".join(items) + "\n").encode("latin-1"))
    with open(os.path.join(d, "u.data"), "w") as f:
        f.write("196\t1\t3\t881250949\n186\t2\t3\t891717742\n22\t3\t1\t878887116\n244\t1\t2\t880606923\n")
    d = os.path.join(OUT, "ml-1m-mini")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "movies.dat"), "wb") as f:
        f.write("1::Toy Story (1995)::Animation|Children's|Comedy\n2::Jumanji (1995)::Adventure|Children's|Fantasy\n".encode("latin-1"))
    with open(os.path.join(d, "ratings.dat"), "w") as f:
        f.write("1::1::5::978300760\n1::2::3::978302109\n2::1::4::978301968\n")


if __name__ == "__main__":
    main()
