# tamalloc: a Linux patch (6.1 to 7.3) adding tamalloc(2), vm_stats(2),
# mem_stats(2), the tools around them and a one-command qemu harness.
#
#   make run      build the patched kernel and the tools, boot, run tamdemo
#   make test     every test: host, harness, guest on the kernel matrix,
#                 within TEST_BUDGET minutes on 2 cores
#   make test-full    make test and the suites too long for its budget
#   make test-guest   the guest suite on one kernel (KVER= or KSRC=): the
#                 inner loop after a kernel change
#   make shell    interactive shell in the guest
#   make bench    benchmarks, one boot (ICOUNT=1: instruction counts;
#                 CPUS=N: a kernel built for N CPUs on N vCPUs), then the
#                 Python module and tamstat beside psutil and ps in the
#                 Debian guest (bench-python); recorded with their
#                 environment in docs/benchmarks.md, with its plots
#   make patch    the overlay as one patch against the tree (KVER=/KSRC=)
#   make series   the same as a git format-patch series with a cover letter
#                 (build/series-VERSION; KVER=/KSRC=)
#   make plot     tamdemo --compare drawn into docs/compare.png (gnuplot)
#
# KVER=6.1|6.12|7.3 picks one of Debian's trees (default 6.12; make test
# covers all three), KSRC=/path/to/linux uses your own tree (6.1 to 7.3).
# ARCH=arm64 builds and boots an arm64 kernel and guest instead (run,
# shell, test-guest, bench, kernel, images: cross-built with clang, booted
# on qemu-system-aarch64); make test runs x86_64 and arm64 whatever ARCH
# says.

BUILD ?= $(CURDIR)/build
export BUILD KVER KSRC ARCH
# The guest's architecture (scripts/lib.sh: tam_arch): x86_64 or arm64.
GUEST_ARCH := $(shell ARCH='$(ARCH)' bash -c '. scripts/lib.sh && tam_arch')
ifeq ($(GUEST_ARCH),)
$(error ARCH=$(ARCH): x86_64 (the default) or arm64)
endif
# arm64 user space: clang against Debian's cross libc, LLVM's archiver.
ARM64_CROSS := $(shell bash -c '. scripts/lib.sh && echo "CC=\"$$arm64_cc\" XLDFLAGS=$$arm64_ldflags AR=$$arm64_ar"')
# One user-space build serves every kernel: kselftest_harness.h comes from
# KSRC, or else from Debian's default tree.
KVER_DEFAULT := $(shell bash -c '. scripts/lib.sh && echo $$kver_default')
ifneq ($(KSRC),)
SELFTESTS := $(abspath $(KSRC))/tools/testing/selftests
else
SELFTESTS := $(BUILD)/linux-$(KVER_DEFAULT)/tools/testing/selftests
endif
# $(call user_make,NAME,ARGS...): build user space into $(BUILD)/NAME as a
# step (scripts/step: one updating line on a terminal counting the compiler
# and archiver runs, its log in $(BUILD)/NAME.log); one user-space build at
# a time.
user_make = mkdir -p $(BUILD) && flock $(BUILD)/.user.lock \
	scripts/step "  BUILD   user space: $(1)" $(BUILD)/$(1).log "" '^(cc|gcc|clang[-0-9]*|ar|llvm-ar[-0-9]*) ' -- \
	$(MAKE) --no-print-directory -f Makefile.user SELFTESTS=$(SELFTESTS) O=$(BUILD)/$(1) $(2)

all: images

deps:
	@scripts/deps

# The kernel of KVER (or KSRC) for ARCH.
kernel: kernel-$(GUEST_ARCH)

kernel-x86_64: deps
	@ARCH=x86_64 scripts/kbuild >/dev/null

kernel-arm64: deps
	@ARCH=arm64 scripts/kbuild >/dev/null

kernel-debug: deps
	@ARCH=x86_64 scripts/kbuild --debug >/dev/null

# The KCSAN kernel of the KVER tree (config/kcsan.config; tests/run: kcsan).
kernel-kcsan: deps
	@ARCH=x86_64 scripts/kbuild --kcsan >/dev/null

# The kernels of the other trees that make test boots (none with KSRC=).
kernels-matrix: deps
	@$(if $(KSRC),true,for v in $$(scripts/ksource --others); do \
		KVER=$$v ARCH=x86_64 scripts/kbuild >/dev/null || exit 1; done)

# The debug kernels of the other trees (tests/run: debug-KVER), none with
# KSRC= (its debug kernel is images-debug's).
kernels-debug-matrix: deps
	@$(if $(KSRC),true,for v in $$(scripts/ksource --others); do \
		KVER=$$v ARCH=x86_64 scripts/kbuild --debug >/dev/null || exit 1; done)

