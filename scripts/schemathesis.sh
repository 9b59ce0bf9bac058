#!/usr/bin/env bash
# Fuzzes the JSON API with Schemathesis against its own OpenAPI document: a fresh
# `kizuna serve` in a temporary data dir on a free port, an API key for every
# municipality with every right, a fixed seed and a bounded number of examples.
# Fails on any server error or any answer that does not match the document.
#
#   scripts/schemathesis.sh            (installs the pinned Schemathesis into a venv under target/)
#   KIZUNA_SCHEMATHESIS_EXAMPLES=200 scripts/schemathesis.sh   (a longer run)
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
SEED=20261125
EXAMPLES=${KIZUNA_SCHEMATHESIS_EXAMPLES:-50}
target_dir=$(realpath -m "${CARGO_TARGET_DIR:-target}")
venv=$target_dir/schemathesis-$SCHEMATHESIS_VERSION

log() { printf '\033[1m==> %s\033[0m\n' "$*"; }

if [ ! -x "$venv/bin/schemathesis" ]; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
  if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    echo "scripts/schemathesis.sh: python3 cannot make a venv; install Debian's python3-venv" >&2
    exit 1
  fi
  "$venv/bin/pip" install --quiet "schemathesis==$SCHEMATHESIS_VERSION"
fi

log "building kizuna"
cargo build --quiet -p kizuna
bin=$target_dir/debug/kizuna

data=$(mktemp -d)
export KIZUNA_DATA_DIR=$data
export KIZUNA_DATABASE_URL=sqlite://$data/kizuna.db
export KIZUNA_HTTP_ADDR=127.0.0.1:0
export KIZUNA_LOG=warn
# The fuzzer sends far more than a client would; the limit itself is tested in cargo test.
export KIZUNA_API_RATE_PER_MINUTE=1000000
unset KIZUNA_SMTP_URL

# Made here, not by the background start: the loop below may read them first.
: >"$data/serve.out"
: >"$data/serve.err"
"$bin" serve --no-inbound >"$data/serve.out" 2>"$data/serve.err" &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

addr=
for _ in $(seq 1 300); do
  addr=$(sed -n 's|^Kizuna is listening on http://||p' "$data/serve.out" | head -n 1)
  [ -n "$addr" ] && break
  if ! kill -0 "$server" 2>/dev/null; then
    echo "scripts/schemathesis.sh: kizuna serve stopped:" >&2
    cat "$data/serve.err" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$addr" ]; then
  echo "scripts/schemathesis.sh: kizuna serve did not start listening within 30 s" >&2
  cat "$data/serve.err" >&2
  exit 1
fi
key=$("$bin" api-key create --all-municipalities --label schemathesis | tail -n 1)

log "schemathesis $SCHEMATHESIS_VERSION against http://$addr/api/v1/openapi.json (seed $SEED, $EXAMPLES examples)"
status=0
# Run from the temporary folder: Schemathesis keeps its caches in the working directory.
(cd "$data" && "$venv/bin/schemathesis" run "http://$addr/api/v1/openapi.json" \
  --header "Authorization: Bearer $key" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "$EXAMPLES" \
  --seed "$SEED" \
  --generation-database none \
  --workers 1 \
  --no-color) || status=$?
if [ "$status" -ne 0 ]; then
  echo "scripts/schemathesis.sh: schemathesis found problems (exit $status); the server's log:" >&2
  tail -n 50 "$data/serve.err" >&2
  exit "$status"
fi
