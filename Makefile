# SPDX-License-Identifier: GPL-2.0
#
# kmodlab: build out-of-tree modules for arm64 and prove them in QEMU.
#
#   make            cross-build every module (fetches Debian's headers once)
#                   and build tools/koinfo for this machine
#   make koinfo     only tools/koinfo/koinfo, the .ko inspector (host tool)
#   make test       boot them in Debian's arm64 kernel under QEMU and run tests/
#   make demo       boot and walk through the tutorial's commands
#   make shell      boot and get a shell in the guest
#   make trace M=helloworld
#                   boot, load module M with the kernel's function-graph
#                   tracer on, print the loader's call graph by stage
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
#   M              the module 'make trace' loads (helloworld)

KERNEL ?= 6.1
M ?= helloworld
KMODLAB_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/kmodlab
KCACHE := $(KMODLAB_CACHE)/kernels/$(KERNEL)
KDIR ?= $(KCACHE)/build
ARCH ?= arm64
CROSS_COMPILE ?= $(if $(filter aarch64 arm64,$(shell uname -m)),,aarch64-linux-gnu-)
export KERNEL KMODLAB_CACHE

BUILD := build/$(KERNEL)
BASE := build/guest-base.cpio.gz
INITRD := $(BUILD)/initramfs.cpio.gz
KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE)
BOOT = qemu/boot.sh -l $(BUILD)/$@.log
HOST_TESTS = $(patsubst tests/%,%,$(wildcard tests/host/test-*.sh))
export KDIR ARCH CROSS_COMPILE

KOINFO := tools/koinfo/koinfo
export KOINFO

all: modules koinfo

.DELETE_ON_ERROR:

# The cached headers are fetched the first time they are needed.
ifeq ($(origin KDIR),file)
modules: setup
endif
modules:
	$(KBUILD) modules

setup:
	@scripts/setup.sh

# A host tool: never cross-built from here (CROSS_COMPILE names the
# modules' compiler); tools/koinfo/Makefile documents the board build.
koinfo:
	$(MAKE) -C tools/koinfo CROSS_COMPILE=

$(BASE): qemu/mkinitramfs.sh $(KMODLAB_CACHE)/guest/.ready
	@mkdir -p $(@D)
	qemu/mkinitramfs.sh base $(KMODLAB_CACHE)/guest/root $@

$(KMODLAB_CACHE)/guest/.ready: setup

# Rebuilt every time: it is small, and Kbuild alone knows what changed.
# koinfo's prediction for every module goes along: tests/test-koinfo.sh
# checks it against what the guest kernel really does.
image: modules koinfo setup $(BASE)
	@mkdir -p $(BUILD)
	$(KOINFO) --against $(KDIR) $$(sed 's/\.o$$/.ko/; s|^kernel/||' modules.order) \
		>$(BUILD)/koinfo-predict.txt || true
	qemu/mkinitramfs.sh overlay $(KCACHE) $(BUILD)/overlay.cpio.gz \
		$(BUILD)/koinfo-predict.txt:/kmodlab/koinfo-predict.txt
	cat $(BASE) $(BUILD)/overlay.cpio.gz > $(INITRD)

# The host's checks (tests/host/), then the guest's; one verdict for both.
test: image koinfo
	tests/run.sh $(HOST_TESTS) | tee $(BUILD)/host.log
	$(BOOT) $(KCACHE)/vmlinuz $(INITRD) kmodlab_run=tests; \
	booted=$$?; awk -f qemu/verdict.awk $(BUILD)/host.log $(BUILD)/$@.log && \
	exit $$booted

demo: image
	$(BOOT) $(KCACHE)/vmlinuz $(INITRD) kmodlab_run=demo

# The console shows it all; the graph is also kept in build/<kernel>/trace.txt.
trace: image
	$(BOOT) -q $(KCACHE)/vmlinuz $(INITRD) kmodlab_run=trace kmodlab_trace=$(M)
	@sed -n '/^trace-load: begin/,/^trace-load: end/p' $(BUILD)/$@.log | tee $(BUILD)/trace.txt
	@grep -q '^trace-load: end' $(BUILD)/$@.log

shell: image
	$(BOOT) -i $(KCACHE)/vmlinuz $(INITRD) kmodlab_run=shell

bench: image
	scripts/bench.sh $(KCACHE)/vmlinuz $(INITRD)

clean:
	$(if $(wildcard $(KDIR)/Makefile),$(KBUILD) clean)
	$(MAKE) -C tools/koinfo clean
	rm -rf build

.PHONY: all modules setup koinfo image test demo trace shell bench clean
