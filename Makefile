# vendd: a vending machine controller daemon. See README.md.
.SUFFIXES:

PREFIX		?= /usr/local
SBINDIR		?= $(PREFIX)/sbin
BINDIR		?= $(PREFIX)/bin
SYSCONFDIR	?= $(PREFIX)/etc
MANDIR		?= $(PREFIX)/share/man
DATADIR		?= $(PREFIX)/share
PKG_CONFIG	?= pkg-config
CFLAGS		?= -O2 -g

# Where objects go; the sanitizer builds use their own trees.
B		?= build
SAN		?=

PKGS		= libgpiod libevent_core inih json-c libevdev
PKG_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags $(PKGS))
PKG_LIBS	:= $(shell $(PKG_CONFIG) --libs $(PKGS))
ALL_CFLAGS	= $(CFLAGS) $(SAN) -std=gnu11 -D_GNU_SOURCE -pthread \
		  -Wall -Wextra -Wshadow -Wmissing-prototypes -Werror \
		  -Idaemon -Igpio $(PKG_CFLAGS) $(CPPFLAGS) \
		  -DVENDD_SYSCONFDIR='"$(SYSCONFDIR)"'
ALL_LDFLAGS	= $(LDFLAGS) $(SAN) -pthread

LIB_SRCS	= daemon/log.c daemon/msg.c daemon/proc.c daemon/config.c \
		  daemon/config_keys.c daemon/config_value.c daemon/config_print.c \
		  daemon/config_check.c \
		  daemon/coin.c daemon/panel.c daemon/sales.c daemon/sales_service.c daemon/sales_card.c \
		  daemon/arm.c \
		  daemon/display.c daemon/display_core.c daemon/display_encode.c \
		  daemon/keypad.c daemon/keypad_core.c \
		  daemon/cooling.c daemon/ledger.c daemon/ledger_codec.c \
		  daemon/ledger_rules.c daemon/ledger_store.c \
		  daemon/ledger_events.c daemon/ledger_operator.c daemon/ledger_mdb.c \
		  daemon/control_protocol.c daemon/control_listen.c \
		  daemon/control_socket.c daemon/control_operator.c \
		  daemon/control_audit.c daemon/dex.c daemon/change.c \
		  daemon/mdb_codec.c daemon/mdb_core.c daemon/mdb_link.c daemon/mdb.c \
		  daemon/mdb_validator.c daemon/mdb_reader.c daemon/mdb_msgs.c \
		  daemon/notify.c daemon/outputs_file.c daemon/line_request.c \
		  daemon/safe_outputs.c daemon/trace.c daemon/tune.c gpio/gpio.c gpio/edge.c
LIB_OBJS	= $(LIB_SRCS:%.c=$(B)/%.o)
UNIT_TESTS	= transport config edge coin panel sales arm cooling ledger \
		  ledger_codec ledger_store control_protocol control_socket wiring \
		  outputs_file display keypad dex ledger_operator sales_service \
		  change mdb_codec mdb_core mdb_link mdb_validator mdb_reader ledger_mdb
UNIT_BINS	= $(UNIT_TESTS:%=$(B)/tests/test_%)

all: $(B)/vendd $(B)/vendctl $(B)/simdrv $(B)/lcdscreen $(B)/simkeys \
    $(B)/mdbsim

