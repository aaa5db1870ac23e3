#!/usr/bin/env bash
# Where one service's CPU goes while a bench run loads it: perf samples grouped by what ran them
# (the kernel, the runtime, the JIT compiler, and managed code by its JIT tier), then the hottest frames.
#
#   bench/profile.sh web|realtime|api [seconds, default 15]
#
# Start the load with JIT symbols written out and jitted code mapped once (with W^X on, the runtime's
# default, code lives in a double mapping that perf cannot match to the symbols), or managed frames
# show as bare addresses:
#   dotnet bench/CuteRooms.Bench/bin/Release/net10.0/CuteRooms.Bench.dll side-by-side … \
#     --apphost-setting CuteRooms:ServiceSettings:DOTNET_PerfMapEnabled=1 \
#     --apphost-setting CuteRooms:ServiceSettings:DOTNET_EnableWriteXorExecute=0
# and call this once the posting has begun. Needs perf (Debian's linux-perf) and root.
set -euo pipefail

service=${1:?usage: bench/profile.sh web|realtime|api [seconds]}
seconds=${2:-15}
executable="CuteRooms.${service^}"
pid=$(pgrep -f "net10.0/${executable}\$" | head -1) || { echo "no running ${executable}" >&2; exit 1; }
[ -f "/tmp/perf-${pid}.map" ] || echo "warning: /tmp/perf-${pid}.map is missing: start the run with DOTNET_PerfMapEnabled=1" >&2
grep -q doublemapper "/proc/${pid}/maps" && echo "warning: jitted code is double-mapped (W^X): start the run with DOTNET_EnableWriteXorExecute=0 too" >&2
data=$(mktemp --suffix=.perf.data)
trap 'rm -f "$data"' EXIT

perf record -q -F 999 -g -p "$pid" -o "$data" -- sleep "$seconds" 2>/dev/null

echo "${executable} (pid ${pid}), ${seconds} s of samples, by what ran them:"
perf report -i "$data" --no-children --sort dso,sym -g none --stdio 2>/dev/null | awk '
  /^ *[0-9.]+%/ {
    share = $1; sub("%", "", share)
    # A jitted frame ends with its tier, e.g. [QuickJitted] (tier 0), [InstrumentedTierOptimized]
    # (optimized but still collecting a profile), [OptimizedTier1] (final).
    if (match($0, /\[(QuickJitted|InstrumentedTier|InstrumentedTierOptimized|OptimizedTier1|OptimizedTier1OSR|Optimized)\] *$/))
      kind = "managed, " substr($0, RSTART + 1, RLENGTH - 2)
    else if ($0 ~ /libclrjit/) kind = "the JIT compiler (libclrjit)"
    else if ($0 ~ /libcoreclr/) kind = "the runtime (libcoreclr: GC, type checks, stubs)"
    else if ($0 ~ /\[kernel/) kind = "the kernel"
    else if ($0 ~ /\.dll/) kind = "managed, ReadyToRun (precompiled, not yet rejitted)"
    else if ($0 ~ /\.so/) kind = "other native libraries"
    else kind = "other (stubs, unnamed)"
    total[kind] += share
  }
  END { for (kind in total) printf "  %5.1f %%  %s\n", total[kind], kind }' | sort -rn

echo "hottest frames:"
perf report -i "$data" --no-children --sort sym -g none --stdio 2>/dev/null | grep -E '^ *[0-9.]+%' | head -15 | cut -c1-200
