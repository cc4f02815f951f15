#!/usr/bin/env bash
# The LwM2M registration storm, one command: bench/lwm2m.sh [ENDPOINT_COUNTS...]
#                                              (default 10000 100000 1000000)
#
# For each count N, three servers in turn, each a fresh process, under the same load:
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
# Prints a table and the target ratios; writes bench/results/lwm2m-latest.json.
# Environment: WINDOW (256), SOCKETS (4), STORM_TIMEOUT_S (900), LIBCOAP_MAX (100000),
# BUILD_DIR (build-bench-lwm2m), NO_BUILD (0; 1 uses the binaries already in BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
results=${RESULTS_DIR:-bench/results}
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(10000 100000 1000000)
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

for knob in rmem_max wmem_max; do
  f=/proc/sys/net/core/$knob
  if [ -w "$f" ] && [ "$(cat "$f")" -lt 4194304 ]; then
    echo "raising net.core.$knob from $(cat "$f") to 4194304"
    echo 4194304 >"$f" || true
  fi
done

work=$(mktemp -d /tmp/custos-lwm2m-bench.XXXXXX)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
cleanup() { stop_server; rm -rf "$work"; }
trap cleanup EXIT

free_udp_port() {
  for p in $(shuf -i 20000-29999 -n 50); do
    if [ -z "$(ss -Htuan "sport = :$p")" ]; then
      echo "$p"
      return
    fi
  done
  return 1
}

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

start_echo() {
  : >"$work/echo.out"
  "$bin/custos_udp_echo" --listen 127.0.0.1:0 --threads 2 >"$work/echo.out" 2>"$work/echo.err" &
  server_pid=$!
  address=""
  for _ in $(seq 1 100); do
    address=$(sed -n 's/.*listening on \([0-9.]*:[0-9]*\)$/\1/p' "$work/echo.out")
    [ -n "$address" ] && return 0
    sleep 0.1
  done
  return 1
}

start_libcoap() {
  local port
  port=$(free_udp_port)
  coap-server-notls -A 127.0.0.1 -p "$port" -v 0 >"$work/libcoap.out" 2>&1 &
  server_pid=$!
  address="127.0.0.1:$port"
  for _ in $(seq 1 50); do
    coap-client-notls -B 1 -m get "coap://$address/" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "coap-server-notls did not answer on $address" >&2
  return 1
}

field() { sed -n "s/.*\"$2\": \([^,}]*\).*/\1/p" <<<"$1"; }
error_of() { sed -n 's/.*"error": "\(.*\)"}$/\1/p' <<<"$1"; }

run_storm() {  # name, endpoints
  "$bin/custos_coap_load" --register --server "$address" --endpoints "$2" --sockets "$sockets" \
    --window "$window" --warm-up-timeout "$storm_timeout_s" --drain 3 \
    --server-pid "$server_pid" --label "$1" || true
}

declare -A rate p50 p99 rss lost note persisted
runs_json=""
record() {  # name, endpoints, json line (or empty), reason when empty
  local key="$1/$2"
  if [ -n "$3" ] && [ "$(field "$3" warm_up_complete)" = true ]; then
    rate[$key]=$(field "$3" requests_per_s)
    p50[$key]=$(awk -v u="$(field "$3" p50_us)" 'BEGIN {printf "%.2f", u / 1000}')
    p99[$key]=$(awk -v u="$(field "$3" p99_us)" 'BEGIN {printf "%.2f", u / 1000}')
    rss[$key]=$(awk -v b="$(field "$3" rss_per_peer_bytes)" \
      'BEGIN {if (b ~ /^-?[0-9.]+$/) printf "%.0f", b; else print "-"}')
    lost[$key]="$(field "$3" retransmissions)/$(field "$3" lost)"
    runs_json+="${3%\}}, \"persisted\": \"${persisted[$key]:-}\"},"
  else
    local why=$4
    [ -n "$3" ] && why=$(error_of "$3")
    note[$key]=$why
    runs_json+="{\"server\": \"$1\", \"endpoints\": $2, \"n/a\": \"$why\"},"
  fi
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for n in "${counts[@]}"; do
  echo "== $n endpoints" >&2
  if start_custos; then
    out=$(run_storm custos "$n")
    stop_server  # SIGTERM: the counts below read a closed database
    persisted[custos/$n]="$(sqlite3 "$work/data/custos.db" \
      'SELECT (SELECT COUNT(*) FROM lwm2m_registrations) || " registrations, " || (SELECT COUNT(*) FROM devices) || " devices"' 2>&1)"
    record custos "$n" "$out" "the load generator failed"
  else
    record custos "$n" "" "custos did not start"
  fi
  stop_server
  if [ "$n" -gt "$libcoap_max" ]; then
    record libcoap "$n" "" "not run above $libcoap_max endpoints"
  elif start_libcoap; then
    record libcoap "$n" "$(run_storm libcoap "$n")" "the load generator failed"
  else
    record libcoap "$n" "" "coap-server-notls did not start"
  fi
  stop_server
  if start_echo; then
    record echo "$n" "$(run_storm echo "$n")" "the load generator failed"
  else
    record echo "$n" "" "custos_udp_echo did not start"
  fi
  stop_server
done

printf '\n%-10s %-8s %10s %9s %9s %12s %12s  %s\n' endpoints server "reg/s" "p50 ms" "p99 ms" \
  "RSS/device B" "retx/lost" "persisted"
for n in "${counts[@]}"; do
  for s in custos libcoap echo; do
    key="$s/$n"
    if [ -n "${rate[$key]:-}" ]; then
      printf '%-10s %-8s %10.0f %9s %9s %12s %12s  %s\n' "$n" "$s" "${rate[$key]}" \
        "${p50[$key]}" "${p99[$key]}" "${rss[$key]}" "${lost[$key]}" "${persisted[$key]:-}"
    else
      printf '%-10s %-8s %10s   (%s)\n' "$n" "$s" "n/a" "${note[$key]}"
    fi
  done
done

ratio() {
  if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; else echo null; fi
}
vs_libcoap=$(ratio "${rate[custos/10000]:-}" "${rate[libcoap/10000]:-}")
scale=$(ratio "${rate[custos/1000000]:-}" "${rate[custos/10000]:-}")
echo
echo "load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "custos / libcoap at 10,000 endpoints: $vs_libcoap (target >= 2)"
echo "custos at 1,000,000 / at 10,000 endpoints: $scale (target >= 0.80)"
echo "RSS per registered device at the largest N: ${rss[custos/${counts[-1]}]:-n/a} B (target <= 2048)"

mkdir -p "$results"
cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
cat >"$results"/lwm2m-latest.json <<JSON
{"date": "$(date -u +%FT%TZ)", "machine": {"cpus": $(nproc), "cpu": "$cpu", "kernel": "$(uname -r)",
             "load_average_before": "$load_before", "load_average_after": "$(cut -d' ' -f1-3 /proc/loadavg)"},
 "window": $window, "sockets": $sockets,
 "runs": [${runs_json%,}],
 "custos_vs_libcoap_at_10000": $vs_libcoap, "custos_1000000_vs_10000": $scale}
JSON
echo "written: $results/lwm2m-latest.json"
