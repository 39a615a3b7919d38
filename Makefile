# tamalloc: a Linux 6.12 patch adding tamalloc(2), vm_stats(2), mem_stats(2),
# the tools around them and a one-command qemu harness.
#
#   make run      build the patched kernel and the tools, boot, run tamdemo
#   make test     every test: host, guest (patched kernel), harness
#   make shell    interactive shell in the guest
#   make bench    benchmarks, one boot
#   make plot     tamdemo --compare drawn into docs/compare.png (gnuplot)
#
# KSRC=/path/to/linux-6.x uses another kernel tree instead of Debian's.

BUILD ?= $(CURDIR)/build
export BUILD
ifneq ($(KSRC),)
SELFTESTS := $(abspath $(KSRC))/tools/testing/selftests
else
SELFTESTS := $(BUILD)/linux-6.12/tools/testing/selftests
endif
# One user-space build at a time per output folder.
USER_MAKE = mkdir -p $(BUILD) && flock $(BUILD)/.user.lock \
	$(MAKE) --no-print-directory -f Makefile.user SELFTESTS=$(SELFTESTS)

all: images

deps:
	@scripts/deps

kernel: deps
	@scripts/kbuild >/dev/null

kernel-debug: deps
	@scripts/kbuild --debug >/dev/null

host: kernel
	@$(USER_MAKE) O=$(BUILD)/host

# The host programs and tests with ASan and UBSan (tests/san.sh).
host-san: kernel
	@$(USER_MAKE) O=$(BUILD)/host-san SAN=1

# libsmartcols built statically for the guest's tamstat (scripts/smartcols).
smartcols: deps
	@scripts/smartcols $(BUILD)/smartcols

guest: kernel smartcols
	@$(USER_MAKE) O=$(BUILD)/guest STATIC=1 SMARTCOLS=$(BUILD)/smartcols
	@$(USER_MAKE) O=$(BUILD)/guest32 STATIC=1 M32=1 guest-tests

# The base initramfs: busybox, /init, our programs, the guest tests and the
# example scripts.
images: kernel guest
	@scripts/mkinitramfs $(BUILD)/initramfs.cpio $(BUILD)/guest/bin \
		$(BUILD)/guest/tests/guest $(BUILD)/guest32/tests/guest \
		tests/guest examples

images-debug: images kernel-debug

run: images
	scripts/vm-run -- tamdemo

shell: images
	scripts/vm-run --shell

test: images images-debug host host-san
	@tests/run

# The overlay as one patch for `git am` or `patch -p1` on a 6.12 tree.
patch:
	@mkdir -p $(BUILD)
	@scripts/mkpatch >$(BUILD)/tamalloc.patch
	@echo $(BUILD)/tamalloc.patch

# Static analysis only (also part of make test).
check: kernel
	@scripts/check

# Medians and ratios, not pass/fail: see "Benchmarks" in README.md.
bench: images
	scripts/vm-run --mem 2G --timeout 1800 -- tambench

plot: images
	bench/plot-compare docs/compare.png

clean:
	rm -rf $(BUILD)/host $(BUILD)/host-san $(BUILD)/guest $(BUILD)/guest32 \
		$(BUILD)/initramfs.cpio

distclean:
	rm -rf $(BUILD)

.PHONY: all check patch deps smartcols kernel kernel-debug host host-san guest images images-debug run shell test bench plot clean distclean
