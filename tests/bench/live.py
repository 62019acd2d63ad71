#!/usr/bin/env python3
"""The live dashboard under load (issue 13), the real binary in tmux at 200x60.

Usage: tests/bench/live.py [--line skill|call] CORPUS [RANGE ...]   (ranges default: 7d all)

CORPUS is a config home (`cargo bench --bench corpus -- DIR MB` makes one). The script adds
one transcript of its own, `projects/-bench-live/<id>.jsonl`, appends to it, and deletes it at
the end; nothing else in CORPUS is touched. For each range it prints:
  - CPU per appended line and the time until it is on screen (one line a second, 15 times);
  - CPU share of a trickle of 20 lines a second for 20 s;
  - key latency during a burst of 10,000 lines (`?` pressed every 0.25 s while the lines are
    written in chunks of 50; the time until the help is seen to open or close).
The lines are `Skill` calls (`--line skill`, the default: the skill's count on screen tells
when a line is shown, and each is a run the missed opportunities read) or plain `Bash` calls
(`--line call`, most of what a session writes; CPU only, nothing on screen counts them).
CPU is the process's user+system time from /proc. Needs tmux and a release build (or
SKILLTOP_BIN naming another build).
"""
import os
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Another build to compare with: SKILLTOP_BIN=/path/to/skilltop.
BIN = os.environ.get("SKILLTOP_BIN") or os.path.join(ROOT, "target", "release", "skilltop")
TICK = os.sysconf("SC_CLK_TCK")
# A line only the help overlay shows.
HELP = "Skills Agents Stages Success Missed Insights"


def tmux(*args):
    return subprocess.run(["tmux", *args], capture_output=True, text=True).stdout


def screen(name):
    return tmux("capture-pane", "-p", "-t", name)


def cpu(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def pid_of(name):
    for _ in range(100):
        shell = tmux("display", "-p", "-t", name, "#{pane_pid}").strip()
        if shell:
            out = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True)
            return int(out.stdout.split()[0]) if out.stdout.split() else int(shell)
        time.sleep(0.05)
    sys.exit("the dashboard did not start")


def settle(pid, quiet=2.0, limit=600):
    """Wait until the process has used no CPU for `quiet` seconds (the first scan is done)."""
    start, last, since = time.time(), cpu(pid), time.time()
    while time.time() - start < limit:
        time.sleep(0.25)
        now = cpu(pid)
        if now != last:
            last, since = now, time.time()
        elif time.time() - since >= quiet:
            return
    sys.exit("the dashboard never settled")


def start(name, corpus, rng):
    """The dashboard over `corpus` at `rng` in tmux session `name`, once its first scan is
    done: its pid."""
    cmd = f"{BIN} --claude-dir {corpus} --all-projects --no-prometheus --range {rng}"
    tmux("new-session", "-d", "-s", name, "-x", "200", "-y", "60", cmd)
    time.sleep(0.5)
    pid = pid_of(name)
    settle(pid)
    return pid


class Transcript:
    def __init__(self, corpus):
        self.dir = os.path.join(corpus, "projects", "-bench-live")
        os.makedirs(self.dir, exist_ok=True)
        self.session = str(uuid.uuid4())
        self.path = os.path.join(self.dir, self.session + ".jsonl")
        self.n = 0
        self.t = datetime.now(timezone.utc) - timedelta(hours=1)

    def lines(self, k, skill, kind="skill"):
        out = []
        for _ in range(k):
            self.n += 1
            self.t += timedelta(milliseconds=10)
            ts = self.t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            out.append(
                '{"type":"assistant","isSidechain":false,"cwd":"/bench","sessionId":"%s",'
                '"timestamp":"%s","uuid":"u%d","message":{"id":"msg_live_%d","role":"assistant",'
                '"model":"claude-sonnet-4-5-20250929","content":[{"type":"tool_use","id":"toolu_live_%d",'
                '%s}],"usage":{"input_tokens":3,"output_tokens":9}}}\n'
                % (self.session, ts, self.n, self.n, self.n,
                   '"name":"Bash","input":{"command":"cargo test"}' if kind == "call"
                   else '"name":"Skill","input":{"skill":"%s"}' % skill)
            )
        return "".join(out)

    def append(self, text):
        with open(self.path, "a") as f:
            f.write(text)

    def remove(self):
        if os.path.exists(self.path):
            os.remove(self.path)
        if os.path.isdir(self.dir) and not os.listdir(self.dir):
            os.rmdir(self.dir)


