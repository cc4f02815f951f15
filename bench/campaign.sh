#!/usr/bin/env bash
# A firmware-update campaign over simulated LwM2M devices, one command:
#   bench/campaign.sh [DEVICES]      (default 100000)
#
# 1. `custos serve` (Release) on a fresh data directory, plain CoAP with auto-provisioning;
# 2. `custos-sim lwm2m` plays DEVICES devices (distinct source address and port each, one
#    process) that register and answer everything an LwM2M firmware update asks: Write of the
#    Package URI, the block-wise download of the image from the server (CoAP Block2), observe
#    of State and Update Result, Execute Update, the "reboot" and the new Register;
# 3. once every device is online, a 1 KiB image is uploaded and ONE campaign
#    `firmware_update` over all of them, with no rate limit, no batches and no in-flight cap,
#    is created; the script polls it until it completes.
# Figures: dispatch rate (devices whose operation went out, per minute, from the campaign's
# creation until the last was sent), time to completion (creation until every operation is
# final), succeeded/failed, and the server's CPU time per operation (user + system time of the
# custos process during the campaign / operations). The anchor is AWS IoT Jobs' maximum
# rollout rate, 1,000 devices per minute (a published limit, not measured here): the ratio is
# the dispatch rate over that.
# Prints a table and writes RESULTS_DIR/campaign-latest.json.
# Environment: BUILD_DIR (build-bench-campaign), NO_BUILD (0), SOCKETS (8), RAMP (5000 Registers
# per second), REGISTER_TIMEOUT_S (900), CAMPAIGN_TIMEOUT_S (1800), FAIL_SHARE (0: devices
# that fail the update), KIND (firmware_update; reboot measures the engine and the adapter
# without the download), RESULTS_DIR (bench/results).
set -euo pipefail
cd "$(dirname "$0")/.."
results=${RESULTS_DIR:-bench/results}
command -v jq >/dev/null || { echo "jq missing: scripts/install-deps.sh --test"; exit 1; }
devices=${1:-100000}
build=${BUILD_DIR:-build-bench-campaign}
sockets=${SOCKETS:-8}
ramp=${RAMP:-5000}
register_timeout_s=${REGISTER_TIMEOUT_S:-900}
campaign_timeout_s=${CAMPAIGN_TIMEOUT_S:-1800}
fail_share=${FAIL_SHARE:-0}
kind=${KIND:-firmware_update}
anchor_per_min=1000

. bench/sim_common.sh

for knob in rmem_max wmem_max; do
  f=/proc/sys/net/core/$knob
  if [ -w "$f" ] && [ "$(cat "$f")" -lt 4194304 ]; then echo 4194304 >"$f" || true; fi
done

work=$(mktemp -d /tmp/custos-campaign-bench.XXXXXX)
server_pid=""
sim_pid=""
cleanup() { stop "$sim_pid"; stop "$server_pid"; rm -rf "$work"; }
trap cleanup EXIT

token="cst_bench-admin-secret-0123456789abcdef"
CUSTOS_ADMIN_TOKEN=$token "$custos" serve --data-dir "$work/data" --log-level warn \
  --http-listen 127.0.0.1:0 --coap-listen 127.0.0.1:0 --coaps-listen 127.0.0.1:0 \
  --mqtt-listen 127.0.0.1:0 >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
