#!/usr/bin/env python3
"""Where the live dashboard spends its time following a history (issue 13).

Usage: tests/bench/profile.py [--line skill|call] CORPUS RANGE OUT.data

Starts the release binary over CORPUS at RANGE in tmux (as `live.py` does), waits for its
first scan, then records it with `perf record --call-graph dwarf` while 100 lines are
appended 0.3 s apart to a transcript of its own (removed at the end). Prints the CPU per
line; read the profile with `perf report -i OUT.data --children`. Build with symbols for
readable stacks: `CARGO_PROFILE_RELEASE_DEBUG=true cargo build --release`. Needs perf and
tmux.
"""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from live import Transcript, cpu, settle, start, tmux  # noqa: E402

LINES = 100


def main():
    args = sys.argv[1:]
    kind = "skill"
    if args[:1] == ["--line"] and len(args) > 1:
        kind, args = args[1], args[2:]
    if len(args) != 3 or kind not in ("skill", "call"):
        sys.exit(__doc__)
    corpus, rng, out = args
    name = f"skilltop-profile-{os.getpid()}"
    tr = Transcript(corpus)
    skill = "bench-profile"
    tr.append(tr.lines(1, skill))
    try:
        pid = start(name, corpus, rng)
        perf = subprocess.Popen(
            ["perf", "record", "-F", "999", "--call-graph", "dwarf,16384", "-p", str(pid),
             "-o", out],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        c0 = cpu(pid)
        for _ in range(LINES):
            tr.append(tr.lines(1, skill, kind))
            time.sleep(0.3)
        settle(pid, quiet=1.0)
        print(f"{(cpu(pid) - c0) / LINES * 1000:.1f} ms CPU per line ({kind} lines, range {rng})")
        perf.send_signal(2)
        perf.wait()
    finally:
        tmux("kill-session", "-t", name)
        tr.remove()


if __name__ == "__main__":
    main()
