# The property test (issue 5): the pure cores and a real ledger together,
# random stimuli, simulated crashes, invariants after every event.
#   make check-property	PROPERTY_EVENTS (100000) under ASan+UBSan (CI)
#   make soak-property	PROPERTY_SOAK_EVENTS (1000000)
# Replay one run: make check-property PROPERTY_SEED=N PROPERTY_EVENTS=N, or
# build/asan/tests/property -s SEED -n EVENTS -v (-v: the daemon's log).
PROPERTY_SEED		?= 20240501
PROPERTY_EVENTS		?= 100000
PROPERTY_SOAK_EVENTS	?= 1000000

$(B)/tests/property: tests/property/property.c tests/property/operator.c \
    tests/property/mdb.c \
    tests/property/property.h $(B)/libvendd.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DSRCDIR='"$(CURDIR)"' -o $@ \
	    tests/property/property.c tests/property/operator.c \
	    tests/property/mdb.c $(B)/libvendd.a $(PKG_LIBS)

check-property:
	$(MAKE) B=build/asan SAN="$(ASAN)" property-run

soak-property:
	$(MAKE) B=build/asan SAN="$(ASAN)" property-run \
	    PROPERTY_EVENTS=$(PROPERTY_SOAK_EVENTS)

property-run: $(B)/tests/property
	$(B)/tests/property -s $(PROPERTY_SEED) -n $(PROPERTY_EVENTS)

.PHONY: check-property soak-property property-run
