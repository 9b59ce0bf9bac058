# What the benchmarks share; sourced by bench/fanout.sh and bench/prune.sh from
# the repository's root: Postfix's smtp-sink and smtp-source (installed when
# missing, without starting a mail server), PostgreSQL running, a release build
# of kizuna in $KIZUNA, and start_sink, which starts smtp-sink on a free port
# ($PORT) and stops it when the script ends.

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
cargo build --release --quiet -p kizuna
KIZUNA=${CARGO_TARGET_DIR:-target}/release/kizuna

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_sink() {
  PORT=$(free_port)
  smtp-sink -u nobody 127.0.0.1:"$PORT" 1000 &
  SINK=$!
  trap 'kill $SINK 2>/dev/null || true' EXIT
  sleep 0.5
}
