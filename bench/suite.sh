#!/usr/bin/env bash
# Every benchmark scenario, one command:   bench/suite.sh [--quick]
#
#   1. LwM2M registration storm (bench/lwm2m.sh): custos vs libcoap's coap-server-notls vs a
#      UDP echo (the ceiling), at 10k, 100k and 1M endpoints;
#   2. MQTT connect storm, QoS 1 publishing, command round trip, RSS per connection
#      (bench/mqtt.sh): custos vs mosquitto 2.0, at 10k devices and at the most the open-file
#      limit allows (19,800), rounds interleaved;
#   3. fleet query over 1,000,000 devices, custos vs the sqlite3 CLI on the same file, and
#   4. REST GET /api/v1/devices/{id} under wrk (bench/run.sh);
#   5. firmware-update campaign over 100,000 simulated LwM2M devices (bench/campaign.sh),
#      against AWS IoT Jobs' published maximum rollout rate;
#   6. scale: 1,000,000 registered LwM2M devices and as many MQTT connections as the open-file
#      limit allows, at once (bench/scale.sh).
# Each script prints its own table (figure, custos, peer, ratio) and writes its JSON; this one
# then prints the headline figures of all of them in one table and writes them, with every
# script's JSON, to RESULTS_DIR/suite-latest.json.
#
# --quick: small fleets (under two minutes once built), binaries from BUILD_DIR (default
# build-test, as the test command builds it), results in a temporary directory: the test
# command runs it so the scripts cannot rot. Its figures mean nothing.
# Environment: BUILD_DIR (build-bench-suite; quick: build-test), RESULTS_DIR (bench/results;
# quick: a temporary directory), ROUNDS (3; quick: 1).
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = --quick ] && quick=1
command -v jq >/dev/null || { echo "jq missing: scripts/install-deps.sh --test"; exit 1; }

if [ "$quick" = 1 ]; then
  export BUILD_DIR=${BUILD_DIR:-build-test} NO_BUILD=1 ROUNDS=${ROUNDS:-1}
  export RESULTS_DIR=${RESULTS_DIR:-$(mktemp -d /tmp/custos-suite.XXXXXX)}
else
  export BUILD_DIR=${BUILD_DIR:-build-bench-suite} ROUNDS=${ROUNDS:-3}
  export RESULTS_DIR=${RESULTS_DIR:-bench/results}
  scripts/install-deps.sh --test >/dev/null
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCUSTOS_BUILD_TESTS=OFF \
    -DCUSTOS_BUILD_BENCH=ON >/dev/null
  cmake --build "$BUILD_DIR" --target custos custos-sim custos_coap_load custos_udp_echo \
    custos_mqtt_load custos_http_latency >/dev/null
  export NO_BUILD=1
fi
mkdir -p "$RESULTS_DIR"
results=$RESULTS_DIR

failed=()
run() {  # name, command...
  local name=$1
  shift
  echo
  echo "==================== $name: $*"
  local start=$SECONDS
  if "$@"; then
    echo "---- $name: done in $((SECONDS - start)) s"
  else
    echo "---- $name: FAILED after $((SECONDS - start)) s"
    failed+=("$name")
  fi
}

if [ "$quick" = 1 ]; then
  run lwm2m env LIBCOAP_MAX=2000 bench/lwm2m.sh 2000
  run mqtt env PUBLISHERS=100 MESSAGES=20 RTT_CLIENTS=20 RTT_REQUESTS=10 WARM_UP=50 \
    bench/mqtt.sh 500
  run foundation env SAMPLES=20 WRK_SECONDS=2 bench/run.sh 5000
  run campaign env RAMP=2000 bench/campaign.sh 300
  run scale env SCALE_LWM2M=2000 SCALE_MQTT=200 REST_S=3 bench/scale.sh
else
  run lwm2m bench/lwm2m.sh 10000 100000 1000000
  run mqtt bench/mqtt.sh 10000
  mv "$results/mqtt.json" "$results/mqtt-10000.json" 2>/dev/null || true
  run mqtt-max bench/mqtt.sh 19800
  mv "$results/mqtt.json" "$results/mqtt-19800.json" 2>/dev/null || true
  run foundation bench/run.sh 1000000
  run campaign bench/campaign.sh 100000
  run scale bench/scale.sh
fi

