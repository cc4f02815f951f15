#!/usr/bin/env bash
# The CoAP benchmark, one command: bench/coap.sh [ENDPOINT_COUNTS...]
#                                    (default 1000 10000 100000 1000000)
#
# For each count N, three servers in turn, each on a fresh process, under the same load:
#   custos   our transport (custos_coap_bench_server, coap::Endpoint, 2 threads);
#   libcoap  Debian's coap-server-notls (4.3.1, one thread), up to LIBCOAP_MAX endpoints
#            and while its warm-up finishes within LIBCOAP_WARM_UP_S;
#   echo     a UDP echo (custos_udp_echo, 2 threads): the ceiling of this machine and of the
#            load generator.
# custos_coap_load simulates N CoAP endpoints (distinct source address and port each) in a
# closed loop of confirmable GETs with at most WINDOW in flight: a warm-up in which every
# endpoint completes one exchange, then DURATION seconds measured. It reads the server's
# VmRSS before and after the warm-up (RSS per peer = delta / N).
# Prints a table and the two target ratios; writes bench/results/coap-latest.json.
# Environment: DURATION (10), WINDOW (256), SOCKETS (4), WARM_UP_S (120), LIBCOAP_MAX
# (100000), LIBCOAP_WARM_UP_S (60), BUILD_DIR (build-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("$@")
[ ${#counts[@]} -gt 0 ] || counts=(1000 10000 100000 1000000)
duration=${DURATION:-10}
window=${WINDOW:-256}
sockets=${SOCKETS:-4}
warm_up_s=${WARM_UP_S:-120}
libcoap_max=${LIBCOAP_MAX:-100000}
libcoap_warm_up_s=${LIBCOAP_WARM_UP_S:-60}
build=${BUILD_DIR:-build-bench}

command -v coap-server-notls >/dev/null || { echo "coap-server-notls missing: apt-get install libcoap3-bin"; exit 1; }
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCUSTOS_BUILD_TESTS=OFF \
  -DCUSTOS_BUILD_BENCH=ON >/dev/null
targets=(custos_coap_load custos_udp_echo)
have_ours=0
if cmake --build "$build" --target help | grep -q '^custos_coap_bench_server:'; then
  targets+=(custos_coap_bench_server)
  have_ours=1
fi
cmake --build "$build" --target "${targets[@]}" >/dev/null
bin=$build/bench/coap

# Let the benchmark's sockets have the 4 MiB buffers they ask for. Only raises the caps
# (other programs keep their defaults), only when this process may write them.
for knob in rmem_max wmem_max; do
  f=/proc/sys/net/core/$knob
  if [ -w "$f" ] && [ "$(cat "$f")" -lt 4194304 ]; then
    echo "raising net.core.$knob from $(cat "$f") to 4194304"
    echo 4194304 >"$f" || true
  fi
done

work=$(mktemp -d /tmp/custos-coap-bench.XXXXXX)
server_pid=""
stop_server() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
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

# Starts a server that prints "listening on HOST:PORT"; sets server_pid and address.
start_listening() {  # name, command...
  local name=$1
  shift
  : >"$work/$name.out"  # exists before the server opens it, for the sed below
  "$@" >"$work/$name.out" 2>"$work/$name.err" &
  server_pid=$!
  address=""
  for _ in $(seq 1 100); do
    address=$(sed -n 's/.*listening on \([0-9.]*:[0-9]*\)$/\1/p' "$work/$name.out")
    [ -n "$address" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$name did not start: $(cat "$work/$name.err")" >&2
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

field() {  # json, key: a number or a boolean
  sed -n "s/.*\"$2\": \([^,}]*\).*/\1/p" <<<"$1"
}
error_of() { sed -n 's/.*"error": "\(.*\)"}$/\1/p' <<<"$1"; }

run_load() {  # name, endpoints, warm-up budget
  "$bin/custos_coap_load" --server "$address" --endpoints "$2" --sockets "$sockets" \
    --window "$window" --duration "$duration" --warm-up-timeout "$3" --drain 3 \
    --server-pid "$server_pid" --label "$1" || true
}

declare -A rate p50 p99 rss lost note
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
    runs_json+="$3,"
  else
    local why=$4
    [ -n "$3" ] && why=$(error_of "$3")
    note[$key]=$why
    runs_json+="{\"server\": \"$1\", \"endpoints\": $2, \"n/a\": \"$why\"},"
  fi
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
libcoap_gave_up=""
for n in "${counts[@]}"; do
  echo "== $n endpoints" >&2
  # custos
  if [ "$have_ours" = 1 ] && start_listening custos "$bin/custos_coap_bench_server" \
      --listen 127.0.0.1:0 --threads 2; then
    record custos "$n" "$(run_load custos "$n" "$warm_up_s")" "the load generator failed"
  else
    record custos "$n" "" "our transport (custos_coap_transport) is not built yet"
  fi
  stop_server
  # libcoap
  if [ "$n" -gt "$libcoap_max" ]; then
    record libcoap "$n" "" "not run above $libcoap_max endpoints"
  elif [ -n "$libcoap_gave_up" ]; then
    record libcoap "$n" "" "not run: $libcoap_gave_up"
  elif start_libcoap; then
    out=$(run_load libcoap "$n" "$libcoap_warm_up_s")
    record libcoap "$n" "$out" "the load generator failed"
    if [ "$(field "$out" warm_up_complete)" != true ]; then
      libcoap_gave_up="warm-up did not finish at $n endpoints"
    fi
  else
    record libcoap "$n" "" "coap-server-notls did not start"
  fi
  stop_server
  # echo
  if start_listening echo "$bin/custos_udp_echo" --listen 127.0.0.1:0 --threads 2; then
    record echo "$n" "$(run_load echo "$n" "$warm_up_s")" "the load generator failed"
  else
    record echo "$n" "" "custos_udp_echo did not start"
  fi
  stop_server
done

printf '\n%-10s %-8s %10s %9s %9s %10s %12s\n' endpoints server "req/s" "p50 ms" "p99 ms" \
  "RSS/peer B" "retx/lost"
for n in "${counts[@]}"; do
  for s in custos libcoap echo; do
    key="$s/$n"
    if [ -n "${rate[$key]:-}" ]; then
      printf '%-10s %-8s %10.0f %9s %9s %10s %12s\n' "$n" "$s" "${rate[$key]}" \
        "${p50[$key]}" "${p99[$key]}" "${rss[$key]}" "${lost[$key]}"
    else
      printf '%-10s %-8s %10s   (%s)\n' "$n" "$s" "n/a" "${note[$key]}"
    fi
  done
done

ratio() {  # a, b -> a / b with two decimals, or null
  if [ -n "$1" ] && [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; else echo null; fi
}
vs_libcoap=$(ratio "${rate[custos/10000]:-}" "${rate[libcoap/10000]:-}")
scale=$(ratio "${rate[custos/1000000]:-}" "${rate[custos/10000]:-}")
echo
echo "load average before / after: $load_before / $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
echo "custos / libcoap at 10,000 endpoints: $vs_libcoap (target >= 3)"
echo "custos at 1,000,000 / at 10,000 endpoints: $scale (target >= 0.80: at most 20% slower)"

mkdir -p bench/results
cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)
cat >bench/results/coap-latest.json <<JSON
{"date": "$(date -u +%FT%TZ)", "machine": {"cpus": $(nproc), "cpu": "$cpu", "kernel": "$(uname -r)",
             "load_average_before": "$load_before", "load_average_after": "$(cut -d' ' -f1-3 /proc/loadavg)"},
 "window": $window, "sockets": $sockets, "duration_s": $duration,
 "runs": [${runs_json%,}],
 "custos_vs_libcoap_at_10000": $vs_libcoap, "custos_1000000_vs_10000": $scale}
JSON
echo "written: bench/results/coap-latest.json"
