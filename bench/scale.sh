#!/usr/bin/env bash
# Scale on one node, one command:   bench/scale.sh
#
# One `custos serve` (Release, fresh data directory) holds at once SCALE_LWM2M registered LwM2M
# devices (default 1,000,000; one `custos-sim lwm2m` process, plain CoAP, lifetime one day)
# and SCALE_MQTT MQTT connections (default 19,000: the server's own limit is 20,000 open
# files, and each connection is one; `custos-sim mqtt` processes of at most 9,500 devices each,
# their devices and credentials created through the REST API first).
# Figures, read once every device is online and the fleet has then been left alone for REST_S
# seconds (default 60): the server's RSS in total and per device, and its CPU use over that
# rest (user + system time / wall time), and the time the fleet took to come online.
# Writes RESULTS_DIR/scale-latest.json.
# Environment: SCALE_LWM2M, SCALE_MQTT, REST_S, RAMP (LwM2M Registers per second, 5000),
# MQTT_RAMP (connects per second per process, 2000), ONLINE_TIMEOUT_S (1200), BUILD_DIR
# (build-bench-campaign), NO_BUILD (0), RESULTS_DIR (bench/results).
set -euo pipefail
cd "$(dirname "$0")/.."
results=${RESULTS_DIR:-bench/results}
lwm2m_devices=${SCALE_LWM2M:-1000000}
mqtt_devices=${SCALE_MQTT:-19000}
rest_s=${REST_S:-60}
ramp=${RAMP:-5000}
mqtt_ramp=${MQTT_RAMP:-2000}
online_timeout_s=${ONLINE_TIMEOUT_S:-1200}
build=${BUILD_DIR:-build-bench-campaign}
per_process=9500

. bench/sim_common.sh
need=$((mqtt_devices + 500))
[ "$(ulimit -n)" -ge "$need" ] || ulimit -n "$need" 2>/dev/null ||
  { echo "$mqtt_devices connections need $need open files; the limit is $(ulimit -Hn)"; exit 1; }

work=$(mktemp -d /tmp/custos-scale-bench.XXXXXX)
pids=()
server_pid=""
cleanup() {
  for p in "${pids[@]}"; do stop "$p"; done
  stop "$server_pid"
  rm -rf "$work"
}
trap cleanup EXIT

token="cst_bench-admin-secret-0123456789abcdef"
CUSTOS_ADMIN_TOKEN=$token "$custos" serve --data-dir "$work/data" --mqtt-max-connect-rate 0 \
  --log-level warn --http-listen 127.0.0.1:0 --coap-listen 127.0.0.1:0 \
  --coaps-listen 127.0.0.1:0 --mqtt-listen 127.0.0.1:0 >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
http="" coap="" mqtt=""
for _ in $(seq 1 600); do
  http=$(sed -n 's/^custos: http listening on //p' "$work/server.out")
  coap=$(sed -n 's|^custos: coap listening on \(coap://[0-9.]*:[0-9]*\)$|\1|p' "$work/server.out")
  mqtt=$(sed -n 's|^custos: mqtt listening on mqtt://\([0-9.]*:[0-9]*\)$|\1|p' "$work/server.out")
  [ -n "$http" ] && [ -n "$coap" ] && [ -n "$mqtt" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$http" ] && [ -n "$coap" ] && [ -n "$mqtt" ] ||
  { echo "custos did not start:"; cat "$work/server.out" "$work/server.err"; exit 1; }
gauge() { curl -sS "$http/metrics" | awk -v m="$1" '$1 == m {v = $2} END {print v}'; }
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
rss_before=$(rss_kib)

started=$(date +%s.%N)
"$sim" lwm2m --server "$coap" --devices "$lwm2m_devices" --ramp "$ramp" --lifetime 86400 \
  --sockets 8 --report-every 60 >"$work/lwm2m.out" 2>"$work/lwm2m.err" &
pids+=($!)
first=0 k=0
while [ "$first" -lt "$mqtt_devices" ]; do
  n=$((mqtt_devices - first < per_process ? mqtt_devices - first : per_process))
  # Each process its own block of source addresses (127.20.k.1 and up).
  "$sim" mqtt --server "$mqtt" --provision "$http" --token "$token" --prefix "scale-m$k-" \
    --devices "$n" --source "127.20.$k.1" --ramp "$mqtt_ramp" --telemetry-every 0 \
    --report-every 60 >"$work/mqtt-$k.out" 2>"$work/mqtt-$k.err" &
  pids+=($!)
  first=$((first + n)) k=$((k + 1))
done

want=$((lwm2m_devices + mqtt_devices))
deadline=$(( $(date +%s) + online_timeout_s ))
while :; do
  online=$(gauge custos_devices_online); online=${online%.*}
  [ "${online:-0}" -ge "$want" ] && break
  for p in "${pids[@]}"; do
    kill -0 "$p" 2>/dev/null || { echo "a simulator stopped:"; tail -3 "$work"/*.err; exit 1; }
  done
  [ "$(date +%s)" -lt "$deadline" ] || { echo "only ${online:-0} of $want online"; exit 1; }
  sleep 2
done
online_s=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.0f", b - a}')
echo "$want devices online after ${online_s}s; resting ${rest_s}s"

hz=$(getconf CLK_TCK)
ticks0=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
t0=$(date +%s.%N)
sleep "$rest_s"  # the measurement itself: CPU used by an idle fleet over this much time
ticks1=$(awk '{print $14 + $15}' "/proc/$server_pid/stat")
t1=$(date +%s.%N)
cpu=$(awk -v t=$((ticks1 - ticks0)) -v hz="$hz" -v a="$t0" -v b="$t1" \
  'BEGIN {printf "%.1f", t / hz / (b - a) * 100}')
rss=$(rss_kib)
per_device=$(awk -v a="$rss" -v b="$rss_before" -v n="$want" 'BEGIN {printf "%.0f", (a - b) * 1024 / n}')
online=$(gauge custos_devices_online); online=${online%.*}

printf '\n%-44s %14s\n' figure custos
printf '%-44s %14s\n' "LwM2M devices registered" "$lwm2m_devices"
printf '%-44s %14s\n' "MQTT connections" "$mqtt_devices"
printf '%-44s %14s\n' "online at the end" "$online"
printf '%-44s %14s\n' "time to bring the fleet online, s" "$online_s"
printf '%-44s %14s\n' "server RSS, MiB" "$((rss / 1024))"
printf '%-44s %14s\n' "server RSS per device, B" "$per_device"
printf '%-44s %14s\n' "server CPU at rest, % of one core" "$cpu"

mkdir -p "$results"
cat >"$results/scale-latest.json" <<JSON
{"date": "$(date -u +%FT%TZ)", "cpus": $(nproc), "lwm2m_devices": $lwm2m_devices,
 "mqtt_connections": $mqtt_devices, "online": $online, "online_s": $online_s,
 "rss_mib": $((rss / 1024)), "rss_per_device_bytes": $per_device,
 "cpu_at_rest_percent": $cpu, "rest_s": $rest_s}
JSON
echo "written: $results/scale-latest.json"
