#!/usr/bin/env bash
# Disaster-burst benchmark (issue 14, DESIGN.md "Measuring"): the public pages
# of a release build of `kizuna serve` (SQLite) against nginx serving the very
# same bytes from files, in alternating rounds of wrk; then the notice page
# while a fan-out to RESIDENTS runs, with the fan-out's rate beside its rate
# alone. Prints req/s, p99 and the ratio. Installs what it needs (Debian's wrk
# and nginx-light, Postfix's smtp-sink through bench/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

CONNECTIONS=${CONNECTIONS:-128}
THREADS=${THREADS:-2}
SECONDS_PER_ROUND=${SECONDS_PER_ROUND:-10}
ROUNDS=${ROUNDS:-2}
RESIDENTS=${RESIDENTS:-100000}

# shellcheck source=bench/lib.sh
. bench/lib.sh

missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian's ${missing[*]}" >&2
  # Keep the package from starting nginx on port 80.
  printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
  as_root chmod +x /usr/sbin/policy-rc.d
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  as_root rm -f /usr/sbin/policy-rc.d
fi

start_sink
WORK=$(mktemp -d /tmp/kizuna-burst.XXXXXX)
chmod 755 "$WORK" # nginx's workers read the pages as another user
HTTP_PORT=$(free_port)
NGINX_PORT=$(free_port)
KIZUNA_URL="http://127.0.0.1:$HTTP_PORT"
NGINX_URL="http://127.0.0.1:$NGINX_PORT"
cleanup() {
  kill "${SERVER:-}" "${NGINX:-}" "$SINK" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

export KIZUNA_DATA_DIR="$WORK/data"
export KIZUNA_HTTP_ADDR="127.0.0.1:$HTTP_PORT"
export KIZUNA_INBOUND_SMTP_ADDR="127.0.0.1:$(free_port)"
export KIZUNA_SMTP_URL="smtp://127.0.0.1:$PORT"
export KIZUNA_PACING=""
export KIZUNA_MAIL_DOMAIN="bench.example.jp"
export KIZUNA_BASE_URL="$KIZUNA_URL"
export KIZUNA_API_RATE_PER_MINUTE=1000000
export KIZUNA_LOG=warn
mkdir -p "$KIZUNA_DATA_DIR"

echo "==> importing $RESIDENTS residents of 小鹿野町 (113654)" >&2
python3 - "$WORK/residents.csv" "$RESIDENTS" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("email,municipalities,categories,emergency_only,language\n")
    for i in range(int(sys.argv[2])):
        f.write(f"resident{i:07d}@example.net,113654,notice,no,ja\n")
PY
$KIZUNA subscribers import "$WORK/residents.csv" >/dev/null
KEY=$($KIZUNA api-key create --all-municipalities --label burst | tail -n 1)

$KIZUNA serve --no-inbound >"$WORK/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "$KIZUNA_URL/healthz" >/dev/null 2>&1 && break; sleep 0.1; done

# api METHOD PATH [JSON]: the answer's JSON.
api() {
  python3 - "$KIZUNA_URL" "$KEY" "$@" <<'PY'
import json, sys, urllib.request
url, key, method, path = sys.argv[1:5]
body = sys.argv[5].encode() if len(sys.argv) > 5 else None
request = urllib.request.Request(url + path, data=body, method=method,
    headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
print(urllib.request.urlopen(request).read().decode())
PY
}

# send TOWN TITLE: creates and sends a normal notice; prints its id.
send() {
  local body id
  body=$(python3 -c 'import json,sys; print(json.dumps({"title": sys.argv[2], "body": sys.argv[2] + "。詳しくは市町村のホームページをご覧ください。" * 8, "category": "notice", "municipalities": [sys.argv[1]], "urgency": "normal"}))' "$1" "$2")
  id=$(api POST /api/v1/notices "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  api POST "/api/v1/notices/$id/send" >/dev/null
  echo "$id"
}

# fan_out TITLE: sends a notice to every resident of 小鹿野町 and prints the
# seconds from the send request until the notice is sent. One Python process
# sends and polls: a poll that started two interpreters would take half a core
# of the two the fan-out runs on, and a third of a second between looks.
fan_out() {
  python3 - "$KIZUNA_URL" "$KEY" "$1" <<'PY'
import json, sys, time, urllib.request
url, key, title = sys.argv[1:4]
def api(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url + path, data=data, method=method,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request).read().decode())
notice = api("POST", "/api/v1/notices", {"title": title, "body": title + "。詳しくは市町村のホームページをご覧ください。" * 8,
    "category": "notice", "municipalities": ["113654"], "urgency": "normal"})
start = time.monotonic()
api("POST", f"/api/v1/notices/{notice['id']}/send")
while api("GET", f"/api/v1/notices/{notice['id']}")["status"] != "sent":
    time.sleep(0.05)
print(time.monotonic() - start)
PY
}

echo "==> publishing 21 notices to 秩父市 (nobody there receives them)" >&2
for i in $(seq 1 21); do NOTICE=$(send 112071 "お知らせ $i 給水所の開設について"); done

# The same bytes for nginx, from Kizuna itself.
mkdir -p "$WORK/www"
curl -fs "$KIZUNA_URL/notices/$NOTICE" >"$WORK/www/notice.html"
curl -fs "$KIZUNA_URL/" >"$WORK/www/home.html"
curl -fs "$KIZUNA_URL/notices" >"$WORK/www/archive.html"
cat >"$WORK/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    default_type "text/html; charset=utf-8";
  }
}
EOF
/usr/sbin/nginx -c "$WORK/nginx.conf" -p "$WORK" -g 'daemon off;' &
NGINX=$!
sleep 0.5

