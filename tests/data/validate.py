#!/usr/bin/env python3
"""Validator for news_ner.jsonl, nonnews_ner.jsonl and news_amounts.jsonl (nertab evaluation data)."""
import json, os, sys, re
# Reads the files beside this script, wherever it is run from (`make test` runs it from the repository root).
os.chdir(os.path.dirname(os.path.abspath(__file__)))
from decimal import Decimal, InvalidOperation
errs = 0
def err(msg):
    global errs; errs += 1; print("ERROR:", msg)
def check_file(path, key, typefield, allowed, id_re=r"(lee_background|lee):\d+"):
    n = 0; spans = 0; ids = set()
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            try: d = json.loads(line)
            except Exception as e: err(f"{path}:{i} bad JSON {e}"); continue
            n += 1
            if set(d) != {"id", "text", key}: err(f"{path}:{i} keys {sorted(d)}")
            if d["id"] in ids: err(f"{path}:{i} duplicate id {d['id']}")
            ids.add(d["id"])
            if not re.fullmatch(id_re, d["id"]): err(f"{path}:{i} bad id {d['id']}")
            t = d["text"]
            prev = {}
            last_start = -1
            for s in d[key]:
                spans += 1
                a, b = s["start"], s["end"]
                if not (isinstance(a, int) and isinstance(b, int) and 0 <= a < b <= len(t)): err(f"{d['id']} bad offsets {s}"); continue
                if t[a:b] != s["text"]: err(f"{d['id']} text mismatch {t[a:b]!r} != {s['text']!r}")
                if s["text"] != s["text"].strip(): err(f"{d['id']} span has outer whitespace {s}")
                if s[typefield] not in allowed: err(f"{d['id']} bad {typefield} {s}")
                if a < last_start: err(f"{d['id']} spans not sorted at {s}")
                last_start = a
                ty = s[typefield]
                if ty in prev and a < prev[ty]: err(f"{d['id']} overlapping {ty} spans at {s}")
                prev[ty] = max(prev.get(ty, 0), b)
                if key == "amounts":
                    for fld in ("value", "value_high"):
                        v = s[fld]
                        if v is None and fld == "value_high": continue
                        if not isinstance(v, str) or not re.fullmatch(r"-?\d+(\.\d+)?", v): err(f"{d['id']} {fld} not plain decimal {v!r}"); continue
                    if s["value_high"] is not None and Decimal(s["value_high"]) <= Decimal(s["value"]): err(f"{d['id']} value_high <= value {s}")
                    if s["kind"] == "PERCENT" and s["unit"] not in ("%", "pp"): err(f"{d['id']} percent unit {s}")
                    if s["kind"] == "MONEY" and not re.fullmatch(r"[A-Z]{3}", s["unit"]): err(f"{d['id']} money unit {s}")
            # any overlap at all (across types)
            ss = sorted((s["start"], s["end"]) for s in d[key])
            for (a1, b1), (a2, b2) in zip(ss, ss[1:]):
                if a2 < b1: err(f"{d['id']} overlap across types {a1}-{b1} {a2}-{b2}")
    print(f"{path}: {n} lines, {spans} spans, {len(ids)} unique ids")
check_file("news_ner.jsonl", "entities", "type", {"PER", "ORG", "LOC", "MISC"})
# the non-news check: CIA World Factbook backgrounds (factbook:<region>/<code>) and the Debian project
# history (debian_history:<first line of the paragraph>)
check_file("nonnews_ner.jsonl", "entities", "type", {"PER", "ORG", "LOC", "MISC"},
           id_re=r"factbook:[a-z-]+/[a-z]{2}|debian_history:\d+")
check_file("news_amounts.jsonl", "amounts", "kind", {"MONEY", "PERCENT"})
print("errors:", errs)
sys.exit(1 if errs else 0)
