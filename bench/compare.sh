#!/usr/bin/env bash
# Before/after for a change that touches delivery or the store: two release
# binaries of `kizuna` take turns on one Postfix smtp-sink (base, after, base,
# after…), each round beside the smtp-source ceiling measured just before it, so
# that a busy or slow machine weighs on both alike. Prints one line per run.
#
#   N=100000 ROUNDS=3 DB=sqlite|postgres bench/compare.sh OLD/kizuna NEW/kizuna
#
# Needs smtp-sink and smtp-source (Debian's postfix; bench/fanout.sh installs it)
# and, for DB=postgres, the server at 127.0.0.1:5432.
set -euo pipefail
BASE=$1 AFTER=$2 N=${N:-100000} ROUNDS=${ROUNDS:-3} DB=${DB:-sqlite}
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/sbin/smtp-sink -u nobody 127.0.0.1:$PORT 1000 & SINK=$!
trap 'kill $SINK 2>/dev/null || true' EXIT
sleep 0.5
args=(bench fanout --subscribers "$N" --smtp 127.0.0.1:$PORT --connections 8)
[ "$DB" = postgres ] && args+=(--database postgres://postgres@127.0.0.1:5432/postgres)
for r in $(seq 1 "$ROUNDS"); do
  start=$(date +%s.%N); /usr/sbin/smtp-source -d -s 8 -m "$N" -l 1417 -f bench@example.jp -t sink@example.net 127.0.0.1:$PORT; end=$(date +%s.%N)
  ceiling=$(python3 -c "print(round($N/($end-$start)))")
  for which in base after; do
    bin=$BASE; [ $which = after ] && bin=$AFTER
    json=$($bin "${args[@]}")
    python3 -c "import json,sys; j=json.loads(sys.argv[1]); print('$DB round $r $which', j['messages_per_second'], 'ceiling', $ceiling, 'ratio', round(j['messages_per_second']/$ceiling,2), 'rss', j['peak_rss_mb'], 'probe_ms', j.get('probe_accept_ms'))" "$json"
  done
done
