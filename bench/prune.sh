#!/usr/bin/env bash
# Retention benchmark (issue 16 item 5): on SQLite and on PostgreSQL, seeds
# ROWS settled deliveries older than the retention, prunes them as the
# scheduler does, and prints each batch's transaction time and the fan-out
# rate to RECIPIENTS residents (through Postfix's smtp-sink) without a prune and
# during it. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-3000000}
RECIPIENTS=${RECIPIENTS:-20000}
PG_URL=${KIZUNA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v smtp-sink >/dev/null; then
  echo "==> installing Debian's postfix for smtp-sink" >&2
  # Keep the package from starting a mail server on port 25.
  printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
  as_root chmod +x /usr/sbin/policy-rc.d
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
  as_root rm -f /usr/sbin/policy-rc.d
fi
export PATH="$PATH:/usr/sbin"
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
fi

echo "==> building kizuna (release)" >&2
cargo build --release --quiet
KIZUNA=target/release/kizuna

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
smtp-sink -u nobody 127.0.0.1:"$PORT" 1000 &
SINK=$!
trap 'kill $SINK 2>/dev/null || true' EXIT
sleep 0.5

printf '%-9s %9s %8s %10s %10s %10s %9s %12s %12s %12s\n' database pruned batches "median ms" "p99 ms" "max ms" "total s" "alone msg/s" "during msg/s" "p99 ms during"
for db in sqlite postgres; do
  args=(bench prune --rows "$ROWS" --recipients "$RECIPIENTS" --smtp 127.0.0.1:"$PORT")
  [ "$db" = postgres ] && args+=(--database "$PG_URL")
  json=$($KIZUNA "${args[@]}")
  echo "$json" >&2
  python3 - "$json" <<'PY'
import json, sys
r = json.loads(sys.argv[1])
print(f"{r['backend']:<9} {r['pruned']:>9} {r['batches']:>8} {r['batch_ms_median']:>10.1f} {r['batch_ms_p99']:>10.1f} {r['batch_ms_max']:>10.1f} {r['prune_seconds']:>9.1f} {r['fanout_alone_per_second']:>12.0f} {r['fanout_during_prune_per_second']:>12.0f} {r['batch_ms_p99_during_fanout']:>12.1f}")
PY
done
