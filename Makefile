# The two commands of the README. Both run the (idempotent, cached) setup first.
#   make run   -> outputs/knowledge.csv from corpus/
#   make test  -> format, lint, the whole test suite (data-needing tests included) and the bundle check
#   make dist  -> dist/nertab-<version>-linux-x86_64.tar.gz (binary, libtorch libraries, model)
SHELL := /bin/bash
# No LD_LIBRARY_PATH: the binary, tests and benches carry an rpath to libtorch (build.rs).

.PHONY: setup run test bench dist
setup:
	bash scripts/setup.sh all

run:
	bash scripts/setup.sh libtorch
	cargo run --release --bin nertab -- extract corpus -o outputs/knowledge.csv --stats

test: setup
	cargo fmt --all -- --check
	python3 scripts/check_structure.py
	python3 tests/data/validate.py
	cargo clippy --release --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps
	cargo test --release --workspace -- --include-ignored
	bash scripts/test_cpu_ceiling.sh
	bash scripts/dist.sh --check

dist:
	bash scripts/setup.sh libtorch
	bash scripts/dist.sh

bench:
	bash scripts/setup.sh libtorch
	cargo bench
