#!/usr/bin/env bash
# Installs whatever is missing, then builds the page and serves it at http://127.0.0.1:8080
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
echo "[serve] building (release); the page will be at http://127.0.0.1:8080"
exec trunk serve --release --address 127.0.0.1 --port 8080 --no-autoreload
