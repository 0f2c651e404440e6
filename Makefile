# SPDX-License-Identifier: GPL-2.0
#
# kmodlab: build out-of-tree modules for arm64 and prove them in QEMU.
#
#   make            cross-build every module (fetches Debian's headers once)
#   make test       boot them in Debian's arm64 kernel under QEMU and run tests/
#   make demo       boot and walk through the tutorial's commands
#   make shell      boot and get a shell in the guest
#   make bench      time 'make test' against a bare boot of the same image
#   make setup      install the host packages, fetch the kernel and guest
#   make clean      leave the tree as cloned
#
# Variables (on the command line or in the environment):
#   KERNEL         a kernel of qemu/kernels/ to build for and boot (6.1)
#   KDIR           the kernel tree to build against (default: KERNEL's
#                  cached Debian headers; e.g. a LubanCat SDK kernel, or
#                  /lib/modules/$(uname -r)/build on the board)
#   ARCH           arm64
#   CROSS_COMPILE  aarch64-linux-gnu- (empty when the host is arm64)
#   KMODLAB_CACHE  downloads (${XDG_CACHE_HOME:-~/.cache}/kmodlab)
#   TIMEOUT        seconds a guest may run before it counts as hung (120)

KERNEL ?= 6.1
KMODLAB_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/kmodlab
KCACHE := $(KMODLAB_CACHE)/kernels/$(KERNEL)
KDIR ?= $(KCACHE)/build
ARCH ?= arm64
CROSS_COMPILE ?= $(if $(filter aarch64 arm64,$(shell uname -m)),,aarch64-linux-gnu-)
export KERNEL KMODLAB_CACHE

BUILD := build/$(KERNEL)
BASE := build/guest-base.cpio
INITRD := $(BUILD)/initramfs.cpio
KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE)

# Kbuild alone knows what to rebuild, but takes a second to find that
# nothing changed. The guest targets skip it while no source and no build
# variable changed since the last build; 'make' always runs it.
STAMP := $(BUILD)/modules.stamp
BUILD_ID := $(KDIR) $(ARCH) $(CROSS_COMPILE) $(W) $(C) $(KCFLAGS)
SOURCES := Kbuild $(wildcard */Kbuild */*.[ch])
BOOT = qemu/boot.sh -l $(BUILD)/$@.log
# A module option on the kernel command line: modprobe applies it, insmod
# does not (tests/test-params.sh checks both).
TEST_CMDLINE := params.mode=fast
HOST_TESTS = $(patsubst tests/%,%,$(wildcard tests/host/test-*.sh))
export KDIR ARCH CROSS_COMPILE

all: modules

.DELETE_ON_ERROR:

# The cached headers are fetched the first time they are needed.
ifeq ($(origin KDIR),file)
modules $(STAMP): setup
endif
modules $(STAMP):
	$(KBUILD) modules
	@mkdir -p $(BUILD) && echo '$(BUILD_ID)' > $(STAMP)

ifneq ($(file <$(STAMP)),$(BUILD_ID))
$(STAMP): FORCE
endif
$(STAMP): $(SOURCES)

setup:
	@scripts/setup.sh

$(BASE): qemu/mkinitramfs.sh $(KMODLAB_CACHE)/guest/.ready
	@mkdir -p $(@D)
	qemu/mkinitramfs.sh base $(KMODLAB_CACHE)/guest/root $@

$(KMODLAB_CACHE)/guest/.ready: setup

# Rebuilt every time: it is small, and Kbuild alone knows what changed.
image: $(STAMP) setup $(BASE)
	@mkdir -p $(BUILD)
	qemu/mkinitramfs.sh overlay $(KCACHE) $(BUILD)/overlay.cpio
	cat $(BASE) $(BUILD)/overlay.cpio > $(INITRD)

# The host's checks (tests/host/) run while the guest boots and runs its
# own; one verdict for both.
test: image
	@tests/run.sh $(HOST_TESTS) > $(BUILD)/host.log 2>&1 & \
	$(BOOT) $(KCACHE)/vmlinuz $(INITRD) kmodlab_run=tests $(TEST_CMDLINE); \
	booted=$$?; \
	wait; cat $(BUILD)/host.log; \
	awk -f qemu/verdict.awk $(BUILD)/host.log $(BUILD)/$@.log && exit $$booted

demo: image
	$(BOOT) $(KCACHE)/vmlinuz $(INITRD) kmodlab_run=demo

shell: image
	$(BOOT) -i $(KCACHE)/vmlinuz $(INITRD) kmodlab_run=shell

# Labs: skeletons for a learner, a learner's self-check, and CI's proof
# that every check passes on the solution and fails on the skeleton.
skels:
	labs/lab.sh skels

lab: $(STAMP) setup $(BASE)
	@test -n "$(N)" || { echo "usage: make lab N=<lab number>"; exit 2; }
	labs/lab.sh check $(N)

test-labs: $(STAMP) setup $(BASE)
	labs/lab.sh prove | tee build/labs.log
	@awk -f qemu/verdict.awk build/labs.log

bench: image
	scripts/bench.sh $(KCACHE)/vmlinuz $(INITRD)

clean:
	$(if $(wildcard $(KDIR)/Makefile),$(KBUILD) clean)
	rm -rf build

FORCE:

.PHONY: all modules setup image test demo shell skels lab test-labs bench clean FORCE
