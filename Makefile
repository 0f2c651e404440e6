# SPDX-License-Identifier: GPL-2.0
#
# kmodlab: build out-of-tree modules for arm64 and prove them in QEMU.
#
#   make            cross-build every module (fetches Debian's headers once)
#   make test       boot them in Debian's arm64 kernel under QEMU and run tests/
#   make test-matrix  'make test' on every kernel of MATRIX, then one table
#                   of kernel x check
#   make test-all   everything CI runs (test-matrix)
#   make demo       boot and walk through the tutorial's commands
#   make shell      boot and get a shell in the guest
#   make bench      time 'make test' against a bare boot of the same image
#   make setup      install the host packages, fetch the kernel and guest
#   make clean      leave the tree as cloned
#
# Variables (on the command line or in the environment):
#   KERNEL         a kernel of qemu/kernels/ to build for and boot (6.1):
#                  5.10, 6.1, 6.12 (Debian's) or edge (built from sid's
#                  linux-source with KASAN, kmemleak, lockdep and UBSAN)
#   MATRIX         the kernels test-matrix runs (5.10 6.1 6.12 edge)
#   EDGE_VERSION   the linux-source-<version> of the edge kernel (sid's newest)
#   KDIR           the kernel tree to build against (default: KERNEL's
#                  cached Debian headers; e.g. a LubanCat SDK kernel, or
#                  /lib/modules/$(uname -r)/build on the board)
#   ARCH           arm64
#   CROSS_COMPILE  aarch64-linux-gnu- (empty when the host is arm64)
#   KMODLAB_CACHE  downloads (${XDG_CACHE_HOME:-~/.cache}/kmodlab)
#   TIMEOUT        seconds a guest may run before it counts as hung (120)

KERNEL ?= 6.1
MATRIX ?= 5.10 6.1 6.12 edge
KMODLAB_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/kmodlab
KCACHE := $(KMODLAB_CACHE)/kernels/$(KERNEL)
KDIR ?= $(KCACHE)/build
ARCH ?= arm64
CROSS_COMPILE ?= $(if $(filter aarch64 arm64,$(shell uname -m)),,aarch64-linux-gnu-)
export KERNEL KMODLAB_CACHE

# The kernel's settings (name=value): make_flags, the make flags its
# headers need (e.g. another CC than the one they name), apply to them only.
-include qemu/kernels/$(KERNEL).conf

BUILD := build/$(KERNEL)
BASE := build/guest-base.cpio.gz
INITRD := $(BUILD)/initramfs.cpio.gz
KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) \
	 $(if $(filter file,$(origin KDIR)),$(make_flags))
BOOT = qemu/boot.sh -l $(BUILD)/$@.log
HOST_TESTS = $(patsubst tests/%,%,$(wildcard tests/host/test-*.sh))
export KDIR ARCH CROSS_COMPILE

all: modules

.DELETE_ON_ERROR:

# The cached headers are fetched the first time they are needed.
ifeq ($(origin KDIR),file)
modules: setup
endif
modules:
	$(KBUILD) modules

setup:
	@scripts/setup.sh

$(BASE): qemu/mkinitramfs.sh $(KMODLAB_CACHE)/guest/.ready
	@mkdir -p $(@D)
	qemu/mkinitramfs.sh base $(KMODLAB_CACHE)/guest/root $@

$(KMODLAB_CACHE)/guest/.ready: setup

# Rebuilt every time: it is small, and Kbuild alone knows what changed.
image: modules setup $(BASE)
	@mkdir -p $(BUILD)
	qemu/mkinitramfs.sh overlay $(KCACHE) $(BUILD)/overlay.cpio.gz
	cat $(BASE) $(BUILD)/overlay.cpio.gz > $(INITRD)

# The host's checks (tests/host/), then the guest's, then the guest
# kernel's own reports (KASAN, kmemleak, lockdep, UBSAN, BUG, WARNING)
# read from the console log: one verdict for all three.
test: image
	tests/run.sh $(HOST_TESTS) | tee $(BUILD)/host.log
	$(BOOT) $(KCACHE)/vmlinuz $(INITRD) kmodlab_run=tests; \
	booted=$$?; \
	awk -v kmemleak=$(kmemleak) -f qemu/kernel-log.awk $(BUILD)/$@.log | \
		tee $(BUILD)/kernel-log.log; \
	awk -f qemu/verdict.awk $(BUILD)/host.log $(BUILD)/$@.log \
		$(BUILD)/kernel-log.log && exit $$booted

# Each kernel in turn (fetched or built first if need be, in view), its
# modules built afresh with W=1 (a warning fails it): the output of each
# run in build/<kernel>/make.log, the results in one table.
test-matrix:
	@fail=0; for k in $(MATRIX); do \
		mkdir -p build/$$k && rm -f build/$$k/*.log; \
		env -u KDIR $(MAKE) --no-print-directory KERNEL=$$k setup || fail=1; \
		start=$$(date +%s); \
		printf 'test-matrix: %s ... ' $$k; \
		{ env -u KDIR $(MAKE) --no-print-directory KERNEL=$$k modules-clean && \
		  env -u KDIR $(MAKE) --no-print-directory KERNEL=$$k W=1 test; \
		} > build/$$k/make.log 2>&1 || fail=1; \
		echo "$$(tail -n 1 build/$$k/make.log) ($$(($$(date +%s) - start)) s)"; \
	done; \
	scripts/matrix.sh $(MATRIX) && exit $$fail

test-all: test-matrix

demo: image
	$(BOOT) $(KCACHE)/vmlinuz $(INITRD) kmodlab_run=demo

shell: image
	$(BOOT) -i $(KCACHE)/vmlinuz $(INITRD) kmodlab_run=shell

bench: image
	scripts/bench.sh $(KCACHE)/vmlinuz $(INITRD)

# What Kbuild built here, for KERNEL; the logs in build/ stay.
modules-clean:
	$(if $(wildcard $(KDIR)/Makefile),$(KBUILD) clean)

clean: modules-clean
	rm -rf build

.PHONY: all modules setup image test test-matrix test-all demo shell bench \
	modules-clean clean
