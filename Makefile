# NextFlex: `make run` builds everything and serves the app; `make test` runs every check.

CARGO ?= cargo

.PHONY: run build test fmt-check lint test-rust backends

## Build in release mode and serve http://localhost:8000 with the embedded defaults
## (SQLite in var/nextflex.db, objects in var/objects).
run: build
	$(CARGO) run --release --bin nextflex -- serve

build:
	$(CARGO) build --release --bin nextflex

## Everything CI checks: formatting, lints, and all the tests.
test: fmt-check lint backends test-rust

fmt-check:
	$(CARGO) fmt --all -- --check

lint:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Says which database backends and object stores the test suite will exercise.
backends:
	@echo "database backends under test: sqlite$${NEXTFLEX_TEST_POSTGRES_URL:+, postgres}$${NEXTFLEX_TEST_MYSQL_URL:+, mysql}"
	@[ -n "$${NEXTFLEX_TEST_POSTGRES_URL:-}" ] || echo "  postgres skipped: NEXTFLEX_TEST_POSTGRES_URL is not set"
	@[ -n "$${NEXTFLEX_TEST_MYSQL_URL:-}" ] || echo "  mysql skipped: NEXTFLEX_TEST_MYSQL_URL is not set"
	@command -v moto_server >/dev/null && echo "object stores under test: file, memory, s3 (moto)" \
		|| echo "object stores under test: file, memory (s3 skipped: moto_server is not installed)"

test-rust:
	$(CARGO) test --workspace
