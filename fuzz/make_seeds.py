#!/usr/bin/env python3
"""Writes small seed inputs for the fuzz targets into fuzz/corpus/<target>/ (gitignored).

Standard library only. Seeds come from the demo data (data/demo), hand-written rows, and tiny
images built here byte by byte (PNG, GIF, and a JPEG/PNG/WebP carrying EXIF with a GPS block);
the EXIF test images of the kamadak-exif crate are copied too when its source is in the cargo
registry. Run from anywhere: `python3 fuzz/make_seeds.py`.
"""

import glob
import gzip
import os
import struct
import zlib

FUZZ = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(FUZZ)
DEMO = os.path.join(ROOT, "data", "demo")


def write(target, name, data):
    d = os.path.join(FUZZ, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def head(path, n_lines):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        return b"".join(f.readline() for _ in range(n_lines))


# --- ratings: first byte 0 = CSV, 1 = tab, 2 = ::, 3 = CSV rows, fast path against the rest ---

ratings_csv = head(os.path.join(DEMO, "ml-latest-small", "ratings.csv.gz"), 12)
write("ratings", "csv", b"\x00" + ratings_csv)
write("ratings", "csv-gz", b"\x00" + gzip.compress(ratings_csv))
write("ratings", "csv-odd", b"\x00\xef\xbb\xbfrating , movieId,userId\r\n4.5,31,7\r\n0.5,1029,8\r\n9,1,1\r\nx\r\n")
write("ratings", "tab", b"\x01196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n")
write("ratings", "dat", b"\x021::1193::5::978300760\n1::661::3::978302109\n2::3::0::1\n")
write("ratings", "diff", b"\x03" + ratings_csv.split(b"\n", 1)[1] + b"1,2,5.5,3\n7,8,.5,0\n")

# --- catalogue: files separated by \xff\xfe\n, each led by its kind byte (index into KINDS) ---

SEP = b"\xff\xfe\n"
KINDS = [
    "movies_metadata.csv", "credits.csv", "keywords.csv", "links.csv", "tmdb_5000_movies.csv",
    "tmdb_5000_credits.csv", "movies.csv", "u.item", "movies.dat", "ratings.csv",
    "links_small.csv", "ratings_small.csv",
]


def files(*parts):
    return SEP.join(bytes([KINDS.index(name)]) + body for name, body in parts)


metadata = (
    b"adult,belongs_to_collection,budget,genres,homepage,id,imdb_id,original_language,"
    b"original_title,overview,popularity,poster_path,production_companies,"
    b"production_countries,release_date,revenue,runtime,spoken_languages,status,tagline,title,"
    b"video,vote_average,vote_count\n"
    b"False,,30000000,\"[{'id': 16, 'name': 'Animation'}, {'id': 35, 'name': 'Comedy'}]\",,862,"
    b"tt0114709,en,Toy Story,\"Led by Woody, Andy's toys live happily.\",21.946943,"
    b"/rhIRbceoE9lR4veEXuwCC2wARtG.jpg,[],[],1995-10-30,373554033,81.0,[],Released,,Toy Story,"
    b"False,7.7,5415\n"
    b"False,,0,[],,8844,0113497,en,Jumanji,,17.015539,,[],[],1995-12-15,0,104.0,[],Released,"
    b"Roll the dice,Jumanji,False,6.9,2413\n"
    b"False,,0,[],,1997-08-20,0,en,Bad,,,,[],[],,0,,[],,,Bad row,False,,\n"
)
credits = (
    b"cast,crew,id\n"
    b"\"[{'cast_id': 14, 'character': 'Woody (voice)', 'gender': 2, 'id': 31, 'name': 'Tom Hanks',"
    b" 'order': 0, 'profile_path': '/pQFoyx7rp09CJTAb932F2g8Nlho.jpg'}]\","
    b"\"[{'department': 'Directing', 'gender': 2, 'id': 7879, 'job': 'Director',"
    b" 'name': 'John Lasseter', 'profile_path': None}]\",862\n"
)
keywords = head(os.path.join(DEMO, "the-movies-dataset", "keywords.csv.gz"), 3)
links = head(os.path.join(DEMO, "ml-latest-small", "links.csv"), 4)
movies = head(os.path.join(DEMO, "ml-latest-small", "movies.csv"), 4) + (
    b"29,\"City of Lost Children, The (Cit\xc3\xa9 des enfants perdus, La) (1995)\","
    b"Adventure|Drama|Fantasy|Mystery|Sci-Fi\n"
)
tmdb_movies = head(os.path.join(DEMO, "tmdb-5000", "tmdb_5000_movies.csv.gz"), 2)
tmdb_credits = head(os.path.join(DEMO, "tmdb-5000", "tmdb_5000_credits.csv.gz"), 2)
u_item = (
    b"1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)"
    b"|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
    b"2|GoldenEye (1995)|01-Jan-1995||x|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0|1|0|0\n"
)
movies_dat = b"1::Toy Story (1995)::Animation|Children's|Comedy\n2::Caf\xe9, Le (1995)::Drama\n"

write("catalogue", "metadata", files(("movies_metadata.csv", metadata)))
write("catalogue", "metadata-credits-keywords", files(
    ("movies_metadata.csv", metadata), ("credits.csv", credits), ("keywords.csv", keywords)))
write("catalogue", "movielens", files(
    ("movies.csv", movies), ("links.csv", links),
    ("ratings.csv", head(os.path.join(DEMO, "ml-latest-small", "ratings.csv.gz"), 5))))
write("catalogue", "tmdb5000", files(
    ("tmdb_5000_movies.csv", tmdb_movies), ("tmdb_5000_credits.csv", tmdb_credits),
    ("links.csv", links), ("movies.csv", movies)))
write("catalogue", "u-item", files(("u.item", u_item), ("links_small.csv", links)))
write("catalogue", "movies-dat", files(("movies.dat", movies_dat)))
write("catalogue", "movies-gz", files(("movies.csv", gzip.compress(movies))))

# --- images ---


def tiff_with_gps(orientation):
    """A little-endian TIFF: IFD0 with Make and Orientation and a GPS IFD pointer."""
    make = b"Canon\x00"
    n0 = 3
    ifd0_at = 8
    gps_at = ifd0_at + 2 + 12 * n0 + 4
    make_at = gps_at + 2 + 12 * 1 + 4
    out = b"II*\x00" + struct.pack("<I", ifd0_at)
    out += struct.pack("<H", n0)
    out += struct.pack("<HHII", 0x010F, 2, len(make), make_at)
    out += struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0)
    out += struct.pack("<HHII", 0x8825, 4, 1, gps_at)
    out += struct.pack("<I", 0)
    out += struct.pack("<H", 1) + struct.pack("<HHI4s", 0x0000, 1, 4, b"\x02\x03\x00\x00")
    out += struct.pack("<I", 0)
    return out + make


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width, height, rows, colour_type=2, bit_depth=8, extra=b"", palette=None):
    out = b"\x89PNG\r\n\x1a\n"
    out += png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0))
    if palette:
        out += png_chunk(b"PLTE", palette)
    out += extra
    out += png_chunk(b"IDAT", zlib.compress(b"".join(b"\x00" + r for r in rows)))
    return out + png_chunk(b"IEND", b"")


