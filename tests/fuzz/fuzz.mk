# Fuzzing and the property test (issue 5): make fuzz, make check-property.
#
# libFuzzer targets, built with clang into build/fuzz/ (their own objects:
# the daemon sources each one needs are compiled into it directly, with
# coverage, ASan and UBSan). Needs clang and libclang-rt-14-dev.
#   make check-fuzz	replay seeds and regressions, then FUZZ_SMOKE_SECONDS each (CI)
#   make fuzz		FUZZ_SECONDS per target
#   make soak-fuzz	FUZZ_SOAK_SECONDS per target
# A crash leaves build/fuzz/artifacts/TARGET/crash-*: copy it to
# tests/fuzz/regress/TARGET/ with the fix, and check-fuzz replays it forever.

FUZZ_CC			?= clang
FUZZ_SECONDS		?= 600
FUZZ_SMOKE_SECONDS	?= 20
FUZZ_SOAK_SECONDS	?= 3600
FUZZ_TARGETS		= config ledger control
FUZZ_BINS		= $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)
FUZZ_CFLAGS		= -g -O1 -fno-omit-frame-pointer \
			  -fsanitize=fuzzer,address,undefined \
			  -fno-sanitize-recover=all -std=gnu11 -D_GNU_SOURCE \
			  -pthread -Wall -Wextra -Wshadow -Wmissing-prototypes \
			  -Werror -Idaemon -Igpio $(PKG_CFLAGS)

# The daemon sources each target needs (log.c: the cores' logging).
FUZZ_SRCS_config	= daemon/config.c daemon/config_keys.c \
			  daemon/config_value.c daemon/config_print.c \
			  daemon/config_check.c daemon/log.c
FUZZ_SRCS_control	= daemon/control_protocol.c daemon/config.c \
			  daemon/config_keys.c daemon/config_value.c \
			  daemon/config_print.c daemon/config_check.c daemon/log.c \
			  daemon/msg.c daemon/proc.c daemon/cooling.c gpio/gpio.c \
			  gpio/edge.c
FUZZ_SRCS_ledger	= daemon/ledger_codec.c daemon/ledger_rules.c daemon/ledger_mdb.c daemon/msg.c \
			  daemon/config.c daemon/config_keys.c \
			  daemon/config_value.c daemon/config_print.c \
			  daemon/config_check.c daemon/log.c

fuzz-build: $(FUZZ_BINS)

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c daemon/*.c daemon/*.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS_$*) $(PKG_LIBS)

# Replay the seed corpus and every regression input, then fuzz briefly.
check-fuzz: $(FUZZ_BINS)
	@tests/fuzz/run --replay $(FUZZ_TARGETS)
	@tests/fuzz/run --seconds $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

fuzz: $(FUZZ_BINS)
	@tests/fuzz/run --seconds $(FUZZ_SECONDS) $(FUZZ_TARGETS)

soak-fuzz: $(FUZZ_BINS)
	@tests/fuzz/run --seconds $(FUZZ_SOAK_SECONDS) $(FUZZ_TARGETS)

.PHONY: fuzz-build check-fuzz fuzz soak-fuzz

include tests/property/property.mk

# Regenerate the ledger seeds from a real ledger (committed; rarely needed).
fuzz-corpus: build/fuzz/mkcorpus
	rm -rf build/fuzz/mkcorpus.state
	build/fuzz/mkcorpus etc/vendd.ini build/fuzz/mkcorpus.state \
	    tests/fuzz/corpus/ledger
build/fuzz/mkcorpus: tests/fuzz/mkcorpus.c $(B)/libvendd.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(B)/libvendd.a $(PKG_LIBS)

.PHONY: fuzz-corpus
