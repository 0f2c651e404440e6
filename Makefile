# SPDX-License-Identifier: GPL-2.0
#
# kmodlab: build out-of-tree modules for arm64 and prove them in QEMU.
#
#   make            cross-build every module (fetches Debian's headers once)
#                   and build tools/koinfo for this machine
#   make koinfo     only tools/koinfo/koinfo, the .ko inspector (host tool)
#   make test       boot them in Debian's arm64 kernel under QEMU and run tests/
#   make test M=DIR your own modules: DIR built as its author builds it, then
#                   loaded, checked, unloaded and cycled in the guest, and
#                   DIR's own tests run (scripts/own.sh; make shell M=DIR,
#                   make test-matrix M=DIR: the same on every kernel)
#   make fixtures   build the tests' failure fixtures (tests/fixtures/; make test does)
#   make test-matrix  'make test' on every kernel of MATRIX, then one table
#                   of kernel x check
#   make test-all   everything CI runs (scripts/test-all.sh), one closing line
#   make test-setup scripts/setup.sh's own checks (tests/setup/)
#   make test-loader koinfo's predictions, the trace and the compressed
#                   modules against the guest kernel (tests/loader/)
#   make test-builds other ways to build: separately, modpost's refusals
#   make test-own   make test M=DIR on the samples in tests/external/
#   make test-fresh the README's two commands on clean Debian 12 and 13
#                   roots, as root and as a user with sudo (needs root)
#   make demo       boot and walk through the tutorial's commands
#   make shell      boot and get a shell in the guest (N=<lab>: with your
#                   lab's modules from labs/work/, as make lab N= builds them)
#   make trace MODULE=helloworld [UNLOAD=1]
#                   boot, load MODULE with the kernel's function-graph
#                   tracer on, print the loader's call graph by stage
#                   (MODULE may be a fixture: fixture_init_fail shows a
#                   failing init); UNLOAD=1: load it, trace its rmmod
#   make bench      time 'make test' against a bare boot of the same image
#                   (RUNS=5 of each, the median)
#   make lab N=1    check your lab 1 (labs/); make skels makes the
#                   skeletons, make test-labs proves every lab's checks
#   make lint       checkpatch, sparse, W=1, cppcheck, -fanalyzer, shellcheck
#   make sign       sign the built modules with the kernel's sign-file
#                   (MODULE_SIG_KEY, MODULE_SIG_CERT)
#   make test-sig   boot with module.sig_enforce=1: unsigned, other key,
#                   tampered and signed modules (tests/sig/)
#   make stress     boot and load/unload every module hundreds of times
#   make setup      install the host packages, fetch the kernel and guest
#   make facts      the values the scripts read (scripts/lib/facts.sh)
#   make clean      leave the tree as cloned
#
# On a board (scripts/board.sh, scripts/board-qemu.sh, scripts/install.sh):
#   make deploy BOARD=user@host      copy the modules and tests/ to a board
#   make test-board BOARD=user@host  deploy, run tests/ there, count them here
#   make test-board-qemu  the same against a QEMU guest playing the board
#   make board-qemu       start that guest (make board-qemu-stop ends it)
#   make install    Kbuild's modules_install, depmod, the /etc examples
#                   (signed with MODULE_SIG_KEY when it is set)
#   make test-install  install into build/, boot with it, check the result
#   make dkms-check build with DKMS for the cached headers, in build/<kernel>/dkms
#   make dkms-install  on the board: DKMS builds and installs them (root)
#
# Variables (on the command line or in the environment):
#   KERNEL         a kernel of qemu/kernels/ to build for and boot (6.1):
#                  5.10, 6.1, 6.12 (Debian's) or edge (built from sid's
#                  linux-source with KASAN, kmemleak, lockdep and UBSAN)
#   MATRIX         the kernels test-matrix runs (5.10 6.1 6.12 edge)
#   FRESH          the Debian releases test-fresh tries (bookworm trixie)
#   EDGE_VERSION   the linux-source-<version> of the edge kernel (sid's newest)
#   KDIR           the kernel tree to build against (default: KERNEL's
#                  cached Debian headers; e.g. a LubanCat SDK kernel, or
#                  /lib/modules/$(uname -r)/build on the board)
#   ARCH           arm64
#   CROSS_COMPILE  aarch64-linux-gnu- (empty when the host is arm64)
#   KMODLAB_CACHE  downloads (${XDG_CACHE_HOME:-~/.cache}/kmodlab)
#   TIMEOUT        seconds a guest may run before it counts as hung (120;
#                  1800 for make stress, 300 for make test M=DIR)
#   HOST_TIMEOUT   seconds the host's checks beside a guest may take (300)
#   STRESS_CYCLES, STRESS_RACES, STRESS_SECONDS  make stress's counts and
#                  time limit per loop (200, 50, 300; tests/stress/stress.sh)
#   BOARD, BOARD_PORT, BOARD_KEY, BOARD_DIR, BOARD_SSH_OPTS, TESTS: the board
#                  and what to run there (scripts/board.sh)
#   INSTALL_MOD_PATH, INSTALL_MOD_DIR  where 'make install' puts the modules:
#                  $(INSTALL_MOD_PATH)/lib/modules/<release>/$(INSTALL_MOD_DIR)
#                  (default: /lib/modules/<release>/extra)
#   M              a directory of your own modules (make test M=DIR)
#   CYCLES         load/unload cycles per module for make test M=DIR (10)
#   OWN_WARNINGS   make test M=DIR's W=1 warnings: show (default) or fail
#   MODULE         the module 'make trace' loads (helloworld); UNLOAD=1
#                  traces its removal instead
#   MODULE_SIG_KEY, MODULE_SIG_CERT  the key 'make sign' signs with and its
#                  certificate: default, the key KDIR's kernel was built to
#                  trust (KDIR/certs/signing_key.pem: the edge kernel's),
#                  else kmodlab's own, made once into
#                  $(KMODLAB_CACHE)/keys/kmodlab.pem, which no kernel trusts
#                  until you enrol its certificate (README: signed modules)