http="" coap=""
for _ in $(seq 1 600); do
  http=$(sed -n 's/^custos: http listening on //p' "$work/server.out")
  coap=$(sed -n 's|^custos: coap listening on \(coap://[0-9.]*:[0-9]*\)$|\1|p' "$work/server.out")
  [ -n "$http" ] && [ -n "$coap" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$http" ] && [ -n "$coap" ] || { echo "custos did not start:"; cat "$work/server.err"; exit 1; }

api() {  # method, path, [curl args...]
  local method=$1 path=$2
  shift 2
  curl -sS --fail-with-body -X "$method" -H "Authorization: Bearer $token" "$@" "$http/api/v1$path"
}
gauge() { curl -sS "$http/metrics" | awk -v m="$1" '$1 == m {v = $2} END {print v}'; }
jqr() { jq -r "$1"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }

echo "campaign bench: $devices simulated LwM2M devices against $coap"
"$sim" lwm2m --server "$coap" --devices "$devices" --sockets "$sockets" --ramp "$ramp" \
  --lifetime 86400 --fail-update-share "$fail_share" --report-every 30 \
  --json "$work/sim.json" >"$work/sim.out" 2>"$work/sim.err" &
sim_pid=$!

registered_at=$(date +%s.%N)
deadline=$(( $(date +%s) + register_timeout_s ))
online=0
while :; do
  online=$(gauge custos_devices_online)
  online=${online%.*}
  [ "${online:-0}" -ge "$devices" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { echo "custos-sim stopped:"; tail -5 "$work/sim.err"; exit 1; }
  [ "$(date +%s)" -lt "$deadline" ] || { echo "only ${online:-0} of $devices online"; exit 1; }
  sleep 1
done
register_s=$(awk -v a="$registered_at" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
echo "all $devices online after ${register_s}s"

parameters="{}"
if [ "$kind" = firmware_update ]; then
  head -c 1024 /dev/urandom >"$work/image.bin"
  printf 'custos-firmware 2.0.0\n' | cat - "$work/image.bin" >"$work/image"
  firmware=$(api POST "/firmware?version=2.0.0&name=bench" \
    -H "Content-Type: application/octet-stream" --data-binary @"$work/image" | jqr .id)
  parameters="{\"firmware_id\": $firmware}"
fi

ticks_before=$(cpu_ticks)
created_at=$(date +%s.%N)
campaign=$(api POST /campaigns -H "Content-Type: application/json" -d "{
  \"name\": \"bench-fw\", \"selector\": {\"filter\": \"protocol = \\\"lwm2m\\\"\"},
  \"operation\": {\"kind\": \"$kind\", \"parameters\": $parameters,
                  \"timeout_s\": 3600}}" | jqr .id)

# Polls the campaign; records when the last operation went out and when it completed.
dispatched_s="" completed_s="" view=""
deadline=$(( $(date +%s) + campaign_timeout_s ))
while :; do
  view=$(api GET "/campaigns/$campaign")
  now=$(date +%s.%N)
  unsent=$(jqr '[.counts | to_entries[] | select(.key | IN("queued","planned","pending","scheduled","waiting")) | .value] | add // 0' <<<"$view")
  state=$(jqr .state <<<"$view")
  if [ -z "$dispatched_s" ] && [ "$unsent" -eq 0 ]; then
    dispatched_s=$(awk -v a="$created_at" -v b="$now" 'BEGIN {printf "%.2f", b - a}')
  fi
  if [ "$state" != running ]; then
    completed_s=$(awk -v a="$created_at" -v b="$now" 'BEGIN {printf "%.2f", b - a}')
    break
  fi
  [ "$(date +%s)" -lt "$deadline" ] || { echo "campaign not done in ${campaign_timeout_s}s: $view"; break; }
  sleep 0.5
done
ticks_after=$(cpu_ticks)
# Why operations failed, if any did: the first few results.
for state in failed timed_out; do
  api GET "/operations?campaign=$campaign&state=$state&limit=3" |
    jq -r --arg s "$state" '.operations[] | "\($s): device \(.device_id): \(.result | tostring)"'
done

hz=$(getconf CLK_TCK)
succeeded=$(jqr '.counts.succeeded // 0' <<<"$view")
failed=$(jqr '[.counts.failed, .counts.timed_out, .counts.rejected] | map(. // 0) | add' <<<"$view")
total=$(jqr .total <<<"$view")
rate=$(awk -v n="$total" -v s="${dispatched_s:-0}" 'BEGIN {if (s > 0) printf "%.0f", n * 60 / s; else print 0}')
ratio=$(awk -v r="$rate" -v a="$anchor_per_min" 'BEGIN {printf "%.1f", r / a}')
cpu_ms=$(awk -v t=$((ticks_after - ticks_before)) -v hz="$hz" -v n="$total" \
  'BEGIN {if (n > 0) printf "%.3f", t * 1000 / hz / n; else print 0}')
rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")
stop "$sim_pid"
sim_pid=""

printf '\n%-44s %14s %14s %8s\n' figure custos "AWS IoT Jobs" ratio
printf '%-44s %14s %14s %8s\n' "devices in the campaign ($kind)" "$total" "" ""
printf '%-44s %14s %14s %8sx\n' "dispatch rate, devices/min" "$rate" "$anchor_per_min" "$ratio"
printf '%-44s %14s %14s %8s\n' "time to dispatch all, s" "${dispatched_s:--}" "" ""
printf '%-44s %14s %14s %8s\n' "time to completion, s" "${completed_s:--}" "" ""
printf '%-44s %14s %14s %8s\n' "succeeded / failed" "$succeeded / $failed" "" ""
printf '%-44s %14s %14s %8s\n' "server CPU per operation, ms" "$cpu_ms" "" ""
printf '%-44s %14s %14s %8s\n' "server RSS at the end, MiB" "$((rss_kib / 1024))" "" ""
printf '%-44s %14s %14s %8s\n' "registration of the fleet, s" "$register_s" "" ""
echo "campaign state: $(jqr .state <<<"$view"); simulator: $(tail -1 "$work/sim.out")"

mkdir -p "$results"
cat >"$results"/campaign-latest.json <<EOF
{"devices": $total, "kind": "$kind", "dispatch_per_min": $rate, "anchor_per_min": $anchor_per_min,
 "ratio": $ratio, "dispatch_s": ${dispatched_s:-null}, "completion_s": ${completed_s:-null},
 "succeeded": $succeeded, "failed": $failed, "cpu_ms_per_operation": $cpu_ms,
 "rss_kib": $rss_kib, "register_s": $register_s, "state": "$(jqr .state <<<"$view")"}
EOF
[ "$succeeded" -eq "$total" ] || [ "$fail_share" != 0 ] || { echo "not every update succeeded"; exit 1; }
