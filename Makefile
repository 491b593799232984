# Salon's load benchmark: see docs/performance.md. Each target builds salon, seeds a fresh site in a temporary
# directory, measures it and deletes it; it installs nothing. nginx is a second static baseline when installed.
#
#   make bench                                   the default run (1,000 posts, 300 comments, 64 connections, 10 s each)
#   make bench-scaling                           the scaling curve (10 to 100,000 posts, 10 to 3,000 comments)
#   make bench BENCH_FLAGS="-json bench.json"    any flag of `go run ./bench -h`

GO ?= go
BENCH_FLAGS ?=

.PHONY: bench bench-scaling

bench:
	$(GO) run ./bench $(BENCH_FLAGS)

bench-scaling:
	$(GO) run ./bench -scaling $(BENCH_FLAGS)