# Kbuild cannot build in a folder whose path has a space: make splits
# M=$(CURDIR) and KDIR into words and fails deep inside with "No rule to
# make target". Say so at once, with what to do.
ifneq ($(words $(CURDIR)),1)
$(error kmodlab: the path '$(CURDIR)' has a space in it, and Kbuild cannot \
build there: move or clone kmodlab to a path without spaces \
(e.g. git clone '$(CURDIR)' ~/kmodlab))
endif

# kmod's host tools (depmod, modinfo) live in /usr/sbin, which a user's
# PATH on Debian does not name: the scripts run from here find them.
export PATH := $(PATH):/usr/sbin:/sbin

# The facts every script reads (scripts/lib/facts.sh), defined here only.
KERNEL ?= 6.1
MODULE ?= helloworld
MATRIX ?= 5.10 6.1 6.12 edge
KMODLAB_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/kmodlab
KCACHE := $(KMODLAB_CACHE)/kernels/$(KERNEL)
# KDIR: the user's, or KERNEL's cached headers. The one derived here goes
# to the scripts as KMODLAB_OWN_KDIR too: a script that runs make again for
# another KERNEL passes it on unchanged, and it is then derived anew. A
# KDIR on the command line is the caller's (DKMS's, for one), whatever it is.
ifneq ($(origin KDIR),command line)
ifeq ($(KDIR),$(KMODLAB_OWN_KDIR))
override KDIR := $(KCACHE)/build
endif
endif
KMODLAB_OWN_KDIR := $(filter $(KCACHE)/build,$(KDIR))
ifneq ($(words $(KMODLAB_CACHE)),1)
$(error kmodlab: KMODLAB_CACHE '$(KMODLAB_CACHE)' has a space in it, and \
Kbuild cannot build against the kernels it holds: choose a path without spaces)
endif
ifneq ($(words $(KDIR)),1)
$(error kmodlab: KDIR '$(KDIR)' has a space in it, and Kbuild cannot build \
against it: use a kernel tree (or KMODLAB_CACHE) on a path without spaces)
endif
ARCH ?= arm64
CROSS_COMPILE ?= $(if $(filter aarch64 arm64,$(shell uname -m)),,aarch64-linux-gnu-)
# checkpatch.pl's kernel source package (scripts/setup.sh --lint, lint.sh).
LINT_SOURCE ?= linux-source-6.1
KOINFO := $(CURDIR)/tools/koinfo/koinfo
# $(call koinfo_predict,ARGS,OUT.txt): koinfo --against KDIR ARGS >OUT.txt.
# Exit 1 (a refusal predicted) is a prediction for the guest to check; its
# line on stderr (the first refusal) is expected, kept in OUT.err. Exit 2
# (koinfo cannot tell: a file it cannot read) fails, saying why.
koinfo_predict = $(KOINFO) --against $(KDIR) $(1) >$(2) 2>$(basename $(2)).err || \
	{ test $$? -eq 1 || { cat $(basename $(2)).err >&2; false; }; }
BUILD := build/$(KERNEL)
KMODLAB_BUILD := $(CURDIR)/$(BUILD)
FACTS := KERNEL MATRIX KMODLAB_CACHE KCACHE KDIR KMODLAB_OWN_KDIR ARCH \
	CROSS_COMPILE LINT_SOURCE KOINFO KMODLAB_BUILD KMODLAB_FACTS
export KMODLAB_FACTS := $(KERNEL) $(KMODLAB_CACHE)
export $(FACTS)

