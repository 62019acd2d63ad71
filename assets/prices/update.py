#!/usr/bin/env python3
"""Write assets/prices.json: the list prices of every Claude model, from LiteLLM's price list.

The PyPI package `litellm` ships the list as
`litellm/model_prices_and_context_window_backup.json`; a wheel is a zip, so nothing is
installed. Usage (from the repository root):

    pip download --no-deps --only-binary :all: litellm -d /tmp/litellm-dl
    python3 assets/prices/update.py /tmp/litellm-dl/litellm-*.whl

Prices are written in USD per million tokens. Retired models that LiteLLM lists only under
cloud keys (`anthropic.claude-sonnet-4-20250514-v1:0`, Bedrock) are mapped to their plain name
(`claude-sonnet-4-20250514`); regional keys (`us.`, `eu.`, ...) carry a surcharge and are
left out. A missing 1-hour cache write price is twice the input price (Anthropic's rule),
listed under `derived`. The date is the day the table was taken (wheels carry no date).
"""

import json
from datetime import datetime, timezone
import re
import sys
import zipfile
from pathlib import Path

MEMBER = "litellm/model_prices_and_context_window_backup.json"
OUT = Path(__file__).resolve().parent.parent / "prices.json"

# LiteLLM field -> our field.
FIELDS = {
    "input_cost_per_token": "input",
    "output_cost_per_token": "output",
    "cache_creation_input_token_cost": "cache_write_5m",
    "cache_creation_input_token_cost_above_1hr": "cache_write_1h",
    "cache_read_input_token_cost": "cache_read",
    "input_cost_per_token_above_200k_tokens": "input_above_200k",
    "output_cost_per_token_above_200k_tokens": "output_above_200k",
    "cache_creation_input_token_cost_above_200k_tokens": "cache_write_5m_above_200k",
    "cache_creation_input_token_cost_above_1hr_above_200k_tokens": "cache_write_1h_above_200k",
    "cache_read_input_token_cost_above_200k_tokens": "cache_read_above_200k",
}


def plain_name(key):
    """(name, rank) for a key naming a Claude model at list price, else None. Lower rank wins."""
    if "/" in key:
        return None
    rank = 0
    if key.startswith("anthropic."):
        key, rank = key[len("anthropic."):], 1
    if not key.startswith("claude-"):
        return None
    if re.search(r"-v\d+(:\d+)?$", key) or "@" in key:
        rank = max(rank, 1)
    key = re.sub(r"-v\d+(:\d+)?$", "", key).replace("@", "-")
    if key in ("claude", "claude-instant"):  # the pre-3 models, named without a version
        return None
    return key, rank


def main():
    wheel = sys.argv[1]
    with zipfile.ZipFile(wheel) as z:
        info = z.getinfo(MEMBER)
        data = json.loads(z.read(MEMBER))
    del info  # wheels carry fixed 1980 dates: the date is the day the table was taken
    candidates = {}
    for key, entry in data.items():
        got = plain_name(key)
        if got is None or not isinstance(entry, dict):
            continue
        name, rank = got
        price = {
            ours: round(entry[theirs] * 1e6, 6)
            for theirs, ours in FIELDS.items()
            if isinstance(entry.get(theirs), (int, float))
        }
        if "input" not in price or "output" not in price:
            continue
        candidates.setdefault(name, []).append((rank, price))
    chosen = {}
    for name, found in candidates.items():
        found.sort(key=lambda c: c[0])
        rank, price = found[0]
        # Tiers the best key lacks, from another key of the same model at the same price.
        for _, other in found[1:]:
            if other["input"] == price["input"] and other["output"] == price["output"]:
                for k, v in other.items():
                    price.setdefault(k, v)
        if "cache_write_1h" not in price:
            # Anthropic's rule for every model: a 1-hour cache write costs twice the input.
            price["cache_write_1h"] = round(price["input"] * 2, 6)
            price["derived"] = ["cache_write_1h"]
        chosen[name] = (rank, price)
    out = {
        "source": f"LiteLLM {Path(wheel).name.split('-')[1]}, {MEMBER}",
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "unit": "USD per million tokens",
        "models": {k: chosen[k][1] for k in sorted(chosen)},
    }
    OUT.write_text(json.dumps(out, indent=1) + "\n")
    print(f"{len(chosen)} models, {out['date']} -> {OUT}")


if __name__ == "__main__":
    main()
