#!/usr/bin/env bash
# Installs what Custos needs (Debian 12 packages), builds a Release binary (and the LwM2M
# client custos-lwm2m-client for trying the server out) and runs
# `custos serve` on its embedded default: a SQLite store under ./data, HTTP on 127.0.0.1:8080.
# Extra arguments go to `custos serve` (e.g. --http-listen 127.0.0.1:0).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCUSTOS_BUILD_TESTS=OFF -DCUSTOS_BUILD_BENCH=OFF >/dev/null
cmake --build build --target custos custos-lwm2m-client
exec ./build/custos serve --config custos.toml "$@"