# Debian's headers name the compiler their kernel was built with
# (.kernelvariables: 5.10's gcc-10, 6.1's and 6.12's gcc-12), which the
# host may not have (Debian 13's cross gcc is 14): the cached kernels build
# with the host's own cross gcc. A KDIR of the user's keeps what it names.
# The scripts that run Kbuild themselves (build checks, labs, DKMS) get
# this as KMODLAB_MAKE_FLAGS.
export KMODLAB_MAKE_FLAGS := $(if $(KMODLAB_OWN_KDIR),CC=$(CROSS_COMPILE)gcc)

BASE := build/guest-base.cpio
KBUILD_ARGS = ARCH=$(ARCH) CROSS_COMPILE=$(CROSS_COMPILE) $(KMODLAB_MAKE_FLAGS)
KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) $(KBUILD_ARGS)

# Kbuild alone knows what to rebuild, but takes a second to find that
# nothing changed. The guest targets skip it while no source and no build
# variable changed since the last build; 'make' always runs it.
# One stamp for the tree, not one per kernel: Kbuild's output is in the
# tree, so building for another KDIR makes every other stamp stale.
STAMP := build/modules.stamp
BUILD_ID := $(KDIR) $(ARCH) $(CROSS_COMPILE) $(W) $(C) $(KCFLAGS)
SOURCES := Kbuild $(wildcard */Kbuild */*.[ch])
# The one way to run a guest: the image, the boot, the logs, the verdict.
GUEST := scripts/guest.sh
# A module option on the kernel command line: modprobe applies it, insmod
# does not (tests/test-params.sh checks both).
TEST_CMDLINE := params.mode=fast
HOST_TESTS = $(patsubst tests/%,%,$(wildcard tests/host/test-*.sh))
# Host checks that run Kbuild themselves (seconds each): make test-builds.
BUILD_TESTS = $(patsubst tests/%,%,$(wildcard tests/host/build-*.sh))

# The QEMU board: the base plus its own layer (ssh server, NIC modules);
# root logs in with a key pair made here, for this machine only.
BOARD_STATE := build/board
BOARD_KEY_QEMU := $(BOARD_STATE)/id_ed25519
BOARD_LAYER := $(BUILD)/board-layer.cpio
export BOARD BOARD_PORT BOARD_KEY BOARD_DIR BOARD_SSH_OPTS TESTS BOARD_STATE

INSTALL_MOD_DIR ?= extra
INSTALL_ROOT := $(BUILD)/install-root
export INSTALL_MOD_PATH INSTALL_MOD_DIR

all: modules koinfo

.DELETE_ON_ERROR:

# The cached headers are fetched the first time they are needed: when
# KDIR is the Makefile's own (DKMS, for one, names the cached headers
# itself, from a copy of the tree that has no scripts/setup.sh).
ifeq ($(origin KDIR),override)
modules $(STAMP): | setup
endif
modules $(STAMP):
	@test -r $(KDIR)/Makefile || { echo "kmodlab: KDIR '$(KDIR)' is not a kernel tree (no Makefile): name a built tree or its headers (on the board: /lib/modules/\$$(uname -r)/build), or leave it out for KERNEL's cached headers" >&2; exit 2; }
	+$(KBUILD) modules
	@mkdir -p $(dir $(STAMP)) && echo '$(BUILD_ID)' > $(STAMP)

ifneq ($(file <$(STAMP)),$(BUILD_ID))
$(STAMP): FORCE
endif
$(STAMP): $(SOURCES)

setup:
	@scripts/setup.sh

# For a script run by hand (scripts/lib/facts.sh): the facts, as shell.
facts:
	@printf "export %s='%s'\n" $(foreach v,$(FACTS),$(v) '$($(v))')

# A host tool: never cross-built from here (CROSS_COMPILE names the
# modules' compiler); tools/koinfo/Makefile documents the board build.
koinfo:
	$(MAKE) -C tools/koinfo CROSS_COMPILE=

$(BASE): qemu/mkinitramfs.sh $(KMODLAB_CACHE)/guest/.ready
	qemu/mkinitramfs.sh base $(KMODLAB_CACHE)/guest/root $@

$(KMODLAB_CACHE)/guest/.ready: setup

# The tests' failure fixtures (tests/fixtures/): each is built in its own
# Kbuild pass, with what it takes to get past the build to the loader, which
# must refuse it. Not part of 'make': no user should install them. Only the
# fixture_*.ko go to the guest, in the suite's fixtures/ (not in extra/).
FIXTURES := $(BUILD)/fixtures
FIXTURE_KOS := $(addprefix $(FIXTURES)/fixture_,$(addsuffix .ko,\
	vermagic changed_api no_import nongpl))
FIXTURE_BUILD = $(MAKE) -C $(KDIR) M=$(CURDIR)/$(<D) $(KBUILD_ARGS) modules

# The loader's refusals of modules it can load (a failing init, no exit, a
# slow init: tests/fixtures/loader/), built in one pass with exporter's
# symbols. Left out of koinfo's predictions: they load as koinfo says, and
# what the loader then refuses is tests/loader/'s to check.
LOADER_FIXTURE_KOS := $(addprefix $(FIXTURES)/fixture_,$(addsuffix .ko,\
	init_fail no_exit slow_init))

fixtures: $(FIXTURE_KOS) $(LOADER_FIXTURE_KOS)

$(FIXTURE_KOS) $(LOADER_FIXTURE_KOS): | $(STAMP) $(FIXTURES)
$(FIXTURES):
	mkdir -p $@

# Built for this kernel, then its copy's vermagic rewritten as if built for
# a uniprocessor kernel of another release: "6.1.0-57-arm64 SMP mod_unload
# ..." becomes "9.9.9-57-arm64 mod_unload ...". With MODVERSIONS the loader
# compares all but the release, so dropping SMP is what it sees. NULs pad
# the string to its old length: .modinfo keeps its size, nothing moves.
$(FIXTURES)/fixture_vermagic.ko: tests/fixtures/vermagic/fixture_vermagic.c
	+$(FIXTURE_BUILD)
	perl -0777 -pe 's/vermagic=\K([0-9.]+)(\S*) SMP( [^\0]*)\0/($$1 =~ tr|0-9|9|r)."$$2$$3\0\0\0\0\0"/e' \
		$(<:.c=.ko) >$@
	! cmp -s $(<:.c=.ko) $@

# Built in one pass with exporter 2.0's changed interface, whose CRCs it gets.
$(FIXTURES)/fixture_changed_api.ko: tests/fixtures/changed_api/fixture_changed_api.c \
		$(wildcard tests/fixtures/changed_api/exporter_v2.*)
	+$(FIXTURE_BUILD)
	cp $(<:.c=.ko) $@

# Needs exporter's symbols (KBUILD_EXTRA_SYMBOLS); modpost fails a module
# that does not import a namespace it uses (since 5.7) unless the kernel
# allows it: the Kconfig option, set here for modpost only, makes it a
# warning. The guest's kernel does not have it, so its loader refuses.
$(FIXTURES)/fixture_no_import.ko: tests/fixtures/no_import/fixture_no_import.c \
		exporter/exporter.h exporter/exporter.c
	+$(FIXTURE_BUILD) KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers \
		CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS=y
	cp $(<:.c=.ko) $@

# modpost always fails a GPL-incompatible module that uses a GPL-only symbol
# it knows of (tests/host/build-exporter.sh shows it): built without
# exporter's symbols, modpost only warns that exporter_add is undefined
# (KBUILD_MODPOST_WARN), as for a vendor module built on its own.
$(FIXTURES)/fixture_nongpl.ko: tests/fixtures/nongpl/fixture_nongpl.c exporter/exporter.h
	+$(FIXTURE_BUILD) KBUILD_MODPOST_WARN=1
	cp $(<:.c=.ko) $@

$(LOADER_FIXTURE_KOS) &: $(wildcard tests/fixtures/loader/*.c) \
		tests/fixtures/loader/Kbuild exporter/exporter.h exporter/exporter.c
	$(MAKE) -C $(KDIR) M=$(CURDIR)/tests/fixtures/loader $(KBUILD_ARGS) \
		KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers modules
	cp $(patsubst $(FIXTURES)/%,tests/fixtures/loader/%,$(LOADER_FIXTURE_KOS)) $(FIXTURES)/

# What every guest of the suite's modules needs besides them (qemu/init
# finds them there): the failure fixtures, and koinfo's prediction for
# every module and every fixture, from one call (each predicted once;
# exporter.ko resolves the fixtures' symbols): tests/loader/test-koinfo.sh
# checks it against what the guest kernel really does, and fails without
# a prediction for each (koinfo_predict: the fixtures' refusals are
# predictions; a file koinfo cannot read fails the image). scripts/guest.sh
# assembles the image itself.
image: $(STAMP) fixtures koinfo setup $(BASE)
	$(call koinfo_predict,$$(scripts/kos.sh) $(FIXTURE_KOS),$(BUILD)/koinfo-predict.txt)
# A guest path without a leading / is in the guest's folder of the suite
# (qemu/mkinitramfs.sh names it).
SUITE_FILES := -f $(FIXTURES):fixtures -f $(BUILD)/koinfo-predict.txt:koinfo-predict.txt

# The host's checks (tests/host/) run while the guest boots and runs its
# own; then the guest kernel's own reports (KASAN, kmemleak, lockdep,
# UBSAN, BUG, WARNING) are read from the console log: one verdict for all.
ifeq ($(M),)
test: image
	@$(GUEST) $(SUITE_FILES) $(addprefix -H ,$(HOST_TESTS)) -n test tests $(TEST_CMDLINE)
# Each kernel in turn (fetched or built first if need be, in view), its
# modules built afresh with W=1 (a warning fails it): the output of each
# run in build/<kernel>/make.log, the results in one table.
test-matrix:
	+@MAKE="$(MAKE)" scripts/matrix.sh -r $(MATRIX)
# With N: your lab's modules (labs/work/), installed as make lab boots them.
shell: image
	@$(if $(N),labs/lab.sh shell $(N),$(GUEST) $(SUITE_FILES) shell)
# A board over ssh (scripts/board.sh), as deploy below.
test-board: modules fixtures
	LOG=$(BUILD)/board.log scripts/board.sh test
else
# Any other target would quietly use the suite's modules instead of M's.
ifneq ($(filter-out test test-matrix shell test-board test-board-qemu board-qemu board-qemu-stop setup koinfo facts,$(or $(MAKECMDGOALS),all)),)
$(error kmodlab: M= is for make test, test-matrix, shell, test-board and test-board-qemu, not for 'make$(if $(MAKECMDGOALS), $(MAKECMDGOALS))'. To build M's modules alone: make -C $(KDIR) M=$(abspath $(M)) $(KBUILD_ARGS) modules)
endif
# A directory of your own modules, M= as Kbuild names it (scripts/own.sh):
# built as its author builds it, then booted with the checks every module
# gets; with MATRIX on the command line, on each of its kernels (the one
# typed: a make that runs make gets it too, through MAKEFLAGS).
# M is one word for the shell, whatever it holds (a space, & or |).
OWN = scripts/own.sh $(1) '$(subst ','\'',$(M))'
test: koinfo setup $(BASE)
	@$(call OWN,$(if $(and $(filter command line,$(origin MATRIX)),$(filter 0,$(MAKELEVEL))),matrix,test))
test-matrix shell: koinfo setup $(BASE)
	@$(call OWN,$(@:test-%=%))
test-board: koinfo setup
	@$(call OWN,board)
endif

# $(call ktap_log,COMMAND,LOG): COMMAND's KTAP, shown and kept in LOG,
# then its verdict (qemu/ktap.awk): the exit status of the whole.
ktap_log = mkdir -p $(dir $(2)) && $(1) | tee $(2) && awk -f qemu/ktap.awk $(2)

# scripts/setup.sh itself (tests/setup/): what it finds installed, its
# own apt lists against the mirror, a damaged cache, paths Kbuild refuses.
SETUP_TESTS = $(patsubst tests/%,%,$(wildcard tests/setup/test-*.sh))
test-setup:
	$(call ktap_log,tests/run.sh -j 1 $(SETUP_TESTS),build/setup.log)

# make test M=DIR on the sample directories of tests/external/, each
# with the result it must give (tests/external/test-samples.sh).
test-own: koinfo setup $(BASE)
	$(call ktap_log,tests/run.sh external/test-samples.sh,build/own.log)

# The README's two commands on clean Debian roots (scripts/test-fresh.sh),
# from the committed HEAD: FRESH names the releases (bookworm trixie).
test-fresh:
	@scripts/setup.sh --fresh
	$(call ktap_log,scripts/test-fresh.sh,build/fresh.log)

# Other ways to build: separately (KBUILD_EXTRA_SYMBOLS), modpost's refusals.
test-builds: $(STAMP)
	$(call ktap_log,tests/run.sh $(BUILD_TESTS),$(BUILD)/builds.log)

# readelf on the host first, then the guest's commands.
demo: image
	@qemu/demo.sh host helloworld/helloworld.ko
	@$(GUEST) $(SUITE_FILES) demo

# tests/loader/test-compress.sh's module trees, one per format: each
# module of modules.order compressed as Kbuild's modules_install does when
# the kernel's config asks (scripts/compress.sh), with the kernel's own
# module lists; the guest runs depmod.
# kernel.conf: the format the kernel decompresses itself, if any
# (CONFIG_MODULE_DECOMPRESS, for finit_module()'s
# MODULE_INIT_COMPRESSED_FILE, since 5.17).
COMPRESSED := $(BUILD)/compressed
compressed: $(STAMP) setup
	rm -rf $(COMPRESSED)
	set -e; rel=$$(cat $(KCACHE)/release); \
	for z in xz zst gz; do \
		d=$(COMPRESSED)/$$z/lib/modules/$$rel; mkdir -p $$d/extra; \
		cp $(addprefix $(KCACHE)/modules/,modules.builtin modules.builtin.modinfo \
			modules.order) $$d/; \
		cp $$(scripts/kos.sh) $$d/extra/; \
		case $$z in xz) c=xz;; zst) c=zstd;; gz) c=gzip;; esac; \
		scripts/compress.sh $$c $$d/extra/*.ko; \
	done
	{ grep -q '^CONFIG_MODULE_DECOMPRESS=y' $(KDIR)/.config && \
	  sed -n 's/^CONFIG_MODULE_COMPRESS_\(GZIP\|XZ\|ZSTD\)=y$$/decompress=\1/p' \
		$(KDIR)/.config || echo decompress=; } >$(COMPRESSED)/kernel.conf

# A guest probe that calls finit_module() with MODULE_INIT_COMPRESSED_FILE
# (kmod 30 never does): no C library, so it needs only the cross gcc.
FINIT := build/finit
$(FINIT): tests/probes/finit.c
	@mkdir -p $(@D)
	$(CROSS_COMPILE)gcc -O2 -Wall -Wextra -nostdlib -static -ffreestanding \
		-fno-stack-protector -o $@ $<

# koinfo's predictions, the trace and the compressed modules, checked
# against the guest kernel in a boot of their own: they load every module
# again (tests/loader/).
test-loader: compressed $(FINIT) image
	@$(GUEST) $(SUITE_FILES) -f $(COMPRESSED):compressed -f $(FINIT):bin/finit \
		-n test-loader loader

# A name that is neither a module of the suite (modules.order) nor one of
# its failure fixtures fails before the boot. After it, trace-load's end
# line says the trace is whole; a module of the suite must also have
# loaded (with UNLOAD=1: been removed) with exit 0, else it fails with
# kmod's words (trace-load's "exit" line). A fixture is built to be
# refused: its exit status is what the trace shows (MODULE=fixture_init_fail).
# helloworld's load goes to trace.txt (lab 6 reads it), any other to
# trace-MODULE.txt (trace-MODULE-unload.txt for UNLOAD=1). Each run has
# its own name, and so its own image and logs (trace-MODULE.log...): one
# trace does not overwrite another's console log.
TRACE_FIXTURES := $(notdir $(basename $(FIXTURE_KOS) $(LOADER_FIXTURE_KOS)))
TRACE_NAME = trace-$(MODULE)$(if $(UNLOAD),-unload)
TRACE_LOG = $(BUILD)/$(TRACE_NAME).log
TRACE_TXT = $(BUILD)/$(if $(and $(filter helloworld,$(MODULE)),$(if $(UNLOAD),,1)),trace,$(TRACE_NAME)).txt
trace: image
	@grep -Eq '(^|/)$(MODULE)\.k?o$$' modules.order || $(if $(filter $(MODULE),$(TRACE_FIXTURES)),true,false) || \
		{ echo "make trace: MODULE=$(MODULE) is not a module of this suite (modules.order) nor a failure fixture ($(TRACE_FIXTURES))" >&2; exit 2; }
	@$(GUEST) $(SUITE_FILES) -q -n $(TRACE_NAME) trace kmodlab_trace=$(MODULE) \
		$(if $(UNLOAD),kmodlab_trace_unload=1)
	@sed -n '/^trace-load: begin/,/^trace-load: end/p' $(TRACE_LOG) | tee $(TRACE_TXT)
	@grep -q '^trace-load: end $(MODULE)$$' $(TRACE_LOG) || \
		{ grep '^trace-load: ' $(TRACE_LOG) >&2; \
		  echo "make trace: no whole trace of $(MODULE)" >&2; exit 1; }
	@$(if $(filter $(MODULE),$(TRACE_FIXTURES)),true,grep -Eq '^trace-load: [a-z]+ $(MODULE): exit 0(:|$$)' $(TRACE_LOG)) || \
		{ grep '^trace-load: [a-z]* .*: exit ' $(TRACE_LOG) >&2; \
		  echo "make trace: $(MODULE) did not $(if $(UNLOAD),unload,load)" >&2; exit 1; }

# Labs: skeletons for a learner, a learner's self-check, and CI's proof
# that every check passes on the solution and fails on the skeleton.
skels:
	labs/lab.sh skels

# Lab 6 reads a trace of helloworld's load and one of a failing init. A
# kernel that cannot trace (no function_graph tracer, no kprobe events)
# leaves trace-load's reason there instead, and lab 6 skips with it; any
# other failure fails. A trace is taken again when its module or
# trace-load.sh changed. Each is a make trace, whose image step builds
# what lab's other prerequisites build: those first, and the two traces
# one after the other, or make -j lab builds the same files twice at once.
LAB_TRACES := $(BUILD)/trace.txt $(BUILD)/trace-fixture_init_fail.txt
lab_trace_module = $(if $(findstring fixture_init_fail,$1),fixture_init_fail,helloworld)
$(LAB_TRACES): tests/trace-load.sh | $(STAMP) fixtures koinfo setup $(BASE)
$(BUILD)/trace.txt: $(STAMP)
$(BUILD)/trace-fixture_init_fail.txt: $(FIXTURES)/fixture_init_fail.ko | $(BUILD)/trace.txt
$(LAB_TRACES):
	$(MAKE) --no-print-directory trace MODULE=$(call lab_trace_module,$@) || \
		grep -E '^trace-load: no (function_graph tracer|kprobe events)' \
			$(BUILD)/trace-$(call lab_trace_module,$@).log >$@

lab: $(STAMP) fixtures koinfo setup $(BASE) $(LAB_TRACES)
	@test -n "$(N)" || { echo "usage: make lab N=<lab number>"; exit 2; }
	labs/lab.sh check $(N)

test-labs: $(STAMP) fixtures koinfo setup $(BASE) $(LAB_TRACES)
	$(call ktap_log,labs/lab.sh prove,build/labs.log)

bench: image
	@scripts/bench.sh

# tests/stress/ in a boot of its own, so that 'make test' stays quick; the
# STRESS_* variables reach the guest's environment by the command line,
# each one word for the shell, whatever it holds (then refused whole).
STRESS_VARS = $(foreach v,STRESS_CYCLES STRESS_RACES STRESS_SECONDS,\
		$(if $($(v)),'$(v)=$(subst ','\'',$($(v)))'))
stress: image
	@for v in $(STRESS_VARS); do case $${v#*=} in *[!0-9]* | 0*) echo "make stress: $${v%%=*} takes a whole number, 1 or more (not '$${v#*=}')" >&2; exit 2;; esac; done
	@$(GUEST) $(SUITE_FILES) -t $(or $(TIMEOUT),1800) stress $(STRESS_VARS)

# Signatures. The edge kernel's build made its own key in KDIR/certs and
# trusts it; Debian's trust Debian's key only, which we do not have. The
# cache holds two keys of kmodlab's own, made once (scripts/sign.sh key):
# kmodlab.pem, the one 'make sign' falls back to, and other.pem, a key no
# kernel was ever told of, for the refusal of another key.
KEYS := $(KMODLAB_CACHE)/keys
OWN_KEY := $(KEYS)/kmodlab.pem
OTHER_KEY := $(KEYS)/other.pem
KERNEL_KEY := $(KDIR)/certs/signing_key.pem
MODULE_SIG_KEY ?= $(if $(wildcard $(KERNEL_KEY)),$(KERNEL_KEY),$(OWN_KEY))
MODULE_SIG_CERT ?= $(if $(filter $(KERNEL_KEY),$(MODULE_SIG_KEY)),\
	$(KDIR)/certs/signing_key.x509,$(MODULE_SIG_KEY:.pem=.x509))
# The key a signature of "another key" uses: not the one signing.
SIG_OTHER := $(if $(filter $(OWN_KEY),$(MODULE_SIG_KEY)),$(OTHER_KEY),$(OWN_KEY))
SIGN = scripts/sign.sh sign
# 'make install' signs what it installs when you name a key, or when KDIR
# has the key its kernel trusts: not with kmodlab's own key unasked.
INSTALL_SIGN := $(if $(filter-out file,$(origin MODULE_SIG_KEY)),1,$(wildcard $(KERNEL_KEY)))

$(OWN_KEY) $(OTHER_KEY):
	scripts/sign.sh key $@

sign: modules $(filter $(OWN_KEY),$(MODULE_SIG_KEY))
	$(SIGN) $(MODULE_SIG_KEY) $(MODULE_SIG_CERT) $$(scripts/kos.sh)

# tests/sig/'s files, from helloworld.ko: unsigned, signed with the key
# 'make sign' uses, signed with another key, signed and then one byte of
# its description changed (a module that would load, were it not for the
# signature). sig.conf tells the guest whether this kernel trusts the key:
# only the key it was built with (KERNEL_KEY) is trusted. koinfo.txt is
# koinfo's prediction for each, as if enforced, which the guest checks.
# The kernel's own failover.ko (Debian's kernels: signed by Debian, with
# no dependency; .ko.xz on 6.12) shows what the kernel does trust.
SIG := $(BUILD)/sig
DISTRO_KO := $(wildcard $(KCACHE)/modules/kernel/net/core/failover.ko*)
SIG_KO := helloworld/helloworld.ko
sig-files: $(STAMP) koinfo $(OWN_KEY) $(OTHER_KEY)
	rm -rf $(SIG) && mkdir -p $(SIG)
	cp $(SIG_KO) $(SIG)/unsigned.ko
	scripts/sign.sh strip $(SIG)/unsigned.ko
	cp $(SIG)/unsigned.ko $(SIG)/signed.ko
	$(SIGN) $(MODULE_SIG_KEY) $(MODULE_SIG_CERT) $(SIG)/signed.ko
	cp $(SIG)/unsigned.ko $(SIG)/other.ko
	$(SIGN) $(SIG_OTHER) $(SIG_OTHER:.pem=.x509) $(SIG)/other.ko
	perl -pe 's/description=Log a line/description=Log a lime/' \
		$(SIG)/signed.ko >$(SIG)/tampered.ko
	! cmp -s $(SIG)/signed.ko $(SIG)/tampered.ko
	$(if $(DISTRO_KO),cp $(DISTRO_KO) $(SIG)/)
	{ echo 'trusted=$(if $(filter $(KERNEL_KEY),$(MODULE_SIG_KEY)),yes,no)'; \
	  echo 'distro=$(notdir $(DISTRO_KO))'; \
	  echo "signer='$$(openssl x509 -noout -subject -nameopt multiline \
		-in $(MODULE_SIG_CERT) -inform DER | sed -n 's/^ *commonName *= //p')'"; \
	  echo "keyid=$$(openssl x509 -noout -ext subjectKeyIdentifier \
		-in $(MODULE_SIG_CERT) -inform DER | sed -n '2{s/^ *//; s/://g; p}' | tr A-F a-f)"; \
	} >$(SIG)/sig.conf
	$(call koinfo_predict,--sig-enforce $(addprefix $(SIG)/,\
		unsigned.ko other.ko tampered.ko signed.ko),$(SIG)/koinfo.txt)