def count_of(text, skill):
    for line in text.splitlines():
        i = line.find(skill)
        if i >= 0:
            for tok in line[i + len(skill):].split():
                if tok.isdigit():
                    return int(tok)
    return None


def run(corpus, rng, kind):
    name = f"skilltop-live-{os.getpid()}"
    tr = Transcript(corpus)
    skill = "bench-live-" + rng
    tr.append(tr.lines(1, skill))
    try:
        pid = start(name, corpus, rng)

        # One line a second.
        shown, c0 = [], cpu(pid)
        for _ in range(15):
            before = count_of(screen(name), skill) or 0
            tr.append(tr.lines(1, skill, kind))
            t = time.time()
            while kind == "skill" and time.time() - t < 10:
                if (count_of(screen(name), skill) or 0) > before:
                    shown.append(time.time() - t)
                    break
                time.sleep(0.005)
            time.sleep(max(0.0, 1.0 - (time.time() - t)))
        settle(pid, quiet=1.0)
        per_line = (cpu(pid) - c0) / 15 * 1000
        shown.sort()
        print(f"  one line a second: {per_line:7.1f} ms CPU per line; on screen after "
              f"{shown[len(shown) // 2] * 1000:.0f} ms (median), {shown[-1] * 1000:.0f} ms (max)"
              if shown else f"  one line a second: {per_line:7.1f} ms CPU per line"
              + ("" if kind == "call" else "; never shown"))

        # A trickle: 20 lines a second for 20 s.
        c0, t0 = cpu(pid), time.time()
        for i in range(400):
            tr.append(tr.lines(1, skill, kind))
            time.sleep(max(0.0, t0 + (i + 1) * 0.05 - time.time()))
        wall = time.time() - t0
        print(f"  20 lines a second: {(cpu(pid) - c0) / wall * 100:5.1f} % of a core")
        settle(pid, quiet=1.0)

        # Key latency during a burst of 10,000 lines: `?` opens the help, any key closes it.
        lat, written = [], 0
        chunk = tr.lines(50, skill, kind)
        t0 = time.time()
        while written < 10_000:
            was_open = HELP in screen(name)
            tmux("send-keys", "-t", name, "?")
            t = time.time()
            while time.time() - t < 5:
                tr.append(chunk)
                written += 50
                if (HELP in screen(name)) != was_open:
                    lat.append(time.time() - t)
                    break
                time.sleep(0.002)
            while time.time() - t < 0.25 and written < 10_000:
                tr.append(chunk)
                written += 50
                time.sleep(0.005)
        lat.sort()
        if lat:
            print(f"  keys during a 10,000-line burst ({time.time() - t0:.1f} s): {len(lat)} presses, "
                  f"answered in {lat[len(lat) // 2] * 1000:.0f} ms (median), {lat[-1] * 1000:.0f} ms (max)")
    finally:
        tmux("kill-session", "-t", name)
        tr.remove()


def main():
    args = sys.argv[1:]
    kind = "skill"
    if args[:1] == ["--line"] and len(args) > 1:
        kind, args = args[1], args[2:]
    if not args or kind not in ("skill", "call"):
        sys.exit(__doc__)
    corpus = args[0]
    ranges = args[1:] or ["7d", "all"]
    if not os.access(BIN, os.X_OK):
        sys.exit("build first: cargo build --release")
    size = sum(
        os.path.getsize(os.path.join(d, f))
        for d, _, fs in os.walk(os.path.join(corpus, "projects"))
        for f in fs
        if f.endswith(".jsonl")
    )
    print(f"{corpus}: {size / 1e9:.2f} GB of transcripts; {os.cpu_count()} cores; "
          f"{kind} lines")
    for rng in ranges:
        print(f"range {rng}:")
        run(corpus, rng, kind)


if __name__ == "__main__":
    main()