# The arm64 kernels that make test boots: the trees of tests/run's
# guest-arm64-KVER suites (scripts/lib.sh: arm64_kvers), or KSRC's.
kernels-arm64: deps
	@$(if $(KSRC),ARCH=arm64 scripts/kbuild >/dev/null,for v in $$(bash -c '. scripts/lib.sh && echo $$arm64_kvers'); do \
		KVER=$$v ARCH=arm64 scripts/kbuild >/dev/null || exit 1; done)

# The tree whose kselftest_harness.h the user-space build uses.
selftests: deps
	@$(if $(KSRC),true,scripts/ksource >/dev/null)

host: selftests
	@$(call user_make,host)

# The host programs and tests with ASan and UBSan (tests/san.sh).
host-san: selftests
	@$(call user_make,host-san,SAN=1)

# libsmartcols built statically for the guest's tamstat (scripts/smartcols).
smartcols: deps
	@scripts/smartcols $(BUILD)/smartcols

guest: selftests smartcols
	@$(call user_make,guest,STATIC=1 SMARTCOLS=$(BUILD)/smartcols)
	@$(call user_make,guest32,STATIC=1 M32=1 guest-tests)

# The arm64 guest's programs and tests (64-bit only), cross-built, with
# libsmartcols cross-built the same way; and the library's host test, which
# tests/run's host suite runs under qemu-aarch64 (the host kernel lacks the
# syscalls: the arm64 library's probe and fallback).
smartcols-arm64: deps
	@ARCH=arm64 scripts/smartcols $(BUILD)/smartcols-arm64

guest-arm64: selftests smartcols-arm64
	@$(call user_make,guest-arm64,STATIC=1 SMARTCOLS=$(BUILD)/smartcols-arm64 $(ARM64_CROSS) progs guest-tests $(BUILD)/guest-arm64/tests/host/lib_test)

# make install [PREFIX=/usr/local] [DESTDIR=]: the tools, libtamalloc
# (static and shared), its headers, tamalloc.pc and the man pages, built in
# $(BUILD)/host; make uninstall (same PREFIX and DESTDIR) removes them again.
install: deps
	@$(call user_make,host,progs lib shlib python)
	@$(MAKE) --no-print-directory -f Makefile.user O=$(BUILD)/host install

uninstall:
	@$(MAKE) --no-print-directory -f Makefile.user O=$(BUILD)/host uninstall

# build/deb/tamalloc-tools_VERSION_ARCH.deb from a make install with
# PREFIX=/usr (scripts/mkdeb-tools).
deb-tools: deps
	@scripts/mkdeb-tools

# The base initramfs: busybox, /init, our programs, the guest tests and the
# example scripts; and the kernel to boot it, for ARCH.
images: images-$(GUEST_ARCH)

images-x86_64: kernel-x86_64 guest
	@ARCH=x86_64 scripts/mkinitramfs $(BUILD)/initramfs.cpio $(BUILD)/guest/bin \
		$(BUILD)/guest/tests/guest $(BUILD)/guest32/tests/guest \
		tests/guest examples

images-debug: images-x86_64 kernel-debug

# arm64: Debian's busybox-static:arm64 (scripts/busybox), no 32-bit tests.
initramfs-arm64: guest-arm64
	@ARCH=arm64 scripts/mkinitramfs $(BUILD)/initramfs-arm64.cpio $(BUILD)/guest-arm64/bin \
		$(BUILD)/guest-arm64/tests/guest tests/guest examples

images-arm64: kernel-arm64 initramfs-arm64

# Debian packages of the patched kernel into $(BUILD)/deb (scripts/kdeb):
# the kernel of config/distro.config that boots the Debian guest, or with
# KCONFIG=FILE [LOCALMOD=1] a machine's own config plus the syscalls.
deb: deps
	@scripts/kdeb >/dev/null

# The kernel package of the machine image's lifecycle suites
# (scripts/kdeb --machine: config/machine.config, disk and ext4 as modules).
deb-machine: deps
	@scripts/kdeb --machine >/dev/null

# The arm64 machine image's kernel package and the image (tests/run
# machine-arm64, part of make test): cross-built with clang, the image
# with mmdebstrap through qemu-user-static.
deb-machine-arm64: deps
	@ARCH=arm64 scripts/kdeb --machine >/dev/null

image-machine-arm64: deps
	@ARCH=arm64 scripts/machine-image >/dev/null

# The kernel package built from Debian's own 6.12 config, trimmed by
# localmodconfig to the machine image's modules (config/machine.lsmod), as
# docs/install.md has a user build it for a machine without Debian's tree
# at hand; tests/run machine-debian boots it.  Too long a build for make
# test's budget (34 minutes cold here): make test-full builds it.
deb-debian: deps
	@k=$$(scripts/debian-config 6.12) && \
		KCONFIG=$$k LOCALMOD=1 LSMOD=config/machine.lsmod ARCH=x86_64 scripts/kdeb >/dev/null

