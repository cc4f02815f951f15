#!/usr/bin/env bash
# The CoAP benchmark, one command: bench/coap.sh [ENDPOINT_COUNTS...]
#                                    (default 1000 10000 100000 1000000)
#
# For each count N, ROUNDS rounds of three servers in turn (custos, libcoap, echo, custos,
# libcoap, echo, ...), each run a fresh process, under the same load:
#   custos   our transport (custos_coap_bench_server, coap::Endpoint, 2 threads);
#   libcoap  Debian's coap-server-notls (4.3.1, one thread), up to LIBCOAP_MAX endpoints
#            and while its warm-up finishes within LIBCOAP_WARM_UP_S;
#   echo     a UDP echo (custos_udp_echo, 2 threads): the ceiling of this machine and of the
#            load generator.
# custos_coap_load simulates N CoAP endpoints (distinct source address and port each) in a
# closed loop of confirmable GETs with at most WINDOW in flight: a warm-up in which every
# endpoint completes one exchange, then DURATION seconds measured. It reads the server's
# VmRSS before and after the warm-up (RSS per peer = delta / N).
# Prints a table of each figure's median over the rounds with its spread (lowest–highest),
# and the two target ratios, each taken within a round, as their median (spread); writes
# every run, the medians and the ratios to RESULTS_DIR/coap-latest.json.
# Environment: ROUNDS (1), DURATION (10), WINDOW (256), SOCKETS (4), WARM_UP_S (120),
# LIBCOAP_MAX (100000), LIBCOAP_WARM_UP_S (60), RESULTS_DIR (bench/results), BUILD_DIR
# (build-bench), NO_BUILD (0; 1 uses the binaries already in BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
results=${RESULTS_DIR:-bench/results}
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1000 10000 100000 1000000)
rounds=${ROUNDS:-1}
duration=${DURATION:-10}
window=${WINDOW:-256}
sockets=${SOCKETS:-4}
warm_up_s=${WARM_UP_S:-120}
libcoap_max=${LIBCOAP_MAX:-100000}
libcoap_warm_up_s=${LIBCOAP_WARM_UP_S:-60}
build=${BUILD_DIR:-build-bench}

command -v coap-server-notls >/dev/null || { echo "coap-server-notls missing: apt-get install libcoap3-bin"; exit 1; }
bin=$build/bench/coap
if [ "${NO_BUILD:-0}" != 1 ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCUSTOS_BUILD_TESTS=OFF \
    -DCUSTOS_BUILD_BENCH=ON >/dev/null
  targets=(custos_coap_load custos_udp_echo)
  if cmake --build "$build" --target help | grep -q '^custos_coap_bench_server:'; then
    targets+=(custos_coap_bench_server)
  fi
  cmake --build "$build" --target "${targets[@]}" >/dev/null
fi
have_ours=0
[ ! -x "$bin/custos_coap_bench_server" ] || have_ours=1

work=$(mktemp -d /tmp/custos-coap-bench.XXXXXX)
# shellcheck source=bench/coap_common.sh
source bench/coap_common.sh

run_load() {  # name, endpoints, warm-up budget
  "$bin/custos_coap_load" --server "$address" --endpoints "$2" --sockets "$sockets" \
    --window "$window" --duration "$duration" --warm-up-timeout "$3" --drain 3 \
    --server-pid "$server_pid" --label "$1" || true
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
libcoap_gave_up=""
for n in "${counts[@]}"; do
  for round in $(seq 1 "$rounds"); do
    echo "== $n endpoints, round $round of $rounds" >&2
    if [ "$have_ours" = 1 ] && start_listening custos "$bin/custos_coap_bench_server" \
        --listen 127.0.0.1:0 --threads 2; then
      record custos "$n" "$round" "$(run_load custos "$n" "$warm_up_s")" "the load generator failed"
    else
      record custos "$n" "$round" "" "our transport (custos_coap_transport) is not built"
    fi
    stop_server
    if [ "$n" -gt "$libcoap_max" ]; then
      record libcoap "$n" "$round" "" "not run above $libcoap_max endpoints"
    elif [ -n "$libcoap_gave_up" ]; then
      record libcoap "$n" "$round" "" "not run: $libcoap_gave_up"
    elif start_libcoap; then
      out=$(run_load libcoap "$n" "$libcoap_warm_up_s")
      record libcoap "$n" "$round" "$out" "the load generator failed"
      if [ "$(field "$out" warm_up_complete)" != true ]; then
        libcoap_gave_up="warm-up did not finish at $n endpoints"
      fi
    else
      record libcoap "$n" "$round" "" "coap-server-notls did not start"
    fi
    stop_server
    if start_echo; then
      record echo "$n" "$round" "$(run_load echo "$n" "$warm_up_s")" "the load generator failed"
    else
      record echo "$n" "$round" "" "custos_udp_echo did not start"
    fi
    stop_server
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

print_table "req/s" 0 "${counts[@]}"
mapfile -t vs_libcoap < <(round_ratios custos 10000 libcoap 10000)
mapfile -t scale < <(round_ratios custos 1000000 custos 10000)
echo
echo "load average before / after: $load_before / $load_after on $(nproc) CPUs; $rounds round(s)"
echo "custos / libcoap at 10,000 endpoints: $(stats_cell 2 1 "${vs_libcoap[@]}") (target >= 3)"
echo "custos at 1,000,000 / at 10,000 endpoints: $(stats_cell 2 1 "${scale[@]}") (target >= 0.80: at most 20% slower)"

mkdir -p "$results"
cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
cat >"$results"/coap-latest.json <<JSON
{"date": "$(date -u +%FT%TZ)", "machine": {"cpus": $(nproc), "cpu": "$cpu", "kernel": "$(uname -r)",
             "load_average_before": "$load_before", "load_average_after": "$load_after"},
 "window": $window, "sockets": $sockets, "duration_s": $duration, "rounds": $rounds,
 "runs": [${runs_json%,}],
 "medians": $(medians_json "${counts[@]}"),
 "custos_vs_libcoap_at_10000": $(stats_median_json "${vs_libcoap[@]}"),
 "custos_1000000_vs_10000": $(stats_median_json "${scale[@]}"),
 "ratios_per_round": {"custos_vs_libcoap_at_10000": $(stats_json "${vs_libcoap[@]}"),
                      "custos_1000000_vs_10000": $(stats_json "${scale[@]}")}}
JSON
echo "written: $results/coap-latest.json"
