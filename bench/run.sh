#!/usr/bin/env bash
# Custos benchmarks, one command: bench/run.sh [DEVICES]   (default 1,000,000)
#
# 1. import DEVICES devices from CSV through POST /api/v1/devices/import: rows/s, server
#    peak RSS, database size. Done once: it builds the database the other parts read, so it
#    has no rounds and no spread;
# 2. filter latency p50/p99 over those devices for three representative filters, through the
#    REST API (whole request: filter, SQL, JSON of 100 devices, HTTP), side by side with the
#    sqlite3 CLI running the equivalent SQL on the same database file: ROUNDS rounds,
#    interleaved (custos, sqlite3, custos, sqlite3, ... for each filter);
# 3. GET /api/v1/devices/{id} with random ids under wrk: requests/s and p99, ROUNDS times.
# Prints a table (figure, Custos, peer, ratio): each figure's median over the rounds with its
# spread (lowest–highest), the ratio taken within each round, then their median (spread).
# Writes the same, with every round's figures, as JSON to RESULTS_DIR/latest.json. Everything
# runs on this machine, on loopback.
# Environment: ROUNDS (1; bench/suite.sh passes 3), SAMPLES (200), WRK_SECONDS (10),
# RESULTS_DIR (bench/results), BUILD_DIR (build-bench), NO_BUILD (0; 1 uses the binaries
# already in BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
results=${RESULTS_DIR:-bench/results}
devices=${1:-1000000}
rounds=${ROUNDS:-1}
samples=${SAMPLES:-200}
wrk_seconds=${WRK_SECONDS:-10}
build=${BUILD_DIR:-build-bench}

if [ "${NO_BUILD:-0}" != 1 ]; then
  scripts/install-deps.sh --test >/dev/null
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCUSTOS_BUILD_TESTS=OFF \
    -DCUSTOS_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" --target custos custos_http_latency >/dev/null
fi

work=$(mktemp -d /tmp/custos-bench.XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

token="cst_bench-admin-secret-0123456789abcdef"
CUSTOS_ADMIN_TOKEN=$token "$build/custos" serve --data-dir "$work/data" \
  --http-listen 127.0.0.1:0 --log-level warn >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 600); do
  grep -q "http listening on" "$work/server.out" 2>/dev/null && break
  sleep 0.1
done
url=$(sed -n 's/^custos: http listening on //p' "$work/server.out")
[ -n "$url" ] || { echo "server did not start"; cat "$work/server.err"; exit 1; }
port=${url##*:}

# ---- 1. import
csv="$work/devices.csv"
awk -v n="$devices" 'BEGIN {
  print "name,protocol,manufacturer,model,serial,firmware_version,label.region,label.site";
  split("eu us apac latam", regions, " ");
  for (i = 0; i < n; i++) {
    printf "dev-%07d,%s,%s,TH-%d,SN%09d,%d.%d.%d,%s,site-%d\n", i, (i % 3 ? "lwm2m" : "mqtt"),
      (i % 5 ? "Acme" : "Globex"), i % 20, i, 1 + i % 3, i % 12, i % 7, regions[1 + i % 4],
      i % 500;
  }
}' >"$csv"
start=$(date +%s.%N)
curl -sS --fail -H "Authorization: Bearer $token" -H "Content-Type: text/csv" \
  --data-binary @"$csv" "$url/api/v1/devices/import" >"$work/import.json"
end=$(date +%s.%N)
import_s=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", b - a}')
accepted=$(grep -o '"accepted":[0-9]*' "$work/import.json" | cut -d: -f2)
import_rate=$(awk -v n="$accepted" -v s="$import_s" 'BEGIN {printf "%.0f", n / s}')
rss_kib=$(awk '/VmHWM/ {print $2}' /proc/$server_pid/status)
db_bytes=$(du -cb "$work/data"/custos.db* | tail -1 | cut -f1)

# ---- 2. filters: Custos REST vs the sqlite3 CLI on the same file
declare -a names filters sqls
names+=("model = TH-7 (indexed equality)")
filters+=('model = "TH-7"')
sqls+=("SELECT * FROM devices WHERE model = 'TH-7' ORDER BY id LIMIT 100;")
names+=("labels.region in (eu, apac)")
filters+=('labels.region in ("eu", "apac")')
sqls+=("SELECT d.* FROM devices d WHERE EXISTS (SELECT 1 FROM device_labels l WHERE l.device_id = d.id AND l.key = 'region' AND l.value IN ('eu', 'apac')) ORDER BY d.id LIMIT 100;")
names+=("name prefix dev-00123*")
filters+=('name ~ "dev-00123*"')
sqls+=("SELECT * FROM devices WHERE name >= 'dev-00123' AND name < 'dev-00124' ORDER BY id LIMIT 100;")

urlencode() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n' | sed 's/\(..\)/%\1/g'; }

percentile() {  # stdin: numbers; $1: fraction
  sort -g | awk -v p="$1" '{a[NR]=$1} END {i=int(p*(NR-1)+0.5)+1; print a[i]}'
}

