# Debian package targets (issue 4): make deb, make check-package.
#
#   make deb               build/deb/vendd_VERSION_ARCH.deb for this machine
#   make deb ARCH=arm64    the same, cross-built for the board (also armhf) in
#                          a cached Debian 12 cross chroot, unit tests run under
#                          qemu-user there (root, debootstrap; see build-deb)
#   make check-package     lintian, then install, upgrade, remove and purge the
#                          package in Debian 12 and 13 chroots (root, debootstrap);
#                          with ARCH=arm64, lintian only
#
# dpkg-buildpackage runs in a copy of the tree under build/deb/src, so the
# package's `make clean` never touches build/ and the .deb lands in build/deb/
# rather than in the repo's parent directory.

DEB_DIR		= build/deb
DEB_ARCH	= $(if $(ARCH),$(ARCH),$(shell dpkg --print-architecture))
DEB_VERSION	= $(shell dpkg-parsechangelog -l debian/changelog -S Version)
DEB_FILE	= $(DEB_DIR)/vendd_$(DEB_VERSION)_$(DEB_ARCH).deb

deb:
	tests/package/build-deb $(DEB_DIR) $(DEB_ARCH)

check-package: deb
	tests/package/check-package $(DEB_FILE)

.PHONY: deb check-package
