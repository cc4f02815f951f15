# shellcheck shell=bash
# The statistics of repeated benchmark runs, shared by the bench/*.sh scripts (source it).
# This machine is shared and noisy, so every figure is measured in ROUNDS interleaved rounds
# and reported as its median with its spread (the lowest and the highest run); only ratios
# taken within one round mean anything, and their median is the headline.
# Every function takes the values as arguments; a value that is not a number (empty, "-",
# "null", "n/a") is a run without that figure and is left out.

# Prints "MEDIAN MIN MAX COUNT" of the numeric values, or nothing when there is none.
stats_summary() {
  printf '%s\n' "$@" | awk '$1 ~ /^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$/ {print $1}' |
    sort -g | awk '{a[NR] = $1} END {
      if (NR == 0) exit;
      m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2;
      printf "%.12g %s %s %d\n", m, a[1], a[NR], NR }'
}

# Prints the median of the numeric values, or nothing when there is none.
stats_median() {
  local m
  read -r m _ < <(stats_summary "$@") || true
  [ -z "${m:-}" ] || echo "$m"
}

# Prints the median of the numeric values, or null when there is none (for JSON).
stats_median_json() {
  local m
  m=$(stats_median "$@")
  echo "${m:-null}"
}

# Prints A / B with two decimals, or null when either is missing or B is zero.
stats_ratio() {
  awk -v a="${1:-}" -v b="${2:-}" 'BEGIN {
    n = "^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$";
    if (a ~ n && b ~ n && b + 0 != 0) printf "%.2f\n", a / b; else print "null" }'
}

# Prints, one a line, the ratio A_i / B_i of each round i (null where either is missing).
#   stats_round_ratios ROUNDS A_1..A_ROUNDS B_1..B_ROUNDS
stats_round_ratios() {
  local n=$1 i
  local -a a=("${@:2:n}") b=("${@:n+2:n}")
  for ((i = 0; i < n; i++)); do stats_ratio "${a[i]:-}" "${b[i]:-}"; done
}

# Prints {"median": M, "min": A, "max": B, "runs": [every value as given, non-numbers as
# null]}; median, min and max are null when no run has the figure.
stats_json() {
  local runs="" v
  for v in "$@"; do
    if [[ "$v" =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]]; then runs+="$v, "; else runs+="null, "; fi
  done
  local m="" lo="" hi=""
  read -r m lo hi _ < <(stats_summary "$@") || true
  printf '{"median": %s, "min": %s, "max": %s, "runs": [%s]}\n' \
    "${m:-null}" "${lo:-null}" "${hi:-null}" "${runs%, }"
}

# Prints the values' median divided by DIVISOR with DECIMALS decimals (thousands separated by
# commas), followed by the spread when there is more than one run: "41,200 (39,800–43,100)";
# "n/a" when no run has the figure.   stats_cell DECIMALS DIVISOR VALUES...
stats_cell() {
  local decimals=$1 divisor=$2
  shift 2
  stats_summary "$@" | awk -v d="$decimals" -v s="$divisor" '
    function fmt(x,   t, sign, int_part, frac, out) {
      t = sprintf("%." d "f", x / s);
      sign = ""; if (substr(t, 1, 1) == "-") { sign = "-"; t = substr(t, 2) }
      int_part = t; frac = "";
      if (index(t, ".")) { int_part = substr(t, 1, index(t, ".") - 1); frac = substr(t, index(t, ".")) }
      out = "";
      while (length(int_part) > 3) {
        out = "," substr(int_part, length(int_part) - 2) out;
        int_part = substr(int_part, 1, length(int_part) - 3);
      }
      return sign int_part out frac;
    }
    { if ($4 > 1) printf "%s (%s–%s)\n", fmt($1), fmt($2), fmt($3); else print fmt($1); found = 1 }
    END { if (!found) print "n/a" }'
}
