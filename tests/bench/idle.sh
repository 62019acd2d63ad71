#!/usr/bin/env bash
# Cost while idle: the dashboard over the demo data in tmux, no changes for SECONDS (default
# 60); prints the CPU it used as % of one core (target < 1%). Usage: tests/bench/idle.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
cargo build --release --quiet
bin=$PWD/target/release/skilltop
home=$(mktemp -d)
cp -r fixtures/demo/. "$home/"
sock=skilltop-idle-$$
trap 'tmux -L $sock kill-server 2>/dev/null || true; rm -rf "$home"' EXIT
tmux -L "$sock" -f /dev/null new-session -d -x 200 -y 60 \
    "env NO_COLOR=1 '$bin' --claude-dir '$home' --all-projects --no-prometheus --now 2026-11-24T12:00:00Z"
for _ in $(seq 100); do
    tmux -L "$sock" capture-pane -p | grep -q "1 Skills" && break
    sleep 0.1
done
pid=$(pgrep -f -n "$bin --claude-dir $home") || { echo "idle.sh: skilltop is not running"; exit 1; }
sleep 2 # let the first scan and frame settle
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks); s0=$(date +%s.%N)
sleep "$secs"
kill -0 "$pid" 2>/dev/null || { echo "idle.sh: skilltop exited during the measurement"; exit 1; }
t1=$(ticks); s1=$(date +%s.%N)
rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
awk -v t="$((t1 - t0))" -v hz="$hz" -v a="$s0" -v b="$s1" -v rss="$rss" 'BEGIN {
    cpu = t / hz; wall = b - a;
    printf "idle %.0f s: %.3f s CPU = %.3f%% of one core; RSS %.1f MB\n", wall, cpu, 100 * cpu / wall, rss / 1024 }'
