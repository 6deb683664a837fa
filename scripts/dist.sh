#!/usr/bin/env bash
# Builds the relocatable bundle dist/nertab-<version>-linux-x86_64.tar.gz:
#   bin/nertab                                   the release binary, stripped, RUNPATH $ORIGIN/../lib
#   lib/                                         the libtorch libraries it loads (libtorch_cpu, libc10, libgomp, and
#                                                libcudart/libcupti, which libtorch_cpu names though a CPU run never
#                                                calls them); their own RPATH already ends in $ORIGIN
#   share/nertab/models/nertab-ner/              the shipped model (found beside the executable, no variable needed)
#   README.md                                    what the bundle is and how to run it
# Unpacked anywhere, `bin/nertab extract ...` runs with an empty environment. Needs `scripts/setup.sh libtorch`
# (make dist does it) and patchelf (Debian's; installed here as root if missing).
#
#   scripts/dist.sh           build the bundle into dist/ (reuses the release build, and the tarball itself when it is
#                             newer than the binary, the model and this script); prints the tarball's path
#   scripts/dist.sh --check   build it into a temporary directory instead (gzip -1: 25 s less than -6, for the test
#                             command), unpack it elsewhere and compare `env -i bin/nertab extract` on corpus/ with
#                             the development binary's table
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
log() { printf 'dist: %s\n' "$*" >&2; }

check=false level=6 out=$repo/dist
if [[ ${1:-} == --check ]]; then check=true level=1 out=$(mktemp -d); fi
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
name=nertab-$version-linux-x86_64
tarball=$out/$name.tar.gz
libtorch=$repo/.libtorch/lib
[[ -d $libtorch ]] || { log "no $libtorch: run scripts/setup.sh libtorch"; exit 1; }
if ! command -v patchelf >/dev/null; then
  if [[ $(id -u) -ne 0 ]]; then
    log "patchelf missing, and installing it needs root: sudo apt-get install patchelf"
    # `make test` carries on without the bundle check; `make dist` cannot.
    if $check; then log "the bundle check is SKIPPED"; exit 0; fi
    exit 1
  fi
  log "installing patchelf"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq patchelf >/dev/null
fi

# NERTAB_DIST_EXE: a binary built already (tests/spark.rs passes its own: a cargo build run from inside `cargo test`
# sees the test's environment and rebuilds libtorch's bindings).
if [[ -n ${NERTAB_DIST_EXE:-} ]]; then exe=$NERTAB_DIST_EXE; else
  cargo build --release --bin nertab
  exe=$repo/target/release/nertab
fi
if ! $check && [[ -f $tarball ]] && [[ -z $(find "$exe" models/nertab-ner scripts/dist.sh -newer "$tarball" | head -1) ]]; then
  log "$tarball is up to date ($(du -h "$tarball" | cut -f1))"
  echo "$tarball"
  exit 0
fi

mkdir -p "$out"
stage=$(mktemp -d "$out/.stage.XXXX")
if $check; then trap 'rm -rf "$stage" "$out"' EXIT; else trap 'rm -rf "$stage"' EXIT; fi
root=$stage/$name
mkdir -p "$root/bin" "$root/lib" "$root/share/nertab/models"
install -m 0755 "$exe" "$root/bin/nertab"
strip "$root/bin/nertab"
patchelf --set-rpath '$ORIGIN/../lib' "$root/bin/nertab"

# The libraries the binary loads from libtorch's directory, as its RUNPATH (build.rs: the cache directory, resolved)
# has the loader find them; ldd follows NEEDED transitively. Everything else of libtorch (headers, the libtorch.so
# link) stays out. A caller's LD_LIBRARY_PATH would come first, so it is left out here.
libdir="$(readlink -f "$libtorch")/"
mapfile -t libs < <(env -u LD_LIBRARY_PATH ldd "$exe" | awk -v dir="$libdir" '$2 == "=>" && index($3, dir) == 1 { print $3 }')
[[ ${#libs[@]} -gt 0 ]] || { log "ldd found no libtorch library in $exe"; exit 1; }
for lib in "${libs[@]}"; do install -m 0644 "$lib" "$root/lib/"; done
cp -r models/nertab-ner "$root/share/nertab/models/nertab-ner"

cat >"$root/README.md" <<README
# nertab $version (Linux x86-64)

News articles in, a knowledge table of entities and amounts out. This directory is self-contained: unpack it
anywhere and run

    bin/nertab extract articles/ -o knowledge.csv
    bin/nertab extract - -o - --format jsonl --no-header --threads 2 < articles.jsonl

No environment variable is needed: the binary finds its libraries in lib/ (RUNPATH \$ORIGIN/../lib) and its
model in share/nertab/models/nertab-ner (NERTAB_MODEL or --model DIR choose another). NERTAB_THREADS (or
--threads) sets the worker threads; on a cluster, give each task its own cores.

Needs: Linux x86-64 with glibc 2.34 or later and libstdc++ with GLIBCXX_3.4.29 (GCC 11 or later), e.g.
Debian 12, Ubuntu 22.04, RHEL 9. lib/ holds libtorch 2.4.0 (CPU), BSD-3-Clause, from PyPI's torch wheel.
See the project's README for the table's columns and every option (\`bin/nertab extract --help\`).
README

rm -f "$tarball"
tar -C "$stage" -I "gzip -$level" -cf "$tarball.tmp" "$name"
mv "$tarball.tmp" "$tarball"
log "$tarball: $(du -h "$tarball" | cut -f1) ($(du -sh "$root" | cut -f1) unpacked)"
echo "$tarball"

$check || exit 0
# --- the bundle, unpacked elsewhere, with an empty environment, against the development binary -------------------
rm -rf "$stage"
check=$out/unpacked
mkdir "$check"
tar -C "$check" -xzf "$tarball"
bin=$check/$name/bin/nertab
readelf -d "$bin" | grep -q 'R.*PATH.*\[\$ORIGIN/\.\./lib\]' || { log "bin/nertab has no \$ORIGIN/../lib run path"; exit 1; }
# With an empty environment, as a user's shell on another host would have it (an LD_LIBRARY_PATH would come before
# the bundle's RUNPATH).
if env -i ldd "$bin" | grep -E 'not found|\.cache/nertab|/\.libtorch/'; then log "bin/nertab resolves a library outside the bundle"; exit 1; fi
(cd "$check" && env -i "$bin" extract "$repo/corpus" -o "$check/bundle.csv" --threads 2)
# The model came from the bundle, not from the source tree this binary was built in (its last fallback).
echo '{"id": "x", "text": "Apple paid $5 billion."}' |
  (cd "$check" && env -i NERTAB_LOG=info "$bin" extract - -o /dev/null 2>&1) | tee "$check/log" | grep -q "model: $check/$name/bin/../share/nertab/models/nertab-ner" ||
  { cat "$check/log" >&2; log "FAILED: bin/nertab did not take the model beside it"; exit 1; }
"$exe" extract corpus -o "$check/dev.csv" --threads 2
if ! cmp -s "$check/bundle.csv" "$check/dev.csv"; then
  diff "$check/bundle.csv" "$check/dev.csv" | head -20 >&2
  log "FAILED: the bundle's table differs from the development binary's"
  exit 1
fi
log "ok: the unpacked bundle (env -i) wrote the same $(($(wc -l <"$check/dev.csv") - 1)) rows as target/release/nertab"
