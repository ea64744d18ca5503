# Issue 5 in the gpio-sim VM: crash (SIGKILL), power cut (qemu killed, ext4
# state on a virtio disk), control socket abuse, watchdog, ThreadSanitizer.
#   make check-crash	20 kills, 3 power cuts, abuse, watchdog, TSan scenarios,
#			a 12-round randomised MDB session
#   make check-tsan-sim	the sim scenarios and the crash tests, vendd under TSan
#   make soak		property, 200 kills, 50 power cuts, fuzz, a 3000-round
#			MDB session: one summary each
# tests/crash/run drives the VM (see its --help); build/test/vendd is vendd
# with -DVENDD_TEST_HOOKS (the watchdog test's hang), never installed.

CRASH_KILLS		?= 20
CRASH_CUTS		?= 3
CRASH_SOAK_KILLS	?= 200
CRASH_SOAK_CUTS		?= 50
CRASH_MDB_ROUNDS	?= 12
CRASH_SOAK_MDB_ROUNDS	?= 3000
TSAN_SIM_TESTS		?= $(sort $(basename $(notdir $(wildcard tests/sim/scenarios/*.sh)))) \
			   abuse crash tsan-scan

$(B)/crashdrv: tests/crash/crashdrv.c $(SIMLIB)
	@mkdir -p $(@D)
	$(CC) $(TOOL_CFLAGS) -o $@ tests/crash/crashdrv.c

# The test-hook build in its own tree.
crash-bins: $(B)/vendd $(B)/vendctl $(B)/simdrv $(B)/crashdrv $(B)/mdbsim
	$(MAKE) B=build/test CPPFLAGS="$(CPPFLAGS) -DVENDD_TEST_HOOKS" build/test/vendd

tsan-bins: crash-bins
	$(MAKE) B=build/tsan SAN="-fsanitize=thread" build/tsan/vendd

check-crash: crash-bins tsan-bins
	@tests/crash/suite check $(CRASH_KILLS) $(CRASH_CUTS) $(CRASH_MDB_ROUNDS)

check-tsan-sim: tsan-bins
	tests/crash/run --tsan --vendd build/tsan/vendd --kills 5 \
	    --timeout 2400 $(TSAN_SIM_TESTS)

soak: crash-bins
	@tests/crash/suite soak $(CRASH_SOAK_KILLS) $(CRASH_SOAK_CUTS) \
	    $(CRASH_SOAK_MDB_ROUNDS)

# Every crash state of a scripted ledger session (issue 14), no VM: each
# prefix of its writes, syncs and renames, the unsynced writes torn and
# dropped, opened by the ledger. Under ASan+UBSan; prints one line.
$(B)/tests/crashstates: tests/crash/crashstates.c tests/crash/crashsession.c \
    tests/crash/crashrefs.c tests/crash/crashfs.c tests/crash/crashsession.h \
    tests/crash/crashrefs.h tests/crash/crashfs.h $(B)/libvendd.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ tests/crash/crashstates.c \
	    tests/crash/crashsession.c tests/crash/crashrefs.c \
	    tests/crash/crashfs.c $(B)/libvendd.a $(PKG_LIBS)

check-crashstates:
	$(MAKE) B=build/asan SAN="$(ASAN)" crashstates-run

crashstates-run: $(B)/tests/crashstates
	$(B)/tests/crashstates

.PHONY: crash-bins tsan-bins check-crash check-tsan-sim soak check-crashstates \
    crashstates-run
