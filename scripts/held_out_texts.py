#!/usr/bin/env python3
"""Writes crates/nertab-model/src/train/held_out_texts.sha256: the digest of every evaluation text, which
`nertab train` refuses to learn from (tagged or not).

The evaluation texts are the seed articles (`corpus/`), the BBC corpus (`~/.cache/nertab/data/bbc`, after
`bash scripts/setup.sh bbc`) and the passages of the news and non-news checks (`tests/data/*_ner.jsonl`). A digest
is the sha256 of the text's words joined by single spaces (so line endings and spacing do not hide a copy), as
`held_out::text_digest` computes it; `tests/training.rs` checks that every BBC and seed article read through the
corpus reader is refused, which is what keeps this script and the Rust side in agreement.

    python3 scripts/held_out_texts.py
"""
import glob
import hashlib
import json
import os


def decode(data):
    """As the corpus reader decodes: UTF-8 (its BOM dropped), else Windows-1252 (WHATWG: the five bytes it leaves
    undefined become the C1 controls of the same number)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


def digest(text):
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    bbc = os.path.expanduser("~/.cache/nertab/data/bbc")
    texts = []
    for path in sorted(glob.glob(os.path.join(root, "corpus", "*.txt")) + glob.glob(os.path.join(bbc, "*", "*.txt"))):
        texts.append(decode(open(path, "rb").read()))
    for check in ("news_ner.jsonl", "nonnews_ner.jsonl"):
        for line in open(os.path.join(root, "tests", "data", check), encoding="utf-8"):
            if line.strip():
                texts.append(json.loads(line)["text"])
    if len(texts) < 2000:
        raise SystemExit(f"only {len(texts)} texts: is the BBC corpus in {bbc}? (bash scripts/setup.sh bbc)")
    digests = sorted({digest(t) for t in texts})
    out = os.path.join(root, "crates", "nertab-model", "src", "train", "held_out_texts.sha256")
    with open(out, "w") as f:
        f.write("".join(d + "\n" for d in digests))
    print(f"{out}: {len(digests)} digests of {len(texts)} texts")


if __name__ == "__main__":
    main()
