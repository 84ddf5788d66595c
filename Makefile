# Steward: `make quickstart` runs the main job on the local provider; `make test` runs the tests.
SWIFT ?= swift
export STEWARD_TEST_PYTHON := $(CURDIR)/.venv/bin/python

.PHONY: all build test quickstart bench bootstrap clean

all: build

bootstrap:
	@scripts/bootstrap.sh

build:
	@scripts/bootstrap.sh --no-python
	$(SWIFT) build

test: bootstrap
	$(SWIFT) test

quickstart:
	@scripts/bootstrap.sh --no-python
	@scripts/quickstart.sh

bench: bootstrap
	$(SWIFT) build -c release --product steward-bench
	.build/release/steward-bench
	$(SWIFT) run steward-request-count
	$(SWIFT) build -c release --product steward
	$(SWIFT) build -c release --product steward-serve-bench
	.build/release/steward-serve-bench

clean:
	rm -rf .build .venv
