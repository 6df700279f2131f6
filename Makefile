# FlowDeck — run `make help` for the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
BIN      := bin/flowdeck

# PostgreSQL for the store's conformance suite: the local server by default.
# Set it empty (FLOWDECK_TEST_POSTGRES_URL=) to run without PostgreSQL.
FLOWDECK_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test?sslmode=disable
export FLOWDECK_TEST_POSTGRES_URL

BENCH_COUNT ?= 5
# benchstat gives a 95 % interval of the median only from 6 runs on.
BENCH_ALL_COUNT ?= 6
BENCH_OUT   ?= bin/bench.txt
FUZZTIME    ?= 30s

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build bin/flowdeck (static, as the Dockerfile builds it)
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/flowdeck

.PHONY: docker-check
docker-check: ## Build the static binary exactly as the Dockerfile does and check it is static
	CGO_ENABLED=0 GOOS=linux $(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o bin/flowdeck-docker ./cmd/flowdeck
	@if file bin/flowdeck-docker 2>/dev/null | grep -q 'dynamically linked'; then echo "bin/flowdeck-docker is not static"; exit 1; fi
	@grep -q 'CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w -X main.version=$${VERSION}" -o /out/flowdeck ./cmd/flowdeck' Dockerfile || { echo "Dockerfile and docker-check build differently"; exit 1; }
	@echo "bin/flowdeck-docker: static, built as the Dockerfile builds it"

.PHONY: demo
demo: ## Run FlowDeck on its local cloud (no tenant, no secrets): flowdeck dev
	$(GO) run -ldflags '$(LDFLAGS)' ./cmd/flowdeck dev

.PHONY: test-setup
test-setup: ## Install Debian's Chromium and start PostgreSQL when missing (what make test needs); say what cannot be done
	@bash scripts/test-setup.sh

.PHONY: test
test: test-setup web ## Set up (Chromium, PostgreSQL), build the tab UI, then run every test with the race detector; fail on a secret in any test log
	set -o pipefail; FLOWDECK_BROWSER_TESTS=1 $(GO) test -race -count=1 -timeout 30m -json ./... | $(GO) run ./cmd/testlog -secrets cmd/testlog/secrets.txt

.PHONY: lint
lint: ## gofmt and go mod tidy leave no diff; go vet; staticcheck
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change:"; echo "$$unformatted"; exit 1; fi
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

.PHONY: check
check: lint test ## Everything CI checks: lint, then test

.PHONY: vuln
vuln: ## govulncheck (needs the network to reach the vulnerability database)
	$(GO) tool govulncheck ./...

.PHONY: bench
bench: ## Run the benchmark suite ($(BENCH_COUNT) runs each, under 10 min): one table, also written to docs/performance.md
	@test -f web/dist/index.html || $(MAKE) web
	$(GO) run ./cmd/benchtable -count $(BENCH_COUNT)

.PHONY: load
load: ## Load-test FlowDeck on its local cloud: 500 simulated Teams users for 60 s (LOAD_FLAGS, e.g. -users 100 -store postgres://…)
	$(GO) run ./cmd/flowdeck-load $(LOAD_FLAGS)

.PHONY: bench-all
bench-all: ## Run every benchmark ($(BENCH_ALL_COUNT) runs each) and print medians with their spread through benchstat
	@mkdir -p $(dir $(BENCH_OUT))
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCH_ALL_COUNT) ./... | tee $(BENCH_OUT)
	$(GO) tool benchstat $(BENCH_OUT)

.PHONY: fuzz
fuzz: ## Run each fuzz target for FUZZTIME (default 30s); a crasher lands in testdata/fuzz and becomes a regression test
	@set -e; for dir in $$(git ls-files '*_test.go' | xargs grep -l '^func Fuzz' | xargs -n1 dirname | sort -u); do \
	  for target in $$(grep -h '^func Fuzz' $$dir/*_test.go | sed 's/^func \(Fuzz[A-Za-z0-9_]*\).*/\1/'); do \
	    echo "== ./$$dir $$target"; $(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) ./$$dir; \
	  done; \
	done

.PHONY: fuzz-ci
fuzz-ci: ## Every fuzz target briefly (3s each), as CI runs them
	$(MAKE) fuzz FUZZTIME=3s

.PHONY: web
web: ## Build the tab UI into web/dist (embedded in the binary) and run its unit tests
	cd web && npm ci --no-audit --no-fund && npm run build && npm test

.PHONY: manifest
manifest: build ## Build the Teams app package with flowdeck manifest
	$(BIN) manifest

.PHONY: clean
clean: ## Remove build output
	rm -rf bin
