#!/usr/bin/env bash
# One-shot speed over a generated corpus, warm page cache, against the fastest peer and the
# disk: skilltop --format json, ccusage 20 (Rust binary from npm) and `cat FILES | wc -l`.
# Usage: tests/bench/compare.sh [MEGABYTES (default 1024)] [RUNS (default 3)]
# Needs npm for ccusage (installed into a temp prefix); prints best-of-RUNS wall time,
# throughput and peak RSS of each.
set -euo pipefail
cd "$(dirname "$0")/../.."
mb=${1:-1024}
runs=${2:-3}
corpus=${SKILLTOP_CORPUS:-/tmp/skilltop-corpus-$mb}

cargo build --release --quiet
if [ ! -d "$corpus/projects" ]; then
    cargo bench --quiet --bench corpus -- "$corpus" "$mb"
fi
ccu=${CCUSAGE_PREFIX:-/tmp/skilltop-ccusage}
if [ ! -x "$ccu/node_modules/.bin/ccusage" ]; then
    npm install --silent --no-audit --no-fund --prefix "$ccu" \
        ccusage@20.0.24 @ccusage/ccusage-linux-x64@20.0.24 >/dev/null
fi

bytes=$(find "$corpus/projects" -name '*.jsonl' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
find "$corpus/projects" -name '*.jsonl' -print0 | xargs -0 cat > /dev/null # warm the cache

# Best-of-N wall time and the peak RSS of the child, measured by Python's rusage.
measure() {
    local name=$1; shift
    python3 - "$name" "$runs" "$bytes" "$@" <<'PY'
import resource, subprocess, sys, time
name, runs, size, cmd = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
best, peak = float("inf"), 0
for _ in range(runs):
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        sys.exit(f"{name} failed with exit code {p.returncode}")
    best = min(best, dt)
    peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(f"{name:<22} {best:8.2f} s {size / best / 1e6:9.0f} MB/s {peak / 1024:9.1f} MB peak RSS")
PY
}

echo "corpus: $corpus, $((bytes / 1000000)) MB, $(find "$corpus/projects" -name '*.jsonl' | wc -l) files; $(nproc) cores"
measure "cat FILES | wc -l" bash -c "find '$corpus/projects' -name '*.jsonl' -print0 | xargs -0 cat | wc -l"
measure "skilltop --format json" ./target/release/skilltop --format json --claude-dir "$corpus" \
    --range all --all-projects --no-prometheus
measure "ccusage daily --json" env CLAUDE_CONFIG_DIR="$corpus" "$ccu/node_modules/.bin/ccusage" \
    claude daily --json --offline