rgb_rows = [b"".join(bytes((x * 60 % 256, y * 80 % 256, 128)) for x in range(4)) for y in range(3)]
write("images", "rgb.png", png(4, 3, rgb_rows))
write("images", "gps-exif.png", png(
    4, 3, rgb_rows,
    extra=png_chunk(b"eXIf", tiff_with_gps(6)) + png_chunk(b"tEXt", b"Comment\x00secret")))
write("images", "palette.png", png(2, 2, [b"\x01\x00", b"\x00\x01"], colour_type=3,
                                   palette=b"\xff\x00\x00\x00\x00\xff"))
write("images", "grey16.png", png(2, 1, [b"\x12\x34\xab\xcd"], colour_type=0, bit_depth=16))
write("images", "rgba.png", png(1, 2, [b"\x10\x20\x30\x00", b"\x90\xa0\xb0\xff"], colour_type=6))

# A 2 × 2 GIF: header, logical screen, a 2-colour table, one image, LZW data, trailer.
gif = (b"GIF89a" + struct.pack("<HHBBB", 2, 2, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
       + b"\x21\xf9\x04\x01\x00\x00\x00\x00"  # graphic control: transparency index 0
       + b"\x2c" + struct.pack("<HHHHB", 0, 0, 2, 2, 0) + b"\x02\x02\x44\x01\x00" + b"\x3b")
write("images", "tiny.gif", gif)

for path in glob.glob(os.path.expanduser(
        "~/.cargo/registry/src/*/kamadak-exif-*/tests/exif.*")):
    with open(path, "rb") as f:
        data = f.read()
    name = os.path.basename(path)
    write("images", "kamadak-" + name, data)
    if name == "exif.jpg":
        # The same JPEG with its EXIF swapped for one with a GPS block, and a comment.
        tiff = tiff_with_gps(8)
        app1 = b"\xff\xe1" + struct.pack(">H", 2 + 6 + len(tiff)) + b"Exif\x00\x00" + tiff
        com = b"\xff\xfe\x00\x09secret!"
        pos, body = 2, b""
        while pos < len(data) and data[pos] == 0xFF and data[pos + 1] in range(0xE0, 0xF0):
            n = struct.unpack(">H", data[pos + 2:pos + 4])[0]
            if data[pos + 1] != 0xE1:
                body += data[pos:pos + 2 + n]
            pos += 2 + n
        write("images", "gps-exif.jpg", data[:2] + app1 + com + body + data[pos:])

print("seeds written to", os.path.join(FUZZ, "corpus"))
