#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The tutorial's commands, typed for you in the guest, with their real
# output: what a learner sees on a board after copying helloworld.ko.

# shellcheck source=tests/kmod_tools.sh
. /kmodlab/tests/kmod_tools.sh

ko=/lib/modules/$(uname -r)/extra/helloworld.ko

show() {
	printf '\n$ %s\n' "$*"
	eval "$*"
}

show uname -r
show lsmod
show insmod "$ko"
show lsmod
show 'dmesg | tail -n 3'
show cat /sys/module/helloworld/initstate /sys/module/helloworld/taint
show modinfo "$ko"
show insmod "$ko"
show rmmod helloworld
show 'dmesg | tail -n 1'
show lsmod
echo
