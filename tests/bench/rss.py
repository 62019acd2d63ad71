#!/usr/bin/env python3
"""Memory of the live dashboard once it has read a history (issue 13).

Usage: tests/bench/rss.py CORPUS [RANGE ...]   (ranges default: 7d all)

Runs the release binary in tmux at 200x60 over CORPUS (a config home, e.g. from
`cargo bench --bench corpus -- DIR MB`), waits until it has used no CPU for 2 s (the first
scan and snapshot done), and prints its resident set (VmRSS) and peak (VmHWM) from /proc.
Nothing in CORPUS is written. Needs tmux and a release build.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from live import BIN, start, tmux  # noqa: E402


def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    if not os.access(BIN, os.X_OK):
        sys.exit("build first: cargo build --release")
    corpus, ranges = args[0], args[1:] or ["7d", "all"]
    for rng in ranges:
        name = f"skilltop-rss-{os.getpid()}"
        try:
            pid = start(name, corpus, rng)
            print(f"range {rng}: {status(pid, 'VmRSS'):.0f} MB resident, "
                  f"{status(pid, 'VmHWM'):.0f} MB at the peak")
        finally:
            tmux("kill-session", "-t", name)
            time.sleep(0.2)


if __name__ == "__main__":
    main()