# A boot of its own, with signatures enforced (module.sig_enforce=1, what
# Secure Boot's lockdown does too): tests/sig/ only.
test-sig: sig-files setup $(BASE)
	@$(GUEST) -f $(SIG):sig -n test-sig sig module.sig_enforce=1

# Everything CI runs (scripts/test-all.sh); one closing line for all.
test-all:
	@MAKE="$(MAKE)" scripts/test-all.sh

# Static analysis of every file; the first run installs the tools.
lint:
	@scripts/setup.sh --lint
	scripts/lint.sh

# A board over ssh: the checks, the copy and the run are in the script.
deploy: modules fixtures
	scripts/board.sh deploy

setup-board:
	@scripts/setup.sh --board

$(KMODLAB_CACHE)/guest-board/.ready: setup-board

$(BOARD_KEY_QEMU):
	@mkdir -p $(@D)
	ssh-keygen -q -t ed25519 -N '' -C 'kmodlab QEMU board' -f $@

$(BOARD_LAYER): qemu/mkinitramfs.sh qemu/init $(BOARD_KEY_QEMU) \
		$(KMODLAB_CACHE)/guest-board/.ready
	qemu/mkinitramfs.sh board $(KMODLAB_CACHE)/guest-board/root $(KCACHE) \
		$(BOARD_KEY_QEMU).pub $@