$(B)/%.o: %.c daemon/*.h gpio/*.h
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/libvendd.a: $(LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $(LIB_OBJS)

$(B)/vendd: $(B)/daemon/main.o $(B)/libvendd.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(B)/daemon/main.o $(B)/libvendd.a $(PKG_LIBS)

$(B)/vendctl: $(B)/daemon/vendctl.o $(B)/daemon/vendctl_ops.o
	$(CC) $(ALL_LDFLAGS) -o $@ $(B)/daemon/vendctl.o \
	    $(B)/daemon/vendctl_ops.o $(shell $(PKG_CONFIG) --libs json-c)

# The test tools (simdrv here, the others in the .mk files): one file each,
# sharing the helpers of tests/sim/simlib.h.
TOOL_CFLAGS	= $(CFLAGS) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wshadow \
		  -Wmissing-prototypes -Werror -Itests/sim
SIMLIB		= tests/sim/simlib.h

$(B)/simdrv: tests/sim/simdrv.c $(SIMLIB)
	@mkdir -p $(@D)
	$(CC) $(TOOL_CFLAGS) -o $@ tests/sim/simdrv.c

# What a customer would read: the display's bytes decoded into rows.
$(B)/lcdscreen: tests/sim/lcdscreen.c tests/sim/screendec.h $(SIMLIB)
	@mkdir -p $(@D)
	$(CC) $(TOOL_CFLAGS) -o $@ tests/sim/lcdscreen.c

# A keypad the kernel sees as an input device (uinput), typed by scenarios.
$(B)/simkeys: tests/sim/simkeys.c $(SIMLIB)
	@mkdir -p $(@D)
	$(CC) $(TOOL_CFLAGS) $(shell $(PKG_CONFIG) --cflags libevdev) -o $@ \
	    tests/sim/simkeys.c $(shell $(PKG_CONFIG) --libs libevdev)

# The simulated MDB bus (adapter on a pty, changer, validator, card reader),
# tests/mdb/README.md; none of vendd's own MDB code.
$(B)/mdbsim: tests/mdb/mdbsim.c tests/mdb/control.c tests/mdb/changer.c \
    tests/mdb/validator.c tests/mdb/cashless.c tests/mdb/mdbsim.h $(SIMLIB)
	@mkdir -p $(@D)
	$(CC) $(TOOL_CFLAGS) -o $@ $(filter %.c,$^)

$(B)/tests/test_%: tests/unit/test_%.c tests/unit/*.h tests/sim/screendec.h \
    $(B)/libvendd.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests/unit -Itests/sim -DSRCDIR='"$(CURDIR)"' -o $@ $< \
	    $(B)/libvendd.a $(PKG_LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

# Unit tests: pure cores with a fake clock, the transport, the ledger on a
# temp dir. Under AddressSanitizer and UndefinedBehaviorSanitizer.
ASAN		= -fsanitize=address,undefined -fno-omit-frame-pointer \
		  -fno-sanitize-recover=all
check-unit:
	$(MAKE) B=build/asan SAN="$(ASAN)" unit-run

unit-run: $(UNIT_BINS)
	@tests/unit/run $(UNIT_BINS)

# The threaded transport under ThreadSanitizer.
check-tsan:
	$(MAKE) B=build/tsan SAN="-fsanitize=thread" build/tsan/tests/test_transport
	TSAN_OPTIONS=halt_on_error=1 build/tsan/tests/test_transport

# The gpio-sim VM: the real kernel GPIO stack under qemu.
check-sim: all
	tests/sim/run-vm

# Everything the project has, short versions (make soak: the full counts).
check: check-unit check-tsan check-property check-fuzz check-crashstates \
    check-sim check-crash check-bench

demo: all
	tests/sim/run-vm --demo

install: $(B)/vendd $(B)/vendctl
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(SYSCONFDIR)/vendd $(DESTDIR)$(DATADIR)/vendd
	install -m 755 $(B)/vendd $(DESTDIR)$(SBINDIR)/vendd
	install -m 755 $(B)/vendctl $(DESTDIR)$(BINDIR)/vendctl
	install -m 644 etc/vendd.ini $(DESTDIR)$(SYSCONFDIR)/vendd/vendd.ini
	install -m 644 gpio/vendd-overlay.dts gpio/vendd-keypad-overlay.dts \
	    gpio/vendd-board.txt \
	    $(DESTDIR)$(DATADIR)/vendd/
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(MANDIR)/man8
	install -m 644 daemon/vendctl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 daemon/vendd.ini.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 644 daemon/vendd.8 $(DESTDIR)$(MANDIR)/man8/

include tests/fuzz/fuzz.mk
include tests/package/package.mk
include tests/crash/crash.mk
include tests/bench/bench.mk
include tests/system/system.mk

clean:
	rm -rf build

.PHONY: all check check-unit unit-run check-tsan check-sim demo install clean