# shellcheck source=bench/stats_common.sh
source bench/stats_common.sh
# Every round's figures, keyed FIGURE/FILTER/ROUND.
declare -A fig
for round in $(seq 1 "$rounds"); do
  echo "== filters, round $round of $rounds" >&2
  for i in "${!names[@]}"; do
    enc=$(urlencode "${filters[$i]}")
    custos=$("$build/bench/custos_http_latency" 127.0.0.1 "$port" \
      "/api/v1/devices?limit=100&filter=$enc" "$token" "$samples")
    fig[c50/$i/$round]=$(echo "$custos" | sed 's/.*"p50_ms": \([0-9.]*\).*/\1/')
    fig[c99/$i/$round]=$(echo "$custos" | sed 's/.*"p99_ms": \([0-9.]*\).*/\1/')
    # sqlite3: one process runs the query $samples times with .timer; its wall time has only
    # millisecond resolution, so the figure is the statement's CPU time (user + sys, in
    # microseconds), which for a query served from the page cache is its latency.
    { echo ".timer on"; echo ".output /dev/null"; for _ in $(seq "$samples"); do echo "${sqls[$i]}"; done; } |
      sqlite3 -readonly "$work/data/custos.db" 2>/dev/null |
      awk '/^Run Time:/ {printf "%.3f\n", ($6 + $8) * 1000}' >"$work/sqlite_$i.txt"
    fig[s50/$i/$round]=$(percentile 0.50 <"$work/sqlite_$i.txt")
    fig[s99/$i/$round]=$(percentile 0.99 <"$work/sqlite_$i.txt")
  done
done

# ---- 3. GET by id under wrk, ROUNDS times
for round in $(seq 1 "$rounds"); do
  echo "== GET by id, round $round of $rounds" >&2
  CUSTOS_TOKEN=$token MAX_ID=$accepted wrk -t2 -c64 -d"${wrk_seconds}s" --latency \
    -s bench/get_device.lua "$url" >"$work/wrk.txt"
  fig[rps/get/$round]=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
  # wrk prints the p99 with its unit (us, ms, s): in ms.
  fig[p99/get/$round]=$(awk '$1 == "99%" {v = $2 + 0; u = $2; sub(/^[0-9.]+/, "", u);
    printf "%.3f\n", u == "us" ? v / 1000 : (u == "s" ? v * 1000 : (u == "m" ? v * 60000 : v))}' "$work/wrk.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt")
  [ -z "$non2xx" ] || echo "warning: wrk saw $non2xx non-2xx answers in round $round"
done

series() {  # figure, filter: that figure of every round, one a line
  local r
  for r in $(seq 1 "$rounds"); do echo "${fig[$1/$2/$r]:-}"; done
}

printf '\n%-52s %22s %22s %18s\n' "figure" "Custos" "sqlite3 CLI" "ratio"
printf '%-52s %22.0f %22s %18s\n' "import rows/s ($accepted devices, once)" "$import_rate" "-" "-"
printf '%-52s %22s %22s %18s\n' "server peak RSS MiB (import)" "$((rss_kib / 1024))" "-" "-"
printf '%-52s %22s %22s %18s\n' "database MiB" "$((db_bytes / 1048576))" "-" "-"
json_filters=""
for i in "${!names[@]}"; do
  json_filters+="{\"filter\": \"${names[$i]}\""
  spread=""
  for q in 50 99; do
    mapfile -t c < <(series "c$q" "$i")
    mapfile -t s < <(series "s$q" "$i")
    mapfile -t r < <(stats_round_ratios "$rounds" "${c[@]}" "${s[@]}")
    printf '%-52s %22s %22s %18s\n' "filter p$q ms: ${names[$i]}" "$(stats_cell 3 1 "${c[@]}")" \
      "$(stats_cell 3 1 "${s[@]}")" "$(stats_cell 1 1 "${r[@]}")"
    json_filters+=", \"custos_p${q}_ms\": $(stats_median_json "${c[@]}")"
    json_filters+=", \"sqlite3_p${q}_ms\": $(stats_median_json "${s[@]}")"
    json_filters+=", \"ratio_p${q}\": $(stats_median_json "${r[@]}")"
    spread+=", \"custos_p${q}_ms\": $(stats_json "${c[@]}"), \"sqlite3_p${q}_ms\": $(stats_json "${s[@]}")"
    spread+=", \"ratio_p${q}\": $(stats_json "${r[@]}")"
  done
  json_filters+=", \"spread\": {${spread#, }}},"
done
mapfile -t rps < <(series rps get)
mapfile -t p99 < <(series p99 get)
printf '%-52s %22s %22s %18s\n' "GET /devices/{id} requests/s (wrk -t2 -c64)" "$(stats_cell 0 1 "${rps[@]}")" "-" "-"
printf '%-52s %22s %22s %18s\n' "GET /devices/{id} p99 ms" "$(stats_cell 2 1 "${p99[@]}")" "-" "-"
echo "$rounds round(s); load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"

mkdir -p "$results"
cat >"$results"/latest.json <<JSON
{"date": "$(date -u +%FT%TZ)", "devices": $accepted, "rounds": $rounds,
 "import": {"seconds": $import_s, "rows_per_s": $import_rate, "peak_rss_kib": $rss_kib, "db_bytes": $db_bytes},
 "filters": [${json_filters%,}],
 "get_by_id": {"requests_per_s": $(stats_median_json "${rps[@]}"), "p99_ms": $(stats_median_json "${p99[@]}"),
               "spread": {"requests_per_s": $(stats_json "${rps[@]}"), "p99_ms": $(stats_json "${p99[@]}")}}}
JSON
echo "written: $results/latest.json"
