# Shared by the benchmarks that run custos-sim against custos serve (campaign.sh, scale.sh):
# source it after setting `build`. It builds custos and custos-sim in Release unless
# NO_BUILD=1, sets `custos` and `sim` to the two binaries, and defines stop PID (SIGTERM, then
# SIGKILL after 30 s).
if [ "${NO_BUILD:-0}" != 1 ]; then
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCUSTOS_BUILD_TESTS=OFF \
    -DCUSTOS_BUILD_BENCH=ON >/dev/null
  cmake --build "$build" --target custos custos-sim >/dev/null
fi
custos=$(find "$build" -maxdepth 3 -name custos -type f -perm -u+x | head -1)
sim=$(find "$build" -maxdepth 3 -name custos-sim -type f -perm -u+x | head -1)
[ -x "$custos" ] && [ -x "$sim" ] || { echo "custos or custos-sim not built in $build"; exit 1; }

stop() {  # pid
  [ -n "$1" ] || return 0
  kill "$1" 2>/dev/null || true
  for _ in $(seq 1 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}
