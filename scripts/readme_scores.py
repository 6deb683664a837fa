"""Fills the model section of docs/model.md from the shipped model's report.json (run after shipping a new model)."""
import json, re, sys

report = json.load(open("models/nertab-ner/report.json"))
opts = report["options"]

def table(scores):
    rows = ["| type | precision | recall | F1 |", "|---|---|---|---|"]
    def prf(c):
        p = 100 * c["correct"] / c["predicted"] if c["predicted"] else 0.0
        r = 100 * c["correct"] / c["gold"] if c["gold"] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f
    for ty, c in scores["per_type"].items():
        rows.append("| %s | %.2f | %.2f | %.2f |" % ((ty,) + prf(c)))
    rows.append("| **all** | %.2f | %.2f | **%.2f** |" % prf(scores["overall"]))
    return "\n".join(rows)

block = "<!-- scores -->\nCoNLL-2003 scores of the shipped (fp16) model, entity level, as `conlleval` counts:\n\n"
block += "`valid` (used to choose the epoch):\n\n" + table(report["valid"]) + "\n\n"
block += "`test` (scored once, never used for choices):\n\n" + table(report["test"]) + "\n<!-- /scores -->"
flags = "--epochs %d --lr %g --batch %d --seed %d --context %d --max-len %d%s" % (
    opts["epochs"], opts["lr"], opts["batch"], opts["seed"], opts["context"], opts["max_len"],
    "" if opts["casing"] else " --no-casing")
readme = open("docs/model.md").read()
readme = re.sub(r"<!-- scores -->.*?<!-- /scores -->|MODEL_SCORES_PLACEHOLDER", lambda m: block, readme, flags=re.S)
readme = re.sub(r"(--out models/nertab-ner \\\n  ).*", lambda m: m.group(1) + flags, readme)
readme = readme.replace("TRAIN_FLAGS_PLACEHOLDER", flags)
open("docs/model.md", "w").write(readme)
