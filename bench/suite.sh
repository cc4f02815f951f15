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
# The scripts with a peer or noisy figures run ROUNDS rounds, interleaved (custos, peer,
# custos, peer, ...), and report each figure's median with its spread (lowest–highest) and
# each ratio taken within a round, then their median (docs/benchmarks.md, "Method").
# Each script prints its own table (figure, custos, peer, ratio) and writes its JSON; this one
# then prints the headline figures of all of them in one table (medians, with the spread where
# there is one) and writes them to RESULTS_DIR/suite-latest.json.
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
  # A figure is a number, or the {median, min, max, runs} of a figure measured in rounds.
  def st(x): if x == null then null elif (x | type) == "object" then x
             else {median: x, min: x, max: x} end;
  def stats(a): (a | map(select(type == "number")) | sort) as $s | ($s | length) as $n |
    if $n == 0 then null
    else {median: (if $n % 2 == 1 then $s[($n - 1) / 2] else ($s[$n / 2 - 1] + $s[$n / 2]) / 2 end),
          min: $s[0], max: $s[-1], runs: a} end;
  def div(x; k): st(x) | if . == null or .median == null then null
                 else {median: (.median / k), min: (.min / k), max: (.max / k)} end;
  def ratio(a; b): if (a != null and b != null and b != 0) then ((a / b * 100 | round) / 100) else null end;
  def row(f; c; p; r): {figure: f, custos: st(c).median, peer: st(p).median, ratio: st(r).median,
    spread: {custos: (st(c) | if . then [.min, .max] else null end),
             peer: (st(p) | if . then [.min, .max] else null end),
             ratio: (st(r) | if . then [.min, .max] else null end)}};
  def reg(s; n): ($lwm2m.medians // []) | map(select(.server == s and .endpoints == n)) | .[0];
  def lrun(s; n; r): ($lwm2m.runs // []) | map(select(.server == s and .endpoints == n and .round == r)) | .[0];
  def mq(m; k): {custos: m.medians[k].spread.custos, peer: m.medians[k].spread.mosquitto,
                 ratio: m.medians[k].spread.ratio};
  ($lwm2m.runs // [] | map(select(.server == "custos")) | map(.endpoints) | min) as $n |
  # custos / libcoap within each round, then their median
  stats([range(1; ($lwm2m.rounds // 1) + 1) as $r |
         ratio(lrun("custos"; $n; $r).requests_per_s; lrun("libcoap"; $n; $r).requests_per_s)]) as $lr |
  mq($mqtt; "connects_per_s") as $mc | mq($mqtt; "acks_per_s") as $ma |
  mq($mqtt; "rtt_p99_us") as $mr | mq($mqtt; "rss_per_connection_bytes") as $ms |
  mq($mqtt_max; "connects_per_s") as $mx | ($foundation.filters[0].spread // {}) as $f0 |
  [ row("LwM2M registrations/s at \($n) (peer: libcoap)"; reg("custos"; $n).requests_per_s;
        reg("libcoap"; $n).requests_per_s; $lr),
    row("LwM2M registration p99 ms at \($n)"; div(reg("custos"; $n).p99_us; 1000);
        div(reg("libcoap"; $n).p99_us; 1000); null),
    row("MQTT connects/s (peer: mosquitto)"; $mc.custos; $mc.peer; $mc.ratio),
    row("MQTT QoS 1 acks/s"; $ma.custos; $ma.peer; $ma.ratio),
    row("MQTT command round trip p99 us"; $mr.custos; $mr.peer; $mr.ratio),
    row("MQTT RSS per connection, B"; $ms.custos; $ms.peer; $ms.ratio),
    row("MQTT connects/s at the open-file limit"; $mx.custos; $mx.peer; $mx.ratio),
    row("Import rows/s (\($foundation.devices) devices, once)"; $foundation.import.rows_per_s; null; null),
    row("Fleet query p50 ms: \($foundation.filters[0].filter // "-") (peer: sqlite3)";
        $f0.custos_p50_ms // $foundation.filters[0].custos_p50_ms;
        $f0.sqlite3_p50_ms // $foundation.filters[0].sqlite3_p50_ms;
        $f0.ratio_p50 // ratio($foundation.filters[0].custos_p50_ms; $foundation.filters[0].sqlite3_p50_ms)),
    row("GET /devices/{id} requests/s (wrk)";
        $foundation.get_by_id.spread.requests_per_s // $foundation.get_by_id.requests_per_s; null; null),
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
printf '%-72s %26s %26s %18s\n' figure custos peer ratio
# Medians, with the spread (lowest–highest) where a figure had more than one run.
jq -r 'def fmt: if type == "number" then (if fabs >= 100 then round else (. * 100 | round) / 100 end)
                else . end;
       def cell(x; sp): if x == null then "-"
                        elif sp != null and sp[0] != sp[1] then "\(x | fmt) (\(sp[0] | fmt)–\(sp[1] | fmt))"
                        else (x | fmt | tostring) end;
       .[] | [.figure, cell(.custos; .spread.custos), cell(.peer; .spread.peer),
              cell(.ratio; .spread.ratio)] | @tsv' <<<"$summary" |
  while IFS=$'\t' read -r f c p r; do printf '%-72s %26s %26s %18s\n' "$f" "$c" "$p" "$r"; done
jq -n --argjson summary "$summary" --arg date "$(date -u +%FT%TZ)" --arg quick "$quick" \
  --arg load "$(cut -d' ' -f1-3 /proc/loadavg)" --arg cpus "$(nproc)" --arg rounds "$ROUNDS" \
  '{date: $date, quick: ($quick == "1"), cpus: ($cpus | tonumber), rounds: ($rounds | tonumber),
    load_average_after: $load, summary: $summary}' >"$results/suite-latest.json"
echo "written: $results/suite-latest.json"
if ((${#failed[@]})); then
  echo "scenarios that failed: ${failed[*]}"
  exit 1
fi
