# NextFlex: `make run` builds everything and serves the app; `make test` runs every check.

CARGO ?= cargo
NPM ?= npm

.PHONY: run build web test fmt-check lint test-rust backends web-check e2e api-properties \
	api-types api-types-check

## Build in release mode and serve http://localhost:8000 with the embedded defaults
## (SQLite in var/nextflex.db, objects in var/objects).
run: build
	$(CARGO) run --release --bin nextflex -- serve

build: web
	$(CARGO) build --release --bin nextflex

## The web UI, embedded into the binary at compile time: built again when its sources change.
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
	web/vite.config.ts web/tsconfig.json
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && $(NPM) run build
web: web/dist/index.html

## Everything CI checks: formatting, lints, and all the tests.
test: fmt-check lint web-check api-types-check backends test-rust e2e api-properties

## The web client's API types (web/src/api/schema.ts), generated from the server's OpenAPI
## document; `api-types-check` fails when the committed file is out of date.
api-types: web/node_modules/.package-lock.json
	bash web/scripts/api-types.sh

api-types-check: web/node_modules/.package-lock.json
	bash web/scripts/api-types.sh --check

fmt-check:
	$(CARGO) fmt --all -- --check

lint: web
	$(CARGO) clippy --workspace --all-targets -- -D warnings

web-check: web/node_modules/.package-lock.json
	cd web && $(NPM) run lint && $(NPM) test

# Says which database backends and object stores the test suite will exercise.
backends:
	@echo "database backends under test: sqlite$${NEXTFLEX_TEST_POSTGRES_URL:+, postgres}$${NEXTFLEX_TEST_MYSQL_URL:+, mysql}"
	@[ -n "$${NEXTFLEX_TEST_POSTGRES_URL:-}" ] || echo "  postgres skipped: NEXTFLEX_TEST_POSTGRES_URL is not set"
	@[ -n "$${NEXTFLEX_TEST_MYSQL_URL:-}" ] || echo "  mysql skipped: NEXTFLEX_TEST_MYSQL_URL is not set"
	@command -v moto_server >/dev/null && echo "object stores under test: file, memory, s3 (moto)" \
		|| echo "object stores under test: file, memory (s3 skipped: moto_server is not installed)"

test-rust: web
	$(CARGO) test --workspace

## The browser test: headless Chromium against a real server on the demo data.
e2e: web
	$(CARGO) build --bin nextflex
	bash web/e2e/with-server.sh

## Property-based API test: schemathesis against a real server on the demo data.
api-properties: web
	$(CARGO) build --bin nextflex
	bash tests/schemathesis.sh
