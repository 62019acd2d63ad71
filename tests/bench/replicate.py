#!/usr/bin/env python3
"""Real-shaped history of any size: `tests/bench/replicate.py SRC DEST MEGABYTES` copies the
transcripts of the Claude config directory SRC (e.g. ../shared/realdata/claude-home) into
DEST until about MEGABYTES, each copy with its own session, message, tool call and agent ids,
so copies are separate sessions (with the density of prompts, calls and skills of real use)
rather than one session copied. The generated corpus (`cargo bench --bench corpus`) has few
prompts; this one has as many as the people who wrote SRC typed."""
import os, re, sys

src, dest, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
ID = re.compile(rb'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?:toolu|msg|req|srvtoolu)_[0-9A-Za-z]+|agent-[0-9a-z]+|"agentId":"[0-9a-z]+")')
files = []
for root, _, names in os.walk(os.path.join(src, "projects")):
    files += [os.path.join(root, n) for n in names if n.endswith((".jsonl", ".json"))]
size = sum(os.path.getsize(f) for f in files if f.endswith(".jsonl"))
copies = max(1, mb * 1024 * 1024 // max(size, 1))
for k in range(copies):
    tag = b"%04x" % k
    def rename(m):
        s = m.group(0)
        if s.startswith(b'"agentId":"'):
            return s[:-1] + tag + b'"'
        if b"-" in s[:9] and len(s) == 36:
            return tag + s[4:]
        return s + tag
    for f in files:
        rel = os.path.relpath(f, src)
        out = os.path.join(dest, ID.sub(rename, rel.encode()).decode())
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(f, "rb") as i, open(out, "wb") as o:
            o.write(ID.sub(rename, i.read()))
print(f"{copies} copies of {size / 1e6:.1f} MB in {dest}")
