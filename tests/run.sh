#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what the tests need (Debian's prometheus
# for the real-server tests, tmux for the end-to-end tests), then format, lint, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
{ command -v prometheus && command -v promtool; } >/dev/null || need+=(prometheus)
command -v tmux >/dev/null || need+=(tmux)
if [ ${#need[@]} -gt 0 ]; then
    echo "tests/run.sh: installing ${need[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    # The package starts a system Prometheus on :9090; the tests run their own.
    $SUDO systemctl stop prometheus prometheus-node-exporter 2>/dev/null || true
fi

cargo fmt --check
cargo clippy --all-targets --locked -- -D warnings
cargo test --locked