# The headline figures of every scenario, from the scripts' JSON.
read_json() { [ -f "$results/$1" ] && cat "$results/$1" || echo null; }
mqtt_file=mqtt.json
[ -f "$results/mqtt-10000.json" ] && mqtt_file=mqtt-10000.json
summary=$(jq -n \
  --argjson lwm2m "$(read_json lwm2m-latest.json)" \
  --argjson mqtt "$(read_json "$mqtt_file")" \
  --argjson mqtt_max "$(read_json mqtt-19800.json)" \
  --argjson foundation "$(read_json latest.json)" \
  --argjson campaign "$(read_json campaign-latest.json)" \
  --argjson scale "$(read_json scale-latest.json)" '
  def reg(s; n): ($lwm2m.runs // []) | map(select(.server == s and .endpoints == n)) | .[0];
  def ratio(a; b): if (a != null and b != null and b != 0) then ((a / b * 100 | round) / 100) else null end;
  def row(f; c; p; r): {figure: f, custos: c, peer: p, ratio: r};
  ($lwm2m.runs // [] | map(select(.server == "custos")) | map(.endpoints) | min) as $n |
  [ row("LwM2M registrations/s at \($n) (peer: libcoap)"; reg("custos"; $n).requests_per_s;
        reg("libcoap"; $n).requests_per_s;
        ratio(reg("custos"; $n).requests_per_s; reg("libcoap"; $n).requests_per_s)),
    row("LwM2M registration p99 ms at \($n)"; (reg("custos"; $n).p99_us // null | if . then ./1000 else null end);
        (reg("libcoap"; $n).p99_us // null | if . then ./1000 else null end); null),
    row("MQTT connects/s (peer: mosquitto)"; $mqtt.medians.connects_per_s.custos;
        $mqtt.medians.connects_per_s.mosquitto; $mqtt.medians.connects_per_s.ratio),
    row("MQTT QoS 1 acks/s"; $mqtt.medians.acks_per_s.custos; $mqtt.medians.acks_per_s.mosquitto;
        $mqtt.medians.acks_per_s.ratio),
    row("MQTT command round trip p99 us"; $mqtt.medians.rtt_p99_us.custos;
        $mqtt.medians.rtt_p99_us.mosquitto; $mqtt.medians.rtt_p99_us.ratio),
    row("MQTT RSS per connection, B"; $mqtt.medians.rss_per_connection_bytes.custos;
        $mqtt.medians.rss_per_connection_bytes.mosquitto;
        $mqtt.medians.rss_per_connection_bytes.ratio),
    row("MQTT connects/s at the open-file limit"; $mqtt_max.medians.connects_per_s.custos;
        $mqtt_max.medians.connects_per_s.mosquitto; $mqtt_max.medians.connects_per_s.ratio),
    row("Import rows/s (\($foundation.devices) devices)"; $foundation.import.rows_per_s; null; null),
    row("Fleet query p50 ms: \($foundation.filters[0].filter // "-") (peer: sqlite3)";
        $foundation.filters[0].custos_p50_ms; $foundation.filters[0].sqlite3_p50_ms;
        ratio($foundation.filters[0].custos_p50_ms; $foundation.filters[0].sqlite3_p50_ms)),
    row("GET /devices/{id} requests/s (wrk)"; $foundation.get_by_id.requests_per_s; null; null),
    row("Campaign dispatch, devices/min (\($campaign.devices) devices; peer: AWS IoT Jobs max)";
        $campaign.dispatch_per_min; $campaign.anchor_per_min; $campaign.ratio),
    row("Campaign time to completion, s"; $campaign.completion_s; null; null),
    row("Campaign server CPU per operation, ms"; $campaign.cpu_ms_per_operation; null; null),
    row("Scale: LwM2M devices + MQTT connections"; "\($scale.lwm2m_devices) + \($scale.mqtt_connections)"; null; null),
    row("Scale: server RSS, MiB"; $scale.rss_mib; null; null),
    row("Scale: server CPU at rest, %"; $scale.cpu_at_rest_percent; null; null)
  ]')
echo
echo "==================== summary$([ "$quick" = 1 ] && echo " (quick mode: the figures mean nothing)")"
printf '%-72s %14s %14s %8s\n' figure custos peer ratio
jq -r '.[] | [.figure, (.custos // "-" | tostring), (.peer // "-" | tostring),
              (.ratio // "-" | tostring)] | @tsv' <<<"$summary" |
  while IFS=$'\t' read -r f c p r; do printf '%-72s %14s %14s %8s\n' "$f" "$c" "$p" "$r"; done
jq -n --argjson summary "$summary" --arg date "$(date -u +%FT%TZ)" --arg quick "$quick" \
  --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --arg cpus "$(nproc)" \
  '{date: $date, quick: ($quick == "1"), cpus: ($cpus | tonumber), load_average_after: $load,
    summary: $summary}' >"$results/suite-latest.json"
echo "written: $results/suite-latest.json"
if ((${#failed[@]})); then
  echo "scenarios that failed: ${failed[*]}"
  exit 1
fi