board-image: setup $(BASE) $(BOARD_LAYER)

board-qemu: board-image
	scripts/board-qemu.sh start

board-qemu-stop:
	scripts/board-qemu.sh stop

# What CI runs: the whole suite over ssh against the QEMU board.
test-board-qemu: modules fixtures board-image
	scripts/board-qemu.sh run $(MAKE) --no-print-directory test-board BOARD=root@127.0.0.1

install: modules
	MAKE="$(MAKE)" $(if $(INSTALL_SIGN),SIGN_KEY="$(MODULE_SIG_KEY)" \
		SIGN_CERT="$(MODULE_SIG_CERT)") scripts/install.sh

# Install into build/, check the tree on the host beside a boot of the
# test image with the installed /etc files in place: the guest's /init
# loads what modules-load.d names, as a board does at boot, and checks it
# came up.
test-install: modules setup $(BASE)
	rm -rf $(INSTALL_ROOT)
	$(MAKE) --no-print-directory install INSTALL_MOD_PATH=$(INSTALL_ROOT)
	@INSTALL_ROOT=$(CURDIR)/$(INSTALL_ROOT) $(GUEST) -H host/install-tree.sh \
		$(foreach f,modprobe.d/kmodlab.conf modules-load.d/kmodlab.conf,\
			-f $(INSTALL_ROOT)/etc/$(f):/etc/$(f)) -n test-install installed

# DKMS, as on a board, for KDIR (the cached headers): all in $(BUILD)/dkms.
dkms-check: modules
	scripts/dkms.sh check $(KDIR)

# On the board, as root: sources to /usr/src/kmodlab-<version>, dkms install.
dkms-install:
	scripts/dkms.sh install

# What Kbuild built here, for KERNEL; the logs in build/ stay. The stamp
# goes too: the next guest target must run Kbuild again.
modules-clean:
	+$(if $(wildcard $(KDIR)/Makefile),$(KBUILD) clean)
	rm -f $(STAMP)

clean: modules-clean
	$(MAKE) -C tools/koinfo clean
	rm -rf build tests/fixtures/*/Module.symvers

FORCE:

.PHONY: all modules setup facts koinfo fixtures image test test-all \
	test-builds test-setup test-fresh test-own test-loader test-matrix \
	modules-clean demo trace shell skels lab test-labs bench stress lint \
	clean deploy test-board setup-board board-image board-qemu \
	board-qemu-stop test-board-qemu install test-install dkms-check \
	dkms-install sign sig-files test-sig compressed FORCE
