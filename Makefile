# The two commands of the README. Both run the (idempotent, cached) setup first.
#   make run   -> outputs/knowledge.csv from corpus/
#   make test  -> format, lint and the whole test suite
SHELL := /bin/bash
export LD_LIBRARY_PATH := $(CURDIR)/.libtorch/lib:$(LD_LIBRARY_PATH)

.PHONY: setup run test bench
setup:
	bash scripts/setup.sh all

run:
	bash scripts/setup.sh libtorch
	cargo run --release --bin nertab -- extract corpus -o outputs/knowledge.csv --stats

test: setup
	cargo fmt --all -- --check
	cargo clippy --release --all-targets -- -D warnings
	cargo test --release

bench:
	bash scripts/setup.sh libtorch
	cargo bench
