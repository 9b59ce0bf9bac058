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

# shellcheck source=bench/lib.sh
. bench/lib.sh
start_sink

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
