#!/usr/bin/env bash
# The MQTT benchmark, one command: bench/mqtt.sh [CLIENTS]   (default 10000)
#
# Two brokers in turn, each a fresh process on loopback, under the same load from
# custos_mqtt_load (bench/mqtt/load_generator.h):
#   custos     `custos serve` on a fresh data directory, MQTT on a free port, no connect-rate
#              limit (mqtt.max_connect_rate = 0), CLIENTS devices imported through the REST API,
#              each with a password credential;
#   mosquitto  Debian's /usr/sbin/mosquitto 2.0 with a password file of the same devices and
#              secrets (mosquitto_passwd -U), an ACL `pattern readwrite devices/%u/#`,
#              persistence off; plus one "responder" user allowed devices/#.
# Scenarios, on the same connections: (a) connect storm of CLIENTS devices (WINDOW connects in
# progress at most): connects/s and CONNACK p50/p99; (d) broker RSS with every device
# connected and idle, minus RSS before (read after WARM_UP devices connected and disconnected,
# so that first-use costs such as thread stacks and allocator arenas are not counted), per
# device, from a fresh broker process each round (for custos: its store's page caches cold,
# filled by the storm's own reads, as after a restart); (b) PUBLISHERS devices x MESSAGES QoS 1 messages of 64 B to
# devices/{name}/state/reported (a valid reported-state document, the same bytes to both),
# INFLIGHT unacknowledged per device: acks/s; (c) RTT_CLIENTS devices x
# RTT_REQUESTS requests {"method":"time"} one at a time: round trip p50/p99 — Custos answers
# on devices/{name}/replies/{rid} itself; for mosquitto the responder client (subscribed to
# devices/+/requests/#) publishes the same-shaped reply there, so its round trip has one more
# hop through the broker.
# ROUNDS rounds, interleaved (custos, mosquitto, custos, ...); the table shows each figure's
# median over the rounds with its spread (lowest–highest), and the ratio custos / mosquitto
# taken within each round, as their median (spread). Writes every run, the medians and the
# spreads to RESULTS_DIR/mqtt.json.
# Fails (exit 1) if a broker does not start, the devices cannot be made, or a scenario errs.
# Environment: ROUNDS (1), PUBLISHERS (1000), MESSAGES (100), INFLIGHT (10), RTT_CLIENTS (100),
# RTT_REQUESTS (50), WINDOW (64), WARM_UP (500), IO_THREADS (2), BUILD_DIR (build-bench-mqtt),
# NO_BUILD (0; 1 uses the binaries already in BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
results=${RESULTS_DIR:-bench/results}
clients=${1:-10000}
rounds=${ROUNDS:-1}
publishers=${PUBLISHERS:-1000}
messages=${MESSAGES:-100}
inflight=${INFLIGHT:-10}
rtt_clients=${RTT_CLIENTS:-100}
rtt_requests=${RTT_REQUESTS:-50}
window=${WINDOW:-64}
warm_up=${WARM_UP:-500}
io_threads=${IO_THREADS:-2}
build=${BUILD_DIR:-build-bench-mqtt}
mosquitto=/usr/sbin/mosquitto

die() { echo "mqtt.sh: $*" >&2; exit 1; }
[ -x "$mosquitto" ] && command -v mosquitto_passwd >/dev/null ||
  die "mosquitto missing: scripts/install-deps.sh --test (package mosquitto)"
command -v curl >/dev/null || die "curl missing"
# Every device is one open file in the load generator and one in the broker; the machine's
# hard limit is 20,000 per process.
need=$((clients + 100))
[ "$(ulimit -n)" -ge "$need" ] || ulimit -n "$need" 2>/dev/null ||
  die "$clients devices need $need open files; the limit is $(ulimit -n) (hard $(ulimit -Hn))"

