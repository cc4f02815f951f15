# shellcheck shell=bash disable=SC2154  # work, bin and rounds are the caller's
# Shared by the benchmarks that drive custos_coap_load against three servers (coap.sh,
# lwm2m.sh): source it from the repository root after setting `work` (a scratch directory)
# and `bin` (the directory of custos_coap_load and custos_udp_echo). It raises the socket
# buffer caps, starts and stops the servers (and removes `work` on exit), keeps every run's
# figures per server, endpoint count and round, and prints and writes them as medians with
# their spread (bench/stats_common.sh).
# shellcheck source=bench/stats_common.sh
source bench/stats_common.sh

# Let the benchmark's sockets have the 4 MiB buffers they ask for. Only raises the caps
# (other programs keep their defaults), only when this process may write them.
for knob in rmem_max wmem_max; do
  f=/proc/sys/net/core/$knob
  if [ -w "$f" ] && [ "$(cat "$f")" -lt 4194304 ]; then
    echo "raising net.core.$knob from $(cat "$f") to 4194304"
    echo 4194304 >"$f" || true
  fi
done

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

cleanup() { stop_server; rm -rf "$work"; }
trap cleanup EXIT

start_echo() { start_listening echo "$bin/custos_udp_echo" --listen 127.0.0.1:0 --threads 2; }

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

field() { sed -n "s/.*\"$2\": \([^,}]*\).*/\1/p" <<<"$1"; }  # json, key: a number or a boolean
error_of() { sed -n 's/.*"error": "\(.*\)"}$/\1/p' <<<"$1"; }

# Every run, keyed SERVER/N/ROUND: its load generator line (runs_json gets it, with its round
# and `persisted[KEY]` when set) or, when it has no figures, the reason (note[KEY]).
declare -A run_line note persisted
runs_json=""
record() {  # name, endpoints, round, json line (or empty), reason when empty
  local key="$1/$2/$3"
  if [ -n "$4" ] && [ "$(field "$4" warm_up_complete)" = true ]; then
    run_line[$key]=$4
    local extra=""
    [ -z "${persisted[$key]+set}" ] || extra=", \"persisted\": \"${persisted[$key]}\""
    runs_json+="${4%\}}, \"round\": $3$extra},"
  else
    local why=$5
    [ -n "$4" ] && why=$(error_of "$4")
    note[$key]=$why
    runs_json+="{\"server\": \"$1\", \"endpoints\": $2, \"round\": $3, \"n/a\": \"$why\"},"
  fi
}

# Prints one figure of SERVER at N for every round (empty for a run without figures).
values() {  # server, endpoints, key
  local r
  for r in $(seq 1 "$rounds"); do printf '%s\n' "$(field "${run_line[$1/$2/$r]:-}" "$3")"; done
}
cell() {  # decimals, divisor, server, endpoints, key: the figure's median (spread)
  local -a v
  mapfile -t v < <(values "$3" "$4" "$5")
  stats_cell "$1" "$2" "${v[@]}"
}
median_of() {  # server, endpoints, key
  local -a v
  mapfile -t v < <(values "$1" "$2" "$3")
  stats_median "${v[@]}"
}

# Prints the table: one row per N and server, each figure's median (spread); PERSISTED adds
# the persisted[] column (every custos run's, when they differ).
print_table() {  # rate header, with persisted column (0/1), counts...
  local header=$1 with_persisted=$2 n s r
  shift 2
  printf '\n%-10s %-8s %24s %22s %26s %24s %12s' endpoints server "$header" "p50 ms" "p99 ms" \
    "RSS/device B" "retx/lost"
  if [ "$with_persisted" = 1 ]; then printf '  %s\n' persisted; else echo; fi
  for n in "$@"; do
    for s in custos libcoap echo; do
      if [ -z "$(median_of "$s" "$n" requests_per_s)" ]; then
        printf '%-10s %-8s %24s   (%s)\n' "$n" "$s" "n/a" "${note[$s/$n/1]:-no run}"
        continue
      fi
      printf '%-10s %-8s %24s %22s %26s %24s %12s' "$n" "$s" "$(cell 0 1 "$s" "$n" requests_per_s)" \
        "$(cell 2 1000 "$s" "$n" p50_us)" "$(cell 2 1000 "$s" "$n" p99_us)" \
        "$(cell 0 1 "$s" "$n" rss_per_peer_bytes)" \
        "$(median_of "$s" "$n" retransmissions)/$(median_of "$s" "$n" lost)"
      if [ "$with_persisted" = 1 ]; then
        printf '  %s\n' "$(for r in $(seq 1 "$rounds"); do echo "${persisted[$s/$n/$r]:-}"; done |
          sed '/^$/d' | sort -u | paste -sd';' | sed 's/;/; /g')"
      else
        echo
      fi
    done
  done
}

# Prints, one a line, the ratio of custos's rate at N1 (server S1) to S2's at N2 in each round.
round_ratios() {  # server1, endpoints1, server2, endpoints2
  local r
  for r in $(seq 1 "$rounds"); do
    stats_ratio "$(field "${run_line[$1/$2/$r]:-}" requests_per_s)" \
      "$(field "${run_line[$3/$4/$r]:-}" requests_per_s)"
  done
}

# Prints the JSON array of every server and N's figures as {median, min, max, runs}.
medians_json() {  # counts...
  local n s k out="" figures
  local -a v
  for n in "$@"; do
    for s in custos libcoap echo; do
      figures=""
      for k in requests_per_s p50_us p99_us rss_per_peer_bytes retransmissions lost; do
        mapfile -t v < <(values "$s" "$n" "$k")
        figures+=", \"$k\": $(stats_json "${v[@]}")"
      done
      out+="{\"server\": \"$s\", \"endpoints\": $n$figures},"
    done
  done
  echo "[${out%,}]"
}
