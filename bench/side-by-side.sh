#!/usr/bin/env bash
# One run, one load generator, three targets: the bare Kestrel SSE broadcaster (the machine's ceiling,
# ../shared/peers/sse-ceiling), CuteRooms through the Web origin (as browsers use it) and CuteRooms
# straight at a Realtime replica. Prints each one's latency, CuteRooms' ratios to the ceiling, and the CPU
# every process spent per delivery. Bounded (N ≤ 50,000, ≤ 120 s of posting), loopback only, stops by itself.
#
#   bash bench/side-by-side.sh [--subscribers 1000] [--rate 100] [--duration 15]
#   PEERS=/path/to/peers bash bench/side-by-side.sh      # where the peers are (default ../shared/peers)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
peers=${PEERS:-$repo/../shared/peers}
subscribers=1000 rate=100 duration=15
while [ $# -gt 0 ]; do
  case $1 in
    --subscribers) subscribers=$2; shift 2 ;;
    --rate) rate=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$subscribers" -le 50000 ] && [ "${duration%.*}" -le 120 ] || { echo "at most 50,000 subscribers and 120 s" >&2; exit 2; }
[ -d "$peers/loadgen" ] || { echo "no peers at $peers (set PEERS)" >&2; exit 2; }
if [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null || echo 0)" = 1 ]; then
  echo "warning: kernel.sched_autogroup_enabled=1: the system gets one CPU share against the load generator's (bench/README.md, \"Scheduling\")" >&2
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
  sleep 3
  rm -rf "$work"
}
trap cleanup EXIT

echo "building the peers (Release) and the AppHost (Release)…"
cp -r "$peers/." "$work/peers"
dotnet build -c Release -v quiet -nologo "$work/peers/sse-ceiling" >/dev/null
dotnet build -c Release -v quiet -nologo "$work/peers/loadgen" >/dev/null
dotnet build -c Release -v quiet -nologo "$repo/CuteRooms.AppHost" >/dev/null
loadgen() { dotnet "$work/peers/loadgen/bin/Release/net10.0/loadgen.dll" --subscribers "$subscribers" --rate "$rate" --duration "$duration" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# CPU seconds (user + system) of a process so far.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
service_pid() { pgrep -f "/$1/bin/Release/net10.0/$1\$" | head -1; }

# --- the ceiling --------------------------------------------------------------------------------
port=$(free_port)
(cd "$work" && exec setsid env ASPNETCORE_URLS="http://127.0.0.1:$port" Logging__LogLevel__Default=Warning \
  dotnet "$work/peers/sse-ceiling/bin/Release/net10.0/sse-ceiling.dll" >"$work/ceiling.log" 2>&1) &
ceiling=$!; pids+=("$ceiling")
until curl -s -o /dev/null "http://127.0.0.1:$port/"; do sleep 0.2; done
echo "ceiling: $subscribers subscribers × $rate msg/s × $duration s…"
loadgen --target "http://127.0.0.1:$port" --mode sse --server-pid "$(pgrep -P "$ceiling" | head -1 || echo "$ceiling")" --peer ceiling >"$work/ceiling.json"
kill -TERM -- "-$ceiling" 2>/dev/null || true

# --- CuteRooms ----------------------------------------------------------------------------------
(cd "$repo/CuteRooms.AppHost" && exec setsid env \
  ASPNETCORE_URLS="http://127.0.0.1:$(free_port)" ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$(free_port)" \
  ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL="http://127.0.0.1:$(free_port)" ASPIRE_ALLOW_UNSECURED_TRANSPORT=true \
  ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true \
  dotnet bin/Release/net10.0/CuteRooms.AppHost.dll --environment Production --port 0 --realtime-replicas 1 \
    "--ConnectionStrings:redis=${ConnectionStrings__redis:-127.0.0.1:6379}" \
    "--ConnectionStrings:messaging=${ConnectionStrings__messaging:-amqp://guest:guest@127.0.0.1:5672/}" \
    --CuteRooms:ServiceSettings:OTEL_EXPORTER_OTLP_ENDPOINT= \
    --CuteRooms:ServiceSettings:RateLimits:MessagesPerSecond=100000 --CuteRooms:ServiceSettings:RateLimits:MessageBurst=100000 \
    --CuteRooms:ServiceSettings:RateLimits:AddressMessagesPerSecond=100000 --CuteRooms:ServiceSettings:RateLimits:AddressMessageBurst=100000 \
    --CuteRooms:ServiceSettings:RateLimits:AdmissionsPerMinute=1000000 --CuteRooms:ServiceSettings:RateLimits:StreamsPerMember=1000000 \
    >"$work/apphost.log" 2>&1) &
pids+=("$!")
for _ in $(seq 1 180); do grep -q "CuteRooms is up at" "$work/apphost.log" && break; sleep 1; done
web=$(grep -o "CuteRooms is up at [^ ]*" "$work/apphost.log" | awk '{print $5}')
[ -n "$web" ] || { echo "the system did not come up:"; tail -20 "$work/apphost.log"; exit 1; }
realtime=$(service_pid CuteRooms.Realtime) webpid=$(service_pid CuteRooms.Web) api=$(service_pid CuteRooms.Api)
redis=$(pgrep -f "redis-server .*:6379" | head -1 || true) rabbit=$(pgrep -f "beam.smp.*rabbit" | head -1 || true)
# Realtime's HTTP/1.1 endpoint (its other one speaks HTTP/2 only).
direct=""
for p in $(ss -ltnpH | awk -v pid="pid=$realtime," '$0 ~ pid { split($4, a, ":"); print a[2] }'); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$p/alive")" = 200 ] && direct="http://127.0.0.1:$p" && break
done

