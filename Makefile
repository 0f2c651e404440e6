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
# On a board (scripts/board.sh, scripts/board-qemu.sh, scripts/install.sh):
#   make deploy BOARD=user@host      copy the modules and tests/ to a board
#   make test-board BOARD=user@host  deploy, run tests/ there, count them here
#   make test-board-qemu  the same against a QEMU guest playing the board
#   make board-qemu       start that guest (make board-qemu-stop ends it)
#   make install    Kbuild's modules_install, depmod, the /etc examples
#   make test-install  install into build/, boot with it, check the result
#   make dkms-check build with DKMS for the cached headers, in build/dkms
#   make dkms-install  on the board: DKMS builds and installs them (root)
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
#   BOARD, BOARD_PORT, BOARD_KEY, BOARD_DIR, BOARD_SSH_OPTS, TESTS: the board
#                  and what to run there (scripts/board.sh)
#   INSTALL_MOD_PATH, INSTALL_MOD_DIR  where 'make install' puts the modules:
#                  $(INSTALL_MOD_PATH)/lib/modules/<release>/$(INSTALL_MOD_DIR)
#                  (default: /lib/modules/<release>/extra)

KERNEL ?= 6.1
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

# The QEMU board: the base plus its own layer (ssh server, NIC modules);
# root logs in with a key pair made here, for this machine only.
BOARD_STATE := build/board
BOARD_KEY_QEMU := $(BOARD_STATE)/id_ed25519
BOARD_LAYER := $(BUILD)/board-layer.cpio.gz
BOARD_INITRD := $(BUILD)/board.cpio.gz
export BOARD BOARD_PORT BOARD_KEY BOARD_DIR BOARD_SSH_OPTS TESTS BOARD_STATE

INSTALL_MOD_DIR ?= extra
INSTALL_ROOT := $(BUILD)/install-root
export INSTALL_MOD_PATH INSTALL_MOD_DIR

all: modules

.DELETE_ON_ERROR:

# The cached headers are fetched the first time they are needed.
ifeq ($(origin KDIR),file)
modules: setup
endif
modules:
	+$(KBUILD) modules

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

# The host's checks (tests/host/), then the guest's; one verdict for both.
test: image
	tests/run.sh $(HOST_TESTS) | tee $(BUILD)/host.log
	$(BOOT) $(KCACHE)/vmlinuz $(INITRD) kmodlab_run=tests; \
	booted=$$?; awk -f qemu/verdict.awk $(BUILD)/host.log $(BUILD)/$@.log && \
	exit $$booted

demo: image
	$(BOOT) $(KCACHE)/vmlinuz $(INITRD) kmodlab_run=demo

shell: image
	$(BOOT) -i $(KCACHE)/vmlinuz $(INITRD) kmodlab_run=shell

bench: image
	scripts/bench.sh $(KCACHE)/vmlinuz $(INITRD)

# A board over ssh: the checks, the copy and the run are in the script.
deploy: modules
	scripts/board.sh deploy

test-board: modules
	LOG=$(BUILD)/board.log scripts/board.sh test

setup-board:
	@scripts/setup.sh --board

$(KMODLAB_CACHE)/guest-board/.ready: setup-board

$(BOARD_KEY_QEMU):
	@mkdir -p $(@D)
	ssh-keygen -q -t ed25519 -N '' -C 'kmodlab QEMU board' -f $@

$(BOARD_LAYER): qemu/mkinitramfs.sh qemu/init $(BOARD_KEY_QEMU) \
		$(KMODLAB_CACHE)/guest-board/.ready
	@mkdir -p $(@D)
	qemu/mkinitramfs.sh board $(KMODLAB_CACHE)/guest-board/root $(KCACHE) \
		$(BOARD_KEY_QEMU).pub $@

board-image: setup $(BASE) $(BOARD_LAYER)
	cat $(BASE) $(BOARD_LAYER) > $(BOARD_INITRD)

board-qemu: board-image
	scripts/board-qemu.sh start $(KCACHE)/vmlinuz $(BOARD_INITRD)

board-qemu-stop:
	scripts/board-qemu.sh stop

# What CI runs: the whole suite over ssh against the QEMU board.
test-board-qemu: modules board-image
	scripts/board-qemu.sh run $(KCACHE)/vmlinuz $(BOARD_INITRD) \
		$(MAKE) --no-print-directory test-board BOARD=root@127.0.0.1

install: modules
	MAKE="$(MAKE)" scripts/install.sh

# Install into build/, check the tree on the host, then boot the test image
# with the installed /etc files in place: the guest's /init loads what
# modules-load.d names, as a board does at boot, and checks it came up.
test-install: modules setup $(BASE)
	rm -rf $(INSTALL_ROOT)
	$(MAKE) --no-print-directory install INSTALL_MOD_PATH=$(INSTALL_ROOT)
	INSTALL_ROOT=$(CURDIR)/$(INSTALL_ROOT) tests/run.sh host/install-tree.sh | \
		tee $(BUILD)/install-host.log
	qemu/mkinitramfs.sh overlay $(KCACHE) $(BUILD)/installed-overlay.cpio.gz \
		$(foreach f,modprobe.d/kmodlab.conf modules-load.d/kmodlab.conf,\
			$(INSTALL_ROOT)/etc/$(f):/etc/$(f))
	cat $(BASE) $(BUILD)/installed-overlay.cpio.gz > $(BUILD)/installed.cpio.gz
	$(BOOT) $(KCACHE)/vmlinuz $(BUILD)/installed.cpio.gz kmodlab_run=installed; \
	booted=$$?; awk -f qemu/verdict.awk $(BUILD)/install-host.log \
		$(BUILD)/$@.log && exit $$booted

# DKMS, as on a board, for KDIR (the cached headers): all in build/dkms.
dkms-check: modules
	scripts/dkms.sh check $(KDIR)

# On the board, as root: sources to /usr/src/kmodlab-<version>, dkms install.
dkms-install:
	scripts/dkms.sh install

clean:
	$(if $(wildcard $(KDIR)/Makefile),$(KBUILD) clean)
	rm -rf build

.PHONY: all modules setup image test demo shell bench clean deploy \
	test-board setup-board board-image board-qemu board-qemu-stop \
	test-board-qemu install test-install dkms-check dkms-install
