#!/usr/bin/env bash
# Times `dotnet run --project CuteRooms.AppHost` as a newcomer runs it: from the command to the Web's
# /health answering 200, then from Ctrl+C (SIGINT to its process group, as a terminal sends it) to the
# last process it started being gone. Bounded: 180 s to start, 60 s to stop.
#
#   bash bench/apphost-start.sh           # warm: this checkout, already built
#   bash bench/apphost-start.sh --cold    # cold: a fresh clone of HEAD, so restore and build are included
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"

repo=$PWD
if [ "${1:-}" = "--cold" ]; then
  repo=$(mktemp -d /tmp/cuterooms-cold-XXXXXX)
  trap 'rm -rf "$repo"' EXIT
  git clone -q "$PWD" "$repo"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp /tmp/cuterooms-apphost-start-XXXXXX.log)

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc | xargs printf '%.1f'; }
descendants() { local p; for p in $(ps -o pid= --ppid "$1" 2>/dev/null); do echo "$p"; descendants "$p"; done; }

set -m
start=$(now)
(cd "$repo" && setsid env --default-signal=INT dotnet run --project CuteRooms.AppHost -- --port "$port" >"$log" 2>&1 &)
until curl -fs -o /dev/null "http://127.0.0.1:$port/health"; do
  if (( $(echo "$(since "$start") > 180" | bc) )); then echo "not healthy within 180 s; log: $log" >&2; exit 1; fi
  sleep 0.2
done
echo "start: web /health 200 after $(since "$start") s ($([ "$repo" = "$PWD" ] && echo "warm" || echo "cold: a fresh clone, restore and build included"))"

apphost=$(pgrep -f "CuteRooms.AppHost/bin/.*/CuteRooms.AppHost --port $port" | head -1)
started="$apphost $(descendants "$apphost")"
for dcp in $(pgrep -f -- "--monitor $apphost"); do started="$started $dcp $(descendants "$dcp")"; done
echo "processes it started: $(echo $started | wc -w)"

stop=$(now)
kill -INT -- "-$(ps -o pgid= -p "$apphost" | tr -d ' ')"
while :; do
  alive=0; for p in $started; do [ -d "/proc/$p" ] && ! grep -q '^State:.*Z' "/proc/$p/status" 2>/dev/null && alive=$((alive + 1)); done
  [ "$alive" -eq 0 ] && break
  if (( $(echo "$(since "$stop") > 60" | bc) )); then echo "still $alive processes after 60 s" >&2; exit 1; fi
  sleep 0.1
done
echo "stop: everything gone $(since "$stop") s after Ctrl+C"