# measure URL SECONDS: "req/s p99_ms" from one wrk run.
measure() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2"s --latency "$1" | python3 -c '
import re, sys
text = sys.stdin.read()
rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", text).groups()
p99 = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
if errors:
    sys.exit(f"{sys.argv[1]}: {errors.group(1)} answers were not 2xx; the figures would mean nothing")
print(f"{rate:.0f} {p99:.2f}")' "$1"
}

printf '%-8s %-7s %14s %14s %7s %14s %12s\n' page bytes "kizuna req/s" "nginx req/s" ratio "kizuna p99 ms" "nginx p99 ms"
for page in notice home archive; do
  case $page in
    notice) path="/notices/$NOTICE" ;;
    home) path="/" ;;
    archive) path="/notices" ;;
  esac
  kizuna_rates=(); nginx_rates=(); kizuna_p99=(); nginx_p99=()
  for _ in $(seq 1 "$ROUNDS"); do
    read -r rate p99 < <(measure "$KIZUNA_URL$path" "$SECONDS_PER_ROUND"); kizuna_rates+=("$rate"); kizuna_p99+=("$p99")
    read -r rate p99 < <(measure "$NGINX_URL/$page.html" "$SECONDS_PER_ROUND"); nginx_rates+=("$rate"); nginx_p99+=("$p99")
  done
  python3 - "$page" "$(stat -c %s "$WORK/www/$page.html")" "${kizuna_rates[*]}" "${nginx_rates[*]}" "${kizuna_p99[*]}" "${nginx_p99[*]}" <<'PY'
import statistics, sys
page, size = sys.argv[1], sys.argv[2]
k, n, kp, np_ = ([float(x) for x in a.split()] for a in sys.argv[3:7])
k_rate, n_rate = statistics.median(k), statistics.median(n)
print(f"{page:<8} {size:<7} {k_rate:>14.0f} {n_rate:>14.0f} {k_rate / n_rate:>7.2f} {max(kp):>14.2f} {max(np_):>12.2f}")
PY
done

# Every fan-out leaves its deliveries and link tokens behind, and the next one
# inserts into larger indexes; so the fan-out alone runs before and after the
# one during reading, and the ratio is to their mean.
echo "==> fan-out to $RESIDENTS residents alone" >&2
before=$(fan_out "断水のお知らせ（単独）")

echo "==> fan-out to $RESIDENTS residents while wrk reads the notice page" >&2
# wrk runs no longer than the fan-out alone took, so every sample falls within it.
window=$(python3 -c "import math; print(max(3, math.floor($before)))")
measure "$KIZUNA_URL/notices/$NOTICE" "$window" >"$WORK/during.txt" &
WRK=$!
sleep 0.2
during=$(fan_out "断水のお知らせ（閲覧集中中）")
wait "$WRK"
read -r rate p99 <"$WORK/during.txt"

echo "==> fan-out to $RESIDENTS residents alone, again" >&2
after=$(fan_out "断水のお知らせ（単独・再）")
python3 - "$RESIDENTS" "$before" "$after" "$during" "$rate" "$p99" <<'PY'
import sys
n, before, after, during, rate, p99 = int(sys.argv[1]), *map(float, sys.argv[2:])
alone = (before + after) / 2
print(f"fan-out alone:          {n / alone:>8.0f} msg/s ({before:.1f} s before, {after:.1f} s after)")
print(f"fan-out during reading: {n / during:>8.0f} msg/s ({during:.1f} s), ratio {alone / during:.2f}")
print(f"notice page during it:  {rate:>8.0f} req/s, p99 {p99:.2f} ms")
PY
