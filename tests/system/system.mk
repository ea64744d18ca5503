# The package, installed and booted (issue 15): make check-system.
#
#   make check-system                  Debian 12 image, this machine's arch
#   make check-system SUITE=trixie     Debian 13 image
#   make check-system ARCH=arm64       the board's architecture, under
#                                      qemu-system-aarch64 (slow: make soak)
#   make check-system BREAK=udev|user  a broken package: the checks must fail
#
# Boots the freshly built package in a Debian system under qemu with systemd
# as PID 1 and gpio-sim (tests/system/run). Needs root.

SUITE		?= bookworm

check-system: deb
	tests/system/run --suite $(SUITE) $(if $(BREAK),--break $(BREAK)) $(DEB_FILE)

# The board's architecture belongs to the long run; its time is printed.
soak: soak-system
soak-system:
	$(MAKE) check-system ARCH=arm64

.PHONY: check-system soak-system