# The config make deb would build (the same KCONFIG=, LOCALMOD=, LSMOD=),
# made without compiling anything; prints its path.
deb-config: deps
	@scripts/kdeb --config

# The Debian 12 guest of `scripts/vm-run --distro` (scripts/debian-image):
# the distro kernel's package, and tamalloc-tools when $(BUILD)/deb has it.
image-debian: deps
	@KCONFIG= LOCALMOD= ARCH=x86_64 scripts/kdeb >/dev/null
	@scripts/debian-image >/dev/null

# The machine image of `scripts/vm-run --machine` (scripts/machine-image):
# GPT, EFI system partition, GRUB for UEFI and BIOS, Debian's own kernel;
# kept in the machine's cache.
image-machine: deps
	@scripts/machine-image >/dev/null

run: images
	scripts/vm-run --arch $(GUEST_ARCH) -- tamdemo

shell: images
	scripts/vm-run --arch $(GUEST_ARCH) --shell

# What make test builds before its suites: the kernels through ccache,
# the Debian image from the cached base, the machine images from the
# cache (scripts/lib.sh: tam_cache), x86_64's and arm64's (tests/run
# machine-arm64: its kernel package and the static arm64 tools).
TEST_BUILD := images-x86_64 images-debug kernel-kcsan kernels-matrix kernels-debug-matrix kernels-arm64 \
	initramfs-arm64 host host-san deb-tools image-debian deb-machine image-machine \
	guest-arm64 deb-machine-arm64 image-machine-arm64
# Minutes make test may take from a fresh clone on 2 cores: bare (nothing
# cached, packages to install) and with a warm cache.  CI stops at 90.
# Warm, every kernel from the cache: half of CI's 90, the other half for a
# change that rebuilds kernels (docs/testing.md, "The build cache").
TEST_BUDGET ?= 75
TEST_BUDGET_WARM ?= 45
# $(call timed_build,TARGETS): build TARGETS between two marks that
# tests/run reads for its summary (the build's time, the cache's hits).
timed_build = mkdir -p $(BUILD)/test-logs && \
	scripts/budget mark $(BUILD)/test-logs/build.begin && \
	$(MAKE) --no-print-directory $(1) && \
	scripts/budget mark $(BUILD)/test-logs/build.end

test:
	@$(call timed_build,deps $(TEST_BUILD))
	@TAM_TIMED_BUILD=1 TAM_BUDGET=$(TEST_BUDGET):$(TEST_BUDGET_WARM) tests/run

# Everything make test runs, and the suites too long for its budget
# (tests/run --full: the 32,000-process scale check of stress-scale, and
# the lifecycle with the kernel of Debian's own config, machine-debian).
test-full:
	@$(call timed_build,deps $(TEST_BUILD) deb-debian)
	@TAM_TIMED_BUILD=1 tests/run --full

# The Debian 12 guest's suite alone (tests/distro/run-distro-tests):
# systemd, procps, the packages as installed (also part of make test).
test-distro: guest deb-tools image-debian
	@tests/run distro

# The lifecycle suites alone (tests/machine/run-lifecycle): dpkg -i of our
# kernel and tools in the machine image, a reboot through the firmware and
# GRUB into ours, back to Debian's kernel, dpkg -P; UEFI and BIOS; and
# Secure Boot (tests/machine/run-secureboot).
test-machine: guest deb-tools deb-machine image-machine
	@tests/run machine machine-bios machine-sb

# The lifecycle, UEFI then BIOS, with the kernel of Debian's own config
# (make deb-debian) instead of the small one: docs/install.md's "A Debian
# config without a Debian machine" (part of make test-full).
test-machine-debian: guest deb-tools deb-debian image-machine
	@tests/run machine-debian

# One kernel's guest suite, 64- and 32-bit (KVER=7.3, KSRC=...): the inner
# loop after a kernel change.
test-guest: images
	@tests/run guest

# The overlay as one patch for `git am` or `patch -p1` on the tree it is
# made from (KVER= or KSRC=; Debian's 6.12 by default).
patch: deps
	@scripts/mkpatch --file

# The overlay as a kernel patch series (scripts/series): cover letter and
# one patch per logical step, from pkg/series/steps, in
# build/series-VERSION for git am or git send-email.
series: deps
	@scripts/series

# The series checked as tests/run's series suite checks it: git am on each
# tree, checkpatch per patch, kernel-doc, a build after each patch on the
# default tree and the selftests through run_kselftest.sh in the guest.
test-series: images-x86_64
	@tests/run series

# Static analysis only (also part of make test).
check: kernel-x86_64 kernels-matrix
	@scripts/check

