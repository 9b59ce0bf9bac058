#!/usr/bin/env bash
# Fan-out benchmark (DESIGN.md "Measuring"): Kizuna against the ceiling that
# Postfix's smtp-source reaches on the same smtp-sink with the same connections.
# Prints each figure and its ratio to the ceiling. Installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-8}
SIZES=${SIZES:-"10000 100000"}
PG_URL=${KIZUNA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v smtp-sink >/dev/null || ! command -v smtp-source >/dev/null; then
  echo "==> installing Debian's postfix for smtp-sink and smtp-source" >&2
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

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
smtp-sink -u nobody 127.0.0.1:"$PORT" 1000 &
SINK=$!
trap 'kill $SINK 2>/dev/null || true' EXIT
sleep 0.5

# The message size smtp-source sends: Kizuna's median, from a small run.
SIZE=$($KIZUNA bench fanout --subscribers 200 --smtp 127.0.0.1:"$PORT" --connections "$CONNECTIONS" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["median_message_bytes"])')
echo "message size: $SIZE bytes, connections: $CONNECTIONS"

ceiling() {
  local n=$1 start end
  start=$(date +%s.%N)
  smtp-source -d -s "$CONNECTIONS" -m "$n" -l "$SIZE" -f bench@example.jp -t sink@example.net 127.0.0.1:"$PORT"
  end=$(date +%s.%N)
  python3 -c "print(round($n / ($end - $start)))"
}

printf '%-9s %-9s %12s %12s %7s %16s %16s %12s\n' recipients database "kizuna msg/s" "ceiling msg/s" ratio "first accept ms" "probe accept ms" "peak RSS MB"
for n in $SIZES; do
  top=$(ceiling "$n")
  for db in sqlite postgres; do
    args=(bench fanout --subscribers "$n" --smtp 127.0.0.1:"$PORT" --connections "$CONNECTIONS")
    [ "$db" = postgres ] && args+=(--database "$PG_URL")
    json=$($KIZUNA "${args[@]}")
    echo "$json" >&2
    python3 - "$json" "$top" "$n" "$db" <<'PY'
import json, sys
r = json.loads(sys.argv[1]); top = float(sys.argv[2])
print(f"{sys.argv[3]:<9} {sys.argv[4]:<9} {r['messages_per_second']:>12.0f} {top:>12.0f} {r['messages_per_second']/top:>7.2f} {r['first_accept_ms']:>16.1f} {r['probe_accept_ms']:>16.1f} {r['peak_rss_mb']:>12.1f}")
PY
  done
done
