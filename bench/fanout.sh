#!/usr/bin/env bash
# Fan-out benchmark (DESIGN.md "Measuring"): Kizuna against the ceiling that
# Postfix's smtp-source reaches on the same smtp-sink with the same connections.
# Prints each figure and its ratio to the ceiling, and how long importing the
# residents took (the path `kizuna subscribers import` takes). Installs what it
# needs. SIZES="100000 1000000" runs the prefecture-scale sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-8}
SIZES=${SIZES:-"10000 100000"}
PG_URL=${KIZUNA_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}

# shellcheck source=bench/lib.sh
. bench/lib.sh
start_sink

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

printf '%-9s %-9s %10s %12s %12s %7s %8s %16s %16s %12s\n' recipients database "import s" "kizuna msg/s" "ceiling msg/s" ratio "send ms" "first accept ms" "probe accept ms" "peak RSS MB"
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
print(f"{sys.argv[3]:<9} {sys.argv[4]:<9} {r['seed_seconds']:>10.1f} {r['messages_per_second']:>12.0f} {top:>12.0f} {r['messages_per_second']/top:>7.2f} {r['send_ms']:>8.1f} {r['first_accept_ms']:>16.1f} {r['probe_accept_ms']:>16.1f} {r['peak_rss_mb']:>12.1f}")
PY
  done
done
