# dsdemo: build, test, benchmark and run the demos. Run `make help` for the targets.
export GOTOOLCHAIN := local
export GOFLAGS := -mod=readonly

GO       ?= go
PROGRAMS := ./clientserver/server ./clientserver/client ./clientserver/baseline

.PHONY: help build test bench demo clean

help:
	@echo "make demo    build everything and start the client/server demo"
	@echo "make test    vet, staticcheck and all tests with the race detector"
	@echo "make bench   benchmarks (figures in BENCHMARKS.md)"
	@echo "make build   build every program into bin/"
	@echo "make clean   remove bin/"

build:
	$(GO) build -o bin/ $(PROGRAMS)

test:
	test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) test -race -count=1 ./...

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./models/...
	$(GO) test -v -run '^$$' -bench Load -benchtime 1x ./clientserver/

# Until the launcher (tui/) lands, the demo is a server in the background and
# an interactive client in the foreground; the server stops with the client.
demo: build
	@bin/server --listen 127.0.0.1:7100 & server=$$!; \
	trap 'kill $$server 2>/dev/null' EXIT INT TERM; \
	echo "server started (pid $$server); try: put a 1, get a, del a; quit to stop"; \
	bin/client --server 127.0.0.1:7100

clean:
	rm -rf bin/
