# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh disable=SC2034 # check.sh reads the answers
#
# Lab 6: answers about $TRACE, what 'make trace' printed (build/6.1/
# trace.txt) while the guest loaded helloworld, and $TRACE_FAIL (build/
# 6.1/trace-fixture_init_fail.txt, make trace MODULE=fixture_init_fail), a
# load whose init returns -ENODEV. Set each variable, to a value you read
# in the trace or to the command that reads it.
# labs/6-loader/check.sh compares them with the real trace.

# TODO 1: the system call kmod used to give the kernel the module's file
# (the first function in the trace, without the __arm64_sys_ prefix)
syscall=$(sed -n 's/.*__arm64_sys_\([a-z_]*\)().*/\1/p' "$TRACE" | head -n 1)
# TODO 1 end

# TODO 2: the first check load_module() makes, before it reads the module
syscheck=$(sed -n 's/^[^|]*| *\([a-z_]*\)();.*/\1/p' "$TRACE" | head -n 1)
# TODO 2 end

# TODO 3: the symbol whose CRC stands for the layout of struct module,
# checked before any symbol the module uses
layout_symbol=$(sed -n 's/.*check_version.*symbol="\([^"]*\)".*/\1/p' "$TRACE" |
	head -n 1)
# TODO 3 end

# TODO 4: the symbols resolve_symbol() looked up for the module, sorted,
# space-separated
resolved=$(sed -n 's/.*resolve: .* name="\([^"]*\)".*/\1/p' "$TRACE" | sort | xargs)
# TODO 4 end

# TODO 5: how many times apply_relocate_add() ran (once per relocation
# section of the module's memory)
relocations=$(grep -c 'apply_relocate_add();' "$TRACE")
# TODO 5 end

# TODO 6: the loader's function that calls the module's init
calls_init=$(grep -B1 '\[helloworld\]' "$TRACE" |
	sed -n 's/^[^|]*| *\([a-z_]*\)() {.*/\1/p' | head -n 1)
# TODO 6 end

# TODO 7: what load_module() returned
load_ret=$(sed -n 's/.*load_done: .* ret=\([-0-9a-fx]*\).*/\1/p' "$TRACE")
# TODO 7 end

# TODO 8: in $TRACE_FAIL, the loader's function that do_init_module()
# calls once the module's init has failed (it gives the memory back)
after_failed_init=$(sed -n '/do_init_module() {/,/^[^|]*| *} *$/p' "$TRACE_FAIL" |
	sed -n 's/^[^|]*| *\([a-z_]*\)();.*/\1/p' | head -n 1)
# TODO 8 end

# TODO 9: what do_init_module() returned for that load (insmod printed
# it as "No such device")
failed_init_ret=$(sed -n 's/.*init_done: .* ret=\([-0-9]*\).*/\1/p' "$TRACE_FAIL")
# TODO 9 end
