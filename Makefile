# The README's two commands are `make run` and `make test`; both install what is missing first.
SWIFT ?= swift
CONFIG ?= release
BIN = $(shell $(SWIFT) build -c $(CONFIG) --show-bin-path 2>/dev/null)

.PHONY: deps build run test image bench bench-compare fuzz clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c $(CONFIG)

## The main job on its embedded default.
run: build
	scripts/main-job.sh "$(BIN)"

## Every test: unit, CLI end to end, real TLS, real registry, replayed Kubernetes API; then the image check
## (webhook/Dockerfile's build step, and the binary run with only the runtime stage's packages).
test: deps
	$(SWIFT) test
	scripts/image-check.sh

## The webhook image with docker or podman (webhook/Dockerfile): make image IMAGE=registry/compat-webhook:tag
IMAGE ?= compat-webhook:0.1.0
image:
	@scripts/image.sh "$(IMAGE)"

## Benchmarks side by side, written to benchmarks/RESULTS.md (release builds, loopback only).
bench: deps
	benchmarks/run.sh

## The admission path of BASE (a git revision) and the working tree side by side: make bench-compare BASE=HEAD~1
bench-compare: deps
	benchmarks/compare.sh "$(BASE)" $(ROUNDS)

## libFuzzer targets (fuzz/) for FUZZ_SECONDS each (default 60); crashes land in fuzz/findings/.
fuzz: deps
	scripts/fuzz.sh

clean:
	rm -rf .build .build-image out
