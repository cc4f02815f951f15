#!/usr/bin/env bash
# The LwM2M registration storm, one command: bench/lwm2m.sh [ENDPOINT_COUNTS...]
#                                              (default 10000 100000 1000000)
#
# For each count N, ROUNDS rounds of three servers in turn (custos, libcoap, echo, custos,
# libcoap, echo, ...), each run a fresh process, under the same load:
#   custos   the real `custos serve` (Release), plain CoAP with auto-provisioning, on a fresh
#            data directory: each Register creates its device (batched) and is persisted
#            (store migration 5) before its 2.01 goes out;
#   libcoap  Debian's coap-server-notls (one thread) answering the same confirmable POSTs
#            (with 4.04: it has no /rd), up to LIBCOAP_MAX endpoints;
#   echo     a UDP echo (custos_udp_echo, 2 threads): the ceiling of this machine and of the
#            load generator.
# custos_coap_load --register simulates N endpoints (distinct source address and port each),
# each sending ONE Register (POST /rd?ep=bench-XXXXXXXX&lt=86400&b=U, payload
# </1>,</3/0>,</4/0>) with at most WINDOW in flight; the rate is N / the time until the last
# one was answered; latency covers every Register. RSS per device = (VmRSS after the storm -
# VmRSS before) / N. For custos it then counts the rows of lwm2m_registrations and devices in
# the database (every registration persisted).
# Prints a table of each figure's median over the rounds with its spread (lowest–highest),
# and the target ratios, each taken within a round, as their median (spread); writes every
# run, the medians and the ratios to RESULTS_DIR/lwm2m-latest.json.
# Environment: ROUNDS (1; bench/suite.sh passes 3), WINDOW (256), SOCKETS (4), STORM_TIMEOUT_S
# (900), LIBCOAP_MAX (100000), RESULTS_DIR (bench/results), BUILD_DIR (build-bench-lwm2m), NO_BUILD (0; 1 uses the binaries already in BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
results=${RESULTS_DIR:-bench/results}
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(10000 100000 1000000)
rounds=${ROUNDS:-1}
window=${WINDOW:-256}
sockets=${SOCKETS:-4}
storm_timeout_s=${STORM_TIMEOUT_S:-900}
libcoap_max=${LIBCOAP_MAX:-100000}
build=${BUILD_DIR:-build-bench-lwm2m}

command -v coap-server-notls >/dev/null || { echo "coap-server-notls missing: apt-get install libcoap3-bin"; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 missing: apt-get install sqlite3"; exit 1; }
if [ "${NO_BUILD:-0}" != 1 ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCUSTOS_BUILD_TESTS=OFF \
    -DCUSTOS_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" --target custos custos_coap_load custos_udp_echo >/dev/null
fi
bin=$build/bench/coap
custos=$build/src/app/custos
[ -x "$custos" ] || custos=$(find "$build" -name custos -type f -perm -u+x | head -1)

work=$(mktemp -d /tmp/custos-lwm2m-bench.XXXXXX)
# shellcheck source=bench/coap_common.sh
source bench/coap_common.sh

# Starts custos on a fresh data directory; sets server_pid and address.
start_custos() {
  rm -rf "$work/data"
  mkdir -p "$work/data"
  : >"$work/custos.out"
  CUSTOS_ADMIN_TOKEN=cst_bench-admin-secret-0123456789 "$custos" serve --data-dir "$work/data" \
    --log-level warn --http-listen 127.0.0.1:0 --coap-listen 127.0.0.1:0 \
    --coaps-listen 127.0.0.1:0 --mqtt-listen 127.0.0.1:0 \
    >"$work/custos.out" 2>"$work/custos.err" &
  server_pid=$!
  address=""
  for _ in $(seq 1 300); do
    address=$(sed -n 's|^custos: coap listening on coap://\([0-9.]*:[0-9]*\)$|\1|p' "$work/custos.out")
    [ -n "$address" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "custos did not start: $(cat "$work/custos.err")" >&2
  return 1
}

run_storm() {  # name, endpoints
  "$bin/custos_coap_load" --register --server "$address" --endpoints "$2" --sockets "$sockets" \
    --window "$window" --warm-up-timeout "$storm_timeout_s" --drain 3 \
    --server-pid "$server_pid" --label "$1" || true
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for n in "${counts[@]}"; do
  for round in $(seq 1 "$rounds"); do
    echo "== $n endpoints, round $round of $rounds" >&2
    if start_custos; then
      out=$(run_storm custos "$n")
      stop_server  # SIGTERM: the counts below read a closed database
      persisted[custos/$n/$round]="$(sqlite3 "$work/data/custos.db" \
        'SELECT (SELECT COUNT(*) FROM lwm2m_registrations) || " registrations, " || (SELECT COUNT(*) FROM devices) || " devices"' 2>&1)"
      record custos "$n" "$round" "$out" "the load generator failed"
    else
      record custos "$n" "$round" "" "custos did not start"
    fi
    stop_server
    if [ "$n" -gt "$libcoap_max" ]; then
      record libcoap "$n" "$round" "" "not run above $libcoap_max endpoints"
    elif start_libcoap; then
      record libcoap "$n" "$round" "$(run_storm libcoap "$n")" "the load generator failed"
    else
      record libcoap "$n" "$round" "" "coap-server-notls did not start"
    fi
    stop_server
    if start_echo; then
      record echo "$n" "$round" "$(run_storm echo "$n")" "the load generator failed"
    else
      record echo "$n" "$round" "" "custos_udp_echo did not start"
    fi
    stop_server
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

print_table "reg/s" 1 "${counts[@]}"
mapfile -t vs_libcoap < <(round_ratios custos 10000 libcoap 10000)
mapfile -t scale < <(round_ratios custos 1000000 custos 10000)
largest=${counts[-1]}
echo
echo "load average before / after: $load_before / $load_after on $(nproc) CPUs; $rounds round(s)"
echo "custos / libcoap at 10,000 endpoints: $(stats_cell 2 1 "${vs_libcoap[@]}") (target >= 2)"
echo "custos at 1,000,000 / at 10,000 endpoints: $(stats_cell 2 1 "${scale[@]}") (target >= 0.80)"
echo "RSS per registered device at the largest N: $(cell 0 1 custos "$largest" rss_per_peer_bytes) B (target <= 2048)"

mkdir -p "$results"
cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
cat >"$results"/lwm2m-latest.json <<JSON
{"date": "$(date -u +%FT%TZ)", "machine": {"cpus": $(nproc), "cpu": "$cpu", "kernel": "$(uname -r)",
             "load_average_before": "$load_before", "load_average_after": "$load_after"},
 "window": $window, "sockets": $sockets, "rounds": $rounds,
 "runs": [${runs_json%,}],
 "medians": $(medians_json "${counts[@]}"),
 "custos_vs_libcoap_at_10000": $(stats_median_json "${vs_libcoap[@]}"),
 "custos_1000000_vs_10000": $(stats_median_json "${scale[@]}"),
 "ratios_per_round": {"custos_vs_libcoap_at_10000": $(stats_json "${vs_libcoap[@]}"),
                      "custos_1000000_vs_10000": $(stats_json "${scale[@]}")}}
JSON
echo "written: $results/lwm2m-latest.json"
