# Sourced by the bench scripts: the server they measure, started once the same way.
#
#   bench_server READY [ENV=VALUE ...]
#
# Picks the binary (NEXTFLEX_BENCH_BIN, or a release build), starts `nextflex serve` on
# 127.0.0.1:$PORT in a fresh temporary folder (SQLite, local objects; the demo data unless the
# extra environment says NEXTFLEX_NO_DEMO=true), stops it and removes the folder on exit, and
# waits until READY: `model` (the first model serves, at most three minutes) or `up` (/healthz
# answers). Sets WORK, SERVER and B. Then `bench_token` registers a user and prints its access
# token.

bench_server() {
  local ready="$1"
  shift
  B="http://127.0.0.1:$PORT"
  local bin="${NEXTFLEX_BENCH_BIN:-}"
  if [ -z "$bin" ]; then
    cargo build --quiet --release -p nextflex
    bin="${CARGO_TARGET_DIR:-target}/release/nextflex"
  fi
  WORK="$(mktemp -d)"
  trap 'kill "$SERVER" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
  env NEXTFLEX_AUTH_RATE_LIMIT=0 NEXTFLEX_LOG=warn "$@" "$bin" serve --addr "127.0.0.1:$PORT" \
    --database-url "sqlite://$WORK/nextflex.db" --storage-url "file://$WORK/objects" \
    --data-dir "$WORK" >"$WORK/server.log" 2>&1 &
  SERVER=$!
  local _
  for _ in $(seq 900); do
    if [ "$ready" = up ]; then
      curl -fs "$B/healthz" >/dev/null 2>&1 && return 0
    elif curl -fs "$B/readyz" 2>/dev/null | grep -q '"model":"ok"'; then
      return 0
    fi
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "the server was not ready within three minutes" >&2
  exit 1
}

bench_token() {
  local json='Content-Type: application/json'
  curl -fs -H "$json" -d '{"email":"bench@example.com","password":"correct horse battery 9","re_password":"correct horse battery 9"}' \
    "$B/auth/users/" >/dev/null
  curl -fs -H "$json" -d '{"email":"bench@example.com","password":"correct horse battery 9"}' \
    "$B/auth/jwt/create/" | sed 's/.*"access":"\([^"]*\)".*/\1/'
}
