# Issue 6: vendd's speed and footprint budgets, measured in the gpio-sim VM.
#   make bench		1000 vends against the floor, footprint, 60 s idle,
#			10000 coin trains under load, 20 starts; table + one line
#   make check-bench	the same, a few hundred events: proves it runs (CI)
#   make bench-trace	a short bench of a traced build: where the vend's time goes
# tests/bench/run drives the VM (see its --help); results in build/bench/.

BENCH_VENDS	?= 1000
BENCH_COINS	?= 10000
BENCH_IDLE_S	?= 60
BENCH_STARTS	?= 20

$(B)/prober: tests/bench/prober.c $(SIMLIB)
	@mkdir -p $(@D)
	$(CC) $(TOOL_CFLAGS) -o $@ tests/bench/prober.c

$(B)/floor: tests/bench/floor.c $(SIMLIB)
	@mkdir -p $(@D)
	$(CC) $(TOOL_CFLAGS) $(shell $(PKG_CONFIG) --cflags libgpiod) -o $@ \
	    tests/bench/floor.c $(shell $(PKG_CONFIG) --libs libgpiod)

# What one message hop costs in the VM, apart from vendd (the last part).
$(B)/hops: tests/bench/hops.c $(SIMLIB)
	@mkdir -p $(@D)
	$(CC) $(TOOL_CFLAGS) $(shell $(PKG_CONFIG) --cflags libevent_core) -o $@ \
	    tests/bench/hops.c $(shell $(PKG_CONFIG) --libs libevent_core) \
	    -lpthread

bench-bins: all $(B)/prober $(B)/floor $(B)/hops

bench: bench-bins
	tests/bench/run --vends $(BENCH_VENDS) --coins $(BENCH_COINS) \
	    --idle $(BENCH_IDLE_S) --starts $(BENCH_STARTS)

# CI: proves the bench still runs; never fails on a timing.
check-bench: bench-bins
	tests/bench/run --smoke --vends 200 --coins 300 --idle 5 --starts 5

# Where the vend's and the coin's time goes: vendd built with -DVENDD_TRACE
# (each thread marks the messages it sends and receives, main its start-up
# phases, all printed at exit) and a short bench that adds a step-by-step
# table of medians (tests/bench/trace-path.awk).
bench-trace:
	$(MAKE) B=build/trace CPPFLAGS="$(CPPFLAGS) -DVENDD_TRACE" bench-bins
	BUILD=$(CURDIR)/build/trace tests/bench/run --vends 300 --coins 100 \
	    --idle 1 --starts 7

.PHONY: bench-bins bench check-bench bench-trace
