# dsdemo: build, test, benchmark and run the demos. Run `make help` for the targets.
export GOTOOLCHAIN := local
export GOFLAGS := -mod=readonly

GO       ?= go
PROGRAMS := ./clientserver/server ./clientserver/client ./clientserver/baseline \
            ./proxy/origin ./proxy/cacheproxy ./proxy/load \
            ./mobilecode/codeserver ./mobilecode/sandbox

.PHONY: help build test bench demo clean

help:
	@echo "make demo    build everything and start the launcher (bin/dsdemo)"
	@echo "make test    vet, staticcheck and all tests with the race detector"
	@echo "make bench   benchmarks (figures in BENCHMARKS.md)"
	@echo "make build   build every program into bin/"
	@echo "make clean   remove bin/"

build:
	$(GO) build -o bin/ $(PROGRAMS)
	$(GO) build -o bin/dsdemo ./tui

test:
	test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) test -race -count=1 ./...

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./models/... ./tui/... ./proxy/ ./mobilecode/ -skip Hits
	$(GO) test -v -run '^$$' -bench Load -benchtime 1x ./clientserver/
	$(GO) test -v -run '^$$' -bench Hits -benchtime 1x ./proxy/

demo: build
	bin/dsdemo

clean:
	rm -rf bin/
