#!/usr/bin/env python3
"""The seed articles' checked targets, for any model: which of the 7 entities it finds, and what it tags on the
articles' headline lines.

The seed articles (`corpus/`) are evaluation data: this only reads a model's output on them. A headline line is a
line of an article of 4 to 14 words, with no sentence-final stop, whose words are mostly Capitalized (the
articles' titles and a subheading); under CoNLL-2003 guidelines their only entities are "North Korea(n)", so
anything else found there is a headline false entity ("Crypto Ups", "Reliance", "Cryptocurrencies").

    python3 scripts/seed_check.py --model models/nertab-ner [--precision fp32] [--nertab target/release/nertab]
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile

TARGETS = [("North Korea", "LOC"), ("South Korea", "LOC"), ("United Nations", "ORG"), ("Insikt Group", "ORG"),
           ("UpBit", "ORG"), ("Abdulhay Mahmoud", "PER"), ("Recorded Future", "ORG")]
# What a headline line may rightly hold (CoNLL-2003: "North Korean" MISC, "North Korea" LOC).
HEADLINE_RIGHT = {("North Korea", "LOC"), ("North Korean", "MISC")}


def headline_spans(text):
    """Character ranges of the headline lines of one article."""
    spans, pos = [], 0
    for line in text.split("\n"):
        tokens = line.split()
        words = [w for w in tokens if w[:1].isalpha()]
        caps = sum(w[0].isupper() for w in words)
        bare_number = any(w.isdigit() for w in tokens)  # a byline: "Abdulhay Mahmoud 414 Articles"
        stop = line.rstrip().endswith((".", "?", "!", ":"))
        if 4 <= len(tokens) <= 14 and words and caps >= 0.6 * len(words) and not bare_number and not stop:
            spans.append((pos, pos + len(line)))
        pos += len(line) + 1
    return spans


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--model", required=True)
    ap.add_argument("--precision", default="fp32")
    ap.add_argument("--nertab", default=os.path.join(repo, "target", "release", "nertab"))
    ap.add_argument("--corpus", default=os.path.join(repo, "corpus"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "seeds.csv")
        cmd = [a.nertab, "extract", a.corpus, "-o", out, "--extractors", "ner", "--model", a.model,
               "--precision", a.precision, "--threads", "1"]
        subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
        with open(out, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    found = {(r["text"], r["type"]) for r in rows}
    missing = [t for t in TARGETS if t not in found]
    print(f"seed targets {len(TARGETS) - len(missing)} of {len(TARGETS)}; missing {missing}")
    false = []
    for name in sorted(os.listdir(a.corpus)):
        with open(os.path.join(a.corpus, name), encoding="utf-8") as f:
            spans = headline_spans(f.read())
        for r in rows:
            if r["doc_id"] != name or (r["text"], r["type"]) in HEADLINE_RIGHT:
                continue
            # nertab's offsets count characters, as Python's str does.
            if any(s <= int(r["start"]) < e for s, e in spans):
                false.append((r["text"], r["type"]))
    print(f"headline false entities {len(false)}: {false}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
