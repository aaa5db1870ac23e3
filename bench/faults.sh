#!/usr/bin/env bash
# Fault figures: runs the fault scenarios of tests/CuteRooms.Realtime.Tests against the whole system
# (the AppHost's app model on real Redis and RabbitMQ, as `bash .ci/run` does) and prints what each
# measured. The tests hold the verdicts; this prints the numbers behind them (bench/README.md, "Faults").
#
#   bash bench/faults.sh            # all four scenarios, about 6 minutes
#   bash bench/faults.sh SlowReaderTests
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin" # Debian's redis-server and rabbitmq-server, for the system's own broker

if [ "$(cat /proc/sys/kernel/sched_autogroup_enabled 2>/dev/null || echo 0)" = 1 ]; then
  echo "warning: kernel.sched_autogroup_enabled=1; timings are comparable with bench/README.md only with it 0" >&2
fi

scenarios=("$@")
[ "${#scenarios[@]}" -gt 0 ] || scenarios=(BrokerOutageTests SlowReaderTests ReplicaKillTests ReplicaFailureTests)

dotnet build tests/CuteRooms.Realtime.Tests -v quiet -nologo
out=tests/CuteRooms.Realtime.Tests/bin/Debug/net10.0
rm -f "$out/figures.txt"

classes=()
for scenario in "${scenarios[@]}"; do classes+=(-class "CuteRooms.Realtime.Tests.$scenario"); done
status=0
(cd tests/CuteRooms.Realtime.Tests && "./bin/Debug/net10.0/CuteRooms.Realtime.Tests" "${classes[@]}") || status=$?

echo
echo "# Fault figures ($(nproc) cores, $(date -u +%Y-%m-%d))"
cat "$out/figures.txt" 2>/dev/null || echo "(no figures: see the test output above)"
exit "$status"
