# dsdemo: build, test, benchmark and run the demos. Run `make help` for the targets.
export GOTOOLCHAIN := local
export GOFLAGS := -mod=readonly

GO       ?= go
# The programs are listed once, in models/catalog/programs.txt (the launcher
# and the catalogue read the same file).
PROGRAMS := $(shell grep '^\./' models/catalog/programs.txt)

.PHONY: help build test bench demo clean

help:
	@echo "make demo    build everything and start the launcher (bin/dsdemo)"
	@echo "make test    vet, staticcheck and all tests with the race detector"
	@echo "make bench   benchmarks (figures in BENCHMARKS.md)"
	@echo "make build   build every program into bin/"
	@echo "make clean   remove bin/"
	@echo "make grade   grade every coding exercise; make grade EX=lamport grades one"

build:
	$(GO) build -o bin/ $(PROGRAMS)
	$(GO) build -o bin/dsdemo ./tui

test:
	test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt: files above need formatting"; exit 1; }
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) test -race -count=1 ./...

bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./models/... ./tui/... ./proxy/ ./mobilecode/ -skip 'Hits|LongRun|Classroom'
	$(GO) test -v -run '^$$' -bench LongRun -benchtime 1x -timeout 20m ./tui/history/ ./tui/
	$(GO) test -v -run '^$$' -bench Classroom -benchtime 1x ./tui/classroom/
	$(GO) test -v -run '^$$' -bench Load -benchtime 1x ./clientserver/
	DSDEMO_JEPSEN_ACTS=8 $(GO) test -v -count=1 -run 'ReplicateModeKeepsAcknowledgedWrites$$' -timeout 20m ./clientserver/
	$(GO) test -v -run '^$$' -bench Hits -benchtime 1x ./proxy/
	$(GO) test -v -run '^$$' -bench 'Ring|Survival' -benchtime 1x -timeout 60m ./p2p/
	$(GO) test -v -run '^$$' -bench Bookings -benchtime 3x ./ntier/
	$(GO) test -v -run '^$$' -bench VsNATS -benchtime 10000x -timeout 20m ./middleware/broker/
	$(GO) test -run '^$$' -bench Jini -benchmem ./middleware/rpc/
	$(GO) test -run '^$$' -bench 'Call|Lookup' -benchtime 2s -benchmem ./middleware/rpc/
	$(GO) test -v -run '^$$' -bench 'WriteTake|Farm' -benchtime 3x ./middleware/space/
	$(GO) test -run '^$$' -bench Container -benchmem ./middleware/container/
	$(GO) test -run '^$$' -bench 'Letter|ThroughMallory' -benchtime 300x ./security/

demo: build
	bin/dsdemo

clean:
	rm -rf bin/

# Coding exercises: the grader runs against the student's code (the stub
# until it is replaced); the reference solution needs -tags solution.
.PHONY: grade
grade:
ifdef EX
	$(GO) test -tags grade -count=1 ./exercises/$(EX)/
else
	@failed=0; for sol in exercises/*/solution.go; do \
	  ex=$$(basename $$(dirname $$sol)); \
	  if $(GO) test -tags grade -count=1 ./exercises/$$ex/ >/dev/null 2>&1; \
	  then printf 'PASS  %s\n' $$ex; else printf 'FAIL  %-16s details: make grade EX=%s\n' $$ex $$ex; failed=1; fi; \
	done; exit $$failed
endif