if [ "${NO_BUILD:-0}" != 1 ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCUSTOS_BUILD_TESTS=OFF \
    -DCUSTOS_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" --target custos custos_mqtt_load >/dev/null
fi
load=$build/bench/mqtt/custos_mqtt_load

work=$(mktemp -d /tmp/custos-mqtt-bench.XXXXXX)
broker_pid=""
stop_broker() {
  if [ -n "$broker_pid" ]; then
    kill "$broker_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$broker_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    broker_pid=""
  fi
}
cleanup() { stop_broker; rm -rf "$work"; }
trap cleanup EXIT

free_tcp_port() {
  for p in $(shuf -i 20000-29999 -n 50); do
    if [ -z "$(ss -Htan "sport = :$p")" ]; then echo "$p"; return; fi
  done
  return 1
}

# ---- the devices: names and secrets, the same for both brokers
devices=$work/devices.txt
head -c $((clients * 16)) /dev/urandom | od -An -tx1 -v | tr -d ' \n' | fold -w32 |
  awk '{printf "mqb-%05d %s\n", NR - 1, $1}' >"$devices"
[ "$(wc -l <"$devices")" -eq "$clients" ] || die "could not make $clients device secrets"
responder_secret=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')

# ---- custos
token="cst_bench-admin-secret-0123456789abcdef"
data=$work/custos-data
start_custos() {
  : >"$work/custos.out"
  CUSTOS_ADMIN_TOKEN=$token "$build/custos" serve --data-dir "$data" \
    --http-listen 127.0.0.1:0 --mqtt-listen 127.0.0.1:0 --mqtt-max-connect-rate 0 \
    --mqtt-io-threads "$io_threads" --coap-listen off --coaps-listen off --log-level warn \
    >"$work/custos.out" 2>"$work/custos.err" &
  broker_pid=$!
  for _ in $(seq 1 600); do
    mqtt_address=$(sed -n 's|^custos: mqtt listening on mqtt://||p' "$work/custos.out")
    url=$(sed -n 's|^custos: http listening on ||p' "$work/custos.out")
    [ -n "$mqtt_address" ] && [ -n "$url" ] && return 0
    kill -0 "$broker_pid" 2>/dev/null || break
    sleep 0.1
  done
  die "custos did not start: $(tail -5 "$work/custos.err")"
}

# Imports the devices and gives each its password credential (identity = name) through the
# REST API: one CSV import, then one POST per device over a few keep-alive connections.
provision_custos() {
  local api=$url/api/v1 auth="Authorization: Bearer $token"
  { echo "name,protocol"; awk '{print $1 ",mqtt"}' "$devices"; } >"$work/devices.csv"
  curl -sS --fail -H "$auth" -H "Content-Type: text/csv" --data-binary @"$work/devices.csv" \
    "$api/devices/import" >"$work/import.json" || die "device import failed"
  grep -q "\"accepted\":${clients}[,}]" "$work/import.json" ||
    die "device import: $(head -c 300 "$work/import.json")"
  # name -> id, a page of 1000 at a time
  : >"$work/ids.txt"
  local cursor="" page
  while :; do
    page=$(curl -sS --fail -H "$auth" "$api/devices?limit=1000&sort=id${cursor:+&cursor=$cursor}") ||
      die "listing devices failed"
    grep -o '"id":[0-9]*,"name":"[^"]*"' <<<"$page" |
      sed 's/"id":\([0-9]*\),"name":"\([^"]*\)"/\2 \1/' >>"$work/ids.txt"
    cursor=$(sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p' <<<"$page")
    [ -n "$cursor" ] || break
  done
  [ "$(wc -l <"$work/ids.txt")" -eq "$clients" ] ||
    die "listed $(wc -l <"$work/ids.txt") devices, expected $clients"
  join <(sort "$devices") <(sort "$work/ids.txt") |
    awk -v api="$api" -v auth="$auth" -v parts=4 '{
      f = sprintf("'"$work"'/credentials.%d.cfg", NR % parts);
      if (seen[f]++) print "next" >f;
      printf "url = \"%s/devices/%s/credentials\"\nheader = \"%s\"\nheader = \"Content-Type: application/json\"\ndata = \"{\\\"kind\\\": \\\"password\\\", \\\"identity\\\": \\\"%s\\\", \\\"secret\\\": \\\"%s\\\"}\"\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code}\\\\n\"\n", api, $3, auth, $1, $2 >f
    }'
  local pids=() p
  for p in "$work"/credentials.*.cfg; do
    curl -sS -K "$p" >"$p.codes" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || die "adding credentials failed"; done
  local created
  created=$(cat "$work"/credentials.*.cfg.codes | grep -c '^201$' || true)
  [ "$created" -eq "$clients" ] || die "credentials: $created of $clients created"
}

# ---- mosquitto
start_mosquitto() {
  local port
  port=$(free_tcp_port) || die "no free TCP port for mosquitto"
  cat >"$work/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous false
password_file $work/mosquitto.passwd
acl_file $work/mosquitto.acl
persistence false
set_tcp_nodelay true
log_dest stderr
log_type error
log_type warning
CONF
  # Started as root, mosquitto would switch to its own user, who cannot read our files.
  [ "$(id -u)" != 0 ] || echo "user root" >>"$work/mosquitto.conf"
  "$mosquitto" -c "$work/mosquitto.conf" >"$work/mosquitto.out" 2>"$work/mosquitto.err" &
  broker_pid=$!
  mqtt_address=127.0.0.1:$port
  for _ in $(seq 1 100); do
    [ -n "$(ss -Hltn "sport = :$port")" ] && return 0
    kill -0 "$broker_pid" 2>/dev/null || break
    sleep 0.1
  done
  die "mosquitto did not start: $(tail -5 "$work/mosquitto.err")"
}
provision_mosquitto() {
  { awk '{print $1 ":" $2}' "$devices"; echo "responder:$responder_secret"; } \
    >"$work/mosquitto.passwd"
  mosquitto_passwd -U "$work/mosquitto.passwd" || die "mosquitto_passwd -U failed"
  chmod 600 "$work/mosquitto.passwd"
  printf 'user responder\ntopic readwrite devices/#\n\npattern readwrite devices/%%u/#\n' \
    >"$work/mosquitto.acl"
}

run_load() {  # label, extra arguments...
  local label=$1 out
  shift
  echo "  $label: $clients devices at $mqtt_address" >&2
  out=$("$load" --server "$mqtt_address" --devices "$devices" --label "$label" \
    --connections "$clients" --connect-window "$window" --publishers "$publishers" \
    --messages "$messages" --inflight "$inflight" --payload 64 --rtt-clients "$rtt_clients" \
    --rtt-requests "$rtt_requests" --warm-up "$warm_up" --broker-pid "$broker_pid" "$@") || {
    echo "$out" >&2
    die "the $label run failed: $(sed -n 's/.*"error": "\(.*\)"}$/\1/p' <<<"$out")"
  }
  echo "$out"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
runs=()
for round in $(seq 1 "$rounds"); do
  echo "== round $round of $rounds" >&2
  start_custos
  if [ "$round" -eq 1 ]; then
    # Provisioning reads every device through the REST API, which fills the store's page
    # caches; a fresh process measures what a restarted server pays under a reconnect storm
    # ("cold": the connect storm's own credential and device reads fill those caches), the
    # same in every round.
    provision_custos
    stop_broker
    start_custos
  fi
  runs+=("$(run_load custos)")
  stop_broker
  [ "$round" -gt 1 ] || provision_mosquitto
  start_mosquitto
  runs+=("$(run_load mosquitto --responder "responder:$responder_secret")")
  stop_broker
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

field() { sed -n "s/.*\"$2\": \([^,}]*\).*/\1/p" <<<"$1"; }
# shellcheck source=bench/stats_common.sh
source bench/stats_common.sh
values() {  # broker, field: the field of every round's run of that broker, in round order
  local r
  for r in "${runs[@]}"; do
    if [ "$(field "$r" broker)" = "\"$1\"" ]; then printf '%s\n' "$(field "$r" "$2")"; fi
  done
}
figures=(
  "connects_per_s|connects/s ($clients devices, window $window)|1|0"
  "connack_p50_us|CONNACK p50 ms|1000|2"
  "connack_p99_us|CONNACK p99 ms|1000|2"
  "rss_per_connection_bytes|RSS per idle connection, bytes|1|0"
  "acks_per_s|QoS 1 messages/s ($publishers x $messages x 64 B, inflight $inflight)|1|0"
  "puback_p50_us|PUBACK p50 ms|1000|2"
  "puback_p99_us|PUBACK p99 ms|1000|2"
  "rtt_p50_us|request round trip p50 ms ($rtt_clients x $rtt_requests)|1000|2"
  "rtt_p99_us|request round trip p99 ms|1000|2"
)
# Each figure: the median over the rounds (lowest–highest); the ratio is custos / mosquitto
# within each round, then their median (spread).
printf '\n%-58s %26s %26s %18s\n' figure Custos mosquitto ratio
medians_json=""
declare -A ratio_of ratio_cell custos_of
for f in "${figures[@]}"; do
  IFS='|' read -r key name scale decimals <<<"$f"
  mapfile -t c < <(values custos "$key")
  mapfile -t m < <(values mosquitto "$key")
  mapfile -t r < <(stats_round_ratios "$rounds" "${c[@]}" "${m[@]}")
  printf '%-58s %26s %26s %18s\n' "$name" "$(stats_cell "$decimals" "$scale" "${c[@]}")" \
    "$(stats_cell "$decimals" "$scale" "${m[@]}")" "$(stats_cell 2 1 "${r[@]}")"
  ratio_of[$key]=$(stats_median "${r[@]}")
  ratio_cell[$key]=$(stats_cell 2 1 "${r[@]}")
  custos_of[$key]=$(stats_median "${c[@]}")
  medians_json+="\"$key\": {\"custos\": $(stats_median_json "${c[@]}"), \"mosquitto\": $(stats_median_json "${m[@]}"), \"ratio\": ${ratio_of[$key]:-null},"
  medians_json+=" \"spread\": {\"custos\": $(stats_json "${c[@]}"), \"mosquitto\": $(stats_json "${m[@]}"), \"ratio\": $(stats_json "${r[@]}")}},"
done
connect_ratio=${ratio_of[connects_per_s]:-null}
publish_ratio=${ratio_of[acks_per_s]:-null}
echo
echo "load average before / after: $load_before / $load_after on $(nproc) CPUs; $rounds round(s)"
echo "targets: connects/s custos / mosquitto = ${ratio_cell[connects_per_s]} (>= 1.5);"
echo "         QoS 1 messages/s custos / mosquitto = ${ratio_cell[acks_per_s]} (>= 1.5);"
echo "         custos RSS per idle connection = ${custos_of[rss_per_connection_bytes]} B (<= 2048)"
echo "open files: $clients connections per process, under the machine's hard limit of 20,000"

mkdir -p "$results"
cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
runs_json=$(printf '%s,' "${runs[@]}")
cat >"$results"/mqtt.json <<JSON
{"date": "$(date -u +%FT%TZ)", "machine": {"cpus": $(nproc), "cpu": "$cpu", "kernel": "$(uname -r)",
             "load_average_before": "$load_before", "load_average_after": "$load_after",
             "open_file_limit": $(ulimit -Hn)},
 "clients": $clients, "connect_window": $window, "warm_up": $warm_up, "publishers": $publishers, "messages": $messages,
 "inflight": $inflight, "payload_bytes": 64, "rtt_clients": $rtt_clients, "rtt_requests": $rtt_requests,
 "rounds": $rounds, "mosquitto": "$($mosquitto -h 2>/dev/null | sed -n 's/^mosquitto version //p')",
 "runs": [${runs_json%,}],
 "medians": {${medians_json%,}},
 "custos_vs_mosquitto_connects": $connect_ratio, "custos_vs_mosquitto_messages": $publish_ratio}
JSON
echo "written: $results/mqtt.json"
