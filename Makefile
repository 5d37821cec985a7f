# The two commands of the quick start, and a few for developers.
#   make run    set up, build, serve on SQLite (var/integrator.db) at http://127.0.0.1:8080
#   make test   set up, build the test tree with address+undefined sanitizers, run every tier

SHELL := /bin/bash
JOBS ?= $(shell nproc)
DB ?= sqlite:var/integrator.db
PORT ?= 8080
RELEASE_DIR := build/release
TEST_DIR := build/test

CONFIGURE = cmake -S . -G Ninja -Wno-dev

.PHONY: run test setup build build-test bench format tidy clean web screenshots

setup:
	@scripts/setup

build: setup web
	@$(CONFIGURE) -B $(RELEASE_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAVNI_BUILD_TESTS=OFF >/dev/null
	@ninja -C $(RELEASE_DIR) -j $(JOBS) avni-integrator

# The admin web app (web/): npm packages from the lock file, then a Vite build into web/dist,
# redone only when a source of it is newer than the last build.
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html \
  web/package.json web/vite.config.ts web/tsconfig.json
web/node_modules/.package-lock.json: web/package-lock.json
	@npm ci --prefix web --no-audit --no-fund --loglevel=error
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	@echo "building the admin app (web/dist)"
	@cd web && npm run --silent build > build.log 2>&1 || { cat build.log; exit 1; }
	@touch $@
web: setup web/dist/index.html

# A local try-out: the demo tenant demo-bahmni syncs the Avni and OpenMRS simulators, which run
# in the server's process on loopback (README, "The demo"): private targets are allowed
# explicitly, as a production serve must not do without reason.
run: build
	@mkdir -p var
	$(RELEASE_DIR)/src/app/avni-integrator serve --db $(DB) --port $(PORT) --allow-private-targets --demo \
	  --web-dir web/dist

# The npm packages the tests use (the Cognito reference client), from the lock file.
COGNITO_JS := tests/cognito/js
$(COGNITO_JS)/node_modules/.package-lock.json: $(COGNITO_JS)/package-lock.json
	@npm ci --prefix $(COGNITO_JS) --no-audit --no-fund --loglevel=error

# One tree, built once with ASan+UBSan, runs the whole suite under them. ctest starts and
# removes the throwaway PostgreSQL itself (the `pg` fixture).
build-test: setup web $(COGNITO_JS)/node_modules/.package-lock.json
	@$(CONFIGURE) -B $(TEST_DIR) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="-O1" -DCMAKE_CXX_FLAGS_DEBUG="-g1" -DAVNI_SANITIZE=ON >/dev/null
	@ninja -C $(TEST_DIR) -j $(JOBS)

test: build-test
	@cd $(TEST_DIR) && AVNI_INT_REQUIRE_PG=1 \
	  ASAN_OPTIONS=abort_on_error=1:detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest -j $(JOBS) --output-on-failure --timeout 600

# Figures on this machine, release build, on SQLite and on a throwaway PostgreSQL: each program
# prints its own figures, records its headline ones (bench_util.hpp's Record), and bench_table
# prints them as one table and writes var/bench.json. Sizes are chosen to finish in under 10
# minutes on 2 cores; README "Benchmarks" gives the larger runs (100,000 records and more).
BENCH := $(RELEASE_DIR)/bench
BENCH_PROGRAMS := api_latency http_front mapping_lookup mapping_import sync_engine scheduler_idle \
  avni_client error_classifier bahmni_e2e metrics_scrape retention_growth bench_table
RETENTION_RUN := --days 12 --tenants 5 --every-minutes 30 --report-days 4
bench: export AVNI_BENCH_FIGURES = $(CURDIR)/build/bench-figures.jsonl
bench: build
	@ninja -C $(RELEASE_DIR) -j $(JOBS) $(BENCH_PROGRAMS)
	@rm -f $$AVNI_BENCH_FIGURES && mkdir -p var
	@$(BENCH)/error_classifier --std-regex-seconds 5
	@$(BENCH)/avni_client
	@$(BENCH)/api_latency
	@$(BENCH)/http_front
	@$(BENCH)/mapping_lookup
	@$(BENCH)/mapping_import
	@$(BENCH)/sync_engine --records 10000
	@$(BENCH)/sync_engine --records 200000
	@$(BENCH)/scheduler_idle --minutes 1
	@$(BENCH)/metrics_scrape
	@$(BENCH)/retention_growth $(RETENTION_RUN)
	@scripts/pg-throwaway start build/bench-pg >/dev/null && \
	  pg="$$(cat build/bench-pg/dsn)" && \
	  $(BENCH)/api_latency --db "$$pg" && \
	  $(BENCH)/mapping_lookup --store-only --db "$$pg" && \
	  $(BENCH)/mapping_import --db "$$pg" && \
	  $(BENCH)/sync_engine --records 10000 --db "$$pg" && \
	  $(BENCH)/scheduler_idle --minutes 1 --db "$$pg" && \
	  $(BENCH)/metrics_scrape --db "$$pg" && \
	  $(BENCH)/retention_growth $(RETENTION_RUN) --db "$$pg" && \
	  $(BENCH)/bahmni_e2e --subjects 2000 --pg "$$pg" && \
	  $(BENCH)/bahmni_e2e --subjects 50 --latency-ms 20 --pg "$$pg"; \
	  status=$$?; scripts/pg-throwaway stop build/bench-pg; exit $$status
	@$(BENCH)/bench_table $$AVNI_BENCH_FIGURES var/bench.json

# The README's screenshots: the end-to-end tests, run against the release binary, write them.
screenshots: build
	@cd web && AVNI_BIN=../$(RELEASE_DIR)/src/app/avni-integrator \
	  AVNI_SCREENSHOTS=../docs/screenshots npx playwright test

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

# clang-tidy 16 reads libstdc++ 12's <expected> once told that concepts are complete.
tidy: build-test
	@git ls-files 'src/*.cpp' | xargs clang-tidy-16 -p $(TEST_DIR) --quiet \
	  --extra-arg=-std=c++2b --extra-arg=-U__cpp_concepts --extra-arg=-D__cpp_concepts=202002L

clean:
	rm -rf build