# Medians and ratios, not pass/fail, recorded in docs/benchmarks.md with
# the environment they ran in (bench/record-bench, bench/benchmarks.py:
# one section per kernel, vCPUs and clock, which the next run of the same
# key replaces) and drawn into docs/bench-procs.png and bench-cpus.png.
# ICOUNT=1: every time is a count of guest instructions (scripts/vm-run
# --icount), which does not depend on how busy the host is.
# CPUS=N: the test kernel built for N CPUs (scripts/kbuild --nr-cpus N),
# booted with N vCPUs, for what the syscalls cost as the CPU count grows.
# Then, on x86_64, bench-python (BENCH_PYTHON=0 leaves it out).
# BENCH_RECORD=0 runs them without touching docs/.
bench_cmd = make $(1)$(if $(filter arm64,$(GUEST_ARCH)), ARCH=arm64)$(if $(KSRC), KSRC=$(KSRC),$(if $(KVER), KVER=$(KVER)))$(if $(filter 1,$(ICOUNT)), ICOUNT=1)$(2)
bench: images
	bench/record-bench --command "$(call bench_cmd,bench,$(if $(CPUS), CPUS=$(CPUS))$(if $(TAMBENCH_ARGS), TAMBENCH_ARGS='$(TAMBENCH_ARGS)'))" -- \
		--arch $(GUEST_ARCH) --mem 4G --timeout 7200 $(if $(filter 1,$(ICOUNT)),--icount) \
		$(if $(CPUS),--cpus $(CPUS) $(if $(filter-out 2,$(CPUS)),--kernel-cpus $(CPUS))) -- tambench $(TAMBENCH_ARGS)
	@$(if $(filter x86_64,$(GUEST_ARCH)),$(if $(filter 0,$(BENCH_PYTHON)),,$(MAKE) --no-print-directory bench-python))

# The Python module against psutil and tamstat against ps, at BENCH_PROCS
# idle processes, in one boot of the Debian guest (python/bench.py prints
# the table and the two ratios, recorded in docs/benchmarks.md as make
# bench's are).  The image has no psutil: Debian's python3-psutil goes in
# as a .deb (apt-get download, once) on the second disk and is installed
# for the run; the image itself never changes.
BENCH_PROCS ?= 1000
bench-python: deb-tools image-debian
	@mkdir -p $(BUILD)/bench-debs && cd $(BUILD)/bench-debs && \
		{ ls python3-psutil_*.deb >/dev/null 2>&1 || apt-get download python3-psutil >/dev/null; }
	@tar -C $(BUILD)/bench-debs -cf $(BUILD)/bench-debs.tar .
	bench/record-bench --python --cpus 2 --command "$(call bench_cmd,bench-python,$(if $(filter-out 1000,$(BENCH_PROCS)), BENCH_PROCS=$(BENCH_PROCS)))" -- \
		--distro --mem 2G --timeout 3600 $(if $(filter 1,$(ICOUNT)),--icount) \
		--add python/bench.py --disk $(BUILD)/bench-debs.tar -- bash -c \
		'set -e; mkdir /tmp/debs; tar -C /tmp/debs -xf /dev/vdb; dpkg -i /tmp/debs/*.deb >/dev/null; python3 /bench.py $(BENCH_PROCS)'

# docs/benchmarks.md and its plots drawn again from the runs it holds
# (after an edit of bench/benchmarks-head.md or of the generator).
bench-docs:
	bench/benchmarks.py

# The scale check of the walks alone (tests/run scale, also part of make
# test-full): the churn test with STRESS_IDLE idle processes on the debug
# kernel; any kernel report fails it.
STRESS_IDLE ?= 32000
stress-scale: images-debug
	@STRESS_IDLE=$(STRESS_IDLE) tests/run scale

plot: images
	bench/plot-compare docs/compare.png

clean:
	rm -rf $(BUILD)/host $(BUILD)/host-san $(BUILD)/guest $(BUILD)/guest32 \
		$(BUILD)/guest-arm64 $(BUILD)/initramfs.cpio $(BUILD)/initramfs-arm64.cpio

distclean:
	rm -rf $(BUILD)

.PHONY: all install uninstall deb-tools check patch series test-series deps smartcols selftests kernels-matrix test-guest kernel kernel-debug host host-san guest images images-debug run shell test bench stress-scale plot clean distclean
.PHONY: deb deb-debian test-machine-debian deb-machine deb-machine-arm64 deb-config image-debian image-machine image-machine-arm64 test-distro test-machine test-full bench-python bench-docs
.PHONY: kernels-debug-matrix kernel-kcsan kernel-x86_64 kernel-arm64 kernels-arm64 smartcols-arm64 guest-arm64 initramfs-arm64 images-x86_64 images-arm64