run_cuterooms() { # label, loadgen arguments…
  local label=$1; shift
  local before=() after=() p
  for p in "$webpid" "$realtime" "$api" "$redis" "$rabbit"; do before+=("$(cpu "$p")"); done
  loadgen --target "$web" --mode cuterooms --server-pid "$realtime" --peer "$label" "$@" >"$work/$label.json"
  for p in "$webpid" "$realtime" "$api" "$redis" "$rabbit"; do after+=("$(cpu "$p")"); done
  printf '%s %s\n' "${before[*]}" "${after[*]}" >"$work/$label.cpu"
}
echo "CuteRooms through the Web origin ($web)…"
run_cuterooms web-origin
echo "CuteRooms straight at Realtime ($direct)…"
run_cuterooms realtime-direct --sse-target "$direct"

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
runs = {name: json.load(open(f"{work}/{name}.json")) for name in ("ceiling", "web-origin", "realtime-direct")}
c = runs["ceiling"]
print(f"\n# side by side: {c['subscribers']} subscribers × {c['rate']} msg/s × {c['duration_s']} s")
print("| target | received | lost | p50 ms | p99 ms | max ms | p99 ÷ ceiling's | p50 ÷ ceiling's |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
for name, r in runs.items():
    l = r["latency_ms"]
    ratio = lambda k: f"{l[k] / c['latency_ms'][k]:.2f}" if c['latency_ms'][k] else "-"
    print(f"| {name} | {r['deliveries_received']} | {r['deliveries_lost']} | {l['p50']} | {l['p99']} | {l['max']} | {ratio('p99')} | {ratio('p50')} |")
print("\nCPU per delivery (µs), from /proc over each load run (the load generator's own from its report):")
print("| target | loadgen | Web | Realtime | Api | Redis | RabbitMQ | total |")
print("| --- | --- | --- | --- | --- | --- | --- | --- |")
d = max(1, c["deliveries_received"])
print(f"| ceiling | {c['client_cpu_s'] / d * 1e6:.1f} | - | {c['server_cpu_s'] / d * 1e6:.1f} (the ceiling) | - | - | - | {(c['client_cpu_s'] + c['server_cpu_s']) / d * 1e6:.1f} |")
for name in ("web-origin", "realtime-direct"):
    r = runs[name]; d = max(1, r["deliveries_received"])
    values = list(map(float, open(f"{work}/{name}.cpu").read().split()))
    half = len(values) // 2
    spent = [after - before for before, after in zip(values[:half], values[half:])]
    cells = [r["client_cpu_s"]] + spent
    print(f"| {name} | " + " | ".join(f"{s / d * 1e6:.1f}" for s in cells) + f" | {sum(cells) / d * 1e6:.1f} |")
PY
